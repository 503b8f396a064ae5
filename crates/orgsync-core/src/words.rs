//! Words for people, written once for the engine's messages and every face: counts with
//! thousands separators, plurals, and the names of delimiters.

/// A count with thousands separators: `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Appends `n` in decimal, as `Display` writes it, without going through `core::fmt` (the
/// reports write a row number on every line).
pub(crate) fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &d in digits.get(i..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// A count and its noun: `plural(1, "row", "rows")` → `1 row`, `plural(1234, "row", "rows")` →
/// `1,234 rows`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A delimiter in words: `comma`, `semicolon`, `tab`, `pipe` (`unknown` for any other).
pub fn delimiter_name(d: impl Into<char>) -> &'static str {
    match d.into() {
        ',' => "comma",
        ';' => "semicolon",
        '\t' => "tab",
        '|' => "pipe",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            1_000_000,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn counts_read_as_people_write_them() {
        let counts = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1_234_567, "1,234,567"),
        ];
        for (n, text) in counts {
            assert_eq!(thousands(n), text);
        }
        let plurals = [(1, "1 row"), (0, "0 rows"), (12_345, "12,345 rows")];
        for (n, text) in plurals {
            assert_eq!(plural(n, "row", "rows"), text);
        }
        let names = [
            (';', "semicolon"),
            ('\t', "tab"),
            ('|', "pipe"),
            ('x', "unknown"),
        ];
        for (d, name) in names {
            assert_eq!(delimiter_name(d), name);
        }
        assert_eq!(delimiter_name(b','), "comma");
    }
}
