//! The controller's decisions, natively: each test drives a [`Session`] with the actions and the
//! replies a browser would give it, in order, and checks its state and the effects it asks for.

use super::*;
use crate::protocol::Timing;
use crate::view::{Counts, ReportView};

fn file(name: &str, size: u64) -> Chosen {
    Chosen {
        name: name.into(),
        size,
    }
}

fn check(s: &mut Session, name: &str, size: u64) -> Vec<Effect> {
    s.on_action(Action::Check {
        file: file(name, size),
        same_file: false,
        known_groups: vec!["Sales".into()],
        encoding: None,
    })
}

/// The one request that hands the second worker's part (where it ends; `None`: nothing, the
/// first worker checks the rest) to the first.
fn part_to_checker(job: JobId, cut: Option<u64>, attach: Attach) -> Vec<(To, Request, Attach)> {
    vec![(
        To::Checker,
        Request::Part {
            job,
            cut,
            timing: PartTiming::default(),
        },
        attach,
    )]
}

/// The user exports `export` (or removes it: `None`) with no upload chosen.
fn set_export(s: &mut Session, export: Option<Chosen>) -> Vec<Effect> {
    s.on_action(Action::SetExport {
        export,
        upload: None,
        known_groups: Vec::new(),
        encoding: None,
    })
}

/// A click on a download button with these choices.
fn download(s: &mut Session, want: Download, choices: FixChoices) -> Vec<Effect> {
    s.on_action(Action::Download { want, choices })
}

/// The requests among `effects`, with where they go and what goes with them.
fn sent(effects: &[Effect]) -> Vec<(To, Request, Attach)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send {
                to,
                request,
                attach,
            } => Some((*to, request.clone(), *attach)),
            _ => None,
        })
        .collect()
}

/// The job of the only request of `effects` that is a `Request::$kind`.
macro_rules! job_of {
    ($effects:expr, $kind:ident) => {
        only_job($effects, |r| match r {
            Request::$kind { job, .. } => Some(*job),
            _ => None,
        })
    };
}

/// The job of the only request of `effects` that `pick` takes.
fn only_job(effects: &[Effect], pick: impl Fn(&Request) -> Option<JobId>) -> JobId {
    let jobs: Vec<JobId> = sent(effects)
        .iter()
        .filter_map(|(_, r, _)| pick(r))
        .collect();
    assert_eq!(jobs.len(), 1, "one such request in {effects:?}");
    jobs[0]
}

fn check_job(effects: &[Effect]) -> JobId {
    job_of!(effects, Check)
}

fn report(name: &str, errors: u64) -> Box<ReportView> {
    let mut r = ReportView::default();
    r.file.name = name.into();
    r.counts = Counts {
        errors,
        ..Counts::default()
    };
    Box::new(r)
}

fn checked(job: JobId, name: &str, errors: u64) -> Reply {
    Reply::Checked {
        job,
        report: report(name, errors),
        timing: Timing::default(),
    }
}

/// A session showing the report of `staff.csv` (one error), with its grid.
fn done() -> (Session, JobId) {
    let mut s = Session::new();
    s.on_reply(Reply::Ready, false);
    let job = check_job(&check(&mut s, "staff.csv", 1_000));
    s.on_reply(checked(job, "staff.csv", 1), false);
    (s, job)
}

#[test]
fn a_checks_replies_in_order_lead_to_the_report_its_grid_and_an_announcement() {
    let mut s = Session::new();
    assert!(s.on_reply(Reply::Ready, false).is_empty());
    assert!(s.ready);
    let effects = check(&mut s, "staff.csv", 1_000);
    assert!(effects.contains(&Effect::ResetView));
    let sends = sent(&effects);
    assert_eq!(sends.len(), 1, "{sends:?}");
    let (to, request, attach) = &sends[0];
    assert_eq!((*to, *attach), (To::Checker, Attach::Upload));
    let Request::Check {
        job,
        known_groups,
        roster,
        split,
        ..
    } = request.clone()
    else {
        panic!("a check: {request:?}")
    };
    assert_eq!(known_groups, vec!["Sales".to_string()]);
    assert_eq!((roster, split), (None, false));
    assert_eq!(s.job, Some(job));

    s.on_reply(
        Reply::Progress {
            job,
            bytes: 400,
            total: 1_000,
            rows: 12,
            export: false,
            part: false,
        },
        false,
    );
    assert_eq!(
        s.phase,
        Phase::Checking {
            name: "staff.csv".into(),
            bytes: 400,
            total: 1_000,
            rows: 12,
            export: None
        }
    );

    let effects = s.on_reply(checked(job, "staff.csv", 2), false);
    assert_eq!(s.phase, Phase::Done);
    assert_eq!(s.job, None);
    assert_eq!(s.report.as_ref().map(|r| r.counts.errors), Some(2));
    assert!(effects.contains(&Effect::Announce(
        "Checked: 2 errors, 0 warnings and 0 notes.".into()
    )));
    assert!(effects.contains(&Effect::ScrollToResults));
    assert!(effects.iter().any(|e| matches!(e, Effect::PostChecked(_))));

    // The grid and the whole cells of this check come after the report.
    s.on_reply(
        Reply::Grid {
            job,
            rows: Vec::new(),
            total: 7,
            more: false,
        },
        false,
    );
    assert_eq!(s.grid.as_ref().map(|g| g.total), Some(7));
    assert_eq!(
        s.on_reply(Reply::Whole { job, rows: 7 }, false),
        vec![Effect::WholeReady]
    );
    // A second `Whole` for the same job is not news.
    assert!(s.on_reply(Reply::Whole { job, rows: 7 }, false).is_empty());
}

