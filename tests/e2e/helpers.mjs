// What the browser suites share: where the page, the CLI and the browser are, how they run the
// CLI, start Chromium on the built page, open the page, read its summary and take a download.
// Each suite compares the page with the CLI's answer for the same file and options.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
/** The built page (`trunk build --release`). */
export const DIST = join(ROOT, 'dist');
/** Screenshots. */
export const ARTIFACTS = join(HERE, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The bundled sample, with the mistakes admins typically make. */
export const SAMPLE = join(ROOT, 'samples/sample-with-mistakes.csv');
/** The `orgsync` binary the suites compare the page with (`cargo build` makes it). */
export const CLI = process.env.ORGSYNC_CLI ?? join(ROOT, 'target/debug/orgsync');

/** Runs the CLI; exit 1 (errors found) is an answer, any other failure throws. */
export function cli(args) {
  const r = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`orgsync ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return r;
}

/** The CLI's JSON report of a file: `orgsync check --format json ARGS FILE`. */
export function cliReport(file, args = []) {
  return JSON.parse(cli(['check', '--format', 'json', ...args, file]).stdout);
}

/** The corrected file of `orgsync fix FILE ARGS`, written to a new file in `dir`, as bytes. */
export function cliCorrected(file, args, dir) {
  const out = join(dir, `cli-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  cli(['fix', file, '-o', out, ...args]);
  return readFileSync(out);
}

/** The counts the page's summary shows, as the CLI's JSON report gives them. */
export function counts(json) {
  return { errors: json.summary.errors, warnings: json.summary.warnings, infos: json.summary.infos, rows: json.file.rows };
}

/** The counts a summary card (`locator`) shows in its data attributes, once it is there. */
export async function shownCounts(locator) {
  await locator.waitFor({ timeout: 60_000 });
  const n = async (a) => Number(await locator.getAttribute(a));
  return { errors: await n('data-errors'), warnings: await n('data-warnings'), infos: await n('data-infos'), rows: await n('data-rows') };
}

/**
 * One browser suite's Chromium: before its tests, serves dist/ on a free port and starts Chromium
 * on a fresh profile in a new scratch folder (`prefix` names it), failing first if the page or the
 * CLI has not been built; after them, closes all. Its pages' errors gather in `problems`, their
 * requests in `requests` ({ url, afterLoad }). `offline`: a page is loaded once its service worker
 * has cached the build too (web/pwa/sw.template.js; its requests belong to the load).
 */
export function chromiumSuite(prefix, { viewport = { width: 1280, height: 800 }, offline = false } = {}) {
  const suite = {
    problems: [],
    requests: [],
    /** The scratch folder, and the page's origin (once started). */
    work: '',
    origin: '',
    /** A fresh page at `origin/hash`, loaded, with its checker ready. */
    openPage: (hash = '') => openPage(context, `${suite.origin}/${hash}`, { ...suite, offline }),
    /** Clicks a download button and saves the file in the scratch folder: { path, name, bytes }. */
    download: (page, testid) => downloadTo(page, testid, suite.work),
    /** The corrected file of `orgsync fix FILE ARGS`, as bytes. */
    cliFix: (file, args = []) => cliCorrected(file, args, suite.work),
    /** The requests to another origin than the page's (blob: and data: URLs aside). */
    foreign: () => suite.requests.filter((r) => !r.url.startsWith(suite.origin + '/') && !local(r.url)),
    /** The requests made after a page had loaded (blob: and data: URLs aside). */
    late: () => suite.requests.filter((r) => r.afterLoad && !local(r.url)),
  };
  let server, context;
  before(async () => {
    assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
    assert.ok(existsSync(CLI), `the CLI is missing at ${CLI}: cargo build -p orgsync-cli`);
    mkdirSync(ARTIFACTS, { recursive: true });
    suite.work = mkdtempSync(join(tmpdir(), prefix));
    server = await serve(DIST, 0);
    suite.origin = `http://127.0.0.1:${server.address().port}`;
    context = await chromium.launchPersistentContext(join(suite.work, 'profile'), {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, acceptDownloads: true, viewport,
    });
  });
  after(async () => {
    await context?.close();
    server?.close();
    if (suite.work) rmSync(suite.work, { recursive: true, force: true });
  });
  return suite;
}

const local = (url) => url.startsWith('blob:') || url.startsWith('data:');

/** Collects into `problems` every console error and uncaught exception of `page` and its workers. */
export function watchErrors(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker: ${m.text()}`); }));
}

/**
 * A fresh page at `url`, loaded, with its checker ready (and, with `offline`, the build cached by
 * its service worker: web/pwa/sw.template.js, whose requests belong to the load). Its errors go
 * to `problems`; each request it makes to `requests` as { url, afterLoad }.
 */
export async function openPage(context, url, { problems, requests, offline = false }) {
  const page = await context.newPage();
  watchErrors(page, problems);
  let loaded = false;
  if (requests) page.on('request', (r) => requests.push({ url: r.url(), afterLoad: loaded }));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  if (offline) await page.waitForSelector('body[data-offline]', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  loaded = true;
  return page;
}

/** Clicks a download button and saves the file in `dir`: { path, name, bytes }. */
export async function downloadTo(page, testid, dir) {
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click(`[data-testid="${testid}"]`),
  ]);
  const path = join(dir, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return { path, name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

/**
 * A copy of the example portal (examples/portal) in `dir` that frames the page served at
 * `pageOrigin` (another port than the portal's): only its data-checker and its CSP's frame-src
 * change. (A copy, not a routed response: Chromium's local network checks block a routed,
 * address-less document from framing 127.0.0.1.) Its own upload form imports the JS API package
 * from the repository layout (`../../crates/orgsync-js/pkg/`, from the portal's root
 * `/crates/orgsync-js/pkg/`): built if missing, and copied there.
 */
export function portalFraming(dir, pageOrigin) {
  const portal = join(ROOT, 'examples/portal');
  cpSync(portal, dir, { recursive: true });
  const html = readFileSync(join(portal, 'index.html'), 'utf8');
  assert.ok(html.includes('data-checker="../../dist/"') && html.includes("frame-src 'self'"));
  writeFileSync(join(dir, 'index.html'), html
    .replace('data-checker="../../dist/"', `data-checker="${pageOrigin}/"`)
    .replace("frame-src 'self'", `frame-src 'self' ${pageOrigin}`));
  const pkg = join(ROOT, 'crates/orgsync-js/pkg');
  if (!existsSync(join(pkg, 'index.js'))) {
    const built = spawnSync(join(ROOT, 'scripts/build-js.sh'), [], { stdio: 'inherit' });
    assert.equal(built.status, 0, 'scripts/build-js.sh failed');
  }
  cpSync(pkg, join(dir, 'crates/orgsync-js/pkg'), { recursive: true });
}

/**
 * Serves `dir` on 127.0.0.1, on `port` (again, after a cut) or a free one, telling `heard` the
 * path of each request it answers: { server, port, origin }.
 */
export async function serveHeard(dir, port, heard) {
  const server = await serve(dir, port ?? 0);
  server.on('request', (req) => heard(new URL(req.url, 'http://x').pathname));
  const at = server.address().port;
  return { server, port: at, origin: `http://127.0.0.1:${at}` };
}

/** Stops a server and drops its open connections: the network cut, for a page that used it. */
export async function cut(server) {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
}
