//! [`FargateTaskDefinition`]: a Fargate task definition with its task role and execution role.
//! Its containers and volumes live in a side table ([`TaskState`]) and are rendered into the
//! resource after every change.

use gs_core::{App, NodeId, Pseudo, Scope, Value};

use super::container::ContainerDef;
use super::service::FargateService;
use crate::efs::AccessPoint;
use crate::error::{ConstructError, Result};
use crate::iam::{Role, RoleProps};
use crate::l1::ecs::task_definition::{
    AuthorizationConfig, EFSVolumeConfiguration, EphemeralStorage, Volume,
};
use crate::l1::ecs::{CfnTaskDefinition, CfnTaskDefinitionProps};
use crate::l1::{IntoValue, List};

/// Settings of a [`FargateTaskDefinition`].
#[derive(Clone, Debug)]
pub struct FargateTaskDefinitionProps {
    /// The family name; `None` lets CloudFormation choose one.
    pub family: Option<String>,
    /// CPU units (256, 512, 1024, 2048, 4096, 8192 or 16384).
    pub cpu: u32,
    /// Memory in MiB, one of the values Fargate allows for `cpu`.
    pub memory_mib: u32,
    /// Ephemeral storage in GiB (21 to 200); `None` keeps Fargate's 20 GiB.
    pub ephemeral_storage_gib: Option<u32>,
}

impl Default for FargateTaskDefinitionProps {
    fn default() -> Self {
        FargateTaskDefinitionProps {
            family: None,
            cpu: 256,
            memory_mib: 512,
            ephemeral_storage_gib: None,
        }
    }
}

/// An EFS volume of a task definition: its name and the access point it mounts.
#[derive(Clone, Debug)]
pub(crate) struct EfsVolumeDef {
    pub(crate) name: String,
    pub(crate) access_point: AccessPoint,
}

/// What a task definition holds beyond its handle, attached to its group.
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskState {
    /// The task's memory in MiB (`None` only for a state never stored).
    pub(crate) memory_mib: Option<u32>,
    pub(crate) containers: Vec<ContainerDef>,
    pub(crate) volumes: Vec<EfsVolumeDef>,
    pub(crate) services: Vec<FargateService>,
}

/// A Fargate task definition (`awsvpc` networking).
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", ecs::FargateTaskDefinitionProps {
///     cpu: 512, memory_mib: 1024, ..Default::default() })?;
/// assert_eq!(s.app().path(task.task_role.node)?, "Demo/TaskDef/TaskRole");
/// let err = ecs::FargateTaskDefinition::new(&mut s, "Bad", ecs::FargateTaskDefinitionProps {
///     cpu: 256, memory_mib: 4096, ..Default::default() }).unwrap_err();
/// assert!(err.to_string().starts_with("Demo/Bad: "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FargateTaskDefinition {
    /// The group node.
    pub node: NodeId,
    /// The task definition resource.
    pub resource: CfnTaskDefinition,
    /// The role the containers' code runs as (EFS grants go here).
    pub task_role: Role,
    /// The role ECS uses to pull images, write logs and read secrets.
    pub execution_role: Role,
}

