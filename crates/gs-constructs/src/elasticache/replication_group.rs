//! [`ReplicationGroup`]: Redis with cluster mode enabled — shards with replicas across AZs,
//! encrypted at rest and in transit, clients authenticated (an AUTH token generated into Secrets
//! Manager by default, see [`RedisAuth`]), in the private subnets behind its own security group,
//! its logs delivered to log groups given as handles.

use gs_core::{App, NodeId, RemovalPolicy, Resource, Scope, Value};

use super::auth::RedisAuth;
use super::log_type::{parse_version, LogType};
use super::names::{invalid_replication_group_id, REPLICATION_GROUP_ID_FIX};
use crate::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, SubnetType, Vpc};
use crate::error::{ConstructError, Result};
use crate::kms::Key;
use crate::l1::elasticache::replication_group::{
    CloudWatchLogsDestinationDetails, DestinationDetails, LogDeliveryConfigurationRequest,
};
use crate::l1::elasticache::{
    CfnReplicationGroup, CfnReplicationGroupProps, CfnSubnetGroup, CfnSubnetGroupProps,
};
use crate::l1::List;
use crate::logs::{LogDelivery, LogGroup};
use crate::rds::window::daily_window_minutes;
use crate::secretsmanager::{GenerateSecretString, Secret, SecretProps};

/// How delivered log entries are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One JSON object per entry.
    #[default]
    Json,
    /// Plain text.
    Text,
}

/// Settings of a [`ReplicationGroup`].
#[derive(Clone, Debug)]
pub struct ReplicationGroupProps {
    /// The replication group id (1 to 40 lowercase letters, digits and hyphens); `None` lets
    /// CloudFormation name it.
    pub replication_group_id: Option<String>,
    /// The description; `None` uses the construct path.
    pub description: Option<String>,
    /// The node type (`cache.t3.micro` by default).
    pub cache_node_type: String,
    /// The Redis version (`7.1` by default).
    pub engine_version: String,
    /// The parameter group; `None` uses the engine's default with cluster mode on
    /// (`default.redis7.cluster.on` for Redis 7).
    pub cache_parameter_group_name: Option<String>,
    /// How many shards (1 to 500).
    pub num_node_groups: u32,
    /// Replicas per shard (0 to 5; 1 by default, the failover target).
    pub replicas_per_node_group: u32,
    /// Place replicas in other AZs than their primaries (needs at least one replica).
    pub multi_az: bool,
    /// Promote a replica when a primary fails (cluster mode requires it).
    pub automatic_failover: bool,
    /// Encrypt data at rest.
    pub at_rest_encryption: bool,
    /// A customer managed key for data at rest; `None` uses the AWS managed key.
    pub at_rest_encryption_key: Option<Key>,
    /// TLS between clients and nodes.
    pub transit_encryption: bool,
    /// The port clients connect to.
    pub port: u16,
    /// How clients authenticate: an AUTH token generated into Secrets Manager by default.
    pub auth: RedisAuth,
    /// Days automatic snapshots are kept (0 turns them off; 7 by default, up to 35).
    pub snapshot_retention_days: u32,
    /// The daily snapshot window, `hh24:mi-hh24:mi` UTC, at least 60 minutes; `None` lets
    /// ElastiCache choose one that does not overlap the maintenance window.
    pub snapshot_window: Option<String>,
    /// The weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` UTC.
    pub preferred_maintenance_window: Option<String>,
    /// Deliver the slow log to this log group (Redis 6.0 or later).
    pub slow_log: Option<LogGroup>,
    /// Deliver the engine log to this log group (Redis 6.2 or later).
    pub engine_log: Option<LogGroup>,
    /// The format of delivered logs.
    pub log_format: LogFormat,
    /// What happens to the data when the group leaves the stack (a final snapshot by default).
    pub removal_policy: RemovalPolicy,
}

impl Default for ReplicationGroupProps {
    fn default() -> Self {
        ReplicationGroupProps {
            replication_group_id: None,
            description: None,
            cache_node_type: "cache.t3.micro".into(),
            engine_version: "7.1".into(),
            cache_parameter_group_name: None,
            num_node_groups: 1,
            replicas_per_node_group: 1,
            multi_az: true,
            automatic_failover: true,
            at_rest_encryption: true,
            at_rest_encryption_key: None,
            transit_encryption: true,
            port: 6379,
            auth: RedisAuth::GeneratedToken,
            snapshot_retention_days: 7,
            snapshot_window: None,
            preferred_maintenance_window: None,
            slow_log: None,
            engine_log: None,
            log_format: LogFormat::Json,
            removal_policy: RemovalPolicy::Snapshot,
        }
    }
}

