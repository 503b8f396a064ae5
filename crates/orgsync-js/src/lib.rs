//! The JavaScript API of Org Sync Preflight: a wasm-bindgen façade over [`orgsync_core`].
//!
//! It converts JavaScript values to engine types and back, and turns a misuse of the API into a
//! JavaScript `Error` with a clear message. It holds no rule logic: the same bytes give the same
//! report here as in `orgsync check --format json`, because both call the same engine and the
//! report crosses over as the engine's own JSON.
//!
//! The TypeScript types below describe exactly what the functions take and return; the hand-written
//! `js/index.js` adds the `init` guard and the `Blob`/`File` helpers on top of this module.

use js_sys::{Array, ArrayBuffer, JSON, Object, Reflect, Uint8Array};
use orgsync_core as core;
use orgsync_core::{Code, Suggested};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsError};

/// The allocator: talc, smaller than the standard library's dlmalloc in the wasm (2.8 KB gzip of
/// the default package's budget; BENCHMARKS.md) and faster (its authors' wasm benchmarks).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Why the default package refuses a user export, and which build reads one: one literal at
/// compile time (a `format!` would cost the budget its formatting code).
#[cfg(not(feature = "roster"))]
macro_rules! no_roster {
    ($what:literal) => {
        concat!(
            $what,
            ", which this package does not read: use its `roster` build (pkg-roster/, scripts/build-js.sh --roster), which has everything this one has, the user export's comparison and its groups"
        )
    };
}

/// Bytes copied into the engine at a time: large inputs never sit twice in memory.
const CHUNK: u32 = 1 << 20;

/// The shapes the functions take and return, as TypeScript (wasm-bindgen puts them in the
/// generated `orgsync_js.d.ts`).
#[allow(dead_code)] // read by `TS_TYPES` below (wasm-bindgen's macro) and by the test
const TYPES: &str = r#"
/** Bytes of a CSV file, or its text (text is read as UTF-8). */
export type Input = Uint8Array | ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string;

export type Severity = "error" | "warning" | "info";
export type Applicability = "safe" | "suggested";
export type FileKind = "users" | "deletion" | "email-change" | "id-change";
export type RuleCode =
  | "F001" | "F002" | "F003" | "F004" | "F005" | "F006" | "F007" | "F008" | "F009" | "F010" | "F011"
  | "F012" | "F013" | "F014" | "F015" | "F016" | "F017" | "F018" | "F019" | "F020" | "F021" | "F022"
  | "F023" | "F024"
  | "H001" | "H002" | "H003" | "H004" | "H005" | "H006" | "H007" | "H008" | "H009" | "H010"
  | "H011" | "H012" | "H013" | "H014" | "H015"
  | "R001" | "R002" | "R003" | "R004" | "R005" | "R006" | "R007" | "R008" | "R009" | "R010"
  | "R011" | "R012" | "R013" | "R014" | "R015" | "R016" | "R017" | "R018" | "R019" | "R020"
  | "X001" | "X002" | "X003" | "X004" | "X005" | "X006" | "X007"
  | "P001" | "P002" | "P003" | "P004" | "P005";

/** Facts about the checked file. */
export interface FileInfo {
  /** The file name given in the options (`fileName`), or `null`. */
  name: string | null;
  /** The encoding the file was read as: the WHATWG Encoding Standard's name in lower case
   *  (`"utf-8"`, `"utf-16le"`, `"shift_jis"`, `"gbk"`, `"windows-1250"`, `"macintosh"`…). */
  encoding: string;
  /** Its name for admins: `"Japanese (Shift_JIS)"`. */
  encoding_name: string;
  /** What it rests on: a byte-order mark, UTF-16's NUL pattern, every byte being UTF-8, a guess
   *  from the bytes, or the `encoding` option. */
  encoding_basis: "bom" | "utf-16" | "utf-8" | "guessed" | "chosen";
  /** A few decoded values of a file in a legacy encoding, for a person to confirm a guess. */
  encoding_preview: string[];
  delimiter: "," | ";" | "\t" | "|";
  bom: boolean;
  line_ending: "crlf" | "lf" | "cr" | "none";
  /** Records after the header (blank rows included). */
  rows: number;
  /** Columns in the header. */
  columns: number;
  kind: FileKind;
  bytes: number;
  /** For a workbook: its format, its sheets and the sheet read (absent for a CSV). */
  workbook?: WorkbookInfo;
}

