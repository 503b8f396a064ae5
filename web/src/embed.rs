//! Embedding the page in another site's iframe: the options a host passes in the URL fragment,
//! and the counts-only message the page posts to its parent when a check completes.
//!
//! The fragment is `#groups=Sales,Engineering&licenses=acme_license_learning_status&theme=dark&parent=https://portal.example.com`:
//! `&`-separated `key=value` pairs, percent-decoded (`+` is a space, as `URLSearchParams` writes
//! it). Unknown keys are ignored; a bad value is ignored, never an error. The fragment is never
//! sent to any server, so the options stay in the browser like the file does.
//!
//! Posting is opt-in: only with `parent=<origin>` in the fragment, only when the page is really
//! framed, and only to that exact origin (never `"*"`). The message holds counts, never a cell
//! value, a file name or a message.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::view::ReportView;

/// The most list items (groups, licenses) the fragment may give; the rest are ignored.
pub const MAX_ITEMS: usize = 500;
/// The longest list item, in characters; longer ones are ignored.
pub const MAX_ITEM_CHARS: usize = 256;

/// A color scheme forced by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Light, whatever the system says.
    Light,
    /// Dark, whatever the system says.
    Dark,
}

impl Theme {
    /// The value of `<html data-theme>`; the CSS keys on it.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What the host asked for in the fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedOptions {
    /// Known group names for R008 (like the glossary's), deduplicated ignoring case.
    pub groups: Vec<String>,
    /// License headers to prefill the template tool with.
    pub licenses: Vec<String>,
    /// A forced color scheme, if any.
    pub theme: Option<Theme>,
    /// The origin (serialized, e.g. `https://portal.example.com`) allowed to receive the summary.
    pub parent: Option<String>,
    /// The encoding to read uploads in (`encoding=shift_jis`: any label of the WHATWG Encoding
    /// Standard, as the CLI's `--encoding`), as the engine names it; `None` guesses.
    pub encoding: Option<String>,
}

/// Parses a URL fragment, with or without its leading `#`. Never fails: what it cannot read it
/// ignores.
pub fn parse_fragment(fragment: &str) -> EmbedOptions {
    let mut out = EmbedOptions::default();
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    for pair in fragment.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(value) = percent_decode(value) else {
            continue;
        };
        match percent_decode(key).as_deref() {
            Some("groups") => {
                for name in list(&value) {
                    let name = name.strip_prefix("group:").unwrap_or(name).trim();
                    if !name.is_empty()
                        && out.groups.len() < MAX_ITEMS
                        && !out.groups.iter().any(|g| g.eq_ignore_ascii_case(name))
                    {
                        out.groups.push(name.to_string());
                    }
                }
            }
            Some("licenses") => {
                for name in list(&value) {
                    if out.licenses.len() < MAX_ITEMS && !out.licenses.iter().any(|l| l == name) {
                        out.licenses.push(name.to_string());
                    }
                }
            }
            Some("theme") => match value.as_str() {
                "dark" => out.theme = Some(Theme::Dark),
                "light" => out.theme = Some(Theme::Light),
                _ => {}
            },
            Some("encoding") => {
                out.encoding =
                    orgsync_core::Encoding::for_label(&value).map(|e| e.as_str().to_string());
            }
            Some("parent") => {
                if let Some(origin) = parse_origin(&value) {
                    out.parent = Some(origin);
                }
            }
            _ => {}
        }
    }
    out
}

/// The comma-separated items of a value: trimmed, non-empty, not too long, no control characters.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| {
        !s.is_empty() && s.chars().count() <= MAX_ITEM_CHARS && !s.chars().any(char::is_control)
    })
}

/// Percent-decodes `s` (`+` is a space). `None` when an escape is malformed or the bytes are not
/// UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Reads an `http` or `https` origin and returns its serialization (lowercase scheme and host,
/// no default port, no trailing slash) — the form `event.origin` and `location.ancestorOrigins`
/// use. Anything with a path, query, user info, `*` or `null` is refused.
pub fn parse_origin(s: &str) -> Option<String> {
    let s = s.trim();
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\']) {
        return None;
    }
    // The port is after the last ':' unless that ':' is inside an IPv6 literal.
    let (host, port) = match rest.rfind(':') {
        Some(at) if !rest[at..].contains(']') => (&rest[..at], Some(&rest[at + 1..])),
        _ => (rest, None),
    };
    let host = host.to_ascii_lowercase();
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && !host.starts_with(['.', '-'])
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    };
    if !host_ok {
        return None;
    }
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(p) => {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u16 = p.parse().ok()?;
            if p == default_port || n.to_string() == default_port {
                Some(format!("{scheme}://{host}"))
            } else {
                Some(format!("{scheme}://{host}:{n}"))
            }
        }
    }
}

