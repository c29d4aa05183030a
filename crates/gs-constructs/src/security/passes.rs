//! Encryption, ingress, IAM and lifecycle checks over every resource of the tree, typed or raw.

use std::borrow::Cow;

use gs_core::{Diagnostic, Resource, Rule, Severity, Tree, Value, ValueMap};

use crate::props;

/// The rule `security/unencrypted-at-rest`.
pub const AT_REST: Rule = Rule {
    id: "security/unencrypted-at-rest",
    severity: Severity::Error,
    acknowledgeable: true,
    // The types `unencrypted_at_rest` judges.
    applies_to: &[
        "AWS::EFS::FileSystem",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::Kinesis::Stream",
        "AWS::RDS::DBCluster",
    ],
    what: "A file system, database, cache or stream does not encrypt its data at rest. (S3 buckets and backup vaults are always encrypted by AWS: SSE-S3 since January 2023, the aws/backup key; they pass as they are.)",
    why: "Data at rest must be encrypted (LGPD); for EFS, Aurora and ElastiCache encryption can only be chosen at creation, so fixing it later replaces the resource.",
    fix: "turn encryption on (the gs constructs do by default)",
};
/// The rule `security/unencrypted-in-transit`.
pub const IN_TRANSIT: Rule = Rule {
    id: "security/unencrypted-in-transit",
    severity: Severity::Error,
    acknowledgeable: true,
    // The types `unencrypted_in_transit` judges: an EFS mount is a task definition's volume.
    applies_to: &["AWS::ECS::TaskDefinition", "AWS::ElastiCache::ReplicationGroup"],
    what: "A cache or an EFS mount does not encrypt traffic in transit.",
    why: "Credentials and content cross the network in clear text; ElastiCache transit encryption can only be chosen at creation.",
    fix: "set TransitEncryptionEnabled on the replication group, TransitEncryption ENABLED on the EFS volume",
};
/// The rule `security/cache-without-auth`.
pub const CACHE_WITHOUT_AUTH: Rule = Rule {
    id: "security/cache-without-auth",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &["AWS::ElastiCache::ReplicationGroup"],
    what: "A Redis or Valkey replication group takes commands without authentication: it has neither an AUTH token nor RBAC user groups.",
    why: "Whoever reaches the port (any task in an admitted security group, any compromised host) reads, changes and flushes every key.",
    fix: "keep the default `RedisAuth::GeneratedToken` (an AUTH token in Secrets Manager, given through a dynamic reference), or give RBAC user groups (`UserGroupIds`)",
};
/// The rule `security/open-ingress`.
pub const OPEN_INGRESS: Rule = Rule {
    id: "security/open-ingress",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
    what: "A security group admits 0.0.0.0/0 or ::/0 on a port other than 80 and 443.",
    why: "The port is reachable from the whole internet wherever the group is attached to a public address.",
    fix: "admit a security group (`allow_from(peer_sg, port)`) or a narrower CIDR",
};
/// The rule `security/iam-wildcard`.
pub const IAM_WILDCARD: Rule = Rule {
    id: "security/iam-wildcard",
    severity: Severity::Warning,
    acknowledgeable: true,
    // The types whose policy documents `wildcards` reads.
    applies_to: &[
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
    ],
    what: "An IAM policy allows `*` actions, or write actions on `*` resources.",
    why: "Least privilege: a wildcard grants far more than the workload uses.",
    fix: "name the actions and the resource ARNs (the gs grants do this for you)",
};
/// The rule `security/unauthenticated-api-method`.
pub const OPEN_API_METHOD: Rule = Rule {
    id: "security/unauthenticated-api-method",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &["AWS::ApiGateway::Method"],
    what: "An API Gateway method other than a CORS preflight (OPTIONS) takes calls without authorization.",
    why: "Anyone on the internet can call it: for an integration that writes (Kinesis PutRecord) that is an open write path.",
    fix: "use `Authorization::Iam` (the default) or an authorizer, or acknowledge the rule with a reason for a public endpoint",
};
/// The rule `lifecycle/stateful-destroy`.
pub const STATEFUL_DESTROY: Rule = Rule {
    id: "lifecycle/stateful-destroy",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &crate::stateful::REMOVAL_RULE_TYPES,
    what: "A stateful resource (database, file system, cache, stream, vault, secret, bucket) is deleted with its data when it leaves the stack.",
    why: "A rename, a replacement or a stack deletion loses the data for good.",
    fix: "use RemovalPolicy::Retain or Snapshot, or acknowledge the rule with a reason (e.g. a test environment)",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[
    AT_REST,
    IN_TRANSIT,
    CACHE_WITHOUT_AUTH,
    OPEN_INGRESS,
    IAM_WILDCARD,
    OPEN_API_METHOD,
    STATEFUL_DESTROY,
];

fn unencrypted_at_rest(r: &Resource) -> Option<&'static str> {
    let p = &r.properties;
    let missing = match &*r.type_name {
        "AWS::EFS::FileSystem" => !props::is_true(p, &["Encrypted"]),
        "AWS::RDS::DBCluster" => {
            !props::is_true(p, &["StorageEncrypted"]) && !p.contains_key("GlobalClusterIdentifier")
        }
        "AWS::ElastiCache::ReplicationGroup" => !props::is_true(p, &["AtRestEncryptionEnabled"]),
        "AWS::Kinesis::Stream" => !props::str_is(p, &["StreamEncryption", "EncryptionType"], "KMS"),
        _ => return None,
    };
    missing.then_some(match &*r.type_name {
        "AWS::EFS::FileSystem" => "the file system is not encrypted (Encrypted is not true)",
        "AWS::RDS::DBCluster" => {
            "the database's storage is not encrypted (StorageEncrypted is not true)"
        }
        "AWS::ElastiCache::ReplicationGroup" => {
            "the cache is not encrypted at rest (AtRestEncryptionEnabled is not true)"
        }
        _ => "the stream has no KMS server-side encryption",
    })
}