/** The workbook a report was made from (F017 says the same in words). */
export interface WorkbookInfo {
  format: "xlsx" | "xlsm" | "xlsb" | "ods" | "xls";
  /** Every sheet's name, in the workbook's order. */
  sheets: string[];
  /** The sheet read. */
  sheet: string;
  /** The sheet row of the header (the rows above it were empty). */
  first_row: number;
  /** The sheet column of the table's first column (`A`, `B`, …). */
  first_column: string;
}

/** What the file asks the uploader to do. */
export interface Actions {
  /** Rows that name a user. */
  users: number;
  /** Per license column (its corrected header): rows assigning (`Active`) and revoking (`Inactive`). */
  licenses: Record<string, { assign: number; revoke: number }>;
  /** Per group name: rows adding (`yes`) and removing (`no`) members. */
  groups: Record<string, { add: number; remove: number }>;
  /** Per permission_* / group_permission_* column: rows granting and removing it. */
  permissions: Record<string, { grant: number; remove: number }>;
  /** Rows of an email-change file whose new address differs from the current one. */
  email_changes: number;
  /** Rows of an id-change file whose new id differs from the current one. */
  id_changes: number;
  /** Rows with `reupload_user_profile` = `true`. */
  reupload_profiles: number;
  /** Rows creating a user: present only when a user export (`roster`) was given. */
  new_users?: number;
}

/** What one upload row does to one user, or a user of the export no row names (`untouched`). */
export type ChangeKind =
  | "invited" | "unassigned" | "license-assigned" | "license-revoked" | "group-added"
  | "group-removed" | "permission-granted" | "permission-removed" | "email-changed"
  | "id-changed" | "profile-updated" | "deleted" | "not-found" | "conflict" | "rejected" | "no-change"
  | "untouched";

/** One line of the preview. */
export interface Change {
  /** The upload's spreadsheet row; `null` for an untouched user of the export. */
  row: number | null;
  email: string;
  unique_user_id: string;
  change: ChangeKind;
  /** The upload column behind the change (a license, a group, an attribute…). */
  column: string | null;
  /** The export's value (blank when the export has no such column). */
  before: string;
  /** The value the upload sets. */
  after: string;
}

/** What the upload will do to the account's users (with a `roster` only). */
export interface Preview {
  totals: {
    export_users: number;
    /** Upload rows naming a user. */
    rows: number;
    new_users: number;
    existing_users: number;
    /** Existing users the upload changes in at least one way. */
    changed: number;
    unchanged: number;
    /** Rows whose email and id name two different users (P004). */
    conflicts: number;
    /** Rows the uploader rejects: an error is left in the corrected file. Only the fix pass's
     *  preview (`previewCsv`: one `rejected` line per such row, its error codes in `after`)
     *  rejects rows; `report.preview` shows what each row asks for, so this is 0 there. */
    rejected: number;
    /** Users of the export that no row names: the upload leaves them as they are. */
    untouched: number;
    /** Lines per kind of change (exact). */
    by_kind: Partial<Record<ChangeKind, number>>;
  };
  /** The lines: capped per kind by `maxFindingsPerCode`; the preview CSV has them all. */
  changes: Change[];
  /** Lines left out of `changes` by the cap. */
  omitted: number;
}

/** The user export the upload was compared with: its facts and its OWN problems. */
export interface RosterReport {
  file: FileInfo;
  /** Users read from it. */
  users: number;
  summary: {
    errors: number;
    warnings: number;
    infos: number;
    by_code: Partial<Record<RuleCode, number>>;
    omitted: number;
  };
  findings: Finding[];
}

