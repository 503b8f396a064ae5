//! H005 unknown-header: a header that is no known name and fits no pattern, with a "did you
//! mean" suggestion when a known header is close.

use super::{finding, shown, strip_prefix_ci};
use crate::finding::{Applicability, Fix};
use crate::header::Header;
use crate::header::KNOWN;
use crate::registry::Code;
use crate::rules::Sink;
use std::collections::HashSet;

/// Names HR systems and hand-made sheets use for the Org Sync columns, in the form [`key`]
/// gives them (lowercase, words joined by `_`).
const NEAR_MISSES: &[(&str, &str)] = &[
    ("email", "primary_email_address"),
    ("e_mail", "primary_email_address"),
    ("mail", "primary_email_address"),
    ("email_address", "primary_email_address"),
    ("e_mail_address", "primary_email_address"),
    ("emailaddress", "primary_email_address"),
    ("email_id", "primary_email_address"),
    ("primary_email", "primary_email_address"),
    ("work_email", "primary_email_address"),
    ("work_email_address", "primary_email_address"),
    ("business_email", "primary_email_address"),
    ("user_email", "primary_email_address"),
    ("corporate_email", "primary_email_address"),
    ("invited_email", "invited_email_address"),
    ("new_email", "invited_email_address"),
    ("new_email_address", "invited_email_address"),
    ("existing_email", "existing_email_address"),
    ("old_email", "existing_email_address"),
    ("old_email_address", "existing_email_address"),
    ("current_email", "existing_email_address"),
    ("current_email_address", "existing_email_address"),
    ("first_name", "preferred_first_name"),
    ("firstname", "preferred_first_name"),
    ("first", "preferred_first_name"),
    ("fname", "preferred_first_name"),
    ("given_name", "preferred_first_name"),
    ("givenname", "preferred_first_name"),
    ("forename", "preferred_first_name"),
    ("preferred_name", "preferred_first_name"),
    ("preferred_first", "preferred_first_name"),
    ("last_name", "preferred_last_name"),
    ("lastname", "preferred_last_name"),
    ("last", "preferred_last_name"),
    ("lname", "preferred_last_name"),
    ("surname", "preferred_last_name"),
    ("family_name", "preferred_last_name"),
    ("familyname", "preferred_last_name"),
    ("preferred_last", "preferred_last_name"),
    ("title", "work_title"),
    ("job_title", "work_title"),
    ("jobtitle", "work_title"),
    ("position", "work_title"),
    ("position_title", "work_title"),
    ("designation", "work_title"),
    ("employee_id", "unique_user_id"),
    ("employeeid", "unique_user_id"),
    ("employee_number", "unique_user_id"),
    ("employee_no", "unique_user_id"),
    ("emp_id", "unique_user_id"),
    ("empid", "unique_user_id"),
    ("emp_no", "unique_user_id"),
    ("staff_id", "unique_user_id"),
    ("person_id", "unique_user_id"),
    ("worker_id", "unique_user_id"),
    ("user_id", "unique_user_id"),
    ("userid", "unique_user_id"),
    ("uid", "unique_user_id"),
    ("id", "unique_user_id"),
    ("unique_user", "unique_user_id"),
    ("uniqueid", "unique_user_id"),
    ("unique_userid", "unique_user_id"),
    ("new_user_id", "new_unique_user_id"),
    ("new_employee_id", "new_unique_user_id"),
    ("new_id", "new_unique_user_id"),
    ("reupload", "reupload_user_profile"),
    ("reupload_profile", "reupload_user_profile"),
    ("re_upload_user_profile", "reupload_user_profile"),
    ("department", "department_name"),
    ("dept", "department_name"),
    ("hire_date", "start_date"),
    ("manager_email", "manager_primary_email_address"),
    ("manager_email_address", "manager_primary_email_address"),
    ("manager", "manager_primary_email_address"),
    ("supervisor_email", "manager_primary_email_address"),
    ("manager_id", "manager_unique_user_id"),
    ("manager_employee_id", "manager_unique_user_id"),
    ("phone", "work_phone_number"),
    ("phone_number", "work_phone_number"),
    ("work_phone", "work_phone_number"),
    ("telephone", "work_phone_number"),
    ("mobile", "mobile_phone_number"),
    ("mobile_phone", "mobile_phone_number"),
    ("mobile_number", "mobile_phone_number"),
    ("cell_phone", "mobile_phone_number"),
    ("country", "country_code"),
    ("employee_type", "worker_type"),
    ("employment_type", "worker_type"),
    ("employee_status", "worker_status"),
    ("employment_status", "worker_status"),
];

/// Prefixes people write for custom attributes instead of `attribute_`.
const ATTRIBUTE_PREFIXES: &[&str] = &[
    "custom_attribute_",
    "custom attribute ",
    "attributes_",
    "attribute ",
    "attribute-",
    "attribute:",
    "attr_",
    "attr ",
];

