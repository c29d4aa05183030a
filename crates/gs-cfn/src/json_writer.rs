//! The fast path of [`crate::pretty_json`]: a serde serializer that writes pretty JSON straight
//! into a `Vec<u8>`, byte for byte what serde_json's pretty printer writes.
//!
//! serde_json checks every byte of a string through a table and copies it piece by piece; here
//! a string is checked in one branch-free pass and copied whole when nothing in it needs an
//! escape (almost every string in a template or report). That halves the cost of strings. Anything this writer does not know how
//! to write as serde_json would (an enum variant with data, bytes, a key that is not a string)
//! stops it with [`Error::Unsupported`], and the caller writes the value with serde_json instead.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use crate::line_breaks::LineBreaks;

/// Why the fast path stopped.
#[derive(Debug)]
pub(crate) enum Error {
    /// A value serde_json writes in a way this writer does not copy: write it with serde_json.
    Unsupported,
    /// The value's own `Serialize` failed; serde_json would fail the same way.
    Json(serde_json::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unsupported => f.write_str("not written by the fast JSON path"),
            Error::Json(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Json(serde_json::Error::custom(msg))
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// The name of a newtype struct whose value [`Writer`] writes as usual and also records as a
/// [`Span`] (see [`Writer::into_spans`]). Every other serializer, serde_json's included, writes
/// a newtype struct as its value alone, so marking a value never changes what is written.
pub(crate) const MARK: &str = "$gs_cfn::json_writer::Mark";

/// Where a marked value sits in the written bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// Its first byte.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// How many levels deep it sits: its inner lines are indented one level more.
    pub depth: usize,
}

/// `value` marked with [`MARK`].
pub(crate) struct Marked<T>(pub T);

impl<T: Serialize> Serialize for Marked<T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(MARK, &self.0)
    }
}

/// Pretty JSON appended to a buffer.
pub(crate) struct Writer<'o> {
    out: &'o mut Vec<u8>,
    breaks: LineBreaks<'o>,
    /// The values marked with [`MARK`], in the order they were written.
    spans: Vec<Span>,
}

impl<'o> Writer<'o> {
    /// A writer for a value `depth` levels deep in a larger pretty document.
    pub(crate) fn nested(out: &'o mut Vec<u8>, indent: &'o str, depth: usize) -> Self {
        Writer {
            out,
            breaks: LineBreaks::new(indent.as_bytes(), depth),
            spans: Vec::new(),
        }
    }

    /// The values marked with [`MARK`], in the order they were written.
    pub(crate) fn into_spans(self) -> Vec<Span> {
        self.spans
    }

    /// A scalar other than a string, exactly as serde_json writes it.
    fn scalar<T: Serialize>(&mut self, value: T) -> Result {
        serde_json::to_writer(&mut *self.out, &value).map_err(Error::Json)
    }

    fn string(&mut self, s: &str) -> Result {
        crate::direct::string(self.out, s);
        Ok(())
    }

    fn open(&mut self, bracket: u8, close: u8) -> Compound<'_, 'o> {
        self.out.push(bracket);
        self.breaks.deeper();
        Compound {
            w: self,
            close,
            empty: true,
        }
    }
}

/// The eight bytes of `bytes` from `at`, as a little-endian word (0 past the end).
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The four bytes of `bytes` from `at`, as a little-endian half word (0 past the end).
#[inline(always)]
fn half_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

/// The sixteen bytes of `bytes` from `at` (zeros, which need an escape, past the end).
#[inline(always)]
fn block_at(bytes: &[u8], at: usize) -> [u8; 16] {
    bytes
        .get(at..at + 16)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .unwrap_or([0; 16])
}

/// Two words as the sixteen bytes they are, the first first.
#[inline(always)]
fn pair(first: u64, second: u64) -> [u8; 16] {
    (u128::from(second) << 64 | u128::from(first)).to_le_bytes()
}

