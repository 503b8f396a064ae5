//! The workbook benchmark's baseline: calamine alone reading the first sheet of a workbook, as
//! any program reading it must. `calamine-read FILE.xlsx [range|cells|formulas|merged]`: `range` (default) is
//! `worksheet_range`, calamine's usual API (every cell into memory); `cells` is its streaming
//! cell reader; `formulas` the same with each cell's formula (what the engine uses); `merged` the
//! sheet's merged regions alone (a second read of the sheet's XML). Reads the file into memory first, as the engine does, and
//! prints the cells' text length so the work cannot be skipped.

use calamine::{Data, DataRef, Reader, Xlsx};
use std::io::Cursor;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: calamine-read FILE.xlsx [range|cells]");
    let mode = args.next().unwrap_or_else(|| "range".into());
    let start = std::time::Instant::now();
    let bytes = std::fs::read(&path).expect("read");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).expect("workbook");
    let name = book.sheet_names()[0].clone();
    let mut n = 0usize;
    match mode.as_str() {
        "formulas" => {
            let mut cells = book.worksheet_cells_reader(&name).expect("sheet");
            while let Some(c) = cells.next_cell_with_formula_metadata().expect("cell") {
                if let DataRef::SharedString(s) = c.value {
                    n += s.len();
                }
            }
        }
        "open" => {}
        "merged" => {
            n = book.merge_cells_by_sheet_name(&name).expect("merged").len();
        }
        "cells" => {
            let mut cells = book.worksheet_cells_reader(&name).expect("sheet");
            while let Some(c) = cells.next_cell().expect("cell") {
                if let DataRef::SharedString(s) = c.get_value() {
                    n += s.len();
                }
            }
        }
        _ => {
            let range = book.worksheet_range(&name).expect("sheet");
            for d in range.used_cells() {
                if let Data::String(s) = d.2 {
                    n += s.len();
                }
            }
        }
    }
    println!(
        "{mode}: {n} bytes of text in {:.3} s",
        start.elapsed().as_secs_f64()
    );
}
