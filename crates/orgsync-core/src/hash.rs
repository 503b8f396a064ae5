//! The 64-bit hash behind every cross-row key.
//!
//! Keys are hashed once per row and cell, so the hash must be cheap on short inputs (most cells
//! are 3–40 bytes) and able to fold ASCII case on the fly: an email key is the hash of the
//! lowercased address, computed without writing the lowercase copy anywhere.
//!
//! [`hash`] is wyhash's construction (the final 4.x version, with its default secrets), minus
//! the 48-byte three-lane loop: inputs up to 16 bytes are read as two overlapping words, longer
//! ones 16 bytes per step, and one last 128-bit multiply mixes the lot with the length. Each
//! word read goes through [`fold`] when the caller asks for ASCII case folding, so
//! `hash(s, true) == hash(s.to_ascii_lowercase(), false)` — which is what lets a lowercase key be
//! hashed from the cell as it is.
//!
//! Collisions between different values only ever make two rows look like duplicates. wyhash
//! passes SMHasher, so its 64-bit outputs behave as random: among a million distinct values
//! of one key the chance that any two share a hash is n²/2⁶⁵ ≈ 3·10⁻⁸ (one file in 35 million).

const S0: u64 = 0xa076_1d64_78bd_642f;
const S1: u64 = 0xe703_7ed1_a0b4_28db;
const S2: u64 = 0x8ebc_6af0_9c88_c6e3;

/// The 128-bit product of `a` and `b`, its halves xored.
#[inline(always)]
fn mix(a: u64, b: u64) -> u64 {
    let (lo, hi) = wide(a, b);
    lo ^ hi
}

/// The 128-bit product of `a` and `b` as its low and high words.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn wide(a: u64, b: u64) -> (u64, u64) {
    let r = u128::from(a) * u128::from(b);
    (r as u64, (r >> 64) as u64)
}

/// The same product on wasm32, which has no wide multiply: LLVM turns a `u128` product into a
/// call to `__multi3`, a full 128×128-bit multiply returning its result through linear memory
/// (8% of the engine's time in V8). Four 32×32→64-bit products give the high word exactly, so
/// every hash is the same on every target.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn wide(a: u64, b: u64) -> (u64, u64) {
    wide_by_halves(a, b)
}

/// The 128-bit product from 64-bit multiplies only (used on wasm32; tested everywhere).
///
/// Written with explicit carries: LLVM recognises the textbook form (the low halves of the
/// cross products summed with the high half of the low product) as a high multiply and turns it
/// back into `__multi3`.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
#[inline(always)]
fn wide_by_halves(a: u64, b: u64) -> (u64, u64) {
    let (a0, a1) = (u64::from(a as u32), a >> 32);
    let (b0, b1) = (u64::from(b as u32), b >> 32);
    let ll = a0 * b0;
    let (mid, mid_carry) = (a0 * b1).overflowing_add(a1 * b0);
    let lo = ll.wrapping_add(mid << 32);
    let lo_carry = lo < ll;
    let hi = a1 * b1 + (mid >> 32) + (u64::from(mid_carry) << 32) + u64::from(lo_carry);
    (lo, hi)
}

/// Every ASCII capital in the word's bytes, as its 0x80 bit.
#[inline(always)]
fn capitals(w: u64) -> u64 {
    use crate::simd::word::{HIGH, ONES};
    let low = w & !HIGH;
    // No byte overflows into the next: at most 0x7F + 0x3F.
    let from_a = low + ONES * (0x80 - u64::from(b'A'));
    let past_z = low + ONES * (0x7F - u64::from(b'Z'));
    from_a & !past_z & !w & HIGH
}

/// The word's bytes with ASCII capitals lowercased (other bytes, UTF-8 included, unchanged).
#[inline(always)]
pub(crate) fn fold(w: u64) -> u64 {
    w | (capitals(w) >> 2)
}

/// Whether `b` holds an ASCII capital: a word at a time, the last word overlapping the ones
/// before (the test is per byte).
#[inline(always)]
pub(crate) fn has_capital(b: &[u8]) -> bool {
    let n = b.len();
    if n >= 8 {
        let mut any = 0;
        let mut i = 0;
        while i + 8 < n {
            any |= capitals(r8(b, i));
            i += 8;
        }
        (capitals(r8(b, n - 8)) | any) != 0
    } else if n >= 4 {
        capitals((r4(b, 0) << 32) | r4(b, n - 4)) != 0
    } else {
        b.iter().any(u8::is_ascii_uppercase)
    }
}

