import { test } from "node:test";
import assert from "node:assert/strict";
import { api, bigFile, fixtures, read } from "./helpers.mjs";

/** Feeds `bytes` to `sink` in pieces of `size` bytes. */
function pushAll(sink, bytes, size) {
  for (let at = 0; at < bytes.length; at += size) sink.push(bytes.subarray(at, at + size));
}

for (const name of fixtures) {
  test(`a Checker fed ${name} in small chunks gives check()'s report`, () => {
    const bytes = read(name);
    for (const size of [1, 7, 64, 4096]) {
      const checker = new api.Checker({ fileName: name });
      pushAll(checker, bytes, size);
      assert.equal(checker.bytesRead, bytes.length);
      const report = checker.finish();
      assert.deepEqual(report, api.check(bytes, { fileName: name }), `chunks of ${size}`);
      assert.equal(checker.rowsRead, report.file.rows);
      checker.free();
    }
  });

  test(`a Fixer fed ${name} in chunks writes fix()'s output`, () => {
    const bytes = read(name);
    const options = { suggested: "all" };
    const expected = api.fix(bytes, options);
    const checker = new api.Checker();
    pushAll(checker, bytes, 100);
    checker.finish();
    const fixer = new api.Fixer(checker, options);
    const parts = [];
    for (let at = 0; at < bytes.length; at += 100) {
      fixer.push(bytes.subarray(at, at + 100));
      parts.push(fixer.takeOutput());
    }
    parts.push(fixer.finish());
    const corrected = Buffer.concat(parts.map((p) => p.correctedCsv));
    assert.deepEqual(new Uint8Array(corrected), expected.correctedCsv);
    assert.equal(parts.map((p) => p.errorReportCsv).join(""), expected.errorReportCsv);
    assert.equal(parts.map((p) => p.findingsCsv).join(""), expected.findingsCsv);
  });
}

test("the Checker reports progress as it reads", () => {
  // Past the first MiB, which the engine reads whole to decide the encoding.
  const bytes = bigFile(50000);
  const checker = new api.Checker();
  assert.equal(checker.bytesRead, 0);
  assert.equal(checker.rowsRead, 0);
  const half = bytes.length >> 1;
  checker.push(bytes.subarray(0, half));
  assert.equal(checker.bytesRead, half);
  // The engine reads a sample before its first row; past it, rows count as they are read.
  assert.ok(checker.rowsRead > 10000 && checker.rowsRead < 50000, `rowsRead ${checker.rowsRead}`);
  checker.push(bytes.subarray(half));
  assert.equal(checker.finish().file.rows, 50000);
  assert.equal(checker.rowsRead, 50000);
  assert.equal(checker.bytesRead, bytes.length);
});
