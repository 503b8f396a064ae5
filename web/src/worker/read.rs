//! Reading the user's `File`: slice by slice from its stream ([`SliceReader`]), or a window
//! of it at once.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Reads a `File` slice by slice into a reused buffer, reporting progress and honouring Cancel.
///
/// The bytes come from the file's stream (`Blob.stream()`): the browser reads the disk into the
/// stream's pipe while the engine works, and the worker gathers what arrives into slices of
/// [`SLICE`] bytes (see [`Source`]). On a 94 MB file in Chromium this cost the browser ~100 ms
/// less CPU than a `Blob.arrayBuffer()` per slice, read ahead (BENCHMARKS.md).
pub(super) struct SliceReader {
    pub(super) job: JobId,
    /// The stream of the bytes to read (the file, or the range of it asked for).
    pub(super) source: Source,
    pub(super) offset: u64,
    pub(super) total: u64,
    pub(super) buffer: Vec<u8>,
    pub(super) last_progress: f64,
    pub(super) last_yield: f64,
    /// Whether this is the user export (progress says so).
    pub(super) export: bool,
    /// Where the reading starts.
    pub(super) start: u64,
    /// Whether this is the second worker's range of a split check: progress then counts from
    /// `start` and says so.
    pub(super) part: bool,
}

/// How a [`SliceReader`] reads its stream.
pub(super) enum Source {
    /// Into one `ArrayBuffer` of its own, handed to the stream and back for each read (a
    /// "bring your own buffer" reader): no new memory per chunk. A million-row file then took
    /// ~22,000 fewer page faults in the workers, and the second worker waited 51-61 ms for bytes
    /// instead of 134-142 ms. The buffer is `None` once the stream has ended.
    Own(ReadableStreamByobReader, Option<ArrayBuffer>),
    /// Chunk by chunk, each in new memory: for browsers whose file streams are not byte streams.
    Chunks(ReadableStreamDefaultReader),
}

/// Whether a `read()` result says the stream has ended, and its value.
pub(super) fn read_result(result: &JsValue) -> (bool, Option<Uint8Array>) {
    let done = js_sys::Reflect::get(result, &"done".into())
        .ok()
        .and_then(|d| d.as_bool())
        .unwrap_or(true);
    let value = js_sys::Reflect::get(result, &"value".into())
        .ok()
        .and_then(|v| v.dyn_into::<Uint8Array>().ok());
    (done, value)
}

impl SliceReader {
    pub(super) fn new(job: JobId, file: File, limit: Option<u64>) -> Result<Self, Stop> {
        let size = file.size() as u64;
        Self::range(job, file, 0, limit.map_or(size, |l| l.min(size)))
    }

