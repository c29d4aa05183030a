//! EFS volumes of a task definition: [`Mount`] (read-write or read-only) and
//! [`FargateTaskDefinition::mount`], which takes an access point handle (it carries its file
//! system) and derives what the mount needs.

use gs_core::{App, ValueMap};

use super::container::{Container, MountPoint};
use super::task_definition::{EfsVolumeDef, FargateTaskDefinition, TaskState};
use super::wiring;
use crate::efs::AccessPoint;
use crate::error::{ConstructError, Result};
use crate::iam::PolicyStatement;

/// How a container mounts a volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mount {
    /// Whether writes are refused.
    pub read_only: bool,
}

impl Mount {
    /// Reads and writes (the task role gets `ClientMount` and `ClientWrite`).
    pub fn read_write() -> Mount {
        Mount { read_only: false }
    }

    /// Reads only (the task role gets `ClientMount`).
    pub fn read_only() -> Mount {
        Mount { read_only: true }
    }
}

impl FargateTaskDefinition {
    /// Mounts `access_point` as the volume `volume` at `container_path` in `container`.
    ///
    /// The volume gets transit encryption and IAM authorization; the task role is granted
    /// `elasticfilesystem:ClientMount` (+ `ClientWrite` for read-write, + `ClientRootAccess` when
    /// the access point's user is root) on the file system, on condition of this access point.
    /// Every service running this task (now or later) is admitted on NFS by the file system's
    /// security group and depends on its mount targets. A service on a platform version before
    /// 1.4.0 is refused.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    /// let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    /// let ap = efs::AccessPoint::new(&mut s, "ContentAccessPoint", fs, Default::default())?;
    /// let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    /// let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    /// let app_c = task.add_container(&mut s, "media", "public.ecr.aws/docker/library/busybox:1.36", Default::default())?;
    /// task.mount(&mut s, "content", ap, app_c, "/mnt/content", ecs::Mount::read_write())?;
    /// let svc = ecs::FargateService::new(&mut s, "MediaProcessingService", cluster, task, Default::default())?;
    /// assert!(ec2::Ingress::admits(s.app(), fs.security_group, svc.security_group, 2049));
    /// assert_eq!(s.app().facts::<efs::Mount>().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mount(
        &self,
        app: &mut impl AsMut<App>,
        volume: &str,
        access_point: AccessPoint,
        container: Container,
        container_path: &str,
        mode: Mount,
    ) -> Result<()> {
        app.as_mut().atomically(|app| {
            self.mount_impl(app, volume, access_point, container, container_path, mode)
        })
    }

    fn mount_impl(
        &self,
        app: &mut App,
        volume: &str,
        access_point: AccessPoint,
        container: Container,
        container_path: &str,
        mode: Mount,
    ) -> Result<()> {
        let path = app.path(self.node)?;
        let bad = |message: String, fix: &str| Err(ConstructError::invalid(&path, message, fix));
        if container.task_definition != *self {
            return bad(
                format!("the container is not one of {path}'s containers"),
                "mount through the task definition the container was added to",
            );
        }
        super::ECS_NAME.with_what("volume").check(&path, volume)?;
        if !container_path.starts_with('/') {
            return bad(
                format!("the container path `{container_path}` is not absolute"),
                "give an absolute path such as `/mnt/content`",
            );
        }
        // Checked against the side table in place; changed in place below.
        let state = self.state_ref(app);
        let volumes = state.map_or(&[][..], |s| s.volumes.as_slice());
        if let Some(v) = volumes.iter().find(|v| v.name == volume) {
            if v.access_point != access_point {
                return bad(
                    format!(
                        "the volume `{volume}` already mounts {}",
                        app.path(v.access_point.node)?
                    ),
                    "give the other access point its own volume name",
                );
            }
        }
        let new_volume = !volumes.iter().any(|v| v.name == volume);
        let Some(def) = state.and_then(|s| s.containers.get(container.index)) else {
            return bad(
                "the container is unknown".into(),
                "use the handle add_container returned",
            );
        };
        if def
            .mount_points
            .iter()
            .any(|m| m.container_path == container_path)
        {
            return bad(
                format!(
                    "container `{}` already mounts a volume at `{container_path}`",
                    def.name
                ),
                "mount each volume at its own path",
            );
        }
        if def
            .props
            .tmpfs
            .iter()
            .any(|t| t.container_path == container_path)
        {
            return bad(
                format!(
                    "container `{}` has a tmpfs mount at `{container_path}`",
                    def.name
                ),
                "mount the volume at another path, or drop the tmpfs mount",
            );
        }
        let services = self.services(app);
        for service in &services {
            wiring::check_platform_version(app, service)?;
            wiring::check_same_vpc(
                app,
                &app.path(service.node)?,
                service.cluster.vpc,
                access_point,
            )?;
        }

        // Pushed in place, undone by pops: the state is not copied for the journal.
        let index = container.index;
        let mut added = Some((
            MountPoint {
                volume: volume.to_owned(),
                container_path: container_path.to_owned(),
                read_only: mode.read_only,
            },
            new_volume.then(|| EfsVolumeDef {
                name: volume.to_owned(),
                access_point,
            }),
        ));
        app.update_attached(
            self.node,
            |state: &mut TaskState| {
                let Some((mount_point, volume)) = added.take() else {
                    return (None, false);
                };
                let mounted = match state.containers.get_mut(index) {
                    Some(def) => {
                        def.mount_points.push(mount_point);
                        Some(index)
                    }
                    None => None,
                };
                let volume_added = volume.is_some();
                state.volumes.extend(volume);
                (mounted, volume_added)
            },
            |state, (mounted, volume_added)| {
                if let Some(def) = mounted.and_then(|i| state.containers.get_mut(i)) {
                    def.mount_points.pop();
                }
                if volume_added {
                    state.volumes.pop();
                }
            },
        );
        self.render(app)?;

        let mut actions = vec!["elasticfilesystem:ClientMount"];
        if !mode.read_only {
            actions.push("elasticfilesystem:ClientWrite");
        }
        if access_point.is_root() {
            actions.push("elasticfilesystem:ClientRootAccess");
        }
        self.task_role.grant(
            app,
            PolicyStatement::allow(actions, [access_point.file_system.arn()]).with_conditions(
                ValueMap::with_capacity(1).with(
                    "StringEquals",
                    ValueMap::with_capacity(1)
                        .with("elasticfilesystem:AccessPointArn", access_point.arn()),
                ),
            ),
        )?;
        for service in services {
            wiring::wire_mount(app, &service, *self, volume, access_point)?;
            wiring::order_after_grants(app, &service)?;
        }
        Ok(())
    }
}
