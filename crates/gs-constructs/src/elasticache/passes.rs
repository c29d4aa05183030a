//! Validation passes of ElastiCache, and the `cfn/name-constraints` rule for the physical names
//! of ElastiCache, RDS and Kinesis. Both read the emitted resources, so shapes built through the
//! raw escape hatch are caught as well as typed ones.

use gs_core::{Diagnostic, NodeId, Resource, Rule, Severity, Tree, Value};

use super::log_type::LogType;
use super::names::{invalid_replication_group_id, REPLICATION_GROUP_ID_FIX};
use crate::kinesis::names::{invalid_name as invalid_stream_name, NAME_FIX as STREAM_NAME_FIX};
use crate::rds::names::{invalid_cluster_identifier, CLUSTER_IDENTIFIER_FIX};

/// `elasticache/log-type-engine-version`.
/// The rule `elasticache/log-type-engine-version`.
pub const LOG_TYPE_ENGINE_VERSION: Rule = Rule {
    id: "elasticache/log-type-engine-version",
    severity: Severity::Error,
    acknowledgeable: true,
    // `check` reads the log deliveries of both: a raw cache cluster is judged too.
    applies_to: &[
        "AWS::ElastiCache::CacheCluster",
        "AWS::ElastiCache::ReplicationGroup",
    ],
    what: "A Redis replication group or cluster delivers a log type its engine version cannot produce.",
    why: "ElastiCache delivers the slow log from Redis 6.0 and the engine log from Redis 6.2; \
          an older engine fails the deployment.",
    fix: "raise EngineVersion (slow-log: 6.0 or later, engine-log: 6.2 or later), or drop the log delivery",
};

/// `cfn/name-constraints`.
/// The rule `cfn/name-constraints`.
pub const NAME_CONSTRAINTS: Rule = Rule {
    id: "cfn/name-constraints",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &NAMED_TYPES,
    what: "A physical name breaks its service's naming limits (ElastiCache replication group id, \
           RDS cluster and global cluster identifier, Kinesis stream and consumer name).",
    why: "The service refuses the name at deploy time, after the stack has started changing.",
    fix:
        "shorten or rename it within the service's limits, or let CloudFormation generate the name",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[LOG_TYPE_ENGINE_VERSION, NAME_CONSTRAINTS];

/// A name checker: why a name is invalid, and the fix.
type NameCheck = (fn(&str) -> Option<String>, &'static str);

/// Each type whose physical name `cfn/name-constraints` judges, the property holding the name,
/// and its checker. The rule's `applies_to` is read from this table.
const NAMED: &[(&str, &str, NameCheck)] = &[
    (
        "AWS::ElastiCache::ReplicationGroup",
        "ReplicationGroupId",
        (invalid_replication_group_id, REPLICATION_GROUP_ID_FIX),
    ),
    (
        "AWS::RDS::DBCluster",
        "DBClusterIdentifier",
        (invalid_cluster_identifier, CLUSTER_IDENTIFIER_FIX),
    ),
    (
        "AWS::RDS::GlobalCluster",
        "GlobalClusterIdentifier",
        (invalid_cluster_identifier, CLUSTER_IDENTIFIER_FIX),
    ),
    (
        "AWS::Kinesis::Stream",
        "Name",
        (invalid_stream_name, STREAM_NAME_FIX),
    ),
    (
        "AWS::Kinesis::StreamConsumer",
        "ConsumerName",
        (invalid_stream_name, STREAM_NAME_FIX),
    ),
];

/// The types of [`NAMED`], the only resources `cfn/name-constraints` reports on.
const NAMED_TYPES: [&str; NAMED.len()] = {
    let mut out = [""; NAMED.len()];
    let mut i = 0;
    while i < NAMED.len() {
        out[i] = NAMED[i].0;
        i += 1;
    }
    out
};

/// The property holding each type's physical name, and its checker.
fn name_rule(type_name: &str) -> Option<(&'static str, NameCheck)> {
    NAMED
        .iter()
        .find(|(t, _, _)| *t == type_name)
        .map(|(_, property, check)| (*property, *check))
}

/// Appends this service's findings: one look at each resource.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for id in tree.all_elements() {
        let Some(resource) = tree.node(id).as_resource() else {
            continue;
        };
        check_name(tree, id, resource, out);
        if matches!(
            &*resource.type_name,
            "AWS::ElastiCache::ReplicationGroup" | "AWS::ElastiCache::CacheCluster"
        ) {
            check_log_types(tree, id, resource, out);
        }
    }
}

fn check_name(tree: &Tree<'_>, id: NodeId, resource: &Resource, out: &mut Vec<Diagnostic>) {
    let Some((property, (invalid, fix))) = name_rule(&resource.type_name) else {
        return;
    };
    // Names built from constants only (a literal, or a join of literals) are judged; a
    // reference or a pseudo parameter is resolved at deploy time.
    let Some(name) = resource
        .properties
        .get(property)
        .and_then(Value::literal_str)
    else {
        return;
    };
    if let Some(reason) = invalid(&name) {
        out.push(
            NAME_CONSTRAINTS
                .at(
                    id,
                    tree.path(id),
                    format!("{} {property} {reason}", resource.type_name),
                )
                .with_fix(fix),
        );
    }
}

fn check_log_types(tree: &Tree<'_>, id: NodeId, resource: &Resource, out: &mut Vec<Diagnostic>) {
    let props = &resource.properties;
    // Valkey delivers both logs from its first version; only Redis has the limits.
    if props
        .get("Engine")
        .and_then(Value::literal_str)
        .is_some_and(|e| !e.eq_ignore_ascii_case("redis"))
    {
        return;
    }
    // No version means the latest, which delivers both.
    let Some(version) = props.get("EngineVersion").and_then(Value::literal_str) else {
        return;
    };
    let Some(configs) = props
        .get("LogDeliveryConfigurations")
        .and_then(Value::as_list)
    else {
        return;
    };
    for config in configs {
        let Some(log_type) = config
            .as_map()
            .and_then(|c| c.get("LogType"))
            .and_then(Value::literal_str)
            .and_then(|t| LogType::parse(&t))
        else {
            continue;
        };
        if !log_type.supported_by(&version) {
            let (major, minor) = log_type.min_redis_version();
            out.push(
                LOG_TYPE_ENGINE_VERSION
                    .at(
                        id,
                        tree.path(id),
                        format!("Redis {version} cannot deliver the {log_type}; it needs Redis {major}.{minor} or later"),
                    )
                    .with_fix(format!(
                        "set EngineVersion to {major}.{minor} or later (e.g. 7.1), or drop the {log_type} delivery"
                    )),
            );
        }
    }
}
