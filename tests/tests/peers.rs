//! The public CSV test suites in `../shared/peers` (csv-spectrum, PapaParse's parse cases,
//! RFC 4180-bis checks, csvlint's scenarios; its `NOTICE.md` says where each comes from), read at
//! run time — never copied into the repository. Every case goes through the engine, and the
//! records it reads, its delimiter and its F006 (quoting) / F007 (field count) findings are
//! compared with the suite's expectation. Where the engine deliberately differs, `DELIBERATE`
//! says why; any other difference fails.
//!
//! The engine's records are read back from the corrected file with every fix turned off: the
//! fix pass writes each record it read, re-quoted, so the `csv` crate reading it gives the
//! engine's fields exactly.

use orgsync_core::{Code, FixOptions, Options, Report};
use orgsync_tests::run;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Cases where the engine differs from a suite on purpose.
const DELIBERATE: &[(&str, &str)] = &[
    // Delimiters: the engine reads `,` `;` tab and `|` only, and sniffs which from the lines.
    // Quoting: csv-core, the parser of record, reads a stray quote as text and reports F006.
    (
        "papaparse/core-020",
        "`\"a,\"b,c\"` — the engine (csv-core) ends the quoted field at the second quote and reads `b` and `c\"` as fields; PapaParse keeps one field. Both report the quote (F006 / InvalidQuotes)",
    ),
    (
        "papaparse/core-021",
        "a quote inside an unquoted field and one that never closes: csv-core and PapaParse split the rest differently; both report the quoting (F006)",
    ),
    (
        "papaparse/core-022",
        "`\"b\"c` — text after a closing quote: csv-core appends it to the field; PapaParse reads on to a later quote. Both report it (F006)",
    ),
    (
        "papaparse/core-023",
        "a quote that never closes: csv-core reads to the end of the file, PapaParse finds a closing quote inside `d\"e`. Both report it (F006)",
    ),
    (
        "rfc4180-bis/open-quotation-3",
        "`B\"`: a quote inside an unquoted field is text to both, but the engine reports it (F006, an error) because the uploader may split or merge cells there",
    ),
    ("papaparse/core-012", "as rfc4180-bis/open-quotation-3"),
    (
        "papaparse/core-017",
        "` \"B\" `: as rfc4180-bis/spaces-around-quotes-1",
    ),
    ("papaparse/core-018", "as rfc4180-bis/open-quotation-3"),
    ("papaparse/parse-008", "as rfc4180-bis/open-quotation-3"),
    (
        "papaparse/parse-005",
        "`\"B\" `: PapaParse drops the blanks after a closing quote; csv-core appends them and the engine reports F006, so the admin sees the cell is not what it looks like",
    ),
    ("papaparse/parse-006", "as parse-005"),
    ("papaparse/parse-007", "as parse-005"),
    ("papaparse/parse-090", "as parse-005"),
    ("papaparse/parse-091", "as parse-005"),
    // A line of separators only is what a spreadsheet shows as an empty row: the engine reads
    // it as a blank row (F008; with no header before it, the file has no header: F005).
    (
        "papaparse/core-036",
        "a line of separators only is a blank row to the engine (F008)",
    ),
    ("papaparse/core-037", "as core-036"),
    ("papaparse/parse-050", "as core-036"),
    (
        "rfc4180-bis/trailing-field-separator-1",
        "as papaparse/core-036",
    ),
    (
        "rfc4180-bis/trailing-field-separator-6",
        "as papaparse/core-036",
    ),
    // Line ends.
    (
        "papaparse/parse-009",
        "PapaParse takes the first line end (LF) as the only one and reads a lone CR as text; the engine takes CR, LF and CRLF as line ends (Mac Excel writes CR) and reports the mix (F009)",
    ),
    (
        "csv-spectrum/newlines_crlf",
        "the vendored file has LF line ends (the suite's own .gitattributes, kept as gitattributes.orig, normalised it) while its JSON expects CRLF inside the quoted cell; the engine keeps the cell's line break as the file holds it",
    ),
    (
        "rfc4180-bis/spaces-around-quotes-3",
        "` \"D\"`: a quote after spaces is a stray quote to csv-core (kept as text) and F006 flags it, which the suite does not expect",
    ),
    (
        "rfc4180-bis/spaces-around-quotes-4",
        "as spaces-around-quotes-3",
    ),
    (
        "rfc4180-bis/spaces-around-quotes-5",
        "as spaces-around-quotes-3",
    ),
    (
        "rfc4180-bis/spaces-around-quotes-1",
        "`\"D\" `: text after the closing quote is appended (csv-core) and reported (F006); the suite expects the same field and no error",
    ),
    (
        "rfc4180-bis/spaces-around-quotes-2",
        "as spaces-around-quotes-1",
    ),
];

