//! `orgsync`: checks and corrects LinkedIn Learning Org Sync CSV files on the admin's own machine.
//!
//! This crate is the engine's native face: it opens files, streams them through
//! [`orgsync_core::Checker`] and [`orgsync_core::Fixer`] in 1 MiB chunks, renders the findings for
//! a terminal, and turns the result into an exit code. It holds no validation logic.
//!
//! Exit codes: 0 when the (corrected) file has no error-severity finding, 1 when it has one
//! (a file that is not a CSV at all is such a finding, F003), 2 when the command could not run
//! (bad usage, an unreadable input, an unwritable output).

mod catalogue;
mod cells;
mod check;
mod fix;
mod render;
mod roster;
mod source;

use clap::{Args, Parser, Subcommand, ValueEnum};
use orgsync_core::{Code, Encoding};
use std::path::PathBuf;
use std::process::ExitCode;

/// A command that could not run: printed as one `error: …` line, exit code 2.
#[derive(Debug)]
pub(crate) struct Failure(pub String);

pub(crate) type Result<T> = std::result::Result<T, Failure>;

impl Failure {
    /// An I/O failure on a path: names the path and the operating system's reason.
    pub(crate) fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Failure {
        Failure(format!(
            "cannot {what} {}: {}",
            path.display(),
            os_reason(err)
        ))
    }
}

/// The OS's words for an I/O error, without Rust's debug decoration.
pub(crate) fn os_reason(err: &std::io::Error) -> String {
    err.to_string()
}

#[derive(Debug, Parser)]
#[command(
    name = "orgsync",
    version,
    about = "Check and correct LinkedIn Learning Org Sync (bulk user) CSV files before you upload them.",
    long_about = "Check and correct LinkedIn Learning Org Sync (bulk user) CSV files before you upload them.\n\
                  Everything happens on this machine: no file is sent anywhere.\n\n\
                  Exit codes: 0 no errors, 1 errors found (in the corrected file, for `fix`), 2 could not run."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a file and report every problem, grouped by rule.
    Check(CheckArgs),
    /// Write a corrected copy of a file, and the reports if asked.
    ///
    /// Safe fixes are applied unless turned off with --no-fix; suggested ones only with
    /// --suggested or --suggested-only. Exits as `check` would on the corrected file.
    Fix(FixArgs),
    /// List the rules, or print one rule's documentation.
    Rules(RulesArgs),
    /// Print a blank Org Sync file (the header row) to start from.
    Template(TemplateArgs),
}

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Diagnostics for people, grouped by rule, then a summary.
    Human,
    /// One JSON object: file facts, summary, every finding.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The account's groups: a user export CSV (its `group:` headers) or a text file with one
    /// group name a line. Group permissions naming other groups are reported (R008).
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// Show every finding kept (the human format shows the first 5 of each rule).
    #[arg(short, long)]
    pub verbose: bool,
    /// Keep at most N findings of each rule in the report; counts stay exact and the report says
    /// how many were left out. `all` keeps every finding: memory then grows with the findings
    /// (about 0.75 GiB a million; see RELIABILITY.md).
    #[arg(long, value_name = "N|all", default_value_t = Cap(Some(orgsync_core::DEFAULT_MAX_FINDINGS_PER_CODE)), value_parser = parse_cap)]
    pub max_findings_per_code: Cap,
    /// The account's current users: a user export CSV from the admin center (People > Users >
    /// Download all users). Turns on rules P001–P005 and the preview of what the upload does to
    /// each user; its `group:` columns also serve as --groups when that is not given.
    #[arg(long, value_name = "EXPORT.csv")]
    pub roster: Option<PathBuf>,
    /// With --roster: write the preview CSV of uploading the file with its safe fixes applied
    /// (one line per change per user, a `rejected` line for a row still with an error, then the
    /// users the upload leaves untouched).
    #[arg(long, value_name = "PREVIEW.csv", requires = "roster")]
    pub preview: Option<PathBuf>,
    /// Read the file in this encoding instead of guessing it: any label of the WHATWG Encoding
    /// Standard (utf-8, shift_jis, gbk, big5, euc-kr, windows-1250, windows-1251, windows-1252,
    /// macintosh, iso-8859-2, koi8-r…).
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,

    /// For a workbook: the sheet to read, by name or number (1 is the first). Default: the first
    /// sheet whose first row holds an identifier header, else the first with data.
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// Threads for the check: with 2, a file of 8 MB or more is checked in two parts at once
    /// (the default on a machine with two cores or more); 1 reads it in one pass. The report is
    /// the same either way.
    #[arg(long, value_name = "1|2", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub threads: Option<u8>,
    /// The CSV file or workbook (.xlsx, .xlsm, .xlsb, .ods, .xls) to check; `-` reads standard
    /// input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct FixArgs {
    /// The CSV file or workbook (.xlsx, .xlsm, .xlsb, .ods, .xls) to correct; `-` reads standard
    /// input. The corrected file of a workbook is a CSV UTF-8 file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// For a workbook: the sheet to read, as for `check`.
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// Where to write the corrected file; `-` is standard output. Default: `<stem>.corrected.csv`
    /// beside the input (standard output when the input is standard input).
    #[arg(short = 'o', long = "output", value_name = "OUT.csv")]
    pub output: Option<PathBuf>,
    /// Also write the error report: file-level problems first, then each row with problems, its
    /// original cells and a `messages` column.
    #[arg(long, value_name = "REPORT.csv")]
    pub report: Option<PathBuf>,
    /// Also write the findings CSV: one line per finding with its fix's before and after values.
    #[arg(long, value_name = "FINDINGS.csv")]
    pub findings: Option<PathBuf>,
    /// Also write the JSON report of the input (the shape `check --format json` prints).
    #[arg(long, value_name = "REPORT.json")]
    pub json: Option<PathBuf>,
    /// Also apply every suggested fix (likely corrections a person should confirm).
    #[arg(long, conflicts_with = "suggested_only")]
    pub suggested: bool,
    /// Apply the suggested fixes of these rules only (comma-separated codes or names).
    #[arg(long, value_name = "CODES", value_parser = parse_codes)]
    pub suggested_only: Vec<Codes>,
    /// Turn off every fix of these rules, safe ones included (comma-separated codes or names).
    #[arg(long, value_name = "CODES", value_parser = parse_codes)]
    pub no_fix: Vec<Codes>,
    /// The account's groups, as for `check`.
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// The JSON report (--json) keeps at most N findings of each rule, as for `check`; the
    /// corrected file and the CSV reports always hold every row and every finding.
    /// Read the file in this encoding instead of guessing it: any label of the WHATWG Encoding
    /// Standard (utf-8, shift_jis, gbk, big5, euc-kr, windows-1250, windows-1251, windows-1252,
    /// macintosh, iso-8859-2, koi8-r…).
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,

    #[arg(long, value_name = "N|all", default_value_t = Cap(Some(orgsync_core::DEFAULT_MAX_FINDINGS_PER_CODE)), value_parser = parse_cap)]
    pub max_findings_per_code: Cap,
    /// The account's current users (a user export), as for `check`.
    #[arg(long, value_name = "EXPORT.csv")]
    pub roster: Option<PathBuf>,
    /// With --roster: also write the preview CSV of uploading the corrected file (the values
    /// after the fixes chosen; a row still with an error is `rejected`, changing nothing).
    #[arg(long, value_name = "PREVIEW.csv", requires = "roster")]
    pub preview: Option<PathBuf>,
    /// Threads for the check pass, as for `check`.
    #[arg(long, value_name = "1|2", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub threads: Option<u8>,
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// A rule code (`R002`) or name (`invalid-email`): print its documentation.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
    /// Print the whole catalogue as Markdown (this is how docs/rules.md is made).
    #[arg(long, conflicts_with = "code")]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub(crate) struct TemplateArgs {
    /// The "Users and admins" template: adds the eight admin permission columns.
    #[arg(long)]
    pub admins: bool,
    /// A license column, exactly as in a user export (`<budget group>_license_<license type>_status`).
    /// Repeat for several.
    #[arg(long = "license", value_name = "HEADER")]
    pub licenses: Vec<String>,
    /// A group column (`group:<NAME>`). Repeat for several.
    #[arg(long = "group", value_name = "NAME")]
    pub groups: Vec<String>,
    /// Write the template to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--max-findings-per-code`: a number, or `all` (no cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cap(pub Option<usize>);

