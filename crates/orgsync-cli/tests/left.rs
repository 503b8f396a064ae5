//! `orgsync fix`'s account of what the corrected file still holds (the per-rule "before → after"
//! lines, the last line's counts and the exit code) must be what `orgsync check` says of that
//! file, whichever way `fix` got it: counted from the rows it changed, checked on a thread from
//! the moment counting stopped (the corrected bytes so far read back), or checked at the end.
//! (Debug builds of `fix` also compare a count with a check of the corrected file on every run.)

mod common;

use common::{bin, code, s, stderr};
use serde_json::Value;
use std::path::Path;

/// Fixes `input` (a `.csv` in `dir`) with `extra` switches, checks the corrected file, and
/// compares what both said.
fn fix_agrees_with_check(dir: &Path, input: &Path, extra: &[&str], what: &str) {
    let out = dir.join("out.csv");
    let mut args = vec!["fix", s(input), "-o", s(&out)];
    args.extend_from_slice(extra);
    let fixed = bin().args(&args).output().expect("run fix");
    let said = stderr(&fixed);
    assert!(matches!(code(&fixed), 0 | 1), "{what}: fix failed: {said}");
    if !out.exists() {
        return;
    }
    let checked = bin()
        .args(["check", "--format", "json", s(&out)])
        .output()
        .expect("run check");
    assert_eq!(code(&fixed), code(&checked), "{what}: exit codes\n{said}");
    let report: Value = serde_json::from_slice(&checked.stdout).expect("json");
    let summary = &report["summary"];
    let n = |k: &str| summary[k].as_u64().unwrap_or(0);
    for line in said.lines() {
        // `  R003 email-needs-cleanup   198 → 0      fixed`
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [code, _, _, "→", after, ..] = words.as_slice() {
            let after: u64 = after.parse().expect("a count");
            let want = summary["by_code"][*code].as_u64().unwrap_or(0);
            assert_eq!(after, want, "{what}: {code} left\n{said}");
        }
    }
    let last = said
        .lines()
        .find(|l| l.starts_with("In "))
        .unwrap_or_else(|| panic!("{what}: no last line\n{said}"));
    if n("errors") + n("warnings") + n("infos") == 0 {
        assert!(last.contains("All checks passed"), "{what}: {last}");
    } else {
        let plural = |n: u64, one: &str, many: &str| {
            let word = if n == 1 { one } else { many };
            format!("{} {word}", orgsync_core::words::thousands(n))
        };
        let want = format!(
            "Found {}, {}, {}",
            plural(n("errors"), "error", "errors"),
            plural(n("warnings"), "warning", "warnings"),
            plural(n("infos"), "info", "infos")
        );
        assert!(last.contains(&want), "{what}: {last} (want {want})");
    }
}

#[test]
fn fix_says_what_a_check_of_the_corrected_file_says_on_every_golden_input() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&cases).expect("tests/cases") {
        let case = entry.expect("a case").path();
        let Ok(bytes) = std::fs::read(case.join("input.csv")) else {
            continue;
        };
        // `fix` checks a corrected file it keeps in a legacy code page with that code page
        // given, where `check` would guess it (and a guess changes what R012 may fix).
        if std::str::from_utf8(&bytes).is_err() {
            continue;
        }
        let input = dir.path().join("people.csv");
        std::fs::write(&input, &bytes).unwrap();
        for extra in [&[][..], &["--suggested"][..]] {
            fix_agrees_with_check(dir.path(), &input, extra, &case.display().to_string());
        }
    }
}

/// More than one read chunk (1 MiB) of rows with address cleanups, then rows the fix drops (a
/// blank row, a copy): counting stops there and the check of the corrected file starts,
/// reading back the megabytes already written.
#[test]
fn fix_says_what_a_check_says_when_counting_stops_midway() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id,acme_license_learning_status\r\n",
    );
    let rows = 30_000;
    for i in 0..rows {
        let email = if i % 50 == 7 {
            format!(" User{i}@ACME.COM ")
        } else {
            format!("user{i}@acme.com")
        };
        let license = if i % 70 == 3 { "ACTIVE" } else { "Active" };
        let line = format!("{email},First{i},Last{i},Engineer,id-{i},{license}\r\n");
        text.push_str(&line);
        if i == 25_000 {
            text.push_str("\r\n");
            // A copy of the row before it: dropped.
            text.push_str(&line);
        }
    }
    let input = dir.path().join("people.csv");
    std::fs::write(&input, text.as_bytes()).unwrap();
    assert!(text.len() > 3 << 19);
    fix_agrees_with_check(dir.path(), &input, &[], "dropped rows midway");
    // And without the drop: counted.
    let counted = text.replacen("\r\n\r\n", "\r\n", 1);
    std::fs::write(&input, counted.as_bytes()).unwrap();
    fix_agrees_with_check(dir.path(), &input, &["--no-fix", "X001"], "counted");
}
