//! Sniffing and decoding: from whatever bytes Excel wrote to UTF-8 text for the parser.
//!
//! The first bytes (up to [`SNIFF_LEN`]) are held back until the engine knows what the file is:
//! a workbook or other binary, which encoding, which delimiter. After that, bytes stream through.

#[cfg(not(feature = "legacy-encodings"))]
use crate::codec as codecs;
use codecs::Encoding as Codec;
#[cfg(feature = "legacy-encodings")]
use encoding_rs as codecs;
use serde::Serialize;

/// How many bytes are held back before deciding what the file is. The encoding is decided on
/// all of them (the whole file when it is smaller), the delimiter on the first lines.
pub(crate) const SNIFF_LEN: usize = 1 << 20;

/// How much of the sample the delimiter and `sep=` line are read from.
const DELIMITER_LEN: usize = 64 * 1024;

/// The encoding the file was read as: one of the WHATWG Encoding Standard's (the standard
/// browsers, `encoding_rs` and `chardetng` implement).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Encoding(&'static Codec);

/// One encoding the engine knows: its label in reports and its name for admins.
struct Known {
    codec: &'static Codec,
    label: &'static str,
    name: &'static str,
}

/// Every encoding of the Encoding Standard except `replacement` and `x-user-defined`: the ones
/// Excel writes first (the page offers them in this order), then the rest of the standard.
#[cfg(feature = "legacy-encodings")]
static KNOWN: &[Known] = &[
    Known {
        codec: encoding_rs::UTF_8,
        label: "utf-8",
        name: "Unicode (UTF-8)",
    },
    Known {
        codec: encoding_rs::UTF_16LE,
        label: "utf-16le",
        name: "Unicode (UTF-16 little-endian)",
    },
    Known {
        codec: encoding_rs::UTF_16BE,
        label: "utf-16be",
        name: "Unicode (UTF-16 big-endian)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1252,
        label: "windows-1252",
        name: "Western European (Windows-1252)",
    },
    Known {
        codec: encoding_rs::MACINTOSH,
        label: "macintosh",
        name: "Western European (Mac Roman)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1250,
        label: "windows-1250",
        name: "Central European (Windows-1250)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1251,
        label: "windows-1251",
        name: "Cyrillic (Windows-1251)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1253,
        label: "windows-1253",
        name: "Greek (Windows-1253)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1254,
        label: "windows-1254",
        name: "Turkish (Windows-1254)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1255,
        label: "windows-1255",
        name: "Hebrew (Windows-1255)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1256,
        label: "windows-1256",
        name: "Arabic (Windows-1256)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1257,
        label: "windows-1257",
        name: "Baltic (Windows-1257)",
    },
    Known {
        codec: encoding_rs::WINDOWS_1258,
        label: "windows-1258",
        name: "Vietnamese (Windows-1258)",
    },
    Known {
        codec: encoding_rs::WINDOWS_874,
        label: "windows-874",
        name: "Thai (Windows-874)",
    },
    Known {
        codec: encoding_rs::SHIFT_JIS,
        label: "shift_jis",
        name: "Japanese (Shift_JIS)",
    },
    Known {
        codec: encoding_rs::EUC_JP,
        label: "euc-jp",
        name: "Japanese (EUC-JP)",
    },
    Known {
        codec: encoding_rs::ISO_2022_JP,
        label: "iso-2022-jp",
        name: "Japanese (ISO-2022-JP)",
    },
    Known {
        codec: encoding_rs::GBK,
        label: "gbk",
        name: "Chinese Simplified (GBK)",
    },
    Known {
        codec: encoding_rs::GB18030,
        label: "gb18030",
        name: "Chinese Simplified (GB18030)",
    },
    Known {
        codec: encoding_rs::BIG5,
        label: "big5",
        name: "Chinese Traditional (Big5)",
    },
    Known {
        codec: encoding_rs::EUC_KR,
        label: "euc-kr",
        name: "Korean (EUC-KR, Windows-949)",
    },
    Known {
        codec: encoding_rs::X_MAC_CYRILLIC,
        label: "x-mac-cyrillic",
        name: "Cyrillic (Mac)",
    },
    Known {
        codec: encoding_rs::IBM866,
        label: "ibm866",
        name: "Cyrillic (DOS 866)",
    },
    Known {
        codec: encoding_rs::KOI8_R,
        label: "koi8-r",
        name: "Cyrillic (KOI8-R)",
    },
    Known {
        codec: encoding_rs::KOI8_U,
        label: "koi8-u",
        name: "Cyrillic (KOI8-U)",
    },
    Known {
        codec: encoding_rs::ISO_8859_2,
        label: "iso-8859-2",
        name: "Central European (ISO 8859-2)",
    },
    Known {
        codec: encoding_rs::ISO_8859_3,
        label: "iso-8859-3",
        name: "South European (ISO 8859-3)",
    },
    Known {
        codec: encoding_rs::ISO_8859_4,
        label: "iso-8859-4",
        name: "Baltic (ISO 8859-4)",
    },
    Known {
        codec: encoding_rs::ISO_8859_5,
        label: "iso-8859-5",
        name: "Cyrillic (ISO 8859-5)",
    },
    Known {
        codec: encoding_rs::ISO_8859_6,
        label: "iso-8859-6",
        name: "Arabic (ISO 8859-6)",
    },
    Known {
        codec: encoding_rs::ISO_8859_7,
        label: "iso-8859-7",
        name: "Greek (ISO 8859-7)",
    },
    Known {
        codec: encoding_rs::ISO_8859_8,
        label: "iso-8859-8",
        name: "Hebrew, visual (ISO 8859-8)",
    },
    Known {
        codec: encoding_rs::ISO_8859_8_I,
        label: "iso-8859-8-i",
        name: "Hebrew (ISO 8859-8-I)",
    },
    Known {
        codec: encoding_rs::ISO_8859_10,
        label: "iso-8859-10",
        name: "Nordic (ISO 8859-10)",
    },
    Known {
        codec: encoding_rs::ISO_8859_13,
        label: "iso-8859-13",
        name: "Baltic (ISO 8859-13)",
    },
    Known {
        codec: encoding_rs::ISO_8859_14,
        label: "iso-8859-14",
        name: "Celtic (ISO 8859-14)",
    },
    Known {
        codec: encoding_rs::ISO_8859_15,
        label: "iso-8859-15",
        name: "Western European (ISO 8859-15)",
    },
    Known {
        codec: encoding_rs::ISO_8859_16,
        label: "iso-8859-16",
        name: "South-Eastern European (ISO 8859-16)",
    },
];

