//! Runs the built `orgsync` binary: exit codes, the JSON report's shape, the files `fix` writes,
//! standard input and output, fix switches, `rules` and `template`.
//!
//! These tests lean on the file-form rules (F002, F003, F004, F007, F008, F010) and R012, which
//! fire on the inputs below whatever other rules exist, so they keep holding as the catalogue
//! fills in.

mod common;

use common::{bin, case_dir, code, run, s, stderr, stdout};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run orgsync")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn orgsync");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    out
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name)
}

/// Asserts the run exited `code` and said `what` on standard error.
fn says(o: &Output, exit: i32, what: &str) {
    assert_eq!(code(o), exit, "{}", stderr(o));
    assert!(stderr(o).contains(what), "{what} in {}", stderr(o));
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// A people file with problems that only fixable file-form rules and R012 report.
const FIXABLE: &str = "primary_email_address,preferred_first_name,preferred_last_name\r\n\
     amelia.wright@northwindtraders.com,Amelia,Wright\r\n\
     daniel.okafor@northwindtraders.com,Daniel ,Okafor\r\n\
     ,,\r\n\
     priya.raman@northwindtraders.com,Priya,Raman,,\r\n";

/// A file with an error no fix removes: a row with a value past the last header.
const RAGGED: &str = "primary_email_address,work_title\r\n\
     lucas.meyer@northwindtraders.com,Engineer,Berlin\r\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write input");
    p
}

// ---- check: exit codes ----------------------------------------------------------------------

/// `orgsync fix FILE` writing all four outputs into `dir`: `out.csv` (the corrected file),
/// `report.csv`, `findings.csv` and `report.json`.
fn fix_to_every_output(file: &Path, dir: &Path) -> Output {
    let d = |n: &str| dir.join(n);
    run(&[
        "fix",
        s(file),
        "-o",
        s(&d("out.csv")),
        "--report",
        s(&d("report.csv")),
        "--findings",
        s(&d("findings.csv")),
        "--json",
        s(&d("report.json")),
    ])
}

#[test]
fn clean_sample_checks_clean_and_exits_0() {
    let o = run(&["check", s(&sample("clean.csv"))]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = run(&["check", "--format", "json", s(&sample("clean.csv"))]);
    let v = json(&o);
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    assert_eq!(v["summary"]["warnings"], 0, "{v:#}");
    assert_eq!(v["file"]["rows"], 20);
}

#[test]
fn a_file_with_errors_exits_1_and_the_report_shows_rule_position_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", RAGGED.as_bytes());
    let o = run(&["check", s(&p)]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("error[F007] ragged-row: 1 row"), "{out}");
    assert!(out.contains("--> row 2, column 3"), "{out}");
    assert!(out.contains("(line 2)"), "{out}");
    // The cell past the last header is read back from the file and shown.
    assert!(out.contains("| \"Berlin\""), "{out}");
    assert!(out.contains("help:"), "{out}");
    assert!(
        out.lines().last().unwrap().starts_with("Found 1 error"),
        "{out}"
    );
}

#[test]
fn warnings_alone_exit_0_and_fixes_are_shown_with_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    let o = run(&["check", s(&p)]);
    let out = stdout(&o);
    assert!(out.contains("warning[R012] stray-whitespace"), "{out}");
    assert!(
        out.contains("fix (safe): \"Daniel \" → \"Daniel\""),
        "{out}"
    );
    assert!(out.contains("warning[F008] blank-row: 1 row"), "{out}");
    assert!(out.contains("fixable with `orgsync fix`"), "{out}");
    // F007 with only empty extra fields is an error in the original file.
    assert_eq!(code(&o), 1, "{out}");
}

#[test]
fn many_findings_are_capped_per_rule_unless_verbose() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("primary_email_address,preferred_first_name\r\n");
    for i in 0..12 {
        text.push_str(&format!("user{i}@northwindtraders.com,Name{i} \r\n"));
    }
    let p = write(dir.path(), "people.csv", text.as_bytes());
    let out = stdout(&run(&["check", s(&p)]));
    assert!(out.contains("stray-whitespace: 12 rows"), "{out}");
    assert!(out.contains("… and 7 more"), "{out}");
    let out = stdout(&run(&["check", "--verbose", s(&p)]));
    assert!(!out.contains("more"), "{out}");
    assert_eq!(out.matches("fix (safe)").count(), 12, "{out}");
}