/// What the app keeps of a replication group for passes (disaster-recovery checks read the
/// snapshots and the AZ spread): attached to the group's node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicationGroupInfo {
    /// The `AWS::ElastiCache::ReplicationGroup` resource.
    pub resource: NodeId,
    /// The Redis version.
    pub engine_version: String,
    /// Shards.
    pub num_node_groups: u32,
    /// Replicas per shard.
    pub replicas_per_node_group: u32,
    /// Replicas in other AZs than their primaries.
    pub multi_az: bool,
    /// Replicas promoted automatically.
    pub automatic_failover: bool,
    /// Days automatic snapshots are kept (0: none).
    pub snapshot_retention_days: u32,
    /// The daily snapshot window, when set.
    pub snapshot_window: Option<String>,
    /// Encrypted at rest.
    pub at_rest_encryption: bool,
    /// Encrypted in transit.
    pub transit_encryption: bool,
    /// What happens to the data when the group leaves the stack.
    pub removal_policy: RemovalPolicy,
}

/// A Redis replication group with cluster mode enabled.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let log_group = logs::LogGroup::new(&mut s, "RedisLogGroup", Default::default())?;
/// let redis = elasticache::ReplicationGroup::new(&mut s, "Redis", vpc, elasticache::ReplicationGroupProps {
///     replication_group_id: Some("globalstream-redis-dev".into()),
///     slow_log: Some(log_group),
///     ..Default::default()
/// })?;
/// assert_eq!(s.app().facts::<logs::LogDelivery>()[0].kind, "slow-log");
/// assert_eq!(redis.connections().default_port, ec2::Port::tcp(6379));
/// assert!(redis.info(s.app()).is_some_and(|i| i.multi_az && i.snapshot_retention_days == 7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicationGroup {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::ElastiCache::ReplicationGroup` resource.
    pub resource: CfnReplicationGroup,
    /// The `AWS::ElastiCache::SubnetGroup` resource.
    pub subnet_group: CfnSubnetGroup,
    /// The security group in front of the nodes.
    pub security_group: SecurityGroup,
    /// The port clients connect to.
    pub default_port: u16,
    /// The secret holding the AUTH token clients send (`None` with RBAC or no authentication):
    /// give it to the clients, e.g. as an ECS container secret.
    pub auth_token: Option<Secret>,
}

