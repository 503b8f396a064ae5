//! Tests of the cross-row rules: a table per rule (where it fires, where it must not, what the
//! corrected file gets), the memory design, and the agreement of the two passes.

use crate::engine::{Handler, Pipeline};
use crate::finding::{Edit, Finding};
use crate::header::Header;
use crate::input::Sniffed;
use crate::options::{FixOptions, Options, Suggested};
use crate::registry::Code;
use crate::report::Report;
use crate::row::Row;
use crate::rules::RuleInput;
use crate::{Fixer, check};

/// Checks a CSV held in a string.
pub(crate) fn run(csv: &str) -> Report {
    check(csv.as_bytes(), Options::default())
}

/// The findings of one code as (row, column header, message).
fn found(report: &Report, code: Code) -> Vec<(u64, String, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            (
                f.row.unwrap_or(0),
                f.column
                    .and_then(|c| report.column_name(c))
                    .unwrap_or("")
                    .to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

/// The rows one code reports.
fn rows(report: &Report, code: Code) -> Vec<u64> {
    found(report, code).into_iter().map(|(r, _, _)| r).collect()
}

/// The corrected file, with every suggested fix on when `suggested`.
pub(crate) fn fixed(csv: &str, suggested: bool) -> String {
    let report = run(csv);
    let options = FixOptions {
        suggested: if suggested {
            Suggested::All
        } else {
            Suggested::None
        },
        ..FixOptions::default()
    };
    let mut fixer = Fixer::new(&report, &options);
    fixer.push(csv.as_bytes());
    String::from_utf8(fixer.finish().corrected).unwrap()
}

/// CSV text from lines (CRLF, as the corrected file writes it).
fn csv(lines: &[&str]) -> String {
    let mut s = lines.join("\r\n");
    s.push_str("\r\n");
    s
}

/// Runs the plan's `row_findings` over every row of the file (the fix pass's view).
struct RowPass<'a> {
    report: &'a Report,
    out: Vec<Finding>,
}

impl Handler for RowPass<'_> {
    fn sniffed(&mut self, _: &Sniffed, _: &[u8]) {}
    fn header(&mut self, _: &Header) {}
    fn row(&mut self, header: Option<&Header>, row: &Row<'_>) {
        let Some(header) = header else { return };
        let ctx = RuleInput {
            header,
            options: &self.report.plan.options,
        };
        let out = &mut self.out;
        self.report
            .plan
            .cross
            .row_findings(&ctx, row, &mut |f| out.push(f));
    }
}

fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
    v.sort_by_key(|f| (f.row, f.column, f.code, f.message.clone()));
    v
}

/// Asserts the check pass and the fix pass give the same cross-row findings.
fn assert_passes_agree(text: &str) -> usize {
    let report = run(text);
    let plan = &report.plan;
    let header = plan.header.as_ref().expect("a header");
    let ctx = RuleInput {
        header,
        options: &plan.options,
    };
    let mut checked = Vec::new();
    plan.cross.findings(&ctx, &mut |f| checked.push(f));
    let mut pass = RowPass {
        report: &report,
        out: Vec::new(),
    };
    let mut p = Pipeline::new();
    p.push(text.as_bytes(), &mut pass);
    p.finish(&mut pass);
    let (a, b) = (sorted(checked), sorted(pass.out));
    assert_eq!(a, b);
    a.len()
}

/// Table rows: the data lines after the header, and the (row, column) findings expected.
type Positioned<'a> = &'a [(&'a [&'a str], &'a [(u64, &'a str)])];

const HEAD: &str = "primary_email_address,unique_user_id,preferred_first_name,preferred_last_name,acme_license_learning_status";

