//! Writes the workbook benchmark's file: the benchmark's clean people (`gen-bench`'s rows) as a
//! `.xlsx` of one sheet, text cells in a shared string table as Excel writes them, written row by row in rust_xlsxwriter's low-memory
//! mode: `gen-bench-xlsx OUT.xlsx [ROWS]` (default 1,000,000).

use rust_xlsxwriter::Workbook;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: gen-bench-xlsx OUT.xlsx [ROWS]");
        std::process::exit(2);
    };
    let rows = orgsync_tests::count_arg(args.next(), 1_000_000, "gen-bench-xlsx", "ROWS");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_low_memory().expect("worksheet");
    ws.set_name("Users").expect("name");
    for (c, h) in orgsync_tests::bench::HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).expect("write");
    }
    let mut line = Vec::new();
    for i in 0..rows {
        line.clear();
        orgsync_tests::bench::write_row(&mut line, i);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_slice());
        let record = reader.records().next().expect("a row").expect("a CSV row");
        for (c, cell) in record.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(i as u32 + 1, c as u16, cell)
                    .expect("write");
            }
        }
    }
    wb.save(&path).expect("save");
    eprintln!("gen-bench-xlsx: wrote {path} ({rows} rows)");
}