#[test]
fn how_many_more_is_written_with_thousands_separators() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("primary_email_address,preferred_first_name\r\n");
    text.push_str(&"\r\n".repeat(2_000));
    text.push_str("ana@northwindtraders.com,Ana\r\n");
    let p = write(dir.path(), "blank.csv", text.as_bytes());
    let out = stdout(&run(&["check", s(&p)]));
    assert!(out.contains("blank-row: 2,000 rows"), "{out}");
    assert!(out.contains("… and 1,995 more"), "{out}");
}

/// A file where R012 fires on each of `rows` rows (a trailing space in the first name).
fn stray_spaces(dir: &Path, rows: usize) -> PathBuf {
    let mut text = String::from("primary_email_address,preferred_first_name\r\n");
    for i in 0..rows {
        text.push_str(&format!("user{i}@northwindtraders.com,Name{i} \r\n"));
    }
    write(dir, "people.csv", text.as_bytes())
}

fn r012_kept(v: &Value) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "R012")
        .count()
}

#[test]
fn json_keeps_10000_findings_per_rule_by_default_with_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let p = stray_spaces(dir.path(), 10_050);
    let v = json(&run(&["check", "--format", "json", s(&p)]));
    assert_eq!(v["summary"]["by_code"]["R012"], 10_050);
    assert_eq!(v["summary"]["warnings"], 10_050);
    assert_eq!(r012_kept(&v), 10_000);
    assert_eq!(v["summary"]["omitted"], 50);

    // Another cap: that many kept, the rest counted.
    for (cap, kept, omitted) in [("all", 10_050, 0), ("3", 3, 10_047)] {
        let v = json(&run(&[
            "check",
            "--format",
            "json",
            "--max-findings-per-code",
            cap,
            s(&p),
        ]));
        assert_eq!(
            (r012_kept(&v), v["summary"]["omitted"].as_u64()),
            (kept, Some(omitted)),
            "--max-findings-per-code {cap}"
        );
        assert_eq!(v["summary"]["by_code"]["R012"], 10_050);
    }

    let o = run(&["check", "--max-findings-per-code", "lots", s(&p)]);
    says(&o, 2, "or `all`");
}

#[test]
fn verbose_lists_up_to_the_cap_and_says_how_many_were_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let p = stray_spaces(dir.path(), 12);
    let out = stdout(&run(&[
        "check",
        "--verbose",
        "--max-findings-per-code",
        "3",
        s(&p),
    ]));
    assert!(out.contains("stray-whitespace: 12 rows"), "{out}");
    assert_eq!(out.matches("fix (safe)").count(), 3, "{out}");
    assert!(out.contains("… and 9 more not kept"), "{out}");
    assert!(out.contains("9 findings not listed"), "{out}");
    let out = stdout(&run(&[
        "check",
        "--verbose",
        "--max-findings-per-code",
        "all",
        s(&p),
    ]));
    assert_eq!(out.matches("fix (safe)").count(), 12, "{out}");
    assert!(!out.contains("not listed"), "{out}");
}

#[test]
fn fix_json_is_capped_but_the_corrected_file_and_csv_reports_are_complete() {
    let dir = tempfile::tempdir().unwrap();
    let p = stray_spaces(dir.path(), 10_050);
    let d = |n: &str| dir.path().join(n);
    let o = fix_to_every_output(&p, dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d("report.json")).unwrap()).unwrap();
    assert_eq!(r012_kept(&v), 10_000);
    assert_eq!(v["summary"]["omitted"], 50);
    assert_eq!(v["summary"]["by_code"]["R012"], 10_050);
    let lines = |n: &str| std::fs::read_to_string(d(n)).unwrap().lines().count();
    assert_eq!(lines("out.csv"), 10_051, "every row corrected");
    assert_eq!(lines("findings.csv"), 10_051, "every finding listed");
    assert_eq!(lines("report.csv"), 10_051, "every row with a problem");
    assert!(
        !std::fs::read_to_string(d("out.csv"))
            .unwrap()
            .contains(" \r\n"),
        "every fix applied"
    );

    let o = run(&[
        "fix",
        s(&p),
        "-o",
        s(&d("out2.csv")),
        "--json",
        s(&d("all.json")),
        "--max-findings-per-code",
        "all",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(d("all.json")).unwrap()).unwrap();
    assert_eq!(r012_kept(&v), 10_050);
}

