//! Byte scans eight bytes at a time, for the writers' fast paths: most ids, paths and strings
//! need no escaping, and a word test costs about one instruction a byte where a byte loop costs
//! four or five.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Non-zero when some byte of `w` is below `n` (`n` at most 0x80); the lowest flagged byte is
/// exact, bits above it may be set falsely, which does not change whether it is zero.
fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS
}

/// Non-zero when some byte of `w` equals `b`.
fn equal(w: u64, b: u8) -> u64 {
    below(w ^ (ONES * u64::from(b)), 1)
}

/// Whether `test` flags a word of `bytes` (the last one padded with `pad`, which it must not flag).
fn any_word(bytes: &[u8], pad: u8, test: impl Fn(u64) -> u64) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        found |= test(u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [pad; 8];
        word[..rest.len()].copy_from_slice(rest);
        found |= test(u64::from_le_bytes(word));
    }
    found != 0
}

/// Whether JSON escapes a byte of `bytes`: a control character, `"` or `\`.
pub(crate) fn json_special(bytes: &[u8]) -> bool {
    any_word(bytes, b' ', |w| {
        below(w, 0x20) | equal(w, b'"') | equal(w, b'\\')
    })
}

/// Whether `bytes` holds a `"` or a `\`.
pub(crate) fn quote_or_backslash(bytes: &[u8]) -> bool {
    any_word(bytes, b' ', |w| equal(w, b'"') | equal(w, b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_scans_agree_with_byte_loops_at_every_position() {
        // Every byte value at every position of strings of every length up to 20, among
        // neighbours that sit just above and below the flagged ones.
        let fill = [b'!', b'#', b'[', b']', 0x20, 0x7f, 0x80, 0xff];
        for len in 1..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes: Vec<u8> = (0..len).map(|i| fill[i % fill.len()]).collect();
                    bytes[at] = b;
                    let json = bytes.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
                    let quote = bytes.iter().any(|&c| c == b'"' || c == b'\\');
                    assert_eq!(json_special(&bytes), json, "{bytes:?}");
                    assert_eq!(quote_or_backslash(&bytes), quote, "{bytes:?}");
                }
            }
        }
        assert!(!json_special(b"") && !quote_or_backslash(b""));
    }
}
