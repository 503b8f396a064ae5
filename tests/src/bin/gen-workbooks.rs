//! Writes the golden cases' workbooks (`tests/cases/workbook-*/input.*`) from the sheets below.
//! `scripts/gen-xls.sh` then converts two of them to `.xls` with LibreOffice (headless).
//!
//! `cargo run -p orgsync-tests --bin gen-workbooks`, then `UPDATE_GOLDEN=1 cargo test -p
//! orgsync-tests --test golden` and review the outputs.

use orgsync_tests::workbooks::{Cell, Sheet, encrypted, ods, t, values_sheet, xlsx};
use std::path::Path;

const PEOPLE: &str = "primary_email_address,preferred_first_name,preferred_last_name,unique_user_id,acme_license_learning_status,group:Sales,attribute_team\r\n\
ana.silva@example.com,Ana,Silva,E001,active,member,North\r\n\
bo.li@example,Bo,Li,E002,ACTIVE,,South\r\n\
 chen.wu@example.com ,Chen,Wu,E003,inactive,Member,north\r\n\
ana.silva@example.com,Ana,Silva,E004,active,,North\r\n\
dee@gmial.com,Dee,Diaz,E005,yes,admin,South\r\n";

/// The values sheet, with a formula that has no cached result besides.
fn values() -> Sheet {
    let mut sheet = values_sheet();
    sheet.rows.push(vec![
        Cell::Formula("LOWER(\"D@EXAMPLE.COM\")".into(), None),
        t("D4"),
    ]);
    sheet
}

fn sheets() -> Vec<Sheet> {
    let notes = Sheet::from_csv("Read me", "How to fill this workbook\r\nOne row per user");
    // The table starts at B3.
    let table = "primary_email_address,work_title,acme_license_learning_status\r\nok@example.com,Sales,active\r\nbad@,,active\r\nfine@example.com,Ops,revoked\r\n,,\r\nPrepared by HR: March,,";
    let users = Sheet {
        merged: vec![(3, 2, 4, 2)],
        hidden_rows: vec![5],
        hidden_cols: vec![3],
        ..Sheet::from_csv("Users", table).at(2, 1)
    };
    vec![notes, users]
}

fn write(case: &str, file: &str, bytes: &[u8], readme: &str, options: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cases")
        .join(case);
    std::fs::create_dir_all(&dir).expect("dir");
    for e in std::fs::read_dir(&dir).expect("dir").flatten() {
        if e.file_name().to_string_lossy().starts_with("input.") {
            std::fs::remove_file(e.path()).expect("remove");
        }
    }
    std::fs::write(dir.join(file), bytes).expect("write");
    std::fs::write(dir.join("README.md"), format!("{readme}\n")).expect("write");
    std::fs::write(dir.join("options.json"), format!("{options}\n")).expect("write");
}

fn main() {
    write(
        "workbook-values",
        "input.xlsx",
        &xlsx(&[values()]),
        "A .xlsx holding every value type: ids in full (never 1.23457E+11), dates as ISO, booleans and errors as shown, a 17-digit id Excel rounded (F020), a formula never calculated (F024).",
        r#"{"file_name": "users.xlsx", "expect": ["F017", "F020", "F024", "R010", "R011"], "expect_not": ["F003", "F010", "F018", "F019", "F021", "F022"]}"#,
    );
    write(
        "workbook-sheets",
        "input.xlsx",
        &xlsx(&sheets()),
        "A .xlsx whose users are on its second sheet from cell B3, with merged cells, a hidden row and a hidden column (F021) and a note below the table (F022); rows are the sheet's.",
        r#"{"file_name": "users.xlsx", "expect": ["F017", "F021", "F022", "R002"], "expect_not": ["F003", "F010", "F018", "F020", "F024"]}"#,
    );
    write(
        "workbook-people-ods",
        "input.ods",
        &ods(&[Sheet::from_csv("Users", PEOPLE)]),
        "An .ods of the same people as workbook-people-xlsx: the same findings and corrected file.",
        r#"{"expect": ["F017", "R002", "R003", "X001"], "expect_not": ["F003", "F020", "F021", "F022", "F024"]}"#,
    );
    write(
        "workbook-people-xlsx",
        "input.xlsx",
        &xlsx(&[Sheet::from_csv("Users", PEOPLE)]),
        "A .xlsx of plain people with the usual problems, read as its CSV would be.",
        r#"{"expect": ["F017", "R002", "R003", "X001"], "expect_not": ["F003", "F018", "F020", "F022"]}"#,
    );
    write(
        "workbook-encrypted",
        "input.xlsx",
        &encrypted(),
        "A .xlsx encrypted with a password: F019, and nothing else can be checked.",
        r#"{"file_name": "users.xlsx", "expect": ["F019"], "expect_not": ["F003", "F005", "F010", "F017"]}"#,
    );
    write(
        "workbook-no-such-sheet",
        "input.xlsx",
        &xlsx(&sheets()),
        "A sheet asked for that the workbook does not have: F018 names the sheets it has.",
        r#"{"sheet": "Staff", "expect": ["F018"], "expect_not": ["F003", "F005", "F017", "F019"]}"#,
    );
}
