//! `tree.json`: the construct tree in AWS CDK's `tree-0.1` format, which tools such as the AWS
//! Toolkit's CDK explorer read.
//!
//! As aws-cdk-lib's `TreeMetadata` writes it, the file is `{"version": "tree-0.1", "tree": root}`,
//! where the root is `{"id": "App", "path": ""}` and every construct is an object with its `id`,
//! its `path` (ids joined by `/`, no leading slash), `attributes` when it has some and `children`
//! (by id, in creation order) when it has some. A resource's attributes are
//! `aws:cdk:cloudformation:type` and `aws:cdk:cloudformation:props`.
//!
//! Differences from CDK, by design:
//! - the props are written as the template writes them (CloudFormation's property names, tags
//!   included), where CDK writes its L1 classes' camel-case names;
//! - no `constructInfo` (the jsii class name and library version of a construct: gs has none);
//! - no `Tree` construct under the root (CDK lists the construct that writes the file).
//!
//! The writer walks the tree with an explicit stack, so however deeply groups nest, it never
//! recurses; property values nest at most [`gs_core::MAX_VALUE_DEPTH`] levels.

use gs_core::{NodeId, NodeKind, Tree};

use crate::direct::{string, Cx, Pretty, PropsSpan, Scratch, PROPS_DEPTH};
use crate::json_writer::needs_escape;

/// The file name of the construct tree in a cloud assembly.
pub const TREE_FILE: &str = "tree.json";

/// The version `tree.json` declares.
pub const TREE_VERSION: &str = "tree-0.1";

/// The attribute key of a resource's CloudFormation type.
pub const TYPE_ATTRIBUTE: &str = "aws:cdk:cloudformation:type";

/// The attribute key of a resource's CloudFormation properties.
pub const PROPS_ATTRIBUTE: &str = "aws:cdk:cloudformation:props";

/// Indentation per level, as the manifest is written.
const INDENT: &str = "  ";

/// `tree.json` for `tree` (the resources' props written as the templates write them),
/// pretty-printed with a final newline.
///
/// An error comes from a value the template writer refuses too (the template is written first).
/// The backend writes the file with [`TreeWriter`], a stack at a time, copying the props from
/// the templates; this writes them anew (the tests' reference of the copy).
#[cfg(test)]
pub(crate) fn tree_json(tree: &Tree<'_>) -> Result<Vec<u8>, serde_json::Error> {
    // About as large as the templates and the tree's paths together.
    let mut out = Vec::with_capacity(4096 + 1024 * tree.stacks().len());
    tree_json_parts(tree, &mut out, None)?;
    Ok(out)
}

/// An app of one stack of 400 queues, whose `tree.json` is several [`PART`]s long (the tests
/// of the parts, here and in the backend).
#[cfg(test)]
pub(crate) fn four_hundred_queues() -> gs_core::App {
    use gs_core::{App, RawResource, Resource, StackProps};
    let mut app = App::new();
    let stack = app.stack("Big", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    for i in 0..400 {
        s.resource::<RawResource>(
            &format!("Queue{i}"),
            Resource::new("AWS::SQS::Queue").property("QueueName", format!("queue-{i}")),
        )
        .unwrap();
    }
    app
}

/// Where [`tree_json_parts`] hands each part of the file.
pub(crate) type Part<'p> = dyn FnMut(&[u8]) -> std::io::Result<()> + 'p;

/// How much of `tree.json` the writer gathers before handing it over. With the room the
/// backend adds for the node that passes it, the buffer is 32 KiB: a 40 KiB one (a 32 KiB
/// part) was the one block of the emission that did not fit the memory validation had freed,
/// and took two new heap pages (110 -> 108 heap page faults for GlobalStream), for three more
/// writes of its 227 KB `tree.json`.
pub(crate) const PART: usize = 24 * 1024;

/// [`tree_json`] appended to `out`, the props written anew from the tree; with `part`, handed
/// to it a node at a time, in parts of about [`PART`] bytes (`out` is then left empty).
#[cfg(test)]
pub(crate) fn tree_json_parts(
    tree: &Tree<'_>,
    out: &mut Vec<u8>,
    mut part: Option<&mut Part<'_>>,
) -> Result<(), serde_json::Error> {
    let mut writer = TreeWriter::new(tree);
    writer.head(out);
    for (i, &stack) in tree.stacks().iter().enumerate() {
        writer.stack(out, stack, i == 0, None, part.as_deref_mut())?;
    }
    writer.tail(out);
    if let Some(part) = part {
        part(out).map_err(serde_json::Error::io)?;
        out.clear();
    }
    Ok(())
}

/// A stack's template as written, and where each resource's properties sit in it: `tree.json`
/// copies them from there, re-indented, instead of writing them anew.
#[derive(Clone, Copy)]
pub(crate) struct Written<'b> {
    /// The template's bytes.
    pub template: &'b [u8],
    /// Where the properties of its resources are, in template order.
    pub spans: &'b [PropsSpan],
}

