//! The rule catalogue: every code the engine can report, with its stable name, default severity,
//! what kind of fix it may carry, and its documentation.
//!
//! The table is the single list of rules. Each rule's prose lives beside it in
//! `src/rules/docs/<CODE>.md` (sections: what, why, example, fix), so `orgsync rules CODE`, the
//! page and the generated catalogue all print the same text.

use serde::Serialize;
use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The uploader rejects the file or the row, or data will be lost or wrong.
    Error,
    /// Probably not what the admin meant.
    Warning,
    /// Worth knowing; nothing is wrong.
    Info,
}

impl Severity {
    /// The lowercase name used in every output (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of automatic correction a rule can offer (per finding it may offer less).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// No automatic correction; the report explains what to do.
    None,
    /// Certain corrections that change no meaning.
    Safe,
    /// Likely corrections that a person should confirm.
    Suggested,
    /// Safe for some findings, suggested for others.
    SafeOrSuggested,
}

impl FixKind {
    /// A short phrase for listings: `safe`, `suggested`, `safe/suggested` or `—`.
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::None => "—",
            FixKind::Safe => "safe",
            FixKind::Suggested => "suggested",
            FixKind::SafeOrSuggested => "safe/suggested",
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The stable code, e.g. `R002`.
    pub code: Code,
    /// The stable kebab-case name, e.g. `invalid-email`.
    pub name: &'static str,
    /// The default severity of its findings.
    pub severity: Severity,
    /// The kind of fix its findings may carry.
    pub fix: FixKind,
    /// The rule's documentation in Markdown: what, why, example, fix (empty in a build without
    /// the `rule-docs` feature).
    pub doc: &'static str,
}

macro_rules! catalogue {
    ($($code:ident, $name:literal, $sev:ident, $fix:ident;)*) => {
        /// A rule code. Codes never change meaning once released; a new rule gets a new code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)]
        pub enum Code { $($code,)* }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as text, e.g. `"R002"`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// The rule behind this code.
            pub fn rule(self) -> &'static Rule {
                &RULES[self as usize]
            }
        }

        static RULES: &[Rule] = &[$(Rule {
            code: Code::$code,
            name: $name,
            severity: Severity::$sev,
            fix: FixKind::$fix,
            #[cfg(feature = "rule-docs")]
            doc: include_str!(concat!("rules/docs/", stringify!($code), ".md")),
            // The JS API's packages take the documentation from a JavaScript module beside the
            // wasm (scripts/build-js.sh): 25 KB gzip the wasm does not carry.
            #[cfg(not(feature = "rule-docs"))]
            doc: "",
        },)*];
    };
}

catalogue! {
    F001, "not-utf8", Error, SafeOrSuggested;
    F002, "byte-order-mark", Info, None;
    F003, "not-csv", Error, None;
    F004, "wrong-delimiter", Error, Safe;
    F005, "empty-file", Error, None;
    F006, "bad-quoting", Error, None;
    F007, "ragged-row", Error, Safe;
    F008, "blank-row", Warning, Safe;
    F009, "mixed-line-endings", Info, Safe;
    F010, "not-csv-extension", Warning, None;
    F011, "deletion-file", Info, None;
    F012, "cell-too-long", Error, None;
    F013, "too-many-columns", Error, None;
    F014, "row-too-long", Error, None;
    F015, "sep-line", Warning, Safe;
    F016, "invalid-bytes", Warning, None;
    F017, "workbook-read", Info, None;
    F018, "no-sheet-data", Error, None;
    F019, "workbook-encrypted", Error, None;
    F020, "lost-precision", Error, None;
    F021, "merged-or-hidden-cells", Warning, None;
    F022, "outside-the-table", Warning, None;
    F023, "workbook-too-large", Error, None;
    F024, "formula-without-value", Error, None;
    H001, "header-not-lowercase", Error, Safe;
    H002, "header-whitespace", Error, Safe;
    H003, "no-identifier-column", Error, None;
    H004, "duplicate-header", Error, None;
    H005, "unknown-header", Warning, Suggested;
    H006, "bad-license-header", Error, Suggested;
    H007, "license-header-variant", Warning, None;
    H008, "bad-group-header", Error, Safe;
    H009, "bad-attribute-header", Error, Safe;
    H010, "blank-header", Error, Safe;
    H011, "incomplete-email-change", Error, None;
    H012, "incomplete-id-change", Error, None;
    H013, "two-email-columns", Warning, None;
    H014, "no-name-columns", Info, None;
    H015, "admin-columns", Info, None;
    R001, "missing-identifier", Error, None;
    R002, "invalid-email", Error, None;
    R003, "email-needs-cleanup", Warning, Safe;
    R004, "email-domain-typo", Warning, Suggested;
    R005, "bad-license-value", Error, SafeOrSuggested;
    R006, "bad-yes-no-value", Error, SafeOrSuggested;
    R007, "bad-group-permission-value", Error, SafeOrSuggested;
    R008, "unknown-group", Warning, Suggested;
    R009, "bad-unique-id", Warning, None;
    R010, "excel-damage", Error, None;
    R011, "bad-reupload-value", Error, SafeOrSuggested;
    R012, "stray-whitespace", Warning, SafeOrSuggested;
    R013, "mojibake", Warning, Suggested;
    R014, "formula-like-value", Warning, None;
    R015, "admin-without-license", Warning, None;
    R016, "no-op-row", Info, None;
    R017, "inactive-new-user", Info, None;
    R018, "bad-attribute-value", Warning, None;
    R019, "swapped-columns", Warning, None;
    R020, "attribute-case-variants", Warning, Suggested;
    X001, "duplicate-email", Error, Safe;
    X002, "duplicate-unique-id", Error, Safe;
    X003, "id-email-conflict", Error, None;
    X004, "possible-duplicate-profile", Warning, Suggested;
    X005, "same-name-different-email", Info, None;
    X006, "empty-column", Info, Safe;
    X007, "change-collision", Error, None;
    P001, "new-user", Info, None;
    P002, "revokes-license", Warning, None;
    P003, "duplicate-profile-risk", Error, Suggested;
    P004, "identifier-mismatch", Error, None;
    P005, "no-change", Info, None;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        let wanted = s.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(wanted) || c.rule().name == wanted)
            .ok_or_else(|| UnknownCode(wanted.to_string()))
    }
}

/// A code or rule name that is not in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a rule code or name (see `orgsync rules`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownCode {}

/// Every rule of the catalogue, in code order.
pub fn rules() -> &'static [Rule] {
    RULES
}
