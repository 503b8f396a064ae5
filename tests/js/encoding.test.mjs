// The legacy-encodings corpus (tests/encodings) through the JS API, against the engine's native
// answer and the `orgsync` CLI: the same encoding, report and corrected bytes, guessed or chosen.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, mkdtempSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, reference, root } from "./helpers.mjs";

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
    const report = api.check(bytes);
    assert.equal(report.file.encoding, label);
    assert.equal(report.file.encoding_basis, "guessed");
    assert.deepEqual(report, reference(path).report);
    const js = api.fix(bytes, { suggested: ["F001"] }).correctedCsv;
    assert.deepEqual(js, reference(path, { suggested: ["F001"] }).corrected);
    const kept = api.fix(bytes).correctedCsv;
    const native = cliFix(path, ["--suggested-only", "F001"]);
    if (!native) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    assert.deepEqual(js, native);
    assert.deepEqual(kept, cliFix(path, []));
  });

  test(`${label}: the encoding option is the CLI's --encoding`, (t) => {
    const report = api.check(bytes, { encoding: label });
    assert.equal(report.file.encoding_basis, "chosen");
    assert.deepEqual(report, reference(path, { encoding: label }).report);
    const js = api.fix(bytes, { encoding: label }).correctedCsv;
    // Chosen, F001's conversion is safe: UTF-8 with its mark.
    assert.deepEqual([...js.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const native = cliFix(path, ["--encoding", label]);
    if (!native) return t.skip("the orgsync CLI is not built (cargo build -p orgsync-cli)");
    assert.deepEqual(js, native);
  });
}

test("an unknown encoding label is a clear error", () => {
  assert.throws(() => api.check(new Uint8Array([0x61]), { encoding: "klingon" }), /options\.encoding `klingon` is not an encoding this API reads; use a label of the WHATWG Encoding Standard: utf-8, /);
  const checker = new api.Checker({ encoding: "gbk" });
  checker.push(new Uint8Array([0x61]));
  checker.finish();
  assert.throws(() => new api.Fixer(checker, { encoding: "gbk" }), /options\.encoding belongs to the Checker/);
});
