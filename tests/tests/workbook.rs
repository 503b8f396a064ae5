//! Workbooks: the engine reads the sheet itself, numbers rows as the sheet does, and gives the
//! findings and the corrected file a CSV of the same people gives, plus what only a workbook
//! can say (F017–F024).

use orgsync_core::{Code, FixOptions, Options, Report};
use orgsync_tests::run;
use orgsync_tests::workbooks::{Cell, Sheet, encrypted, ods, values_sheet, xlsx};

/// Codes only a workbook gives.
const WORKBOOK_ONLY: [Code; 8] = [
    Code::F017,
    Code::F018,
    Code::F019,
    Code::F020,
    Code::F021,
    Code::F022,
    Code::F023,
    Code::F024,
];

fn check(bytes: &[u8], sheet: Option<&str>) -> Report {
    let options = Options {
        sheet: sheet.map(str::to_string),
        max_findings_per_code: None,
        ..Options::default()
    };
    let whole = run::check(bytes, &options, 0);
    // Any chunking gives the same report.
    let chunked = run::check(bytes, &options, 4093);
    assert_eq!(whole.to_json(true), chunked.to_json(true));
    whole
}

fn codes(r: &Report) -> Vec<Code> {
    r.findings.iter().map(|f| f.code).collect()
}

/// (code, row, column, message) of every finding but the workbook-only ones.
fn shared(r: &Report) -> Vec<(Code, Option<u64>, Option<usize>, String)> {
    r.findings
        .iter()
        .filter(|f| !WORKBOOK_ONLY.contains(&f.code))
        .map(|f| (f.code, f.row, f.column, f.message.clone()))
        .collect()
}

const PEOPLE: &str = "primary_email_address,preferred_first_name,preferred_last_name,unique_user_id,acme_license_learning_status,group:Sales,attribute_team\r\n\
ana.silva@example.com,Ana,Silva,E001,active,member,North\r\n\
bo.li@example,Bo,Li,E002,ACTIVE,,South\r\n\
 chen.wu@example.com ,Chen,Wu,E003,inactive,Member,north\r\n\
ana.silva@example.com,Ana,Silva,E004,active,,North\r\n\
dee@gmial.com,Dee,Diaz,E005,yes,admin,South\r\n\
,,,,,,\r\n\
eve@example.com,Eve,,E006,active,member,=1+2\r\n";

#[test]
fn the_same_people_give_the_same_findings_and_corrected_file() {
    let csv = PEOPLE.as_bytes();
    let sheet = Sheet::from_csv("Users", PEOPLE);
    let fix = FixOptions::default();
    let options = Options::default();
    let (csv_report, csv_out) = run::check_and_fix(csv, &options, &fix);
    assert!(csv_report.findings.len() > 5, "the people have problems");
    for (label, book) in [
        ("xlsx", xlsx(std::slice::from_ref(&sheet))),
        ("ods", ods(&[sheet])),
    ] {
        let (report, out) = run::check_and_fix(&book, &options, &fix);
        assert_eq!(shared(&report), shared(&csv_report), "{label}");
        assert_eq!(
            String::from_utf8_lossy(&out.corrected),
            String::from_utf8_lossy(&csv_out.corrected),
            "{label}"
        );
        assert_eq!(report.file.rows, csv_report.file.rows);
        let info = report.file.workbook.as_ref().expect("workbook info");
        assert_eq!(info.format, label);
        assert_eq!(info.sheet, "Users");
        assert_eq!(
            codes(&report).iter().filter(|c| **c == Code::F017).count(),
            1
        );
        assert!(!codes(&report).contains(&Code::F010), "{label}");
        // The fix pass's reports hold the workbook's findings too.
        let findings = String::from_utf8_lossy(&out.findings);
        assert!(findings.contains("F017"), "{findings}");
    }
}

#[test]
fn values_are_written_as_the_uploader_needs_them() {
    let sheet = values_sheet();
    let book = xlsx(&[sheet]);
    let report = check(&book, None);
    let out = run::fix(&book, &report, &FixOptions::default(), 0);
    let corrected = String::from_utf8(out.corrected).expect("utf-8");
    let lines: Vec<&str> = corrected.lines().collect();
    // TRUE is read as the cell shows it; R011's safe fix makes it `true`.
    assert_eq!(
        lines[1],
        "a@example.com,123456789012,2024-01-15,0.1,true,00123"
    );
    assert_eq!(
        lines[2],
        "b@example.com,42,2024-01-15T09:30:00,-2.5,FALSE,#N/A"
    );
    assert_eq!(lines[3], "c@example.com,12345678901234568,,0.0000001,,2");
    let found = |code: Code, row: u64| {
        report
            .findings
            .iter()
            .any(|f| f.code == code && f.row == Some(row))
    };
    // The error cell is Excel damage, as in a CSV; the boolean gets R011's suggestion.
    assert!(found(Code::R010, 3), "{:?}", report.findings);
    assert!(found(Code::R011, 2), "{:?}", report.findings);
    let r011 = report
        .findings
        .iter()
        .find(|f| f.code == Code::R011)
        .expect("R011");
    assert_eq!(r011.fix.as_ref().map(|x| x.before.as_str()), Some("TRUE"));
    // An id of 17 digits was rounded by Excel: the true id is lost.
    assert!(found(Code::F020, 4), "{:?}", report.findings);
    assert!(!found(Code::F020, 2));
    // The same values saved as CSV by Excel: the id in scientific notation is damage; the
    // workbook's true value is not.
    let damaged = "primary_email_address,unique_user_id\r\na@example.com,1.23457E+11\r\n";
    let csv = check(damaged.as_bytes(), None);
    assert!(codes(&csv).contains(&Code::R010));
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.code == Code::R010 && f.row == Some(2))
    );
}