/** Counts over every finding: exact even when `maxFindingsPerCode` capped the list. */
export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  safe_fixes: number;
  suggested_fixes: number;
  by_code: Partial<Record<RuleCode, number>>;
  /** Findings left out of `findings` by `maxFindingsPerCode` (still counted above). */
  omitted: number;
  actions: Actions;
}

/** An automatic correction: the cell (or row, or file form) before and after. */
export interface Fix {
  applicability: Applicability;
  before: string;
  after: string;
}

/** One problem found in the file. */
export interface Finding {
  code: RuleCode;
  /** The rule's stable kebab-case name, e.g. `invalid-email`. */
  rule: string;
  severity: Severity;
  /** Spreadsheet row: the header is row 1, the first record row 2; `null` for the whole file. */
  row: number | null;
  /** 1-based line of the file where that row starts. */
  line: number | null;
  /** The column's header as written in the file. */
  column: string | null;
  /** 1-based column number. */
  column_index: number | null;
  message: string;
  tip: string;
  fix: Fix | null;
  /** Other rows involved (cross-row rules). */
  related_rows?: number[];
}

/** The report of a check: the same object `orgsync check --format json` prints. */
export interface Report {
  file: FileInfo;
  summary: Summary;
  findings: Finding[];
  /** With a `roster` only: the export's facts and problems (never mixed into `findings`). */
  roster?: RosterReport;
  /** With a `roster` only: the preview (`null` when the export could not be used). */
  preview?: Preview | null;
}

/** A rule of the catalogue. */
export interface Rule {
  code: RuleCode;
  name: string;
  /** What its findings are about: the file, the header, one row, several rows, or the
   *  comparison with a user export. */
  scope: "file" | "header" | "row" | "cross" | "roster";
  /** Its title in plain words, as the page shows it (`Invalid email address`). */
  title: string;
  severity: Severity;
  fix: "none" | "safe" | "suggested" | "safe-or-suggested";
  /** The rule's documentation, in Markdown. */
  doc: string;
}

export interface CheckOptions {
  /** The file's name: reports show it and F010 checks its extension. */
  fileName?: string;
  /** Group names the account has (R008 checks group-permission tokens against them). */
  knownGroups?: string[];
  /** Keep at most this many findings of each code in `findings` (default 10000, as the CLI);
   *  the counts in `summary` stay exact and `summary.omitted` says how many were left out.
   *  `"all"` keeps every finding: memory then grows with the findings (under 1 KiB each). */
  maxFindingsPerCode?: number | "all";
  /** The account's current users: a user export CSV (bytes or text; `checkFile`/`fixFile` also
   *  take a Blob or File). Turns on rules P001–P005 and `report.preview`; its `group:` columns
   *  serve as `knownGroups` when those are not given (absent or empty), as the CLI's `--roster`.
   *  In the `roster`, `encodings` and `workbook` packages; the default package throws. */
  roster?: Input;
  /** The export's file name, shown in its findings. */
  rosterName?: string;
  /** Read the file in this encoding instead of guessing it: any label of the WHATWG Encoding
   *  Standard (`"shift_jis"`, `"gbk"`, `"big5"`, `"euc-kr"`, `"windows-1250"`, `"macintosh"`…),
   *  as the CLI's `--encoding`. F001's conversion to UTF-8 is then safe. */
  encoding?: string;
  /** For a workbook (.xlsx, .xlsm, .xlsb, .ods, .xls; the package built with workbook support):
   *  the sheet to read, by name or number (1 is the first). Default: the first sheet whose first
   *  row holds an identifier header, else the first with data. */
  sheet?: string | number;
}

/** Which fixes the corrected file gets: codes (`"R012"`) or rule names (`"stray-whitespace"`). */
export interface FixerOptions {
  /** Fixes turned off, safe ones included. */
  noFix?: string[];
  /** Suggested fixes to apply: none (the default), all, or those of these codes. */
  suggested?: "none" | "all" | string[];
}

export interface FixOptions extends CheckOptions, FixerOptions {}

