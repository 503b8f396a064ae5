// The page as an admin reads it (issue #14), in Debian's headless Chromium: a download click
// right after any fix toggle always yields its file, equal to the CLI's for the same choices; the
// grid of rows with problems puts every cell under its column's header, pins the row number and
// whose row it is while scrolling sideways, shows every cell of the row, and is an ARIA grid
// moved by the arrow keys; n/p walk errors first; row numbers elsewhere jump to the grid.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first), or alone:
//   (cd tests/e2e && node --test admin.test.mjs)
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, SAMPLE, chromiumSuite, cli } from './helpers.mjs';

const suite = chromiumSuite('orgsync-admin-');
const { openPage, problems } = suite;

async function sample(page) {
  await page.click('[data-testid="sample-button"]');
  await page.locator('[data-testid="summary"]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="grid-table"]').waitFor({ timeout: 60_000 });
}

/** The CLI's output for the sample with these options: { corrected, report, findings }. */
function cliOutputs(name, options) {
  const out = join(suite.work, `cli-${name}`);
  mkdirSync(out, { recursive: true });
  cli(['fix', SAMPLE, '-o', join(out, 'c.csv'), '--report', join(out, 'r.csv'), '--findings', join(out, 'f.csv'), ...options]);
  return {
    'download-corrected': readFileSync(join(out, 'c.csv')),
    'download-report': readFileSync(join(out, 'r.csv')),
    'download-findings': readFileSync(join(out, 'f.csv')),
  };
}

describe('downloads right after a fix toggle', () => {
  test('every download, clicked in the same moment as every kind of toggle, yields the file of the new choices', async () => {
    const page = await openPage();
    await sample(page);
    const safeRule = page.locator('[data-testid="fix-rule"]:has([data-testid="fix-safe"])').first();
    const safeCode = await safeRule.getAttribute('data-code');
    const suggestedRule = page.locator('[data-testid="fix-rule"]:has([data-testid="fix-suggested"])').first();
    const suggestedCode = await suggestedRule.getAttribute('data-code');
    // Each kind of toggle, with the CLI options that give the same choices once it is on.
    const toggles = [
      { name: 'safe', selector: `[data-testid="fix-rule"][data-code="${safeCode}"] [data-testid="fix-safe"]`, cli: ['--no-fix', safeCode] },
      { name: 'suggested', selector: `[data-testid="fix-rule"][data-code="${suggestedCode}"] [data-testid="fix-suggested"]`, cli: ['--suggested-only', suggestedCode] },
      { name: 'all-suggested', selector: '[data-testid="all-suggested"]', cli: ['--suggested'] },
    ];
    const base = cliOutputs('base', []);
    /** Clicks `toggle` (if any) and the download in one task, and checks the file. */
    const clickAndCheck = async (selector, id, expected, what) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download', { timeout: 15_000 }),
        page.evaluate(([sel, id]) => {
          if (sel) document.querySelector(sel).click();
          document.querySelector(`[data-testid="${id}"]`).click();
        }, [selector, id]),
      ]).catch((e) => { throw new Error(`${what}: no download: ${e.message}`); });
      const path = join(suite.work, `${Date.now()}-${dl.suggestedFilename()}`);
      await dl.saveAs(path);
      const bytes = readFileSync(path);
      assert.ok(bytes.length > 0, `${what}: not empty`);
      if (expected[id]) assert.ok(bytes.equals(expected[id]), `${what}: equals the CLI's`);
      else JSON.parse(bytes.toString('utf8'));
    };
    for (const toggle of toggles) {
      const on = cliOutputs(toggle.name, toggle.cli);
      for (const id of ['download-corrected', 'download-report', 'download-findings', 'download-json']) {
        // Toggle and click in one task: no time for any re-count or reply in between.
        await clickAndCheck(toggle.selector, id, on, `${toggle.name} toggled, then ${id}`);
        await clickAndCheck(null, id, on, `${toggle.name} toggled, ${id} again`);
        await clickAndCheck(toggle.selector, id, base, `${toggle.name} toggled back, then ${id}`);
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a click on a download while another is being made is answered, not dropped', async () => {
    const page = await openPage();
    await sample(page);
    const names = [];
    page.on('download', (d) => names.push(d.suggestedFilename()));
    // Two clicks in one task: the second download waits for the first, then is made too.
    await page.evaluate(() => {
      document.querySelector('[data-testid="download-report"]').click();
      document.querySelector('[data-testid="download-findings"]').click();
    });
    await page.waitForFunction(() => true);
    const deadline = Date.now() + 15_000;
    while (names.length < 2 && Date.now() < deadline) await page.waitForTimeout(100);
    assert.deepEqual(names.sort(), ['sample-with-mistakes.errors.csv', 'sample-with-mistakes.findings.csv']);
    await page.close();
  });
});

