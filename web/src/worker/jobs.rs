//! The job handlers: a check, a user export, the grid's whole rows, the downloads, what is
//! left after the fixes, the preview's pages and the glossary.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The user export with this number: the one held, or read now from `file` (then held, and its
/// view sent to the page at once).
pub(super) async fn read_roster(
    job: JobId,
    file: File,
    id: RosterId,
) -> Result<Arc<orgsync_core::Roster>, Stop> {
    let held = ROSTER.with(|r| {
        r.borrow()
            .as_ref()
            .filter(|(held, _)| *held == id)
            .map(|(_, roster)| Arc::clone(roster))
    });
    if let Some(roster) = held {
        return Ok(roster);
    }
    // The previous export is freed before this one is read.
    ROSTER.with(|r| *r.borrow_mut() = None);
    let mut reader = orgsync_core::RosterReader::new(Some(file.name()));
    let mut slices = SliceReader::new(job, file, None)?;
    slices.export = true;
    while let Some(slice) = slices.next_slice().await? {
        reader.push(slice);
        slices.progress(0).await?;
    }
    let roster = Arc::new(reader.finish());
    post(
        &Reply::Roster {
            job,
            roster: id,
            view: Box::new(adapter::roster_view(&roster)),
        },
        None,
    );
    ROSTER.with(|r| *r.borrow_mut() = Some((id, Arc::clone(&roster))));
    Ok(roster)
}

/// Feeds a checker the rest of a reader's bytes, adding up where the time went.
/// Pushes the slices into the checker. `expect`: the file's size, for the first checker of a
/// split check (see [`orgsync_core::Checker::expect_bytes`]), told after the first slice.
pub(super) async fn feed(
    checker: &mut orgsync_core::Checker,
    slices: &mut SliceReader,
    mut expect: Option<u64>,
    read_ms: &mut f64,
    engine_ms: &mut f64,
    between_ms: &mut f64,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    loop {
        let t = now();
        let Some(slice) = slices.next_slice().await? else {
            return Ok(());
        };
        let t_read = now();
        checker.push(slice);
        if let Some(bytes) = expect.take() {
            checker.expect_bytes(bytes);
        }
        let t_engine = now();
        *read_ms += t_read - t;
        *engine_ms += t_engine - t_read;
        slices.progress(checker.rows_read()).await?;
        *between_ms += now() - t_engine;
    }
}

pub(super) async fn check(
    job: JobId,
    file: File,
    export: Option<(RosterId, File)>,
    (known_groups, sheet): (Vec<String>, Option<String>),
    split: bool,
    encoding: Option<String>,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    let start = now();
    let mut timing = Timing {
        started_at: start,
        workers: 1,
        ..Timing::default()
    };
    // Parts left over from checks that ended some other way.
    PARTS.with(|parts| {
        parts
            .borrow_mut()
            .retain(|(j, slot)| *j == job || matches!(slot, PartSlot::Waiting(_)))
    });
    // The page has let the last report go; so does the worker, before holding a second one
    // (with an export, a report holds its roster too).
    LAST_REPORT.with(|last| *last.borrow_mut() = None);
    FIX_PREVIEW.with(|p| *p.borrow_mut() = None);
    WHOLE.with(|w| *w.borrow_mut() = None);
    let whole_file = file.clone();
    let roster = match export {
        Some((id, export)) => Some(read_roster(job, export, id).await?),
        None => {
            ROSTER.with(|r| *r.borrow_mut() = None);
            None
        }
    };
    // With no glossary typed, the export's `group:` columns are R008's (the engine's rule, as
    // the CLI's `--roster`).
    let options = orgsync_core::Options {
        file_name: Some(file.name()),
        encoding: encoding
            .as_deref()
            .and_then(orgsync_core::Encoding::for_label),
        sheet,
        ..orgsync_core::Options::new()
    }
    .with_known_groups(known_groups)
    .with_roster(roster);
    LAST_OPTIONS.with(|o| *o.borrow_mut() = Some(options.clone()));
    let mut checker = orgsync_core::Checker::new(options);
    let size = file.size() as u64;
    // A split check stops at the cut; a second worker checks the rest at the same time.
    let cut = if split { find_cut(&file).await? } else { None };
    let mut slices = SliceReader::range(job, file.clone(), 0, cut.unwrap_or(size))?;
    feed(
        &mut checker,
        &mut slices,
        // The second worker's records are merged into this checker's.
        cut.map(|_| size),
        &mut timing.read_ms,
        &mut timing.engine_ms,
        &mut timing.between_ms,
    )
    .await?;
    drop(slices);
    if let Some(cut) = cut {
        // The page always hands on the second worker's answer: a part, or none (it found no
        // cut, the engine cannot check this file in parts, or it failed).
        let t = now();
        let (part_cut, part_timing, buffer) = await_part(job).await?;
        let t_merge = now();
        timing.wait_ms = t_merge - t;
        timing.cut = cut;
        if part_cut.is_some() {
            timing.workers = 2;
            timing.part = part_timing;
        }
        timing.merged = merge_part(&mut checker, cut, part_cut, &buffer);
        drop(buffer);
        timing.merge_ms = now() - t_merge;
        if !timing.merged {
            // No part, or one the engine cannot take: the rest is read here.
            let mut rest = SliceReader::range(job, file, cut, size)?;
            feed(
                &mut checker,
                &mut rest,
                None,
                &mut timing.read_ms,
                &mut timing.engine_ms,
                &mut timing.between_ms,
            )
            .await?;
        }
    }
    let t = now();
    let report = Rc::new(checker.finish());
    let t_view = now();
    timing.finish_ms = t_view - t;
    timing.engine_ms += timing.finish_ms;
    LAST_REPORT.with(|last| *last.borrow_mut() = Some(Rc::clone(&report)));
    // The summary first; the grid of rows with problems, most of the view on a big file, next.
    let flat = adapter::flatten(&report);
    let view = adapter::summary_view(&report, &flat);
    timing.view_ms = now() - t_view;
    timing.total_ms = now() - start;
    let mut reply = Reply::Checked {
        job,
        report: Box::new(view),
        timing,
    };
    let payload = reply.payload_json();
    if let Reply::Checked { timing, .. } = &mut reply {
        timing.posted_at = now();
        timing.encode_ms = timing.posted_at - start - timing.total_ms;
    }
    post_with(&reply.to_text(), payload.as_deref(), None);
    let (rows, total) = crate::view::grid(&flat);
    drop(flat);
    let wanted: Vec<u64> = rows.iter().map(|r| r.row).collect();
    post_grid(job, &rows, total);
    drop(report);
    // Whose row it is: the grid shows every cell of its rows, read again from the file.
    if !wanted.is_empty() {
        read_whole(job, whole_file, wanted).await?;
    }
    Ok(())
}

