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

use gs_core::{NodeId, Tree};

use crate::json_writer::Span;
use crate::template::{Template, TemplateResource, TEMPLATE_INDENT};

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

/// A stack's template and what [`Template::to_json_with_properties`] wrote of it: the props of
/// its resources are copied from there, re-indented, instead of written a second time.
pub(crate) struct Written<'x, 't, 'a> {
    /// The template.
    pub template: &'x Template<'t, 'a>,
    /// Its JSON.
    pub json: &'x [u8],
    /// Where the `Properties` of each resource that writes them sit in `json`, in order (none
    /// when the template went through serde_json).
    pub properties: &'x [Span],
}

/// A resource and, when its template wrote them, its props as written there and their depth.
struct Entry<'x, 't, 'a> {
    resource: &'x TemplateResource<'t, 'a>,
    written: Option<(&'x [u8], usize)>,
}

/// One step of the walk.
enum Step {
    /// Write a node's object (its key, its fields at `depth`, its attributes) and open its
    /// children; `first` when it is its parent's first child (no comma before it).
    Open {
        node: NodeId,
        depth: usize,
        first: bool,
    },
    /// Close the children of a node whose fields are at `depth`, then the node.
    Close { depth: usize },
}

/// `tree.json` for `tree`, given every stack's template (the resources' properties are written
/// as the templates write them, copied from them), pretty-printed with a final newline.
///
/// An error comes from a value the template writer refuses too (the template is written first).
pub(crate) fn tree_json(
    tree: &Tree<'_>,
    templates: &[Written<'_, '_, '_>],
) -> Result<Vec<u8>, serde_json::Error> {
    tree_json_parts(tree, templates, None)
}

/// Where [`tree_json_parts`] hands each part of the file.
type Part<'p> = dyn FnMut(&[u8]) -> std::io::Result<()> + 'p;

/// How much of `tree.json` [`tree_json_parts`] gathers before handing it over.
const PART: usize = 32 * 1024;

/// [`tree_json`], handed to `part` a node at a time, in parts of about [`PART`] bytes, from one
/// buffer (what is returned is then empty); or, without `part`, returned whole.
pub(crate) fn tree_json_parts(
    tree: &Tree<'_>,
    templates: &[Written<'_, '_, '_>],
    mut part: Option<&mut Part<'_>>,
) -> Result<Vec<u8>, serde_json::Error> {
    // By node, sorted: a binary search costs less than hashing for the hundred-odd resources.
    let count = templates.iter().map(|w| w.template.resources.len()).sum();
    let mut resources: Vec<(NodeId, Entry<'_, '_, '_>)> = Vec::with_capacity(count);
    for w in templates {
        let with_props = w
            .template
            .resources
            .values()
            .filter(|r| r.writes_properties())
            .count();
        // Spans for every resource that writes props, or none (then props are written anew).
        let mut spans = if w.properties.len() == with_props {
            w.properties.iter()
        } else {
            [].iter()
        };
        for r in w.template.resources.values() {
            let written = if r.writes_properties() {
                spans
                    .next()
                    .and_then(|s| Some((w.json.get(s.start..s.end)?, s.depth)))
            } else {
                None
            };
            resources.push((
                r.node,
                Entry {
                    resource: r,
                    written,
                },
            ));
        }
    }
    resources.sort_unstable_by_key(|(n, _)| *n);
    // The props take about twice their bytes in the template (deeper, wider indentation).
    let props: usize = templates
        .iter()
        .flat_map(|w| w.properties)
        .map(|s| s.end.saturating_sub(s.start))
        .sum();
    let mut out = Vec::with_capacity(if part.is_some() {
        2 * PART
    } else {
        512 * (resources.len() + 1) + 2 * props
    });
    out.extend_from_slice(b"{\n");
    indent(&mut out, 1);
    out.extend_from_slice(b"\"version\": ");
    string(&mut out, TREE_VERSION);
    out.extend_from_slice(b",\n");
    indent(&mut out, 1);
    out.extend_from_slice(b"\"tree\": {\n");
    fields(&mut out, 2, "App", "");
    let stacks = tree.stacks();
    if stacks.is_empty() {
        out.push(b'\n');
        indent(&mut out, 1);
        out.push(b'}');
    } else {
        open_children(&mut out, 2);
        let mut walk = Walk {
            tree,
            resources: &resources,
            out: &mut out,
        };
        walk.run(stacks, part.as_deref_mut())?;
    }
    out.extend_from_slice(b"\n}\n");
    if let Some(part) = part {
        part(&out).map_err(serde_json::Error::io)?;
        out.clear();
    }
    Ok(out)
}

struct Walk<'w, 't, 'a> {
    tree: &'w Tree<'a>,
    resources: &'w [(NodeId, Entry<'w, 't, 'a>)],
    out: &'w mut Vec<u8>,
}

