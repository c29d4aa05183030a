//! Pretty JSON, byte for byte as `serde_json::to_vec_pretty` writes it (with any indent), but
//! each line break and its indentation written in one copy instead of one write per level, and
//! (through [`crate::json_writer`]) each string that needs no escape copied whole.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::json_writer::{Error as WriterError, Writer};

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

/// [`pretty_json`] appended to `out`.
pub fn pretty_json_into<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    indent: &str,
) -> Result<(), serde_json::Error> {
    let start = out.len();
    match value.serialize(&mut Writer::new(out, indent)) {
        Ok(()) => return Ok(()),
        Err(WriterError::Json(e)) => return Err(e),
        // A value the fast writer does not know: serde_json writes it from the start.
        Err(WriterError::Unsupported) => out.truncate(start),
    }
    let formatter = Pretty {
        indent: indent.as_bytes(),
        line: b",\n".to_vec(),
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
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
