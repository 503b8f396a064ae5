// Browser tests of "Compare with your current users": the page given an upload and the
// account's user export, in headless Chromium. Every count the page shows (the P rules, the
// export's own summary) is compared with the CLI's JSON for the same pair (`orgsync check
// --roster EXPORT --format json FILE`); the preview (what uploading the corrected file does, rows
// left with an error rejected) with `orgsync fix FILE --roster EXPORT --preview PREVIEW.csv` on
// the same choices: its kinds and counts, its lines, and the CSV the page downloads, byte for byte.
//
// Run with scripts/e2e.sh (it builds the CLI and the page first).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS, ROOT, SAMPLE, chromiumSuite, cli, cliReport as report, counts, shownCounts,
} from './helpers.mjs';

const SAMPLE_EXPORT = join(ROOT, 'samples/sample-export.csv');

/** Chromium on the page; each page loaded once the build is cached, its errors and requests recorded. */
const suite = chromiumSuite('orgsync-roster-', { offline: true });
const { openPage, download, problems } = suite;

/** The CLI's JSON report of an upload, compared with an export when one is given. */
function cliReport(file, exportFile) {
  return report(file, exportFile ? ['--roster', exportFile] : []);
}


/**
 * Waits until the page shows a finished check whose comparison state is `withExport` (a preview
 * panel, P findings) or not, and returns the summary's counts.
 */
async function settled(page, withExport) {
  await page.waitForFunction((want) => {
    const s = document.querySelector('[data-testid="summary"]');
    const p = document.querySelector('[data-testid="preview"]');
    const reading = document.querySelector('[data-testid="progress"]');
    return s && !reading && (want ? !!p : !p);
  }, withExport, { timeout: 60_000 });
  return shownCounts(page.locator('[data-testid="summary"]'));
}

/** Findings per code as the page's groups count them (a rule can have a group per column). */
async function pageByCode(page) {
  const groups = await page.locator('[data-testid="finding-group"]').evaluateAll((els) =>
    els.map((e) => [e.dataset.code, Number(e.dataset.count)]));
  const out = {};
  for (const [code, n] of groups) out[code] = (out[code] ?? 0) + n;
  return out;
}

async function rosterSummary(page) {
  const r = page.locator('[data-testid="roster-summary"]');
  await r.waitFor({ timeout: 60_000 });
  const n = async (a) => Number(await r.getAttribute(a));
  return { users: await n('data-users'), errors: await n('data-errors'), warnings: await n('data-warnings'), text: await r.locator('.roster-line').textContent() };
}

/** The rows of a CSV (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** The CLI's preview CSV as lines { row, email, id, change, column, before, after }, and counts per kind. */
function cliPreviewLines(upload, exportFile, args = []) {
  const [, ...rows] = parseCsv(cliPreview(upload, exportFile, args).preview.toString('utf8'));
  const lines = rows.map(([row, email, id, change, column, before, after]) => ({ row, email, id, change, column, before, after }));
  const byKind = {};
  for (const l of lines) byKind[l.change] = (byKind[l.change] ?? 0) + 1;
  return { lines, byKind };
}

/** The page's preview once it is of the choices last made: its totals and its kinds' counts. */
async function pagePreview(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="left-counting"]')
    && !!document.querySelector('[data-testid="preview"]'), null, { timeout: 60_000 });
  const p = page.locator('[data-testid="preview"]');
  const attr = async (a) => Number(await p.getAttribute(a));
  const kinds = await page.locator('[data-testid="preview-kind"]').evaluateAll((els) =>
    els.map((e) => [e.dataset.kind, Number(e.dataset.count)]));
  return { new: await attr('data-new'), untouched: await attr('data-untouched'), rejected: await attr('data-rejected'), kinds: Object.fromEntries(kinds) };
}

/** Asserts the page's preview equals the CLI's preview CSV with `args` (the same choices). */
async function assertPreviewAsCli(page, upload, exportFile, args = []) {
  const cli = cliPreviewLines(upload, exportFile, args);
  const shown = await pagePreview(page);
  const n = (k) => cli.byKind[k] ?? 0;
  assert.deepEqual(shown.kinds, cli.byKind, `kinds of change and their counts, as \`orgsync fix --preview ${args.join(' ')}\``);
  assert.equal(shown.new, n('invited') + n('unassigned'), 'new users');
  assert.equal(shown.untouched, n('untouched'));
  assert.equal(shown.rejected, n('rejected'));
  return cli;
}

