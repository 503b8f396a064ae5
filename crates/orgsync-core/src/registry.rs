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

/// What a rule's findings are about: the faces group and show findings by it (never by the
/// code's first letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The file as a whole: its bytes, encoding, delimiter, quoting, record shape (F).
    File,
    /// The header row: a finding's value is the header's text (H).
    Header,
    /// One data row, or one cell of it (R).
    Row,
    /// Several rows together: duplicates, conflicts, whole columns (X).
    Cross,
    /// The upload compared with the account's user export (P): facts about the account that
    /// the preview lists, not problems of a row.
    Roster,
}

/// What a finding of a rule means for the rest of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stop {
    /// The file cannot be read at all (not text, an encrypted or too large workbook): nothing
    /// else is checked, and no output would hold anything.
    Unreadable,
    /// The file was read but holds no user: nothing to check. An `Unreadable` finding, when
    /// there is one too, is the one to show.
    Empty,
}

/// The catalogue's optional columns, as each line writes them (`{in_column, stops: Empty}`).
#[derive(Clone, Copy)]
struct Flags {
    in_column: bool,
    stops: Option<Stop>,
}

impl Flags {
    const NONE: Flags = Flags {
        in_column: false,
        stops: None,
    };
}

macro_rules! flags {
    ($f:expr;) => { $f };
    ($f:expr; in_column $(, $($rest:tt)*)?) => {
        flags!(Flags { in_column: true, ..$f }; $($($rest)*)?)
    };
    ($f:expr; stops: $s:ident $(, $($rest:tt)*)?) => {
        flags!(Flags { stops: Some(Stop::$s), ..$f }; $($($rest)*)?)
    };
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The stable code, e.g. `R002`.
    pub code: Code,
    /// The stable kebab-case name, e.g. `invalid-email`.
    pub name: &'static str,
    /// What its findings are about.
    pub scope: Scope,
    /// Its title in plain words for people, e.g. `Invalid email address` (the page's headings).
    pub title: &'static str,
    /// Whether the title reads on with the column's name (`Invalid email address in
    /// primary_email_address`); see [`Rule::title_in`].
    #[serde(skip)]
    pub title_in_column: bool,
    /// Whether its finding stops the check (the file cannot be read, or holds no user).
    #[serde(skip)]
    pub stops: Option<Stop>,
    /// The default severity of its findings.
    pub severity: Severity,
    /// The kind of fix its findings may carry.
    pub fix: FixKind,
    /// The rule's documentation in Markdown: what, why, example, fix (empty in a build without
    /// the `rule-docs` feature).
    pub doc: &'static str,
}

impl Rule {
    /// The title for a finding in this column: `Invalid email address in primary_email_address`
    /// for a rule about a column's cells, the plain title otherwise.
    pub fn title_in(&self, column: Option<&str>) -> String {
        match column.filter(|_| self.title_in_column) {
            Some(c) => format!("{} in {c}", self.title),
            None => self.title.to_string(),
        }
    }
}

