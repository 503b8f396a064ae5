//! The three legacy codecs the engine needs — UTF-16 LE/BE decoding (streaming) and
//! Windows-1252 decoding and encoding — written against the WHATWG Encoding Standard, the same
//! definitions `encoding_rs` implements.
//!
//! Why not `encoding_rs`'s `Encoding` API: its decoders and encoders dispatch over every encoding
//! it knows, so calling it for any one of them links all of them — about 125 KB of gzipped wasm,
//! most of the JS API's 150 KB budget. These few lines give the same output for our three (a
//! property test compares them with `encoding_rs` byte for byte).

/// Windows-1252's bytes 0x80–0x9F (the rest is Latin-1: byte = code point).
const HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Appends the Windows-1252 text `bytes` to `out`. Every byte maps to a character.
pub(crate) fn decode_1252(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len());
    for &b in bytes {
        out.push(match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        });
    }
}

/// `text` in Windows-1252; a character it cannot hold becomes an HTML numeric character
/// reference (`&#8364;`), as the WHATWG encoder (and so a browser's form submission) writes it.
pub(crate) fn encode_1252(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let n = u32::from(c);
        match n {
            0..=0x7F | 0xA0..=0xFF => out.push(n as u8),
            _ => match HIGH.iter().position(|&h| h == c) {
                Some(i) => out.push(0x80 + i as u8),
                None => out.extend_from_slice(format!("&#{n};").as_bytes()),
            },
        }
    }
    out
}

/// A streaming UTF-16 decoder: chunks may split a code unit or a surrogate pair anywhere.
/// A byte-order mark matching the endianness at the very start is dropped; unpaired surrogates
/// and a dangling last byte become U+FFFD.
#[derive(Debug, Clone)]
pub(crate) struct Utf16Decoder {
    big_endian: bool,
    at_start: bool,
    odd_byte: Option<u8>,
    high: Option<u16>,
}

impl Utf16Decoder {
    pub(crate) fn new(big_endian: bool) -> Utf16Decoder {
        Utf16Decoder {
            big_endian,
            at_start: true,
            odd_byte: None,
            high: None,
        }
    }

    /// The most UTF-8 bytes decoding `len` more bytes can give.
    pub(crate) fn max_utf8_len(&self, len: usize) -> usize {
        // Each 2 bytes give at most 3 UTF-8 bytes; a pending half and the flush add a U+FFFD.
        (len / 2 + 2) * 3
    }

    /// Appends the text of `bytes` to `out`; `last` flushes what is left pending.
    pub(crate) fn decode(&mut self, bytes: &[u8], out: &mut String, last: bool) {
        let mut rest = bytes;
        if let (Some(first), Some((&second, tail))) = (self.odd_byte, rest.split_first()) {
            self.odd_byte = None;
            self.unit([first, second], out);
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            self.unit([pair[0], pair[1]], out);
        }
        if let [b] = pairs.remainder() {
            self.odd_byte = Some(*b);
        }
        // A pending half unit and a pending high surrogate end the file as one error, as in
        // encoding_rs (both tested by the property test below). `|` so both are cleared.
        if last && (self.high.take().is_some() | self.odd_byte.take().is_some()) {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }

    fn unit(&mut self, bytes: [u8; 2], out: &mut String) {
        let u = if self.big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        };
        if std::mem::take(&mut self.at_start) && u == 0xFEFF {
            return;
        }
        match (self.high.take(), u) {
            (Some(h), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            (pending, _) => {
                if pending.is_some() {
                    out.push(char::REPLACEMENT_CHARACTER);
                }
                match u {
                    0xD800..=0xDBFF => self.high = Some(u),
                    0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
                    _ => out
                        .push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utf16_by_encoding_rs(bytes: &[u8], big_endian: bool) -> String {
        let enc = if big_endian {
            encoding_rs::UTF_16BE
        } else {
            encoding_rs::UTF_16LE
        };
        let mut d = enc.new_decoder();
        let mut s = String::with_capacity(bytes.len() * 3 + 16);
        let _ = d.decode_to_string(bytes, &mut s, true);
        s
    }

    fn utf16_in_chunks(bytes: &[u8], big_endian: bool, cuts: &[usize]) -> String {
        let mut d = Utf16Decoder::new(big_endian);
        let mut out = String::new();
        let mut start = 0;
        for &cut in cuts.iter().filter(|&&c| c <= bytes.len()) {
            let cut = cut.max(start);
            d.decode(&bytes[start..cut], &mut out, false);
            start = cut;
        }
        d.decode(&bytes[start..], &mut out, true);
        out
    }

    #[test]
    fn windows_1252_examples() {
        let mut s = String::new();
        decode_1252(b"Caf\xe9 \x80 \x93quoted\x94 \x81", &mut s);
        assert_eq!(s, "Café € “quoted” \u{81}");
        assert_eq!(
            encode_1252("Café € “q” ☃"),
            b"Caf\xe9 \x80 \x93q\x94 &#9731;"
        );
    }

    #[test]
    fn utf16_examples() {
        let le: Vec<u8> = "\u{FEFF}a,😀\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16_in_chunks(&le, false, &[1, 3, 5, 7]), "a,😀\r\n");
        // A high surrogate, then half a unit: one error at the end.
        assert_eq!(utf16_in_chunks(&[0x00, 0xD8, 0x41], false, &[]), "\u{FFFD}");
        // A lone low surrogate, then `A` split across chunks.
        assert_eq!(
            utf16_in_chunks(&[0x00, 0xDC, 0x41, 0x00], false, &[3]),
            "\u{FFFD}A"
        );
    }

    proptest! {
        #[test]
        fn windows_1252_decodes_like_encoding_rs(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut mine = String::new();
            decode_1252(&bytes, &mut mine);
            let (theirs, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            prop_assert_eq!(mine, theirs.into_owned());
        }

        #[test]
        fn windows_1252_encodes_like_encoding_rs(text in "\\PC{0,60}") {
            let (theirs, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
            prop_assert_eq!(encode_1252(&text), theirs.into_owned());
        }

        #[test]
        fn utf16_decodes_like_encoding_rs(
            body in proptest::collection::vec(any::<u8>(), 0..200),
            units in proptest::collection::vec(prop_oneof![Just(0xD83Du16), Just(0xDE00), Just(0x0041), any::<u16>()], 0..40),
            big_endian in any::<bool>(),
            bom in any::<bool>(),
            cuts in proptest::collection::vec(0usize..300, 0..6),
        ) {
            let mut bytes = Vec::new();
            if bom {
                bytes.extend(if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
            }
            for u in units {
                bytes.extend(if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            bytes.extend(body);
            // encoding_rs's decoder switches to another encoding on another BOM; the engine
            // only makes a UTF-16 decoder for a file that has none.
            prop_assume!(!(bytes.starts_with(&[0xEF, 0xBB, 0xBF])
                || bytes.starts_with(&[0xFE, 0xFF]) && !big_endian
                || bytes.starts_with(&[0xFF, 0xFE]) && big_endian));
            let mut cuts = cuts;
            cuts.sort_unstable();
            prop_assert_eq!(utf16_in_chunks(&bytes, big_endian, &cuts), utf16_by_encoding_rs(&bytes, big_endian));
        }
    }
}
