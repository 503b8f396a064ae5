// Privacy, verified in Chromium: the page asks for its own files while it loads and nothing
// after, whatever the user does; it keeps working with the network cut; its Content-Security-
// Policy allows only its own origin. Run with scripts/e2e.sh (after the page is built).
//
// Requests are recorded three independent ways, so none can slip past: the browser context's
// request events (Playwright reports the page's and its Web Worker's requests there), a
// `context.route('**')` handler that sees every request the browser would send (the worker's
// included) before it leaves, and the static server's own log. The test proves each recorder
// saw the worker's own requests (worker.js, worker_bg.wasm), so "worker requests count" is
// checked, not assumed.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FIXTURES = join(HERE, 'fixtures');
/** The page's own files: what dist/ holds, and `/` for index.html. */
const ASSETS = new Set(['/', ...readdirSync(DIST).filter((f) => statSync(join(DIST, f)).isFile()).map((f) => `/${f}`)]);

let server, origin, work, realistic;
/** Every request that reached the static server: { path, phase }. */
const served = [];
let phase = 'idle';

/** A realistic file: 3,000 users, about 1 in 25 rows with one of Excel's typical mistakes. */
function realisticFile(path) {
  const first = ['Amelia', 'Daniel', 'Priya', 'Lucas', 'Sofia', 'Kwame', 'Yuki', 'Mateo', 'Chloe', 'Omar'];
  const last = ['Wright', 'Okafor', 'Raman', 'Meyer', 'Rossi', 'Asante', 'Tanaka', 'Silva', 'Dubois', 'Haddad'];
  let text = 'primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,nwt_license_learning_status,group:Sales,group:Engineering\r\n';
  for (let i = 0; i < 3000; i++) {
    const f = first[i % 10], l = `${last[(i / 10 | 0) % 10]}${i}`;
    let email = `${f.toLowerCase()}.${l.toLowerCase()}@northwind.com`, license = 'Active', sales = i % 2 ? 'yes' : '', name = f;
    switch (i % 25) {
      case 3: email = ` ${email} `; break;
      case 7: license = 'ACTIVE'; break;
      case 11: email = email.replace('northwind.com', 'gmial.com'); break;
      case 15: sales = 'Yes'; break;
      case 19: name = `${f} `; break;
      case 23: email = email.replace('@', ' at '); break;
    }
    text += `${email},${name},${l},Engineer,NW${String(i).padStart(6, '0')},${license},${sales},\r\n`;
  }
  writeFileSync(path, text);
}

