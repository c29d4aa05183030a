//! Containers of a task definition: [`ContainerProps`], [`Container`], and
//! [`FargateTaskDefinition::add_container`], which grants the execution role the secrets a
//! container reads and records where its logs go.

use gs_core::{App, Pseudo, Scope, Value, ValueMap};

use super::task_definition::FargateTaskDefinition;
use super::wiring;
use crate::error::{ConstructError, Result};
use crate::iam::PolicyStatement;
use crate::logs::{LogDelivery, LogGroup};
use crate::secretsmanager::Secret;

/// Settings of a container.
#[derive(Clone, Debug)]
pub struct ContainerProps {
    /// TCP ports the container listens on.
    pub port_mappings: Vec<u16>,
    /// Environment variables (values may be references, e.g. a file system id).
    pub environment: Vec<(String, Value)>,
    /// Secrets as environment variables: (variable, secret, JSON key of the field or `None` for
    /// the whole value). The execution role is granted to read each one.
    pub secrets: Vec<(String, Secret, Option<String>)>,
    /// Where `awslogs` sends the output; `None` sends it nowhere.
    pub log_group: Option<LogGroup>,
    /// The log stream prefix; `None` uses the container name.
    pub stream_prefix: Option<String>,
    /// Whether the task stops when this container stops (on by default).
    pub essential: bool,
    /// The command, replacing the image's.
    pub command: Vec<String>,
    /// CPU units reserved for the container.
    pub cpu: Option<u32>,
    /// Hard memory limit in MiB.
    pub memory_limit_mib: Option<u32>,
}

impl Default for ContainerProps {
    fn default() -> Self {
        ContainerProps {
            port_mappings: Vec::new(),
            environment: Vec::new(),
            secrets: Vec::new(),
            log_group: None,
            stream_prefix: None,
            essential: true,
            command: Vec::new(),
            cpu: None,
            memory_limit_mib: None,
        }
    }
}

/// A container of a task definition: the handle of its task definition and its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Container {
    /// The task definition it belongs to.
    pub task_definition: FargateTaskDefinition,
    /// Its position among the task definition's containers.
    pub index: usize,
}

impl Container {
    /// The container's name.
    pub fn name(&self, app: &App) -> Option<String> {
        self.task_definition
            .state(app)
            .containers
            .get(self.index)
            .map(|c| c.name.clone())
    }
}

/// A mount point of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MountPoint {
    pub(crate) volume: String,
    pub(crate) container_path: String,
    pub(crate) read_only: bool,
}

/// A container as stored in the task definition's side table.
#[derive(Clone, Debug)]
pub(crate) struct ContainerDef {
    pub(crate) name: String,
    pub(crate) image: String,
    pub(crate) props: ContainerProps,
    pub(crate) mount_points: Vec<MountPoint>,
}

