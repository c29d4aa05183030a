//! The hasher of gs's own maps (property maps, child ids): FxHash, the multiply-and-rotate hash
//! rustc uses. The keys come from the program that builds the app, not from an adversary, so
//! std's keyed SipHash buys nothing here and costs several times more per key.

use std::hash::{BuildHasherDefault, Hasher};

/// The `BuildHasher` of gs's maps (and of gs-cfn's maps keyed by logical ID or path).
pub type FastState = BuildHasherDefault<FastHasher>;

/// FxHash: each word rotated into the state and multiplied by a large odd constant.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the high bits best mixed; hash tables index by the low ones.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, Hash, Hasher};

    use super::{FastHasher, FastState};

    fn hash(s: &str) -> u64 {
        FastState::default().hash_one(s)
    }

    #[test]
    fn equal_keys_hash_equal_and_different_keys_differ() {
        assert_eq!(hash("BucketName"), hash("BucketName"));
        let keys = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "BucketName",
            "BucketNamf",
            "VersioningConfiguration",
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(hash(a), hash(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn every_byte_of_a_long_key_counts() {
        let base = "x".repeat(19);
        let mut h = FastHasher::default();
        base.hash(&mut h);
        for i in 0..base.len() {
            let mut changed = base.clone().into_bytes();
            changed[i] = b'y';
            let changed = String::from_utf8(changed).unwrap();
            assert_ne!(hash(&changed), h.finish(), "byte {i}");
        }
    }
}
