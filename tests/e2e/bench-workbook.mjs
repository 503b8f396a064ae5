// The workbook benchmark's browser half: the page checking a generated .xlsx (the file's drop
// to the summary on screen, in headless Chromium) against SheetJS (the `xlsx` npm package, what
// browser importers use) only reading the same file into CSV text in Node.
//
//   cargo run --release -p orgsync-tests --bin gen-bench-xlsx -- target/bench-1000000.xlsx
//   npm install --prefix /tmp/sheetjs xlsx@0.18.5     # not a dependency of the project
//   trunk build --release
//   SHEETJS=/tmp/sheetjs/node_modules/xlsx/xlsx.mjs node tests/e2e/bench-workbook.mjs target/bench-1000000.xlsx [RUNS]
//
// Runs alternate (page, SheetJS) RUNS times (default 2) and print every time and each side's best.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const FILE = resolve(process.argv[2] ?? join(ROOT, 'target/bench-1000000.xlsx'));
const RUNS = Number(process.argv[3] ?? 2);
const SHEETJS = process.env.SHEETJS;
if (!SHEETJS) throw new Error('set SHEETJS to the path of xlsx.mjs (see the comment at the top)');

const XLSX = await import(pathToFileURL(SHEETJS).href);
XLSX.set_fs?.(await import('node:fs'));

function sheetjs() {
  const t0 = performance.now();
  const book = XLSX.read(readFileSync(FILE), { type: 'buffer', dense: true });
  const csv = XLSX.utils.sheet_to_csv(book.Sheets[book.SheetNames[0]]);
  const ms = performance.now() - t0;
  return { ms, bytes: csv.length };
}

const work = mkdtempSync(join(tmpdir(), 'orgsync-bench-wb-'));
const server = await serve(join(ROOT, 'dist'), 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
});

async function page() {
  const p = await context.newPage();
  await p.goto(origin + '/');
  await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  // After the warm-up, as bench.mjs measures.
  await p.waitForSelector('body[data-warm-ms]', { timeout: 60_000 }).catch(() => {});
  const t0 = Date.now();
  await p.setInputFiles('[data-testid="file-input"]', FILE);
  const s = p.locator('[data-testid="summary"]');
  await s.waitFor({ timeout: 600_000 });
  const ms = Date.now() - t0;
  const rows = await s.getAttribute('data-rows');
  await p.close();
  return { ms, rows };
}

const results = { page: [], sheetjs: [] };
for (let i = 0; i < RUNS; i++) {
  const a = await page();
  results.page.push(a.ms);
  console.log(`page: ${(a.ms / 1000).toFixed(2)} s (${a.rows} rows)`);
  const b = sheetjs();
  results.sheetjs.push(b.ms);
  console.log(`SheetJS read + sheet_to_csv: ${(b.ms / 1000).toFixed(2)} s (${b.bytes} characters of CSV)`);
}
const best = (v) => Math.min(...v) / 1000;
console.log(`best: page ${best(results.page).toFixed(2)} s, SheetJS ${best(results.sheetjs).toFixed(2)} s, ratio ${(best(results.page) / best(results.sheetjs)).toFixed(2)}`);
await context.close();
server.close();
rmSync(work, { recursive: true, force: true });
