//! An upper bound of a stack's template size, computed from the tree without writing the JSON:
//! the `cfn/limits` pass serializes a template only when this bound passes 1 MB.
//!
//! Every string counts with its exact escaped length; every line with the indentation and
//! punctuation the one-space pretty printer writes at its depth, rounded up. A quicker, looser
//! bound counts every string byte as six (its longest escape) without reading it; `cfn/limits`
//! computes the exact bound only when the quick one passes 1 MB.

use gs_core::{NodeId, NodeKind, Tree, Value, MAX_LOGICAL_ID_LEN};

use crate::exports::MAX_EXPORT_NAME_LEN;

/// Bytes `s` takes as a JSON string, quotes included (serde_json's escapes).
fn string(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .map(|b| usize::from(ESCAPE[usize::from(b)]))
            .sum::<usize>()
}

/// By byte: what serde_json's escape of it adds (`\"`, `\n`, ... one; `\u00XX` five).
const ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = 5;
        b += 1;
    }
    let short = [b'"', b'\\', b'\n', b'\r', b'\t', 0x08, 0x0c];
    let mut i = 0;
    while i < short.len() {
        table[short[i] as usize] = 1;
        i += 1;
    }
    table
};

/// Punctuation and indentation of one line at `depth`: indent, `": "`, `,` and newline.
fn line(depth: usize) -> usize {
    depth + 6
}

/// An upper bound of `v` written at `depth` (as a map value or list element).
fn value<F: Strings>(m: &Measure<'_, '_, F>, v: &Value, depth: usize) -> usize {
    // A reference to an exported value may be written as `Fn::ImportValue` of its export name
    // (at most 255 characters) where another stack reads it.
    let id = |n: &NodeId| {
        let own = m
            .tree
            .logical_id(*n)
            .map_or(MAX_LOGICAL_ID_LEN + 2, m.string);
        if m.tree.is_exported(*n) {
            own.max(MAX_EXPORT_NAME_LEN + 2)
        } else {
            own
        }
    };
    // An intrinsic is `{ "Fn::X": [ ... ] }`: two bracket lines, its key, the list brackets.
    let wrap = 4 * line(depth + 2) + 16;
    // A reference to an import is written as the import's literal attribute, of any size.
    // Import attributes hold no reference (checked when they enter), so this cannot loop.
    if let Value::Ref(n) | Value::GetAtt(n, _) = v {
        if let NodeKind::Import(import) = m.tree.node(*n).kind() {
            let attr = match v {
                Value::GetAtt(_, a) => a.as_str(),
                _ => "Ref",
            };
            return import
                .attributes
                .get(attr)
                .map_or(line(depth), |a| value(m, a, depth));
        }
    }
    match v {
        Value::Null | Value::Bool(_) => line(depth) + 5,
        Value::Int(_) | Value::Float(_) => line(depth) + 24,
        Value::String(s) => line(depth) + (m.string)(s),
        Value::List(items) | Value::And(items) | Value::Or(items) => {
            2 * line(depth) + items.iter().map(|i| value(m, i, depth + 1)).sum::<usize>()
        }
        Value::Map(entries) => 2 * line(depth) + map(m, entries.iter(), depth + 1),
        Value::Ref(n) => wrap + id(n),
        Value::GetAtt(n, attr) => wrap + id(n) + line(depth + 3) + (m.string)(attr),
        Value::Pseudo(p) => wrap + (m.string)(p.name()),
        Value::Condition(c) => wrap + (m.string)(c),
        Value::Join(sep, items) => {
            wrap + (m.string)(sep)
                + 2 * line(depth + 3)
                + items.iter().map(|i| value(m, i, depth + 4)).sum::<usize>()
        }
        Value::Sub(t, vars) => {
            wrap + (m.string)(t) + 2 * line(depth + 3) + map(m, vars.iter(), depth + 4)
        }
        Value::Select(_, x)
        | Value::Split(_, x)
        | Value::GetAzs(x)
        | Value::ImportValue(x)
        | Value::Base64(x)
        | Value::Cidr(x, _, _)
        | Value::Not(x) => wrap + 2 * line(depth + 3) + 48 + value(m, x, depth + 3),
        Value::If(c, a, b) | Value::FindInMap(c, a, b) => {
            wrap + (m.string)(c) + value(m, a, depth + 3) + value(m, b, depth + 3)
        }
        Value::Equals(a, b) => wrap + value(m, a, depth + 3) + value(m, b, depth + 3),
    }
}

