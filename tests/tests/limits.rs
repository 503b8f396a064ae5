//! Hostile and broken files: each gives a report with a clear finding, never a panic, a hang or
//! unbounded memory. The inputs are made on the fly and streamed in 1 MiB pieces
//! (`orgsync_tests::hostile`), so the test itself stays small in memory. The cases over 100 MB
//! are `#[ignore]`d here and run in release by `scripts/limits.sh`, which also records the
//! CLI's peak memory on them.
//!
//! The limits (see RELIABILITY.md): 16,384 columns (F013) and 32,767 characters a cell (F012),
//! Excel's own; 1 MiB and 65,536 fields a row (F014), the engine's, past which a row is cut.

use orgsync_core::{Code, FixOptions, Options, Report};
use orgsync_tests::hostile::{self, FixSizes};

/// The findings' counts per code, exact whatever the cap.
fn counts(r: &Report) -> Vec<(Code, u64)> {
    r.summary.by_code.iter().map(|(c, n)| (*c, *n)).collect()
}

fn capped(n: usize) -> Options {
    Options {
        max_findings_per_code: Some(n),
        ..Options::default()
    }
}

/// Checks and fixes a case, streamed; returns the report and the fix outputs' sizes.
fn run(name: &str, options: Options) -> (Report, FixSizes) {
    let report = hostile::check(name, options);
    let (sizes, _) = hostile::fix(name, &report, &FixOptions::default(), false);
    (report, sizes)
}

fn message(r: &Report, code: Code) -> &str {
    &r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", counts(r)))
        .message
}

#[test]
fn empty_file() {
    let (r, sizes) = run("empty", Options::default());
    assert_eq!(counts(&r), [(Code::F005, 1)]);
    assert_eq!(message(&r, Code::F005), "The file is empty.");
    assert_eq!(sizes.corrected, 0);
}

#[test]
fn only_a_byte_order_mark() {
    let (r, _) = run("bom-only", Options::default());
    assert_eq!(counts(&r), [(Code::F002, 1), (Code::F005, 1)]);
    assert!(message(&r, Code::F005).contains("no header row"));
}

#[test]
fn only_delimiters() {
    let (r, _) = run("delimiters-only", capped(10));
    // No header (every cell empty): the file is empty, each line a blank row.
    assert_eq!(counts(&r), [(Code::F005, 1), (Code::F008, 1000)]);
    assert_eq!(r.findings.len(), 11);
    assert_eq!(r.summary.omitted, 990);
}

#[test]
fn nul_bytes() {
    let (r, sizes) = run("nul-bytes", Options::default());
    assert_eq!(counts(&r), [(Code::F003, 1)]);
    assert!(message(&r, Code::F003).contains("binary file"));
    assert_eq!(sizes.corrected, 0);
}

#[test]
fn nul_bytes_after_the_sniffed_start() {
    // Past the first 64 KiB the file is already read as text: the NUL is a character in a cell.
    let (r, _) = run("nul-late", Options::default());
    assert!(
        !r.summary.by_code.contains_key(&Code::F003),
        "{:?}",
        counts(&r)
    );
    assert_eq!(r.file.rows, 2001);
    // Fed in small pieces, the answer is the same: only the first 64 KiB decide.
    let mut bytes = Vec::new();
    hostile::write("nul-late", &mut bytes).unwrap().unwrap();
    let small = orgsync_tests::run::check(&bytes, &Options::default(), 4096);
    assert_eq!(small.to_json(false), r.to_json(false));
}

#[test]
fn invalid_utf16_surrogates() {
    let (r, _) = run("utf16-bad-surrogates", Options::default());
    assert_eq!(counts(&r), [(Code::F001, 1), (Code::R013, 1)]);
    assert!(message(&r, Code::R013).contains('\u{FFFD}'));
}

#[test]
fn workbook_pdf_and_gzip_are_not_csv() {
    for (name, what) in [
        // The start of a workbook only: a damaged zip, no workbook the engine can read.
        ("xlsx", "zip file that holds no workbook"),
        ("pdf", "PDF document"),
        ("gzip", "gzip-compressed"),
    ] {
        let (r, sizes) = run(name, Options::default());
        assert_eq!(counts(&r), [(Code::F003, 1)], "{name}");
        assert!(message(&r, Code::F003).contains(what), "{name}");
        assert_eq!(sizes.corrected, 0, "{name}");
    }
}

