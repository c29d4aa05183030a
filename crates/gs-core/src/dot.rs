//! A second backend, to keep the `Backend` trait honest: a Graphviz DOT picture of each stack's
//! constructs, with an edge for every reference and explicit dependency.

use std::fmt::Write;

use crate::backend::{Artifact, Backend, BackendError};
use crate::node::NodeKind;
use crate::tree::Tree;

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
        let mut artifacts = Vec::new();
        for &stack in tree.stacks() {
            let mut out = String::new();
            let name = tree.node(stack).id();
            // Writing to a String cannot fail; the results are ignored for that reason.
            let _ = writeln!(
                out,
                "digraph {} {{\n  rankdir=LR;\n  node [shape=box];",
                quote(name)
            );
            let mut open_groups: Vec<crate::NodeId> = Vec::new();
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
                            "  subgraph {} {{\n  label={};",
                            quote(&format!("cluster_{}", tree.path(id))),
                            quote(node.id())
                        );
                        open_groups.push(id);
                    }
                    NodeKind::Resource(r) => {
                        // Two label lines: the id, then the type (`\\n` is DOT's line break).
                        let _ = writeln!(
                            out,
                            "  {} [label=\"{}\\n{}\"];",
                            quote(&tree.path(id)),
                            escape(node.id()),
                            escape(&r.type_name)
                        );
                    }
                    _ => {}
                }
            });
            for _ in open_groups {
                out.push_str("  }\n");
            }
            for &e in tree.elements(stack) {
                let from = tree.path(e);
                for r in tree.references(e) {
                    let _ = writeln!(out, "  {} -> {};", quote(&from), quote(&tree.path(r)));
                }
                for d in tree.node(e).dependencies() {
                    let _ = writeln!(
                        out,
                        "  {} -> {} [style=dashed, label={}];",
                        quote(&from),
                        quote(&tree.path(d.target)),
                        quote(&d.reason)
                    );
                }
            }
            out.push_str("}\n");
            artifacts.push(Artifact {
                file_name: format!("{name}.dot"),
                bytes: out.into_bytes(),
            });
        }
        Ok(artifacts)
    }
}

fn is_ancestor(tree: &Tree<'_>, ancestor: crate::NodeId, node: crate::NodeId) -> bool {
    let mut at = tree.node(node).parent();
    while let Some(p) = at {
        if p == ancestor {
            return true;
        }
        at = tree.node(p).parent();
    }
    false
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn quote(s: &str) -> String {
    format!("\"{}\"", escape(s))
}
