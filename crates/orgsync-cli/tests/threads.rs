//! `--threads 2` (the default on two cores or more) checks a big file in two parts at once, on
//! two threads (`orgsync_core::split`); `--threads 1` reads it in one pass. Both must say the
//! same, byte for byte: the JSON report, the terminal's report, the exit code, and `fix`'s
//! corrected file, reports and summary. Two files over the split's size: one whose cut falls
//! between two records (the part is merged) and one whose cut falls inside a quoted cell spanning
//! lines (the engine refuses the part and the first thread checks the rest itself).

mod common;

use common::{bin, code, s, stderr};
use orgsync_core::split::{PART_HEAD, SPLIT_MIN_BYTES, cut_from, cut_window};
use orgsync_core::{Checker, Options};
use std::path::Path;

/// A messy upload of at least [`SPLIT_MIN_BYTES`]: capitals and blanks to clean up, typos,
/// Excel's numbers, admins without a license, revocations, namesakes, and copies of rows from
/// the first half far into the second (the cross-row rules must see both halves). With
/// `title_last`, every row ends with a title quoted over two lines, so a cut a little before a
/// record's end falls inside it.
fn messy(title_last: bool) -> Vec<u8> {
    let mut out = String::from(
        "primary_email_address,preferred_first_name,preferred_last_name,unique_user_id,\
         acme_license_learning_status,admin_permission_account_admin,work_title\r\n",
    );
    let firsts = ["Ana", "Sam", "Priya", "José", "Wei", "Olu", "Maria", "Chen"];
    let lasts = [
        "Souza", "Rivera", "Patel", "García", "Zhang", "Adeyemi", "Müller",
    ];
    let mut i = 0u64;
    while out.len() < (SPLIT_MIN_BYTES as usize) + (1 << 20) {
        let first = firsts[(i % 8) as usize];
        let last = lasts[(i * 7 / 3 % 7) as usize];
        // A tenth of the rows repeat the email of a row 50,000 rows earlier.
        let n = if i % 10 == 3 && i > 50_000 {
            i - 50_000
        } else {
            i
        };
        let mut email = format!(
            "{}.{}{n}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        match i % 97 {
            0 => email = format!(" {} ", email.to_uppercase()),
            1 => email = email.replace("example.com", "gmial.com"),
            2 => email = email.replace('@', ""),
            _ => {}
        }
        let id = if i.is_multiple_of(89) {
            "1.23457E+11".to_string()
        } else {
            format!("E{i:07}")
        };
        let license = ["Active", "Active", "Active", "Active", "Inactive", ""][(i % 6) as usize];
        let admin = if i.is_multiple_of(50) { "Active" } else { "" };
        let title = if title_last {
            "\"Head of\nSales, EMEA\"".to_string()
        } else if i.is_multiple_of(31) {
            "\"Director, Sales\"".to_string()
        } else {
            "Engineer".to_string()
        };
        out.push_str(&format!(
            "{email},{first},{last},{id},{license},{admin},{title}\r\n"
        ));
        i += 1;
    }
    out.into_bytes()
}

/// Whether the engine takes the part of `bytes` cut where the CLI cuts it (the test's premise:
/// one file merged, the other refused).
fn merges(bytes: &[u8]) -> bool {
    let size = bytes.len() as u64;
    let (start, end) = cut_window(size);
    let cut = cut_from(size, &bytes[start as usize..end as usize]).expect("a cut") as usize;
    let options = Options::new();
    let mut second = Checker::part(options.clone(), &bytes[..PART_HEAD]).expect("a part checker");
    second.push(&bytes[cut..]);
    let mut first = Checker::new(options);
    first.push(&bytes[..cut]);
    first.merge(second.into_part()).is_ok()
}

fn same_with_one_and_two_threads(dir: &Path, name: &str, bytes: &[u8]) {
    let input = dir.join(name);
    std::fs::write(&input, bytes).expect("write input");
    for format in ["json", "human"] {
        let run = |threads: &str| {
            bin()
                .args(["check", "--threads", threads, "--format", format, s(&input)])
                .output()
                .expect("run check")
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(code(&one), 1, "{name} {format}: {}", stderr(&one));
        assert_eq!(code(&one), code(&two), "{name} {format}: exit codes");
        assert!(
            one.stdout == two.stdout,
            "{name}: the {format} reports differ between one thread and two"
        );
        assert_eq!(stderr(&one), stderr(&two), "{name} {format}");
    }
    let fix = |threads: &str| {
        let out = dir.join(format!("fixed-{threads}"));
        std::fs::create_dir_all(&out).expect("out dir");
        let o = bin()
            .args(["fix", "--threads", threads, s(&input), "--suggested"])
            .args([
                "-o",
                s(&out.join("c.csv")),
                "--report",
                s(&out.join("r.csv")),
            ])
            .args([
                "--findings",
                s(&out.join("f.csv")),
                "--json",
                s(&out.join("j.json")),
            ])
            .output()
            .expect("run fix");
        let files: Vec<Vec<u8>> = ["c.csv", "r.csv", "f.csv", "j.json"]
            .iter()
            .map(|f| std::fs::read(out.join(f)).expect("an output"))
            .collect();
        // The summary names the output files, which differ by folder.
        let said = stderr(&o).replace(&format!("fixed-{threads}"), "fixed");
        (code(&o), said, files)
    };
    let (one, two) = (fix("1"), fix("2"));
    assert_eq!(one.0, two.0, "{name}: fix's exit codes");
    assert_eq!(one.1, two.1, "{name}: fix's summaries");
    for (f, (a, b)) in ["corrected file", "error report", "findings", "JSON report"]
        .iter()
        .zip(one.2.iter().zip(&two.2))
    {
        assert!(
            a == b,
            "{name}: fix's {f} differs between one thread and two"
        );
    }
}

#[test]
fn a_file_cut_between_records_gets_the_same_report_from_two_threads() {
    let bytes = messy(false);
    assert!(merges(&bytes), "premise: the part of this file is merged");
    let dir = tempfile::tempdir().expect("tempdir");
    same_with_one_and_two_threads(dir.path(), "between.csv", &bytes);
}

#[test]
fn a_file_cut_inside_a_quoted_cell_gets_the_same_report_from_two_threads() {
    let bytes = messy(true);
    assert!(
        !merges(&bytes),
        "premise: the cut falls inside a quoted cell"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    same_with_one_and_two_threads(dir.path(), "inside.csv", &bytes);
}

#[test]
fn threads_other_than_one_or_two_are_refused() {
    let o = bin()
        .args(["check", "--threads", "3", "nothing.csv"])
        .output()
        .expect("run check");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
}
