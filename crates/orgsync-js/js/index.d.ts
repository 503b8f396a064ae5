// Declarations of the package's entry point (index.js). The data shapes are declared beside the
// Rust code that produces them (src/lib.rs) and come from the generated orgsync_js.d.ts.

import type {
  Input,
  Report,
  CheckOptions,
  FixOptions,
  FixerOptions,
  FixResult,
  Rule,
  TemplateOptions,
} from "./orgsync_js.js";
import { Checker as WasmChecker, Fixer as WasmFixer } from "./orgsync_js.js";

export type {
  Input,
  Severity,
  Applicability,
  FileKind,
  RuleCode,
  FileInfo,
  Actions,
  ChangeKind,
  Change,
  Preview,
  RosterReport,
  Summary,
  Fix,
  Finding,
  Report,
  Rule,
  CheckOptions,
  FixerOptions,
  FixOptions,
  FixOutput,
  FixResult,
  TemplateOptions,
} from "./orgsync_js.js";

/** Where the wasm comes from: by default `orgsync_js_bg.wasm` beside index.js. */
export type WasmSource =
  | URL
  | string
  | Request
  | Response
  | Promise<Response>
  | BufferSource
  | WebAssembly.Module;

/** Loads the wasm module. Await it once before calling anything else. */
export default function init(source?: WasmSource): Promise<void>;

/** Loads the wasm module synchronously from its bytes or a compiled module. */
export function initSync(source: BufferSource | WebAssembly.Module): void;

/**
 * Checks a whole file. The report is the object `orgsync check --format json` prints. Bad data
 * gives findings; only a misuse of the API (a wrong input type, an unknown option or rule code)
 * throws an `Error`.
 */
export function check(input: Input, options?: CheckOptions): Report;

/** Checks a whole file and writes the corrected CSV, the error report and the findings CSV. */
export function fix(input: Input, options?: FixOptions): FixResult;

/** Every rule of the catalogue, in code order. */
export function rules(): Rule[];

/** A blank Org Sync file (the header row, CSV with CRLF), as `orgsync template` writes it. */
export function template(options?: TemplateOptions): string;

/**
 * The account's group names from a user export's `group:` headers, or from a list with one
 * group name a line: pass them as `knownGroups`. In the `roster` package and the larger ones;
 * the default package, which reads no user export, throws.
 */
export function groupsFromExport(input: Input): string[];

/** A check fed in chunks, for large files: `push` each chunk, then `finish`. */
export class Checker extends WasmChecker {
  constructor(options?: CheckOptions);
}

/**
 * The fix pass fed in chunks: made from a finished Checker of the same file, fed the same bytes
 * again; `takeOutput()` drains what is written so far, `finish()` returns the rest.
 */
export class Fixer extends WasmFixer {
  constructor(checker: Checker, options?: FixerOptions);
}

/** Where a checkFile/fixFile is. `fixFile` reads the file twice: a "check" then a "fix" phase. */
export interface Progress {
  phase: "check" | "fix";
  bytesRead: number;
  totalBytes: number;
  /** Records read so far (in the fix phase: the file's total). */
  rowsRead: number;
}

/** How checkFile/fixFile read a Blob. */
export interface FileOptions {
  /** Called after each slice. */
  onProgress?: (progress: Progress) => void;
  /** Slice size in bytes (default 4 MiB). */
  chunkSize?: number;
  /** Stops the read between slices (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** checkFile/fixFile also take the user export as a Blob or File (its `name` is the default
 *  `rosterName`). */
export interface FileRosterOptions {
  roster?: Input | Blob;
}

/** Checks a Blob or File (its `name` is the default `fileName`), reading it in slices. */
export function checkFile(
  file: Blob,
  options?: Omit<CheckOptions, "roster"> & FileRosterOptions & FileOptions,
): Promise<Report>;

/** Checks and fixes a Blob or File, reading it twice in slices. */
export function fixFile(
  file: Blob,
  options?: Omit<FixOptions, "roster"> & FileRosterOptions & FileOptions,
): Promise<FixResult>;