/// The grid in parts of at most [`crate::view::GRID_PART`] rows, each a message of its own (at
/// least one, even for an empty grid): the page decodes each in a short task.
fn post_grid(job: JobId, rows: &[crate::view::ProblemRow], total: u64) {
    let mut parts = rows.chunks(crate::view::GRID_PART).peekable();
    if parts.peek().is_none() {
        post_with(
            &Reply::Grid {
                job,
                rows: Vec::new(),
                total,
                more: false,
            }
            .to_text(),
            Some("[]"),
            None,
        );
    }
    while let Some(part) = parts.next() {
        let reply = Reply::Grid {
            job,
            rows: Vec::new(),
            total,
            more: parts.peek().is_some(),
        };
        let json = serde_json::to_string(part).expect("a view always serializes");
        post_with(&reply.to_text(), Some(&json), None);
    }
}

/// The most bytes of whole rows the worker holds for the grid; rows past it show their
/// offending cells only.
pub(super) const WHOLE_BYTES: usize = 48 << 20;

/// Reads the cells of the grid's rows from the file (the same pipeline as the check, so the
/// same cells), keeps them, and tells the page.
pub(super) async fn read_whole(job: JobId, file: File, wanted: Vec<u64>) -> Result<(), Stop> {
    let mut reader = orgsync_core::RowReader::new(wanted);
    let mut slices = SliceReader::new(job, file, None)?;
    while let Some(slice) = slices.next_slice().await? {
        for piece in slice.chunks(FIX_PIECE) {
            reader.push(piece);
        }
        if reader.done() || reader.held_bytes() > WHOLE_BYTES {
            break;
        }
        slices.quiet_yield().await?;
    }
    let rows = reader.finish();
    let held = rows.len() as u64;
    WHOLE.with(|w| *w.borrow_mut() = Some((job, rows)));
    post(&Reply::Whole { job, rows: held }, None);
    Ok(())
}

