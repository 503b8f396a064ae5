//! Properties of the two passes on any input.
//!
//! Inputs are built to look like what Excel and HR systems write: a header drawn from the known
//! columns, cells drawn from a pool of realistic dirty values (stray spaces, case variants, bad
//! emails, `ACTIVE`, `Yes`, formulas, quotes, commas and line breaks inside cells, accents),
//! written with a chosen delimiter, line ending, byte-order mark and encoding. Each row carries a
//! unique id in an `attribute_row_id` column so the corrected file's rows can be traced back.
//!
//! `PROPTEST_CASES=N` runs more cases than the default.

use orgsync_core::{Code, Edit, Finding, Fix, FixOptions, Options, Report};
use orgsync_tests::run;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The id column every generated file carries.
const ID: &str = "attribute_row_id";

use orgsync_tests::dirty::{COLUMNS as OPTIONAL, pool};

/// A generated file: its text, and the id of each spreadsheet row after the header (`None` for
/// a blank row).
#[derive(Debug, Clone)]
struct Generated {
    bytes: Vec<u8>,
    ids: Vec<Option<String>>,
}

#[derive(Debug, Clone, Copy)]
enum Form {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Windows1252,
}

fn quote(cell: &str, delimiter: char) -> String {
    if cell.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Builds an Org Sync-like file from the generator's choices.
fn build(
    columns: Vec<&'static str>,
    picks: Vec<Vec<usize>>,
    blanks: Vec<bool>,
    duplicate: Option<usize>,
    delimiter: char,
    endings: u8,
    form: Form,
) -> Generated {
    let mut header = vec!["primary_email_address", ID];
    header.extend(columns);
    let eol = |i: usize| match endings {
        0 => "\r\n",
        1 => "\n",
        // Mixed, as when two files are pasted together.
        _ if i.is_multiple_of(3) => "\n",
        _ => "\r\n",
    };
    let mut text = String::new();
    let line: Vec<String> = header.iter().map(|h| quote(h, delimiter)).collect();
    text.push_str(&line.join(&delimiter.to_string()));
    text.push_str(eol(0));
    let mut ids = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    for (r, pick) in picks.iter().enumerate() {
        let id = format!("r{r}");
        let cells: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(c, h)| {
                if *h == ID {
                    id.clone()
                } else {
                    let p = pool(h);
                    quote(p[pick[c % pick.len()] % p.len()], delimiter)
                }
            })
            .collect();
        rows.push(cells.join(&delimiter.to_string()));
        ids.push(Some(id));
    }
    if let Some(d) = duplicate.filter(|_| !rows.is_empty()) {
        // An exact copy of a row (the same id too), as when an export is pasted twice.
        let d = d % rows.len();
        rows.push(rows[d].clone());
        ids.push(ids[d].clone());
    }
    let mut all_ids = Vec::new();
    for (i, (row, id)) in rows.into_iter().zip(ids).enumerate() {
        if blanks.get(i).copied().unwrap_or(false) {
            text.push_str(eol(i + 1));
            all_ids.push(None);
        }
        text.push_str(&row);
        text.push_str(eol(i + 1));
        all_ids.push(id);
    }
    let bytes = match form {
        Form::Utf8 => text.into_bytes(),
        Form::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Form::Utf16Le => {
            let mut b = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            b
        }
        Form::Windows1252 => {
            // Characters Windows-1252 lacks become `?`, as Excel writes them.
            windows_1252(&text)
        }
    };
    Generated {
        bytes,
        ids: all_ids,
    }
}

/// Windows-1252 bytes for the generator's text (its Latin-1 range, `?` for the rest).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            let u = c as u32;
            if u < 0x80 || (0xA0..=0xFF).contains(&u) {
                u as u8
            } else {
                b'?'
            }
        })
        .collect()
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        proptest::sample::subsequence(OPTIONAL, 0..8),
        proptest::collection::vec(proptest::collection::vec(0usize..64, 1..24), 0..14),
        proptest::collection::vec(proptest::bool::weighted(0.1), 0..16),
        proptest::option::weighted(0.3, 0usize..14),
        prop_oneof![4 => Just(','), 1 => Just(';'), 1 => Just('\t')],
        0u8..3,
        prop_oneof![
            4 => Just(Form::Utf8),
            1 => Just(Form::Utf8Bom),
            1 => Just(Form::Utf16Le),
            1 => Just(Form::Windows1252),
        ],
    )
        .prop_map(|(cols, picks, blanks, dup, d, e, form)| {
            build(cols, picks, blanks, dup, d, e, form)
        })
}

fn config(cases: u32) -> Config {
    Config {
        cases: run::proptest_cases(cases),
        failure_persistence: None,
        ..Config::default()
    }
}

fn safe_only() -> FixOptions {
    FixOptions::default()
}

