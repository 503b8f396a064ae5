import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { api, enc, root } from "./helpers.mjs";

test("rules() lists the catalogue in its order: F, H, R, X, then P, each by number", () => {
  const rules = api.rules();
  assert.equal(rules.length, 71);
  assert.deepEqual(Object.keys(rules[0]).sort(), ["code", "doc", "fix", "name", "scope", "severity", "title"]);
  const codes = rules.map((r) => r.code);
  const section = (c) => "FHRXP".indexOf(c[0]);
  assert.deepEqual(codes, [...codes].sort((a, b) => section(a) - section(b) || a.localeCompare(b)));
  assert.equal(codes.at(-1), "P005");
  const r002 = rules.find((r) => r.code === "R002");
  assert.equal(r002.name, "invalid-email");
  assert.equal(r002.severity, "error");
  assert.equal(r002.fix, "none");
  assert.match(r002.doc, /R002/);
  assert.equal(r002.scope, "row");
  assert.equal(r002.title, "Invalid email address");
  assert.deepEqual([...new Set(rules.map((r) => r.scope))], ["file", "header", "row", "cross", "roster"]);
  assert.equal(rules.find((r) => r.code === "R005").fix, "safe-or-suggested");
});

test("rule names work wherever codes do", () => {
  const bytes = new TextEncoder().encode("primary_email_address\r\n jane@example.com\r\n");
  const byCode = api.fix(bytes, { noFix: ["R012"] });
  const byName = api.fix(bytes, { noFix: ["stray-whitespace"] });
  assert.deepEqual(byName, byCode);
});

test("every rule's doc is its Markdown file, in every package (the wasm leaves it to rule-docs.js)", () => {
  const rules = api.rules();
  for (const r of rules) {
    assert.equal(r.doc, readFileSync(join(root, "crates/orgsync-core/src/rules/docs", `${r.code}.md`), "utf8"), r.code);
  }
  assert.deepEqual(enc.rules(), rules);
});
