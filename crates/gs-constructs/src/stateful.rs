//! Which resource types keep data: one table for the lifecycle, DR and security rules.

use gs_core::{RemovalPolicy, Resource};

/// Types whose resources keep data.
pub(crate) const STATEFUL_TYPES: &[&str] = &[
    "AWS::EFS::FileSystem",
    "AWS::RDS::DBCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Kinesis::Stream",
    "AWS::SecretsManager::Secret",
    "AWS::S3::Bucket",
    "AWS::Backup::BackupVault",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
];

/// Types a DR objective covers: the stateful types, and SQS queues. A queue holds messages in
/// transit (at most 14 days): it is not in [`STATEFUL_TYPES`], so the lifecycle rules leave its
/// removal policy alone (Destroy by default, as in the AWS CDK), but the DR report says what a
/// failure loses of its messages.
pub(crate) const DR_TYPES: &[&str] = &[
    "AWS::EFS::FileSystem",
    "AWS::RDS::DBCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Kinesis::Stream",
    "AWS::SecretsManager::Secret",
    "AWS::S3::Bucket",
    "AWS::Backup::BackupVault",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::SQS::Queue",
];

/// The stateful types of which CloudFormation takes a final snapshot on deletion when no
/// policy is set (an RDS instance: when it is not a cluster's member).
const SNAPSHOT_BY_DEFAULT: &[&str] = &["AWS::RDS::DBCluster", "AWS::RDS::DBInstance"];

/// Whether resources of `type_name` keep data.
pub(crate) fn is_stateful(type_name: &str) -> bool {
    STATEFUL_TYPES.contains(&type_name)
}

/// Whether `type_name` holds a workload's own data (a DR objective is about it): stateful, and
/// not a backup vault, which holds copies of other resources' data.
pub(crate) fn holds_primary_data(type_name: &str) -> bool {
    DR_TYPES.contains(&type_name) && type_name != "AWS::Backup::BackupVault"
}

/// The types the removal rules (`lifecycle/stateful-destroy`, `dr/stateful-destroy`) report
/// on: the stateful types, and RDS instances (a standalone one keeps its own data; a cluster
/// member's is the cluster's).
pub(crate) const REMOVAL_RULE_TYPES: [&str; STATEFUL_TYPES.len() + 1] = {
    let mut out = [""; STATEFUL_TYPES.len() + 1];
    let mut i = 0;
    while i < STATEFUL_TYPES.len() {
        out[i] = STATEFUL_TYPES[i];
        i += 1;
    }
    out[i] = "AWS::RDS::DBInstance";
    out
};

/// Whether removing `r` from its stack (or replacing it) deletes its data: a stateful type, or
/// a standalone RDS instance, under a policy that lets the data go.
pub(crate) fn deletes_data_on_removal(r: &Resource) -> bool {
    if r.type_name == "AWS::RDS::DBInstance" {
        return !r.properties.contains_key("DBClusterIdentifier")
            && policy_deletes_data(&r.type_name, r.removal_policy);
    }
    deletes_data(&r.type_name, r.removal_policy)
}

/// Whether deleting a resource of `type_name` under `policy` (its `DeletionPolicy` when it is
/// removed, its `UpdateReplacePolicy` when it is replaced; `None` when the template sets none)
/// deletes its data. The lifecycle rules and the diff both decide through this function.
pub(crate) fn deletes_data(type_name: &str, policy: Option<RemovalPolicy>) -> bool {
    if !is_stateful(type_name) {
        return false;
    }
    policy_deletes_data(type_name, policy)
}

/// Whether deleting a template's resource of `type_name` with `properties` under `policy`
/// deletes data, as the diff reads a template: [`deletes_data`], and also a standalone RDS
/// instance (one without `DBClusterIdentifier`: a cluster member's data is the cluster's),
/// which the rules leave to the typed constructs.
pub(crate) fn template_resource_deletes_data(
    type_name: &str,
    properties: Option<&serde_json::Value>,
    policy: Option<RemovalPolicy>,
) -> bool {
    let standalone_instance = type_name == "AWS::RDS::DBInstance"
        && properties
            .and_then(|p| p.get("DBClusterIdentifier"))
            .is_none();
    if standalone_instance {
        return policy_deletes_data(type_name, policy);
    }
    deletes_data(type_name, policy)
}

/// Whether `policy` lets the data of a resource of `type_name` go: `Delete`; `Snapshot` on a
/// type CloudFormation does not snapshot (the template is refused, and no snapshot would be
/// taken); no policy on a type CloudFormation does not snapshot by default.
fn policy_deletes_data(type_name: &str, policy: Option<RemovalPolicy>) -> bool {
    match policy {
        Some(RemovalPolicy::Destroy) => true,
        Some(RemovalPolicy::Retain) => false,
        Some(RemovalPolicy::Snapshot) => !gs_cfn::passes::supports_snapshot(type_name),
        None => !SNAPSHOT_BY_DEFAULT.contains(&type_name),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_stateful, template_resource_deletes_data, DR_TYPES, STATEFUL_TYPES};
    use gs_core::RemovalPolicy;

    #[test]
    fn a_snapshot_policy_keeps_data_only_where_cloudformation_takes_snapshots() {
        let snapshot = Some(RemovalPolicy::Snapshot);
        assert!(!template_resource_deletes_data(
            "AWS::RDS::DBCluster",
            None,
            snapshot
        ));
        assert!(template_resource_deletes_data(
            "AWS::S3::Bucket",
            None,
            snapshot
        ));
        assert!(template_resource_deletes_data(
            "AWS::EFS::FileSystem",
            None,
            snapshot
        ));
    }

    #[test]
    fn a_standalone_rds_instance_keeps_data_but_not_under_delete() {
        let standalone = serde_json::json!({"Engine": "postgres"});
        let member = serde_json::json!({"DBClusterIdentifier": {"Ref": "Cluster"}});
        let destroy = Some(RemovalPolicy::Destroy);
        let t = "AWS::RDS::DBInstance";
        assert!(template_resource_deletes_data(
            t,
            Some(&standalone),
            destroy
        ));
        assert!(!template_resource_deletes_data(t, Some(&standalone), None));
        assert!(!template_resource_deletes_data(t, Some(&member), destroy));
    }

    #[test]
    fn every_stateful_type_is_covered_by_dr_objectives_and_queues_only_by_them() {
        assert!(STATEFUL_TYPES.iter().all(|t| DR_TYPES.contains(t)));
        assert!(DR_TYPES.contains(&"AWS::SQS::Queue"));
        assert!(!is_stateful("AWS::SQS::Queue"));
    }
}
