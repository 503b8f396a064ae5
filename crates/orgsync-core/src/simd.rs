//! 16 bytes at a time, safely: a thin layer over `wide`'s `u8x16` (SSE2 on x86-64, `simd128` on
//! wasm when built with it, NEON on 64-bit ARM) for the few scans the hot path makes. Each
//! test gives a bitmask, bit `i` for byte `i`. Where the target has no such vectors `wide`
//! falls back to plain arrays, slower than the word-at-a-time code the callers keep for that
//! case: they ask [`VECTORS`] first.

use wide::u8x16;

/// Whether the target has the 16-byte vectors `wide` uses.
pub(crate) const VECTORS: bool = cfg!(any(
    target_feature = "sse2",
    target_feature = "simd128",
    all(target_arch = "aarch64", target_feature = "neon")
));

/// Eight bytes at a time in a `u64` (SWAR), for targets without vectors and for short scans:
/// the constants and byte tests the parser, the row rules' fast path and the hashes share.
pub(crate) mod word {
    /// `0x01` in every byte: `ONES * c` is `c` in every byte.
    pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
    /// The high bit of every byte.
    pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

    /// The high bit of each zero byte of `v`; exact for the lowest such byte, and for all of
    /// them when no byte of `v` has its high bit set (a borrow can only spread past a zero byte).
    #[inline(always)]
    pub(crate) const fn zero_bytes(v: u64) -> u64 {
        v.wrapping_sub(ONES) & !v & HIGH
    }

    /// A byte of `x` is at or above 0x80, below 0x20, or 0x7F (not printable ASCII nor a
    /// space): its high bit set; exact once high bits are ruled out (any high bit makes the
    /// word not plain anyway).
    #[inline(always)]
    pub(crate) const fn unprintable(x: u64) -> u64 {
        (x | (x.wrapping_sub(ONES * 0x20) & !x) | zero_bytes(x ^ (ONES * 0x7F))) & HIGH
    }
}

/// Sixteen bytes.
#[derive(Clone, Copy)]
pub(crate) struct Block(u8x16);

impl Block {
    #[inline(always)]
    pub(crate) fn new(b: [u8; 16]) -> Block {
        Block(u8x16::new(b))
    }

    /// The 16 bytes of `b` from `at`, when `b` has them.
    #[inline(always)]
    pub(crate) fn at(b: &[u8], at: usize) -> Option<Block> {
        let w: &[u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
        Some(Block::new(*w))
    }

    /// The bytes equal to `c`.
    #[inline(always)]
    pub(crate) fn eq(self, c: u8) -> u32 {
        self.0.simd_eq(u8x16::splat(c)).to_bitmask()
    }

    /// The bytes from `lo` to `hi`, both included.
    #[inline(always)]
    pub(crate) fn within(self, lo: u8, hi: u8) -> u32 {
        let x = self.0;
        x.simd_eq(x.max(u8x16::splat(lo)).min(u8x16::splat(hi)))
            .to_bitmask()
    }

    /// ASCII letters and digits.
    #[inline(always)]
    pub(crate) fn alphanumeric(self) -> u32 {
        // Letters are `a`–`z` once the 0x20 bit is set (no other byte lands there).
        Block(self.0 | u8x16::splat(0x20)).within(b'a', b'z') | self.within(b'0', b'9')
    }
}

/// The low `n` bits (`n` at most 16).
#[inline(always)]
pub(crate) fn low(n: usize) -> u32 {
    (1u32 << n) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn masks_say_what_each_byte_is(b in proptest::array::uniform16(proptest::num::u8::ANY)) {
            let x = Block::new(b);
            let mask = |f: &dyn Fn(u8) -> bool| {
                b.iter().enumerate().fold(0u32, |m, (i, &c)| m | (u32::from(f(c)) << i))
            };
            proptest::prop_assert_eq!(x.eq(b[3]), mask(&|c| c == b[3]));
            proptest::prop_assert_eq!(x.within(0x20, 0x7E), mask(&|c| (0x20..=0x7E).contains(&c)));
            proptest::prop_assert_eq!(x.alphanumeric(), mask(&|c| c.is_ascii_alphanumeric()));
        }
    }
}
