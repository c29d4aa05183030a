//! [`DatabaseCluster`]: Aurora PostgreSQL Serverless v2 — a cluster, a writer and readers spread
//! over AZs, a subnet group on the private subnets, its own security group, credentials from a
//! Secrets Manager secret attached to the cluster.

use std::borrow::Cow;

use gs_core::{App, Handle, NodeId, Pseudo, RemovalPolicy, Resource, Scope, Value, ValueMap};

use super::info::{DatabaseClusterInfo, DatabaseInstanceInfo, GlobalRole, InstanceRole};
use super::names::{invalid_cluster_identifier, invalid_database_name, CLUSTER_IDENTIFIER_FIX};
use super::window::daily_window_minutes;
use crate::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, SubnetType, Vpc};
use crate::error::{ConstructError, Result};
use crate::kms::Key;
use crate::secretsmanager::Secret;

/// Marker of the `AWS::RDS::DBCluster` resource.
#[derive(Debug)]
pub enum CfnDbCluster {}
/// Marker of an `AWS::RDS::DBInstance` resource.
#[derive(Debug)]
pub enum CfnDbInstance {}

/// The engine every cluster of this module runs.
pub const ENGINE: &str = "aurora-postgresql";

/// Settings of a [`DatabaseCluster`].
#[derive(Clone, Debug)]
pub struct DatabaseClusterProps {
    /// The cluster identifier (`DBClusterIdentifier`); `None` lets CloudFormation name it.
    pub cluster_identifier: Option<String>,
    /// The Aurora PostgreSQL version (Serverless v2 needs 13.6, 14.3, 15.2 or later).
    pub engine_version: String,
    /// A database created with the cluster.
    pub default_database_name: Option<String>,
    /// Minimum capacity in Aurora capacity units (0.5 to 256, in steps of 0.5).
    pub min_capacity: f64,
    /// Maximum capacity in Aurora capacity units (0.5 to 256, in steps of 0.5).
    pub max_capacity: f64,
    /// How many readers besides the writer (1 by default: a failover target in another AZ).
    pub readers: u32,
    /// Days automated backups are kept (1 to 35; 7 by default).
    pub backup_retention_days: u32,
    /// Daily backup window, `hh24:mi-hh24:mi` UTC, at least 30 minutes.
    pub preferred_backup_window: Option<String>,
    /// Weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` UTC.
    pub preferred_maintenance_window: Option<String>,
    /// A customer managed key for storage; `None` uses the AWS managed key `aws/rds`. Storage is
    /// always encrypted.
    pub storage_encryption_key: Option<Key>,
    /// Refuse deletion of the cluster (on by default; turn off for throw-away environments).
    pub deletion_protection: bool,
    /// Copy the cluster's tags to its snapshots.
    pub copy_tags_to_snapshot: bool,
    /// Logs exported to CloudWatch Logs.
    pub cloudwatch_logs_exports: Vec<String>,
    /// The port clients connect to.
    pub port: u16,
    /// What happens to the data when the cluster leaves the stack (a final snapshot by default).
    pub removal_policy: RemovalPolicy,
    /// Make this cluster the primary of an Aurora Global Database.
    pub global_cluster: Option<super::GlobalCluster>,
}

impl Default for DatabaseClusterProps {
    fn default() -> Self {
        DatabaseClusterProps {
            cluster_identifier: None,
            engine_version: "16.6".into(),
            default_database_name: None,
            min_capacity: 0.5,
            max_capacity: 2.0,
            readers: 1,
            backup_retention_days: 7,
            preferred_backup_window: Some("03:00-04:00".into()),
            preferred_maintenance_window: None,
            storage_encryption_key: None,
            deletion_protection: true,
            copy_tags_to_snapshot: true,
            cloudwatch_logs_exports: vec!["postgresql".into()],
            port: 5432,
            removal_policy: RemovalPolicy::Snapshot,
            global_cluster: None,
        }
    }
}

