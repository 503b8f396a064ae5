//! The engine's own answer for a file, natively: what the Node tests compare the wasm package
//! against (until they can run the `orgsync` CLI itself).
//!
//! ```text
//! cargo run -p orgsync-js --example reference -- FILE OUT_DIR [name=N] [groups=A,B] [max=N]
//!                                                [suggested=all|CODES] [nofix=CODES]
//!                                                [encoding=LABEL]
//! ```
//! writes OUT_DIR/report.json, corrected.csv, errors.csv and findings.csv.

use orgsync_core::{Checker, Code, FixOptions, Fixer, Options, Suggested};
use std::{env, fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reference: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = env::args().skip(1);
    let (Some(file), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: reference FILE OUT_DIR [key=value]...".into());
    };
    let (mut check, mut fix) = (Options::default(), FixOptions::default());
    for arg in args {
        let (key, value) = arg.split_once('=').ok_or(format!("not key=value: {arg}"))?;
        let list = || value.split(',').filter(|s| !s.is_empty());
        let codes = || {
            list()
                .map(|c| c.parse::<Code>().map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()
        };
        match key {
            "name" => check.file_name = Some(value.to_string()),
            "groups" => check.known_groups = list().map(str::to_string).collect(),
            "max" => check.max_findings_per_code = Some(value.parse().map_err(|_| "max=N")?),
            "suggested" if value == "all" => fix.suggested = Suggested::All,
            "suggested" => fix.suggested = Suggested::Only(codes()?),
            "nofix" => fix.no_fix = codes()?,
            "encoding" => {
                check.encoding = Some(
                    orgsync_core::Encoding::for_label(value).ok_or(format!("encoding {value}"))?,
                )
            }
            _ => return Err(format!("unknown key {key}")),
        }
    }
    let bytes = fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    let mut checker = Checker::new(check);
    checker.push(&bytes);
    let report = checker.finish();
    let mut fixer = Fixer::new(&report, &fix);
    fixer.push(&bytes);
    let output = fixer.finish();
    let out = PathBuf::from(out);
    let write = |name: &str, data: &[u8]| {
        fs::write(out.join(name), data).map_err(|e| format!("{name}: {e}"))
    };
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    write("report.json", report.to_json(false).as_bytes())?;
    write("corrected.csv", &output.corrected)?;
    write("errors.csv", &output.error_report)?;
    write("findings.csv", &output.findings)
}
