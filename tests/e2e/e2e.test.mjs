// Browser tests of the Org Sync Preflight page: Debian's headless Chromium, driven by
// playwright-core, over dist/ served on 127.0.0.1. Every count the page shows is compared with
// the CLI's JSON for the same file, and every download with the CLI's output.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS, DIST, HERE, ROOT, SAMPLE, chromiumSuite, cli, cliReport, counts, shownCounts,
} from './helpers.mjs';

const FIXTURES = join(HERE, 'fixtures');
const CLEAN = join(ROOT, 'samples/clean.csv');

/** Chromium on the page; each page loaded once the build is cached, its errors and requests recorded. */
const suite = chromiumSuite('orgsync-e2e-', { offline: true });
const { openPage, download, problems } = suite;

/** Uploads a file through the file picker and waits for the summary. */
async function check(page, file) {
  await page.setInputFiles('[data-testid="file-input"]', file);
  return summary(page);
}

const summary = (page) => shownCounts(page.locator('[data-testid="summary"]'));

/** Uploads a file and asserts the page's answer equals the CLI's (below); returns the CLI's JSON. */
async function checkAsCli(page, file) {
  await check(page, file);
  return assertSameAsCli(page, file);
}

/** Asserts the page's counts and finding groups equal the CLI's JSON for the same file. */
async function assertSameAsCli(page, file) {
  const shown = await summary(page);
  const json = cliReport(file);
  assert.deepEqual(shown, counts(json), `counts for ${file}`);
  const pageCodes = new Set(await page.locator('[data-testid="finding-group"]').evaluateAll((els) => els.map((e) => e.dataset.code)));
  assert.deepEqual([...pageCodes].sort(), Object.keys(json.summary.by_code).sort(), `rules for ${file}`);
  return json;
}

/** Each finding group's rule and exact count, as the page shows them. */
async function groupCounts(page) {
  const groups = await page.locator('[data-testid="finding-group"]').evaluateAll((els) => els.map((e) => [e.dataset.code, Number(e.dataset.count)]));
  return Object.fromEntries(groups.sort(([a], [b]) => (a < b ? -1 : 1)));
}

const BIG_HEADER = 'primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,nwt_license_learning_status,group:Sales,group:Engineering,group:Customer Success\r\n';
const FIRST = ['Amelia', 'Daniel', 'Priya', 'Lucas', 'Sofia', 'Kwame', 'Yuki', 'Mateo', 'Chloe', 'Omar'];
const LAST = ['Wright', 'Okafor', 'Raman', 'Meyer', 'Rossi', 'Asante', 'Tanaka', 'Silva', 'Dubois', 'Haddad'];
const TITLES = ['Regional Sales Manager', 'Senior Software Engineer', 'Account Executive', 'Support Specialist'];

/** A realistic row of a big file (as bench.mjs makes them); about 1 in 100 has a mistake. */
function bigRow(i) {
  const f = FIRST[i % 10], t = TITLES[i % 4];
  let l = LAST[i % 10], n = Math.floor(i / 10);
  do { l += 'aeioulnrst'[n % 10]; n = Math.floor(n / 10); } while (n > 0);
  let email = `${f.toLowerCase()}.${l.toLowerCase()}@northwind.com`;
  let license = 'Active', sales = i % 2 ? 'yes' : '', eng = i % 2 ? '' : 'yes';
  switch (i % 100) {
    case 17: email = ` ${email} `; break;
    case 42: license = 'ACTIVE'; break;
    case 63: email = email.replace('northwind.com', 'gmial.com'); break;
    case 88: sales = 'Yes'; break;
  }
  return `${email},${f},${l},${t},NW${String(i).padStart(7, '0')},${license},${sales},${eng},\r\n`;
}

/**
 * Writes a big file (~9.5 MB, over the page's 8 MiB split threshold) with mistakes in both
 * halves, a duplicate email and a duplicate id whose two rows are in different halves, and
 * quoted multi-line cells away from the middle; returns its text.
 */
function splitFile(path) {
  const rows = [];
  for (let i = 0; i < 100_000; i++) {
    let r = bigRow(i);
    if (i === 5 || i === 95_000) r = 'shared.person@northwind.com,Shared,Person,Engineer,NW0000005,Active,yes,,\r\n';
    if (i === 90_010) r = r.replace(',NW0090010,', ',NW0000010,');
    if (i === 20 || i === 80_020) r = r.replace(/,([A-Z][a-z]+ [A-Za-z ]+),NW/, ',"$1\nsecond line",NW');
    rows.push(r);
  }
  const text = BIG_HEADER + rows.join('');
  writeFileSync(path, text);
  return text;
}


