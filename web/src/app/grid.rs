//! The grid of rows with problems: whose row it is (every cell of the row, the row number and the
//! identifier pinned while scrolling sideways), one table layout for the header and the rows
//! (fixed column widths shared through CSS variables), virtualised (only the rows in view exist
//! in the DOM; their whole cells come from the worker a window at a time), an ARIA grid with one
//! focusable cell moved by the arrow keys, and `n`/`p` walking errors first, then warnings.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{Ctx, GridRows, ctx};
use crate::model::{self, Cursor, GridOrder};
use crate::view::{ProblemRow, ReportView, Sev, Shared};

/// Height of a grid row in pixels; the CSS uses the same number.
pub(super) const ROW_HEIGHT: f64 = 34.0;
/// Height of the grid's scrolling area in pixels (header included).
const GRID_HEIGHT: f64 = 442.0;
/// The grid shows at most this many of the file's columns.
const MAX_COLUMNS: usize = 200;
/// Rows above and below the view that exist in the DOM too.
const OVERSCAN: usize = 5;
/// Rows beyond the window, each side, whose whole cells are asked for ahead of a scroll.
const AHEAD: usize = 24;
/// Row elements the grid keeps and reuses: at least the most rows a window holds
/// ([`model::visible_range`]: the rows in view, one more, and the overscan each side).
const SLOTS: usize = (GRID_HEIGHT / ROW_HEIGHT) as usize + 2 + 2 * OVERSCAN;

/// What one row element shows: worked out once each time its slot gets another row (or the
/// row's whole cells arrive), then read by its cells.
#[derive(Debug, Clone, PartialEq)]
struct RowView {
    /// Its display position.
    pos: usize,
    /// Its spreadsheet number.
    number: u64,
    header: bool,
    /// Its whole cells are on their way from the worker: its value cells still hold the slot's
    /// previous row (hidden, not rewritten), so that a row jumped to is drawn once, whole.
    pending: bool,
    /// One per column of the grid.
    cells: Vec<CellView>,
}

#[derive(Debug, Clone, PartialEq)]
struct CellView {
    text: String,
    title: Option<String>,
    class: String,
    /// The rules that flag this cell.
    codes: Option<String>,
}

/// A row's cells as the grid shows them: the row number, the rules, then each column's value
/// (the whole cell from the worker, else the value the finding quotes), the offending ones marked.
fn row_view(
    row: &ProblemRow,
    pos: usize,
    cols: &[Col],
    headers: &[String],
    whole: Option<&Vec<String>>,
) -> RowView {
    let number = row.row;
    let sev = row.severity.as_str();
    let codes = row_codes(row).join(" ");
    let cells = cols
        .iter()
        .enumerate()
        .map(|(k, col)| match col.file {
            None if k == 0 => CellView {
                text: if row.header {
                    "Header".into()
                } else {
                    model::thousands(number)
                },
                title: row
                    .header
                    .then(|| format!("Row {number}: the header, the column names")),
                class: if row.header {
                    format!("rownum pin {sev} hdr")
                } else {
                    format!("rownum pin {sev}")
                },
                codes: None,
            },
            None => CellView {
                title: Some(if row.shared.is_empty() {
                    codes.clone()
                } else {
                    format!("{codes}\n{}", shared_text(&row.shared))
                }),
                text: codes.clone(),
                class: "codes".into(),
                codes: None,
            },
            Some(f) => {
                let bad = row.cells.iter().find(|c| c.column == f);
                let value = if row.header {
                    headers.get(f as usize).cloned()
                } else {
                    whole
                        .and_then(|w| w.get(f as usize).cloned())
                        .or_else(|| bad.map(|b| b.value.clone()))
                };
                let label = bad.map(|b| b.codes.join(", "));
                CellView {
                    text: value
                        .as_deref()
                        .map(model::show_invisible)
                        .unwrap_or_default(),
                    title: value.map(|v| match &label {
                        Some(l) => format!("{v}\n{l}"),
                        None => v,
                    }),
                    class: match bad {
                        Some(b) => format!("cell bad {}", b.severity.as_str()),
                        None => "cell".into(),
                    },
                    codes: label,
                }
            }
        })
        .collect();
    RowView {
        pos,
        number,
        header: row.header,
        pending: false,
        cells,
    }
}

