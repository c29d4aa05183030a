//! Auto scaling of a service's task count on CPU and memory: [`FargateService::auto_scale`].

use gs_core::{App, NodeId, Pseudo, Resource, Value};

use super::service::FargateService;
use crate::error::{ConstructError, Result};
use crate::l1::applicationautoscaling::scaling_policy::{
    PredefinedMetricSpecification, TargetTrackingScalingPolicyConfiguration,
};
use crate::l1::applicationautoscaling::{
    CfnScalableTarget, CfnScalableTargetProps, CfnScalingPolicy, CfnScalingPolicyProps,
};

/// Settings of a service's auto scaling.
#[derive(Clone, Debug)]
pub struct AutoScalingProps {
    /// Fewest tasks.
    pub min_capacity: u32,
    /// Most tasks.
    pub max_capacity: u32,
    /// Keep average CPU near this percentage; `None` does not scale on CPU.
    pub cpu_target_percent: Option<f64>,
    /// Keep average memory near this percentage; `None` does not scale on memory.
    pub memory_target_percent: Option<f64>,
    /// Seconds between scale-in steps.
    pub scale_in_cooldown_seconds: u32,
    /// Seconds between scale-out steps.
    pub scale_out_cooldown_seconds: u32,
}

impl Default for AutoScalingProps {
    fn default() -> Self {
        AutoScalingProps {
            min_capacity: 1,
            max_capacity: 4,
            cpu_target_percent: Some(70.0),
            memory_target_percent: Some(80.0),
            scale_in_cooldown_seconds: 300,
            scale_out_cooldown_seconds: 60,
        }
    }
}

/// A service's scalable task count (`<service>/TaskCount/Target`, as CDK lays it out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceScaling {
    /// The `TaskCount` group.
    pub node: NodeId,
    /// The scalable target.
    pub target: CfnScalableTarget,
}

impl FargateService {
    /// Scales the task count between `min_capacity` and `max_capacity` with target tracking on
    /// CPU (`CpuScaling`) and memory (`MemoryScaling`). The scalable target uses ECS's
    /// service-linked role for Application Auto Scaling.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    /// let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    /// let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    /// let svc = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    /// let scaling = svc.auto_scale(&mut s, ecs::AutoScalingProps { max_capacity: 10, ..Default::default() })?;
    /// assert_eq!(s.app().path(scaling.target)?, "Demo/Service/TaskCount/Target/Resource");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn auto_scale(
        &self,
        app: &mut impl AsMut<App>,
        props: AutoScalingProps,
    ) -> Result<ServiceScaling> {
        app.as_mut()
            .atomically(|app| self.auto_scale_impl(app, props))
    }

    fn auto_scale_impl(&self, app: &mut App, props: AutoScalingProps) -> Result<ServiceScaling> {
        let path = format!("{}/TaskCount", app.path(self.node)?);
        if props.max_capacity == 0 || props.min_capacity > props.max_capacity {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "capacity {}..{} is empty",
                    props.min_capacity, props.max_capacity
                ),
                "give 0 <= min_capacity <= max_capacity, max_capacity >= 1",
            ));
        }
        for t in [props.cpu_target_percent, props.memory_target_percent]
            .into_iter()
            .flatten()
        {
            if !(t > 0.0 && t <= 100.0) {
                return Err(ConstructError::invalid(
                    &path,
                    format!("target {t}% is not in (0, 100]"),
                    "give a utilization target such as 70",
                ));
            }
        }
        let role = Value::join(
            "",
            [
                Value::from("arn:"),
                Value::Pseudo(Pseudo::Partition),
                Value::from(":iam::"),
                Value::Pseudo(Pseudo::AccountId),
                Value::from(
                    ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
                ),
            ],
        );
        let resource_id = Value::join(
            "",
            [
                Value::from("service/"),
                self.cluster.cluster_name(),
                Value::from("/"),
                self.service_name(),
            ],
        );
        let name_prefix: String = path.replace('/', "");
        let mut s = app.at(self.node)?;
        let mut count = s.group("TaskCount")?;
        let node = count.node();
        let mut tg = count.group("Target")?;
        let target = CfnScalableTarget::add(
            &mut tg,
            "Resource",
            Resource {
                // Untagged, as before the L1: the spec (aws-service-spec 0.1.216) gives the type
                // `Tags`, but cfn-lint 1.51's schema does not have them (E3002).
                tagging: None,
                ..CfnScalableTargetProps {
                    role_arn: Some(role.into()),
                    ..CfnScalableTargetProps::new(
                        props.max_capacity,
                        props.min_capacity,
                        resource_id,
                        "ecs:service:DesiredCount",
                        "ecs",
                    )
                }
                .into_resource()
            },
        )?;
        for (id, metric, value) in [
            (
                "CpuScaling",
                "ECSServiceAverageCPUUtilization",
                props.cpu_target_percent,
            ),
            (
                "MemoryScaling",
                "ECSServiceAverageMemoryUtilization",
                props.memory_target_percent,
            ),
        ] {
            let Some(value) = value else { continue };
            let mut pg = tg.group(id)?;
            // `<prefix>Target<id>`, cut to 256 characters: written into one buffer and cut in
            // place, not formatted and collected again character by character.
            let mut name = String::with_capacity(name_prefix.len() + "Target".len() + id.len());
            name.push_str(&name_prefix);
            name.push_str("Target");
            name.push_str(id);
            if let Some((cut, _)) = name.char_indices().nth(256) {
                name.truncate(cut);
            }
            CfnScalingPolicy::new(
                &mut pg,
                "Resource",
                CfnScalingPolicyProps {
                    scaling_target_id: Some(target.reference().into()),
                    target_tracking_scaling_policy_configuration: Some(
                        TargetTrackingScalingPolicyConfiguration {
                            predefined_metric_specification: Some(
                                PredefinedMetricSpecification::new(metric),
                            ),
                            scale_in_cooldown: Some(props.scale_in_cooldown_seconds.into()),
                            scale_out_cooldown: Some(props.scale_out_cooldown_seconds.into()),
                            ..TargetTrackingScalingPolicyConfiguration::new(value)
                        },
                    ),
                    ..CfnScalingPolicyProps::new(name, "TargetTrackingScaling")
                },
            )?;
        }
        Ok(ServiceScaling { node, target })
    }
}