async function shot(page, name, options = {}) {
  await page.screenshot({ path: join(ARTIFACTS, name), ...options });
}

describe('the page', () => {
  test('loads its own files only, with a CSP, and starts its worker', async () => {
    const page = await openPage();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /(src|href)="\//, 'asset paths are relative');
    await shot(page, 'landing.png');
    await page.close();
  });

  test('the sample: counts equal the CLI, groups expand, keyboard moves between problems', async () => {
    const page = await openPage();
    await page.click('[data-testid="sample-button"]');
    const json = await assertSameAsCli(page, SAMPLE);
    assert.ok(json.summary.errors + json.summary.warnings > 0, 'the sample has mistakes');
    const first = page.locator('[data-testid="finding-group"] summary').first();
    await first.click();
    await page.locator('[data-testid="finding-group"] details[open] table.items tbody tr').first().waitFor();
    await page.keyboard.press('n');
    await page.locator('.grid-row.selected').waitFor();
    await page.keyboard.press('n');
    await page.keyboard.press('p');
    await shot(page, 'sample-1280.png', { fullPage: true });
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'sample-viewport.png');
    await page.screenshot({ path: join(ROOT, 'docs/screenshot.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling on a phone-width window');
    await shot(page, 'sample-narrow.png', { fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, 'sample-dark.png', { fullPage: true });
    await page.close();
  });

  test('the sample: downloads equal the CLI fix outputs, and the corrected file re-checks clean of safe fixes', async () => {
    const page = await openPage();
    await page.click('[data-testid="sample-button"]');
    await summary(page);
    const corrected = await download(page, 'download-corrected');
    assert.equal(corrected.name, 'sample-with-mistakes.corrected.csv');
    const report = await download(page, 'download-report');
    const findings = await download(page, 'download-findings');
    const json = await download(page, 'download-json');
    const out = join(suite.work, 'cli');
    mkdirSync(out, { recursive: true });
    cli(['fix', SAMPLE, '-o', join(out, 'c.csv'), '--report', join(out, 'r.csv'), '--findings', join(out, 'f.csv'), '--json', join(out, 'j.json')]);
    assert.ok(readFileSync(corrected.path).equals(readFileSync(join(out, 'c.csv'))), 'corrected CSV equals the CLI\'s');
    assert.ok(readFileSync(report.path).equals(readFileSync(join(out, 'r.csv'))), 'error report equals the CLI\'s');
    assert.ok(readFileSync(findings.path).equals(readFileSync(join(out, 'f.csv'))), 'findings CSV equals the CLI\'s');
    assert.deepEqual(JSON.parse(readFileSync(json.path, 'utf8')).summary, JSON.parse(readFileSync(join(out, 'j.json'), 'utf8')).summary);
    const again = cliReport(corrected.path);
    assert.equal(again.summary.safe_fixes, 0, 'the corrected file has no safe fix left');
    await page.close();
  });

  test('fix toggles change the counts and the corrected file as the CLI would', async () => {
    const page = await openPage();
    await page.click('[data-testid="sample-button"]');
    await summary(page);
    const total = page.locator('.fix-total');
    const before = await total.textContent();
    const rule = page.locator('[data-testid="fix-rule"]:has([data-testid="fix-safe"])').first();
    const code = await rule.getAttribute('data-code');
    await rule.locator('[data-testid="fix-safe"]').uncheck();
    assert.notEqual(await total.textContent(), before, 'the fix count follows the toggle');
    const off = await download(page, 'download-corrected');
    assert.ok(off.bytes.equals(suite.cliFix(SAMPLE, ['--no-fix', code])), `corrected CSV with ${code} off equals the CLI's`);
    await rule.locator('[data-testid="fix-safe"]').check();
    const suggestedAll = page.locator('[data-testid="all-suggested"]');
    if (await suggestedAll.count()) {
      await suggestedAll.check();
      const all = await download(page, 'download-corrected');
      assert.ok(all.bytes.equals(suite.cliFix(SAMPLE, ['--suggested'])), 'corrected CSV with every suggestion equals the CLI\'s');
    }
    await page.close();
  });

  test('a ;-separated UTF-8 file with a BOM', async () => {
    const page = await openPage();
    const file = join(FIXTURES, 'semicolon-bom.csv');
    await checkAsCli(page, file);
    const corrected = await download(page, 'download-corrected');
    assert.ok(corrected.bytes.equals(suite.cliFix(file)));
    assert.equal(cliReport(corrected.path).summary.safe_fixes, 0);
    await page.close();
  });

  test('a UTF-16 tab-separated file (Excel "Unicode Text")', async () => {
    const page = await openPage();
    const file = join(FIXTURES, 'utf16-tab.csv');
    await checkAsCli(page, file);
    await shot(page, 'utf16.png', { fullPage: true });
    await page.close();
  });

  test('a clean file shows the all-good state', async () => {
    const page = await openPage();
    const json = cliReport(CLEAN);
    await checkAsCli(page, CLEAN);
    if (json.summary.errors === 0 && json.summary.warnings === 0) {
      await page.locator('[data-testid="all-good"]').waitFor();
    }
    await shot(page, 'clean.png', { fullPage: true });
    await page.close();
  });

  test('a large file shows progress and can be cancelled', async () => {
    const big = join(suite.work, 'big.csv');
    const line = 'someone.{i}@northwindtraders.com,Some,One,Engineer,ID{i},Active,yes,,\r\n';
    const chunk = Array.from({ length: 10_000 }, (_, i) => line.replaceAll('{i}', String(i))).join('');
    writeFileSync(big, 'primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,nwt_license_learning_status,group:Sales,group:Engineering,group:Customer Success\r\n' + chunk.repeat(60));
    const page = await openPage();
    await page.setInputFiles('[data-testid="file-input"]', big);
    await page.locator('[data-testid="progress"]').waitFor();
    await shot(page, 'progress.png');
    await page.click('[data-testid="progress"] button');
    await page.locator('[data-testid="progress"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid="summary"]').count(), 0);
    // The worker still answers after a cancel.
    await page.click('[data-testid="sample-button"]');
    await summary(page);
    await page.close();
  });

  /** Where the page looks for the cut: 52% of the file (web/src/protocol.rs, `CUT_AT`). */
  const cutWindow = (size) => Math.floor((size * 52) / 100);

  test('a big file is checked by two workers at once, with the CLI\'s counts and downloads', async () => {
    const file = join(suite.work, 'split.csv');
    const text = splitFile(file);
    const size = Buffer.byteLength(text);
    assert.ok(size >= 8 << 20, 'the file is big enough to be split');
    const page = await openPage();
    await page.waitForSelector('body[data-workers="2"]');
    const json = await checkAsCli(page, file);
    assert.ok(json.summary.by_code.X001 >= 1 && json.summary.by_code.X002 >= 1, 'duplicates across the halves are found');
    assert.deepEqual(await groupCounts(page), json.summary.by_code, 'each rule\'s count equals the CLI\'s');
    const s = page.locator('[data-testid="summary"]');
    assert.equal(await s.getAttribute('data-workers'), '2', 'two workers checked the file');
    const timing = JSON.parse(await s.getAttribute('data-timing'));
    const cut = text.indexOf('\n', cutWindow(size)) + 1;
    assert.equal(timing.cut, cut, 'the cut is just after the first line feed from 52% of the file');
    assert.equal(timing.workers, 2);
    assert.equal(timing.merged, true, 'the second worker\'s part was merged');
    assert.ok(timing.part.part_bytes > 0, 'the part came back');
    // The downloads come from the merged report.
    const corrected = await download(page, 'download-corrected');
    const findings = await download(page, 'download-findings');
    const cliCorrected = join(suite.work, 'split-corrected.csv');
    const cliFindings = join(suite.work, 'split-findings.csv');
    cli(['fix', file, '-o', cliCorrected, '--findings', cliFindings]);
    assert.ok(readFileSync(corrected.path).equals(readFileSync(cliCorrected)), 'corrected CSV equals the CLI\'s');
    assert.ok(readFileSync(findings.path).equals(readFileSync(cliFindings)), 'findings CSV equals the CLI\'s');
    // A small file after it is checked by one worker.
    await page.click('[data-testid="sample-button"]');
    await page.locator(`[data-testid="summary"][data-rows="${cliReport(SAMPLE).file.rows}"]`).waitFor();
    assert.equal(await page.locator('[data-testid="summary"]').getAttribute('data-workers'), '1');
    await assertSameAsCli(page, SAMPLE);
    await page.close();
  });

  test('the second worker warms the engine up once loaded, and later checks are the CLI\'s', async () => {
    const page = await openPage();
    await page.waitForSelector('body[data-workers="2"]');
    // web/src/warm.rs: four made-up split checks, then the page is told how long they took.
    await page.waitForSelector('body[data-warm-ms]', { timeout: 60_000 });
    assert.ok(Number(await page.locator('body').getAttribute('data-warm-ms')) > 0, 'the warm-up took some time');
    // The warm-up leaves nothing behind that a real check would see: both workers' results
    // still equal the CLI's.
    const file = join(suite.work, 'after-warm-up.csv');
    splitFile(file);
    const json = await checkAsCli(page, file);
    assert.equal(await page.locator('[data-testid="summary"]').getAttribute('data-workers'), '2');
    assert.deepEqual(await groupCounts(page), json.summary.by_code, 'each rule\'s count equals the CLI\'s');
    await page.close();
  });

  test('a big file cut inside a quoted multi-line cell still gets the CLI\'s counts', async (t) => {
    // One row's quoted cell spans three lines and the cut's window (52% of the file) starts in its first two:
    // the second worker starts inside a record, so its part cannot be merged as it is.
    const file = join(suite.work, 'split-in-cell.csv');
    const rows = [];
    for (let i = 0; i < 100_000; i++) rows.push(bigRow(i));
    const total = rows.reduce((n, r) => n + r.length, 0);
    let before = 0, n1 = 0;
    while (before + rows[n1].length < total * 0.52) before += rows[n1++].length;
    const note = `"${'a'.repeat(3000)}\n${'b'.repeat(3000)}\nend of note"`;
    const special = `long.note@northwind.com,Long,Note,${note},NW9999999,Active,yes,,\r\n`;
    rows.splice(n1, 0, special);
    const text = BIG_HEADER + rows.join('');
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    const cellStart = text.indexOf(note), cellEnd = cellStart + note.length;
    const cut = text.indexOf('\n', cutWindow(size)) + 1;
    assert.ok(size >= 8 << 20 && cut > cellStart && cut < cellEnd, `the cut (${cut}) is inside the cell (${cellStart}-${cellEnd})`);
    const page = await openPage();
    await page.waitForSelector('body[data-workers="2"]');
    // A new file while a split check runs replaces it: both workers drop the old job.
    const other = join(suite.work, 'split-other.csv');
    splitFile(other);
    await page.setInputFiles('[data-testid="file-input"]', other);
    await page.locator('[data-testid="progress"]').waitFor();
    const json = await checkAsCli(page, file);
    assert.deepEqual(await groupCounts(page), json.summary.by_code, 'each rule\'s count equals the CLI\'s');
    const timing = JSON.parse(await page.locator('[data-testid="summary"]').getAttribute('data-timing'));
    assert.equal(timing.cut, cut);
    assert.equal(timing.workers, 2, 'the second worker checked from the cut');
    assert.equal(timing.merged, false, 'a part starting inside a record is refused: the first worker checked the rest');
    t.diagnostic(`workers ${timing.workers}, merged ${timing.merged}`);
    await page.close();
  });

  test('templates and the group glossary', async () => {
    const page = await openPage();
    await page.click('text=Templates');
    await page.locator('textarea[placeholder="Sales EMEA"]').fill('Sales EMEA\nEngineering');
    const tpl = await download(page, 'download-template');
    const text = readFileSync(tpl.path, 'utf8');
    assert.match(text, /^primary_email_address,/);
    assert.match(text, /group:Sales EMEA,group:Engineering/);
    await page.click('text=Known groups');
    await page.setInputFiles('[data-testid="export-input"]', join(FIXTURES, 'user-export.csv'));
    const items = page.locator('[data-testid="glossary"] li');
    await items.first().waitFor();
    assert.deepEqual(await items.allTextContents(), ['Vertrieb DACH', 'Entwicklung', 'Customer Success']);
    await page.click('text=Use as known groups');
    assert.match(await page.locator('[data-testid="known-groups"]').inputValue(), /Vertrieb DACH/);
    await page.close();
  });

  test('privacy: no console error, no request to another origin, none after load', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(suite.foreign(), [], 'requests to another origin');
    assert.deepEqual(suite.late(), [], 'requests after the page had loaded');
  });
});
