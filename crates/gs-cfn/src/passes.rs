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
        let mut bound = 0usize;
        for &e in tree.elements(stack) {
            match tree.node(e).kind() {
                NodeKind::Resource(r) => {
                    resources += 1;
                    bound += 512 + r.type_name.len();
                    for (k, v) in r.properties.iter() {
                        bound += k.len() + size_bound(v, 3);
                    }
                }
                NodeKind::Parameter(_) => parameters += 1,
                NodeKind::Output(_) => outputs += 1,
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

/// An upper bound of the pretty JSON size of `v` at nesting `depth` (one-space indent): every
/// string may double when escaped, and every line carries its indentation and punctuation.
fn size_bound(v: &gs_core::Value, depth: usize) -> usize {
    use gs_core::Value as V;
    let line = depth + 8;
    match v {
        V::String(s) => 2 * s.len() + line,
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
                    .map(|(k, i)| 2 * k.len() + 4 + size_bound(i, depth + 1))
                    .sum::<usize>()
                + match v {
                    V::Sub(t, _) => 2 * t.len(),
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
