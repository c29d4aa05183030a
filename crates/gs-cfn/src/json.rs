//! Pretty JSON, byte for byte as `serde_json::to_vec_pretty` writes it (with any indent), but
//! each line break and its indentation written in one copy instead of one write per level, and
//! (through [`crate::json_writer`]) each string that needs no escape copied whole.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::json_writer::{Error as WriterError, Span, Writer};

/// `value` as pretty JSON indented by `indent` per level: `"  "` gives what
/// `serde_json::to_vec_pretty` gives, `" "` what AWS CDK writes templates with.
///
/// ```
/// let v = serde_json::json!({"a": [1, {"b": []}], "c": {}});
/// assert_eq!(gs_cfn::pretty_json(&v, "  ")?, serde_json::to_vec_pretty(&v)?);
/// assert_eq!(gs_cfn::pretty_json(&v, " ")?, b"{\n \"a\": [\n  1,\n  {\n   \"b\": []\n  }\n ],\n \"c\": {}\n}");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn pretty_json<T: Serialize + ?Sized>(
    value: &T,
    indent: &str,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(4096);
    pretty_json_into(&mut out, value, indent)?;
    Ok(out)
}

/// `s` appended to `out` as a JSON string, byte for byte as serde_json writes it: copied whole
/// when nothing in it needs an escape. For writers of JSON text outside gs-cfn (gs-constructs'
/// reports) that write the same strings the same way.
///
/// ```
/// let mut out = Vec::new();
/// gs_cfn::json_string(&mut out, "a \"b\"\n");
/// assert_eq!(out, serde_json::to_vec("a \"b\"\n")?);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn json_string(out: &mut Vec<u8>, s: &str) {
    crate::direct::string(out, s);
}

/// Whether serde_json escapes a character of `s` (a control character, `"` or `\`): when it
/// does not, `s` is its own JSON string content.
///
/// ```
/// assert!(!gs_cfn::json_needs_escape("plain é"));
/// assert!(gs_cfn::json_needs_escape("tab\there"));
/// ```
pub fn json_needs_escape(s: &str) -> bool {
    crate::json_writer::needs_escape(s.as_bytes())
}

/// [`pretty_json`] appended to `out`.
pub fn pretty_json_into<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    indent: &str,
) -> Result<(), serde_json::Error> {
    pretty_json_nested(out, value, indent, 0)
}

/// [`pretty_json_into`] for a value that sits `depth` levels deep in a larger pretty document:
/// its inner lines are indented from there, as if the outer document had been written whole
/// (the first line is not indented: it follows a key or a line break the caller wrote).
pub(crate) fn pretty_json_nested<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    indent: &str,
    depth: usize,
) -> Result<(), serde_json::Error> {
    pretty_json_spans(out, value, indent, depth).map(drop)
}

/// [`pretty_json_nested`], which also says where the values marked with
/// [`crate::json_writer::Marked`] were written, in the order they were written. The list is
/// empty when the value went through serde_json (which the marks do not reach).
pub(crate) fn pretty_json_spans<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    indent: &str,
    depth: usize,
) -> Result<Vec<Span>, serde_json::Error> {
    let start = out.len();
    let mut writer = Writer::nested(out, indent, depth);
    match value.serialize(&mut writer) {
        Ok(()) => return Ok(writer.into_spans()),
        Err(WriterError::Json(e)) => return Err(e),
        // A value the fast writer does not know: serde_json writes it from the start.
        Err(WriterError::Unsupported) => out.truncate(start),
    }
    let mut line = b",\n".to_vec();
    for _ in 0..depth {
        line.extend_from_slice(indent.as_bytes());
    }
    let formatter = Pretty {
        indent: indent.as_bytes(),
        line,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))?;
    Ok(Vec::new())
}

/// serde_json's `PrettyFormatter`, keeping the current line break and indentation ready.
struct Pretty<'i> {
    indent: &'i [u8],
    /// `,\n` and the indentation of the current depth: written whole before a later item,
    /// without the comma before the first.
    line: Vec<u8>,
    /// Whether the innermost array or object has an item (then its end goes on a new line).
    has_value: bool,
}

/// Where the comma ends in [`Pretty::line`].
const COMMA: usize = 1;

impl Pretty<'_> {
    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.line.extend_from_slice(self.indent);
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        let depth_len = self.line.len().saturating_sub(self.indent.len());
        self.line.truncate(depth_len.max(COMMA + 1));
        if self.has_value {
            w.write_all(&self.line[COMMA..])?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first {
            &self.line[COMMA..]
        } else {
            &self.line
        })
    }
}

impl Formatter for Pretty<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod nested_tests {
    use super::*;

    /// What `value` looks like at `depth` inside a whole document written at once.
    fn in_place(value: &serde_json::Value, depth: usize) -> Vec<u8> {
        let mut doc = value.clone();
        for _ in 0..depth {
            doc = serde_json::json!({ "k": doc });
        }
        let whole = pretty_json(&doc, " ").unwrap_or_default();
        let text = String::from_utf8(whole).unwrap_or_default();
        let start = text
            .find(&format!("{}\"k\": ", " ".repeat(depth)))
            .map_or(0, |i| i + depth + 5);
        let end = text.len() - (0..depth).map(|d| d + 2).sum::<usize>();
        text.as_bytes()[start..end].to_vec()
    }

    #[test]
    fn a_nested_value_is_written_as_it_sits_in_the_whole_document() {
        let value = serde_json::json!({"a": [1, {"b": []}], "c": {"d": "x"}});
        for depth in [0, 1, 3] {
            let mut out = Vec::new();
            pretty_json_nested(&mut out, &value, " ", depth).unwrap_or_default();
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&in_place(&value, depth)),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn the_serde_json_fallback_indents_a_nested_value_the_same_way() {
        // A map with a non-string key is what the fast writer leaves to serde_json.
        let value: std::collections::BTreeMap<u8, Vec<u8>> = [(1, vec![2, 3])].into();
        let mut out = Vec::new();
        pretty_json_nested(&mut out, &value, " ", 2).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "{\n   \"1\": [\n    2,\n    3\n   ]\n  }"
        );
    }
}
