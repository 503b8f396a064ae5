// The page in Firefox and WebKit (Safari's engine): the defined core of the browser suite, run in
// each engine besides Chromium (which runs every suite). For each engine: the sample checked with
// the CLI's counts and every download byte-identical to the CLI's; a legacy-encoded file; privacy
// (the server hears only the page's own files, and nothing after load); a reload with the network
// cut after one visit; the page framed by the example portal posting its counts-only summary.
// A screenshot of each engine goes to tests/e2e/artifacts/.
//
// ENGINES=firefox,webkit (the default) chooses; an engine that cannot start here is reported as a
// skipped test with the reason, never silently dropped. Run with scripts/e2e.sh, which builds the
// CLI and the page and runs this file under xvfb-run (MiniBrowser needs a display).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from './static-server.mjs';
import { captureDownloads, launch, unavailable, until } from './engines.mjs';
import { ARTIFACTS, CLI, DIST, ROOT, SAMPLE, cli, cliReport, counts, cut, portalFraming, serveHeard } from './helpers.mjs';
/** A file as Excel writes it on a Western European Windows: Windows-1252, semicolons. */
const LEGACY = join(ROOT, 'tests/cases/windows-1252/input.csv');
const ENGINES = (process.env.ENGINES ?? 'firefox,webkit').split(',').map((e) => e.trim()).filter(Boolean);

let work, site, server, port, origin, portalServer, portalOrigin;
const served = [];
let phase = 'idle';


/** The CLI's four outputs for a file: { corrected, report, findings, json } as Buffers. */
function cliOutputs(file, name) {
  const out = join(work, `cli-${name}`);
  mkdirSync(out, { recursive: true });
  cli(['fix', file, '-o', join(out, 'c.csv'), '--report', join(out, 'r.csv'), '--findings', join(out, 'f.csv'), '--json', join(out, 'j.json')]);
  return { corrected: readFileSync(join(out, 'c.csv')), report: readFileSync(join(out, 'r.csv')), findings: readFileSync(join(out, 'f.csv')), json: readFileSync(join(out, 'j.json')) };
}

async function startSite() {
  ({ server, port, origin } = await serveHeard(site, port, (path) => served.push({ path, phase })));
}

const stopSite = () => cut(server);

/** Opens the page and waits until it is ready (and its service worker, where there is one). */
async function openPage(b, url = origin + '/') {
  phase = 'load';
  await b.open(url);
  await ready(b);
  phase = 'after-load';
}

async function ready(b) {
  await b.waitFor('body[data-ready="true"]', 60_000);
  await b.waitFor('body[data-offline]', 60_000);
}

async function summary(b) {
  await b.waitFor('[data-testid="summary"]', 120_000);
  return b.eval(() => {
    const s = document.querySelector('[data-testid="summary"]');
    const n = (a) => Number(s.getAttribute(a));
    return { errors: n('data-errors'), warnings: n('data-warnings'), infos: n('data-infos'), rows: n('data-rows') };
  });
}

const expectedCounts = (file) => counts(cliReport(file));

/** Clicks a download button; returns the bytes the page handed to the browser. */
async function download(b, testid) {
  const before = await b.eval(() => window.__downloads.length);
  await b.click(`[data-testid="${testid}"]`);
  const got = await until(`the ${testid} download`, () => b.eval((n) => {
    const d = window.__downloads[n];
    return d && d.b64 !== null ? d : null;
  }, before), 60_000);
  return { name: got.name, bytes: Buffer.from(got.b64, 'base64') };
}

const servedOutside = () => served.filter((r) => r.phase !== 'load');

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
  assert.ok(existsSync(CLI), `the CLI is missing at ${CLI}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'orgsync-engines-'));
  site = join(work, 'site');
  cpSync(DIST, site, { recursive: true });
  await startSite();
  // The example portal on another port frames the page (as embed.test.mjs sets it up).
  const portalDir = join(work, 'portal');
  portalFraming(portalDir, origin);
  portalServer = await serve(portalDir, 0);
  portalOrigin = `http://127.0.0.1:${portalServer.address().port}`;
});

