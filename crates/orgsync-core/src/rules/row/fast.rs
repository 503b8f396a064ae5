//! The row rules' fast path: from the header, how each column's cells are checked
//! ([`RowPlan`], one [`Fast`] test per column), and the test itself ([`fast_cell`]). A cell the
//! fast path accepts is one on which no row rule would report anything; any other cell takes the
//! general path (`super::general_cell`), which decides and words the findings. This is the
//! second list of the row rules: a rule that looks at a column's cells must make its fast test
//! refuse what it reports.

use super::*;

/// How a column's cells are checked, decided once per file from the header (see [`RowPlan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fast {
    /// Any email column: a clean ASCII address on a domain that is no known misspelling.
    Email,
    /// `unique_user_id`, `new_unique_user_id`, `unique_id`: letters and digits.
    Id,
    /// A license column: exactly `Active` or `Inactive`.
    License,
    /// A `group:` column: exactly `yes` or `no`.
    Group,
    /// A `permission_*` column: exactly `yes` (grants) or `no`.
    Permission,
    /// Free text: printable ASCII with no blank at either end and a first character that
    /// neither R010 nor R014 looks at; `no_at` also asks for no `@` (R019 in name columns).
    Text { no_at: bool },
    /// No fast path: every cell takes the general path.
    General,
}

/// One column's part of the plan.
#[derive(Debug, Clone, Copy)]
pub(super) struct ColumnPlan {
    pub(super) fast: Fast,
    /// A non-blank cell identifies the row's user.
    pub(super) identifier: bool,
    /// A non-blank cell asks the uploader to do something.
    pub(super) action: bool,
}

/// What the row rules need from the header, worked out once per file when the header is read:
/// the header-only facts the row-level rules use, and per column which fast path its cells
/// take. A cell the fast path accepts is one on which no rule would report anything; any other
/// cell goes through the general path, which decides and words the findings, so the plan only
/// changes how fast clean cells pass, never what is reported.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowPlan {
    pub(super) columns: Vec<ColumnPlan>,
    pub(super) identifier_column: Option<usize>,
    pub(super) action_columns: bool,
    pub(super) license_columns: bool,
}

impl RowPlan {
    /// The plan for a header's columns in a file of this kind.
    pub(crate) fn new(columns: &[crate::header::Column], file: FileKind) -> RowPlan {
        let mut plan = RowPlan::default();
        for (i, col) in columns.iter().enumerate() {
            let kind = &col.kind;
            // The new address of an email-change row is that row's action, not who it is about.
            let new_address = file == FileKind::EmailChange
                && matches!(kind, ColumnKind::Email(EmailRole::Invited));
            let identifier = kind.is_identifier() && !new_address;
            let action = kind.is_action() || new_address;
            if identifier && plan.identifier_column.is_none() {
                plan.identifier_column = Some(i);
            }
            plan.action_columns |= action;
            plan.license_columns |= matches!(kind, ColumnKind::License { .. });
            let fast = match kind {
                ColumnKind::Email(_) => Fast::Email,
                ColumnKind::UniqueUserId | ColumnKind::NewUniqueUserId | ColumnKind::UniqueId => {
                    Fast::Id
                }
                ColumnKind::License { .. } => Fast::License,
                ColumnKind::Group { .. } => Fast::Group,
                ColumnKind::Permission(_) => Fast::Permission,
                ColumnKind::FirstName | ColumnKind::LastName | ColumnKind::WorkTitle => {
                    Fast::Text { no_at: true }
                }
                ColumnKind::Attribute { .. } | ColumnKind::Blank | ColumnKind::Unknown => {
                    Fast::Text { no_at: false }
                }
                ColumnKind::Profile(
                    Profile::DepartmentName
                    | Profile::JobFunction
                    | Profile::JobLevel
                    | Profile::WorkerType
                    | Profile::ProfileDescription,
                ) => Fast::Text { no_at: false },
                ColumnKind::Profile(_) | ColumnKind::GroupPermission(_) | ColumnKind::Reupload => {
                    Fast::General
                }
            };
            plan.columns.push(ColumnPlan {
                fast,
                identifier,
                action,
            });
        }
        plan
    }
}

