//! Values checked wherever they enter: at the door ([`Scope::resource`](crate::Scope::resource),
//! outputs, parameters, imports, and the end of [`App::atomically`]) and, whatever the door, once
//! more at synthesis, before any pass or backend walks a value (a node whose values were checked
//! at the door and not handed out to change since is not walked again).
//!
//! The walk stops at [`MAX_VALUE_DEPTH`] levels whatever the value, so a value nested 10,000
//! levels deep (put in through [`App::resource_mut`], say) is refused with its path instead of
//! overflowing the call stack.
//! Depth is counted in the JSON containers (arrays and objects) the value writes in the template,
//! intrinsic functions included (`Fn::Join` writes three: `{"Fn::Join": ["-", [...]]}`), so that
//! the written template stays readable by JSON parsers with a nesting limit (see
//! [`MAX_VALUE_DEPTH`]).

use crate::app::{App, MAX_VALUE_DEPTH};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::error::TreeError;
use crate::handle::NodeId;
use crate::node::NodeKind;
use crate::value::Value;

/// The rule of values that cannot be written to a template.
pub const INVALID_VALUE: Rule = Rule {
    id: "core/invalid-value",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A value nests deeper than the limit, holds a number JSON cannot write (NaN, infinity), refers to another app's construct where no other rule looks, or an import's attribute refers to a construct.",
    why: "The template cannot be written or read back (JSON parsers refuse deep nesting), and walking such a value could exhaust the call stack.",
    fix: "flatten the value, use finite numbers, refer only to constructs of this app, and give imports literal attributes",
};

/// What is wrong with a value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Problem {
    TooDeep,
    NonFinite(f64),
    Foreign,
    /// A `Ref` or `Fn::GetAtt` where only literal values may be (an import's attributes).
    Reference,
}

impl Problem {
    fn into_error(self, path: &str) -> TreeError {
        match self {
            Problem::TooDeep => TreeError::ValueTooDeep {
                path: path.into(),
                max: MAX_VALUE_DEPTH,
            },
            Problem::NonFinite(x) => TreeError::NonFiniteNumber {
                path: path.into(),
                value: x.to_string(),
            },
            Problem::Foreign => TreeError::ForeignHandle {
                context: path.into(),
            },
            Problem::Reference => TreeError::WrongKind {
                path: path.into(),
                expected: "literal attributes for an import (no `Ref` or `Fn::GetAtt`)",
                fix: "give the import what is known of it as literal values (names, ARNs)",
            },
        }
    }

    fn message(&self) -> String {
        match self {
            Problem::TooDeep => format!(
                "a value nests more than {MAX_VALUE_DEPTH} levels deep (counted in the arrays and objects its template form writes)"
            ),
            Problem::NonFinite(x) => format!("the number {x} cannot be written to a template"),
            Problem::Foreign => "a value refers to a construct of another app".into(),
            Problem::Reference => "an import's attribute refers to a construct".into(),
        }
    }

    fn fix(&self) -> &'static str {
        match self {
            Problem::TooDeep => "flatten the value (CloudFormation templates nest a few levels)",
            Problem::NonFinite(_) => "use a finite number",
            Problem::Foreign => "create the construct in this app, or import it explicitly",
            Problem::Reference => {
                "give the import what is known of it as literal values (names, ARNs)"
            }
        }
    }
}

/// How the walk treats references.
#[derive(Clone, Copy, PartialEq)]
enum Refs {
    /// References to this app's nodes are fine; another app's are a problem.
    Local,
    /// References to this app's nodes are fine; another app's are left to the
    /// `core/dangling-reference` pass (it names the target).
    Any,
    /// No reference at all (an import's attributes).
    None,
}

/// The containers `v` writes around its children (and around itself, for a leaf intrinsic).
fn wrap(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_) => 0,
        Value::List(_) | Value::Map(_) => 1,
        Value::Ref(_) | Value::Pseudo(_) | Value::Condition(_) => 1,
        Value::GetAzs(_) | Value::ImportValue(_) | Value::Base64(_) => 1,
        Value::Sub(_, vars) if vars.is_empty() => 1,
        Value::GetAtt(_, _)
        | Value::Select(_, _)
        | Value::Split(_, _)
        | Value::If(_, _, _)
        | Value::Cidr(_, _, _)
        | Value::FindInMap(_, _, _)
        | Value::Equals(_, _)
        | Value::Not(_)
        | Value::And(_)
        | Value::Or(_) => 2,
        Value::Join(_, _) | Value::Sub(_, _) => 3,
    }
}