#[test]
fn x001_duplicate_email() {
    // (rows after the header, rows reported)
    let cases: &[(&[&str], &[u64])] = &[
        (
            &[
                "jane.doe@acme.com,E1,Jane,Doe,Active",
                "JANE.DOE@acme.com ,E1,Jane,Doe,Inactive",
            ],
            &[2, 3],
        ),
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "john@acme.com,E2,John,Roe,Active",
                "jane@acme.com,E1,Jane,Doe,Active",
                "jane@acme.com,E1,Jane,Doe,Active",
            ],
            &[2, 4, 5],
        ),
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "john@acme.com,E2,John,Roe,Active",
            ],
            &[],
        ),
        // Blank emails are not duplicates of each other.
        (&[",E1,Jane,Doe,Active", ",E2,John,Roe,Active"], &[]),
    ];
    for (body, expected) in cases {
        let mut lines = vec![HEAD];
        lines.extend_from_slice(body);
        let r = run(&csv(&lines));
        assert_eq!(rows(&r, Code::X001), *expected, "{body:?}");
    }
}

#[test]
fn x001_names_the_other_rows_and_drops_exact_copies() {
    let text = csv(&[
        HEAD,
        "jane@acme.com,E1,Jane,Doe,Active",
        "john@acme.com,E2,John,Roe,Active",
        "jane@acme.com,E1,Jane,Doe,Active",
        "Jane@acme.com,E1,Jane,Doe,Inactive",
    ]);
    let r = run(&text);
    let x = found(&r, Code::X001);
    assert_eq!(x[0].1, "primary_email_address");
    assert!(x[0].2.contains("also on rows 4 and 5"), "{}", x[0].2);
    assert!(x[1].2.contains("repeats row 2"), "{}", x[1].2);
    let f = r.findings.iter().find(|f| f.code == Code::X001).unwrap();
    assert_eq!(f.related_rows, vec![4, 5]);
    let copy = r
        .findings
        .iter()
        .find(|f| f.code == Code::X001 && f.row == Some(4))
        .unwrap();
    assert_eq!(copy.fix.as_ref().unwrap().edit, Edit::DropRow);
    // Row 5 differs (Inactive): kept, without a fix.
    assert!(
        r.findings
            .iter()
            .filter(|f| f.code == Code::X001 && f.row == Some(5))
            .all(|f| f.fix.is_none())
    );
    assert_eq!(
        fixed(&text, false),
        csv(&[
            HEAD,
            "jane@acme.com,E1,Jane,Doe,Active",
            "john@acme.com,E2,John,Roe,Active",
            "Jane@acme.com,E1,Jane,Doe,Inactive",
        ])
    );
}

#[test]
fn x001_caps_the_named_rows() {
    let mut lines = vec!["primary_email_address".to_string()];
    lines.extend((0..30).map(|_| "jane@acme.com".to_string()));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let r = run(&csv(&refs));
    let first = r.findings.iter().find(|f| f.code == Code::X001).unwrap();
    // Three of the 29 other rows named, the rest counted.
    assert_eq!(first.related_rows, vec![3, 4, 5]);
    assert!(
        first.message.contains("rows 3, 4, 5 and 26 more"),
        "{}",
        first.message
    );
    // 29 exact copies dropped.
    assert_eq!(fixed(&csv(&refs), false), csv(&refs[..2]));
}

#[test]
fn x002_duplicate_unique_id() {
    let cases: &[(&[&str], &[u64])] = &[
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "john@acme.com,E1,John,Roe,Active",
            ],
            &[2, 3],
        ),
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "john@acme.com,e1,John,Roe,Active",
            ],
            &[],
        ),
        (
            &[
                "jane@acme.com,,Jane,Doe,Active",
                "john@acme.com,,John,Roe,Active",
            ],
            &[],
        ),
        (
            &[
                ",E7,Jane,Doe,Active",
                ",E7,Jane,Doe,Active",
                ",E8,John,Roe,Active",
            ],
            &[2, 3],
        ),
    ];
    for (body, expected) in cases {
        let mut lines = vec![HEAD];
        lines.extend_from_slice(body);
        let r = run(&csv(&lines));
        assert_eq!(rows(&r, Code::X002), *expected, "{body:?}");
    }
    // Identical rows without an email: X002 drops the copy.
    let text = csv(&[HEAD, ",E7,Jane,Doe,Active", ",E7,Jane,Doe,Active"]);
    assert_eq!(fixed(&text, false), csv(&[HEAD, ",E7,Jane,Doe,Active"]));
}

