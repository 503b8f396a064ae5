import { test } from "node:test";
import assert from "node:assert/strict";
import { api, reference, cliReport, fixture, fixtures, read } from "./helpers.mjs";

for (const name of fixtures) {
  test(`check(${name}) gives the engine's native report`, () => {
    const report = api.check(read(name), { fileName: name });
    assert.deepEqual(report, reference(fixture(name), { fileName: name }).report);
  });

  test(`check(${name}) counts like \`orgsync check --format json\``, (t) => {
    const cli = cliReport(fixture(name));
    if (!cli) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    const report = api.check(read(name), { fileName: cli.file.name ?? undefined });
    assert.deepEqual(report.summary, cli.summary);
    assert.deepEqual(report.file, cli.file);
    assert.deepEqual(report.findings, cli.findings);
  });
}

test("the report has exactly the JSON report's shape", () => {
  const report = api.check(read("users.csv"), { fileName: "users.csv" });
  assert.deepEqual(Object.keys(report), ["file", "summary", "findings"]);
  assert.deepEqual(Object.keys(report.file).sort(), [
    "bom", "bytes", "columns", "delimiter", "encoding", "kind", "line_ending", "name", "rows",
  ]);
  assert.deepEqual(Object.keys(report.summary).sort(), [
    "actions", "by_code", "errors", "infos", "omitted", "safe_fixes", "suggested_fixes", "warnings",
  ]);
  assert.equal(report.file.rows, 16);
  assert.equal(report.file.name, "users.csv");
  assert.ok(report.findings.length > 0);
  for (const f of report.findings) {
    for (const key of ["code", "rule", "severity", "row", "line", "column", "column_index", "message", "tip", "fix"]) {
      assert.ok(key in f, `finding has ${key}`);
    }
    if (f.fix) assert.deepEqual(Object.keys(f.fix).sort(), ["after", "applicability", "before"]);
  }
});

test("every input form gives the same report", () => {
  const bytes = read("users.csv");
  const expected = api.check(bytes);
  const copy = bytes.slice();
  assert.deepEqual(api.check(copy.buffer), expected, "ArrayBuffer");
  assert.deepEqual(api.check(Buffer.from(bytes)), expected, "Buffer");
  assert.deepEqual(api.check(new TextDecoder().decode(bytes)), expected, "string");
  // A view into the middle of a larger buffer reads only its own bytes.
  const padded = new Uint8Array(bytes.length + 20);
  padded.set(bytes, 10);
  assert.deepEqual(api.check(new DataView(padded.buffer, 10, bytes.length)), expected, "DataView");
  assert.deepEqual(api.check(padded.subarray(10, 10 + bytes.length)), expected, "subarray");
});

test("check options: maxFindingsPerCode caps the list and keeps the counts", () => {
  const full = api.check(read("users.csv"));
  const capped = api.check(read("users.csv"), { maxFindingsPerCode: 1 });
  assert.deepEqual(capped, reference(fixture("users.csv"), { maxFindingsPerCode: 1 }).report);
  assert.equal(capped.summary.errors, full.summary.errors);
  assert.deepEqual(capped.summary.by_code, full.summary.by_code);
  const perCode = {};
  for (const f of capped.findings.filter((f) => f.row !== null && f.row > 1)) perCode[f.code] = (perCode[f.code] ?? 0) + 1;
  assert.ok(Object.values(perCode).every((n) => n <= 1));
});

test("check options: knownGroups and fileName reach the engine", () => {
  const options = { fileName: "users.txt", knownGroups: ["Sales", "Engineering", "Analytics"] };
  const report = api.check(read("users.csv"), options);
  assert.equal(report.file.name, "users.txt");
  assert.deepEqual(report, reference(fixture("users.csv"), options).report);
});

test("options set to undefined count as absent", () => {
  assert.deepEqual(
    api.check(read("users.csv"), { fileName: undefined, knownGroups: undefined }),
    api.check(read("users.csv")),
  );
});
