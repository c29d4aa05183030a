//! The figures: what each AWS mechanism promises per failure scope, each with its source. One
//! table, so a reviewer checks every number in one place.
//!
//! RTO figures of restores are estimates for a small data set (restore time grows with size);
//! the report says so next to each one.
//!
//! A figure AWS states only as "typically" or "for most" cases is marked `rpo_at_limit` or
//! `rto_at_limit`: a target
//! equal to it is met only at the limit (`dr/at-limit`), not met. AWS Backup figures are computed
//! per plan from the rules' schedules and windows ([`crate::backup`]'s `runs` module documents
//! the formula: longest gap between runs taken + start window + completion window).

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
    /// Data loss it allows (for AWS Backup rules: replaced by the worst case computed from the
    /// plan's schedules and windows).
    pub rpo: Duration,
    /// Time to recover with it.
    pub rto: Duration,
    /// Where the figures come from.
    pub basis: &'static str,
    /// The RPO is what AWS gives only "typically" or "for most" cases: report meeting a target
    /// equal to it as at the limit, not as met.
    pub rpo_at_limit: bool,
    /// Likewise for the RTO (gs's own restore estimates are not marked: they are estimates).
    pub rto_at_limit: bool,
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
    rpo_at_limit: false,
    rto_at_limit: false,
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
    rpo_at_limit: true,
    rto_at_limit: false,
};
// Source: AWS Backup Developer Guide, "Backup plan options and configuration" and "Creating a
// backup plan" (https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html):
// snapshots at most hourly; a job may start until the end of the start window (default 8 hours)
// and run until the end of the completion window (default 7 days). The RPO below is replaced by
// the plan's worst case: longest gap between runs taken + start window + completion window.
// Restore time depends on size (estimate for a small file system).
/// An AWS Backup snapshot rule (RPO = the plan's worst case, computed from its rules).
pub const BACKUP_SNAPSHOT: Mechanism = Mechanism {
    name: "AWS Backup snapshots",
    scope: FailureScope::Corruption,
    rpo: hours(1),
    rto: hours(1),
    basis: "AWS Backup Developer Guide, backup plan options: RPO = longest gap between runs AWS Backup takes (overlapping runs of a shorter retention are skipped) + start window + completion window; RTO estimate: restore of a small data set",
    rpo_at_limit: false,
    rto_at_limit: false,
};
// Source: AWS Backup Developer Guide, "Creating backup copies across AWS Regions": a copy is taken
// after each backup; continuous backups are copied as snapshots, so never better than hourly.
/// A cross-Region copy action of an AWS Backup rule.
pub const BACKUP_CROSS_REGION_COPY: Mechanism = Mechanism {
    name: "AWS Backup copy to another Region",
    scope: FailureScope::RegionLoss,
    rpo: hours(1),
    rto: hours(2),
    basis: "AWS Backup Developer Guide, cross-Region copy: RPO = the copying rules' worst case (gap between runs taken + start window + completion window), never under 1 hour (continuous backups copy as snapshots); the copy's own transfer time comes on top; RTO estimate: restore in the DR Region",
    rpo_at_limit: false,
    rto_at_limit: false,
};
// Source: AWS Backup Developer Guide, "Continuous backups and point-in-time recovery (PITR)"
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html): restore
// to a chosen time with 1-second precision; the latest restorable time trails by the transaction
// logs not yet uploaded, which for RDS/Aurora is "typically" within 5 minutes: at the limit.
/// AWS Backup continuous backup.
pub const BACKUP_CONTINUOUS: Mechanism = Mechanism {
    name: "AWS Backup continuous backup (PITR)",
    scope: FailureScope::Corruption,
    rpo: min(5),
    rto: hours(1),
    basis: "AWS Backup Developer Guide, continuous backups: restore to within the latest restorable time, typically the last 5 minutes; RTO estimate: restore into a new cluster",
    rpo_at_limit: true,
    rto_at_limit: false,
};
// Source: Amazon Aurora User Guide, "High availability for Aurora": with an Aurora Replica in
// another AZ, failover typically completes within 60-120 seconds; storage is 6-way across 3 AZs.
/// Aurora with a reader in another AZ.
pub const AURORA_MULTI_AZ: Mechanism = Mechanism {
    name: "Aurora Multi-AZ (reader promoted on failover)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: min(2),
    basis: "Aurora User Guide, High availability: failover to a replica typically within 60-120 s (typical, not promised); storage replicated 6 ways across 3 AZs",
    rpo_at_limit: false,
    rto_at_limit: true,
};
// Source: same page: without a replica Aurora creates a new writer instance, "typically under
// 10 minutes".
/// Aurora storage alone (no replica).
pub const AURORA_STORAGE: Mechanism = Mechanism {
    name: "Aurora storage across 3 AZs (single instance)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: min(10),
    basis: "Aurora User Guide, High availability: without a replica a new instance is created, typically in under 10 minutes (typical, not promised)",
    rpo_at_limit: false,
    rto_at_limit: true,
};
// Source: Aurora User Guide, "Backing up and restoring": automated backups allow point-in-time
// restore, typically to within the last 5 minutes, within the retention period.
/// Aurora automated backups (point-in-time restore).
pub const AURORA_PITR: Mechanism = Mechanism {
    name: "Aurora automated backups (point-in-time restore)",
    scope: FailureScope::Corruption,
    rpo: min(5),
    rto: hours(1),
    basis: "Aurora User Guide, point-in-time recovery: latest restorable time typically within 5 minutes (typical, not promised); RTO estimate: restore into a new cluster",
    rpo_at_limit: true,
    rto_at_limit: false,
};
// Source: Aurora User Guide, "Using Amazon Aurora global databases"
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html):
// "replicates ... with typical latency of less than 1 second"; a secondary is promoted "in less
// than a minute" (AWS DR workshop: RTO 1 minute). Both typical: at the limit.
/// Aurora Global Database.
pub const AURORA_GLOBAL: Mechanism = Mechanism {
    name: "Aurora Global Database (secondary Region)",
    scope: FailureScope::RegionLoss,
    rpo: Duration::from_secs(1),
    rto: min(1),
    basis: "Aurora User Guide, global databases: typical lag under 1 second, promotion in about a minute (typical, not promised)",
    rpo_at_limit: true,
    rto_at_limit: true,
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
    rpo_at_limit: false,
    rto_at_limit: false,
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
    rpo_at_limit: false,
    rto_at_limit: false,
};
// Source: ElastiCache User Guide, "Replication across AWS Regions using global datastores"
// (https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/Redis-Global-Datastore.html) and
// the AWS DR workshop: asynchronous replication, RPO "generally less than 1 second", RTO 1
// minute. Typical: at the limit.
/// ElastiCache global datastore.
pub const CACHE_GLOBAL: Mechanism = Mechanism {
    name: "ElastiCache global datastore",
    scope: FailureScope::RegionLoss,
    rpo: Duration::from_secs(1),
    rto: min(1),
    basis: "ElastiCache User Guide, global datastores: asynchronous, lag generally under 1 second, promotion in about a minute (typical, not promised)",
    rpo_at_limit: true,
    rto_at_limit: true,
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
    rpo_at_limit: false,
    rto_at_limit: false,
};
// Kinesis retention is not a mechanism of the corruption-or-deletion scope: deleting the stream
// (or lowering its retention) deletes its records, and records older than the retention period
// are gone (Kinesis Data Streams Developer Guide, "Changing the data retention period"). Replay
// within the retention period mends consumers' derived data only; the stream has no backup.