/// The whole cells of the grid's rows the page holds (a window's worth at a time).
#[derive(Debug, Default, Clone)]
pub(super) struct WholeRows {
    /// The worker holds the whole cells of the current grid and answers for them.
    pub ready: bool,
    pub cells: HashMap<u64, Arc<Vec<String>>>,
}

impl Ctx {
    /// Asks the worker for the whole cells of the rows not held or asked for yet.
    pub(super) fn want_rows(&self, rows: Vec<u64>) {
        if !self.whole.with_untracked(|w| w.ready) {
            return;
        }
        let missing: Vec<u64> = self.whole.with_untracked(|w| {
            self.asked.with_value(|asked| {
                rows.into_iter()
                    .filter(|r| !w.cells.contains_key(r) && !asked.contains(r))
                    .collect()
            })
        });
        if missing.is_empty() {
            return;
        }
        self.asked.update_value(|asked| {
            // A long scroll through a big grid: forget what was asked long ago.
            if asked.len() > 20_000 {
                asked.clear();
            }
            asked.extend(missing.iter().copied());
        });
        self.act(crate::session::Action::AskRows(missing), None);
    }

    /// The worker's answer to [`Ctx::want_rows`].
    pub(super) fn got_rows(&self, rows: Vec<(u64, Vec<String>)>) {
        if rows.is_empty() {
            return;
        }
        self.whole.update(|w| {
            if w.cells.len() > 5_000 {
                w.cells.clear();
                self.asked.update_value(HashSet::clear);
            }
            for (row, cells) in rows {
                w.cells.insert(row, Arc::new(cells));
            }
        });
    }
}

/// One column of the grid.
#[derive(Debug, Clone)]
struct Col {
    /// The file's column (0-based), or `None` for the row number and the rules.
    file: Option<u32>,
    title: String,
    /// Its width's CSS variable.
    width: &'static str,
    /// Pinned at this `left` while scrolling sideways.
    pin: Option<&'static str>,
}

/// The grid's columns: the row number and whose row it is (pinned), the rules, then every other
/// column of the file in its order.
fn columns(report: &ReportView, grid: &GridRows) -> Vec<Col> {
    let headers = &report.file.headers;
    let count = headers
        .len()
        .max(
            grid.rows
                .iter()
                .flat_map(|r| r.cells.iter().map(|c| c.column as usize + 1))
                .max()
                .unwrap_or(0),
        )
        .min(MAX_COLUMNS);
    let title = |i: usize| {
        headers
            .get(i)
            .filter(|h| !h.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| format!("column {}", i + 1))
    };
    let who = model::identity_column(headers).min(count.saturating_sub(1));
    let mut cols = vec![Col {
        file: None,
        title: "Row".into(),
        width: "var(--g-row)",
        pin: Some("0px"),
    }];
    if count > 0 {
        cols.push(Col {
            file: Some(who as u32),
            title: title(who),
            width: "var(--g-who)",
            pin: Some("var(--g-row)"),
        });
    }
    cols.push(Col {
        file: None,
        title: "Rules".into(),
        width: "var(--g-rules)",
        pin: None,
    });
    for i in (0..count).filter(|&i| i != who) {
        cols.push(Col {
            file: Some(i as u32),
            title: title(i),
            width: "var(--g-cell)",
            pin: None,
        });
    }
    cols
}

/// The row-number column's width: room for the widest row number the grid holds ("1,000,002" in a
/// file of a million rows) in its cells' bold figures (under 0.64 rem a digit and 0.35 rem a
/// separator at the grid's 0.875 rem), and never less than the stylesheet's `--g-row-min`, which
/// fits the header row's label.
fn row_width(grid: &GridRows) -> String {
    let widest = grid.rows.iter().map(|r| r.row).max().unwrap_or(0);
    let text = model::thousands(widest);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let marks = text.chars().count() - digits;
    format!("max(var(--g-row-min), calc({digits} * 0.64rem + {marks} * 0.35rem + 1.2rem + 2px))")
}

/// Every rule on a row: its own, then its cells'.
fn row_codes(row: &ProblemRow) -> Vec<String> {
    let mut all: Vec<String> = row.codes.clone();
    for c in row.cells.iter().flat_map(|c| c.codes.iter()) {
        if !all.contains(c) {
            all.push(c.clone());
        }
    }
    all
}