#[test]
fn the_sheet_with_the_users_is_read_and_rows_are_the_sheets() {
    let notes = Sheet::from_csv("Read me", "How to fill this workbook\r\nOne row per user");
    // The table starts at B3.
    let users = Sheet::from_csv("Users", "primary_email_address,preferred_first_name\r\nok@example.com,Ok\r\nbad@,Bad\r\nfine@example.com,Fine").at(2, 1);
    let book = xlsx(&[notes.clone(), users.clone()]);
    let report = check(&book, None);
    let info = report.file.workbook.clone().expect("info");
    assert_eq!(info.sheet, "Users");
    assert_eq!(
        info.sheets,
        vec!["Read me".to_string(), "Users".to_string()]
    );
    assert_eq!((info.first_row, info.first_column.as_str()), (3, "B"));
    let bad: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::R002)
        .collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].row, Some(5), "the sheet's row");
    assert_eq!(bad[0].column, Some(0));
    let f017 = report
        .findings
        .iter()
        .find(|f| f.code == Code::F017)
        .expect("F017");
    assert!(f017.message.contains("B3"), "{}", f017.message);
    // The error report numbers rows as the sheet does.
    let out = run::fix(&book, &report, &FixOptions::default(), 0);
    let error_report = String::from_utf8(out.error_report).expect("utf-8");
    assert!(
        error_report.lines().any(|l| l.starts_with("5,bad@")),
        "{error_report}"
    );
    // By number and by name.
    let first = check(&book, Some("1"));
    assert_eq!(first.file.workbook.clone().expect("info").sheet, "Read me");
    assert!(codes(&first).contains(&Code::H003));
    let by_name = check(&book, Some("users"));
    assert_eq!(by_name.file.workbook.expect("info").sheet, "Users");
    let missing = check(&book, Some("Staff"));
    assert_eq!(codes(&missing), vec![Code::F018]);
    assert!(
        missing.findings[0]
            .message
            .contains("\"Read me\", \"Users\"")
    );
    // Without an identifier header anywhere, the first sheet with data.
    let only_notes = check(
        &xlsx(&[
            Sheet {
                name: "Empty".into(),
                ..Sheet::default()
            },
            notes,
        ]),
        None,
    );
    assert_eq!(only_notes.file.workbook.expect("info").sheet, "Read me");
    // The same in .ods.
    let from_ods = check(&ods(&[Sheet::from_csv("Read me", "x y"), users]), None);
    assert_eq!(shared(&from_ods), shared(&report));
}

#[test]
fn merged_cells_notes_and_uncalculated_formulas_are_findings() {
    let mut sheet = Sheet::from_csv(
        "Users",
        "primary_email_address,work_title,unique_user_id\r\na@example.com,Sales,A1\r\nb@example.com,,A2\r\nc@example.com,Ops,A3\r\n,,\r\nPrepared by HR: March,,",
    );
    sheet.merged.push((1, 1, 2, 1));
    sheet.hidden_rows.push(3);
    sheet.hidden_cols.push(2);
    sheet.rows[3][2] = Cell::Formula("\"A\"&3".into(), None);
    let report = check(&xlsx(&[sheet]), None);
    let at = |code: Code| run::rows_of(&report, code);
    // Merged B2:B3, the hidden column C (on the header's row) and the hidden row 4.
    assert_eq!(at(Code::F021), vec![1, 2, 4], "{:?}", report.findings);
    let hidden_col = report
        .findings
        .iter()
        .find(|f| f.code == Code::F021 && f.row == Some(1));
    assert_eq!(hidden_col.and_then(|f| f.column), Some(2));
    assert_eq!(at(Code::F022), vec![6], "{:?}", report.findings);
    assert_eq!(at(Code::F024), vec![4], "{:?}", report.findings);
    // The note is also a user with an invalid email, as the uploader would see it.
    assert!(at(Code::R002).contains(&6));
}

#[test]
fn workbooks_that_cannot_be_read_say_why() {
    let enc = check(&encrypted(), None);
    assert_eq!(codes(&enc), vec![Code::F019]);
    assert!(enc.findings[0].tip.contains("remove the password"));
    assert!(enc.summary.has_errors());
    let empty = check(
        &xlsx(&[Sheet {
            name: "Sheet1".into(),
            ..Sheet::default()
        }]),
        None,
    );
    assert_eq!(codes(&empty), vec![Code::F018]);
    // A zip that is no workbook, and a header-only sheet.
    let zip = check(b"PK\x03\x04not really a zip", None);
    assert_eq!(codes(&zip), vec![Code::F003]);
    let header_only = check(
        &xlsx(&[Sheet::from_csv("S", "primary_email_address")]),
        None,
    );
    assert!(codes(&header_only).contains(&Code::F005));
}

#[test]
fn a_workbook_past_the_limit_is_f023_and_not_held() {
    let mut c = orgsync_core::Checker::new(Options::default());
    let mut head = b"PK\x03\x04".to_vec();
    head.resize(1 << 20, 0);
    c.push(&head);
    let chunk = vec![0u8; 1 << 20];
    let mb = (orgsync_core::MAX_WORKBOOK_BYTES >> 20) as usize;
    for _ in 0..mb {
        c.push(&chunk);
    }
    let report = c.finish();
    assert_eq!(codes(&report), vec![Code::F023]);
    assert!(
        report.findings[0].message.contains("256 MB"),
        "{}",
        report.findings[0].message
    );
    assert_eq!(
        report.file.bytes,
        orgsync_core::MAX_WORKBOOK_BYTES + (1 << 20)
    );
}