/// Each byte of `block` made below 0x20 exactly when serde_json escapes it (a control character,
/// `"` or `\\`): the byte, or less for a quote or backslash (`0 + 0x1f` where the byte equals
/// one, a byte at least 0x20 otherwise). Sixteen bytes at once, as the compiler writes it: a
/// few vector instructions.
#[inline(always)]
fn lanes(mut block: [u8; 16]) -> [u8; 16] {
    for b in block.iter_mut() {
        let x = *b;
        *b = x
            .min((x ^ b'"').saturating_add(0x1f))
            .min((x ^ b'\\').saturating_add(0x1f));
    }
    block
}

/// The lowest of each pair of lanes.
#[inline(always)]
fn lanes_min(mut a: [u8; 16], b: [u8; 16]) -> [u8; 16] {
    for (x, y) in a.iter_mut().zip(b) {
        *x = (*x).min(y);
    }
    a
}

/// Whether a lane of [`lanes`] stands for a byte to escape.
#[inline(always)]
fn any_special(lanes: [u8; 16]) -> bool {
    lanes.iter().fold(false, |any, &x| any | (x < 0x20))
}

/// Whether serde_json escapes a byte of `bytes`: a control character, `"` or `\\`. Sixteen
/// bytes at a time ([`lanes`]); the last block overlaps the one before it (a byte read twice
/// does not change the answer), and a string shorter than a block is read as two overlapping
/// words, halves, or as its first, middle and last bytes: no copy, and no loop over a tail, for
/// the short strings most of a template is made of.
#[inline]
pub(crate) fn needs_escape(bytes: &[u8]) -> bool {
    let n = bytes.len();
    let word = |at: usize| word_at(bytes, at);
    let half = |at: usize| half_at(bytes, at);
    if n > 32 {
        let mut low = [u8::MAX; 16];
        let mut blocks = bytes.chunks_exact(16);
        for block in &mut blocks {
            let block = <[u8; 16]>::try_from(block).unwrap_or([0; 16]);
            low = lanes_min(low, lanes(block));
        }
        if !blocks.remainder().is_empty() {
            low = lanes_min(low, lanes(block_at(bytes, n - 16)));
        }
        any_special(low)
    } else if n >= 16 {
        any_special(lanes_min(
            lanes(block_at(bytes, 0)),
            lanes(block_at(bytes, n - 16)),
        ))
    } else if n >= 8 {
        any_special(lanes(pair(word(0), word(n - 8))))
    } else if n >= 4 {
        special_bytes(u64::from(half(0)) | u64::from(half(n - 4)) << 32) != 0
    } else if n > 0 {
        let byte = |at: usize| bytes.get(at).copied().unwrap_or(b' ');
        let word = u64::from_le_bytes([
            byte(0),
            byte(n / 2),
            byte(n - 1),
            b' ',
            b' ',
            b' ',
            b' ',
            b' ',
        ]);
        special_bytes(word) != 0
    } else {
        false
    }
}

/// `s` quoted (with `": "` after it when `key`), appended to `out` when nothing in it needs an
/// escape and it is at most [`SHORT`] bytes long; `false` (nothing appended) otherwise.
///
/// The words [`needs_escape`] reads are put, where they belong, into a buffer of a fixed size,
/// which is appended whole and cut back to length: a few stores instead of a copy of a varying
/// length (a call) and its quotes pushed one by one, for the short strings most of a template
/// is made of.
#[inline(always)]
pub(crate) fn quoted_short(out: &mut Vec<u8>, s: &str, key: bool) -> bool {
    let bytes = s.as_bytes();
    let n = bytes.len();
    let word = |at: usize| word_at(bytes, at);
    let half = |at: usize| half_at(bytes, at);
    let mut buf = [0u8; SHORT + 8];
    let mut put = |at: usize, bytes: &[u8]| {
        if let Some(to) = buf.get_mut(at..at + bytes.len()) {
            to.copy_from_slice(bytes);
        }
    };
    let found = if n > SHORT {
        return false;
    } else if n > 16 {
        let (a, b) = (block_at(bytes, 0), block_at(bytes, n - 16));
        put(1, &a);
        put(n - 15, &b);
        u64::from(any_special(lanes_min(lanes(a), lanes(b))))
    } else if n >= 8 {
        let (a, b) = (word(0), word(n - 8));
        put(1, &a.to_le_bytes());
        put(n - 7, &b.to_le_bytes());
        u64::from(any_special(lanes(pair(a, b))))
    } else if n >= 4 {
        let (a, b) = (half(0), half(n - 4));
        put(1, &a.to_le_bytes());
        put(n - 3, &b.to_le_bytes());
        special_bytes(u64::from(a) | u64::from(b) << 32)
    } else if n > 0 {
        let byte = |at: usize| bytes.get(at).copied().unwrap_or(b' ');
        let (a, b, c) = (byte(0), byte(n / 2), byte(n - 1));
        put(1, &[a]);
        put(1 + n / 2, &[b]);
        put(n, &[c]);
        special_bytes(u64::from_le_bytes([a, b, c, b' ', b' ', b' ', b' ', b' ']))
    } else {
        0
    };
    if found != 0 {
        return false;
    }
    put(0, b"\"");
    let len = if key {
        put(n + 1, b"\": ");
        n + 4
    } else {
        put(n + 1, b"\"");
        n + 2
    };
    out.extend_from_slice(&buf);
    out.truncate(out.len() - (buf.len() - len));
    true
}