/// Without the `legacy-encodings` feature (the JS API's default package): UTF-8, UTF-16 and
/// Windows-1252 (a UTF-8 file's stray records are read in it), with the engine's own codec.
#[cfg(not(feature = "legacy-encodings"))]
static KNOWN: &[Known] = &[
    Known {
        codec: codecs::UTF_8,
        label: "utf-8",
        name: "Unicode (UTF-8)",
    },
    Known {
        codec: codecs::UTF_16LE,
        label: "utf-16le",
        name: "Unicode (UTF-16 little-endian)",
    },
    Known {
        codec: codecs::UTF_16BE,
        label: "utf-16be",
        name: "Unicode (UTF-16 big-endian)",
    },
    Known {
        codec: codecs::WINDOWS_1252,
        label: "windows-1252",
        name: "Western European (Windows-1252)",
    },
];

impl Encoding {
    /// UTF-8 (ASCII included).
    pub const UTF_8: Encoding = Encoding(codecs::UTF_8);
    /// UTF-16, little-endian (Excel's "Unicode Text").
    pub const UTF_16LE: Encoding = Encoding(codecs::UTF_16LE);
    /// UTF-16, big-endian.
    pub const UTF_16BE: Encoding = Encoding(codecs::UTF_16BE);
    /// Windows-1252, Excel's plain "CSV" on Western European Windows.
    pub const WINDOWS_1252: Encoding = Encoding(codecs::WINDOWS_1252);

    fn known(self) -> &'static Known {
        KNOWN
            .iter()
            .find(|k| k.codec == self.0)
            .unwrap_or(&KNOWN[0])
    }

    /// The label used in reports: the standard's name in lower case (`shift_jis`, `windows-1250`).
    pub fn as_str(self) -> &'static str {
        self.known().label
    }

    /// The name an admin reads: `Japanese (Shift_JIS)`.
    pub fn name(self) -> &'static str {
        self.known().name
    }

    /// The encoding any label of the Encoding Standard names (`sjis`, `latin2`, `cp1251`, `mac`,
    /// case and surrounding blanks ignored); `None` for an unknown label and for the two the
    /// engine cannot read a CSV in (`replacement`, `x-user-defined`).
    pub fn for_label(label: &str) -> Option<Encoding> {
        let codec = Codec::for_label(label.trim().as_bytes())?;
        KNOWN
            .iter()
            .any(|k| k.codec == codec)
            .then_some(Encoding(codec))
    }

    /// Every encoding the engine reads, the ones Excel writes first.
    pub fn all() -> impl Iterator<Item = Encoding> {
        KNOWN.iter().map(|k| Encoding(k.codec))
    }

    pub(crate) fn codec(self) -> &'static Codec {
        self.0
    }

    /// A small number for the split checkers' wire format.
    pub(crate) fn code(self) -> u8 {
        KNOWN.iter().position(|k| k.codec == self.0).unwrap_or(0) as u8
    }

    /// UTF-8.
    pub fn is_utf8(self) -> bool {
        self.0 == codecs::UTF_8
    }

    /// ISO-2022-JP, the one ASCII-compatible encoding whose ASCII text is not its own bytes.
    fn is_iso_2022_jp(self) -> bool {
        #[cfg(feature = "legacy-encodings")]
        return self.0 == encoding_rs::ISO_2022_JP;
        #[cfg(not(feature = "legacy-encodings"))]
        return false;
    }

    /// UTF-16 of either byte order.
    pub fn is_utf16(self) -> bool {
        self.0 == codecs::UTF_16LE || self.0 == codecs::UTF_16BE
    }

    /// Whether the CSV's structure can be read from the raw bytes: the delimiter, the quote and
    /// the line breaks are never part of a character. True for every ASCII-compatible encoding
    /// except the double-byte ones whose second byte can be `|` (0x7C) when `|` separates.
    #[cfg(not(feature = "legacy-encodings"))]
    fn parse_raw(self, _delimiter: u8) -> bool {
        self.0.is_ascii_compatible()
    }

    #[cfg(feature = "legacy-encodings")]
    fn parse_raw(self, delimiter: u8) -> bool {
        let trail_pipe = [
            encoding_rs::SHIFT_JIS,
            encoding_rs::GBK,
            encoding_rs::GB18030,
            encoding_rs::BIG5,
        ];
        self.0.is_ascii_compatible()
            && self.0 != encoding_rs::ISO_2022_JP
            && !(delimiter == b'|' && trail_pipe.contains(&self.0))
    }
}