#[test]
fn x003_id_email_conflict() {
    let cases: Positioned<'_> = &[
        // One id, two emails.
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "john@acme.com,E1,John,Roe,Active",
            ],
            &[(2, "unique_user_id"), (3, "unique_user_id")],
        ),
        // One email, two ids.
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "jane@acme.com,E2,Jane,Doe,Active",
            ],
            &[(2, "primary_email_address"), (3, "primary_email_address")],
        ),
        // The same pair twice is a duplicate, not a conflict; a blank id conflicts with nothing.
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "jane@acme.com,E1,Jane,Doe,Inactive",
                "jane@acme.com,,Jane,Doe,Active",
            ],
            &[],
        ),
    ];
    for (body, expected) in cases {
        let mut lines = vec![HEAD];
        lines.extend_from_slice(body);
        let r = run(&csv(&lines));
        let got: Vec<(u64, String)> = found(&r, Code::X003)
            .into_iter()
            .map(|(r, c, _)| (r, c))
            .collect();
        let want: Vec<(u64, String)> = expected.iter().map(|&(r, c)| (r, c.into())).collect();
        assert_eq!(got, want, "{body:?}");
    }
}

#[test]
fn x004_possible_duplicate_profile() {
    let head = "primary_email_address,preferred_first_name,reupload_user_profile";
    let cases: &[(&[&str], &[u64])] = &[
        (
            &["jane.doe@acme.com,Jane,", "janedoe@acme.com,Jane,"],
            &[2, 3],
        ),
        (
            &["jane@acme.com,Jane,", "Jane+learning@acme.com,Jane,"],
            &[2, 3],
        ),
        // Different people, different local parts.
        (&["jane@acme.com,Jane,", "john@acme.com,John,"], &[]),
        // The very same address is X001's business.
        (&["jane@acme.com,Jane,", "JANE@acme.com,Jane,"], &[]),
        // Already confirmed by the admin.
        (
            &["jane.doe@acme.com,Jane,", "janedoe@acme.com,Jane,true"],
            &[],
        ),
        // Same name on another public domain: not the org's.
        (&["jane@acme.com,Jane,", "jane@gmail.com,Jane,"], &[]),
    ];
    for (body, expected) in cases {
        let mut lines = vec![head];
        lines.extend_from_slice(body);
        let r = run(&csv(&lines));
        assert_eq!(rows(&r, Code::X004), *expected, "{body:?}");
    }
    // The later row gets the suggested fix on its reupload_user_profile cell.
    let text = csv(&[head, "jane.doe@acme.com,Jane,", "janedoe@acme.com,Jane,"]);
    let r = run(&text);
    let later = r
        .findings
        .iter()
        .find(|f| f.code == Code::X004 && f.row == Some(3))
        .unwrap();
    assert_eq!(
        r.column_name(later.column.unwrap()),
        Some("reupload_user_profile")
    );
    assert!(later.message.contains(
        "Duplicate Profile Error: The email address you entered is similar to an existing email"
    ));
    assert_eq!(fixed(&text, false), text);
    assert_eq!(
        fixed(&text, true),
        csv(&[
            head,
            "jane.doe@acme.com,Jane,",
            "janedoe@acme.com,Jane,true"
        ])
    );
    // Without the column: no fix, and the tip says to add it.
    let text = csv(&[
        "primary_email_address",
        "jane.doe@acme.com",
        "janedoe@acme.com",
    ]);
    let r = run(&text);
    let later = r
        .findings
        .iter()
        .find(|f| f.code == Code::X004 && f.row == Some(3))
        .unwrap();
    assert!(later.fix.is_none());
    assert!(
        later
            .tip
            .contains("add a column headed reupload_user_profile")
    );
}

#[test]
fn x004_across_the_orgs_domains() {
    let mut lines = vec!["primary_email_address".to_string()];
    lines.extend((0..10).map(|i| format!("user{i}@acme.com")));
    lines.extend((0..5).map(|i| format!("staff{i}@acme.co.uk")));
    lines.push("jane.doe@acme.com".into());
    lines.push("jane.doe@acme.co.uk".into());
    lines.push("jane.doe@gmail.com".into());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let r = run(&csv(&refs));
    assert_eq!(rows(&r, Code::X004), vec![17, 18]);
    assert!(
        found(&r, Code::X004)[1]
            .2
            .contains("two of your organisation's domains")
    );
}

