//! The made-up file the second worker checks while the page waits for one (see
//! `worker::warm_up`).
//!
//! Why: V8 first runs a wasm function with code from its baseline compiler and recompiles it
//! with its optimising compiler in the background once it has run enough; a call already running
//! keeps the baseline code to its end. A first check of a big file in a fresh page therefore
//! shares the machine with that compiler (on 1M rows in Chromium, ~0.35 s of CPU on the
//! renderer's background threads) and runs its once-per-file steps (the merge, the finish over a
//! million keys) on baseline code. Both workers run the same module and V8 shares its compiled
//! code between them, so one warm-up serves both.
//!
//! What: the repository's clean sample's rows (`samples/clean.csv`), each with its own address
//! and id, and the mistakes the checker is for mixed in (stray spaces, capitals, a misspelt
//! domain, `Yes`), so the code paths a real file takes are the ones that get hot.

/// The clean sample the rows are made from.
const CLEAN: &str = include_str!("../../samples/clean.csv");

/// Rows in the made-up file: ~7 MB, so one round takes a few tens of milliseconds once warm.
pub const ROWS: usize = 75_000;
/// How many times the file is checked: V8 optimises a function after enough runs, and functions
/// called once per check (the merge, the finish) need several checks for that.
pub const ROUNDS: usize = 4;
/// The worker yields between pieces this big, so a real request waits at most one piece.
pub const PIECE: usize = 256 << 10;

/// A Users file of `rows` rows built from the clean sample (CRLF, like an Excel export).
pub fn file(rows: usize) -> Vec<u8> {
    let mut lines = CLEAN.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap_or_default();
    let samples: Vec<&str> = lines.collect();
    let mut out = Vec::with_capacity((rows + 1) * 96);
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(b"\r\n");
    if samples.is_empty() {
        return out;
    }
    for i in 0..rows {
        let line = samples[i % samples.len()];
        let row = unique(line, i);
        let row = match i % 100 {
            17 => format!(" {}", row.replacen(',', " ,", 1)),
            42 => row.replacen(",Active,", ",ACTIVE,", 1),
            63 => row.replacen("@northwindtraders.com", "@northwindtradres.com", 1),
            88 => row.replacen(",yes,", ",Yes,", 1),
            _ => row,
        };
        out.extend_from_slice(row.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The sample row as a person of its own: `.{i}` before the address's `@`, a surname made
/// longer by letters spelling `i` (people sharing a name are a finding), and `i` as the id's
/// digits.
fn unique(line: &str, i: usize) -> String {
    // The first three cells (address, first and last name) are never quoted in the sample.
    let mut cells = line.splitn(4, ',');
    let (email, first, last, rest) = (
        cells.next().unwrap_or_default(),
        cells.next().unwrap_or_default(),
        cells.next().unwrap_or_default(),
        cells.next().unwrap_or_default(),
    );
    let email = match email.find('@') {
        Some(at) => format!("{}.{i}{}", &email[..at], &email[at..]),
        None => email.to_owned(),
    };
    let mut surname = last.to_owned();
    let mut n = i;
    loop {
        surname.push(char::from(b"aeioulnrst"[n % 10]));
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut row = format!("{email},{first},{surname},{rest}");
    if let Some(at) = row.find(",NW") {
        let digits = row[at + 3..].bytes().take_while(u8::is_ascii_digit).count();
        row.replace_range(at + 3..at + 3 + digits, &format!("{i:07}"));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8]) -> orgsync_core::Report {
        let mut checker = orgsync_core::Checker::new(orgsync_core::Options::default());
        checker.push(bytes);
        checker.finish()
    }

    #[test]
    fn the_file_is_a_users_file_with_unique_people_and_the_usual_mistakes() {
        let bytes = file(1_000);
        let report = check(&bytes);
        assert_eq!(report.file.rows, 1_000);
        let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        // Every row has its own address and id: no duplicate findings.
        assert!(
            !codes
                .iter()
                .any(|c| crate::model::rule_scope(c) == Some(orgsync_core::Scope::Cross)),
            "{codes:?}"
        );
        // Each kind of mistake shows up, once every hundred rows.
        for i in [17, 42, 63, 88] {
            let line = i + 2; // the header is line 1
            assert!(
                report.findings.iter().any(|f| f.line == Some(line as u64)),
                "no finding on line {line}: {codes:?}"
            );
        }
        assert!(report.findings.len() >= 40, "{}", report.findings.len());
    }

    #[test]
    fn the_file_can_be_cut_and_merged() {
        // Both halves past the 1 MiB a checker holds back to decide the encoding.
        let bytes = file(40_000);
        let mid = bytes.len() / 2;
        let cut = mid + orgsync_core::split::cut_point(&bytes[mid..]).expect("a line feed");
        let mut first = orgsync_core::Checker::new(orgsync_core::Options::default());
        first.push(&bytes[..cut]);
        let head = &bytes[..orgsync_core::split::PART_HEAD.min(bytes.len())];
        let mut second = orgsync_core::Checker::part(orgsync_core::Options::default(), head)
            .expect("a part checker");
        second.push(&bytes[cut..]);
        let part =
            orgsync_core::split::Part::from_vec(second.into_part().into_bytes()).expect("a part");
        assert!(first.merge(part).is_ok());
        assert_eq!(first.finish().file.rows, 40_000);
    }
}
