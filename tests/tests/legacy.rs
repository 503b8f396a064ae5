//! Properties of files in legacy code pages: generated Org Sync files — names, titles and
//! offices in each code page's own script, with realistic dirty cells — written in each of the
//! code pages Excel writes, then checked and fixed.
//!
//! - one encoding out: the corrected file decodes without error in the file's encoding when
//!   F001's conversion is off, and is UTF-8 when it is on; the two hold the same text;
//! - nothing garbled, nothing lost: every record and every cell is there, and a cell differs
//!   from the input only where a fix that is on changed it (traced through each row's id);
//! - nothing a guess made is removed: with a guessed encoding, no safe fix takes away a character
//!   beyond ASCII;
//! - chunking never changes the report (the file pushed in odd pieces).
//!
//! `PROPTEST_CASES=N` runs more cases than the default.

use orgsync_core::{Code, Encoding, FixOptions, Options, Suggested};
use orgsync_tests::run;
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::collections::HashMap;

const ID: &str = "attribute_row_id";

/// Each code page, with names, titles and offices in the script of its languages.
const PAGES: &[(&str, &[&str])] = &[
    (
        "shift_jis",
        &[
            "山田",
            "太郎",
            "佐藤",
            "花子",
            "営業部長",
            "東京本社",
            "髙橋",
            "カスタマーサポート",
            "ｶﾀｶﾅ",
            "〒100-0001",
            "①",
        ],
    ),
    (
        "gbk",
        &[
            "王伟",
            "李芳",
            "张敏",
            "销售经理",
            "北京总部",
            "财务主管",
            "刘静",
            "软件工程师",
        ],
    ),
    (
        "big5",
        &[
            "王偉",
            "林芳",
            "張敏",
            "業務經理",
            "台北總部",
            "財務主管",
            "黃志明",
            "軟體工程師",
        ],
    ),
    (
        "euc-kr",
        &[
            "김민준",
            "이서연",
            "박지호",
            "영업 부장",
            "서울 본사",
            "재무 담당",
            "최유나",
        ],
    ),
    (
        "windows-1250",
        &[
            "Łukasz",
            "Wiśniewski",
            "Dąbrowska",
            "Jiří",
            "Dvořák",
            "Účetní",
            "Gábor",
            "Szabó",
            "Győr",
            "Kraków",
        ],
    ),
    (
        "windows-1251",
        &[
            "Иван",
            "Петров",
            "Ольга",
            "Смирнова",
            "Тарас",
            "Шевченко",
            "Інженер",
            "Київ",
            "Бухгалтер",
        ],
    ),
    (
        "windows-1252",
        &[
            "José",
            "García",
            "François",
            "Müller",
            "Björn",
            "Sinéad",
            "Œuvre",
            "Zoë",
            "Ingénieur",
            "Málaga",
        ],
    ),
    (
        "windows-1253",
        &[
            "Γιώργος",
            "Παπαδόπουλος",
            "Μαρία",
            "Οικονόμου",
            "Λογίστρια",
            "Αθήνα",
        ],
    ),
    (
        "windows-1254",
        &[
            "Ayşe",
            "Yılmaz",
            "Öztürk",
            "Çelik",
            "İsmail",
            "Şahin",
            "Gül",
            "İstanbul",
        ],
    ),
    (
        "windows-1255",
        &["דוד", "כהן", "שרה", "לוי", "מנהל מכירות", "תל אביב"],
    ),
    (
        "windows-1256",
        &["أحمد", "حسن", "فاطمة", "علي", "مدير المبيعات", "القاهرة"],
    ),
    (
        "windows-1257",
        &[
            "Rūta",
            "Petrauskaitė",
            "Jānis",
            "Bērziņš",
            "Žaneta",
            "Šiauliai",
            "Jüri",
        ],
    ),
    ("windows-1258", &["Lê", "Đà Nẵng", "Trần", "Bình", "Cường"]),
    ("windows-874", &["สมชาย", "ศรีสุข", "มาลี", "วงศ์สา", "กรุงเทพ"]),
    (
        "macintosh",
        &[
            "Hélène",
            "Lefèvre",
            "François",
            "Noël",
            "Nîmes",
            "Núñez",
            "Genève",
        ],
    ),
];