#[test]
fn the_grid_comes_in_parts_and_shows_once_the_last_is_in() {
    let (mut s, job) = done();
    let row = |n: u64| crate::view::ProblemRow {
        row: n,
        severity: crate::view::Sev::Error,
        codes: vec!["R001".into()],
        cells: Vec::new(),
        header: false,
        shared: Vec::new(),
    };
    let part = |rows: Vec<u64>, more: bool| Reply::Grid {
        job,
        rows: rows.into_iter().map(row).collect(),
        total: 5,
        more,
    };
    s.on_reply(part(vec![2, 3], true), false);
    assert!(s.grid.is_none(), "no grid before its last part");
    s.on_reply(part(vec![4], true), false);
    s.on_reply(part(vec![5, 6], false), false);
    let grid = s.grid.clone().expect("the grid once its last part is in");
    assert_eq!(grid.total, 5);
    assert_eq!(
        grid.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![2, 3, 4, 5, 6],
        "every part, in order"
    );
    // A late part of the same check changes nothing.
    s.on_reply(part(vec![7], false), false);
    assert_eq!(s.grid.as_ref().map(|g| g.rows.len()), Some(5));
}

#[test]
fn a_failed_check_says_why_and_a_stale_failure_changes_nothing() {
    let mut s = Session::new();
    let job = check_job(&check(&mut s, "staff.csv", 10));
    s.on_reply(
        Reply::Failed {
            job: job + 100,
            message: "not ours".into(),
        },
        false,
    );
    assert!(matches!(s.phase, Phase::Checking { .. }));
    s.on_reply(
        Reply::Failed {
            job,
            message: "unreadable".into(),
        },
        false,
    );
    assert_eq!(s.phase, Phase::Failed("unreadable".into()));
    assert_eq!(s.job, None);
}

#[test]
fn a_toggle_leads_to_a_recount_that_drops_the_count_in_flight() {
    let (mut s, _) = done();
    let first = s.on_action(Action::CountLeft {
        choices: FixChoices::default(),
    });
    let left_job = |e: &[Effect]| job_of!(e, Left);
    let old = left_job(&first);
    assert_eq!(s.left, Left::Counting);

    let mut choices = FixChoices::default();
    choices.set_safe("R003", false);
    let effects = s.on_action(Action::CountLeft {
        choices: choices.clone(),
    });
    let sends = sent(&effects);
    assert_eq!(sends[0].1, Request::Cancel { job: old });
    let new = left_job(&effects);
    assert!(sends.contains(&(
        To::Checker,
        Request::Left { job: new, choices },
        Attach::Upload
    )));

    // The dropped count's late answer is ignored; the new one is shown.
    let answer = |job| Reply::Left {
        job,
        errors: 3,
        warnings: 1,
        rules: vec![("R003".into(), 3)],
        preview: None,
    };
    s.on_reply(answer(old), false);
    assert_eq!(s.left, Left::Counting);
    s.on_reply(answer(new), false);
    assert_eq!(
        s.left,
        Left::Ready {
            errors: 3,
            warnings: 1,
            rules: vec![("R003".into(), 3)]
        }
    );
}

