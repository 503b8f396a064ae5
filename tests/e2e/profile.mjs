// Profiles the page's main thread in headless Chromium while it checks a file: from the file
// input's change event to the summary on screen, with the CPU profile of the page (not the
// worker) written as a .cpuprofile (open it in Chromium's DevTools) and its heaviest functions
// printed. Not a test and not a benchmark (the profiler slows the page).
//
//   node tests/e2e/profile.mjs FILE.csv [DIST] [OUT.cpuprofile]
// DIST defaults to dist/; a build with function names helps: `data-keep-debug` on the rust
// links of a copy of index.html, `trunk build --release COPY.html --dist DIST`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const [file, distArg, outArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node tests/e2e/profile.mjs FILE.csv [DIST] [OUT.cpuprofile]');
const DIST = resolve(distArg ?? join(HERE, '../../dist'));
const work = mkdtempSync(join(tmpdir(), 'orgsync-profile-'));
try {
  const server = await serve(DIST, 0);
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('body[data-offline]');
  await page.evaluate(() => {
    document.querySelector('[data-testid="file-input"]').addEventListener('change', () => { window.__dropped = performance.now(); }, { capture: true });
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="summary"]')) { window.__summary = performance.now(); observer.disconnect(); }
    }).observe(document.body, { subtree: true, childList: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.setInputFiles('[data-testid="file-input"]', resolve(file));
  await page.locator('[data-testid="summary"]').waitFor({ timeout: 600_000 });
  const { profile } = await cdp.send('Profiler.stop');
  const marks = await page.evaluate(() => ({
    drop_to_summary_ms: window.__summary - window.__dropped,
    marks: performance.getEntriesByType('mark').map((m) => [m.name, +(m.startTime - window.__dropped).toFixed(1)]),
  }));
  await context.close();
  server.close();
  const out = outArg ?? join(tmpdir(), 'orgsync-page.cpuprofile');
  writeFileSync(out, JSON.stringify(profile));
  // Self time per function, over the samples taken while the page was busy.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const name = n.callFrame.functionName || `(${n.callFrame.url.replace(/.*\//, '') || 'native'})`;
    self.set(name, (self.get(name) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  });
  console.log(JSON.stringify(marks, null, 2));
  console.log(`profile: ${out}`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${ms.toFixed(1).padStart(8)} ms  ${name.slice(0, 140)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
