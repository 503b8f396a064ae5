//! Whole-column rules, known once every row is read: H010 (blank header) and X006 (empty column).
//!
//! Both are findings on the header row at the column they are about; their fix drops the whole
//! column. A column with a blank header is H010's only, never also X006's.

use super::header::finding;
use super::{RuleInput, Sink};
use crate::finding::{Applicability, Edit, Fix};
use crate::header::ColumnKind;
use crate::header::FileKind;
use crate::registry::Code;
use crate::words::plural;

/// `non_empty[i]` is the number of rows with a value in column `i`.
pub(crate) fn check(ctx: &RuleInput<'_>, non_empty: &[u64], records: u64, sink: &mut Sink<'_>) {
    let header = ctx.header;
    for (i, col) in header.columns.iter().enumerate() {
        let values = non_empty.get(i).copied().unwrap_or(0);
        if col.kind == ColumnKind::Blank {
            let f = if values == 0 {
                finding(
                    header,
                    Code::H010,
                    Some(i),
                    format!(
                        "Column {} has no header and no values: the uploader may reject a column without a header.",
                        i + 1
                    ),
                    "Delete the column (often left by a stray separator at the end of each line); the corrected file drops it.",
                )
                .fix(Fix::new(
                    Applicability::Safe,
                    Edit::DropColumn,
                    format!("column {} (no header, no values)", i + 1),
                    "(dropped)",
                ))
            } else {
                finding(
                    header,
                    Code::H010,
                    Some(i),
                    format!(
                        "Column {} has no header but holds {}: the uploader cannot tell what they are.",
                        i + 1,
                        plural(values, "value", "values")
                    ),
                    "Type the right header above the values (see `orgsync rules` for the names), or delete the column if the values are not meant for the upload.",
                )
            };
            sink(f);
            continue;
        }
        // An empty file says nothing about its columns (F005 reports it); a deletion file must
        // keep both of its columns even where one is empty.
        let deletion_identifier = header.kind == FileKind::Deletion && col.kind.is_identifier();
        if values > 0 || records == 0 || deletion_identifier {
            continue;
        }
        let name = super::header::shown(col);
        let unknown = col.kind == ColumnKind::Unknown;
        let f = finding(
            header,
            Code::X006,
            Some(i),
            format!("No row has a value in `{name}`: the column does nothing."),
            if unknown {
                "Delete the column; the corrected file drops it because the uploader does not know its header either."
            } else {
                "Nothing is wrong. Delete the column to keep the file small, or fill it in if its values were lost on the way."
            },
        );
        sink(if unknown {
            f.fix(Fix::new(
                Applicability::Safe,
                Edit::DropColumn,
                format!("column {} `{name}` (empty)", i + 1),
                "(dropped)",
            ))
        } else {
            f
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::run;

    /// (file, H010 columns, X006 columns (1-based, with whether they carry a fix), corrected)
    type Case = (
        &'static str,
        &'static [(usize, bool)],
        &'static [(usize, bool)],
        &'static str,
    );

    #[test]
    fn table() {
        let cases: &[Case] = &[
            (
                "primary_email_address,work_title\r\na@x.com,Analyst\r\n",
                &[],
                &[],
                "primary_email_address,work_title\r\na@x.com,Analyst\r\n",
            ),
            // Excel's trailing separators: a blank header over an empty column is dropped.
            (
                "primary_email_address,work_title,\r\na@x.com,Analyst,\r\nb@x.com,Lead,\r\n",
                &[(3, true)],
                &[],
                "primary_email_address,work_title\r\na@x.com,Analyst\r\nb@x.com,Lead\r\n",
            ),
            // A blank header over values is kept and reported without a fix, not as X006.
            (
                "primary_email_address, \r\na@x.com,Sales\r\nb@x.com,\r\n",
                &[(2, false)],
                &[],
                "primary_email_address, \r\na@x.com,Sales\r\nb@x.com,\r\n",
            ),
            // An empty known column is reported, and kept.
            (
                "primary_email_address,work_title\r\na@x.com,\r\nb@x.com,\r\n",
                &[],
                &[(2, false)],
                "primary_email_address,work_title\r\na@x.com,\r\nb@x.com,\r\n",
            ),
            // An empty unknown column is dropped.
            (
                "primary_email_address,notes,work_title\r\na@x.com,,Analyst\r\n",
                &[],
                &[(2, true)],
                "primary_email_address,work_title\r\na@x.com,Analyst\r\n",
            ),
            // One value is enough.
            (
                "primary_email_address,notes\r\na@x.com,\r\nb@x.com,see HR\r\n",
                &[],
                &[],
                "primary_email_address,notes\r\na@x.com,\r\nb@x.com,see HR\r\n",
            ),
            // A deletion file keeps both of its columns, however empty.
            (
                "primary_email_address,unique_id\r\na@x.com,\r\nb@x.com,\r\n",
                &[],
                &[],
                "primary_email_address,unique_id\r\na@x.com,\r\nb@x.com,\r\n",
            ),
            // No rows: F005's business, not X006's.
            (
                "primary_email_address,work_title\r\n",
                &[],
                &[],
                "primary_email_address,work_title\r\n",
            ),
        ];
        for &(csv, h010, x006, corrected) in cases {
            let r = run(csv);
            let cols = |code| -> Vec<(usize, bool)> {
                r.of(code)
                    .iter()
                    .map(|f| (f.column.unwrap() + 1, f.fix.is_some()))
                    .collect()
            };
            assert_eq!(cols(Code::H010), h010, "{csv:?}");
            assert_eq!(cols(Code::X006), x006, "{csv:?}");
            for f in r.of(Code::H010).into_iter().chain(r.of(Code::X006)) {
                assert_eq!((f.row, f.line), (Some(1), Some(1)));
            }
            assert_eq!(r.corrected, corrected, "{csv:?}");
        }
    }

    #[test]
    fn counts_values_in_a_blank_headed_column() {
        let r = run("primary_email_address,\r\na@x.com,1\r\nb@x.com,2\r\nc@x.com,\r\n");
        assert!(r.one(Code::H010).message.contains("2 values"));
    }
}