/// An Aurora PostgreSQL Serverless v2 cluster.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let creds = Secret::new(&mut s, "DbCredentials", SecretProps {
///     generate: GenerateSecretString::credentials("postgres"), ..Default::default() })?;
/// let db = rds::DatabaseCluster::new(&mut s, "AuroraCluster", vpc, creds, Default::default())?;
/// let info = db.info(s.app()).expect("recorded");
/// assert!(info.is_multi_az());
/// assert_eq!(info.backup_retention_days, 7);
/// assert_eq!(db.connections().default_port, ec2::Port::tcp(5432));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatabaseCluster {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::RDS::DBCluster` resource.
    pub resource: Handle<CfnDbCluster>,
    /// The writer instance.
    pub writer: Handle<CfnDbInstance>,
    /// The cluster's security group.
    pub security_group: SecurityGroup,
    /// The credentials secret.
    pub secret: Secret,
    /// The `AWS::SecretsManager::SecretTargetAttachment` that tells the secret its cluster.
    pub secret_attachment: NodeId,
    /// The `AWS::RDS::DBSubnetGroup` resource.
    pub subnet_group: NodeId,
    /// The port clients connect to.
    pub default_port: u16,
}

/// What both a primary and a secondary cluster are built from.
pub(crate) struct Built {
    pub(crate) node: NodeId,
    pub(crate) resource: Handle<CfnDbCluster>,
    pub(crate) writer: Handle<CfnDbInstance>,
    pub(crate) security_group: SecurityGroup,
    pub(crate) subnet_group: NodeId,
}

/// How the cluster gets its master credentials.
pub(crate) enum Membership {
    /// A standalone or primary cluster: credentials from the secret.
    Owner(Secret),
    /// A secondary of a global database: no credentials of its own.
    Secondary(String),
}

impl DatabaseCluster {
    /// Builds the cluster in `vpc`'s private subnets, its master user and password read from
    /// `credentials` (a JSON secret with `username` and `password`, e.g.
    /// [`GenerateSecretString::credentials`](crate::secretsmanager::GenerateSecretString::credentials)).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        credentials: Secret,
        props: DatabaseClusterProps,
    ) -> Result<DatabaseCluster> {
        scope.atomically(|scope| Self::new_impl(scope, id, vpc, credentials, props))
    }

    fn new_impl(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        credentials: Secret,
        props: DatabaseClusterProps,
    ) -> Result<DatabaseCluster> {
        let path = scope.child_path(id);
        check_credentials(scope.app(), &path, credentials)?;
        let default_port = props.port;
        let built = build(scope, id, vpc, Membership::Owner(credentials), props)?;
        let mut g = scope.app_mut().at(built.node)?;
        let attachment = g.resource::<()>(
            "SecretAttachment",
            Resource::new("AWS::SecretsManager::SecretTargetAttachment").properties(
                ValueMap::with_capacity(3)
                    .with("SecretId", credentials.arn())
                    .with("TargetId", Value::Ref(built.resource.node()))
                    .with("TargetType", "AWS::RDS::DBCluster"),
            ),
        )?;
        Ok(DatabaseCluster {
            node: built.node,
            resource: built.resource,
            writer: built.writer,
            security_group: built.security_group,
            secret: credentials,
            secret_attachment: attachment.node(),
            subnet_group: built.subnet_group,
            default_port,
        })
    }

    /// The cluster identifier (`Ref`).
    pub fn cluster_identifier(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The cluster's ARN, `arn:<partition>:rds:<region>:<account>:cluster:<identifier>`.
    pub fn arn(&self) -> Value {
        cluster_arn(self.resource)
    }

    /// The writer endpoint's host name (`Fn::GetAtt Endpoint.Address`).
    pub fn endpoint_address(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Endpoint.Address".into())
    }

    /// The reader endpoint's host name (`Fn::GetAtt ReadEndpoint.Address`).
    pub fn reader_endpoint_address(&self) -> Value {
        Value::GetAtt(self.resource.node(), "ReadEndpoint.Address".into())
    }

    /// The port (`Fn::GetAtt Endpoint.Port`).
    pub fn port(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Endpoint.Port".into())
    }

    /// The secret's ARN through the attachment (`Ref`), so readers of the secret wait until it
    /// knows the cluster's host and port.
    pub fn secret_arn(&self) -> Value {
        Value::Ref(self.secret_attachment)
    }

    /// The cluster's security group on the PostgreSQL port: `db.connections()
    /// .allow_default_port_from(&mut s, app_sg, "app to database")`.
    pub fn connections(&self) -> Connectable {
        Connectable {
            security_group: self.security_group,
            default_port: Port::tcp(self.default_port),
        }
    }

    /// What the app keeps of this cluster (backups, AZ spread, encryption).
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a DatabaseClusterInfo> {
        app.attached::<DatabaseClusterInfo>(self.node)
    }
}

