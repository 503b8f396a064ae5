//! Workbooks on the page: the facts of the workbook a report was made from, and the sheet choice
//! that checks the file again with another sheet (the engine reads the workbook in the worker).

use serde::{Deserialize, Serialize};

/// What the page shows of a workbook: its format, its sheets and the one read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkbookFacts {
    /// `xlsx`, `xlsm`, `xlsb`, `ods` or `xls`.
    pub format: String,
    /// Every sheet's name, in the workbook's order.
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: String,
    /// Where the table starts, as a cell (`B3`).
    pub start: String,
}

#[cfg(feature = "workbook")]
impl From<&orgsync_core::WorkbookInfo> for WorkbookFacts {
    fn from(w: &orgsync_core::WorkbookInfo) -> WorkbookFacts {
        WorkbookFacts {
            format: w.format.to_string(),
            sheets: w.sheets.clone(),
            sheet: w.sheet.clone(),
            start: format!("{}{}", w.first_column, w.first_row),
        }
    }
}

/// Built without the workbook reader (the page, the checker worker): no report of this build
/// holds a workbook (the workbook worker, built with it, makes those).
#[cfg(not(feature = "workbook"))]
impl From<&orgsync_core::WorkbookInfo> for WorkbookFacts {
    fn from(_: &orgsync_core::WorkbookInfo) -> WorkbookFacts {
        WorkbookFacts::default()
    }
}

impl WorkbookFacts {
    /// The line above the sheet choice: `Excel workbook (.xlsx), table from B3`.
    pub fn describe(&self) -> String {
        let kind = match self.format.as_str() {
            "ods" => "OpenDocument spreadsheet",
            "xls" => "Excel 97-2003 workbook",
            _ => "Excel workbook",
        };
        let mut s = format!("{kind} (.{})", self.format);
        if self.start != "A1" {
            s.push_str(&format!(", table from cell {}", self.start));
        }
        s
    }
}

/// The file types the drop zone and the picker take (`accept`).
pub const ACCEPT: &str = ".csv,.txt,.tsv,.xlsx,.xlsm,.xlsb,.xls,.ods,text/csv,text/plain,\
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,\
application/vnd.ms-excel.sheet.macroEnabled.12,application/vnd.ms-excel.sheet.binary.macroEnabled.12,\
application/vnd.oasis.opendocument.spreadsheet";

mod ui {
    use super::WorkbookFacts;
    use leptos::prelude::*;

    /// The workbook's facts and its sheet choice; picking a sheet calls `on_pick` with its name.
    #[component]
    pub fn SheetChoice(workbook: WorkbookFacts, on_pick: Callback<String>) -> impl IntoView {
        let describe = workbook.describe();
        let current = workbook.sheet.clone();
        let many = workbook.sheets.len() > 1;
        view! {
            <section class="card sheet-choice" data-testid="workbook" data-sheet=current.clone() aria-labelledby="sheet-title">
                <h2 id="sheet-title">"Workbook"</h2>
                <p class="muted">{describe}</p>
                <label>
                    "Sheet checked: "
                    <select
                        data-testid="sheet-select"
                        disabled=!many
                        on:change=move |ev| on_pick.run(event_target_value(&ev))
                    >
                        {workbook.sheets.iter().map(|name| {
                            let selected = *name == current;
                            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <p class="muted">"Rows are numbered as in the sheet. The corrected file is a CSV UTF-8 file, ready to upload."</p>
            </section>
        }
    }
}

pub use ui::SheetChoice;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_described_with_where_its_table_starts() {
        let w = WorkbookFacts {
            format: "xlsx".into(),
            sheets: vec!["Read me".into(), "Users".into()],
            sheet: "Users".into(),
            start: "B3".into(),
        };
        assert_eq!(w.describe(), "Excel workbook (.xlsx), table from cell B3");
        let a1 = WorkbookFacts {
            format: "ods".into(),
            start: "A1".into(),
            ..w
        };
        assert_eq!(a1.describe(), "OpenDocument spreadsheet (.ods)");
        assert!(ACCEPT.contains(".xlsx") && ACCEPT.contains(".ods") && ACCEPT.contains(".xls,"));
    }
}
