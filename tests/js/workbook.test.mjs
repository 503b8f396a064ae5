// The package built with workbook support (scripts/build-js.sh --workbook) reads .xlsx, .ods and
// .xls bytes, Blobs and Files, and gives the golden cases' outputs (the engine's, as the CLI's);
// the default package, without it, reports a workbook as F003.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { api, root } from "./helpers.mjs";

const dir = resolve(process.env.ORGSYNC_JS_WORKBOOK_PKG ?? join(root, "crates/orgsync-js/pkg-workbook"));
let wb = null;
if (existsSync(join(dir, "index.js"))) {
  wb = await import(pathToFileURL(join(dir, "index.js")).href);
  await wb.default(readFileSync(join(dir, "orgsync_js_bg.wasm")));
} else {
  console.log(`workbook.test.mjs: ${dir} is not built (scripts/build-js.sh --workbook); skipping`);
}

const cases = join(root, "tests/cases");
const input = (c, f) => new Uint8Array(readFileSync(join(cases, c, f)));
const golden = (c, f) => readFileSync(join(cases, c, f), "utf8");
const options = (c) => JSON.parse(readFileSync(join(cases, c, "options.json"), "utf8"));

for (const [name, file] of [
  ["workbook-sheets", "input.xlsx"],
  ["workbook-values", "input.xlsx"],
  ["workbook-people-ods", "input.ods"],
  ["workbook-sheets-xls", "input.xls"],
]) {
  test(`${name}: the JS API gives the golden report and outputs`, { skip: !wb }, async () => {
    const bytes = input(name, file);
    const o = options(name);
    const opts = { maxFindingsPerCode: "all", ...(o.file_name ? { fileName: o.file_name } : {}) };
    const report = wb.check(bytes, opts);
    assert.deepEqual(report, JSON.parse(golden(name, "report.json")));
    const out = wb.fix(bytes, opts);
    assert.equal(new TextDecoder().decode(out.correctedCsv), golden(name, "corrected.csv"));
    assert.equal(out.errorReportCsv, golden(name, "error-report.csv"));
    assert.equal(out.findingsCsv, golden(name, "findings.csv"));
    // A Blob and a File give the same, read in slices.
    const blob = await wb.checkFile(new Blob([bytes]), { ...opts, chunkSize: 1000 });
    assert.deepEqual(blob, report);
    const fixed = await wb.fixFile(new File([bytes], o.file_name ?? "users"), { ...opts, chunkSize: 777 });
    assert.deepEqual(fixed.correctedCsv, out.correctedCsv);
  });
}

test("the sheet option takes a name or a number", { skip: !wb }, () => {
  const bytes = input("workbook-sheets", "input.xlsx");
  assert.equal(wb.check(bytes).file.workbook.sheet, "Users");
  assert.equal(wb.check(bytes, { sheet: 1 }).file.workbook.sheet, "Read me");
  assert.equal(wb.check(bytes, { sheet: "read me" }).file.workbook.sheet, "Read me");
  const missing = wb.check(bytes, { sheet: "Staff" });
  assert.deepEqual(missing.findings.map((f) => f.code), ["F018"]);
  assert.throws(() => wb.check(bytes, { sheet: true }), /options.sheet must be a sheet's name or number/);
  const enc = wb.check(input("workbook-encrypted", "input.xlsx"));
  assert.deepEqual(enc.findings.map((f) => f.code), ["F019"]);
});

test("the default package, without workbook support, reports a workbook as F003", () => {
  const report = api.check(input("workbook-sheets", "input.xlsx"));
  assert.deepEqual(report.findings.map((f) => f.code), ["F003"]);
});
