//! Values checked wherever they enter: at the door ([`Scope::resource`](crate::Scope::resource),
//! outputs, parameters, imports, and the end of [`App::atomically`]) and, whatever the door, once
//! more at synthesis, before any pass or backend walks a value.
//!
//! Every walk here is iterative, so a value nested 10,000 levels deep (put in through
//! [`App::resource_mut`], say) is refused with its path instead of overflowing the call stack.
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

/// The first problem of `values`, walked iteratively. A reference to an import of this app counts
/// as the attribute it is written as (the backend writes the import's attribute in its place).
fn first_problem<'p, 'a: 'p, 'v: 'p>(
    app: &'a App,
    values: impl Iterator<Item = &'v Value>,
    refs: Refs,
) -> Option<Problem> {
    first_problem_with(app, values, refs, &mut Vec::new())
}

/// The value, the containers written around it, and whether it is an import's attribute written
/// in place of a reference.
type Pending<'p> = Vec<(&'p Value, usize, bool)>;

/// [`first_problem`] with a work list the caller reuses (one allocation for a whole app).
fn first_problem_with<'p, 'a: 'p, 'v: 'p>(
    app: &'a App,
    values: impl Iterator<Item = &'v Value>,
    refs: Refs,
    pending: &mut Pending<'p>,
) -> Option<Problem> {
    first_problem_below(app, values, 0, refs, pending)
}

/// [`first_problem_with`] for values written inside `base` containers.
fn first_problem_below<'p, 'a: 'p, 'v: 'p>(
    app: &'a App,
    values: impl Iterator<Item = &'v Value>,
    base: usize,
    refs: Refs,
    pending: &mut Pending<'p>,
) -> Option<Problem> {
    pending.clear();
    pending.extend(values.map(|v| (v, base, false)));
    while let Some((v, base, in_import)) = pending.pop() {
        match v {
            Value::Float(x) if !x.is_finite() => return Some(Problem::NonFinite(*x)),
            Value::Ref(n) | Value::GetAtt(n, _) => {
                if refs == Refs::None || in_import {
                    return Some(Problem::Reference);
                }
                if app.check(*n).is_err() {
                    if refs == Refs::Local {
                        return Some(Problem::Foreign);
                    }
                } else if let NodeKind::Import(i) = &app.nodes[n.index()].kind {
                    let attribute = match v {
                        Value::GetAtt(_, a) => a.as_str(),
                        _ => "Ref",
                    };
                    if let Some(a) = i.attributes.get(attribute) {
                        pending.push((a, base, true));
                        continue;
                    }
                }
            }
            _ => {}
        }
        let inner = base + wrap(v);
        if inner > MAX_VALUE_DEPTH {
            return Some(Problem::TooDeep);
        }
        v.for_each_child(&mut |c| pending.push((c, inner, in_import)));
    }
    None
}

impl App {
    /// Checks values added at `context` (a path): every reference is to a node of this app,
    /// every number is finite (JSON has no NaN or infinity), and no value nests deeper than
    /// [`MAX_VALUE_DEPTH`]. Iterative, so a deeply nested value cannot overflow the call stack.
    pub(crate) fn check_references<'v>(
        &self,
        context: impl FnOnce() -> String,
        values: impl Iterator<Item = &'v Value>,
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
        values: impl Iterator<Item = &'v Value>,
    ) -> Result<(), TreeError> {
        match first_problem_below(self, values, base, Refs::Local, &mut Vec::new()) {
            Some(p) => Err(p.into_error(&context())),
            None => Ok(()),
        }
    }

    /// [`App::check_references`] for an import's attributes, which must also be literal: the
    /// backend writes them in place of every reference to the import.
    pub(crate) fn check_import_attributes<'v>(
        &self,
        context: impl FnOnce() -> String,
        values: impl Iterator<Item = &'v Value>,
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
    let mut pending = Vec::new();
    for (index, node) in app.nodes.iter().enumerate() {
        // Checked when they entered, with at least this check's strictness (references to this
        // app only), and not handed out to change since: nothing to find.
        if node.values_checked {
            continue;
        }
        // Resources and outputs: the references pass names another app's construct.
        let problem = match &node.kind {
            NodeKind::Resource(r) => first_problem_with(
                app,
                r.properties.iter().map(|(_, v)| v),
                Refs::Any,
                &mut pending,
            ),
            NodeKind::Output(o) => first_problem_with(
                app,
                std::iter::once(&o.value).chain(o.export_name.as_ref()),
                Refs::Any,
                &mut pending,
            ),
            NodeKind::Parameter(p) => first_problem_with(
                app,
                p.default.iter().chain(p.allowed_values.iter()),
                Refs::Local,
                &mut pending,
            ),
            NodeKind::Import(i) => first_problem_with(
                app,
                i.attributes.iter().map(|(_, v)| v),
                Refs::None,
                &mut pending,
            ),
            NodeKind::Stack(s) => first_problem_with(
                app,
                s.conditions.iter().chain(s.mappings.iter()).map(|(_, v)| v),
                Refs::Local,
                &mut pending,
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
    use crate::{RawResource, Resource, StackProps};

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