macro_rules! catalogue {
    ($($code:ident, $name:literal, $sev:ident, $fix:ident, $scope:ident, $title:literal,
       {$($flags:tt)*};)*) => {
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
            scope: Scope::$scope,
            title: $title,
            title_in_column: flags!(Flags::NONE; $($flags)*).in_column,
            stops: flags!(Flags::NONE; $($flags)*).stops,
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

// code, name, severity, fix kind, scope, title, {in_column: the title names the column;
// stops: the finding stops the check}
catalogue! {
    F001, "not-utf8", Error, SafeOrSuggested, File, "Text encoding is not UTF-8", {};
    F002, "byte-order-mark", Info, None, File, "File starts with a byte-order mark", {};
    F003, "not-csv", Error, None, File, "Not a CSV file", {stops: Unreadable};
    F004, "wrong-delimiter", Error, Safe, File, "Wrong separator between fields", {};
    F005, "empty-file", Error, None, File, "No users in the file", {stops: Empty};
    F006, "bad-quoting", Error, None, File, "Quote marks out of place", {in_column};
    F007, "ragged-row", Error, Safe, File, "Row with too many or too few fields", {};
    F008, "blank-row", Warning, Safe, File, "Blank row", {};
    F009, "mixed-line-endings", Info, Safe, File, "Mixed line endings", {};
    F010, "not-csv-extension", Warning, None, File, "File name does not end in .csv", {};
    F011, "deletion-file", Info, None, File, "A user-deletion file", {};
    F012, "cell-too-long", Error, None, File, "Cell longer than Excel allows", {in_column};
    F013, "too-many-columns", Error, None, File, "More columns than Excel allows", {};
    F014, "row-too-long", Error, None, File, "Row too long to read", {};
    F015, "sep-line", Warning, Safe, File, "Excel's sep= line before the header", {};
    F016, "invalid-bytes", Warning, None, File, "Bytes that are not text in the file's encoding", {};
    F017, "workbook-read", Info, None, File, "Workbook read: which sheet", {};
    F018, "no-sheet-data", Error, None, File, "No sheet with data to read", {};
    F019, "workbook-encrypted", Error, None, File, "Workbook protected by a password", {stops: Unreadable};
    F020, "lost-precision", Error, None, File, "Number Excel already rounded", {in_column};
    F021, "merged-or-hidden-cells", Warning, None, File, "Merged or hidden cells", {};
    F022, "outside-the-table", Warning, None, File, "Cells outside the table", {};
    F023, "workbook-too-large", Error, None, File, "Workbook too large to read", {stops: Unreadable};
    F024, "formula-without-value", Error, None, File, "Formula without a saved value", {in_column};
    H001, "header-not-lowercase", Error, Safe, Header, "Header not in lowercase", {in_column};
    H002, "header-whitespace", Error, Safe, Header, "Spaces around a header", {in_column};
    H003, "no-identifier-column", Error, None, Header, "No email or unique_user_id column", {};
    H004, "duplicate-header", Error, None, Header, "The same header twice", {in_column};
    H005, "unknown-header", Warning, Suggested, Header, "Header the uploader does not know", {in_column};
    H006, "bad-license-header", Error, Suggested, Header, "License header not understood", {in_column};
    H007, "license-header-variant", Warning, None, Header, "License header written differently", {in_column};
    H008, "bad-group-header", Error, Safe, Header, "Group header not understood", {in_column};
    H009, "bad-attribute-header", Error, Safe, Header, "Attribute header not understood", {in_column};
    H010, "blank-header", Error, Safe, Header, "Column without a header", {in_column};
    H011, "incomplete-email-change", Error, None, Header, "Email change missing a column", {};
    H012, "incomplete-id-change", Error, None, Header, "Id change missing a column", {};
    H013, "two-email-columns", Warning, None, Header, "Two email columns", {};
    H014, "no-name-columns", Info, None, Header, "No name columns", {};
    H015, "admin-columns", Info, None, Header, "Admin columns in a users file", {};
    R001, "missing-identifier", Error, None, Row, "Row without an email or id", {};
    R002, "invalid-email", Error, None, Row, "Invalid email address", {in_column};
    R003, "email-needs-cleanup", Warning, Safe, Row, "Email address needs cleaning up", {in_column};
    R004, "email-domain-typo", Warning, Suggested, Row, "Misspelt email domain", {in_column};
    R005, "bad-license-value", Error, SafeOrSuggested, Row, "License value not understood", {in_column};
    R006, "bad-yes-no-value", Error, SafeOrSuggested, Row, "Yes/no value not understood", {in_column};
    R007, "bad-group-permission-value", Error, SafeOrSuggested, Row, "Group permission not understood", {in_column};
    R008, "unknown-group", Warning, Suggested, Row, "Group the account may not have", {in_column};
    R009, "bad-unique-id", Warning, None, Row, "Unique id not usable", {in_column};
    R010, "excel-damage", Error, None, Row, "Value damaged by Excel", {in_column};
    R011, "bad-reupload-value", Error, SafeOrSuggested, Row, "Re-upload value not understood", {in_column};
    R012, "stray-whitespace", Warning, SafeOrSuggested, Row, "Stray spaces", {in_column};
    R013, "mojibake", Warning, Suggested, Row, "Garbled characters", {in_column};
    R014, "formula-like-value", Warning, None, Row, "Value that looks like a formula", {in_column};
    R015, "admin-without-license", Warning, None, Row, "Admin without a license", {};
    R016, "no-op-row", Info, None, Row, "Row that changes nothing", {};
    R017, "inactive-new-user", Info, None, Row, "Inactive license for a new user", {in_column};
    R018, "bad-attribute-value", Warning, None, Row, "Attribute value not understood", {in_column};
    R019, "swapped-columns", Warning, None, Row, "Columns that look swapped", {};
    R020, "attribute-case-variants", Warning, Suggested, Row, "The same value spelt several ways", {in_column};
    X001, "duplicate-email", Error, Safe, Cross, "Same email address on several rows", {in_column};
    X002, "duplicate-unique-id", Error, Safe, Cross, "Same unique id on several rows", {in_column};
    X003, "id-email-conflict", Error, None, Cross, "Email and id name different people", {};
    X004, "possible-duplicate-profile", Warning, Suggested, Cross, "Possibly the same person twice", {};
    X005, "same-name-different-email", Info, None, Cross, "Same name, different email", {};
    X006, "empty-column", Info, Safe, Cross, "Empty column", {in_column};
    X007, "change-collision", Error, None, Cross, "Rows changing the same user", {};
    P001, "new-user", Info, None, Roster, "New user", {};
    P002, "revokes-license", Warning, None, Roster, "Removes a license", {in_column};
    P003, "duplicate-profile-risk", Error, Suggested, Roster, "Might create a second profile", {};
    P004, "identifier-mismatch", Error, None, Roster, "Email and id are two different users", {};
    P005, "no-change", Info, None, Roster, "No change for this user", {};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_title_and_the_scope_its_code_family_says() {
        for r in rules() {
            assert!(!r.title.is_empty() && !r.title.ends_with('.'), "{}", r.code);
            let family = match r.scope {
                Scope::File => 'F',
                Scope::Header => 'H',
                Scope::Row => 'R',
                Scope::Cross => 'X',
                Scope::Roster => 'P',
            };
            assert!(
                r.code.as_str().starts_with(family),
                "{} {:?}",
                r.code,
                r.scope
            );
        }
    }

    #[test]
    fn titles_name_the_column_only_for_rules_about_a_column() {
        assert_eq!(
            Code::R002.rule().title_in(Some("primary_email_address")),
            "Invalid email address in primary_email_address"
        );
        assert_eq!(
            Code::X003.rule().title_in(Some("unique_user_id")),
            "Email and id name different people"
        );
        assert_eq!(Code::R002.rule().title_in(None), "Invalid email address");
    }

    #[test]
    fn the_rules_that_stop_a_check() {
        let stops: Vec<(Code, Stop)> = rules()
            .iter()
            .filter_map(|r| r.stops.map(|s| (r.code, s)))
            .collect();
        assert_eq!(
            stops,
            [
                (Code::F003, Stop::Unreadable),
                (Code::F005, Stop::Empty),
                (Code::F019, Stop::Unreadable),
                (Code::F023, Stop::Unreadable),
            ]
        );
    }
}
