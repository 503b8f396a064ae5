// Browser benchmark of the problem grid and the findings groups on a big file (issue #15, "the
// page keeps pace"): in headless Chromium, a file is dropped on the page (after its warm-up, as
// in bench.mjs), then
//   - drop → summary, drop → grid shown (its first row on screen), drop → the grid's whole cells
//     (the worker's second read of the file), with the long tasks (PerformanceObserver
//     'longtask', > 50 ms of the main thread) from the drop to the grid;
//   - the grid scrolled top to bottom: a wheel scroll at the top (WHEEL_STEPS turns of the mouse
//     wheel) and jumps of the scroll bar (JUMP_STEPS positions from top to bottom, each waited
//     for until its rows are on screen), with the frames (requestAnimationFrame deltas), the long
//     tasks, and the most DOM nodes and rows the grid held at any step (a virtualised grid holds
//     a window's worth whatever the file); each wheel turn and each jump is waited for until a
//     frame is drawn after it, and the renderer main thread's CPU time it took is read over CDP
//     (median, p95, max), beside what an empty step costs (the measuring itself);
//   - the last row at the bottom against the last row the grid holds, and the rows shown against
//     the count the grid says;
//   - a row selected (click), a filter changed (one rule, then all rules again), a severity
//     hidden and shown, a safe fix toggled, a findings group opened: each timed from the event
//     to the next frame drawn after it (what the admin waits for), with its long tasks;
//   - the page's JS heap (Performance.getMetrics over CDP) and every Chromium process's
//     resident memory, at the grid and at the end.
//
//   node tests/e2e/bench-grid.mjs FILE.csv [FILE2.csv …]   (after trunk build --release)
// e.g. target/bench-realistic-1000000.csv (`gen-bench FILE 1000000 realistic`) and a file of a
// million flagged rows (`gen-bench FILE 1000000 invalid`: every cell of every row wrong, so the
// first 10,000 findings the engine keeps of each rule are all on the same first rows). A FILE
// written `spread:ROWS` is generated: ROWS flagged rows, each with one of 12 mistakes in turn,
// so the kept findings of the rules fall on different rows and the grid holds ~120,000 of them. ORGSYNC_BENCH_RUNS (default 3) runs
// per file, each in a freshly started browser; the output is every run and the medians, as JSON.
// Counts (DOM nodes, rows, long tasks) do not depend on the machine's load; times do.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';
import { chromiumRssMiB, writeLines } from './bench-common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = process.env.ORGSYNC_DIST ? resolve(process.env.ORGSYNC_DIST) : join(ROOT, 'dist');
const SPREAD = /^spread:(\d+)$/;
const FILES = process.argv.slice(2).map((f) => (SPREAD.test(f) ? f : resolve(f)));
const RUNS = Math.max(1, Number(process.env.ORGSYNC_BENCH_RUNS ?? 3));
const WHEEL_STEPS = Number(process.env.ORGSYNC_BENCH_WHEEL ?? 150);
const JUMP_STEPS = Number(process.env.ORGSYNC_BENCH_JUMPS ?? 100);

if (FILES.length === 0 || FILES.some((f) => !SPREAD.test(f) && !existsSync(f))) {
  console.error('usage: node tests/e2e/bench-grid.mjs FILE.csv [FILE2.csv …]');
  process.exit(2);
}
if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: trunk build --release');

/** A file of `rows` flagged rows: row i has mistake i % 12, each a different rule's. */
async function spread(path, rows) {
  const header = 'primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,acme_license_learning_status,group:Sales\r\n';
  await writeLines(path, header, rows, (i) => {
    let email = `person${i}@northwind.com`, first = 'Ann', last = `Lee${i}`, title = 'Engineer', id = `NW${i}`, license = 'Active', sales = 'yes';
    switch (i % 12) {
      case 0: email = ''; id = ''; break; // R001
      case 1: email = `person${i} at northwind.com`; break; // R002
      case 2: email = `mailto:person${i}@northwind.com`; break; // R003
      case 3: email = `person${i}@gmial.com`; break; // R004
      case 4: license = 'Maybe'; break; // R005
      case 5: sales = 'maybe'; break; // R006
      case 6: title = '#N/A'; break; // R010
      case 7: first = ' Ann '; break; // R012
      case 8: first = '=Ann'; break; // R014
      case 9: license = 'Inactive'; break; // R017
      case 10: last = `lee${i}@northwind.com`; break; // R019
      case 11: first = 'JosÃ©'; break; // R013
    }
    return `${email},${first},${last},${title},${id},${license},${sales}\r\n`;
  });
}