// Source: Secrets Manager User Guide, "Replicate secrets to other Regions": replicas are kept in
// sync and can be promoted; Secrets Manager is a Regional service spanning AZs.
/// Secrets Manager replica Regions.
pub const SECRET_REPLICA: Mechanism = Mechanism {
    name: "Secrets Manager replica in another Region",
    scope: FailureScope::RegionLoss,
    rpo: Duration::ZERO,
    rto: min(5),
    basis: "Secrets Manager User Guide, multi-Region secrets: replicas kept in sync; RTO estimate: read the replica's ARN",
    rpo_at_limit: false,
    rto_at_limit: false,
};
/// Secrets Manager as a Regional service.
pub const SECRET_REGIONAL: Mechanism = Mechanism {
    name: "Secrets Manager (Regional service)",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis: "Secrets Manager User Guide, Resilience: a Regional service across AZs",
    rpo_at_limit: false,
    rto_at_limit: false,
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
    rpo_at_limit: false,
    rto_at_limit: false,
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
    rpo_at_limit: false,
    rto_at_limit: false,
};
/// S3 versioning.
pub const BUCKET_VERSIONING: Mechanism = Mechanism {
    name: "S3 versioning",
    scope: FailureScope::Corruption,
    rpo: Duration::ZERO,
    rto: hours(1),
    basis: "S3 User Guide, versioning: earlier versions restore overwritten or deleted objects; RTO estimate: restoring versions",
    rpo_at_limit: false,
    rto_at_limit: false,
};
// Source: S3 User Guide, "Meeting compliance requirements with S3 Replication Time Control"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html): RTC
// replicates "99.99 percent of those objects within 15 minutes" (an SLA). Not all: at the limit.
// Counted for Region loss only when the destination bucket is known to be in another Region.
/// S3 cross-Region replication with Replication Time Control.
pub const BUCKET_REPLICATION_RTC: Mechanism = Mechanism {
    name: "S3 replication to another Region with Replication Time Control",
    scope: FailureScope::RegionLoss,
    rpo: min(15),
    rto: min(15),
    basis: "S3 User Guide, Replication Time Control: 99.99% of objects within 15 minutes (SLA); RTO estimate: point readers at the replica bucket",
    rpo_at_limit: true,
    rto_at_limit: false,
};
// Source: AWS re:Post Knowledge Center, "Why is it taking a long time to replicate Amazon S3
// objects when I use Cross-Region Replication?" (https://repost.aws/knowledge-center/s3-crr-replication-time):
// "Most object replication is within 15 minutes, but sometimes replication can take up to 48
// hours". Without RTC there is no SLA: gs counts 48 hours, and only at the limit.
/// S3 cross-Region replication without Replication Time Control.
pub const BUCKET_REPLICATION: Mechanism = Mechanism {
    name: "S3 replication to another Region (no Replication Time Control)",
    scope: FailureScope::RegionLoss,
    rpo: hours(48),
    rto: min(15),
    basis: "AWS Knowledge Center, S3 CRR replication time: most objects within 15 minutes, sometimes up to 48 hours, no SLA without Replication Time Control; RTO estimate: point readers at the replica bucket",
    rpo_at_limit: true,
    rto_at_limit: false,
};

