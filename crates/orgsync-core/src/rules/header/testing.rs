//! Test helpers for the header, column and file rules: run a CSV through both passes and look at
//! what came out.

use crate::finding::Finding;
use crate::options::{FixOptions, Options, Suggested};
use crate::registry::Code;
use crate::report::Report;
use crate::{Checker, Fixer};

/// What both passes made of a file.
#[derive(Debug)]
pub(crate) struct Run {
    pub report: Report,
    /// The corrected file, read as UTF-8 (lossily, for the UTF-16 outputs).
    pub corrected: String,
}

impl Run {
    /// Every finding of this code.
    pub(crate) fn of(&self, code: Code) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.code == code)
            .collect()
    }

    /// The one finding of this code, failing the test when there are none or several.
    pub(crate) fn one(&self, code: Code) -> &Finding {
        let found = self.of(code);
        assert_eq!(
            found.len(),
            1,
            "expected one {code}, got {:#?}",
            self.report.findings
        );
        found[0]
    }

    /// The corrected file's header cells.
    pub(crate) fn corrected_header(&self) -> Vec<String> {
        let text = self
            .corrected
            .strip_prefix('\u{feff}')
            .unwrap_or(&self.corrected);
        first_record(text)
    }
}

/// Checks `bytes` and fixes them with `fix`.
pub(crate) fn run_bytes(bytes: &[u8], options: Options, fix: &FixOptions) -> Run {
    let mut checker = Checker::new(options);
    // Feed in small chunks: every chunking must give the same answer.
    for chunk in bytes.chunks(7) {
        checker.push(chunk);
    }
    let report = checker.finish();
    let mut fixer = Fixer::new(&report, fix);
    fixer.push(bytes);
    let out = fixer.finish();
    Run {
        report,
        corrected: String::from_utf8_lossy(&out.corrected).into_owned(),
    }
}

/// Checks a CSV and applies the default fixes (safe ones only).
pub(crate) fn run(csv: &str) -> Run {
    run_bytes(csv.as_bytes(), Options::default(), &FixOptions::default())
}

/// Checks a file of this header row and one record holding `cell` in every column, and applies
/// the default fixes.
pub(crate) fn run_header(head: &str, cell: &str) -> Run {
    let row = vec![cell; head.split(',').count()].join(",");
    run(&format!("{head}\r\n{row}\r\n"))
}

/// Checks a CSV and applies every fix, suggested ones included.
pub(crate) fn run_all(csv: &str) -> Run {
    run_bytes(
        csv.as_bytes(),
        Options::default(),
        &FixOptions {
            no_fix: Vec::new(),
            suggested: Suggested::All,
        },
    )
}

/// One CSV field, quoted when needed.
pub(crate) fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A row of a header-rule table: (header, whether the rule fires on it, the header the
/// corrected file holds with every fix applied, suggested ones included).
pub(crate) type HeaderCase = (&'static str, bool, &'static str);

/// Runs each header as the first column of a small file (beside an email column, one row with
/// a value under each) and checks the rule fires or not on that column and what the corrected
/// file's header becomes.
pub(crate) fn header_case(code: Code, cases: &[HeaderCase]) {
    for &(header, fires, expected) in cases {
        let csv = format!(
            "{},invited_email_address\r\nx,jane.doe@example.com\r\n",
            field(header)
        );
        let run = run_all(&csv);
        let found = run
            .of(code)
            .into_iter()
            .filter(|f| f.column == Some(0))
            .count();
        assert_eq!(
            found > 0,
            fires,
            "{code} on {header:?}: {:#?}",
            run.report.findings
        );
        if found > 0 {
            let f = run.of(code)[0];
            assert_eq!(f.row, Some(1), "{code} is a header finding");
            assert_eq!(f.line, Some(1));
        }
        assert_eq!(
            run.corrected_header()[0],
            expected,
            "corrected header for {header:?}: {:#?}",
            run.report.findings
        );
    }
}

/// The first record of a CSV text (the corrected file's header).
fn first_record(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            '\r' | '\n' if !quoted => break,
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}
