//! Reading the input: a path or standard input, in 1 MiB chunks, never whole; a progress bar on
//! large files.
//!
//! Every command reads its input at least twice (check pass, then fix pass or cell look-up), so
//! standard input, which can be read once only, is copied to an anonymous temporary file while
//! the check pass reads it. The temporary file is deleted by the OS when the command ends; the
//! memory use stays that of one chunk.

use crate::{Failure, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// How much is read and pushed at a time.
pub(crate) const CHUNK: usize = 1 << 20;

/// Files larger than this get a progress bar (when standard error is a terminal).
const PROGRESS_FROM: u64 = 20 * 1000 * 1000;

/// Where the input comes from.
#[derive(Debug)]
pub(crate) enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// Standard input, copied to a temporary file once read.
    Stdin(Option<File>),
}

impl Source {
    /// `-` is standard input.
    pub(crate) fn new(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin(None)
        } else {
            Source::Path(arg.to_path_buf())
        }
    }

    /// The name reports show: the path as given, or none for standard input.
    pub(crate) fn name(&self) -> Option<String> {
        match self {
            Source::Path(p) => Some(p.display().to_string()),
            Source::Stdin(_) => None,
        }
    }

    /// The name messages use.
    pub(crate) fn label(&self) -> String {
        self.name().unwrap_or_else(|| "<stdin>".to_string())
    }

    /// The file on disk it reads (to read it in parts at once); none for standard input.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Source::Path(p) => Some(p),
            Source::Stdin(_) => None,
        }
    }

    fn path_for_errors(&self) -> PathBuf {
        match self {
            Source::Path(p) => p.clone(),
            Source::Stdin(_) => PathBuf::from("<stdin>"),
        }
    }

    /// Reads the whole input once, chunk by chunk, handing each to `sink`, which
    /// returns false when it needs no more. The first read of
    /// standard input copies it to a temporary file; later reads read that file.
    pub(crate) fn read(
        &mut self,
        message: &str,
        sink: &mut dyn FnMut(&[u8]) -> Result<bool>,
    ) -> Result<()> {
        let err_path = self.path_for_errors();
        let (mut reader, size, mut spool): (Box<dyn Read>, Option<u64>, Option<File>) = match self {
            Source::Path(p) => {
                let f = File::open(p.as_path()).map_err(|e| Failure::io("read", p, &e))?;
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(f), size, None)
            }
            Source::Stdin(Some(f)) => {
                f.seek(SeekFrom::Start(0))
                    .map_err(|e| Failure::io("read", &err_path, &e))?;
                let size = f.metadata().ok().map(|m| m.len());
                let f = f
                    .try_clone()
                    .map_err(|e| Failure::io("read", &err_path, &e))?;
                (Box::new(f), size, None)
            }
            Source::Stdin(None) => {
                let spool = tempfile::tempfile().map_err(|e| {
                    Failure(format!(
                        "cannot create a temporary file to hold standard input: {e}"
                    ))
                })?;
                (Box::new(std::io::stdin().lock()), None, Some(spool))
            }
        };
        let bar = progress(size, message);
        pump(&mut reader, &err_path, bar.as_ref(), &mut |chunk| {
            if let Some(spool) = spool.as_mut() {
                spool.write_all(chunk).map_err(|e| {
                    Failure(format!(
                        "cannot copy standard input to a temporary file: {e}"
                    ))
                })?;
            }
            // When the caller has what it needs, a spooled stdin must still be read whole.
            Ok(sink(chunk)? || spool.is_some())
        })?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if let Some(spool) = spool {
            *self = Source::Stdin(Some(spool));
        }
        Ok(())
    }
}

/// Reads the bytes `[start, end)` of the file at `path` (fewer if it ends sooner), chunk by
/// chunk, handing each to `sink`; a thread of its own can read another span of the same file.
pub(crate) fn read_span(
    path: &Path,
    start: u64,
    end: u64,
    bar: Option<&ProgressBar>,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<()> {
    let fail = |e: std::io::Error| Failure::io("read", path, &e);
    let mut file = File::open(path).map_err(fail)?;
    file.seek(SeekFrom::Start(start)).map_err(fail)?;
    let mut reader = file.take(end.saturating_sub(start));
    pump(&mut reader, path, bar, &mut |chunk| {
        sink(chunk);
        Ok(true)
    })
}

/// Reads `reader` to its end a chunk at a time, handing each to `sink` (which says whether to go
/// on) and counting it on `bar`; a read error names `path`.
fn pump(
    reader: &mut dyn Read,
    path: &Path,
    bar: Option<&ProgressBar>,
    sink: &mut dyn FnMut(&[u8]) -> Result<bool>,
) -> Result<()> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::io("read", path, &e)),
        };
        let go_on = sink(&buf[..n])?;
        if let Some(bar) = bar {
            bar.inc(n as u64);
        }
        if !go_on {
            return Ok(());
        }
    }
}

/// A progress bar on standard error, for large files only, and only when someone watches.
pub(crate) fn progress(size: Option<u64>, message: &str) -> Option<ProgressBar> {
    let size = size.filter(|&s| s > PROGRESS_FROM)?;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:>10} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    Some(bar)
}