/// The fix a finding carries, if `fix` applies it.
fn applied_fix<'a>(f: &'a Finding, fix: &FixOptions) -> Option<&'a Fix> {
    f.fix.as_ref().filter(|x| fix.applies_to(f.code, x))
}

/// Spreadsheet rows (2 = the first after the header) that a fix which is on drops.
fn dropped_rows(report: &Report, fix: &FixOptions) -> Vec<u64> {
    report
        .findings
        .iter()
        .filter(|f| applied_fix(f, fix).is_some_and(|x| x.edit == Edit::DropRow))
        .filter_map(|f| f.row)
        .collect()
}

/// The `attribute_row_id` of each row of a corrected (comma-separated UTF-8) file.
fn corrected_ids(corrected: &[u8]) -> Vec<String> {
    let body = corrected
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(corrected);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(body);
    let mut records = rdr.byte_records().map_while(Result::ok);
    let Some(head) = records.next() else {
        return Vec::new();
    };
    let Some(col) = head.iter().position(|h| h == ID.as_bytes()) else {
        return Vec::new();
    };
    records
        .map(|r| String::from_utf8_lossy(r.get(col).unwrap_or_default()).into_owned())
        .collect()
}

/// Findings that carry a safe fix (the ones a corrected file must be free of).
fn safe_fixable(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| applied_fix(f, &safe_only()).is_some())
        .map(|f| {
            format!(
                "{} row {:?} col {:?}: {} ({:?})",
                f.code, f.row, f.column, f.message, f.fix
            )
        })
        .collect()
}

fn options() -> Options {
    Options {
        known_groups: vec!["Sales".into(), "Engineering".into()],
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Any bytes at all give a report, and the fix pass runs over them, without a panic.
    #[test]
    fn any_bytes_give_a_report(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
        let report = run::check(&bytes, &Options::default(), 0);
        let _ = report.to_json(false);
        let _ = run::fix(&bytes, &report, &FixOptions { suggested: orgsync_core::Suggested::All, ..FixOptions::default() }, 0);
    }

    /// Generated files with random bytes flipped: half-valid CSV is the hard case for a parser.
    #[test]
    fn damaged_files_give_a_report(
        g in generated(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
    ) {
        let mut bytes = g.bytes;
        for (at, b) in flips {
            if !bytes.is_empty() {
                let n = bytes.len();
                bytes[at % n] = b;
            }
        }
        let report = run::check(&bytes, &options(), 0);
        let _ = run::fix(&bytes, &report, &FixOptions { suggested: orgsync_core::Suggested::All, ..FixOptions::default() }, 0);
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Fixing the corrected file again changes nothing.
    #[test]
    fn fixing_twice_equals_fixing_once(g in generated()) {
        let (_, once) = run::check_and_fix(&g.bytes, &options(), &safe_only());
        let (_, twice) = run::check_and_fix(&once.corrected, &options(), &safe_only());
        prop_assert_eq!(
            String::from_utf8_lossy(&once.corrected),
            String::from_utf8_lossy(&twice.corrected)
        );
    }

    /// What is left, when the fix pass counts it (`Fixer::track_left`, what `orgsync fix`
    /// reports without checking the corrected file again), is what a check of it says.
    #[test]
    fn what_is_left_is_counted_as_a_check_counts_it(g in generated(), suggested in any::<bool>()) {
        let options = options().with_max_findings_per_code(Some(orgsync_core::Left::CAP));
        let fix = if suggested {
            FixOptions { suggested: orgsync_core::Suggested::All, ..FixOptions::default() }
        } else {
            safe_only()
        };
        let report = run::check(&g.bytes, &options, 0);
        let mut fixer = orgsync_core::Fixer::new(&report, &fix).track_left(&report);
        fixer.push(&g.bytes);
        let (out, left) = fixer.finish_with_left();
        if let Some(left) = left {
            let full = orgsync_core::Left::of(&run::check(&out.corrected, &options, 0));
            prop_assert_eq!(left, full, "{}", String::from_utf8_lossy(&g.bytes));
        }
    }

    /// The corrected file has nothing left that a safe fix would change.
    #[test]
    fn corrected_file_has_no_safe_fixable_finding(g in generated()) {
        let (_, out) = run::check_and_fix(&g.bytes, &options(), &safe_only());
        let again = run::check(&out.corrected, &options(), 0);
        let left = safe_fixable(&again);
        prop_assert!(
            left.is_empty(),
            "corrected file:\n{}\nstill has safe-fixable findings:\n{}",
            String::from_utf8_lossy(&out.corrected),
            left.join("\n")
        );
    }

    /// Every row reaches the corrected file, in order, except the rows a fix drops.
    #[test]
    fn rows_are_kept_in_order(g in generated()) {
        let (report, out) = run::check_and_fix(&g.bytes, &options(), &safe_only());
        // A shifted row (F007 with cells past the header) or a quoting problem can move the id
        // out of its column; such files are not about row order.
        prop_assume!(!report.summary.by_code.contains_key(&Code::F006));
        let dropped = dropped_rows(&report, &safe_only());
        let expected: Vec<String> = g
            .ids
            .iter()
            .enumerate()
            .filter(|(i, _)| !dropped.contains(&(*i as u64 + 2)))
            .filter_map(|(_, id)| id.clone())
            .collect();
        let got: Vec<String> = corrected_ids(&out.corrected)
            .into_iter()
            .filter(|id| !id.is_empty())
            .collect();
        prop_assert_eq!(got, expected);
    }

    /// However the bytes are cut into chunks, the report is the same. The files are repeated to
    /// 70 KiB (the delimiter's and binary sniffing's 64 KiB), cut anywhere.
    #[test]
    fn any_chunking_gives_the_same_report(
        g in generated(),
        cuts in proptest::collection::vec(any::<usize>(), 1..12),
    ) {
        chunking(&g, &cuts, 70 * 1024)?;
    }
}

proptest! {
    #![proptest_config(config(4))]

    /// The same past the 1 MiB the engine holds back to decide the encoding, half the cuts in the
    /// streaming part (few cases: each checks two files of a MiB).
    #[test]
    fn any_chunking_past_the_first_mib_gives_the_same_report(
        g in generated(),
        cuts in proptest::collection::vec(any::<usize>(), 1..12),
    ) {
        chunking(&g, &cuts, (1 << 20) + 6 * 1024)?;
    }
}

fn chunking(g: &Generated, cuts: &[usize], size: usize) -> Result<(), TestCaseError> {
    {
        let mut bytes = g.bytes.clone();
        if g.bytes.len() > 8 {
            // Repeat the records (not the header, nor the BOM) to pass `size`.
            let body_start = if g.bytes.starts_with(&[0xFF, 0xFE]) {
                // UTF-16LE: the first line feed is the pair 0A 00 at an even offset.
                (0..g.bytes.len() / 2)
                    .find(|&i| g.bytes[2 * i] == b'\n' && g.bytes[2 * i + 1] == 0)
                    .map_or(0, |i| 2 * i + 2)
            } else {
                g.bytes
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)
            };
            let body = &g.bytes[body_start..];
            if body.len() > 4 {
                while bytes.len() < size {
                    bytes.extend_from_slice(body);
                }
            }
        }
        // Half the cuts anywhere, half in the streaming part past the first MiB.
        let n = bytes.len().max(1);
        let tail = n.saturating_sub(1 << 20).max(1);
        let cuts: Vec<usize> = cuts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 || n <= 1 << 20 {
                    c % n
                } else {
                    (1 << 20) + c % tail
                }
            })
            .collect();
        let whole = run::check(&bytes, &options(), 0);
        let split = run::check_split(&bytes, &options(), &cuts);
        prop_assert!(
            whole.to_json(false) == split.to_json(false),
            "cuts {:?}",
            cuts
        );
    }
    Ok(())
}

