// Loads the built package (scripts/build-js.sh) into Node and runs the engine's native answer for
// comparison: the `orgsync` CLI when it is built, and always the `reference` example binary.

import { readFileSync, mkdtempSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname, basename, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const pkgDir = resolve(process.env.ORGSYNC_JS_PKG ?? join(root, "crates/orgsync-js/pkg"));
export const fixture = (name) => join(root, "tests/js/fixtures", name);
export const fixtures = ["users.csv", "excel-1252-semicolon.csv", "unicode-text-utf16.csv", "export.csv"];

export const pkgUrl = pathToFileURL(join(pkgDir, "index.js")).href;
export const api = await import(pkgUrl);
await api.default(readFileSync(join(pkgDir, "orgsync_js_bg.wasm")));

/** Loads one of the opt-in packages (scripts/build-js.sh --roster, --encodings, --workbook). */
async function optIn(dir, flag) {
  if (!existsSync(join(dir, "index.js"))) {
    throw new Error(`${dir} is not built: run scripts/build-js.sh ${flag} (scripts/test-js.sh builds every package)`);
  }
  const pkg = await import(pathToFileURL(join(dir, "index.js")).href);
  await pkg.default(readFileSync(join(dir, "orgsync_js_bg.wasm")));
  return pkg;
}

// The package that compares with a user export (scripts/build-js.sh --roster): the default
// package leaves the `roster` option out and throws, naming this build.
export const rosterPkgDir = resolve(process.env.ORGSYNC_JS_ROSTER_PKG ?? join(root, "crates/orgsync-js/pkg-roster"));
export const ros = await optIn(rosterPkgDir, "--roster");

// The package built with every code page (scripts/build-js.sh --encodings): the default package
// reads UTF-8, UTF-16 and Windows-1252 only, and stops at F001 for a file in a code page.
export const encPkgDir = resolve(process.env.ORGSYNC_JS_ENCODINGS_PKG ?? join(root, "crates/orgsync-js/pkg-encodings"));
if (!existsSync(join(encPkgDir, "index.js"))) {
  throw new Error(`${encPkgDir} is not built: run scripts/build-js.sh --encodings (scripts/test-js.sh builds every package)`);
}
export const enc = await import(pathToFileURL(join(encPkgDir, "index.js")).href);
await enc.default(readFileSync(join(encPkgDir, "orgsync_js_bg.wasm")));

/** The fixtures in a legacy code page, which only the `encodings` package reads. */
export const legacyFixtures = new Set(["excel-1252-semicolon.csv"]);
/** The package that reads a fixture as the CLI does. */
export const apiFor = (name) => (legacyFixtures.has(name) ? enc : api);

const target = join(root, "target/debug");

/** The engine's native outputs for a file: {report, corrected, errors, findings}. */
export function reference(file, { fileName, knownGroups, maxFindingsPerCode, suggested, noFix, encoding } = {}) {
  const out = mkdtempSync(join(tmpdir(), "orgsync-ref-"));
  const args = [file, out];
  if (fileName !== undefined) args.push(`name=${fileName}`);
  if (knownGroups) args.push(`groups=${knownGroups.join(",")}`);
  if (maxFindingsPerCode !== undefined) args.push(`max=${maxFindingsPerCode}`);
  if (suggested && suggested !== "none") args.push(`suggested=${suggested === "all" ? "all" : suggested.join(",")}`);
  if (noFix) args.push(`nofix=${noFix.join(",")}`);
  if (encoding) args.push(`encoding=${encoding}`);
  const bin = process.env.ORGSYNC_REFERENCE ?? join(target, "examples/reference");
  const run = spawnSync(bin, args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`reference failed (${bin}): ${run.error ?? run.stderr}`);
  return {
    report: JSON.parse(readFileSync(join(out, "report.json"), "utf8")),
    corrected: new Uint8Array(readFileSync(join(out, "corrected.csv"))),
    errors: readFileSync(join(out, "errors.csv"), "utf8"),
    findings: readFileSync(join(out, "findings.csv"), "utf8"),
  };
}

/** `orgsync check --format json FILE`, or null when the CLI is not built (or not ready yet). */
export function cliReport(file) {
  const bin = process.env.ORGSYNC_CLI ?? join(target, "orgsync");
  if (!existsSync(bin)) return null;
  const run = spawnSync(bin, ["check", "--format", "json", file], { encoding: "utf8" });
  if (run.status !== 0 && run.status !== 1) return null;
  try {
    return JSON.parse(run.stdout);
  } catch {
    return null;
  }
}

/** A clean users file of `n` rows. */
export function bigFile(n) {
  let text = "primary_email_address,preferred_first_name,preferred_last_name,acme_license_learning_status\r\n";
  for (let i = 0; i < n; i++) text += `user${i}@northwind.example,Ann${i},Lee,Active\r\n`;
  return new TextEncoder().encode(text);
}

export const read = (name) => new Uint8Array(readFileSync(fixture(name)));
export { basename };