// Source: Amazon DynamoDB Developer Guide, "Resilience and disaster recovery in Amazon DynamoDB"
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/disaster-recovery-resiliency.html):
// a Regional table's data is replicated across multiple AZs in the Region; an AZ failure loses
// nothing and needs no action.
/// DynamoDB storage across AZs.
pub const DYNAMODB_REGIONAL: Mechanism = Mechanism {
    name: "DynamoDB storage across AZs",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis: "DynamoDB Developer Guide, Resilience: table data replicated across multiple AZs of the Region",
    rpo_at_limit: false,
    rto_at_limit: false,
};
// Source: Amazon DynamoDB API Reference, "PointInTimeRecoveryDescription"
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoveryDescription.html):
// "You can restore your table to any point in time during the last 35 days";
// "LatestRestorableDateTime is typically 5 minutes before the current time". The restore has
// one-second granularity (RestoreTableToPointInTime: "day:hour:minute:second") and always
// creates a NEW table, without the source's streams, TTL, IAM policies, alarms or tags: readers
// and writers must be pointed at it. The RPO is typical: at the limit. The RTO is gs's estimate
// (AWS gives none: restore time depends on the table's size and layout), not marked.
/// DynamoDB point-in-time recovery.
pub const DYNAMODB_PITR: Mechanism = Mechanism {
    name: "DynamoDB point-in-time recovery (restore into a new table)",
    scope: FailureScope::Corruption,
    rpo: min(5),
    rto: hours(1),
    basis: "DynamoDB API Reference, PointInTimeRecoveryDescription: restore to any second of the last 35 days, latest restorable time typically 5 minutes ago (typical, not promised); RTO estimate: restore into a new table and repoint clients (AWS gives no figure; it grows with the table)",
    rpo_at_limit: true,
    rto_at_limit: false,
};
// Source: Amazon DynamoDB Developer Guide, "Global tables - multi-active, multi-Region
// replication" / "How global tables work" (version 2019.11.21): asynchronous replication
// between Regions (multi-Region eventual consistency), a write "usually propagated to all
// replica tables within a second"; each replica serves reads and writes, so failing over is
// moving traffic to another Region's endpoint. Typical: at the limit. RTO: gs's estimate.
/// DynamoDB global table replicas.
pub const DYNAMODB_GLOBAL: Mechanism = Mechanism {
    name: "DynamoDB global table replica in another Region",
    scope: FailureScope::RegionLoss,
    rpo: Duration::from_secs(1),
    rto: min(5),
    basis: "DynamoDB Developer Guide, global tables: asynchronous replication, usually within a second (typical, not promised); RTO estimate: send traffic to the replica Region, which takes reads and writes",
    rpo_at_limit: true,
    rto_at_limit: false,
};
// AWS Backup for DynamoDB: the generic BACKUP_SNAPSHOT and BACKUP_CROSS_REGION_COPY rows apply
// (AWS Backup Developer Guide, "Feature availability by resource": DynamoDB supports backup and
// cross-Region copy with AWS Backup's advanced features). Continuous backup is not offered for
// DynamoDB (same page: continuous backup covers RDS, Aurora, S3 and SAP HANA); its
// point-in-time recovery is DynamoDB's own, DYNAMODB_PITR above. A restore creates a new table.