/** The boxes of the grid's header cells by file column, and of its highlighted cells. */
async function gridBoxes(page) {
  return page.evaluate(() => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
    const headers = {};
    for (const h of document.querySelectorAll('[data-testid="grid-table"] [role="columnheader"][data-col]')) headers[h.dataset.col] = box(h);
    const bad = [...document.querySelectorAll('[data-testid="grid-table"] .cell.bad')].map((c) => ({ col: c.dataset.col, text: c.textContent, row: c.closest('[role="row"]').dataset.row, ...box(c) }));
    const scroller = box(document.querySelector('.grid-scroll'));
    return { headers, bad, scroller };
  });
}

describe('the grid of rows with problems', () => {
  test('each highlighted cell lies under its column\'s header, at 1280 px and at phone width, scrolled or not', async () => {
    const page = await openPage();
    await sample(page);
    await page.locator('[data-testid="grid-notes"]').check();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      for (const scroll of [0, 400, 100_000]) {
        await page.locator('.grid-scroll').evaluate((e, x) => { e.scrollLeft = x; }, scroll);
        await page.waitForTimeout(50);
        const { headers, bad, scroller } = await gridBoxes(page);
        assert.ok(bad.length >= 10, `the sample's grid highlights cells (${bad.length})`);
        let checked = 0;
        for (const cell of bad) {
          const h = headers[cell.col];
          assert.ok(h, `a header for column ${cell.col}`);
          // Cells hidden behind the pinned columns or outside the grid's view are not compared.
          if (cell.right < scroller.left || cell.left > scroller.right) continue;
          assert.ok(Math.abs(cell.left - h.left) < 1 && Math.abs(cell.right - h.right) < 1,
            `width ${width}, scrolled ${scroll}: row ${cell.row}'s ${JSON.stringify(cell.text)} [${cell.left}, ${cell.right}] under its header [${h.left}, ${h.right}]`);
          checked++;
        }
        assert.ok(checked > 0, `width ${width}, scrolled ${scroll}: some cell compared`);
      }
    }
    await page.close();
  });

  test('the row number and whose row it is stay pinned while scrolling sideways; every cell of the row is shown', async () => {
    const page = await openPage();
    await sample(page);
    // The README's picture of the grid, and the same at phone width and in dark mode.
    await page.locator('[data-testid="grid"]').scrollIntoViewIfNeeded();
    await page.keyboard.press('n');
    await page.locator('[data-testid="grid"]').screenshot({ path: join(ROOT, 'docs/screenshot-grid.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="grid"]').screenshot({ path: join(ARTIFACTS, 'grid-narrow.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('[data-testid="grid"]').screenshot({ path: join(ARTIFACTS, 'grid-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    const grid = page.locator('.grid-scroll');
    const first = page.locator('[data-testid="grid-table"] .grid-space [role="row"]').first();
    const row = Number(await first.getAttribute('data-row'));
    const before = await first.locator('[role="rowheader"]').boundingBox();
    const who = first.locator('[role="gridcell"]').first();
    const whoBefore = await who.boundingBox();
    await grid.evaluate((e) => { e.scrollLeft = e.scrollWidth; });
    await page.waitForTimeout(50);
    const after = await first.locator('[role="rowheader"]').boundingBox();
    const whoAfter = await who.boundingBox();
    assert.ok(await grid.evaluate((e) => e.scrollLeft > 0), 'the grid scrolls sideways');
    assert.equal(after.x, before.x, 'the row number stays');
    assert.equal(whoAfter.x, whoBefore.x, 'whose row it is stays');
    assert.equal(await page.locator('[data-testid="grid-table"] [role="columnheader"]').nth(1).textContent(), 'primary_email_address');
    // Every cell of the row, as the file holds it (the CLI's corrected file keeps row order).
    const lines = readFileSync(SAMPLE, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
    const header = lines[0].split(',');
    await page.waitForFunction((r) => {
      const cells = [...document.querySelectorAll(`[data-testid="grid-table"] [role="row"][data-row="${r}"] [data-col]`)];
      return cells.filter((c) => c.textContent !== '').length >= 3;
    }, row, { timeout: 10_000 });
    const shown = await page.evaluate((r) => Object.fromEntries([...document.querySelectorAll(`[data-testid="grid-table"] [role="row"][data-row="${r}"] [data-col]`)].map((c) => [c.dataset.col, c.getAttribute('title')?.split('\n')[0] ?? ''])), row);
    const fileCells = lines[row - 1].split(',');
    assert.ok(!lines[row - 1].includes('"'), 'the compared row has no quoted cell');
    for (let i = 0; i < header.length; i++) {
      assert.equal(shown[i] ?? '', fileCells[i] ?? '', `row ${row}, ${header[i]}`);
    }
    await page.close();
  });

  test('row numbers and the header row\'s label are shown whole, in a file of 100,000 rows and at phone width', async () => {
    /** The row-number cells in view whose text does not fit them. */
    const cutNumbers = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="grid-rownum"]')]
      .filter((e) => e.textContent && e.scrollWidth > e.clientWidth).map((e) => e.textContent));
    const page = await openPage();
    await sample(page);
    await page.locator('[data-testid="grid-notes"]').check();
    await page.selectOption('[data-testid="grid-order"]', 'row');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      assert.ok(await page.locator('[data-testid="grid-rownum"]', { hasText: /header/i }).count() > 0, 'the header row is in view');
      assert.deepEqual(await cutNumbers(page), [], `width ${width}: the sample's row labels`);
    }
    // 100,000 blank lines, then a row with an error: row 100,002, first in the grid (errors first).
    const big = join(suite.work, 'far-row.csv');
    writeFileSync(big, 'primary_email_address,preferred_first_name,preferred_last_name\r\n' + '\r\n'.repeat(100_000) + 'not-an-email,Ana,Souza\r\n');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.setInputFiles('[data-testid="file-input"]', big);
    await page.locator('[data-testid="grid-rownum"]', { hasText: '100,002' }).waitFor({ timeout: 60_000 });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.waitForTimeout(50);
      assert.deepEqual(await cutNumbers(page), [], `width ${width}: six-digit row numbers`);
    }
    await page.close();
  });

  test('an ARIA grid: named, one focusable cell, arrow keys move it; n and p walk errors first', async () => {
    const page = await openPage();
    await sample(page);
    const table = page.locator('[data-testid="grid-table"]');
    assert.equal(await table.getAttribute('role'), 'grid');
    assert.equal(await table.getAttribute('aria-labelledby'), 'grid-title');
    assert.equal(await table.locator('[tabindex="0"]').count(), 1, 'one cell in the tab order');
    await table.locator('[tabindex="0"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.activeElement.id === 'gc-1-0');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement.id === 'gc-1-1');
    const focused = await page.evaluate(() => ({ id: document.activeElement.id, tab: document.activeElement.tabIndex }));
    assert.equal(focused.id, 'gc-1-1', 'down then right');
    assert.equal(focused.tab, 0);
    assert.equal(await table.locator('[tabindex="0"]').count(), 1);
    assert.match(await page.locator('[data-testid="grid-detail"]').textContent(), /^Row \d+ · primary_email_address: /);
    // n walks errors first, then warnings.
    const severities = [];
    await page.locator('h1').click();
    const n = Number((await page.locator('[data-testid="grid-position"]').textContent()).match(/[\d,]+/g).at(-1).replace(/,/g, ''));
    for (let i = 0; i < n; i++) {
      await page.keyboard.press('n');
      severities.push(await page.locator('[data-testid="grid-table"] .grid-row.selected .rownum').getAttribute('class'));
    }
    const rank = severities.map((c) => (c.includes('error') ? 0 : c.includes('warning') ? 1 : 2));
    assert.deepEqual(rank, [...rank].sort(), `errors, then warnings: ${rank.join('')}`);
    assert.ok(rank.includes(0) && rank.includes(1));
    // Rows with only notes are left out until asked for.
    const notes = page.locator('[data-testid="grid-notes"]');
    if (await notes.count()) {
      const without = await page.locator('[data-testid="grid-position"]').textContent();
      await notes.check();
      assert.notEqual(await page.locator('[data-testid="grid-position"]').textContent(), without);
    }
    await page.close();
  });

  test('a row number in a finding\'s list or message jumps to that row in the grid', async () => {
    const page = await openPage();
    await sample(page);
    const group = page.locator('[data-testid="finding-group"][data-code="X001"]').first();
    await group.locator(':scope > details > summary').click();
    const link = group.locator('table.items [data-testid="row-link"]').first();
    const row = await link.getAttribute('data-row');
    await link.click();
    await page.waitForFunction((r) => document.activeElement?.closest('[role="row"]')?.dataset.row === r, row);
    // The message names the other row of the duplicate: a link too.
    const other = group.locator('table.items td:nth-child(4) [data-testid="row-link"]').first();
    const otherRow = await other.getAttribute('data-row');
    assert.notEqual(otherRow, row);
    await other.click();
    await page.waitForFunction((r) => document.activeElement?.closest('[role="row"]')?.dataset.row === r, otherRow);
    assert.ok(await page.locator('[data-testid="grid"]').evaluate((e) => { const r = e.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }), 'the grid is in view');
    await page.close();
  });

  test('a duplicate\'s row names the value it shares and links the other rows, as the CLI\'s related_rows', async () => {
    const page = await openPage();
    await sample(page);
    const json = JSON.parse(cli(['check', '--format', 'json', SAMPLE]).stdout);
    const dup = json.findings.find((f) => f.code === 'X001' && f.related_rows?.length);
    assert.ok(dup, 'the sample has a duplicate email');
    const group = page.locator('[data-testid="finding-group"][data-code="X001"]').first();
    await group.locator(':scope > details > summary').click();
    await group.locator(`table.items [data-testid="row-link"][data-row="${dup.row}"]`).first().click();
    const shared = page.locator('[data-testid="grid-shared"]');
    await shared.waitFor();
    const item = shared.locator('.shared[data-code="X001"]');
    assert.match(await item.textContent(), new RegExp(`^Same email as rows? ${dup.related_rows.join('.*')}: `));
    const lines = readFileSync(SAMPLE, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
    const email = lines[dup.row - 1].split(',')[dup.column_index - 1].trim().toLowerCase();
    await page.waitForFunction(() => document.querySelector('[data-testid="grid-shared"] .shared[data-code="X001"]')?.dataset.value);
    assert.equal((await item.getAttribute('data-value')).trim().toLowerCase(), email, 'the shared value is the row\'s email');
    assert.equal(await item.locator('code').textContent(), await item.getAttribute('data-value'));
    const links = await item.locator('[data-testid="shared-row"]').evaluateAll((els) => els.map((e) => Number(e.dataset.row)));
    assert.deepEqual(links, dup.related_rows);
    // A linked row opens in the grid, and names this row back.
    await item.locator('[data-testid="shared-row"]').first().click();
    const other = String(dup.related_rows[0]);
    await page.waitForFunction((r) => document.activeElement?.closest('[role="row"]')?.dataset.row === r, other);
    await page.waitForFunction((r) => [...document.querySelectorAll('[data-testid="grid-shared"] [data-testid="shared-row"]')].some((e) => e.dataset.row === r), String(dup.row));
    // Its email is the same address, in the other row's cell.
    await page.waitForFunction((want) => document.querySelector('[data-testid="grid-shared"] .shared[data-code="X001"]')?.dataset.value.trim().toLowerCase() === want, email);
    await page.close();
  });

  test('a finding on the header shows the header row: its cells are the column names, marked as the header', async () => {
    const page = await openPage();
    await sample(page);
    const json = JSON.parse(cli(['check', '--format', 'json', SAMPLE]).stdout);
    const h = json.findings.find((f) => f.code === 'H005');
    assert.ok(h && h.row === 1, 'the sample has an unknown header on row 1');
    await page.selectOption('[data-testid="grid-order"]', 'row');
    const row = page.locator('[data-testid="grid-table"] .grid-space [role="row"][data-row="1"]');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-header'), 'true');
    assert.equal(await row.locator('[role="rowheader"]').textContent(), 'Header');
    assert.equal(await row.locator('[role="rowheader"]').getAttribute('aria-label'), 'Row 1, the header');
    const header = readFileSync(SAMPLE, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0].split(',');
    const shown = await row.evaluate((r) => Object.fromEntries([...r.querySelectorAll('[data-col]')].map((c) => [c.dataset.col, c.textContent])));
    for (let i = 0; i < header.length; i++) assert.equal(shown[i], header[i], `column ${i + 1} shows its name`);
    const bad = row.locator(`[data-col="${h.column_index - 1}"]`);
    assert.match(await bad.getAttribute('class'), /bad warning/);
    assert.equal(await bad.getAttribute('data-codes'), 'H005');
    await bad.click();
    assert.match(await page.locator('[data-testid="grid-detail"]').textContent(), new RegExp(`^Header row 1 · ${h.column}: ${h.column}`));
    await page.close();
  });
});

/** What the page says the corrected file still has, once counted: { errors, warnings, text }. */
async function leftCounts(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="left-counting"]') && document.querySelector('[data-testid="left"] [data-errors]'), null, { timeout: 30_000 });
  const el = page.locator('[data-testid="left"] [data-errors]');
  return { errors: Number(await el.getAttribute('data-errors')), warnings: Number(await el.getAttribute('data-warnings')), text: await page.locator('[data-testid="left"]').textContent() };
}

/** The CLI's counts for a re-check of the sample corrected with these options. */
function cliLeft(name, options) {
  const path = join(suite.work, `left-${name}.csv`);
  cli(['fix', SAMPLE, '-o', path, ...options]);
  const json = JSON.parse(cli(['check', '--format', 'json', path]).stdout);
  return { errors: json.summary.errors, warnings: json.summary.warnings };
}

describe('decisions, what is left, files that cannot be checked', () => {
  test('accepting each row\'s suggestion of a rule equals the CLI\'s --suggested-only for it; the counts follow', async () => {
    const page = await openPage();
    await sample(page);
    const code = await page.locator('[data-testid="fix-rule"]:has([data-testid="fix-suggested"])').first().getAttribute('data-code');
    const before = await leftCounts(page);
    const total = await page.locator('.fix-total').textContent();
    const groups = page.locator(`[data-testid="finding-group"][data-code="${code}"]`);
    for (let i = 0; i < await groups.count(); i++) await groups.nth(i).locator(':scope > details > summary').click();
    const boxes = page.locator(`[data-testid="fix-row"][data-code="${code}"]`);
    // A group's rows are built when it opens, after the click returns: wait for the first.
    await boxes.first().waitFor({ timeout: 10_000 }).catch(() => {});
    const n = await boxes.count();
    assert.ok(n > 0, `${code} has rows to decide`);
    for (let i = 0; i < n; i++) await boxes.nth(i).check();
    assert.notEqual(await page.locator('.fix-total').textContent(), total, 'the fix count follows the rows');
    const accepted = await leftCounts(page);
    assert.notDeepEqual(accepted, before, 'what is left follows the rows');
    const { text: _t, ...counts } = accepted;
    assert.deepEqual(counts, cliLeft(`rows-${code}`, ['--suggested-only', code]), 'what is left equals a re-check of the CLI\'s corrected file');
    assert.equal(await page.locator(`[data-testid="fix-rule"][data-code="${code}"] [data-testid="fix-suggested"]`).isChecked(), false, 'the rule itself stays off');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-corrected"]')]);
    const path = join(suite.work, `rows-${code}.csv`);
    await dl.saveAs(path);
    const cliPath = join(suite.work, `cli-rows-${code}.csv`);
    cli(['fix', SAMPLE, '-o', cliPath, '--suggested-only', code]);
    assert.ok(readFileSync(path).equals(readFileSync(cliPath)), `every row of ${code} accepted equals --suggested-only ${code}`);
    // Rejected again: back to the default file and counts.
    for (let i = 0; i < n; i++) await boxes.nth(i).uncheck();
    assert.deepEqual(await leftCounts(page), before);
    const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-corrected"]')]);
    const path2 = join(suite.work, `rows-${code}-off.csv`);
    await dl2.saveAs(path2);
    assert.ok(readFileSync(path2).equals(cliOutputs('rows-default', [])['download-corrected']));
    await page.close();
  });

  test('what is left after the fixes equals a re-check of the corrected file, and follows the toggles', async () => {
    const page = await openPage();
    await sample(page);
    const { text, ...shown } = await leftCounts(page);
    assert.ok(shown.errors > 0, 'the sample keeps errors after its safe fixes');
    assert.deepEqual(shown, cliLeft('default', []), 'default choices');
    assert.match(text, /^The corrected file still has \d+ errors? and \d+ warnings? that need you: /);
    await page.locator('[data-testid="all-suggested"]').check();
    const { text: _a, ...all } = await leftCounts(page);
    assert.deepEqual(all, cliLeft('suggested', ['--suggested']), 'every suggestion on');
    const rule = page.locator('[data-testid="fix-rule"]:has([data-testid="fix-safe"])').first();
    const code = await rule.getAttribute('data-code');
    await page.locator('[data-testid="all-suggested"]').uncheck();
    await rule.locator('[data-testid="fix-safe"]').uncheck();
    const { text: _b, ...off } = await leftCounts(page);
    assert.deepEqual(off, cliLeft('off', ['--no-fix', code]), `${code} off`);
    // A link opens the rule's findings.
    await page.locator('[data-testid="left"] button').first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid="finding-group"] > details[open]'));
    await page.close();
  });

  for (const [name, bytes, code] of [
    ['empty.csv', Buffer.alloc(0), 'F005'],
    ['scan.pdf', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'), 'F003'],
    ['header-only.csv', Buffer.from('primary_email_address,preferred_first_name\r\n'), 'F005'],
  ]) {
    test(`a file that cannot be checked (${name}) gets its own state: no file facts, no downloads, tips for the page`, async () => {
      const page = await openPage();
      await page.setInputFiles('[data-testid="file-input"]', { name, mimeType: 'application/octet-stream', buffer: bytes });
      const card = page.locator('[data-testid="unreadable"]');
      await card.waitFor({ timeout: 30_000 });
      assert.equal(await card.getAttribute('data-code'), code);
      assert.equal(await page.locator('[data-testid="summary"]').count(), 0, 'no file facts (encoding, delimiter…)');
      assert.equal(await page.locator('[data-testid="download-corrected"]').count(), 0, 'no Corrected CSV to download');
      const text = await card.textContent();
      assert.doesNotMatch(text, /orgsync /, 'no CLI command');
      assert.doesNotMatch(text, /Encoding|Delimiter|Columns/, 'no facts that do not apply');
      assert.match(await page.locator('[data-testid="announce"]').textContent(), /cannot be checked/);
      if (code === 'F005') {
        await page.click('[data-testid="open-templates"]');
        assert.equal(await page.locator('#tool-templates').getAttribute('open'), '');
      }
      await page.close();
    });
  }

  test('a file dropped anywhere on the page is checked; the end of a check is announced', async () => {
    const page = await openPage();
    const data = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      return dt;
    }, readFileSync(SAMPLE, 'utf8'));
    await page.dispatchEvent('footer', 'dragover', { dataTransfer: data });
    assert.ok(await page.evaluate(() => document.body.classList.contains('dragging')), 'the drag-over state shows');
    await page.dispatchEvent('footer', 'drop', { dataTransfer: data });
    await page.locator('[data-testid="summary"]').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('[data-testid="summary"]').textContent(), /dropped\.csv/);
    assert.ok(!(await page.evaluate(() => document.body.classList.contains('dragging'))));
    assert.match(await page.locator('[data-testid="announce"]').textContent(), /^Checked: \d+ errors?, \d+ warnings? and \d+ notes?\.$/);
    await page.close();
  });
});