/// "rows 7, 12 and 19" as buttons that show each row in the grid.
fn row_links(rows: &[u64]) -> impl IntoView + use<> {
    let ctx = ctx();
    let n = rows.len();
    let word = if n > 1 { "rows " } else { "row " };
    let links = rows
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let sep = match (i + 1 < n, i + 2 == n) {
                (true, true) => " and ",
                (true, false) => ", ",
                _ => "",
            };
            view! {
                <button type="button" class="linkish" data-testid="shared-row" data-row=r.to_string()
                    on:click=move |_| ctx.jump.set(Some(r))>{model::thousands(r)}</button>
                {sep}
            }
        })
        .collect_view();
    view! { {word}{links} }
}

/// What a row shares with others, in words: "Same email as rows 7 and 12: `ann@x.com`".
fn shared_line(shared: &[Shared]) -> impl IntoView + use<> {
    let items = shared
        .iter()
        .map(|s| {
            view! {
                <span class="shared" data-code=s.code.clone() data-value=s.value.clone()>
                    {s.label()}" "{row_links(&s.rows)}": "
                    <code>{if s.value.is_empty() { "(blank)".to_string() } else { model::show_invisible(&s.value) }}</code>
                    " "
                </span>
            }
        })
        .collect_view();
    view! { <p class="grid-shared" data-testid="grid-shared">{items}</p> }
}

