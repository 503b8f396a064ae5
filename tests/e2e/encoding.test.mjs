// The page with files in legacy code pages (tests/encodings): it shows what the file was read
// as and whether that was a guess, with a few names as they read; switching the encoding checks
// again; the embed fragment's `encoding=` chooses it; counts and downloads equal the CLI's.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first), or alone:
//   node --test tests/e2e/encoding.test.mjs   (after trunk build --release and cargo build -p orgsync-cli)
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS, ROOT, chromiumSuite, cliReport, counts, shownCounts,
} from './helpers.mjs';

const SJIS = join(ROOT, 'tests/encodings/shift_jis.csv');
const CP1251 = join(ROOT, 'tests/encodings/windows-1251.csv');

const suite = chromiumSuite('orgsync-e2e-enc-', { viewport: { width: 1280, height: 900 } });
const { openPage, problems, requests, cliFix } = suite;

/** The summary's counts once a check with this encoding has finished. */
function summary(page, encoding) {
  return shownCounts(page.locator(`[data-testid="summary"]:has([data-testid="encoding"][data-encoding="${encoding}"])`));
}

/** The bytes of the file a download button gives. */
const download = async (page, testid) => (await suite.download(page, testid)).bytes;

describe('legacy encodings on the page', () => {
  test('a Shift_JIS file: the Japanese names and the guess show, the downloads are the CLI\'s, and another encoding checks again', async () => {
    const page = await openPage();
    await page.setInputFiles('[data-testid="file-input"]', SJIS);
    const shown = await summary(page, 'shift_jis');
    const json = cliReport(SJIS);
    assert.deepEqual(shown, counts(json));
    assert.equal(await page.textContent('[data-testid="encoding-name"]'), 'Japanese (Shift_JIS)');
    assert.equal(await page.textContent('[data-testid="encoding-basis"]'), 'guessed');
    const preview = await page.textContent('[data-testid="encoding-preview"]');
    for (const name of ['太郎', '山田', '花子']) assert.ok(preview.includes(name), `${name} in ${preview}`);
    await page.screenshot({ path: join(ARTIFACTS, 'encoding-shift-jis.png'), fullPage: true });

    // The corrected file: kept in Shift_JIS by default, converted with every suggestion on.
    assert.ok((await download(page, 'download-corrected')).equals(cliFix(SJIS)), 'default corrected file equals the CLI\'s');
    const all = page.locator('[data-testid="all-suggested"]');
    await all.check();
    const converted = await download(page, 'download-corrected');
    assert.ok(converted.equals(cliFix(SJIS, ['--suggested'])), 'converted file equals `orgsync fix --suggested`');
    assert.ok(converted.toString('utf8').includes('太郎,山田'));

    // Read as EUC-JP instead: checked again, as chosen, with the CLI's counts for that choice.
    await page.selectOption('[data-testid="encoding-choice"]', 'euc-jp');
    const again = await summary(page, 'euc-jp');
    const chosen = cliReport(SJIS, ['--encoding', 'euc-jp']);
    assert.deepEqual(again, counts(chosen));
    assert.equal(await page.textContent('[data-testid="encoding-basis"]'), 'as you chose');
    assert.ok(chosen.summary.by_code.F016 > 0, 'Shift_JIS bytes are not all valid EUC-JP');
    assert.ok((await download(page, 'download-corrected')).equals(cliFix(SJIS, ['--encoding', 'euc-jp'])));

    // Back to detection.
    await page.selectOption('[data-testid="encoding-choice"]', '');
    assert.deepEqual(await summary(page, 'shift_jis'), counts(json));
    await page.close();
  });

  test('the embed fragment chooses the encoding', async () => {
    const page = await openPage('#encoding=cp1251');
    await page.setInputFiles('[data-testid="file-input"]', CP1251);
    const shown = await summary(page, 'windows-1251');
    assert.deepEqual(shown, counts(cliReport(CP1251, ['--encoding', 'windows-1251'])));
    assert.equal(await page.textContent('[data-testid="encoding-basis"]'), 'as you chose');
    assert.equal(await page.inputValue('[data-testid="encoding-choice"]'), 'windows-1251');
    // Chosen, F001's conversion is safe: the default download is UTF-8.
    const corrected = await download(page, 'download-corrected');
    assert.ok(corrected.equals(cliFix(CP1251, ['--encoding', 'windows-1251'])));
    assert.ok(corrected.toString('utf8').includes('Иван,Петров'));
    await page.close();
  });

  test('no console error, and no request after load', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((r) => r.afterLoad || !r.url.startsWith(suite.origin)), []);
  });
});