/// The origin to post to, if the page should post at all: the host asked (`parent`), the page is
/// framed, and the browser does not already tell us (`location.ancestorOrigins`, Chromium and
/// Safari) that the parent is another origin. An unknown or `"null"` ancestor is left to the
/// browser, which delivers a message only to the `targetOrigin` given.
pub fn post_target<'a>(
    parent: Option<&'a str>,
    framed: bool,
    ancestor: Option<&str>,
) -> Option<&'a str> {
    let parent = parent?;
    if !framed {
        return None;
    }
    match ancestor.and_then(parse_origin) {
        Some(actual) if actual != parent => None,
        _ => Some(parent),
    }
}

/// The counts a check posts to its parent: the JSON report's summary counts, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Findings of severity error.
    pub errors: u64,
    /// Findings of severity warning.
    pub warnings: u64,
    /// Findings of severity info.
    pub infos: u64,
    /// Data rows in the file.
    pub rows: u64,
    /// Findings with a safe fix.
    pub safe_fixes: u64,
    /// Findings with a suggested fix.
    pub suggested_fixes: u64,
    /// Findings per rule code.
    pub by_code: BTreeMap<String, u64>,
}

impl Summary {
    /// The counts of a report view.
    pub fn of(report: &ReportView) -> Self {
        Summary {
            errors: report.counts.errors,
            warnings: report.counts.warnings,
            infos: report.counts.infos,
            rows: report.file.rows,
            safe_fixes: report.counts.safe_fixes,
            suggested_fixes: report.counts.suggested_fixes,
            by_code: report
                .rules
                .iter()
                .filter(|r| r.count > 0)
                .map(|r| (r.code.clone(), r.count))
                .collect(),
        }
    }
}

/// The message itself: `{"type": "orgsync:checked", "summary": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Always `"orgsync:checked"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The counts.
    pub summary: Summary,
}

impl Checked {
    /// The message for a report view.
    pub fn of(report: &ReportView) -> Self {
        Checked {
            kind: "orgsync:checked",
            summary: Summary::of(report),
        }
    }