/** Asserts every count of the page equals the CLI's for (upload, export); returns the JSON. */
async function assertSameAsCli(page, upload, exportFile) {
  const shown = await settled(page, true);
  const json = cliReport(upload, exportFile);
  assert.deepEqual(shown, counts(json), `summary counts for ${upload} against ${exportFile}`);
  assert.deepEqual(await pageByCode(page), json.summary.by_code, 'findings per rule, P rules included');
  json.fixPreview = await assertPreviewAsCli(page, upload, exportFile);
  const r = await rosterSummary(page);
  assert.deepEqual({ users: r.users, errors: r.errors, warnings: r.warnings },
    { users: json.roster.users, errors: json.roster.summary.errors, warnings: json.roster.summary.warnings }, 'the export\'s own summary');
  return json;
}


/** The preview CSV the CLI writes for (upload, export), with the fix options `args`. */
function cliPreview(upload, exportFile, args = []) {
  const out = mkdtempSync(join(suite.work, 'cli-'));
  cli(['fix', upload, '--roster', exportFile, ...args, '--preview', join(out, 'preview.csv'), '-o', join(out, 'corrected.csv')]);
  return { preview: readFileSync(join(out, 'preview.csv')), corrected: readFileSync(join(out, 'corrected.csv')) };
}

/** The lines the preview table shows: their kinds and the range text. */
async function shownLines(page) {
  await page.waitForFunction(() => !/Loading/.test(document.querySelector('[data-testid="preview-range"]')?.textContent ?? 'Loading'));
  return {
    kinds: await page.locator('[data-testid="preview-lines"] tbody tr').evaluateAll((els) => els.map((e) => e.dataset.kind)),
    range: await page.locator('[data-testid="preview-range"]').textContent(),
  };
}

// ---- generated pairs ----

const FIRST = ['Amelia', 'Daniel', 'Priya', 'Lucas', 'Sofia', 'Kwame', 'Yuki', 'Mateo', 'Chloe', 'Omar'];
const LAST = ['Wright', 'Okafor', 'Raman', 'Meyer', 'Rossi', 'Asante', 'Tanaka', 'Silva', 'Dubois', 'Haddad'];
const person = (i) => {
  const f = FIRST[i % 10], l = LAST[Math.floor(i / 10) % 10] + (i >= 100 ? String(Math.floor(i / 100)) : '');
  return { f, l, email: `${f}.${l}@fabrikam.de`.toLowerCase(), id: `FB${String(1000 + i)}` };
};

/**
 * Excel's "Unicode Text": a UTF-16 LE export with a byte-order mark, tab separated, with two
 * problems of its own (a user listed twice, a row with neither email nor id), and a
 * `;`-separated UTF-8 upload built from it: unchanged users, a revocation, a group removal, new
 * users (one near-duplicate), a changed title.
 */
