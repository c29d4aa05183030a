//! [`Cluster`]: an ECS cluster in a VPC, with Container Insights on.

use gs_core::{NodeId, Scope, Value};

use crate::ec2::Vpc;
use crate::error::Result;
use crate::l1::ecs::cluster::ClusterSettings;
use crate::l1::ecs::{CfnCluster, CfnClusterProps};

/// Settings of a [`Cluster`].
#[derive(Clone, Debug)]
pub struct ClusterProps {
    /// A physical name; `None` lets CloudFormation name it.
    pub name: Option<String>,
    /// CloudWatch Container Insights (on by default).
    pub container_insights: bool,
}

impl Default for ClusterProps {
    fn default() -> Self {
        ClusterProps {
            name: None,
            container_insights: true,
        }
    }
}

/// An ECS cluster.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
/// assert_eq!(cluster.vpc, vpc);
/// assert_eq!(cluster.cluster_name(), Value::Ref(cluster.resource.node()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// The group node.
    pub node: NodeId,
    /// The cluster resource.
    pub resource: CfnCluster,
    /// The VPC its services run in.
    pub vpc: Vpc,
}

impl Cluster {
    /// A cluster whose services run in `vpc`.
    pub fn new(scope: &mut Scope<'_>, id: &str, vpc: Vpc, props: ClusterProps) -> Result<Cluster> {
        scope.atomically(|scope| Self::build(scope, id, vpc, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, vpc: Vpc, props: ClusterProps) -> Result<Cluster> {
        let path = scope.child_path(id);
        if let Some(name) = &props.name {
            super::ECS_NAME.with_what("cluster").check(&path, name)?;
        }
        let mut g = scope.group(id)?;
        let resource = CfnCluster::new(
            &mut g,
            "Resource",
            CfnClusterProps {
                cluster_name: props.name.map(Into::into),
                cluster_settings: Some(
                    [ClusterSettings {
                        name: Some("containerInsights".into()),
                        value: Some(
                            if props.container_insights {
                                "enabled"
                            } else {
                                "disabled"
                            }
                            .into(),
                        ),
                    }]
                    .into(),
                ),
                ..CfnClusterProps::new()
            },
        )?;
        Ok(Cluster {
            node: g.node(),
            resource,
            vpc,
        })
    }

    /// The cluster name (`Ref`).
    pub fn cluster_name(&self) -> Value {
        self.resource.reference()
    }

    /// The cluster ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        self.resource.attr_arn()
    }
}
