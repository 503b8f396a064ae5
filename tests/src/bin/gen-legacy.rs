//! The legacy-encoding benchmark's files: the benchmark's clean file (`gen-bench`) with each
//! row's first and last name replaced by names in the code page's script (the last name made
//! unique with the row number in that script's letters), written twice — in
//! UTF-8 and in the code page — so the two checks read the same text.
//!
//! `gen-legacy LABEL IN.csv OUT_PREFIX` writes `OUT_PREFIX.utf-8.csv` and `OUT_PREFIX.LABEL.csv`
//! (`LABEL`: `shift_jis` or `windows-1250`).

use std::io::{BufRead, BufWriter, Write};

fn names(label: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match label {
        "shift_jis" => (
            &[
                "太郎", "花子", "健一", "由美", "翔太", "明子", "大輔", "美咲", "拓也", "恵",
            ],
            &[
                "山田", "佐藤", "鈴木", "髙橋", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田",
            ],
        ),
        "windows-1250" => (
            &[
                "Łukasz",
                "Zofia",
                "Jiří",
                "Petra",
                "Gábor",
                "Ondřej",
                "Małgorzata",
                "Tomáš",
                "Zsófia",
                "Kateřina",
            ],
            &[
                "Wiśniewski",
                "Dąbrowska",
                "Dvořák",
                "Nováková",
                "Szabó",
                "Černý",
                "Wójcik",
                "Kovács",
                "Šimůnek",
                "Żak",
            ],
        ),
        other => {
            eprintln!("gen-legacy: no names for {other} (shift_jis, windows-1250)");
            std::process::exit(2);
        }
    }
}

/// `i` written with ten letters of the script, one a digit.
fn suffix(label: &str, mut i: usize) -> String {
    let digits: [char; 10] = if label == "shift_jis" {
        ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']
    } else {
        ['ą', 'ć', 'ę', 'ł', 'ń', 'ó', 'ś', 'ź', 'ż', 'č']
    };
    let mut out = Vec::new();
    loop {
        out.push(digits[i % 10]);
        i /= 10;
        if i == 0 {
            break;
        }
    }
    out.iter().rev().collect()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [label, input, prefix] = args.as_slice() else {
        eprintln!("usage: gen-legacy LABEL IN.csv OUT_PREFIX");
        std::process::exit(2);
    };
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).expect("an encoding label");
    let (first, last) = names(label);
    let reader = std::io::BufReader::new(std::fs::File::open(input)?);
    let mut utf8 = BufWriter::new(std::fs::File::create(format!("{prefix}.utf-8.csv"))?);
    let mut legacy = BufWriter::new(std::fs::File::create(format!("{prefix}.{label}.csv"))?);
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        let line = if i == 0 {
            line
        } else {
            // The names are the 2nd and 3rd fields and never quoted in the clean file.
            let mut cells: Vec<&str> = line.splitn(4, ',').collect();
            // A unique last name (a name and the row number in the script's letters), so no
            // cross-row rule fires on repeated names, as in the clean file.
            let last_name = format!("{}{}", last[i % last.len()], suffix(label, i));
            if cells.len() == 4 {
                cells[1] = first[i % first.len()];
                cells[2] = &last_name;
            }
            cells.join(",")
        };
        let line = line + "\r\n";
        utf8.write_all(line.as_bytes())?;
        let (bytes, _, bad) = enc.encode(&line);
        assert!(!bad, "{line}");
        legacy.write_all(&bytes)?;
    }
    utf8.flush()?;
    legacy.flush()
}
