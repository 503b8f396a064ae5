//! H002 header-whitespace: spaces around a header, no-break spaces, zero-width characters or
//! line breaks in it.

use super::{finding, shown};
use crate::finding::{Applicability, Fix};
use crate::header::is_invisible;
use crate::header::{Column, Header};
use crate::registry::Code;
use crate::rules::Sink;

fn is_no_break(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{2007}' | '\u{202F}')
}

pub(super) fn check(header: &Header, i: usize, col: &Column, sink: &mut Sink<'_>) {
    let raw = col.raw.as_str();
    let plain_space = |c: char| c == ' ' || c == '\t';
    let edges = raw.starts_with(plain_space) || raw.ends_with(plain_space);
    if !edges && raw.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return;
    }
    let no_break = raw.contains(is_no_break);
    let zero_width = raw.contains(|c: char| is_invisible(c) && !is_no_break(c));
    let line_break = raw.contains(['\r', '\n']);
    let mut what = Vec::new();
    if edges {
        what.push("spaces before or after it");
    }
    if no_break {
        what.push("a no-break space");
    }
    if zero_width {
        what.push("an invisible zero-width character");
    }
    if line_break {
        what.push("a line break");
    }
    if what.is_empty() {
        return;
    }
    let list = match what.as_slice() {
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => return,
    };
    sink(
        finding(
            header,
            Code::H002,
            Some(i),
            format!(
                "The header `{}` has {list}; the uploader compares headers exactly and will not recognise it.",
                shown(col)
            ),
            "Click the header cell and retype it, with nothing before or after the text; Excel's TRIM() does not remove no-break spaces. The corrected file has it cleaned.",
        )
        .fix(Fix::set_cell(Applicability::Safe, raw, col.name.as_str())),
    );
}

#[cfg(test)]
mod tests {
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            ("work_title", false, "work_title"),
            ("group:Sales Team", false, "group:Sales Team"),
            (" work_title", true, "work_title"),
            ("work_title  ", true, "work_title"),
            ("\u{a0}preferred_first_name", true, "preferred_first_name"),
            ("preferred_last_name\u{200b}", true, "preferred_last_name"),
            ("group:Sales\u{a0}Team", true, "group:Sales Team"),
            ("unique_user_id\n", true, "unique_user_id"),
            ("group:Sales\r\nTeam", true, "group:Sales Team"),
            // Both problems: H002's fix writes the whole correction.
            (" Primary_Email_Address", true, "primary_email_address"),
            // A header that is nothing but spaces is blank: H010's, not H002's.
            ("   ", false, "   "),
        ];
        header_case(Code::H002, cases);
    }
}
