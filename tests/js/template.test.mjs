import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { api, ros, root, read } from "./helpers.mjs";

const cli = process.env.ORGSYNC_CLI ?? join(root, "target/debug/orgsync");

test("template() writes what `orgsync template` writes", (t) => {
  const options = { admins: true, licenses: ["acme_license_learning_status"], groups: ["Sales", "Customer Success"] };
  const csv = api.template(options);
  assert.match(csv, /^primary_email_address,preferred_first_name,.*,acme_license_learning_status,group:Sales,group:Customer Success,permission_/);
  assert.ok(csv.endsWith("\r\n"));
  assert.equal(api.template(), api.template({}));
  if (!existsSync(cli)) return t.skip("the orgsync CLI is not built");
  const run = spawnSync(cli, ["template", "--admins", "--license", "acme_license_learning_status", "--group", "Sales", "--group", "Customer Success"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(csv, run.stdout);
});

test("a template's header has nothing wrong with it", () => {
  const csv = api.template({ admins: true, licenses: ["acme_license_learning_status"], groups: ["Sales"] });
  const report = api.check(csv);
  const scope = new Map(api.rules().map((r) => [r.code, r.scope]));
  assert.deepEqual(report.findings.filter((f) => scope.get(f.code) === "header" && f.severity !== "info"), []);
});

// groupsFromExport() reads a user export: it is in the `roster` package (and the larger ones).
test("groupsFromExport() reads a user export's group columns", () => {
  const groups = ros.groupsFromExport(read("export.csv"));
  assert.deepEqual(groups, ["Sales", "Engineering", "Customer Success", "Analytics", "EMEA Managers"]);
  assert.deepEqual(ros.groupsFromExport("Sales\r\nsales \r\nEngineering\r\n"), ["Sales", "Engineering"]);
  // Fed to a check, the groups quiet R008 for the groups the account has.
  const withGroups = api.check(read("users.csv"), { knownGroups: groups });
  assert.equal(withGroups.findings.filter((f) => f.code === "R008" && /Analytics/.test(f.message)).length, 0);
});

test("template and groupsFromExport refuse misuse with an Error", () => {
  assert.throws(() => api.template({ admin: true }), /unknown option `admin` \(the template's options are admins, licenses, groups\)/);
  assert.throws(() => api.template({ admins: "yes" }), /options.admins must be true or false, not a string/);
  assert.throws(() => api.template({ groups: "Sales" }), /options.groups must be an array of strings/);
  assert.throws(() => api.template("users"), /options must be an object/);
  assert.throws(() => api.template({ licenses: ["acme_license_learning_status", "learning"] }), /`learning` is not a license header: write it as <budget group>_license_<license type>_status/);
  assert.throws(() => ros.groupsFromExport(7), /must be a Uint8Array, an ArrayBuffer or a string, not a number/);
});