after(async () => {
  if (server?.listening) await stopSite();
  portalServer?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

for (const engine of ENGINES) {
  describe(engine, () => {
    const why = unavailable(engine);
    let b;
    before(async () => {
      if (why) return;
      b = await launch(engine, { userDataDir: mkdtempSync(join(tmpdir(), `orgsync-${engine}-`)) });
      console.log(`# ${engine}: ${b.version}`);
    });
    after(async () => { await b?.close(); });

    test('the sample: the CLI\'s counts, every download byte-identical to the CLI\'s, and only the page\'s own files asked for, all while loading', { skip: why ?? false }, async () => {
      served.length = 0;
      await openPage(b);
      await b.eval(captureDownloads);
      await b.click('[data-testid="sample-button"]');
      assert.deepEqual(await summary(b), expectedCounts(SAMPLE));
      // The page has finished laying out its results once it says what is left after the fixes.
      await b.waitFor('[data-testid="left"] [data-errors]', 60_000);
      const cliOut = cliOutputs(SAMPLE, `sample-${engine}`);
      const corrected = await download(b, 'download-corrected');
      assert.equal(corrected.name, 'sample-with-mistakes.corrected.csv');
      assert.ok(corrected.bytes.equals(cliOut.corrected), 'corrected CSV equals the CLI\'s');
      assert.ok((await download(b, 'download-report')).bytes.equals(cliOut.report), 'error report equals the CLI\'s');
      assert.ok((await download(b, 'download-findings')).bytes.equals(cliOut.findings), 'findings CSV equals the CLI\'s');
      const json = JSON.parse((await download(b, 'download-json')).bytes.toString('utf8'));
      assert.deepEqual(json.summary, JSON.parse(cliOut.json.toString('utf8')).summary);
      await b.eval(() => document.querySelector('[data-testid="summary"]').scrollIntoView({ block: 'start' }));
      await b.screenshot(join(ARTIFACTS, `engine-${engine}.png`));
      // Privacy: the server heard the page's own files while it loaded, and nothing after.
      const assets = new Set(['/', ...cpFiles()]);
      assert.ok(served.some((r) => r.path === '/worker_bg.wasm'), 'the worker\'s requests reached the recorder');
      assert.deepEqual(served.filter((r) => !assets.has(r.path)), [], 'asked only for the page\'s files');
      assert.deepEqual(servedOutside(), [], 'nothing asked for after the page had loaded');
      assert.deepEqual(b.problems, [], 'no console error');
    });

    test('a legacy-encoded file (Windows-1252, semicolons): the CLI\'s counts and corrected file', { skip: why ?? false }, async () => {
      await openPage(b);
      await b.eval(captureDownloads);
      await b.upload('[data-testid="file-input"]', LEGACY);
      assert.deepEqual(await summary(b), expectedCounts(LEGACY));
      const corrected = await download(b, 'download-corrected');
      assert.ok(corrected.bytes.equals(cliOutputs(LEGACY, `legacy-${engine}`).corrected), 'corrected CSV equals the CLI\'s');
    });

    test('the page framed by the example portal posts one counts-only summary to it', { skip: why ?? false }, async () => {
      await b.open(`${portalOrigin}/`);
      await b.eval(() => {
        window.__orgsync = [];
        window.addEventListener('message', (e) => {
          if (e.data && typeof e.data === 'object' && String(e.data.type).startsWith('orgsync:')) window.__orgsync.push({ origin: e.origin, data: e.data });
        });
      });
      await b.frame('#orgsync-frame');
      await ready(b);
      await b.upload('[data-testid="file-input"]', SAMPLE);
      await summary(b);
      await b.frame(null);
      const got = await until('the portal\'s message', () => b.eval(() => (window.__orgsync.length ? window.__orgsync : null)), 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await b.eval(() => window.__orgsync.length)), 1, 'exactly one message');
      assert.equal(got[0].origin, origin);
      assert.equal(got[0].data.type, 'orgsync:checked');
      const json = cliReport(SAMPLE);
      assert.equal(got[0].data.summary.errors, json.summary.errors);
      assert.deepEqual(got[0].data.summary.by_code, json.summary.by_code);
    });

    test('after one visit, a reload with the network cut checks the sample', { skip: why ?? false }, async (t) => {
      await openPage(b);
      const offline = await b.eval(() => document.body.getAttribute('data-offline'));
      if (offline !== 'ready') {
        t.skip(`${engine}'s automation gives this page no service worker (data-offline=${offline}): the page works online only here`);
        return;
      }
      await until('the service worker to control the page', () => b.eval(() => navigator.serviceWorker.controller !== null), 30_000);
      await stopSite();
      try {
        served.length = 0;
        await b.reload();
        await ready(b);
        await b.click('[data-testid="sample-button"]');
        assert.deepEqual(await summary(b), expectedCounts(SAMPLE));
        assert.equal(served.length, 0, 'nothing reached a server');
      } finally {
        await startSite();
      }
    });
  });
}

function cpFiles() {
  return spawnSync('find', ['.', '-type', 'f'], { cwd: DIST, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((f) => f.slice(1));
}