/// The whole cells of the rows asked for, from the last check's grid rows held.
pub(super) fn whole_rows(job: JobId, wanted: &[u64]) {
    let rows = WHOLE.with(|w| {
        w.borrow()
            .as_ref()
            .map(|(_, rows)| {
                wanted
                    .iter()
                    .filter_map(|&r| {
                        rows.get(r)
                            .map(|cells| (r, cells.into_iter().map(str::to_string).collect()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    post(&Reply::Rows { job, rows }, None);
}

pub(super) async fn fix(
    job: JobId,
    file: File,
    choices: FixChoices,
    want: Download,
) -> Result<(), Stop> {
    // Shared, not taken: the preview's pages still come from it while the fixer runs.
    let Some(report) = LAST_REPORT.with(|last| last.borrow().clone()) else {
        return Err(Stop::Failed("Check the file before downloading.".into()));
    };
    fix_with(job, file, &report, &choices, want).await
}

/// What the corrected file with `choices` still has: it is written by the fixer and checked
/// as it is written, with the last check's options; nothing is kept.
pub(super) async fn left(job: JobId, file: File, choices: FixChoices) -> Result<(), Stop> {
    let (Some(report), Some(mut options)) = (
        LAST_REPORT.with(|last| last.borrow().clone()),
        LAST_OPTIONS.with(|o| o.borrow().clone()),
    ) else {
        return Err(Stop::Failed("Check the file first.".into()));
    };
    // Only the counts are wanted.
    options.max_findings_per_code = Some(0);
    let mut fixer = orgsync_core::Fixer::new(&report, &adapter::fix_options(&choices))
        .decide(adapter::row_decisions(&choices));
    let mut checker = orgsync_core::Checker::new(options);
    let mut slices = SliceReader::new(job, file, None)?;
    while let Some(slice) = slices.next_slice().await? {
        for piece in slice.chunks(FIX_PIECE) {
            fixer.push(piece);
            checker.push(&fixer.take_output().corrected);
        }
        slices.quiet_yield().await?;
    }
    let (rest, preview) = fixer.finish_with_preview();
    checker.push(&rest.corrected);
    let again = checker.finish();
    let preview_view = preview.as_ref().map(adapter::preview_view);
    FIX_PREVIEW.with(|p| *p.borrow_mut() = preview);
    let severity = |code: orgsync_core::Code| {
        orgsync_core::rules()
            .iter()
            .find(|r| r.code == code)
            .map(|r| adapter::sev(r.severity))
    };
    let mut rules: Vec<(crate::view::Sev, String, u64)> = again
        .summary
        .by_code
        .iter()
        .filter_map(|(code, n)| {
            severity(*code)
                .filter(|s| *s != crate::view::Sev::Info)
                .map(|s| (s, code.as_str().to_string(), *n))
        })
        .collect();
    rules.sort();
    post(
        &Reply::Left {
            job,
            errors: again.summary.errors,
            warnings: again.summary.warnings,
            rules: rules.into_iter().map(|(_, c, n)| (c, n)).collect(),
            preview: preview_view,
        },
        None,
    );
    Ok(())
}

/// A page of the preview's lines: of the corrected file's (the last counted choices), or
/// until there is one, of the last check's.
pub(super) fn preview(job: JobId, kind: Option<String>, offset: u64) {
    let page =
        |p: &orgsync_core::Preview| adapter::preview_page(p, kind.as_deref(), offset, PREVIEW_PAGE);
    let lines = FIX_PREVIEW
        .with(|fixed| fixed.borrow().as_ref().map(page))
        .or_else(|| {
            LAST_REPORT.with(|last| {
                last.borrow()
                    .as_ref()
                    .and_then(|r| r.preview.as_ref())
                    .map(page)
            })
        })
        .unwrap_or_default();
    post(
        &Reply::Preview {
            job,
            kind,
            offset,
            lines,
        },
        None,
    );
}

/// Makes one download: the JSON report straight from the report, the others from a fix pass
/// over the file, keeping only the output asked for.
pub(super) async fn fix_with(
    job: JobId,
    file: File,
    report: &orgsync_core::Report,
    choices: &FixChoices,
    want: Download,
) -> Result<(), Stop> {
    let mut sink = BlobSink::new(want.mime());
    if want == Download::Json {
        // The same JSON the CLI writes (`Report::write_json`), written a piece at a time.
        report
            .write_json(&mut sink, true)
            .map_err(|e| Stop::Failed(format!("The JSON report could not be written: {e}")))?;
        sink.write_bytes(b"\n")?;
    } else {
        let mut fixer = orgsync_core::Fixer::new(report, &adapter::fix_options(choices))
            .decide(adapter::row_decisions(choices));
        let pick = |chunk: orgsync_core::FixChunk| match want {
            Download::Corrected => chunk.corrected,
            Download::Report => chunk.error_report,
            Download::Findings => chunk.findings,
            Download::Preview => chunk.preview,
            Download::Json => Vec::new(),
        };
        let mut slices = SliceReader::new(job, file, None)?;
        while let Some(slice) = slices.next_slice().await? {
            for piece in slice.chunks(FIX_PIECE) {
                fixer.push(piece);
                sink.write_bytes(&pick(fixer.take_output()))?;
            }
            slices.progress(0).await?;
        }
        sink.write_bytes(&pick(fixer.finish()))?;
    }
    let blob = sink.finish()?;
    post(&Reply::Fixed { job }, Some(&blob));
    Ok(())
}

pub(super) async fn glossary(job: JobId, file: File) -> Result<(), Stop> {
    let mut slices = SliceReader::new(job, file, Some(GLOSSARY_BYTES))?;
    let mut bytes = Vec::new();
    while let Some(slice) = slices.next_slice().await? {
        bytes.extend_from_slice(slice);
    }
    let groups = orgsync_core::groups_from_export(&bytes);
    post(&Reply::Glossary { job, groups }, None);
    Ok(())
}
