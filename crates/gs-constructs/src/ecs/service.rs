//! [`FargateService`]: runs a task definition in the cluster's private subnets behind its own
//! security group, with the deployment circuit breaker on, and [`FargateService::connect_to`].

use gs_core::{App, NodeId, Scope, Value};

use super::cluster::Cluster;
use super::task_definition::FargateTaskDefinition;
use super::wiring;
use crate::ec2::{Connectable, SecurityGroup, SecurityGroupProps, Subnet, SubnetType};
use crate::error::{ConstructError, Result};
use crate::l1::ecs::service::{
    AwsVpcConfiguration, DeploymentCircuitBreaker, DeploymentConfiguration, NetworkConfiguration,
};
use crate::l1::ecs::{CfnService, CfnServiceProps};

/// A Fargate platform version. EFS volumes need 1.4.0 or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FargatePlatformVersion {
    /// `LATEST` (1.4.0 or later, as 1.4.0 is the latest and versions only move forward).
    #[default]
    Latest,
    /// `1.4.0`.
    V1_4_0,
    /// `1.3.0` (no EFS).
    V1_3_0,
    /// `1.2.0` (no EFS).
    V1_2_0,
    /// `1.1.0` (no EFS).
    V1_1_0,
    /// `1.0.0` (no EFS).
    V1_0_0,
}

impl FargatePlatformVersion {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FargatePlatformVersion::Latest => "LATEST",
            FargatePlatformVersion::V1_4_0 => "1.4.0",
            FargatePlatformVersion::V1_3_0 => "1.3.0",
            FargatePlatformVersion::V1_2_0 => "1.2.0",
            FargatePlatformVersion::V1_1_0 => "1.1.0",
            FargatePlatformVersion::V1_0_0 => "1.0.0",
        }
    }

    /// Whether tasks on it can mount EFS volumes.
    pub fn supports_efs(self) -> bool {
        matches!(
            self,
            FargatePlatformVersion::Latest | FargatePlatformVersion::V1_4_0
        )
    }
}

/// Settings of a [`FargateService`].
#[derive(Clone, Debug)]
pub struct FargateServiceProps {
    /// A physical name; `None` lets CloudFormation name it.
    pub service_name: Option<String>,
    /// How many tasks to run.
    pub desired_count: u32,
    /// The subnets tasks run in; private by default.
    pub subnets: SubnetType,
    /// Give tasks public IPs (only sensible in public subnets).
    pub assign_public_ip: bool,
    /// An existing security group for the tasks; `None` creates one.
    pub security_group: Option<SecurityGroup>,
    /// The id of the security group created when `security_group` is `None`.
    pub security_group_id: String,
    /// A physical name for the created security group.
    pub security_group_name: Option<String>,
    /// The platform version; `Latest` by default.
    pub platform_version: FargatePlatformVersion,
    /// Stop a failing deployment and roll back (on by default).
    pub circuit_breaker: bool,
    /// Minimum healthy percent during deployments.
    pub min_healthy_percent: u32,
    /// Maximum percent during deployments.
    pub max_percent: u32,
    /// Seconds ECS ignores failing load-balancer health checks after a task starts.
    pub health_check_grace_period_seconds: Option<u32>,
    /// Allow ECS Exec into tasks.
    pub enable_execute_command: bool,
}

impl Default for FargateServiceProps {
    fn default() -> Self {
        FargateServiceProps {
            service_name: None,
            desired_count: 1,
            subnets: SubnetType::Private,
            assign_public_ip: false,
            security_group: None,
            security_group_id: "SecurityGroup".into(),
            security_group_name: None,
            platform_version: FargatePlatformVersion::Latest,
            circuit_breaker: true,
            min_healthy_percent: 100,
            max_percent: 200,
            health_check_grace_period_seconds: None,
            enable_execute_command: false,
        }
    }
}

/// What the app keeps of a service: the subnets it runs in.
#[derive(Clone, Debug, Default)]
pub(crate) struct ServiceState {
    pub(crate) subnets: Vec<Subnet>,
}

/// A Fargate service.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
/// let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
/// task.add_container(&mut s, "app", "public.ecr.aws/docker/library/busybox:1.36", Default::default())?;
/// let svc = ecs::FargateService::new(&mut s, "MediaProcessingService", cluster, task,
///     ecs::FargateServiceProps { security_group_id: "EcsTaskSecurityGroup".into(), ..Default::default() })?;
/// assert_eq!(s.app().path(svc.security_group.node)?, "Demo/MediaProcessingService/EcsTaskSecurityGroup");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FargateService {
    /// The group node.
    pub node: NodeId,
    /// The service resource.
    pub resource: CfnService,
    /// The tasks' security group.
    pub security_group: SecurityGroup,
    /// The cluster it runs in.
    pub cluster: Cluster,
    /// The task definition it runs.
    pub task_definition: FargateTaskDefinition,
    /// Its platform version.
    pub platform_version: FargatePlatformVersion,
}

