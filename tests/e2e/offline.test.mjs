// Offline and installable, verified in Chromium: after one visit the page reloads with the network
// cut and checks, fixes and downloads as before; its service worker caches exactly the build's
// files and asks for nothing else; a new build is offered ("A new version is ready"), never swapped
// under the page; the manifest makes it installable and "Open with" hands it a CSV.
//
// The site is a copy of dist/ served on 127.0.0.1; "the network cut" is that server closed, so
// nothing answers at all. Run with scripts/e2e.sh (after the page is built).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args.mjs';
import { CHROMIUM, DIST, SAMPLE, cli, cut, serveHeard } from './helpers.mjs';

let work, site, server, port, origin;
/** Every request the server answered: { path, when }. */
const served = [];
let when = 'idle';

function files(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, root));
    else out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort();
}

/** The list and version sw.js was written with at build time. */
function precacheOf(dir) {
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const version = JSON.parse(sw.match(/^const VERSION = (".*?");$/m)[1]);
  const list = JSON.parse(sw.match(/^const FILES = (\[[\s\S]*?\]);$/m)[1]);
  return { version, list };
}

async function start() {
  ({ server, port, origin } = await serveHeard(site, port, (path) => served.push({ path, when })));
}

const stop = () => cut(server);

async function browser(name, init) {
  const context = await chromium.launchPersistentContext(join(work, `profile-${name}`), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  const log = { sw: [], problems: [] };
  context.on('request', (r) => { if (r.serviceWorker()) log.sw.push(r.url()); });
  context.on('page', (p) => {
    p.on('console', (m) => { if (m.type() === 'error') log.problems.push(`console: ${m.text()}`); });
    p.on('pageerror', (e) => log.problems.push(`pageerror: ${e.message}`));
  });
  if (init) await context.addInitScript(init);
  return { context, log };
}

/** Opens the page and waits until it is ready and its service worker controls it. */
async function visit(context) {
  const page = context.pages()[0] ?? await context.newPage();
  when = 'load';
  await page.goto(origin + '/');
  await ready(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  when = 'idle';
  return page;
}

async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForSelector('body[data-offline="ready"]', { timeout: 30_000 });
}

async function summary(page) {
  const s = page.locator('[data-testid="summary"]');
  await s.waitFor({ timeout: 60_000 });
  return { errors: Number(await s.getAttribute('data-errors')), warnings: Number(await s.getAttribute('data-warnings')), rows: Number(await s.getAttribute('data-rows')) };
}

async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(`[data-testid="${testid}"]`)]);
  const path = join(work, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return readFileSync(path);
}

const cacheNames = (page) => page.evaluate(() => caches.keys());

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
  assert.ok(existsSync(join(DIST, 'sw.js')), 'dist/sw.js is missing: the Trunk post_build hook (web/pwa/precache.mjs) did not run');
  work = mkdtempSync(join(tmpdir(), 'orgsync-offline-'));
  site = join(work, 'site');
  cpSync(DIST, site, { recursive: true });
  await start();
});

