//! Test support shared by the golden cases, the property tests and the benchmark binaries.
//!
//! - [`run`]: the check pass and the fix pass over bytes fed in chunks of a chosen size, as the
//!   CLI and the page feed them;
//! - [`dirty`]: the dirty-cell set the property tests and the fuzz targets draw from;
//! - [`bench`]: the deterministic clean Org Sync file the speed benchmark reads.

pub mod baseline;
pub mod dirty;
pub mod workbooks;

/// A generator's count argument (`1_000_000` and `1000000` alike), `default` when it is not
/// given; a word that is not a number ends the program with its usage error (exit 2).
pub fn count_arg(arg: Option<String>, default: u64, program: &str, what: &str) -> u64 {
    match arg.map(|s| s.replace('_', "").parse()) {
        None => default,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("{program}: {what} must be a number: {e}");
            std::process::exit(2);
        }
    }
}

use orgsync_core::{Checker, FixChunk, FixOptions, Fixer, Options, Report};

/// Running the engine's two passes the way its callers do.
pub mod run {
    use super::*;

    /// Checks `bytes`, fed in chunks of `chunk` bytes (0 = all at once).
    pub fn check(bytes: &[u8], options: &Options, chunk: usize) -> Report {
        let mut c = Checker::new(options.clone());
        for piece in pieces(bytes, chunk) {
            c.push(piece);
        }
        c.finish()
    }

    /// Checks `bytes` fed in pieces cut at the given offsets (any order, any duplicates).
    pub fn check_split(bytes: &[u8], options: &Options, cuts: &[usize]) -> Report {
        let mut c = Checker::new(options.clone());
        for piece in split(bytes, cuts) {
            c.push(piece);
        }
        c.finish()
    }

    /// Runs the fix pass over `bytes` (the file `report` was made from), in chunks of `chunk`
    /// bytes (0 = all at once), draining the output as a streaming caller would.
    pub fn fix(bytes: &[u8], report: &Report, fix: &FixOptions, chunk: usize) -> FixChunk {
        let mut f = Fixer::new(report, fix);
        let mut out = FixChunk::default();
        for piece in pieces(bytes, chunk) {
            f.push(piece);
            append(&mut out, f.take_output());
        }
        append(&mut out, f.finish());
        out
    }

    /// Check then fix, all at once.
    pub fn check_and_fix(bytes: &[u8], options: &Options, fix: &FixOptions) -> (Report, FixChunk) {
        let report = check(bytes, options, 0);
        let out = self::fix(bytes, &report, fix, 0);
        (report, out)
    }

    fn append(to: &mut FixChunk, more: FixChunk) {
        to.corrected.extend_from_slice(&more.corrected);
        to.error_report.extend_from_slice(&more.error_report);
        to.findings.extend_from_slice(&more.findings);
        to.preview.extend_from_slice(&more.preview);
    }

    /// The rows (as a spreadsheet numbers them) of a report's findings of `code`, in order.
    pub fn rows_of(report: &Report, code: orgsync_core::Code) -> Vec<u64> {
        report
            .findings
            .iter()
            .filter(|f| f.code == code)
            .filter_map(|f| f.row)
            .collect()
    }

    /// How many cases a property test runs: `PROPTEST_CASES` when set (a long run), else
    /// `default` (modest, so `cargo test` stays quick).
    pub fn proptest_cases(default: u32) -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    }

    /// The input cut in pieces of `chunk` bytes; one piece when `chunk` is 0.
    pub fn pieces(bytes: &[u8], chunk: usize) -> Vec<&[u8]> {
        if chunk == 0 {
            vec![bytes]
        } else {
            bytes.chunks(chunk).collect()
        }
    }

    /// The input cut at the given offsets (clamped, sorted, empty pieces kept: a caller may push
    /// an empty chunk).
    pub fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(bytes.len())).collect();
        cuts.sort_unstable();
        let mut out = Vec::with_capacity(cuts.len() + 1);
        let mut start = 0;
        for c in cuts {
            out.push(&bytes[start..c]);
            start = c;
        }
        out.push(&bytes[start..]);
        out
    }
}

