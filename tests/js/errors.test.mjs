import { test } from "node:test";
import assert from "node:assert/strict";
import { api, pkgUrl, read } from "./helpers.mjs";

const csv = read("users.csv");

/** Asserts that `f` throws a plain Error whose message matches, never a wasm trap. */
function misuse(f, message) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof Error, `an Error, got ${e}`);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), "not a wasm trap");
    assert.doesNotMatch(e.message, /panicked|unreachable|null pointer/);
    assert.match(e.message, message);
    return true;
  });
}

test("a wrong input type is an Error that says what to pass", () => {
  misuse(() => api.check(), /must be a Uint8Array, an ArrayBuffer or a string, not undefined/);
  misuse(() => api.check(42), /not a number/);
  misuse(() => api.check({ rows: [] }), /not an object/);
  misuse(() => api.check([1, 2]), /not an array/);
  misuse(() => api.check(new Blob(["a"])), /not a Blob; for a Blob or File use checkFile/);
  misuse(() => api.fix(null), /not null/);
});

test("bad options are Errors that name the option", () => {
  misuse(() => api.check(csv, "users.csv"), /options must be an object, not a string/);
  misuse(() => api.check(csv, ["x"]), /options must be an object, not an array/);
  misuse(() => api.check(csv, { filename: "x.csv" }), /unknown option `filename` \(the options are fileName, knownGroups, maxFindingsPerCode, roster, rosterName, encoding, sheet\)/);
  misuse(() => api.check(csv, { fileName: 3 }), /options.fileName must be a string, not a number/);
  misuse(() => api.check(csv, { knownGroups: "Sales" }), /options.knownGroups must be an array of strings, not a string/);
  misuse(() => api.check(csv, { knownGroups: ["Sales", 7] }), /options.knownGroups\[1\] must be a string/);
  misuse(() => api.check(csv, { maxFindingsPerCode: -1 }), /maxFindingsPerCode must be a whole number of 0 or more, not -1/);
  misuse(() => api.check(csv, { maxFindingsPerCode: 2.5 }), /not 2.5/);
  misuse(() => api.check(csv, { maxFindingsPerCode: "10" }), /not a string \(or "all" for every finding\)/);
  misuse(() => api.check(csv, { suggested: "all" }), /options.suggested chooses fixes: pass it to fix\(\)/);
});

test("unknown rule codes are Errors", () => {
  misuse(() => api.fix(csv, { noFix: ["R999"] }), /options.noFix\[0\]: "R999" is not a rule code or name/);
  misuse(() => api.fix(csv, { suggested: ["R005", "bogus"] }), /options.suggested\[1\]: "bogus" is not a rule code/);
  misuse(() => api.fix(csv, { suggested: "some" }), /options.suggested must be "none", "all" or an array of rule codes, not a string/);
  misuse(() => api.fix(csv, { suggested: true }), /not a boolean/);
  misuse(() => api.fix(csv, { nofix: ["R012"] }), /unknown option `nofix` \(the options are .*noFix, suggested\)/);
});

test("the streaming classes refuse to be used out of order", () => {
  const checker = new api.Checker();
  misuse(() => new api.Fixer(checker), /a Fixer needs a finished Checker: call checker.finish\(\) first/);
  checker.push(csv);
  checker.finish();
  misuse(() => checker.push(csv), /this Checker is finished/);
  misuse(() => checker.finish(), /already finished/);
  misuse(() => new api.Fixer(checker, { fileName: "x.csv" }), /options.fileName belongs to the Checker/);
  misuse(() => new api.Fixer(checker, { suggested: "maybe" }), /options.suggested must be/);
  const fixer = new api.Fixer(checker);
  fixer.push(csv);
  fixer.finish();
  misuse(() => fixer.push(csv), /this Fixer is finished/);
  misuse(() => fixer.takeOutput(), /this Fixer is finished/);
  misuse(() => new api.Checker({ knownGroups: [1] }), /knownGroups\[0\] must be a string/);
  misuse(() => new api.Checker().push(5), /not a number/);
});

test("bad data is findings, not an Error", () => {
  for (const input of ["", "\u0000\u0001\u0002PK", new Uint8Array([0xff, 0xfe, 0x00]), "a;b\n\"unclosed"]) {
    const report = api.check(input);
    assert.ok(Array.isArray(report.findings));
    const result = api.fix(input, { suggested: "all" });
    assert.ok(result.correctedCsv instanceof Uint8Array);
  }
});

test("calling the API before init() is an Error that says so", async () => {
  // A second copy of the entry module, not initialised.
  const fresh = await import(`${pkgUrl}?fresh`);
  misuse(() => fresh.check(csv), /the wasm module is not loaded; call `await init\(\)` once first/);
  misuse(() => new fresh.Checker(), /call `await init\(\)`/);
  misuse(() => fresh.rules(), /call `await init\(\)`/);
});
