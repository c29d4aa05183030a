//! The figures: what each AWS mechanism promises per failure scope, each with its source. One
//! table, so a reviewer checks every number in one place.
//!
//! RTO figures of restores are estimates for a small data set (restore time grows with size);
//! the report says so next to each one.

use std::time::Duration;

use super::objectives::FailureScope;

const fn min(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}
const fn hours(h: u64) -> Duration {
    Duration::from_secs(h * 3600)
}

/// A mechanism and what it gives for one failure scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mechanism {
    /// Short name shown in the report.
    pub name: &'static str,
    /// The scope it protects against.
    pub scope: FailureScope,
    /// Data loss it allows (for backups: replaced by the schedule's interval).
    pub rpo: Duration,
    /// Time to recover with it.
    pub rto: Duration,
    /// Where the figures come from.
    pub basis: &'static str,
    /// The figure is what AWS promises "for most" cases: report meeting a target equal to it as
    /// at the limit, not as met.
    pub at_limit: bool,
}

// Source: Amazon EFS User Guide, "Resilience in Amazon EFS": Regional file systems store data
// redundantly across multiple AZs; mount targets in the other AZs keep serving.
/// EFS Regional storage.
pub const EFS_REGIONAL: Mechanism = Mechanism {
    name: "EFS Regional storage (copies in several AZs)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis: "EFS User Guide, Resilience: Regional file systems store data across multiple AZs",
    at_limit: false,
};
// Source: Amazon EFS User Guide, "Replicating file systems": "an RPO of 15 minutes for most file
// systems"; failover = delete the replication configuration, making the replica writable.
/// EFS replication to another Region.
pub const EFS_REPLICATION: Mechanism = Mechanism {
    name: "EFS replication to another Region",
    scope: FailureScope::RegionLoss,
    rpo: min(15),
    rto: min(15),
    basis: "EFS User Guide, Replication: RPO of 15 minutes for most file systems; RTO estimate: fail over by deleting the replication configuration",
    at_limit: true,
};
// Source: AWS Backup Developer Guide, "Creating a backup plan": the most frequent snapshot
// schedule is hourly; restore time depends on size (estimate for a small file system).
/// An AWS Backup snapshot rule (RPO = the schedule's worst-case interval).
pub const BACKUP_SNAPSHOT: Mechanism = Mechanism {
    name: "AWS Backup snapshots",
    scope: FailureScope::Corruption,
    rpo: hours(1),
    rto: hours(1),
    basis: "AWS Backup Developer Guide: RPO = the rule's schedule interval (at most hourly); RTO estimate: restore of a small data set",
    at_limit: false,
};
// Source: AWS Backup Developer Guide, "Creating backup copies across AWS Regions": a copy is taken
// after each backup; continuous backups are copied as snapshots, so never better than hourly.
/// A cross-Region copy action of an AWS Backup rule.
pub const BACKUP_CROSS_REGION_COPY: Mechanism = Mechanism {
    name: "AWS Backup copy to another Region",
    scope: FailureScope::RegionLoss,
    rpo: hours(1),
    rto: hours(2),
    basis: "AWS Backup Developer Guide, cross-Region copy: RPO = the rule's interval, never under 1 hour (continuous backups copy as snapshots); RTO estimate: restore in the DR Region",
    at_limit: false,
};
// Source: AWS Backup Developer Guide, "Continuous backups and point-in-time recovery (PITR)":
// restore to any point within about the last 5 minutes (RDS/Aurora, S3).
/// AWS Backup continuous backup.
pub const BACKUP_CONTINUOUS: Mechanism = Mechanism {
    name: "AWS Backup continuous backup (PITR)",
    scope: FailureScope::Corruption,
    rpo: min(5),
    rto: hours(1),
    basis: "AWS Backup Developer Guide, continuous backups: restore to within about the last 5 minutes; RTO estimate: restore into a new cluster",
    at_limit: false,
};
// Source: Amazon Aurora User Guide, "High availability for Aurora": with an Aurora Replica in
// another AZ, failover typically completes within 60-120 seconds; storage is 6-way across 3 AZs.
/// Aurora with a reader in another AZ.
pub const AURORA_MULTI_AZ: Mechanism = Mechanism {
    name: "Aurora Multi-AZ (reader promoted on failover)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: min(2),
    basis: "Aurora User Guide, High availability: failover to a replica typically within 60-120 s; storage replicated 6 ways across 3 AZs",
    at_limit: false,
};
// Source: same page: without a replica Aurora creates a new writer instance, "typically under
// 10 minutes".
/// Aurora storage alone (no replica).
pub const AURORA_STORAGE: Mechanism = Mechanism {
    name: "Aurora storage across 3 AZs (single instance)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: min(10),
    basis: "Aurora User Guide, High availability: without a replica a new instance is created, typically in under 10 minutes",
    at_limit: false,
};
// Source: Aurora User Guide, "Backing up and restoring": automated backups allow point-in-time
// restore, typically to within the last 5 minutes, within the retention period.
/// Aurora automated backups (point-in-time restore).
pub const AURORA_PITR: Mechanism = Mechanism {
    name: "Aurora automated backups (point-in-time restore)",
    scope: FailureScope::Corruption,
    rpo: min(5),
    rto: hours(1),
    basis: "Aurora User Guide, point-in-time recovery: latest restorable time typically within 5 minutes; RTO estimate: restore into a new cluster",
    at_limit: false,
};
// Source: Aurora User Guide, "Using Amazon Aurora global databases": replication lag typically
// under 1 second; managed failover/switchover promotes a secondary in about a minute.
/// Aurora Global Database.
pub const AURORA_GLOBAL: Mechanism = Mechanism {
    name: "Aurora Global Database (secondary Region)",
    scope: FailureScope::RegionLoss,
    rpo: Duration::from_secs(1),
    rto: min(1),
    basis: "Aurora User Guide, global databases: typical lag under 1 second, promotion in about a minute",
    at_limit: false,
};
// Source: ElastiCache for Redis User Guide, "Minimizing downtime with Multi-AZ": automatic
// failover promotes a replica; replication is asynchronous (a few seconds may be lost).
/// ElastiCache Multi-AZ with automatic failover.
pub const CACHE_MULTI_AZ: Mechanism = Mechanism {
    name: "ElastiCache Multi-AZ with automatic failover",
    scope: FailureScope::AzLoss,
    rpo: Duration::from_secs(5),
    rto: min(5),
    basis: "ElastiCache User Guide, Multi-AZ: replica promoted automatically; asynchronous replication loses seconds at most",
    at_limit: false,
};
// Source: ElastiCache User Guide, "Automatic backups": one snapshot a day within the snapshot
// window, kept SnapshotRetentionLimit days.
/// ElastiCache automatic snapshots.
pub const CACHE_SNAPSHOTS: Mechanism = Mechanism {
    name: "ElastiCache daily automatic snapshots",
    scope: FailureScope::Corruption,
    rpo: hours(24),
    rto: hours(1),
    basis: "ElastiCache User Guide, automatic backups: one snapshot a day; RTO estimate: restore into a new cluster",
    at_limit: false,
};
// Source: ElastiCache User Guide, "Replication across AWS Regions using global datastores":
// lag typically under 1 second; promotion of a secondary in under a minute.
/// ElastiCache global datastore.
pub const CACHE_GLOBAL: Mechanism = Mechanism {
    name: "ElastiCache global datastore",
    scope: FailureScope::RegionLoss,
    rpo: Duration::from_secs(1),
    rto: min(1),
    basis: "ElastiCache User Guide, global datastores: typical lag under 1 second, promotion in under a minute",
    at_limit: false,
};
// Source: Kinesis Data Streams Developer Guide, "Data protection": records are replicated
// synchronously across three AZs.
/// Kinesis synchronous replication.
pub const STREAM_MULTI_AZ: Mechanism = Mechanism {
    name: "Kinesis synchronous copies in 3 AZs",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis: "Kinesis Data Streams Developer Guide: data replicated synchronously across three AZs",
    at_limit: false,
};
// Source: Kinesis Data Streams Developer Guide, "Changing the data retention period": records
// stay readable for the retention period; they cannot be changed, so consumers replay them.
/// Kinesis retention as a replay window.
pub const STREAM_REPLAY: Mechanism = Mechanism {
    name: "Kinesis retention (replay window; not a cross-Region copy)",
    scope: FailureScope::Corruption,
    rpo: Duration::ZERO,
    rto: hours(1),
    basis: "Kinesis Data Streams Developer Guide, retention: immutable records replayable within the retention period; RTO estimate: reprocessing",
    at_limit: false,
};
// Source: Secrets Manager User Guide, "Replicate secrets to other Regions": replicas are kept in
// sync and can be promoted; Secrets Manager is a Regional service spanning AZs.
/// Secrets Manager replica Regions.
pub const SECRET_REPLICA: Mechanism = Mechanism {
    name: "Secrets Manager replica in another Region",
    scope: FailureScope::RegionLoss,
    rpo: Duration::ZERO,
    rto: min(5),
    basis: "Secrets Manager User Guide, multi-Region secrets: replicas kept in sync; RTO estimate: read the replica's ARN",
    at_limit: false,
};
/// Secrets Manager as a Regional service.
pub const SECRET_REGIONAL: Mechanism = Mechanism {
    name: "Secrets Manager (Regional service)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis: "Secrets Manager User Guide, Resilience: a Regional service across AZs",
    at_limit: false,
};
// Source: Secrets Manager User Guide: the previous version stays as AWSPREVIOUS; deleted secrets
// wait a 7-30 day recovery window.
/// Secrets Manager versions and recovery window.
pub const SECRET_VERSIONS: Mechanism = Mechanism {
    name: "Secrets Manager previous version and recovery window",
    scope: FailureScope::Corruption,
    rpo: Duration::ZERO,
    rto: min(5),
    basis: "Secrets Manager User Guide: AWSPREVIOUS version kept; deletion waits a 7-30 day recovery window",
    at_limit: false,
};
// Source: Amazon S3 User Guide, "Data protection": objects stored across at least 3 AZs;
// "Using versioning": earlier versions restore overwritten or deleted objects.
/// S3 multi-AZ storage.
pub const BUCKET_REGIONAL: Mechanism = Mechanism {
    name: "S3 storage across 3 AZs",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis: "S3 User Guide, Data protection: objects stored across at least three AZs",
    at_limit: false,
};
/// S3 versioning.
pub const BUCKET_VERSIONING: Mechanism = Mechanism {
    name: "S3 versioning",
    scope: FailureScope::Corruption,
    rpo: Duration::ZERO,
    rto: hours(1),
    basis: "S3 User Guide, versioning: earlier versions restore overwritten or deleted objects; RTO estimate: restoring versions",
    at_limit: false,
};
// Source: S3 User Guide, "Replication Time Control": 99.99% of objects replicated within 15 minutes.
/// S3 cross-Region replication.
pub const BUCKET_REPLICATION: Mechanism = Mechanism {
    name: "S3 replication to another Region",
    scope: FailureScope::RegionLoss,
    rpo: min(15),
    rto: min(15),
    basis: "S3 User Guide, Replication Time Control: 99.99% of objects within 15 minutes",
    at_limit: true,
};