impl std::fmt::Debug for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What the encoding rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A byte-order mark: certain.
    Bom,
    /// UTF-16 without a mark, plain from the NUL bytes of its ASCII: certain.
    Utf16,
    /// Every byte looked at is UTF-8 (or ASCII): certain.
    Utf8,
    /// Guessed from the bytes (`chardetng`, then Mac Roman for CR-only line ends): a person
    /// should confirm a few names.
    Guessed,
    /// Chosen by the admin (`--encoding`, the JS API's `encoding`, the page's choice).
    Chosen,
}

impl Basis {
    /// Whether the encoding is known for certain (not a guess).
    pub fn certain(self) -> bool {
        self != Basis::Guessed
    }

    /// The label used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Bom => "bom",
            Basis::Utf16 => "utf-16",
            Basis::Utf8 => "utf-8",
            Basis::Guessed => "guessed",
            Basis::Chosen => "chosen",
        }
    }
}

/// A file that is not text at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    /// A zip container: an `.xlsx` workbook (or another zipped file).
    Zip,
    /// An OLE compound file: an `.xls` workbook.
    Ole,
    /// A PDF document.
    Pdf,
    /// A gzip-compressed file.
    Gzip,
    /// NUL bytes that are not UTF-16.
    Other,
    /// Text in a legacy code page, which a build without the `legacy-encodings` feature (the JS
    /// API's default package) does not read: F001, and nothing else is checked.
    #[cfg(not(feature = "legacy-encodings"))]
    CodePage,
}

impl Binary {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            // With workbook support, a zip or OLE file gets here only when it is no workbook
            // the engine can read.
            #[cfg(feature = "workbook")]
            Binary::Zip => {
                "a zip file that holds no workbook this tool can read (or a damaged one)"
            }
            #[cfg(feature = "workbook")]
            Binary::Ole => {
                "an OLE file (an older Office document) that holds no workbook this tool can read (or a damaged one)"
            }
            #[cfg(not(feature = "workbook"))]
            Binary::Zip => "an Excel workbook (.xlsx) or another zip file",
            #[cfg(not(feature = "workbook"))]
            Binary::Ole => "an Excel 97-2003 workbook (.xls)",
            Binary::Pdf => "a PDF document",
            Binary::Gzip => "a gzip-compressed file",
            Binary::Other => "a binary file (it contains NUL bytes)",
            #[cfg(not(feature = "legacy-encodings"))]
            Binary::CodePage => "text in a legacy code page",
        }
    }
}

/// What sniffing decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sniffed {
    /// The file's encoding. UTF-8 files may still hold records that are not UTF-8: those are
    /// read in `fallback`.
    pub encoding: Encoding,
    pub basis: Basis,
    /// How the records of a UTF-8 file that are not UTF-8 are read.
    pub fallback: Encoding,
    /// Bytes of a byte-order mark at the start (0 when none).
    pub bom_len: u8,
    pub bom: bool,
    pub binary: Option<Binary>,
    pub delimiter: u8,
    /// The first line is Excel's `sep=X` separator hint (F015), not the header.
    pub sep_line: bool,
}

impl Sniffed {
    /// What a file with no bytes yet is taken as.
    pub(crate) fn empty() -> Sniffed {
        Sniffed {
            encoding: Encoding::UTF_8,
            basis: Basis::Utf8,
            fallback: Encoding::WINDOWS_1252,
            bom_len: 0,
            bom: false,
            binary: None,
            delimiter: b',',
            sep_line: false,
        }
    }

    /// Whether the parser reads the file's own bytes (records decoded one by one) rather than
    /// text a streaming decoder made.
    pub(crate) fn parse_raw(&self) -> bool {
        self.encoding.parse_raw(self.delimiter)
    }
}

