//! Aurora Global Database: [`GlobalCluster`] (with the primary cluster in its stack, through
//! [`DatabaseClusterProps::global_cluster`]) and [`SecondaryDatabaseCluster`], a read-only
//! cluster in another Region's stack that replicates from the primary, typically with under a
//! second of lag, and can be promoted when the primary Region fails.

use gs_core::{App, Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::cluster::{
    build, cluster_arn, CfnDbCluster, CfnDbInstance, DatabaseClusterProps, Membership, ENGINE,
};
use super::info::DatabaseClusterInfo;
use super::names::{invalid_cluster_identifier, CLUSTER_IDENTIFIER_FIX};
use crate::ec2::{Connectable, Port, SecurityGroup, Vpc};
use crate::error::{ConstructError, Result};

/// Marker of the `AWS::RDS::GlobalCluster` resource.
#[derive(Debug)]
pub enum CfnGlobalCluster {}

/// Settings of a [`GlobalCluster`].
#[derive(Clone, Debug)]
pub struct GlobalClusterProps {
    /// The Aurora PostgreSQL version of every member (they must all run it).
    pub engine_version: String,
    /// Refuse deletion of the global cluster.
    pub deletion_protection: bool,
}

impl Default for GlobalClusterProps {
    fn default() -> Self {
        GlobalClusterProps {
            engine_version: DatabaseClusterProps::default().engine_version,
            deletion_protection: true,
        }
    }
}

/// What the app keeps of a global cluster: attached to its group node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalClusterInfo {
    /// The literal identifier secondaries name.
    pub identifier: String,
    /// The engine version every member runs.
    pub engine_version: String,
}

/// An Aurora Global Database: give it to the primary cluster as
/// [`DatabaseClusterProps::global_cluster`], and to each [`SecondaryDatabaseCluster`].
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Primary", StackProps { region: Some("us-east-1".into()), ..Default::default() })?;
/// let mut s = app.at(stack)?;
/// let global = rds::GlobalCluster::new(&mut s, "Global", "globalstream-dev", Default::default())?;
/// assert_eq!(global.info(s.app()).map(|i| i.identifier.as_str()), Some("globalstream-dev"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalCluster {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::RDS::GlobalCluster` resource.
    pub resource: Handle<CfnGlobalCluster>,
}

impl GlobalCluster {
    /// A global cluster named `identifier` (secondaries in other Regions name it literally: a
    /// reference cannot cross Regions).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        identifier: &str,
        props: GlobalClusterProps,
    ) -> Result<GlobalCluster> {
        scope.atomically(|scope| Self::build(scope, id, identifier, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        identifier: &str,
        props: GlobalClusterProps,
    ) -> Result<GlobalCluster> {
        let path = scope.child_path(id);
        if let Some(reason) = invalid_cluster_identifier(identifier) {
            return Err(ConstructError::invalid(
                path,
                format!("the global cluster identifier {reason}"),
                CLUSTER_IDENTIFIER_FIX,
            ));
        }
        let mut g = scope.group(id)?;
        let resource = g.resource::<CfnGlobalCluster>(
            "Resource",
            Resource::new("AWS::RDS::GlobalCluster")
                .properties(
                    ValueMap::with_capacity(5)
                        .with("DeletionProtection", props.deletion_protection)
                        .with("Engine", ENGINE)
                        .with("EngineVersion", props.engine_version.as_str())
                        .with("GlobalClusterIdentifier", identifier)
                        .with("StorageEncrypted", true),
                )
                .tagged(),
        )?;
        let node = g.node();
        g.app_mut().attach(
            node,
            GlobalClusterInfo {
                identifier: identifier.into(),
                engine_version: props.engine_version,
            },
        )?;
        Ok(GlobalCluster { node, resource })
    }

    /// What the app keeps of this global cluster.
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a GlobalClusterInfo> {
        app.attached::<GlobalClusterInfo>(self.node)
    }

    /// The global cluster's identifier (`Ref`), for its own stack (and stacks of its Region).
    pub fn global_cluster_identifier(&self) -> Value {
        Value::Ref(self.resource.node())
    }
}

/// A secondary cluster of a global database, in another Region's stack: no credentials of its
/// own (they replicate), read-only until promoted.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let primary = app.stack("Primary", StackProps { region: Some("us-east-1".into()), ..Default::default() })?;
/// let global = rds::GlobalCluster::new(&mut app.at(primary)?, "Global", "globalstream-dev", Default::default())?;
/// let dr = app.stack("Dr", StackProps { region: Some("us-west-2".into()), ..Default::default() })?;
/// let mut s = app.at(dr)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let replica = rds::SecondaryDatabaseCluster::new(&mut s, "Replica", vpc, global, Default::default())?;
/// assert!(replica.info(s.app()).is_some_and(|i| i.secret.is_none()));
/// assert_eq!(replica.global_cluster_identifier(s.app()), Some(Value::from("globalstream-dev")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecondaryDatabaseCluster {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::RDS::DBCluster` resource.
    pub resource: Handle<CfnDbCluster>,
    /// The first instance (a reader until the cluster is promoted).
    pub writer: Handle<CfnDbInstance>,
    /// The cluster's security group.
    pub security_group: SecurityGroup,
    /// The `AWS::RDS::DBSubnetGroup` resource.
    pub subnet_group: NodeId,
    /// The port clients connect to.
    pub default_port: u16,
}