/** A fresh browser context (its own user-data-dir) whose every request is recorded twice. */
async function recordedContext(name) {
  const context = await chromium.launchPersistentContext(join(work, `profile-${name}`), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  const log = { events: [], routed: [], problems: [], sw: [] };
  context.on('request', (r) => {
    log.events.push({ url: r.url(), phase });
    // The service worker's own requests (it precaches the build) are recorded on their own too.
    if (r.serviceWorker()) log.sw.push({ url: r.url(), phase });
  });
  await context.route('**', async (route) => {
    log.routed.push({ url: route.request().url(), phase });
    if (log.abortAll) await route.abort('internetdisconnected');
    else await route.continue();
  });
  context.on('page', (p) => {
    p.on('console', (m) => { if (m.type() === 'error') log.problems.push(`console: ${m.text()}`); });
    p.on('pageerror', (e) => log.problems.push(`pageerror: ${e.message}`));
    p.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') log.problems.push(`worker: ${m.text()}`); }));
  });
  return { context, log };
}

async function load(context) {
  const page = await context.newPage();
  phase = 'load';
  await page.goto(origin + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  // The service worker has cached the build (web/pwa/sw.template.js): its requests belong to the load.
  await page.waitForSelector('body[data-offline="ready"]', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  phase = 'after-load';
  return page;
}

async function summary(page) {
  const s = page.locator('[data-testid="summary"]');
  await s.waitFor({ timeout: 60_000 });
  return { errors: Number(await s.getAttribute('data-errors')), rows: Number(await s.getAttribute('data-rows')) };
}

/** Clicks a download button; returns the downloaded bytes. */
async function download(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  const path = join(work, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

const byTestId = (page, id) => () => page.click(`[data-testid="${id}"]`);

/** Every download of a checked file: the four outputs, then the corrected CSV with a fix off. */
async function allDownloads(page) {
  const got = {};
  for (const id of ['download-corrected', 'download-report', 'download-findings', 'download-json']) {
    got[id] = await download(page, byTestId(page, id));
    assert.ok(got[id].bytes.length > 0, `${id} is not empty`);
  }
  JSON.parse(got['download-json'].bytes.toString('utf8'));
  const rule = page.locator('[data-testid="fix-rule"]:has([data-testid="fix-safe"])').first();
  await rule.locator('[data-testid="fix-safe"]').uncheck();
  const off = await download(page, byTestId(page, 'download-corrected'));
  assert.ok(!off.bytes.equals(got['download-corrected'].bytes), 'turning a fix off changes the corrected file');
  await rule.locator('[data-testid="fix-safe"]').check();
  const suggestedAll = page.locator('[data-testid="all-suggested"]');
  if (await suggestedAll.count()) {
    await suggestedAll.check();
    await download(page, byTestId(page, 'download-corrected'));
    await suggestedAll.uncheck();
  }
  return got;
}

/** Everything a user can do on the page: two files checked, every download, both templates,
 *  the group glossary, a re-check with its groups. */
async function everything(page) {
  await page.click('[data-testid="sample-button"]');
  const sample = await summary(page);
  assert.ok(sample.errors > 0, 'the sample has errors');
  await allDownloads(page);

  await page.setInputFiles('[data-testid="file-input"]', realistic);
  const real = await summary(page);
  assert.equal(real.rows, 3000);
  await allDownloads(page);

  await page.click('text=Templates');
  await page.locator('[data-testid="template-licenses"]').fill('nwt_license_learning_status');
  const users = await download(page, byTestId(page, 'download-template'));
  await page.locator('input[name="tpl"]').nth(1).check();
  const admins = await download(page, byTestId(page, 'download-template'));
  assert.match(users.bytes.toString('utf8'), /^primary_email_address,.*nwt_license_learning_status/);
  assert.ok(admins.bytes.length > users.bytes.length, 'the admins template has more columns');

  await page.click('text=Known groups');
  await page.setInputFiles('[data-testid="export-input"]', join(FIXTURES, 'user-export.csv'));
  await page.locator('[data-testid="glossary"] li').first().waitFor();
  await page.click('text=Use as known groups');
  await page.click('text=Check again with these groups');
  await summary(page);
}

function paths(list) {
  return list.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
  work = mkdtempSync(join(tmpdir(), 'orgsync-privacy-'));
  realistic = join(work, 'northwind-users.csv');
  realisticFile(realistic);
  server = await serve(DIST, 0);
  server.on('request', (req) => served.push({ path: new URL(req.url, 'http://x').pathname, phase }));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('privacy', () => {
  test('every request, from load through checks, fixes, all downloads, templates and the glossary, is for the page\'s own files, before the first check', async () => {
    served.length = 0;
    const { context, log } = await recordedContext('requests');
    try {
      const page = await load(context);
      await everything(page);
      phase = 'idle';
      await page.close();
    } finally {
      await context.close();
    }
    assert.deepEqual(log.problems, [], 'no console error');
    for (const [name, list] of [['request events', log.events], ['route handler', log.routed]]) {
      const network = paths(list);
      assert.ok(network.length > 0, `${name}: recorded something`);
      assert.deepEqual(network.filter((r) => !r.url.startsWith(origin + '/')), [], `${name}: requests to another origin`);
      assert.deepEqual(network.filter((r) => r.phase !== 'load'), [], `${name}: requests after the page had loaded`);
      const seen = new Set(network.map((r) => new URL(r.url).pathname));
      assert.deepEqual([...seen].filter((p) => !ASSETS.has(p)), [], `${name}: requests for anything but the page's files`);
      // The worker's own requests were seen: worker requests are counted, not missed.
      for (const own of ['/worker_loader.js', '/worker.js', '/worker_bg.wasm', '/web_bg.wasm']) {
        assert.ok(seen.has(own), `${name} saw ${own}`);
      }
      // Downloads are blob: URLs of the page's own origin, never the network.
      assert.deepEqual(list.filter((r) => r.url.startsWith('blob:') && !r.url.startsWith(`blob:${origin}/`)), [], `${name}: foreign blobs`);
    }
    // The service worker was recorded, and it asked only for the page's files, while loading.
    assert.ok(log.sw.length > 0, 'the service worker\'s requests were recorded');
    assert.deepEqual(log.sw.filter((r) => r.phase !== 'load' || !r.url.startsWith(origin + '/') || !ASSETS.has(new URL(r.url).pathname)), [], 'service worker requests beyond the page\'s files or after load');
    assert.deepEqual(served.filter((r) => r.phase !== 'load'), [], 'the server heard nothing after load');
    assert.deepEqual(served.filter((r) => !ASSETS.has(r.path)), [], 'the server was asked only for the page\'s files');
    console.log(`# requests: ${paths(log.events).length} (request events), ${paths(log.routed).length} (route handler), ${served.length} (server), all while loading; ` +
      `${log.events.length - paths(log.events).length} blob: downloads; paths: ${[...new Set(served.map((r) => r.path))].sort().join(' ')}`);
  });

  test('with the network cut after load, checks, fix toggles, every download, templates and the glossary still work', async () => {
    const { context, log } = await recordedContext('offline');
    try {
      const page = await load(context);
      const loaded = paths(log.routed).length;
      await context.setOffline(true);
      log.abortAll = true;
      phase = 'offline';
      assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser is offline');
      // (Not one of the page's files: those come from its service worker's cache, not the network.)
      assert.equal(await page.evaluate(() => fetch('./not-a-page-file.txt').then(() => 'fetched', (e) => `failed: ${e.message}`)).then((r) => r.startsWith('failed')), true, 'the network really is cut');
      const probe = paths(log.routed).length - loaded;
      await everything(page);
      phase = 'idle';
      await page.close();
      assert.equal(paths(log.routed).length - loaded - probe, 0, 'no request was even attempted while offline');
    } finally {
      await context.close();
    }
    assert.deepEqual(log.problems.filter((p) => !/not-a-page-file|Failed to load resource/.test(p)), [], 'no console error but the probe\'s');
  });

  test('the Content-Security-Policy allows only the page\'s own origin, and the browser enforces it', async () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
    assert.equal(metas.length, 1, 'one CSP meta');
    const csp = Object.fromEntries(metas[0][1].split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
    assert.deepEqual(csp['default-src'], ["'self'"]);
    assert.deepEqual(csp['script-src'], ["'self'", "'wasm-unsafe-eval'"], 'scripts: own files and wasm compilation only');
    assert.deepEqual(csp['connect-src'], ["'self'"]);
    assert.deepEqual(csp['worker-src'], ["'self'"]);
    assert.deepEqual(csp['object-src'], ["'none'"]);
    assert.deepEqual(csp['base-uri'], ["'none'"]);
    assert.deepEqual(csp['form-action'], ["'none'"]);
    for (const [name, values] of Object.entries(csp)) {
      for (const v of values) {
        assert.ok(["'self'", "'none'", "'wasm-unsafe-eval'", 'blob:'].includes(v), `${name} allows ${v}`);
        assert.ok(!(v === 'blob:' && name !== 'img-src'), `blob: only for images, not ${name}`);
      }
    }
    assert.doesNotMatch(metas[0][1], /'unsafe-eval'|'unsafe-inline'|'unsafe-hashes'|\*|https?:|data:/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length > 0);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, /\bsrc="\.\/[\w.-]+\.js"/, `a script with a relative src: <script${attrs}>`);
      assert.equal(body.trim(), '', 'no inline script body');
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler');
    assert.doesNotMatch(html, /javascript:/i);

    // The browser enforces it: an inline script, eval, and a request to another origin are refused.
    const { context, log } = await recordedContext('csp');
    try {
      const page = await load(context);
      assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), metas[0][1]);
      const refused = await page.evaluate(async () => {
        const violations = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__inline = true';
        document.head.append(s);
        // A string timer is compiled from text, as eval is (a direct eval() here would not
        // prove anything: DevTools' own evaluation is exempt from the page's CSP).
        setTimeout('window.__timer = true', 0);
        const fetched = await fetch('http://example.invalid/steal').then(() => 'sent', (e) => e.name);
        await new Promise((r) => setTimeout(r, 200));
        return { inline: window.__inline === true, timer: window.__timer === true, fetched, violations };
      });
      assert.equal(refused.inline, false, 'an inline script does not run');
      assert.equal(refused.timer, false, 'code compiled from a string (eval, string timers) does not run');
      assert.equal(refused.fetched, 'TypeError', 'a request to another origin is refused');
      for (const d of ['script-src-elem', 'script-src', 'connect-src']) assert.ok(refused.violations.includes(d), `violation of ${d}: ${refused.violations}`);
      await page.close();
    } finally {
      await context.close();
    }
    assert.deepEqual(paths(log.routed).filter((r) => !r.url.startsWith(origin + '/')), [], 'the refused request never left the browser');
  });
});
