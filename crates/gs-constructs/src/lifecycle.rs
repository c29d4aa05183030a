//! Lifecycle rules about names: a retained resource with a fixed physical name outlives its
//! stack and keeps its name, so "delete the stack, deploy it again" fails with "already exists".
//!
//! One table says which property holds each type's physical name; the rule reads the emitted
//! resources, so raw resources are checked like typed ones.

use std::borrow::Cow;

use gs_core::{Diagnostic, Pseudo, RemovalPolicy, Rule, Severity, Tree, Value};

use crate::props;

/// The rule `lifecycle/retained-fixed-name`.
pub const RETAINED_FIXED_NAME: Rule = Rule {
    id: "lifecycle/retained-fixed-name",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &NAMED_TYPES,
    what: "A retained resource (DeletionPolicy Retain) has a fixed physical name: a literal, a name built from constants, or one built from the stack's name, Region or account only.",
    why: "Deleting the stack keeps the resource and so its name (a secret's replicas keep it in their Regions too); deploying the same stack again then fails with \"already exists\" until someone deletes or renames the leftover by hand.",
    fix: "let CloudFormation name it (drop the name), or add a generation suffix that changes with each new stack (e.g. part of `AWS::StackId`); keep a fixed name only where something outside the stack must find it, and acknowledge the rule there with the reason",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[RETAINED_FIXED_NAME];

/// Resource types whose physical name is unique in the account and Region (S3: everywhere), and
/// the property that sets it. Types whose name is only a tag (EFS) or is scoped to a parent that
/// is recreated with the stack (a stream consumer, a security group) are not listed.
const PHYSICAL_NAMES: &[(&str, &str)] = &[
    ("AWS::Backup::BackupVault", "BackupVaultName"),
    ("AWS::DynamoDB::Table", "TableName"),
    ("AWS::ECR::Repository", "RepositoryName"),
    ("AWS::ECS::Cluster", "ClusterName"),
    ("AWS::ElastiCache::CacheCluster", "ClusterName"),
    ("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupId"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::KMS::Alias", "AliasName"),
    ("AWS::Kinesis::Stream", "Name"),
    ("AWS::Lambda::Function", "FunctionName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::RDS::DBCluster", "DBClusterIdentifier"),
    ("AWS::RDS::DBInstance", "DBInstanceIdentifier"),
    ("AWS::RDS::GlobalCluster", "GlobalClusterIdentifier"),
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::SecretsManager::Secret", "Name"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::SQS::Queue", "QueueName"),
];

/// The types of [`PHYSICAL_NAMES`], the only ones `lifecycle/retained-fixed-name` reports on.
const NAMED_TYPES: [&str; PHYSICAL_NAMES.len()] = {
    let mut out = [""; PHYSICAL_NAMES.len()];
    let mut i = 0;
    while i < PHYSICAL_NAMES.len() {
        out[i] = PHYSICAL_NAMES[i].0;
        i += 1;
    }
    out
};

/// The property holding the physical name of `type_name`, if the table lists the type.
pub(crate) fn name_property(type_name: &str) -> Option<&'static str> {
    PHYSICAL_NAMES
        .iter()
        .find(|(t, _)| *t == type_name)
        .map(|(_, p)| *p)
}

/// Whether `v` is the same in every stack deployed under the same name, Region and account:
/// built only from constants and the pseudo parameters that do not change between two stacks
/// of one name (not `AWS::StackId`, which is new for every stack). References, conditions,
/// mappings and imports make it not fixed (as far as gs can tell). Iterative: any depth.
fn fixed_across_redeploys(v: &Value) -> bool {
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        match v {
            Value::String(_) => {}
            Value::Pseudo(p) => {
                if matches!(p, Pseudo::StackId | Pseudo::NoValue) {
                    return false;
                }
            }
            Value::List(items) | Value::Join(_, items) => todo.extend(items),
            Value::Select(_, v) | Value::Split(_, v) => todo.push(v),
            Value::Sub(template, vars) => {
                let mut rest = template.as_str();
                while let Some(start) = rest.find("${") {
                    let after = &rest[start + 2..];
                    if let Some(literal) = after.strip_prefix('!') {
                        rest = literal;
                        continue;
                    }
                    let Some(end) = after.find('}') else {
                        return false;
                    };
                    let name = &after[..end];
                    match vars.get(name) {
                        Some(v) => todo.push(v),
                        None if matches!(
                            name,
                            "AWS::AccountId"
                                | "AWS::Partition"
                                | "AWS::Region"
                                | "AWS::StackName"
                                | "AWS::URLSuffix"
                        ) => {}
                        // A parameter, a resource attribute or `AWS::StackId`.
                        None => return false,
                    }
                    rest = &after[end + 1..];
                }
            }
            _ => return false,
        }
    }
    true
}

/// The Regions a secret's replicas are in, as written.
fn replica_regions(r: &gs_core::Resource) -> impl Iterator<Item = Cow<'_, str>> {
    props::maps(&r.properties, "ReplicaRegions").filter_map(|m| props::str_at(m, &["Region"]))
}

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        // Only Retain keeps the resource; Snapshot deletes it (and frees the name) after the
        // final snapshot, and CloudFormation names the snapshot itself.
        if r.removal_policy != Some(RemovalPolicy::Retain) {
            continue;
        }
        let Some(property) = name_property(&r.type_name) else {
            continue;
        };
        let Some(name) = r.properties.get(property) else {
            continue;
        };
        if !fixed_across_redeploys(name) {
            continue;
        }
        // The message written in one buffer (most apps retain a few named resources).
        const FIRST: &str = "is retained when its stack is deleted and keeps its ";
        const LAST: &str = ": deploying the stack again fails with \"already exists\"";
        let mut message = String::with_capacity(FIRST.len() + LAST.len() + 96);
        message.push_str(FIRST);
        message.push_str(property);
        message.push(' ');
        match name.literal_str() {
            Some(n) => {
                message.push('`');
                message.push_str(&n);
                message.push('`');
            }
            None => message.push_str("a name built from the stack's name, Region or account"),
        }
        for (i, region) in replica_regions(r).enumerate() {
            message.push_str(if i == 0 {
                ", and so do its replicas in "
            } else {
                ", "
            });
            message.push_str(&region);
        }
        message.push_str(LAST);
        out.push(RETAINED_FIXED_NAME.at(e, tree.path(e), message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gs_core::ValueMap;

    #[test]
    fn names_from_constants_and_the_stack_name_are_fixed_and_the_stack_id_is_not() {
        assert!(fixed_across_redeploys(&Value::from("x")));
        assert!(fixed_across_redeploys(&Value::sub("${AWS::StackName}-x")));
        assert!(fixed_across_redeploys(&Value::join(
            "-",
            [Value::Pseudo(Pseudo::Region), Value::from("x")]
        )));
        let generation = Value::select(2, Value::split("/", Value::Pseudo(Pseudo::StackId)));
        assert!(!fixed_across_redeploys(&Value::join(
            "-",
            [Value::from("x"), generation]
        )));
        assert!(!fixed_across_redeploys(&Value::sub("x-${AWS::StackId}")));
        assert!(!fixed_across_redeploys(&Value::sub("x-${Generation}")));
        assert!(fixed_across_redeploys(&Value::sub_with(
            "x-${g}",
            ValueMap::new().with("g", "1")
        )));
    }

    #[test]
    fn a_deep_name_does_not_overflow_the_stack() {
        let mut v = Value::from("x");
        for _ in 0..100_000 {
            v = Value::join("", [v]);
        }
        assert!(fixed_across_redeploys(&v));
        std::mem::forget(v);
    }
}
