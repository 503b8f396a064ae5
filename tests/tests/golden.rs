//! Golden cases: every folder under `tests/cases/` is a file an admin might upload, with the
//! outputs the engine must give for it committed beside it.
//!
//! A case folder holds `input.*` (any extension, any bytes), an optional `options.json`, a
//! one-line `README.md`, and the expected outputs `report.json`, `corrected.csv`,
//! `error-report.csv` and `findings.csv`. Run with `UPDATE_GOLDEN=1` to (re)write the expected
//! outputs, then review them with `git diff`. `CASE=name` runs the cases whose folder name
//! contains `name`.

use orgsync_core::{Code, FixOptions, Options, Report, Suggested};
use orgsync_tests::run;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The odd chunk size the streaming check is fed with, besides the whole file at once.
const CHUNK: usize = 7;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// One case folder, read.
struct Case {
    name: String,
    dir: PathBuf,
    input: Vec<u8>,
    options: Options,
    fix: FixOptions,
    expect: Vec<Code>,
    expect_not: Vec<Code>,
}

fn codes(v: Option<&Value>, key: &str, case: &str) -> Result<Vec<Code>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{case}: options.json `{key}` must be a list of codes"))?;
    arr.iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| format!("{case}: `{key}` holds a non-string"))?
                .parse::<Code>()
                .map_err(|e| format!("{case}: `{key}`: {e}"))
        })
        .collect()
}

fn load(dir: &Path) -> Result<Case, String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{name}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("input."))
        })
        .collect();
    inputs.sort();
    let input_path = match inputs.as_slice() {
        [one] => one.clone(),
        [] => return Err(format!("{name}: no input.* file")),
        _ => return Err(format!("{name}: more than one input.* file: {inputs:?}")),
    };
    let input = std::fs::read(&input_path).map_err(|e| format!("{name}: {e}"))?;
    let opts_path = dir.join("options.json");
    let json: Value = if opts_path.exists() {
        let text = std::fs::read_to_string(&opts_path).map_err(|e| format!("{name}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{name}: options.json: {e}"))?
    } else {
        Value::Object(Default::default())
    };
    let obj = json
        .as_object()
        .ok_or_else(|| format!("{name}: options.json must be an object"))?;
    const KNOWN: [&str; 11] = [
        "sheet",
        "roster",
        "encoding",
        "groups",
        "suggested",
        "suggested_only",
        "no_fix",
        "file_name",
        "expect",
        "expect_not",
        "max_findings_per_code",
    ];
    if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!(
            "{name}: options.json has an unknown key `{k}` (known: {})",
            KNOWN.join(", ")
        ));
    }
    let known_groups = match obj.get("groups") {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .ok_or_else(|| format!("{name}: `groups` must be a list of names"))?
            .iter()
            .map(|g| g.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("{name}: `groups` must be a list of names"))?,
    };
    let only = codes(obj.get("suggested_only"), "suggested_only", &name)?;
    let suggested = match obj.get("suggested").and_then(Value::as_str) {
        Some("all") => Suggested::All,
        Some("none") | None if !only.is_empty() => Suggested::Only(only),
        Some("none") | None => Suggested::None,
        Some(other) => {
            return Err(format!(
                "{name}: `suggested` must be \"all\" or \"none\", not {other:?}"
            ));
        }
    };
    // The user export to compare with: a file of the case folder, read in odd chunks like the
    // input is.
    let roster = match obj.get("roster") {
        None => None,
        Some(v) => {
            let file = v
                .as_str()
                .ok_or_else(|| format!("{name}: `roster` must be a file name"))?;
            let bytes =
                std::fs::read(dir.join(file)).map_err(|e| format!("{name}: {file}: {e}"))?;
            let mut reader = orgsync_core::RosterReader::new(Some(file.to_string()));
            for piece in bytes.chunks(CHUNK) {
                reader.push(piece);
            }
            Some(std::sync::Arc::new(reader.finish()))
        }
    };
    let encoding = match obj.get("encoding") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .and_then(orgsync_core::Encoding::for_label)
                .ok_or_else(|| format!("{name}: `encoding` must be an encoding label"))?,
        ),
    };
    let options = Options {
        roster,
        encoding,
        file_name: obj
            .get("file_name")
            .and_then(Value::as_str)
            .map(str::to_string),
        known_groups,
        max_findings_per_code: obj
            .get("max_findings_per_code")
            .and_then(Value::as_u64)
            .map(|n| n as usize),
        sheet: obj.get("sheet").and_then(Value::as_str).map(str::to_string),
    };
    let fix = FixOptions {
        no_fix: codes(obj.get("no_fix"), "no_fix", &name)?,
        suggested,
    };
    Ok(Case {
        expect: codes(obj.get("expect"), "expect", &name)?,
        expect_not: codes(obj.get("expect_not"), "expect_not", &name)?,
        name,
        dir: dir.to_path_buf(),
        input,
        options,
        fix,
    })
}

fn all_cases() -> Vec<Result<Case, String>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.iter().map(|d| load(d)).collect()
}

