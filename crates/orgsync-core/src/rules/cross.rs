//! X rules and the file-wide parts of R004 and R020: what only several rows together show.

use super::{Ctx, Sink};
use crate::engine::Row;

/// What the cross-row rules remember while rows stream past.
#[derive(Debug, Default)]
pub(crate) struct Cross {}

impl Cross {
    pub(crate) fn new(_ctx: &Ctx<'_>) -> Cross {
        Cross {}
    }

    pub(crate) fn observe(&mut self, _ctx: &Ctx<'_>, _row: &Row<'_>) {}

    pub(crate) fn finish(self, _ctx: &Ctx<'_>) -> Plan {
        Plan::default()
    }
}

/// What the cross-row rules decided, for both passes.
#[derive(Debug, Default)]
pub(crate) struct Plan {}

impl Plan {
    /// Every cross-row finding, positioned (the check pass).
    pub(crate) fn findings(&self, _ctx: &Ctx<'_>, _sink: &mut Sink<'_>) {}

    /// The cross-row findings of one row (the fix pass), identical to those `findings` gives.
    pub(crate) fn row_findings(&self, _ctx: &Ctx<'_>, _row: &Row<'_>, _sink: &mut Sink<'_>) {}
}
