//! `--roster` and `--preview` on the built binary, with the golden cases' export/upload pairs.

mod common;

use common::{case_dir as case, run, s};
use serde_json::Value;
use std::path::Path;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn check_json_has_the_export_and_the_preview_apart_from_the_findings() {
    let dir = case("roster-utf16-export");
    let o = run(&[
        "check",
        "--format",
        "json",
        "--roster",
        s(&dir.join("export.csv")),
        s(&dir.join("input.csv")),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    // The export's problems are its own: in `roster`, not among the upload's findings.
    assert_eq!(v["roster"]["summary"]["by_code"]["R001"], 1);
    assert_eq!(v["roster"]["summary"]["by_code"]["X001"], 1);
    assert_eq!(v["roster"]["file"]["encoding"], "utf-16le");
    assert_eq!(v["roster"]["users"], 4);
    assert!(v["summary"]["by_code"].get("X001").is_none());
    assert_eq!(v["summary"]["by_code"]["P001"], 1);
    assert_eq!(v["summary"]["actions"]["new_users"], 1);
    assert_eq!(v["preview"]["totals"]["untouched"], 1);
    assert_eq!(v["preview"]["totals"]["by_kind"]["invited"], 1);
    let kinds: Vec<&str> = v["preview"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["change"].as_str().unwrap_or(""))
        .collect();
    assert!(
        kinds.contains(&"profile-updated") && kinds.contains(&"untouched"),
        "{kinds:?}"
    );
    // The same report without --roster has neither key.
    let o = run(&["check", "--format", "json", s(&dir.join("input.csv"))]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v.get("roster").is_none() && v.get("preview").is_none());
}

#[test]
fn check_and_fix_write_the_same_preview_as_the_golden_case() {
    for name in [
        "roster-new-and-revoked",
        "roster-id-matching",
        "roster-email-change",
    ] {
        let dir = case(name);
        let out = tmp();
        let from_check = out.path().join("check-preview.csv");
        let from_fix = out.path().join("fix-preview.csv");
        let export = dir.join("export.csv");
        let input = dir.join("input.csv");
        let o = run(&[
            "check",
            "--roster",
            s(&export),
            "--preview",
            s(&from_check),
            s(&input),
        ]);
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = run(&[
            "fix",
            s(&input),
            "-o",
            s(&out.path().join("corrected.csv")),
            "--roster",
            s(&export),
            "--preview",
            s(&from_fix),
        ]);
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let golden = std::fs::read(dir.join("preview.csv")).expect("golden preview");
        assert_eq!(
            std::fs::read(&from_check).expect("check preview"),
            golden,
            "{name}"
        );
        assert_eq!(
            std::fs::read(&from_fix).expect("fix preview"),
            golden,
            "{name}"
        );
    }
}

#[test]
fn human_output_names_the_export_and_words_the_preview() {
    let dir = case("roster-new-and-revoked");
    let o = run(&[
        "check",
        "--roster",
        s(&dir.join("export.csv")),
        s(&dir.join("input.csv")),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Export: "), "{text}");
    assert!(text.contains("12 users"), "{text}");
    assert!(
        text.contains("Preview: 1 new user invited, 2 new users unassigned"),
        "{text}"
    );
    assert!(
        text.contains("2 licenses revoked") && text.contains("4 users untouched"),
        "{text}"
    );
    assert!(
        text.contains("warning[P002] revokes-license: 2 rows"),
        "{text}"
    );
}

#[test]
fn the_export_gives_the_known_groups_unless_groups_is_given() {
    let out = tmp();
    let export = out.path().join("export.csv");
    std::fs::write(
        &export,
        "invited_email_address,group:Sales\r\njane@acme.com,yes\r\n",
    )
    .unwrap();
    let upload = out.path().join("upload.csv");
    std::fs::write(
        &upload,
        "primary_email_address,group_permission_view_reports\r\njane@acme.com,group:Sales\r\njohn@acme.com,group:Marketing\r\n",
    )
    .unwrap();
    // R008's count in `check --format json` with these extra arguments.
    let r008 = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--roster", s(&export)];
        args.extend_from_slice(extra);
        args.push(s(&upload));
        let v: Value = serde_json::from_slice(&run(&args).stdout).expect("json");
        v["summary"]["by_code"]["R008"].clone()
    };
    assert_eq!(r008(&[]), 1);
    // `fix` takes the same default (its JSON report is the check pass's).
    let json = out.path().join("fix.json");
    let o = run(&[
        "fix",
        "--roster",
        s(&export),
        "--json",
        s(&json),
        "-o",
        s(&out.path().join("corrected.csv")),
        s(&upload),
    ]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).expect("json");
    assert_eq!(v["summary"]["by_code"]["R008"], 1, "{v}");
    // A glossary given replaces the export's groups.
    let groups = out.path().join("groups.txt");
    std::fs::write(&groups, "Sales\nMarketing\n").unwrap();
    assert_eq!(r008(&["--groups", s(&groups)]), Value::Null);
}

#[test]
fn bad_roster_usage_exits_2_and_a_bad_export_is_reported_not_fatal() {
    let out = tmp();
    let upload = out.path().join("upload.csv");
    std::fs::write(&upload, "primary_email_address\r\njane@acme.com\r\n").unwrap();
    // A missing export: exit 2 naming it.
    let o = run(&["check", "--roster", "/nonexistent/export.csv", s(&upload)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/export.csv"));
    // --preview needs --roster.
    let o = run(&["check", "--preview", "p.csv", s(&upload)]);
    assert_eq!(o.status.code(), Some(2));
    // The preview may not overwrite the upload.
    let export = out.path().join("export.csv");
    std::fs::write(&export, "invited_email_address\r\njane@acme.com\r\n").unwrap();
    let o = run(&[
        "check",
        "--roster",
        s(&export),
        "--preview",
        s(&upload),
        s(&upload),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&upload).unwrap(),
        "primary_email_address\r\njane@acme.com\r\n"
    );
    // A workbook given as the export: the check runs, the export's F003 is reported, no preview.
    let xlsx = out.path().join("users.xlsx");
    std::fs::write(&xlsx, b"PK\x03\x04\x14\x00\x06\x00").unwrap();
    let o = run(&[
        "check",
        "--format",
        "json",
        "--roster",
        s(&xlsx),
        s(&upload),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["roster"]["summary"]["by_code"]["F003"], 1);
    assert!(v["preview"].is_null());
    let o = run(&["check", "--roster", s(&xlsx), s(&upload)]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("could not be used"));
}

/// The preview CSV of `fix` as (row, email, change) triples.
fn fix_preview(extra: &[&str]) -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (upload, export) = (
        root.join("samples/sample-with-mistakes.csv"),
        root.join("samples/sample-export.csv"),
    );
    let out = tmp();
    let preview = out.path().join("preview.csv");
    let corrected = out.path().join("corrected.csv");
    let mut args = vec!["fix", s(&upload), "--roster", s(&export)];
    args.extend_from_slice(extra);
    args.extend(["--preview", s(&preview), "-o", s(&corrected)]);
    run(&args);
    let text = std::fs::read_to_string(&preview).expect("a preview");
    text.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].into(), cells[1].into(), cells[3].into())
        })
        .collect()
}

#[test]
fn the_fix_preview_is_of_the_corrected_values_with_rows_in_error_rejected() {
    let safe = fix_preview(&[]);
    let row = |p: &[(String, String, String)], r: &str| -> Vec<String> {
        p.iter()
            .filter(|l| l.0 == r)
            .map(|l| format!("{} {}", l.1, l.2))
            .collect()
    };
    // Row 6 names Sam by id with sam.rivera@gmial.com: the upload would change Sam's address to
    // the mistyped one, until R004's suggestion (the export's address for Sam) is accepted.
    assert!(
        row(&safe, "6").contains(&"sam.rivera@gmial.com email-changed".to_string()),
        "{safe:?}"
    );
    let accepted = fix_preview(&["--suggested-only", "R004"]);
    let six = row(&accepted, "6");
    assert!(
        !six.is_empty()
            && six
                .iter()
                .all(|l| l.starts_with("sam.rivera@northwindtraders.com ")
                    && !l.ends_with(" email-changed")),
        "{six:?}"
    );
    // Rows with an error left are one `rejected` line each, and no other line.
    let rejected: Vec<&String> = safe
        .iter()
        .filter(|l| l.2 == "rejected")
        .map(|l| &l.0)
        .collect();
    assert!(rejected.len() >= 2, "{safe:?}");
    for r in rejected {
        assert_eq!(row(&safe, r).len(), 1, "row {r}: {safe:?}");
    }
}