fn map<'v, F: Strings>(
    m: &Measure<'_, '_, F>,
    entries: impl Iterator<Item = (&'v str, &'v Value)>,
    depth: usize,
) -> usize {
    entries
        .map(|(k, v)| (m.string)(k) + value(m, v, depth))
        .sum()
}

/// What the backend adds to element `e` from the tree around it: its path
/// (`aws:cdk:path`), and the tags and acknowledgements set on it and on every node above it.
fn around<F: Strings>(m: &Measure<'_, '_, F>, e: NodeId) -> usize {
    let mut bytes = 2 * line(4) + 32;
    let mut at = Some(e);
    while let Some(n) = at {
        let node = m.tree.node(n);
        bytes += (m.string)(node.id());
        for (k, v) in node.own_tags() {
            bytes += 4 * line(6) + (m.string)(k) + (m.string)(v) + 16;
        }
        for a in node.acknowledgements() {
            bytes += 4 * line(6) + (m.string)(a.rule.id) + (m.string)(&a.reason) + 16;
        }
        at = node.parent();
    }
    if let Some(a) = m.tree.app().attached::<crate::assets::AssetMetadata>(e) {
        // `aws:asset:path`, `aws:asset:is-bundled` and `aws:asset:property` with their values.
        bytes += 3 * line(4) + 80 + (m.string)(&a.path) + (m.string)(a.property);
    }
    bytes
}

/// The walk both bounds share, with `m.string` measuring each string.
fn bound<F: Strings>(m: &Measure<'_, '_, F>, stack: NodeId) -> usize {
    if !m.tree.invalid_values().is_empty() {
        return usize::MAX;
    }
    let mut bytes = 256;
    if let NodeKind::Stack(s) = m.tree.node(stack).kind() {
        bytes += line(1) + s.description.as_deref().map_or(0, m.string);
        bytes += map(m, s.mappings.iter(), 2) + map(m, s.conditions.iter(), 2);
        for (name, rule) in &s.rules {
            // The rule's name and braces, `RuleCondition`, `Assertions` and its brackets.
            bytes += 6 * line(3) + 64 + (m.string)(name);
            bytes += rule.rule_condition.as_ref().map_or(0, |v| value(m, v, 4));
            for a in &rule.assertions {
                bytes += 4 * line(5) + 48 + value(m, &a.assert, 6);
                bytes += a.description.as_deref().map_or(0, m.string);
            }
        }
    }
    for e in m.tree.exports(stack) {
        // `"<id>": { "Value": {"Fn::GetAtt": [id, attr]}, "Export": { "Name": "<name>" } }`.
        bytes += 12 * line(5) + 64 + 3 * (MAX_LOGICAL_ID_LEN + 2);
        bytes += e.attribute.map_or(0, m.string);
    }
    for &e in m.tree.elements(stack) {
        bytes += 2 * line(2)
            + m.tree
                .logical_id(e)
                .map_or(MAX_LOGICAL_ID_LEN + 2, m.string);
        match m.tree.node(e).kind() {
            NodeKind::Resource(r) => {
                // Type, Properties, DependsOn, the two policies, Metadata, Condition.
                bytes += 12 * line(3) + 128 + (m.string)(&r.type_name) + around(m, e);
                bytes += r.condition.as_deref().map_or(0, m.string);
                bytes += m
                    .tree
                    .depends_on(e)
                    .iter()
                    .map(|d| {
                        line(4)
                            + m.tree
                                .logical_id(*d)
                                .map_or(MAX_LOGICAL_ID_LEN + 2, m.string)
                    })
                    .sum::<usize>();
                bytes += map(m, r.properties.iter(), 4);
            }
            NodeKind::Parameter(p) => {
                bytes += 6 * line(3) + 64 + (m.string)(&p.type_name);
                bytes += p.description.as_deref().map_or(0, m.string);
                bytes += p.default.as_ref().map_or(0, |v| value(m, v, 3));
                bytes += p
                    .allowed_values
                    .iter()
                    .map(|v| value(m, v, 4))
                    .sum::<usize>();
            }
            NodeKind::Output(o) => {
                bytes += 6 * line(3) + 64 + o.description.as_deref().map_or(0, m.string);
                bytes += o.condition.as_deref().map_or(0, m.string);
                bytes += value(m, &o.value, 3);
                bytes += o.export_name.as_ref().map_or(0, |v| value(m, v, 4));
            }
            _ => {}
        }
    }
    bytes
}

