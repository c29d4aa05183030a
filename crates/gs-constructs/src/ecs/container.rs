//! Containers of a task definition: [`ContainerProps`], [`Container`], and
//! [`FargateTaskDefinition::add_container`], which grants the execution role the secrets a
//! container reads and records where its logs go.

use std::borrow::Cow;

use gs_core::{App, Pseudo, Value};

use super::task_definition::FargateTaskDefinition;
use super::wiring;
use crate::error::{ConstructError, Result};
use crate::iam::PolicyStatement;
use crate::l1::ecs::task_definition::{
    ContainerDefinition, KeyValuePair, LinuxParameters, LogConfiguration,
    MountPoint as CfnMountPoint, PortMapping, Secret as CfnSecret, Tmpfs as CfnTmpfs,
};
use crate::l1::{List, Map, Str};
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
    /// The user the container runs as (`User`): `uid`, `uid:gid`, `user` or `user:group`; `None`
    /// keeps the image's. Give a non-root user for an image built to run as one (for example
    /// `101:101` for `nginx-unprivileged`).
    pub user: Option<String>,
    /// Mount the container's root filesystem read-only (`ReadonlyRootFilesystem`), so a
    /// compromised process cannot change the image's files. Off by default because gs cannot
    /// know which paths an image writes: turn it on and give those paths as [`Tmpfs`] mounts
    /// (or EFS volumes).
    pub readonly_root_filesystem: bool,
    /// Writable in-memory scratch directories (`LinuxParameters.Tmpfs`, on Fargate since January
    /// 2026): what a read-only container still writes, such as `/tmp`. Their sizes count against
    /// the task's memory.
    pub tmpfs: Vec<Tmpfs>,
}

/// A writable in-memory directory of a container (a `tmpfs` mount), emptied when the task stops.
/// Unlike a Fargate bind mount, which is owned by root with mode 0755, a tmpfs mount is writable
/// by a non-root user (mode 1777).
///
/// ```
/// use gs_constructs::ecs::Tmpfs;
/// let tmp = Tmpfs::new("/tmp", 64);
/// assert_eq!(tmp.mount_options, ["nosuid", "nodev", "noexec"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tmpfs {
    /// Where it is mounted, an absolute path.
    pub container_path: String,
    /// Its size in MiB (it takes the container's memory).
    pub size_mib: u32,
    /// Mount options (`MountOptions`): `nosuid`, `nodev` and `noexec` by default, so nothing
    /// written there can be run. The defaults are borrowed, not allocated.
    pub mount_options: Vec<Cow<'static, str>>,
}

impl Tmpfs {
    /// A scratch directory of `size_mib` MiB at `container_path`, without setuid, devices or
    /// execution.
    pub fn new(container_path: &str, size_mib: u32) -> Tmpfs {
        Tmpfs {
            container_path: container_path.to_owned(),
            size_mib,
            mount_options: ["nosuid", "nodev", "noexec"].map(Cow::Borrowed).to_vec(),
        }
    }
}

/// The mount options ECS accepts for a tmpfs mount.
const TMPFS_OPTIONS: [&str; 39] = [
    "defaults",
    "ro",
    "rw",
    "suid",
    "nosuid",
    "dev",
    "nodev",
    "exec",
    "noexec",
    "sync",
    "async",
    "dirsync",
    "remount",
    "mand",
    "nomand",
    "atime",
    "noatime",
    "diratime",
    "nodiratime",
    "bind",
    "rbind",
    "unbindable",
    "runbindable",
    "private",
    "rprivate",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "relatime",
    "norelatime",
    "strictatime",
    "nostrictatime",
    "mode",
    "uid",
    "gid",
    "nr_inodes",
    "nr_blocks",
    "mpol",
];

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
            user: None,
            readonly_root_filesystem: false,
            tmpfs: Vec::new(),
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
            .state_ref(app)?
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
    /// The container definition, as the task definition's `ContainerDefinitions` lists it.
    pub(crate) fn render(&self) -> ContainerDefinition {
        let p = &self.props;
        /// `None` for no items: an empty list is left out.
        fn list<T>(items: Vec<T>) -> Option<List<T>> {
            (!items.is_empty()).then_some(List::Items(items))
        }
        let env = p
            .environment
            .iter()
            .map(|(k, v)| KeyValuePair {
                name: Some(k.as_str().into()),
                value: Some(v.clone().into()),
            })
            .collect();
        let secrets = p
            .secrets
            .iter()
            .map(|(k, s, key)| {
                let from = match key {
                    Some(key) => Value::join("", [s.arn(), Value::from(format!(":{key}::"))]),
                    None => s.arn(),
                };
                CfnSecret::new(k.as_str(), from)
            })
            .collect();
        let logs = p.log_group.map(|g| LogConfiguration {
            options: Some(Map::from([
                ("awslogs-group", Str::from(g.name())),
                (
                    "awslogs-stream-prefix",
                    p.stream_prefix
                        .clone()
                        .unwrap_or_else(|| self.name.clone())
                        .into(),
                ),
                ("awslogs-region", Value::Pseudo(Pseudo::Region).into()),
            ])),
            ..LogConfiguration::new("awslogs")
        });
        let mounts = self
            .mount_points
            .iter()
            .map(|m| CfnMountPoint {
                container_path: Some(m.container_path.as_str().into()),
                read_only: Some(m.read_only.into()),
                source_volume: Some(m.volume.as_str().into()),
            })
            .collect();
        let ports = p
            .port_mappings
            .iter()
            .map(|port| PortMapping {
                container_port: Some((*port).into()),
                protocol: Some("tcp".into()),
                ..PortMapping::new()
            })
            .collect();
        let tmpfs = p
            .tmpfs
            .iter()
            .map(|t| CfnTmpfs {
                container_path: Some(t.container_path.as_str().into()),
                mount_options: list(
                    t.mount_options
                        .iter()
                        .map(|o| Str::from(o.as_ref()))
                        .collect(),
                ),
                ..CfnTmpfs::new(t.size_mib)
            })
            .collect();
        ContainerDefinition {
            command: list(p.command.iter().map(Str::from).collect()),
            cpu: p.cpu.map(Into::into),
            environment: list(env),
            essential: Some(p.essential.into()),
            linux_parameters: list(tmpfs).map(|t| LinuxParameters {
                tmpfs: Some(t),
                ..LinuxParameters::new()
            }),
            log_configuration: logs,
            memory: p.memory_limit_mib.map(Into::into),
            mount_points: list(mounts),
            port_mappings: list(ports),
            readonly_root_filesystem: p.readonly_root_filesystem.then_some(true.into()),
            secrets: list(secrets),
            user: p.user.clone().map(Into::into),
            ..ContainerDefinition::new(self.image.as_str(), self.name.as_str())
        }
    }
}