/// A row's shared values as plain text, for the rules cell's title.
fn shared_text(shared: &[Shared]) -> String {
    shared
        .iter()
        .map(|s| {
            let rows: Vec<String> = s.rows.iter().map(|r| model::thousands(*r)).collect();
            format!("{} {}: {}", s.label(), rows.join(", "), s.value)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The grid of rows with problems.
#[component]
pub(super) fn Grid(report: Arc<ReportView>, grid: Arc<GridRows>) -> impl IntoView {
    let ctx = ctx();
    let stored = StoredValue::new(report.clone());
    let grid_rows = StoredValue::new(grid.clone());
    let cols = StoredValue::new(columns(&report, &grid));
    let ncols = cols.with_value(Vec::len);
    let notes_only = grid.rows.iter().filter(|r| r.severity == Sev::Info).count() as u64;
    let show_notes = RwSignal::new(false);
    let order = RwSignal::new(GridOrder::Severity);
    // The rows shown, as indexes into the grid's rows, in display order.
    let rows = Memo::new(move |_| {
        let filters = ctx.filters.get();
        let notes = show_notes.get();
        let order = order.get();
        let active = filters.active();
        stored.with_value(|r| {
            let keep = filters.row_keeper(r);
            grid_rows
                .with_value(|g| model::grid_rows(&g.rows, |row| !active || keep(row), notes, order))
        })
    });
    // `n` and `p` walk errors first, then warnings, whatever the order shown.
    let walk = Memo::new(move |_| {
        let shown = rows.with(Vec::clone);
        grid_rows.with_value(|g| model::walk_order(&g.rows, &shown))
    });
    let scroll_top = RwSignal::new(0.0f64);
    let scroller = NodeRef::<html::Div>::new();
    let section = NodeRef::<html::Section>::new();
    // The focusable cell: (display position, column slot).
    let active = RwSignal::new((0usize, 0usize));
    // Only the rows in view (and a few around) are built; the grid's other rows are numbers in
    // `rows` (read in place: a scroll must not copy a list of 200,000).
    let window_rows = Memo::new(move |_| {
        let top = scroll_top.get();
        rows.with(|rows| {
            let (start, end) = model::visible_range(
                (top - ROW_HEIGHT).max(0.0),
                GRID_HEIGHT,
                ROW_HEIGHT,
                rows.len(),
                OVERSCAN,
            );
            (start..end).map(|pos| (pos, rows[pos])).collect::<Vec<_>>()
        })
    });
    // The whole cells of the rows in view come from the worker, with those of the rows just
    // beyond (asked ahead: a row scrolled into view then shows whole at once, not in two steps).
    Effect::new(move |_| {
        let ready = ctx.whole.with(|w| w.ready);
        let (start, end) = window_rows.with(|w| {
            (
                w.first().map_or(0, |r| r.0),
                w.last().map_or(0, |r| r.0 + 1),
            )
        });
        let wanted: Vec<u64> = rows.with(|shown| {
            let (lo, hi) = (start.saturating_sub(AHEAD), (end + AHEAD).min(shown.len()));
            grid_rows.with_value(|g| {
                // The window first, then the rows around it.
                (start..end.min(hi))
                    .chain(lo..start)
                    .chain(end.min(hi)..hi)
                    .map(|pos| &g.rows[shown[pos]])
                    .filter(|r| !r.header)
                    .map(|r| r.row)
                    .collect()
            })
        });
        if ready {
            ctx.want_rows(wanted);
        }
    });
    // The row at a display position scrolled into the grid's view (and the grid into the
    // window's), then its active cell focused once it exists.
    let reveal = move |pos: usize, focus: bool| {
        if let Some(el) = scroller.get_untracked() {
            let top = pos as f64 * ROW_HEIGHT;
            let current = el.scroll_top() as f64;
            let height = el.client_height() as f64 - ROW_HEIGHT;
            if top < current || top + ROW_HEIGHT > current + height {
                let to = (top - height / 2.0).max(0.0);
                el.set_scroll_top(to as i32);
                scroll_top.set(to);
            }
        }
        if let Some(s) = section.get_untracked() {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            s.scroll_into_view_with_scroll_into_view_options(&options);
        }
        if focus {
            request_animation_frame(move || {
                let (pos, slot) = active.get_untracked();
                if let Some(cell) = document()
                    .get_element_by_id(&format!("gc-{pos}-{slot}"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = cell.focus();
                }
            });
        }
    };
    let select = move |pos: usize, focus: bool| {
        ctx.cursor.set(Cursor { at: Some(pos) });
        active.update(|a| a.0 = pos);
        reveal(pos, focus);
    };
    let step = move |forward: bool| {
        let next =
            walk.with_untracked(|w| model::walk_step(w, ctx.cursor.get_untracked().at, forward));
        if let Some(pos) = next {
            select(pos, false);
        }
    };
    // A row number clicked elsewhere on the page (a finding's list, a message): shown here,
    // with the filters that would hide it lifted.
    Effect::new(move |_| {
        let Some(row) = ctx.jump.get() else {
            return;
        };
        let find = move || {
            grid_rows.with_value(|g| {
                rows.with_untracked(|shown| shown.iter().position(|&i| g.rows[i].row == row))
            })
        };
        let mut pos = find();
        if pos.is_none() {
            show_notes.set(true);
            ctx.filters.set(model::Filters::default());
            pos = find();
        }
        ctx.jump.set(None);
        if let Some(pos) = pos {
            active.set((pos, 1.min(ncols - 1)));
            select(pos, true);
        }
    });
    // n / p (and j / k) move between problem rows anywhere on the page, except while typing.
    let handle = window_event_listener(ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            "n" | "j" => {
                ev.prevent_default();
                step(true);
            }
            "p" | "k" => {
                ev.prevent_default();
                step(false);
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    // Arrow keys, Home/End and Page Up/Down move the focusable cell (an ARIA grid).
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let len = rows.with_untracked(Vec::len);
        if len == 0 {
            return;
        }
        let (pos, slot) = active.get_untracked();
        let page = ((GRID_HEIGHT / ROW_HEIGHT) as usize)
            .saturating_sub(2)
            .max(1);
        let (pos, slot) = match ev.key().as_str() {
            "ArrowDown" => ((pos + 1).min(len - 1), slot),
            "ArrowUp" => (pos.saturating_sub(1), slot),
            "ArrowRight" => (pos, (slot + 1).min(ncols - 1)),
            "ArrowLeft" => (pos, slot.saturating_sub(1)),
            "Home" if ev.ctrl_key() => (0, 0),
            "End" if ev.ctrl_key() => (len - 1, ncols - 1),
            "Home" => (pos, 0),
            "End" => (pos, ncols - 1),
            "PageDown" => ((pos + page).min(len - 1), slot),
            "PageUp" => (pos.saturating_sub(page), slot),
            _ => return,
        };
        ev.prevent_default();
        active.set((pos, slot));
        select(pos, true);
        // Sideways: the focused cell scrolls into view by itself, past the pinned columns.
    };
    let total = grid.total;
    let held = grid.rows.len() as u64;
    // The columns' widths, set once on the grid for every row (`.grid-row` reads the variable;
    // through the CSS object model, which the page's CSP allows, not a `style` attribute).
    let grid_ref = NodeRef::<html::Div>::new();
    let (table_width, template) = cols.with_value(|c| {
        let widths: Vec<&str> = c.iter().map(|c| c.width).collect();
        (format!("calc({})", widths.join(" + ")), widths.join(" "))
    });
    let row_width = row_width(&grid);
    Effect::new(move |_| {
        if let Some(el) = grid_ref.get() {
            let style = web_sys::HtmlElement::style(&el);
            let _ = style.set_property("--g-template", &template);
            let _ = style.set_property("--g-row", &row_width);
        }
    });
    // A cell focused (a click, a tab, the arrow keys): it becomes the grid's focusable cell and
    // its row the selected one; one listener for the grid, not one a cell.
    let on_focusin = move |ev: web_sys::FocusEvent| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let index = |el: &web_sys::Element, name: &str| {
            el.get_attribute(name).and_then(|v| v.parse::<usize>().ok())
        };
        let Some(slot) = index(&el, "aria-colindex").and_then(|c| c.checked_sub(1)) else {
            return;
        };
        let Some(pos) = el
            .closest("[role=row]")
            .ok()
            .flatten()
            .and_then(|r| index(&r, "aria-rowindex"))
            .and_then(|r| r.checked_sub(2))
        else {
            return;
        };
        if active.get_untracked() != (pos, slot) {
            active.set((pos, slot));
        }
        if ctx.cursor.with_untracked(|c| c.at != Some(pos)) {
            ctx.cursor.set(Cursor { at: Some(pos) });
        }
    };
    // What the focused or selected cell holds, in full (cells are cut to their column's width).
    let detail = move || {
        let (pos, slot) = active.get();
        let at = ctx.cursor.get().at?;
        let i = rows.with(|r| r.get(at).copied())?;
        let pos = if pos == at { pos } else { at };
        let _ = pos;
        let row = grid_rows.with_value(|g| g.rows[i].clone());
        let col = cols.with_value(|c| c.get(slot).cloned())?;
        let whole = if row.header {
            // The header's cells are the column names.
            Some(Arc::new(stored.with_value(|r| r.file.headers.clone())))
        } else {
            ctx.whole.with(|w| w.cells.get(&row.row).cloned())
        };
        // A cross-row finding quotes no value: the row's own cell says what it shares.
        let shared = (!row.shared.is_empty()).then(|| {
            let filled: Vec<Shared> = row
                .shared
                .iter()
                .cloned()
                .map(|mut s| {
                    if s.value.is_empty()
                        && let (Some(c), Some(w)) = (s.column, whole.as_ref())
                    {
                        s.value = w.get(c as usize).cloned().unwrap_or_default();
                    }
                    s
                })
                .collect();
            shared_line(&filled)
        });
        let (title, value, codes) = match col.file {
            Some(f) => {
                let bad = row.cells.iter().find(|c| c.column == f);
                let value = whole
                    .as_ref()
                    .and_then(|w| w.get(f as usize).cloned())
                    .or_else(|| bad.map(|b| b.value.clone()))
                    .unwrap_or_default();
                (
                    col.title,
                    value,
                    bad.map(|b| b.codes.clone()).unwrap_or_default(),
                )
            }
            None => ("Rules".into(), row_codes(&row).join(" "), Vec::new()),
        };
        let what = if row.header { "Header row" } else { "Row" };
        Some(view! {
            {shared}
            <p class="grid-detail" data-testid="grid-detail">
                <strong>{format!("{what} {} · {}: ", model::thousands(row.row), title)}</strong>
                <code>{if value.is_empty() { "(blank)".to_string() } else { model::show_invisible(&value) }}</code>
                {(!codes.is_empty()).then(|| view! { <span class="muted">{format!(" — {}", codes.join(", "))}</span> })}
            </p>
        })
    };
    view! {
        <section class="card" aria-labelledby="grid-title" node_ref=section data-testid="grid">
            <div class="grid-head">
                <h2 id="grid-title">"Rows with problems"</h2>
                <div class="grid-nav">
                    <span class="muted" aria-live="polite" data-testid="grid-position">{move || {
                        let n = rows.with(Vec::len) as u64;
                        match ctx.cursor.get().at {
                            Some(at) if (at as u64) < n => format!("{} of {}", model::thousands(at as u64 + 1), model::thousands(n)),
                            _ => model::plural(n, "row", "rows"),
                        }
                    }}</span>
                    <button type="button" class="button small" data-testid="prev-problem" on:click=move |_| step(false) aria-keyshortcuts="p">"↑ Previous"</button>
                    <button type="button" class="button small" data-testid="next-problem" on:click=move |_| step(true) aria-keyshortcuts="n">"↓ Next"</button>
                </div>
            </div>
            <div class="grid-options">
                <label class="select">
                    <span>"Order"</span>
                    <select data-testid="grid-order" on:change=move |ev| {
                        order.set(if event_target_value(&ev) == "row" { GridOrder::Row } else { GridOrder::Severity });
                        ctx.cursor.set(Cursor::default());
                        active.set((0, 0));
                    }>
                        <option value="severity">"Errors first"</option>
                        <option value="row">"By row"</option>
                    </select>
                </label>
                {(notes_only > 0).then(|| view! {
                    <label class="check">
                        <input type="checkbox" data-testid="grid-notes"
                            prop:checked=move || show_notes.get()
                            on:change=move |ev| { show_notes.set(event_target_checked(&ev)); ctx.cursor.set(Cursor::default()); }/>
                        {format!(" Show the {} with only notes", model::plural(notes_only, "row", "rows"))}
                    </label>
                })}
            </div>
            <p class="muted small">"Press " <kbd>"n"</kbd> " and " <kbd>"p"</kbd> " to go from problem to problem (errors first), the arrow keys to move inside the grid. Offending cells are highlighted; a cell's full value shows below the grid."
                {(held < total).then(|| format!(" Showing the first {} of {} rows.", model::thousands(held), model::thousands(total)))}
                {report.truncated.then_some(" The grid holds the rows of the findings the page keeps (the first ones of each rule); the downloads cover every row.")}
            </p>
            {(total == 0).then(|| view! { <p class="muted">"No row has a problem."</p> })}
            {move || (total > 0 && rows.with(Vec::is_empty)).then(|| view! {
                <p class="muted" data-testid="grid-empty">"No row to show with these filters."</p>
            })}
            <div class="grid-scroll" node_ref=scroller tabindex="-1"
                style:height=move || format!("{}px", ((rows.with(Vec::len) + 1) as f64 * ROW_HEIGHT + 14.0).min(GRID_HEIGHT))
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        scroll_top.set(el.scroll_top() as f64);
                    }
                }
            >
                <div class="grid" role="grid" aria-labelledby="grid-title" data-testid="grid-table"
                    aria-rowcount=move || rows.with(Vec::len) + 1 aria-colcount=ncols
                    node_ref=grid_ref style:width=table_width.clone()
                    on:keydown=on_keydown
                    on:focusin=on_focusin
                >
                    <div class="grid-row grid-header" role="row" aria-rowindex="1">
                        {cols.with_value(|c| c.iter().enumerate().map(|(slot, col)| view! {
                            <span role="columnheader" aria-colindex=slot + 1 title=col.title.clone()
                                class:pin=col.pin.is_some() style:left=col.pin
                                data-col=col.file.map(|f| f.to_string())>{col.title.clone()}</span>
                        }).collect_view())}
                    </div>
                    <div class="grid-space" role="rowgroup" style:height=move || format!("{}px", rows.with(Vec::len) as f64 * ROW_HEIGHT)>
                        // One row element a slot (a position modulo SLOTS): scrolling gives a slot
                        // another row, and its cells' text and attributes change in place. The
                        // elements stay in slot order (moving them into display order would detach
                        // and lay out every moved row again); `aria-rowindex` gives each row's
                        // place, and `top` puts it there.
                        <For each=move || window_rows.with(|w| { let mut s: Vec<usize> = w.iter().map(|(pos, _)| pos % SLOTS).collect(); s.sort_unstable(); s }) key=|slot| *slot let(slot)>
                            {
                                // The row this slot holds (its display position and index in the grid).
                                let at = Memo::new(move |_| window_rows.with(|w| w.iter().copied().find(|(pos, _)| pos % SLOTS == slot)));
                                // Its whole cells, once the worker sent them (other rows' arriving
                                // change nothing here: the same `Arc` compares equal at once).
                                let whole_row = Memo::new(move |_| {
                                    let (_, i) = at.get()?;
                                    let number = grid_rows.with_value(|g| g.rows[i].row);
                                    ctx.whole.with(|w| w.cells.get(&number).cloned())
                                });
                                let shown = Memo::new(move |prev: Option<&Option<RowView>>| {
                                    let (pos, i) = at.get()?;
                                    let whole = whole_row.get();
                                    let ready = ctx.whole.with(|w| w.ready);
                                    let prev = prev.and_then(Option::as_ref);
                                    Some(grid_rows.with_value(|g| stored.with_value(|r| {
                                        let row = &g.rows[i];
                                        match prev {
                                            // Its whole cells, asked for, not here yet (a jump far
                                            // away): the row number and rules now, the value cells
                                            // hidden and left as they were until the answer, so
                                            // they are written once. The same row drawn whole
                                            // already (the cache was cleared): kept as it is.
                                            Some(p) if whole.is_none() && ready && !row.header => {
                                                if p.number == row.row && !p.pending && p.pos == pos {
                                                    return p.clone();
                                                }
                                                let mut v = cols.with_value(|c| row_view(row, pos, c, &r.file.headers, None));
                                                cols.with_value(|c| {
                                                    for ((cell, old), col) in v.cells.iter_mut().zip(&p.cells).zip(c) {
                                                        if col.file.is_some() {
                                                            *cell = old.clone();
                                                        }
                                                    }
                                                });
                                                v.pending = true;
                                                v
                                            }
                                            _ => cols.with_value(|c| row_view(row, pos, c, &r.file.headers, whole.as_deref())),
                                        }
                                    })))
                                });
                                let pos = move || shown.with(|s| s.as_ref().map_or(usize::MAX, |s| s.pos));
                                let selected = move || { let p = pos(); ctx.cursor.with(|c| c.at == Some(p)) };
                                let cells = cols.with_value(|cols| cols.iter().enumerate().map(|(k, col)| {
                                    let id = move || format!("gc-{}-{k}", pos());
                                    let tab = move || { let p = pos(); if active.with(|a| *a == (p, k)) { "0" } else { "-1" } };
                                    let text = move || shown.with(|s| s.as_ref().map(|s| s.cells[k].text.clone()).unwrap_or_default());
                                    let title = move || shown.with(|s| s.as_ref().and_then(|s| s.cells[k].title.clone()));
                                    let class = move || shown.with(|s| s.as_ref().map_or_else(|| "cell".to_string(), |s| s.cells[k].class.clone()));
                                    let left = col.pin;
                                    match col.file {
                                        None if k == 0 => view! {
                                            <span role="rowheader" id=id aria-colindex=k + 1 tabindex=tab
                                                class=class style:left=left title=title
                                                aria-label=move || shown.with(|s| s.as_ref().filter(|s| s.header).map(|s| format!("Row {}, the header", s.number)))
                                                data-testid="grid-rownum">{text}</span>
                                        }.into_any(),
                                        None => view! {
                                            <span role="gridcell" id=id aria-colindex=k + 1 tabindex=tab
                                                class=class title=title>{text}</span>
                                        }.into_any(),
                                        Some(f) => view! {
                                            <span role="gridcell" id=id aria-colindex=k + 1 tabindex=tab
                                                class=class class:pin=left.is_some() style:left=left data-col=f.to_string()
                                                data-codes=move || shown.with(|s| s.as_ref().and_then(|s| s.cells[k].codes.clone()))
                                                title=title>{text}</span>
                                        }.into_any(),
                                    }
                                }).collect_view());
                                view! {
                                    <div class="grid-row" role="row" aria-rowindex=move || pos().wrapping_add(2) class:selected=selected aria-selected=move || selected().to_string()
                                        data-row=move || shown.with(|s| s.as_ref().map(|s| s.number.to_string()))
                                        class:header-row=move || shown.with(|s| s.as_ref().is_some_and(|s| s.header))
                                        class:pending=move || shown.with(|s| s.as_ref().is_some_and(|s| s.pending))
                                        data-header=move || shown.with(|s| s.as_ref().is_some_and(|s| s.header).then_some("true"))
                                        style:top=move || format!("{}px", pos() as f64 * ROW_HEIGHT)
                                        on:click=move |_| {
                                            let p = pos();
                                            if p != usize::MAX && ctx.cursor.with_untracked(|c| c.at != Some(p)) {
                                                ctx.cursor.set(Cursor { at: Some(p) });
                                            }
                                        }
                                    >
                                        {cells}
                                    </div>
                                }
                            }
                        </For>
                    </div>
                </div>
            </div>
            {detail}
        </section>
    }
}
