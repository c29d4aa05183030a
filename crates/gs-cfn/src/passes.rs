//! CloudFormation's limits, checked before anything is deployed.

use gs_core::{Diagnostic, NodeKind, Rule, Severity, Tree, MAX_LOGICAL_ID_LEN};

use crate::template::Template;

/// Resources per stack.
pub const MAX_RESOURCES: usize = 500;
/// Parameters per template.
pub const MAX_PARAMETERS: usize = 200;
/// Outputs per template.
pub const MAX_OUTPUTS: usize = 200;
/// Template body size when uploaded through S3.
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;

const LIMITS: Rule = Rule {
    id: "cfn/limits",
    severity: Severity::Error,
    acknowledgeable: false,
    what: "A stack exceeds a CloudFormation quota: 500 resources, 200 parameters, 200 outputs, a 1 MB template body, 255-character logical IDs.",
    why: "CloudFormation rejects the template when the stack is created or updated.",
    fix: "split the stack (move a group of constructs into a nested or separate stack), or shorten the ids",
};

/// The rules of this module.
pub const RULES: &[Rule] = &[LIMITS];

/// Appends a finding per stack and limit exceeded.
///
/// The template size is measured exactly only when a cheap upper bound of it passes the limit,
/// so the check stays linear and cheap for ordinary stacks.
pub fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for &stack in tree.stacks() {
        let (mut resources, mut parameters, mut outputs) = (0, 0, 0);
        let mut bound = 1024;
        if let NodeKind::Stack(s) = tree.node(stack).kind() {
            bound += 6 * s.description.as_deref().map_or(0, str::len);
            for (k, v) in s.mappings.iter().chain(s.conditions.iter()) {
                bound += 6 * k.len() + size_bound(v, 2);
            }
        }
        for &e in tree.elements(stack) {
            // Logical ID, key punctuation and the metadata, tags and acknowledgements the
            // backend adds from the tree.
            bound += 2 * MAX_LOGICAL_ID_LEN + 64 + around(tree, e);
            match tree.node(e).kind() {
                NodeKind::Resource(r) => {
                    resources += 1;
                    bound += 512 + r.type_name.len();
                    bound += tree.depends_on(e).len() * (MAX_LOGICAL_ID_LEN + 16);
                    for (k, v) in r.properties.iter() {
                        bound += 6 * k.len() + size_bound(v, 3);
                    }
                }
                NodeKind::Parameter(p) => {
                    parameters += 1;
                    bound += 256 + 6 * p.description.as_deref().map_or(0, str::len);
                    bound += p.default.as_ref().map_or(0, |v| size_bound(v, 3));
                    bound += p
                        .allowed_values
                        .iter()
                        .map(|v| size_bound(v, 4))
                        .sum::<usize>();
                }
                NodeKind::Output(o) => {
                    outputs += 1;
                    bound += 256 + 6 * o.description.as_deref().map_or(0, str::len);
                    bound += size_bound(&o.value, 3);
                    bound += o.export_name.as_ref().map_or(0, |v| size_bound(v, 4));
                }
                _ => {}
            }
            if let Some(id) = tree.logical_id(e) {
                if id.len() > MAX_LOGICAL_ID_LEN {
                    out.push(LIMITS.at(
                        e,
                        tree.path(e),
                        format!("the logical ID has {} characters, more than 255", id.len()),
                    ));
                }
            }
        }
        let path = tree.path(stack);
        for (count, max, what) in [
            (resources, MAX_RESOURCES, "resources"),
            (parameters, MAX_PARAMETERS, "parameters"),
            (outputs, MAX_OUTPUTS, "outputs"),
        ] {
            if count > max {
                out.push(LIMITS.at(
                    stack,
                    path.clone(),
                    format!("the stack has {count} {what}, more than CloudFormation's {max}"),
                ));
            }
        }
        if bound > MAX_TEMPLATE_BYTES {
            let size = Template::of_stack(tree, stack)
                .to_json()
                .map_or(0, |b| b.len());
            if size > MAX_TEMPLATE_BYTES {
                out.push(LIMITS.at(
                    stack,
                    path,
                    format!("the template has {size} bytes, more than CloudFormation's 1 MB"),
                ));
            }
        }
    }
}

/// An upper bound of what the backend writes about element `e` from the tree around it: its
/// path (`aws:cdk:path`), the tags and the acknowledgements set on it and its ancestors.
fn around(tree: &Tree<'_>, e: gs_core::NodeId) -> usize {
    let mut bytes = 64;
    let mut at = Some(e);
    while let Some(n) = at {
        let node = tree.node(n);
        bytes += 6 * node.id().len() + 2;
        for (k, v) in node.own_tags() {
            bytes += 6 * (k.len() + v.len()) + 64;
        }
        for a in node.acknowledgements() {
            bytes += 6 * (a.rule.len() + a.reason.len()) + 64;
        }
        at = node.parent();
    }
    bytes
}

/// An upper bound of the pretty JSON size of `v` at nesting `depth` (one-space indent): every
/// string may grow six-fold when escaped (`\u00XX` per byte), and every line carries its indentation and punctuation.
fn size_bound(v: &gs_core::Value, depth: usize) -> usize {
    use gs_core::Value as V;
    let line = depth + 8;
    match v {
        V::String(s) => 6 * s.len() + line,
        V::List(items) | V::Join(_, items) | V::And(items) | V::Or(items) => {
            line * 3
                + items
                    .iter()
                    .map(|i| size_bound(i, depth + 2) + 1)
                    .sum::<usize>()
        }
        V::Map(m) | V::Sub(_, m) => {
            line * 3
                + m.iter()
                    .map(|(k, i)| 6 * k.len() + 4 + size_bound(i, depth + 1))
                    .sum::<usize>()
                + match v {
                    V::Sub(t, _) => 6 * t.len(),
                    _ => 0,
                }
        }
        V::Select(_, x)
        | V::Split(_, x)
        | V::GetAzs(x)
        | V::ImportValue(x)
        | V::Base64(x)
        | V::Cidr(x, _, _)
        | V::Not(x) => line * 4 + 520 + size_bound(x, depth + 2),
        V::If(_, a, b) | V::FindInMap(_, a, b) | V::Equals(a, b) => {
            line * 4 + 520 + size_bound(a, depth + 2) + size_bound(b, depth + 2)
        }
        // References render as logical IDs (at most 255 characters) and attribute names.
        V::Ref(_) | V::GetAtt(_, _) | V::Pseudo(_) | V::Condition(_) => line * 4 + 600,
        V::Null | V::Bool(_) | V::Int(_) | V::Float(_) => line + 24,
    }
}