function utf16Pair() {
  const header = ['invited_email_address', 'preferred_first_name', 'preferred_last_name', 'work_title', 'unique_user_id', 'emea_license_learning_status', 'group:Vertrieb DACH', 'group:Entwicklung', 'attribute_standort'];
  const users = Array.from({ length: 30 }, (_, i) => {
    const p = person(i);
    return [p.email, p.f, p.l, i % 2 ? 'Vertriebsmitarbeiter' : 'Entwickler', p.id, 'Active', i % 2 ? 'yes' : '', i % 2 ? '' : 'yes', i % 3 ? 'München' : 'Zürich'];
  });
  users.push([...users[4]]); // listed twice
  users.push(['', 'Ohne', 'Adresse', 'Praktikant', '', '', '', '', 'Köln']);
  const exportText = '\ufeff' + [header, ...users].map((r) => r.join('\t')).join('\r\n') + '\r\n';
  const exportFile = join(suite.work, 'benutzer-export.txt');
  writeFileSync(exportFile, Buffer.from(exportText, 'utf16le'));
  const up = ['primary_email_address', 'preferred_first_name', 'preferred_last_name', 'work_title', 'emea_license_learning_status', 'group:Vertrieb DACH', 'group:Entwicklung'];
  const rows = [];
  for (let i = 0; i < 20; i++) {
    const p = person(i);
    let license = 'Active', title = i % 2 ? 'Vertriebsmitarbeiter' : 'Entwickler', sales = i % 2 ? 'yes' : '', eng = i % 2 ? '' : 'yes';
    if (i === 3) license = 'Inactive';
    if (i === 5) sales = 'no';
    if (i === 8) title = 'Teamleiter Entwicklung';
    rows.push([p.email, p.f, p.l, title, license, sales, eng]);
  }
  rows.push(['jonas.becker@fabrikam.de', 'Jonas', 'Becker', 'Entwickler', 'Active', '', 'yes']);
  rows.push(['lea.wagner@fabrikam.de', 'Lea', 'Wagner', 'Werkstudentin', '', '', '']);
  rows.push(['priyaraman@fabrikam.de', 'Priya', 'Raman', 'Entwicklerin', 'Active', '', 'yes']); // like priya.raman@
  const upload = join(suite.work, 'upload-semikolon.csv');
  writeFileSync(upload, [up, ...rows].map((r) => r.join(';')).join('\r\n') + '\r\n');
  return { exportFile, upload };
}

/**
 * An id-matched pair: 250 users with ids; the upload names them by `unique_user_id`, some with a
 * new address (email changes), one with another user's address (a conflict), ids the export does
 * not know (new users), and enough unchanged rows for the list to need a second page.
 */
function idPair() {
  const header = 'invited_email_address,preferred_first_name,preferred_last_name,unique_user_id,fb_license_learning_status,group:Support\r\n';
  let exp = header;
  for (let i = 0; i < 250; i++) {
    const p = person(i);
    exp += `${p.email},${p.f},${p.l},${p.id},${i % 7 ? 'Active' : ''},${i % 4 ? '' : 'yes'}\r\n`;
  }
  const exportFile = join(suite.work, 'users-with-ids.csv');
  writeFileSync(exportFile, exp);
  let up = 'unique_user_id,primary_email_address,fb_license_learning_status,group:Support\r\n';
  for (let i = 0; i < 240; i++) {
    const p = person(i);
    let email = p.email;
    if (i % 50 === 7) email = `${p.f}.${p.l}@fabrikam-group.com`.toLowerCase(); // moved domain
    if (i === 12) email = person(13).email; // another user's address
    up += `${p.id},${email},Active,${i % 4 ? '' : 'yes'}\r\n`;
  }
  for (let i = 0; i < 5; i++) up += `FBN${i},new.starter${i}@fabrikam.de,Active,\r\n`;
  const upload = join(suite.work, 'upload-by-id.csv');
  writeFileSync(upload, up);
  return { exportFile, upload };
}

