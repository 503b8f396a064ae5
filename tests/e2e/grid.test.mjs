// The problem grid on a file where every row is flagged (issue #15, "the grid and groups stay
// responsive"), in Debian's headless Chromium: the grid holds thousands of rows but the page
// builds only the window in view (its DOM rows stay bounded while it scrolls to the end, where
// the last flagged row shows), its counts are the CLI's, a filter and a fix toggle update it
// without rebuilding what is on screen, and a group lists at most its 200 first rows.
// How fast it all is goes in BENCHMARKS.md (tests/e2e/bench-grid.mjs), not here.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first), or alone:
//   (cd tests/e2e && node --test grid.test.mjs)
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';
import { CLI, ROOT, cli } from './helpers.mjs';

const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Flagged rows in the file: far more than the grid's window (~30 rows). */
const ROWS = 6000;
/** The most rows a virtualised grid of 442 px with 34 px rows and an overscan of 8 may hold. */
const WINDOW = 40;

let server, origin, context, work, file, json;
const problems = [];

/** Every row flagged: row i carries one of eight mistakes in turn, each a different rule's. */
function flaggedFile(rows) {
  let out = 'primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,acme_license_learning_status,group:Sales\r\n';
  for (let i = 0; i < rows; i++) {
    let email = `person${i}@northwind.com`, first = 'Ann', last = `Lee${i}`, title = 'Engineer', license = 'Active', sales = 'yes';
    switch (i % 8) {
      case 0: email = `person${i} at northwind.com`; break;
      case 1: email = `person${i}@gmial.com`; break;
      case 2: license = 'Maybe'; break;
      case 3: sales = 'maybe'; break;
      case 4: title = '#N/A'; break;
      case 5: first = ' Ann '; break;
      case 6: first = '=Ann'; break;
      case 7: last = `lee${i}@northwind.com`; break;
    }
    out += `${email},${first},${last},${title},NW${i},${license},${sales}\r\n`;
  }
  return out;
}

/** The number in the grid's "6,000 rows" or "12 of 6,000". */
async function gridCount(page) {
  const text = await page.locator('[data-testid="grid-position"]').textContent();
  return Number(/([\d,]+) rows?$|of ([\d,]+)$/.exec(text).slice(1).find(Boolean).replaceAll(',', ''));
}

/** The grid's rows in the DOM (the header row excluded) and their row numbers. */
async function domRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid="grid-table"] .grid-space > [role="row"]')].map((r) => Number(r.dataset.row)));
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/ is missing: run scripts/e2e.sh (or trunk build --release)');
  assert.ok(existsSync(CLI), `the CLI is missing at ${CLI}: cargo build -p orgsync-cli`);
  work = mkdtempSync(join(tmpdir(), 'orgsync-grid-'));
  file = join(work, 'flagged.csv');
  writeFileSync(file, flaggedFile(ROWS));
  const r = cli(['check', '--format', 'json', file]);
  json = JSON.parse(r.stdout);
  server = await serve(DIST, 0);
  origin = `http://127.0.0.1:${server.address().port}`;
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  assert.deepEqual(problems, [], 'no page or worker errors');
});

