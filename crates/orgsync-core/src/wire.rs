//! A small binary encoding for what a part checker hands to the first checker (see
//! `crate::split`): little-endian integers, length-prefixed bytes, and integer vectors copied
//! whole. Both ends are the same build of this crate, so there is no versioning beyond a magic
//! number; a damaged or truncated part is refused, never trusted.

/// Writes values in order.
#[derive(Debug, Default)]
pub(crate) struct Writer(pub Vec<u8>);

/// A part that could not be read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Damaged;

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn bool(&mut self, v: bool) {
        self.0.push(u8::from(v));
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }
    pub(crate) fn opt_u64(&mut self, v: Option<u64>) {
        self.bool(v.is_some());
        self.u64(v.unwrap_or(0));
    }
    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.usize(v.len());
        self.0.extend_from_slice(v);
    }
    pub(crate) fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }
    pub(crate) fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        self.str(v.unwrap_or(""));
    }
    pub(crate) fn u64s(&mut self, v: &[u64]) {
        self.usize(v.len());
        self.0.reserve(v.len() * 8);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub(crate) fn u32s(&mut self, v: &[u32]) {
        self.usize(v.len());
        self.0.reserve(v.len() * 4);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub(crate) fn triples(&mut self, v: &[(u32, u32, u32)]) {
        self.usize(v.len());
        self.0.reserve(v.len() * 12);
        for &(a, b, c) in v {
            self.0.extend_from_slice(&a.to_le_bytes());
            self.0.extend_from_slice(&b.to_le_bytes());
            self.0.extend_from_slice(&c.to_le_bytes());
        }
    }
}

/// Reads values in the order they were written.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        if self.rest.len() < n {
            return Err(Damaged);
        }
        let (a, b) = self.rest.split_at(n);
        self.rest = b;
        Ok(a)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Damaged> {
        self.take(N)?.try_into().map_err(|_| Damaged)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Damaged> {
        Ok(self.take(1)?[0])
    }
    pub(crate) fn bool(&mut self) -> Result<bool, Damaged> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Damaged),
        }
    }
    pub(crate) fn u64(&mut self) -> Result<u64, Damaged> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub(crate) fn usize(&mut self) -> Result<usize, Damaged> {
        usize::try_from(self.u64()?).map_err(|_| Damaged)
    }
    pub(crate) fn opt_u64(&mut self) -> Result<Option<u64>, Damaged> {
        let some = self.bool()?;
        let v = self.u64()?;
        Ok(some.then_some(v))
    }
    /// A length that `unit` bytes each must still fit in what is left.
    fn len(&mut self, unit: usize) -> Result<usize, Damaged> {
        let n = self.usize()?;
        if n.checked_mul(unit).is_none_or(|b| b > self.rest.len()) {
            return Err(Damaged);
        }
        Ok(n)
    }
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], Damaged> {
        let n = self.len(1)?;
        self.take(n)
    }
    pub(crate) fn str(&mut self) -> Result<&'a str, Damaged> {
        std::str::from_utf8(self.bytes()?).map_err(|_| Damaged)
    }
    pub(crate) fn opt_str(&mut self) -> Result<Option<&'a str>, Damaged> {
        let some = self.bool()?;
        let v = self.str()?;
        Ok(some.then_some(v))
    }
    pub(crate) fn u64s(&mut self) -> Result<Vec<u64>, Damaged> {
        let n = self.len(8)?;
        let b = self.take(n * 8)?;
        Ok(b.chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect())
    }
    pub(crate) fn u32s(&mut self) -> Result<Vec<u32>, Damaged> {
        let n = self.len(4)?;
        let b = self.take(n * 4)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect())
    }
    pub(crate) fn triples(&mut self) -> Result<Vec<(u32, u32, u32)>, Damaged> {
        let n = self.len(12)?;
        let b = self.take(n * 12)?;
        let word = |c: &[u8]| u32::from_le_bytes(c.try_into().unwrap_or_default());
        Ok(b.chunks_exact(12)
            .map(|c| (word(&c[0..4]), word(&c[4..8]), word(&c[8..12])))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_in_order() {
        let mut w = Writer::default();
        w.u8(7);
        w.bool(true);
        w.u64(u64::MAX - 1);
        w.opt_u64(None);
        w.opt_u64(Some(42));
        w.str("Zürich");
        w.opt_str(Some(""));
        w.u64s(&[1, 2, u64::MAX]);
        w.u32s(&[9, 8]);
        w.triples(&[(1, 2, 3)]);
        let mut r = Reader::new(&w.0);
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.u64(), Ok(u64::MAX - 1));
        assert_eq!(r.opt_u64(), Ok(None));
        assert_eq!(r.opt_u64(), Ok(Some(42)));
        assert_eq!(r.str(), Ok("Zürich"));
        assert_eq!(r.opt_str(), Ok(Some("")));
        assert_eq!(r.u64s(), Ok(vec![1, 2, u64::MAX]));
        assert_eq!(r.u32s(), Ok(vec![9, 8]));
        assert_eq!(r.triples(), Ok(vec![(1, 2, 3)]));
        assert!(r.is_empty());
    }

    #[test]
    fn truncated_or_lying_input_is_refused() {
        let mut w = Writer::default();
        w.u64s(&[1, 2, 3]);
        for n in 0..w.0.len() {
            assert_eq!(Reader::new(&w.0[..n]).u64s(), Err(Damaged), "{n} bytes");
        }
        // A length far beyond the input is refused before anything is allocated.
        let mut w = Writer::default();
        w.u64(u64::MAX / 2);
        assert_eq!(Reader::new(&w.0).u64s(), Err(Damaged));
        assert_eq!(Reader::new(&w.0).str(), Err(Damaged));
        assert_eq!(Reader::new(&[2]).bool(), Err(Damaged));
    }
}
