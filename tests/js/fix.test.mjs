import { test } from "node:test";
import assert from "node:assert/strict";
import { api, apiFor, enc, reference, fixture, fixtures, read } from "./helpers.mjs";

const variants = [
  {},
  { suggested: "all" },
  { suggested: ["F001"], noFix: ["stray-whitespace"] },
  { noFix: ["F001", "F004"] },
];

for (const name of fixtures) {
  for (const fixOptions of variants) {
    test(`fix(${name}, ${JSON.stringify(fixOptions)}) writes what the engine writes natively`, () => {
      const options = { fileName: name, ...fixOptions };
      const result = apiFor(name).fix(read(name), options);
      const ref = reference(fixture(name), options);
      assert.deepEqual(Object.keys(result).sort(), ["correctedCsv", "errorReportCsv", "findingsCsv", "previewCsv", "report"]);
      assert.ok(result.correctedCsv instanceof Uint8Array);
      assert.deepEqual(result.correctedCsv, ref.corrected);
      assert.equal(result.errorReportCsv, ref.errors);
      assert.equal(result.findingsCsv, ref.findings);
      assert.deepEqual(result.report, ref.report);
    });
  }
}

test("the corrected file of a Windows-1252 semicolon file is UTF-8 and comma separated", () => {
  const { correctedCsv, report } = enc.fix(read("excel-1252-semicolon.csv"), { suggested: "all" });
  assert.equal(report.file.encoding, "windows-1252");
  assert.equal(report.file.delimiter, ";");
  const text = new TextDecoder("utf-8", { fatal: true }).decode(correctedCsv);
  assert.match(text, /^primary_email_address,preferred_first_name,/);
  assert.match(text, /Jürgen,Müller/);
  assert.deepEqual(enc.check(correctedCsv).summary.by_code.F001, undefined);
  // The default package reads the UTF-8 it wrote alike.
  assert.deepEqual(api.check(correctedCsv), enc.check(correctedCsv));
});

test("with F001's fix off, the corrected bytes keep the input's encoding", () => {
  const { correctedCsv } = api.fix(read("unicode-text-utf16.csv"), { noFix: ["F001"] });
  assert.deepEqual([...correctedCsv.subarray(0, 2)], [0xff, 0xfe], "UTF-16LE byte-order mark");
});
