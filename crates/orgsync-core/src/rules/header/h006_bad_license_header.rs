//! H006 bad-license-header: a header that means to be a license column but is not
//! `<budget group>_license_<license type>_status`.

use super::{finding, shown};
use crate::finding::{Applicability, Fix};
use crate::header::ColumnKind;
use crate::header::{Column, Header};
use crate::registry::Code;
use crate::rules::Sink;

fn is_sep(c: char) -> bool {
    c == '_' || c.is_whitespace()
}

/// A license-looking header taken apart.
#[derive(Debug, PartialEq, Eq)]
struct Parts<'a> {
    budget: &'a str,
    license_type: &'a str,
    /// Spelled `licence`.
    licence: bool,
    /// What joins budget, `license`, type and `status`, in order (`_` each when well formed).
    joints: [&'a str; 3],
    has_status: bool,
}

/// Finds the word `license` (or `licence`) between separators and splits the header around it.
fn parse(name: &str) -> Option<Parts<'_>> {
    let lower = name.to_ascii_lowercase();
    let at = lower.match_indices("licen").map(|(i, _)| i).find(|&i| {
        let word = &lower[i..];
        let spelled = word.starts_with("license") || word.starts_with("licence");
        let before_ok = lower[..i].chars().next_back().is_none_or(is_sep);
        let after_ok = word
            .get(7..)
            .is_some_and(|after| after.chars().next().is_none_or(is_sep));
        spelled && before_ok && after_ok
    })?;
    let licence = lower[at..].starts_with("licence");
    // Indices into `lower` are valid in `name`: ASCII lowercasing keeps every byte's length.
    let head = &name[..at];
    let budget = head.trim_end_matches(is_sep);
    let after = &name[at + 7..];
    let rest = after.trim_start_matches(is_sep);
    let rest_lower = rest.to_ascii_lowercase();
    let status_at = rest.len().checked_sub("status".len());
    let has_status = status_at.is_some_and(|s| {
        rest_lower.ends_with("status") && rest[..s].chars().next_back().is_none_or(is_sep)
    });
    let (type_raw, status_joint_end) = match status_at {
        Some(s) if has_status => (&rest[..s], s),
        _ => (rest, rest.len()),
    };
    let license_type = type_raw.trim_end_matches(is_sep);
    Some(Parts {
        budget,
        license_type,
        licence,
        joints: [
            &head[budget.len()..],
            &after[..after.len() - rest.len()],
            &rest[license_type.len()..status_joint_end],
        ],
        has_status,
    })
}

/// Whether H006/H007 look at this column: an unknown or license header with the word
/// `license` (or `licence`) in it.
pub(super) fn is_license_like(col: &Column) -> bool {
    matches!(col.kind, ColumnKind::Unknown | ColumnKind::License { .. })
        && parse(&col.name).is_some()
}

/// Reports the header if it is malformed; says whether it did.
pub(super) fn check(
    header: &Header,
    i: usize,
    col: &Column,
    fixed: &[String],
    sink: &mut Sink<'_>,
) -> bool {
    let Some(p) = parse(&col.name) else {
        return false;
    };
    let well_formed = matches!(col.kind, ColumnKind::License { .. });
    let mut problems: Vec<&str> = Vec::new();
    if p.licence {
        problems.push("spells `license` as `licence`");
    }
    let joint_bad = |j: &str| {
        if well_formed {
            j.contains(char::is_whitespace)
        } else {
            j != "_"
        }
    };
    let budget_joint_bad = !p.budget.is_empty() && joint_bad(p.joints[0])
        || p.budget.is_empty() && !p.joints[0].is_empty();
    if budget_joint_bad || joint_bad(p.joints[1]) {
        problems.push("has spaces around `_license_`");
    }
    if p.license_type.is_empty() {
        problems.push("names no license type");
    }
    if !p.has_status {
        problems.push("does not end in `_status`");
    } else if !p.license_type.is_empty() && joint_bad(p.joints[2]) {
        problems.push("has spaces before `_status`");
    }
    if problems.is_empty() {
        return false;
    }
    let list = match problems.as_slice() {
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => return false,
    };
    let guess = (!p.license_type.is_empty()).then(|| {
        if p.budget.is_empty() {
            format!("license_{}_status", p.license_type)
        } else {
            format!("{}_license_{}_status", p.budget, p.license_type)
        }
    });
    let mut message = format!(
        "`{}` looks like a license column but is not `<budget group>_license_<license type>_status`: it {list}.",
        shown(col)
    );
    let fix = match guess {
        Some(g) if fixed.contains(&g) => {
            message.push_str(&format!(" (`{g}` is already a column.)"));
            None
        }
        Some(g) => {
            message.push_str(&format!(" Did you mean `{g}`?"));
            Some(Fix::set_cell(Applicability::Suggested, col.raw.as_str(), g))
        }
        None => None,
    };
    sink(
        finding(
            header,
            Code::H006,
            Some(i),
            message,
            "Copy the license header exactly from a fresh user export of your account: the budget group and license type are your account's own names, joined by `_license_` and ending in `_status`.",
        )
        .maybe_fix(fix),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            (
                "acme_license_learning_status",
                false,
                "acme_license_learning_status",
            ),
            (
                "Acme Corp_license_LinkedIn Learning_status",
                false,
                "Acme Corp_license_LinkedIn Learning_status",
            ),
            ("license_english_status", false, "license_english_status"),
            // `_Status` is H001's (safe), not H006's.
            (
                "acme_license_learning_Status",
                false,
                "acme_license_learning_status",
            ),
            (
                "acme_licence_learning_status",
                true,
                "acme_license_learning_status",
            ),
            (
                "acme license learning status",
                true,
                "acme_license_learning_status",
            ),
            (
                "acme _license_ learning_status",
                true,
                "acme_license_learning_status",
            ),
            (
                "acme_license_learning _status",
                true,
                "acme_license_learning_status",
            ),
            (
                "acme_license_learning",
                true,
                "acme_license_learning_status",
            ),
            (
                "Acme_License_Learning",
                true,
                "Acme_license_Learning_status",
            ),
            ("license", true, "license"),
            ("acme_license_status", true, "acme_license_status"),
            // Not the word `license`: H005's.
            ("licensed_user", false, "licensed_user"),
            (
                "group_permission_manage_users_licenses",
                false,
                "group_permission_manage_users_licenses",
            ),
            // A group or attribute named after licenses is a group or attribute.
            ("group:License Holders", false, "group:License Holders"),
            ("attribute_license_pool", false, "attribute_license_pool"),
        ];
        header_case(Code::H006, cases);
    }

    #[test]
    fn parts() {
        let p = parse("Acme _licence_ Pro Plan status").unwrap();
        assert_eq!((p.budget, p.license_type), ("Acme", "Pro Plan"));
        assert!(p.licence && p.has_status);
        assert_eq!(p.joints, [" _", "_ ", " "]);
        assert!(parse("unlicensed").is_none());
        assert!(parse("İlicense_x").is_none());
        assert!(parse("Ünï_license_x").is_some());
    }
}