/// Prefixes people write for groups instead of `group:`.
const GROUP_PREFIXES: &[&str] = &["group_", "group-", "group ", "groups_", "groups "];

/// A header reduced for comparison: lowercase, spaces, hyphens and dots as `_`, no repeated or
/// surrounding `_`.
fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if matches!(c, ' ' | '-' | '.' | '\t') {
            '_'
        } else {
            c
        };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.extend(crate::case::lower_char(c));
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// How many edits a misspelling of `known` may have.
fn max_edits(known: &str) -> usize {
    match known.len() {
        0..=8 => 1,
        9..=20 => 2,
        _ => 3,
    }
}

/// Letter counts of an ASCII name, in 38 buckets (`a`–`z`, `0`–`9`, `_`, the rest).
type Letters = [u8; 38];

fn letters(s: &str) -> Letters {
    let mut h = [0u8; 38];
    for b in s.bytes() {
        let i = match b {
            b'a'..=b'z' => usize::from(b - b'a'),
            b'0'..=b'9' => 26 + usize::from(b - b'0'),
            b'_' => 36,
            _ => 37,
        };
        h[i] = h[i].saturating_add(1);
    }
    h
}

/// A cheap lower bound of the edit distance: each insertion or deletion changes the letter
/// counts by one, each substitution by two, a transposition not at all.
fn letters_bound(a: &Letters, b: &Letters) -> usize {
    let l1: usize = a
        .iter()
        .zip(b)
        .map(|(x, y)| usize::from(x.abs_diff(*y)))
        .sum();
    l1.div_ceil(2)
}

/// The known names with their letter counts, made once per check.
pub(super) struct Matcher {
    known: Vec<(&'static str, Letters)>,
}

impl Matcher {
    pub(super) fn new() -> Matcher {
        Matcher {
            known: KNOWN.iter().map(|&(k, _)| (k, letters(k))).collect(),
        }
    }

    /// The closest known name within a few edits, if any. Each header is compared with the
    /// few dozen known names only, and the letter-count bound skips most string distances, so
    /// a header of 20,000 unknown columns stays quick.
    fn closest_known(&self, k: &str) -> Option<&'static str> {
        if k.len() < 4 || k.len() > 80 {
            return None;
        }
        let compact: String = k.chars().filter(|&c| c != '_').collect();
        let mine = k.is_ascii().then(|| letters(k));
        let mut best: Option<(usize, &'static str)> = None;
        for (known, known_letters) in &self.known {
            // Same letters, other word breaks: `primaryemailaddress`.
            if known.len() - known.matches('_').count() == compact.len()
                && known.chars().filter(|&c| c != '_').eq(compact.chars())
            {
                return Some(known);
            }
            let limit = max_edits(known);
            if known.len().abs_diff(k.len()) > limit
                || mine.is_some_and(|m| letters_bound(&m, known_letters) > limit)
            {
                continue;
            }
            let d = strsim::osa_distance(k, known);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, known));
            }
        }
        best.map(|(_, known)| known)
    }
}

/// What the header probably meant.
fn suggestion(matcher: &Matcher, name: &str) -> Option<String> {
    for prefix in ATTRIBUTE_PREFIXES {
        if let Some(rest) = strip_prefix_ci(name, prefix) {
            let words: Vec<&str> = rest.split_whitespace().collect();
            return (!words.is_empty()).then(|| format!("attribute_{}", words.join("_")));
        }
    }
    for prefix in GROUP_PREFIXES {
        if let Some(rest) = strip_prefix_ci(name, prefix) {
            let rest = rest.trim();
            if rest.is_empty() || strip_prefix_ci(rest, "permission").is_some() {
                break;
            }
            return Some(format!("group:{rest}"));
        }
    }
    let k = key(name);
    if let Some(&(_, known)) = NEAR_MISSES.iter().find(|(miss, _)| *miss == k) {
        return Some(known.to_string());
    }
    matcher.closest_known(&k).map(str::to_string)
}

