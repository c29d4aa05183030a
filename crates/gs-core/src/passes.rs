//! The passes every app runs: logical IDs valid and unique per stack, references that resolve
//! (inside their stack, or exported from a stack of the same account and Region), conditions and
//! mappings that are declared, no dependency cycle among resources or stacks, and
//! acknowledgements that can match a finding.
//!
//! A [`Pass`] is plain data: a name, the rules it reports and a function. gs-core's passes run
//! on every app; a backend brings the passes of its target ([`Backend::passes`]); an app may add
//! its own ([`App::add_pass`](crate::App::add_pass)). Nothing registers itself as a side effect.
//!
//! [`Backend::passes`]: crate::Backend::passes

use std::collections::HashMap;
use std::fmt;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::fast_hash::FastState;
use crate::handle::NodeId;
use crate::logical_id::invalid_reason;
use crate::node::NodeKind;
use crate::tree::{environment, StackDependencyCause, Tree};
use crate::value::Value;

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
    what: "A value refers to a construct of another app, account or Region, or to something that is not a resource or parameter, or names a Condition or Mapping its stack does not declare.",
    why: "CloudFormation resolves Ref and Fn::GetAtt only inside one template (exports and imports only within one account and Region), and conditions and mappings only among those the template declares; the deploy fails.",
    fix: "pass the value explicitly (a name or ARN built on purpose, or an SSM parameter), or declare the condition or mapping on the stack",
};
/// The rule `core/dependency-cycle`.
pub const DEPENDENCY_CYCLE: Rule = Rule {
    id: "core/dependency-cycle",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "Resources of a stack, stacks, or conditions depend on each other in a cycle (through references, explicit dependencies or conditions naming conditions).",
    why: "CloudFormation refuses a template with circular dependencies, and no deploy order exists for stacks that each need the other first.",
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
    INVALID_VALUE,
];

pub use crate::values::INVALID_VALUE;

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
            let substitution = diagonal + usize::from(!ca.eq_ignore_ascii_case(cb));
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