/// What would meet an objective the resource misses, per resource type and scope.
pub fn suggestion(type_name: &str, scope: FailureScope) -> &'static str {
    use FailureScope::*;
    match (type_name, scope) {
        ("AWS::EFS::FileSystem", RegionLoss) => "add EFS replication to the DR Region (`FileSystemProps::replication`, RPO 15 minutes) or an AWS Backup rule with a copy action to a vault in the DR Region",
        ("AWS::EFS::FileSystem", Corruption) => "protect it with an AWS Backup plan (hourly at most: no AWS mechanism gives an EFS RPO under 1 hour; override the objective with a reason if that is the target)",
        ("AWS::EFS::FileSystem", AzLoss) => "use Regional (not One Zone) storage",
        ("AWS::RDS::DBCluster", RegionLoss) => "add an Aurora Global Database with a secondary cluster in the DR Region (RPO about 1 second)",
        ("AWS::RDS::DBCluster", Corruption) => "keep automated backups (BackupRetentionPeriod >= 1) or add an AWS Backup rule with continuous backup (RPO about 5 minutes)",
        ("AWS::RDS::DBCluster", AzLoss) => "add a reader instance in another AZ (failover in 1-2 minutes)",
        ("AWS::ElastiCache::ReplicationGroup", RegionLoss) => "add a global datastore, or override the objective if the cache is rebuilt from the database",
        ("AWS::ElastiCache::ReplicationGroup", Corruption) => "set SnapshotRetentionLimit > 0 (daily snapshots), or override the objective if the cache is rebuilt from the database",
        ("AWS::ElastiCache::ReplicationGroup", AzLoss) => "enable Multi-AZ with automatic failover and at least one replica per shard",
        ("AWS::Kinesis::Stream", RegionLoss) => "write to a stream in the DR Region as well, or override the objective for this stream with a reason",
        ("AWS::SecretsManager::Secret", RegionLoss) => "replicate the secret to the DR Region (`SecretProps::replica_regions`)",
        ("AWS::S3::Bucket", RegionLoss) => "replicate the bucket to the DR Region, or override the objective for derived data",
        ("AWS::S3::Bucket", Corruption) => "enable versioning",
        _ => "add a mechanism for this scope, or override the objective for this construct with a reason",
    }
}