pub(super) fn check(header: &Header, unknown: &[usize], fixed: &[String], sink: &mut Sink<'_>) {
    if unknown.is_empty() {
        return;
    }
    // Names the file already has, and names already suggested: a suggestion that would make two
    // columns with one header is no help.
    let taken: HashSet<&str> = fixed.iter().map(String::as_str).collect();
    let mut suggested: HashSet<String> = HashSet::new();
    let matcher = Matcher::new();
    for &i in unknown {
        let col = &header.columns[i];
        let name = shown(col);
        let guess = suggestion(&matcher, &col.name);
        let (message, tip, fix) = match guess {
            Some(g) if taken.contains(g.as_str()) || suggested.contains(&g) => (
                format!(
                    "`{name}` is not an Org Sync header, so the uploader will not read this column (it may reject the file). It looks like `{g}`, but the file already has that column."
                ),
                "If this column duplicates the other one, delete it; otherwise rename it to what it holds, or delete it if it is not meant for the upload.".to_string(),
                None,
            ),
            Some(g) => {
                let m = format!(
                    "`{name}` is not an Org Sync header, so the uploader will not read this column (it may reject the file). Did you mean `{g}`?"
                );
                let t = format!(
                    "Rename the header to `{g}` if that is what the column holds; the corrected file does so when you accept suggested fixes."
                );
                let fix = Fix::set_cell(Applicability::Suggested, col.raw.as_str(), g.as_str());
                suggested.insert(g);
                (m, t, Some(fix))
            }
            None => (
                format!(
                    "`{name}` is not an Org Sync header, so the uploader will not read this column (it may reject the file)."
                ),
                "Check the spelling against a fresh user export or `orgsync template`; delete the column if it is not meant for the upload.".to_string(),
                None,
            ),
        };
        sink(finding(header, Code::H005, Some(i), message, tip).maybe_fix(fix));
    }
}

#[cfg(test)]
mod tests {
    use super::{Matcher, key, suggestion};
    use crate::registry::Code;
    use crate::rules::header::testing::{HeaderCase, header_case, run_all};

    #[test]
    fn table() {
        let cases: &[HeaderCase] = &[
            // Known names and patterns are not unknown.
            ("work_title", false, "work_title"),
            ("group:Sales", false, "group:Sales"),
            ("attribute_Office", false, "attribute_Office"),
            (
                "acme_license_learning_status",
                false,
                "acme_license_learning_status",
            ),
            ("department_name", false, "department_name"),
            // Near misses.
            ("Email", true, "primary_email_address"),
            ("E-mail", true, "primary_email_address"),
            ("Email Address", true, "primary_email_address"),
            ("first_name", true, "preferred_first_name"),
            ("FirstName", true, "preferred_first_name"),
            ("First Name", true, "preferred_first_name"),
            ("last_name", true, "preferred_last_name"),
            ("Surname", true, "preferred_last_name"),
            ("Job Title", true, "work_title"),
            ("title", true, "work_title"),
            ("Employee ID", true, "unique_user_id"),
            ("emp_id", true, "unique_user_id"),
            ("userid", true, "unique_user_id"),
            // Misspellings of known names.
            ("primary_email_adress", true, "primary_email_address"),
            ("preffered_first_name", true, "preferred_first_name"),
            ("primaryemailaddress", true, "primary_email_address"),
            ("work_titel", true, "work_title"),
            (
                "permission_manage_it_setting",
                true,
                "permission_manage_it_settings",
            ),
            // Pattern near misses.
            ("attr_Office Location", true, "attribute_Office_Location"),
            ("group_Sales Team", true, "group:Sales Team"),
            // Nothing close: no fix.
            ("cost_center", true, "cost_center"),
            ("Notes", true, "Notes"),
        ];
        header_case(Code::H005, cases);
    }

    #[test]
    fn does_not_suggest_a_name_the_file_has() {
        // The first column is already primary_email_address: `email` gets no fix.
        let r = run_all("primary_email_address,email\r\na@x.com,b@x.com\r\n");
        let f = r.one(Code::H005);
        assert!(f.fix.is_none());
        assert!(f.message.contains("already has"));
        // Two near misses of one name: only the first gets it.
        let r = run_all("Email,E-mail,work_title\r\na@x.com,b@x.com,Analyst\r\n");
        let fixes: Vec<bool> = r.of(Code::H005).iter().map(|f| f.fix.is_some()).collect();
        assert_eq!(fixes, [true, false]);
        assert_eq!(
            r.corrected_header()[..2],
            ["primary_email_address", "E-mail"]
        );
    }

    #[test]
    fn suggestion_is_off_by_default() {
        let r = crate::rules::header::testing::run("Email,work_title\r\na@x.com,Analyst\r\n");
        assert_eq!(
            r.one(Code::H005).fix.as_ref().unwrap().after,
            "primary_email_address"
        );
        assert_eq!(r.corrected_header()[0], "Email");
    }

    #[test]
    fn keys_and_unsuited_inputs() {
        assert_eq!(key(" First - Name. "), "first_name");
        let m = Matcher::new();
        assert_eq!(suggestion(&m, "zz"), None);
        assert_eq!(suggestion(&m, "group_permission_everything"), None);
        assert_eq!(suggestion(&m, &"x".repeat(500)), None);
        assert_eq!(suggestion(&m, "Ünïcødé İstanbul"), None);
        assert_eq!(suggestion(&m, "wörk_title"), Some("work_title".into()));
    }
}