/// The first problem of `values`, met in the order a work list would meet them (the last value
/// first, each value before what it holds, a value's last child first). A reference to an import
/// of this app counts as the attribute it is written as (the backend writes the import's
/// attribute in its place).
///
/// Recursive, but bounded whatever the value: every value that holds others writes at least one
/// container around them, so the walk stops with [`Problem::TooDeep`] at most
/// [`MAX_VALUE_DEPTH`] + 1 calls down, and an import's attribute is entered at most once on a
/// path (a reference inside it is a problem). No work list is allocated: most values are checked
/// once, when they enter.
fn first_problem<'v>(
    app: &App,
    values: impl DoubleEndedIterator<Item = &'v Value>,
    refs: Refs,
) -> Option<Problem> {
    first_problem_below(app, values, 0, refs)
}

/// [`first_problem`] for values written inside `base` containers.
fn first_problem_below<'v>(
    app: &App,
    values: impl DoubleEndedIterator<Item = &'v Value>,
    base: usize,
    refs: Refs,
) -> Option<Problem> {
    values.rev().find_map(|v| {
        if base <= MAX_VALUE_DEPTH && is_plain(v) {
            None
        } else {
            problem_in(app, v, base, false, refs, 0)
        }
    })
}

/// Whether `v` is a string, an integer, a boolean or `null`: a value that writes no container
/// and holds nothing, so that inside at most [`MAX_VALUE_DEPTH`] containers it has no problem.
/// Most values of a template are such leaves; the walk passes them without a call.
#[inline]
fn is_plain(v: &Value) -> bool {
    matches!(
        v,
        Value::String(_) | Value::Int(_) | Value::Bool(_) | Value::Null
    )
}

/// How many values down [`problem_in`] recurses before it walks the rest with a work list: the
/// values of templates nest a few levels (a policy's condition is about eight), and a thread
/// with a small stack in a debug build must not overflow on a value the depth limit refuses.
const RECURSION_FROM: usize = 12;

/// The first problem of `v`, written inside `base` containers (see [`first_problem`]); `calls`
/// is how many values down the recursion is.
fn problem_in(
    app: &App,
    v: &Value,
    base: usize,
    in_import: bool,
    refs: Refs,
    calls: usize,
) -> Option<Problem> {
    if calls >= RECURSION_FROM {
        return problem_in_list(app, v, base, in_import, refs);
    }
    let inner = match step(app, v, base, in_import, refs) {
        Err(p) => return Some(p),
        Ok(Step::Instead(a)) => return problem_in(app, a, base, true, refs, calls + 1),
        Ok(Step::Children(inner)) => inner,
    };
    // `inner` is at most `MAX_VALUE_DEPTH` (`step` checked it): a plain child has no problem.
    let child = |c: &Value| {
        if is_plain(c) {
            None
        } else {
            problem_in(app, c, inner, in_import, refs, calls + 1)
        }
    };
    match v {
        Value::List(items) | Value::Join(_, items) | Value::And(items) | Value::Or(items) => {
            items.iter().rev().find_map(child)
        }
        Value::Map(m) | Value::Sub(_, m) => m.iter().rev().find_map(|(_, c)| child(c)),
        Value::Select(_, c)
        | Value::Split(_, c)
        | Value::GetAzs(c)
        | Value::ImportValue(c)
        | Value::Base64(c)
        | Value::Cidr(c, _, _)
        | Value::Not(c) => child(c),
        Value::If(_, a, b) | Value::FindInMap(_, a, b) | Value::Equals(a, b) => {
            child(b).or_else(|| child(a))
        }
        Value::Null
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::String(_)
        | Value::Ref(_)
        | Value::GetAtt(_, _)
        | Value::Pseudo(_)
        | Value::Condition(_) => None,
    }
}

/// [`problem_in`] with a work list, for what lies below [`RECURSION_FROM`] values: the same
/// checks, met in the same order (the work list pops a value's last child first).
fn problem_in_list(
    app: &App,
    v: &Value,
    base: usize,
    in_import: bool,
    refs: Refs,
) -> Option<Problem> {
    let mut pending = vec![(v, base, in_import)];
    while let Some((v, base, in_import)) = pending.pop() {
        match step(app, v, base, in_import, refs) {
            Err(p) => return Some(p),
            Ok(Step::Instead(a)) => pending.push((a, base, true)),
            Ok(Step::Children(inner)) => {
                v.for_each_child(&mut |c| pending.push((c, inner, in_import)))
            }
        }
    }
    None
}

/// What checking one value finds, before what it holds (see [`step`]).
enum Step<'v> {
    /// The import attribute written in its place: check it instead.
    Instead(&'v Value),
    /// Its children, each written inside this many containers.
    Children(usize),
}

