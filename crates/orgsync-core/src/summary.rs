//! The action summary: what the file asks the uploader to do, counted per column.

use crate::engine::Row;
use crate::rules::Ctx;
use serde::Serialize;

/// What the file asks for.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Actions {
    /// Rows that name a user.
    pub users: u64,
}

impl Actions {
    pub(crate) fn observe(&mut self, _ctx: &Ctx<'_>, _row: &Row<'_>) {}
}