/** Installed in the page before the drop: long tasks and frames, read and reset by phase. */
function instrument() {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__frames = null;
  const tick = (t) => {
    if (window.__frames) {
      if (window.__lastFrame != null) window.__frames.push(t - window.__lastFrame);
      window.__lastFrame = t;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  /** Resolves once a frame has been drawn after everything the current task scheduled. */
  window.__nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  /** The grid's DOM: nodes under its table, rows rendered (header row excluded). */
  window.__gridDom = () => {
    const t = document.querySelector('[data-testid="grid-table"]');
    if (!t) return { nodes: 0, rows: 0 };
    return { nodes: t.getElementsByTagName('*').length, rows: t.querySelectorAll('.grid-space > [role="row"]').length };
  };
  window.__drop = () => {
    window.__dropped = performance.now();
    const mark = (sel, key, test = () => true) => {
      const check = () => {
        const el = document.querySelector(sel);
        if (el && test(el)) { window[key] = performance.now(); return true; }
        return false;
      };
      if (check()) return;
      const o = new MutationObserver(() => { if (check()) o.disconnect(); });
      o.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    };
    mark('[data-testid="summary"]', '__summary');
    mark('[data-testid="grid-table"] .grid-space [role="row"]', '__grid');
    // Whole cells: a cell with no finding filled from the worker (before, the grid has only the
    // offending cells the check quoted).
    const whole = () => {
      for (const c of document.querySelectorAll('[data-testid="grid-table"] .grid-space [role="row"]:not([data-header]) .cell:not(.bad)')) {
        if (c.textContent.length > 0) { window.__whole = performance.now(); return true; }
      }
      return false;
    };
    if (!whole()) {
      const o = new MutationObserver(() => { if (whole()) o.disconnect(); });
      o.observe(document.body, { subtree: true, childList: true, characterData: true });
    }
  };
}

/** Milliseconds from a page action to the next frame drawn after it, and its long tasks. */
async function timed(page, action, arg) {
  return page.evaluate(async ([src, arg]) => {
    const act = new Function('arg', `return (${src})(arg)`);
    const from = window.__long.length;
    const t0 = performance.now();
    await act(arg);
    await window.__nextFrame();
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 50)); // long tasks are reported a little later
    const long = window.__long.slice(from);
    return { ms: Math.round(ms), long_tasks: long.length, longest_ms: Math.round(Math.max(0, ...long.map((l) => l.ms))) };
  }, [action.toString(), arg]);
}

/** The renderer main thread's CPU time so far (ms): what a phase cost, whatever the load. */
async function cpuMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((x) => x.name === 'ThreadTime').value * 1000;
}

/** `timed`, with the main thread's CPU time it took. */
async function timedCpu(page, cdp, action, arg) {
  const c0 = await cpuMs(cdp);
  const r = await timed(page, action, arg);
  r.cpu_ms = Math.round((await cpuMs(cdp)) - c0);
  return r;
}

