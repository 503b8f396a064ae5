//! The Web Worker's entry point; Trunk builds it with a loader shim (`worker_loader.js`).

fn main() {
    web::worker::run();
}