impl FargateTaskDefinition {
    /// Adds a container running `image`. Secrets it reads are granted to the execution role
    /// (`secretsmanager:GetSecretValue`, `DescribeSecret`, and `kms:Decrypt` on a customer managed
    /// key); services running this task are ordered after those grants.
    pub fn add_container(
        &self,
        app: &mut impl AsMut<App>,
        name: &str,
        image: &str,
        props: ContainerProps,
    ) -> Result<Container> {
        app.as_mut()
            .atomically(|app| self.add_container_impl(app, name, image, props))
    }

    fn add_container_impl(
        &self,
        app: &mut App,
        name: &str,
        image: &str,
        props: ContainerProps,
    ) -> Result<Container> {
        let path = format!("{}/{name}", app.path(self.node)?);
        super::ECS_NAME.with_what("container").check(&path, name)?;
        if image.is_empty() {
            return Err(ConstructError::invalid(
                &path,
                "the image is empty",
                "give an image such as `public.ecr.aws/nginx/nginx:1.27`",
            ));
        }
        if self.containers(app).iter().any(|c| c.name == name) {
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
        check_user_and_tmpfs(&path, &props, self.memory_mib(app))?;
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
        let index = self.containers(app).len();
        let def = ContainerDef {
            name: name.to_owned(),
            image: image.to_owned(),
            props,
            mount_points: Vec::new(),
        };
        let services = self.add_container_def(app, def)?;
        for service in services {
            wiring::order_after_grants(app, &service)?;
        }
        Ok(Container {
            task_definition: *self,
            index,
        })
    }
}

/// Refuses a user ECS would refuse and tmpfs mounts that cannot work.
fn check_user_and_tmpfs(
    path: &str,
    props: &ContainerProps,
    task_memory_mib: Option<u32>,
) -> Result<()> {
    let invalid = |m: String, fix: &str| Err(ConstructError::invalid(path, m, fix));
    if let Some(user) = &props.user {
        let parts: Vec<&str> = user.split(':').collect();
        let ok = parts.len() <= 2
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            });
        if !ok {
            return invalid(
                format!("the user `{user}` is not `uid`, `uid:gid`, `user` or `user:group`"),
                "give a user such as `101:101` or `nginx`",
            );
        }
    }
    let mut total: u64 = 0;
    for (i, t) in props.tmpfs.iter().enumerate() {
        let p = t.container_path.as_str();
        if !p.starts_with('/') || p == "/" {
            return invalid(
                format!("the tmpfs path `{p}` is not an absolute directory below `/`"),
                "give an absolute path such as `/tmp`",
            );
        }
        if props
            .tmpfs
            .iter()
            .skip(i + 1)
            .any(|o| o.container_path == p)
        {
            return invalid(format!("two tmpfs mounts at `{p}`"), "mount each path once");
        }
        if t.size_mib == 0 {
            return invalid(
                format!("the tmpfs mount at `{p}` has a size of 0 MiB"),
                "give it a size in MiB, e.g. 64",
            );
        }
        if let Some(o) = t
            .mount_options
            .iter()
            .find(|o| !TMPFS_OPTIONS.contains(&o.split('=').next().unwrap_or_default()))
        {
            return invalid(
                format!("`{o}` is not a tmpfs mount option ECS accepts"),
                "use options such as `nosuid`, `nodev`, `noexec`, `mode=1777`",
            );
        }
        total += u64::from(t.size_mib);
    }
    let limit = props.memory_limit_mib.or(task_memory_mib);
    if let Some(limit) = limit.filter(|l| total >= u64::from(*l)) {
        return invalid(
            format!("the tmpfs mounts take {total} MiB of the container's {limit} MiB of memory"),
            "make them smaller, or give the task more memory",
        );
    }
    Ok(())
}
