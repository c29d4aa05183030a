//! A second backend, to keep the `Backend` trait honest: a Graphviz DOT picture of each stack's
//! constructs, with an edge for every reference and explicit dependency.

use std::fmt::{self, Write};

use crate::backend::{Artifact, Backend, BackendError};
use crate::node::NodeKind;
use crate::tree::Tree;
use crate::NodeId;

/// Writes `<Stack>.dot` per stack: clusters for groups, boxes for resources, solid edges for
/// references, dashed edges (labelled with the reason) for explicit dependencies.
///
/// ```
/// use gs_core::{App, DotBackend, RawResource, Resource, StackProps, Value};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let topic = s.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
/// s.resource::<RawResource>("Sub", Resource::new("AWS::SNS::Subscription")
///     .property("TopicArn", Value::Ref(topic.node())))?;
/// let out = app.synth(&DotBackend)?;
/// let dot = String::from_utf8(out.artifacts[0].bytes.clone())?;
/// assert!(dot.contains("\"Demo/Sub\" -> \"Demo/Topic\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct DotBackend;

impl Backend for DotBackend {
    fn name(&self) -> &str {
        "dot"
    }

    fn passes(&self) -> &'static [crate::passes::Pass] {
        &[]
    }

    fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError> {
        let mut artifacts = Vec::with_capacity(tree.stacks().len());
        for &stack in tree.stacks() {
            let name = tree.node(stack).id();
            let out = picture(tree, stack, name);
            artifacts.push(Artifact {
                file_name: format!("{name}.dot"),
                bytes: out.into_bytes(),
            });
        }
        Ok(artifacts)
    }
}

/// One stack's picture. Paths and labels are escaped as they are written, so no `String` is
/// built per node or edge.
fn picture(tree: &Tree<'_>, stack: NodeId, name: &str) -> String {
    let mut out = String::with_capacity(4096);
    // Writing to a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(
        out,
        "digraph {} {{\n  rankdir=LR;\n  node [shape=box];",
        Quoted(name)
    );
    let mut open_groups: Vec<NodeId> = Vec::new();
    tree.walk(stack, &mut |id, node| {
        while let Some(&g) = open_groups.last() {
            if is_ancestor(tree, g, id) {
                break;
            }
            open_groups.pop();
            out.push_str("  }\n");
        }
        match node.kind() {
            NodeKind::Group => {
                let _ = writeln!(
                    out,
                    "  subgraph \"cluster_{}\" {{\n  label={};",
                    Escaped(tree.display_path(id)),
                    Quoted(node.id())
                );
                open_groups.push(id);
            }
            NodeKind::Resource(r) => {
                // Two label lines: the id, then the type (`\\n` is DOT's line break).
                let _ = writeln!(
                    out,
                    "  {} [label=\"{}\\n{}\"];",
                    Quoted(tree.display_path(id)),
                    Escaped(node.id()),
                    Escaped(&*r.type_name)
                );
            }
            _ => {}
        }
    });
    for _ in open_groups {
        out.push_str("  }\n");
    }
    let mut references = Vec::new();
    for &e in tree.elements(stack) {
        let from = Quoted(tree.display_path(e));
        references.clear();
        tree.for_each_reference(e, &mut |r| {
            if !references.contains(&r) {
                references.push(r);
            }
        });
        for &r in &references {
            let _ = writeln!(out, "  {from} -> {};", Quoted(tree.display_path(r)));
        }
        for d in tree.node(e).dependencies() {
            let _ = writeln!(
                out,
                "  {from} -> {} [style=dashed, label={}];",
                Quoted(tree.display_path(d.target)),
                Quoted(&d.reason)
            );
        }
    }
    out.push_str("}\n");
    out
}

fn is_ancestor(tree: &Tree<'_>, ancestor: NodeId, node: NodeId) -> bool {
    let mut at = tree.node(node).parent();
    while let Some(p) = at {
        if p == ancestor {
            return true;
        }
        at = tree.node(p).parent();
    }
    false
}

/// `T` written inside DOT double quotes: `"` and `\\` escaped.
struct Escaped<T>(T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Escaper(f), "{}", self.0)
    }
}

/// `T` as a DOT quoted string.
struct Quoted<T>(T);

impl<T: fmt::Display> fmt::Display for Quoted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        write!(Escaper(f), "{}", self.0)?;
        f.write_char('"')
    }
}

/// Writes through to `f`, escaping `"` and `\\` on the way.
struct Escaper<'x, 'f>(&'x mut fmt::Formatter<'f>);

impl fmt::Write for Escaper<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s;
        while let Some(i) = rest.find(['"', '\\']) {
            self.0.write_str(&rest[..i])?;
            self.0.write_char('\\')?;
            // The char found is ASCII: one byte.
            self.0.write_str(&rest[i..=i])?;
            rest = &rest[i + 1..];
        }
        self.0.write_str(rest)
    }
}
