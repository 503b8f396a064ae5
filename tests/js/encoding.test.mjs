// The legacy-encodings corpus (tests/encodings) through the JS API's `encodings` package
// (scripts/build-js.sh --encodings), against the engine's native answer and the `orgsync` CLI: the
// same encoding, report and corrected bytes, guessed or chosen. The default package, without the
// code pages, stops at F001 naming that package, and reads a chosen Windows-1252 as the CLI does.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, mkdtempSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, enc, reference, root } from "./helpers.mjs";

const dir = join(root, "tests/encodings");
const files = readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();
const cli = process.env.ORGSYNC_CLI ?? join(root, "target/debug/orgsync");

/** `orgsync fix FILE [args] -o OUT`'s corrected bytes, or null when the CLI is not built. */
function cliFix(file, args) {
  if (!existsSync(cli)) return null;
  const out = join(mkdtempSync(join(tmpdir(), "orgsync-enc-")), "out.csv");
  const run = spawnSync(cli, ["fix", file, ...args, "-o", out], { encoding: "utf8" });
  if (run.status !== 0 && run.status !== 1) throw new Error(run.stderr);
  return new Uint8Array(readFileSync(out));
}

test("the corpus is there", () => assert.ok(files.length >= 15, files.join(", ")));

for (const name of files) {
  const label = name.replace(/\.csv$/, "");
  const path = join(dir, name);
  const bytes = new Uint8Array(readFileSync(path));

  test(`${label}: guessed alike by the JS API and the engine, corrected alike by the CLI`, (t) => {
    const report = enc.check(bytes);
    assert.equal(report.file.encoding, label);
    assert.equal(report.file.encoding_basis, "guessed");
    assert.deepEqual(report, reference(path).report);
    const js = enc.fix(bytes, { suggested: ["F001"] }).correctedCsv;
    assert.deepEqual(js, reference(path, { suggested: ["F001"] }).corrected);
    const kept = enc.fix(bytes).correctedCsv;
    const native = cliFix(path, ["--suggested-only", "F001"]);
    if (!native) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    assert.deepEqual(js, native);
    assert.deepEqual(kept, cliFix(path, []));
  });

  test(`${label}: the encoding option is the CLI's --encoding`, (t) => {
    const report = enc.check(bytes, { encoding: label });
    assert.equal(report.file.encoding_basis, "chosen");
    assert.deepEqual(report, reference(path, { encoding: label }).report);
    const js = enc.fix(bytes, { encoding: label }).correctedCsv;
    // Chosen, F001's conversion is safe: UTF-8 with its mark.
    assert.deepEqual([...js.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const native = cliFix(path, ["--encoding", label]);
    if (!native) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    assert.deepEqual(js, native);
  });

  test(`${label}: the default package stops at F001 and names the encodings package`, () => {
    const report = api.check(bytes);
    assert.deepEqual(report.findings.map((f) => [f.code, f.severity]), [["F001", "error"]]);
    assert.equal(report.findings[0].fix, null);
    assert.match(report.findings[0].message, /legacy code page/);
    assert.match(report.findings[0].tip, /scripts\/build-js\.sh --encodings/);
    assert.equal(report.summary.by_code.F001, 1);
    // No corrected file, as for any file that cannot be read (F003): nothing is written in a
    // wrong guess.
    assert.equal(api.fix(bytes, { suggested: "all" }).correctedCsv.length, 0);
  });
}

test("the default package reads a chosen Windows-1252 file as the CLI does", (t) => {
  const path = join(dir, "windows-1252.csv");
  const bytes = new Uint8Array(readFileSync(path));
  const report = api.check(bytes, { encoding: "latin1" });
  assert.equal(report.file.encoding, "windows-1252");
  assert.deepEqual(report, reference(path, { encoding: "windows-1252" }).report);
  assert.deepEqual(report, enc.check(bytes, { encoding: "windows-1252" }));
  for (const options of [{}, { noFix: ["F001"] }]) {
    const js = api.fix(bytes, { encoding: "windows-1252", ...options }).correctedCsv;
    assert.deepEqual(js, enc.fix(bytes, { encoding: "windows-1252", ...options }).correctedCsv);
    const native = cliFix(path, ["--encoding", "windows-1252", ...(options.noFix ? ["--no-fix", "F001"] : [])]);
    if (!native) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    assert.deepEqual(js, native);
  }
});

test("the default package names the encodings package for a code page it does not read", () => {
  assert.throws(
    () => api.check(new Uint8Array([0x61]), { encoding: "sjis" }),
    /options\.encoding `sjis` is not an encoding this API reads; use a label of the WHATWG Encoding Standard: utf-8, utf-16le, utf-16be, windows-1252 \(this package reads only these; its `encodings` build, scripts\/build-js\.sh --encodings, reads every code page of the standard\)$/,
  );
  assert.equal(enc.check(new Uint8Array([0x61]), { encoding: "sjis" }).file.encoding, "shift_jis");
});

test("an unknown encoding label is a clear error", () => {
  assert.throws(() => enc.check(new Uint8Array([0x61]), { encoding: "klingon" }), /options\.encoding `klingon` is not an encoding this API reads; use a label of the WHATWG Encoding Standard: utf-8, /);
  const checker = new enc.Checker({ encoding: "gbk" });
  checker.push(new Uint8Array([0x61]));
  checker.finish();
  assert.throws(() => new enc.Fixer(checker, { encoding: "gbk" }), /options\.encoding belongs to the Checker/);
});
