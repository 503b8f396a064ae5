//! Reading exports and comparing uploads with them: tables of (export, upload) and what must
//! and must not come out.

use super::*;
use crate::{ChangeKind, FixOptions, Fixer, Suggested, check};
use std::sync::Arc;

fn roster(export: &str) -> Roster {
    Roster::read(export.as_bytes(), Some("export.csv".into()))
}

fn report(export: &str, upload: &str) -> crate::Report {
    let options = Options {
        roster: Some(Arc::new(roster(export))),
        ..Options::default()
    };
    check(upload.as_bytes(), options)
}

/// The P findings as (row, code).
fn p_codes(export: &str, upload: &str) -> Vec<(u64, &'static str)> {
    report(export, upload)
        .findings
        .iter()
        .filter(|f| f.code.rule().scope == crate::Scope::Roster)
        .map(|f| (f.row.unwrap_or(0), f.code.as_str()))
        .collect()
}

/// The preview as (row, kind) pairs, untouched users as row 0.
fn kinds(export: &str, upload: &str) -> Vec<(u64, ChangeKind)> {
    report(export, upload)
        .preview
        .expect("a preview")
        .changes
        .iter()
        .map(|c| (c.row.unwrap_or(0), c.change))
        .collect()
}

const EXPORT: &str = "invited_email_address,unique_user_id,acme_license_learning_status,group:Sales,permission_curate_content,attribute_office\r\n\
    jane.doe@acme.com,E1,Active,yes,,London\r\n\
    john.roe@acme.com,E2,Inactive,,yes,Paris\r\n\
    mary.major@acme.com,E3,Active,,,\r\n";

#[test]
fn matching_and_rules() {
    use ChangeKind::*;
    let h = "primary_email_address,unique_user_id,acme_license_learning_status,group:Sales,permission_curate_content,attribute_office\r\n";
    type Case<'a> = (&'a str, &'a [(u64, &'a str)], &'a [(u64, ChangeKind)]);
    let cases: &[Case] = &[
        // Same values, any case and spacing: nothing changes.
        (
            "JANE.DOE@acme.com , E1,active,YES,,London",
            &[(2, "P005")],
            &[(2, NoChange)],
        ),
        // Blank cells change nothing.
        ("jane.doe@acme.com,,,,,", &[(2, "P005")], &[(2, NoChange)]),
        // Revoking a held license: P002; revoking one not held: nothing.
        (
            "jane.doe@acme.com,E1,Inactive,,,",
            &[(2, "P002")],
            &[(2, LicenseRevoked)],
        ),
        (
            "john.roe@acme.com,E2,Inactive,,,",
            &[(2, "P005")],
            &[(2, NoChange)],
        ),
        (
            "john.roe@acme.com,E2,Active,no,no,Paris",
            &[],
            &[(2, LicenseAssigned), (2, PermissionRemoved)],
        ),
        (
            "jane.doe@acme.com,E1,,no,yes,Tokyo",
            &[],
            &[
                (2, GroupRemoved),
                (2, PermissionGranted),
                (2, ProfileUpdated),
            ],
        ),
        // Invalid values are the R rules' business: no change.
        (
            "jane.doe@acme.com,E1,maybe,y,,",
            &[(2, "P005")],
            &[(2, NoChange)],
        ),
        // Matched by id when the email is new: an email change.
        ("jane.d@acme.com,E1,,,,", &[], &[(2, EmailChanged)]),
        // Matched by email with a new id: an id change.
        ("jane.doe@acme.com,E9,,,,", &[], &[(2, IdChanged)]),
        // Email and id of two different users.
        (
            "jane.doe@acme.com,E2,Active,,,",
            &[(2, "P004")],
            &[(2, Conflict)],
        ),
        // New users: invited with an Active license, unassigned otherwise.
        (
            "new.person@acme.com,E7,Active,yes,,",
            &[(2, "P001")],
            &[(2, Invited), (2, LicenseAssigned), (2, GroupAdded)],
        ),
        (
            "new.person@acme.com,,,,,",
            &[(2, "P001")],
            &[(2, Unassigned)],
        ),
        (
            "new.person@acme.com,,Inactive,no,no,",
            &[(2, "P001")],
            &[(2, Unassigned)],
        ),
        // Similar to an existing address: P003 as well.
        (
            "janedoe@acme.com,,Active,,,",
            &[(2, "P001"), (2, "P003")],
            &[(2, Invited), (2, LicenseAssigned)],
        ),
        (
            "Mary.Major+lms@acme.com,,,,,",
            &[(2, "P001"), (2, "P003")],
            &[(2, Unassigned)],
        ),
        // A row with no identifier is R001's, not compared.
        (",,Active,,,", &[], &[]),
    ];
    for (row, codes, changes) in cases {
        let upload = format!("{h}{row}\r\n");
        assert_eq!(p_codes(EXPORT, &upload), *codes, "{row}");
        let mut got = kinds(EXPORT, &upload);
        got.retain(|&(r, k)| r != 0 || k != Untouched);
        assert_eq!(got, *changes, "{row}");
    }
}