// Source: Amazon SQS Developer Guide, "Resilience in Amazon SQS"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/disaster-recovery-resiliency.html):
// messages are stored within one Region on multiple redundant AZs, "so that no single computer,
// network, or Availability Zone (AZ) failure can make messages inaccessible".
/// SQS storage across AZs.
pub const SQS_REGIONAL: Mechanism = Mechanism {
    name: "SQS storage across AZs",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis:
        "SQS Developer Guide, Resilience: messages stored on multiple redundant AZs of one Region",
    rpo_at_limit: false,
    rto_at_limit: false,
};
// SQS has no mechanism for the other scopes: a queue exists in one Region only and AWS offers
// no replication or backup of its messages (same page), so the messages in a queue when its
// Region is lost are not recovered; a purged or deleted queue's messages are gone (SQS
// Developer Guide, "Purging messages": "can't be retrieved"). A dead-letter queue keeps
// failed messages, not a copy. The DR report shows no mechanism for those scopes; the fix is a
// producer that can resend, or an override with the reason.

// Lambda keeps no data: what is lost with a Region or a deleted function is the deployment,
// which the cloud assembly (the template and `asset.<hash>.zip`) holds. Source: AWS Lambda
// Developer Guide, "Resilience in AWS Lambda"
// (https://docs.aws.amazon.com/lambda/latest/dg/security-resilience.html): "Lambda runs your
// function in multiple Availability Zones"; functions and their code are Regional (the code sits
// in the Region's CDK assets bucket, `cdk-hnb659fds-assets-<account>-<Region>`), so after a
// Region loss the function exists only once the stack is bootstrapped and deployed in another
// Region. RTO figures are gs's estimates of that redeploy.
/// Lambda across the Region's AZs.
pub const LAMBDA_MULTI_AZ: Mechanism = Mechanism {
    name: "Lambda runs functions in multiple AZs",
    scope: FailureScope::AzLoss,
    rpo: Duration::ZERO,
    rto: Duration::ZERO,
    basis:
        "Lambda Developer Guide, Resilience: Lambda runs a function in multiple Availability Zones",
    rpo_at_limit: false,
    rto_at_limit: false,
};
/// Lambda redeployed from the cloud assembly after the function was deleted or broken.
pub const LAMBDA_REDEPLOY: Mechanism = Mechanism {
    name: "Lambda redeploy from the cloud assembly",
    scope: FailureScope::Corruption,
    rpo: Duration::ZERO,
    rto: min(30),
    basis: "Lambda keeps no data; the code is an asset of the cloud assembly (and in the assets bucket); RTO estimate: cdk deploy of the stack",
    rpo_at_limit: false,
    rto_at_limit: false,
};
/// Lambda redeployed in another Region after a Region loss.
pub const LAMBDA_REDEPLOY_REGION: Mechanism = Mechanism {
    name: "Lambda redeploy in another Region (code in the Regional assets bucket)",
    scope: FailureScope::RegionLoss,
    rpo: Duration::ZERO,
    rto: hours(1),
    basis: "Lambda Developer Guide, Resilience: functions are Regional and their code sits in the Region's assets bucket; recovery = cdk bootstrap and cdk deploy in another Region from the cloud assembly; RTO estimate",
    rpo_at_limit: false,
    rto_at_limit: false,
};