    /// Reads the bytes `[start, end)` of the file.
    pub(super) fn range(job: JobId, file: File, start: u64, end: u64) -> Result<Self, Stop> {
        let stream = file
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|e| js_error("The file could not be sliced", e))?
            .stream();
        let source = match ReadableStreamByobReader::new(&stream) {
            Ok(reader) => Source::Own(reader, Some(ArrayBuffer::new(SLICE as u32))),
            Err(_) => Source::Chunks(stream.get_reader().unchecked_into()),
        };
        Ok(SliceReader {
            job,
            source,
            offset: start,
            total: end,
            buffer: Vec::new(),
            last_progress: 0.0,
            last_yield: 0.0,
            export: false,
            start,
            part: false,
        })
    }

    /// The next slice, or `None` at the end of the file.
    pub(super) async fn next_slice(&mut self) -> Result<Option<&[u8]>, Stop> {
        self.buffer.clear();
        match &mut self.source {
            Source::Own(reader, own) => {
                let Some(mut buffer) = own.take() else {
                    return Ok(None);
                };
                let (size, mut filled, mut ended) = (buffer.byte_length(), 0, false);
                while filled < size && !ended {
                    let view =
                        Uint8Array::new_with_byte_offset_and_length(&buffer, filled, size - filled);
                    let result = JsFuture::from(reader.read_with_array_buffer_view(&view))
                        .await
                        .map_err(|e| js_error(UNREADABLE, e))?;
                    let (done, value) = read_result(&result);
                    // The read gives the buffer back in a view over what it filled (empty at
                    // the end); no view means the stream was cancelled, which this reader never
                    // does: a failure, not the end of the file.
                    let Some(value) = value else {
                        return Err(Stop::Failed(format!(
                            "{UNREADABLE}: the read was cancelled"
                        )));
                    };
                    buffer = value.buffer();
                    filled += value.byte_length();
                    ended = done;
                }
                self.buffer.resize(filled as usize, 0);
                Uint8Array::new_with_byte_offset_and_length(&buffer, 0, filled)
                    .copy_to(&mut self.buffer);
                if !ended {
                    *own = Some(buffer);
                }
            }
            Source::Chunks(reader) => {
                while (self.buffer.len() as u64) < SLICE {
                    let result = JsFuture::from(reader.read())
                        .await
                        .map_err(|e| js_error(UNREADABLE, e))?;
                    let (done, value) = read_result(&result);
                    let Some(bytes) = value.filter(|_| !done) else {
                        break;
                    };
                    let at = self.buffer.len();
                    self.buffer.resize(at + bytes.length() as usize, 0);
                    bytes.copy_to(&mut self.buffer[at..]);
                }
            }
        }
        if self.buffer.is_empty() {
            return Ok(None);
        }
        self.offset += self.buffer.len() as u64;
        Ok(Some(&self.buffer))
    }

    /// Lets the worker's event loop run (so a Cancel and the page's other requests are seen)
    /// without telling the page how far it is: for reads the page shows no progress of.
    pub(super) async fn quiet_yield(&mut self) -> Result<(), Stop> {
        let now = js_sys::Date::now();
        if now - self.last_yield >= YIELD_EVERY_MS {
            yield_now().await;
            self.last_yield = js_sys::Date::now();
        }
        if CANCELLED.with(|c| c.borrow().contains(&self.job)) {
            Err(Stop::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Tells the page how far we are (throttled, always at the end), then lets the worker's event
    /// loop run so a Cancel can arrive.
    pub(super) async fn progress(&mut self, rows: u64) -> Result<(), Stop> {
        let now = js_sys::Date::now();
        if now - self.last_progress >= PROGRESS_EVERY_MS || self.offset >= self.total {
            self.last_progress = now;
            let base = if self.part { self.start } else { 0 };
            post(
                &Reply::Progress {
                    job: self.job,
                    bytes: self.offset - base,
                    total: self.total - base,
                    rows,
                    export: self.export,
                    part: self.part,
                },
                None,
            );
        }
        // Yielding costs a trip through the event loop; every few slices is enough for Cancel.
        self.quiet_yield().await
    }
}

/// Starts reading the bytes `[start, end)` of a file: the future gives an `ArrayBuffer`.
pub(super) fn start_read(file: &File, start: u64, end: u64) -> Result<JsFuture, Stop> {
    let blob = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|e| js_error("The file could not be sliced", e))?;
    Ok(JsFuture::from(blob.array_buffer()))
}

/// What a read from [`start_read`] gave, or why it failed.
pub(super) async fn finish_read(read: JsFuture) -> Result<JsValue, Stop> {
    read.await.map_err(|e| js_error(UNREADABLE, e))
}

/// Reads the bytes `[start, end)` of a file at once (a window, not the file).
pub(super) async fn read_range(file: &File, start: u64, end: u64) -> Result<Vec<u8>, Stop> {
    let buffer = finish_read(start_read(file, start, end)?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Where a split check cuts the file; both workers find the same cut from the same bytes.
pub(super) async fn find_cut(file: &File) -> Result<Option<u64>, Stop> {
    let size = file.size() as u64;
    let (start, end) = protocol::cut_window(size);
    let window = read_range(file, start, end).await?;
    Ok(protocol::cut_from(size, &window))
}