/// The checks of `v` itself, written inside `base` containers: a number that is not finite, a
/// reference where none may be or to another app, a value too deep; a reference to an import
/// of this app stands for the attribute it is written as. Shared by the recursive walk and the
/// work list, so both meet the same problems.
fn step<'v>(
    app: &'v App,
    v: &'v Value,
    base: usize,
    in_import: bool,
    refs: Refs,
) -> Result<Step<'v>, Problem> {
    match v {
        Value::Float(x) if !x.is_finite() => return Err(Problem::NonFinite(*x)),
        Value::Ref(n) | Value::GetAtt(n, _) => {
            if refs == Refs::None || in_import {
                return Err(Problem::Reference);
            }
            if app.check(*n).is_err() {
                if refs == Refs::Local {
                    return Err(Problem::Foreign);
                }
            } else if let Some(NodeKind::Import(i)) = app.nodes.get(n.index()).map(|n| &n.kind) {
                let attribute = match v {
                    Value::GetAtt(_, a) => a.as_str(),
                    _ => "Ref",
                };
                if let Some(a) = i.attributes.get(attribute) {
                    return Ok(Step::Instead(a));
                }
            }
        }
        _ => {}
    }
    let inner = base + wrap(v);
    if inner > MAX_VALUE_DEPTH {
        return Err(Problem::TooDeep);
    }
    Ok(Step::Children(inner))
}

impl App {
    /// Checks values added at `context` (a path): every reference is to a node of this app,
    /// every number is finite (JSON has no NaN or infinity), and no value nests deeper than
    /// [`MAX_VALUE_DEPTH`]. Iterative, so a deeply nested value cannot overflow the call stack.
    pub(crate) fn check_references<'v>(
        &self,
        context: impl FnOnce() -> String,
        values: impl DoubleEndedIterator<Item = &'v Value>,
    ) -> Result<(), TreeError> {
        match first_problem(self, values, Refs::Local) {
            Some(p) => Err(p.into_error(&context())),
            None => Ok(()),
        }
    }

    /// [`App::check_references`] for values written inside `base` containers (arrays and
    /// objects) of a property: an item appended to a list nested in it.
    pub(crate) fn check_references_below<'v>(
        &self,
        context: impl FnOnce() -> String,
        base: usize,
        values: impl DoubleEndedIterator<Item = &'v Value>,
    ) -> Result<(), TreeError> {
        match first_problem_below(self, values, base, Refs::Local) {
            Some(p) => Err(p.into_error(&context())),
            None => Ok(()),
        }
    }

    /// [`App::check_references`] for an import's attributes, which must also be literal: the
    /// backend writes them in place of every reference to the import.
    pub(crate) fn check_import_attributes<'v>(
        &self,
        context: impl FnOnce() -> String,
        values: impl DoubleEndedIterator<Item = &'v Value>,
    ) -> Result<(), TreeError> {
        match first_problem(self, values, Refs::None) {
            Some(p) => Err(p.into_error(&context())),
            None => Ok(()),
        }
    }
}

