// Browser memory benchmark (not a timed test): drops a file into the page in headless Chromium,
// samples the resident memory of Chromium's processes every ~100 ms from /proc while the page
// checks it and while it prepares the corrected-CSV download, and reports the peak over the idle
// baseline measured after load, before the drop. It also checks that the page shows the exact
// counts (the CLI's JSON for the same file) and that the downloaded corrected CSV has every row.
//
//   cargo run --release -p orgsync-tests --bin gen-bench -- target/bench-1000000-invalid.csv 1000000 invalid
//   node tests/e2e/memory.mjs [FILE.csv]     (default: target/bench-1000000-invalid.csv;
//                                             needs dist/ and target/release/orgsync)
//
// Every process is a descendant of this Node process (Chromium's browser process and its
// zygotes, renderers, GPU and utility processes); each is labelled by its --type. The page's
// dedicated Web Worker runs in the page's renderer process, so "renderer" counts page + worker.
// RSS counts pages shared between processes once per process; the baseline subtraction removes
// what was already resident at idle.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = join(ROOT, 'dist');
const CLI = process.env.ORGSYNC_CLI ?? join(ROOT, 'target/release/orgsync');
const FILE = resolve(process.argv[2] ?? join(ROOT, 'target/bench-1000000-invalid.csv'));
const MiB = 1024 * 1024;

/** Every descendant process of `root`, as { pid, type } (type: Chromium's --type, or "browser"). */
function descendants(root) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the ppid follows the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch { /* the process ended meanwhile */ }
  }
  const out = [];
  for (const pid of parent.keys()) {
    let p = pid;
    while (p > 1 && p !== root) p = parent.get(p) ?? 0;
    if (p !== root || pid === root) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (!cmd.includes('chromium') && !cmd.includes('chrome')) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    const sub = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
    out.push({ pid, type: sub ? `${type}:${sub.split('.').pop()}` : type });
  }
  return out;
}

/** Resident memory (VmRSS) in bytes of each Chromium process, summed by type and in all. */
function sample() {
  const byType = {};
  let total = 0;
  for (const { pid, type } of descendants(process.pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      const bytes = m ? Number(m[1]) * 1024 : 0;
      byType[type] = (byType[type] ?? 0) + bytes;
      total += bytes;
    } catch { /* gone */ }
  }
  return { total, byType };
}

/** Samples every ~100 ms until stopped; keeps the peak of the total and of each type. */
function sampler() {
  const peak = { total: 0, byType: {}, samples: 0 };
  const tick = () => {
    const s = sample();
    peak.samples++;
    peak.total = Math.max(peak.total, s.total);
    for (const [t, b] of Object.entries(s.byType)) peak.byType[t] = Math.max(peak.byType[t] ?? 0, b);
  };
  tick();
  const timer = setInterval(tick, 100);
  return { peak, stop: () => { clearInterval(timer); tick(); return peak; } };
}

const mib = (b) => Math.round(b / MiB);
const result_findings = () => native.summary.errors + native.summary.warnings + native.summary.infos;
const byTypeMiB = (o) => Object.fromEntries(Object.entries(o).sort().map(([k, v]) => [k, mib(v)]));