/// One step of the walk.
enum Step {
    /// Write a node's object (its key, its fields at `depth`, its attributes) and open its
    /// children; `first` when it is its parent's first child (no comma before it); `clean` when
    /// the parent's path has nothing to escape in JSON (a path is its parent's, `/` and its id:
    /// it has nothing to escape when its parent's path and its id have nothing to escape).
    Open {
        node: NodeId,
        depth: usize,
        first: bool,
        clean: bool,
    },
    /// Close the children of a node whose fields are at `depth`, then the node.
    Close { depth: usize },
}

/// `tree.json` written a stack at a time ([`TreeWriter::head`], [`TreeWriter::stack`] for
/// each stack in order, [`TreeWriter::tail`]), so that each stack's template need be kept only
/// while its part of the tree is written.
pub(crate) struct TreeWriter<'w, 'a> {
    tree: &'w Tree<'a>,
    scratch: Scratch<'a>,
    steps: Vec<Step>,
    /// The span the next resource's props most likely are at (the template lists resources in
    /// tree order, as the walk meets them).
    next: usize,
}

impl<'w, 'a> TreeWriter<'w, 'a> {
    /// A writer of `tree`'s `tree.json`.
    pub(crate) fn new(tree: &'w Tree<'a>) -> Self {
        TreeWriter {
            tree,
            scratch: Scratch::default(),
            steps: Vec::new(),
            next: 0,
        }
    }

