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
    fn counts_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(0, "row", "rows"), "0 rows");
        assert_eq!(
            plural(12_345, "email address", "email addresses"),
            "12,345 email addresses"
        );
        assert_eq!(delimiter_name(b';'), "semicolon");
        assert_eq!(delimiter_name('\t'), "tab");
        assert_eq!(delimiter_name('x'), "unknown");
    }
}
