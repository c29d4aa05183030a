//! A second backend, to keep the `Backend` trait honest: a Graphviz DOT picture of each stack's
//! constructs, with an edge for every reference and explicit dependency.

use std::ops::Range;

use crate::backend::{Artifact, Backend, BackendError, EmitError, Sink};
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
        let paths = Paths::of(tree);
        let mut artifacts = Vec::with_capacity(tree.stacks().len());
        for &stack in tree.stacks() {
            let name = tree.node(stack).id();
            let out = picture(tree, &paths, stack, name);
            artifacts.push(Artifact {
                file_name: format!("{name}.dot"),
                bytes: out.into_bytes(),
            });
        }
        Ok(artifacts)
    }

    /// Each stack's picture as soon as it is drawn.
    fn emit_into(&self, tree: &Tree<'_>, sink: &mut dyn Sink) -> Result<(), EmitError> {
        let paths = Paths::of(tree);
        for &stack in tree.stacks() {
            let name = tree.node(stack).id();
            let out = picture(tree, &paths, stack, name);
            sink.file(&format!("{name}.dot"), out.as_bytes())?;
        }
        Ok(())
    }
}

/// One stack's picture, written with `push_str` into one buffer: paths come escaped from
/// [`Paths`], other text is escaped as it is copied.
fn picture(tree: &Tree<'_>, paths: &Paths, stack: NodeId, name: &str) -> String {
    // About 430 bytes an element in a typical stack: room for that, so the picture is not
    // copied as it grows (untouched room costs no page).
    let mut out = String::with_capacity(4096 + 512 * tree.elements(stack).len());
    out.push_str("digraph \"");
    push_escaped(&mut out, name);
    out.push_str("\" {\n  rankdir=LR;\n  node [shape=box];\n");
    // The nodes on the branch of the walk (depth first: a node's parent is on it), each with
    // whether it is a group whose cluster is open; a group's cluster closes when the walk leaves
    // it.
    let mut branch: Vec<(NodeId, bool)> = Vec::new();
    // With no path to escape, no node id has a character to escape either.
    let id = |out: &mut String, id: &str| match paths {
        Paths::Tree => out.push_str(id),
        Paths::Escaped { .. } => push_escaped(out, id),
    };
    tree.walk(stack, &mut |at, node| {
        while let Some(&(n, group)) = branch.last() {
            if Some(n) == node.parent() {
                break;
            }
            branch.pop();
            if group {
                out.push_str("  }\n");
            }
        }
        match node.kind() {
            NodeKind::Group => {
                out.push_str("  subgraph \"cluster_");
                paths.push(&mut out, tree, at);
                out.push_str("\" {\n  label=\"");
                id(&mut out, node.id());
                out.push_str("\";\n");
            }
            NodeKind::Resource(r) => {
                // Two label lines: the id, then the type (`\n` is DOT's line break).
                out.push_str("  \"");
                paths.push(&mut out, tree, at);
                out.push_str("\" [label=\"");
                id(&mut out, node.id());
                out.push_str("\\n");
                push_escaped(&mut out, &r.type_name);
                out.push_str("\"];\n");
            }
            _ => {}
        }
        branch.push((at, matches!(node.kind(), NodeKind::Group)));
    });
    for (_, group) in branch.into_iter().rev() {
        if group {
            out.push_str("  }\n");
        }
    }
    let mut references = Vec::new();
    for &e in tree.elements(stack) {
        references.clear();
        tree.for_each_reference(e, &mut |r| {
            if !references.contains(&r) {
                references.push(r);
            }
        });
        // The closing quote of the target's path is written with the text after it.
        let edge = |out: &mut String, to: NodeId| {
            out.push_str("  \"");
            paths.push(out, tree, e);
            out.push_str("\" -> \"");
            paths.push(out, tree, to);
        };
        for &r in &references {
            edge(&mut out, r);
            out.push_str("\";\n");
        }
        for d in tree.node(e).dependencies() {
            edge(&mut out, d.target);
            out.push_str("\" [style=dashed, label=\"");
            push_escaped(&mut out, &d.reason);
            out.push_str("\"];\n");
        }
    }
    out.push_str("}\n");
    out
}

/// Every node's path, escaped for DOT once: `spans` holds each node's range of `text`, by node
/// index. Built in one depth-first walk per stack, keeping the path of the current branch. When
/// no path has a character to escape (`"` or `\\`), the tree's own paths serve as they are.
enum Paths {
    /// Nothing to escape: [`Tree::path_str`].
    Tree,
    /// The paths escaped.
    Escaped {
        text: String,
        spans: Vec<Option<Range<usize>>>,
    },
}

