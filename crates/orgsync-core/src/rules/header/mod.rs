//! H rules: the header row, one file per rule.
//!
//! [`check`] runs once, when the header is read. Each column goes through the case and
//! whitespace rules (H001, H002), then through the one shape rule that fits it: a group header
//! (H008), an attribute header (H009), a license header (H006, H007) or an unknown header (H005).
//! The whole-header rules follow (H003, H004, H011–H015). H010 (blank header) waits for the end of
//! the file, in `rules::columns`, because its fix depends on whether the column holds values.
//!
//! Header fixes are `SetCell` edits on the header row. The fixer applies them in code order and
//! the last one applied to a column wins, so every fix writes the whole corrected header as that
//! rule sees it: H001 and H002 both write the header with its case and whitespace corrected,
//! H008 and H009 write it with their own correction on top of those.
//!
//! A header may have tens of thousands of columns, so the work per column stays constant:
//! one pass over the columns, a hash map for duplicates, and string distances only against the
//! few dozen known names.

use super::{RuleInput, Sink};
use crate::finding::Finding;
use crate::header::{Column, Header};
use crate::header::{ColumnKind, strip_header_whitespace};
use crate::registry::Code;

mod h001_header_not_lowercase;
mod h002_header_whitespace;
mod h003_no_identifier_column;
mod h004_duplicate_header;
mod h005_unknown_header;
mod h006_bad_license_header;
mod h007_license_header_variant;
mod h008_bad_group_header;
mod h009_bad_attribute_header;
mod h011_h012_incomplete_change;
mod h013_two_email_columns;
mod h014_no_name_columns;
mod h015_admin_columns;

#[cfg(test)]
pub(crate) mod testing;

/// Runs every header rule but H010.
pub(crate) fn check(ctx: &RuleInput<'_>, sink: &mut Sink<'_>) {
    let header = ctx.header;
    let fixed: Vec<String> = header.columns.iter().map(corrected).collect();
    let mut unknown = Vec::new();
    for (i, col) in header.columns.iter().enumerate() {
        if col.kind == ColumnKind::Blank {
            continue;
        }
        h002_header_whitespace::check(header, i, col, sink);
        h001_header_not_lowercase::check(header, i, col, sink);
        if h008_bad_group_header::is_group_header(&col.name) {
            h008_bad_group_header::check(header, i, col, sink);
        } else if h009_bad_attribute_header::is_attribute_header(&col.name) {
            h009_bad_attribute_header::check(header, i, col, sink);
        } else if h006_bad_license_header::is_license_like(col) {
            if !h006_bad_license_header::check(header, i, col, &fixed, sink) {
                h007_license_header_variant::check(header, i, col, sink);
            }
        } else if col.kind == ColumnKind::Unknown {
            unknown.push(i);
        }
    }
    h005_unknown_header::check(header, &unknown, &fixed, sink);
    h004_duplicate_header::check(header, &fixed, sink);
    h003_no_identifier_column::check(header, sink);
    h011_h012_incomplete_change::check(header, sink);
    h013_two_email_columns::check(header, sink);
    h014_no_name_columns::check(header, sink);
    h015_admin_columns::check(header, sink);
}

/// A finding on the header row, at a column or (for whole-header findings) at none.
pub(crate) fn finding(
    header: &Header,
    code: Code,
    column: Option<usize>,
    message: impl Into<String>,
    tip: impl Into<String>,
) -> Finding {
    let mut f = Finding::new(code, message, tip);
    f.row = Some(header.row);
    f.line = Some(header.line);
    f.column = column;
    f
}

/// The header as every safe header fix together writes it: case and whitespace (H001, H002),
/// then the group or attribute correction (H008, H009).
pub(crate) fn corrected(col: &Column) -> String {
    h008_bad_group_header::safe_fix(&col.name)
        .or_else(|| h009_bad_attribute_header::safe_fix(&col.name))
        .unwrap_or_else(|| col.name.clone())
}

/// The header for a message, as the admin sees it in Excel: case as written, invisible
/// characters and surrounding spaces left out, shortened when long.
pub(crate) fn shown(col: &Column) -> String {
    super::text::excerpt(&strip_header_whitespace(&col.raw))
}

/// `s` without the ASCII prefix `prefix`, compared case-insensitively.
pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::testing::run;
    use crate::finding::Applicability;
    use proptest::prelude::*;

    const MESSY: &str = " Primary_Email_Address,Email,First Name,preferred_last_name\u{a0},Groups: Sales Team,group:sales team,Acme licence Pro,license_english_status,\"Attribute_Office\nLocation\",,notes,PERMISSION_CURATE_CONTENT,Work_Title,work_title\r\njane@example.com,,Jane,Doe,yes,no,Active,Active,Sydney,,,yes,Analyst,Lead\r\n";

    #[test]
    fn the_corrected_header_rechecks_with_no_safe_header_fix() {
        let first = run(MESSY);
        let second = run(&first.corrected);
        let left: Vec<_> = second
            .report
            .findings
            .iter()
            .filter(|f| f.row == Some(1))
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| x.applicability == Applicability::Safe)
            })
            .collect();
        assert!(left.is_empty(), "{left:#?}");
        // Fixing twice equals fixing once.
        assert_eq!(run(&second.corrected).corrected, second.corrected);
    }

    proptest! {
        #[test]
        fn any_header_text_gives_findings_not_panics(cells in proptest::collection::vec(".{0,24}", 1..6)) {
            // A first column keeps the header row from being blank, so it stays row 1.
            let mut head = vec!["primary_email_address".to_string()];
            head.extend(cells.iter().map(|c| super::testing::field(c)));
            let csv = format!("{}\r\n{}\r\n", head.join(","), vec!["x"; head.len()].join(","));
            let r = run(&csv);
            for f in r.report.findings.iter().filter(|f| f.code.rule().scope == crate::Scope::Header) {
                prop_assert_eq!(f.row, Some(1));
            }
        }
    }
}
