// Browser test of workbooks on the page: an .xlsx dropped on the drop zone is read by the
// worker's engine, the admin picks another sheet and back, and the corrected CSV the page
// downloads is byte-identical to `orgsync fix FILE --sheet NAME`'s; the counts equal the CLI's
// JSON for each sheet.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';
import { CLI, cli } from './helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(HERE, 'artifacts');
const BOOK = join(ROOT, 'tests/cases/workbook-sheets/input.xlsx');

let server, origin, context, work;
const problems = [];
const late = [];

async function openPage() {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker: ${m.text()}`); }));
  let loaded = false;
  page.on('request', (r) => { if (loaded) late.push(r.url()); });
  await page.goto(origin + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  loaded = true;
  return page;
}

/** The summary's counts once the check of `sheet` is shown. */
async function summaryFor(page, sheet) {
  await page.locator(`[data-testid="workbook"][data-sheet="${sheet}"]`).waitFor({ timeout: 60_000 });
  const s = page.locator('[data-testid="summary"]');
  await s.waitFor({ timeout: 60_000 });
  const n = async (a) => Number(await s.getAttribute(a));
  return { errors: await n('data-errors'), warnings: await n('data-warnings'), infos: await n('data-infos'), rows: await n('data-rows') };
}

function cliCounts(file, sheet) {
  const json = JSON.parse(cli(['check', '--format', 'json', '--sheet', sheet, file]).stdout);
  return { errors: json.summary.errors, warnings: json.summary.warnings, infos: json.summary.infos, rows: json.file.rows };
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
  assert.ok(existsSync(CLI), `the CLI is missing at ${CLI}: cargo build -p orgsync-cli`);
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'orgsync-e2e-wb-'));
  server = await serve(DIST, 0);
  origin = `http://127.0.0.1:${server.address().port}`;
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('workbooks on the page', () => {
  test('the drop zone says it takes workbooks, and its picker accepts them', async () => {
    const page = await openPage();
    assert.match(await page.locator('.drop-sub').innerText(), /\.xlsx.*\.ods.*\.xls/);
    const accept = await page.locator('[data-testid="file-input"]').getAttribute('accept');
    for (const ext of ['.xlsx', '.xlsm', '.xlsb', '.ods', '.xls']) assert.ok(accept.split(',').includes(ext), `accept has ${ext}`);
    await page.close();
  });

  test('an .xlsx dropped, another sheet picked and back: counts and the corrected CSV equal the CLI\'s', async () => {
    const users = join(work, 'users.xlsx');
    copyFileSync(BOOK, users);
    const page = await openPage();
    // Drop the file on the drop zone, as a person would.
    const bytes = [...readFileSync(users)];
    const drop = await page.evaluateHandle((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'users.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      return dt;
    }, bytes);
    await page.dispatchEvent('section.drop', 'drop', { dataTransfer: drop });
    assert.deepEqual(await summaryFor(page, 'Users'), cliCounts(users, 'Users'));
    const options = await page.locator('[data-testid="sheet-select"] option').allInnerTexts();
    assert.deepEqual(options, ['Read me', 'Users']);
    await page.screenshot({ path: join(ARTIFACTS, 'workbook.png'), fullPage: true });
    // Another sheet: the first has no identifier column.
    await page.selectOption('[data-testid="sheet-select"]', 'Read me');
    assert.deepEqual(await summaryFor(page, 'Read me'), cliCounts(users, 'Read me'));
    await page.locator('[data-testid="finding-group"][data-code="H003"]').waitFor();
    // And back.
    await page.selectOption('[data-testid="sheet-select"]', 'Users');
    assert.deepEqual(await summaryFor(page, 'Users'), cliCounts(users, 'Users'));
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.click('[data-testid="download-corrected"]'),
    ]);
    assert.equal(dl.suggestedFilename(), 'users.corrected.csv');
    const got = join(work, 'page.csv');
    await dl.saveAs(got);
    const want = join(work, 'cli.csv');
    cli(['fix', users, '--sheet', 'Users', '-o', want]);
    assert.ok(readFileSync(got).equals(readFileSync(want)), 'the corrected CSV equals the CLI\'s');
    assert.ok(readFileSync(got).toString('utf8').startsWith('primary_email_address,'), 'a CSV, from the header');
    // After load, only the workbook worker's own three files (the page's, precached by the
    // service worker: offline.test.mjs), fetched once when the first workbook came; nothing else.
    const own = (u) => new URL(u).origin === new URL(page.url()).origin;
    assert.deepEqual(
      late.filter((u) => !u.startsWith('blob:')).map((u) => (own(u) ? new URL(u).pathname : u)),
      ['/workbook_worker_loader.js', '/workbook_worker.js', '/workbook_worker_bg.wasm'],
      'no request after load but the workbook worker\'s own files, once',
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
