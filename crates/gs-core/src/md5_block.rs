//! MD5 of a short message, in one 64-byte block and without a hasher.
//!
//! Every logical ID computed from a path ends with MD5 digits of the path's kept components
//! joined by `/`; almost every such text is shorter than 56 bytes and so pads to a single
//! block. [`md5::Md5`] costs, on top of the compression itself, its block buffer, the copy into
//! it and the padding work of a general hasher (about 150 instructions an ID, for 660 of
//! compression); this path fills the one block in place and compresses it. Longer texts go to
//! [`md5::Md5`] (see [`first_four`]).

#![allow(clippy::many_single_char_names)]

use md5::{Digest, Md5};

/// The longest message that pads to one block (room for the `0x80` byte and the 8-byte
/// length).
const ONE_BLOCK_MAX: usize = 55;

/// The first four bytes of the MD5 digest of `data`, whatever its length.
pub(crate) fn first_four(data: &[u8]) -> [u8; 4] {
    let digest = match one_block(data) {
        Some(d) => d,
        None => Md5::digest(data).into(),
    };
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The MD5 digest of `data` when it fits one block (at most 55 bytes), else `None`.
fn one_block(data: &[u8]) -> Option<[u8; 16]> {
    if data.len() > ONE_BLOCK_MAX {
        return None;
    }
    let mut block = [0u8; 64];
    block.get_mut(..data.len())?.copy_from_slice(data);
    *block.get_mut(data.len())? = 0x80;
    // The length in bits, little-endian, in the last 8 bytes (at most 440: fits two).
    let bits = (data.len() as u64) * 8;
    block.get_mut(56..)?.copy_from_slice(&bits.to_le_bytes());
    let mut words = [0u32; 16];
    for (w, chunk) in words.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    let state = compress(&words);
    let mut out = [0u8; 16];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_le_bytes());
    }
    Some(out)
}

#[inline(always)]
fn step(f: u32, w: u32, x: u32, m: u32, c: u32, s: u32) -> u32 {
    f.wrapping_add(w)
        .wrapping_add(m)
        .wrapping_add(c)
        .rotate_left(s)
        .wrapping_add(x)
}

/// MD5's compression of one block (RFC 1321, section 3.4) from the initial state.
fn compress(m: &[u32; 16]) -> [u32; 4] {
    const INIT: [u32; 4] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476];
    let [mut a, mut b, mut c, mut d] = INIT;
    macro_rules! f {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step(($x & $y) | (!$x & $z), $w, $x, m[$i], $k, $s)
        };
    }
    macro_rules! g {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step(($x & $z) | ($y & !$z), $w, $x, m[$i], $k, $s)
        };
    }
    macro_rules! h {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step($x ^ $y ^ $z, $w, $x, m[$i], $k, $s)
        };
    }
    macro_rules! i {
        ($w:ident, $x:ident, $y:ident, $z:ident, $i:literal, $k:literal, $s:literal) => {
            $w = step($y ^ ($x | !$z), $w, $x, m[$i], $k, $s)
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
        INIT[0].wrapping_add(a),
        INIT[1].wrapping_add(b),
        INIT[2].wrapping_add(c),
        INIT[3].wrapping_add(d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_one_block_digest_is_md5(data in proptest::collection::vec(proptest::num::u8::ANY, 0..=ONE_BLOCK_MAX)) {
            let want: [u8; 16] = Md5::digest(&data).into();
            proptest::prop_assert_eq!(one_block(&data), Some(want));
        }

        #[test]
        fn the_first_four_bytes_are_md5s_at_any_length(data in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let want = Md5::digest(&data);
            proptest::prop_assert_eq!(&first_four(&data)[..], &want[..4]);
        }
    }

    #[test]
    fn every_length_around_one_block_is_md5() {
        for len in 0..=130 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let want = Md5::digest(&data);
            assert_eq!(&first_four(&data)[..], &want[..4], "{len}");
            assert_eq!(one_block(&data).is_some(), len <= 55, "{len}");
        }
        // The RFC 1321 test suite's first vectors.
        assert_eq!(
            one_block(b""),
            Some(*b"\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e")
        );
        assert_eq!(
            one_block(b"abc"),
            Some(*b"\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72")
        );
    }
}
