//! The passes every app runs: logical IDs valid and unique per stack, references that resolve
//! inside their stack, and no dependency cycle.

use std::collections::HashMap;

use crate::app::App;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::handle::NodeId;
use crate::logical_id::invalid_reason;
use crate::node::NodeKind;
use crate::tree::Tree;

const INVALID_LOGICAL_ID: Rule = Rule {
    id: "core/invalid-logical-id",
    severity: Severity::Error,
    acknowledgeable: false,
    what: "A logical ID computed from the path is empty or not alphanumeric.",
    why: "CloudFormation refuses the template.",
    fix: "give the construct an id with letters or digits, or override the logical ID",
};
const DUPLICATE_LOGICAL_ID: Rule = Rule {
    id: "core/duplicate-logical-id",
    severity: Severity::Error,
    acknowledgeable: false,
    what: "Two resources, parameters or outputs of one stack have the same logical ID.",
    why: "One would silently replace the other in the template.",
    fix: "override one of the two logical IDs, or rename one construct",
};
const DANGLING_REFERENCE: Rule = Rule {
    id: "core/dangling-reference",
    severity: Severity::Error,
    acknowledgeable: false,
    what: "A property refers to a construct of another stack or app, or to something with no logical ID, with no cross-stack mechanism.",
    why: "CloudFormation resolves Ref and Fn::GetAtt only inside one template; the deploy fails.",
    fix: "pass the value explicitly: an output of that stack read on purpose, or an SSM parameter",
};
const DEPENDENCY_CYCLE: Rule = Rule {
    id: "core/dependency-cycle",
    severity: Severity::Error,
    acknowledgeable: false,
    what:
        "Resources depend on each other in a cycle (through references or explicit dependencies).",
    why: "CloudFormation refuses a template with circular dependencies.",
    fix: "remove one of the dependencies or references along the cycle",
};

/// The rules of gs-core's built-in passes.
pub const RULES: &[Rule] = &[
    INVALID_LOGICAL_ID,
    DUPLICATE_LOGICAL_ID,
    DANGLING_REFERENCE,
    DEPENDENCY_CYCLE,
    crate::values::INVALID_VALUE,
];

/// Registers the built-in passes (done by `App::new`).
pub(crate) fn register(app: &mut App) {
    app.add_pass("core/logical-ids", logical_ids);
    app.add_pass("core/references", references);
    app.add_pass("core/dependency-cycle", dependency_cycles);
}

fn logical_ids(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for &stack in tree.stacks() {
        let mut seen: HashMap<&str, NodeId> = HashMap::new();
        for &e in tree.elements(stack) {
            let Some(id) = tree.logical_id(e) else {
                continue;
            };
            if let Some(reason) = invalid_reason(id) {
                out.push(INVALID_LOGICAL_ID.at(
                    e,
                    tree.path(e),
                    format!("the logical ID `{id}` computed from the path is invalid: {reason}"),
                ));
            }
            if let Some(first) = seen.insert(id, e) {
                out.push(DUPLICATE_LOGICAL_ID.at(
                    e,
                    tree.path(e),
                    format!(
                        "the logical ID `{id}` is also the logical ID of {}",
                        tree.path(first)
                    ),
                ));
            }
        }
    }
}

fn references(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut targets = Vec::new();
    for e in tree.all_elements() {
        let from_stack = tree.node(e).stack;
        targets.clear();
        tree.for_each_reference(e, &mut |n| {
            if !targets.contains(&n) {
                targets.push(n)
            }
        });
        for &target in &targets {
            let node = tree.node(target);
            let problem = if !tree.contains(target) {
                Some((
                    "a construct of another app".to_string(),
                    "create the construct in this app",
                ))
            } else if node.stack != from_stack && !matches!(node.kind, NodeKind::Import(_)) {
                let region = |s: NodeId| match &tree.node(s).kind {
                    NodeKind::Stack(s) => s.region.as_deref(),
                    _ => None,
                };
                let (here, there) = (region(from_stack), region(node.stack));
                Some(if here != there {
                    (
                        format!(
                            "{}, which is in another Region ({}, not {}); CloudFormation exports do not cross Regions",
                            tree.path(target),
                            there.unwrap_or("the default Region"),
                            here.unwrap_or("the default Region")
                        ),
                        "pass the value explicitly: a name or ARN built on purpose for that Region, or an SSM parameter replicated there",
                    )
                } else {
                    (
                        format!("{}, which is in another stack", tree.path(target)),
                        "pass the value explicitly: an output of that stack read on purpose, or an SSM parameter",
                    )
                })
            } else if !matches!(
                node.kind,
                NodeKind::Resource(_) | NodeKind::Parameter(_) | NodeKind::Import(_)
            ) {
                Some((
                    format!("{}, which is not a resource or parameter", tree.path(target)),
                    "refer to the construct's resource (its `Resource` child) or use its typed accessors",
                ))
            } else {
                None
            };
            if let Some((what, fix)) = problem {
                out.push(
                    DANGLING_REFERENCE
                        .at(
                            e,
                            tree.path(e),
                            format!(
                                "a property refers to {what}; CloudFormation cannot resolve it"
                            ),
                        )
                        .with_fix(fix),
                );
            }
        }
    }
}

/// Depth-first search over "is created after" edges (explicit dependencies and references inside
/// one stack), iterative so deep chains cannot overflow the call stack. Each back edge closes one
/// cycle, reported with the paths along it.
fn dependency_cycles(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let app = tree.app();
    let mut mark = vec![Mark::New; app.len()];
    let edges = |n: NodeId| -> Vec<NodeId> {
        let mut e: Vec<NodeId> = tree.depends_on(n).to_vec();
        let stack = tree.node(n).stack;
        tree.for_each_reference(n, &mut |r| {
            if tree.contains(r) && tree.node(r).stack == stack && !e.contains(&r) {
                e.push(r);
            }
        });
        e
    };
    for start in tree.all_elements() {
        if mark[start.index()] != Mark::New {
            continue;
        }
        let mut path: Vec<NodeId> = vec![start];
        let mut pending: Vec<Vec<NodeId>> = vec![edges(start)];
        mark[start.index()] = Mark::Open;
        while let Some(next) = pending.last_mut().map(Vec::pop) {
            match next {
                None => {
                    pending.pop();
                    if let Some(done) = path.pop() {
                        mark[done.index()] = Mark::Done;
                    }
                }
                Some(t) => match mark[t.index()] {
                    Mark::New => {
                        mark[t.index()] = Mark::Open;
                        path.push(t);
                        pending.push(edges(t));
                    }
                    Mark::Open => {
                        let from = path.iter().position(|p| *p == t).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|p| tree.path(*p)).collect();
                        cycle.push(tree.path(t));
                        out.push(DEPENDENCY_CYCLE.at(
                            t,
                            tree.path(t),
                            format!("dependency cycle: {}", cycle.join(" -> ")),
                        ));
                    }
                    Mark::Done => {}
                },
            }
        }
    }
}
