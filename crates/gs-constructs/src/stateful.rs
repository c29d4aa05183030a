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
/// policy is set.
const SNAPSHOT_BY_DEFAULT: &[&str] = &["AWS::RDS::DBCluster"];

/// Whether resources of `type_name` keep data.
pub(crate) fn is_stateful(type_name: &str) -> bool {
    STATEFUL_TYPES.contains(&type_name)
}

/// Whether `type_name` holds a workload's own data (a DR objective is about it): stateful, and
/// not a backup vault, which holds copies of other resources' data.
pub(crate) fn holds_primary_data(type_name: &str) -> bool {
    DR_TYPES.contains(&type_name) && type_name != "AWS::Backup::BackupVault"
}

/// Whether removing `r` from its stack (or replacing it) deletes its data.
pub(crate) fn deletes_data_on_removal(r: &Resource) -> bool {
    deletes_data(&r.type_name, r.removal_policy)
}

/// Whether deleting a resource of `type_name` under `policy` (its `DeletionPolicy` when it is
/// removed, its `UpdateReplacePolicy` when it is replaced; `None` when the template sets none)
/// deletes its data. The lifecycle rules and the diff both decide through this function.
pub(crate) fn deletes_data(type_name: &str, policy: Option<RemovalPolicy>) -> bool {
    if !is_stateful(type_name) {
        return false;
    }
    match policy {
        Some(RemovalPolicy::Destroy) => true,
        None => !SNAPSHOT_BY_DEFAULT.contains(&type_name),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_stateful, DR_TYPES, STATEFUL_TYPES};

    #[test]
    fn every_stateful_type_is_covered_by_dr_objectives_and_queues_only_by_them() {
        assert!(STATEFUL_TYPES.iter().all(|t| DR_TYPES.contains(t)));
        assert!(DR_TYPES.contains(&"AWS::SQS::Queue"));
        assert!(!is_stateful("AWS::SQS::Queue"));
    }
}