/// Looks at the first bytes of a file (up to [`SNIFF_LEN`]). `complete` says the sample is the
/// whole file; `choice` is the admin's encoding, which replaces detection.
pub(crate) fn sniff(sample: &[u8], complete: bool, choice: Option<Encoding>) -> Sniffed {
    let mut s = Sniffed::empty();
    if sample.starts_with(b"PK\x03\x04") || sample.starts_with(b"PK\x05\x06") {
        s.binary = Some(Binary::Zip);
        return s;
    }
    if sample.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        s.binary = Some(Binary::Ole);
        return s;
    }
    if sample.starts_with(b"%PDF-") {
        s.binary = Some(Binary::Pdf);
        return s;
    }
    if sample.starts_with(&[0x1F, 0x8B]) {
        s.binary = Some(Binary::Gzip);
        return s;
    }
    let bom = if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Some((Encoding::UTF_8, 3))
    } else if sample.starts_with(&[0xFF, 0xFE]) {
        Some((Encoding::UTF_16LE, 2))
    } else if sample.starts_with(&[0xFE, 0xFF]) {
        Some((Encoding::UTF_16BE, 2))
    } else {
        None
    };
    match (choice, bom) {
        (Some(chosen), _) => {
            s.encoding = chosen;
            s.basis = Basis::Chosen;
            // A mark of the chosen encoding is still a mark; another's is text in it.
            if let Some((enc, n)) = bom.filter(|(enc, _)| *enc == chosen) {
                s.bom = true;
                s.bom_len = n;
                let _ = enc;
            }
        }
        (None, Some((enc, n))) => {
            s.encoding = enc;
            s.basis = Basis::Bom;
            s.bom = true;
            s.bom_len = n;
        }
        (None, None) => {
            if let Some(enc) = utf16_without_bom(sample) {
                s.encoding = enc;
                s.basis = Basis::Utf16;
            }
        }
    }
    // Binary content shows in the first 64 KiB; a NUL later is a character in a cell.
    if !s.encoding.is_utf16()
        && memchr::memchr(0, &sample[..sample.len().min(DELIMITER_LEN)]).is_some()
    {
        s.binary = Some(Binary::Other);
        return s;
    }
    let body = &sample[usize::from(s.bom_len)..];
    if choice.is_none() && bom.is_none() && s.basis != Basis::Utf16 {
        let Some((encoding, basis, fallback)) = detect(body, complete) else {
            // Only without `legacy-encodings`: a code page this build does not read.
            #[cfg(not(feature = "legacy-encodings"))]
            {
                s.binary = Some(Binary::CodePage);
            }
            return s;
        };
        s.encoding = encoding;
        s.basis = basis;
        s.fallback = fallback;
    }
    // The delimiter and a `sep=` line, from the first 64 KiB as text.
    let head = &body[..body.len().min(DELIMITER_LEN)];
    let text = if s.encoding.is_utf8() {
        String::from_utf8_lossy(head)
    } else {
        s.encoding.codec().decode_without_bom_handling(head).0
    };
    match sep_line(&text) {
        Some((delimiter, rest)) => {
            s.sep_line = true;
            s.delimiter = delimiter;
            let _ = rest;
        }
        None => s.delimiter = sniff_delimiter(&text),
    }
    s
}

/// `sep=X` on the first line (any case, X one of the four separators), as Excel reads it:
/// the separator and the text after that line.
pub(crate) fn sep_line(text: &str) -> Option<(u8, &str)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let head = text.get(..4)?;
    if !head.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let d = *text.as_bytes().get(4)?;
    if ![b',', b';', b'\t', b'|'].contains(&d) {
        return None;
    }
    let rest = &text[5..];
    let rest = if let Some(r) = rest.strip_prefix("\r\n") {
        r
    } else if let Some(r) = rest.strip_prefix(['\n', '\r']) {
        r
    } else if rest.is_empty() {
        rest
    } else {
        return None;
    };
    Some((d, rest))
}

/// Without the `legacy-encodings` feature: UTF-8 as [`detect`] decides it, `None` where the
/// full build would guess a legacy code page (bytes mostly not UTF-8, or ISO-2022-JP's escapes).
/// The caller stops there (F001) rather than read the file in a code page it may not be in.
#[cfg(not(feature = "legacy-encodings"))]
fn detect(body: &[u8], complete: bool) -> Option<(Encoding, Basis, Encoding)> {
    let (valid, invalid) = utf8_counts(body, complete);
    if invalid == 0 {
        // ISO-2022-JP's escapes: ESC `$` (JIS X 0208) or ESC `(` (JIS X 0201 / ASCII again).
        let iso_2022_jp =
            memchr::memchr_iter(0x1B, body).any(|i| matches!(body.get(i + 1), Some(b'$' | b'(')));
        return (!iso_2022_jp).then_some((Encoding::UTF_8, Basis::Utf8, Encoding::WINDOWS_1252));
    }
    (valid >= invalid).then_some((Encoding::UTF_8, Basis::Utf8, Encoding::WINDOWS_1252))
}

/// Decides the encoding of bytes with no byte-order mark and no UTF-16: UTF-8 when they are
/// (mostly) UTF-8, else `chardetng`'s guess, Mac Roman for CR-only text that reads better so.
/// Always `Some` (the type is the one builds without `legacy-encodings` share).
#[cfg(feature = "legacy-encodings")]
fn detect(body: &[u8], complete: bool) -> Option<(Encoding, Basis, Encoding)> {
    Some(detect_code_page(body, complete))
}