impl Paths {
    fn of(tree: &Tree<'_>) -> Paths {
        if !crate::scan::quote_or_backslash(tree.all_paths().as_bytes()) {
            return Paths::Tree;
        }
        let mut text = String::with_capacity(64 * tree.app().nodes.len());
        let mut spans = vec![None; tree.app().nodes.len()];
        // The escaped path of the node last visited, and the nodes on it with the length of
        // `branch` up to each: a node's parent is on it, as the walk is depth first.
        let mut branch = String::new();
        let mut on_branch: Vec<(NodeId, usize)> = Vec::new();
        for &stack in tree.stacks() {
            on_branch.clear();
            tree.walk(stack, &mut |id, node| {
                while on_branch
                    .last()
                    .is_some_and(|&(n, _)| Some(n) != node.parent())
                {
                    on_branch.pop();
                }
                match on_branch.last() {
                    Some(&(_, len)) => {
                        branch.truncate(len);
                        branch.push('/');
                    }
                    None => branch.clear(),
                }
                push_escaped(&mut branch, node.id());
                on_branch.push((id, branch.len()));
                let start = text.len();
                text.push_str(&branch);
                if let Some(slot) = spans.get_mut(id.index()) {
                    *slot = Some(start..text.len());
                }
            });
        }
        Paths::Escaped { text, spans }
    }

    /// Appends the escaped path of `id` to `out`; a node no stack holds (or of another app) is
    /// written as [`Tree::display_path`] writes it.
    fn push(&self, out: &mut String, tree: &Tree<'_>, id: NodeId) {
        match self {
            // Of another app: `path_str` says so, as `display_path` does.
            Paths::Tree => out.push_str(tree.path_str(id)),
            Paths::Escaped { text, spans } => {
                let span = spans.get(id.index()).cloned().flatten();
                match span.filter(|_| tree.contains(id)).and_then(|s| text.get(s)) {
                    Some(path) => out.push_str(path),
                    None => push_escaped(out, &tree.display_path(id).to_string()),
                }
            }
        }
    }
}

/// Appends `s` to `out` as the inside of a DOT quoted string: `"` and `\` escaped.
fn push_escaped(out: &mut String, s: &str) {
    if !crate::scan::quote_or_backslash(s.as_bytes()) {
        out.push_str(s);
        return;
    }
    let mut rest = s;
    while let Some(i) = rest.bytes().position(|b| b == b'"' || b == b'\\') {
        out.push_str(&rest[..i]);
        out.push('\\');
        // The byte found is an ASCII character: `i..=i` is on char boundaries.
        out.push_str(&rest[i..=i]);
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use crate::{App, DotBackend, RawResource, Resource, StackProps, Value};

    /// The pictures of `app`, joined.
    fn dot(app: &App) -> String {
        let out = app.synth(&DotBackend).unwrap();
        out.artifacts
            .into_iter()
            .map(|a| String::from_utf8(a.bytes).unwrap())
            .collect()
    }

    /// An element with several edges: each names the element's path in full, whether its
    /// paths need escaping or not (`id` is the id of its first target).
    fn many_edges(id: &str) -> String {
        let mut app = App::new();
        let stack = app.stack("Many", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let mut g = s.group("Group").unwrap();
        let a = g
            .resource::<RawResource>(id, Resource::new("AWS::SNS::Topic"))
            .unwrap();
        let b = g
            .resource::<RawResource>("B", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        let c = s
            .resource::<RawResource>(
                "C",
                Resource::new("AWS::SQS::Queue")
                    .property("A", Value::Ref(a.node()))
                    .property("B", Value::GetAtt(b.node(), "Arn".into())),
            )
            .unwrap();
        app.add_dependency(c, a, "first").unwrap();
        app.add_dependency(c, b, "second").unwrap();
        dot(&app)
    }

    #[test]
    fn every_edge_of_an_element_names_its_path_in_full() {
        let edges = |a: &str| {
            format!(
                "  \"Many/C\" -> \"Many/Group/{a}\";\n  \"Many/C\" -> \"Many/Group/B\";\n  \"Many/C\" -> \"Many/Group/{a}\" [style=dashed, label=\"first\"];\n  \"Many/C\" -> \"Many/Group/B\" [style=dashed, label=\"second\"];\n}}\n"
            )
        };
        for (id, escaped) in [("A", "A"), ("Q\"A", "Q\\\"A")] {
            let picture = many_edges(id);
            assert!(picture.ends_with(&edges(escaped)), "{id}: {picture}");
        }
    }
}
