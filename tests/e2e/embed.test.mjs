// The page embedded in another origin's iframe: the example portal (examples/portal) served on one
// 127.0.0.1 port frames dist/ served on another, passes options in the fragment, and receives
// exactly one counts-only `orgsync:checked` message per check — and none without `parent=`, with
// another parent, or when the page is not framed.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';
import { CHROMIUM, CLI, DIST, SAMPLE, cliReport, portalFraming } from './helpers.mjs';

let pageServer, portalServer, pageOrigin, portalOrigin, browser, context, portalDir;

/** Records, in every frame, each `orgsync:*` message the window receives. */
function recordMessages() {
  window.__orgsync = [];
  window.addEventListener('message', (e) => {
    if (e.data && typeof e.data === 'object' && String(e.data.type).startsWith('orgsync:')) {
      window.__orgsync.push({ origin: e.origin, data: e.data });
    }
  });
}

/** The example portal, its iframe pointing at the page's origin. */
async function openPortal() {
  const page = await context.newPage();
  await page.addInitScript(recordMessages);
  await page.goto(`${portalOrigin}/`);
  return page;
}

/** Uploads the sample into a framed page and waits for its summary. */
async function checkInFrame(frame) {
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  await frame.locator('body[data-offline]').waitFor({ timeout: 60_000 });
  await frame.locator('[data-testid="file-input"]').setInputFiles(SAMPLE);
  await frame.locator('[data-testid="summary"]').waitFor({ timeout: 60_000 });
}

const messages = (page) => page.evaluate(() => window.__orgsync);

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh');
  assert.ok(existsSync(CLI), `the CLI is missing at ${CLI}`);
  pageServer = await serve(DIST, 0);
  pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;
  // The shipped index.html frames ../../dist/ (the repository layout, same origin); here the page
  // lives on another port, so the portal is a copy that frames it there.
  portalDir = mkdtempSync(join(tmpdir(), 'orgsync-portal-'));
  portalFraming(portalDir, pageOrigin);
  portalServer = await serve(portalDir, 0);
  portalOrigin = `http://127.0.0.1:${portalServer.address().port}`;
  assert.notEqual(pageOrigin, portalOrigin);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext();
});

after(async () => {
  await context?.close();
  await browser?.close();
  pageServer?.close();
  portalServer?.close();
  if (portalDir) rmSync(portalDir, { recursive: true, force: true });
});

test('the portal frames the page, which posts exactly one counts-only summary to it', async () => {
  const page = await openPortal();
  const frame = page.frameLocator('#orgsync-frame');
  // The fragment's options reached the page.
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  await frame.locator('body[data-offline]').waitFor({ timeout: 60_000 });
  assert.equal(await frame.locator('[data-testid="known-groups"]').inputValue(), 'Sales\nEngineering');
  assert.equal(await frame.locator('[data-testid="template-licenses"]').inputValue(), 'nwt_license_learning_status');
  assert.match(await frame.locator('html').getAttribute('data-theme'), /^(light|dark)$/);

  await checkInFrame(frame);
  await page.waitForFunction(() => window.__orgsync.length > 0, null, { timeout: 30_000 });
  await page.waitForTimeout(1000); // a second message would have arrived by now
  const got = await messages(page);
  assert.equal(got.length, 1, JSON.stringify(got));
  assert.equal(got[0].origin, pageOrigin);
  assert.deepEqual(Object.keys(got[0].data).sort(), ['summary', 'type']);
  assert.equal(got[0].data.type, 'orgsync:checked');

  const json = cliReport(SAMPLE);
  assert.deepEqual(got[0].data.summary, {
    errors: json.summary.errors,
    warnings: json.summary.warnings,
    infos: json.summary.infos,
    rows: json.file.rows,
    safe_fixes: json.summary.safe_fixes,
    suggested_fixes: json.summary.suggested_fixes,
    by_code: json.summary.by_code,
  });
  // Counts only: no cell value, file name or message from the file.
  const text = JSON.stringify(got[0].data);
  assert.ok(!text.includes('sample'), text);
  const cells = readFileSync(SAMPLE, 'utf8').split(/\r?\n/).flatMap((l) => l.split(','))
    .map((c) => c.replace(/^"|"$/g, '').trim()).filter((c) => c.length >= 3);
  for (const cell of cells) assert.ok(!text.includes(cell), `${cell} leaked into ${text}`);
  for (const f of json.findings) assert.ok(!text.includes(f.message), `a message leaked into ${text}`);

  // The portal showed the counts.
  await page.locator('#embedded-counts:not([hidden])').waitFor();
  assert.equal(await page.locator('#embedded-counts [data-count="errors"]').textContent(), String(json.summary.errors));
  await page.close();
});

for (const [name, fragment] of [
  ['without parent=', '#groups=Sales'],
  ['with another parent origin', '#parent=https://portal.example.com'],
  ['with a parent of another port', '#parent=http://127.0.0.1:1'],
]) {
  test(`a framed page posts nothing ${name}`, async () => {
    const page = await openPortal();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error' && m.text().includes('postMessage')) problems.push(m.text()); });
    await page.evaluate((src) => {
      const probe = document.createElement('iframe');
      probe.id = 'probe';
      probe.src = src;
      document.body.append(probe);
    }, `${pageOrigin}/${fragment}`);
    await checkInFrame(page.frameLocator('#probe'));
    await page.waitForTimeout(1500);
    const fromProbe = (await messages(page)).filter((m) => m.origin === pageOrigin);
    // The portal's own frame posts nothing either: nothing was checked in it.
    assert.deepEqual(fromProbe, []);
    assert.deepEqual(problems, [], 'the page did not even try a postMessage the browser refused');
    await page.close();
  });
}

test('an unframed page posts nothing, even with parent=', async () => {
  const page = await context.newPage();
  await page.addInitScript(recordMessages);
  await page.goto(`${pageOrigin}/#parent=${encodeURIComponent(pageOrigin)}`);
  await checkInFrame(page.mainFrame());
  await page.waitForTimeout(1000);
  assert.deepEqual(await messages(page), []);
  await page.close();
});

test("the portal's own upload form checks a file with the JavaScript API, as the CLI does", async () => {
  const page = await openPortal();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // The button is enabled once the API's wasm has loaded.
  await page.locator('#check-button:not([disabled])').waitFor({ timeout: 60_000 });
  await page.locator('#file').setInputFiles(SAMPLE);
  await page.locator('#check-button').click();
  await page.locator('#result:not([hidden])').waitFor({ timeout: 60_000 });
  const shown = (await page.locator('#counts dd').allTextContents()).map(Number);
  const { summary } = cliReport(SAMPLE);
  assert.deepEqual(shown, [summary.errors, summary.warnings, summary.infos, summary.safe_fixes + summary.suggested_fixes]);
  // The findings table lists the kept findings, each with its rule code.
  assert.ok((await page.locator('#findings tbody tr').count()) > 0);
  assert.deepEqual(errors, []);
  await page.close();
});
