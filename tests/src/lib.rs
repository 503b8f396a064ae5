//! Test support shared by the golden cases, the property tests and the benchmark binaries.
//!
//! - [`run`]: the check pass and the fix pass over bytes fed in chunks of a chosen size, as the
//!   CLI and the page feed them;
//! - [`bench`]: the deterministic clean Org Sync file the speed benchmark reads.

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
        let sales = if (r >> 8).is_multiple_of(3) {
            "yes"
        } else {
            ""
        };
        let eng = if (r >> 12).is_multiple_of(4) {
            "yes"
        } else {
            ""
        };
        let curate = if (r >> 16).is_multiple_of(50) {
            "yes"
        } else {
            ""
        };
        let office = OFFICES[((r >> 20) % OFFICES.len() as u64) as usize];
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
        for i in 0..rows {
            match variant {
                Variant::Clean => write_row(&mut buf, i),
                Variant::Identical => write_row(&mut buf, 0),
                Variant::Invalid => write_invalid_row(&mut buf, i),
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