async function heapMiB(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { js_heap_used_mib: Math.round(m.JSHeapUsedSize / 2 ** 20), js_heap_total_mib: Math.round(m.JSHeapTotalSize / 2 ** 20), dom_nodes: m.Nodes };
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

async function run(origin, file, n, work) {
  const context = await chromium.launchPersistentContext(join(work, `profile-${n}`), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'], viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(origin + '/');
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('body[data-offline]');
    if (Number(await page.locator('body').getAttribute('data-workers')) === 2) {
      await page.waitForSelector('body[data-warm-ms]', { timeout: 60_000 });
    }
    await page.evaluate(instrument);
    const cpuAtDrop = await cpuMs(cdp);
    await page.evaluate(() => document.querySelector('[data-testid="file-input"]').addEventListener('change', () => window.__drop(), { capture: true }));
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForFunction(() => window.__grid != null, null, { timeout: 600_000, polling: 100 });
    const cpuToGrid = Math.round((await cpuMs(cdp)) - cpuAtDrop);
    const loadLong = await page.evaluate(() => window.__long.filter((l) => l.start >= window.__dropped));
    const atGrid = await page.evaluate(() => ({
      summary_ms: Math.round(window.__summary - window.__dropped),
      grid_ms: Math.round(window.__grid - window.__dropped),
    }));
    await page.waitForFunction(() => window.__whole != null, null, { timeout: 120_000, polling: 100 }).catch(() => {});
    atGrid.whole_ms = await page.evaluate(() => (window.__whole ? Math.round(window.__whole - window.__dropped) : null));
    const load = {
      ...atGrid,
      long_tasks: loadLong.length,
      long_total_ms: Math.round(loadLong.reduce((a, l) => a + l.ms, 0)),
      longest_ms: Math.round(Math.max(0, ...loadLong.map((l) => l.ms))),
      // Each long task: when it started after the drop, and how long it took (to tell the
      // summary's from the grid's).
      long_list: await page.evaluate(() => window.__long.filter((l) => l.start >= window.__dropped).map((l) => [Math.round(l.start - window.__dropped), Math.round(l.ms)])),
      main_thread_cpu_to_grid_ms: cpuToGrid,
    };
    const summary = page.locator('[data-testid="summary"]');
    const counts = {
      rows: Number(await summary.getAttribute('data-rows')),
      errors: Number(await summary.getAttribute('data-errors')),
      warnings: Number(await summary.getAttribute('data-warnings')),
      infos: Number(await summary.getAttribute('data-infos')),
      grid_position: await page.locator('[data-testid="grid-position"]').textContent(),
      groups: await page.locator('[data-testid="finding-group"]').count(),
    };
    await page.locator('[data-testid="grid"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.__nextFrame());
    const heapAtGrid = { ...(await heapMiB(cdp)), chromium_rss_mib: Math.round(chromiumRssMiB()) };

    // Scrolling: the wheel over the grid, then jumps of the scroll bar to the bottom.
    const box = await page.locator('.grid-scroll').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const scroll = { wheel: null, jumps: null };
    let maxDom = await page.evaluate(() => window.__gridDom());
    await page.evaluate(() => { window.__frames = []; window.__lastFrame = null; window.__scrollFrom = window.__long.length; });
    const cpuWheel = await cpuMs(cdp);
    // What measuring costs: a frame waited for with nothing done (the CDP calls and the
    // evaluation included), to tell apart from a step's own cost.
    const idleCpu = [];
    for (let i = 0; i < 20; i++) {
      const c0 = await cpuMs(cdp);
      await page.evaluate(() => window.__nextFrame());
      idleCpu.push((await cpuMs(cdp)) - c0);
    }
    const wheelCpu = [];
    for (let i = 0; i < WHEEL_STEPS; i++) {
      // Each turn waited for until a frame is drawn after it: its own main-thread CPU.
      const c0 = await cpuMs(cdp);
      await page.mouse.wheel(0, 120);
      await page.evaluate(() => window.__nextFrame());
      wheelCpu.push((await cpuMs(cdp)) - c0);
      if (i % 10 === 9) {
        const d = await page.evaluate(() => window.__gridDom());
        maxDom = { nodes: Math.max(maxDom.nodes, d.nodes), rows: Math.max(maxDom.rows, d.rows) };
      }
    }
    await page.evaluate(() => window.__nextFrame());
    scroll.wheel = await page.evaluate(() => {
      const f = window.__frames; window.__frames = null;
      const s = [...f].sort((a, b) => a - b);
      const long = window.__long.slice(window.__scrollFrom);
      return {
        scroll_top: document.querySelector('.grid-scroll').scrollTop,
        frames: f.length, frame_p50_ms: Math.round(s[Math.floor(s.length / 2)] ?? 0), frame_p95_ms: Math.round(s[Math.floor(s.length * 0.95)] ?? 0),
        frame_max_ms: Math.round(s[s.length - 1] ?? 0), frames_over_50ms: f.filter((x) => x > 50).length,
        long_tasks: long.length, longest_ms: Math.round(Math.max(0, ...long.map((l) => l.ms))),
      };
    });
    scroll.wheel.cpu_ms = Math.round((await cpuMs(cdp)) - cpuWheel);
    const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return Math.round(s[Math.floor((s.length - 1) * p)] * 10) / 10; };
    scroll.idle_step_cpu_p50_ms = pct(idleCpu, 0.5);
    scroll.wheel.cpu_turn_p50_ms = pct(wheelCpu, 0.5);
    scroll.wheel.cpu_turn_p95_ms = pct(wheelCpu, 0.95);
    scroll.wheel.cpu_turn_max_ms = pct(wheelCpu, 1);
    // Jumps of the scroll bar, each driven from here so that its own main-thread CPU is read.
    const cpuJumps = await cpuMs(cdp);
    await page.evaluate(() => { window.__jump = { from: window.__long.length, times: [], nodes: 0, rows: 0, missing: 0 }; });
    const jumpCpu = [];
    for (let i = 1; i <= JUMP_STEPS; i++) {
      const c0 = await cpuMs(cdp);
      await page.evaluate(async (f) => {
        const el = document.querySelector('.grid-scroll');
        const top = Math.round((el.scrollHeight - el.clientHeight) * f);
        const t0 = performance.now();
        el.scrollTop = top;
        await window.__nextFrame();
        window.__jump.times.push(performance.now() - t0);
      }, i / JUMP_STEPS);
      jumpCpu.push((await cpuMs(cdp)) - c0);
      await page.evaluate(() => {
        const el = document.querySelector('.grid-scroll');
        const j = window.__jump;
        const d = window.__gridDom();
        j.nodes = Math.max(j.nodes, d.nodes); j.rows = Math.max(j.rows, d.rows);
        // The rows on screen exist: one whose top is in the scroller's view.
        const view = el.getBoundingClientRect();
        const seen = [...el.querySelectorAll('.grid-space > [role="row"]')].some((r) => {
          const b = r.getBoundingClientRect();
          return b.bottom > view.top + 34 && b.top < view.bottom;
        });
        if (!seen) j.missing++;
      });
    }
    const jumps = await page.evaluate((steps) => {
      const el = document.querySelector('.grid-scroll');
      const j = window.__jump;
      const long = window.__long.slice(j.from);
      const s = [...j.times].sort((a, b) => a - b);
      const rowsEls = [...el.querySelectorAll('.grid-space > [role="row"]')];
      const last = rowsEls.reduce((a, r) => (parseFloat(r.style.top) > parseFloat(a?.style.top ?? -1) ? r : a), null);
      return {
        steps, step_p50_ms: Math.round(s[Math.floor(s.length / 2)]), step_p95_ms: Math.round(s[Math.floor(s.length * 0.95)]),
        step_max_ms: Math.round(s[s.length - 1]), blank_steps: j.missing,
        long_tasks: long.length, longest_ms: Math.round(Math.max(0, ...long.map((l) => l.ms))),
        max_nodes: j.nodes, max_rows: j.rows,
        last_row_shown: last ? Number(last.dataset.row) : null, last_row_aria: last ? Number(last.getAttribute('aria-rowindex')) - 1 : null,
        scroll_height: el.scrollHeight,
      };
    }, JUMP_STEPS);
    jumps.cpu_ms = Math.round((await cpuMs(cdp)) - cpuJumps);
    // Per step: from just before the jump to the frame after it (the DOM checks excluded).
    jumps.cpu_step_p50_ms = pct(jumpCpu, 0.5);
    jumps.cpu_step_p95_ms = pct(jumpCpu, 0.95);
    jumps.cpu_step_max_ms = pct(jumpCpu, 1);
    jumps.cpu_per_step_ms = Math.round(jumpCpu.reduce((a, b) => a + b, 0) / jumps.steps * 10) / 10;
    scroll.jumps = jumps;
    scroll.max_dom = { nodes: Math.max(maxDom.nodes, jumps.max_nodes), rows: Math.max(maxDom.rows, jumps.max_rows) };
    await page.evaluate(() => { document.querySelector('.grid-scroll').scrollTop = 0; });
    await page.evaluate(() => window.__nextFrame());

    // Interactions, each from its event to the next frame.
    const act = {};
    act.select_row = await timedCpu(page, cdp, () => {
      document.querySelectorAll('.grid-space > [role="row"]')[3].click();
    });
    act.next_problem = await timedCpu(page, cdp, () => document.querySelector('[data-testid="next-problem"]').click());
    // The rule of the first group (the worst): its rows are in the grid whatever the notes box.
    const code = await page.locator('[data-testid="finding-group"]').first().getAttribute('data-code');
    act.filter_rule = await timedCpu(page, cdp, (code) => {
      const s = document.querySelector('[data-testid="filter-rule"]');
      s.value = code; s.dispatchEvent(new Event('change', { bubbles: true }));
    }, code);
    act.filter_rule.rule = code;
    act.filter_rule.rows_shown = await page.locator('[data-testid="grid-position"]').textContent();
    act.filter_all = await timedCpu(page, cdp, () => {
      const s = document.querySelector('[data-testid="filter-rule"]');
      s.value = ''; s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    act.hide_warnings = await timedCpu(page, cdp, () => document.querySelector('.filters .chip.warning input').click());
    act.show_warnings = await timedCpu(page, cdp, () => document.querySelector('.filters .chip.warning input').click());
    act.order_by_row = await timedCpu(page, cdp, () => {
      const s = document.querySelector('[data-testid="grid-order"]');
      s.value = 'row'; s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const hasFix = await page.locator('[data-testid="fix-safe"]').count();
    if (hasFix) {
      act.toggle_fix = await timedCpu(page, cdp, () => document.querySelector('[data-testid="fix-safe"]').click());
      act.toggle_fix_back = await timedCpu(page, cdp, () => document.querySelector('[data-testid="fix-safe"]').click());
    }
    act.open_group = await timedCpu(page, cdp, () => { document.querySelector('[data-testid="finding-group"] details').open = true; });
    act.open_group.items = await page.locator('[data-testid="finding-group"] details[open] table.items tbody tr').count();
    const heapAtEnd = { ...(await heapMiB(cdp)), chromium_rss_mib: Math.round(chromiumRssMiB()) };
    return { load, counts, scroll, act, heap: { at_grid: heapAtGrid, at_end: heapAtEnd } };
  } finally {
    await context.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'orgsync-bench-grid-'));
const server = await serve(DIST, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const out = [];
try {
  for (let file of FILES) {
    if (SPREAD.test(file)) {
      const rows = Number(SPREAD.exec(file)[1]);
      file = join(work, `spread-${rows}.csv`);
      await spread(file, rows);
    }
    const runs = [];
    for (let n = 0; n < RUNS; n++) {
      runs.push(await run(origin, file, `${out.length}-${n}`, work));
      console.error(`${file} run ${n + 1}: ${JSON.stringify(runs.at(-1))}`);
    }
    const pick = (f) => runs.map(f);
    out.push({
      file, bytes: statSync(file).size, load_average: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      medians: {
        summary_ms: median(pick((r) => r.load.summary_ms)), grid_ms: median(pick((r) => r.load.grid_ms)), whole_ms: median(pick((r) => r.load.whole_ms)),
        load_long_tasks: median(pick((r) => r.load.long_tasks)), load_longest_ms: median(pick((r) => r.load.longest_ms)),
        cpu_to_grid_ms: median(pick((r) => r.load.main_thread_cpu_to_grid_ms)), wheel_cpu_ms: median(pick((r) => r.scroll.wheel.cpu_ms)),
        jump_cpu_per_step_ms: median(pick((r) => r.scroll.jumps.cpu_per_step_ms)),
        wheel_cpu_turn_p50_ms: median(pick((r) => r.scroll.wheel.cpu_turn_p50_ms)), wheel_cpu_turn_p95_ms: median(pick((r) => r.scroll.wheel.cpu_turn_p95_ms)),
        idle_step_cpu_p50_ms: median(pick((r) => r.scroll.idle_step_cpu_p50_ms)),
        jump_cpu_step_p50_ms: median(pick((r) => r.scroll.jumps.cpu_step_p50_ms)), jump_cpu_step_p95_ms: median(pick((r) => r.scroll.jumps.cpu_step_p95_ms)),
        wheel_longest_ms: median(pick((r) => r.scroll.wheel.longest_ms)), jump_longest_ms: median(pick((r) => r.scroll.jumps.longest_ms)),
        ...Object.fromEntries(Object.keys(runs[0].act).map((k) => [`${k}_cpu_ms`, median(pick((r) => r.act[k]?.cpu_ms))])),
        wheel_frame_p95_ms: median(pick((r) => r.scroll.wheel.frame_p95_ms)), wheel_long_tasks: median(pick((r) => r.scroll.wheel.long_tasks)),
        jump_step_p50_ms: median(pick((r) => r.scroll.jumps.step_p50_ms)), jump_step_p95_ms: median(pick((r) => r.scroll.jumps.step_p95_ms)),
        jump_long_tasks: median(pick((r) => r.scroll.jumps.long_tasks)),
        grid_max_nodes: median(pick((r) => r.scroll.max_dom.nodes)), grid_max_rows: median(pick((r) => r.scroll.max_dom.rows)),
        ...Object.fromEntries(Object.keys(runs[0].act).map((k) => [`${k}_ms`, median(pick((r) => r.act[k]?.ms))])),
        js_heap_at_grid_mib: median(pick((r) => r.heap.at_grid.js_heap_used_mib)), chromium_rss_at_grid_mib: median(pick((r) => r.heap.at_grid.chromium_rss_mib)),
      },
      runs,
    });
  }
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 2));