pub(crate) fn cluster_arn(cluster: Handle<CfnDbCluster>) -> Value {
    Value::join(
        "",
        [
            Value::from("arn:"),
            Value::Pseudo(Pseudo::Partition),
            Value::from(":rds:"),
            Value::Pseudo(Pseudo::Region),
            Value::from(":"),
            Value::Pseudo(Pseudo::AccountId),
            Value::from(":cluster:"),
            Value::Ref(cluster.node()),
        ],
    )
}

/// The secret must hold `username` and `password`: refuse a generated secret that would not.
fn check_credentials(app: &App, path: &str, secret: Secret) -> Result<()> {
    let generate = app
        .node(secret.resource)?
        .as_resource()
        .and_then(|r| r.properties.get("GenerateSecretString"))
        .and_then(Value::as_map);
    let Some(generate) = generate else {
        return Ok(());
    };
    let has_username = generate
        .get("SecretStringTemplate")
        .and_then(Value::as_str)
        .is_some_and(|t| t.contains("\"username\""));
    let generates_password =
        generate.get("GenerateStringKey").and_then(Value::as_str) == Some("password");
    if has_username && generates_password {
        Ok(())
    } else {
        Err(ConstructError::invalid(
            path,
            format!(
                "the credentials secret {} does not generate a JSON `username` and `password`",
                app.path(secret.node)?
            ),
            "build the secret with `GenerateSecretString::credentials(\"postgres\")`",
        ))
    }
}

fn check_props(path: &str, props: &DatabaseClusterProps) -> Result<()> {
    let invalid = |m: String, fix: &str| Err(ConstructError::invalid(path, m, fix));
    if let Some(reason) = props
        .cluster_identifier
        .as_deref()
        .and_then(invalid_cluster_identifier)
    {
        return invalid(
            format!("the cluster identifier {reason}"),
            CLUSTER_IDENTIFIER_FIX,
        );
    }
    if let Some(reason) = props
        .default_database_name
        .as_deref()
        .and_then(invalid_database_name)
    {
        return invalid(
            format!("the database name {reason}"),
            "name the database like `globalstream`",
        );
    }
    let acu_ok = |c: f64| (0.5..=256.0).contains(&c) && (c * 2.0).fract() == 0.0;
    if !acu_ok(props.min_capacity) || !acu_ok(props.max_capacity) {
        return invalid(
            format!(
                "Serverless v2 capacity {}..{} ACU is outside 0.5 to 256 in steps of 0.5",
                props.min_capacity, props.max_capacity
            ),
            "give min and max capacity such as 0.5 and 4",
        );
    }
    if props.min_capacity > props.max_capacity {
        return invalid(
            format!(
                "min_capacity {} is above max_capacity {}",
                props.min_capacity, props.max_capacity
            ),
            "make min_capacity at most max_capacity",
        );
    }
    if !(1..=35).contains(&props.backup_retention_days) {
        return invalid(
            format!(
                "backup_retention_days is {}, not 1 to 35",
                props.backup_retention_days
            ),
            "keep backups 1 to 35 days (7 by default)",
        );
    }
    if let Some(w) = &props.preferred_backup_window {
        match daily_window_minutes(w) {
            Err(m) => {
                return invalid(
                    format!("the backup window {m}"),
                    "write it like `03:00-04:00` (UTC)",
                )
            }
            Ok(len) if len < 30 => {
                return invalid(
                    format!("the backup window `{w}` is {len} minutes long"),
                    "give the backup window at least 30 minutes",
                )
            }
            Ok(_) => {}
        }
    }
    if props.readers > 15 {
        return invalid(
            format!("{} readers is more than Aurora's 15", props.readers),
            "use at most 15 readers",
        );
    }
    if !props
        .engine_version
        .starts_with(|c: char| c.is_ascii_digit())
        || !props
            .engine_version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
    {
        return invalid(
            format!(
                "`{}` is not an Aurora PostgreSQL version",
                props.engine_version
            ),
            "give a version such as `16.6`",
        );
    }
    Ok(())
}

