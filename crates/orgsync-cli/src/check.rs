//! `orgsync check`.

use crate::source::Source;
use crate::{CheckArgs, Format, Result, cells, known_groups, render};
use orgsync_core::{Checker, Options, Report};
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
    let options = Options {
        file_name: source.name(),
        known_groups: known_groups(args.groups.as_ref())?,
        // The terminal shows a few findings per rule unless --verbose; JSON and --verbose keep
        // up to the cap. The counts stay exact either way.
        max_findings_per_code: match args.max_findings_per_code.0 {
            cap if human && !args.verbose => {
                Some(cap.map_or(render::SHOWN_PER_RULE, |n| n.min(render::SHOWN_PER_RULE)))
            }
            cap => cap,
        },
    };
    let report = check_pass(&mut source, options)?;
    let mut out = anstream::stdout().lock();
    let written = if human {
        let wanted = render::wanted(&report, args.verbose);
        let cells = cells::lookup(&mut source, &report, &wanted)?;
        render::human(&mut out, &report, &cells, args.verbose)
    } else {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut out);
        report
            .write_json(&mut buffered, true)
            .and_then(|()| writeln!(buffered))
            .and_then(|()| buffered.flush())
    };
    // A closed pipe (`| head`) is not a failure of the check.
    let _ = written.and_then(|()| out.flush());
    Ok(exit_code(&report))
}