impl Walk<'_, '_, '_> {
    /// Writes the stacks (children of the root, whose fields are at depth 2) and everything
    /// below them, then closes the root; hands the output to `part` whenever it holds [`PART`]
    /// bytes, if there is one.
    fn run<'p>(
        &mut self,
        stacks: &[NodeId],
        mut part: Option<&mut Part<'p>>,
    ) -> Result<(), serde_json::Error> {
        let mut steps: Vec<Step> = vec![Step::Close { depth: 2 }];
        for (i, &s) in stacks.iter().enumerate().rev() {
            steps.push(Step::Open {
                node: s,
                depth: 4,
                first: i == 0,
            });
        }
        while let Some(step) = steps.pop() {
            if self.out.len() >= PART {
                if let Some(part) = part.as_deref_mut() {
                    part(self.out).map_err(serde_json::Error::io)?;
                    self.out.clear();
                }
            }
            match step {
                Step::Close { depth } => {
                    self.out.push(b'\n');
                    indent(self.out, depth);
                    self.out.extend_from_slice(b"}\n");
                    indent(self.out, depth.saturating_sub(1));
                    self.out.push(b'}');
                }
                Step::Open { node, depth, first } => {
                    let n = self.tree.node(node);
                    let id = n.id();
                    // The ids from the stack down: the tree built every path once.
                    let path = self.tree.path_str(node);
                    if !first {
                        self.out.push(b',');
                    }
                    self.out.push(b'\n');
                    // The key line is one level out from the fields.
                    indent(self.out, depth.saturating_sub(1));
                    string(self.out, id);
                    self.out.extend_from_slice(b": {\n");
                    fields(self.out, depth, id, path);
                    if let Ok(i) = self.resources.binary_search_by_key(&node, |(n, _)| *n) {
                        if let Some((_, r)) = self.resources.get(i) {
                            attributes(self.out, depth, r)?;
                        }
                    }
                    let children = n.children();
                    if children.is_empty() {
                        self.out.push(b'\n');
                        indent(self.out, depth.saturating_sub(1));
                        self.out.push(b'}');
                    } else {
                        open_children(self.out, depth);
                        steps.push(Step::Close { depth });
                        for (i, &c) in children.iter().enumerate().rev() {
                            steps.push(Step::Open {
                                node: c,
                                depth: depth + 2,
                                first: i == 0,
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// `"id": ..., "path": ...` at `depth` (no line break after).
fn fields(out: &mut Vec<u8>, depth: usize, id: &str, path: &str) {
    indent(out, depth);
    out.extend_from_slice(b"\"id\": ");
    string(out, id);
    out.extend_from_slice(b",\n");
    indent(out, depth);
    out.extend_from_slice(b"\"path\": ");
    string(out, path);
}

/// `, "children": {` at `depth` and a line break: the children follow at `depth + 1`.
fn open_children(out: &mut Vec<u8>, depth: usize) {
    out.extend_from_slice(b",\n");
    indent(out, depth);
    out.extend_from_slice(b"\"children\": {");
}

/// `, "attributes": {type, props}` at `depth`, the props as the template writes them.
fn attributes(
    out: &mut Vec<u8>,
    depth: usize,
    entry: &Entry<'_, '_, '_>,
) -> Result<(), serde_json::Error> {
    let r = entry.resource;
    out.extend_from_slice(b",\n");
    indent(out, depth);
    out.extend_from_slice(b"\"attributes\": {\n");
    indent(out, depth + 1);
    string(out, TYPE_ATTRIBUTE);
    out.extend_from_slice(b": ");
    string(out, &r.resource.type_name);
    out.extend_from_slice(b",\n");
    indent(out, depth + 1);
    string(out, PROPS_ATTRIBUTE);
    out.extend_from_slice(b": ");
    match entry.written {
        // As the template wrote them, each line indented for where they sit here.
        Some((json, from_depth)) => reindent(out, json, from_depth, depth + 1),
        // Written in place, their inner lines indented from where they sit.
        None => crate::json::pretty_json_nested(out, &r.rendered_properties(), INDENT, depth + 1)?,
    }
    out.push(b'\n');
    indent(out, depth);
    out.push(b'}');
    Ok(())
}

fn indent(out: &mut Vec<u8>, depth: usize) {
    // INDENT is spaces: the indentation of a line is copied from here at once.
    const SPACES: &[u8; 64] = &[b' '; 64];
    let mut n = depth * INDENT.len();
    while n > 0 {
        let k = n.min(SPACES.len());
        out.extend_from_slice(&SPACES[..k]);
        n -= k;
    }
}

/// Where the first line break of `bytes` is: eight bytes at a time (the "has a zero byte" word
/// trick on the bytes XOR `\n`, whose lowest flagged byte is exact), as lines of props are
/// mostly longer than a word.
fn line_break(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'\n'));
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| b == b'\n').map(|i| at + i)
}

/// How many spaces `bytes` starts with, eight bytes at a time (the lowest non-zero byte of the
/// bytes XOR spaces is the first other byte).
fn leading_spaces(bytes: &[u8]) -> usize {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ SPACES;
        if x != 0 {
            return n + (x.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + chunks
        .remainder()
        .iter()
        .take_while(|&&b| b == b' ')
        .count()
}

/// `json`, pretty JSON written `from_depth` levels deep by the template writer (indented by
/// [`TEMPLATE_INDENT`] per level), as it reads written `to_depth` levels deep here (indented by
/// [`INDENT`]). In pretty JSON a raw line break is always followed by its line's indentation (a
/// line break in a string is escaped) and a line's content never starts with a space, so the
/// count of spaces after each line break is that line's level.
fn reindent(out: &mut Vec<u8>, json: &[u8], from_depth: usize, to_depth: usize) {
    let width = TEMPLATE_INDENT.len().max(1);
    let mut rest = json;
    while let Some(nl) = line_break(rest) {
        let (line, after) = rest.split_at(nl + 1);
        out.extend_from_slice(line);
        let spaces = leading_spaces(after);
        rest = after.get(spaces..).unwrap_or_default();
        indent(out, to_depth + (spaces / width).saturating_sub(from_depth));
    }
    out.extend_from_slice(rest);
}

/// A JSON string: copied whole when nothing in it needs escaping (ids and paths seldom do),
/// else as serde_json writes it (serializing a `&str` cannot fail).
fn string(out: &mut Vec<u8>, s: &str) {
    if crate::json_writer::needs_escape(s.as_bytes()) {
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gs_core::{App, Output, RawResource, Resource, StackProps, Value, ValueMap};
    use serde::ser::{SerializeMap, Serializer};
    use serde::Serialize;
    use std::collections::HashMap;

    /// The same file written the plain way: a recursive `Serialize` through `pretty_json`.
    struct Reference<'x, 't, 'a> {
        tree: &'x Tree<'a>,
        resources: &'x HashMap<NodeId, &'x TemplateResource<'t, 'a>>,
        node: Option<NodeId>,
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
                        let mut a = indexmap::IndexMap::new();
                        a.insert(
                            TYPE_ATTRIBUTE,
                            serde_json::to_value(&r.resource.type_name).unwrap(),
                        );
                        let props: serde_json::Value = serde_json::from_slice(
                            &crate::json::pretty_json(&r.rendered_properties(), " ").unwrap(),
                        )
                        .unwrap();
                        a.insert(PROPS_ATTRIBUTE, props);
                        m.serialize_entry("attributes", &a)?;
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

    /// `tree.json` with each template's props copied from its JSON, as the backend writes it.
    fn with_spans(tree: &Tree<'_>, templates: &[Template<'_, '_>]) -> Vec<u8> {
        let jsons: Vec<_> = templates
            .iter()
            .map(|t| t.to_json_with_properties().unwrap())
            .collect();
        let written: Vec<Written<'_, '_, '_>> = templates
            .iter()
            .zip(&jsons)
            .map(|(template, (json, properties))| Written {
                template,
                json,
                properties,
            })
            .collect();
        tree_json(tree, &written).unwrap()
    }

    /// `tree.json` with every resource's props written anew.
    fn without_spans(tree: &Tree<'_>, templates: &[Template<'_, '_>]) -> Vec<u8> {
        let written: Vec<Written<'_, '_, '_>> = templates
            .iter()
            .map(|template| Written {
                template,
                json: &[],
                properties: &[],
            })
            .collect();
        tree_json(tree, &written).unwrap()
    }

    #[test]
    fn props_copied_from_the_template_read_as_props_written_anew() {
        let mut app = App::new();
        let stack = app.stack("One", StackProps::default()).unwrap();
        app.tag(stack, "Team", "a b  c").unwrap();
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
        let templates: Vec<Template<'_, '_>> = tree
            .stacks()
            .iter()
            .map(|s| Template::of_stack(&tree, *s))
            .collect();
        let (_, spans) = templates[0].to_json_with_properties().unwrap();
        assert_eq!(spans.len(), 2, "the two tagged resources write props");
        assert_eq!(
            String::from_utf8(with_spans(&tree, &templates)).unwrap(),
            String::from_utf8(without_spans(&tree, &templates)).unwrap()
        );
    }

    #[test]
    fn the_word_searches_find_what_a_byte_search_finds() {
        let text = b"{\n  \"a\": 1,\n        \"b\": [\n\n   x\n                  y";
        for start in 0..text.len() {
            let bytes = &text[start..];
            for end in 0..=bytes.len() {
                let b = &bytes[..end];
                assert_eq!(line_break(b), b.iter().position(|&c| c == b'\n'));
                assert_eq!(
                    leading_spaces(b),
                    b.iter().take_while(|&&c| c == b' ').count()
                );
            }
        }
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
                    // One property only, so key order is the same in serde_json's sorted maps.
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
        let templates: Vec<Template<'_, '_>> = tree
            .stacks()
            .iter()
            .map(|s| Template::of_stack(&tree, *s))
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
                tree: &tree,
                resources: &resources,
                node: None,
            },
        };
        let mut expected = crate::json::pretty_json(&file, INDENT).unwrap();
        expected.push(b'\n');
        let written = with_spans(&tree, &templates);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}
