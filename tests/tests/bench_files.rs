//! The benchmark's realistic files hold what BENCHMARKS.md says they hold: the speed figures on
//! them mean something only if the distributions are right.

use orgsync_core::{Code, Options, check};
use orgsync_tests::bench::{Variant, write_variant_to};
use std::collections::HashMap;

fn file(rows: u64, variant: Variant) -> Vec<u8> {
    let mut out = Vec::new();
    write_variant_to(&mut out, rows, variant).unwrap_or_default();
    out
}

/// Share of the rows of `text` (CSV, header first) whose cell `col` is `value`.
fn share(text: &str, col: usize, value: &str) -> f64 {
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let n = lines
        .iter()
        .filter(|l| split(l).get(col).map(String::as_str) == Some(value))
        .count();
    n as f64 / lines.len() as f64
}

/// A row's cells (the files quote only titles holding a comma).
fn split(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().map(|s| s.push(c)).unwrap_or_default(),
        }
    }
    cells
}

/// Share of rows whose (first, last) name another row also has.
fn shared_names(text: &str) -> f64 {
    let mut names: HashMap<(String, String), u32> = HashMap::new();
    let mut rows = 0;
    for l in text.lines().skip(1) {
        let c = split(l);
        *names
            .entry((c[1].trim().to_lowercase(), c[2].trim().to_lowercase()))
            .or_default() += 1;
        rows += 1;
    }
    names
        .values()
        .filter(|&&n| n > 1)
        .map(|&n| f64::from(n))
        .sum::<f64>()
        / f64::from(rows)
}

#[test]
fn the_realistic_files_have_the_documented_distributions() {
    let rows = 100_000;
    let realistic = file(rows, Variant::Realistic);
    let unique = file(rows, Variant::RealisticUnique);
    for bytes in [&realistic, &unique] {
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        let inactive = share(text, 5, "Inactive");
        let admins = share(text, 8, "yes");
        let unlicensed = share(text, 5, "");
        assert!((0.19..0.21).contains(&inactive), "{inactive}");
        assert!((0.015..0.025).contains(&admins), "{admins}");
        assert!((0.001..0.006).contains(&unlicensed), "{unlicensed}");
        let report = check(bytes, Options::default());
        let by = |c: Code| report.summary.by_code.get(&c).copied().unwrap_or(0);
        // About 1% of rows with a mistake, spread over the usual rules.
        for code in [
            Code::R003,
            Code::R004,
            Code::R005,
            Code::R006,
            Code::R010,
            Code::R012,
        ] {
            assert!((50..200).contains(&by(code)), "{code:?}: {}", by(code));
        }
        assert!(by(Code::R017) as f64 > 0.19 * rows as f64);
    }
    // Names repeat as in a large organisation in one (more in larger files: 62% of the rows at a
    // million, ~30% at 100k), never by chance in the other.
    let repeated = shared_names(std::str::from_utf8(&realistic).unwrap_or_default());
    let unique_repeated = shared_names(std::str::from_utf8(&unique).unwrap_or_default());
    assert!(repeated > 0.25, "{repeated}");
    assert!(unique_repeated < 0.005, "{unique_repeated}");
}
