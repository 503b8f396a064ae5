// Browser benchmark: a generated 1M-row (~97 MB) Org Sync file, from "drop" (the file handed to
// the page's file input) to the summary on screen, in headless Chromium; beside it the native
// `orgsync check` on the same file in the same run, the page's progress updates, the browser's
// peak memory, and the gzip size of the page's wasm.
//
//   node tests/e2e/bench.mjs [ROWS]      (after scripts/e2e.sh or trunk build --release and
//                                         cargo build --release -p orgsync-cli)
import { spawnSync, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = join(ROOT, 'dist');
const CLI = process.env.ORGSYNC_CLI ?? join(ROOT, 'target/release/orgsync');
const ROWS = Number(process.argv[2] ?? 1_000_000);

const HEADER = 'primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,nwt_license_learning_status,group:Sales,group:Engineering,group:Customer Success\r\n';
const FIRST = ['Amelia', 'Daniel', 'Priya', 'Lucas', 'Sofia', 'Kwame', 'Yuki', 'Mateo', 'Chloe', 'Omar'];
const LAST = ['Wright', 'Okafor', 'Raman', 'Meyer', 'Rossi', 'Asante', 'Tanaka', 'Silva', 'Dubois', 'Haddad'];
const TITLES = ['Regional Sales Manager', 'Senior Software Engineer', 'Account Executive', 'Support Specialist'];

/** A realistic row; about 1 in 100 carries one of Excel's typical mistakes. */
function row(i) {
  const f = FIRST[i % 10], l = LAST[(i / 10 | 0) % 10], t = TITLES[i % 4];
  let email = `${f.toLowerCase()}.${l.toLowerCase()}${i}@northwindtraders.com`;
  let license = 'Active', sales = i % 2 ? 'yes' : '', eng = i % 2 ? '' : 'yes';
  switch (i % 100) {
    case 17: email = ` ${email} `; break;
    case 42: license = 'ACTIVE'; break;
    case 63: email = email.replace('northwindtraders.com', 'gmial.com'); break;
    case 88: sales = 'Yes'; break;
  }
  return `${email},${f},${l},${t},NW${String(i).padStart(7, '0')},${license},${sales},${eng},\r\n`;
}

async function generate(path, rows) {
  const out = createWriteStream(path);
  out.write(HEADER);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += row(i);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((r) => out.end(r));
}

/** Resident memory of every Chromium process, in MiB (Linux /proc). */
function chromiumRssMiB() {
  const ps = spawnSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' });
  return (ps.stdout || '').split('\n').map(Number).filter(Boolean).reduce((a, b) => a + b, 0) / 1024;
}

const work = mkdtempSync(join(tmpdir(), 'orgsync-bench-'));
try {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: trunk build --release');
  if (!existsSync(CLI)) throw new Error(`no CLI at ${CLI}: cargo build --release -p orgsync-cli`);
  const file = join(work, 'bench-1m.csv');
  await generate(file, ROWS);
  const bytes = statSync(file).size;

  const t0 = process.hrtime.bigint();
  const native = spawnSync(CLI, ['check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const nativeMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const nativeJson = JSON.parse(native.stdout);

  const server = await serve(DIST, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(origin + '/');
  await page.waitForSelector('body[data-ready="true"]');
  const idleRss = chromiumRssMiB();
  let peakRss = idleRss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, chromiumRssMiB()); }, 200);
  // Count distinct progress texts the page shows while checking: proof the bar moves.
  await page.evaluate(() => {
    // "Drop" is the moment the page gets the file: the input's change event.
    document.querySelector('[data-testid="file-input"]').addEventListener('change', () => { window.__dropped = performance.now(); }, { capture: true });
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="summary"]')) { window.__summary = performance.now(); observer.disconnect(); }
    }).observe(document.body, { subtree: true, childList: true });
    window.__progress = new Set();
    new MutationObserver(() => {
      const p = document.querySelector('[data-testid="progress"] .muted');
      if (p) window.__progress.add(p.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const t1 = Date.now();
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.locator('[data-testid="summary"]').waitFor({ timeout: 600_000 });
  const pageMs = Date.now() - t1;
  clearInterval(sampler);
  const s = page.locator('[data-testid="summary"]');
  const shown = { errors: Number(await s.getAttribute('data-errors')), rows: Number(await s.getAttribute('data-rows')) };
  const worker = {};
  for (const k of ['check', 'read', 'engine', 'view']) worker[`${k}_ms`] = Number(await s.getAttribute(`data-${k}-ms`));
  const progressUpdates = await page.evaluate(() => window.__progress.size);
  const inPageMs = await page.evaluate(() => window.__summary - window.__dropped);
  await context.close();
  server.close();

  const wasm = (name) => {
    const p = join(DIST, name);
    if (!existsSync(p)) return null;
    const raw = readFileSync(p);
    return { raw_kb: +(raw.length / 1024).toFixed(1), gzip_kb: +(gzipSync(raw, { level: 9 }).length / 1024).toFixed(1) };
  };
  const result = {
    rows: ROWS,
    file_mb: +(bytes / 1e6).toFixed(1),
    native_check_s: +(nativeMs / 1000).toFixed(2),
    // From the file input's change event to the summary in the DOM, measured in the page.
    page_drop_to_summary_s: +(inPageMs / 1000).toFixed(2),
    ratio: +(inPageMs / nativeMs).toFixed(2),
    // The same, plus Playwright handing the file to the browser.
    harness_total_s: +(pageMs / 1000).toFixed(2),
    worker,
    same_counts: shown.errors === nativeJson.summary.errors && shown.rows === nativeJson.file.rows,
    progress_updates: progressUpdates,
    chromium_rss_mib: { idle: Math.round(idleRss), peak: Math.round(peakRss) },
    page_wasm: wasm('web_bg.wasm'),
    worker_wasm: wasm('worker_bg.wasm'),
    chromium: execFileSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim(),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