#[inline(always)]
fn r8(b: &[u8], i: usize) -> u64 {
    b.get(i..i + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

#[inline(always)]
fn r4(b: &[u8], i: usize) -> u64 {
    b.get(i..i + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
}

/// The hash of `b`, or of `b` with ASCII capitals lowercased when `lower`. Never 0: 0 stands
/// for "no value" in the key vectors.
#[inline(always)]
pub(crate) fn hash(b: &[u8], lower: bool) -> u64 {
    let mut caps = 0;
    if lower {
        hash_of::<true>(b, &mut caps)
    } else {
        hash_of::<false>(b, &mut caps)
    }
}

/// [`hash`]`(b, true)` and [`has_capital`]`(b)` from one read of `b`: the words the hash
/// folds cover every byte, so their capitals are `b`'s.
#[inline(always)]
pub(crate) fn hash_lower_capital(b: &[u8]) -> (u64, bool) {
    let mut caps = 0;
    let h = hash_of::<true>(b, &mut caps);
    (h, caps != 0)
}

/// With `LOWER`, every capital of the words read is or-ed into `caps` (as its 0x80 bit).
#[inline(always)]
fn hash_of<const LOWER: bool>(b: &[u8], caps: &mut u64) -> u64 {
    let mut f = |w: u64| {
        if LOWER {
            let c = capitals(w);
            *caps |= c;
            w | (c >> 2)
        } else {
            w
        }
    };
    let n = b.len();
    let mut seed = S0;
    let (a, c) = if n <= 16 {
        // wyhash reads four-byte words: (0, q) and (n - 4, n - 4 - q), q = (n / 8) * 4. From 8
        // to 15 bytes (q = 4) each pair is one eight-byte word (the first with its halves
        // swapped; no bounds to check past `n ≥ 8`); 16 bytes (q = 8) are two words' halves
        // crossed; from 4 to 7 (q = 0) it is one four-byte word twice.
        if n >= 8 {
            let (x, y) = (r8(b, 0), r8(b, n - 8));
            if n < 16 {
                (f(x.rotate_left(32)), f(y))
            } else {
                (
                    f((x << 32) | (y & 0xFFFF_FFFF)),
                    f((y & !0xFFFF_FFFF) | (x >> 32)),
                )
            }
        } else if n >= 4 {
            let (x, y) = (r4(b, 0), r4(b, n - 4));
            (f((x << 32) | x), f((y << 32) | y))
        } else if n > 0 {
            let mut byte = |i: usize| {
                let x = b.get(i).copied().unwrap_or(0);
                if LOWER {
                    *caps |= u64::from(x.is_ascii_uppercase()) << 7;
                }
                u64::from(if LOWER { x.to_ascii_lowercase() } else { x })
            };
            ((byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1), 0)
        } else {
            (0, 0)
        }
    } else {
        // While more than 16 bytes remain: floor((n - 1) / 16) steps.
        let le = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or_default());
        for c in b[..n - 1].chunks_exact(16) {
            let (x, y) = c.split_at(8);
            seed = mix(f(le(x)) ^ S1, f(le(y)) ^ seed);
        }
        (f(r8(b, n - 16)), f(r8(b, n - 8)))
    };
    let (lo, hi) = wide(a ^ S1, c ^ seed);
    mix(lo ^ S0 ^ n as u64, hi ^ S1).max(1)
}

/// Whether two short byte strings are equal, a word at a time (no call to `memcmp`).
#[inline(always)]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let mut i = 0;
    while i + 8 < n {
        if r8(a, i) != r8(b, i) {
            return false;
        }
        i += 8;
    }
    r8(a, n - 8) == r8(b, n - 8)
}

/// The hash of `b` read byte by byte, leaving out the bytes `skip` names and stopping at the
/// first byte `stop` names, ASCII capitals lowercased: the kept bytes are gathered into words
/// as they come, so nothing is copied. (Not equal to [`hash`] of the same bytes.)
#[inline(always)]
pub(crate) fn stream(b: &[u8], skip: impl Fn(u8) -> bool, stop: impl Fn(u8) -> bool) -> u64 {
    let mut s = Stream::new();
    for &c in b {
        if stop(c) {
            break;
        }
        if skip(c) {
            continue;
        }
        s.push(c);
    }
    s.finish()
}

/// [`stream`]'s state, for a caller that walks the bytes itself (the row rules' email check
/// computes X004's local-part key in its own loop): `push` each kept byte, then `finish`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stream {
    h: u64,
    w: u64,
    k: u32,
    n: u64,
}