/** The fix pass's output. */
export interface FixOutput {
  /** The corrected file's exact bytes: UTF-8 (with the BOM if the input had one), or the input's
   *  own encoding when F001's fix is turned off. Save it as it is. */
  correctedCsv: Uint8Array<ArrayBuffer>;
  /** The error report CSV (UTF-8): file-level problems, then each row with problems. */
  errorReportCsv: string;
  /** The findings CSV (UTF-8): one line per finding, the change log. */
  findingsCsv: string;
  /** With a `roster`: the whole preview CSV (`row,email,unique_user_id,change,column,before,after`),
   *  untouched users last; `""` without one. */
  previewCsv: string;
}

/** Which blank template `template()` writes (as `orgsync template`). */
export interface TemplateOptions {
  /** Add the eight admin permission columns (the "Users and admins" template). */
  admins?: boolean;
  /** License headers exactly as in the account's user export, e.g. `acme_license_learning_status`. */
  licenses?: string[];
  /** Group names; each becomes a `group:<name>` column. */
  groups?: string[];
}

export interface FixResult extends FixOutput {
  /** The report of the input, as `check` gives it. */
  report: Report;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = TYPES;

/// Checks a whole file and returns its report.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "Input")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let opts = parse_options(options.as_ref(), false)?;
    Ok(report_value(&run_check(&input, opts.check)?))
}

/// Checks a whole file, then writes the corrected CSV, the error report and the findings CSV.
#[wasm_bindgen(unchecked_return_type = "FixResult")]
pub fn fix(
    #[wasm_bindgen(unchecked_param_type = "Input")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FixOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let opts = parse_options(options.as_ref(), true)?;
    let report = run_check(&input, opts.check)?;
    let mut fixer = core::Fixer::new(&report, &opts.fix);
    feed(&input, &mut |b| fixer.push(b))?;
    let out = fix_output(fixer.finish());
    set(&out, "report", report_value(&report));
    Ok(out.into())
}

/// Every rule of the catalogue, in code order.
#[wasm_bindgen(unchecked_return_type = "Rule[]")]
pub fn rules() -> JsValue {
    json(&serde_json::to_string(core::rules()).unwrap_or_else(|_| "[]".into()))
}

/// A blank Org Sync file: the template's header row as CSV text ending in CRLF. Throws when a
/// license header is not one (`<budget group>_license_<license type>_status`), as the CLI.
#[wasm_bindgen]
pub fn template(
    #[wasm_bindgen(unchecked_param_type = "TemplateOptions")] options: Option<JsValue>,
) -> Result<String, JsError> {
    let mut opts = core::TemplateOptions::default();
    if let Some(obj) = options_object(options.as_ref())? {
        for (key, v) in entries(&obj) {
            match key.as_str() {
                "admins" => {
                    opts.admins = v.as_bool().ok_or_else(|| {
                        JsError::new(&format!(
                            "options.admins must be true or false, not {}",
                            describe(&v)
                        ))
                    })?
                }
                "licenses" => opts.licenses = strings(&v, "options.licenses")?,
                "groups" => opts.groups = strings(&v, "options.groups")?,
                other => {
                    return Err(JsError::new(&format!(
                        "unknown option `{other}` (the template's options are admins, licenses, groups)"
                    )));
                }
            }
        }
    }
    core::template(&opts).map_err(|e| JsError::new(&e.to_string()))
}

/// The account's group names from a user export (its `group:` headers) or a list with one
/// group name a line: the `knownGroups` option of a check. Like the `roster` option it reads a
/// user export, so it is in the `roster` package and the larger ones; the default package throws.
#[wasm_bindgen(js_name = groupsFromExport)]
pub fn groups_from_export(
    #[wasm_bindgen(unchecked_param_type = "Input")] input: JsValue,
) -> Result<Vec<String>, JsError> {
    #[cfg(feature = "roster")]
    {
        let mut bytes = Vec::new();
        feed(&input, &mut |b| bytes.extend_from_slice(b))?;
        Ok(core::groups_from_export(&bytes))
    }
    #[cfg(not(feature = "roster"))]
    {
        let _ = input;
        Err(JsError::new(no_roster!(
            "groupsFromExport() reads a user export"
        )))
    }
}