    /// The file up to the root's children.
    pub(crate) fn head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\n");
        indent(out, 1);
        out.extend_from_slice(b"\"version\": ");
        string(out, TREE_VERSION);
        out.extend_from_slice(b",\n");
        indent(out, 1);
        out.extend_from_slice(b"\"tree\": {\n");
        fields(out, 2, ("App", true), ("", true));
        if self.tree.stacks().is_empty() {
            out.push(b'\n');
            indent(out, 1);
            out.push(b'}');
        } else {
            open_children(out, 2);
        }
    }

    /// The rest of the file, after the last stack.
    pub(crate) fn tail(&self, out: &mut Vec<u8>) {
        if !self.tree.stacks().is_empty() {
            // The root's children, then the root.
            out.push(b'\n');
            indent(out, 2);
            out.extend_from_slice(b"}\n");
            indent(out, 1);
            out.push(b'}');
        }
        out.extend_from_slice(b"\n}\n");
    }

    /// `stack` (a child of the root, whose fields are at depth 4) and everything below it;
    /// `first` when it is the first stack. The props are copied from `written` when it holds
    /// them, else written anew. With `part`, `out` is handed to it whenever it holds [`PART`]
    /// bytes.
    pub(crate) fn stack(
        &mut self,
        out: &mut Vec<u8>,
        stack: NodeId,
        first: bool,
        written: Option<Written<'_>>,
        mut part: Option<&mut Part<'_>>,
    ) -> Result<(), serde_json::Error> {
        self.next = 0;
        self.steps.clear();
        // A stack has no parent path: its own path decides.
        let clean = !needs_escape(self.tree.path_str(stack).as_bytes());
        self.steps.push(Step::Open {
            node: stack,
            depth: 4,
            first,
            clean,
        });
        while let Some(step) = self.steps.pop() {
            if out.len() >= PART {
                if let Some(part) = part.as_deref_mut() {
                    part(out).map_err(serde_json::Error::io)?;
                    out.clear();
                }
            }
            match step {
                Step::Close { depth } => {
                    line(out, depth);
                    out.push(b'}');
                    line(out, depth.saturating_sub(1));
                    out.push(b'}');
                }
                Step::Open {
                    node,
                    depth,
                    first,
                    clean,
                } => {
                    let n = self.tree.node(node);
                    let id = n.id();
                    // The ids from the stack down: the tree built every path once.
                    let path = self.tree.path_str(node);
                    // The id is scanned once for the key and the field; the path not at all.
                    let id_clean = !needs_escape(id.as_bytes());
                    let clean = clean && id_clean;
                    if !first {
                        out.push(b',');
                    }
                    if clean {
                        clean_head(out, depth, id, path);
                    } else {
                        out.push(b'\n');
                        // The key line is one level out from the fields.
                        indent(out, depth.saturating_sub(1));
                        quoted(out, id, id_clean);
                        out.extend_from_slice(b": {\n");
                        fields(out, depth, (id, id_clean), (path, clean));
                    }
                    // A resource of a template (one with a logical ID).
                    if let NodeKind::Resource(r) = n.kind() {
                        if self.tree.logical_id(node).is_some() {
                            self.attributes(out, depth, node, n.stack(), r, written)?;
                        }
                    }
                    let children = n.children();
                    if children.is_empty() {
                        line(out, depth.saturating_sub(1));
                        out.push(b'}');
                    } else {
                        open_children(out, depth);
                        self.steps.push(Step::Close { depth });
                        for (i, &c) in children.iter().enumerate().rev() {
                            self.steps.push(Step::Open {
                                node: c,
                                depth: depth + 2,
                                first: i == 0,
                                clean,
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Where the props of `node` sit in `written`, if they are there.
    fn span(&mut self, written: Option<Written<'_>>, node: NodeId) -> Option<PropsSpan> {
        let spans = written?.spans;
        let at = match spans.get(self.next) {
            Some(s) if s.node == node => self.next,
            _ => spans.iter().position(|s| s.node == node)?,
        };
        self.next = at + 1;
        spans.get(at).copied()
    }

    /// `, "attributes": {type, props}` at `depth`, the props as the template writes them:
    /// copied from `written` when they are there, else written anew.
    fn attributes(
        &mut self,
        out: &mut Vec<u8>,
        depth: usize,
        node: NodeId,
        stack: NodeId,
        resource: &gs_core::Resource,
        written: Option<Written<'_>>,
    ) -> Result<(), serde_json::Error> {
        out.push(b',');
        line(out, depth);
        out.extend_from_slice(b"\"attributes\": {");
        line(out, depth + 1);
        out.extend_from_slice(TYPE_KEY);
        string(out, &resource.type_name);
        let copied = self.span(written, node).and_then(|span| {
            let template = written?.template;
            template.get(span.start..span.end)?;
            out.push(b',');
            line(out, depth + 1);
            out.extend_from_slice(PROPS_KEY.as_bytes());
            if span.start == span.end {
                out.extend_from_slice(b"{}");
            } else {
                reindent(out, template, span.start, span.end, depth + 1);
            }
            Some(())
        });
        if copied.is_none() {
            // The props key and value, as the item of an object whose items are at
            // `depth + 1`.
            let cx = Cx {
                tree: self.tree,
                stack,
            };
            let mut w = Pretty::nested(out, INDENT, depth + 1);
            w.first_written();
            crate::direct::properties(
                &mut w,
                cx,
                &mut self.scratch,
                node,
                resource,
                PROPS_KEY,
                false,
            )?;
        }
        line(out, depth);
        out.push(b'}');
        Ok(())
    }
}

/// `template[start..end]` (a resource's `Properties` value as its template writes it,
/// [`PROPS_DEPTH`] levels deep with [`TEMPLATE_INDENT`]) appended to `out` as the value of a
/// key `depth` levels deep here: each line after the first indented anew.
///
/// Each line's level is known from the end of the line before, so its indentation is skipped
/// without being read: one level deeper after a line that opens an array or object (ends with
/// `{` or `[`: a string ends with its quote, and an empty array or object is written on one
/// line), the same after an item's comma, else one level shallower (the line closes one). The
/// value's first line is its `{`, [`PROPS_DEPTH`] levels deep.
///
/// The bytes are read [`CHUNK`] at a time, each chunk appended whole (a copy of a fixed size,
/// with no call) and cut back after its first line break. The bytes after `end` (the rest of the
/// template) are read too, so that the last line of the props is a chunk like any other: only
/// the end of the template is read byte by byte.
///
/// [`TEMPLATE_INDENT`]: crate::template::TEMPLATE_INDENT
// Not inlined: in the tree walk its loop would share the walk's registers.
#[inline(never)]
fn reindent(out: &mut Vec<u8>, template: &[u8], start: usize, end: usize, depth: usize) {
    let from = crate::template::TEMPLATE_INDENT.len();
    let end = end.min(template.len());
    // The start of the line being copied (after its indentation), and its level here.
    let mut at = start;
    let mut level = depth;
    while at < end {
        let left = end - at;
        let next = match template
            .get(at..at + CHUNK)
            .and_then(|c| <&[u8; CHUNK]>::try_from(c).ok())
        {
            Some(chunk) => {
                out.extend_from_slice(chunk);
                match line_break(chunk) {
                    Some(kept) if kept <= left => {
                        out.truncate(out.len() - (CHUNK - kept));
                        at + kept
                    }
                    // The last line of the props (no line break before `end`).
                    _ if left <= CHUNK => {
                        out.truncate(out.len() - (CHUNK - left));
                        break;
                    }
                    _ => {
                        at += CHUNK;
                        continue;
                    }
                }
            }
            None => {
                // Near the end of the template: the rest of the line byte by byte.
                let rest = template.get(at..end).unwrap_or_default();
                match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        out.extend_from_slice(rest.get(..=i).unwrap_or_default());
                        at + i + 1
                    }
                    None => {
                        out.extend_from_slice(rest);
                        break;
                    }
                }
            }
        };
        level = match next.checked_sub(2).and_then(|i| template.get(i)) {
            Some(b'{' | b'[') => level + 1,
            Some(b',') => level,
            _ => level.saturating_sub(1),
        };
        indent(out, level);
        at = next + (level + PROPS_DEPTH).saturating_sub(depth) * from;
    }
}

/// How many bytes [`reindent`] reads at a time: most lines of a template fit in one.
const CHUNK: usize = 32;

/// One past the first line break of `chunk`, if it has one: every word tested at once (which
/// the compiler turns into vector code), the exact place found only when there is one.
#[inline]
fn line_break(chunk: &[u8; CHUNK]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut words = [0u64; CHUNK / 8];
    for (w, bytes) in words.iter_mut().zip(chunk.chunks_exact(8)) {
        let x =
            <[u8; 8]>::try_from(bytes).map_or(0, u64::from_le_bytes) ^ (ONES * u64::from(b'\n'));
        // The lowest set high bit marks the first line break of the word exactly.
        *w = x.wrapping_sub(ONES) & !x & HIGHS;
    }
    if words.iter().fold(0, |a, w| a | w) == 0 {
        return None;
    }
    let (i, w) = words.iter().enumerate().find(|(_, w)| **w != 0)?;
    Some(8 * i + (w.trailing_zeros() / 8) as usize + 1)
}

/// `depth` levels of indentation, as fixed-size copies cut to length: cheaper than a copy of a
/// varying length for the few levels a line is indented by.
#[inline]
fn indent(out: &mut Vec<u8>, depth: usize) {
    const WIDE: [u8; 32] = [b' '; 32];
    let mut n = depth * INDENT.len();
    while n > WIDE.len() {
        out.extend_from_slice(&WIDE);
        n -= WIDE.len();
    }
    out.extend_from_slice(&WIDE);
    out.truncate(out.len() - (WIDE.len() - n));
}

/// `"id": ..., "path": ...` at `depth` (no line break after), each string with whether it has
/// nothing to escape.
fn fields(out: &mut Vec<u8>, depth: usize, id: (&str, bool), path: (&str, bool)) {
    indent(out, depth);
    out.extend_from_slice(b"\"id\": ");
    quoted(out, id.0, id.1);
    out.extend_from_slice(b",\n");
    indent(out, depth);
    out.extend_from_slice(b"\"path\": ");
    quoted(out, path.0, path.1);
}

/// A node's key line and fields when neither its id nor its path has anything to escape: a line
/// break, `"id": {` one level out from `depth`, then `"id": "id",` and `"path": "path"` at
/// `depth` (no line break after). Each quote joins the text next to it, each line break the
/// indentation after it: 9 copies where [`fields`] makes 16.
#[inline]
fn clean_head(out: &mut Vec<u8>, depth: usize, id: &str, path: &str) {
    line(out, depth.saturating_sub(1));
    out.push(b'"');
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(b"\": {");
    line(out, depth);
    out.extend_from_slice(b"\"id\": \"");
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(b"\",");
    line(out, depth);
    out.extend_from_slice(b"\"path\": \"");
    out.extend_from_slice(path.as_bytes());
    out.push(b'"');
}

/// A line break and `depth` levels of indentation, as [`indent`] writes them: one fixed-size
/// copy cut to length.
#[inline]
fn line(out: &mut Vec<u8>, depth: usize) {
    const WIDE: [u8; 33] = {
        let mut w = [b' '; 33];
        w[0] = b'\n';
        w
    };
    let n = depth * INDENT.len();
    if n < WIDE.len() {
        out.extend_from_slice(&WIDE);
        out.truncate(out.len() - (WIDE.len() - 1 - n));
    } else {
        out.push(b'\n');
        indent(out, depth);
    }
}

/// The type attribute's key, quoted, with its colon.
const TYPE_KEY: &[u8] = b"\"aws:cdk:cloudformation:type\": ";

/// `s` as a JSON string: copied between quotes with no scan when `clean` (the caller knows it
/// has nothing to escape), else as [`string`] writes it.
#[inline]
fn quoted(out: &mut Vec<u8>, s: &str, clean: bool) {
    if clean {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        string(out, s);
    }
}

/// `, "children": {` at `depth` and a line break: the children follow at `depth + 1`.
fn open_children(out: &mut Vec<u8>, depth: usize) {
    out.push(b',');
    line(out, depth);
    out.extend_from_slice(b"\"children\": {");
}

/// The props key, quoted, with its colon.
const PROPS_KEY: &crate::direct::Known = crate::direct::key!("aws:cdk:cloudformation:props");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Template, TemplateResource};
    use gs_core::{App, Output, RawResource, Resource, StackProps, Value, ValueMap};
    use serde::ser::{SerializeMap, Serializer};
    use serde::Serialize;
    use std::collections::HashMap;

    /// The same file written the plain way: a recursive `Serialize` through `pretty_json`, the
    /// props through the template's `Serialize`.
    struct Reference<'x, 't, 'a> {
        tree: &'x Tree<'a>,
        resources: &'x HashMap<NodeId, &'x TemplateResource<'t, 'a>>,
        node: Option<NodeId>,
    }

    /// A resource's attributes, in their order.
    struct Attributes<'x, 't, 'a>(&'x TemplateResource<'t, 'a>);
    impl Serialize for Attributes<'_, '_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            m.serialize_entry(TYPE_ATTRIBUTE, &self.0.resource.type_name)?;
            m.serialize_entry(PROPS_ATTRIBUTE, &self.0.rendered_properties())?;
            m.end()
        }
    }

    impl Serialize for Reference<'_, '_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            let children: Vec<NodeId> = match self.node {
                None => {
                    m.serialize_entry("id", "App")?;
                    m.serialize_entry("path", "")?;
                    self.tree.stacks().to_vec()
                }
                Some(n) => {
                    m.serialize_entry("id", self.tree.node(n).id())?;
                    m.serialize_entry("path", self.tree.path_str(n))?;
                    if let Some(r) = self.resources.get(&n) {
                        m.serialize_entry("attributes", &Attributes(r))?;
                    }
                    self.tree.node(n).children().to_vec()
                }
            };
            if !children.is_empty() {
                let mut c = indexmap::IndexMap::new();
                for n in children {
                    c.insert(
                        self.tree.node(n).id(),
                        Reference {
                            tree: self.tree,
                            resources: self.resources,
                            node: Some(n),
                        },
                    );
                }
                m.serialize_entry("children", &c)?;
            }
            m.end()
        }
    }

    /// `tree.json` of `tree` written the plain way.
    fn reference(tree: &Tree<'_>) -> String {
        let templates: Vec<Template<'_, '_>> = tree
            .stacks()
            .iter()
            .map(|s| Template::of_stack(tree, *s))
            .collect();
        let mut resources = HashMap::new();
        for t in &templates {
            for r in t.resources.values() {
                resources.insert(r.node, r);
            }
        }
        #[derive(Serialize)]
        struct File<'x, 't, 'a> {
            version: &'static str,
            tree: Reference<'x, 't, 'a>,
        }
        let file = File {
            version: TREE_VERSION,
            tree: Reference {
                tree,
                resources: &resources,
                node: None,
            },
        };
        let mut expected = crate::json::pretty_json(&file, INDENT).unwrap();
        expected.push(b'\n');
        String::from_utf8(expected).unwrap()
    }

    /// `tree.json` handed over in parts, joined.
    fn in_parts(tree: &Tree<'_>) -> String {
        let (mut joined, mut out) = (Vec::new(), Vec::new());
        tree_json_parts(
            tree,
            &mut out,
            Some(&mut |part: &[u8]| {
                joined.extend_from_slice(part);
                Ok(())
            }),
        )
        .unwrap();
        assert!(out.is_empty(), "the buffer is handed over whole");
        String::from_utf8(joined).unwrap()
    }

    #[test]
    fn props_with_tags_escapes_and_deep_values_are_written_as_the_template_writes_them() {
        let mut app = App::new();
        let stack = app.stack("One", StackProps::default()).unwrap();
        app.tag(stack, "Team", "a b  c").unwrap();
        app.tag(stack, "Unicode é", "é: a+b=c").unwrap();
        let mut s = app.at(stack).unwrap();
        let mut g = s.group("Deep").unwrap();
        let mut deeper = g.group("Deeper").unwrap();
        let first = deeper
            .resource::<RawResource>("Bare", Resource::new("AWS::SQS::Queue").tagged())
            .unwrap();
        let mut nested = Value::Map(ValueMap::new().with("Leaf", "x"));
        for i in 0..12 {
            nested = if i % 2 == 0 {
                Value::List(vec![nested, Value::List(Vec::new()), Value::Int(i)])
            } else {
                Value::Map(
                    ValueMap::new()
                        .with("In", nested)
                        .with("Empty", ValueMap::new()),
                )
            };
        }
        deeper
            .resource::<RawResource>(
                "Topic",
                Resource::new("AWS::SNS::Topic")
                    .tagged()
                    .property("Text", "line\n      two  \n  ")
                    .property("  Spaced key", "   leading spaces")
                    .property("Nested", nested)
                    .property("Arn", Value::GetAtt(first.node(), "Arn".into()))
                    .property("Empty", Value::List(Vec::new())),
            )
            .unwrap();
        deeper
            .resource::<RawResource>("Untagged", Resource::new("AWS::SQS::Queue"))
            .unwrap();
        let tree = app.freeze();
        let expected = reference(&tree);
        assert_eq!(
            String::from_utf8(tree_json(&tree).unwrap()).unwrap(),
            expected
        );
        assert_eq!(in_parts(&tree), expected);
    }

    #[test]
    fn the_walk_writes_what_a_recursive_serializer_writes() {
        let mut app = App::new();
        for name in ["One", "Two"] {
            let stack = app.stack(name, StackProps::default()).unwrap();
            let mut s = app.at(stack).unwrap();
            let mut g = s.group("Files").unwrap();
            let t = g
                .resource::<RawResource>(
                    "Resource",
                    Resource::new("AWS::SNS::Topic").property(
                        "Subscription",
                        Value::List(vec![Value::Map(ValueMap::new().with("Protocol", "sqs"))]),
                    ),
                )
                .unwrap();
            g.group("Empty").unwrap();
            s.output("Arn", Output::new(Value::Ref(t.node()))).unwrap();
            s.resource::<RawResource>("Bare", Resource::new("AWS::SQS::Queue"))
                .unwrap();
        }
        let tree = app.freeze();
        let expected = reference(&tree);
        assert_eq!(
            String::from_utf8(tree_json(&tree).unwrap()).unwrap(),
            expected
        );
        assert_eq!(in_parts(&tree), expected);
    }

    #[test]
    fn ids_and_paths_with_characters_to_escape_are_escaped_below_them_only() {
        // A quote, a backslash or a control character in an id is escaped in the id, in its
        // path and in the path of every node below it; its siblings' paths stay plain. (Stack
        // names hold only letters, digits and `-`.)
        let mut app = App::new();
        for name in ["Plain", "Other"] {
            let stack = app.stack(name, StackProps::default()).unwrap();
            let mut s = app.at(stack).unwrap();
            for group in [
                "Back\\slash",
                "Tab\there",
                "Clean",
                "Line\u{1}Ctl",
                "Quo\"ted",
            ] {
                let mut g = s.group(group).unwrap();
                let mut inner = g.group("Inner").unwrap();
                inner
                    .resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue"))
                    .unwrap();
                inner
                    .resource::<RawResource>("Odd\"Queue", Resource::new("AWS::SQS::Queue"))
                    .unwrap();
                g.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
                    .unwrap();
            }
        }
        let tree = app.freeze();
        let expected = reference(&tree);
        assert!(expected.contains(r#""path": "Plain/Back\\slash/Inner/Queue""#));
        assert!(expected.contains(r#""path": "Other/Clean/Inner/Odd\"Queue""#));
        assert_eq!(
            String::from_utf8(tree_json(&tree).unwrap()).unwrap(),
            expected
        );
        assert_eq!(in_parts(&tree), expected);
    }

    #[test]
    fn a_large_tree_is_handed_over_in_parts_that_join_to_the_whole() {
        let app = four_hundred_queues();
        let tree = app.freeze();
        let whole = String::from_utf8(tree_json(&tree).unwrap()).unwrap();
        assert!(whole.len() > 2 * PART);
        assert_eq!(in_parts(&tree), whole);
        assert_eq!(whole, reference(&tree));
    }
}

#[cfg(test)]
mod reindent_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_indentation_is_the_indentation() {
        for depth in 0..100 {
            let (mut short, mut plain) = (b"x".to_vec(), b"x".to_vec());
            indent(&mut short, depth);
            plain.extend(std::iter::repeat_n(b' ', depth * INDENT.len()));
            assert_eq!(short, plain, "depth {depth}");
        }
    }

    #[test]
    fn a_line_is_a_line_break_and_the_indentation() {
        for depth in 0..100 {
            let (mut short, mut plain) = (b"x".to_vec(), b"x\n".to_vec());
            line(&mut short, depth);
            plain.extend(std::iter::repeat_n(b' ', depth * INDENT.len()));
            assert_eq!(short, plain, "depth {depth}");
        }
    }

    #[test]
    fn the_type_key_is_the_type_attribute_quoted_with_its_colon() {
        let mut quoted = Vec::new();
        string(&mut quoted, TYPE_ATTRIBUTE);
        quoted.extend_from_slice(b": ");
        assert_eq!(TYPE_KEY, quoted.as_slice());
    }

    #[test]
    fn the_first_line_break_is_found_at_every_place_among_bytes_near_it() {
        // Bytes that differ from a line break by one bit or by one, which a word trick could
        // take for one, around a line break at every place (or none).
        for filler in [b' ', b'a', b'\n' ^ 0x80, b'\n' + 1, b'\n' - 1, 0, 0xff] {
            for at in 0..=CHUNK {
                let mut chunk = [filler; CHUNK];
                if let Some(b) = chunk.get_mut(at) {
                    *b = b'\n';
                }
                // A second line break after the first changes nothing.
                if let Some(b) = chunk.get_mut(at + 3) {
                    *b = b'\n';
                }
                let expected = chunk.iter().position(|&b| b == b'\n').map(|i| i + 1);
                assert_eq!(line_break(&chunk), expected, "filler {filler:#x}, at {at}");
            }
        }
    }

    /// What [`reindent`] writes, the plain way: the bytes split at each line break, the
    /// leading spaces of each line after the first replaced by its new indentation.
    fn plain(template: &[u8], start: usize, end: usize, depth: usize) -> Vec<u8> {
        let end = end.min(template.len());
        let props = template.get(start..end).unwrap_or_default();
        let from = crate::template::TEMPLATE_INDENT.len().max(1);
        let mut out = Vec::new();
        for (i, line) in props.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.push(b'\n');
                let spaces = line.iter().take_while(|&&b| b == b' ').count();
                let level = (spaces / from + depth).saturating_sub(PROPS_DEPTH);
                out.extend(std::iter::repeat_n(b' ', INDENT.len() * level));
                out.extend_from_slice(&line[spaces..]);
            } else {
                out.extend_from_slice(line);
            }
        }
        out
    }

    /// A resource's properties, as pretty JSON [`PROPS_DEPTH`] levels deep (as a template holds
    /// them): lines shorter and longer than a chunk, strings holding brackets, commas and escaped
    /// line breaks, empty arrays and objects, values nested deeper than a fixed copy of an
    /// indentation reaches.
    fn lines() -> impl Strategy<Value = Vec<u8>> {
        use serde_json::Value as J;
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::from),
            any::<i64>().prop_map(J::from),
            "[a-z\"{}\\[\\],:\n ]{0,50}".prop_map(J::from),
            (0usize..120).prop_map(|n| J::from("x".repeat(n))),
        ];
        let value = leaf.prop_recursive(12, 48, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(J::from),
                prop::collection::vec(("[a-z{\\[, ]{0,40}", inner), 0..4)
                    .prop_map(|e| J::Object(e.into_iter().collect())),
            ]
        });
        prop::collection::vec(("[A-Za-z]{0,20}", value), 0..6).prop_map(|entries| {
            let props = J::Object(entries.into_iter().collect());
            let mut out = Vec::new();
            crate::json::pretty_json_nested(
                &mut out,
                &props,
                crate::template::TEMPLATE_INDENT,
                PROPS_DEPTH,
            )
            .unwrap();
            out
        })
    }

    proptest! {
        #[test]
        fn reindent_writes_what_the_plain_way_writes_for_any_props(
            before in prop::collection::vec(prop_oneof![Just(b'\n'), Just(b' '), any::<u8>()], 0..40),
            props in lines(),
            after in prop::collection::vec(prop_oneof![Just(b'\n'), Just(b' '), any::<u8>()], 0..80),
            depth in 0usize..40,
        ) {
            let mut template = before.clone();
            template.extend_from_slice(&props);
            template.extend_from_slice(&after);
            let (start, end) = (before.len(), before.len() + props.len());
            let mut out = b"kept".to_vec();
            reindent(&mut out, &template, start, end, depth);
            let mut expected = b"kept".to_vec();
            expected.extend_from_slice(&plain(&template, start, end, depth));
            prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
        }

        #[test]
        fn a_line_break_is_found_as_a_byte_loop_finds_it(
            bytes in prop::array::uniform32(prop_oneof![Just(b'\n'), Just(b' '), any::<u8>()]),
        ) {
            prop_assert_eq!(
                line_break(&bytes),
                bytes.iter().position(|&b| b == b'\n').map(|i| i + 1)
            );
        }

        #[test]
        fn reindented_props_are_the_props_written_at_that_depth(
            value in prop::collection::vec(("[a-z ]{0,40}", prop::collection::vec("[a-z\n ]{0,40}", 0..4)), 0..6),
            depth in 0usize..40,
        ) {
            let v: indexmap::IndexMap<String, Vec<String>> = value.into_iter().collect();
            let mut props = Vec::new();
            crate::json::pretty_json_nested(&mut props, &v, crate::template::TEMPLATE_INDENT, PROPS_DEPTH).unwrap();
            let mut out = Vec::new();
            reindent(&mut out, &props, 0, props.len(), depth);
            let mut expected = Vec::new();
            crate::json::pretty_json_nested(&mut expected, &v, INDENT, depth).unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
        }

        #[test]
        fn props_inside_a_template_are_copied_as_props_alone_are(
            value in prop::collection::vec(("[a-z ]{0,40}", prop::collection::vec("[a-z\n ]{0,40}", 0..4)), 0..6),
            before in prop::collection::vec(prop_oneof![Just(b'\n'), Just(b' '), any::<u8>()], 0..40),
            after in prop::collection::vec(prop_oneof![Just(b'\n'), Just(b' '), any::<u8>()], 0..80),
            depth in 0usize..40,
        ) {
            // What follows the props in the template is read but never copied, whatever it is
            // and however long (shorter or longer than a chunk).
            let v: indexmap::IndexMap<String, Vec<String>> = value.into_iter().collect();
            let mut props = Vec::new();
            crate::json::pretty_json_nested(&mut props, &v, crate::template::TEMPLATE_INDENT, PROPS_DEPTH).unwrap();
            let mut alone = b"kept".to_vec();
            reindent(&mut alone, &props, 0, props.len(), depth);
            let mut template = before.clone();
            template.extend_from_slice(&props);
            template.extend_from_slice(&after);
            let mut inside = b"kept".to_vec();
            reindent(&mut inside, &template, before.len(), before.len() + props.len(), depth);
            prop_assert_eq!(inside, alone);
        }
    }
}
