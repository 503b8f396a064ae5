//! The account's group names, for R008: from a user export's `group:` headers, or from a plain
//! list with one group name a line.

use crate::engine::{Handler, Pipeline};
use crate::header::ColumnKind;
use crate::header::Header;
use crate::header::strip_group_prefix;
use crate::input::{Sniffed, sniff};
use crate::row::Row;

/// The group names a user export or a group list holds, trimmed, without duplicates (compared
/// case-insensitively, as the uploader compares group names), in the order they appear.
///
/// The bytes are read with the same tolerance as any input (BOM, UTF-16, Windows-1252, `;` or
/// tab separators). The input is taken for a user export when its first row is a header with
/// more than one column or with a known Org Sync column; its `group:` headers give the names.
/// Otherwise it is a list: each non-blank line is a group name (a leading `group:` is dropped).
/// A workbook or other binary file gives no names.
///
/// ```
/// let export = b"primary_email_address,group:Sales,group:Customer Success\r\njane@example.com,yes,\r\n";
/// assert_eq!(orgsync_core::groups_from_export(export), ["Sales", "Customer Success"]);
/// assert_eq!(orgsync_core::groups_from_export(b"Sales\nsales \nEngineering\n"), ["Sales", "Engineering"]);
/// ```
pub fn groups_from_export(bytes: &[u8]) -> Vec<String> {
    let Some(header) = first_header(bytes) else {
        return Vec::new();
    };
    let is_export = match &header {
        Some(h) => {
            h.columns.len() > 1
                || h.columns.iter().any(|c| {
                    !matches!(
                        c.kind,
                        ColumnKind::Unknown | ColumnKind::Blank | ColumnKind::Group { .. }
                    )
                })
        }
        None => false,
    };
    let names: Vec<String> = if is_export {
        header
            .iter()
            .flat_map(|h| h.columns.iter())
            .filter_map(|c| match &c.kind {
                ColumnKind::Group { name } => Some(name.clone()),
                _ => None,
            })
            .collect()
    } else {
        decode(bytes)
            .lines()
            .map(|line| {
                let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
                strip_group_prefix(line).unwrap_or(line).to_string()
            })
            .collect()
    };
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let key = crate::case::lower(name);
        if !seen.contains(&key) {
            seen.push(key);
            out.push(name.to_string());
        }
    }
    out
}

/// The file's header row as the engine reads it: `None` for a binary file, `Some(None)` for a
/// text file with no header.
fn first_header(bytes: &[u8]) -> Option<Option<Header>> {
    #[derive(Default)]
    struct Catch {
        binary: bool,
        header: Option<Header>,
    }
    impl Handler for Catch {
        fn sniffed(&mut self, sniffed: &Sniffed, _sample: &[u8]) {
            self.binary = sniffed.binary.is_some();
        }
        fn header(&mut self, header: &Header) {
            self.header = Some(header.clone());
        }
        fn row(&mut self, _header: Option<&Header>, _row: &Row<'_>) {}
    }
    let mut catch = Catch::default();
    let mut pipeline = Pipeline::new();
    // The header is all we need: stop feeding once it is known.
    for chunk in bytes.chunks(64 * 1024) {
        pipeline.push(chunk, &mut catch);
        if catch.header.is_some() || catch.binary {
            break;
        }
    }
    pipeline.finish(&mut catch);
    if catch.binary {
        None
    } else {
        Some(catch.header)
    }
}

/// The whole input as text, decoded as the engine would.
fn decode(bytes: &[u8]) -> String {
    let n = bytes.len().min(crate::input::SNIFF_LEN);
    let s = sniff(&bytes[..n], n == bytes.len(), None);
    let body = &bytes[usize::from(s.bom_len)..];
    if s.encoding.is_utf8() {
        return match std::str::from_utf8(body) {
            Ok(t) => t.to_string(),
            Err(_) => s
                .fallback
                .codec()
                .decode_without_bom_handling(body)
                .0
                .into_owned(),
        };
    }
    s.encoding
        .codec()
        .decode_without_bom_handling(body)
        .0
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::groups_from_export;

    #[test]
    fn table() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "primary_email_address\tgroup:Ventes\tgroup:Équipe IT\r\na@x.com\tyes\t\r\n"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes()),
            )
            .collect();
        let cases: &[(&[u8], &[&str])] = &[
            // A user export: only the group: headers count, spelling kept.
            (
                b"primary_email_address,preferred_first_name,acme_license_learning_status,group:Sales,group:Customer Success\r\n\
                  jane@example.com,Jane,Active,yes,\r\n",
                &["Sales", "Customer Success"],
            ),
            // Excel's CSV UTF-8 with a BOM, semicolons, a Group: prefix and a spaced name.
            (
                "\u{FEFF}primary_email_address;Group:Sales;group: Field Ops ;group:sales\r\n".as_bytes(),
                &["Sales", "Field Ops"],
            ),
            // UTF-16 with tabs (Excel's Unicode Text).
            (&utf16, &["Ventes", "Équipe IT"]),
            // An export with no group columns.
            (b"primary_email_address,unique_user_id\r\na@x.com,1\r\n", &[]),
            // A plain list: trimmed, blank lines skipped, duplicates by case dropped.
            (
                b"Sales\r\n  Engineering \r\n\r\nsales\r\nR&D, EMEA\r\ngroup:Legal\r\n",
                &["Sales", "Engineering", "R&D, EMEA", "Legal"],
            ),
            // A list in Windows-1252.
            (b"Marketing\nR\xe9seau\n", &["Marketing", "Réseau"]),
            // Nothing, or a workbook.
            (b"", &[]),
            (b"PK\x03\x04\x14\x00", &[]),
        ];
        for (input, expected) in cases {
            assert_eq!(
                groups_from_export(input),
                *expected,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }
}