after(async () => {
  if (server?.listening) await stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('offline and installable', () => {
  test('sw.js precaches exactly the files of the build, under a version that is a hash of them', () => {
    const { version, list } = precacheOf(DIST);
    assert.match(version, /^[0-9a-f]{16}$/);
    assert.deepEqual(list, ['', ...files(DIST).filter((f) => f !== 'sw.js')]);
    // The workbook worker loads only when a workbook comes: precached all the same, it works offline.
    for (const own of ['index.html', 'web_bg.wasm', 'worker_bg.wasm', 'worker.js', 'workbook_worker_bg.wasm', 'workbook_worker_loader.js', 'manifest.webmanifest', 'icon-192.png']) {
      assert.ok(list.includes(own), `${own} is precached`);
    }
  });

  test('after one visit, a reload with the network cut checks, fixes and downloads as before', async () => {
    served.length = 0;
    const { context, log } = await browser('offline');
    try {
      const page = await visit(context);
      const { version, list } = precacheOf(site);
      assert.deepEqual(await cacheNames(page), [`orgsync-preflight-${version}`]);
      const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).length, `orgsync-preflight-${version}`);
      assert.equal(cached, list.length, 'every file of the build is cached');

      // What the service worker fetched: the page's own files, each once, nothing else.
      const own = new Set(list.map((f) => new URL(f, origin + '/').href));
      assert.ok(log.sw.length >= list.length, `the worker's requests were recorded (${log.sw.length})`);
      // (Its own script, sw.js, is fetched in its name too.)
      assert.deepEqual(log.sw.filter((u) => !own.has(u) && u !== `${origin}/sw.js`), [], 'the service worker asked only for the page\'s files');
      assert.deepEqual(served.filter((r) => !own.has(origin + r.path) && r.path !== '/sw.js'), [], 'the server was asked only for the page\'s files');

      // The network is cut: nothing listens on the page's port any more.
      await stop();
      served.length = 0;
      await page.reload();
      await ready(page);
      await page.click('[data-testid="sample-button"]');
      const got = await summary(page);
      const expected = JSON.parse(cli(['check', '--format', 'json', SAMPLE]).stdout).summary;
      assert.equal(got.errors, expected.errors);
      assert.equal(got.warnings, expected.warnings);
      const corrected = await download(page, 'download-corrected');
      const out = join(work, 'cli-corrected.csv');
      cli(['fix', SAMPLE, '-o', out]);
      assert.ok(corrected.equals(readFileSync(out)), 'offline, the corrected file equals the CLI\'s');
      // A second page of the same app opens offline too (a new tab, not only a reload).
      const second = await context.newPage();
      await second.goto(origin + '/#theme=dark');
      await ready(second);
      assert.equal(served.length, 0, 'nothing reached a server while offline');
      assert.deepEqual(log.problems, [], 'no console error');
    } finally {
      await context.close();
      if (!server.listening) await start();
    }
  });

  test('a new build is offered with a reload notice, not swapped under the page; its activation deletes the old cache', async () => {
    const { context, log } = await browser('update');
    try {
      const page = await visit(context);
      const { version } = precacheOf(site);
      // "Deploy" a new build: same files, a new version.
      const swPath = join(site, 'sw.js');
      const old = readFileSync(swPath, 'utf8');
      writeFileSync(swPath, old.replace(`const VERSION = "${version}";`, 'const VERSION = "next-build-0001";'));
      try {
        await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
        await page.locator('[data-testid="update-ready"]').waitFor({ timeout: 30_000 });
        // The running page keeps its build until the admin says so.
        assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL.endsWith('/sw.js')), true);
        assert.ok((await cacheNames(page)).includes(`orgsync-preflight-${version}`), 'the old build is still cached');
        await page.click('[data-testid="sample-button"]');
        await summary(page);
        await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.click('[data-testid="update-reload"]')]);
        await ready(page);
        await page.waitForFunction(async () => (await caches.keys()).join() === 'orgsync-preflight-next-build-0001', null, { timeout: 30_000 });
        assert.equal(await page.locator('[data-testid="update-ready"]').count(), 0, 'no notice after the reload');
        assert.deepEqual(log.problems, [], 'no console error');
      } finally {
        writeFileSync(swPath, old);
      }
    } finally {
      await context.close();
    }
  });

  test('the manifest makes the page installable, with a CSV file handler', async () => {
    const { context } = await browser('install');
    try {
      const page = await visit(context);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, [], 'the manifest parses without errors');
      const data = JSON.parse(manifest.data);
      assert.equal(data.display, 'standalone');
      assert.ok(data.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'));
      assert.ok(data.file_handlers[0].accept['text/csv'].includes('.csv'));
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, [], 'Chromium can install the page');
      for (const icon of data.icons) {
        const r = await page.request.get(new URL(icon.src, origin + '/').href);
        assert.equal(r.status(), 200, `${icon.src} is served`);
      }
    } finally {
      await context.close();
    }
  });

  test('"Open with" hands the file to the page through launchQueue, which checks it', async () => {
    // Chromium gives launchQueue to installed apps only; this stands in for it with the same API
    // (setConsumer, then a LaunchParams whose files are handles with getFile()).
    const fake = () => {
      Object.defineProperty(window, 'launchQueue', {
        configurable: true,
        value: { setConsumer(fn) { window.__orgsyncLaunch = fn; } },
      });
    };
    const { context, log } = await browser('launch', fake);
    try {
      const page = await visit(context);
      const text = readFileSync(SAMPLE, 'utf8');
      await page.evaluate(async (csv) => {
        const file = new File([csv], 'opened-with.csv', { type: 'text/csv' });
        await window.__orgsyncLaunch({ files: [{ kind: 'file', name: file.name, getFile: async () => file }] });
      }, text);
      const got = await summary(page);
      const expected = JSON.parse(cli(['check', '--format', 'json', SAMPLE]).stdout).summary;
      assert.equal(got.errors, expected.errors);
      assert.equal(got.warnings, expected.warnings);
      assert.deepEqual(log.problems, [], 'no console error');
    } finally {
      await context.close();
    }
  });
});