#[test]
fn a_missing_file_exits_2_naming_the_path_and_the_reason() {
    let o = run(&["check", "/no/such/dir/people.csv"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("/no/such/dir/people.csv"), "{err}");
    assert!(err.contains("No such file"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn a_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["check", s(dir.path())]);
    says(&o, 2, s(dir.path()));
}

#[test]
fn a_pdf_is_an_f003_finding_with_exit_1_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "people.csv",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    let o = run(&["check", s(&p)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("error[F003] not-csv"), "{}", stdout(&o));
    let v = json(&run(&["check", "--format", "json", s(&p)]));
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "F003")
    );
    // fix writes no corrected file, says why, and exits 1.
    let o = run_in(dir.path(), &["fix", "people.csv"]);
    says(&o, 1, "No corrected file written");
    assert!(!dir.path().join("people.corrected.csv").exists());
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check"][..],
        &["check", "--format", "xml", "a.csv"],
        &["frobnicate"],
        &["fix", "a.csv", "--no-fix", "R999"],
        &["fix", "a.csv", "--suggested-only", "not-a-rule"],
        &["fix", "a.csv", "--suggested", "--suggested-only", "R004"],
        &["rules", "Z001"],
        &["template", "--license", "Learning License"],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("error"), "{args:?}");
    }
    let err = stderr(&run(&["fix", "a.csv", "--no-fix", "R012,R999"]));
    assert!(err.contains("`R999` is not a rule code or name"), "{err}");
}

#[test]
fn an_unreadable_groups_file_exits_2() {
    let o = run(&[
        "check",
        "--groups",
        "/no/such/groups.txt",
        s(&sample("clean.csv")),
    ]);
    says(&o, 2, "/no/such/groups.txt");
}

#[test]
fn groups_from_a_list_or_an_export_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "groups.txt",
        b"Sales\nEngineering\nCustomer Success\n",
    );
    let export = write(
        dir.path(),
        "export.csv",
        b"primary_email_address,group:Sales,group:Engineering\r\na@northwindtraders.com,yes,\r\n",
    );
    for g in [&list, &export] {
        let o = run(&["check", "--groups", s(g), s(&sample("clean.csv"))]);
        assert_eq!(code(&o), 0, "{}", stdout(&o));
    }
}

// ---- check --format json: the documented shape ----------------------------------------------

fn assert_int(v: &Value, what: &str) {
    assert!(v.is_u64(), "{what} should be an unsigned integer, is {v}");
}

fn assert_str(v: &Value, what: &str) {
    assert!(v.is_string(), "{what} should be a string, is {v}");
}

fn check_shape(v: &Value, headers: &[&str]) {
    let file = &v["file"];
    assert_str(&file["name"], "file.name");
    assert_str(&file["encoding"], "file.encoding");
    assert!(
        ["utf-8", "utf-16le", "utf-16be", "windows-1252"]
            .contains(&file["encoding"].as_str().unwrap())
    );
    assert_str(&file["delimiter"], "file.delimiter");
    assert!(file["bom"].is_boolean());
    assert!(["crlf", "lf", "cr", "none"].contains(&file["line_ending"].as_str().unwrap()));
    assert_int(&file["rows"], "file.rows");
    assert_int(&file["columns"], "file.columns");
    assert!(
        ["users", "deletion", "email-change", "id-change"]
            .contains(&file["kind"].as_str().unwrap())
    );

    let summary = &v["summary"];
    for k in [
        "errors",
        "warnings",
        "infos",
        "safe_fixes",
        "suggested_fixes",
    ] {
        assert_int(&summary[k], k);
    }
    assert!(summary["actions"].is_object());
    let by_code = summary["by_code"]
        .as_object()
        .expect("by_code is an object");
    let mut total = 0;
    for (k, n) in by_code {
        assert!(
            k.len() == 4 && k[1..].chars().all(|c| c.is_ascii_digit()),
            "{k}"
        );
        assert_int(n, k);
        total += n.as_u64().unwrap();
    }
    let severities = summary["errors"].as_u64().unwrap()
        + summary["warnings"].as_u64().unwrap()
        + summary["infos"].as_u64().unwrap();
    assert_eq!(total, severities);

    let findings = v["findings"].as_array().expect("findings is an array");
    assert_eq!(findings.len() as u64, total, "JSON lists every finding");
    for f in findings {
        assert_str(&f["code"], "code");
        assert!(by_code.contains_key(f["code"].as_str().unwrap()));
        assert_str(&f["rule"], "rule");
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        for k in ["row", "line", "column_index"] {
            assert!(f[k].is_null() || f[k].is_u64(), "{k}: {f}");
        }
        assert!(f["column"].is_null() || f["column"].is_string(), "{f}");
        assert_str(&f["message"], "message");
        assert_str(&f["tip"], "tip");
        if let Some(row) = f["row"].as_u64() {
            assert!(row >= 1);
        }
        // column is the header text as written, column_index its 1-based position.
        if let (Some(name), Some(i)) = (f["column"].as_str(), f["column_index"].as_u64()) {
            assert_eq!(headers[i as usize - 1], name, "{f}");
        }
        match &f["fix"] {
            Value::Null => {}
            Value::Object(fix) => {
                assert!(["safe", "suggested"].contains(&fix["applicability"].as_str().unwrap()));
                assert_str(&fix["before"], "fix.before");
                assert_str(&fix["after"], "fix.after");
            }
            other => panic!("fix should be null or an object, is {other}"),
        }
    }
}