impl FargateTaskDefinition {
    /// A task definition with a task role (`TaskRole`) and an execution role (`ExecutionRole`,
    /// with `AmazonECSTaskExecutionRolePolicy`).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        props: FargateTaskDefinitionProps,
    ) -> Result<FargateTaskDefinition> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        props: FargateTaskDefinitionProps,
    ) -> Result<FargateTaskDefinition> {
        let path = scope.child_path(id);
        check_size(&path, props.cpu, props.memory_mib)?;
        if let Some(gib) = props.ephemeral_storage_gib {
            if !(21..=200).contains(&gib) {
                return Err(ConstructError::invalid(
                    &path,
                    format!("ephemeral storage of {gib} GiB is not 21 to 200"),
                    "give 21 to 200 GiB, or None for the default 20 GiB",
                ));
            }
        }
        if let Some(f) = &props.family {
            super::ECS_NAME.with_what("task family").check(&path, f)?;
        }
        let mut g = scope.group(id)?;
        let task_role = Role::new(
            &mut g,
            "TaskRole",
            "ecs-tasks.amazonaws.com",
            RoleProps::default(),
        )?;
        let execution_role = Role::new(
            &mut g,
            "ExecutionRole",
            "ecs-tasks.amazonaws.com",
            RoleProps {
                managed_policy_arns: vec![Value::join(
                    "",
                    [
                        Value::from("arn:"),
                        Value::Pseudo(Pseudo::Partition),
                        Value::from(
                            ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                        ),
                    ],
                )],
                description: None,
            },
        )?;
        let resource = CfnTaskDefinition::new(
            &mut g,
            "Resource",
            CfnTaskDefinitionProps {
                container_definitions: Some(List::Items(Vec::new())),
                cpu: Some(props.cpu.to_string().into()),
                ephemeral_storage: props.ephemeral_storage_gib.map(|gib| EphemeralStorage {
                    size_in_gi_b: Some(gib.into()),
                }),
                execution_role_arn: Some(execution_role.arn().into()),
                family: props.family.map(Into::into),
                memory: Some(props.memory_mib.to_string().into()),
                network_mode: Some("awsvpc".into()),
                requires_compatibilities: Some(["FARGATE"].into()),
                task_role_arn: Some(task_role.arn().into()),
                ..CfnTaskDefinitionProps::new()
            },
        )?;
        let node = g.node();
        g.app_mut().attach(
            node,
            TaskState {
                memory_mib: Some(props.memory_mib),
                ..TaskState::default()
            },
        )?;
        Ok(FargateTaskDefinition {
            node,
            resource,
            task_role,
            execution_role,
        })
    }

    /// The task definition's ARN (`Ref`).
    pub fn arn(&self) -> Value {
        self.resource.reference()
    }

    /// The task's memory in MiB, as it was created with.
    pub(crate) fn memory_mib(&self, app: &App) -> Option<u32> {
        app.attached::<TaskState>(self.node)?.memory_mib
    }

    /// The services that run this task definition, in creation order.
    pub fn services(&self, app: &App) -> Vec<FargateService> {
        app.attached::<TaskState>(self.node)
            .map(|s| s.services.clone())
            .unwrap_or_default()
    }

    pub(crate) fn state(&self, app: &App) -> TaskState {
        app.attached::<TaskState>(self.node)
            .cloned()
            .unwrap_or_default()
    }

    /// The containers added so far.
    pub(crate) fn containers<'a>(&self, app: &'a App) -> &'a [ContainerDef] {
        app.attached::<TaskState>(self.node)
            .map_or(&[], |s| s.containers.as_slice())
    }

    /// Adds `def` after the other containers: its rendering is appended to the resource's
    /// `ContainerDefinitions` and it is pushed onto the side table, both in place (the journal
    /// keeps a pop for each, not a copy of the state or of the resource, and the containers
    /// before it are not rendered again). Returns the services that run this task definition.
    pub(crate) fn add_container_def(
        &self,
        app: &mut App,
        def: ContainerDef,
    ) -> Result<Vec<FargateService>> {
        let item = def.render().into_value();
        let appended = app
            .append_to_list(self.resource, &["ContainerDefinitions"], item)?
            .is_none();
        let mut def = Some(def);
        app.update_attached(
            self.node,
            |state: &mut TaskState| state.containers.extend(def.take()),
            |state, ()| {
                state.containers.pop();
            },
        );
        if let Some(def) = def {
            // Not built by `new` (no side table yet): the state starts with this container.
            let state = TaskState {
                containers: vec![def],
                ..TaskState::default()
            };
            self.store(app, state)?;
        } else if !appended {
            // The escape hatch replaced the list: write it again from the containers.
            self.store(app, self.state(app))?;
        }
        Ok(self.services(app))
    }

    /// The side table, read in place.
    pub(crate) fn state_ref<'a>(&self, app: &'a App) -> Option<&'a TaskState> {
        app.attached::<TaskState>(self.node)
    }

    /// Renders the side table as it is into the resource's `ContainerDefinitions` and
    /// `Volumes` (the other properties, escape-hatch changes included, stay as they are).
    pub(crate) fn render(&self, app: &mut App) -> Result<()> {
        let rendered = self.state_ref(app).map(Self::rendered);
        // Moved, not copied: each property is journalled by the value it replaces.
        for (key, value) in rendered.into_iter().flatten() {
            app.set_property(self.resource, key, value)?;
        }
        Ok(())
    }

    /// `state`'s `ContainerDefinitions` and `Volumes`.
    fn rendered(state: &TaskState) -> gs_core::ValueMap {
        CfnTaskDefinitionProps {
            container_definitions: Some(
                state.containers.iter().map(ContainerDef::render).collect(),
            ),
            volumes: (!state.volumes.is_empty())
                .then(|| state.volumes.iter().map(render_volume).collect()),
            ..CfnTaskDefinitionProps::new()
        }
        .into_properties()
    }

    /// Stores `state` and renders it into the resource's `ContainerDefinitions` and `Volumes`
    /// (the other properties, escape-hatch changes included, stay as they are).
    pub(crate) fn store(&self, app: &mut App, state: TaskState) -> Result<()> {
        // Moved, not copied: the rendered containers are not needed again. Each property is
        // journalled by the value it replaces, not by a copy of the whole resource.
        for (key, value) in Self::rendered(&state) {
            app.set_property(self.resource, key, value)?;
        }
        app.attach(self.node, state)?;
        Ok(())
    }
}