/// The default, `orgsync_core::DEFAULT_MAX_FINDINGS_PER_CODE`, as `--help` shows it.
impl std::fmt::Display for Cap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("all"),
        }
    }
}

fn parse_cap(s: &str) -> std::result::Result<Cap, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(Cap(None));
    }
    s.parse::<usize>()
        .map(|n| Cap(Some(n)))
        .map_err(|_| format!("expected a whole number of 0 or more, or `all`, not `{s}`"))
}

fn parse_encoding(s: &str) -> std::result::Result<Encoding, String> {
    Encoding::for_label(s).ok_or_else(|| {
        let labels: Vec<&str> = Encoding::all().map(Encoding::as_str).collect();
        format!(
            "`{s}` is not an encoding this tool reads; use a label of the WHATWG Encoding Standard: {}",
            labels.join(", ")
        )
    })
}

/// Comma-separated rule codes or names.
#[derive(Debug, Clone)]
pub(crate) struct Codes(pub Vec<Code>);

fn parse_codes(s: &str) -> std::result::Result<Codes, String> {
    let mut codes = Vec::new();
    for part in s.split(',') {
        if part.trim().is_empty() {
            continue;
        }
        codes.push(part.parse::<Code>().map_err(|e| e.to_string())?);
    }
    if codes.is_empty() {
        return Err("expected one or more rule codes or names, separated by commas".into());
    }
    Ok(Codes(codes))
}

/// Every code of repeated `CODES` options.
pub(crate) fn flatten(codes: &[Codes]) -> Vec<Code> {
    let mut out: Vec<Code> = Vec::new();
    for c in codes.iter().flat_map(|c| c.0.iter().copied()) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Rules(args) => catalogue::run(&args),
        Command::Template(args) => template(&args),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            use owo_colors::OwoColorize;
            use std::io::Write;
            let mut err = anstream::stderr();
            let _ = writeln!(err, "{} {message}", "error:".red().bold());
            ExitCode::from(2)
        }
    }
}

/// Reads the known groups from `--groups FILE`.
pub(crate) fn known_groups(path: Option<&PathBuf>) -> Result<Vec<String>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let bytes = std::fs::read(path).map_err(|e| Failure::io("read", path, &e))?;
    Ok(orgsync_core::groups_from_export(&bytes))
}

/// `orgsync template`.
fn template(args: &TemplateArgs) -> Result<ExitCode> {
    use std::io::Write;
    let text = orgsync_core::template(&orgsync_core::TemplateOptions {
        admins: args.admins,
        licenses: args.licenses.clone(),
        groups: args.groups.clone(),
    })
    .map_err(|e| Failure(e.to_string()))?;
    if args.licenses.is_empty() {
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "note: no --license given, so the template has no license column; license headers are your account's own \
             (copy one from a user export, e.g. --license acme_license_learning_status)"
        );
    }
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(path, text).map_err(|e| Failure::io("write", path, &e))?
        }
        _ => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
    }
    Ok(ExitCode::SUCCESS)
}