async function openWithFile() {
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(origin + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.locator('[data-testid="grid-table"] .grid-space [role="row"]').first().waitFor({ timeout: 120_000 });
  return page;
}

describe('the grid of a file where every row is flagged', () => {
  test('holds every flagged row, builds only the window in view, and scrolls to the last one', async () => {
    const page = await openWithFile();
    // The rows the CLI flags with an error or a warning: the grid's rows (notes are behind a box).
    const flagged = new Set(json.findings.filter((f) => f.severity !== 'info' && f.row).map((f) => f.row));
    assert.equal(flagged.size, ROWS, 'every row of the file is flagged');
    assert.equal(await gridCount(page), flagged.size, 'the grid counts the rows the CLI flags');
    const rendered = await domRows(page);
    assert.ok(rendered.length > 5 && rendered.length <= WINDOW, `the grid builds a window of rows, not ${rendered.length}`);
    assert.equal(await page.locator('[data-testid="grid-table"]').getAttribute('aria-rowcount'), String(flagged.size + 1));
    // In file order, scrolled to the end: the last flagged row is on screen, the window the same size.
    await page.selectOption('[data-testid="grid-order"]', 'row');
    const last = Math.max(...flagged);
    const scroller = page.locator('.grid-scroll');
    await scroller.evaluate((e) => { e.scrollTop = e.scrollHeight; });
    await page.locator(`[data-testid="grid-table"] [role="row"][data-row="${last}"]`).waitFor({ timeout: 10_000 });
    const atEnd = await domRows(page);
    assert.ok(atEnd.length <= WINDOW, `at the end still a window of rows, not ${atEnd.length}`);
    assert.ok(!atEnd.includes(rendered[0]), 'the rows of the top are gone from the DOM');
    // Walking the grid in steps from top to bottom never holds more than a window.
    let most = 0;
    for (let i = 0; i <= 20; i++) {
      await scroller.evaluate((e, f) => { e.scrollTop = (e.scrollHeight - e.clientHeight) * f; }, i / 20);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      most = Math.max(most, (await domRows(page)).length);
    }
    assert.ok(most <= WINDOW, `scrolling the grid held at most ${most} rows`);
    // Its whole cells come from the worker for the rows in view: the last row's identifier.
    const id = page.locator(`[data-testid="grid-table"] [role="row"][data-row="${last}"] [data-col="4"]`);
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want,
      [`[data-testid="grid-table"] [role="row"][data-row="${last}"] [data-col="4"]`, `NW${ROWS - 1}`], { timeout: 10_000 });
    assert.equal(await id.textContent(), `NW${ROWS - 1}`);
    await page.close();
  });

  test('a filter counts the CLI\'s rows of the rule; a fix toggle keeps the rows on screen', async () => {
    const page = await openWithFile();
    const rowsOf = (code) => new Set(json.findings.filter((f) => f.code === code).map((f) => f.row)).size;
    // A row selected, then a filter: the selection named a position among other rows, it goes.
    await page.locator('[data-testid="grid-table"] .grid-space > [role="row"]').nth(12).click();
    assert.match(await page.locator('[data-testid="grid-position"]').textContent(), /^\d+ of 6,000$/);
    for (const code of ['R004', 'R014']) {
      await page.selectOption('[data-testid="filter-rule"]', code);
      assert.equal(await gridCount(page), rowsOf(code), `the grid's rows for ${code}`);
      assert.match(await page.locator('[data-testid="grid-position"]').textContent(), /^[\d,]+ rows$/, 'no row selected after a filter');
      const shown = await domRows(page);
      assert.ok(shown.length > 0 && shown.length <= WINDOW, `${code}: ${shown.length} rows in the DOM`);
      const rows = new Set(json.findings.filter((f) => f.code === code).map((f) => f.row));
      assert.ok(shown.every((r) => rows.has(r)), `${code}: the rows shown all have it`);
    }
    await page.selectOption('[data-testid="filter-rule"]', '');
    assert.equal(await gridCount(page), ROWS);
    // A fix toggled: the grid's row elements on screen stay the same elements (not rebuilt).
    await page.evaluate(() => { for (const r of document.querySelectorAll('[data-testid="grid-table"] .grid-space > [role="row"]')) r.__kept = true; });
    const fix = page.locator('[data-testid="fix-safe"]').first();
    await fix.click();
    assert.equal(await fix.isChecked(), false);
    await page.waitForFunction(() => !document.querySelector('[data-testid="left-counting"]') && document.querySelector('[data-testid="left"] [data-errors]'), null, { timeout: 60_000 });
    const kept = await page.evaluate(() => [...document.querySelectorAll('[data-testid="grid-table"] .grid-space > [role="row"]')].map((r) => r.__kept === true));
    assert.ok(kept.length > 0 && kept.every(Boolean), 'the rows on screen survive a fix toggle');
    // A group lists at most 200 rows however many it has, and counts them all.
    const group = page.locator('[data-testid="finding-group"][data-code="R004"]');
    assert.equal(Number(await group.getAttribute('data-count')), json.summary.by_code.R004);
    await group.locator(':scope > details > summary').click();
    await group.locator('table.items tbody tr').first().waitFor();
    assert.equal(await group.locator('table.items tbody tr').count(), Math.min(200, json.summary.by_code.R004));
    await page.close();
  });
});