#[test]
fn x005_same_name_different_email() {
    let cases: &[(&[&str], &[u64])] = &[
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "jdoe@acme.com,E2,jane,DOE ,Active",
            ],
            &[2, 3],
        ),
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "john@acme.com,E2,John,Doe,Active",
            ],
            &[],
        ),
        // The same email twice is X001, not a namesake.
        (
            &[
                "jane@acme.com,E1,Jane,Doe,Active",
                "jane@acme.com,E1,Jane,Doe,Inactive",
            ],
            &[],
        ),
        // Similar addresses are X004's business: not reported twice.
        (
            &[
                "jane.doe@acme.com,E1,Jane,Doe,Active",
                "janedoe@acme.com,E2,Jane,Doe,Active",
            ],
            &[],
        ),
        // A missing last name is not a name to compare.
        (
            &[
                "jane@acme.com,E1,Jane,,Active",
                "jd@acme.com,E2,Jane,,Active",
            ],
            &[],
        ),
    ];
    for (body, expected) in cases {
        let mut lines = vec![HEAD];
        lines.extend_from_slice(body);
        let r = run(&csv(&lines));
        assert_eq!(rows(&r, Code::X005), *expected, "{body:?}");
    }
}

/// `n` rows named Jane Doe, with the addresses `local(i)@domain(i)`.
fn namesakes(n: usize, address: impl Fn(usize) -> String) -> String {
    let mut lines = vec![HEAD.to_string()];
    for i in 0..n {
        lines.push(format!("{},E{i},Jane,Doe,Active", address(i)));
    }
    lines.push("john@acme.com,J1,John,Roe,Active".into());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    csv(&lines)
}

#[test]
fn x005_a_name_on_a_few_rows_is_reported_and_a_common_one_is_noted() {
    use super::same_name_different_email::MAX_SHARERS;
    // Up to MAX_SHARERS rows: every row, naming the others; no note.
    let text = namesakes(MAX_SHARERS, |i| format!("jane.doe{i}@acme.com"));
    let r = run(&text);
    assert_eq!(
        rows(&r, Code::X005),
        (2..2 + MAX_SHARERS as u64).collect::<Vec<_>>()
    );
    assert_passes_agree(&text);
    // One more row: a common name, no row reported, one file-level note counting it.
    let text = namesakes(MAX_SHARERS + 1, |i| format!("jane.doe{i}@acme.com"));
    let r = run(&text);
    assert_eq!(rows(&r, Code::X005), vec![0]);
    let note = &found(&r, Code::X005)[0].2;
    assert!(
        note.starts_with(&format!("1 name is each on more than {MAX_SHARERS} rows"))
            && note.contains(&format!("({} rows in all)", MAX_SHARERS + 1)),
        "{note}"
    );
    assert_eq!(r.summary.by_code.get(&Code::X005), Some(&1));
    assert_eq!(assert_passes_agree(&text), 0);
}

#[test]
fn x005_a_common_name_reports_the_rows_whose_addresses_look_alike() {
    // Ten Jane Does; rows 2 and 6 share the part before the @ on two domains (work and
    // personal), rows 3 and 7 are the same address twice (X001's business), rows 4 and 8 are
    // similar on one domain (X004's business).
    let text = namesakes(10, |i| match i {
        0 => "jane.doe@acme.com".into(),
        4 => "Jane.Doe@gmail.com".into(),
        1 | 5 => "jd@acme.com".into(),
        2 => "j.d.x@acme.com".into(),
        6 => "jdx@acme.com".into(),
        _ => format!("jane.doe{i}@acme.com"),
    });
    let r = run(&text);
    let got = found(&r, Code::X005);
    let reported: Vec<u64> = got.iter().map(|f| f.0).collect();
    assert_eq!(reported, vec![0, 2, 6]);
    assert!(
        got[1]
            .2
            .contains("with the same part before the @, is on row 6"),
        "{}",
        got[1].2
    );
    assert!(got[0].2.contains("(10 rows in all)"), "{}", got[0].2);
    assert_eq!(rows(&r, Code::X004), vec![4, 8]);
    assert_passes_agree(&text);
}