#[test]
fn json_report_has_every_documented_key_and_type() {
    let p = sample("sample-with-mistakes.csv");
    let o = run(&["check", "--format", "json", s(&p)]);
    let v = json(&o);
    let text = std::fs::read_to_string(&p).unwrap();
    let header_line = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    let headers: Vec<&str> = header_line.split(',').collect();
    check_shape(&v, &headers);
    assert_eq!(v["file"]["name"], s(&p));
    assert_eq!(v["file"]["bom"], true);
    assert_eq!(v["file"]["delimiter"], ",");
    assert_eq!(v["file"]["line_ending"], "crlf");
    assert_eq!(v["file"]["columns"], 9);
    assert_eq!(v["file"]["rows"], 25);
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "F002"));
    let blank = findings.iter().find(|f| f["code"] == "F008").expect("F008");
    assert_eq!(blank["row"], 12);
    assert_eq!(blank["line"], 12);
    let trim = findings
        .iter()
        .find(|f| f["code"] == "R012" && f["row"] == 4)
        .expect("R012 on row 4");
    assert_eq!(trim["line"], 4);
    assert_eq!(trim["column"], "preferred_last_name");
    assert_eq!(trim["column_index"], 3);
    assert_eq!(trim["fix"]["applicability"], "safe");
    assert_eq!(trim["fix"]["before"], "Patel ");
    assert_eq!(trim["fix"]["after"], "Patel");
    // Exit code agrees with the errors count.
    let expected = if v["summary"]["errors"] == 0 { 0 } else { 1 };
    assert_eq!(code(&o), expected);
}

#[test]
fn json_shape_holds_for_odd_inputs_too() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: &[(&str, &[u8])] = &[
        ("empty.csv", b""),
        (
            "semi.csv",
            b"primary_email_address;preferred_first_name\na@x.com;A\n",
        ),
        ("ragged.csv", RAGGED.as_bytes()),
        ("book.xlsx", b"PK\x03\x04\x14\x00\x06\x00"),
    ];
    for (name, bytes) in inputs {
        let p = write(dir.path(), name, bytes);
        let o = run(&["check", "--format", "json", s(&p)]);
        assert!(code(&o) == 0 || code(&o) == 1, "{name}");
        let v = json(&o);
        let text = String::from_utf8_lossy(bytes);
        let sep = if name.starts_with("semi") { ';' } else { ',' };
        let headers: Vec<&str> = text.lines().next().unwrap_or("").split(sep).collect();
        check_shape(&v, &headers);
    }
}

// ---- fix: output files -----------------------------------------------------------------------