/// A check fed in chunks, for large files: `push` each chunk, then `finish`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Checker {
    inner: Option<core::Checker>,
    /// The finished report, kept for a [`Fixer`].
    report: Option<core::Report>,
}

#[wasm_bindgen]
impl Checker {
    /// A checker with these options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CheckOptions")] options: Option<JsValue>,
    ) -> Result<Checker, JsError> {
        let opts = parse_options(options.as_ref(), false)?;
        Ok(Checker {
            inner: Some(core::Checker::new(opts.check)),
            report: None,
        })
    }

    /// Feeds the next chunk of the file.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Input")] chunk: JsValue,
    ) -> Result<(), JsError> {
        let Some(inner) = self.inner.as_mut() else {
            return Err(JsError::new(
                "this Checker is finished; make a new Checker for another file",
            ));
        };
        feed(&chunk, &mut |b| inner.push(b))
    }

    /// Ends the file and returns the report. The checker then serves as the `Fixer`'s plan.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let Some(inner) = self.inner.take() else {
            return Err(JsError::new("this Checker is already finished"));
        };
        let report = inner.finish();
        let value = report_value(&report);
        self.report = Some(report);
        Ok(value)
    }

    /// Bytes fed so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        match (&self.inner, &self.report) {
            (Some(c), _) => c.bytes_read() as f64,
            (None, Some(r)) => r.file.bytes as f64,
            (None, None) => 0.0,
        }
    }

    /// Records (rows after the header) read so far.
    #[wasm_bindgen(getter, js_name = rowsRead)]
    pub fn rows_read(&self) -> f64 {
        match (&self.inner, &self.report) {
            (Some(c), _) => c.rows_read() as f64,
            (None, Some(r)) => r.file.rows as f64,
            (None, None) => 0.0,
        }
    }
}

/// The fix pass fed in chunks: give it a finished [`Checker`] of the same file, `push` the same
/// bytes again, take the output as it comes with `takeOutput`, and `finish`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Fixer {
    inner: Option<core::Fixer>,
}

#[wasm_bindgen]
impl Fixer {
    /// A fixer for the file `checker` checked, applying the fixes `options` turns on.
    #[wasm_bindgen(constructor)]
    pub fn new(
        checker: &Checker,
        #[wasm_bindgen(unchecked_param_type = "FixerOptions")] options: Option<JsValue>,
    ) -> Result<Fixer, JsError> {
        let Some(report) = checker.report.as_ref() else {
            return Err(JsError::new(
                "a Fixer needs a finished Checker: call checker.finish() first",
            ));
        };
        let opts = parse_fixer_options(options.as_ref())?;
        Ok(Fixer {
            inner: Some(core::Fixer::new(report, &opts)),
        })
    }

    /// Feeds the next chunk of the same file.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Input")] chunk: JsValue,
    ) -> Result<(), JsError> {
        let inner = self.inner_mut()?;
        feed(&chunk, &mut |b| inner.push(b))
    }

    /// The output written so far (and not taken yet).
    #[wasm_bindgen(js_name = takeOutput, unchecked_return_type = "FixOutput")]
    pub fn take_output(&mut self) -> Result<JsValue, JsError> {
        Ok(fix_output(self.inner_mut()?.take_output()).into())
    }

    /// Ends the file and returns the rest of the output.
    #[wasm_bindgen(unchecked_return_type = "FixOutput")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let Some(inner) = self.inner.take() else {
            return Err(JsError::new("this Fixer is already finished"));
        };
        Ok(fix_output(inner.finish()).into())
    }

    fn inner_mut(&mut self) -> Result<&mut core::Fixer, JsError> {
        self.inner
            .as_mut()
            .ok_or_else(|| JsError::new("this Fixer is finished"))
    }
}

fn run_check(input: &JsValue, options: core::Options) -> Result<core::Report, JsError> {
    let mut checker = core::Checker::new(options);
    feed(input, &mut |b| checker.push(b))?;
    Ok(checker.finish())
}