/// Instances and the subnet group are not snapshotted by themselves: they follow the cluster's
/// policy only to be retained (as CDK does).
fn helper_policy(policy: RemovalPolicy) -> RemovalPolicy {
    match policy {
        RemovalPolicy::Retain => RemovalPolicy::Retain,
        RemovalPolicy::Destroy | RemovalPolicy::Snapshot => RemovalPolicy::Destroy,
    }
}

/// Builds the group, subnet group, security group, cluster and instances, and attaches the
/// [`DatabaseClusterInfo`].
pub(crate) fn build(
    scope: &mut Scope<'_>,
    id: &str,
    vpc: Vpc,
    membership: Membership,
    props: DatabaseClusterProps,
) -> Result<Built> {
    let path = scope.child_path(id);
    check_props(&path, &props)?;
    let subnets = vpc.subnets(scope.app(), SubnetType::Private);
    let mut azs: Vec<u32> = subnets.iter().map(|s| s.az).collect();
    azs.sort_unstable();
    azs.dedup();
    if azs.len() < 2 {
        return Err(ConstructError::invalid(
            path,
            format!(
                "the VPC's private subnets span {} AZ(s); a DB subnet group needs at least 2",
                azs.len()
            ),
            "build the VPC with max_azs of 2 or more",
        ));
    }
    if let Some(global) = props.global_cluster {
        let global_version = global.info(scope.app()).map(|i| i.engine_version.clone());
        if global_version.as_deref() != Some(props.engine_version.as_str()) {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "the cluster runs {} but its global cluster runs {}",
                    props.engine_version,
                    global_version.unwrap_or_default()
                ),
                "give the cluster the global cluster's engine_version",
            ));
        }
    }
    if let Some(secret) = match &membership {
        Membership::Owner(s) => Some(*s),
        Membership::Secondary(_) => None,
    } {
        if let Some((other, _)) = scope
            .app()
            .all_attached::<DatabaseClusterInfo>()
            .find(|(_, i)| i.secret == Some(secret))
        {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "the credentials secret is already attached to {}",
                    scope.app().path(other)?
                ),
                "give each cluster its own secret",
            ));
        }
    }

    let mut g = scope.group(id)?;
    let node = g.node();
    let helper = helper_policy(props.removal_policy);
    let subnet_group = {
        let mut sg = g.group("Subnets")?;
        sg.resource::<()>(
            "Default",
            Resource::new("AWS::RDS::DBSubnetGroup")
                .properties(
                    ValueMap::with_capacity(2)
                        .with(
                            "DBSubnetGroupDescription",
                            format!("Subnets for {id} database"),
                        )
                        .with("SubnetIds", vpc.subnet_ids(sg.app(), SubnetType::Private)),
                )
                .tagged()
                .removal_policy(helper),
        )?
        .node()
    };
    let security_group = SecurityGroup::new(
        &mut g,
        "SecurityGroup",
        vpc,
        SecurityGroupProps {
            description: Some("RDS security group".into()),
            ..Default::default()
        },
    )?;

    let key_arn = props.storage_encryption_key.map(|k| k.arn());
    let (username, password, global_id, key_id) = match &membership {
        Membership::Owner(secret) => (
            Some(secret.field("username")),
            Some(secret.field("password")),
            props
                .global_cluster
                .map(|gc| Value::Ref(gc.resource.node())),
            key_arn,
        ),
        // A secondary of an encrypted global database must name a key of its own Region.
        Membership::Secondary(name) => (
            None,
            None,
            Some(Value::from(name.as_str())),
            Some(key_arn.unwrap_or_else(|| Value::from("alias/aws/rds"))),
        ),
    };
    let resource = g.resource::<CfnDbCluster>(
        "Resource",
        Resource::new("AWS::RDS::DBCluster")
            .properties(
                ValueMap::with_capacity(19)
                    .with("BackupRetentionPeriod", props.backup_retention_days)
                    .with("CopyTagsToSnapshot", props.copy_tags_to_snapshot)
                    .with_opt("DBClusterIdentifier", props.cluster_identifier)
                    .with("DBSubnetGroupName", Value::Ref(subnet_group))
                    .with_opt("DatabaseName", props.default_database_name)
                    .with("DeletionProtection", props.deletion_protection)
                    .with(
                        "EnableCloudwatchLogsExports",
                        Value::List(
                            props
                                .cloudwatch_logs_exports
                                .iter()
                                .map(Value::from)
                                .collect(),
                        ),
                    )
                    .with("Engine", ENGINE)
                    .with("EngineVersion", props.engine_version.as_str())
                    .with_opt("GlobalClusterIdentifier", global_id)
                    .with_opt("KmsKeyId", key_id)
                    .with_opt("MasterUserPassword", password)
                    .with_opt("MasterUsername", username)
                    .with("Port", props.port)
                    .with_opt(
                        "PreferredBackupWindow",
                        props.preferred_backup_window.clone(),
                    )
                    .with_opt(
                        "PreferredMaintenanceWindow",
                        props.preferred_maintenance_window,
                    )
                    .with(
                        "ServerlessV2ScalingConfiguration",
                        ValueMap::with_capacity(2)
                            .with("MaxCapacity", props.max_capacity)
                            .with("MinCapacity", props.min_capacity),
                    )
                    .with("StorageEncrypted", true)
                    .with(
                        "VpcSecurityGroupIds",
                        Value::List(vec![security_group.group_id()]),
                    ),
            )
            .tagged()
            .removal_policy(props.removal_policy),
    )?;

    // The writer in the first AZ, readers round the others: losing one AZ leaves a failover
    // target (tier 1) in another.
    let mut instances = Vec::new();
    let mut writer = None;
    for i in 0..=props.readers {
        let (instance_id, role, tier) = match i {
            0 => (Cow::Borrowed("Writer"), InstanceRole::Writer, 0),
            1 => (Cow::Borrowed("Reader"), InstanceRole::Reader, 1),
            n => (Cow::Owned(format!("Reader{n}")), InstanceRole::Reader, 1),
        };
        let az = azs.get(i as usize % azs.len()).copied();
        let mut ig = g.group(&instance_id)?;
        let instance = ig.resource::<CfnDbInstance>(
            "Resource",
            Resource::new("AWS::RDS::DBInstance")
                .properties(
                    ValueMap::with_capacity(7)
                        .with_opt(
                            "AvailabilityZone",
                            az.map(|az| Value::select(az, Value::azs())),
                        )
                        .with("DBClusterIdentifier", Value::Ref(resource.node()))
                        .with("DBInstanceClass", "db.serverless")
                        .with("DBSubnetGroupName", Value::Ref(subnet_group))
                        .with("Engine", ENGINE)
                        .with("PromotionTier", tier)
                        .with("PubliclyAccessible", false),
                )
                .tagged()
                .removal_policy(helper),
        )?;
        if role == InstanceRole::Writer {
            writer = Some(instance);
        }
        instances.push(DatabaseInstanceInfo {
            resource: instance.node(),
            role,
            az,
        });
    }
    let writer = writer.ok_or_else(|| {
        ConstructError::invalid(&path, "no writer was built", "report this as a gs bug")
    })?;

    let (secret, global) = match membership {
        Membership::Owner(secret) => (
            Some(secret),
            props.global_cluster.map(|gc| GlobalRole::Primary {
                global_cluster: gc.resource.node(),
            }),
        ),
        Membership::Secondary(name) => (
            None,
            Some(GlobalRole::Secondary {
                global_cluster_identifier: name,
            }),
        ),
    };
    g.app_mut().attach(
        node,
        DatabaseClusterInfo {
            resource: resource.node(),
            engine: ENGINE,
            engine_version: props.engine_version,
            backup_retention_days: props.backup_retention_days,
            preferred_backup_window: props.preferred_backup_window,
            instances,
            storage_encrypted: true,
            kms_key: props.storage_encryption_key,
            deletion_protection: props.deletion_protection,
            removal_policy: props.removal_policy,
            secret,
            global,
        },
    )?;
    Ok(Built {
        node,
        resource,
        writer,
        security_group,
        subnet_group,
    })
}