fn peers() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/peers");
    dir.join("NOTICE.md").exists().then_some(dir)
}

#[derive(Debug, Default)]
struct Case {
    id: String,
    input: Vec<u8>,
    /// The records the suite expects (blank records left out, see `without_blank`).
    records: Option<Vec<Vec<String>>>,
    /// The suite gives rows as objects keyed by the header (key order lost): compare each row
    /// as a map from header to value.
    keyed: bool,
    delimiter: Option<u8>,
    /// Whether the suite expects a quoting problem, and at which spreadsheet rows.
    quoting: Option<bool>,
    quoting_row: Option<u64>,
    /// Whether it expects a record whose field count differs, and at which row.
    ragged: Option<bool>,
    ragged_row: Option<u64>,
}

struct Read {
    records: Vec<Vec<String>>,
    delimiter: u8,
    report: Report,
}

fn engine(bytes: &[u8]) -> Read {
    let report = run::check(bytes, &Options::default(), 0);
    let all: Vec<Code> = orgsync_core::rules().iter().map(|r| r.code).collect();
    let off = FixOptions {
        no_fix: all,
        ..FixOptions::default()
    };
    let corrected = run::fix(bytes, &report, &off, 0).corrected;
    let delimiter = report
        .file
        .delimiter
        .as_bytes()
        .first()
        .copied()
        .unwrap_or(b',');
    let body = corrected
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(&corrected);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(body);
    let records = rdr
        .byte_records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()
        })
        .collect();
    Read {
        records: without_blank(records),
        delimiter,
        report,
    }
}

/// A blank line is a blank row to the engine (F008) and skipped by most readers, or a record of
/// one empty field to others: records are compared without them.
fn without_blank(records: Vec<Vec<String>>) -> Vec<Vec<String>> {
    records
        .into_iter()
        .filter(|r| !(r.is_empty() || r.len() == 1 && r[0].is_empty()))
        .collect()
}

/// Differences between the engine's reading and the case's expectation.
fn compare(case: &Case, read: &Read) -> Vec<String> {
    let mut diffs = Vec::new();
    if let Some(want) = &case.records {
        if case.keyed {
            // The suite's objects hold only the keys a row has (PapaParse's short rows), so
            // its header is known up to those: each of them must be in the engine's header.
            let (mine, theirs) = (keyed(&read.records), keyed(want));
            let header_ok = match (mine.first(), theirs.first()) {
                (Some(m), Some(t)) => t.keys().all(|k| m.contains_key(k)),
                (m, t) => m.is_none() == t.is_none(),
            };
            if !header_ok || mine.get(1..) != theirs.get(1..) {
                diffs.push(format!("records {:?}, expected {:?}", read.records, want));
            }
        } else if &read.records != want {
            diffs.push(format!("records {:?}, expected {:?}", read.records, want));
        }
    }
    if let Some(d) = case.delimiter
        && read.delimiter != d
    {
        diffs.push(format!(
            "delimiter {:?}, expected {:?}",
            char::from(read.delimiter),
            char::from(d)
        ));
    }
    let f006 = run::rows_of(&read.report, Code::F006);
    let f007 = run::rows_of(&read.report, Code::F007);
    if let Some(q) = case.quoting
        && q == f006.is_empty()
    {
        diffs.push(format!(
            "F006 at rows {f006:?}, expected a quoting problem: {q}"
        ));
    }
    if let Some(row) = case.quoting_row
        && !f006.contains(&row)
    {
        diffs.push(format!("F006 at rows {f006:?}, expected at row {row}"));
    }
    if let Some(r) = case.ragged
        && r == f007.is_empty()
    {
        diffs.push(format!("F007 at rows {f007:?}, expected a ragged row: {r}"));
    }
    if let Some(row) = case.ragged_row
        && !f007.contains(&row)
    {
        diffs.push(format!("F007 at rows {f007:?}, expected at row {row}"));
    }
    diffs
}