#[test]
fn x005_names_a_few_other_rows_and_counts_the_rest() {
    // Eight rows with one name and one local part on eight domains: each names three others.
    let text = namesakes(8, |i| format!("jane.doe@d{i}.example"));
    let r = run(&text);
    let x005: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::X005 && f.row.is_some())
        .collect();
    assert_eq!(x005.len(), 8);
    assert_eq!(x005[0].related_rows, vec![3, 4, 5]);
    assert!(
        x005[0].message.contains("on rows 3, 4, 5 and 4 more"),
        "{}",
        x005[0].message
    );
    assert_eq!(x005[7].related_rows, vec![2, 3, 4]);
    assert_passes_agree(&text);
}

#[test]
fn copies_after_safe_fixes_are_found_past_the_findings_cap() {
    // Rows 2 and 3 are one row once R003 drops row 2's trailing dot. Row 1's R003 finding
    // fills a cap of 1, so row 2's is only counted; its fix must still reach the copy key, or
    // fixing the corrected file again would drop row 3 as a copy then.
    let text = csv(&[
        "primary_email_address,preferred_first_name",
        "ann@acme.com.,Ann",
        "bo@acme.com.,Bo",
        "bo@acme.com,Bo",
    ]);
    for cap in [None, Some(1)] {
        let options = Options {
            max_findings_per_code: cap,
            ..Options::default()
        };
        let report = check(text.as_bytes(), options.clone());
        assert_eq!(
            report.summary.by_code.get(&Code::R003).copied(),
            Some(2),
            "cap {cap:?}"
        );
        let mut fixer = Fixer::new(&report, &FixOptions::default());
        fixer.push(text.as_bytes());
        let once = fixer.finish().corrected;
        assert_eq!(
            String::from_utf8_lossy(&once),
            csv(&[
                "primary_email_address,preferred_first_name",
                "ann@acme.com,Ann",
                "bo@acme.com,Bo"
            ]),
            "cap {cap:?}: the copy is dropped in the first run"
        );
        let again = check(&once, options);
        assert_eq!(again.summary.by_code.get(&Code::X001), None, "cap {cap:?}");
    }
}

#[test]
fn x007_change_collision() {
    let head = "existing_email_address,invited_email_address";
    let cases: Positioned<'_> = &[
        // Row 3's new address is row 2's current one.
        (
            &["jane@old.com,jane@new.com", "john@old.com,jane@old.com"],
            &[(2, "existing_email_address"), (3, "invited_email_address")],
        ),
        // Two rows asking for the same new address.
        (
            &["jane@old.com,team@new.com", "john@old.com,TEAM@new.com"],
            &[(2, "invited_email_address"), (3, "invited_email_address")],
        ),
        // A row changing to its own address collides with no one; distinct changes are fine.
        (
            &["jane@old.com,jane@old.com", "john@old.com,john@new.com"],
            &[],
        ),
    ];
    for (body, expected) in cases {
        let mut lines = vec![head];
        lines.extend_from_slice(body);
        let r = run(&csv(&lines));
        let got: Vec<(u64, String)> = found(&r, Code::X007)
            .into_iter()
            .map(|(r, c, _)| (r, c))
            .collect();
        let want: Vec<(u64, String)> = expected.iter().map(|&(r, c)| (r, c.into())).collect();
        assert_eq!(got, want, "{body:?}");
    }
    let r = run(&csv(&[
        "unique_user_id,new_unique_user_id",
        "E1,E9",
        "E2,E9",
        "E3,E4",
    ]));
    assert_eq!(rows(&r, Code::X007), vec![2, 3]);
}

fn acme(n: usize, extra: &[&str]) -> String {
    let mut lines = vec!["primary_email_address,manager_primary_email_address".to_string()];
    lines.extend((0..n).map(|i| format!("user{i}@acme.com,boss@acme.com")));
    lines.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    csv(&refs)
}

