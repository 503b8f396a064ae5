//! The split check's hand-off: the second worker's part ([`check_part`]), carried by the page
//! to the first worker, which waits for it ([`await_part`]) and merges it ([`merge_part`]).

#[allow(clippy::wildcard_imports)]
use super::*;

/// A split check's part, by job: arrived (the cut, what the second worker did, the bytes), or
/// awaited (the function that wakes the waiting check).
pub(super) enum PartSlot {
    Arrived(Option<u64>, PartTiming, JsValue),
    Waiting(js_sys::Function),
}

/// A split check's part came from the page: kept for the check, which is woken if it waits.
pub(super) fn part_arrived(job: JobId, arrived: PartSlot) {
    if CANCELLED.with(|c| c.borrow().contains(&job)) {
        return;
    }
    forget_part(job);
    PARTS.with(|parts| parts.borrow_mut().push((job, arrived)));
}

/// Drops a job's part, waking its check if it waits (it then looks again: a cancelled check
/// stops, an arrived part is taken).
pub(super) fn forget_part(job: JobId) {
    let slot = PARTS.with(|parts| {
        let mut parts = parts.borrow_mut();
        let i = parts.iter().position(|(j, _)| *j == job)?;
        Some(parts.remove(i).1)
    });
    if let Some(PartSlot::Waiting(wake)) = slot {
        let _ = wake.call0(&JsValue::UNDEFINED);
    }
}

/// Waits for the part of a split check: the cut the second worker used, what it did, and the
/// part's bytes (an `ArrayBuffer`, or `undefined` when it has none).
pub(super) async fn await_part(job: JobId) -> Result<(Option<u64>, PartTiming, JsValue), Stop> {
    loop {
        if CANCELLED.with(|c| c.borrow().contains(&job)) {
            return Err(Stop::Cancelled);
        }
        let arrived = PARTS.with(|parts| {
            let mut parts = parts.borrow_mut();
            let i = parts
                .iter()
                .position(|(j, slot)| *j == job && matches!(slot, PartSlot::Arrived(..)))?;
            match parts.remove(i).1 {
                PartSlot::Arrived(cut, timing, bytes) => Some((cut, timing, bytes)),
                PartSlot::Waiting(_) => None,
            }
        });
        if let Some(arrived) = arrived {
            return Ok(arrived);
        }
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            PARTS.with(|parts| parts.borrow_mut().push((job, PartSlot::Waiting(resolve))));
        });
        let _ = JsFuture::from(promise).await;
    }
}

/// The second worker of a split check: checks the file from the cut on and sends the page the
/// part, transferred; or says there is none (no cut, or the engine cannot check this file in
/// parts), and the first worker checks the whole file.
pub(super) async fn check_part(
    job: JobId,
    file: File,
    known_groups: Vec<String>,
    encoding: Option<String>,
) -> Result<(), Stop> {
    let now = || js_sys::Date::now();
    let start = now();
    let mut timing = PartTiming::default();
    let size = file.size() as u64;
    let cut = find_cut(&file).await?;
    let head = read_range(&file, 0, (orgsync_core::split::PART_HEAD as u64).min(size)).await?;
    let options = orgsync_core::Options {
        file_name: Some(file.name()),
        encoding: encoding
            .as_deref()
            .and_then(orgsync_core::Encoding::for_label),
        ..orgsync_core::Options::new()
    }
    .with_known_groups(known_groups);
    let checker = cut.and_then(|_| orgsync_core::Checker::part(options, &head));
    drop(head);
    let (Some(cut), Some(mut checker)) = (cut, checker) else {
        timing.total_ms = now() - start;
        post(
            &Reply::Part {
                job,
                cut: None,
                timing,
            },
            None,
        );
        return Ok(());
    };
    let mut slices = SliceReader::range(job, file, cut, size)?;
    slices.part = true;
    let mut between_ms = 0.0;
    feed(
        &mut checker,
        &mut slices,
        None,
        &mut timing.read_ms,
        &mut timing.engine_ms,
        &mut between_ms,
    )
    .await?;
    drop(slices);
    let t = now();
    timing.rows = checker.rows_read();
    let part = checker.into_part();
    let t_encode = now();
    timing.engine_ms += t_encode - t;
    let bytes = part.into_bytes();
    let buffer = Uint8Array::from(bytes.as_slice()).buffer();
    timing.part_bytes = bytes.len() as u64;
    drop(bytes);
    timing.encode_ms = now() - t_encode;
    timing.total_ms = now() - start;
    post_transfer(
        &Reply::Part {
            job,
            cut: Some(cut),
            timing,
        },
        &buffer,
    );
    Ok(())
}

/// Takes the part a second worker made from `cut` on: true when it was merged.
pub(super) fn merge_part(
    checker: &mut orgsync_core::Checker,
    cut: u64,
    part_cut: Option<u64>,
    buffer: &JsValue,
) -> bool {
    if part_cut != Some(cut) || !buffer.is_instance_of::<js_sys::ArrayBuffer>() {
        return false;
    }
    let bytes = Uint8Array::new(buffer).to_vec();
    orgsync_core::split::Part::from_vec(bytes).is_ok_and(|part| checker.merge(part).is_ok())
}
