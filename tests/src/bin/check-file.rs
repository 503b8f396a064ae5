//! The engine-only measurement: streams a file through the check pass in 1 MiB chunks and prints
//! the report's counts (or the whole JSON report with `--json`).
//!
//! `check-file [--json] [--two] FILE`. Unlike the CLI it does no terminal rendering, so the
//! benchmark can tell the engine's cost from the front end's. `--two` checks the file's halves
//! on two threads (`Checker::part` and `Checker::merge`, as the page's two workers do) and
//! prints the time each step took on stderr.

use orgsync_core::{Checker, Options};
use std::io::Read;

fn main() {
    let mut json = false;
    let mut two = false;
    let mut path = None;
    for a in std::env::args().skip(1) {
        if a == "--json" {
            json = true;
        } else if a == "--two" {
            two = true;
        } else {
            path = Some(a);
        }
    }
    let Some(path) = path else {
        eprintln!("usage: check-file [--json] FILE");
        std::process::exit(2);
    };
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("check-file: cannot open {path}: {e}");
            std::process::exit(2);
        }
    };
    let options = Options {
        file_name: Some(path.clone()),
        // As the CLI does: counts stay exact, the kept list stays bounded.
        max_findings_per_code: Some(1000),
        ..Options::default()
    };
    if two {
        let report = in_two(&path, options);
        print(&report, json);
        return;
    }
    let mut checker = Checker::new(options);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => checker.push(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("check-file: cannot read {path}: {e}");
                std::process::exit(2);
            }
        }
    }
    let report = checker.finish();
    print(&report, json);
}

fn print(report: &orgsync_core::Report, json: bool) {
    if json {
        println!("{}", report.to_json(false));
    } else {
        let s = &report.summary;
        println!(
            "{} rows, {} columns: {} errors, {} warnings, {} infos",
            report.file.rows, report.file.columns, s.errors, s.warnings, s.infos
        );
    }
}

/// Reads `path` from `start` to `end` in 1 MiB chunks into `push`.
fn stream(path: &str, start: u64, end: u64, push: &mut dyn FnMut(&[u8])) {
    use std::io::{Seek, SeekFrom};
    let fail = |e: std::io::Error| -> ! {
        eprintln!("check-file: cannot read {path}: {e}");
        std::process::exit(2);
    };
    let mut file = std::fs::File::open(path).unwrap_or_else(|e| fail(e));
    file.seek(SeekFrom::Start(start))
        .unwrap_or_else(|e| fail(e));
    let mut left = end - start;
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        let want = buf.len().min(left as usize);
        match file.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => {
                push(&buf[..n]);
                left -= n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => fail(e),
        }
    }
}

/// The file checked in two halves on two threads, then merged.
fn in_two(path: &str, options: Options) -> orgsync_core::Report {
    use std::time::Instant;
    let t = Instant::now();
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut window = Vec::new();
    stream(path, len / 2, (len / 2 + 65536).min(len), &mut |b| {
        window.extend_from_slice(b)
    });
    let mut head = Vec::new();
    stream(
        path,
        0,
        len.min(orgsync_core::split::PART_HEAD as u64),
        &mut |b| head.extend_from_slice(b),
    );
    let cut = orgsync_core::split::cut_point(&window).map(|c| len / 2 + c as u64);
    let part = cut.and_then(|cut| Checker::part(options.clone(), &head).map(|p| (cut, p)));
    let mut first = Checker::new(options);
    let Some((cut, mut second)) = part else {
        eprintln!("not split");
        stream(path, 0, len, &mut |b| first.push(b));
        return first.finish();
    };
    let (part, t_second) = std::thread::scope(|s| {
        let h = s.spawn(|| {
            stream(path, cut, len, &mut |b| second.push(b));
            let p = second.into_part();
            (p, t.elapsed())
        });
        let mut expected = false;
        stream(path, 0, cut, &mut |b| {
            first.push(b);
            if !std::mem::replace(&mut expected, true) {
                first.expect_bytes(len);
            }
        });
        eprintln!("first half   {:>6.0} ms", t.elapsed().as_secs_f64() * 1e3);
        h.join().unwrap_or_else(|_| std::process::exit(3))
    });
    eprintln!(
        "second half  {:>6.0} ms  (part {} bytes)",
        t_second.as_secs_f64() * 1e3,
        part.len()
    );
    let t_merge = Instant::now();
    if let Err(e) = first.merge(part) {
        eprintln!("not merged: {e}");
        stream(path, cut, len, &mut |b| first.push(b));
    }
    eprintln!(
        "merge        {:>6.0} ms",
        t_merge.elapsed().as_secs_f64() * 1e3
    );
    let t_finish = Instant::now();
    let report = first.finish();
    eprintln!(
        "finish       {:>6.0} ms",
        t_finish.elapsed().as_secs_f64() * 1e3
    );
    eprintln!("total        {:>6.0} ms", t.elapsed().as_secs_f64() * 1e3);
    report
}