#[cfg(feature = "legacy-encodings")]
fn detect_code_page(body: &[u8], complete: bool) -> (Encoding, Basis, Encoding) {
    let (valid, invalid) = utf8_counts(body, complete);
    if invalid == 0 {
        // ISO-2022-JP is 7-bit: it looks like ASCII but for its escapes.
        if memchr::memchr(0x1B, body).is_some() {
            let mut d = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
            d.feed(body, complete);
            if d.guess(None, chardetng::Utf8Detection::Allow) == encoding_rs::ISO_2022_JP {
                return (
                    Encoding(encoding_rs::ISO_2022_JP),
                    Basis::Guessed,
                    Encoding::WINDOWS_1252,
                );
            }
        }
        return (Encoding::UTF_8, Basis::Utf8, Encoding::WINDOWS_1252);
    }
    if valid >= invalid {
        // Mostly UTF-8 with some records that are not (two files pasted together, a row
        // typed in another program): UTF-8, those records read as Windows-1252.
        return (Encoding::UTF_8, Basis::Utf8, Encoding::WINDOWS_1252);
    }
    let mut d = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    d.feed(&non_ascii_cells(body, complete), true);
    let mut guess = Encoding(d.guess(None, chardetng::Utf8Detection::Deny));
    if !KNOWN.iter().any(|k| k.codec == guess.0) {
        guess = Encoding::WINDOWS_1252;
    }
    if guess.0.is_single_byte()
        && let Some(cjk) = cjk_despite_some_lines(body, complete)
    {
        guess = cjk;
    }
    if guess.0.is_single_byte() && guess != Encoding::WINDOWS_1252 {
        // When a Windows code page reads the file as the same text (`René` is the same bytes in
        // Windows-1250 and 1252; Hebrew letters in ISO 8859-8 and Windows-1255), name that one:
        // Excel writes Windows code pages. Single-byte encodings read the same text when they
        // map each high byte the file holds alike.
        let mut seen = [false; 128];
        for &b in body {
            if b >= 0x80 {
                seen[usize::from(b - 0x80)] = true;
            }
        }
        let high: Vec<u8> = (0x80..=0xFFu8)
            .filter(|&b| seen[usize::from(b - 0x80)])
            .collect();
        let text = guess.codec().decode_without_bom_handling(&high).0;
        if let Some(same) = WINDOWS_PAGES
            .iter()
            .find(|enc| enc.decode_without_bom_handling(&high).0 == text)
        {
            guess = Encoding(same);
        }
    }
    if cr_only(body) && guess.0.is_single_byte() {
        let mac = Encoding(encoding_rs::MACINTOSH);
        if plausibility(mac, body) >= plausibility(guess, body) {
            guess = mac;
        }
    }
    (guess, Basis::Guessed, Encoding::WINDOWS_1252)
}

#[cfg(feature = "legacy-encodings")]
/// The Windows code pages, the most common first: a guess that reads the same in one of them is
/// named as it.
static WINDOWS_PAGES: [&Codec; 10] = [
    encoding_rs::WINDOWS_1252,
    encoding_rs::WINDOWS_1250,
    encoding_rs::WINDOWS_1251,
    encoding_rs::WINDOWS_1253,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1255,
    encoding_rs::WINDOWS_1256,
    encoding_rs::WINDOWS_1257,
    encoding_rs::WINDOWS_1258,
    encoding_rs::WINDOWS_874,
];

#[cfg(feature = "legacy-encodings")]
/// The cells of `body` that hold bytes beyond ASCII, each on a line of its own: every non-ASCII
/// byte with the words around it, which is all `chardetng` learns from, without the emails, ids
/// and plain values that make up most of a file (and most of the detector's work). Cells end at
/// a comma, semicolon, tab, quote or line break — bytes no legacy encoding uses inside a
/// character (`|` is one in Shift_JIS, GBK and Big5, so it does not split). A cell cut by the end
/// of an incomplete sample is left out.
fn non_ascii_cells(body: &[u8], complete: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in body.iter().enumerate() {
        if matches!(b, b',' | b';' | b'\t' | b'"' | b'\r' | b'\n') {
            let cell = &body[start..i];
            if !cell.is_ascii() {
                out.extend_from_slice(cell);
                out.push(b'\n');
            }
            start = i + 1;
        }
    }
    if complete && !body[start..].is_ascii() {
        out.extend_from_slice(&body[start..]);
    }
    out
}

#[cfg(feature = "legacy-encodings")]
/// `chardetng` rules out a double-byte encoding on a single invalid sequence, so a Shift_JIS file
/// with one row pasted from a Windows-1252 file reads as Windows-1252 throughout. When most lines
/// with bytes beyond ASCII are valid in one of the double-byte encodings, `chardetng` is asked
/// again about those lines alone; its answer stands if it is a double-byte encoding (the other
/// lines are then F016).
fn cjk_despite_some_lines(body: &[u8], complete: bool) -> Option<Encoding> {
    const CJK: [&Codec; 5] = [
        encoding_rs::SHIFT_JIS,
        encoding_rs::GBK,
        encoding_rs::BIG5,
        encoding_rs::EUC_KR,
        encoding_rs::EUC_JP,
    ];
    let lines: Vec<&[u8]> = body
        .split(|&b| b == b'\n' || b == b'\r')
        .filter(|l| !l.is_ascii())
        .collect();
    // A cut last line of an incomplete sample is left out.
    let lines = if complete || lines.len() < 2 {
        &lines[..]
    } else {
        &lines[..lines.len() - 1]
    };
    let mut best: Option<(&Codec, Vec<&[u8]>)> = None;
    for enc in CJK {
        let valid: Vec<&[u8]> = lines
            .iter()
            .copied()
            .filter(|l| {
                enc.decode_without_bom_handling_and_without_replacement(l)
                    .is_some()
            })
            .collect();
        if valid.len() >= 2
            && valid.len() * 10 >= lines.len() * 8
            && valid.len() < lines.len()
            && best.as_ref().is_none_or(|(_, b)| valid.len() > b.len())
        {
            best = Some((enc, valid));
        }
    }
    let (_, valid) = best?;
    let mut d = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    for line in valid {
        d.feed(line, false);
        d.feed(b"\n", false);
    }
    d.feed(b"", true);
    let again = d.guess(None, chardetng::Utf8Detection::Deny);
    CJK.contains(&again).then_some(Encoding(again))
}