#[test]
fn fix_writes_stem_corrected_csv_beside_the_input_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read(sample("sample-with-mistakes.csv")).unwrap();
    write(dir.path(), "people.csv", &input);
    let o = run_in(dir.path(), &["fix", "people.csv"]);
    let out = dir.path().join("people.corrected.csv");
    let corrected = std::fs::read(&out).expect("people.corrected.csv written");
    assert!(corrected.starts_with(b"\xef\xbb\xbf"), "BOM kept");
    let text = String::from_utf8(corrected[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF throughout");
    assert!(!text.contains(",,,,,,,,\r\n"), "blank row dropped");
    assert!(
        text.contains("\r\nolivia.chen@northwindtraders.com,Olivia,"),
        "{text}"
    );
    assert!(text.contains(",Rahul,Patel,"), "{text}");
    // Header + 25 rows, less the blank one (and at most one exact duplicate, if a rule drops it).
    let lines = text.lines().count();
    assert!(lines == 1 + 24 || lines == 1 + 23, "{lines} lines");
    // fix exits as check would on the corrected file.
    let again = run_in(dir.path(), &["check", "people.corrected.csv"]);
    assert_eq!(code(&o), code(&again), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("people.corrected.csv"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "fix prints its summary on stderr");
}

#[test]
fn fix_exit_code_follows_the_corrected_file_not_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    assert_eq!(
        code(&run(&["check", s(&p)])),
        1,
        "the input has an F007 error"
    );
    let o = run(&["fix", s(&p)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let corrected = std::fs::read_to_string(dir.path().join("people.corrected.csv")).unwrap();
    assert_eq!(
        corrected,
        "primary_email_address,preferred_first_name,preferred_last_name\r\n\
         amelia.wright@northwindtraders.com,Amelia,Wright\r\n\
         daniel.okafor@northwindtraders.com,Daniel,Okafor\r\n\
         priya.raman@northwindtraders.com,Priya,Raman\r\n"
    );
    // An error no fix removes keeps exit 1.
    let p = write(dir.path(), "ragged.csv", RAGGED.as_bytes());
    assert_eq!(code(&run(&["fix", s(&p)])), 1);
}

#[test]
fn fix_writes_every_requested_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    let d = |n: &str| dir.path().join(n);
    let o = fix_to_every_output(&p, dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        !d("people.corrected.csv").exists(),
        "-o replaces the default name"
    );
    assert!(
        std::fs::read_to_string(d("out.csv"))
            .unwrap()
            .starts_with("primary_email_address,")
    );

    let report = std::fs::read_to_string(d("report.csv")).unwrap();
    let first = report.lines().next().unwrap();
    assert_eq!(
        first,
        "row,primary_email_address,preferred_first_name,preferred_last_name,messages"
    );
    assert!(
        report.contains("\r\n3,daniel.okafor@northwindtraders.com,Daniel ,Okafor,"),
        "{report}"
    );
    assert!(report.contains("R012 stray-whitespace"), "{report}");

    let findings = std::fs::read_to_string(d("findings.csv")).unwrap();
    assert!(
        findings.starts_with("row,line,column,code,rule,severity,message,tip,fix,before,after\r\n")
    );
    assert!(findings.contains("3,3,preferred_first_name,R012,stray-whitespace,warning,"));
    assert!(findings.contains(",safe,Daniel ,Daniel\r\n"));

    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d("report.json")).unwrap()).unwrap();
    check_shape(
        &v,
        &[
            "primary_email_address",
            "preferred_first_name",
            "preferred_last_name",
        ],
    );
    assert_eq!(v["file"]["name"], s(&p), "the JSON describes the input");
    assert!(v["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn fix_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    let o = run(&["fix", s(&p), "-o", s(&p)]);
    assert_eq!(code(&o), 2);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), FIXABLE);
}

#[test]
fn an_unwritable_output_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    let o = run(&["fix", s(&p), "-o", "/no/such/dir/out.csv"]);
    says(&o, 2, "/no/such/dir/out.csv");
}

// ---- standard input and output ---------------------------------------------------------------

#[test]
fn check_reads_standard_input() {
    let bytes = std::fs::read(sample("sample-with-mistakes.csv")).unwrap();
    let from_file = json(&run(&[
        "check",
        "--format",
        "json",
        s(&sample("sample-with-mistakes.csv")),
    ]));
    let o = run_stdin(&["check", "--format", "json", "-"], &bytes);
    let from_stdin = json(&o);
    assert_eq!(from_stdin["file"]["name"], Value::Null);
    assert_eq!(from_stdin["findings"], from_file["findings"]);
    assert_eq!(from_stdin["summary"], from_file["summary"]);
    // The human report reads cells back from the spooled copy.
    let o = run_stdin(&["check", "-"], RAGGED.as_bytes());
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("| \"Berlin\""), "{}", stdout(&o));
    assert!(stdout(&o).contains("File: <stdin>"), "{}", stdout(&o));
}

#[test]
fn fix_from_standard_input_writes_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    run(&["fix", s(&p), "-o", s(&dir.path().join("expected.csv"))]);
    let expected = std::fs::read(dir.path().join("expected.csv")).unwrap();
    // `-` in, default out: standard output.
    let o = run_stdin(&["fix", "-"], FIXABLE.as_bytes());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(o.stdout, expected);
    // A file in, `-o -`: standard output, nothing written beside the input.
    let o = run(&["fix", s(&p), "-o", "-"]);
    assert_eq!(o.stdout, expected);
    assert!(!dir.path().join("people.corrected.csv").exists());
}