#[test]
fn twenty_thousand_columns() {
    let (r, sizes) = run("columns-20000", Options::default());
    assert_eq!(r.file.columns, 20_000);
    assert_eq!(r.file.rows, 10);
    assert_eq!(
        message(&r, Code::F013),
        "The header has 20,000 columns; Excel holds at most 16,384, and an Org Sync file needs a few dozen at most."
    );
    // Nothing is cut: 20,000 fields is under the parser's 65,536.
    assert!(!r.summary.by_code.contains_key(&Code::F014));
    assert!(sizes.corrected > 20_000 * 10 * 2);
}

#[test]
fn a_cell_longer_than_excel_allows() {
    let (r, _) = run("cell-40k", Options::default());
    assert_eq!(r.summary.by_code.get(&Code::F012), Some(&1));
    assert!(!r.summary.by_code.contains_key(&Code::F014));
    let f = r.findings.iter().find(|f| f.code == Code::F012).unwrap();
    assert_eq!((f.row, f.column), (Some(2), Some(2)));
    assert!(f.message.starts_with("This cell holds 39,996 characters"));
}

#[test]
fn a_ten_megabyte_cell_is_cut() {
    let (r, sizes) = run("cell-10mb", Options::default());
    assert_eq!(counts(&r), [(Code::F012, 1), (Code::F014, 1)]);
    assert!(message(&r, Code::F014).starts_with("This row is 10,000,032 bytes long"));
    // The next row is read, on its own line.
    assert_eq!(r.file.rows, 2);
    // The outputs hold the cut row, not 10 MB of it.
    assert!(sizes.corrected < 1_100_000, "{sizes:?}");
    assert!(sizes.largest_held < 4 << 20, "{sizes:?}");
}

#[test]
fn a_quote_that_never_closes_is_cut() {
    let (r, _) = run("quote-never-closes", Options::default());
    let f = r.findings.iter().find(|f| f.code == Code::F014).unwrap();
    assert_eq!((f.row, f.line), (Some(3), Some(3)));
    assert!(f.message.starts_with("This row is 5,000,001 bytes long"));
    assert!(message(&r, Code::F006).contains("never closes"));
    assert_eq!(r.file.rows, 2);
}

#[test]
fn twenty_thousand_identical_rows() {
    let (r, sizes) = run("rows-20k-identical", capped(100));
    assert_eq!(r.summary.by_code.get(&Code::X001), Some(&20_000));
    assert!(r.findings.len() <= 100 * r.summary.by_code.len());
    // The copies are dropped: the corrected file is the header and one row.
    assert_eq!(sizes.corrected, 93 + 40);
}

#[test]
fn twenty_thousand_invalid_rows() {
    let (r, sizes) = run("rows-20k-invalid", capped(100));
    assert_eq!(r.summary.by_code.get(&Code::R002), Some(&20_000));
    assert_eq!(r.summary.by_code.get(&Code::R005), Some(&20_000));
    assert!(r.findings.len() <= 100 * r.summary.by_code.len());
    // The reports are complete, capped list or not: a line per finding, a row per bad row.
    assert!(sizes.findings > 40_000 * 100, "{sizes:?}");
    assert!(sizes.error_report > 20_000 * 100, "{sizes:?}");
}

#[test]
#[ignore = "200 MB: run in release by scripts/limits.sh"]
fn a_200_megabyte_line() {
    let (r, sizes) = run("line-200mb", capped(100));
    assert_eq!(r.summary.by_code.get(&Code::F014), Some(&1));
    assert!(message(&r, Code::F014).starts_with("This row is 199,999,995 bytes long"));
    assert!(sizes.corrected < 1_100_000, "{sizes:?}");
}

#[test]
#[ignore = "1M rows: run in release by scripts/limits.sh"]
fn a_million_identical_rows() {
    let (r, sizes) = run("rows-1m-identical", capped(100));
    assert_eq!(r.summary.by_code.get(&Code::X001), Some(&1_000_000));
    assert!(r.findings.len() <= 100 * r.summary.by_code.len());
    assert_eq!(sizes.corrected, 93 + 40);
}

#[test]
#[ignore = "1M rows: run in release by scripts/limits.sh"]
fn a_million_invalid_rows() {
    let (r, sizes) = run("rows-1m-invalid", capped(100));
    assert_eq!(r.summary.by_code.get(&Code::R002), Some(&1_000_000));
    assert_eq!(r.summary.by_code.get(&Code::R005), Some(&1_000_000));
    assert!(r.findings.len() <= 100 * r.summary.by_code.len());
    assert!(sizes.findings > 2_000_000 * 100, "{sizes:?}");
}