/// A line diff of expected and actual text, small enough to read: changed lines with two lines of
/// context, `-` for expected and `+` for actual.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    // Longest common subsequence, fine for case-sized files; huge ones get a plain summary.
    if a.len() * b.len() > 4_000_000 {
        return format!(
            "  (too large to diff: {} lines expected, {} actual)\n",
            a.len(),
            b.len()
        );
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (tag, line number in expected or actual, text)
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', j + 1, b[j]));
            j += 1;
        } else {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        }
    }
    let mut out = String::new();
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut last_shown: Option<usize> = None;
    let mut shown = 0;
    for &k in &changed {
        let from = k.saturating_sub(2);
        let to = (k + 2).min(ops.len() - 1);
        for (idx, op) in ops.iter().enumerate().take(to + 1).skip(from) {
            if last_shown.is_some_and(|l| idx <= l) {
                continue;
            }
            if last_shown.is_some_and(|l| idx > l + 1) || (last_shown.is_none() && idx > 0) {
                out.push_str("  ...\n");
            }
            let (tag, line, text) = *op;
            let text = text.trim_end_matches(['\n', '\r']);
            let _ = writeln!(out, "  {tag}{line:>4} | {text}");
            last_shown = Some(idx);
            shown += 1;
        }
        if shown > 80 {
            out.push_str("  ... (more differences)\n");
            break;
        }
    }
    out
}

/// Each expected output file's name and what the engine writes for it now.
type Outputs = Vec<(&'static str, Vec<u8>)>;

/// The report and the outputs the engine gives now.
fn outputs(case: &Case) -> Result<(Report, Outputs), String> {
    let whole = run::check(&case.input, &case.options, 0);
    let chunked = run::check(&case.input, &case.options, CHUNK);
    let (wj, cj) = (whole.to_json(true), chunked.to_json(true));
    if wj != cj {
        return Err(format!(
            "the report differs when the file is fed in {CHUNK}-byte chunks:\n{}",
            diff(&wj, &cj)
        ));
    }
    let fixed = run::fix(&case.input, &whole, &case.fix, 0);
    let fixed_chunked = run::fix(&case.input, &whole, &case.fix, CHUNK);
    if fixed != fixed_chunked {
        return Err(format!(
            "the fix pass's output differs when the file is fed in {CHUNK}-byte chunks"
        ));
    }
    let mut json = wj.into_bytes();
    json.push(b'\n');
    let mut files = vec![
        ("report.json", json),
        ("corrected.csv", fixed.corrected),
        ("error-report.csv", fixed.error_report),
        ("findings.csv", fixed.findings),
    ];
    if case.options.roster.is_some() {
        files.push(("preview.csv", fixed.preview));
    }
    Ok((whole, files))
}

fn run_case(case: &Case, update: bool) -> Result<(), String> {
    let (report, files) = outputs(case)?;
    let mut problems = String::new();
    for code in &case.expect {
        if !report.summary.by_code.contains_key(code) {
            let _ = writeln!(problems, "expected {code} to fire, it did not");
        }
    }
    for code in &case.expect_not {
        if let Some(n) = report.summary.by_code.get(code) {
            let _ = writeln!(
                problems,
                "expected {code} not to fire, it fired {n} time(s)"
            );
        }
    }
    for (file, actual) in files {
        let path = case.dir.join(file);
        let expected = std::fs::read(&path).ok();
        if expected.as_deref() == Some(actual.as_slice()) {
            continue;
        }
        if update {
            std::fs::write(&path, &actual).map_err(|e| format!("cannot write {file}: {e}"))?;
            continue;
        }
        match expected {
            None => {
                let _ = writeln!(
                    problems,
                    "{file} is missing (run with UPDATE_GOLDEN=1 to write it)"
                );
            }
            Some(expected) => {
                let _ = writeln!(
                    problems,
                    "{file} differs (- expected, + actual; UPDATE_GOLDEN=1 accepts the change):\n{}",
                    diff(
                        &String::from_utf8_lossy(&expected),
                        &String::from_utf8_lossy(&actual)
                    )
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[test]
fn golden_cases() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0" && !v.is_empty());
    let only = std::env::var("CASE").ok();
    let mut failures = String::new();
    let mut ran = 0;
    for case in all_cases() {
        let case = match case {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(failures, "\n=== {e}");
                continue;
            }
        };
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        ran += 1;
        if let Err(e) = run_case(&case, update) {
            let _ = write!(failures, "\n=== case {}:\n{e}", case.name);
        }
    }
    assert!(ran > 0, "no golden case ran (looked in {:?})", cases_dir());
    assert!(
        failures.is_empty(),
        "golden cases failed:{failures}\n(cases are in tests/cases/; see tests/README.md)"
    );
}

/// Every rule must be shown firing by some case and shown not firing by another.
#[test]
fn every_rule_is_covered_by_the_cases() {
    let mut fired: BTreeSet<Code> = BTreeSet::new();
    let mut quiet: BTreeSet<Code> = BTreeSet::new();
    for case in all_cases().into_iter().flatten() {
        fired.extend(case.expect.iter().copied());
        quiet.extend(case.expect_not.iter().copied());
    }
    let catalogue: Vec<Code> = orgsync_core::rules().iter().map(|r| r.code).collect();
    let list = |set: &BTreeSet<Code>| {
        catalogue
            .iter()
            .filter(|c| !set.contains(c))
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
    };
    // Rules whose inputs are too big for a golden case (16,385 columns; a 1 MiB row): their
    // firing is asserted in tests/limits.rs instead.
    // F023 (a workbook over 256 MiB) is asserted in tests/workbook.rs.
    fired.extend([Code::F013, Code::F014, Code::F023]);
    quiet.insert(Code::F023);
    let (no_fire, no_quiet) = (list(&fired), list(&quiet));
    assert!(
        no_fire.is_empty() && no_quiet.is_empty(),
        "rules without a golden case:\n  never in any case's `expect` ({}): {}\n  never in any case's `expect_not` ({}): {}",
        no_fire.len(),
        no_fire.join(" "),
        no_quiet.len(),
        no_quiet.join(" ")
    );
}