/// The benchmark's input: a clean users file like a large organisation's HR export, made
/// deterministically so every run and every machine reads the same bytes.
///
/// Ten columns: email, first and last name, a title that is often quoted because it holds a comma
/// (`"Manager, Sales"`), an employee id, one license, two groups, one permission and one custom
/// attribute. Every value is valid, emails and ids are unique, and no two rows share a name, so
/// the file is clean for every rule: the benchmark measures the engine's fast path, which is what
/// real files are made of. About 97 bytes a row: 1,000,000 rows make about 97 MB.
pub mod bench {
    use std::io::{self, Write};

    /// The header row.
    pub const HEADER: &str = "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,acme_license_learning_status,group:Sales,group:Engineering,permission_curate_content,attribute_office";

    const FIRST: [&str; 64] = [
        "Olivia",
        "Liam",
        "Emma",
        "Noah",
        "Amelia",
        "Oliver",
        "Ava",
        "Elijah",
        "Sophia",
        "Lucas",
        "Mia",
        "Levi",
        "Isabella",
        "Mateo",
        "Charlotte",
        "Ethan",
        "Harper",
        "James",
        "Evelyn",
        "Asher",
        "Luna",
        "Leo",
        "Camila",
        "Henry",
        "Gianna",
        "Jack",
        "Ella",
        "Aiden",
        "Nora",
        "Owen",
        "Aria",
        "Samuel",
        "Chloe",
        "Ezra",
        "Zoe",
        "Hudson",
        "Layla",
        "Wyatt",
        "Riley",
        "Caleb",
        "Lily",
        "Julian",
        "Stella",
        "David",
        "Hazel",
        "Isaac",
        "Aurora",
        "Grayson",
        "Ellie",
        "Jayden",
        "Violet",
        "Daniel",
        "Nova",
        "Joseph",
        "Emilia",
        "Michael",
        "Ivy",
        "Logan",
        "Maya",
        "Carter",
        "Leah",
        "Sebastian",
        "Naomi",
        "Theo",
    ];

    /// Syllables for last names: three of them make 32,768 names, and with 64 first names every
    /// row up to two million gets a name of its own.
    const SYLLABLES: [&str; 32] = [
        "ka", "lo", "mer", "an", "ber", "tin", "so", "vik", "ra", "del", "mon", "ti", "gar", "ne",
        "li", "sen", "dor", "pa", "wes", "ho", "ly", "cor", "fa", "nu", "ston", "bri", "el", "mi",
        "ros", "ta", "ven", "ul",
    ];

    const TITLES: [&str; 12] = [
        "Manager, Sales",
        "Engineer",
        "Analyst, Finance",
        "Director, Marketing",
        "Developer",
        "Consultant",
        "Lead, Support",
        "Designer",
        "Specialist, HR",
        "Accountant",
        "Coordinator",
        "Architect, Cloud",
    ];

    const OFFICES: [&str; 6] = [
        "Sydney Office",
        "London Office",
        "Berlin Office",
        "Austin Office",
        "Toronto Office",
        "Singapore Office",
    ];

    /// A cheap deterministic mix of the row number, so values vary without a random generator.
    fn mix(i: u64, salt: u64) -> u64 {
        let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
        x ^= x >> 29;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^ (x >> 32)
    }

    /// A row's two groups, its curator permission and its office, from its mix `r`: a third of
    /// the rows in Sales, a quarter in Engineering, one in fifty curators.
    fn groups_and_office(r: u64) -> (&'static str, &'static str, &'static str, &'static str) {
        let yes = |on: bool| if on { "yes" } else { "" };
        (
            yes((r >> 8).is_multiple_of(3)),
            yes((r >> 12).is_multiple_of(4)),
            yes((r >> 16).is_multiple_of(50)),
            OFFICES[((r >> 20) % OFFICES.len() as u64) as usize],
        )
    }

