//! The passes every app runs: logical IDs valid and unique per stack, references that resolve
//! inside their stack, no dependency cycle, and acknowledgements that can match a finding.
//!
//! A [`Pass`] is plain data: a name, the rules it reports and a function. gs-core's passes run
//! on every app; a backend brings the passes of its target ([`Backend::passes`]); an app may add
//! its own ([`App::add_pass`](crate::App::add_pass)). Nothing registers itself as a side effect.
//!
//! [`Backend::passes`]: crate::Backend::passes

use std::collections::HashMap;
use std::fmt;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::handle::NodeId;
use crate::logical_id::invalid_reason;
use crate::node::NodeKind;
use crate::tree::Tree;

/// The rule `core/invalid-logical-id`.
pub const INVALID_LOGICAL_ID: Rule = Rule {
    id: "core/invalid-logical-id",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A logical ID computed from the path is empty or not alphanumeric.",
    why: "CloudFormation refuses the template.",
    fix: "give the construct an id with letters or digits, or override the logical ID",
};
/// The rule `core/duplicate-logical-id`.
pub const DUPLICATE_LOGICAL_ID: Rule = Rule {
    id: "core/duplicate-logical-id",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "Two resources, parameters or outputs of one stack have the same logical ID.",
    why: "One would silently replace the other in the template.",
    fix: "override one of the two logical IDs, or rename one construct",
};
/// The rule `core/dangling-reference`.
pub const DANGLING_REFERENCE: Rule = Rule {
    id: "core/dangling-reference",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A property refers to a construct of another stack or app, or to something with no logical ID, with no cross-stack mechanism.",
    why: "CloudFormation resolves Ref and Fn::GetAtt only inside one template; the deploy fails.",
    fix: "pass the value explicitly: an output of that stack read on purpose, or an SSM parameter",
};
/// The rule `core/dependency-cycle`.
pub const DEPENDENCY_CYCLE: Rule = Rule {
    id: "core/dependency-cycle",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what:
        "Resources depend on each other in a cycle (through references or explicit dependencies).",
    why: "CloudFormation refuses a template with circular dependencies.",
    fix: "remove one of the dependencies or references along the cycle",
};

/// The rule `core/invalid-acknowledgement`.
pub const INVALID_ACKNOWLEDGEMENT: Rule = Rule {
    id: "core/invalid-acknowledgement",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "An acknowledgement names a rule that cannot report anything about the acknowledged construct: it has no resource, at or below it, of the types the rule checks.",
    why: "It accepts nothing, yet is written into the template's metadata as if it did; a misplaced acknowledgement leaves the finding it was meant for unaccepted elsewhere, or hides a later one.",
    fix: "acknowledge a rule of the catalog on the construct whose resource the finding names",
};

/// The rules of gs-core's built-in passes.
pub const RULES: &[Rule] = &[
    INVALID_LOGICAL_ID,
    DUPLICATE_LOGICAL_ID,
    DANGLING_REFERENCE,
    DEPENDENCY_CYCLE,
    INVALID_ACKNOWLEDGEMENT,
];

/// A validation pass: reads the frozen tree and appends findings of its rules.
///
/// ```
/// use gs_core::{Diagnostic, Pass, Rule, Severity, Tree};
/// const NO_STACKS: Rule = Rule {
///     id: "demo/no-stacks",
///     severity: Severity::Warning,
///     acknowledgeable: false,
///     applies_to: &[],
///     what: "The app has no stack.",
///     why: "Nothing would be deployed.",
///     fix: "add a stack",
/// };
/// fn no_stacks(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
///     if tree.stacks().is_empty() {
///         out.push(NO_STACKS.at_path("(app)", "the app has no stack"));
///     }
/// }
/// const PASS: Pass = Pass { name: "demo/stacks", rules: &[NO_STACKS], run: no_stacks };
/// assert_eq!(PASS.rules[0].id, "demo/no-stacks");
/// ```
#[derive(Clone, Copy)]
pub struct Pass {
    /// A unique name, `area/what` (the passes of gs use `core/`, `gs-cfn/` and `gs-constructs/`).
    pub name: &'static str,
    /// The rules whose findings it makes.
    pub rules: &'static [Rule],
    /// The check.
    pub run: fn(&Tree<'_>, &mut Vec<Diagnostic>),
}

impl fmt::Debug for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pass")
            .field("name", &self.name)
            .field(
                "rules",
                &self.rules.iter().map(|r| r.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The passes every app runs, whatever the backend.
pub const CORE: &[Pass] = &[
    Pass {
        name: "core/logical-ids",
        rules: &[INVALID_LOGICAL_ID, DUPLICATE_LOGICAL_ID],
        run: logical_ids,
    },
    Pass {
        name: "core/references",
        rules: &[DANGLING_REFERENCE],
        run: references,
    },
    Pass {
        name: "core/dependency-cycle",
        rules: &[DEPENDENCY_CYCLE],
        run: dependency_cycles,
    },
];

/// Name prefixes reserved for the passes gs ships.
pub(crate) const RESERVED_PREFIXES: &[&str] = &["core/", "gs-cfn/", "gs-constructs/"];

/// Appends a `core/invalid-acknowledgement` finding for every acknowledgement of a rule whose
/// resource types ([`Rule::applies_to`]) do not occur at or below the acknowledged construct:
/// it could match no finding, whichever backend synthesizes.
pub(crate) fn acknowledgements(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for (node, n) in tree.app().nodes() {
        for ack in n.acknowledgements() {
            let rule = &ack.rule;
            if rule.applies_to.is_empty() {
                continue;
            }
            let present = tree.resources_below(node).iter().any(|r| {
                tree.node(*r)
                    .as_resource()
                    .is_some_and(|r| rule.applies_to.contains(&&*r.type_name))
            });
            if !present {
                out.push(
                    INVALID_ACKNOWLEDGEMENT
                        .at(
                            node,
                            tree.path(node),
                            format!(
                                "`{}` is acknowledged here, but it checks only {} and there is none at or below this construct, so it can match no finding",
                                rule.id,
                                rule.applies_to.join(", ")
                            ),
                        )
                        .with_fix("acknowledge it on the construct that holds the resource the finding names, or remove the acknowledgement"),
                );
            }
        }
    }
}

/// The candidate nearest to `id` by edit distance, when it is near enough to be a likely typo.
pub fn closest<'c>(id: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (edit_distance(id, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars, in O(len(a) * len(b)) time and O(len(b)) space.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
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