/// The report as a plain object: the engine's JSON, parsed by the JavaScript engine (faster and
/// smaller than building the object field by field across the boundary).
fn report_value(report: &core::Report) -> JsValue {
    json(&report.to_json(false))
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

fn fix_output(chunk: core::FixChunk) -> Object {
    let out = Object::new();
    set(
        &out,
        "correctedCsv",
        Uint8Array::from(chunk.corrected.as_slice()).into(),
    );
    set(&out, "errorReportCsv", utf8(chunk.error_report));
    set(&out, "findingsCsv", utf8(chunk.findings));
    set(&out, "previewCsv", utf8(chunk.preview));
    out
}

fn utf8(bytes: Vec<u8>) -> JsValue {
    match String::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned().into(),
    }
}

fn set(obj: &Object, key: &str, value: JsValue) {
    // Setting a fresh key on a plain object cannot fail.
    let _ = Reflect::set(obj, &key.into(), &value);
}

/// Calls `push` with the bytes of `input`, a megabyte at a time. `push` is a `dyn` closure: the
/// six callers share one copy of this function in the wasm instead of one each.
fn feed(input: &JsValue, push: &mut dyn FnMut(&[u8])) -> Result<(), JsError> {
    if let Some(text) = input.as_string() {
        for piece in text.as_bytes().chunks(CHUNK as usize) {
            push(piece);
        }
        return Ok(());
    }
    let bytes = if let Some(b) = input.dyn_ref::<Uint8Array>() {
        b.clone()
    } else if let Some(b) = input.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(b)
    } else if let Some(b) = input.dyn_ref::<js_sys::SharedArrayBuffer>() {
        Uint8Array::new(b)
    } else if ArrayBuffer::is_view(input) {
        let view: &js_sys::DataView = input.unchecked_ref();
        Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
    } else {
        return Err(JsError::new(&format!(
            "the input must be a Uint8Array, an ArrayBuffer or a string, not {}; for a Blob or File use checkFile()/fixFile()",
            describe(input)
        )));
    };
    let len = bytes.length();
    let mut buf = vec![0u8; len.min(CHUNK) as usize];
    let mut at = 0;
    while at < len {
        let end = len.min(at + CHUNK);
        let piece = &mut buf[..(end - at) as usize];
        bytes.subarray(at, end).copy_to(piece);
        push(piece);
        at = end;
    }
    Ok(())
}

/// What a misused value is, for error messages.
fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        return "undefined".into();
    }
    if v.is_null() {
        return "null".into();
    }
    if Array::is_array(v) {
        return "an array".into();
    }
    let ty = v.js_typeof().as_string().unwrap_or_default();
    if ty == "object" {
        if let Some(name) = v
            .dyn_ref::<Object>()
            .map(|o| o.constructor().name())
            .and_then(|n| n.as_string())
            .filter(|n| !n.is_empty() && n != "Object")
        {
            return format!("a {name}");
        }
        return "an object".into();
    }
    format!("a {ty}")
}

struct Opts {
    check: core::Options,
    fix: core::FixOptions,
}

impl Default for Opts {
    /// The engine's defaults: a report keeps `core::DEFAULT_MAX_FINDINGS_PER_CODE` findings of
    /// a code unless `maxFindingsPerCode` says otherwise, as the CLI and the page.
    fn default() -> Self {
        Opts {
            check: core::Options::new(),
            fix: core::FixOptions::default(),
        }
    }
}

const CHECK_KEYS: &str =
    "fileName, knownGroups, maxFindingsPerCode, roster, rosterName, encoding, sheet";

