//! The engine's own small codec: UTF-8, UTF-16 (both byte orders) and Windows-1252, with the
//! part of `encoding_rs`'s interface the engine uses.
//!
//! Builds without the `legacy-encodings` feature (the JS API's default package) read with it
//! instead of `encoding_rs` and `chardetng`, whose tables and language models are ~180 KB gzip
//! of WebAssembly. Windows-1252 stays because a UTF-8 file's stray non-UTF-8 records are read in
//! it (F001) whatever the build. The tests check every function against `encoding_rs`.

// With `legacy-encodings` this module is compiled for its tests only, where not every method
// is called.
#![cfg_attr(feature = "legacy-encodings", allow(dead_code))]

use std::borrow::Cow;

/// One encoding of the small set.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Encoding {
    kind: Kind,
    name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

pub(crate) static UTF_8: &Encoding = &Encoding {
    kind: Kind::Utf8,
    name: "UTF-8",
};
pub(crate) static UTF_16LE: &Encoding = &Encoding {
    kind: Kind::Utf16Le,
    name: "UTF-16LE",
};
pub(crate) static UTF_16BE: &Encoding = &Encoding {
    kind: Kind::Utf16Be,
    name: "UTF-16BE",
};
pub(crate) static WINDOWS_1252: &Encoding = &Encoding {
    kind: Kind::Windows1252,
    name: "windows-1252",
};

/// The Encoding Standard's labels of the four encodings.
const LABELS: &[(&str, &Encoding)] = &[
    (
        "unicode-1-1-utf-8",
        &Encoding {
            kind: Kind::Utf8,
            name: "UTF-8",
        },
    ),
    (
        "unicode11utf8",
        &Encoding {
            kind: Kind::Utf8,
            name: "UTF-8",
        },
    ),
    (
        "unicode20utf8",
        &Encoding {
            kind: Kind::Utf8,
            name: "UTF-8",
        },
    ),
    (
        "utf-8",
        &Encoding {
            kind: Kind::Utf8,
            name: "UTF-8",
        },
    ),
    (
        "utf8",
        &Encoding {
            kind: Kind::Utf8,
            name: "UTF-8",
        },
    ),
    (
        "x-unicode20utf8",
        &Encoding {
            kind: Kind::Utf8,
            name: "UTF-8",
        },
    ),
    (
        "csunicode",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "iso-10646-ucs-2",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "ucs-2",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "unicode",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "unicodefeff",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "utf-16",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "utf-16le",
        &Encoding {
            kind: Kind::Utf16Le,
            name: "UTF-16LE",
        },
    ),
    (
        "unicodefffe",
        &Encoding {
            kind: Kind::Utf16Be,
            name: "UTF-16BE",
        },
    ),
    (
        "utf-16be",
        &Encoding {
            kind: Kind::Utf16Be,
            name: "UTF-16BE",
        },
    ),
    (
        "ansi_x3.4-1968",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "ascii",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "cp1252",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "cp819",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "csisolatin1",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "ibm819",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "iso-8859-1",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "iso-ir-100",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "iso8859-1",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "iso88591",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "iso_8859-1",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "iso_8859-1:1987",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "l1",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "latin1",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "us-ascii",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "windows-1252",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
    (
        "x-cp1252",
        &Encoding {
            kind: Kind::Windows1252,
            name: "windows-1252",
        },
    ),
];

/// Windows-1252's bytes 0x80–0x9F (the rest of the high half is Latin-1, U+00A0–U+00FF); the
/// five bytes Windows leaves undefined map to the C1 controls, as the Encoding Standard says.
const HIGH_1252: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn char_1252(b: u8) -> char {
    if (0x80..0xA0).contains(&b) {
        HIGH_1252[usize::from(b - 0x80)]
    } else {
        char::from(b)
    }
}

fn byte_1252(c: char) -> Option<u8> {
    match u32::from(c) {
        n @ (0..=0x7F | 0xA0..=0xFF) => Some(n as u8),
        _ => HIGH_1252
            .iter()
            .position(|&h| h == c)
            .map(|i| 0x80 + i as u8),
    }
}

/// What a decoder call ended on (only the one outcome: the output is always sized to fit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CoderResult {
    InputEmpty,
}

