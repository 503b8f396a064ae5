//! `orgsync check`.

use crate::source::Source;
use crate::{CheckArgs, Format, Result, cells, known_groups, render};
use orgsync_core::{Checker, FixOptions, Fixer, Options, Report};
use std::io::Write;
use std::process::ExitCode;

/// Runs the check pass over a source.
pub(crate) fn check_pass(source: &mut Source, options: Options) -> Result<Report> {
    let mut checker = Checker::new(options);
    source.read("Checking", &mut |chunk| {
        checker.push(chunk);
        Ok(true)
    })?;
    Ok(checker.finish())
}

/// The exit code for a report: 1 when any finding is an error.
pub(crate) fn exit_code(report: &Report) -> ExitCode {
    if report.summary.has_errors() {
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
    let report = check_pass(&mut source, options)?;
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
    Ok(exit_code(&report))
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