fn logical_ids(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for &stack in tree.stacks() {
        let elements = tree.elements(stack);
        let mut seen: HashMap<&str, NodeId, FastState> =
            HashMap::with_capacity_and_hasher(elements.len(), FastState::default());
        for &e in elements {
            let Some(id) = tree.logical_id(e) else {
                continue;
            };
            let reason = tree
                .logical_id_needs_check(e, id)
                .then(|| invalid_reason(id))
                .flatten();
            if let Some(reason) = reason {
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
    declared_names(tree, out);
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
                let (here, there) = (
                    environment(tree.node(from_stack)),
                    environment(tree.node(node.stack)),
                );
                let named = |v: Option<&str>, default: &str| v.unwrap_or(default).to_string();
                if here.0 != there.0 {
                    Some((
                        format!(
                            "{}, which is in another account ({}, not {}); CloudFormation exports do not cross accounts",
                            tree.path(target),
                            named(there.0, "the default account"),
                            named(here.0, "the default account")
                        ),
                        "pass the value explicitly: a name or ARN built on purpose for that account, or an SSM parameter shared with it (AWS RAM)",
                    ))
                } else if here.1 != there.1 {
                    Some((
                        format!(
                            "{}, which is in another Region ({}, not {}); CloudFormation exports do not cross Regions",
                            tree.path(target),
                            named(there.1, "the default Region"),
                            named(here.1, "the default Region")
                        ),
                        "pass the value explicitly: a name or ARN built on purpose for that Region, or an SSM parameter replicated there",
                    ))
                } else if !matches!(node.kind, NodeKind::Resource(_) | NodeKind::Parameter(_)) {
                    Some((
                        format!("{}, which is not a resource or parameter", tree.path(target)),
                        "refer to the construct's resource (its `Resource` child) or use its typed accessors",
                    ))
                } else {
                    // Same account and Region: exported by its stack, imported here (Tree::exports).
                    None
                }
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

/// Conditions and mappings are named by strings: each name a value, resource or output uses must
/// be declared on its stack. Values of the Conditions and Rules sections may refer only to
/// parameters of their own stack.
fn declared_names(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for &stack in tree.stacks() {
        let NodeKind::Stack(s) = &tree.node(stack).kind else {
            continue;
        };
        let check =
            |node: NodeId, path: &dyn Fn() -> String, v: &Value, out: &mut Vec<Diagnostic>| {
                let (kind, name) = match v {
                    Value::If(c, _, _) | Value::Condition(c) => ("condition", c),
                    Value::FindInMap(m, _, _) => ("mapping", m),
                    _ => return,
                };
                let declared = if kind == "condition" {
                    s.conditions.contains_key(name)
                } else {
                    s.mappings.contains_key(name)
                };
                if !declared {
                    out.push(undeclared(tree, stack, node, path(), kind, name));
                }
            };
        for &e in tree.elements(stack) {
            let node = tree.node(e);
            let path = || tree.path(e);
            let condition = match &node.kind {
                NodeKind::Resource(r) => r.condition.as_ref(),
                NodeKind::Output(o) => o.condition.as_ref(),
                _ => None,
            };
            if let Some(c) = condition.filter(|c| !s.conditions.contains_key(c.as_str())) {
                out.push(undeclared(tree, stack, e, path(), "condition", c));
            }
            for v in tree.section_names(e) {
                check(e, &path, v, out);
            }
        }
        let sections = s
            .conditions
            .iter()
            .map(|(name, v)| (format!("{}/Conditions/{name}", tree.path(stack)), v))
            .chain(s.rules.iter().flat_map(|(name, rule)| {
                let path = format!("{}/Rules/{name}", tree.path(stack));
                rule.rule_condition
                    .iter()
                    .chain(rule.assertions.iter().map(|a| &a.assert))
                    .map(move |v| (path.clone(), v))
            }));
        for (path, root) in sections {
            let mut pending = vec![root];
            while let Some(v) = pending.pop() {
                check(stack, &|| path.clone(), v, out);
                if let Some(target) = v.as_reference() {
                    let parameter = tree.contains(target)
                        && tree.node(target).stack == stack
                        && matches!(tree.node(target).kind, NodeKind::Parameter(_));
                    if !parameter {
                        out.push(
                            DANGLING_REFERENCE
                                .at(
                                    stack,
                                    path.clone(),
                                    format!(
                                        "a condition or rule refers to {}, which is not a parameter of this stack; CloudFormation evaluates conditions and rules on parameters only",
                                        tree.path(target)
                                    ),
                                )
                                .with_fix("refer to a parameter of this stack (or a pseudo parameter) in conditions and rules"),
                        );
                    }
                }
                v.for_each_child(&mut |c| pending.push(c));
            }
        }
    }
}

fn undeclared(
    tree: &Tree<'_>,
    stack: NodeId,
    node: NodeId,
    path: String,
    kind: &str,
    name: &str,
) -> Diagnostic {
    let (add, declared): (&str, Vec<&str>) = match &tree.node(stack).kind {
        NodeKind::Stack(s) if kind == "condition" => {
            ("add_condition", s.conditions.keys().collect())
        }
        NodeKind::Stack(s) => ("add_mapping", s.mappings.keys().collect()),
        _ => ("add_condition", Vec::new()),
    };
    let known = if declared.is_empty() {
        format!("it declares no {kind}")
    } else {
        format!("it declares {}", declared.join(", "))
    };
    DANGLING_REFERENCE
        .at(
            node,
            path,
            format!(
                "the {kind} `{name}` is named here, but the stack {} does not declare it ({known}); CloudFormation refuses the template",
                tree.path(stack)
            ),
        )
        .with_fix(format!(
            "declare it on the stack with `app.{add}(stack, \"{name}\", ...)`, or correct the name"
        ))
}

/// Depth-first search over "is created after" edges (explicit dependencies and references inside
/// one stack), iterative so deep chains cannot overflow the call stack. Each back edge closes one
/// cycle, reported with the paths along it. Then the same over stacks.
fn dependency_cycles(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    resource_cycles(tree, out);
    stack_cycles(tree, out);
    condition_cycles(tree, out);
}

/// Conditions that name each other (`{"Condition": ...}`) in a cycle: CloudFormation refuses
/// them. Following each condition's chain of named conditions, iteratively; a chain that comes
/// back to a condition already on it is a cycle, reported once at its first condition.
fn condition_cycles(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for &stack in tree.stacks() {
        let NodeKind::Stack(s) = &tree.node(stack).kind else {
            continue;
        };
        let named = |v: &Value| -> Vec<String> {
            let mut names = Vec::new();
            let mut pending = vec![v];
            while let Some(v) = pending.pop() {
                if let Value::Condition(c) | Value::If(c, _, _) = v {
                    names.push(c.clone());
                }
                v.for_each_child(&mut |c| pending.push(c));
            }
            names
        };
        let mut reported: Vec<Vec<String>> = Vec::new();
        for start in s.conditions.keys() {
            // Depth-first from `start`, looking for a way back to it.
            let mut path: Vec<String> = vec![start.to_owned()];
            let mut pending: Vec<Vec<String>> =
                vec![s.conditions.get(start).map(&named).unwrap_or_default()];
            let mut seen = std::collections::HashSet::<_, FastState>::default();
            while let Some(next) = pending.last_mut().map(Vec::pop) {
                let Some(c) = next else {
                    pending.pop();
                    path.pop();
                    continue;
                };
                if c == start {
                    let mut cycle = path.clone();
                    let mut key = cycle.clone();
                    key.sort();
                    if !reported.contains(&key) {
                        reported.push(key);
                        cycle.push(c);
                        out.push(DEPENDENCY_CYCLE.at(
                            stack,
                            format!("{}/Conditions/{start}", tree.path(stack)),
                            format!("condition cycle: {}", cycle.join(" -> ")),
                        ));
                    }
                    continue;
                }
                if !seen.insert(c.clone()) {
                    continue;
                }
                if let Some(v) = s.conditions.get(&c) {
                    path.push(c);
                    pending.push(named(v));
                }
            }
        }
    }
}

fn resource_cycles(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let app = tree.app();
    let mut mark = vec![Mark::New; app.len()];
    // The edges still to follow from every node on the path, in one list: `frames` holds where
    // each one's edges start. An element's edges: its explicit dependencies, then what its
    // values refer to in its stack, each once; followed last first.
    let mut edges: Vec<NodeId> = Vec::new();
    let mut frames: Vec<usize> = Vec::new();
    let mut path: Vec<NodeId> = Vec::new();
    let open = |n: NodeId, edges: &mut Vec<NodeId>, frames: &mut Vec<usize>| {
        let from = edges.len();
        frames.push(from);
        edges.extend_from_slice(tree.depends_on(n));
        let stack = tree.node(n).stack;
        tree.for_each_reference(n, &mut |r| {
            if tree.contains(r) && tree.node(r).stack == stack && !edges[from..].contains(&r) {
                edges.push(r);
            }
        });
    };
    for start in tree.all_elements() {
        if mark[start.index()] != Mark::New {
            continue;
        }
        path.push(start);
        open(start, &mut edges, &mut frames);
        mark[start.index()] = Mark::Open;
        while let Some(&frame) = frames.last() {
            // This frame's edges are those past `frame`; none left closes the node.
            let next = if edges.len() > frame {
                edges.pop()
            } else {
                None
            };
            let Some(t) = next else {
                frames.pop();
                if let Some(done) = path.pop() {
                    mark[done.index()] = Mark::Done;
                }
                continue;
            };
            match mark[t.index()] {
                Mark::New => {
                    mark[t.index()] = Mark::Open;
                    path.push(t);
                    open(t, &mut edges, &mut frames);
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
            }
        }
    }
}

/// Depth-first search over "is deployed after" edges between stacks ([`Tree::stack_dependencies`]:
/// explicit dependencies across stacks and imports), iterative. Each back edge closes one cycle,
/// reported at its first stack with every stack along it and what made each edge.
fn stack_cycles(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let stacks = tree.stacks();
    let position = |s: NodeId| stacks.iter().position(|x| *x == s);
    let mut mark = vec![Mark::New; stacks.len()];
    for (start, &stack) in stacks.iter().enumerate() {
        if mark[start] != Mark::New {
            continue;
        }
        mark[start] = Mark::Open;
        let mut path: Vec<NodeId> = vec![stack];
        let mut pending: Vec<Vec<NodeId>> = vec![tree.stack_dependencies(stack).to_vec()];
        while let Some(next) = pending.last_mut().map(Vec::pop) {
            let Some(t) = next else {
                pending.pop();
                if let Some(done) = path.pop().and_then(position) {
                    mark[done] = Mark::Done;
                }
                continue;
            };
            let Some(i) = position(t) else { continue };
            match mark[i] {
                Mark::New => {
                    mark[i] = Mark::Open;
                    path.push(t);
                    pending.push(tree.stack_dependencies(t).to_vec());
                }
                Mark::Open => {
                    let from = path.iter().position(|p| *p == t).unwrap_or(0);
                    let mut cycle: Vec<NodeId> = path[from..].to_vec();
                    cycle.push(t);
                    let names: Vec<String> = cycle.iter().map(|s| tree.path(*s)).collect();
                    let causes: Vec<String> = cycle
                        .windows(2)
                        .map(|w| describe_cause(tree, w[0], w[1]))
                        .collect();
                    out.push(
                        DEPENDENCY_CYCLE
                            .at(
                                t,
                                tree.path(t),
                                format!(
                                    "stack dependency cycle: {} ({}); no stack of the cycle can deploy first",
                                    names.join(" -> "),
                                    causes.join("; ")
                                ),
                            )
                            .with_fix("remove one of these dependencies, or one of the references across the stacks (a reference makes its stack deploy after the stack it reads from)"),
                    );
                }
                Mark::Done => {}
            }
        }
    }
}

/// What made `stack` depend on `on`, for a person.
fn describe_cause(tree: &Tree<'_>, stack: NodeId, on: NodeId) -> String {
    match tree.stack_dependency_cause(stack, on) {
        Some(StackDependencyCause::Explicit { from, to, reason }) => {
            format!("{} depends on {}: {reason}", tree.path(from), tree.path(to))
        }
        Some(StackDependencyCause::Reference { from, to }) => {
            format!("{} refers to {}", tree.path(from), tree.path(to))
        }
        None => format!("{} depends on {}", tree.path(stack), tree.path(on)),
    }
}
