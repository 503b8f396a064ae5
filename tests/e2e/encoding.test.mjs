// The page with files in legacy code pages (tests/encodings): it shows what the file was read
// as and whether that was a guess, with a few names as they read; switching the encoding checks
// again; the embed fragment's `encoding=` chooses it; counts and downloads equal the CLI's.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first), or alone:
//   node --test tests/e2e/encoding.test.mjs   (after trunk build --release and cargo build -p orgsync-cli)
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const SJIS = join(ROOT, 'tests/encodings/shift_jis.csv');
const CP1251 = join(ROOT, 'tests/encodings/windows-1251.csv');

let server, origin, context, work;
const problems = [];
const requests = [];

const cliReport = (file, extra = []) => JSON.parse(cli(['check', '--format', 'json', ...extra, file]).stdout);

function cliFix(file, extra = []) {
  const out = join(work, `cli-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  cli(['fix', file, '-o', out, ...extra]);
  return readFileSync(out);
}

async function openPage(hash = '') {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker: ${m.text()}`); }));
  page.loaded = false;
  page.on('request', (r) => requests.push({ url: r.url(), afterLoad: page.loaded }));
  await page.goto(origin + '/' + hash);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  page.loaded = true;
  return page;
}

/** The summary's counts once a check with this encoding has finished. */
async function summary(page, encoding) {
  const s = page.locator(`[data-testid="summary"]:has([data-testid="encoding"][data-encoding="${encoding}"])`);
  await s.waitFor({ timeout: 60_000 });
  const n = async (a) => Number(await s.getAttribute(a));
  return { errors: await n('data-errors'), warnings: await n('data-warnings'), infos: await n('data-infos'), rows: await n('data-rows') };
}

function counts(json) {
  return { errors: json.summary.errors, warnings: json.summary.warnings, infos: json.summary.infos, rows: json.file.rows };
}

async function download(page, testid) {
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click(`[data-testid="${testid}"]`),
  ]);
  const path = join(work, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return readFileSync(path);
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
  assert.ok(existsSync(CLI), `the CLI is missing at ${CLI}: cargo build -p orgsync-cli`);
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'orgsync-e2e-enc-'));
  server = await serve(DIST, 0);
  origin = `http://127.0.0.1:${server.address().port}`;
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

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
    assert.deepEqual(requests.filter((r) => r.afterLoad || !r.url.startsWith(origin)), []);
  });
});
