//! H004 duplicate-header: two columns with the same header once corrected.

use super::{finding, shown, strip_prefix_ci};
use crate::header::Header;
use crate::registry::Code;
use crate::rules::Sink;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// The name two columns share when they clash. Headers compare as the safe header fixes write
/// them (so `Work_Title` and `work_title ` clash); group names compare case-insensitively,
/// as the uploader compares them.
fn key(fixed: &str) -> std::borrow::Cow<'_, str> {
    match strip_prefix_ci(fixed, "group:") {
        Some(name) if name.chars().any(char::is_uppercase) => {
            format!("group:{}", crate::case::lower(name)).into()
        }
        _ => fixed.into(),
    }
}

pub(super) fn check(header: &Header, fixed: &[String], sink: &mut Sink<'_>) {
    let mut first: HashMap<std::borrow::Cow<'_, str>, usize> = HashMap::with_capacity(fixed.len());
    for (i, name) in fixed.iter().enumerate() {
        if name.is_empty() {
            // Blank headers are H010's.
            continue;
        }
        let j = match first.entry(key(name)) {
            Entry::Vacant(v) => {
                v.insert(i);
                continue;
            }
            Entry::Occupied(o) => *o.get(),
        };
        let (this, that) = (&header.columns[i], &header.columns[j]);
        let same_text = this.raw == that.raw;
        let message = if same_text {
            format!(
                "Column {} repeats the header `{}` of column {}; the uploader cannot tell which value to use.",
                i + 1,
                shown(this),
                j + 1
            )
        } else if fixed[i] == fixed[j] {
            format!(
                "Column {} `{}` is the same header as column {} `{}` once corrected; the uploader cannot tell which value to use.",
                i + 1,
                shown(this),
                j + 1,
                shown(that)
            )
        } else {
            format!(
                "Column {} `{}` names the same group as column {} `{}`: group names are not case sensitive.",
                i + 1,
                shown(this),
                j + 1,
                shown(that)
            )
        };
        sink(finding(
            header,
            Code::H004,
            Some(i),
            message,
            "Keep one of the columns: move any values you need into it, then delete the other.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::{run, run_header};

    #[test]
    fn table() {
        // (header row, columns (1-based) reported)
        let cases: &[(&str, &[usize])] = &[
            ("primary_email_address,work_title,group:Sales", &[]),
            ("primary_email_address,work_title,work_title", &[3]),
            ("primary_email_address,Work_Title,work_title ", &[3]),
            ("primary_email_address,group:Sales,group:sales", &[3]),
            ("primary_email_address,group:Sales,group: Sales", &[3]),
            ("primary_email_address,group:Sales,group:Sales Team", &[]),
            ("primary_email_address,a,a,a", &[3, 4]),
            (
                "primary_email_address,acme_license_pro_status,Acme_license_pro_status",
                &[],
            ),
            ("primary_email_address,,", &[]),
        ];
        for &(head, cols) in cases {
            let r = run_header(head, "x");
            let found: Vec<usize> = r
                .of(Code::H004)
                .iter()
                .map(|f| f.column.unwrap() + 1)
                .collect();
            assert_eq!(found, cols, "{head}");
        }
        let r = run("primary_email_address,group:Sales,group:sales\r\na@x.com,yes,no\r\n");
        assert!(r.one(Code::H004).message.contains("not case sensitive"));
    }
}
