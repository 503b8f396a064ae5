// Browser benchmark of "Compare with your current users": a 200k-user export and a 200k-row
// upload (gen-roster: 95% the export's users, one in ten of them changed, 5% new), in headless
// Chromium, beside the native `orgsync check --roster` on the same pair in the same run. Not a
// timed test: it prints figures for BENCHMARKS.md.
//
//   node tests/e2e/bench-roster.mjs [USERS]     (after trunk build --release and
//                                                cargo build --release -p orgsync-cli -p orgsync-tests)
//
// Three timings on the page, each from the file input's change event to what it waits for:
//   export alone   the export dropped on an empty page → its summary (reading it in the worker);
//   upload         the upload dropped with the export held → the check's summary and preview;
//   export second  the export dropped again on a page that has the upload → summary and preview
//                  (the export read again, then the upload checked against it).
import { spawnSync, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = join(ROOT, 'dist');
const CLI = process.env.ORGSYNC_CLI ?? join(ROOT, 'target/release/orgsync');
const GEN = join(ROOT, 'target/release/gen-roster');
const USERS = Number(process.argv[2] ?? 200_000);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Resident memory in MiB of Chromium's renderer processes (the page and its worker) and of all. */
function rss() {
  const ps = spawnSync('ps', ['-C', 'chromium', '-o', 'rss=,args='], { encoding: 'utf8' });
  let renderer = 0, all = 0;
  for (const line of (ps.stdout || '').split('\n')) {
    const m = line.trim().match(/^(\d+)\s+(.*)$/);
    if (!m) continue;
    all += Number(m[1]);
    if (m[2].includes('--type=renderer')) renderer += Number(m[1]);
  }
  return { renderer: renderer / 1024, all: all / 1024 };
}

function native(args) {
  const t0 = process.hrtime.bigint();
  const out = openSync(join(work, 'native.out'), 'w');
  const r = spawnSync('/usr/bin/time', ['-f', '%M', CLI, ...args], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
  closeSync(out);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peakKb = Number((r.stderr || '').trim().split('\n').at(-1));
  return { s: +(ms / 1000).toFixed(2), peak_mib: Math.round(peakKb / 1024) };
}

const work = mkdtempSync(join(tmpdir(), 'orgsync-bench-roster-'));
try {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: trunk build --release');
  for (const bin of [CLI, GEN]) if (!existsSync(bin)) throw new Error(`no ${bin}: cargo build --release -p orgsync-cli -p orgsync-tests`);
  const exportFile = join(work, 'export.csv');
  const upload = join(work, 'upload.csv');
  execFileSync(GEN, [exportFile, upload, String(USERS)]);

  const nativeJson = native(['check', '--roster', exportFile, '--format', 'json', upload]);
  const json = JSON.parse(readFileSync(join(work, 'native.out'), 'utf8'));
  const nativeHuman = native(['check', '--roster', exportFile, upload]);
  const nativeAlone = native(['check', '--format', 'json', upload]);

  const server = await serve(DIST, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 }, acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(origin + '/');
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('body[data-offline]');
  const idle = rss();
  let peak = { ...idle };
  const sampler = setInterval(() => {
    const now = rss();
    peak = { renderer: Math.max(peak.renderer, now.renderer), all: Math.max(peak.all, now.all) };
  }, 100);
  await page.evaluate(() => {
    for (const id of ['file-input', 'roster-input']) {
      document.querySelector(`[data-testid="${id}"]`).addEventListener('change', () => { window.__dropped = performance.now(); }, { capture: true });
    }
  });
  /** Drops a file on an input and waits, in the page, until `ready()` holds; returns seconds. */
  async function timed(input, file, ready) {
    await page.evaluate(() => { window.__dropped = null; });
    await page.setInputFiles(`[data-testid="${input}"]`, file);
    await page.waitForFunction(ready, null, { timeout: 600_000, polling: 'raf' });
    return +((await page.evaluate(() => performance.now() - window.__dropped)) / 1000).toFixed(2);
  }
  const rosterReady = () => !!document.querySelector('[data-testid="roster-summary"]');
  const previewReady = () => !!document.querySelector('[data-testid="summary"]') && !!document.querySelector('[data-testid="preview"]')
    && !document.querySelector('[data-testid="progress"]');
  const exportAlone = await timed('roster-input', exportFile, rosterReady);
  const uploadWithExport = await timed('file-input', upload, previewReady);
  const s = page.locator('[data-testid="summary"]');
  const timing = {};
  for (const k of ['check', 'read', 'engine', 'view']) timing[`${k}_ms`] = Number(await s.getAttribute(`data-${k}-ms`));
  const p = page.locator('[data-testid="preview"]');
  const shown = {
    infos: Number(await s.getAttribute('data-infos')),
    new: Number(await p.getAttribute('data-new')),
    unchanged: Number(await p.getAttribute('data-unchanged')),
    untouched: Number(await p.getAttribute('data-untouched')),
    users: Number(await page.locator('[data-testid="roster-summary"]').getAttribute('data-users')),
  };
  // Paging through the preview: the worker serves each page of 100 lines.
  const t = Date.now();
  await page.click('[data-testid="preview-kind"][data-kind="no-change"]');
  await page.waitForFunction(() => /^Lines 1–100 of/.test(document.querySelector('[data-testid="preview-range"]').textContent));
  for (let i = 0; i < 5; i++) {
    await page.click('[data-testid="preview-next"]');
    await page.waitForFunction((n) => document.querySelector('[data-testid="preview-range"]').textContent.startsWith(`Lines ${(n * 100 + 1).toLocaleString('en-US')}–`), i + 1);
  }
  const pageMs = (Date.now() - t) / 6;
  // The export dropped again once the upload is there: read again, then the upload re-checked.
  await page.evaluate(() => { document.querySelector('[data-testid="preview"]').remove(); });
  const exportSecond = await timed('roster-input', exportFile, previewReady);
  const peakChecks = { ...peak };
  // The preview CSV: a fix pass over the upload, every line written.
  const t2 = Date.now();
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 600_000 }), page.click('[data-testid="download-preview"]')]);
  const previewPath = join(work, 'preview.csv');
  await dl.saveAs(previewPath);
  const downloadS = +((Date.now() - t2) / 1000).toFixed(2);
  const previewLines = readFileSync(previewPath, 'utf8').split('\r\n').length - 2;
  clearInterval(sampler);
  const after = rss();
  await context.close();
  server.close();

  const result = {
    users: USERS,
    export_mb: +(statSync(exportFile).size / 1e6).toFixed(1),
    upload_mb: +(statSync(upload).size / 1e6).toFixed(1),
    native_check_roster_json: nativeJson,
    native_check_roster_human: nativeHuman,
    native_check_upload_alone_json: nativeAlone,
    page_s: {
      export_alone_to_its_summary: exportAlone,
      upload_to_summary_with_export_held: uploadWithExport,
      export_second_to_summary: exportSecond,
    },
    worker_last_check_ms: timing,
    preview_page_ms_with_playwright: Math.round(pageMs),
    preview_csv_download_s: downloadS,
    preview_csv_lines: previewLines,
    same_counts: shown.infos === json.summary.infos && shown.new === json.preview.totals.new_users
      && shown.unchanged === json.preview.totals.unchanged && shown.untouched === json.preview.totals.untouched
      && shown.users === json.roster.users,
    totals: json.preview.totals,
    chromium_rss_mib: {
      idle: { renderer: Math.round(idle.renderer), all: Math.round(idle.all) },
      peak_checks: { renderer: Math.round(peakChecks.renderer), all: Math.round(peakChecks.all) },
      peak_with_downloads: { renderer: Math.round(peak.renderer), all: Math.round(peak.all) },
      end: { renderer: Math.round(after.renderer), all: Math.round(after.all) },
    },
    chromium: execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim(),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