/// The fast path: whether no rule can report anything on this non-empty cell, updating the
/// facts the general path would (an `Active` license, a grant). `false` means "not sure", and
/// the cell goes through [`general_cell`].
///
/// `b` is the cell, `row`'s cell `i`, starting at `start` in its text. When the row is plain
/// (`Row::plain`: printable ASCII) a text cell needs no byte-by-byte look for unusual
/// characters, and a short cell is tested 16 bytes at once, read from the row's text.
// Inlined into the row loop in every binary: left to the compiler, the CLI's build called it
// out of line (+~10 % instructions on the benchmark) while `check-file`'s inlined it.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) fn fast_cell(
    fast: Fast,
    b: &[u8],
    i: usize,
    row: &Row<'_>,
    start: usize,
    facts: &mut Facts,
    memo: &mut Memo,
) -> bool {
    use crate::simd::{Block, VECTORS, low};
    let plain = row.plain;
    // The cell's bytes and the ones after it, when the row's text has 16 from its start.
    let block = || match Block::at(row.text.as_bytes(), start) {
        Some(x) if VECTORS && b.len() <= 16 => Some(x),
        _ => None,
    };
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    match fast {
        Fast::Email => {
            // R010 and R014 look at these first characters; a clean address rarely has one.
            first.is_ascii_alphanumeric()
                && match (memo.domains.get_mut(i), memo.roles.get(i)) {
                    (Some(last), Some(KeyRole::Email)) => match email::clean_ascii_keyed_in(
                        b,
                        row.text
                            .as_bytes()
                            .get(start..start + 32)
                            .and_then(|w| w.try_into().ok()),
                        last,
                    ) {
                        Some((at, local)) => {
                            let keys = &mut memo.keys;
                            let (email, capital) = crate::hash::hash_lower_capital(b);
                            keys.email = email;
                            keys.at = at;
                            keys.local = local;
                            keys.capital |= capital;
                            true
                        }
                        None => false,
                    },
                    (Some(last), _) => email::clean_ascii_on(b, last),
                    (None, _) => email::clean_ascii(b),
                }
        }
        Fast::Id => match block() {
            Some(x) => x.alphanumeric() & low(b.len()) == low(b.len()),
            None => b.iter().all(u8::is_ascii_alphanumeric),
        },
        Fast::License => match b {
            b"Active" => {
                facts.active = true;
                count(memo, i, 0);
                true
            }
            b"Inactive" => {
                facts.inactive.get_or_insert(i);
                count(memo, i, 1);
                true
            }
            _ => false,
        },
        Fast::Group => match b {
            b"yes" => {
                count(memo, i, 0);
                true
            }
            b"no" => {
                count(memo, i, 1);
                true
            }
            _ => false,
        },
        Fast::Permission => match b {
            b"yes" => {
                facts.admin.get_or_insert(i);
                count(memo, i, 0);
                true
            }
            b"no" => {
                count(memo, i, 1);
                true
            }
            _ => false,
        },
        Fast::Text { no_at } => {
            // Not a character R010 or R014 starts with, no blank at either end.
            first.is_ascii_graphic()
                && !matches!(first, b'#' | b'=' | b'\'' | b'+' | b'-' | b'@')
                && last.is_ascii_graphic()
                && if plain {
                    !no_at
                        || match block() {
                            Some(x) => x.eq(b'@') & low(b.len()) == 0,
                            // Without early exit: short cells, and no call to `memchr`.
                            None => !b.iter().fold(false, |at, &c| at | (c == b'@')),
                        }
                } else {
                    let (plain, at) = scan_plain(b);
                    plain && !(no_at && at)
                }
        }
        Fast::General => false,
    }
}

/// Counts an action cell the fast path accepted, for the summary (`k` 0 adds, 1 removes).
#[inline(always)]
pub(super) fn count(memo: &mut Memo, i: usize, k: usize) {
    if let Some(t) = memo.tally.get_mut(i) {
        t[k] += 1;
    }
}