describe('words, documentation, phone width', () => {
  test('each rule\'s full documentation opens from the page, the text `orgsync rules CODE` prints, with no request', async () => {
    const page = await openPage();
    await sample(page);
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    for (const code of ['X001', 'R012', 'R004']) {
      const group = page.locator(`[data-testid="finding-group"][data-code="${code}"]`).first();
      await group.locator(':scope > details > summary').click();
      await group.locator('[data-testid="rule-doc"] > summary').click();
      await group.locator('[data-testid="rule-doc"] h4').first().waitFor();
      const norm = (t) => t.replace(/`/g, '').replace(/·/g, ' ').replace(/\s+/g, ' ').trim();
      const shown = norm(await group.locator('[data-testid="rule-doc"]').textContent());
      // Every paragraph of the CLI's text (headings and code fences aside) is on the page.
      const doc = cli(['rules', code]).stdout;
      const paragraphs = doc.split(/\n\s*\n/)
        .map((p) => p.split('\n').filter((l) => !l.startsWith('#')).join('\n').trim())
        .filter((p) => p && !p.startsWith('```') && !p.startsWith(`${code} ·`) && !p.startsWith('- '));
      assert.ok(paragraphs.length >= 3, `${code}: the CLI prints its documentation (${paragraphs.length} paragraphs)`);
      for (const p of paragraphs) {
        if (p.includes('```')) continue;
        const words = norm(p).slice(0, 50);
        assert.ok(shown.includes(words), `${code}: "${words}" is on the page`);
      }
      // Titles are words, the code small beside them.
      assert.doesNotMatch(await group.locator('[data-testid="group-title"]').textContent(), /^[A-Z]\d{3}|-[a-z]+-/);
    }
    assert.deepEqual(requests.filter((u) => !u.startsWith('blob:')), [], 'no request');
    await page.close();
  });

  test('at phone width the results come into view when a check ends', async () => {
    const page = await openPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('[data-testid="sample-button"]');
    await page.locator('[data-testid="summary"]').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 5_000 });
    const top = await page.locator('[data-testid="summary"]').evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(top >= -1 && top < 844, `the summary is in view (top ${top})`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');
    await page.close();
  });
});