    /// The message as JSON text (the page turns it into a plain object with `JSON.parse`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn encoding_takes_any_label_and_ignores_unknown_ones() {
        assert_eq!(
            parse_fragment("#encoding=SJIS").encoding.as_deref(),
            Some("shift_jis")
        );
        assert_eq!(
            parse_fragment("encoding=cp1250&theme=dark")
                .encoding
                .as_deref(),
            Some("windows-1250")
        );
        assert_eq!(parse_fragment("#encoding=klingon").encoding, None);
        assert_eq!(parse_fragment("#groups=Sales").encoding, None);
    }

    use super::*;

    #[test]
    fn the_documented_fragment_reads_fully() {
        let o = parse_fragment(
            "#groups=Sales,Engineering&licenses=acme_license_learning_status&theme=dark&parent=https://portal.example.com",
        );
        assert_eq!(o.groups, ["Sales", "Engineering"]);
        assert_eq!(o.licenses, ["acme_license_learning_status"]);
        assert_eq!(o.theme, Some(Theme::Dark));
        assert_eq!(o.parent.as_deref(), Some("https://portal.example.com"));
    }

    #[test]
    fn values_are_percent_decoded_like_url_search_params_writes_them() {
        // new URLSearchParams({groups: "Sales EMEA,R&D", parent: "https://a.example:8443"}).toString()
        let o = parse_fragment("groups=Sales+EMEA%2CR%26D&parent=https%3A%2F%2Fa.example%3A8443");
        assert_eq!(o.groups, ["Sales EMEA", "R&D"]);
        assert_eq!(o.parent.as_deref(), Some("https://a.example:8443"));
        let o = parse_fragment("groups=Caf%C3%A9&groups=group:Ops,%20ops%20,caf%C3%A9");
        assert_eq!(
            o.groups,
            ["Café", "Ops"],
            "repeated keys add; case-insensitive duplicates drop"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_ignored() {
        assert_eq!(parse_fragment(""), EmbedOptions::default());
        assert_eq!(parse_fragment("#"), EmbedOptions::default());
        assert_eq!(
            parse_fragment(
                "&&=&x=1&theme=purple&theme&parent=*&groups=%ZZ&licenses=%FF%FE&groups=,,"
            ),
            EmbedOptions::default()
        );
        let o = parse_fragment("theme=light&theme=blue&groups=a%0Ab,ok");
        assert_eq!(o.theme, Some(Theme::Light));
        assert_eq!(o.groups, ["ok"], "control characters are refused");
        let long = "x".repeat(MAX_ITEM_CHARS + 1);
        assert!(parse_fragment(&format!("groups={long}")).groups.is_empty());
        let many: Vec<String> = (0..MAX_ITEMS + 10).map(|i| format!("g{i}")).collect();
        assert_eq!(
            parse_fragment(&format!("groups={}", many.join(",")))
                .groups
                .len(),
            MAX_ITEMS
        );
    }

    #[test]
    fn any_input_parses_without_panicking() {
        let alphabet = [
            '%', '&', '=', '#', '+', ',', 'a', 'F', '0', '/', ':', 'é', '[', ']',
        ];
        // Every string of up to 4 characters over an alphabet of the syntax's characters.
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            let _ = parse_fragment(&s);
            let _ = parse_fragment(&format!("parent={s}"));
            let _ = parse_origin(&format!("http://{s}"));
            if s.chars().count() < 4 {
                for c in alphabet {
                    stack.push(format!("{s}{c}"));
                }
            }
        }
    }

    #[test]
    fn origins_are_serialized_and_only_origins_pass() {
        let ok = [
            ("https://portal.example.com", "https://portal.example.com"),
            ("https://portal.example.com/", "https://portal.example.com"),
            ("HTTPS://Portal.Example.COM", "https://portal.example.com"),
            (
                "https://portal.example.com:443",
                "https://portal.example.com",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:80", "http://localhost"),
            ("http://[::1]:3000", "http://[::1]:3000"),
        ];
        for (input, want) in ok {
            assert_eq!(parse_origin(input).as_deref(), Some(want), "{input}");
        }
        let bad = [
            "*",
            "null",
            "/",
            "",
            "portal.example.com",
            "javascript://x",
            "file:///etc",
            "https://",
            "https://portal.example.com/path",
            "https://portal.example.com?x",
            "https://user@portal.example.com",
            "https://portal.example.com:99999",
            "https://portal.example.com:",
            "https://portal.example.com:+1",
            "https://por tal.example.com",
            "https://pörtal.example.com",
            "https://a.example\\@b.example",
        ];
        for input in bad {
            assert_eq!(parse_origin(input), None, "{input}");
        }
    }

    #[test]
    fn the_page_posts_only_framed_and_only_to_the_named_parent() {
        let p = Some("https://portal.example.com");
        assert_eq!(
            post_target(None, true, None),
            None,
            "no parent= → no message"
        );
        assert_eq!(post_target(p, false, None), None, "not framed → no message");
        assert_eq!(post_target(p, true, None), p);
        assert_eq!(post_target(p, true, Some("https://portal.example.com")), p);
        assert_eq!(
            post_target(p, true, Some("null")),
            p,
            "the browser still checks"
        );
        assert_eq!(post_target(p, true, Some("https://evil.example")), None);
    }

    #[test]
    fn the_message_holds_the_engines_counts_and_no_cell_value() {
        let bytes = include_bytes!("../../samples/sample-with-mistakes.csv");
        let report = orgsync_core::check(
            bytes,
            orgsync_core::Options {
                file_name: Some("sample-with-mistakes.csv".into()),
                ..Default::default()
            },
        );
        let view = crate::adapter::report_view(&report);
        let message = Checked::of(&view);
        let s = &report.summary;
        assert_eq!(message.summary.errors, s.errors);
        assert_eq!(message.summary.warnings, s.warnings);
        assert_eq!(message.summary.infos, s.infos);
        assert_eq!(message.summary.safe_fixes, s.safe_fixes);
        assert_eq!(message.summary.suggested_fixes, s.suggested_fixes);
        assert_eq!(message.summary.rows, report.file.rows);
        let json: serde_json::Value = serde_json::from_str(&message.to_json()).unwrap();
        let engine: serde_json::Value = serde_json::to_value(&report).unwrap();
        assert_eq!(json["type"], "orgsync:checked");
        assert_eq!(json["summary"]["by_code"], engine["summary"]["by_code"]);
        // Only numbers and rule codes: no cell value, file name, header or message.
        let text = message.to_json();
        assert!(!text.contains("sample"), "{text}");
        let csv = String::from_utf8_lossy(bytes);
        for cell in csv.lines().flat_map(|l| l.split(',')) {
            let cell = cell.trim_matches('"').trim();
            if cell.len() >= 3 {
                assert!(!text.contains(cell), "{cell:?} leaked into {text}");
            }
        }
    }
}
