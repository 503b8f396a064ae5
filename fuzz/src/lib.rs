//! What the fuzz targets share: running the two passes whole and in pieces, the invariants they
//! assert, and a byte-driven generator of Org Sync-like files for the structure-aware target.
//!
//! The invariants (each a panic the fuzzer reports as a crash):
//! - any bytes give a report and the fix pass runs over them (no panic, no hang);
//! - cutting the input into chunks anywhere changes neither the report nor the fix outputs;
//! - a capped report counts exactly what the uncapped one does;
//! - the corrected file re-checks and re-fixes without a panic;
//! - on Org Sync-like files, fixing the corrected file again (safe fixes only) changes nothing.

use orgsync_core::{Checker, FixChunk, FixOptions, Fixer, Left, Options, Report, Suggested};
use std::sync::LazyLock;

/// The input split into `(cuts, file)`: the first byte says how many cut points follow (0–7),
/// each two bytes, taken modulo the file's length + 1.
pub fn cuts_and_file(data: &[u8]) -> (Vec<usize>, &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return (Vec::new(), data);
    };
    let n = usize::from(n % 8);
    if rest.len() < 2 * n {
        return (Vec::new(), rest);
    }
    let (head, file) = rest.split_at(2 * n);
    let cuts = head
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (file.len() + 1))
        .collect();
    (cuts, file)
}

/// The file cut at `cuts` (sorted; empty pieces kept: a caller may push an empty chunk).
pub fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for c in cuts {
        let c = c.clamp(start, bytes.len());
        out.push(&bytes[start..c]);
        start = c;
    }
    out.push(&bytes[start..]);
    out
}

/// The check pass over the pieces.
pub fn check(pieces: &[&[u8]], options: &Options) -> Report {
    let mut c = Checker::new(options.clone());
    for p in pieces {
        c.push(p);
    }
    c.finish()
}

/// The fix pass over the pieces, draining the output after each as a streaming caller does.
pub fn fix(pieces: &[&[u8]], report: &Report, options: &FixOptions) -> FixChunk {
    let mut f = Fixer::new(report, options);
    let mut out = FixChunk::default();
    for p in pieces {
        f.push(p);
        append(&mut out, f.take_output());
    }
    append(&mut out, f.finish());
    out
}

fn append(to: &mut FixChunk, more: FixChunk) {
    to.corrected.extend_from_slice(&more.corrected);
    to.error_report.extend_from_slice(&more.error_report);
    to.findings.extend_from_slice(&more.findings);
}

/// Check target: the report of the whole file equals the report of the file in pieces, and a
/// capped report keeps exact counts.
pub fn check_any(data: &[u8]) {
    let (cuts, file) = cuts_and_file(data);
    let options = Options::default();
    let whole = check(&[file], &options);
    let json = whole.to_json(false);
    let pieces = split(file, &cuts);
    let cut = check(&pieces, &options);
    assert_eq!(json, cut.to_json(false), "chunking changed the report; cuts {cuts:?}");
    let capped = check(
        &pieces,
        &Options {
            max_findings_per_code: Some(1),
            ..Options::default()
        },
    );
    assert_eq!(capped.summary.by_code, whole.summary.by_code, "the cap changed the counts");
    assert_eq!(
        capped.summary.omitted as usize + capped.findings.len(),
        whole.findings.len(),
        "kept + omitted must be every finding"
    );
}

/// Fix target: both passes in pieces equal both passes whole, with safe fixes and with every
/// fix; the corrected file re-checks and re-fixes without a panic.
pub fn fix_any(data: &[u8]) {
    let (cuts, file) = cuts_and_file(data);
    let pieces = split(file, &cuts);
    let options = Options::default();
    let report = check(&[file], &options);
    for fix_options in [
        FixOptions::default(),
        FixOptions {
            suggested: Suggested::All,
            ..FixOptions::default()
        },
    ] {
        let whole = fix(&[file], &report, &fix_options);
        let cut = fix(&pieces, &report, &fix_options);
        assert!(whole == cut, "chunking changed the fix outputs; cuts {cuts:?}");
        let again = check(&[&whole.corrected], &options);
        let _ = fix(&[&whole.corrected], &again, &fix_options);
        left_is_counted_right(&pieces, &fix_options);
    }
}

/// What is left, when the fix pass counts it (`Fixer::track_left`), is what a check of the
/// corrected file says.
fn left_is_counted_right(pieces: &[&[u8]], fix_options: &FixOptions) {
    let options = Options::default().with_max_findings_per_code(Some(Left::CAP));
    let report = check(pieces, &options);
    let mut f = Fixer::new(&report, fix_options).track_left(&report);
    let mut corrected = Vec::new();
    for p in pieces {
        f.push(p);
        corrected.extend(f.take_output().corrected);
    }
    let (rest, left) = f.finish_with_left();
    corrected.extend(rest.corrected);
    if let Some(left) = left {
        let full = Left::of(&check(&[&corrected], &options));
        assert_eq!(left, full, "the count of what is left differs from a check");
    }
}

