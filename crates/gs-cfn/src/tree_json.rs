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

use crate::direct::{string, Cx, Pretty, Scratch};

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
pub(crate) fn tree_json(tree: &Tree<'_>) -> Result<Vec<u8>, serde_json::Error> {
    // About as large as the templates and the tree's paths together.
    let mut out = Vec::with_capacity(4096 + 1024 * tree.stacks().len());
    tree_json_parts(tree, &mut out, None)?;
    Ok(out)
}

/// Where [`tree_json_parts`] hands each part of the file.
pub(crate) type Part<'p> = dyn FnMut(&[u8]) -> std::io::Result<()> + 'p;

/// How much of `tree.json` [`tree_json_parts`] gathers before handing it over.
const PART: usize = 32 * 1024;

/// [`tree_json`] appended to `out`; with `part`, handed to it a node at a time, in parts of
/// about [`PART`] bytes (`out` is then left empty: a buffer that already holds its pages, such
/// as a template's, costs no new page).
pub(crate) fn tree_json_parts(
    tree: &Tree<'_>,
    out: &mut Vec<u8>,
    mut part: Option<&mut Part<'_>>,
) -> Result<(), serde_json::Error> {
    out.extend_from_slice(b"{\n");
    indent(out, 1);
    out.extend_from_slice(b"\"version\": ");
    string(out, TREE_VERSION);
    out.extend_from_slice(b",\n");
    indent(out, 1);
    out.extend_from_slice(b"\"tree\": {\n");
    fields(out, 2, "App", "");
    let stacks = tree.stacks();
    if stacks.is_empty() {
        out.push(b'\n');
        indent(out, 1);
        out.push(b'}');
    } else {
        open_children(out, 2);
        let mut walk = Walk {
            tree,
            out: &mut *out,
            scratch: Scratch::default(),
        };
        walk.run(stacks, part.as_deref_mut())?;
    }
    out.extend_from_slice(b"\n}\n");
    if let Some(part) = part {
        part(out).map_err(serde_json::Error::io)?;
        out.clear();
    }
    Ok(())
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

struct Walk<'w, 'a> {
    tree: &'w Tree<'a>,
    out: &'w mut Vec<u8>,
    scratch: Scratch<'a>,
}

impl Walk<'_, '_> {
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
                    // A resource of a template (one with a logical ID).
                    if let NodeKind::Resource(r) = n.kind() {
                        if self.tree.logical_id(node).is_some() {
                            let cx = Cx {
                                tree: self.tree,
                                stack: n.stack(),
                            };
                            attributes(self.out, depth, cx, &mut self.scratch, node, r)?;
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
fn attributes<'a>(
    out: &mut Vec<u8>,
    depth: usize,
    cx: Cx<'_, 'a>,
    scratch: &mut Scratch<'a>,
    node: NodeId,
    resource: &gs_core::Resource,
) -> Result<(), serde_json::Error> {
    out.extend_from_slice(b",\n");
    indent(out, depth);
    out.extend_from_slice(b"\"attributes\": {\n");
    indent(out, depth + 1);
    string(out, TYPE_ATTRIBUTE);
    out.extend_from_slice(b": ");
    string(out, &resource.type_name);
    // The props key and value, as the item of an object whose items are at `depth + 1`.
    let mut w = Pretty::nested(out, INDENT, depth + 1);
    w.first_written();
    crate::direct::properties(&mut w, cx, scratch, node, resource, PROPS_KEY, false)?;
    out.push(b'\n');
    indent(out, depth);
    out.push(b'}');
    Ok(())
}

/// The props key, quoted, with its colon.
const PROPS_KEY: &[u8] = b"\"aws:cdk:cloudformation:props\": ";

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
    fn a_large_tree_is_handed_over_in_parts_that_join_to_the_whole() {
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
        let tree = app.freeze();
        let whole = String::from_utf8(tree_json(&tree).unwrap()).unwrap();
        assert!(whole.len() > 2 * PART);
        assert_eq!(in_parts(&tree), whole);
        assert_eq!(whole, reference(&tree));
    }
}