/// Rows as maps from the header (the first record) to their values; values past the header's
/// end are keyed `#i`.
fn keyed(records: &[Vec<String>]) -> Vec<std::collections::BTreeMap<String, String>> {
    let Some((head, rows)) = records.split_first() else {
        return Vec::new();
    };
    let mut sorted = head.clone();
    sorted.sort();
    let mut out = vec![sorted.into_iter().map(|h| (h, String::new())).collect()];
    out.extend(rows.iter().map(|r| {
        r.iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    head.get(i).cloned().unwrap_or_else(|| format!("#{i}")),
                    v.clone(),
                )
            })
            .collect()
    }));
    out
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn spectrum(dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("csv-spectrum/csvs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(&path).unwrap();
        let json: Value = serde_json::from_slice(
            &std::fs::read(dir.join(format!("csv-spectrum/json/{stem}.json"))).unwrap(),
        )
        .unwrap();
        // The JSON is one object per row, keyed by the header: header then values.
        let rows = json.as_array().cloned().unwrap_or_default();
        let mut records = Vec::new();
        if let Some(first) = rows.first().and_then(Value::as_object) {
            records.push(first.keys().cloned().collect::<Vec<_>>());
            for r in &rows {
                let o = r.as_object().unwrap();
                records.push(
                    o.values()
                        .map(|v| v.as_str().unwrap_or_default().to_string())
                        .collect(),
                );
            }
        }
        out.push(Case {
            id: format!("csv-spectrum/{stem}"),
            input,
            // An empty JSON list (a header alone) gives no header to compare.
            records: (!records.is_empty()).then(|| without_blank(records)),
            keyed: true,
            delimiter: Some(b','),
            quoting: Some(false),
            ragged: Some(false),
            ..Case::default()
        });
    }
    out
}

fn papaparse(dir: &Path) -> Vec<Case> {
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.join("papaparse/cases.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for c in json["cases"].as_array().unwrap() {
        let config = &c["config"];
        let expected = &c["expected"];
        let errors: Vec<String> = expected["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["code"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default();
        let header = config["header"].as_bool().unwrap_or(false);
        let data = expected["data"].as_array().cloned().unwrap_or_default();
        let mut records: Vec<Vec<String>> = Vec::new();
        if header {
            if let Some(first) = data.first().and_then(Value::as_object) {
                records.push(
                    first
                        .keys()
                        .filter(|k| *k != "__parsed_extra")
                        .cloned()
                        .collect(),
                );
            }
            for r in &data {
                let o = r.as_object().unwrap();
                // In the header's (sorted) key order, so `keyed` maps them back; extras after it.
                let head = &records[0];
                let mut rec: Vec<String> = head
                    .iter()
                    .map(|k| {
                        o.get(k)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect();
                let missing = head
                    .iter()
                    .rposition(|k| o.contains_key(k))
                    .map_or(0, |p| p + 1);
                rec.truncate(missing);
                rec.extend(strings(
                    &o.get("__parsed_extra").cloned().unwrap_or(Value::Null),
                ));
                records.push(rec);
            }
        } else {
            records = data.iter().map(strings).collect();
        }
        let delimiter = config["delimiter"]
            .as_str()
            .or(expected["meta"]["delimiter"].as_str())
            .and_then(|d| d.bytes().next());
        let quoting = errors
            .iter()
            .any(|e| e == "MissingQuotes" || e == "InvalidQuotes");
        let ragged = errors
            .iter()
            .any(|e| e == "TooFewFields" || e == "TooManyFields");
        let input = c["input"].as_str().unwrap().as_bytes().to_vec();
        // With `header: true` (a header's keys) a file of the header alone gives no records.
        let keep_records = !(header && data.is_empty());
        out.push(Case {
            id: format!("papaparse/{}", c["id"].as_str().unwrap()),
            input,
            records: keep_records.then(|| without_blank(records)),
            keyed: header,
            delimiter,
            quoting: Some(quoting),
            ragged: header.then_some(ragged),
            ..Case::default()
        });
    }
    out
}

/// The YAML of the RFC 4180-bis checks: `- id:`, `input:` and `records:` with flow lists of
/// quoted strings. `⏎` stands for each line ending, so such a check runs three times.
fn rfc4180(dir: &Path) -> Vec<Case> {
    fn unquote(s: &str) -> String {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            inner.replace("''", "'")
        } else if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            inner.replace("\\\"", "\"")
        } else {
            s.to_string()
        }
    }
    fn list(s: &str) -> Vec<String> {
        // `[ 'A', 'B' ]`: items are quoted; commas inside quotes stay.
        let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
        let (mut items, mut cur, mut quote) = (Vec::new(), String::new(), None::<char>);
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                    cur.push('\'');
                }
                (Some(q), c) if c == q => quote = None,
                (None, ',') => items.push(std::mem::take(&mut cur)),
                (None, c) if c.is_whitespace() => {}
                (_, c) => cur.push(c),
            }
        }
        if !cur.is_empty() || inner.contains('\'') || inner.contains('"') {
            items.push(cur);
        }
        items
    }
    let symbols = |s: &str, eol: &str| {
        s.replace('␍', "\r")
            .replace('␊', "\n")
            .replace('␤', "\r\n")
            .replace('⏎', eol)
            .replace('␠', " ")
    };
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("rfc4180-bis/tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current: Option<(String, String, Vec<Vec<String>>)> = None;
        let mut checks = Vec::new();
        for line in text.lines() {
            let t = line.trim();
            if let Some(id) = t.strip_prefix("- id:") {
                checks.extend(current.take());
                current = Some((id.trim().to_string(), String::new(), Vec::new()));
            } else if let (Some(c), Some(input)) = (current.as_mut(), t.strip_prefix("input:")) {
                c.1 = unquote(input);
            } else if let (Some(c), Some(rec)) = (current.as_mut(), t.strip_prefix("- [")) {
                c.2.push(list(&format!("[{rec}")));
            }
        }
        checks.extend(current);
        for (id, input, records) in checks {
            let eols: &[(&str, &str)] = if input.contains('⏎') {
                &[("cr", "\r"), ("lf", "\n"), ("crlf", "\r\n")]
            } else {
                &[("", "\n")]
            };
            for (name, eol) in eols {
                let records: Vec<Vec<String>> = records
                    .iter()
                    .map(|r| r.iter().map(|f| symbols(f, eol)).collect())
                    .collect();
                let ragged = records.windows(2).any(|w| w[0].len() != w[1].len());
                out.push(Case {
                    id: if name.is_empty() {
                        format!("rfc4180-bis/{id}")
                    } else {
                        format!("rfc4180-bis/{id}") + "@" + name
                    },
                    input: symbols(&input, eol).into_bytes(),
                    records: Some(without_blank(records)),
                    quoting: Some(id.starts_with("open-quotation") && !id.ends_with("-3")),
                    ragged: Some(ragged),
                    ..Case::default()
                });
            }
        }
    }
    out
}