/// The dirty-cell set the property tests draw from too (`tests/src/dirty.rs`), included by path:
/// the fuzz crate has a workspace of its own and takes no dependency on the tests crate.
#[path = "../../tests/src/dirty.rs"]
#[allow(dead_code)]
pub mod dirty;

/// Header names the generator picks from: the property tests' columns (known ones, miscased,
/// padded and unknown) and the change-file columns.
pub static COLUMNS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| dirty::COLUMNS.iter().chain(dirty::MORE_COLUMNS).copied().collect());

/// Cell values, clean and dirty: every pool of the dirty-cell set.
pub static CELLS: LazyLock<Vec<&'static str>> = LazyLock::new(dirty::all_cells);

/// A byte-driven generator: each byte of `data` is one choice (header, cells, delimiter, line
/// ending, encoding, blank rows), so the fuzzer's mutations move through Org Sync-like files.
pub fn generate(data: &[u8]) -> Vec<u8> {
    let mut it = data.iter().copied();
    let mut next = || it.next();
    let flags = next().unwrap_or(0);
    let delimiter = [',', ',', ';', '\t'][usize::from(flags & 3)];
    let eol = |i: usize| match (flags >> 2) & 3 {
        0 | 1 => "\r\n",
        2 => "\n",
        _ if i % 3 == 0 => "\n",
        _ => "\r\n",
    };
    let width = usize::from(next().unwrap_or(0) % 7) + 1;
    let mut header = vec!["primary_email_address"];
    for _ in 0..width {
        header.push(COLUMNS[usize::from(next().unwrap_or(0)) % COLUMNS.len()]);
    }
    let quote = |cell: &str| {
        if cell.contains([delimiter, '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_string()
        }
    };
    let mut text = String::new();
    let line: Vec<String> = header.iter().map(|h| quote(h)).collect();
    text.push_str(&line.join(&delimiter.to_string()));
    text.push_str(eol(0));
    let mut i = 1;
    while let Some(b) = next() {
        if b == 0xFF {
            text.push_str(eol(i)); // a blank line
        } else {
            let mut cells = vec![quote(CELLS[usize::from(b) % CELLS.len()])];
            for _ in 1..header.len() {
                cells.push(quote(CELLS[usize::from(next().unwrap_or(0)) % CELLS.len()]));
            }
            if b == 0xFE {
                cells.push(String::new()); // a trailing separator
            }
            text.push_str(&cells.join(&delimiter.to_string()));
            text.push_str(eol(i));
        }
        i += 1;
    }
    match flags >> 4 & 3 {
        1 => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        2 => {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }
        // Windows-1252: the Latin-1 range as is, `?` for the rest, as Excel writes them.
        3 => text
            .chars()
            .map(|c| match u32::from(c) {
                u @ (0..=0x7F | 0xA0..=0xFF) => u as u8,
                _ => b'?',
            })
            .collect(),
        _ => text.into_bytes(),
    }
}

/// Structure-aware target: an Org Sync-like file from `data`; chunking changes nothing, and
/// fixing the corrected file again with safe fixes only gives it back unchanged.
pub fn structured(data: &[u8]) {
    let bytes = generate(data);
    let options = Options {
        known_groups: vec!["Sales".into(), "Engineering".into()],
        ..Options::default()
    };
    let report = check(&[&bytes], &options);
    let json = report.to_json(false);
    // Cut at three points spread over the file, chosen by the data.
    let n = bytes.len();
    let seed = data.iter().fold(0usize, |a, &b| a.wrapping_mul(31).wrapping_add(b.into()));
    let cuts = [seed % (n + 1), (seed / 7) % (n + 1), (seed / 131) % (n + 1)];
    let pieces = split(&bytes, &cuts);
    assert_eq!(json, check(&pieces, &options).to_json(false), "chunking changed the report");
    let safe = FixOptions::default();
    let once = fix(&[&bytes], &report, &safe);
    assert!(once == fix(&pieces, &report, &safe), "chunking changed the fix outputs");
    let again = check(&[&once.corrected], &options);
    let twice = fix(&[&once.corrected], &again, &safe);
    assert_eq!(
        String::from_utf8_lossy(&once.corrected),
        String::from_utf8_lossy(&twice.corrected),
        "fixing the corrected file changed it"
    );
}
