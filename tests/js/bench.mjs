// Times the JS API on the 1M-row benchmark file in Node (not a test; figures go to BENCHMARKS.md).
//   node tests/js/bench.mjs [ROWS]     (writes the generated file to $TMPDIR, never to the repo)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { api, pkgDir } from "./helpers.mjs";

const rows = Number(process.argv[2] ?? 1_000_000);
const path = join(tmpdir(), `orgsync-bench-${rows}.csv`);

/** The clean 10-column benchmark file: the same shape as the engine's benchmark. */
function generate() {
  const parts = [
    "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id," +
      "acme_license_learning_status,group:Sales,group:Engineering,group_permission_view_reports,attribute_cost_center\r\n",
  ];
  const titles = ['"Manager, Sales"', "Engineer", '"Director, Operations"', "Analyst"];
  for (let i = 0; i < rows; i++) {
    parts.push(
      `user${i}@northwind.example,First${i % 997},Last${i % 1009},${titles[i % 4]},E${1000000 + i},Active,` +
        `${i % 2 ? "yes" : ""},${i % 3 ? "" : "yes"},${i % 50 ? "" : "group:Sales"},CC${i % 40}\r\n`,
    );
  }
  writeFileSync(path, parts.join(""));
}

if (!existsSync(path)) generate();
const bytes = new Uint8Array(readFileSync(path));
const time = (label, f, runs = 3) => {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = f();
    ms.push(performance.now() - t);
  }
  console.log(`${label}: best ${Math.min(...ms).toFixed(0)} ms of ${runs}`);
  return out;
};

const wasm = readFileSync(join(pkgDir, "orgsync_js_bg.wasm"));
console.log(`package: ${pkgDir}; wasm ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} bytes gzip -9`);
console.log(`file: ${path}, ${rows} rows, ${(bytes.length / 1e6).toFixed(1)} MB`);
const report = time("check(Uint8Array)", () => api.check(bytes));
console.log(`  rows ${report.file.rows}, findings ${report.findings.length}, errors ${report.summary.errors}`);
time("Checker, 4 MiB pushes", () => {
  const c = new api.Checker();
  for (let at = 0; at < bytes.length; at += 4 << 20) c.push(bytes.subarray(at, at + (4 << 20)));
  const r = c.finish();
  c.free();
  return r;
});
time("fix(Uint8Array)", () => api.fix(bytes), 1);

// A big report: every row carries a finding (stray whitespace in the title).
const messy = new TextEncoder().encode(
  new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 20_000_000))).replaceAll(",Engineer,", ",Engineer ,"),
);
const big = time("check, ~50k findings (20 MB)", () => api.check(messy));
console.log(`  findings ${big.findings.length}, report JSON ${(JSON.stringify(big).length / 1e6).toFixed(1)} MB`);
