// The 1M-row check in each browser engine, from the file handed to the page's file input to the
// summary on screen, measured inside the page (the input's change event to the summary's
// appearance), beside native `orgsync check` on the same file in the same run.
//
//   scripts/bench.sh                       # writes target/bench-1000000.csv and the release CLI
//   trunk build --release
//   xvfb-run -a node tests/e2e/bench-engines.mjs target/bench-1000000.csv
//
// ENGINES=chromium,firefox,webkit (the default) chooses; ORGSYNC_BENCH_RUNS (default 3) runs
// alternate native and page, each page run in a freshly started browser, dropped after the
// page's warm-up (body[data-warm-ms]) as bench.mjs does; the figures are each side's best, with
// every run beside them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';
import { launch, unavailable, until } from './engines.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DIST = join(ROOT, 'dist');
const CLI = process.env.ORGSYNC_CLI ?? join(ROOT, 'target/release/orgsync');
const FILE = resolve(process.argv[2] ?? join(ROOT, 'target/bench-1000000.csv'));
const RUNS = Number(process.env.ORGSYNC_BENCH_RUNS ?? 3);
const ENGINES = (process.env.ENGINES ?? 'chromium,firefox,webkit').split(',');

if (!existsSync(FILE)) throw new Error(`no file at ${FILE}: run scripts/bench.sh first (or give a CSV)`);
if (!existsSync(CLI)) throw new Error(`no CLI at ${CLI}: cargo build --release -p orgsync-cli`);
if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: trunk build --release');

/** Chromium through playwright-core, behind the same few calls as engines.mjs's drivers. */
async function launchChromium(dir) {
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    version: `Chromium ${context.browser()?.version() ?? ''}`.trim(),
    open: (url) => page.goto(url),
    waitFor: (css, timeout) => page.waitForSelector(css, { timeout }),
    eval: (fn, ...a) => page.evaluate(fn, ...a),
    upload: (css, path) => page.setInputFiles(css, path),
    close: () => context.close(),
  };
}

function native() {
  const t0 = process.hrtime.bigint();
  spawnSync(CLI, ['check', '--format', 'json', FILE], { stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const work = mkdtempSync(join(tmpdir(), 'orgsync-bench-engines-'));
const server = await serve(DIST, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
try {
  console.log(`file: ${FILE} (${(statSync(FILE).size / 1e6).toFixed(1)} MB), ${RUNS} alternating runs per engine`);
  for (const engine of ENGINES) {
    const why = engine === 'chromium' ? null : unavailable(engine);
    if (why) { console.log(`${engine}: not measured: ${why}`); continue; }
    const nativeMs = [], pageMs = [];
    let version = '';
    for (let n = 0; n < RUNS; n++) {
      nativeMs.push(native());
      const dir = join(work, `${engine}-${n}`);
      const b = engine === 'chromium' ? await launchChromium(dir) : await launch(engine, { userDataDir: dir });
      version = b.version;
      try {
        await b.open(origin + '/');
        await b.waitFor('body[data-ready="true"]', 60_000);
        await b.waitFor('body[data-offline]', 60_000);
        await b.waitFor('body[data-warm-ms]', 60_000);
        await b.eval(() => {
          window.__bench = {};
          document.querySelector('[data-testid="file-input"]').addEventListener('change', () => { window.__bench.drop = performance.now(); }, { capture: true });
          const watch = new MutationObserver(() => {
            if (document.querySelector('[data-testid="summary"]')) { window.__bench.summary = performance.now(); watch.disconnect(); }
          });
          watch.observe(document.body, { childList: true, subtree: true });
        });
        await b.upload('[data-testid="file-input"]', FILE);
        const t = await until('the summary', () => b.eval(() => (window.__bench.summary ? window.__bench : null)), 600_000);
        pageMs.push(t.summary - t.drop);
      } finally {
        await b.close();
      }
    }
    const best = (xs) => Math.min(...xs);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`${engine} (${version}): page best ${f(best(pageMs))}, native best ${f(best(nativeMs))}: ${(best(pageMs) / best(nativeMs)).toFixed(2)}x ` +
      `(medians ${(median(pageMs) / median(nativeMs)).toFixed(2)}x); page runs ${pageMs.map(f).join(', ')}; native runs ${nativeMs.map(f).join(', ')}`);
  }
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