impl SecondaryDatabaseCluster {
    /// Builds a secondary of `global` in `vpc`'s private subnets. Its stack deploys after the
    /// global cluster's (an explicit cross-stack dependency), and it names the global cluster by
    /// its literal identifier. `props.engine_version` must be the global cluster's;
    /// `default_database_name` must be unset (the databases replicate). Storage is encrypted
    /// with `storage_encryption_key`, or with `aws/rds` of the secondary's Region.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        global: GlobalCluster,
        props: DatabaseClusterProps,
    ) -> Result<SecondaryDatabaseCluster> {
        scope.atomically(|scope| Self::build(scope, id, vpc, global, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        global: GlobalCluster,
        props: DatabaseClusterProps,
    ) -> Result<SecondaryDatabaseCluster> {
        let path = scope.child_path(id);
        let Some(info) = global.info(scope.app()).cloned() else {
            return Err(ConstructError::invalid(
                path,
                "the global cluster handle has no recorded identifier",
                "build it with `rds::GlobalCluster::new`",
            ));
        };
        if props.default_database_name.is_some() {
            return Err(ConstructError::invalid(
                path,
                "a secondary cluster cannot create a database",
                "leave default_database_name unset: the primary's databases replicate",
            ));
        }
        if props.global_cluster.is_some() {
            return Err(ConstructError::invalid(
                path,
                "a secondary cluster was also given a global cluster to be primary of",
                "leave global_cluster unset in a secondary's props",
            ));
        }
        if props.engine_version != info.engine_version {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "the secondary runs {} but the global cluster runs {}",
                    props.engine_version, info.engine_version
                ),
                "give the secondary the global cluster's engine_version",
            ));
        }
        if scope.app().node(global.node)?.stack() == scope.stack() {
            return Err(ConstructError::invalid(
                path,
                "the secondary is in the global cluster's own stack",
                "build the secondary in a stack of another Region",
            ));
        }
        let region_of = |stack: NodeId| -> Result<Option<String>> {
            Ok(match scope.app().node(stack)?.kind() {
                gs_core::NodeKind::Stack(s) => s.region.clone(),
                _ => None,
            })
        };
        let home = region_of(scope.app().node(global.node)?.stack())?;
        if home.is_some() && home == region_of(scope.stack())? {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "the secondary's stack is in {}, the global cluster's Region: it would not survive the loss of that Region",
                    home.unwrap_or_default()
                ),
                "build the secondary in a stack of another Region",
            ));
        }
        let default_port = props.port;
        let built = build(
            scope,
            id,
            vpc,
            Membership::Secondary(info.identifier),
            props,
        )?;
        scope.app_mut().add_dependency(
            built.node,
            global.node,
            "a secondary cluster joins an existing global cluster",
        )?;
        Ok(SecondaryDatabaseCluster {
            node: built.node,
            resource: built.resource,
            writer: built.writer,
            security_group: built.security_group,
            subnet_group: built.subnet_group,
            default_port,
        })
    }

    /// The cluster identifier (`Ref`).
    pub fn cluster_identifier(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The cluster's ARN.
    pub fn arn(&self) -> Value {
        cluster_arn(self.resource)
    }

    /// The reader endpoint's host name (`Fn::GetAtt ReadEndpoint.Address`).
    pub fn reader_endpoint_address(&self) -> Value {
        Value::GetAtt(self.resource.node(), "ReadEndpoint.Address".into())
    }

    /// The cluster (writer) endpoint's host name (`Fn::GetAtt Endpoint.Address`): it serves
    /// writes once the cluster is promoted.
    pub fn endpoint_address(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Endpoint.Address".into())
    }

    /// The identifier of the global cluster this one is a secondary of, as the literal its
    /// resource names (a reference cannot cross Regions).
    pub fn global_cluster_identifier(&self, app: &App) -> Option<Value> {
        app.node(self.resource)
            .ok()?
            .as_resource()?
            .properties
            .get("GlobalClusterIdentifier")
            .cloned()
    }

    /// The cluster's security group on the PostgreSQL port.
    pub fn connections(&self) -> Connectable {
        Connectable {
            security_group: self.security_group,
            default_port: Port::tcp(self.default_port),
        }
    }

    /// What the app keeps of this cluster.
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a DatabaseClusterInfo> {
        app.attached::<DatabaseClusterInfo>(self.node)
    }
}
