//! Checking a file in two parts at once (`Checker::part` + `Checker::merge`) gives exactly the
//! report of one checker: same JSON, same kept findings with their cells, same fixes. Every cut
//! of realistic messy files is tried: between records (the merge must be taken) and inside a
//! quoted cell spanning lines (the merge must be refused, and the caller's fallback then gives
//! the same report).

use orgsync_core::split::{PART_HEAD, Part, cut_point};
use orgsync_core::{Checker, FixOptions, Options, Report, Suggested};
use orgsync_tests::run;

/// A small deterministic generator (xorshift), so the files are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, pool: &[&'a str]) -> &'a str {
        pool[self.below(pool.len())]
    }
}

#[derive(Clone, Copy)]
struct Shape {
    rows: usize,
    delimiter: u8,
    /// 0 CRLF, 1 LF, 2 mixed.
    endings: u8,
    bom: bool,
    /// Wide tables: every other row a domain of its own, every third an `attribute_code` value, and a
    /// domain and an office on ~1,500 rows, so that each half stays under the caps of R004's
    /// and R020's tables (10,000 domains, 5,000 values a column, 1,000 rows remembered a
    /// value) and the whole file does not.
    wide: bool,
}

/// A messy Org Sync file: typos, capitals, stray spaces, duplicates far apart, case variants of
/// attribute values, quoted cells with the delimiter and with line breaks, Windows-1252 bytes,
/// blank lines. Returns the bytes and where each record starts, and the line breaks inside
/// quoted cells (where a cut falls inside a record).
fn messy(seed: u64, s: Shape) -> (Vec<u8>, Vec<usize>, Vec<usize>) {
    let mut rng = Rng(seed | 1);
    let d = s.delimiter as char;
    let mut out: Vec<u8> = Vec::new();
    if s.bom {
        out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    let header = [
        "primary_email_address",
        "preferred_first_name",
        "preferred_last_name",
        "work_title",
        "unique_user_id",
        "acme_license_learning_status",
        "group:Sales",
        "permission_curate_content",
        "attribute_office",
        "attribute_code",
    ];
    let eol = |out: &mut Vec<u8>, i: usize| match (s.endings, i % 3) {
        (0, _) | (2, 0) => out.extend_from_slice(b"\r\n"),
        _ => out.push(b'\n'),
    };
    out.extend_from_slice(header.join(&d.to_string()).as_bytes());
    eol(&mut out, 0);
    let mut starts = Vec::new();
    let mut inside = Vec::new();
    let mut emails: Vec<String> = Vec::new();
    for i in 0..s.rows {
        if rng.below(60) == 0 {
            eol(&mut out, i);
        }
        starts.push(out.len());
        let domain = match rng.below(40) {
            _ if s.wide && i % 2 == 1 => format!("d{i}.example"),
            _ if s.wide && i % 12 == 0 => "partner.example".to_string(),
            0 => "acme.con".to_string(),
            1 => "acme.co".to_string(),
            2 => "ACME.com".to_string(),
            3 => format!("d{}.example", rng.below(30)),
            _ => "acme.com".to_string(),
        };
        let email = match rng.below(50) {
            0 if !emails.is_empty() => emails[rng.below(emails.len())].clone(),
            1 => format!("user{i}@@{domain}"),
            2 => format!(" User{i}@{domain} "),
            3 => String::new(),
            4 => format!("first.last+{i}@{domain}"),
            _ => format!("user{i}@{domain}"),
        };
        emails.push(email.clone());
        let first = rng.pick(&["Ann", "Bob", "Zoë", "  Cy", "Dee", "=cmd", ""]);
        let last = rng.pick(&["Lee", "Ng", "Smith", "O'Neil", "Müller", ""]);
        let title = match rng.below(12) {
            0 => "\"Manager, Sales\"".to_string(),
            // A quoted cell spanning lines: a cut inside it falls inside the record.
            1 => "\"Line one\nline two\"".to_string(),
            2 => "\"He said \"\"hi\"\"\"".to_string(),
            _ => rng
                .pick(&["Engineer", "Analyst", "Director", ""])
                .to_string(),
        };
        let id = match rng.below(40) {
            0 if i > 10 => format!("E{}", rng.below(i)),
            1 => "1.23E+05".to_string(),
            _ => format!("E{i}"),
        };
        let license = rng.pick(&[
            "Active", "Active", "active", "Inactive", "ACTIVE ", "yes", "",
        ]);
        let group = rng.pick(&["yes", "no", "", "", "Yes", "maybe"]);
        let perm = rng.pick(&["", "", "yes", "no", "group:Sales", "group:Nowhere"]);
        let office = rng.pick(&[
            "Sydney Office",
            "Sydney Office",
            "sydney office",
            "Sydney  Office",
            "London",
            "LONDON",
            "",
        ]);
        let code = if s.wide {
            // With case variants, which R020 reports while it tracks the column.
            format!("{}{}", if i % 7 == 0 { 'c' } else { 'C' }, i / 3)
        } else {
            format!("C{}", rng.below(40))
        };
        let cells = [
            email.as_str(),
            first,
            last,
            title.as_str(),
            id.as_str(),
            license,
            group,
            perm,
            office,
            code.as_str(),
        ];
        let mut line = cells.join(&d.to_string()).into_bytes();
        if rng.below(80) == 0 {
            // A Windows-1252 byte: this record is not UTF-8.
            line.extend_from_slice(&[s.delimiter, 0xE9]);
        }
        if let Some(k) = line.windows(10).position(|w| w == b"\"Line one\n") {
            inside.push(out.len() + k + 10);
        }
        out.extend_from_slice(&line);
        eol(&mut out, i + 1);
    }
    (out, starts, inside)
}

fn options(cap: Option<usize>) -> Options {
    Options {
        file_name: Some("users.csv".into()),
        known_groups: vec!["Sales".into()],
        max_findings_per_code: cap,
        roster: None,
        encoding: None,
        sheet: None,
    }
}

/// The first checker takes `bytes[..cut]` in chunks, the part checker the rest; `None` when the
/// merge was refused (the first checker then takes the rest itself, as callers do).
fn in_two(bytes: &[u8], cut: usize, options: &Options) -> (Report, bool) {
    let mut first = Checker::new(options.clone());
    for (i, piece) in run::pieces(&bytes[..cut], 7_001).into_iter().enumerate() {
        first.push(piece);
        if i == 0 {
            // The page's first worker expects the whole file: here rightly, or three times
            // too much (a hint changes memory, never the report).
            first.expect_bytes(bytes.len() as u64 * (1 + 2 * (cut as u64 % 2)));
        }
    }
    let head = &bytes[..bytes.len().min(PART_HEAD)];
    let mut second = Checker::part(options.clone(), head).expect("a UTF-8 file can be split");
    for piece in run::pieces(&bytes[cut..], 5_003) {
        second.push(piece);
    }
    // Through bytes, as between workers.
    let part = Part::from_vec(second.into_part().into_bytes()).expect("a part");
    let merged = first.merge(part).is_ok();
    if !merged {
        first.push(&bytes[cut..]);
    }
    (first.finish(), merged)
}

fn same(bytes: &[u8], a: &Report, b: &Report, what: &str) {
    same_report(a, b, what);
    same_fixes(bytes, a, b, what);
}

fn same_report(a: &Report, b: &Report, what: &str) {
    assert_eq!(a.to_json(false), b.to_json(false), "{what}: JSON report");
    assert_eq!(
        a.findings, b.findings,
        "{what}: kept findings (cells, columns)"
    );
    assert_eq!(a.summary.omitted, b.summary.omitted, "{what}: omitted");
    assert_eq!(
        a.summary.fixes_by_code, b.summary.fixes_by_code,
        "{what}: fixes by code"
    );
}

/// The fix pass's outputs from the two reports (the cross-row plan comes from the merge).
fn same_fixes(bytes: &[u8], a: &Report, b: &Report, what: &str) {
    let all = FixOptions {
        suggested: Suggested::All,
        ..FixOptions::default()
    };
    for fix in [FixOptions::default(), all] {
        let x = run::fix(bytes, a, &fix, 0);
        let y = run::fix(bytes, b, &fix, 0);
        assert!(x.corrected == y.corrected, "{what}: corrected file");
        assert!(x.error_report == y.error_report, "{what}: error report");
        assert!(x.findings == y.findings, "{what}: findings CSV");
    }
}

/// A few of `at`: the first and last two, and every `every`th.
fn some(at: &[usize], every: usize) -> Vec<usize> {
    let n = at.len();
    at.iter()
        .enumerate()
        .filter(|&(i, _)| i < 2 || i + 2 >= n || i % every == 0)
        .map(|(_, &s)| s)
        .collect()
}

fn check_cuts(seed: u64, shape: Shape, cap: Option<usize>, every: usize, fixes_every: usize) {
    let (bytes, starts, inside) = messy(seed, shape);
    assert!(
        bytes.len() > PART_HEAD,
        "the file must be longer than the part's head"
    );
    let options = options(cap);
    let whole = run::check(&bytes, &options, 0);
    assert!(
        whole.summary.errors > 0 && whole.summary.warnings > 0,
        "a messy file"
    );
    let (between, within) = (some(&starts, every), some(&inside, usize::MAX));
    let mut merged = 0;
    for (k, &cut) in between.iter().enumerate() {
        // A record start is right after a line break, so `cut_point` finds it from just before.
        assert_eq!(cut_point(&bytes[cut - 1..]), Some(1));
        let (report, took) = in_two(&bytes, cut, &options);
        // Cuts before the first checker has its 1 MiB sample are refused (it has not sniffed).
        if cut >= PART_HEAD {
            assert!(
                took,
                "seed {seed}: the merge at byte {cut} (a record start) was refused"
            );
            merged += 1;
        }
        let what = format!("seed {seed}, cut at record start {cut}");
        same_report(&report, &whole, &what);
        if k % fixes_every == 0 {
            same_fixes(&bytes, &report, &whole, &what);
        }
    }
    assert!(merged > 0, "no cut was merged");
    for &cut in &within {
        let (report, took) = in_two(&bytes, cut, &options);
        assert!(
            !took,
            "seed {seed}: a cut inside a quoted cell at {cut} was merged"
        );
        same(
            &bytes,
            &report,
            &whole,
            &format!("seed {seed}, cut inside a cell at {cut}"),
        );
    }
}

// Longer than the 1 MiB both checkers decide the encoding on (`PART_HEAD`).
const BASE: Shape = Shape {
    rows: 22_000,
    delimiter: b',',
    endings: 0,
    bom: false,
    wide: false,
};

#[test]
fn crlf_comma_file_in_two_parts_is_one_report() {
    check_cuts(11, BASE, None, 1_777, 3);
}

#[test]
fn lf_semicolon_file_with_bom_and_capped_findings() {
    let shape = Shape {
        delimiter: b';',
        endings: 1,
        bom: true,
        ..BASE
    };
    check_cuts(23, shape, Some(3), 2_399, 3);
}

#[test]
fn mixed_line_endings_and_tabs() {
    let shape = Shape {
        delimiter: b'\t',
        endings: 2,
        ..BASE
    };
    check_cuts(37, shape, Some(50), 2_069, 3);
}

/// R020's table gives up past 5,000 values in a column, R004's keeps 10,000 domains, and a
/// domain or value on more than 1,000 rows is not remembered: both halves under the caps, the
/// file over them.
#[test]
fn caps_of_the_domain_and_attribute_tables() {
    let shape = Shape {
        rows: 21_000,
        wide: true,
        ..BASE
    };
    // The cap shows: half the file gets R020 findings in `attribute_code`, the whole file none.
    let (bytes, starts, _) = messy(41, shape);
    let r020_codes = |r: &Report| {
        r.findings
            .iter()
            .filter(|f| f.code == orgsync_core::Code::R020 && f.column == Some(9))
            .count()
    };
    let half = run::check(&bytes[..starts[starts.len() / 2]], &options(None), 0);
    assert!(r020_codes(&half) > 0);
    assert_eq!(r020_codes(&run::check(&bytes, &options(None), 0)), 0);
    check_cuts(41, shape, Some(100), 4_999, 100);
}

#[test]
fn a_part_is_refused_when_it_does_not_fit() {
    let (bytes, starts, _) = messy(
        5,
        Shape {
            rows: 22_000,
            ..BASE
        },
    );
    let options = options(None);
    let head = &bytes[..PART_HEAD];
    // Past the first MiB, which the first checker holds back before it reads its header.
    let cut = *starts
        .iter()
        .find(|&&s| s > PART_HEAD + 4096)
        .expect("a record past the head");
    let part = || {
        let mut p = Checker::part(options.clone(), head).expect("a part");
        p.push(&bytes[cut..]);
        p.into_part()
    };
    let first = || {
        let mut c = Checker::new(options.clone());
        c.push(&bytes[..cut]);
        c
    };
    // Damaged bytes: every truncation is refused, and the checker is unchanged.
    let whole = part().into_bytes();
    for n in [8, 9, 20, whole.len() / 2, whole.len() - 1] {
        let mut c = first();
        let p = Part::from_bytes(&whole[..n]).expect("the magic is there");
        assert!(c.merge(p).is_err(), "{n} bytes");
        c.push(&bytes[cut..]);
        same(
            &bytes,
            &c.finish(),
            &run::check(&bytes, &options, 0),
            "after a refused part",
        );
    }
    assert!(Part::from_bytes(b"not a part").is_err());
    // Another file's header.
    let other = String::from_utf8_lossy(&bytes).replacen("work_title", "job_title", 1);
    let mut c = first();
    let mut p = Checker::part(options.clone(), &other.as_bytes()[..PART_HEAD]).expect("a part");
    p.push(&bytes[cut..]);
    assert_eq!(
        c.merge(p.into_part()).map_err(|e| e.to_string()),
        Err("the part read another header".to_string())
    );
    // A part cannot take a part; a user export or a UTF-16 file cannot be split.
    let mut p = Checker::part(options.clone(), head).expect("a part");
    assert!(p.merge(part()).is_err());
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            String::from_utf8_lossy(&bytes)
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    assert!(Checker::part(options.clone(), &utf16[..PART_HEAD]).is_none());
    assert!(
        Checker::part(options.clone(), &bytes[..100]).is_none(),
        "shorter than the head"
    );
}