    /// Appends data row `i` (0-based), CRLF-terminated.
    pub fn write_row(out: &mut Vec<u8>, i: u64) {
        let first = FIRST[(i % 64) as usize];
        let n = i / 64;
        let last = [
            SYLLABLES[(n % 32) as usize],
            SYLLABLES[((n / 32) % 32) as usize],
            SYLLABLES[((n / 1024) % 32) as usize],
        ];
        // Email: first.last.number@domain, all lowercase; the number keeps it unique even when
        // dots are ignored (the possible-duplicate-profile rule compares without dots).
        for b in first.bytes() {
            out.push(b.to_ascii_lowercase());
        }
        out.push(b'.');
        for s in last {
            out.extend_from_slice(s.as_bytes());
        }
        let _ = write!(out, ".{i}@acme.com,{first},");
        // Last name, capitalised.
        for (k, s) in last.iter().enumerate() {
            let bytes = s.as_bytes();
            if k == 0 {
                out.push(bytes[0].to_ascii_uppercase());
                out.extend_from_slice(&bytes[1..]);
            } else {
                out.extend_from_slice(bytes);
            }
        }
        out.push(b',');
        let r = mix(i, 0x5EED);
        let title = TITLES[(r % TITLES.len() as u64) as usize];
        if title.contains(',') {
            out.push(b'"');
            out.extend_from_slice(title.as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(title.as_bytes());
        }
        let (sales, eng, curate, office) = groups_and_office(r);
        let _ = write!(out, ",E{i:07},Active,{sales},{eng},{curate},{office}\r\n");
    }

    /// Appends the header and rows `0..rows`.
    pub fn write_file(out: &mut Vec<u8>, rows: u64) {
        out.extend_from_slice(HEADER.as_bytes());
        out.extend_from_slice(b"\r\n");
        for i in 0..rows {
            write_row(out, i);
        }
    }

    /// The whole file in memory.
    pub fn file(rows: u64) -> Vec<u8> {
        let mut out = Vec::with_capacity(rows as usize * 100 + 256);
        write_file(&mut out, rows);
        out
    }

    /// Which rows a benchmark file holds.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Variant {
        /// Every value valid, every row different (the benchmark's file).
        Clean,
        /// The clean file's first row, repeated: every row a copy (X001, X002) of the first.
        Identical,
        /// Every cell of every row wrong in its own way (emails, names, ids, licenses,
        /// yes/no cells, blanks), rows still different from each other: the most findings.
        Invalid,
        /// A real organisation's file (see [`Realistic`]): about 20% `Inactive`, 2% admins, a
        /// few rows without a license, first and last names drawn from pools with realistic
        /// repetition, and about 1% of rows with the usual mistakes.
        Realistic,
        /// [`Variant::Realistic`] with the clean file's unique names: what is left when no two
        /// people share a name.
        RealisticUnique,
    }

    /// Common surnames, most frequent first; rarer ones are made of [`SYLLABLES`].
    const SURNAMES: [&str; 50] = [
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Garcia",
        "Miller",
        "Davis",
        "Rodriguez",
        "Martinez",
        "Hernandez",
        "Lopez",
        "Gonzalez",
        "Wilson",
        "Anderson",
        "Thomas",
        "Taylor",
        "Moore",
        "Jackson",
        "Martin",
        "Lee",
        "Perez",
        "Thompson",
        "White",
        "Harris",
        "Sanchez",
        "Clark",
        "Ramirez",
        "Lewis",
        "Robinson",
        "Walker",
        "Young",
        "Allen",
        "King",
        "Wright",
        "Scott",
        "Torres",
        "Nguyen",
        "Hill",
        "Flores",
        "Green",
        "Adams",
        "Nelson",
        "Baker",
        "Hall",
        "Rivera",
        "Campbell",
        "Mitchell",
        "Carter",
        "Roberts",
    ];

    /// How many first and last names the pools hold.
    const FIRST_POOL: u64 = 5_000;
    const LAST_POOL: u64 = 150_000;

    /// A rank in `0..n` drawn with probability about proportional to `1 / (rank + k)` (Zipf's
    /// law with an offset, which is how names are spread): `u` is uniform in `[0, 1)`. With the
    /// pools' offsets the commonest first name is on about 2.9% of rows and the commonest last
    /// name on about 0.7%, as James and Smith are in the United States.
    fn zipf(u: f64, n: u64, k: f64) -> u64 {
        let x = k * ((n as f64 + k) / k).powf(u);
        ((x - k) as u64).min(n - 1)
    }

