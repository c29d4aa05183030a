//! Aurora PostgreSQL Serverless v2: [`DatabaseCluster`] (cluster, writer and readers spread over
//! AZs, subnet group, security group, credentials from a secret), the [`DatabaseClusterInfo`]
//! side table disaster-recovery checks read, and Aurora Global Database ([`GlobalCluster`],
//! [`SecondaryDatabaseCluster`]).

mod cluster;
mod global;
mod info;
pub(crate) mod names;
pub(crate) mod window;

pub use cluster::{CfnDbCluster, CfnDbInstance, DatabaseCluster, DatabaseClusterProps, ENGINE};
pub use global::{
    CfnGlobalCluster, GlobalCluster, GlobalClusterInfo, GlobalClusterProps,
    SecondaryDatabaseCluster,
};
pub use info::{DatabaseClusterInfo, DatabaseInstanceInfo, GlobalRole, InstanceRole};