impl Encoding {
    /// The encoding a label names, case and surrounding ASCII blanks ignored.
    pub(crate) fn for_label(label: &[u8]) -> Option<&'static Encoding> {
        let label = label.trim_ascii();
        LABELS
            .iter()
            .find(|(l, _)| l.as_bytes().eq_ignore_ascii_case(label))
            .map(|&(_, e)| match e.kind {
                Kind::Utf8 => UTF_8,
                Kind::Utf16Le => UTF_16LE,
                Kind::Utf16Be => UTF_16BE,
                Kind::Windows1252 => WINDOWS_1252,
            })
    }

    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn is_ascii_compatible(&self) -> bool {
        matches!(self.kind, Kind::Utf8 | Kind::Windows1252)
    }

    /// `bytes` as text, malformed sequences as U+FFFD; `true` when some were.
    pub(crate) fn decode_without_bom_handling<'a>(
        &'static self,
        bytes: &'a [u8],
    ) -> (Cow<'a, str>, bool) {
        if self.kind == Kind::Utf8
            && let Ok(text) = std::str::from_utf8(bytes)
        {
            return (Cow::Borrowed(text), false);
        }
        let mut out = String::with_capacity(bytes.len() * 3 + 4);
        let (_, _, replaced) = self
            .new_decoder_without_bom_handling()
            .decode_to_string(bytes, &mut out, true);
        (Cow::Owned(out), replaced)
    }

    /// A streaming decoder that drops this encoding's byte-order mark at the start.
    pub(crate) fn new_decoder_with_bom_removal(&'static self) -> Decoder {
        Decoder {
            encoding: self,
            bom: true,
            pending: Vec::new(),
            lead: None,
        }
    }

    /// A streaming decoder that reads a byte-order mark as text.
    pub(crate) fn new_decoder_without_bom_handling(&'static self) -> Decoder {
        Decoder {
            encoding: self,
            bom: false,
            pending: Vec::new(),
            lead: None,
        }
    }

    /// `text` in this encoding (UTF-8 for the UTF-16 ones, as `encoding_rs` does), and whether
    /// some character has no byte in it (then the bytes are not the text).
    pub(crate) fn encode<'a>(
        &'static self,
        text: &'a str,
    ) -> (Cow<'a, [u8]>, &'static Encoding, bool) {
        if self.kind != Kind::Windows1252 {
            return (Cow::Borrowed(text.as_bytes()), UTF_8, false);
        }
        let mut bytes = Vec::with_capacity(text.len());
        let mut unmappable = false;
        for c in text.chars() {
            match byte_1252(c) {
                Some(b) => bytes.push(b),
                None => {
                    unmappable = true;
                    bytes.extend_from_slice(format!("&#{};", u32::from(c)).as_bytes());
                }
            }
        }
        (Cow::Owned(bytes), self, unmappable)
    }
}

/// A streaming decoder: bytes in any pieces, the same text as decoding them whole.
#[derive(Debug)]
pub(crate) struct Decoder {
    encoding: &'static Encoding,
    /// The byte-order mark is still to be looked for (with BOM removal).
    bom: bool,
    /// Bytes of an unfinished character (UTF-8) or code unit (UTF-16), or of a possible mark.
    pending: Vec<u8>,
    /// A UTF-16 lead surrogate waiting for its trail.
    lead: Option<u16>,
}

impl Decoder {
    pub(crate) fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Room enough for the text of `n` more bytes.
    pub(crate) fn max_utf8_buffer_length(&self, n: usize) -> Option<usize> {
        n.checked_add(self.pending.len() + 4)?.checked_mul(3)
    }

    /// Decodes `src` onto `dst`; `last` ends the stream (an unfinished character is U+FFFD).
    /// The third value says whether anything was replaced by U+FFFD.
    pub(crate) fn decode_to_string(
        &mut self,
        src: &[u8],
        dst: &mut String,
        last: bool,
    ) -> (CoderResult, usize, bool) {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(src);
        if self.bom {
            let mark: &[u8] = match self.encoding.kind {
                Kind::Utf8 => &[0xEF, 0xBB, 0xBF],
                Kind::Utf16Le => &[0xFF, 0xFE],
                Kind::Utf16Be => &[0xFE, 0xFF],
                Kind::Windows1252 => &[],
            };
            if bytes.len() < mark.len() && mark.starts_with(&bytes) && !last {
                self.pending = bytes;
                return (CoderResult::InputEmpty, src.len(), false);
            }
            self.bom = false;
            if !mark.is_empty() && bytes.starts_with(mark) {
                bytes.drain(..mark.len());
            }
        }
        let replaced = match self.encoding.kind {
            Kind::Utf8 => self.utf8(&bytes, dst, last),
            Kind::Utf16Le => self.utf16(&bytes, dst, last, u16::from_le_bytes),
            Kind::Utf16Be => self.utf16(&bytes, dst, last, u16::from_be_bytes),
            Kind::Windows1252 => {
                dst.extend(bytes.iter().map(|&b| char_1252(b)));
                false
            }
        };
        (CoderResult::InputEmpty, src.len(), replaced)
    }

