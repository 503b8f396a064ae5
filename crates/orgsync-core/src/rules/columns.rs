//! Whole-column rules, known once every row is read: H010 (blank header) and X006 (empty column).

use super::{Ctx, Sink};

/// `non_empty[i]` is the number of rows with a value in column `i`.
pub(crate) fn check(_ctx: &Ctx<'_>, _non_empty: &[u64], _records: u64, _sink: &mut Sink<'_>) {}