    /// A uniform number in `[0, 1)` from a mixed value.
    fn unit(x: u64) -> f64 {
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A made-up name of `len` syllables: `n` in base 32, capitalised.
    fn syllable_name(out: &mut String, mut n: u64, len: usize) {
        for k in 0..len {
            let s = SYLLABLES[(n % 32) as usize];
            if k == 0 {
                out.push(s.as_bytes()[0].to_ascii_uppercase() as char);
                out.push_str(&s[1..]);
            } else {
                out.push_str(s);
            }
            n /= 32;
        }
    }

    /// The realistic files' rows (see [`Variant::Realistic`]): names repeat as in a real
    /// organisation, so addresses are `first.last@acme.com` for a name's first holder and
    /// `first.last2@acme.com`, `first.last3@acme.com`, … for the next ones.
    ///
    /// About 1% of the rows carry one of the usual mistakes, in turn: an address in capitals
    /// with a trailing space, a misspelt mail domain, `ACTIVE` for `Active`, `Y` in a group
    /// column, a name with a trailing space, the previous row's address again, the same person
    /// again with a personal address, `#N/A` for the id, a blank address, a title starting
    /// with `=`.
    #[derive(Debug, Default)]
    pub struct Realistic {
        unique: bool,
        /// How many rows have had each name so far (by first and last rank).
        seen: std::collections::HashMap<(u64, u64), u32>,
        first: String,
        last: String,
        email: String,
        previous: String,
        previous_name: (String, String),
    }

    impl Realistic {
        /// Rows with names from the pools (`unique` false) or the clean file's unique names.
        pub fn new(unique: bool) -> Realistic {
            Realistic {
                unique,
                ..Realistic::default()
            }
        }

        fn names(&mut self, i: u64) -> (u64, u64) {
            self.first.clear();
            self.last.clear();
            if self.unique {
                let n = i / 64;
                self.first.push_str(FIRST[(i % 64) as usize]);
                syllable_name(&mut self.last, n % 32768, 3);
                return (i % 64, n);
            }
            let f = zipf(unit(mix(i, 0xF1257)), FIRST_POOL, 5.0);
            let l = zipf(unit(mix(i, 0x1A57)), LAST_POOL, 15.0);
            match FIRST.get(f as usize) {
                Some(name) => self.first.push_str(name),
                None => syllable_name(&mut self.first, f - 64, 3),
            }
            match SURNAMES.get(l as usize) {
                Some(name) => self.last.push_str(name),
                None => syllable_name(&mut self.last, l - 50, if l - 50 < 32768 { 3 } else { 4 }),
            }
            (f, l)
        }

        /// Appends data row `i` (0-based), CRLF-terminated.
        pub fn write_row(&mut self, out: &mut Vec<u8>, i: u64) {
            let key = self.names(i);
            let r = mix(i, 0x5EED);
            // About 1% of rows carry a mistake: 0..10 picks which.
            let m = mix(i, 0xBAD);
            let mistake = m.is_multiple_of(100).then_some((m >> 8) % 10);
            let (mut first, mut last) = (self.first.clone(), self.last.clone());
            self.email.clear();
            match mistake {
                Some(5) if !self.previous.is_empty() => {
                    // The previous row's address again (X001).
                    self.email.push_str(&self.previous);
                }
                Some(6) if !self.previous.is_empty() => {
                    // The previous person again, with a personal address (X005).
                    (first, last) = self.previous_name.clone();
                    let local = self
                        .previous
                        .split('@')
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    self.email.push_str(&local);
                    self.email.push_str("@gmail.com");
                }
                _ => {
                    let n = self.seen.entry(key).or_insert(0);
                    *n += 1;
                    let n = *n;
                    self.email.push_str(&first.to_ascii_lowercase());
                    self.email.push('.');
                    self.email.push_str(&last.to_ascii_lowercase());
                    if n > 1 {
                        self.email.push_str(&n.to_string());
                    }
                    self.email.push_str("@acme.com");
                }
            }
            let email = match mistake {
                Some(0) => format!("{} ", self.email.to_ascii_uppercase()),
                Some(1) => self.email.replace("@acme.com", "@acme.con"),
                Some(8) => String::new(),
                _ => self.email.clone(),
            };
            if mistake == Some(4) {
                last.push(' ');
            }
            let _ = write!(out, "{email},{first},{last},");
            let title = TITLES[(r % TITLES.len() as u64) as usize];
            let formula = if mistake == Some(9) { "=" } else { "" };
            if title.contains(',') {
                let _ = write!(out, "\"{formula}{title}\"");
            } else if mistake == Some(9) {
                let _ = write!(out, "={title}");
            } else {
                out.extend_from_slice(title.as_bytes());
            }
            if mistake == Some(7) {
                out.extend_from_slice(b",#N/A,");
            } else {
                let _ = write!(out, ",E{i:07},");
            }
            // 20% Inactive, 0.3% without a license, the rest Active.
            let l = (r >> 32) % 1000;
            let license = if mistake == Some(2) {
                "ACTIVE"
            } else if l < 200 {
                "Inactive"
            } else if l < 203 {
                ""
            } else {
                "Active"
            };
            let (sales, eng, curate, office) = groups_and_office(r);
            let eng = if mistake == Some(3) { "Y" } else { eng };
            let _ = write!(out, "{license},{sales},{eng},{curate},{office}\r\n");
            self.previous.clone_from(&self.email);
            self.previous_name = (first, last.trim_end().to_string());
        }
    }

    /// Appends data row `i` of an all-invalid file, CRLF-terminated.
    pub fn write_invalid_row(out: &mut Vec<u8>, i: u64) {
        let _ = write!(
            out,
            "user {i} at acme.com, =Jane{i},Doe{i}@acme.com,#N/A,E-{i}.0,ACTIVE ,Y,maybe,TRUE, London  office\r\n"
        );
    }

    /// Streams the file to a writer, a few thousand rows at a time.
    pub fn write_to(w: &mut impl Write, rows: u64) -> io::Result<()> {
        write_variant_to(w, rows, Variant::Clean)
    }

    /// [`write_to`] for any variant.
    pub fn write_variant_to(w: &mut impl Write, rows: u64, variant: Variant) -> io::Result<()> {
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(HEADER.as_bytes());
        buf.extend_from_slice(b"\r\n");
        let mut realistic = Realistic::new(variant == Variant::RealisticUnique);
        for i in 0..rows {
            match variant {
                Variant::Clean => write_row(&mut buf, i),
                Variant::Identical => write_row(&mut buf, 0),
                Variant::Invalid => write_invalid_row(&mut buf, i),
                Variant::Realistic | Variant::RealisticUnique => realistic.write_row(&mut buf, i),
            }
            if buf.len() >= 1 << 20 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        w.write_all(&buf)?;
        w.flush()
    }
}

/// Hostile and broken inputs, made on the fly and written in pieces, so a test or the limits
/// script can feed a 200 MB file to the engine without holding it.
///
/// Each case is a name (see [`hostile::CASES`]) and a function writing its bytes to any
/// [`std::io::Write`]: a file on disk for the CLI, or [`hostile::Push`] straight into a
/// [`Checker`] or a [`Fixer`].
pub mod hostile {
    use super::*;
    use std::io::{self, Write};

    /// Every case: name, whether it is big (over 100 MB: the test suite runs it only in
    /// release, with `--include-ignored`), and what it is.
    pub const CASES: &[(&str, bool, &str)] = &[
        ("empty", false, "an empty file (0 bytes)"),
        ("bom-only", false, "only a UTF-8 byte-order mark"),
        ("delimiters-only", false, "1,000 lines of only commas"),
        ("nul-bytes", false, "a CSV with NUL bytes in its first line"),
        (
            "nul-late",
            false,
            "a clean CSV with NUL bytes after its first 64 KiB",
        ),
        (
            "utf16-bad-surrogates",
            false,
            "UTF-16LE with unpaired surrogates in cells",
        ),
        ("xlsx", false, "the start of an .xlsx workbook (a zip)"),
        ("pdf", false, "the start of a PDF document"),
        ("gzip", false, "a gzip-compressed CSV"),
        (
            "columns-20000",
            false,
            "a header and 10 rows of 20,000 columns",
        ),
        ("cell-10mb", false, "a row with a 10 MB cell"),
        ("cell-40k", false, "a row with a 40,000-character cell"),
        (
            "line-200mb",
            true,
            "a 200 MB line without a line break after the header",
        ),
        (
            "quote-never-closes",
            false,
            "a quote that never closes, 5 MB before the end",
        ),
        ("rows-20k-identical", false, "20,000 identical rows"),
        (
            "rows-20k-invalid",
            false,
            "20,000 rows, each with an invalid email and license",
        ),
        ("rows-1m-identical", true, "1,000,000 identical rows"),
        (
            "rows-1m-invalid",
            true,
            "1,000,000 rows, each with an invalid email and license",
        ),
    ];

    const HEADER: &[u8] = b"primary_email_address,preferred_first_name,preferred_last_name,acme_license_learning_status\r\n";

    /// Writes case `name`; `None` when there is no such case.
    pub fn write(name: &str, w: &mut impl Write) -> Option<io::Result<()>> {
        let mut w = io::BufWriter::with_capacity(1 << 20, w);
        let r = match name {
            "empty" => Ok(()),
            "bom-only" => w.write_all(&[0xEF, 0xBB, 0xBF]),
            "delimiters-only" => repeat(&mut w, b",,,,,,\r\n", 1000),
            "nul-bytes" => w.write_all(b"primary_email_address,name\0\0\r\na@example.com,\0x\r\n"),
            "nul-late" => (|| {
                w.write_all(HEADER)?;
                repeat(&mut w, b"ana.silva@example.com,Ana,Silva,Active\r\n", 2000)?;
                w.write_all(b"bo.li@example.com,B\0o,Li,Active\r\n")
            })(),
            "utf16-bad-surrogates" => {
                let text =
                    "primary_email_address,preferred_first_name\r\nana@example.com,A\u{FFFD}na\r\n";
                let mut bytes = vec![0xFF, 0xFE];
                for u in text.encode_utf16() {
                    // Each U+FFFD becomes a lone high surrogate, then a lone low one.
                    if u == 0xFFFD {
                        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
                        bytes.extend_from_slice(&b"x\0"[..]);
                        bytes.extend_from_slice(&0xDC00u16.to_le_bytes());
                    } else {
                        bytes.extend_from_slice(&u.to_le_bytes());
                    }
                }
                w.write_all(&bytes)
            }
            "xlsx" => {
                w.write_all(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml")
            }
            "pdf" => {
                w.write_all(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
            }
            "gzip" => w.write_all(&[
                0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4B, 0x4C, 0x4A, 0x06,
                0x00, 0xC2, 0x41, 0x24, 0x35, 0x03, 0x00, 0x00, 0x00,
            ]),
            "columns-20000" => (|| {
                w.write_all(b"primary_email_address")?;
                for i in 1..20_000 {
                    write!(w, ",attribute_c{i}")?;
                }
                w.write_all(b"\r\n")?;
                for r in 0..10 {
                    write!(w, "user{r}@example.com")?;
                    for _ in 1..20_000 {
                        w.write_all(b",x")?;
                    }
                    w.write_all(b"\r\n")?;
                }
                Ok(())
            })(),
            "cell-10mb" => long_cell(&mut w, 10_000_000),
            "cell-40k" => long_cell(&mut w, 40_000),
            "line-200mb" => (|| {
                w.write_all(HEADER)?;
                repeat(
                    &mut w,
                    b"ana.silva@example.com,Ana,Silva,Active;",
                    200_000_000 / 39,
                )
            })(),
            "quote-never-closes" => (|| {
                w.write_all(HEADER)?;
                w.write_all(b"ana.silva@example.com,Ana,Silva,Active\r\n")?;
                w.write_all(b"bo.li@example.com,\"Bo,Li,Active\r\n")?;
                repeat(
                    &mut w,
                    b"chen.wu@example.com,Chen,Wu,Active\r\n",
                    5_000_000 / 36,
                )
            })(),
            "rows-1m-identical" => identical(&mut w, 1_000_000),
            "rows-20k-identical" => identical(&mut w, 20_000),
            "rows-1m-invalid" => invalid(&mut w, 1_000_000),
            "rows-20k-invalid" => invalid(&mut w, 20_000),
            _ => return None,
        };
        Some(r.and_then(|()| w.flush()))
    }

    fn repeat(w: &mut impl Write, line: &[u8], n: usize) -> io::Result<()> {
        for _ in 0..n {
            w.write_all(line)?;
        }
        Ok(())
    }

    fn identical(w: &mut impl Write, rows: usize) -> io::Result<()> {
        w.write_all(HEADER)?;
        repeat(w, b"ana.silva@example.com,Ana,Silva,Active\r\n", rows)
    }

    fn invalid(w: &mut impl Write, rows: u32) -> io::Result<()> {
        w.write_all(HEADER)?;
        for i in 0..rows {
            write!(w, "user{i}.example.com,Ana,Silva,Actve\r\n")?;
        }
        Ok(())
    }

    fn long_cell(w: &mut impl Write, chars: usize) -> io::Result<()> {
        w.write_all(HEADER)?;
        w.write_all(b"ana.silva@example.com,Ana,\"")?;
        repeat(w, b"Silva ", chars / 6)?;
        w.write_all(b"\",Active\r\nbo.li@example.com,Bo,Li,Active\r\n")
    }

    /// A writer that pushes what it is given into a [`Checker`].
    #[derive(Debug)]
    pub struct Push<'a>(pub &'a mut Checker);

    impl Write for Push<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// How much the fix pass wrote, and the largest piece it held between two drains.
    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
    pub struct FixSizes {
        /// Bytes of the corrected file, the error report and the findings CSV.
        pub corrected: u64,
        pub error_report: u64,
        pub findings: u64,
        /// The most output held at once (corrected + reports) before the caller took it.
        pub largest_held: u64,
    }

    /// A writer that pushes into a [`Fixer`] and drains its output after every piece, keeping
    /// only sizes (and, when asked, the text of the corrected file and the reports).
    #[derive(Debug)]
    pub struct PushFix<'a> {
        pub fixer: &'a mut Fixer,
        pub sizes: FixSizes,
        pub keep: Option<FixChunk>,
    }

    /// Counts (and keeps, when `keep` is set) a piece of the fixer's output.
    fn drain(sizes: &mut FixSizes, keep: &mut Option<FixChunk>, chunk: FixChunk) {
        let n = (chunk.corrected.len() + chunk.error_report.len() + chunk.findings.len()) as u64;
        sizes.largest_held = sizes.largest_held.max(n);
        sizes.corrected += chunk.corrected.len() as u64;
        sizes.error_report += chunk.error_report.len() as u64;
        sizes.findings += chunk.findings.len() as u64;
        if let Some(k) = keep.as_mut() {
            k.corrected.extend_from_slice(&chunk.corrected);
            k.error_report.extend_from_slice(&chunk.error_report);
            k.findings.extend_from_slice(&chunk.findings);
        }
    }

    impl Write for PushFix<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.fixer.push(buf);
            let chunk = self.fixer.take_output();
            drain(&mut self.sizes, &mut self.keep, chunk);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Checks case `name`, streamed in 1 MiB pieces.
    pub fn check(name: &str, options: Options) -> Report {
        let mut c = Checker::new(options);
        write(name, &mut Push(&mut c))
            .expect("a known case")
            .expect("writing to the checker cannot fail");
        c.finish()
    }

    /// Runs the fix pass over case `name`, streamed; keeps the outputs' text when `keep`.
    pub fn fix(
        name: &str,
        report: &Report,
        fix: &FixOptions,
        keep: bool,
    ) -> (FixSizes, Option<FixChunk>) {
        let mut f = Fixer::new(report, fix);
        let mut p = PushFix {
            fixer: &mut f,
            sizes: FixSizes::default(),
            keep: keep.then(FixChunk::default),
        };
        write(name, &mut p)
            .expect("a known case")
            .expect("writing to the fixer cannot fail");
        let PushFix {
            mut sizes,
            mut keep,
            ..
        } = p;
        drain(&mut sizes, &mut keep, f.finish());
        (sizes, keep)
    }
}
