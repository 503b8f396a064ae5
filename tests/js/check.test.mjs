import { test } from "node:test";
import assert from "node:assert/strict";
import { api, apiFor, reference, cliReport, fixture, fixtures, read } from "./helpers.mjs";

for (const name of fixtures) {
  test(`check(${name}) gives the engine's native report`, () => {
    const report = apiFor(name).check(read(name), { fileName: name });
    assert.deepEqual(report, reference(fixture(name), { fileName: name }).report);
  });

  test(`check(${name}) counts like \`orgsync check --format json\``, (t) => {
    const cli = cliReport(fixture(name));
    if (!cli) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    const report = apiFor(name).check(read(name), { fileName: cli.file.name ?? undefined });
    assert.deepEqual(report.summary, cli.summary);
    assert.deepEqual(report.file, cli.file);
    assert.deepEqual(report.findings, cli.findings);
  });
}

test("the report has exactly the JSON report's shape", () => {
  const report = api.check(read("users.csv"), { fileName: "users.csv" });
  assert.deepEqual(Object.keys(report), ["file", "summary", "findings"]);
  assert.deepEqual(Object.keys(report.file).sort(), [
    "bom", "bytes", "columns", "delimiter", "encoding", "encoding_basis", "encoding_name",
    "encoding_preview", "kind", "line_ending", "name", "rows",
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

/** A users file where R012 (stray whitespace) fires on each of `n` rows. */
function straySpaces(n) {
  let text = "primary_email_address,preferred_first_name\r\n";
  for (let i = 0; i < n; i++) text += `user${i}@northwind.example,Ann${i} \r\n`;
  return new TextEncoder().encode(text);
}
const r012 = (report) => report.findings.filter((f) => f.code === "R012").length;

test("check keeps 10,000 findings per code by default, like the CLI; the counts stay exact", async () => {
  const bytes = straySpaces(10_050);
  const report = api.check(bytes);
  assert.equal(report.summary.by_code.R012, 10_050);
  assert.equal(report.summary.warnings, 10_050);
  assert.equal(r012(report), 10_000);
  assert.equal(report.summary.omitted, 50);
  const viaFile = await api.checkFile(new Blob([bytes]), { chunkSize: 65536 });
  assert.deepEqual([r012(viaFile), viaFile.summary.omitted], [10_000, 50], "checkFile has the same default");
  const checker = new api.Checker();
  checker.push(bytes);
  const streamed = checker.finish();
  checker.free();
  assert.deepEqual([r012(streamed), streamed.summary.omitted], [10_000, 50], "a Checker has the same default");
  const fixed = api.fix(bytes);
  assert.equal(r012(fixed.report), 10_000, "fix()'s report is capped too");
  assert.equal(fixed.findingsCsv.trimEnd().split("\r\n").length, 10_051, "the findings CSV lists every finding");
  assert.equal(new TextDecoder().decode(fixed.correctedCsv).includes(" \r\n"), false, "every fix applied");
});

test('check options: maxFindingsPerCode "all" keeps every finding, a number sets the cap', () => {
  const bytes = straySpaces(10_050);
  const all = api.check(bytes, { maxFindingsPerCode: "all" });
  assert.deepEqual([r012(all), all.summary.omitted], [10_050, 0]);
  const three = api.check(bytes, { maxFindingsPerCode: 3 });
  assert.deepEqual([r012(three), three.summary.omitted, three.summary.by_code.R012], [3, 10_047, 10_050]);
  const cli = cliReport(fixture("users.csv"));
  if (cli) assert.deepEqual(api.check(read("users.csv"), { fileName: cli.file.name ?? undefined }), cli, "defaults agree with the CLI's");
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
