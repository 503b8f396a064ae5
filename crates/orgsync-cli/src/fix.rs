//! `orgsync fix`: two passes over the input (check, then fix), the outputs written as the fix
//! pass produces them, and the corrected bytes re-checked as they are written, so the exit code
//! is `check`'s on the corrected file without reading it back.

use crate::check::{Threads, check_pass, exit_code};
use crate::source::Source;
use crate::{Failure, FixArgs, Result, flatten, known_groups, render};
use orgsync_core::{
    Checker, Code, FixChunk, FixOptions, Fixer, Left, Options, Report, Suggested, Summary,
};
use owo_colors::OwoColorize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One output of the fix pass.
struct Output {
    path: Option<PathBuf>,
    writer: Box<dyn Write>,
}

impl Output {
    /// A file, or standard output for `-`.
    fn create(path: &Path) -> Result<Output> {
        if path.as_os_str() == "-" {
            return Ok(Output {
                path: None,
                writer: Box::new(BufWriter::new(std::io::stdout().lock())),
            });
        }
        let f = File::create(path).map_err(|e| Failure::io("write", path, &e))?;
        Ok(Output {
            path: Some(path.to_path_buf()),
            writer: Box::new(BufWriter::with_capacity(1 << 20, f)),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.writer.write_all(bytes).map_err(|e| self.failure(&e))
    }

    fn finish(mut self) -> Result<()> {
        self.writer.flush().map_err(|e| self.failure(&e))
    }

    fn failure(&self, e: &std::io::Error) -> Failure {
        Failure::io(
            "write",
            self.path.as_deref().unwrap_or(Path::new("<stdout>")),
            e,
        )
    }

    fn label(&self) -> String {
        self.path
            .as_ref()
            .map_or("standard output".to_string(), |p| p.display().to_string())
    }
}

/// `people.csv` → `people.corrected.csv`, beside it.
fn default_output(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map_or("output".into(), |s| s.to_string_lossy());
    input.with_file_name(format!("{stem}.corrected.csv"))
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub(crate) fn run(args: &FixArgs) -> Result<ExitCode> {
    let mut source = Source::new(&args.file);
    let roster = crate::roster::prepare(&args.file, args.roster.as_ref(), args.preview.as_ref())?;
    let groups = known_groups(args.groups.as_ref())?;
    let fix_options = FixOptions {
        no_fix: flatten(&args.no_fix),
        suggested: if args.suggested {
            Suggested::All
        } else if args.suggested_only.is_empty() {
            Suggested::None
        } else {
            Suggested::Only(flatten(&args.suggested_only))
        },
    };
    let out_path: PathBuf = match (&args.output, &source) {
        (Some(p), _) => p.clone(),
        (None, Source::Path(p)) => default_output(p),
        (None, Source::Stdin(_)) => PathBuf::from("-"),
    };
    if let Source::Path(input) = &source {
        let outputs = [
            Some(&out_path),
            args.report.as_ref(),
            args.findings.as_ref(),
            args.json.as_ref(),
            args.preview.as_ref(),
        ];
        for p in outputs.into_iter().flatten() {
            if same_file(input, p) {
                return Err(Failure(format!(
                    "refusing to write {} over the input file; choose another output name",
                    p.display()
                )));
            }
        }
    }

    // Pass 1: the check. The JSON report keeps up to the cap; otherwise the counts suffice (the
    // fix pass re-derives every finding for the outputs).
    let options = Options {
        file_name: source.name(),
        encoding: args.encoding,
        sheet: args.sheet.clone(),
        ..Options::new()
    }
    .with_known_groups(groups.clone())
    .with_roster(roster.clone())
    .with_max_findings_per_code(if args.json.is_some() {
        args.max_findings_per_code.0
    } else {
        Some(100)
    });
    let options_cap = options.max_findings_per_code;
    let report = check_pass(&mut source, options, Threads(args.threads))?;
    if let Some(path) = &args.json {
        let mut out = Output::create(path)?;
        let written = report.write_json(&mut out.writer, true);
        written.map_err(|e| out.failure(&e))?;
        out.write(b"\n")?;
        out.finish()?;
    }
    // Nothing was read: not a CSV (F003), or a workbook with no sheet to read, encrypted or too
    // large (F018, F019, F023).
    let not_csv = report.findings.iter().find(|f| {
        f.code == Code::F003
            || (report.file.headers.is_empty()
                && matches!(f.code, Code::F018 | Code::F019 | Code::F023))
    });

    // Pass 2: the fix, streamed to the outputs and into a check of the corrected bytes.
    let mut corrected = match not_csv {
        Some(_) => None,
        None => Some(Output::create(&out_path)?),
    };
    let mut error_report = args.report.as_deref().map(Output::create).transpose()?;
    let mut findings = args.findings.as_deref().map(Output::create).transpose()?;
    let mut preview = args.preview.as_deref().map(Output::create).transpose()?;
    let recheck_name = corrected
        .as_ref()
        .and_then(|o| o.path.as_ref())
        .map(|p| p.display().to_string());
    // The corrected file is UTF-8 when F001 converted it, else in the file's own encoding.
    let converted = report.findings.iter().any(|f| {
        f.code == Code::F001
            && f.fix
                .as_ref()
                .is_some_and(|x| fix_options.applies_to(f.code, x))
    });
    let kept = orgsync_core::Encoding::for_label(report.file.encoding)
        .filter(|e| !converted && !e.is_utf8() && !e.is_utf16())
        // A UTF-8 file with some rows in another encoding stays so: detection reads it again.
        .filter(|_| {
            !report
                .findings
                .iter()
                .any(|f| f.code == Code::F001 && f.line.is_some())
        });
    let recheck_options = Options {
        file_name: recheck_name,
        encoding: kept,
        ..Options::new()
    }
    .with_known_groups(groups)
    .with_roster(roster)
    .with_max_findings_per_code(Some(100));
    // Corrected bytes equal to the input's, checked with the same options, give the check pass's
    // report again: while they are, nothing is re-checked (a file with nothing to fix costs no
    // second check). The options must be the first pass's but for the name, which only F010
    // reads (both names end in .csv), and the cap, which only decides which findings are kept.
    let csv_name = |p: &Path| p.to_string_lossy().to_ascii_lowercase().ends_with(".csv");
    let same_options = args.encoding == kept
        && args.sheet.is_none()
        && options_cap == Some(100)
        && csv_name(&out_path);
    let input = match &source {
        Source::Path(p) if same_options && csv_name(p) => Some(p.clone()),
        _ => None,
    };
    // What the corrected file still holds, worked out from the rows the fix changes when that
    // is exact (`Fixer::track_left`): then nothing is checked again. That needs the corrected
    // file on disk, to check it after all when the count is not exact (a dropped row, a
    // file-level fix, a change the cross-row rules would see...).
    let counted = input.is_some()
        && corrected.as_ref().is_some_and(|o| o.path.is_some())
        && args.roster.is_none();
    let mut recheck = if counted {
        Recheck::idle()
    } else {
        Recheck::new(recheck_options.clone(), input)
    };
    // `input`: the bytes of the file the fix pass just took, before the output it gave for them.
    // Bytes of the corrected file written so far.
    let mut written_bytes: u64 = 0;
    // `counting`: the fix pass still counts what is left exactly; when it stops (`switch`), the
    // check of the corrected file starts on its thread, reading back what was written so far.
    let mut emit = |input: &[u8], chunk: FixChunk, switch: bool| -> Result<()> {
        if switch && let Some(o) = corrected.as_mut() {
            o.writer.flush().map_err(|e| o.failure(&e))?;
            if let Some(path) = o.path.clone() {
                recheck = Recheck::from_file(recheck_options.clone(), path, written_bytes);
            }
        }
        recheck.input(input);
        if let Some(o) = corrected.as_mut() {
            o.write(&chunk.corrected)?;
            written_bytes += chunk.corrected.len() as u64;
            recheck.corrected(chunk.corrected);
        }
        if let Some(o) = error_report.as_mut() {
            o.write(&chunk.error_report)?;
        }
        if let Some(o) = findings.as_mut() {
            o.write(&chunk.findings)?;
        }
        if let Some(o) = preview.as_mut() {
            o.write(&chunk.preview)?;
        }
        Ok(())
    };
    let mut fixer = Fixer::new(&report, &fix_options);
    if counted {
        fixer = fixer.track_left(&report);
    }
    let mut counting = counted;
    source.read("Fixing", &mut |chunk| {
        fixer.push(chunk);
        let switch = counting && !fixer.counts_left();
        counting &= !switch;
        emit(chunk, fixer.take_output(), switch)?;
        Ok(true)
    })?;
    let (rest, left) = fixer.finish_with_left();
    emit(&[], rest, false)?;
    let corrected_label = corrected
        .as_ref()
        .and_then(|o| o.path.as_ref())
        .map(|p| p.display().to_string());
    let mut written = Vec::new();
    for o in [corrected, error_report, findings, preview]
        .into_iter()
        .flatten()
    {
        if o.path.is_some() {
            written.push(o.label());
        }
        o.finish()?;
    }
    if let Some(p) = &args.json {
        written.push(p.display().to_string());
    }
    let after = if counted {
        match left {
            Some(left) => {
                // Debug builds (every test of the CLI) check the count against a check of the
                // corrected file.
                #[cfg(debug_assertions)]
                {
                    let full = check_pass(
                        &mut Source::new(&out_path),
                        recheck_options,
                        Threads(args.threads),
                    )?;
                    assert_eq!(
                        left,
                        Left::of(&full),
                        "the count of what the corrected file holds differs from its check"
                    );
                }
                left
            }
            // Counting stopped while the rows were fixed: the check started then.
            None if !counting => Left::of(&recheck.finish(&report)?),
            // Only at the end of the file: a check of what was written.
            None => Left::of(&check_pass(
                &mut Source::new(&out_path),
                recheck_options,
                Threads(args.threads),
            )?),
        }
    } else {
        Left::of(&recheck.finish(&report)?)
    };

    let mut err = anstream::stderr();
    if let Some(f) = not_csv {
        let _ = writeln!(
            err,
            "{}{} {}: {}\n   {} {} {}",
            "error".red().bold(),
            format!("[{}]", f.code).bold(),
            f.code.rule().name.bold(),
            f.message,
            "=".blue().bold(),
            "help:".bold(),
            f.tip
        );
        let _ = writeln!(
            err,
            "No corrected file written: nothing of {} could be read, so there is nothing to correct.",
            source.label()
        );
        return Ok(ExitCode::from(1));
    }
    let _ = summarise(
        &mut err,
        &report,
        &after,
        &fix_options,
        &written,
        corrected_label.as_deref(),
    );
    Ok(exit_code(after.has_errors()))
}

/// The check of the corrected bytes, for `fix`'s exit code and summary. It runs on a thread of
/// its own, fed the chunks as they are written: on a machine with two cores it costs no wall
/// time beside the fix pass. With `input` (a file whose check pass ran with the re-check's
/// options), the thread starts only once the corrected bytes differ from the input's, and reads
/// the identical part back from the input file; when they never differ, the check pass's
/// report is the answer and nothing is checked twice.
struct Recheck {
    options: Option<Options>,
    /// While the corrected bytes equal the input's: the input not yet matched by output
    /// (`pending[start..]`), and how many bytes matched.
    same: Option<Same>,
    input: Option<PathBuf>,
    thread: Option<(std::sync::mpsc::SyncSender<Vec<u8>>, Rechecking)>,
}

/// The re-check's thread: the report, or why the input could not be read back.
type Rechecking = std::thread::JoinHandle<std::result::Result<Report, String>>;

struct Same {
    pending: Vec<u8>,
    start: usize,
    matched: u64,
}

impl Recheck {
    fn new(options: Options, input: Option<PathBuf>) -> Recheck {
        let mut r = Recheck {
            options: Some(options),
            same: input.is_some().then(|| Same {
                pending: Vec::new(),
                start: 0,
                matched: 0,
            }),
            input,
            thread: None,
        };
        if r.same.is_none() {
            r.start(0);
        }
        r
    }

    /// A re-check of a corrected file of which `written` bytes are on disk at `path` already:
    /// its thread reads them back, then takes the chunks as they are written.
    fn from_file(options: Options, path: PathBuf, written: u64) -> Recheck {
        let mut r = Recheck {
            options: Some(options),
            same: None,
            input: Some(path),
            thread: None,
        };
        r.start(written);
        r
    }

    /// A re-check that checks nothing (the fix counts what is left: `Fixer::track_left`).
    fn idle() -> Recheck {
        Recheck {
            options: None,
            same: None,
            input: None,
            thread: None,
        }
    }

    /// Starts the thread; it first reads the input's first `prefix` bytes (equal to the
    /// corrected file's so far) from the input file.
    fn start(&mut self, prefix: u64) {
        let Some(options) = self.options.take() else {
            return;
        };
        let input = self.input.clone().filter(|_| prefix > 0);
        let (tx, chunks) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
        let thread = std::thread::spawn(move || {
            let mut recheck = Checker::new(options);
            if let Some(path) = input {
                let mut f = File::open(&path)
                    .map_err(|e| format!("cannot read {} again: {e}", path.display()))?;
                let mut left = prefix;
                let mut buf = vec![0; crate::source::CHUNK];
                while left > 0 {
                    let want = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
                    let n = std::io::Read::read(&mut f, &mut buf[..want])
                        .map_err(|e| format!("cannot read {} again: {e}", path.display()))?;
                    if n == 0 {
                        return Err(format!(
                            "{} became shorter while it was fixed",
                            path.display()
                        ));
                    }
                    recheck.push(&buf[..n]);
                    left -= n as u64;
                }
            }
            for chunk in chunks {
                recheck.push(&chunk);
            }
            Ok(recheck.finish())
        });
        self.thread = Some((tx, thread));
    }

    /// Input bytes the fix pass took.
    fn input(&mut self, bytes: &[u8]) {
        if let Some(s) = self.same.as_mut() {
            if s.start > (1 << 22) && s.start * 2 > s.pending.len() {
                s.pending.drain(..s.start);
                s.start = 0;
            }
            s.pending.extend_from_slice(bytes);
        }
    }

    /// Corrected bytes, as written.
    fn corrected(&mut self, bytes: Vec<u8>) {
        if let Some(s) = self.same.as_mut() {
            let end = s.start + bytes.len();
            if s.pending.get(s.start..end) == Some(&bytes[..]) {
                s.start = end;
                s.matched += bytes.len() as u64;
                return;
            }
            let prefix = s.matched;
            self.same = None;
            self.start(prefix);
        }
        if let Some((tx, _)) = &self.thread {
            // The thread only ends early by failing, which `finish` reports.
            let _ = tx.send(bytes);
        }
    }

    /// The report on the corrected file.
    fn finish(self, before: &Report) -> Result<Report> {
        if let Some(s) = &self.same
            && s.start == s.pending.len()
        {
            return Ok(before.clone());
        }
        let mut r = self;
        if r.thread.is_none() {
            // Output shorter than the input: check it all.
            let prefix = r.same.take().map_or(0, |s| s.matched);
            r.start(prefix);
        }
        let Some((tx, thread)) = r.thread else {
            return Err(Failure(
                "the check of the corrected file did not start".into(),
            ));
        };
        drop(tx);
        thread
            .join()
            .map_err(|_| Failure("the check of the corrected file failed".into()))?
            .map_err(Failure)
    }
}

/// What changed, per rule, and what is left.
fn summarise(
    err: &mut dyn Write,
    before: &Report,
    after: &Left,
    options: &FixOptions,
    written: &[String],
    corrected: Option<&str>,
) -> std::io::Result<()> {
    if !written.is_empty() {
        writeln!(err, "{} {}", "Wrote".green().bold(), written.join(", "))?;
    }
    let mut codes: Vec<Code> = before.summary.by_code.keys().copied().collect();
    for c in after.by_code.keys() {
        if !codes.contains(c) {
            codes.push(*c);
        }
    }
    codes.sort();
    let suggested_left = |c: Code| after.suggested.contains(&c);
    for c in codes {
        let (b, a) = (
            before.summary.by_code.get(&c).copied().unwrap_or(0),
            after.by_code.get(&c).copied().unwrap_or(0),
        );
        let status = if a == 0 {
            "fixed".green().to_string()
        } else if options.no_fix.contains(&c) {
            "not fixed (--no-fix)".dimmed().to_string()
        } else if suggested_left(c) {
            format!("suggested fixes not applied (--suggested-only {c})")
                .yellow()
                .to_string()
        } else if a < b {
            "partly fixed".yellow().to_string()
        } else if c.rule().fix == orgsync_core::FixKind::None {
            "no automatic fix".dimmed().to_string()
        } else {
            "left for you".dimmed().to_string()
        };
        writeln!(err, "  {c} {:<28} {b:>6} → {a:<6} {status}", c.rule().name)?;
    }
    let line = render::last_line(&Summary {
        errors: after.errors,
        warnings: after.warnings,
        infos: after.infos,
        safe_fixes: after.safe_fixes,
        suggested_fixes: after.suggested_fixes,
        ..Summary::default()
    });
    match corrected {
        Some(path) => {
            writeln!(err, "In {path}: {line}")?;
            if after.errors + after.warnings > 0 {
                writeln!(err, "Run `orgsync check {path}` to see what is left.")?;
            }
        }
        None => writeln!(err, "In the corrected file: {line}")?,
    }
    Ok(())
}
