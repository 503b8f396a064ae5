// Browser test of workbooks on the page: an .xlsx dropped on the drop zone is read by the
// worker's engine, the admin picks another sheet and back, and the corrected CSV the page
// downloads is byte-identical to `orgsync fix FILE --sheet NAME`'s; the counts equal the CLI's
// JSON for each sheet.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS, ROOT, chromiumSuite, cliReport, counts, shownCounts,
} from './helpers.mjs';

const BOOK = join(ROOT, 'tests/cases/workbook-sheets/input.xlsx');

const suite = chromiumSuite('orgsync-e2e-wb-');
const { openPage, download, problems } = suite;

/** The summary's counts once the check of `sheet` is shown. */
async function summaryFor(page, sheet) {
  await page.locator(`[data-testid="workbook"][data-sheet="${sheet}"]`).waitFor({ timeout: 60_000 });
  return shownCounts(page.locator('[data-testid="summary"]'));
}

const cliCounts = (file, sheet) => counts(cliReport(file, ['--sheet', sheet]));

describe('workbooks on the page', () => {
  test('the drop zone says it takes workbooks, and its picker accepts them', async () => {
    const page = await openPage();
    assert.match(await page.locator('.drop-sub').innerText(), /\.xlsx.*\.ods.*\.xls/);
    const accept = await page.locator('[data-testid="file-input"]').getAttribute('accept');
    for (const ext of ['.xlsx', '.xlsm', '.xlsb', '.ods', '.xls']) assert.ok(accept.split(',').includes(ext), `accept has ${ext}`);
    await page.close();
  });

  test('an .xlsx dropped, another sheet picked and back: counts and the corrected CSV equal the CLI\'s', async () => {
    const users = join(suite.work, 'users.xlsx');
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
    const got = await download(page, 'download-corrected');
    assert.equal(got.name, 'users.corrected.csv');
    assert.ok(got.bytes.equals(suite.cliFix(users, ['--sheet', 'Users'])), 'the corrected CSV equals the CLI\'s');
    assert.ok(got.bytes.toString('utf8').startsWith('primary_email_address,'), 'a CSV, from the header');
    // After load, only the workbook worker's own three files (the page's, precached by the
    // service worker: offline.test.mjs), fetched once when the first workbook came; nothing else.
    const own = (u) => new URL(u).origin === new URL(page.url()).origin;
    assert.deepEqual(
      suite.late().map(({ url }) => (own(url) ? new URL(url).pathname : url)),
      ['/workbook_worker_loader.js', '/workbook_worker.js', '/workbook_worker_bg.wasm'],
      'no request after load but the workbook worker\'s own files, once',
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