/// Every value of the app checked, whatever door it came through: one finding per node with a
/// problem. Synthesis refuses on any before a pass or backend walks a value.
pub(crate) fn invalid_values(app: &App) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, node) in app.nodes.iter().enumerate() {
        // Checked when they entered, with at least this check's strictness (references to this
        // app only), and not handed out to change since: nothing to find.
        if node.values_checked {
            continue;
        }
        // Resources and outputs: the references pass names another app's construct.
        let problem = match &node.kind {
            NodeKind::Resource(r) => {
                first_problem(app, r.properties.iter().map(|(_, v)| v), Refs::Any)
            }
            NodeKind::Output(o) => first_problem(
                app,
                std::iter::once(&o.value).chain(o.export_name.as_ref()),
                Refs::Any,
            ),
            NodeKind::Parameter(p) => first_problem(
                app,
                p.default.iter().chain(p.allowed_values.iter()),
                Refs::Local,
            ),
            NodeKind::Import(i) => {
                first_problem(app, i.attributes.iter().map(|(_, v)| v), Refs::None)
            }
            NodeKind::Stack(s) => first_problem(
                app,
                s.conditions.iter().chain(s.mappings.iter()).map(|(_, v)| v),
                Refs::Local,
            ),
            NodeKind::Group => None,
        };
        if let Some(p) = problem {
            let id = NodeId::new(app.id, index);
            out.push(
                INVALID_VALUE
                    .at(id, app.path_of(id), p.message())
                    .with_fix(p.fix()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RawResource, Resource, StackProps, ValueMap};

    /// An app with one topic added through [`Scope::resource`](crate::Scope::resource).
    fn topic() -> (App, NodeId) {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let topic = app
            .at(stack)
            .unwrap()
            .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
            .unwrap()
            .node();
        (app, topic)
    }

    fn nan_in_place(app: &mut App, node: NodeId) {
        // Behind every door's back (only a test can): the flag is left as it was.
        if let NodeKind::Resource(r) = &mut app.nodes[node.index()].kind {
            r.properties.insert("Bad", f64::NAN);
        }
    }

    fn flagged(app: &App) -> Vec<String> {
        invalid_values(app).into_iter().map(|d| d.path).collect()
    }

    #[test]
    fn the_recursive_walk_meets_problems_in_the_order_of_the_work_list_at_any_depth() {
        let (app, topic) = topic();
        let mut other = App::new();
        let s = other.stack("Other", StackProps::default()).unwrap();
        let foreign = other.at(s).unwrap().add_group("G").unwrap().node();
        let two =
            |a: Value, b: Value| Value::List(vec![a, Value::Map(ValueMap::new().with("K", b))]);
        for levels in [
            0,
            3,
            RECURSION_FROM - 1,
            RECURSION_FROM,
            RECURSION_FROM + 5,
            200,
        ] {
            for v in [
                two(f64::NAN.into(), Value::Ref(foreign)),
                two(Value::Ref(foreign), f64::INFINITY.into()),
                two(
                    Value::Ref(topic),
                    Value::if_("c", Value::Ref(foreign), f64::NAN.into()),
                ),
            ] {
                let mut v = v;
                for _ in 0..levels {
                    v = Value::List(vec![v, Value::Int(1)]);
                }
                for refs in [Refs::Local, Refs::Any, Refs::None] {
                    let recursive = problem_in(&app, &v, 0, false, refs, 0);
                    let listed = problem_in_list(&app, &v, 0, false, refs);
                    assert!(recursive.is_some(), "{levels}");
                    // Compared as text: NaN is not equal to itself.
                    assert_eq!(format!("{recursive:?}"), format!("{listed:?}"), "{levels}");
                }
            }
        }
    }

    #[test]
    fn a_value_ten_thousand_levels_deep_is_refused_on_a_small_stack() {
        let mut v = Value::from("leaf");
        for _ in 0..10_000 {
            v = Value::List(vec![v]);
        }
        let (app, _) = topic();
        let (problem, v, app) = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                (
                    first_problem(&app, std::iter::once(&v), Refs::Local),
                    v,
                    app,
                )
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(problem, Some(Problem::TooDeep));
        // Dropping the value recurses (Rust's drop glue); not what this test is about.
        std::mem::forget((v, app));
    }

    #[test]
    fn values_checked_at_the_door_are_not_walked_again_when_the_tree_is_frozen() {
        let (mut app, topic) = topic();
        assert!(app.nodes[topic.index()].values_checked);
        nan_in_place(&mut app, topic);
        assert!(flagged(&app).is_empty(), "a checked node is skipped");
        // Handed out to change: walked again.
        app.resource_mut(topic).unwrap();
        assert!(!app.nodes[topic.index()].values_checked);
        assert_eq!(flagged(&app), ["Demo/Topic"]);
    }

    #[test]
    fn a_resource_changed_inside_a_call_is_checked_at_its_end_and_marked() {
        let (mut app, topic) = topic();
        app.atomically(|app| {
            app.resource_mut(topic)?
                .properties
                .insert("DisplayName", "alerts");
            Ok::<(), TreeError>(())
        })
        .unwrap();
        assert!(app.nodes[topic.index()].values_checked);
        // `set_property` checks its value and keeps the mark.
        app.set_property(topic, "TopicName", "t").unwrap();
        assert!(app.nodes[topic.index()].values_checked);
        // Outside a call nothing checks the change before freezing.
        app.resource_mut(topic).unwrap().properties.insert("X", 1);
        assert!(!app.nodes[topic.index()].values_checked);
        app.set_property(topic, "TopicName", "u").unwrap();
        assert!(!app.nodes[topic.index()].values_checked);
    }

    #[test]
    fn a_bad_value_that_a_failed_call_checked_and_undid_is_still_found_when_frozen() {
        let (mut app, topic) = topic();
        // A bad value put in outside any call: found only when the tree is frozen.
        app.resource_mut(topic)
            .unwrap()
            .properties
            .insert("Bad", f64::NAN);
        let failed: Result<(), TreeError> = app.atomically(|app| {
            // An inner call fixes it, is checked and kept ...
            app.atomically(|app| {
                app.resource_mut(topic)?.properties.remove("Bad");
                Ok::<(), TreeError>(())
            })?;
            // ... but the outer call fails: the bad value, and its unchecked state, come back.
            Err(TreeError::MissingReason {
                path: "Demo".into(),
                rule: "x".into(),
            })
        });
        assert!(failed.is_err());
        assert!(app
            .node(topic)
            .unwrap()
            .as_resource()
            .unwrap()
            .properties
            .contains_key("Bad"));
        assert_eq!(flagged(&app), ["Demo/Topic"]);
        let tree = app.freeze();
        assert_eq!(tree.invalid_values().len(), 1);
    }
}