// ---- fix switches ----------------------------------------------------------------------------

#[test]
fn no_fix_turns_a_rule_off_by_code_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "people.csv", FIXABLE.as_bytes());
    for off in ["R012", "stray-whitespace", "r012,F008"] {
        let out = dir.path().join("out.csv");
        let o = run(&["fix", s(&p), "-o", s(&out), "--no-fix", off]);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("\r\ndaniel.okafor@northwindtraders.com,Daniel ,Okafor\r\n"),
            "{off}: {text}"
        );
        assert!(
            stderr(&o).contains("not fixed (--no-fix)"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            text.contains("\r\n,,\r\n"),
            off.contains("F008"),
            "{off}: {text}"
        );
        // R012 left in place is a warning: exit 0.
        assert_eq!(code(&o), 0, "{off}: {}", stderr(&o));
    }
}

#[test]
fn suggested_fixes_apply_only_when_asked() {
    // F001's fix for Windows-1252 bytes is suggested: the corrected file stays Windows-1252
    // unless asked.
    let dir = tempfile::tempdir().unwrap();
    let input = b"primary_email_address,preferred_first_name,preferred_last_name\r\n\
                  chloe.dubois@northwindtraders.com,Chlo\xe9,Dubois\r\n";
    let p = write(dir.path(), "people.csv", input);
    let out = dir.path().join("out.csv");
    let utf8 = "Chloé".as_bytes();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);

    run(&["fix", s(&p), "-o", s(&out)]);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        contains(&bytes, b"Chlo\xe9,"),
        "kept as Windows-1252 by default"
    );

    for args in [
        &["--suggested"][..],
        &["--suggested-only", "F001"],
        &["--suggested-only", "not-utf8"],
        &["--suggested-only", "R004", "--suggested-only", "F001"],
    ] {
        let mut all = vec!["fix", s(&p), "-o", s(&out)];
        all.extend_from_slice(args);
        run(&all);
        let bytes = std::fs::read(&out).unwrap();
        assert!(contains(&bytes, utf8), "{args:?}: UTF-8 when asked");
    }
    // Asking for another rule's suggestions does not apply F001's.
    run(&["fix", s(&p), "-o", s(&out), "--suggested-only", "R004"]);
    assert!(contains(&std::fs::read(&out).unwrap(), b"Chlo\xe9,"));
}

#[test]
fn a_semicolon_file_is_corrected_to_commas() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "people.csv",
        b"primary_email_address;work_title\r\nhannah.berg@northwindtraders.com;Director, Sales\r\n",
    );
    assert_eq!(code(&run(&["check", s(&p)])), 1, "F004 is an error");
    let o = run(&["fix", s(&p), "-o", "-"]);
    assert_eq!(
        stdout(&o),
        "primary_email_address,work_title\r\nhannah.berg@northwindtraders.com,\"Director, Sales\"\r\n"
    );
}

// ---- rules and template ----------------------------------------------------------------------