/// The volume as ECS needs it with an access point: TLS on, IAM authorization on, no root
/// directory (the access point's own path is the root).
fn render_volume(v: &EfsVolumeDef) -> Volume {
    Volume {
        efs_volume_configuration: Some(EFSVolumeConfiguration {
            authorization_config: Some(AuthorizationConfig {
                access_point_id: Some(v.access_point.access_point_id().into()),
                iam: Some("ENABLED".into()),
            }),
            transit_encryption: Some("ENABLED".into()),
            ..EFSVolumeConfiguration::new(v.access_point.file_system.file_system_id())
        }),
        name: Some(v.name.as_str().into()),
        ..Volume::new()
    }
}

/// Fargate's CPU and memory combinations.
fn check_size(path: &str, cpu: u32, memory: u32) -> Result<()> {
    let allowed: Option<(u32, u32, u32)> = match cpu {
        // 512, 1024 or 2048: 1536 is not offered.
        256 if memory == 1536 => None,
        256 => Some((512, 2048, 512)),
        512 => Some((1024, 4096, 1024)),
        1024 => Some((2048, 8192, 1024)),
        2048 => Some((4096, 16384, 1024)),
        4096 => Some((8192, 30720, 1024)),
        8192 => Some((16384, 61440, 4096)),
        16384 => Some((32768, 122880, 8192)),
        _ => None,
    };
    let Some((min, max, step)) = allowed else {
        if cpu == 256 {
            return Err(ConstructError::invalid(
                path,
                format!("{memory} MiB is not a memory size Fargate allows with 256 CPU units"),
                "use 512, 1024 or 2048 MiB with 256 CPU units",
            ));
        }
        return Err(ConstructError::invalid(
            path,
            format!("{cpu} CPU units is not a Fargate size"),
            "use 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units",
        ));
    };
    if memory < min || memory > max || (memory - min) % step != 0 {
        return Err(ConstructError::invalid(
            path,
            format!("{memory} MiB is not a memory size Fargate allows with {cpu} CPU units"),
            format!("use {min} to {max} MiB in steps of {step} with {cpu} CPU units"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_size;

    #[test]
    fn fargate_sizes_follow_the_published_table() {
        assert!(check_size("p", 256, 512).is_ok());
        assert!(check_size("p", 256, 2048).is_ok());
        assert!(check_size("p", 256, 3072).is_err());
        assert!(check_size("p", 256, 1536).is_err());
        assert!(check_size("p", 512, 3072).is_ok());
        assert!(check_size("p", 4096, 30720).is_ok());
        assert!(check_size("p", 8192, 20480).is_ok());
        assert!(check_size("p", 8192, 18432).is_err());
        assert!(check_size("p", 300, 512).is_err());
    }
}