#[test]
fn a_download_clicked_during_another_is_queued_with_its_own_choices() {
    let (mut s, _) = done();
    let effects = download(&mut s, Download::Corrected, FixChoices::default());
    let fix_job = |e: &[Effect]| job_of!(e, Fix);
    let first = fix_job(&effects);

    // A toggle, then a click on another download while the first is being made.
    let mut toggled = FixChoices::default();
    toggled.set_safe("R003", false);
    let effects = download(&mut s, Download::Report, toggled.clone());
    assert!(sent(&effects).is_empty(), "one download at a time");
    assert!(matches!(s.downloads, Downloads::Preparing { job, queued: 1, .. } if job == first));
    // The same click again is not queued twice.
    download(&mut s, Download::Report, toggled.clone());
    assert!(matches!(
        s.downloads,
        Downloads::Preparing { queued: 1, .. }
    ));

    // The first arrives: handed to the browser under its name, and the queued one starts with
    // the choices of its click.
    let effects = s.on_reply(Reply::Fixed { job: first }, true);
    assert!(effects.contains(&Effect::Deliver {
        blob: first,
        name: "staff.corrected.csv".into()
    }));
    let second = fix_job(&effects);
    assert!(sent(&effects).contains(&(
        To::Checker,
        Request::Fix {
            job: second,
            choices: toggled.clone(),
            want: Download::Report
        },
        Attach::Upload
    )));
    assert!(s.holds_blob(first));

    // The second was made with other choices: the first's blob is let go; clicking it again
    // with the toggled choices is served from the blob at once.
    s.on_reply(Reply::Fixed { job: second }, true);
    assert_eq!(s.downloads, Downloads::None);
    assert!(!s.holds_blob(first));
    let effects = download(&mut s, Download::Report, toggled);
    assert_eq!(
        effects,
        vec![Effect::Deliver {
            blob: second,
            name: "staff.errors.csv".into()
        }]
    );
}

#[test]
fn a_download_that_comes_without_a_file_fails_and_the_next_one_starts() {
    let (mut s, _) = done();
    let first = job_of!(
        &download(&mut s, Download::Corrected, FixChoices::default()),
        Fix
    );
    download(&mut s, Download::Json, FixChoices::default());
    let effects = s.on_reply(Reply::Fixed { job: first }, false);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Deliver { .. })));
    assert!(sent(&effects).iter().any(|(_, r, _)| matches!(
        r,
        Request::Fix {
            want: Download::Json,
            ..
        }
    )));
    assert!(!s.holds_blob(first));
}

#[test]
fn cancel_stops_every_job_in_flight_and_returns_to_idle() {
    let (mut s, _) = done();
    let left = s.on_action(Action::CountLeft {
        choices: FixChoices::default(),
    });
    let download = download(&mut s, Download::Corrected, FixChoices::default());
    let check = check(&mut s, "other.csv", 10);
    let job = check_job(&check);
    let effects = s.on_action(Action::Cancel);
    assert_eq!(s.phase, Phase::Idle);
    assert_eq!(s.job, None);
    let cancelled: Vec<JobId> = sent(&effects)
        .into_iter()
        .map(|(_, r, _)| match r {
            Request::Cancel { job } => job,
            other => panic!("only cancels: {other:?}"),
        })
        .collect();
    assert_eq!(cancelled, vec![job]);
    // The count and the download were cancelled by the new check already.
    for effects in [&left, &download] {
        let j = sent(effects)[0].1.clone();
        let (Request::Left { job: j, .. } | Request::Fix { job: j, .. }) = j else {
            panic!("{j:?}")
        };
        assert!(sent(&check).contains(&(To::Checker, Request::Cancel { job: j }, Attach::Nothing)));
    }
    // The cancelled check's late report is not shown.
    s.on_reply(checked(job, "other.csv", 0), false);
    assert_eq!(s.phase, Phase::Idle);
}

#[test]
fn a_file_dropped_mid_check_discards_the_old_jobs_late_replies() {
    let mut s = Session::new();
    let old = check_job(&check(&mut s, "old.csv", 100));
    let effects = check(&mut s, "new.csv", 200);
    let new = check_job(&effects);
    assert_ne!(old, new);
    assert_eq!(sent(&effects)[0].1, Request::Cancel { job: old });

    for late in [
        Reply::Progress {
            job: old,
            bytes: 90,
            total: 100,
            rows: 5,
            export: false,
            part: false,
        },
        checked(old, "old.csv", 9),
        Reply::Grid {
            job: old,
            rows: Vec::new(),
            total: 9,
            more: false,
        },
        Reply::Failed {
            job: old,
            message: "late".into(),
        },
    ] {
        assert!(s.on_reply(late, false).is_empty());
    }
    assert_eq!(
        s.phase,
        Phase::Checking {
            name: "new.csv".into(),
            bytes: 0,
            total: 200,
            rows: 0,
            export: None
        }
    );
    assert!(s.report.is_none() && s.grid.is_none());

    s.on_reply(checked(new, "new.csv", 0), false);
    assert_eq!(
        s.report.as_ref().map(|r| r.file.name.as_str()),
        Some("new.csv")
    );
}

