//! Which resource types keep data: one table for the lifecycle, DR and security rules.

use gs_core::{RemovalPolicy, Resource};

/// Types whose resources keep data, and whether CloudFormation takes a final snapshot on
/// deletion when no policy is set (it does for RDS clusters).
const STATEFUL: &[(&str, bool)] = &[
    ("AWS::EFS::FileSystem", false),
    ("AWS::RDS::DBCluster", true),
    ("AWS::ElastiCache::ReplicationGroup", false),
    ("AWS::Kinesis::Stream", false),
    ("AWS::SecretsManager::Secret", false),
    ("AWS::S3::Bucket", false),
    ("AWS::Backup::BackupVault", false),
];

/// Whether resources of `type_name` keep data.
pub(crate) fn is_stateful(type_name: &str) -> bool {
    STATEFUL.iter().any(|(t, _)| *t == type_name)
}

/// Whether `type_name` holds a workload's own data (a DR objective is about it): stateful, and
/// not a backup vault, which holds copies of other resources' data.
pub(crate) fn holds_primary_data(type_name: &str) -> bool {
    is_stateful(type_name) && type_name != "AWS::Backup::BackupVault"
}

/// Whether removing `r` from its stack (or replacing it) deletes its data.
pub(crate) fn deletes_data_on_removal(r: &Resource) -> bool {
    let Some(&(_, snapshots_by_default)) = STATEFUL.iter().find(|(t, _)| *t == r.type_name) else {
        return false;
    };
    match r.removal_policy {
        Some(RemovalPolicy::Destroy) => true,
        None => !snapshots_by_default,
        Some(_) => false,
    }
}