/// The longest string [`quoted_short`] writes.
pub(crate) const SHORT: usize = 32;

/// Non-zero when a byte of `word` is below 0x20, `"` or `\\` (the high bit of the lowest such
/// byte is set; bits above it may be set falsely, which does not change the answer). The
/// classic "has a zero byte" and "has a byte less than n" word tricks.
#[inline]
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS;
    below(word, 0x20)
        | below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// An array or object being written.
pub(crate) struct Compound<'w, 'o> {
    w: &'w mut Writer<'o>,
    close: u8,
    empty: bool,
}

impl Compound<'_, '_> {
    /// The line break and indentation before an item (and the comma before all but the first).
    #[inline(always)]
    fn item(&mut self) {
        self.w.breaks.item(self.w.out, self.empty);
        self.empty = false;
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.item();
        value.serialize(&mut *self.w)
    }

    fn key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        self.item();
        let start = self.w.out.len();
        key.serialize(&mut *self.w)?;
        // serde_json writes keys that serialize as strings the same way; others (numbers are
        // quoted as keys) or errors are left to it.
        if self.w.out.get(start) != Some(&b'"') {
            return Err(Error::Unsupported);
        }
        self.w.out.extend_from_slice(b": ");
        Ok(())
    }

    fn end(self) -> Result {
        let w = self.w;
        w.breaks.shallower();
        if !self.empty {
            w.breaks.before_close(w.out);
        }
        w.out.push(self.close);
        Ok(())
    }
}