/// Rows that the safe fixes make equal are copies in the first run (X001, X002: the check pass
/// keys a row as the corrected file writes it), so fixing the corrected file again changes
/// nothing. Exhaustive over the dirty-cell set: for each column, one file holds a row for
/// every pair of an identifier value (email, then id) and a value of the column's pool, so any
/// two of its values that the safe fixes write alike (`jane.doe@example.com.` and
/// ` jane.doe@example.com `, `ACTIVE` and ` Active`, `Yes` and ` yes`) meet in one file.
#[test]
fn rows_the_safe_fixes_make_equal_are_copies_in_the_first_run() {
    let mut files = 0;
    for identifier in ["primary_email_address", "unique_user_id"] {
        for column in OPTIONAL.iter().chain(orgsync_tests::dirty::MORE_COLUMNS) {
            if column.trim().eq_ignore_ascii_case(identifier) {
                continue;
            }
            let mut text = format!("{identifier},{}\r\n", quote(column, ','));
            for id in pool(identifier) {
                for value in pool(column) {
                    text.push_str(&format!("{},{}\r\n", quote(id, ','), quote(value, ',')));
                }
            }
            let (_, once) = run::check_and_fix(text.as_bytes(), &options(), &safe_only());
            let (again, twice) = run::check_and_fix(&once.corrected, &options(), &safe_only());
            let left = safe_fixable(&again);
            assert!(
                left.is_empty(),
                "{identifier} and {column:?}: the corrected file still has safe fixes:\n{}\ncorrected file:\n{}",
                left.join("\n"),
                String::from_utf8_lossy(&once.corrected)
            );
            assert_eq!(
                String::from_utf8_lossy(&once.corrected),
                String::from_utf8_lossy(&twice.corrected),
                "{identifier} and {column:?}"
            );
            files += 1;
        }
    }
    assert!(files > 40, "{files} files");
}