impl ReplicationGroup {
    /// Builds the replication group in `vpc`'s private subnets. With the default
    /// [`RedisAuth::GeneratedToken`] it also creates the secret `<id>/AuthToken`
    /// ([`ReplicationGroup::auth_token`]) that clients read the token from.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: ReplicationGroupProps,
    ) -> Result<ReplicationGroup> {
        scope.atomically(|scope| Self::build(scope, id, vpc, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: ReplicationGroupProps,
    ) -> Result<ReplicationGroup> {
        let path = scope.child_path(id);
        let parameter_group = check_props(&path, &props)?;
        let major = parse_version(&props.engine_version).map_or(0, |(m, _)| m);
        props
            .auth
            .check(scope.app(), &path, props.transit_encryption, major)?;
        let subnets = vpc.subnet_ids(scope.app(), SubnetType::Private);
        if !subnets.as_list().is_some_and(|l| !l.is_empty()) {
            return Err(ConstructError::invalid(
                path,
                "the VPC has no private subnets",
                "build the VPC with private subnets (the default)",
            ));
        }
        let description = props.description.clone().unwrap_or_else(|| path.clone());

        let mut g = scope.group(id)?;
        let node = g.node();
        let subnet_group = CfnSubnetGroup::new(
            &mut g,
            "SubnetGroup",
            CfnSubnetGroupProps::new(format!("Subnets of {path}"), subnets),
        )?;
        let security_group = SecurityGroup::new(
            &mut g,
            "SecurityGroup",
            vpc,
            SecurityGroupProps {
                description: Some(format!("Security group of {path}")),
                ..Default::default()
            },
        )?;
        let deliveries: Vec<(LogType, LogGroup)> = [
            (LogType::SlowLog, props.slow_log),
            (LogType::EngineLog, props.engine_log),
        ]
        .into_iter()
        .filter_map(|(t, g)| g.map(|g| (t, g)))
        .collect();
        let format = match props.log_format {
            LogFormat::Json => "json",
            LogFormat::Text => "text",
        };
        let log_configs: Vec<LogDeliveryConfigurationRequest> = deliveries
            .iter()
            .map(|(log_type, log_group)| {
                LogDeliveryConfigurationRequest::new(
                    DestinationDetails {
                        cloud_watch_logs_details: Some(CloudWatchLogsDestinationDetails::new(
                            log_group.name(),
                        )),
                        ..DestinationDetails::new()
                    },
                    "cloudwatch-logs",
                    format,
                    log_type.as_str(),
                )
            })
            .collect();
        let auth_token = match &props.auth {
            RedisAuth::GeneratedToken => Some(Secret::new(
                &mut g,
                "AuthToken",
                SecretProps {
                    description: Some(format!("AUTH token of {path}")),
                    generate: GenerateSecretString::auth_token(),
                    key: props.at_rest_encryption_key,
                    ..Default::default()
                },
            )?),
            RedisAuth::Token(secret) => Some(*secret),
            RedisAuth::UserGroups(_) | RedisAuth::None => None,
        };
        let user_groups = match &props.auth {
            RedisAuth::UserGroups(groups) => Some(groups.iter().cloned().collect()),
            _ => None,
        };
        let resource = CfnReplicationGroup::add(
            &mut g,
            "Resource",
            Resource {
                removal_policy: Some(props.removal_policy),
                ..CfnReplicationGroupProps {
                    at_rest_encryption_enabled: Some(props.at_rest_encryption.into()),
                    auth_token: auth_token.map(|t| gs_cfn::secret_value(t.arn(), None).into()),
                    automatic_failover_enabled: Some(props.automatic_failover.into()),
                    cache_node_type: Some(props.cache_node_type.as_str().into()),
                    cache_parameter_group_name: Some(parameter_group.into()),
                    cache_subnet_group_name: Some(subnet_group.reference().into()),
                    cluster_mode: Some("enabled".into()),
                    engine: Some("redis".into()),
                    engine_version: Some(props.engine_version.as_str().into()),
                    kms_key_id: props.at_rest_encryption_key.map(|k| k.arn().into()),
                    log_delivery_configurations: (!log_configs.is_empty())
                        .then_some(List::Items(log_configs)),
                    multi_az_enabled: Some(props.multi_az.into()),
                    num_node_groups: Some(props.num_node_groups.into()),
                    port: Some(props.port.into()),
                    preferred_maintenance_window: props
                        .preferred_maintenance_window
                        .clone()
                        .map(Into::into),
                    replicas_per_node_group: Some(props.replicas_per_node_group.into()),
                    replication_group_id: props.replication_group_id.clone().map(Into::into),
                    security_group_ids: Some([security_group.group_id()].into()),
                    snapshot_retention_limit: Some(props.snapshot_retention_days.into()),
                    snapshot_window: props.snapshot_window.clone().map(Into::into),
                    transit_encryption_enabled: Some(props.transit_encryption.into()),
                    user_group_ids: user_groups,
                    ..CfnReplicationGroupProps::new(description)
                }
                .into_resource()
            },
        )?;
        let app = g.app_mut();
        for (log_type, log_group) in deliveries {
            app.add_fact(LogDelivery {
                producer: resource.node(),
                log_group,
                kind: log_type.as_str(),
            });
            // The Ref already orders a defined group first; the explicit dependency keeps the
            // order if the name is ever given as a string through the escape hatch.
            if log_group.is_defined() {
                app.add_dependency(
                    resource,
                    log_group.node,
                    format!("ElastiCache delivers its {log_type} to the log group, which must exist first"),
                )?;
            }
        }
        app.attach(
            node,
            ReplicationGroupInfo {
                resource: resource.node(),
                engine_version: props.engine_version,
                num_node_groups: props.num_node_groups,
                replicas_per_node_group: props.replicas_per_node_group,
                multi_az: props.multi_az,
                automatic_failover: props.automatic_failover,
                snapshot_retention_days: props.snapshot_retention_days,
                snapshot_window: props.snapshot_window,
                at_rest_encryption: props.at_rest_encryption,
                transit_encryption: props.transit_encryption,
                removal_policy: props.removal_policy,
            },
        )?;
        Ok(ReplicationGroup {
            node,
            resource,
            subnet_group,
            security_group,
            default_port: props.port,
            auth_token,
        })
    }

    /// The configuration endpoint's host name (`Fn::GetAtt ConfigurationEndPoint.Address`),
    /// what cluster-mode clients connect to.
    pub fn configuration_endpoint_address(&self) -> Value {
        self.resource.attr_configuration_end_point_address()
    }

    /// The configuration endpoint's port (`Fn::GetAtt ConfigurationEndPoint.Port`).
    pub fn configuration_endpoint_port(&self) -> Value {
        self.resource.attr_configuration_end_point_port()
    }

    /// The replication group id (`Ref`).
    pub fn replication_group_id(&self) -> Value {
        self.resource.reference()
    }

    /// The security group on the Redis port: `redis.connections()
    /// .allow_default_port_from(&mut s, app_sg, "app to cache")`.
    pub fn connections(&self) -> Connectable {
        Connectable {
            security_group: self.security_group,
            default_port: Port::tcp(self.default_port),
        }
    }

    /// What the app keeps of this group (snapshots, AZ spread, encryption).
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a ReplicationGroupInfo> {
        app.attached::<ReplicationGroupInfo>(self.node)
    }
}

/// Checks the props; returns the parameter group to use.
fn check_props(path: &str, props: &ReplicationGroupProps) -> Result<String> {
    let invalid = |m: String, fix: &str| ConstructError::invalid(path, m, fix);
    if let Some(reason) = props
        .replication_group_id
        .as_deref()
        .and_then(invalid_replication_group_id)
    {
        return Err(invalid(
            format!("the replication group id {reason}"),
            REPLICATION_GROUP_ID_FIX,
        ));
    }
    if !(1..=500).contains(&props.num_node_groups) {
        return Err(invalid(
            format!("num_node_groups is {}, not 1 to 500", props.num_node_groups),
            "give at least one shard",
        ));
    }
    if props.replicas_per_node_group > 5 {
        return Err(invalid(
            format!(
                "replicas_per_node_group is {}, more than 5",
                props.replicas_per_node_group
            ),
            "use 0 to 5 replicas per shard",
        ));
    }
    if !props.automatic_failover {
        return Err(invalid(
            "automatic failover is off, but Redis with cluster mode enabled requires it".into(),
            "leave automatic_failover on (the default)",
        ));
    }
    if props.multi_az && props.replicas_per_node_group == 0 {
        return Err(invalid(
            "Multi-AZ is on but shards have no replica to fail over to".into(),
            "set replicas_per_node_group to 1 or more, or turn multi_az off",
        ));
    }
    if props.snapshot_retention_days > 35 {
        return Err(invalid(
            format!(
                "snapshot_retention_days is {}, more than 35",
                props.snapshot_retention_days
            ),
            "keep snapshots 0 to 35 days (7 by default)",
        ));
    }
    if let Some(w) = &props.snapshot_window {
        match daily_window_minutes(w) {
            Err(m) => {
                return Err(invalid(
                    format!("the snapshot window {m}"),
                    "write it like `05:00-06:00` (UTC)",
                ))
            }
            Ok(len) if len < 60 => {
                return Err(invalid(
                    format!("the snapshot window `{w}` is {len} minutes long"),
                    "give the snapshot window at least 60 minutes",
                ))
            }
            Ok(_) => {}
        }
    }
    if props.at_rest_encryption_key.is_some() && !props.at_rest_encryption {
        return Err(invalid(
            "a KMS key is given but encryption at rest is off".into(),
            "turn at_rest_encryption on, or drop the key",
        ));
    }
    if !props.cache_node_type.starts_with("cache.") {
        return Err(invalid(
            format!("`{}` is not a cache node type", props.cache_node_type),
            "give a node type such as `cache.t3.micro`",
        ));
    }
    let Some((major, minor)) = parse_version(&props.engine_version) else {
        return Err(invalid(
            format!("`{}` is not a Redis version", props.engine_version),
            "give a version such as `7.1`",
        ));
    };
    for (log_type, group) in [
        (LogType::SlowLog, props.slow_log),
        (LogType::EngineLog, props.engine_log),
    ] {
        if group.is_some() && !log_type.supported_by(&props.engine_version) {
            let (min_major, min_minor) = log_type.min_redis_version();
            return Err(invalid(
                format!(
                    "Redis {} cannot deliver the {log_type}",
                    props.engine_version
                ),
                &format!("use Redis {min_major}.{min_minor} or later (`7.1` is the default)"),
            ));
        }
    }
    if let Some(name) = &props.cache_parameter_group_name {
        return Ok(name.clone());
    }
    match (major, minor) {
        (7, _) => Ok("default.redis7.cluster.on".into()),
        (6, _) => Ok("default.redis6.x.cluster.on".into()),
        (5, _) => Ok("default.redis5.0.cluster.on".into()),
        _ => Err(invalid(
            format!(
                "gs knows no default cluster-mode parameter group for Redis {}",
                props.engine_version
            ),
            "name one in cache_parameter_group_name",
        )),
    }
}
