//! `orgsync check`.

use crate::source::{Source, progress, read_span};
use crate::{CheckArgs, Failure, Format, Result, cells, known_groups, render};
use orgsync_core::split::{PART_HEAD, SPLIT_MIN_BYTES, cut_from, cut_window};
use orgsync_core::{Checker, FixOptions, Fixer, Options, Report};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Runs the check pass over a source: a big file on disk with two threads (see [`check_split`]),
/// anything else with one.
pub(crate) fn check_pass(
    source: &mut Source,
    options: Options,
    threads: Threads,
) -> Result<Report> {
    if threads.two()
        && let Some(path) = source.path()
        && let Some(report) = check_split(path, &options)?
    {
        return Ok(report);
    }
    let mut checker = Checker::new(options);
    source.read("Checking", &mut |chunk| {
        checker.push(chunk);
        Ok(true)
    })?;
    Ok(checker.finish())
}

/// How many threads the check pass may use: `--threads`, else two on a machine with two cores
/// or more.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Threads(pub Option<u8>);

impl Threads {
    fn two(self) -> bool {
        match self.0 {
            Some(n) => n >= 2,
            None => std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2),
        }
    }
}

/// Checks a file of [`SPLIT_MIN_BYTES`] or more in two parts at once, as the page does with two
/// workers (`orgsync_core::split`): this thread checks up to the cut, a second one from the cut
/// on, and the second's part is merged into the first. The report is the one a single checker
/// gives; when the engine refuses the merge (the cut fell inside a quoted cell spanning lines),
/// this thread checks the rest itself. `None`: the file is checked in one pass (too small, a
/// user export, a format the engine does not check in parts).
fn check_split(path: &Path, options: &Options) -> Result<Option<Report>> {
    let fail = |e: std::io::Error| Failure::io("read", path, &e);
    let size = std::fs::metadata(path).map_err(fail)?.len();
    if size < SPLIT_MIN_BYTES {
        return Ok(None);
    }
    let (start, end) = cut_window(size);
    let window = read_bytes(path, start, end)?;
    let Some(cut) = cut_from(size, &window) else {
        return Ok(None);
    };
    let head = read_bytes(path, 0, (PART_HEAD as u64).min(size))?;
    let Some(mut second) = Checker::part(options.clone(), &head) else {
        return Ok(None);
    };
    let bar = progress(Some(size), "Checking");
    let mut first = Checker::new(options.clone());
    let (read, part) = std::thread::scope(|scope| {
        let rest = scope.spawn(|| {
            read_span(path, cut, size, bar.as_ref(), &mut |chunk| {
                second.push(chunk)
            })
            .map(|()| second.into_part())
        });
        let read = read_span(path, 0, cut, bar.as_ref(), &mut |chunk| first.push(chunk));
        (read, rest.join())
    });
    read?;
    let part = part.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    if first.merge(part).is_err() {
        read_span(path, cut, size, None, &mut |chunk| first.push(chunk))?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(Some(first.finish()))
}

/// The bytes `[start, end)` of a file: a window to find the cut in, or the head to sniff.
fn read_bytes(path: &Path, start: u64, end: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    read_span(path, start, end, None, &mut |chunk| {
        bytes.extend_from_slice(chunk)
    })?;
    Ok(bytes)
}

/// The exit code for a file that does (1) or does not (0) have an error-severity finding.
pub(crate) fn exit_code(has_errors: bool) -> ExitCode {
    if has_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode> {
    let mut source = Source::new(&args.file);
    let human = args.format == Format::Human;
    let roster = crate::roster::prepare(&args.file, args.roster.as_ref(), args.preview.as_ref())?;
    // The terminal shows a few findings per rule unless --verbose; JSON and --verbose keep up to
    // the cap. The counts stay exact either way.
    let cap = match args.max_findings_per_code.0 {
        cap if human && !args.verbose => {
            Some(cap.map_or(render::SHOWN_PER_RULE, |n| n.min(render::SHOWN_PER_RULE)))
        }
        cap => cap,
    };
    let options = Options {
        file_name: source.name(),
        encoding: args.encoding,
        sheet: args.sheet.clone(),
        ..Options::new()
    }
    .with_known_groups(known_groups(args.groups.as_ref())?)
    .with_roster(roster)
    .with_max_findings_per_code(cap);
    let report = check_pass(&mut source, options, Threads(args.threads))?;
    if let Some(path) = &args.preview {
        write_preview(&mut source, &report, path)?;
    }
    let written = if human {
        let wanted = render::wanted(&report, args.verbose);
        let cells = cells::lookup(&mut source, &report, &wanted)?;
        let mut out = anstream::stdout().lock();
        render::human(&mut out, &report, &cells, args.verbose).and_then(|()| out.flush())
    } else {
        // Straight to standard output: JSON holds no colour for anstream to strip, and
        // stripping a large report cost as much as checking the file.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        report
            .write_json(&mut buffered, true)
            .and_then(|()| writeln!(buffered))
            .and_then(|()| buffered.flush())
    };
    // A closed pipe (`| head`) is not a failure of the check.
    let _ = written;
    Ok(exit_code(report.summary.has_errors()))
}

/// `check --preview`: a fix pass that keeps only the preview lines.
fn write_preview(source: &mut Source, report: &Report, path: &std::path::Path) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| crate::Failure::io("write", path, &e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let fail = |e: std::io::Error| crate::Failure::io("write", path, &e);
    let mut fixer = Fixer::new(report, &FixOptions::default());
    let mut result = Ok(());
    source.read("Previewing", &mut |chunk| {
        fixer.push(chunk);
        result = w.write_all(&fixer.take_output().preview);
        Ok(result.is_ok())
    })?;
    result.map_err(fail)?;
    w.write_all(&fixer.finish().preview).map_err(fail)?;
    w.flush().map_err(fail)
}
