//! The line breaks of a pretty JSON writer: `,\n` and the indentation of the current depth,
//! appended before each item as one fixed-size copy. Shared by the template writer
//! ([`crate::direct`]) and the serde writer ([`crate::json_writer`]).

use crate::direct::{put, FIXED};

/// `,\n` and the indentation of the current depth (its first `len` bytes), followed by more
/// indentation, so that a line break is appended as a fixed-size copy ([`put`]).
pub(crate) struct LineBreaks<'i> {
    line: Vec<u8>,
    /// How many bytes of `line` the current depth's line break has.
    len: usize,
    indent: &'i [u8],
}

impl<'i> LineBreaks<'i> {
    /// The line breaks of a value `depth` levels deep, indented by `indent` per level.
    pub(crate) fn new(indent: &'i [u8], depth: usize) -> Self {
        let mut line = Vec::with_capacity(2 + indent.len() * (depth + 8) + FIXED);
        line.extend_from_slice(b",\n");
        for _ in 0..depth {
            line.extend_from_slice(indent);
        }
        let mut breaks = LineBreaks {
            len: line.len(),
            line,
            indent,
        };
        breaks.pad();
        breaks
    }

    /// `line` made long enough for a fixed-size copy of the current depth's line break.
    #[cold]
    fn pad(&mut self) {
        while self.line.len() < self.len + FIXED {
            match self.indent {
                [] => self.line.push(b' '),
                indent => self.line.extend_from_slice(indent),
            }
        }
    }

    /// One level deeper (a container was opened).
    #[inline(always)]
    pub(crate) fn deeper(&mut self) {
        self.len += self.indent.len();
        if self.line.len() < self.len + FIXED {
            self.pad();
        }
    }

    /// One level shallower (a container is being closed).
    #[inline(always)]
    pub(crate) fn shallower(&mut self) {
        self.len = self.len.saturating_sub(self.indent.len()).max(2);
    }

    /// The line break before an item, with the comma unless it is the `first`.
    #[inline(always)]
    pub(crate) fn item(&self, out: &mut Vec<u8>, first: bool) {
        let from = usize::from(first);
        put(out, &self.line, from, self.len - from);
    }

    /// The line break before a closing bracket (no comma).
    #[inline(always)]
    pub(crate) fn before_close(&self, out: &mut Vec<u8>) {
        put(out, &self.line, 1, self.len - 1);
    }

    /// How many bytes a line break at the current depth has, its comma included.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The indentation of one level.
    pub(crate) fn indent(&self) -> &'i [u8] {
        self.indent
    }

    /// The indentation of the current depth.
    pub(crate) fn indentation(&self) -> &[u8] {
        self.line.get(2..self.len).unwrap_or_default()
    }
}