#[test]
fn untouched_users_and_totals() {
    let upload = "primary_email_address,acme_license_learning_status\r\njohn.roe@acme.com,Active\r\nnew@acme.com,\r\n";
    let r = report(EXPORT, upload);
    let p = r.preview.clone().unwrap();
    let untouched: Vec<&str> = p
        .changes
        .iter()
        .filter(|c| c.change == ChangeKind::Untouched)
        .map(|c| c.email.as_str())
        .collect();
    assert_eq!(untouched, ["jane.doe@acme.com", "mary.major@acme.com"]);
    let t = &p.totals;
    assert_eq!(
        (
            t.export_users,
            t.rows,
            t.new_users,
            t.existing_users,
            t.changed,
            t.untouched
        ),
        (3, 2, 1, 1, 1, 2)
    );
    assert_eq!(r.summary.actions.new_users(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&r.to_json(false)).unwrap();
    assert_eq!(json["preview"]["totals"]["by_kind"]["untouched"], 2);
    assert_eq!(json["summary"]["actions"]["new_users"], 1);
    assert_eq!(json["roster"]["users"], 3);
}

#[test]
fn no_roster_keeps_the_report_shape() {
    let r = check(
        b"primary_email_address\r\njane@acme.com\r\n",
        Options::default(),
    );
    let json: serde_json::Value = serde_json::from_str(&r.to_json(false)).unwrap();
    assert!(json.get("roster").is_none() && json.get("preview").is_none());
    assert!(json["summary"]["actions"].get("new_users").is_none());
}

#[test]
fn preview_is_capped_with_exact_totals() {
    let mut upload = String::from("primary_email_address\r\n");
    for i in 0..50 {
        upload.push_str(&format!("person{i}@acme.com\r\n"));
    }
    let options = Options {
        roster: Some(Arc::new(roster(EXPORT))),
        max_findings_per_code: Some(10),
        ..Options::default()
    };
    let p = check(upload.as_bytes(), options).preview.unwrap();
    assert_eq!(p.totals.by_kind[&ChangeKind::Unassigned], 50);
    assert_eq!(
        p.changes
            .iter()
            .filter(|c| c.change == ChangeKind::Unassigned)
            .count(),
        10
    );
    assert_eq!(p.omitted, 40);
}

#[test]
fn export_read_with_tolerance() {
    // UTF-16 with tabs and a BOM; `;` with a Windows-1252 accent; headers in other case.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "invited_email_address\tunique_user_id\r\njosé@acme.com\tE1\r\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let r = Roster::read(&utf16, None);
    assert_eq!((r.users(), r.file().encoding), (1, "utf-16le"));
    assert!(r.findings().is_empty(), "{:?}", r.findings());
    let r = Roster::read(
        b"Primary_Email_Address;Unique_User_Id\r\njos\xe9@acme.com;E1\r\n",
        None,
    );
    assert_eq!(r.users(), 1);
    assert_eq!(r.email(0), "josé@acme.com");
    // The same export in 3-byte chunks reads the same.
    let mut reader = RosterReader::new(None);
    for c in EXPORT.as_bytes().chunks(3) {
        reader.push(c);
    }
    let chunked = reader.finish();
    assert_eq!(
        (chunked.users(), chunked.email(2)),
        (3, "mary.major@acme.com")
    );
}

#[test]
fn export_problems_are_its_own() {
    let cases: &[(&[u8], &[&str], bool)] = &[
        (b"", &["F005"], false),
        (b"PK\x03\x04\x14\x00\x00\x00", &["F003"], false),
        (b"preferred_first_name,group:Sales\r\nJane,yes\r\n", &["H003"], false),
        (b"primary_email_address,unique_id\r\njane@acme.com,1\r\n", &["H003"], false),
        (
            b"invited_email_address,unique_user_id\r\njane@acme.com,E1\r\n,\r\nJANE@acme.com,E5\r\njohn@acme.com,E1\r\n",
            &["X001", "X002"],
            true,
        ),
        (b"invited_email_address,preferred_first_name\r\n,Jane\r\n\"a@b.com,x\r\n", &["F006", "F007", "R001"], true),
    ];
    for (bytes, codes, usable) in cases {
        let r = Roster::read(bytes, None);
        let mut got: Vec<&str> = r.findings().iter().map(|f| f.code.as_str()).collect();
        got.sort();
        got.dedup();
        assert_eq!(got, *codes, "{}", String::from_utf8_lossy(bytes));
        assert_eq!(r.usable(), *usable, "{}", String::from_utf8_lossy(bytes));
        // The upload's report never holds the export's findings.
        let options = Options {
            roster: Some(Arc::new(r)),
            ..Options::default()
        };
        let up = check(b"primary_email_address\r\njane@acme.com\r\n", options);
        assert!(
            up.findings
                .iter()
                .all(|f| !codes.contains(&f.code.as_str()))
        );
        assert_eq!(up.preview.is_some(), *usable);
    }
}

#[test]
fn org_domains_come_from_the_export() {
    let mut export = String::from("invited_email_address\r\n");
    for i in 0..10 {
        export.push_str(&format!("user{i}@acme.com\r\nuser{i}x@acme.co.uk\r\n"));
    }
    export.push_str("jane.doe@acme.com\r\nsam@gmail.com\r\n");
    let r = roster(&export);
    assert_eq!(r.org_domains(), ["acme.co.uk", "acme.com"]);
    let h = "primary_email_address\r\n";
    for (email, p003) in [
        ("jane.doe@acme.co.uk", true),
        ("janedoe@acme.com", true),
        ("jane.doe@gmail.com", false),
        ("sam@acme.com", false),
        ("jane.dee@acme.com", false),
    ] {
        let got = p_codes(&export, &format!("{h}{email}\r\n"));
        assert_eq!(got.contains(&(2, "P003")), p003, "{email}");
    }
}

#[test]
fn fix_pass_writes_the_whole_preview_and_applies_p003() {
    let upload = "primary_email_address,reupload_user_profile\r\njanedoe@acme.com,\r\njohn.roe@acme.com,\r\n";
    let options = Options {
        roster: Some(Arc::new(roster(EXPORT))),
        max_findings_per_code: Some(0),
        ..Options::default()
    };
    let r = check(upload.as_bytes(), options);
    assert!(r.preview.as_ref().unwrap().changes.is_empty());
    let mut f = Fixer::new(
        &r,
        &FixOptions {
            suggested: Suggested::Only(vec![Code::P003]),
            ..FixOptions::default()
        },
    );
    f.push(upload.as_bytes());
    let out = f.finish();
    assert_eq!(
        String::from_utf8(out.preview).unwrap(),
        "row,email,unique_user_id,change,column,before,after\r\n\
         2,janedoe@acme.com,,unassigned,primary_email_address,,janedoe@acme.com\r\n\
         3,john.roe@acme.com,E2,no-change,,,\r\n\
         ,jane.doe@acme.com,E1,untouched,,,\r\n\
         ,mary.major@acme.com,E3,untouched,,,\r\n"
            .replace("john.roe@acme.com,E2", "john.roe@acme.com,")
    );
    assert_eq!(
        String::from_utf8(out.corrected).unwrap(),
        "primary_email_address,reupload_user_profile\r\njanedoe@acme.com,true\r\njohn.roe@acme.com,\r\n"
    );
}

#[test]
fn preview_cells_are_neutralised() {
    let export = "invited_email_address,attribute_note\r\njane@acme.com,ok\r\n";
    // Quoted as CSV wants it: a bare quote inside a cell is F006, which rejects the row.
    let upload =
        "primary_email_address,attribute_note\r\njane@acme.com,\"=HYPERLINK(\"\"x\"\")\"\r\n";
    let options = Options {
        roster: Some(Arc::new(roster(export))),
        ..Options::default()
    };
    let r = check(upload.as_bytes(), options);
    let mut f = Fixer::new(&r, &FixOptions::default());
    f.push(upload.as_bytes());
    let preview = String::from_utf8(f.finish().preview).unwrap();
    assert!(
        preview.contains(",\"'=HYPERLINK(\"\"x\"\")\"\r\n"),
        "{preview}"
    );
}

/// The fix pass's preview (CSV lines without the header, and the capped summary), with `fix`.
fn fixed_preview(export: &str, upload: &str, fix: FixOptions) -> (Vec<String>, Preview) {
    let r = report(export, upload);
    let mut f = Fixer::new(&r, &fix);
    f.push(upload.as_bytes());
    let (out, summary) = f.finish_with_preview();
    let csv = String::from_utf8(out.preview).unwrap();
    let lines = csv.lines().skip(1).map(str::to_string).collect();
    (lines, summary.expect("a preview"))
}

#[test]
fn the_fix_pass_previews_the_corrected_values() {
    let h = "primary_email_address,acme_license_learning_status\r\n";
    // `<…>` around an address: R003's safe fix takes it off, and the row is Jane's.
    let upload = format!("{h}<jane.doe@acme.com>,Active\r\n");
    let asked: Vec<(u64, ChangeKind)> = kinds(EXPORT, &upload);
    assert!(asked.contains(&(2, ChangeKind::Invited)), "{asked:?}");
    let (lines, summary) = fixed_preview(EXPORT, &upload, FixOptions::default());
    assert_eq!(lines[0], "2,jane.doe@acme.com,,no-change,,,", "{lines:?}");
    assert_eq!(summary.totals.new_users, 0);
    assert_eq!(summary.totals.existing_users, 1);
    assert_eq!(summary.totals.by_kind.get(&ChangeKind::Invited), None);
    // With R003's fix turned off, the upload would invite `<jane.doe@acme.com>`.
    let off = FixOptions {
        no_fix: vec![Code::R003],
        ..FixOptions::default()
    };
    let (lines, summary) = fixed_preview(EXPORT, &upload, off);
    assert!(
        lines[0].starts_with("2,<jane.doe@acme.com>,,invited,"),
        "{lines:?}"
    );
    assert_eq!(summary.totals.new_users, 1);
}

#[test]
fn a_row_left_with_an_error_is_rejected_not_changed() {
    let h = "primary_email_address,acme_license_learning_status,group:Sales\r\n";
    // Row 2: an address that is no address (R002); row 3: `maybe` in a group (R006, no fix);
    // row 4: `YES` (R006's safe fix makes it `yes`): applied.
    let upload = format!(
        "{h}not an address,Active,\r\njohn.roe@acme.com,Active,maybe\r\nmary.major@acme.com,,YES\r\n"
    );
    let (lines, summary) = fixed_preview(EXPORT, &upload, FixOptions::default());
    assert_eq!(
        lines[0], "2,not an address,,rejected,primary_email_address,,R002",
        "{lines:?}"
    );
    assert_eq!(
        lines[1], "3,john.roe@acme.com,,rejected,group:Sales,,R006",
        "{lines:?}"
    );
    assert_eq!(
        lines[2], "4,mary.major@acme.com,,group-added,group:Sales,,yes",
        "{lines:?}"
    );
    // John is named by a rejected row: not listed as untouched; Jane is.
    assert_eq!(lines[3], ",jane.doe@acme.com,E1,untouched,,,");
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(summary.totals.rejected, 2);
    assert_eq!(summary.totals.by_kind.get(&ChangeKind::Rejected), Some(&2));
    assert_eq!(
        summary.totals.by_kind.get(&ChangeKind::LicenseAssigned),
        None
    );
    assert_eq!(summary.changes.len(), 4);
    // The check pass shows what the rows ask for: John's license.
    let asked = kinds(EXPORT, &upload);
    assert!(
        asked.contains(&(3, ChangeKind::LicenseAssigned)),
        "{asked:?}"
    );
}

#[test]
fn a_copy_dropped_leaves_its_row_accepted() {
    let h = "primary_email_address,acme_license_learning_status\r\n";
    let upload = format!("{h}john.roe@acme.com,Active\r\njohn.roe@acme.com,Active\r\n");
    let (lines, _) = fixed_preview(EXPORT, &upload, FixOptions::default());
    assert_eq!(
        lines[0],
        "2,john.roe@acme.com,,license-assigned,acme_license_learning_status,Inactive,Active",
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("3,")), "{lines:?}");
    // With the drop turned off both rows stay, and the uploader rejects both.
    let off = FixOptions {
        no_fix: vec![Code::X001],
        ..FixOptions::default()
    };
    let (lines, _) = fixed_preview(EXPORT, &upload, off);
    assert!(
        lines[0].starts_with("2,john.roe@acme.com,,rejected,"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("3,john.roe@acme.com,,rejected,"),
        "{lines:?}"
    );
}

/// Without the `roster` feature (the JS API's default package) an export is never usable, so
/// neither the check nor the fix compares with it: no P finding, no preview, no preview CSV. Run
/// by scripts/test.sh's `--no-default-features` line; with the feature the tests above hold.
#[cfg(not(feature = "roster"))]
#[test]
fn without_roster_an_export_is_never_compared() {
    let export = "primary_email_address,group:Sales\r\njane@acme.com,yes\r\n";
    let upload = "primary_email_address,group:Sales\r\njane@acme.com,no\r\njohn@acme.com,yes\r\n";
    assert!(!roster(export).usable());
    let checked = report(export, upload);
    assert!(checked.preview.is_none());
    assert_eq!(p_codes(export, upload), []);
    let mut fixed = Fixer::new(&checked, &FixOptions::default());
    fixed.push(upload.as_bytes());
    let out = fixed.finish();
    assert!(out.preview.is_empty());
    assert!(!out.corrected.is_empty());
}