#[test]
fn r004_domain_near_the_main_one() {
    let cases: &[(&[&str], &[u64])] = &[
        (&["jane@acme.con,"], &[22]),
        (&["jane@Acme.cmo,boss@acmee.com"], &[22, 22]),
        (&["jane@gmail.com,", "john@acme.org,"], &[]),
        (&["jane@acme.de,"], &[]),
        (&["jane@acme.om,"], &[22]),
        (&["jane@globex.com,"], &[]),
    ];
    for (extra, expected) in cases {
        let r = run(&acme(20, extra));
        assert_eq!(rows(&r, Code::R004), *expected, "{extra:?}");
    }
    let text = acme(20, &["Jane@Acmee.com,boss@acme.com"]);
    let fixed_text = fixed(&text, true);
    assert!(
        fixed_text.ends_with("Jane@acme.com,boss@acme.com\r\n"),
        "{fixed_text}"
    );
    assert_eq!(fixed(&text, false), text);
    // The documented example: a small file.
    let text = csv(&[
        "primary_email_address",
        "jane.doe@acme.com",
        "john.roe@acme.com",
        "mary.major@acme.com",
        "kate.smith@acme.com",
        "tom.baker@acme.com",
        "ann.lee@acmr.com",
    ]);
    let r = run(&text);
    assert_eq!(rows(&r, Code::R004), vec![7]);
    assert!(
        found(&r, Code::R004)[0]
            .2
            .contains("which 83% of the file's addresses use")
    );
    // No main domain: half the file each.
    let mut lines = vec!["primary_email_address".to_string()];
    lines.extend((0..10).map(|i| format!("a{i}@acme.com")));
    lines.extend((0..10).map(|i| format!("b{i}@globex.com")));
    lines.push("c@acmr.com".into());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert!(rows(&run(&csv(&refs)), Code::R004).is_empty());
}

#[test]
fn r020_attribute_case_variants() {
    let head = "primary_email_address,attribute_office";
    let mut lines = vec![head.to_string()];
    lines.extend((0..5).map(|i| format!("u{i}@acme.com,Sydney Office")));
    lines.push("v1@acme.com,Sydney office".into());
    lines.push("v2@acme.com,SYDNEY  OFFICE".into());
    lines.push("v3@acme.com,Melbourne".into());
    lines.push("v4@acme.com,Sydney Office ".into()); // R012's business
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let text = csv(&refs);
    let r = run(&text);
    assert_eq!(rows(&r, Code::R020), vec![7, 8]);
    let f = found(&r, Code::R020);
    assert!(
        f[0].2.contains("`Sydney office` (1 row in this column)"),
        "{}",
        f[0].2
    );
    assert!(f[0].2.contains("`Sydney Office` (5 rows)"), "{}", f[0].2);
    let out = fixed(&text, true);
    assert!(out.contains("v1@acme.com,Sydney Office\r\n"));
    assert!(out.contains("v2@acme.com,Sydney Office\r\n"));
    assert!(out.contains("v3@acme.com,Melbourne\r\n"));
    assert!(fixed(&text, false).contains("v1@acme.com,Sydney office\r\n"));
}

#[test]
fn r020_gives_up_on_free_text_columns() {
    let mut lines = vec!["primary_email_address,attribute_note".to_string()];
    lines.extend((0..5_001).map(|i| format!("u{i}@acme.com,Note {i}")));
    lines.push("x@acme.com,note 1".into());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert!(rows(&run(&csv(&refs)), Code::R020).is_empty());
}

