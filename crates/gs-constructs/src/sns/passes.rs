//! The SNS rule: an SQS subscription whose queue does not let SNS send. SNS then drops every
//! message for that endpoint without an error anywhere the deployer looks. The rule reads the
//! emitted resources (`AWS::SNS::Subscription`, a topic's inline `Subscription` list, and the
//! queues' `AWS::SQS::QueuePolicy` / `AWS::SQS::QueueInlinePolicy`), so raw resources are
//! checked as typed ones; `Topic::add_subscription` always writes the policy.

use std::collections::HashMap;

use gs_core::{Diagnostic, FastState, NodeId, Rule, Severity, Tree, Value, ValueMap};

use crate::props;

/// The rule `sns/subscription-cannot-deliver`.
pub const SUBSCRIPTION_CANNOT_DELIVER: Rule = Rule {
    id: "sns/subscription-cannot-deliver",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::SNS::Subscription", "AWS::SNS::Topic"],
    what: "An SNS subscription with protocol `sqs` names a queue of the app whose queue policy does not allow `sqs:SendMessage` to `sns.amazonaws.com` (for this topic, when the policy has an `aws:SourceArn` condition).",
    why: "The subscription deploys, but SNS is refused at every delivery: the queue never receives a message and nothing fails where the deployer looks.",
    fix: "subscribe with `Topic::add_subscription(sns::Subscription::sqs(queue))`, which writes the queue policy; or add an `AWS::SQS::QueuePolicy` allowing `sqs:SendMessage` to the service `sns.amazonaws.com` with `aws:SourceArn` the topic's ARN",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[SUBSCRIPTION_CANNOT_DELIVER];

/// Whether `v` (an `Action` or a `Service`) is, or lists, a string `matches` accepts.
fn any_str(v: Option<&Value>, matches: impl Fn(&str) -> bool) -> bool {
    match v {
        Some(Value::String(s)) => matches(s),
        Some(Value::List(items)) => items.iter().any(|i| i.as_str().is_some_and(&matches)),
        _ => false,
    }
}

/// For each statement of `doc` that lets SNS send messages: its `aws:SourceArn` condition
/// value, or `None` when it has none.
fn sns_send_statements(doc: Option<&Value>) -> Vec<Option<&Value>> {
    let Some(doc) = doc.and_then(Value::as_map) else {
        return Vec::new();
    };
    let statements: Vec<&ValueMap> = match doc.get("Statement") {
        Some(Value::Map(one)) => vec![one],
        Some(Value::List(items)) => items.iter().filter_map(Value::as_map).collect(),
        _ => Vec::new(),
    };
    statements
        .into_iter()
        .filter(|s| props::str_is(s, &["Effect"], "Allow"))
        .filter(|s| {
            any_str(s.get("Action"), |a| {
                a == "*"
                    || a.eq_ignore_ascii_case("sqs:*")
                    || a.eq_ignore_ascii_case("sqs:SendMessage")
            })
        })
        .filter(|s| match s.get("Principal") {
            Some(Value::String(p)) => p == "*",
            Some(Value::Map(p)) => {
                any_str(p.get("Service"), |svc| svc == "sns.amazonaws.com")
                    || any_str(p.get("AWS"), |a| a == "*")
            }
            _ => false,
        })
        .map(|s| {
            s.get("Condition").and_then(Value::as_map).and_then(|c| {
                c.iter().find_map(|(_, test)| {
                    test.as_map()?
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("aws:SourceArn"))
                        .map(|(_, v)| v)
                })
            })
        })
        .collect()
}

/// Whether one of `sources` admits `topic`: a statement without condition, a condition gs
/// cannot resolve (a literal or wildcard ARN), or one that refers to the topic's node.
fn admits(sources: &[Option<&Value>], topic: Option<NodeId>) -> bool {
    sources.iter().any(|source| match source {
        None => true,
        Some(v) => {
            let mut refs = Vec::new();
            v.for_each_reference(&mut |n| refs.push(n));
            refs.is_empty() || topic.is_some_and(|t| refs.contains(&t))
        }
    })
}

/// The queue an SQS endpoint names: `Fn::GetAtt <Queue>.Arn` of an `AWS::SQS::Queue` of the
/// tree (other endpoints, imported ARNs and literals, are not judged).
fn queue_of(tree: &Tree<'_>, endpoint: Option<&Value>) -> Option<NodeId> {
    let n = endpoint?.as_reference()?;
    let r = tree.node(n).as_resource()?;
    (r.type_name == "AWS::SQS::Queue").then_some(n)
}

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut allowed: HashMap<NodeId, Vec<Option<&Value>>, FastState> = HashMap::default();
    let mut subscriptions: Vec<(NodeId, NodeId, Option<NodeId>)> = Vec::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let p = &r.properties;
        match &*r.type_name {
            "AWS::SQS::QueuePolicy" | "AWS::SQS::QueueInlinePolicy" => {
                let sources = sns_send_statements(p.get("PolicyDocument"));
                if sources.is_empty() {
                    continue;
                }
                let mut queues = Vec::new();
                for key in ["Queues", "Queue"] {
                    if let Some(v) = p.get(key) {
                        v.for_each_reference(&mut |n| queues.push(n));
                    }
                }
                for q in queues {
                    allowed
                        .entry(q)
                        .or_default()
                        .extend(sources.iter().copied());
                }
            }
            "AWS::SNS::Subscription" if props::str_is(p, &["Protocol"], "sqs") => {
                if let Some(q) = queue_of(tree, p.get("Endpoint")) {
                    let topic = p.get("TopicArn").and_then(Value::as_reference);
                    subscriptions.push((e, q, topic));
                }
            }
            "AWS::SNS::Topic" => {
                for s in props::maps(p, "Subscription") {
                    if props::str_is(s, &["Protocol"], "sqs") {
                        if let Some(q) = queue_of(tree, s.get("Endpoint")) {
                            subscriptions.push((e, q, Some(e)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (sub, queue, topic) in subscriptions {
        let sources = allowed.get(&queue).map_or(&[][..], Vec::as_slice);
        if admits(sources, topic) {
            continue;
        }
        let why = if sources.is_empty() {
            "has no queue policy allowing sqs:SendMessage to sns.amazonaws.com"
        } else {
            "has a queue policy for SNS, but its aws:SourceArn condition names another topic"
        };
        out.push(SUBSCRIPTION_CANNOT_DELIVER.at(
            sub,
            tree.path(sub),
            format!(
                "the SQS subscription cannot deliver: the queue {} {why}",
                tree.path(queue)
            ),
        ));
    }
}