/// [`utf8_census`], `(0, 0)` at once for bytes that are UTF-8 (nearly every file: `from_utf8`,
/// vectorised, says so without counting anything). Both builds' `detect` start here.
fn utf8_counts(body: &[u8], complete: bool) -> (usize, usize) {
    let utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && !complete,
    };
    if utf8 {
        (0, 0)
    } else {
        utf8_census(body, complete)
    }
}

/// Characters of more than one byte and invalid sequences in bytes read as UTF-8. A sequence
/// cut by the end of an incomplete sample is neither.
fn utf8_census(mut bytes: &[u8], complete: bool) -> (usize, usize) {
    let (mut valid, mut invalid) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(t) => {
                valid += t.bytes().filter(|&b| b >= 0xC0).count();
                return (valid, invalid);
            }
            Err(e) => {
                let ok = e.valid_up_to();
                valid += bytes[..ok].iter().filter(|&&b| b >= 0xC0).count();
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        bytes = &bytes[ok + n..];
                    }
                    None => {
                        invalid += usize::from(complete);
                        return (valid, invalid);
                    }
                }
            }
        }
    }
}

#[cfg(feature = "legacy-encodings")]
/// Line breaks are CR alone (classic Mac OS, Mac Excel's "CSV (Macintosh)").
fn cr_only(bytes: &[u8]) -> bool {
    memchr::memchr(b'\r', bytes).is_some() && memchr::memchr(b'\n', bytes).is_none()
}

#[cfg(feature = "legacy-encodings")]
/// How much the bytes read as text in `enc`: letters beside letters score, control characters
/// and symbols inside words cost.
fn plausibility(enc: Encoding, bytes: &[u8]) -> i64 {
    let (text, _) = enc.codec().decode_without_bom_handling(bytes);
    let mut score = 0i64;
    let mut prev_letter = false;
    for c in text.chars() {
        let letter = c.is_alphabetic();
        if !c.is_ascii() {
            if letter {
                score += if prev_letter { 2 } else { 1 };
            } else if c.is_control() || c == '\u{FFFD}' {
                score -= 4;
            } else if prev_letter {
                score -= 2;
            }
        }
        prev_letter = letter;
    }
    score
}

/// A few decoded values with letters beyond ASCII from the first records after the header, for
/// a person to confirm a guessed encoding.
pub(crate) fn preview(s: &Sniffed, sample: &[u8]) -> Vec<String> {
    if s.binary.is_some() || s.encoding.is_utf8() || s.encoding.is_utf16() {
        return Vec::new();
    }
    let body = &sample[usize::from(s.bom_len).min(sample.len())..];
    let head = &body[..body.len().min(DELIMITER_LEN)];
    let (text, _) = s.encoding.codec().decode_without_bom_handling(head);
    let text = if s.sep_line {
        sep_line(&text).map_or(&*text, |(_, rest)| rest)
    } else {
        &text
    };
    let mut out: Vec<String> = Vec::new();
    for line in logical_lines(text, 200).into_iter().skip(1) {
        for cell in line.split(char::from(s.delimiter)) {
            let cell = cell.trim_matches(|c: char| c == '"' || c.is_whitespace());
            if cell.is_ascii() || out.iter().any(|o| o == cell) {
                continue;
            }
            out.push(cell.chars().take(40).collect());
            if out.len() == 5 {
                return out;
            }
        }
    }
    out
}

/// UTF-16 without a byte-order mark shows as a NUL in every other byte of ASCII text.
fn utf16_without_bom(sample: &[u8]) -> Option<Encoding> {
    let n = sample.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample[..n].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let pairs = n / 2;
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(Encoding::UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(Encoding::UTF_16BE)
    } else {
        None
    }
}

/// Picks the delimiter that splits the header and the first records most consistently.
///
/// Each candidate is counted outside quotes on up to 20 lines; a candidate scores when the header
/// has at least one and most lines have the header's count. Comma wins ties: it is the standard.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let lines = logical_lines(text, 20);
    if lines.is_empty() {
        return b',';
    }
    let mut best = (b',', 0usize, 0usize);
    for &d in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let head = counts[0];
        if head == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == head).count();
        // More consistent lines first, then more fields.
        if (consistent, head) > (best.1, best.2) {
            best = (d, consistent, head);
        }
    }
    best.0
}