/** Counts the lines of a file without holding it. */
async function lines(path) {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

async function idle(ms) { await new Promise((r) => setTimeout(r, ms)); }

if (!existsSync(FILE)) throw new Error(`no ${FILE}: cargo run --release -p orgsync-tests --bin gen-bench -- ${FILE} 1000000 invalid`);
if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: trunk build --release');
if (!existsSync(CLI)) throw new Error(`no CLI at ${CLI}: cargo build --release -p orgsync-cli`);

const native = JSON.parse(spawnSync(CLI, ['check', '--format', 'json', '--max-findings-per-code', '0', FILE], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout);
const work = mkdtempSync(join(tmpdir(), 'orgsync-memory-'));
const server = await serve(DIST, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  acceptDownloads: true, viewport: { width: 1280, height: 800 },
});
try {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(origin + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForSelector('body[data-offline]', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  await idle(2000);
  // The idle baseline: the lowest of a few samples once the page has settled.
  let base = sample();
  for (let i = 0; i < 5; i++) { await idle(200); const s = sample(); if (s.total < base.total) base = s; }

  const checking = sampler();
  const t0 = Date.now();
  await page.setInputFiles('[data-testid="file-input"]', FILE);
  const summary = page.locator('[data-testid="summary"]');
  await summary.waitFor({ timeout: 900_000 });
  const checkSeconds = (Date.now() - t0) / 1000;
  await idle(1000);
  const checkPeak = checking.stop();
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const afterCheck = sample();

  const shown = {
    errors: Number(await summary.getAttribute('data-errors')),
    warnings: Number(await summary.getAttribute('data-warnings')),
    infos: Number(await summary.getAttribute('data-infos')),
    rows: Number(await summary.getAttribute('data-rows')),
  };
  const expected = { errors: native.summary.errors, warnings: native.summary.warnings, infos: native.summary.infos, rows: native.file.rows };
  // Each finding group shows its exact count ("1,000,000 rows"), whatever the page kept.
  const groups = await page.locator('[data-testid="finding-group"]').evaluateAll((els) =>
    els.map((e) => [e.dataset.code, e.querySelector('.group-count')?.textContent ?? '']));
  const groupCounts = {};
  for (const [code, text] of groups) groupCounts[code] = (groupCounts[code] ?? 0) + Number(text.replace(/[^\d]/g, ''));
  const countsExact = Object.entries(native.summary.by_code).every(([code, n]) => groupCounts[code] === n);

  const downloading = sampler();
  const t1 = Date.now();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 900_000 }),
    page.click('[data-testid="download-corrected"]'),
  ]);
  const saved = join(work, download.suggestedFilename());
  await download.saveAs(saved);
  const downloadSeconds = (Date.now() - t1) / 1000;
  await idle(1000);
  const downloadPeak = downloading.stop();
  const correctedLines = await lines(saved);
  const correctedBytes = statSync(saved).size;
  rmSync(saved);

  // FINDINGS=1: also the findings CSV, the biggest download (one line per finding: 3.3 GB on
  // the 1M-row all-invalid file), to see where the browser keeps it.
  let findings = null;
  if (process.env.FINDINGS === '1') {
    const s = sampler();
    const t = Date.now();
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 1_800_000 }),
      page.click('[data-testid="download-findings"]'),
    ]);
    const path = join(work, dl.suggestedFilename());
    await dl.saveAs(path);
    const seconds = (Date.now() - t) / 1000;
    await idle(1000);
    const peak = s.stop();
    findings = {
      bytes: statSync(path).size, lines: await lines(path), seconds: +seconds.toFixed(1),
      peak_over_idle_mib: mib(peak.total - base.total), peak_by_type: byTypeMiB(peak.byType),
    };
    findings.complete = findings.lines === result_findings() + 1;
    rmSync(path);
  }

  const result = {
    file: basename(FILE),
    file_mb: +(statSync(FILE).size / 1e6).toFixed(1),
    rows: native.file.rows,
    findings: native.summary.errors + native.summary.warnings + native.summary.infos,
    same_counts: JSON.stringify(shown) === JSON.stringify(expected),
    group_counts_exact: countsExact,
    group_counts: groupCounts,
    corrected_csv: { name: download.suggestedFilename(), bytes: correctedBytes, lines: correctedLines, complete: correctedLines === native.file.rows + 1 },
    check_seconds: +checkSeconds.toFixed(1),
    download_seconds: +downloadSeconds.toFixed(1),
    samples: checkPeak.samples + downloadPeak.samples,
    rss_mib: {
      idle_total: mib(base.total),
      check_peak_total: mib(checkPeak.total),
      check_peak_over_idle: mib(checkPeak.total - base.total),
      after_check_over_idle: mib(afterCheck.total - base.total),
      download_peak_total: mib(downloadPeak.total),
      download_peak_over_idle: mib(downloadPeak.total - base.total),
      idle_by_type: byTypeMiB(base.byType),
      check_peak_by_type: byTypeMiB(checkPeak.byType),
      download_peak_by_type: byTypeMiB(downloadPeak.byType),
    },
    findings_csv: findings,
    page_after_check: { js_heap_used_mib: mib(metrics.JSHeapUsedSize ?? 0), js_heap_total_mib: mib(metrics.JSHeapTotalSize ?? 0), dom_nodes: metrics.Nodes },
    chromium: spawnSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim(),
  };
  console.log(JSON.stringify(result, null, 2));
  if (!result.same_counts || !result.group_counts_exact || !result.corrected_csv.complete || (findings && !findings.complete)) process.exitCode = 1;
} finally {
  await context.close();
  server.close();
  rmSync(work, { recursive: true, force: true });
}
