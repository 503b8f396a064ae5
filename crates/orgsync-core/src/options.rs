//! What the caller can choose.

use crate::finding::{Applicability, Fix};
use crate::registry::Code;

/// Options for a check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The file's name, when known (F010 checks its extension; reports show it).
    pub file_name: Option<String>,
    /// Group names the account has (from a user export or a list): R008 checks group-permission
    /// tokens against them and the file's own `group:` columns.
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
