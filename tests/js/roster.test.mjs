// The user export as a second input: check/fix/checkFile/fixFile with `roster`, against the
// golden cases (tests/cases/roster-*) and the `orgsync` CLI's JSON for the same pair. The
// comparison is in the `roster` package (pkg-roster/) and the larger ones, not in the default.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { api as defaultApi, ros as api, enc, root } from "./helpers.mjs";

const cases = ["roster-new-and-revoked", "roster-duplicate-profiles", "roster-id-matching", "roster-utf16-export", "roster-email-change"];
const dir = (name) => join(root, "tests/cases", name);
const bytes = (name, file) => new Uint8Array(readFileSync(join(dir(name), file)));

function cli(name) {
  const bin = process.env.ORGSYNC_CLI ?? join(root, "target/debug/orgsync");
  if (!existsSync(bin)) return null;
  const run = spawnSync(bin, ["check", "--format", "json", "--roster", join(dir(name), "export.csv"), join(dir(name), "input.csv")], {
    encoding: "utf8",
  });
  return run.status === 0 || run.status === 1 ? JSON.parse(run.stdout) : null;
}

for (const name of cases) {
  test(`check(${name}, {roster}) gives the golden report`, () => {
    const report = api.check(bytes(name, "input.csv"), { roster: bytes(name, "export.csv"), rosterName: "export.csv" });
    const golden = JSON.parse(readFileSync(join(dir(name), "report.json"), "utf8"));
    assert.deepEqual(report.summary, golden.summary);
    assert.deepEqual(report.preview, golden.preview);
    assert.deepEqual(report.roster, golden.roster);
    assert.deepEqual(report.findings, golden.findings);
  });

  test(`check(${name}, {roster}) counts like \`orgsync check --roster\``, (t) => {
    const native = cli(name);
    if (!native) return t.skip("the orgsync CLI is not built");
    const report = api.check(bytes(name, "input.csv"), { roster: bytes(name, "export.csv") });
    assert.deepEqual(report.summary, native.summary);
    assert.deepEqual(report.preview, native.preview);
    assert.deepEqual(report.roster.summary, native.roster.summary);
  });
}

test("fix() with a roster returns the golden preview CSV and applies P003's suggested fix", () => {
  const name = "roster-duplicate-profiles";
  const out = api.fix(bytes(name, "input.csv"), { roster: bytes(name, "export.csv"), suggested: "all" });
  assert.equal(out.previewCsv, readFileSync(join(dir(name), "preview.csv"), "utf8"));
  assert.deepEqual(out.correctedCsv, bytes(name, "corrected.csv"));
  assert.equal(api.fix("primary_email_address\r\na@b.com\r\n").previewCsv, "");
});

test("checkFile/fixFile take the export as a Blob, named after the file", async () => {
  const name = "roster-utf16-export";
  const upload = new Blob([bytes(name, "input.csv")]);
  const roster = new File([bytes(name, "export.csv")], "users-2026-11.csv");
  const report = await api.checkFile(upload, { roster });
  assert.equal(report.roster.file.name, "users-2026-11.csv");
  assert.equal(report.roster.users, 4);
  const fixed = await api.fixFile(upload, { roster, chunkSize: 7 });
  assert.equal(fixed.previewCsv, readFileSync(join(dir(name), "preview.csv"), "utf8"));
});

test("the export's group columns are the known groups unless knownGroups is given", () => {
  const roster = "invited_email_address,group:Sales\r\njane@acme.com,yes\r\n";
  const upload = "primary_email_address,group_permission_view_reports\r\njane@acme.com,group:Sales\r\njohn@acme.com,group:Marketing\r\n";
  assert.equal(api.check(upload, { roster }).summary.by_code.R008, 1);
  // An empty list is no glossary given, as the CLI's empty `--groups` file: the export's serve.
  assert.equal(api.check(upload, { roster, knownGroups: [] }).summary.by_code.R008, 1);
  assert.equal(api.check(upload, { roster, knownGroups: ["Sales", "Marketing"] }).summary.by_code.R008, undefined);
});

test("roster misuse is a clear error", () => {
  assert.throws(() => api.check("a", { roster: 42 }), /options\.roster must be a user export's bytes/);
  assert.throws(() => api.check("a", { rosterName: "x.csv" }), /options\.roster, which is missing/);
  const checker = new api.Checker({ roster: "invited_email_address\r\na@b.com\r\n" });
  checker.push("primary_email_address\r\na@b.com\r\n");
  checker.finish();
  assert.throws(() => new api.Fixer(checker, { roster: "x" }), /belongs to the Checker/);
  checker.free();
});

test("the default package reads no user export: the roster option and groupsFromExport() throw, naming the build that does", async () => {
  const upload = "primary_email_address\r\njane@acme.com\r\n";
  const roster = "invited_email_address\r\njane@acme.com\r\n";
  const names = /options\.roster compares the upload with a user export, which this package does not read: use its `roster` build \(pkg-roster\/, scripts\/build-js\.sh --roster\)/;
  assert.throws(() => defaultApi.check(upload, { roster }), names);
  assert.throws(() => defaultApi.fix(upload, { roster, rosterName: "users.csv" }), names);
  assert.throws(() => new defaultApi.Checker({ roster }), names);
  await assert.rejects(defaultApi.checkFile(new Blob([upload]), { roster: new Blob([roster]) }), names);
  assert.throws(() => defaultApi.groupsFromExport(roster), /groupsFromExport\(\) reads a user export, which this package does not read: use its `roster` build/);
  // Without the option the default package's report is the roster package's, field for field.
  assert.deepEqual(defaultApi.check(upload), api.check(upload));
  // Each larger package has the comparison too (the encodings and workbook builds include it).
  assert.deepEqual(enc.check(upload, { roster }).preview, api.check(upload, { roster }).preview);
});
