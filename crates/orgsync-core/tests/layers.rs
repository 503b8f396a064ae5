//! The engine's layers: the pipeline knows bytes, records, the header and rows, never the
//! rules. The passes (`checker`, `fixer`, `roster`) bring the two together. A `use` of the rules
//! (or any path through `crate::rules`) in a pipeline module fails this test.

use std::path::Path;

/// The pipeline's modules, below the rules.
const PIPELINE: &[&str] = &[
    "engine.rs",
    "parse.rs",
    "input.rs",
    "header.rs",
    "row.rs",
    "simd.rs",
    "hash.rs",
    "workbook",
];

fn sources(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("a readable folder") {
            sources(&entry.expect("an entry").path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The lines of a file that name the rules module in code (comments left out).
fn rule_paths(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split("//").next().unwrap_or_default();
            code.contains("rules::") || code.contains("mod rules")
        })
        .map(|(i, l)| (i + 1, l.trim().to_string()))
        .collect()
}

#[test]
fn the_pipeline_does_not_import_the_rules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for name in PIPELINE {
        let path = src.join(name);
        if path.exists() {
            sources(&path, &mut files);
        }
    }
    assert!(
        files.len() >= 5,
        "the pipeline's files were not found: {files:?}"
    );
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a readable source");
        for (line, code) in rule_paths(&text) {
            found.push(format!("{}:{line}: {code}", f.display()));
        }
    }
    assert!(
        found.is_empty(),
        "the pipeline names the rules:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_a_use_of_the_rules() {
    assert_eq!(
        rule_paths("use crate::rules::row::RowPlan;\n// rules::x\n").len(),
        1
    );
    assert!(rule_paths("let x = 1; // see rules::row").is_empty());
}