/// Splits text into records' lines, keeping quoted line breaks inside their line.
fn logical_lines(text: &str, max: usize) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0usize, false);
    let mut i = 0;
    while i < bytes.len() && out.len() < max {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => {
                if i > start {
                    out.push(&text[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if out.len() < max && start < bytes.len() && !quoted {
        out.push(&text[start..]);
    }
    out
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Turns the file's bytes into what the parser reads, chunk by chunk.
pub(crate) enum Decoding {
    /// The bytes themselves (UTF-8 and the ASCII-compatible legacy encodings, whose records the
    /// pipeline decodes one by one); a leading BOM is skipped once.
    Passthrough { skip: usize },
    /// Text from a streaming decoder (UTF-16, ISO-2022-JP, and double-byte encodings with `|`
    /// separators), which also removes a BOM.
    Transcode(Box<codecs::Decoder>),
}

impl std::fmt::Debug for Decoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decoding::Passthrough { .. } => f.write_str("Passthrough"),
            Decoding::Transcode(d) => write!(f, "Transcode({})", d.encoding().name()),
        }
    }
}

impl Decoding {
    pub(crate) fn new(s: &Sniffed) -> Decoding {
        if s.parse_raw() {
            Decoding::Passthrough {
                skip: usize::from(s.bom_len),
            }
        } else {
            Decoding::Transcode(Box::new(s.encoding.codec().new_decoder_with_bom_removal()))
        }
    }

    /// Decodes one chunk and hands the text to `sink`. `last` flushes the decoder.
    pub(crate) fn feed(
        &mut self,
        mut bytes: &[u8],
        last: bool,
        scratch: &mut String,
        sink: &mut dyn FnMut(&[u8]),
    ) {
        match self {
            Decoding::Passthrough { skip } => {
                if *skip > 0 && !bytes.is_empty() {
                    let n = (*skip).min(bytes.len());
                    bytes = &bytes[n..];
                    *skip -= n;
                }
                if !bytes.is_empty() {
                    sink(bytes);
                }
            }
            Decoding::Transcode(decoder) => {
                scratch.clear();
                let need = decoder
                    .max_utf8_buffer_length(bytes.len())
                    .unwrap_or(bytes.len() * 3 + 16);
                scratch.reserve(need);
                let _ = decoder.decode_to_string(bytes, scratch, last);
                if !scratch.is_empty() {
                    sink(scratch.as_bytes());
                }
            }
        }
    }
}

/// Decodes `bytes` (one cell) in `enc` onto `out`; `false` when some were not valid in it (they
/// read as U+FFFD).
pub(crate) fn decode_cell(enc: Encoding, bytes: &[u8], out: &mut String) -> bool {
    if bytes.is_ascii() && enc.0.is_ascii_compatible() {
        // ASCII reads as itself in every encoding the pipeline decodes records in.
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
        return true;
    }
    let mut d = enc.0.new_decoder_without_bom_handling();
    out.reserve(
        d.max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16),
    );
    let (_, _, replaced) = d.decode_to_string(bytes, out, true);
    !replaced
}

/// `text` in `enc`, or `None` when `enc` cannot hold one of its characters. UTF-16 is written by
/// the caller; here it gives the UTF-8 bytes.
pub(crate) fn encode(enc: Encoding, text: &str) -> Option<Vec<u8>> {
    if text.is_ascii() && enc.0.is_ascii_compatible() && !enc.is_iso_2022_jp() {
        return Some(text.as_bytes().to_vec());
    }
    let (bytes, _, unmappable) = enc.0.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_file_is_sniffed_even_with_commas_in_cells() {
        let text = "primary_email_address;work_title\na@x.com;Doe, Jane\nb@x.com;Lead, Sales\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn comma_wins_for_a_single_column_file() {
        assert_eq!(sniff_delimiter("primary_email_address\na@x.com\n"), b',');
    }

    fn whole(bytes: &[u8]) -> Sniffed {
        sniff(bytes, true, None)
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let bytes: Vec<u8> = "primary_email_address\ta\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(whole(&bytes).encoding, Encoding::UTF_16LE);
        assert_eq!(whole(&bytes).basis, Basis::Utf16);
        assert_eq!(whole(&bytes).delimiter, b'\t');
    }

    #[test]
    fn workbooks_are_binary() {
        assert_eq!(whole(b"PK\x03\x04rest").binary, Some(Binary::Zip));
        assert_eq!(whole(b"%PDF-1.7").binary, Some(Binary::Pdf));
        assert_eq!(whole(b"a,b\0c").binary, Some(Binary::Other));
    }

    fn encoded(label: &str, text: &str) -> Vec<u8> {
        let enc = Encoding::for_label(label).unwrap();
        encode(enc, text).unwrap()
    }

    const PEOPLE: &str =
        "primary_email_address,preferred_first_name,preferred_last_name,work_title\n";

    #[test]
    fn legacy_code_pages_are_guessed() {
        let cases = [
            (
                "shift_jis",
                "taro@example.com,太郎,山田,営業部長\nhanako@example.com,花子,佐藤,経理担当\nken@example.com,健一,鈴木,人事課長\n",
            ),
            (
                "gbk",
                "wei@example.com,伟,王,销售经理\nfang@example.com,芳,李,财务主管\nmin@example.com,敏,张,人力资源专员\n",
            ),
            (
                "big5",
                "wei@example.com,偉,王,銷售經理\nfang@example.com,芳,李,財務主管\nmin@example.com,敏,張,人力資源專員\n",
            ),
            (
                "euc-kr",
                "minjun@example.com,민준,김,영업 부장\nseoyeon@example.com,서연,이,재무 담당\njiho@example.com,지호,박,인사 과장\n",
            ),
            (
                "windows-1251",
                "ivan@example.com,Иван,Петров,Менеджер по продажам\nolga@example.com,Ольга,Смирнова,Бухгалтер\n",
            ),
            (
                "windows-1250",
                "lukasz@example.com,Łukasz,Wiśniewski,Kierownik sprzedaży\nzofia@example.com,Zofia,Dąbrowska,Księgowa\njiri@example.com,Jiří,Dvořák,Účetní\n",
            ),
            (
                "windows-1253",
                "giorgos@example.com,Γιώργος,Παπαδόπουλος,Διευθυντής πωλήσεων\nmaria@example.com,Μαρία,Οικονόμου,Λογίστρια\n",
            ),
        ];
        for (label, rows) in cases {
            let bytes = encoded(label, &format!("{PEOPLE}{rows}"));
            let s = whole(&bytes);
            assert_eq!(s.encoding.as_str(), label, "{label}");
            assert_eq!(s.basis, Basis::Guessed);
        }
    }

    #[test]
    fn cr_only_favours_mac_roman() {
        let text = format!("{PEOPLE}helene@example.com,Hélène,Lefèvre,Comptable\rfrancois@example.com,François,Müller,Directeur général\r").replace('\n', "\r");
        let s = whole(&encoded("macintosh", &text));
        assert_eq!(s.encoding.as_str(), "macintosh");
        // The same text with CRLF line ends: a Windows file.
        let s = whole(&encoded("windows-1252", &text.replace('\r', "\r\n")));
        assert_eq!(s.encoding.as_str(), "windows-1252");
    }

    #[test]
    fn mostly_utf8_stays_utf8() {
        let mut bytes = format!(
            "{PEOPLE}zoe@example.com,Zoë,Müller,Ingénieure\nana@example.com,Ána,Núñez,Directora\n"
        )
        .into_bytes();
        bytes.extend_from_slice(b"rene@example.com,Ren\xe9,Dubois,x\n");
        let s = whole(&bytes);
        assert!(s.encoding.is_utf8());
        assert_eq!(s.fallback, Encoding::WINDOWS_1252);
    }

    #[test]
    fn the_admins_choice_wins() {
        let bytes = encoded(
            "windows-1252",
            &format!("{PEOPLE}rene@example.com,René,Dubois,x\n"),
        );
        let s = sniff(&bytes, true, Encoding::for_label("latin2"));
        assert_eq!(s.encoding.as_str(), "iso-8859-2");
        assert_eq!(s.basis, Basis::Chosen);
        assert!(Encoding::for_label("replacement").is_none());
        assert!(Encoding::for_label("klingon").is_none());
        assert_eq!(Encoding::for_label(" SJIS ").unwrap().as_str(), "shift_jis");
        assert_eq!(Encoding::for_label("mac").unwrap().as_str(), "macintosh");
    }

    #[test]
    fn sep_lines_are_recognised() {
        for (text, d) in [
            ("sep=;\r\na;b\r\n", b';'),
            ("SEP=|\na|b\n", b'|'),
            ("\u{FEFF}sep=\t\na\tb", b'\t'),
            ("Sep=,", b','),
        ] {
            assert_eq!(sep_line(text).map(|(d, _)| d), Some(d), "{text:?}");
        }
        for text in ["sep=:\na:b", "sep=;x\n", "separator=;\n", "sep;\n"] {
            assert_eq!(sep_line(text), None, "{text:?}");
        }
        let s = whole(b"\xEF\xBB\xBFsep=;\r\nprimary_email_address,x;y\r\na@b.c,1;2\r\n");
        assert!(s.sep_line && s.bom);
        assert_eq!(s.delimiter, b';');
    }

    #[test]
    fn only_the_pipe_in_double_byte_text_needs_a_decoder() {
        let sjis = Encoding::for_label("shift_jis").unwrap();
        assert!(sjis.parse_raw(b','));
        assert!(!sjis.parse_raw(b'|'));
        assert!(Encoding::for_label("euc-kr").unwrap().parse_raw(b'|'));
        assert!(!Encoding::for_label("iso-2022-jp").unwrap().parse_raw(b','));
        assert!(!Encoding::UTF_16LE.parse_raw(b','));
        // `|` is 0x7C, the second byte of Shift_JIS `−` (U+2212).
        assert_eq!(encoded("shift_jis", "\u{2212}"), [0x81, 0x7C]);
    }

    #[test]
    fn every_known_encoding_round_trips_its_label() {
        for enc in Encoding::all() {
            assert_eq!(
                Encoding::for_label(enc.as_str()),
                Some(enc),
                "{}",
                enc.as_str()
            );
            assert_eq!(enc.as_str(), enc.codec().name().to_ascii_lowercase());
        }
    }
}