impl Stream {
    #[inline(always)]
    pub(crate) fn new() -> Stream {
        Stream {
            h: S0,
            w: 0,
            k: 0,
            n: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, c: u8) {
        self.w |= u64::from(c) << (8 * self.k);
        self.k += 1;
        if self.k == 8 {
            self.h = mix(self.h ^ fold(self.w), S1);
            self.n += 8;
            self.w = 0;
            self.k = 0;
        }
    }

    /// Pushes `b[from..to]`, up to eight bytes at a time: the same as pushing each byte.
    #[inline(always)]
    pub(crate) fn extend(&mut self, b: &[u8], mut from: usize, to: usize) {
        while from < to {
            let len = (to - from).min(8);
            // Eight bytes read when `b` has them (the bytes past the run are masked off).
            let x = match b.get(from..from + 8) {
                Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
                None => b[from..from + len]
                    .iter()
                    .rev()
                    .fold(0, |x, &c| (x << 8) | u64::from(c)),
            };
            let x = if len == 8 {
                x
            } else {
                x & ((1u64 << (8 * len)) - 1)
            };
            self.push_word(x, len as u32);
            from += len;
        }
    }

    /// Pushes the `len` (1 to 8) low bytes of `x`, whose other bytes are zero: the same as
    /// pushing each byte.
    #[inline(always)]
    pub(crate) fn push_word(&mut self, x: u64, len: u32) {
        let k = self.k;
        self.w |= x << (8 * k);
        if k + len >= 8 {
            self.h = mix(self.h ^ fold(self.w), S1);
            self.n += 8;
            // The bytes that did not fit.
            self.w = if k == 0 { 0 } else { x >> (8 * (8 - k)) };
            self.k = k + len - 8;
        } else {
            self.k = k + len;
        }
    }

    #[inline(always)]
    pub(crate) fn finish(&self) -> u64 {
        mix(
            self.h ^ fold(self.w) ^ S2,
            (self.n + u64::from(self.k)) ^ S1,
        )
        .max(1)
    }
}

/// Adds a value (a hash, a length) to a running hash: `chain(chain(h, a), b)` differs from
/// `chain(chain(h, b), a)`. Never 0.
#[inline(always)]
pub(crate) fn chain(h: u64, x: u64) -> u64 {
    mix(h ^ S2, x ^ S1).max(1)
}

/// The hash of a row given as its cells' text laid end to end and where each cell ends.
#[inline(always)]
pub(crate) fn row(text: &[u8], ends: &[usize]) -> u64 {
    let mut h = chain(hash(text, false), ends.len() as u64);
    // Two ends a word: rows are far below 4 GiB.
    let mut pairs = ends.chunks_exact(2);
    for p in &mut pairs {
        h = chain(h, (p[0] as u64) | ((p[1] as u64) << 32));
    }
    if let Some(&e) = pairs.remainder().first() {
        h = chain(h, e as u64);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_ascii_lowercase() {
        let samples = [
            "",
            "A",
            "aZ",
            "Abc",
            "ABCD",
            "Jane.Doe@ACME.com",
            "Zoë.Müller@Example.DE",
            "@[`{ AZaz 09 ~\u{7f}",
            "ÀÉÎÕÜ plus ASCII CAPITALS and more than sixteen bytes, thirty-two, forty-eight...",
        ];
        for s in samples {
            let lower = s.to_ascii_lowercase();
            assert_eq!(
                hash(s.as_bytes(), true),
                hash(lower.as_bytes(), false),
                "{s}"
            );
            assert_eq!(has_capital(s.as_bytes()), s != lower, "{s}");
            assert_eq!(
                hash_lower_capital(s.as_bytes()),
                (hash(s.as_bytes(), true), s != lower),
                "{s}"
            );
            for t in samples {
                assert_eq!(same(s.as_bytes(), t.as_bytes()), s == t, "{s} {t}");
            }
        }
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b; 8]);
            assert_eq!(
                fold(w),
                u64::from_le_bytes([b.to_ascii_lowercase(); 8]),
                "{b}"
            );
        }
    }

    /// wyhash's reads of a short input as it writes them.
    fn short_words(b: &[u8]) -> (u64, u64) {
        let n = b.len();
        let q = (n >> 3) << 2;
        (
            (r4(b, 0) << 32) | r4(b, q),
            (r4(b, n - 4) << 32) | r4(b, n - 4 - q),
        )
    }

    #[test]
    fn short_inputs_read_as_wyhash_reads_them() {
        let b: Vec<u8> = (0u8..16).map(|i| 0x41 + 7 * i).collect();
        for n in 4..=16 {
            let (a, c) = short_words(&b[..n]);
            let (lo, hi) = wide(a ^ S1, c ^ S0);
            let want = mix(lo ^ S0 ^ n as u64, hi ^ S1).max(1);
            assert_eq!(hash(&b[..n], false), want, "{n}");
        }
    }

    #[test]
    fn a_capital_anywhere_is_seen() {
        for n in 0..48 {
            let lower: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert_eq!(hash_lower_capital(&lower), (hash(&lower, false), false));
            for p in 0..n {
                let mut b = lower.clone();
                b[p] = b[p].to_ascii_uppercase();
                assert_eq!(
                    hash_lower_capital(&b),
                    (hash(&lower, false), true),
                    "{n} {p}"
                );
            }
        }
    }

    #[test]
    fn runs_hash_as_their_bytes() {
        let b: Vec<u8> = (0u8..40).map(|i| b'A' + i).collect();
        for from in 0..b.len() {
            for to in from..=b.len() {
                // Split in two runs anywhere, against byte by byte.
                for mid in from..=to {
                    let mut runs = Stream::new();
                    runs.extend(&b, from, mid);
                    runs.extend(&b, mid, to);
                    let mut bytes = Stream::new();
                    b[from..to].iter().for_each(|&c| bytes.push(c));
                    assert_eq!(runs.finish(), bytes.finish(), "{from}..{mid}..{to}");
                }
            }
        }
    }

    #[test]
    fn words_hash_as_their_bytes() {
        let b: Vec<u8> = (0u8..24).map(|i| b'A' + 3 * i).collect();
        for before in 0..10 {
            for split in 1..=8 {
                for len in 1..=8 {
                    let word = |from: usize, n: usize| {
                        let mut w = [0u8; 8];
                        w[..n].copy_from_slice(&b[from..from + n]);
                        u64::from_le_bytes(w)
                    };
                    let mut words = Stream::new();
                    let mut bytes = Stream::new();
                    b[..before].iter().for_each(|&c| {
                        words.push(c);
                        bytes.push(c);
                    });
                    words.push_word(word(0, split), split as u32);
                    words.push_word(word(split, len), len as u32);
                    b[..split + len].iter().for_each(|&c| bytes.push(c));
                    assert_eq!(words.finish(), bytes.finish(), "{before} {split} {len}");
                }
            }
        }
    }

    #[test]
    fn the_wasm_product_is_the_wide_product() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let edges = [
            0,
            1,
            0xffff_ffff,
            1 << 32,
            u64::MAX,
            u64::MAX - 1,
            S0,
            S1,
            S2,
        ];
        for &a in &edges {
            for &b in &edges {
                let r = u128::from(a) * u128::from(b);
                assert_eq!(
                    wide_by_halves(a, b),
                    (r as u64, (r >> 64) as u64),
                    "{a} {b}"
                );
            }
        }
        for _ in 0..100_000 {
            let (a, b) = (next(), next());
            let r = u128::from(a) * u128::from(b);
            assert_eq!(
                wide_by_halves(a, b),
                (r as u64, (r >> 64) as u64),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn no_collisions_among_similar_values() {
        let mut seen = std::collections::HashSet::new();
        let mut tops = std::collections::HashSet::new();
        let mut top_shared = 0;
        let n = 300_000u64;
        for i in 0..n {
            let v = format!("user.{i}@acme.com");
            let h = hash(v.as_bytes(), false);
            assert!(seen.insert(h), "{v}");
            top_shared += u64::from(!tops.insert(h >> 44));
        }
        // 300,000 values in 2^20 buckets: about 37,000 share one; far more means poor top bits.
        assert!(top_shared < 45_000, "{top_shared}");
        assert_ne!(hash(b"ab", false), hash(b"ba", false));
        assert_ne!(hash(b"", false), hash(b"\0", false));
        assert_ne!(row(b"ab", &[1, 2]), row(b"ab", &[2, 2]));
        assert_ne!(row(b"ab", &[1, 2]), row(b"ab", &[1, 2, 2]));
    }
}