/// Reads check options, and fix options too when `fix` is set. Keys holding `undefined` count as
/// absent; any other unknown key is an error, so a typo never silently changes nothing.
fn parse_options(value: Option<&JsValue>, fix: bool) -> Result<Opts, JsError> {
    let mut opts = Opts::default();
    let Some(obj) = options_object(value)? else {
        return Ok(opts);
    };
    let mut roster: Option<JsValue> = None;
    let mut roster_name: Option<String> = None;
    for (key, v) in entries(&obj) {
        match key.as_str() {
            "roster" => roster = Some(v),
            "rosterName" => roster_name = Some(string(&v, "options.rosterName")?),
            "knownGroups" => opts.check.known_groups = strings(&v, "options.knownGroups")?,
            "fileName" => opts.check.file_name = Some(string(&v, "options.fileName")?),
            "encoding" => {
                let label = string(&v, "options.encoding")?;
                opts.check.encoding = Some(core::Encoding::for_label(&label).ok_or_else(|| {
                    let labels: Vec<&str> = core::Encoding::all().map(core::Encoding::as_str).collect();
                    JsError::new(&format!(
                        "options.encoding `{label}` is not an encoding this API reads; use a label of the WHATWG Encoding Standard: {}{}",
                        labels.join(", "),
                        if cfg!(feature = "legacy-encodings") {
                            ""
                        } else {
                            " (this package reads only these; its `encodings` build, scripts/build-js.sh --encodings, reads every code page of the standard)"
                        }
                    ))
                })?);
            }
            "sheet" => opts.check.sheet = Some(match v.as_f64() {
                Some(n) => number_text(n),
                None => string(&v, "options.sheet").map_err(|_| {
                    JsError::new(&format!(
                        "options.sheet must be a sheet's name or number (1 is the first), not {}",
                        describe(&v)
                    ))
                })?,
            }),
            "maxFindingsPerCode" => {
                opts.check.max_findings_per_code = if v.as_string().as_deref() == Some("all") {
                    None
                } else {
                    Some(count(&v, "options.maxFindingsPerCode").map_err(|_| {
                        JsError::new(&format!(
                            "options.maxFindingsPerCode must be a whole number of 0 or more, not {} (or \"all\" for every finding)",
                            v.as_f64().map_or_else(|| describe(&v), number_text)
                        ))
                    })?)
                }
            }
            "noFix" | "suggested" if fix => fix_option(&mut opts.fix, &key, &v)?,
            "noFix" | "suggested" => {
                return Err(JsError::new(&format!(
                    "options.{key} chooses fixes: pass it to fix() or new Fixer(), not to a check"
                )));
            }
            other => {
                let known = if fix {
                    format!("{CHECK_KEYS}, noFix, suggested")
                } else {
                    CHECK_KEYS.to_string()
                };
                return Err(JsError::new(&format!(
                    "unknown option `{other}` (the options are {known})"
                )));
            }
        }
    }
    if let Some(v) = roster {
        opts.check = with_roster(opts.check, &v, roster_name)?;
    } else if roster_name.is_some() {
        return Err(JsError::new(
            "options.rosterName names the user export given as options.roster, which is missing",
        ));
    }
    Ok(opts)
}

/// Reads the user export given as `roster` into the check's options.
#[cfg(feature = "roster")]
fn with_roster(
    check: core::Options,
    v: &JsValue,
    name: Option<String>,
) -> Result<core::Options, JsError> {
    let mut reader = core::RosterReader::new(name);
    feed(v, &mut |b| reader.push(b)).map_err(|_| {
        JsError::new(&format!(
            "options.roster must be a user export's bytes (Uint8Array, ArrayBuffer) or text, not {}; checkFile()/fixFile() also take a Blob",
            describe(v)
        ))
    })?;
    // With no glossary given, the export's `group:` columns are R008's (the engine's rule).
    Ok(check.with_roster(Some(std::sync::Arc::new(reader.finish()))))
}

/// The default package leaves the comparison with a user export out (its wasm budget): the
/// option names the build that has it rather than being ignored.
#[cfg(not(feature = "roster"))]
fn with_roster(_: core::Options, _: &JsValue, _: Option<String>) -> Result<core::Options, JsError> {
    Err(JsError::new(no_roster!(
        "options.roster compares the upload with a user export"
    )))
}

