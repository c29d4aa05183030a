//! Wiring derived from use: what a service needs because the task it runs mounts an access point
//! or reads secrets. Called both when a service is created (for the mounts its task already has)
//! and when a mount or container is added to a task that already has services, so the order of
//! the user's calls does not matter.

use gs_core::App;

use super::service::{FargateService, ServiceState};
use super::task_definition::FargateTaskDefinition;
use crate::ec2::Vpc;
use crate::efs::{self, AccessPoint};
use crate::error::{ConstructError, Result};

/// Refuses a service whose platform version cannot mount EFS.
pub(crate) fn check_platform_version(app: &App, service: &FargateService) -> Result<()> {
    if service.platform_version.supports_efs() {
        return Ok(());
    }
    Err(ConstructError::invalid(
        app.path(service.node)?,
        format!(
            "platform version {} cannot mount EFS volumes, and its task mounts one",
            service.platform_version.as_str()
        ),
        "use FargatePlatformVersion::Latest or V1_4_0",
    ))
}

/// Refuses a mount of `access_point` by tasks that run in `cluster_vpc`, when the file system's
/// mount targets are in another VPC: the mount target's DNS name resolves only inside its own VPC
/// and the NFS rule cannot admit a group of another VPC (`efs/mount-across-vpcs`).
pub(crate) fn check_same_vpc(
    app: &App,
    service_path: &str,
    cluster_vpc: Vpc,
    access_point: AccessPoint,
) -> Result<()> {
    let fs = access_point.file_system;
    if fs.vpc == cluster_vpc {
        return Ok(());
    }
    Err(ConstructError::invalid(
        service_path,
        format!(
            "runs in {} and mounts {}, whose mount targets are in another VPC ({}): the mount target's DNS name does not resolve there and its security group cannot admit the service",
            app.path(cluster_vpc.node)?,
            app.path(fs.node)?,
            app.path(fs.vpc.node)?
        ),
        "run the service in a cluster of the file system's VPC, or create the file system in the service's VPC",
    ))
}

/// Admits `service` on NFS into the file system's security group, orders it after every mount
/// target, and records the [`efs::Mount`] fact.
pub(crate) fn wire_mount(
    app: &mut App,
    service: &FargateService,
    task: FargateTaskDefinition,
    volume: &str,
    access_point: AccessPoint,
) -> Result<()> {
    let fs = access_point.file_system;
    let service_path = app.path(service.node)?;
    let fs_path = app.path(fs.node)?;
    let rule = fs.connections().allow_default_port_from(
        app,
        service.security_group,
        &truncate(format!("NFS from {service_path}"), 255),
    )?;
    // The first tasks mount as soon as the service exists: the NFS rule must be in place by then,
    // and CloudFormation would create the two in parallel.
    app.add_dependency(
        service.resource,
        rule,
        format!("tasks mount {fs_path} over NFS, which this rule admits"),
    )?;
    for target in fs.mount_targets(app) {
        app.add_dependency(
            service.resource,
            target.resource,
            format!("tasks mount {fs_path} through the mount target of their AZ, which must exist first"),
        )?;
    }
    let consumer = service.resource.node();
    let recorded = app.facts::<efs::Mount>().iter().any(|m| {
        m.consumer == consumer && m.task_definition == task.resource.node() && m.volume == volume
    });
    if !recorded {
        let azs = app
            .attached::<ServiceState>(service.node)
            .map(|s| s.subnets.iter().map(|s| s.az).collect())
            .unwrap_or_default();
        app.add_fact(efs::Mount {
            consumer,
            security_group: service.security_group,
            azs,
            task_definition: task.resource.node(),
            volume: volume.to_owned(),
            file_system: fs,
            access_point,
        });
    }
    Ok(())
}

/// Orders `service` after the default policies of its task's roles, so tasks start with their
/// grants (EFS, secrets) in place.
pub(crate) fn order_after_grants(app: &mut App, service: &FargateService) -> Result<()> {
    let task = service.task_definition;
    for (role, why) in [
        (
            task.task_role,
            "tasks need the task role's grants (EFS) when they start",
        ),
        (
            task.execution_role,
            "ECS needs the execution role's grants (secrets) to start tasks",
        ),
    ] {
        if let Some(policy) = role.default_policy(app) {
            app.add_dependency(service.resource, policy, why)?;
        }
    }
    Ok(())
}

/// `s` cut to its first `max` characters.
fn truncate(mut s: String, max: usize) -> String {
    // Cut in place at the character boundary, not collected again character by character.
    if let Some((cut, _)) = s.char_indices().nth(max) {
        s.truncate(cut);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncate_keeps_the_first_characters_whole() {
        assert_eq!(truncate("NFS from A/B".into(), 255), "NFS from A/B");
        assert_eq!(truncate("abcdef".into(), 3), "abc");
        assert_eq!(truncate("éàü".into(), 2), "éà");
        assert_eq!(truncate("x".repeat(300), 255).len(), 255);
    }
}
