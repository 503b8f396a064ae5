//! [`BlobSink`]: a download written into `Blob`s a batch at a time.

#[allow(clippy::wildcard_imports)]
use super::*;

/// A download being written: bytes gather in a small buffer, go to JavaScript a MiB at a time,
/// and are folded into one `Blob` every [`DOWNLOAD_BATCH`] bytes, so neither the worker's wasm
/// memory nor its JavaScript heap ever holds more than a batch of a download of any size.
pub(super) struct BlobSink {
    pub(super) mime: &'static str,
    pub(super) buffer: Vec<u8>,
    pub(super) parts: Array,
    pub(super) parts_bytes: usize,
    pub(super) blob: Option<Blob>,
    pub(super) failed: Option<String>,
}

impl BlobSink {
    pub(super) fn new(mime: &'static str) -> Self {
        BlobSink {
            mime,
            buffer: Vec::with_capacity(DOWNLOAD_BUFFER),
            parts: Array::new(),
            parts_bytes: 0,
            blob: None,
            failed: None,
        }
    }

    pub(super) fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= DOWNLOAD_BUFFER {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Moves the buffer into a JavaScript `Uint8Array`; folds the pieces when a batch is full.
    pub(super) fn hand_over(&mut self) -> Result<(), Stop> {
        if !self.buffer.is_empty() {
            self.parts.push(&Uint8Array::from(self.buffer.as_slice()));
            self.parts_bytes += self.buffer.len();
            self.buffer.clear();
        }
        if self.parts_bytes >= DOWNLOAD_BATCH {
            self.fold()?;
        }
        Ok(())
    }

    /// The blob so far and the pieces since, as one new blob (the browser joins them without
    /// copying the old blob's bytes back into the worker).
    pub(super) fn fold(&mut self) -> Result<(), Stop> {
        let sequence = Array::new();
        if let Some(blob) = self.blob.take() {
            sequence.push(&blob);
        }
        for part in self.parts.iter() {
            sequence.push(&part);
        }
        let options = BlobPropertyBag::new();
        options.set_type(self.mime);
        let blob = Blob::new_with_u8_array_sequence_and_options(&sequence, &options)
            .map_err(|e| js_error("The download could not be assembled", e))?;
        self.blob = Some(blob);
        self.parts = Array::new();
        self.parts_bytes = 0;
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<Blob, Stop> {
        if let Some(message) = self.failed.take() {
            return Err(Stop::Failed(message));
        }
        self.hand_over()?;
        self.fold()?;
        self.blob
            .take()
            .ok_or_else(|| Stop::Failed("The download could not be assembled.".into()))
    }
}

impl std::io::Write for BlobSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.write_bytes(bytes) {
            Ok(()) => Ok(bytes.len()),
            Err(stop) => {
                let message = match stop {
                    Stop::Failed(m) => m,
                    Stop::Cancelled => "cancelled".into(),
                };
                self.failed = Some(message.clone());
                Err(std::io::Error::other(message))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
