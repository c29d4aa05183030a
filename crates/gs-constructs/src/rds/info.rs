//! [`DatabaseClusterInfo`]: what the app keeps of an Aurora cluster for passes, disaster-recovery
//! checks above all (backups, AZ spread, encryption, global membership).

use gs_core::{NodeId, RemovalPolicy};

use crate::kms::Key;
use crate::secretsmanager::Secret;

/// Whether an instance takes writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceRole {
    /// The writer (promotion tier 0).
    Writer,
    /// A reader, a failover target.
    Reader,
}

/// One instance of a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatabaseInstanceInfo {
    /// The `AWS::RDS::DBInstance` resource.
    pub resource: NodeId,
    /// Writer or reader.
    pub role: InstanceRole,
    /// The AZ it is placed in, as an index into the Region's AZs (`Fn::GetAZs`); `None` when RDS
    /// chooses.
    pub az: Option<u32>,
}

/// How a cluster takes part in an Aurora Global Database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalRole {
    /// The primary: it takes writes and replicates to the secondaries.
    Primary {
        /// The `AWS::RDS::GlobalCluster` resource (same stack).
        global_cluster: NodeId,
    },
    /// A secondary in another Region, naming the global cluster by its identifier.
    Secondary {
        /// The global cluster identifier.
        global_cluster_identifier: String,
    },
}

/// What the app keeps of a [`super::DatabaseCluster`]: attached to the cluster's group node
/// (`app.attached::<DatabaseClusterInfo>(cluster.node)`, or `app.all_attached` for every cluster).
///
/// It records what the typed constructor emitted; a pass that must also see escape-hatch edits
/// reads the emitted `AWS::RDS::DBCluster` properties of [`DatabaseClusterInfo::resource`].
#[derive(Clone, Debug, PartialEq)]
pub struct DatabaseClusterInfo {
    /// The `AWS::RDS::DBCluster` resource.
    pub resource: NodeId,
    /// `aurora-postgresql`.
    pub engine: &'static str,
    /// The engine version, e.g. `16.6`.
    pub engine_version: String,
    /// Days automated backups are kept (1 to 35). Aurora backs up continuously, so any point in
    /// this period can be restored (to within about the last 5 minutes).
    pub backup_retention_days: u32,
    /// The daily backup window (UTC), when set.
    pub preferred_backup_window: Option<String>,
    /// The instances, writer first.
    pub instances: Vec<DatabaseInstanceInfo>,
    /// Storage encrypted at rest (always, for clusters built by gs).
    pub storage_encrypted: bool,
    /// The customer managed key, when not the AWS managed `aws/rds`.
    pub kms_key: Option<Key>,
    /// Deletion protection on.
    pub deletion_protection: bool,
    /// What happens to the cluster when it leaves the stack.
    pub removal_policy: RemovalPolicy,
    /// The credentials secret (a secondary cluster of a global database has none of its own).
    pub secret: Option<Secret>,
    /// Membership in a global database.
    pub global: Option<GlobalRole>,
}

impl DatabaseClusterInfo {
    /// The distinct AZ indices the instances are placed in.
    pub fn availability_zones(&self) -> Vec<u32> {
        let mut azs: Vec<u32> = self.instances.iter().filter_map(|i| i.az).collect();
        azs.sort_unstable();
        azs.dedup();
        azs
    }

    /// Whether a reader in another AZ than the writer can take over when the writer's AZ fails.
    pub fn is_multi_az(&self) -> bool {
        self.availability_zones().len() >= 2
    }

    /// How many readers (failover targets) the cluster has.
    pub fn reader_count(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| i.role == InstanceRole::Reader)
            .count()
    }
}