fn csvlint(dir: &Path) -> Vec<Case> {
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.join("csvlint/cases.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for c in json["cases"].as_array().unwrap() {
        let input = match (c["content"].as_str(), c["fixture"].as_str()) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(f)) => std::fs::read(dir.join("csvlint/fixtures").join(f)).unwrap(),
            _ => continue,
        };
        let steps: Vec<&str> = c["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let quoted = |s: &str| s.split('"').nth(1).map(str::to_string);
        let mut case = Case {
            id: format!("csvlint/{}", c["id"].as_str().unwrap()),
            input,
            ..Case::default()
        };
        let mut kind: Option<String> = None;
        for s in &steps {
            if s.contains("error should have the type") {
                kind = quoted(s);
            }
            if s.contains("error should have the row") {
                let row = quoted(s).and_then(|r| r.parse().ok());
                match kind.as_deref() {
                    Some("ragged_rows") => case.ragged_row = row,
                    Some("unclosed_quote") => case.quoting_row = row,
                    _ => {}
                }
            }
        }
        let valid = steps
            .iter()
            .any(|s| s.contains("I should get the value of true"));
        let errors_none = steps.iter().any(|s| s.contains("there should be 0 error"));
        match kind.as_deref() {
            Some("ragged_rows") => {
                case.ragged = Some(true);
                case.quoting = Some(false);
            }
            Some("unclosed_quote" | "whitespace") => case.quoting = Some(true),
            // blank rows, encoding, line breaks, a workbook: other rules (F008, F001/F016, F009,
            // F003); only the parser's two findings are compared.
            _ => {}
        }
        if valid || errors_none {
            case.quoting = Some(false);
            case.ragged = Some(false);
        }
        if c["scenario"].as_str().unwrap_or("").contains("ragged rows") {
            case.ragged = Some(true);
        }
        if c["scenario"]
            .as_str()
            .unwrap_or("")
            .contains("incorrect quoting")
        {
            case.quoting = Some(true);
        }
        out.push(case);
    }
    out
}

#[test]
fn the_public_csv_suites_read_as_they_expect() {
    let Some(dir) = peers() else {
        println!("../shared/peers is absent: the peers suite test is skipped");
        return;
    };
    let cases: Vec<Case> = [
        spectrum(&dir),
        papaparse(&dir),
        rfc4180(&dir),
        csvlint(&dir),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(cases.len() > 150, "only {} cases were read", cases.len());
    let (mut agreed, mut deliberate, mut failures) = (0, 0, Vec::new());
    for case in &cases {
        let read = engine(&case.input);
        let diffs = compare(case, &read);
        let base = case.id.split('@').next().unwrap();
        let why = DELIBERATE
            .iter()
            .find(|(id, _)| *id == base)
            .map(|(_, why)| *why);
        match (diffs.is_empty(), why) {
            (true, None) => agreed += 1,
            (true, Some(_)) => failures.push(format!(
                "{}: agrees now; take it out of DELIBERATE",
                case.id
            )),
            (false, Some(_)) => deliberate += 1,
            (false, None) => failures.push(format!(
                "{} ({:?}):\n  {}",
                case.id,
                String::from_utf8_lossy(&case.input),
                diffs.join("\n  ")
            )),
        }
    }
    println!(
        "peers: {} cases, {agreed} agree, {deliberate} differ on purpose",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