fn parse_fixer_options(value: Option<&JsValue>) -> Result<core::FixOptions, JsError> {
    let mut opts = core::FixOptions::default();
    let Some(obj) = options_object(value)? else {
        return Ok(opts);
    };
    for (key, v) in entries(&obj) {
        match key.as_str() {
            "noFix" | "suggested" => fix_option(&mut opts, &key, &v)?,
            "fileName" | "knownGroups" | "maxFindingsPerCode" | "roster" | "rosterName"
            | "encoding" => {
                return Err(JsError::new(&format!(
                    "options.{key} belongs to the Checker: a Fixer re-uses the options its Checker had"
                )));
            }
            other => {
                return Err(JsError::new(&format!(
                    "unknown option `{other}` (a Fixer's options are noFix, suggested)"
                )));
            }
        }
    }
    Ok(opts)
}

fn fix_option(opts: &mut core::FixOptions, key: &str, v: &JsValue) -> Result<(), JsError> {
    if key == "noFix" {
        opts.no_fix = codes(v, "options.noFix")?;
        return Ok(());
    }
    opts.suggested = match v.as_string().as_deref() {
        Some("none") => Suggested::None,
        Some("all") => Suggested::All,
        _ if Array::is_array(v) => Suggested::Only(codes(v, "options.suggested")?),
        _ => {
            return Err(JsError::new(&format!(
                "options.suggested must be \"none\", \"all\" or an array of rule codes, not {}",
                describe(v)
            )));
        }
    };
    Ok(())
}

fn options_object(value: Option<&JsValue>) -> Result<Option<Object>, JsError> {
    let Some(v) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(None);
    };
    if !v.is_object() || Array::is_array(v) || v.is_function() {
        return Err(JsError::new(&format!(
            "options must be an object, not {}",
            describe(v)
        )));
    }
    Ok(Some(v.clone().unchecked_into()))
}

/// The object's own enumerable keys and values, skipping those set to `undefined`.
fn entries(obj: &Object) -> Vec<(String, JsValue)> {
    Object::keys(obj)
        .iter()
        .filter_map(|k| {
            let v = Reflect::get(obj, &k).ok()?;
            (!v.is_undefined()).then(|| (k.as_string().unwrap_or_default(), v))
        })
        .collect()
}

fn string(v: &JsValue, what: &str) -> Result<String, JsError> {
    v.as_string()
        .ok_or_else(|| JsError::new(&format!("{what} must be a string, not {}", describe(v))))
}

fn strings(v: &JsValue, what: &str) -> Result<Vec<String>, JsError> {
    if !Array::is_array(v) {
        return Err(JsError::new(&format!(
            "{what} must be an array of strings, not {}",
            describe(v)
        )));
    }
    Array::from(v)
        .iter()
        .enumerate()
        .map(|(i, item)| string(&item, &format!("{what}[{i}]")))
        .collect()
}

fn codes(v: &JsValue, what: &str) -> Result<Vec<Code>, JsError> {
    strings(v, what)?
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.parse::<Code>().map_err(|_| {
                JsError::new(&format!(
                    "{what}[{i}]: \"{s}\" is not a rule code or name (rules() lists them)"
                ))
            })
        })
        .collect()
}

/// A number as JavaScript writes it (`-1`, `1.5`, `Infinity`, `1e+21`), for error messages.
/// JavaScript formats it: Rust's `f64` `Display` would link its float printing (Grisu, Dragon4,
/// their tables: about 20 KB of the wasm) for one message.
fn number_text(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

fn count(v: &JsValue, what: &str) -> Result<usize, JsError> {
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Ok(n as usize),
        _ => Err(JsError::new(&format!(
            "{what} must be a whole number of 0 or more, not {}",
            v.as_f64().map_or_else(|| describe(v), number_text)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `RuleCode` type lists exactly the engine's codes, so the declarations never go stale.
    #[test]
    fn rule_code_type_lists_every_code() {
        let start = TYPES.find("export type RuleCode =").expect("RuleCode type");
        let end = start + TYPES[start..].find(';').expect("end of RuleCode");
        let listed: Vec<&str> = TYPES[start..end].split('"').skip(1).step_by(2).collect();
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, all);
    }
}
