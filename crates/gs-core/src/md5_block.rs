//! MD5 (RFC 1321) without a hasher: gs-core's one MD5 implementation.
//!
//! Every logical ID computed from a path ends with MD5 digits of the path's kept components
//! joined by `/`; almost every such text is shorter than 56 bytes and so pads to a single
//! block, which [`digest`] fills in place and compresses: no block buffer, no copy into it, none
//! of the padding work of a general hasher (which cost about 150 instructions an ID, for 660 of
//! compression). Longer texts (long paths, the models hashed into a logical ID by
//! `App::add_to_logical_id`) compress their whole blocks straight from the text. One
//! compression function serves both, so the binary carries one copy of it.

#![allow(clippy::many_single_char_names)]

/// The longest tail that pads to one block (room for the `0x80` byte and the 8-byte length).
const ONE_BLOCK_MAX: usize = 55;

/// MD5's initial state.
const INIT: [u32; 4] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476];

/// The first four bytes of the MD5 digest of `data`, whatever its length.
pub(crate) fn first_four(data: &[u8]) -> [u8; 4] {
    let digest = digest(data);
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The MD5 digest of `data`.
pub(crate) fn digest(data: &[u8]) -> [u8; 16] {
    let mut state = INIT;
    let mut blocks = data.chunks_exact(64);
    for block in &mut blocks {
        state = compress(state, words(block));
    }
    // The tail, the `0x80` byte, zeros and the length in bits, little-endian, in the last 8
    // bytes: one block, or two when the tail leaves no room for the length.
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    let len = if rest.len() <= ONE_BLOCK_MAX { 64 } else { 128 };
    let bits = (data.len() as u64).wrapping_mul(8);
    if let Some(t) = tail.get_mut(..rest.len()) {
        t.copy_from_slice(rest);
    }
    if let Some(b) = tail.get_mut(rest.len()) {
        *b = 0x80;
    }
    if let Some(t) = tail.get_mut(len - 8..len) {
        t.copy_from_slice(&bits.to_le_bytes());
    }
    for block in tail.get(..len).unwrap_or_default().chunks_exact(64) {
        state = compress(state, words(block));
    }
    let mut out = [0u8; 16];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_le_bytes());
    }
    out
}

/// The 64 bytes of a block, as `compress` reads them.
#[inline(always)]
fn words(block: &[u8]) -> &[u8; 64] {
    const EMPTY: [u8; 64] = [0; 64];
    block.try_into().unwrap_or(&EMPTY)
}

#[inline(always)]
fn step(f: u32, w: u32, x: u32, m: u32, c: u32, s: u32) -> u32 {
    f.wrapping_add(w)
        .wrapping_add(m)
        .wrapping_add(c)
        .rotate_left(s)
        .wrapping_add(x)
}

