//! Findings over the per-code cap are only counted, never built (issue #15: "a finding that is
//! only counted costs a counter increment, no formatting, no allocation"): the summary must be
//! what keeping them all gives. Each per-cell rule says, before building a finding, its code,
//! severity and fix; in debug builds (these tests) a counted finding is built anyway and checked
//! against what was said (`rules::row::Out::report`), so a rule that counts wrongly fails here.
//! That nothing is allocated is shown by callgrind in BENCHMARKS.md (the crate forbids the
//! `unsafe` a counting allocator needs).

use orgsync_core::{Checker, Options, Report};

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

#[test]
fn counted_findings_add_up_to_what_keeping_them_gives() {
    let f = file(60);
    let all = check(f.as_bytes(), None);
    let capped = check(f.as_bytes(), Some(1));
    let (a, c) = (&all.summary, &capped.summary);
    assert!(
        a.by_code.len() >= 8 && a.by_code.values().all(|&n| n >= 20 || n == 1),
        "the file must hold many findings of many per-cell rules: {:?}",
        a.by_code
    );
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
        c.omitted,
        a.errors + a.warnings + a.infos - capped.findings.len() as u64
    );
    // The kept ones are the first of each code, as they were.
    for f in &capped.findings {
        assert!(all.findings.contains(f), "{f:?}");
    }
}
