//! What calamine does not say about a `.xlsx` sheet in its one pass over the cells: merged
//! regions (`<mergeCell ref="B4:B6"/>`, after the cells) and hidden rows and columns
//! (`<row r="7" hidden="1">`, `<col min="3" max="3" hidden="1"/>`). calamine's own
//! `merge_cells_by_sheet_name` parses the whole sheet's XML again, which costs as much as reading
//! the cells (BENCHMARKS.md); this module inflates the sheet once and looks only at the few tags
//! it needs, with `memchr`'s substring search.

use memchr::memmem;
use std::io::{Cursor, Read};

/// Merged regions and hidden rows and columns of a sheet (0-based).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Extras {
    /// (first row, first col, last row, last col).
    pub merged: Vec<(u32, u32, u32, u32)>,
    /// Hidden rows, ascending.
    pub hidden_rows: Vec<u32>,
    /// Hidden column ranges (first, last).
    pub hidden_cols: Vec<(u32, u32)>,
}

/// Reads the extras of the sheet named `sheet`; empty when anything cannot be read (calamine
/// has read the same workbook, so this only happens for unusual packaging).
pub(crate) fn extras(bytes: &[u8], sheet: &str) -> Extras {
    let Some(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)).ok() else {
        return Extras::default();
    };
    let Some(path) = sheet_path(&mut zip, sheet) else {
        return Extras::default();
    };
    let Ok(file) = zip.by_name(&path) else {
        return Extras::default();
    };
    scan(file)
}

fn read_entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut s = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
    Some(s)
}

/// The sheet's part name, from `xl/workbook.xml` (name → relationship id) and its
/// relationships (id → target).
fn sheet_path(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, sheet: &str) -> Option<String> {
    let workbook = read_entry(zip, "xl/workbook.xml")?;
    let rels = read_entry(zip, "xl/_rels/workbook.xml.rels")?;
    let id = tags(&workbook, "<sheet ")
        .find(|t| attr(t, "name").is_some_and(|n| unescape(n) == sheet))
        .and_then(|t| attr(t, "r:id"))?;
    let target = tags(&rels, "<Relationship ")
        .find(|t| attr(t, "Id") == Some(id))
        .and_then(|t| attr(t, "Target"))?;
    Some(match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    })
}

/// The tags starting with `open` (up to their `>`).
fn tags<'a>(xml: &'a str, open: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    xml.match_indices(open).filter_map(move |(i, _)| {
        let end = xml[i..].find('>')?;
        Some(&xml[i..i + end])
    })
}

/// An attribute's raw value in a tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut at = 0;
    while let Some(i) = tag[at..].find(name) {
        let start = at + i;
        at = start + name.len();
        let before_ok = start > 0 && tag.as_bytes()[start - 1].is_ascii_whitespace();
        let rest = &tag[at..];
        if before_ok && let Some(rest) = rest.strip_prefix("=\"") {
            return rest.find('"').map(|e| &rest[..e]);
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A cell reference's 0-based (row, col): `B4` → (3, 1).
fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let mut col: u32 = 0;
    for b in letters.bytes() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A' + 1))?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn is_true(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true"))
}

/// Inflates the sheet a piece at a time and looks at its `<row `, `<col ` and `<mergeCell `
/// tags only.
fn scan(mut file: impl Read) -> Extras {
    const PIECE: usize = 1 << 20;
    let mut out = Extras::default();
    let mut buf: Vec<u8> = Vec::with_capacity(PIECE + 4096);
    let finders = [
        memmem::Finder::new(b"<row "),
        memmem::Finder::new(b"<col "),
        memmem::Finder::new(b"<mergeCell "),
    ];
    let hidden = memmem::Finder::new(b"hidden=");
    // Rows without `r` follow the one before.
    let mut next_row: u32 = 0;
    loop {
        let start = buf.len();
        buf.resize(start + PIECE, 0);
        let n = file.read(&mut buf[start..]).unwrap_or(0);
        buf.truncate(start + n);
        let last = n == 0;
        // Up to the last complete tag: what follows waits for the next piece.
        let upto = if last {
            buf.len()
        } else {
            match memchr::memrchr(b'>', &buf) {
                Some(i) => i + 1,
                None => continue,
            }
        };
        let text = &buf[..upto];
        let mut at = 0;
        // Where each tag occurs next (`usize::MAX`: not in this piece); a finder searches again
        // only once the scan has passed its last find, so each byte is searched once per tag.
        let mut next = [0usize; 3];
        let mut stale = [true; 3];
        while at < text.len() {
            for k in 0..3 {
                if stale[k] || (next[k] != usize::MAX && next[k] < at) {
                    next[k] = finders[k].find(&text[at..]).map_or(usize::MAX, |i| at + i);
                    stale[k] = false;
                }
            }
            // The nearest of the three tags.
            let (i, kind) = (0..3)
                .map(|k| (next[k], k))
                .min()
                .unwrap_or((usize::MAX, 0));
            if i == usize::MAX {
                break;
            }
            let Some(end) = memchr::memchr(b'>', &text[i..]).map(|e| i + e) else {
                break;
            };
            let tag_bytes = &text[i..end];
            at = end;
            let tag = std::str::from_utf8(tag_bytes).unwrap_or("");
            match kind {
                0 => {
                    let row = attr(tag, "r")
                        .and_then(|r| r.parse::<u32>().ok())
                        .and_then(|r| r.checked_sub(1))
                        .unwrap_or(next_row);
                    next_row = row.saturating_add(1);
                    if hidden.find(tag_bytes).is_some() && is_true(attr(tag, "hidden")) {
                        out.hidden_rows.push(row);
                    }
                }
                1 => {
                    if is_true(attr(tag, "hidden")) {
                        let min = attr(tag, "min").and_then(|v| v.parse::<u32>().ok());
                        let max = attr(tag, "max").and_then(|v| v.parse::<u32>().ok());
                        if let (Some(min), Some(max)) = (min, max)
                            && min >= 1
                            && max >= min
                        {
                            out.hidden_cols.push((min - 1, max - 1));
                        }
                    }
                }
                _ => {
                    if let Some((a, b)) = attr(tag, "ref").and_then(|r| r.split_once(':'))
                        && let (Some(a), Some(b)) = (cell_ref(a), cell_ref(b))
                    {
                        out.merged.push((a.0, a.1, b.0, b.1));
                    }
                }
            }
        }
        if last {
            break;
        }
        buf.drain(..upto);
    }
    out.hidden_rows.sort_unstable();
    out.hidden_rows.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tags_are_read_across_pieces() {
        let xml = r#"<worksheet><cols><col min="2" max="3" width="9" hidden="1"/><col min="5" max="5"/></cols><sheetData><row r="1"><c r="A1"/></row><row r="7" spans="1:2" hidden="1"><c/></row><row hidden="true"></row></sheetData><mergeCells count="1"><mergeCell ref="B4:B6"/></mergeCells></worksheet>"#;
        let e = scan(xml.as_bytes());
        assert_eq!(e.hidden_cols, vec![(1, 2)]);
        assert_eq!(e.hidden_rows, vec![6, 7]);
        assert_eq!(e.merged, vec![(3, 1, 5, 1)]);
        assert_eq!(cell_ref("AA10"), Some((9, 26)));
        assert_eq!(
            attr(r#"<sheet name="A &amp; B" sheetId="1" r:id="rId3""#, "r:id"),
            Some("rId3")
        );
        assert_eq!(
            attr(r#"<sheet name="A" sheetId="1" r:id="rId3""#, "Id"),
            None
        );
    }
}