impl ContainerDef {
    pub(crate) fn render(&self) -> Value {
        let p = &self.props;
        let env: Vec<Value> = p
            .environment
            .iter()
            .map(|(k, v)| {
                ValueMap::new()
                    .with("Name", k.as_str())
                    .with("Value", v.clone())
                    .into()
            })
            .collect();
        let secrets: Vec<Value> = p
            .secrets
            .iter()
            .map(|(k, s, key)| {
                let from = match key {
                    Some(key) => Value::join("", [s.arn(), Value::from(format!(":{key}::"))]),
                    None => s.arn(),
                };
                ValueMap::new()
                    .with("Name", k.as_str())
                    .with("ValueFrom", from)
                    .into()
            })
            .collect();
        let logs = p.log_group.map(|g| {
            ValueMap::new().with("LogDriver", "awslogs").with(
                "Options",
                ValueMap::new()
                    .with("awslogs-group", g.name())
                    .with(
                        "awslogs-stream-prefix",
                        p.stream_prefix.clone().unwrap_or_else(|| self.name.clone()),
                    )
                    .with("awslogs-region", Value::Pseudo(Pseudo::Region)),
            )
        });
        let mounts: Vec<Value> = self
            .mount_points
            .iter()
            .map(|m| {
                ValueMap::new()
                    .with("ContainerPath", m.container_path.as_str())
                    .with("ReadOnly", m.read_only)
                    .with("SourceVolume", m.volume.as_str())
                    .into()
            })
            .collect();
        let ports: Vec<Value> = p
            .port_mappings
            .iter()
            .map(|port| {
                ValueMap::new()
                    .with("ContainerPort", *port)
                    .with("Protocol", "tcp")
                    .into()
            })
            .collect();
        let list = |v: Vec<Value>| (!v.is_empty()).then_some(Value::List(v));
        ValueMap::new()
            .with_opt("Command", list(p.command.iter().map(Value::from).collect()))
            .with_opt("Cpu", p.cpu)
            .with_opt("Environment", list(env))
            .with("Essential", p.essential)
            .with("Image", self.image.as_str())
            .with_opt("LogConfiguration", logs)
            .with_opt("Memory", p.memory_limit_mib)
            .with_opt("MountPoints", list(mounts))
            .with("Name", self.name.as_str())
            .with_opt("PortMappings", list(ports))
            .with_opt("Secrets", list(secrets))
            .into()
    }
}

impl FargateTaskDefinition {
    /// Adds a container running `image`. Secrets it reads are granted to the execution role
    /// (`secretsmanager:GetSecretValue`, `DescribeSecret`, and `kms:Decrypt` on a customer managed
    /// key); services running this task are ordered after those grants.
    pub fn add_container(
        &self,
        scope: &mut Scope<'_>,
        name: &str,
        image: &str,
        props: ContainerProps,
    ) -> Result<Container> {
        scope.atomically(|scope| self.add_container_impl(scope, name, image, props))
    }

    fn add_container_impl(
        &self,
        scope: &mut Scope<'_>,
        name: &str,
        image: &str,
        props: ContainerProps,
    ) -> Result<Container> {
        let app = scope.app_mut();
        let path = format!("{}/{name}", app.path(self.node)?);
        super::ECS_NAME.with_what("container").check(&path, name)?;
        if image.is_empty() {
            return Err(ConstructError::invalid(
                &path,
                "the image is empty",
                "give an image such as `public.ecr.aws/nginx/nginx:1.27`",
            ));
        }
        let mut state = self.state(app);
        if state.containers.iter().any(|c| c.name == name) {
            return Err(ConstructError::invalid(
                &path,
                format!("the task definition already has a container `{name}`"),
                "give each container its own name",
            ));
        }
        for (i, (var, ..)) in props.secrets.iter().enumerate() {
            if props.environment.iter().any(|(k, _)| k == var)
                || props.secrets.iter().skip(i + 1).any(|(k, ..)| k == var)
            {
                return Err(ConstructError::invalid(
                    &path,
                    format!("the variable `{var}` is set twice"),
                    "set each variable once, as environment or as secret",
                ));
            }
        }
        for (_, secret, _) in &props.secrets {
            self.execution_role.grant(
                app,
                PolicyStatement::allow(
                    [
                        "secretsmanager:GetSecretValue",
                        "secretsmanager:DescribeSecret",
                    ],
                    [secret.arn()],
                ),
            )?;
            if let Some(key) = secret.key {
                self.execution_role
                    .grant(app, PolicyStatement::allow(["kms:Decrypt"], [key.arn()]))?;
            }
        }
        if let Some(log_group) = props.log_group {
            app.add_fact(LogDelivery {
                producer: self.resource.node(),
                log_group,
                kind: "awslogs",
            });
        }
        let index = state.containers.len();
        state.containers.push(ContainerDef {
            name: name.to_owned(),
            image: image.to_owned(),
            props,
            mount_points: Vec::new(),
        });
        let services = state.services.clone();
        self.store(app, state)?;
        for service in services {
            wiring::order_after_grants(app, &service)?;
        }
        Ok(Container {
            task_definition: *self,
            index,
        })
    }
}