impl<'w, 'o> ser::Serializer for &'w mut Writer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'o>;
    type SerializeTuple = Compound<'w, 'o>;
    type SerializeTupleStruct = Compound<'w, 'o>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Compound<'w, 'o>;
    type SerializeStruct = Compound<'w, 'o>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result {
        self.scalar(v)
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.scalar(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.scalar(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.scalar(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.scalar(v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.scalar(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.scalar(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.scalar(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.scalar(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.scalar(v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.scalar(v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.scalar(v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.scalar(v)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Error::Unsupported)
    }
    fn serialize_none(self) -> Result {
        self.scalar(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.scalar(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.scalar(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result {
        if name != MARK {
            return value.serialize(self);
        }
        let start = self.out.len();
        let depth = (self.breaks.len() - 2) / self.breaks.indent().len().max(1);
        value.serialize(&mut *self)?;
        let end = self.out.len();
        self.spans.push(Span { start, end, depth });
        Ok(())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Error::Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'[', b']'))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'[', b']'))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'[', b']'))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Error::Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'{', b'}'))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'{', b'}'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Error::Unsupported)
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result {
        // A field name is a string: quoted as a key at once, without the check `key` makes.
        self.item();
        if !quoted_short(self.w.out, key, true) {
            self.w.string(key)?;
            self.w.out.extend_from_slice(b": ");
        }
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::{needs_escape, quoted_short, SHORT};
    use proptest::prelude::*;

    /// What [`quoted_short`] must append to `out` (which holds `before`).
    fn expected(before: &[u8], s: &str, key: bool) -> Option<Vec<u8>> {
        if s.len() > SHORT || needs_escape(s.as_bytes()) {
            return None;
        }
        let mut out = before.to_vec();
        out.extend_from_slice(serde_json::to_string(s).unwrap().as_bytes());
        if key {
            out.extend_from_slice(b": ");
        }
        Some(out)
    }

    fn check(before: &[u8], s: &str, key: bool) -> Result<(), TestCaseError> {
        let mut out = before.to_vec();
        let written = quoted_short(&mut out, s, key);
        match expected(before, s, key) {
            Some(e) => {
                prop_assert!(written);
                prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&e));
            }
            None => {
                prop_assert!(!written);
                prop_assert_eq!(out, before.to_vec());
            }
        }
        Ok(())
    }

    #[test]
    fn a_short_string_is_quoted_as_serde_json_quotes_it_at_any_length_and_position() {
        for len in 0..=SHORT + 4 {
            for at in 0..len.max(1) {
                for b in [b'a', b'"', b'\\', b'\n', 0x1f, b' ', b'~', 0x7f] {
                    let mut bytes = vec![b'a'; len];
                    if let Some(x) = bytes.get_mut(at) {
                        *x = b;
                    }
                    // Each byte tells where it is, so that a misplaced copy shows.
                    for (i, x) in bytes.iter_mut().enumerate() {
                        if *x == b'a' {
                            *x = b'A' + (i % 26) as u8;
                        }
                    }
                    let s = String::from_utf8(bytes).unwrap();
                    for key in [false, true] {
                        check(b"prefix", &s, key).unwrap();
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_string_is_quoted_short_as_serde_json_quotes_it(
            s in "(\\PC|[\"\\\\\n\u{1}])*",
            before in prop::collection::vec(any::<u8>(), 0..20),
            key in any::<bool>(),
        ) {
            check(&before, &s, key)?;
        }
    }

    /// Struct fields whose names are long or need an escape are keyed as serde_json keys them.
    #[test]
    fn any_field_name_is_keyed_as_serde_json_keys_it() {
        #[derive(serde::Serialize)]
        struct Fields {
            plain: u8,
            #[serde(rename = "quo\"te")]
            quote: u8,
            #[serde(rename = "a field name longer than thirty-two bytes")]
            long: u8,
            #[serde(rename = "")]
            empty: u8,
        }
        let value = Fields {
            plain: 1,
            quote: 2,
            long: 3,
            empty: 4,
        };
        assert_eq!(
            crate::json::pretty_json(&value, "  ").unwrap(),
            serde_json::to_vec_pretty(&value).unwrap()
        );
    }

    /// Values nested deeper than a fixed copy of a line break reaches, with any indent: written
    /// as serde_json's pretty printer writes them.
    #[test]
    fn deeply_nested_values_are_written_as_serde_json_writes_them() {
        for indent in ["", " ", "  ", "\t\t\t", "ab"] {
            for depth in [1, 5, 15, 16, 17, 31, 40] {
                let mut value = serde_json::json!("leaf");
                for i in 0..depth {
                    value = if i % 2 == 0 {
                        serde_json::json!([1, value, []])
                    } else {
                        serde_json::json!({"k": value, "after": {}})
                    };
                }
                let mut expected = Vec::new();
                let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
                let mut ser = serde_json::Serializer::with_formatter(&mut expected, formatter);
                serde::Serialize::serialize(&value, &mut ser).unwrap();
                let written = crate::json::pretty_json(&value, indent).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&written),
                    String::from_utf8_lossy(&expected),
                    "indent {indent:?}, depth {depth}"
                );
            }
        }
    }

    #[test]
    fn a_byte_needs_escape_exactly_when_serde_json_escapes_it_at_any_position() {
        for len in 1..=80 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let escaped = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(
                        needs_escape(&bytes),
                        escaped,
                        "byte {b:#x} at {at} of {len}"
                    );
                }
            }
        }
        assert!(!needs_escape(b""));
        assert!(!needs_escape("arn:aws:s3:::bucket/é漢字 \u{7f}".as_bytes()));
    }
}
