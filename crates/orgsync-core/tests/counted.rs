//! Findings over the per-code cap are only counted, never built (issue #15: "a finding that is
//! only counted costs a counter increment, no formatting, no allocation"): the summary must be
//! what keeping them all gives. Each per-cell rule says, before building a finding, its code,
//! severity and fix; in debug builds (these tests) a counted finding is built anyway and checked
//! against what was said (`rules::row::Out::report`), so a rule that counts wrongly fails here.
//! That nothing is allocated is shown by callgrind in BENCHMARKS.md (the crate forbids the
//! `unsafe` a counting allocator needs).

use orgsync_core::{Checker, Code, Finding, Options, Report};

const HEADER: &str = "manager_email,preferred_first_name,preferred_last_name,work_title,acme_license_learning_status,group:Sales,permission_curate_content,group_permission_view_reports,reupload_user_profile,attribute_office\r\n";

/// Row `n`: every cell holds a mistake of a per-cell rule (and no identifier, so no cross-row
/// key): R018 (manager email), R012 (name with a trailing space), R013 (garbled), R014 (a
/// formula), R005 (`ACTIVE`, `licensed`, `bogus`), R006 (`Y`, `maybe`), R007/R008, R011, R010.
fn row(n: usize) -> String {
    let license = ["ACTIVE", "licensed", "bogus"][n % 3];
    let yes = ["Y", "maybe", "TRUE"][n % 3];
    let groups = ["group:Sales group:Nope", "Yes", "group:sales-team"][n % 3];
    let reupload = ["TRUE", "yes", "no", "what"][n % 4];
    format!(
        "not an address {n},Sam{n} ,CafÃ© {n},=HYPERLINK(\"x{n}\"),{license},{yes},{yes},{groups},{reupload},#N/A\r\n"
    )
}

fn file(rows: usize) -> String {
    let mut f = HEADER.to_string();
    for n in 0..rows {
        f.push_str(&row(n));
    }
    f
}

fn check(bytes: &[u8], cap: Option<usize>) -> Report {
    let mut c = Checker::new(Options::new().with_max_findings_per_code(cap));
    c.push(bytes);
    c.finish()
}

/// Asserts that a check with a cap (`capped`) counts every finding as the check without one
/// (`all`) does, and keeps the first `cap` of each code as it built them.
fn assert_counted_alike(all: &Report, capped: &Report, cap: usize) {
    let (a, c) = (&all.summary, &capped.summary);
    assert_eq!(a.omitted, 0);
    assert_eq!(
        (
            a.errors,
            a.warnings,
            a.infos,
            a.safe_fixes,
            a.suggested_fixes
        ),
        (
            c.errors,
            c.warnings,
            c.infos,
            c.safe_fixes,
            c.suggested_fixes
        )
    );
    assert_eq!(a.by_code, c.by_code);
    assert_eq!(a.fixes_by_code, c.fixes_by_code);
    assert_eq!(
        c.omitted as usize,
        all.findings.len() - capped.findings.len()
    );
    for code in Code::ALL {
        let first: Vec<&Finding> = all
            .findings
            .iter()
            .filter(|f| f.code == *code)
            .take(cap)
            .collect();
        let kept: Vec<&Finding> = capped.findings.iter().filter(|f| f.code == *code).collect();
        assert_eq!(
            first, kept,
            "{code:?}: the kept ones are the first, as built without a cap"
        );
    }
}

#[test]
fn counted_findings_add_up_to_what_keeping_them_gives() {
    let f = file(60);
    let all = check(f.as_bytes(), None);
    let capped = check(f.as_bytes(), Some(1));
    assert!(
        all.summary.by_code.len() >= 8 && all.summary.by_code.values().all(|&n| n >= 20 || n == 1),
        "the file must hold many findings of many per-cell rules: {:?}",
        all.summary.by_code
    );
    assert_counted_alike(&all, &capped, 1);
}

#[test]
fn findings_over_the_cap_are_counted_as_kept_ones_are() {
    // Revocations (R017), admins without a license (R015), duplicates (X001 with a safe fix,
    // X002), namesakes (X005), similar addresses (X004, suggested fix): every count the same
    // with a cap of 3 as without one.
    let mut lines = vec![
        "primary_email_address,unique_user_id,preferred_first_name,preferred_last_name,acme_license_learning_status,permission_curate_content,reupload_user_profile"
            .to_string(),
    ];
    for i in 0..40 {
        let license = if i % 3 == 0 { "Inactive" } else { "Active" };
        let admin = if i % 4 == 0 { "yes" } else { "" };
        lines.push(format!(
            "p{i}@acme.com,E{i},Ann,Lee{},{license},{admin},",
            i / 2
        ));
        lines.push(format!("p.{i}@acme.com,E{i}x,Bo,Kim{i},Inactive,,"));
        if i % 5 == 0 {
            lines.push(format!("p{i}@acme.com,E{i},Cy,Ng{i},Active,,"));
        }
    }
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    let all = check(text.as_bytes(), None);
    let capped = check(text.as_bytes(), Some(3));
    for code in [
        Code::R015,
        Code::R017,
        Code::X001,
        Code::X002,
        Code::X004,
        Code::X005,
    ] {
        assert!(
            all.summary.by_code.get(&code).copied().unwrap_or(0) > 3,
            "{code:?}: {:?}",
            all.summary.by_code
        );
    }
    assert_counted_alike(&all, &capped, 3);
}
