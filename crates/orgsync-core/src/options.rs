//! What the caller can choose.

use std::sync::Arc;

use crate::finding::{Applicability, Fix};
use crate::registry::Code;
use crate::roster::Roster;

/// Findings of one rule a report keeps by default (the CLI's `--max-findings-per-code`, the JS
/// API's `maxFindingsPerCode`, the page): the counts stay exact beyond it. Ten thousand examples
/// of one mistake are more than anyone reads, and they bound memory: a finding costs about
/// 0.75 KiB held and written as JSON, so a million rows where every cell is wrong take about
/// 100 MiB instead of 8.7 GiB (RELIABILITY.md).
pub const DEFAULT_MAX_FINDINGS_PER_CODE: usize = 10_000;

/// Options for a check.
///
/// The faces build them with [`Options::new`] and the `with_` methods, which apply the defaults
/// every face must share: the findings cap, and a user export's `group:` columns as R008's
/// group glossary when no glossary is given. [`Checker::new`](crate::Checker::new) applies the
/// latter too, so options written field by field get it as well. `Options::default()` keeps
/// every finding (no cap).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The file's name, when known (F010 checks its extension; reports show it).
    pub file_name: Option<String>,
    /// Group names the account has (from a user export or a list): R008 checks group-permission
    /// tokens against them and the file's own `group:` columns. Empty with a `roster`: the
    /// export's `group:` columns (see [`Options::with_roster`]).
    pub known_groups: Vec<String>,
    /// Keep at most this many findings of each code in the report; counts stay exact beyond it.
    /// `None` keeps every finding.
    pub max_findings_per_code: Option<usize>,
    /// The account's current users (a user export): turns on rules P001–P005 and the preview.
    pub roster: Option<std::sync::Arc<crate::roster::Roster>>,
    /// The file's encoding as the admin chose it (`Encoding::for_label`); `None` detects it.
    pub encoding: Option<crate::input::Encoding>,
    /// For a workbook: the sheet to read, by name (any case) or number (1 is the first). `None`
    /// reads the first sheet whose first row holds an identifier header, else the first with
    /// data.
    pub sheet: Option<String>,
}

impl Options {
    /// The options every face starts from: the default findings cap
    /// ([`DEFAULT_MAX_FINDINGS_PER_CODE`]), no glossary, no export.
    pub fn new() -> Options {
        Options {
            max_findings_per_code: Some(DEFAULT_MAX_FINDINGS_PER_CODE),
            ..Options::default()
        }
    }

    /// With the account's user export (rules P001–P005 and the preview). When no group glossary
    /// is given (none, or an empty list), the export's `group:` columns become it: R008 then
    /// checks group-permission tokens against the groups the account has, whichever face asks.
    pub fn with_roster(mut self, roster: Option<Arc<Roster>>) -> Options {
        self.roster = roster;
        self.apply_roster_groups();
        self
    }

    /// With the admin's group glossary (`--groups`, `knownGroups`, the page's box). An empty list
    /// means none given: a user export's `group:` columns then serve (see
    /// [`Options::with_roster`]).
    pub fn with_known_groups(mut self, groups: Vec<String>) -> Options {
        self.known_groups = groups;
        self.apply_roster_groups();
        self
    }

    /// With this findings cap (`None`: every finding).
    pub fn with_max_findings_per_code(mut self, cap: Option<usize>) -> Options {
        self.max_findings_per_code = cap;
        self
    }

    /// The glossary default: an export's `group:` columns when no glossary is given.
    pub(crate) fn apply_roster_groups(&mut self) {
        if self.known_groups.is_empty()
            && let Some(roster) = &self.roster
        {
            self.known_groups = roster.groups();
        }
    }
}

/// Which suggested fixes to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Suggested {
    /// None (the default): suggested fixes need a person's confirmation.
    #[default]
    None,
    /// Every suggested fix.
    All,
    /// Only those of these codes.
    Only(Vec<Code>),
}

/// Which fixes the corrected file applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// Codes whose fixes are turned off (safe ones included).
    pub no_fix: Vec<Code>,
    /// Which suggested fixes are turned on.
    pub suggested: Suggested,
}

impl FixOptions {
    /// Whether a fix of this code and applicability is applied.
    pub fn applies(&self, code: Code, applicability: Applicability) -> bool {
        if self.no_fix.contains(&code) {
            return false;
        }
        match applicability {
            Applicability::Safe => true,
            Applicability::Suggested => match &self.suggested {
                Suggested::None => false,
                Suggested::All => true,
                Suggested::Only(codes) => codes.contains(&code),
            },
        }
    }

    /// Whether this fix is applied.
    pub fn applies_to(&self, code: Code, fix: &Fix) -> bool {
        self.applies(code, fix.applicability)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::RosterReader;

    fn roster(text: &str) -> Option<Arc<Roster>> {
        let mut r = RosterReader::new(None);
        r.push(text.as_bytes());
        Some(Arc::new(r.finish()))
    }

    const EXPORT: &str =
        "invited_email_address,group:Sales,GROUP: Marketing \r\njane@acme.com,yes,\r\n";

    #[test]
    fn an_export_gives_the_glossary_when_none_is_given_in_either_order() {
        let groups = vec!["Sales".to_string(), "Marketing".to_string()];
        assert_eq!(
            Options::new().with_roster(roster(EXPORT)).known_groups,
            groups
        );
        let empty = Options::new()
            .with_known_groups(Vec::new())
            .with_roster(roster(EXPORT));
        assert_eq!(empty.known_groups, groups);
        let given = vec!["Finance".to_string()];
        let a = Options::new()
            .with_known_groups(given.clone())
            .with_roster(roster(EXPORT));
        let b = Options::new()
            .with_roster(roster(EXPORT))
            .with_known_groups(given.clone());
        assert_eq!(a.known_groups, given);
        assert_eq!(b.known_groups, given);
        assert!(Options::new().with_roster(None).known_groups.is_empty());
    }

    #[test]
    fn new_has_the_default_cap_and_default_has_none() {
        assert_eq!(
            Options::new().max_findings_per_code,
            Some(DEFAULT_MAX_FINDINGS_PER_CODE)
        );
        assert_eq!(Options::default().max_findings_per_code, None);
        assert_eq!(
            Options::new()
                .with_max_findings_per_code(None)
                .max_findings_per_code,
            None
        );
    }

    /// Options written field by field, with an export and no glossary, still check R008 against
    /// the export's groups: the checker applies the default itself.
    #[test]
    fn the_checker_applies_the_export_glossary_to_literal_options() {
        let upload = "primary_email_address,group_permission_view_reports\r\n\
                      jane@acme.com,group:Sales\r\njohn@acme.com,group:Finance\r\n";
        let literal = Options {
            roster: roster(EXPORT),
            ..Options::default()
        };
        let report = crate::check(upload.as_bytes(), literal);
        let r008: Vec<Option<u64>> = report
            .findings
            .iter()
            .filter(|f| f.code == Code::R008)
            .map(|f| f.row)
            .collect();
        assert_eq!(r008, vec![Some(3)]);
        let built = crate::check(
            upload.as_bytes(),
            Options::new().with_roster(roster(EXPORT)),
        );
        assert_eq!(built.findings, report.findings);
    }
}