const COLUMNS: &[&str] = &[
    "preferred_first_name",
    "preferred_last_name",
    "work_title",
    "acme_license_learning_status",
    "attribute_office",
    "group:Sales",
];

/// Dirty forms of a value, as Excel users leave them.
fn dirty(value: &str, how: u8) -> String {
    match how % 9 {
        0 => format!("{value} "),
        1 => format!(" {value}"),
        2 => format!("{value}\u{A0}"),
        3 => format!("{value}, Jr"),
        4 => format!("\"{value}\""),
        5 => format!("{value}\n2nd line"),
        _ => value.to_string(),
    }
}

#[derive(Debug, Clone)]
struct Generated {
    label: &'static str,
    text: String,
    bytes: Vec<u8>,
}

fn quote(cell: &str, d: char) -> String {
    if cell.contains([d, '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        0..PAGES.len(),
        proptest::collection::vec(
            proptest::collection::vec((0usize..64, any::<u8>()), COLUMNS.len()),
            1..12,
        ),
        prop_oneof![3 => Just(','), 1 => Just(';'), 1 => Just('\t'), 1 => Just('|')],
        prop_oneof![Just("\r\n"), Just("\n"), Just("\r")],
    )
        .prop_map(|(page, rows, d, eol)| {
            let (label, words) = PAGES[page];
            let eol = if label == "macintosh" { "\r" } else { eol };
            let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
            // What the code page cannot hold becomes `?`, as Excel writes it.
            let fit = |s: String| -> String {
                s.chars()
                    .map(|c| {
                        let mut b = [0u8; 4];
                        let (_, _, bad) = enc.encode(c.encode_utf8(&mut b));
                        if bad { '?' } else { c }
                    })
                    .collect()
            };
            let mut header: Vec<&str> = vec!["primary_email_address", ID];
            header.extend(COLUMNS);
            let mut text = header
                .iter()
                .map(|h| quote(h, d))
                .collect::<Vec<_>>()
                .join(&d.to_string());
            text.push_str(eol);
            for (r, picks) in rows.iter().enumerate() {
                let mut cells = vec![format!("user{r}@example.com"), format!("r{r}")];
                for (c, &(pick, how)) in picks.iter().enumerate() {
                    let value = match COLUMNS[c] {
                        "acme_license_learning_status" => {
                            ["Active", "ACTIVE", "Inactive", " active"][pick % 4].to_string()
                        }
                        "group:Sales" => ["yes", "Yes", "", "no"][pick % 4].to_string(),
                        _ => dirty(words[pick % words.len()], how),
                    };
                    cells.push(fit(value));
                }
                let line: Vec<String> = cells.iter().map(|c| quote(c, d)).collect();
                text.push_str(&line.join(&d.to_string()));
                text.push_str(eol);
            }
            let (bytes, _, bad) = enc.encode(&text);
            assert!(!bad);
            let bytes = bytes.into_owned();
            Generated { label, text, bytes }
        })
}

fn config(cases: u32) -> Config {
    Config {
        cases: run::proptest_cases(cases),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Records of a CSV text as cells, by the id column.
fn records(text: &str) -> (Vec<String>, HashMap<String, Vec<String>>) {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let d = [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| {
            text.lines()
                .next()
                .unwrap_or("")
                .matches(char::from(d))
                .count()
        })
        .unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(d)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>());
    let head = rows.next().unwrap_or_default();
    let id = head.iter().position(|h| h == ID).unwrap();
    let by_id = rows
        .filter(|r| r.len() > id)
        .map(|r| (r[id].clone(), r))
        .collect();
    (head, by_id)
}

fn decode(label: &str, bytes: &[u8]) -> Option<String> {
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

fn no_f001() -> FixOptions {
    FixOptions {
        no_fix: vec![Code::F001],
        ..FixOptions::default()
    }
}

proptest! {
    #![proptest_config(config(96))]

    /// With the encoding chosen, the corrected file is in that encoding throughout (F001 off)
    /// or UTF-8 throughout (on), the two hold the same text, and every cell is the input's
    /// unless a fix that is on changed it.
    #[test]
    fn one_encoding_out_nothing_lost(g in generated()) {
        let options = Options { encoding: Encoding::for_label(g.label), ..Options::default() };
        let report = run::check(&g.bytes, &options, 0);
        prop_assert_eq!(report.file.encoding, g.label);
        let kept = run::fix(&g.bytes, &report, &no_f001(), 7).corrected;
        let kept = decode(g.label, &kept);
        prop_assert!(kept.is_some(), "the corrected file is not {} throughout", g.label);
        let kept = kept.unwrap();
        let converted = run::fix(&g.bytes, &report, &FixOptions::default(), 0).corrected;
        let converted = String::from_utf8(converted);
        prop_assert!(converted.is_ok(), "the converted file is not UTF-8");
        let converted = converted.unwrap();
        prop_assert_eq!(converted.strip_prefix('\u{FEFF}').unwrap_or(&converted), kept.as_str());

        // Every record is there; each cell is the input's or a fix's result.
        let (head, input) = records(&g.text);
        let (out_head, output) = records(&kept);
        prop_assert_eq!(input.len(), output.len());
        let fixed: std::collections::HashSet<(u64, usize)> = report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| FixOptions::default().applies_to(f.code, x)))
            .filter_map(|f| Some((f.row?, f.column?)))
            .collect();
        let ids: Vec<&String> = input.keys().collect();
        for id in ids {
            let (a, b) = (&input[id], &output[id]);
            let row = id.trim_start_matches('r').parse::<u64>().unwrap() + 2;
            for (c, name) in head.iter().enumerate() {
                let Some(oc) = out_head.iter().position(|h| h == name) else { continue };
                let before = a.get(c).map_or("", String::as_str);
                let after = b.get(oc).map_or("", String::as_str);
                prop_assert!(
                    before == after || fixed.contains(&(row, c)),
                    "row {} `{}`: {:?} became {:?} without a fix", row, name, before, after
                );
            }
        }
    }

    /// With the encoding guessed, no safe fix removes a character beyond ASCII: it may exist
    /// only because of the guess. Whatever the guess, the default corrected file decodes in the
    /// guessed encoding as the input does, record for record.
    #[test]
    fn a_guess_loses_nothing(g in generated()) {
        let report = run::check(&g.bytes, &Options::default(), 0);
        let label = report.file.encoding;
        prop_assume!(label != "utf-8");
        for f in &report.findings {
            if let Some(x) = f.fix.as_ref().filter(|x| FixOptions::default().applies_to(f.code, x)) {
                let n = |s: &str| s.chars().filter(|c| !c.is_ascii()).count();
                prop_assert!(
                    n(&x.after) >= n(&x.before) || f.code.as_str().starts_with('F'),
                    "{} removes characters of a guess: {:?} → {:?}", f.code, x.before, x.after
                );
            }
        }
        let kept = run::fix(&g.bytes, &report, &FixOptions::default(), 5).corrected;
        let (Some(a), Some(b)) = (decode(label, &g.bytes), decode(label, &kept)) else {
            return Err(TestCaseError::fail(format!("not {label} throughout")));
        };
        prop_assert_eq!(records(&a).1.len(), records(&b).1.len());
    }

    /// Chunking never changes the report.
    #[test]
    fn any_chunking_gives_the_same_report(g in generated(), chunk in 1usize..40) {
        let whole = run::check(&g.bytes, &Options::default(), 0);
        let pieces = run::check(&g.bytes, &Options::default(), chunk);
        prop_assert!(whole.to_json(false) == pieces.to_json(false));
        let all = FixOptions { suggested: Suggested::All, ..FixOptions::default() };
        prop_assert!(run::fix(&g.bytes, &whole, &all, 0) == run::fix(&g.bytes, &whole, &all, chunk));
    }
}
