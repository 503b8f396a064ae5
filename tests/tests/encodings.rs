//! The legacy-encodings corpus (`tests/encodings/`): the same kind of people — names, titles,
//! groups and offices in their own scripts — written in each code page Excel writes, and in
//! UTF-8 (`source/`). Each file must be detected as its code page, keep every byte when the
//! corrected file stays in it, and convert to exactly its UTF-8 source when F001's fix is on.
//!
//! `source/<label>.csv` is the UTF-8 text; `<label>.csv` is that text in the encoding `label`
//! names, as `encoding_rs` (the WHATWG Encoding Standard) writes it. `UPDATE_ENCODINGS=1`
//! rewrites the encoded files from the sources.

use orgsync_core::{Code, Encoding, FixOptions, Options, Report, Suggested};
use orgsync_tests::run;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("encodings")
}

/// The corrected file ends its lines with CRLF, as it always does for a file with CR-only ends
/// (Mac Roman's); every other byte is as it was.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\r").replace('\r', "\r\n")
}

fn crlf_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    for (i, &b) in bytes.iter().enumerate() {
        out.push(b);
        if b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    out
}

/// (label, UTF-8 source, encoded bytes)
fn corpus() -> Vec<(String, String, Vec<u8>)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir().join("source"))
        .expect("tests/encodings/source")
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|path| {
            let label = path.file_stem().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&path).unwrap();
            let enc = encoding_rs::Encoding::for_label(label.as_bytes()).expect("a label");
            let (bytes, _, unmappable) = enc.encode(&source);
            assert!(
                !unmappable,
                "{label}: the source holds a character {label} lacks"
            );
            let file = dir().join(format!("{label}.csv"));
            if std::env::var_os("UPDATE_ENCODINGS").is_some() {
                std::fs::write(&file, &bytes).unwrap();
            }
            let committed = std::fs::read(&file).unwrap_or_default();
            assert!(
                committed == bytes.as_ref(),
                "{label}.csv is not its source in {label}: run with UPDATE_ENCODINGS=1"
            );
            (label, source, committed)
        })
        .collect()
}

/// The check pass in 4,093-byte chunks (`orgsync_tests::run`).
fn check(bytes: &[u8], options: Options) -> Report {
    run::check(bytes, &options, 4093)
}

/// The corrected file, the fix pass fed 5 bytes at a time.
fn fix(bytes: &[u8], report: &Report, options: &FixOptions) -> Vec<u8> {
    run::fix(bytes, report, options, 5).corrected
}

fn suggested_f001() -> FixOptions {
    FixOptions {
        suggested: Suggested::Only(vec![Code::F001]),
        ..FixOptions::default()
    }
}

#[test]
fn every_code_page_is_detected_and_round_trips() {
    let corpus = corpus();
    assert!(corpus.len() >= 15, "the corpus lost files");
    let mut wrong = Vec::new();
    for (label, source, bytes) in &corpus {
        let report = check(bytes, Options::default());
        if report.file.encoding != label {
            wrong.push(format!("{label}: read as {}", report.file.encoding));
            continue;
        }
        assert_eq!(report.file.encoding_basis, "guessed", "{label}");
        let f001 = report
            .findings
            .iter()
            .find(|f| f.code == Code::F001)
            .unwrap();
        assert_eq!(
            f001.fix.as_ref().unwrap().applicability.as_str(),
            "suggested"
        );
        assert!(!report.file.encoding_preview.is_empty(), "{label}");
        for name in &report.file.encoding_preview {
            assert!(source.contains(name.as_str()), "{label}: preview {name:?}");
        }
        // Default fixes: the file stays in its code page, byte for byte.
        let kept = fix(bytes, &report, &FixOptions::default());
        assert!(
            kept == crlf_bytes(bytes),
            "{label}: the corrected file changed bytes"
        );
        // F001 accepted: exactly the UTF-8 text, with UTF-8's mark for Excel.
        let converted = fix(bytes, &report, &suggested_f001());
        assert_eq!(
            String::from_utf8(converted).unwrap(),
            format!("\u{FEFF}{}", crlf(source)),
            "{label}"
        );
    }
    assert!(wrong.is_empty(), "detected wrong: {wrong:#?}");
}

#[test]
fn a_chosen_encoding_is_certain_and_converts_safely() {
    for (label, source, bytes) in corpus() {
        let encoding = Encoding::for_label(&label);
        let report = check(
            &bytes,
            Options {
                encoding,
                ..Options::default()
            },
        );
        assert_eq!(report.file.encoding, label);
        assert_eq!(report.file.encoding_basis, "chosen");
        let f001 = report
            .findings
            .iter()
            .find(|f| f.code == Code::F001)
            .unwrap();
        assert_eq!(f001.fix.as_ref().unwrap().applicability.as_str(), "safe");
        let converted = fix(&bytes, &report, &FixOptions::default());
        assert_eq!(
            String::from_utf8(converted).unwrap(),
            format!("\u{FEFF}{}", crlf(&source))
        );
    }
}

#[test]
fn the_utf8_sources_are_utf8() {
    for (label, source, _) in corpus() {
        let report = check(source.as_bytes(), Options::default());
        assert_eq!(report.file.encoding, "utf-8", "{label}");
        assert_eq!(report.file.encoding_basis, "utf-8");
        assert!(report.findings.iter().all(|f| f.code != Code::F001));
        let corrected = fix(source.as_bytes(), &report, &FixOptions::default());
        assert_eq!(
            String::from_utf8(corrected).unwrap(),
            crlf(&source),
            "{label}"
        );
    }
}

#[test]
fn a_wrong_choice_is_reported_with_its_line() {
    // Shift_JIS read as EUC-KR: many double bytes are not EUC-KR, F016 names the first line
    // holding one (the header's `営業部` happens to be valid EUC-KR bytes).
    let (_, _, bytes) = corpus()
        .into_iter()
        .find(|(l, _, _)| l == "shift_jis")
        .unwrap();
    let report = check(
        &bytes,
        Options {
            encoding: Encoding::for_label("euc-kr"),
            ..Options::default()
        },
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::F016)
        .expect("F016");
    assert_eq!(f.line, Some(2), "{}", f.message);
    // Without F001's conversion (safe for a chosen encoding) the corrected file keeps those
    // bytes as they were; with it, they are U+FFFD, as F016 says.
    let keep = FixOptions {
        no_fix: vec![Code::F001],
        ..FixOptions::default()
    };
    assert!(fix(&bytes, &report, &keep) == bytes);
    let converted = String::from_utf8(fix(&bytes, &report, &FixOptions::default())).unwrap();
    assert!(converted.contains('\u{FFFD}'));
}