/// How a bound measures: the tree, and the bytes it counts for a string (a closure, so that
/// each bound has its own copy of the walk with the measure inlined, not a call per string).
struct Measure<'t, 'a, F> {
    tree: &'t Tree<'a>,
    string: F,
}

/// What measures a string.
trait Strings: Fn(&str) -> usize + Copy {}
impl<F: Fn(&str) -> usize + Copy> Strings for F {}

/// An upper bound of the bytes `Template::of_stack(tree, stack).to_json()` writes.
///
/// ```
/// use gs_cfn::{template_size_bound, CfnBackend, Template};
/// use gs_core::{App, RawResource, Resource, StackProps};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// app.at(stack)?.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic").property("TopicName", "t"))?;
/// let tree = app.freeze();
/// let actual = Template::of_stack(&tree, stack.node()).to_json()?.len();
/// assert!(template_size_bound(&tree, stack.node()) >= actual);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A tree with values that cannot be written ([`Tree::invalid_values`]) has no finite bound:
/// `usize::MAX`, without walking them.
pub fn template_size_bound(tree: &Tree<'_>, stack: NodeId) -> usize {
    bound(&Measure { tree, string }, stack)
}

/// A looser bound than [`template_size_bound`], which reads no string: each byte counts as the
/// longest escape (`\u00XX`, six bytes). It is enough for most stacks, whose strings hold far
/// less than a sixth of a megabyte.
pub(crate) fn quick_size_bound(tree: &Tree<'_>, stack: NodeId) -> usize {
    bound(
        &Measure {
            tree,
            string: |s: &str| 2 + 6 * s.len(),
        },
        stack,
    )
}

#[cfg(test)]
mod tests {
    use gs_core::{App, RawResource, Resource, StackProps, Value};

    use crate::Template;

    #[test]
    fn the_quick_bound_is_above_the_exact_bound_which_is_above_the_size() {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let text = "a \"quoted\" \\ line\n\u{1}é";
        let topic = s
            .resource::<RawResource>(
                "Topic",
                Resource::new("AWS::SNS::Topic").property("TopicName", text),
            )
            .unwrap();
        s.resource::<RawResource>(
            "Sub",
            Resource::new("AWS::SNS::Subscription")
                .property("TopicArn", Value::Ref(topic.node()))
                .property(
                    "Endpoint",
                    Value::join(text, [Value::from(text), Value::Ref(topic.node())]),
                ),
        )
        .unwrap();
        app.tag(stack, "Note", "n").unwrap();
        let tree = app.freeze();
        let actual = Template::of_stack(&tree, stack.node())
            .to_json()
            .unwrap()
            .len();
        let exact = super::template_size_bound(&tree, stack.node());
        let quick = super::quick_size_bound(&tree, stack.node());
        assert!(actual <= exact && exact < quick, "{actual} {exact} {quick}");
    }
}
