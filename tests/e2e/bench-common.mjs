// What the browser benchmarks share (bench.mjs, bench-grid.mjs): writing a big generated file
// and reading Chromium's memory.
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

/** Writes `header` then `rows` lines, line i being `line(i)`, a megabyte at a time. */
export async function writeLines(path, header, rows, line) {
  const out = createWriteStream(path);
  out.write(header);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += line(i);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((r) => out.end(r));
}

/** Chromium's resident memory in MiB, all its processes, read from /proc in this process:
 * sampling with `ps` every 200 ms cost a fork and a scan of every process each time, CPU the
 * page's two workers compete for on a 2-core machine. */
export function chromiumRssMiB() {
  let kib = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s*chromium/m.test(status)) continue;
      kib += Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return kib / 1024;
}
