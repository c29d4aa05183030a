//! `events/target-without-permission`: a rule target (typed or raw) that EventBridge has no
//! permission to deliver to.

use std::collections::HashMap;

use gs_core::{Diagnostic, FastState, NodeId, Rule, Severity, Tree, Value, ValueMap};

use crate::props;

/// The rule `events/target-without-permission`.
pub const TARGET_WITHOUT_PERMISSION: Rule = Rule {
    id: "events/target-without-permission",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Events::Rule"],
    what: "An EventBridge rule targets a function with no `AWS::Lambda::Permission` for events.amazonaws.com (from this rule), a queue or topic whose policy does not let events.amazonaws.com send or publish, or a stream without a role to put records with.",
    why: "The rule fires but every delivery fails: the events are dropped (after retries) and nothing reports it unless the rule has a dead-letter queue.",
    fix: "add the target with `events::Rule::add_target`, which writes the permission; or add the Lambda permission, the queue or topic policy statement, or the target's RoleArn yourself",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[TARGET_WITHOUT_PERMISSION];

const EVENTS: &str = "events.amazonaws.com";

fn target(v: &Value) -> Option<NodeId> {
    match v {
        Value::Ref(n) | Value::GetAtt(n, _) => Some(*n),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(v) => v.as_str().into_iter().collect(),
        None => Vec::new(),
    }
}

/// Whether a policy document lets EventBridge perform `action` (or its service's `*`).
fn allows_events(doc: &ValueMap, action: &str) -> bool {
    let service_all = action
        .split_once(':')
        .map(|(s, _)| format!("{s}:*"))
        .unwrap_or_default();
    props::maps(doc, "Statement").any(|s| {
        props::str_is(s, &["Effect"], "Allow")
            && strings(props::at(s, &["Principal", "Service"])).contains(&EVENTS)
            && strings(s.get("Action"))
                .iter()
                .any(|a| *a == action || *a == service_all || *a == "*")
    })
}

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut rules = Vec::new();
    // Function node -> the SourceArn of each permission for EventBridge (None: any source).
    let mut permissions: HashMap<NodeId, Vec<Option<&Value>>, FastState> = HashMap::default();
    // Queue or topic node -> whether a policy lets EventBridge deliver.
    let mut delivery: HashMap<NodeId, bool, FastState> = HashMap::default();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let p = &r.properties;
        match &*r.type_name {
            "AWS::Events::Rule" => rules.push((e, r)),
            "AWS::Lambda::Permission" => {
                let principal = props::str_at(p, &["Principal"]);
                if principal.as_deref() == Some(EVENTS) {
                    if let Some(f) = p.get("FunctionName").and_then(target) {
                        permissions.entry(f).or_default().push(p.get("SourceArn"));
                    }
                }
            }
            "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                let (list, action) = if &*r.type_name == "AWS::SQS::QueuePolicy" {
                    ("Queues", "sqs:SendMessage")
                } else {
                    ("Topics", "sns:Publish")
                };
                let allows = props::at(p, &["PolicyDocument"])
                    .and_then(Value::as_map)
                    .is_some_and(|d| allows_events(d, action));
                for v in p.get(list).and_then(Value::as_list).unwrap_or_default() {
                    if let Some(n) = target(v) {
                        *delivery.entry(n).or_default() |= allows;
                    }
                }
            }
            _ => {}
        }
    }
    for (e, r) in rules {
        for t in props::maps(&r.properties, "Targets") {
            let Some(arn) = t.get("Arn") else { continue };
            let Some(n) = target(arn) else { continue };
            let Some(tr) = tree.node(n).as_resource() else {
                continue;
            };
            let problem = match &*tr.type_name {
                "AWS::Lambda::Function" => {
                    let allowed = permissions.get(&n).is_some_and(|sources| {
                        sources.iter().any(|s| match s {
                            None => true,
                            Some(v) => target(v) == Some(e),
                        })
                    });
                    (!allowed).then(|| {
                        format!(
                            "no AWS::Lambda::Permission lets events.amazonaws.com invoke {} for this rule",
                            tree.path(n)
                        )
                    })
                }
                "AWS::SQS::Queue" | "AWS::SNS::Topic" => {
                    let what = if &*tr.type_name == "AWS::SQS::Queue" {
                        "queue policy lets events.amazonaws.com send to"
                    } else {
                        "topic policy lets events.amazonaws.com publish to"
                    };
                    (!delivery.get(&n).copied().unwrap_or(false))
                        .then(|| format!("no {what} {}", tree.path(n)))
                }
                "AWS::Kinesis::Stream" => (!t.contains_key("RoleArn")).then(|| {
                    format!(
                        "the target {} has no RoleArn for EventBridge to put records with",
                        tree.path(n)
                    )
                }),
                _ => None,
            };
            if let Some(message) = problem {
                out.push(TARGET_WITHOUT_PERMISSION.at(e, tree.path(e), message));
            }
        }
    }
}
