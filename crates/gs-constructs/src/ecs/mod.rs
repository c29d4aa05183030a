//! Amazon ECS on Fargate: [`Cluster`], [`FargateTaskDefinition`] with containers
//! ([`FargateTaskDefinition::add_container`]) and EFS volumes ([`FargateTaskDefinition::mount`],
//! which takes an [`crate::efs::AccessPoint`] handle), and [`FargateService`] with auto scaling and
//! [`FargateService::connect_to`]. Wiring is derived from use: when a service runs a task that
//! mounts an access point (in either order of calls), gs adds NFS ingress, ordering after the
//! mount targets, IAM grants with the access point as condition, encrypted IAM-authorized volumes
//! and a platform version that supports EFS; a container's secrets are granted to the execution
//! role.

mod cluster;
mod container;
pub(crate) mod passes;

/// ECS names (clusters, task families, containers, volumes): 1 to 255 letters, digits, `-`, `_`.
const ECS_NAME: crate::names::NameRule<'static> = crate::names::NameRule {
    what: "ECS",
    min: 1,
    max: 255,
    extra: "-_",
};
mod scaling;
mod service;
mod task_definition;
mod volume;
mod wiring;

pub use crate::l1::applicationautoscaling::CfnScalableTarget;
pub use crate::l1::ecs::{CfnCluster, CfnService, CfnTaskDefinition};
pub use cluster::{Cluster, ClusterProps};
pub use container::{Container, ContainerProps, Tmpfs};
pub use scaling::{AutoScalingProps, ServiceScaling};
pub use service::{FargatePlatformVersion, FargateService, FargateServiceProps};
pub use task_definition::{FargateTaskDefinition, FargateTaskDefinitionProps};
pub use volume::Mount;