#[test]
fn a_big_upload_is_split_between_the_workers_and_the_part_handed_on() {
    let mut s = Session::new();
    s.on_reply(Reply::Ready, false);
    let effects = s.on_helper_reply(Reply::Ready, false);
    assert_eq!(
        sent(&effects),
        vec![(To::Helper, Request::WarmUp, Attach::Nothing)]
    );
    let size = SPLIT_MIN_BYTES * 2;
    let effects = check(&mut s, "big.csv", size);
    let sends = sent(&effects);
    // The second worker checks from the cut on, and its warm-up stops for the admin's check
    // (asked when the first request goes to the checker, as before the session existed).
    assert_eq!(
        sends
            .iter()
            .map(|(to, r, a)| (*to, std::mem::discriminant(r), *a))
            .collect::<Vec<_>>(),
        [
            (
                To::Helper,
                std::mem::discriminant(&sends[0].1),
                Attach::Upload
            ),
            (
                To::Helper,
                std::mem::discriminant(&Request::StopWarmUp),
                Attach::Nothing
            ),
            (
                To::Checker,
                std::mem::discriminant(&sends[2].1),
                Attach::Upload
            ),
        ]
    );
    assert!(matches!(sends[0].1, Request::CheckPart { .. }));
    assert!(matches!(sends[2].1, Request::Check { split: true, .. }));
    let job = check_job(&effects);
    let effects = s.on_helper_reply(
        Reply::Part {
            job,
            cut: Some(size / 2),
            timing: PartTiming::default(),
        },
        true,
    );
    assert_eq!(
        sent(&effects),
        part_to_checker(job, Some(size / 2), Attach::ReplyBuffer)
    );
    // Handed on once only.
    assert!(s.on_action(Action::HelperGone).is_empty());
    assert_eq!(s.helper, Helper::Gone);
}

#[test]
fn an_export_alone_is_read_then_an_upload_is_compared_with_it() {
    let mut s = Session::new();
    let effects = set_export(&mut s, Some(file("export.csv", 50)));
    let sends = sent(&effects);
    let (To::Checker, Request::Roster { job, roster }, Attach::Export) = sends[0].clone() else {
        panic!("{sends:?}")
    };
    assert!(matches!(s.roster, RosterState::Reading { .. }));
    s.on_reply(
        Reply::Roster {
            job,
            roster,
            view: Box::default(),
        },
        false,
    );
    assert!(matches!(s.roster, RosterState::Ready(_)));
    let effects = check(&mut s, "staff.csv", 10);
    assert!(sent(&effects).iter().any(|(_, r, a)| matches!(
        r,
        Request::Check { roster: Some(id), .. } if *id == roster
    ) && *a == Attach::UploadAndExport));
    // Ready already: not read again.
    assert!(matches!(s.roster, RosterState::Ready(_)));
}

#[test]
fn a_download_the_worker_stopped_is_said_and_the_queued_one_starts() {
    let (mut s, _) = done();
    let effects = download(&mut s, Download::Corrected, FixChoices::default());
    let first = job_of!(&effects, Fix);
    download(&mut s, Download::Findings, FixChoices::default());
    let effects = s.on_reply(Reply::Cancelled { job: first }, false);
    assert!(sent(&effects).iter().any(|(_, r, _)| matches!(
        r,
        Request::Fix {
            want: Download::Findings,
            ..
        }
    )));
    // The failure was said, then replaced by the queued download in preparation.
    assert!(matches!(
        s.downloads,
        Downloads::Preparing {
            want: Download::Findings,
            queued: 0,
            ..
        }
    ));
    // With nothing checked there is nothing to download from.
    let mut fresh = Session::new();
    download(&mut fresh, Download::Corrected, FixChoices::default());
    assert!(matches!(fresh.downloads, Downloads::Failed(_)));
}

#[test]
fn a_second_worker_that_fails_leaves_the_rest_to_the_first() {
    let mut s = Session::new();
    s.on_helper_reply(Reply::Ready, false);
    let job = check_job(&check(&mut s, "big.csv", SPLIT_MIN_BYTES));
    let effects = s.on_helper_reply(
        Reply::Failed {
            job,
            message: "out of memory".into(),
        },
        false,
    );
    assert_eq!(sent(&effects), part_to_checker(job, None, Attach::Nothing));
    // The check goes on in the first worker.
    assert!(matches!(s.phase, Phase::Checking { .. }));
    assert_eq!(s.job, Some(job));
}

#[test]
fn an_export_that_cannot_be_read_says_why() {
    let mut s = Session::new();
    let effects = set_export(&mut s, Some(file("export.pdf", 50)));
    let job = job_of!(&effects, Roster);
    s.on_reply(
        Reply::Failed {
            job,
            message: "not a CSV".into(),
        },
        false,
    );
    assert_eq!(s.roster, RosterState::Failed("not a CSV".into()));
    // Removing it tells the worker to forget it.
    let effects = set_export(&mut s, None);
    assert_eq!(
        sent(&effects),
        vec![(To::Checker, Request::ForgetRoster, Attach::Nothing)]
    );
    assert_eq!(s.roster, RosterState::None);
}