#[test]
fn plans_stay_small_for_many_identical_rows() {
    let n = 100_000;
    let mut text = String::from(
        "primary_email_address,unique_user_id,preferred_first_name,preferred_last_name,attribute_office\r\n",
    );
    for _ in 0..n {
        text.push_str("jane@acme.com,E1,Jane,Doe,Sydney\r\n");
    }
    let r = check(
        text.as_bytes(),
        Options {
            max_findings_per_code: Some(100),
            ..Options::default()
        },
    );
    let plan = &r.plan.cross;
    // One finding per row for X001 and X002, a few words each; two groups naming 21 rows each.
    assert_eq!(plan.entries.len(), 2 * n);
    assert_eq!(plan.groups.len(), 2);
    assert!(plan.groups.iter().all(|g| g.sample.len() == 21));
    assert_eq!(plan.lines.0.len(), 1);
    assert_eq!(r.summary.by_code.get(&Code::X001), Some(&(n as u64)));
    assert_eq!(r.summary.safe_fixes, 2 * (n as u64 - 1));

    // A clean file of distinct people: nothing at all.
    let mut text = String::from(
        "primary_email_address,unique_user_id,preferred_first_name,preferred_last_name\r\n",
    );
    for i in 0..n {
        text.push_str(&format!("user{i}@acme.com,E{i},First{i},Last{i}\r\n"));
    }
    let r = run(&text);
    assert!(r.plan.cross.entries.is_empty());
    assert!(r.plan.cross.groups.is_empty());
}