describe('compare with your current users', () => {
  test('the sample export shows every P rule, and the page equals the CLI', async () => {
    const page = await openPage();
    await page.click('[data-testid="sample-button"]');
    await settled(page, false);
    await page.click('[data-testid="roster-sample-button"]');
    const json = await assertSameAsCli(page, SAMPLE, SAMPLE_EXPORT);
    for (const code of ['P001', 'P002', 'P003', 'P004', 'P005']) {
      assert.ok(json.summary.by_code[code] > 0, `the sample pair shows ${code}`);
    }
    const kinds = Object.keys(json.fixPreview.byKind);
    for (const k of ['invited', 'license-revoked', 'rejected', 'no-change', 'untouched']) assert.ok(kinds.includes(k), `the sample pair shows ${k}`);
    const r = await rosterSummary(page);
    assert.match(r.text, /Your user export: 24 users, UTF-8, no problem/);
    // The list: every line, then one kind at a time.
    const all = await shownLines(page);
    const lines = json.fixPreview.lines.length;
    assert.deepEqual(all.kinds, json.fixPreview.lines.map((l) => l.change), 'the lines, in the CLI\'s order');
    assert.equal(all.kinds.at(-1), 'untouched', 'untouched users come last');
    await page.click('[data-testid="preview-kind"][data-kind="license-revoked"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="preview-lines"] tbody tr')].every((e) => e.dataset.kind === 'license-revoked'));
    const revoked = await shownLines(page);
    assert.deepEqual(revoked.kinds, ['license-revoked']);
    assert.match(await page.locator('[data-testid="preview-lines"] tbody tr').textContent(), /peter\.novak@northwindtraders\.com.*Active.*Inactive/);
    assert.equal(await page.locator('[data-testid="preview-kind"][data-kind="license-revoked"]').getAttribute('aria-pressed'), 'true');
    await page.click('[data-testid="preview-all"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="preview-lines"] tbody tr').length === n, lines);
    const panel = page.locator('[data-testid="preview"]');
    await panel.screenshot({ path: join(ARTIFACTS, 'roster-preview.png') });
    await page.locator('.roster-zone').screenshot({ path: join(ARTIFACTS, 'roster-zone.png') });
    await page.evaluate(() => document.querySelector('.roster-zone').scrollIntoView());
    await page.screenshot({ path: join(ROOT, 'docs/screenshot-preview.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling on a phone-width window');
    await panel.screenshot({ path: join(ARTIFACTS, 'roster-preview-narrow.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await panel.screenshot({ path: join(ARTIFACTS, 'roster-preview-dark.png') });
    await page.close();
  });

  test('export first, upload second; removing the export checks the upload alone again', async () => {
    const page = await openPage();
    await page.setInputFiles('[data-testid="roster-input"]', SAMPLE_EXPORT);
    const r = await rosterSummary(page);
    assert.equal(r.users, 24, 'the export\'s summary shows before any upload');
    assert.equal(await page.locator('[data-testid="summary"]').count(), 0);
    await page.setInputFiles('[data-testid="file-input"]', SAMPLE);
    await assertSameAsCli(page, SAMPLE, SAMPLE_EXPORT);
    await page.click('[data-testid="roster-clear"]');
    const alone = await settled(page, false);
    const json = cliReport(SAMPLE);
    assert.deepEqual(alone, counts(json));
    assert.deepEqual(await pageByCode(page), json.summary.by_code, 'no P finding without an export');
    assert.equal(await page.locator('[data-testid="roster-summary"]').count(), 0);
    await page.close();
  });

  test('the sample pair: the preview CSV and the corrected file equal the CLI\'s', async () => {
    const page = await openPage();
    await page.click('[data-testid="roster-sample-button"]');
    await settled(page, true);
    const preview = await download(page, 'download-preview');
    assert.equal(preview.name, 'sample-with-mistakes.preview.csv');
    const corrected = await download(page, 'download-corrected');
    const want = cliPreview(SAMPLE, SAMPLE_EXPORT);
    assert.ok(readFileSync(preview.path).equals(want.preview), 'preview CSV equals `orgsync fix --roster … --preview`');
    assert.ok(readFileSync(corrected.path).equals(want.corrected), 'corrected CSV equals the CLI\'s with the export');
    await page.close();
  });

  test('the preview is of the corrected file: safe fixes by default, a suggested fix accepted, rows with errors rejected', async () => {
    const page = await openPage();
    await page.click('[data-testid="roster-sample-button"]');
    await page.click('[data-testid="sample-button"]');
    await settled(page, true);
    const safe = await assertPreviewAsCli(page, SAMPLE, SAMPLE_EXPORT);
    // Row 6 names Sam by id with sam.rivera@gmial.com: the upload would change Sam's address to
    // the mistyped one, until R004's suggestion (the export's address for Sam) is accepted.
    const row6 = (cli) => cli.lines.filter((l) => l.row === '6').map((l) => `${l.email} ${l.change}`);
    assert.ok(row6(safe).includes('sam.rivera@gmial.com email-changed'), row6(safe).join('; '));
    // Rows the uploader would reject show as such, naming the errors left, not as changes.
    const rejected = safe.lines.filter((l) => l.change === 'rejected');
    assert.ok(rejected.length >= 2, `rejected rows: ${rejected.length}`);
    await page.click('[data-testid="preview-kind"][data-kind="rejected"]');
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-testid="preview-lines"] tbody tr')];
      return rows.length === n && rows.every((e) => e.dataset.kind === 'rejected');
    }, rejected.length);
    const first = page.locator('[data-testid="preview-lines"] tbody tr').first();
    assert.match(await first.textContent(), /Rejected — no change/);
    assert.equal(await first.locator('.rejected-code').first().getAttribute('data-code'), rejected[0].after.split(' ')[0]);
    // Accept R004's suggestions: the page's preview follows, and equals the CLI's with the same choice.
    await page.click('[data-testid="fix-rule"][data-code="R004"] [data-testid="fix-suggested"]');
    const want = cliPreviewLines(SAMPLE, SAMPLE_EXPORT, ['--suggested-only', 'R004']);
    assert.notDeepEqual(want.byKind, safe.byKind, 'accepting R004 changes what the upload does');
    assert.deepEqual(row6(want), ['sam.rivera@northwindtraders.com no-change']);
    await page.waitForFunction((kinds) => {
      const shown = Object.fromEntries([...document.querySelectorAll('[data-testid="preview-kind"]')].map((e) => [e.dataset.kind, Number(e.dataset.count)]));
      const same = (o) => JSON.stringify(Object.entries(o).sort());
      return same(shown) === same(kinds);
    }, want.byKind, { timeout: 60_000 });
    await assertPreviewAsCli(page, SAMPLE, SAMPLE_EXPORT, ['--suggested-only', 'R004']);
    // The kind chosen stays chosen; the downloaded preview is the CLI's, byte for byte.
    assert.equal(await page.locator('[data-testid="preview-kind"][data-kind="rejected"]').getAttribute('aria-pressed'), 'true');
    const preview = await download(page, 'download-preview');
    assert.ok(readFileSync(preview.path).equals(cliPreview(SAMPLE, SAMPLE_EXPORT, ['--suggested-only', 'R004']).preview), 'preview CSV equals the CLI\'s with --suggested-only R004');
    await page.close();
  });

  test('a UTF-16 tab-separated export and a ;-separated upload', async () => {
    const { exportFile, upload } = utf16Pair();
    const page = await openPage();
    await page.setInputFiles('[data-testid="file-input"]', upload);
    await settled(page, false);
    await page.setInputFiles('[data-testid="roster-input"]', exportFile);
    const json = await assertSameAsCli(page, upload, exportFile);
    assert.equal(json.roster.file.encoding, 'utf-16le');
    assert.ok(json.roster.summary.errors + json.roster.summary.warnings + json.roster.summary.infos >= 2, 'the export has problems of its own');
    const r = await rosterSummary(page);
    const own = json.roster.summary.errors + json.roster.summary.warnings + json.roster.summary.infos;
    assert.match(r.text, new RegExp(`Your user export: ${json.roster.users} users, UTF-16LE, ${own} problems`));
    // The export's problems are listed in its own section, not among the upload's findings.
    const exportCodes = Object.keys(json.roster.summary.by_code);
    await page.click('[data-testid="roster-findings"] summary');
    const listed = await page.locator('[data-testid="roster-findings"] li .sev').allTextContents();
    assert.deepEqual([...new Set(listed)].sort(), exportCodes.sort());
    for (const k of ['license-revoked', 'group-removed', 'profile-updated', 'invited']) {
      assert.ok(json.fixPreview.byKind[k] > 0, `the pair shows ${k}`);
    }
    assert.ok(json.summary.by_code.P003 > 0, 'a near-duplicate address');
    const preview = await download(page, 'download-preview');
    assert.equal(preview.name, 'upload-semikolon.preview.csv');
    assert.ok(readFileSync(preview.path).equals(cliPreview(upload, exportFile).preview), 'preview CSV equals the CLI\'s');
    await page.close();
  });

  test('an upload matched by unique_user_id: email changes, a conflict, new ids, a second page', async () => {
    const { exportFile, upload } = idPair();
    const page = await openPage();
    await page.setInputFiles('[data-testid="roster-input"]', exportFile);
    await rosterSummary(page);
    await page.setInputFiles('[data-testid="file-input"]', upload);
    const json = await assertSameAsCli(page, upload, exportFile);
    const t = json.preview.totals;
    assert.ok(t.by_kind['email-changed'] > 0 && t.conflicts === 1 && t.new_users === 5, JSON.stringify(t));
    // The conflict (P004, an error) is rejected by the uploader: one line, no change; so is the
    // row whose address it borrowed (the same email on two rows, X001, with two ids, X003).
    assert.deepEqual(json.fixPreview.lines.filter((l) => l.change === 'rejected').map((l) => l.after), ['P004 X001 X003', 'X001 X003']);
    assert.equal(json.fixPreview.byKind.conflict, undefined);
    const by = { ...json.fixPreview.byKind };
    const lines = json.fixPreview.lines.length;
    assert.ok(lines > 200, 'enough lines for three pages');
    const first = await shownLines(page);
    assert.equal(first.kinds.length, 100);
    assert.match(first.range, new RegExp(`Lines 1–100 of ${lines.toLocaleString('en-US')}`));
    await page.click('[data-testid="preview-next"]');
    await page.waitForFunction(() => /Lines 101–200/.test(document.querySelector('[data-testid="preview-range"]').textContent));
    await page.click('[data-testid="preview-prev"]');
    await page.waitForFunction(() => /Lines 1–100/.test(document.querySelector('[data-testid="preview-range"]').textContent));
    await page.click('[data-testid="preview-kind"][data-kind="email-changed"]');
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-testid="preview-lines"] tbody tr')];
      return rows.length === n && rows.every((e) => e.dataset.kind === 'email-changed');
    }, by['email-changed']);
    const preview = await download(page, 'download-preview');
    assert.ok(readFileSync(preview.path).equals(cliPreview(upload, exportFile).preview), 'preview CSV equals the CLI\'s');
    await page.close();
  });

  test('group permissions against the export\'s groups (R008) with no glossary typed, as the CLI', async () => {
    // The export's `group:` columns are the account's groups: the page, like `orgsync check
    // --roster`, checks group-permission tokens against them when the admin typed no glossary.
    const exportFile = join(suite.work, 'export-with-groups.csv');
    writeFileSync(exportFile, 'invited_email_address,preferred_first_name,group:Sales,group:Support EMEA\r\n'
      + 'jane.doe@acme.com,Jane,yes,\r\nomar.haddad@acme.com,Omar,,yes\r\n');
    const upload = join(suite.work, 'upload-group-permissions.csv');
    writeFileSync(upload, 'primary_email_address,preferred_first_name,group_permission_view_reports,group_permission_manage_users\r\n'
      + 'jane.doe@acme.com,Jane,group:Sales,group:Support EMEA\r\n'
      + 'omar.haddad@acme.com,Omar,group:Finance,\r\n'
      + 'lea.wagner@acme.com,Lea,group:Sales;group:Marketing,group:Sales\r\n');
    const page = await openPage();
    await page.setInputFiles('[data-testid="roster-input"]', exportFile);
    await rosterSummary(page);
    await page.setInputFiles('[data-testid="file-input"]', upload);
    const json = await assertSameAsCli(page, upload, exportFile);
    assert.equal(json.summary.by_code.R008, 2, 'group:Finance and group:Marketing are groups the export does not have');
    await page.close();
  });

  test('a file that is not a user export: its problem shows, nothing is compared', async () => {
    const notExport = join(suite.work, 'departments.csv');
    writeFileSync(notExport, 'name,department\r\nJane Doe,Sales\r\nOmar Haddad,Engineering\r\n');
    const page = await openPage();
    await page.click('[data-testid="sample-button"]');
    await settled(page, false);
    await page.setInputFiles('[data-testid="roster-input"]', notExport);
    await page.locator('[data-testid="roster-summary"].bad').waitFor({ timeout: 60_000 });
    const shown = await settled(page, false);
    const json = cliReport(SAMPLE, notExport);
    assert.equal(json.preview, null, 'the CLI compares nothing either');
    assert.deepEqual(shown, { errors: json.summary.errors, warnings: json.summary.warnings, infos: json.summary.infos, rows: json.file.rows });
    assert.deepEqual(await pageByCode(page), json.summary.by_code, 'no P finding from an unusable export');
    const r = await rosterSummary(page);
    assert.deepEqual({ users: r.users, errors: r.errors }, { users: json.roster.users, errors: json.roster.summary.errors });
    assert.match(await page.locator('[data-testid="roster-summary"]').textContent(), /cannot tell who your users are/);
    await page.close();
  });

  test('privacy: no console error, no request to another origin, none after load', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(suite.foreign(), [], 'requests to another origin');
    assert.deepEqual(suite.late(), [], 'requests after the page had loaded');
  });
});
