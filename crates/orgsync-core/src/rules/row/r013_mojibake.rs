//! R013 mojibake.

use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::row::Row;
use crate::rules::text::excerpt;

/// Windows-1252's characters for the bytes 0x80–0x9F (`\0` where the byte is unassigned; the
/// WHATWG definition maps those five bytes to U+0081, U+008D … which the Latin-1 arm of
/// [`cp1252_byte`] covers).
const HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// The Windows-1252 byte of a character, for the characters of the bytes 0x80–0xFF.
fn cp1252_byte(c: char) -> Option<u8> {
    match c {
        '\u{80}'..='\u{FF}' => Some(c as u32 as u8),
        _ => HIGH
            .iter()
            .position(|&h| h == c && h != '\0')
            .map(|i| 0x80 + i as u8),
    }
}

/// Whether the text holds a UTF-8 sequence read as Windows-1252: a lead byte (`Ã`, `Â`, `â` …)
/// followed by as many continuation bytes (`©`, `€`, `¼` …) as it announces, together valid
/// UTF-8. A single accented letter beside a dash (`café—bar`) does not qualify.
fn looks_double_encoded(value: &str) -> bool {
    let mut rest = value.chars();
    while let Some(c) = rest.next() {
        let need = match c {
            '\u{C2}'..='\u{DF}' => 1,
            '\u{E0}'..='\u{EF}' => 2,
            '\u{F0}'..='\u{F4}' => 3,
            _ => continue,
        };
        let mut buf = [c as u32 as u8, 0, 0, 0];
        let mut ok = true;
        let mut ahead = rest.clone();
        for slot in &mut buf[1..=need] {
            match ahead.next().and_then(cp1252_byte) {
                Some(b) if (0x80..=0xBF).contains(&b) => *slot = b,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && std::str::from_utf8(&buf[..=need]).is_ok() {
            return true;
        }
    }
    false
}

/// The text as it was before it was decoded twice: encoded back to Windows-1252 bytes and read
/// as UTF-8. `None` unless every character has a Windows-1252 byte and that gives clean text.
/// (The engine keeps `encoding_rs` out of its WebAssembly build, so this rule carries its own
/// table; a test checks it against `encoding_rs`.)
pub(super) fn redecode(value: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(value.len());
    for c in value.chars() {
        if c.is_ascii() {
            bytes.push(c as u8);
        } else {
            bytes.push(cp1252_byte(c)?);
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    let clean = text != value && !text.contains(|c: char| c == '\u{FFFD}' || c.is_control());
    clean.then_some(text)
}

/// Checks a cell that is not plain ASCII.
pub(super) fn check(row: &Row<'_>, column: usize, value: &str, sink: &mut super::Out<'_, '_>) {
    let replacement = value.contains('\u{FFFD}');
    if !replacement && !looks_double_encoded(value) {
        return;
    }
    const TIP: &str = "The file was saved in one encoding and read in another. Re-export from the source system and save from Excel as \"CSV UTF-8 (Comma delimited)\".";
    if replacement {
        sink.report(Code::R013, None, None, || row.finding(
            Code::R013,
            Some(column),
            format!(
                "`{}` contains � (a character that could not be read): the original letter is lost.",
                excerpt(value)
            ),
            TIP,
        ));
        return;
    }
    // The fix is whether the value reads again as UTF-8: found out first, as the finding says.
    let text = redecode(value);
    let fix = text.as_ref().map(|_| Applicability::Suggested);
    sink.report(Code::R013, None, fix, || {
        let f = row.finding(
            Code::R013,
            Some(column),
            format!(
                "`{}` looks garbled (accented letters saved as UTF-8 and read as Windows-1252).",
                excerpt(value)
            ),
            TIP,
        );
        match text {
            Some(text) => f.fix(Fix::set_cell(Applicability::Suggested, value, text)),
            None => f,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code::*;
    use crate::rules::row::test_support::*;

    #[test]
    fn detection() {
        for yes in ["JosÃ© GarcÃ\u{AD}a", "Itâ€™s", "MÃ¼ller", "Ã…sa", "BjÃ¸rn"] {
            assert!(looks_double_encoded(yes), "{yes}");
        }
        for no in [
            "José García",
            "Müller",
            "Ångström",
            "Zoë",
            "café—bar",
            "Straße",
            "Łukasz",
            "東京",
        ] {
            assert!(!looks_double_encoded(no), "{no}");
        }
        assert_eq!(
            redecode("JosÃ© GarcÃ\u{AD}a").as_deref(),
            Some("José García")
        );
        assert_eq!(redecode("Itâ€™s").as_deref(), Some("It’s"));
        assert_eq!(redecode("José"), None);
    }

    proptest::proptest! {
        #[test]
        fn encodes_like_encoding_rs(text in "\\PC{0,40}") {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
            // Where encoding_rs can encode the text, our bytes are the same, so re-decoding is too.
            if !unmappable && !text.contains(|c: char| ('\u{80}'..='\u{9F}').contains(&c)) {
                let ours = redecode(&text);
                let theirs = String::from_utf8(bytes.into_owned())
                    .ok()
                    .filter(|t| *t != text && !t.contains(|c: char| c == '\u{FFFD}' || c.is_control()));
                proptest::prop_assert_eq!(ours, theirs);
            }
        }
    }

    #[test]
    fn mojibake_table() {
        table(
            "preferred_last_name",
            &[],
            &[
                ("García", &[], "García", "García"),
                ("Nguyễn", &[], "Nguyễn", "Nguyễn"),
                ("GarcÃ\u{AD}a", &[(R013, SUGG)], "GarcÃ\u{AD}a", "García"),
                ("MÃ¼ller", &[(R013, SUGG)], "MÃ¼ller", "Müller"),
                (
                    "Gar\u{FFFD}a",
                    &[(R013, NONE)],
                    "Gar\u{FFFD}a",
                    "Gar\u{FFFD}a",
                ),
                // Partly garbled, partly right: cannot be re-decoded as a whole.
                (
                    "José GarcÃ\u{AD}a",
                    &[(R013, NONE)],
                    "José GarcÃ\u{AD}a",
                    "José GarcÃ\u{AD}a",
                ),
            ],
        );
        table(
            "work_title",
            &[],
            &[(
                "Head of R&D â€“ Europe",
                &[(R013, SUGG)],
                "Head of R&D â€“ Europe",
                "Head of R&D – Europe",
            )],
        );
    }
}