#[test]
fn rules_lists_every_rule_and_prints_one_rules_doc() {
    let o = run(&["rules"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for code in [
        "F001", "F011", "H001", "H015", "R001", "R020", "X001", "X007",
    ] {
        assert!(out.contains(code), "{code} missing from:\n{out}");
    }
    let line = out.lines().find(|l| l.starts_with("R012 ")).unwrap();
    assert!(line.contains("stray-whitespace") && line.contains("warning") && line.contains("safe"));
    for arg in ["R012", "r012", "stray-whitespace"] {
        let o = run(&["rules", arg]);
        assert_eq!(code(&o), 0);
        let doc = stdout(&o);
        assert!(doc.starts_with("# R012 stray-whitespace"), "{doc}");
        assert!(doc.contains("R012 · warning · fix: safe"), "{doc}");
    }
}

#[test]
fn rules_markdown_is_the_committed_catalogue() {
    let o = run(&["rules", "--markdown"]);
    assert_eq!(code(&o), 0);
    let md = stdout(&o);
    assert!(md.starts_with("# Rule catalogue\n"));
    assert!(md.contains("| [R002](#r002-invalid-email) | invalid-email | error |"));
    assert!(md.contains("\n## X007 change-collision\n"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &md).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == md,
        "docs/rules.md is out of date: run `UPDATE_DOCS=1 cargo test -p orgsync-cli --test cli rules_markdown` \
         (or `cargo run -p orgsync-cli -- rules --markdown > docs/rules.md`)"
    );
}

#[test]
fn template_prints_the_header_row() {
    let o = run(&["template"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "primary_email_address,preferred_first_name,preferred_last_name,work_title,unique_user_id\r\n"
    );
    assert!(
        stderr(&o).contains("--license"),
        "a note says license headers are the account's own"
    );

    let o = run(&[
        "template",
        "--admins",
        "--license",
        "nwt_license_learning_status",
        "--group",
        "Sales",
        "--group",
        "Customer Success",
    ]);
    let out = stdout(&o);
    let cols: Vec<&str> = out.trim_end().split(',').collect();
    assert_eq!(cols.len(), 5 + 1 + 2 + 8, "{out}");
    assert_eq!(cols[5], "nwt_license_learning_status");
    assert_eq!(cols[6], "group:Sales");
    assert_eq!(cols[7], "group:Customer Success");
    assert!(cols.contains(&"permission_manage_it_settings"));
    assert!(cols.contains(&"group_permission_view_reports"));

    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("template.csv");
    let o = run(&[
        "template",
        "-o",
        s(&p),
        "--license",
        "nwt_license_learning_status",
    ]);
    assert_eq!(code(&o), 0);
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&p).unwrap();
    assert!(written.ends_with(",nwt_license_learning_status\r\n"));
    // The template's own header passes the header rules.
    let v = json(&run(&["check", "--format", "json", s(&p)]));
    assert!(
        v["findings"].as_array().unwrap().iter().all(|f| {
            let code: orgsync_core::Code = f["code"].as_str().unwrap().parse().unwrap();
            code.rule().scope != orgsync_core::Scope::Header || f["severity"] != "error"
        }),
        "{v:#}"
    );
}

// ---- encodings --------------------------------------------------------------------------------

fn corpus(label: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/encodings")
        .join(format!("{label}.csv"))
}

#[test]
fn a_legacy_code_page_is_named_as_a_guess_with_names_to_confirm() {
    let o = run(&["check", s(&corpus("shift_jis"))]);
    assert_eq!(code(&o), 1, "F001 is an error");
    let out = stdout(&o);
    assert!(
        out.contains("Read as: Japanese (Shift_JIS) — guessed"),
        "{out}"
    );
    assert!(out.contains("太郎, 山田"), "{out}");
    let v = json(&run(&[
        "check",
        "--format",
        "json",
        s(&corpus("shift_jis")),
    ]));
    assert_eq!(v["file"]["encoding"], "shift_jis");
    assert_eq!(v["file"]["encoding_basis"], "guessed");
}

#[test]
fn encoding_chooses_the_code_page_for_check_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    // Windows-1251 read as Windows-1250 is wrong; chosen right, F001's conversion is safe.
    let path = corpus("windows-1251");
    let v = json(&run(&[
        "check",
        "--format",
        "json",
        "--encoding",
        "CP1251",
        s(&path),
    ]));
    assert_eq!(v["file"]["encoding"], "windows-1251");
    assert_eq!(v["file"]["encoding_basis"], "chosen");
    let out = dir.path().join("out.csv");
    let o = run(&["fix", s(&path), "--encoding", "cp1251", "-o", s(&out)]);
    assert!(code(&o) <= 1, "{}", stderr(&o));
    let text = String::from_utf8(std::fs::read(&out).unwrap()).expect("UTF-8 out");
    assert!(text.starts_with('\u{FEFF}'));
    assert!(text.contains("Иван,Петров"), "{text}");
    // Without the conversion, the corrected file is the input byte for byte.
    let o = run(&[
        "fix",
        s(&path),
        "--encoding",
        "cp1251",
        "--no-fix",
        "F001",
        "-o",
        s(&out),
    ]);
    assert!(code(&o) <= 1, "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&path).unwrap());
}

#[test]
fn an_unknown_encoding_is_refused_with_the_labels_to_use() {
    let o = run(&["check", "--encoding", "latin-9000", s(&corpus("gbk"))]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("`latin-9000` is not an encoding this tool reads"),
        "{err}"
    );
    assert!(
        err.contains("shift_jis") && err.contains("macintosh"),
        "{err}"
    );
}

// ---- workbooks ------------------------------------------------------------------------------

fn case(name: &str, file: &str) -> PathBuf {
    case_dir(name).join(file)
}

#[test]
fn a_workbook_is_checked_and_fixed_into_stem_corrected_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = std::fs::read(case("workbook-sheets", "input.xlsx")).expect("case");
    let input = write(dir.path(), "users.xlsx", &book);
    let o = run(&["check", "--format", "json", s(&input)]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["file"]["workbook"]["sheet"], "Users");
    assert_eq!(v["file"]["workbook"]["first_row"], 3);
    let o = run_in(dir.path(), &["fix", "users.xlsx"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let corrected = std::fs::read(dir.path().join("users.corrected.csv")).expect("corrected");
    let golden = std::fs::read(case("workbook-sheets", "corrected.csv")).expect("golden");
    assert_eq!(corrected, golden);
    // The sheet by number: the first one has no identifier column.
    let o = run(&["check", "--format", "json", "--sheet", "1", s(&input)]);
    assert_eq!(json(&o)["file"]["workbook"]["sheet"], "Read me");
    let o = run(&["check", "--sheet", "Staff", s(&input)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("F018"), "{}", stdout(&o));
}

#[test]
fn an_encrypted_workbook_writes_no_corrected_file_and_says_to_remove_the_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = std::fs::read(case("workbook-encrypted", "input.xlsx")).expect("case");
    write(dir.path(), "users.xlsx", &book);
    let o = run_in(dir.path(), &["fix", "users.xlsx"]);
    says(&o, 1, "F019");
    says(&o, 1, "remove the password");
    assert!(!dir.path().join("users.corrected.csv").exists());
}

/// A clean file of `rows` rows past the 1 MiB the pipeline holds back, then `tail`.
fn long_file(rows: usize, tail: &str) -> String {
    let mut text =
        String::from("primary_email_address,preferred_first_name,preferred_last_name\r\n");
    for i in 0..rows {
        text.push_str(&format!(
            "person.{i:06}@northwindtraders.com,Name{i},Family{i}\r\n"
        ));
    }
    text.push_str(tail);
    text
}

/// What `fix` says is left in the corrected file, and what `check` says of that file.
fn fix_and_check_again(dir: &Path, name: &str, text: &str) -> (i32, String, i32, String) {
    let p = write(dir, name, text.as_bytes());
    let out = dir.join(name.replace(".csv", ".out.csv"));
    let o = run(&["fix", s(&p), "-o", s(&out)]);
    let err = stderr(&o);
    let left = err
        .lines()
        .find_map(|l| l.strip_prefix(&format!("In {}: ", out.display())))
        .unwrap_or_else(|| panic!("no summary line in {err}"))
        .to_string();
    let again = run(&["check", s(&out)]);
    (code(&o), left, code(&again), stdout(&again))
}

#[test]
fn fix_reports_the_corrected_files_findings_whether_or_not_it_changed() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing to fix: the corrected bytes are the input's, and the check pass's report is
    // the answer (nothing is checked twice).
    let clean = long_file(40_000, "");
    let (fixed, left, checked, out) = fix_and_check_again(dir.path(), "clean.csv", &clean);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("clean.out.csv")).unwrap(),
        clean
    );
    assert_eq!((fixed, checked), (0, 0));
    assert!(out.contains(&left), "{left} / {out}");
    // A change 2.5 MB in: the check of the corrected file reads the identical part back from
    // the input and takes the rest as written. A duplicate address stays an error.
    let tail = " person.000001@northwindtraders.com ,Again,Family1\r\nlast@northwindtraders.com,Last,One\r\n";
    let changed = long_file(40_000, tail);
    let (fixed, left, checked, out) = fix_and_check_again(dir.path(), "late.csv", &changed);
    let corrected = std::fs::read_to_string(dir.path().join("late.out.csv")).unwrap();
    assert!(
        corrected.ends_with("\r\nperson.000001@northwindtraders.com,Again,Family1\r\nlast@northwindtraders.com,Last,One\r\n"),
        "the stray spaces are trimmed"
    );
    assert_eq!((fixed, checked), (1, 1), "{left}");
    assert!(
        left.contains("2 errors"),
        "both rows of the address: {left}"
    );
    assert!(out.contains(&left), "{left} / {out}");
    // Output shorter than the input with the same beginning: a trailing blank line dropped.
    let blank = long_file(40_000, "\r\n\r\n");
    let (fixed, left, checked, out) = fix_and_check_again(dir.path(), "blank.csv", &blank);
    assert_eq!(fixed, checked, "{left}");
    assert!(out.contains(&left), "{left} / {out}");
}