#[test]
fn both_passes_give_the_same_cross_row_findings() {
    let mut lines = vec![
        "primary_email_address,unique_user_id,preferred_first_name,preferred_last_name,attribute_office,reupload_user_profile".to_string(),
    ];
    lines.extend((0..12).map(|i| format!("user{i}@acme.com,E{i},First{i},Last{i},Sydney Office,")));
    lines.extend(
        [
            "jane.doe@acme.com,E100,Jane,Doe,Sydney office,",
            "janedoe@acme.com,E101,Jane,Doe,Sydney Office,",
            "jane.doe@acme.com,E100,Jane,Doe,Sydney office,",
            "\"multi\nline\"@acme.con,E102,Multi,Line,sydney office,",
            "john@acme.con,E100,John,Roe,Melbourne,",
            "john@acme.com,E103,John,Roe,Melbourne,",
            ",,,,,",
            "JOHN@acme.com ,E104,John,Roe,Melbourne,",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let n = assert_passes_agree(&csv(&refs));
    assert!(n > 10, "{n}");

    let n = assert_passes_agree(&csv(&[
        "existing_email_address,invited_email_address",
        "jane@old.com,jane@new.com",
        "john@old.com,jane@old.com",
        "mary@old.com,team@new.com",
        "kate@old.com,team@new.com",
    ]));
    assert_eq!(n, 4);
}

#[test]
fn lines_follow_multiline_records() {
    let text = csv(&[
        "primary_email_address,work_title",
        "jane@acme.com,\"Head of\nSales\"",
        "",
        "jane@acme.com,Engineer",
    ]);
    let r = run(&text);
    let x: Vec<(Option<u64>, Option<u64>)> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::X001)
        .map(|f| (f.row, f.line))
        .collect();
    assert_eq!(x, vec![(Some(2), Some(2)), (Some(4), Some(5))]);
    assert_passes_agree(&text);
}

#[test]
fn duplicated_finds_exactly_the_shared_keys() {
    use super::duplicated;
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut keys: Vec<u64> = (0..50_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
        .collect();
    keys[10] = keys[400];
    keys[11] = keys[400];
    // Same top 32 bits, different keys: not shared.
    keys[20] = (keys[30] & !0xFFFF_FFFF) | 7;
    keys[21] = 0;
    keys[22] = 0;
    // Copies far apart, and many copies of one value, in a file large enough to be dealt into
    // buckets; and a shorter one that is not.
    for i in (0..50_000).step_by(997) {
        keys[i] = keys[49_999 - i / 3];
    }
    let naive = |keys: &[u64]| {
        let mut sorted: Vec<u64> = keys.iter().copied().filter(|&k| k != 0).collect();
        sorted.sort_unstable();
        let mut want: Vec<u64> = sorted
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        want.dedup();
        want
    };
    let want = naive(&keys);
    assert!(want.len() > 40, "{}", want.len());
    assert_eq!(duplicated(&keys), want);
    assert_eq!(duplicated(&keys[..20_000]), naive(&keys[..20_000]));
    assert_eq!(duplicated(&[5, 5, 5, 0, 0]), vec![5]);
    assert!(duplicated(&[]).is_empty());
    // `shared`: the records of those values, by value then record.
    let shared_naive = |keys: &[u64]| {
        let dups = naive(keys);
        let mut records: Vec<u32> = (0..keys.len() as u32)
            .filter(|&r| dups.binary_search(&keys[r as usize]).is_ok())
            .collect();
        records.sort_by_key(|&r| keys[r as usize]);
        records
    };
    assert_eq!(super::shared(&keys), shared_naive(&keys));
    assert_eq!(
        super::shared(&keys[..20_000]),
        shared_naive(&keys[..20_000])
    );
    assert_eq!(super::shared(&[5, 0, 5, 0, 5, 7]), vec![0, 2, 4]);
    assert!(super::shared(&[1, 2, 3]).is_empty());
}

#[test]
fn both_passes_agree_on_the_golden_inputs() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/cases");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut checked = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !(name.starts_with("cross-") || name.starts_with("summary-")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path().join("input.csv")) else {
            continue;
        };
        assert_passes_agree(&text);
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

mod properties {
    use super::{assert_passes_agree, fixed};
    use crate::registry::Code;
    use proptest::prelude::*;

    /// Cells that make the cross rules work: near-duplicates, odd spacing, non-ASCII, quotes.
    fn cell() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "",
            " ",
            "jane.doe@acme.com",
            "JaneDoe@acme.com",
            "jane.doe+x@acme.com ",
            "jane.doe@acme.co.uk",
            "jane@acme.con",
            "@",
            "a@",
            "Ünïcødé@exämple.com",
            "E1",
            "E1 ",
            "Sydney Office",
            "sydney  office",
            "true",
            "\"quoted, with comma\"",
            "\u{a0}nbsp\u{200b}",
        ])
        .prop_map(str::to_string)
    }

    fn file() -> impl Strategy<Value = String> {
        let header = prop::sample::select(vec![
            "primary_email_address,unique_user_id,preferred_first_name,preferred_last_name,attribute_office,reupload_user_profile",
            "existing_email_address,invited_email_address,unique_user_id",
            "unique_user_id,new_unique_user_id,primary_email_address",
            "primary_email_address,invited_email_address,manager_primary_email_address",
            "primary_email_address,unique_id",
        ]);
        (
            header,
            prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..25),
        )
            .prop_map(|(h, rows)| {
                let mut s = format!("{h}\r\n");
                for r in rows {
                    s.push_str(&r.join(","));
                    s.push_str("\r\n");
                }
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn passes_agree_and_fixing_never_panics(text in file()) {
            assert_passes_agree(&text);
            let once = fixed(&text, true);
            let _ = fixed(&once, true);
            // The safe fixes (X001/X002 drop copies) settle in one run: the corrected file
            // re-checks with no copy left.
            let safe = fixed(&text, false);
            let again = super::run(&safe);
            prop_assert!(!again.findings.iter().any(|f| {
                matches!(f.code, Code::X001 | Code::X002) && f.fix.is_some()
            }), "{safe:?}");
        }
    }
}

/// A damaged file whose cell ends in a lone UTF-8 lead byte, the next cell starting with its
/// continuation byte: the row's text reads them as one character, and taking the cells must not
/// split it (this panicked in `Row::cell`).
#[test]
fn a_character_split_across_cells_is_no_panic() {
    let bytes = b"primary_email_address,attribute_office\r\njane@example.com,Sydney\r\njohn@example.com\xc2,\x80Office\r\n";
    let report = crate::check(&bytes[..], crate::Options::default());
    assert_eq!(report.file.rows, 2);
    // The row is read as Windows-1252 (F001), so no byte is lost from either cell, and turning
    // the F001 fix off gives the original bytes back.
    assert!(report.findings.iter().any(|f| f.code == crate::Code::F001));
    let mut fixer = crate::Fixer::new(
        &report,
        &crate::FixOptions {
            no_fix: vec![crate::Code::F001],
            ..Default::default()
        },
    );
    fixer.push(&bytes[..]);
    let out = fixer.finish();
    let corrected = out.corrected;
    assert!(
        corrected
            .windows(b"john@example.com\xc2,\x80Office".len())
            .any(|w| w == b"john@example.com\xc2,\x80Office"),
        "{:?}",
        String::from_utf8_lossy(&corrected)
    );
}