fn unencrypted_in_transit(r: &Resource) -> Vec<String> {
    let p = &r.properties;
    match &*r.type_name {
        "AWS::ElastiCache::ReplicationGroup"
            if !props::is_true(p, &["TransitEncryptionEnabled"]) =>
        {
            vec!["the cache does not encrypt traffic in transit (TransitEncryptionEnabled is not true)".into()]
        }
        "AWS::ECS::TaskDefinition" => props::maps(p, "Volumes")
            .filter_map(|v| {
                let efs = props::at(v, &["EFSVolumeConfiguration"])?.as_map()?;
                (!props::str_is(efs, &["TransitEncryption"], "ENABLED")).then(|| {
                    format!(
                        "EFS volume `{}` does not encrypt traffic in transit",
                        props::str_at(v, &["Name"]).as_deref().unwrap_or("?")
                    )
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn open_rules(r: &Resource) -> Vec<String> {
    let check = |rule: &ValueMap| -> Option<String> {
        let open = [("CidrIp", "0.0.0.0/0"), ("CidrIpv6", "::/0")]
            .iter()
            .find(|(k, v)| props::str_is(rule, &[k], v))?;
        let from = rule.get("FromPort").and_then(Value::as_i64);
        let to = rule.get("ToPort").and_then(Value::as_i64);
        let web = matches!((from, to), (Some(80), Some(80)) | (Some(443), Some(443)));
        (!web).then(|| match (from, to) {
            (Some(f), Some(t)) if f == t => format!("{} is admitted on port {f}", open.1),
            (Some(f), Some(t)) => format!("{} is admitted on ports {f}-{t}", open.1),
            _ => format!("{} is admitted on every port", open.1),
        })
    };
    match &*r.type_name {
        "AWS::EC2::SecurityGroupIngress" => check(&r.properties).into_iter().collect(),
        "AWS::EC2::SecurityGroup" => props::maps(&r.properties, "SecurityGroupIngress")
            .filter_map(check)
            .collect(),
        _ => Vec::new(),
    }
}

/// The strings of a string-or-list value, constants folded (`Fn::Join` of literals is a literal).
fn strings(v: Option<&Value>) -> impl Iterator<Item = Cow<'_, str>> {
    let (list, one) = match v {
        Some(Value::List(l)) => (l.as_slice(), None),
        Some(v) => (&[][..], Some(v)),
        None => (&[][..], None),
    };
    list.iter().chain(one).filter_map(Value::literal_str)
}

fn is_read_only(action: &str) -> bool {
    let verb = action.rsplit(':').next().unwrap_or(action);
    ["Describe", "List", "Get", "BatchGet", "Head"]
        .iter()
        .any(|p| verb.starts_with(p))
}

fn wildcards(r: &Resource) -> Vec<String> {
    let mut docs: Vec<&ValueMap> = Vec::new();
    match &*r.type_name {
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            docs.extend(props::at(&r.properties, &["PolicyDocument"]).and_then(Value::as_map));
        }
        "AWS::IAM::Role" => {
            for p in props::maps(&r.properties, "Policies") {
                docs.extend(p.get("PolicyDocument").and_then(Value::as_map));
            }
        }
        _ => {}
    }
    let mut found = Vec::new();
    for doc in docs {
        for s in props::maps(doc, "Statement") {
            if !props::str_is(s, &["Effect"], "Allow") {
                continue;
            }
            let actions = || strings(s.get("Action"));
            if let Some(a) = actions().find(|a| a == "*" || a.ends_with(":*")) {
                found.push(format!("a statement allows every action (`{a}`)"));
                continue;
            }
            if strings(s.get("Resource")).any(|r| r == "*") {
                if let Some(a) = actions().find(|a| !is_read_only(a)) {
                    found.push(format!(
                        "a statement allows the write action `{a}` on every resource (`*`)"
                    ));
                }
            }
        }
    }
    found
}

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let path = || tree.path(e);
        if let Some(message) = unencrypted_at_rest(r) {
            out.push(AT_REST.at(e, path(), message));
        }
        for message in unencrypted_in_transit(r) {
            out.push(IN_TRANSIT.at(e, path(), message));
        }
        if r.type_name == "AWS::ElastiCache::ReplicationGroup"
            && matches!(
                props::str_at(&r.properties, &["Engine"]).as_deref(),
                None | Some("redis" | "valkey")
            )
            && !r.properties.contains_key("AuthToken")
            && !r.properties.contains_key("UserGroupIds")
        {
            out.push(CACHE_WITHOUT_AUTH.at(
                e,
                path(),
                "the cache takes commands from anyone who reaches its port (no AuthToken, no UserGroupIds)",
            ));
        }
        for message in open_rules(r) {
            out.push(OPEN_INGRESS.at(e, path(), message));
        }
        for message in wildcards(r) {
            out.push(IAM_WILDCARD.at(e, path(), message));
        }
        if r.type_name == "AWS::ApiGateway::Method"
            && matches!(
                props::at(&r.properties, &["AuthorizationType"]),
                None | Some(Value::String(_))
            )
            && props::str_at(&r.properties, &["AuthorizationType"])
                .as_deref()
                .unwrap_or("NONE")
                == "NONE"
            && !props::str_is(&r.properties, &["HttpMethod"], "OPTIONS")
        {
            out.push(OPEN_API_METHOD.at(
                e,
                path(),
                format!(
                    "{} takes calls from anyone (AuthorizationType NONE)",
                    props::str_at(&r.properties, &["HttpMethod"]).as_deref().unwrap_or("the method")
                ),
            ));
        }
        // In a stack with DR objectives `dr/stateful-destroy` (an error) says it already.
        // The cheap test first: most resources keep their data, and their stack's objectives
        // need not be looked up.
        if crate::stateful::deletes_data_on_removal(r)
            && crate::dr::objectives_of(tree.app(), tree.node(e).stack()).is_none()
        {
            out.push(STATEFUL_DESTROY.at(
                e,
                path(),
                format!(
                    "{} is deleted with its data when it leaves the stack",
                    r.type_name
                ),
            ));
        }
    }
}
