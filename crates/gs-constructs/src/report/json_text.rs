//! Pretty JSON written straight into a buffer, byte for byte what `gs_cfn::pretty_json` (and
//! serde_json's pretty printer, indent two spaces) writes, for the reports gs writes on every
//! synthesis (SARIF, the DR report): no serializer and no intermediate values in between.
//! The callers' tests compare both paths on the same data. Strings are written by gs-cfn's
//! [`gs_cfn::json_string`], as the templates' are.

use gs_cfn::{json_needs_escape as needs_escape, json_string as string};

/// A pretty JSON document being written: containers are opened and closed explicitly, each
/// item or key starts a new line at the current depth.
///
/// The writing methods are `#[inline(never)]`: a report calls each of them from dozens of
/// places, and one shared copy is less code to load than one inlined copy per call.
pub(crate) struct JsonText<'o> {
    out: &'o mut Vec<u8>,
    /// `,\n` and the indentation of the current depth: written whole before a later item, from
    /// its second byte before the first.
    line: Vec<u8>,
    /// Whether the innermost open container has no item yet.
    empty: bool,
}

impl<'o> JsonText<'o> {
    /// A document appended to `out`.
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        let mut line = Vec::with_capacity(32);
        line.extend_from_slice(b",\n");
        JsonText {
            out,
            line,
            empty: true,
        }
    }

    /// Starts an object (`b'{'`) or an array (`b'['`) as the current value.
    #[inline(never)]
    pub(crate) fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.line.extend_from_slice(b"  ");
        self.empty = true;
    }

    /// Ends the innermost container with `bracket` (`b'}'` or `b']'`); an empty one closes on
    /// its line, as serde_json writes `[]` and `{}`.
    #[inline(never)]
    pub(crate) fn close(&mut self, bracket: u8) {
        self.line.truncate(self.line.len().saturating_sub(2).max(2));
        if !self.empty {
            self.out
                .extend_from_slice(self.line.get(1..).unwrap_or_default());
        }
        self.out.push(bracket);
        // The container was an item of its parent (or the document).
        self.empty = false;
    }

    /// Starts the next item of the innermost array.
    pub(crate) fn item(&mut self) {
        let from = usize::from(self.empty);
        self.out
            .extend_from_slice(self.line.get(from..).unwrap_or_default());
        self.empty = false;
    }

    /// Starts the member `name` of the innermost object: its value comes next. `name` is one of
    /// the caller's own keys, with no character JSON escapes.
    #[inline(never)]
    pub(crate) fn key(&mut self, name: &str) {
        debug_assert!(!needs_escape(name), "a key to escape: {name}");
        self.item();
        self.out.reserve(name.len() + 4);
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// What [`JsonText::key`] writes for `name`, after the first member, in an object that is
    /// an item of the innermost open container: made once, then written with
    /// [`JsonText::member`] into each of many objects alike.
    pub(crate) fn member_text(&self, name: &str) -> Vec<u8> {
        debug_assert!(!needs_escape(name), "a key to escape: {name}");
        let mut text = Vec::with_capacity(self.line.len() + 2 + name.len() + 4);
        text.extend_from_slice(&self.line);
        text.extend_from_slice(b"  \"");
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(b"\": ");
        text
    }

    /// [`JsonText::key`] from the [`JsonText::member_text`] made before the object opened.
    pub(crate) fn member(&mut self, text: &[u8]) {
        let from = usize::from(self.empty);
        self.out
            .extend_from_slice(text.get(from..).unwrap_or_default());
        self.empty = false;
    }

    /// A string value.
    pub(crate) fn str(&mut self, s: &str) {
        string(self.out, s);
    }

    /// A string value made of `parts` one after the other.
    #[inline(never)]
    pub(crate) fn str_parts(&mut self, parts: &[&str]) {
        if parts.iter().any(|p| needs_escape(p)) {
            string(self.out, &parts.concat());
            return;
        }
        self.out.push(b'"');
        for p in parts {
            self.out.extend_from_slice(p.as_bytes());
        }
        self.out.push(b'"');
    }

    /// A string, or `null`.
    #[inline(never)]
    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => string(self.out, s),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    /// An unsigned integer.
    #[inline(never)]
    pub(crate) fn uint(&mut self, n: u64) {
        self.out
            .extend_from_slice(crate::decimal::decimal(n, &mut [0u8; 20]));
    }

    /// An unsigned integer, or `null`.
    #[inline(never)]
    pub(crate) fn opt_uint(&mut self, n: Option<u64>) {
        match n {
            Some(n) => self.uint(n),
            None => self.out.extend_from_slice(b"null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_serde_json_writes() {
        let strings = [
            "plain",
            "",
            "quote \" and \\ back",
            "tab\tnew\nline\u{1}",
            "é ü \u{7f}",
        ];
        // Keys in sorted order: serde_json's map keeps them so with or without `preserve_order`.
        let value = serde_json::json!({
            "a": strings,
            "empty": [],
            "n": [0u64, 7, 10, 1234567890, u64::MAX],
            "nested": [{"k": "v", "list": [[]]}],
            "none": null,
            "obj": {}
        });
        let mut out = Vec::new();
        let mut j = JsonText::new(&mut out);
        j.open(b'{');
        j.key("a");
        j.open(b'[');
        for s in strings {
            j.item();
            j.str(s);
        }
        j.close(b']');
        j.key("empty");
        j.open(b'[');
        j.close(b']');
        j.key("n");
        j.open(b'[');
        for n in [0u64, 7, 10, 1234567890, u64::MAX] {
            j.item();
            j.uint(n);
        }
        j.close(b']');
        j.key("nested");
        j.open(b'[');
        j.item();
        j.open(b'{');
        j.key("k");
        j.str_parts(&["", "v"]);
        j.key("list");
        j.open(b'[');
        j.item();
        j.open(b'[');
        j.close(b']');
        j.close(b']');
        j.close(b'}');
        j.close(b']');
        j.key("none");
        j.opt_str(None);
        j.key("obj");
        j.open(b'{');
        j.close(b'}');
        j.close(b'}');
        let expected = serde_json::to_string_pretty(&value).expect("serde_json writes it");
        assert_eq!(String::from_utf8(out).expect("UTF-8"), expected);
    }

    #[test]
    fn members_made_ahead_are_keys() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut j = JsonText::new(&mut a);
        let mut k = JsonText::new(&mut b);
        j.open(b'[');
        k.open(b'[');
        let (x, y) = (k.member_text("x"), k.member_text("y"));
        for _ in 0..2 {
            j.item();
            k.item();
            j.open(b'{');
            k.open(b'{');
            j.key("x");
            k.member(&x);
            j.uint(1);
            k.uint(1);
            j.key("y");
            k.member(&y);
            j.opt_uint(None);
            k.opt_uint(None);
            j.close(b'}');
            k.close(b'}');
        }
        j.close(b']');
        k.close(b']');
        assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
        assert_eq!(
            String::from_utf8_lossy(&a),
            "[\n  {\n    \"x\": 1,\n    \"y\": null\n  },\n  {\n    \"x\": 1,\n    \"y\": null\n  }\n]"
        );
    }

    #[test]
    fn escapes_every_character_as_serde_json_does() {
        let every: String = (0u8..0x80)
            .map(char::from)
            .chain(['é', '\u{2028}', '😀'])
            .collect();
        for s in [every.as_str(), "\"", "a\\", "\u{0}x\u{1f}"] {
            let mut out = Vec::new();
            JsonText::new(&mut out).str(s);
            assert_eq!(
                out,
                serde_json::to_vec(s).expect("serde_json writes it"),
                "{s:?}"
            );
        }
    }

    #[test]
    fn parts_with_an_escape_are_escaped_whole() {
        let mut out = Vec::new();
        JsonText::new(&mut out).str_parts(&["a \"b\"", " (fix: ", "c\nd", ")"]);
        assert_eq!(
            out,
            serde_json::to_vec("a \"b\" (fix: c\nd)").expect("serde_json writes it")
        );
    }
}