/// MD5's compression of one block (RFC 1321, section 3.4) into `state`. Not inlined: its two
/// callers share one copy.
#[inline(never)]
fn compress(state: [u32; 4], block: &[u8; 64]) -> [u32; 4] {
    let [mut a, mut b, mut c, mut d] = state;
    // The block's 16 little-endian words, read where they are (constant offsets into an array:
    // no bounds checks, no copy).
    let m = |i: usize| {
        u32::from_le_bytes([
            block[4 * i],
            block[4 * i + 1],
            block[4 * i + 2],
            block[4 * i + 3],
        ])
    };
    // F and G in their three-operation forms (`z ^ (x & (y ^ z))` is `(x & y) | (!x & z)`,
    // `y ^ (z & (x ^ y))` is `(x & z) | (y & !z)`): bit by bit, both pick y or z by x or z.
    macro_rules! f {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step($z ^ ($x & ($y ^ $z)), $w, $x, m($i), $k, $s)
        };
    }
    macro_rules! g {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step($y ^ ($z & ($x ^ $y)), $w, $x, m($i), $k, $s)
        };
    }
    macro_rules! h {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step($x ^ $y ^ $z, $w, $x, m($i), $k, $s)
        };
    }
    macro_rules! i {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step($y ^ ($x | !$z), $w, $x, m($i), $k, $s)
        };
    }
    f!(a, b, c, d, 0, 0xd76a_a478, 7);
    f!(d, a, b, c, 1, 0xe8c7_b756, 12);
    f!(c, d, a, b, 2, 0x2420_70db, 17);
    f!(b, c, d, a, 3, 0xc1bd_ceee, 22);
    f!(a, b, c, d, 4, 0xf57c_0faf, 7);
    f!(d, a, b, c, 5, 0x4787_c62a, 12);
    f!(c, d, a, b, 6, 0xa830_4613, 17);
    f!(b, c, d, a, 7, 0xfd46_9501, 22);
    f!(a, b, c, d, 8, 0x6980_98d8, 7);
    f!(d, a, b, c, 9, 0x8b44_f7af, 12);
    f!(c, d, a, b, 10, 0xffff_5bb1, 17);
    f!(b, c, d, a, 11, 0x895c_d7be, 22);
    f!(a, b, c, d, 12, 0x6b90_1122, 7);
    f!(d, a, b, c, 13, 0xfd98_7193, 12);
    f!(c, d, a, b, 14, 0xa679_438e, 17);
    f!(b, c, d, a, 15, 0x49b4_0821, 22);

    g!(a, b, c, d, 1, 0xf61e_2562, 5);
    g!(d, a, b, c, 6, 0xc040_b340, 9);
    g!(c, d, a, b, 11, 0x265e_5a51, 14);
    g!(b, c, d, a, 0, 0xe9b6_c7aa, 20);
    g!(a, b, c, d, 5, 0xd62f_105d, 5);
    g!(d, a, b, c, 10, 0x0244_1453, 9);
    g!(c, d, a, b, 15, 0xd8a1_e681, 14);
    g!(b, c, d, a, 4, 0xe7d3_fbc8, 20);
    g!(a, b, c, d, 9, 0x21e1_cde6, 5);
    g!(d, a, b, c, 14, 0xc337_07d6, 9);
    g!(c, d, a, b, 3, 0xf4d5_0d87, 14);
    g!(b, c, d, a, 8, 0x455a_14ed, 20);
    g!(a, b, c, d, 13, 0xa9e3_e905, 5);
    g!(d, a, b, c, 2, 0xfcef_a3f8, 9);
    g!(c, d, a, b, 7, 0x676f_02d9, 14);
    g!(b, c, d, a, 12, 0x8d2a_4c8a, 20);

    h!(a, b, c, d, 5, 0xfffa_3942, 4);
    h!(d, a, b, c, 8, 0x8771_f681, 11);
    h!(c, d, a, b, 11, 0x6d9d_6122, 16);
    h!(b, c, d, a, 14, 0xfde5_380c, 23);
    h!(a, b, c, d, 1, 0xa4be_ea44, 4);
    h!(d, a, b, c, 4, 0x4bde_cfa9, 11);
    h!(c, d, a, b, 7, 0xf6bb_4b60, 16);
    h!(b, c, d, a, 10, 0xbebf_bc70, 23);
    h!(a, b, c, d, 13, 0x289b_7ec6, 4);
    h!(d, a, b, c, 0, 0xeaa1_27fa, 11);
    h!(c, d, a, b, 3, 0xd4ef_3085, 16);
    h!(b, c, d, a, 6, 0x0488_1d05, 23);
    h!(a, b, c, d, 9, 0xd9d4_d039, 4);
    h!(d, a, b, c, 12, 0xe6db_99e5, 11);
    h!(c, d, a, b, 15, 0x1fa2_7cf8, 16);
    h!(b, c, d, a, 2, 0xc4ac_5665, 23);

    i!(a, b, c, d, 0, 0xf429_2244, 6);
    i!(d, a, b, c, 7, 0x432a_ff97, 10);
    i!(c, d, a, b, 14, 0xab94_23a7, 15);
    i!(b, c, d, a, 5, 0xfc93_a039, 21);
    i!(a, b, c, d, 12, 0x655b_59c3, 6);
    i!(d, a, b, c, 3, 0x8f0c_cc92, 10);
    i!(c, d, a, b, 10, 0xffef_f47d, 15);
    i!(b, c, d, a, 1, 0x8584_5dd1, 21);
    i!(a, b, c, d, 8, 0x6fa8_7e4f, 6);
    i!(d, a, b, c, 15, 0xfe2c_e6e0, 10);
    i!(c, d, a, b, 6, 0xa301_4314, 15);
    i!(b, c, d, a, 13, 0x4e08_11a1, 21);
    i!(a, b, c, d, 4, 0xf753_7e82, 6);
    i!(d, a, b, c, 11, 0xbd3a_f235, 10);
    i!(c, d, a, b, 2, 0x2ad7_d2bb, 15);
    i!(b, c, d, a, 9, 0xeb86_d391, 21);

    [
        state[0].wrapping_add(a),
        state[1].wrapping_add(b),
        state[2].wrapping_add(c),
        state[3].wrapping_add(d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    proptest::proptest! {
        #[test]
        fn the_digest_is_md5s_at_any_length(data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let want: [u8; 16] = Md5::digest(&data).into();
            proptest::prop_assert_eq!(digest(&data), want);
            proptest::prop_assert_eq!(&first_four(&data)[..], &want[..4]);
        }
    }

    #[test]
    fn every_length_around_one_and_two_blocks_is_md5() {
        for len in 0..=200 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let want: [u8; 16] = Md5::digest(&data).into();
            assert_eq!(digest(&data), want, "{len}");
        }
        // The RFC 1321 test suite.
        let vectors: [(&str, &str); 7] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (text, hex) in vectors {
            let got: String = digest(text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(got, hex, "{text}");
        }
    }
}