/// What would meet an objective the resource misses, per resource type and scope.
pub fn suggestion(type_name: &str, scope: FailureScope) -> &'static str {
    use FailureScope::*;
    match (type_name, scope) {
        ("AWS::EFS::FileSystem", RegionLoss) => "add EFS replication to the DR Region (`FileSystemProps::replication`, RPO 15 minutes) or an AWS Backup rule with a copy action to a vault in the DR Region",
        ("AWS::EFS::FileSystem", Corruption) => "protect it with an AWS Backup plan: hourly at most, and a run may start late and take time, so with the shortest windows AWS Backup allows (start within 1 h, complete within 2 h) the worst case is 4 hours; no AWS mechanism gives EFS less; override the objective with a reason if that is the target",
        ("AWS::EFS::FileSystem", AzLoss) => "use Regional (not One Zone) storage",
        ("AWS::RDS::DBCluster", RegionLoss) => "add an Aurora Global Database with a secondary cluster in the DR Region (RPO about 1 second)",
        ("AWS::RDS::DBCluster", Corruption) => "keep automated backups (BackupRetentionPeriod >= 1) or add an AWS Backup rule with continuous backup (RPO about 5 minutes)",
        ("AWS::RDS::DBCluster", AzLoss) => "add a reader instance in another AZ (failover in 1-2 minutes)",
        ("AWS::ElastiCache::ReplicationGroup", RegionLoss) => "add a global datastore, or override the objective if the cache is rebuilt from the database",
        ("AWS::ElastiCache::ReplicationGroup", Corruption) => "set SnapshotRetentionLimit > 0 (daily snapshots), or override the objective if the cache is rebuilt from the database",
        ("AWS::ElastiCache::ReplicationGroup", AzLoss) => "enable Multi-AZ with automatic failover and at least one replica per shard",
        ("AWS::Kinesis::Stream", RegionLoss) => "write to a stream in the DR Region as well, or override the objective for this stream with a reason",
        ("AWS::Kinesis::Stream", Corruption) => "a stream has no backup: its retention lets consumers replay records younger than the retention period, but deleting the stream (or lowering its retention) loses them; deliver the records to a versioned S3 bucket (e.g. with Firehose), or override the objective with a reason",
        ("AWS::SecretsManager::Secret", RegionLoss) => "replicate the secret to the DR Region (`SecretProps::replica_regions`)",
        ("AWS::S3::Bucket", RegionLoss) => "replicate the bucket to a bucket in the DR Region (a bucket of a stack in that Region, or one imported with its `Region`), with Replication Time Control for a 15-minute RPO; or override the objective for derived data",
        ("AWS::S3::Bucket", Corruption) => "enable versioning",
        ("AWS::Lambda::Function", RegionLoss) => "deploy the function's stack in the DR Region too (a second stack with the DR Region's environment), or override the objective with a reason",
        ("AWS::Lambda::Function", _) => "redeploy the stack from its cloud assembly, or override the objective with a reason",
        ("AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable", Corruption) => "turn on point-in-time recovery (`TableProps::point_in_time_recovery`, on by default; RPO about 5 minutes, restore into a new table) or protect the table with an AWS Backup plan",
        ("AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable", RegionLoss) => "add a replica in the DR Region (`TableProps::replica_regions`: a global table, RPO about 1 second) or an AWS Backup rule with a copy action to a vault in the DR Region",
        ("AWS::SQS::Queue", RegionLoss) => "SQS cannot recover a lost Region's messages: make producers able to resend (or write to a queue in the DR Region too), then override the objective for the queue with that reason",
        ("AWS::SQS::Queue", Corruption) => "SQS keeps no copy of messages (a purge or a deleted queue loses them): keep the source of truth elsewhere (a table, a bucket) and override the objective for the queue with that reason",
        _ => "add a mechanism for this scope, or override the objective for this construct with a reason",
    }
}
