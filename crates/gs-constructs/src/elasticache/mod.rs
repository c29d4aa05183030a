//! ElastiCache for Redis: [`ReplicationGroup`] with cluster mode enabled (shards, replicas
//! across AZs, encryption, authentication ([`RedisAuth`]: an AUTH token in Secrets Manager by
//! default), snapshots, log delivery to [`crate::logs::LogGroup`] handles), the
//! [`ReplicationGroupInfo`] side table disaster-recovery checks read, and the passes for log
//! types and physical-name limits (`cfn/name-constraints` checks RDS and Kinesis names too).

mod auth;
mod log_type;
pub(crate) mod names;
pub(crate) mod passes;
mod replication_group;

pub use crate::l1::elasticache::{CfnReplicationGroup, CfnSubnetGroup};
pub use auth::RedisAuth;
pub use log_type::LogType;
pub use replication_group::{
    LogFormat, ReplicationGroup, ReplicationGroupInfo, ReplicationGroupProps,
};
