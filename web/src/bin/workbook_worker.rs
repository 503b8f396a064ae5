//! The workbook worker's entry point, built with `--features workbook`; Trunk builds it with a
//! loader shim (`workbook_worker_loader.js`), which the checker worker starts when a workbook
//! comes (src/worker/book.rs).

fn main() {
    web::worker::run();
}
