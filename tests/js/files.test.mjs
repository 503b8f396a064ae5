import { test } from "node:test";
import assert from "node:assert/strict";
import { api, enc, bigFile, read } from "./helpers.mjs";

test("checkFile reads a File in slices, names the report after it and reports progress", async () => {
  // Past the first MiB, which the engine reads whole to decide the encoding, rows count as read.
  const bytes = bigFile(30000);
  const file = new File([bytes], "staff.csv", { type: "text/csv" });
  const seen = [];
  const report = await api.checkFile(file, { chunkSize: 8192, onProgress: (p) => seen.push(p) });
  assert.deepEqual(report, api.check(bytes, { fileName: "staff.csv" }));
  assert.equal(report.file.rows, 30000);
  assert.equal(seen.length, Math.ceil(bytes.length / 8192));
  const last = seen.at(-1);
  assert.deepEqual([last.phase, last.bytesRead, last.totalBytes], ["check", bytes.length, bytes.length]);
  assert.ok(last.rowsRead > 29000, `rowsRead ${last.rowsRead}`);
  assert.ok(seen.every((p, i) => i === 0 || (p.bytesRead > seen[i - 1].bytesRead && p.rowsRead >= seen[i - 1].rowsRead)));
});

test("checkFile on a Blob keeps the given fileName", async () => {
  const bytes = read("excel-1252-semicolon.csv");
  const report = await enc.checkFile(new Blob([bytes]), { fileName: "export.txt", knownGroups: ["Vertrieb"] });
  assert.deepEqual(report, enc.check(bytes, { fileName: "export.txt", knownGroups: ["Vertrieb"] }));
  assert.equal(report.file.name, "export.txt");
});

test("fixFile gives fix()'s output for a File", async () => {
  const bytes = read("unicode-text-utf16.csv");
  const file = new File([bytes], "unicode-text-utf16.csv");
  const phases = new Set();
  const result = await api.fixFile(file, { suggested: "all", chunkSize: 100, onProgress: (p) => phases.add(p.phase) });
  assert.deepEqual(result, api.fix(bytes, { fileName: "unicode-text-utf16.csv", suggested: "all" }));
  assert.deepEqual([...phases], ["check", "fix"]);
});

test("checkFile stops when its signal aborts", async () => {
  const controller = new AbortController();
  const file = new File([read("users.csv")], "users.csv");
  const run = api.checkFile(file, {
    chunkSize: 64,
    signal: controller.signal,
    onProgress: (p) => p.bytesRead >= 256 && controller.abort(new Error("cancelled by the user")),
  });
  await assert.rejects(run, /cancelled by the user/);
});

test("checkFile and fixFile refuse what is not a Blob", async () => {
  await assert.rejects(api.checkFile(read("users.csv")), { name: "TypeError", message: /take a Blob or File/ });
  await assert.rejects(api.fixFile("a,b"), /take a Blob or File/);
  await assert.rejects(api.checkFile(new Blob(["x"]), { chunkSize: 0 }), /chunkSize/);
  await assert.rejects(api.checkFile(new Blob(["x"]), { noFix: ["R012"] }), /options.noFix chooses fixes/);
});