    fn utf8(&mut self, mut bytes: &[u8], dst: &mut String, last: bool) -> bool {
        let mut replaced = false;
        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    dst.push_str(text);
                    return replaced;
                }
                Err(e) => {
                    let (good, rest) = bytes.split_at(e.valid_up_to());
                    dst.push_str(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(n) => {
                            dst.push('\u{FFFD}');
                            replaced = true;
                            bytes = &rest[n..];
                        }
                        // An unfinished sequence at the end: wait for the next bytes.
                        None if !last => {
                            self.pending = rest.to_vec();
                            return replaced;
                        }
                        None => {
                            dst.push('\u{FFFD}');
                            return true;
                        }
                    }
                }
            }
        }
    }

    fn utf16(
        &mut self,
        bytes: &[u8],
        dst: &mut String,
        last: bool,
        unit: fn([u8; 2]) -> u16,
    ) -> bool {
        let mut replaced = false;
        let mut pairs = bytes.chunks_exact(2);
        for pair in &mut pairs {
            let u = unit([pair[0], pair[1]]);
            if let Some(lead) = self.lead.take() {
                if (0xDC00..0xE000).contains(&u) {
                    let c = 0x10000 + ((u32::from(lead) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                    dst.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    continue;
                }
                // A lead without its trail: U+FFFD, and this unit is read on its own.
                dst.push('\u{FFFD}');
                replaced = true;
            }
            match u {
                0xD800..0xDC00 => self.lead = Some(u),
                0xDC00..0xE000 => {
                    dst.push('\u{FFFD}');
                    replaced = true;
                }
                _ => dst.push(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}')),
            }
        }
        let odd = pairs.remainder();
        if last {
            if self.lead.take().is_some() || !odd.is_empty() {
                dst.push('\u{FFFD}');
                replaced = true;
            }
        } else {
            self.pending = odd.to_vec();
        }
        replaced
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn theirs(label: &str) -> &'static encoding_rs::Encoding {
        encoding_rs::Encoding::for_label(label.as_bytes()).unwrap()
    }

    const OURS: [(&str, &Encoding); 4] = [
        (
            "utf-8",
            &Encoding {
                kind: Kind::Utf8,
                name: "UTF-8",
            },
        ),
        (
            "utf-16le",
            &Encoding {
                kind: Kind::Utf16Le,
                name: "UTF-16LE",
            },
        ),
        (
            "utf-16be",
            &Encoding {
                kind: Kind::Utf16Be,
                name: "UTF-16BE",
            },
        ),
        (
            "windows-1252",
            &Encoding {
                kind: Kind::Windows1252,
                name: "windows-1252",
            },
        ),
    ];

    fn ours(label: &str) -> &'static Encoding {
        Encoding::for_label(label.as_bytes()).unwrap()
    }

    #[test]
    fn labels_name_what_the_standard_names() {
        for (label, _) in LABELS {
            assert_eq!(ours(label).name(), theirs(label).name(), "label {label}");
        }
        assert_eq!(Encoding::for_label(b"  UTF8 \t"), Some(UTF_8));
        assert_eq!(Encoding::for_label(b"shift_jis"), None);
        for (label, e) in OURS {
            assert_eq!(ours(label), e);
        }
    }

    #[test]
    fn windows_1252_is_the_standards() {
        let all: Vec<u8> = (0..=255).collect();
        let (ours, replaced) = WINDOWS_1252.decode_without_bom_handling(&all);
        let (theirs, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&all);
        assert_eq!(ours, theirs);
        assert!(!replaced);
        let (bytes, _, unmappable) = WINDOWS_1252.encode(&ours);
        assert_eq!(&*bytes, &all[..]);
        assert!(!unmappable);
        assert!(WINDOWS_1252.encode("日本").2);
    }

    /// Decodes `bytes` cut at `cut` in two calls.
    fn in_two(e: &'static Encoding, bom: bool, bytes: &[u8], cut: usize) -> (String, bool) {
        let mut d = if bom {
            e.new_decoder_with_bom_removal()
        } else {
            e.new_decoder_without_bom_handling()
        };
        let mut out = String::new();
        let cut = cut.min(bytes.len());
        let a = d.decode_to_string(&bytes[..cut], &mut out, false).2;
        let b = d.decode_to_string(&bytes[cut..], &mut out, true).2;
        (out, a || b)
    }

    fn reference(label: &str, bom: bool, bytes: &[u8]) -> (String, bool) {
        let e = theirs(label);
        let mut d = if bom {
            e.new_decoder_with_bom_removal()
        } else {
            e.new_decoder_without_bom_handling()
        };
        let mut out = String::with_capacity(bytes.len() * 3 + 16);
        let (_, _, replaced) = d.decode_to_string(bytes, &mut out, true);
        (out, replaced)
    }

    proptest! {
        #[test]
        fn decodes_as_encoding_rs_in_any_pieces(
            bytes in proptest::collection::vec(
                prop_oneof![any::<u8>(), Just(0xD8u8), Just(0xDCu8), Just(0xEF), Just(0xBB), Just(0xBF), Just(0xFE), Just(0xFF)],
                0..40,
            ),
            cut in 0usize..40,
            which in 0usize..4,
            bom in any::<bool>(),
        ) {
            let label = OURS[which].0;
            prop_assert_eq!(in_two(ours(label), bom, &bytes, cut), reference(label, bom, &bytes));
        }

        #[test]
        fn encodes_as_encoding_rs(text in "\\PC{0,30}") {
            for (label, _) in OURS {
                let (a, _, x) = ours(label).encode(&text);
                let (b, _, y) = theirs(label).encode(&text);
                prop_assert_eq!(x, y);
                if !x {
                    prop_assert_eq!(a, b);
                }
            }
        }
    }
}