impl FargateService {
    /// Runs `task` in `cluster`. If the task mounts access points (now or later), the service is
    /// admitted on NFS, ordered after the mount targets and recorded as an `efs::Mount`.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        cluster: Cluster,
        task: FargateTaskDefinition,
        props: FargateServiceProps,
    ) -> Result<FargateService> {
        scope.atomically(|scope| Self::build(scope, id, cluster, task, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        cluster: Cluster,
        task: FargateTaskDefinition,
        props: FargateServiceProps,
    ) -> Result<FargateService> {
        let path = scope.child_path(id);
        // Only the volumes are needed (after the app is borrowed mutably): copied alone, not the
        // whole side table with every container's settings.
        let volumes = task
            .state_ref(scope.app())
            .map(|s| s.volumes.clone())
            .unwrap_or_default();
        if !volumes.is_empty() && !props.platform_version.supports_efs() {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "platform version {} cannot mount EFS volumes, and its task mounts {}",
                    props.platform_version.as_str(),
                    volumes
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "use FargatePlatformVersion::Latest or V1_4_0",
            ));
        }
        for v in &volumes {
            wiring::check_same_vpc(scope.app(), &path, cluster.vpc, v.access_point)?;
        }
        if props.max_percent < 100
            || props.min_healthy_percent > 100
            || props.max_percent <= props.min_healthy_percent
        {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "deployment percents min {} / max {} leave no room to replace tasks",
                    props.min_healthy_percent, props.max_percent
                ),
                "use min_healthy_percent <= 100 < max_percent, e.g. 100 and 200",
            ));
        }
        if let Some(sg) = props.security_group {
            if sg.vpc != cluster.vpc {
                return Err(ConstructError::invalid(
                    &path,
                    "the security group is in another VPC than the cluster",
                    "give a security group of the cluster's VPC",
                ));
            }
        }
        let subnets = cluster.vpc.subnets(scope.app(), props.subnets);
        if subnets.is_empty() {
            return Err(ConstructError::invalid(
                &path,
                format!("the cluster's VPC has no {:?} subnets", props.subnets),
                "choose a subnet type the VPC has",
            ));
        }

        let mut g = scope.group(id)?;
        let node = g.node();
        let security_group = match props.security_group {
            Some(sg) => sg,
            None => SecurityGroup::new(
                &mut g,
                &props.security_group_id,
                cluster.vpc,
                SecurityGroupProps {
                    name: props.security_group_name.clone(),
                    description: Some(format!("{path}/{}", props.security_group_id)),
                    allow_all_outbound: true,
                },
            )?,
        };
        let resource = CfnService::new(
            &mut g,
            "Service",
            CfnServiceProps {
                cluster: Some(cluster.cluster_name().into()),
                deployment_configuration: Some(DeploymentConfiguration {
                    deployment_circuit_breaker: props
                        .circuit_breaker
                        .then(|| DeploymentCircuitBreaker::new(true, true)),
                    maximum_percent: Some(props.max_percent.into()),
                    minimum_healthy_percent: Some(props.min_healthy_percent.into()),
                    ..DeploymentConfiguration::new()
                }),
                desired_count: Some(props.desired_count.into()),
                enable_ecs_managed_tags: Some(false.into()),
                enable_execute_command: Some(props.enable_execute_command.into()),
                health_check_grace_period_seconds: props
                    .health_check_grace_period_seconds
                    .map(Into::into),
                launch_type: Some("FARGATE".into()),
                network_configuration: Some(NetworkConfiguration {
                    awsvpc_configuration: Some(AwsVpcConfiguration {
                        assign_public_ip: Some(
                            if props.assign_public_ip {
                                "ENABLED"
                            } else {
                                "DISABLED"
                            }
                            .into(),
                        ),
                        security_groups: Some([security_group.group_id()].into()),
                        subnets: Some(subnets.iter().map(Subnet::subnet_id).collect()),
                    }),
                }),
                platform_version: Some(props.platform_version.as_str().into()),
                propagate_tags: Some("SERVICE".into()),
                service_name: props.service_name.map(Into::into),
                task_definition: Some(task.arn().into()),
                ..CfnServiceProps::new()
            },
        )?;
        let service = FargateService {
            node,
            resource,
            security_group,
            cluster,
            task_definition: task,
            platform_version: props.platform_version,
        };
        let app = g.app_mut();
        app.attach(node, ServiceState { subnets })?;
        app.update_attached(
            task.node,
            |s: &mut super::task_definition::TaskState| s.services.push(service),
            |s, ()| {
                s.services.pop();
            },
        );
        for v in &volumes {
            wiring::wire_mount(g.app_mut(), &service, task, &v.name, v.access_point)?;
        }
        wiring::order_after_grants(g.app_mut(), &service)?;
        Ok(service)
    }

    /// The service's name (`Fn::GetAtt Name`).
    pub fn service_name(&self) -> Value {
        self.resource.attr_name()
    }

    /// The service's ARN (`Ref`).
    pub fn arn(&self) -> Value {
        self.resource.reference()
    }

    /// Lets the tasks reach `target` (a database, a cache, a file system) on its default port:
    /// an ingress rule into the target's security group from this service's group, which the
    /// service waits for (its tasks connect as they start).
    pub fn connect_to(
        &self,
        app: &mut impl AsMut<App>,
        target: Connectable,
        description: &str,
    ) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.connect_to_impl(app, target, description))
    }

    fn connect_to_impl(&self, app: &mut App, target: Connectable, description: &str) -> Result<()> {
        let rule = target.allow_default_port_from(app, self.security_group, description)?;
        app.add_dependency(
            self.resource,
            rule,
            "tasks connect when they start, through this rule",
        )?;
        Ok(())
    }
}
