//! Log destinations: every log a producer delivers goes to a log group the app defines (or
//! imports on purpose), and the producer is created after that group.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use gs_core::{Diagnostic, FastState, NodeId, NodeKind, Rule, Severity, Tree, Value};

use super::LogDelivery;
use crate::props;

/// The rule `logs/dangling-log-group`.
pub const DANGLING: Rule = Rule {
    id: "logs/dangling-log-group",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: DESTINATION_TYPES,
    what: "A log destination (ElastiCache log delivery, API Gateway access log, ECS awslogs) names a log group that no construct defines and that is not explicitly imported.",
    why: "The producer fails at deploy time (ElastiCache: the replication group stays in create-failed) or its logs go nowhere.",
    fix: "pass a `logs::LogGroup` handle: create the group with `LogGroup::new`, or import an existing one with `LogGroup::from_name`",
};
/// The rule `logs/not-ordered`.
pub const NOT_ORDERED: Rule = Rule {
    id: "logs/not-ordered",
    severity: Severity::Error,
    acknowledgeable: true,
    // Any type: it also reports on the producer of every public `LogDelivery` fact, which any
    // construct (an app's own too) may record.
    applies_to: &[],
    what: "A log producer does not depend on the log group it delivers to.",
    why: "CloudFormation may create the producer first, and the producer fails when its log group does not exist yet.",
    fix: "refer to the log group by its handle (a `Ref` orders the two), or add a dependency on it",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[DANGLING, NOT_ORDERED];

/// The types whose properties [`destinations`] reads: the only resources
/// `logs/dangling-log-group` reports on (`logs/not-ordered` too, besides the facts' producers).
const DESTINATION_TYPES: &[&str] = &[
    "AWS::ApiGateway::Stage",
    "AWS::ECS::TaskDefinition",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
];

/// A log destination found in a resource's properties.
struct Destination<'v> {
    value: &'v Value,
    kind: &'static str,
}

fn destinations<'v>(type_name: &str, p: &'v gs_core::ValueMap) -> Vec<Destination<'v>> {
    let mut out = Vec::new();
    match type_name {
        "AWS::ElastiCache::ReplicationGroup" | "AWS::ElastiCache::CacheCluster" => {
            for c in props::maps(p, "LogDeliveryConfigurations") {
                if props::str_is(c, &["DestinationType"], "cloudwatch-logs") {
                    if let Some(v) = props::at(
                        c,
                        &["DestinationDetails", "CloudWatchLogsDetails", "LogGroup"],
                    ) {
                        out.push(Destination {
                            value: v,
                            kind: "ElastiCache log delivery",
                        });
                    }
                }
            }
        }
        "AWS::ApiGateway::Stage" => {
            if let Some(v) = props::at(p, &["AccessLogSetting", "DestinationArn"]) {
                out.push(Destination {
                    value: v,
                    kind: "API Gateway access log",
                });
            }
        }
        "AWS::ECS::TaskDefinition" => {
            for c in props::maps(p, "ContainerDefinitions") {
                if props::str_is(c, &["LogConfiguration", "LogDriver"], "awslogs") {
                    if let Some(v) = props::at(c, &["LogConfiguration", "Options", "awslogs-group"])
                    {
                        out.push(Destination {
                            value: v,
                            kind: "ECS awslogs driver",
                        });
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The log group name (or ARN's name part) a destination names, when constants alone build it:
/// a literal, or `Fn::Join`/`Fn::Sub`/`Fn::Select` of constants (`Value::literal_str`); or an
/// ARN written with `Fn::Sub` whose variables all sit before the name
/// (`arn:${AWS::Partition}:logs:...:log-group:/x`).
fn literal_name(v: &Value) -> Option<Cow<'_, str>> {
    fn name_part(s: &str) -> &str {
        match s.split_once(":log-group:") {
            Some((_, rest)) => rest.trim_end_matches(":*"),
            None => s,
        }
    }
    if let Value::Sub(template, _) = v {
        if let Some((_, rest)) = template.split_once(":log-group:") {
            if !rest.contains("${") {
                return Some(Cow::Borrowed(rest.trim_end_matches(":*")));
            }
        }
    }
    Some(match v.literal_str()? {
        Cow::Borrowed(s) => Cow::Borrowed(name_part(s)),
        Cow::Owned(s) => Cow::Owned(name_part(&s).to_owned()),
    })
}

/// The names a destination may take: [`literal_name`] of the value, or of each branch of an
/// `Fn::If` (either may be deployed), a few levels of nested conditions deep.
fn literal_names(v: &Value) -> Vec<Cow<'_, str>> {
    let mut names = Vec::new();
    let mut todo = vec![(v, 0)];
    while let Some((v, depth)) = todo.pop() {
        match v {
            Value::If(_, a, b) if depth < 8 => {
                todo.push((b, depth + 1));
                todo.push((a, depth + 1));
            }
            _ => names.extend(literal_name(v)),
        }
    }
    names
}

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    // Known log groups by stack and literal name: a name only resolves inside its own stack
    // (another stack may sit in another Region, and is deployed on its own).
    let mut defined: HashMap<(NodeId, Cow<'_, str>), NodeId, FastState> = HashMap::default();
    let mut imported: HashSet<(NodeId, Cow<'_, str>), FastState> = HashSet::default();
    for (id, node) in tree.app().nodes() {
        match node.kind() {
            NodeKind::Resource(r) if r.type_name == "AWS::Logs::LogGroup" => {
                if let Some(name) = props::str_at(&r.properties, &["LogGroupName"]) {
                    defined.insert((node.stack(), name), id);
                }
            }
            NodeKind::Import(i) if i.type_name == "AWS::Logs::LogGroup" => {
                if let Some(name) = i.attributes.get("Ref").and_then(Value::literal_str) {
                    imported.insert((node.stack(), name));
                }
            }
            _ => {}
        }
    }
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        // A reference (it names a construct of the app and orders the two), or a name decided
        // at deploy time, gives no name to check.
        let named = destinations(&r.type_name, &r.properties)
            .into_iter()
            .flat_map(|d| literal_names(d.value).into_iter().map(move |n| (d.kind, n)));
        for (kind, name) in named {
            let stack = tree.node(e).stack();
            let key = (stack, name);
            let name = &key.1;
            match defined.get(&key) {
                Some(&group) => {
                    if !tree.depends_on(e).contains(&group) && !tree.references(e).contains(&group)
                    {
                        out.push(NOT_ORDERED.at(
                            e,
                            tree.path(e),
                            format!(
                                "the {} names log group `{name}` ({}) by a literal name, with no dependency on it",
                                kind,
                                tree.path(group)
                            ),
                        ));
                    }
                }
                None if imported.contains(&key) => {}
                None => out.push(DANGLING.at(
                    e,
                    tree.path(e),
                    format!(
                        "the {} names log group `{name}`, which no construct defines or imports",
                        kind
                    ),
                )),
            }
        }
    }
    for f in tree.app().facts::<LogDelivery>() {
        let Some(group) = f.log_group.resource else {
            continue;
        };
        if !tree.depends_on(f.producer).contains(&group)
            && !tree.references(f.producer).contains(&group)
        {
            out.push(NOT_ORDERED.at(
                f.producer,
                tree.path(f.producer),
                format!(
                    "the {} delivers to {} without depending on it",
                    f.kind,
                    tree.path(group)
                ),
            ));
        }
    }
}
