//! A service mounts a file system only from the VPC of the file system's mount targets: from
//! another VPC the mount target's DNS name does not resolve and the security-group rule cannot
//! name the consumer's group. Refused even when the AZs match, for typed constructs at the call
//! and for raw resources at synthesis.

mod support;

use gs_constructs::prelude::*;
use gs_core::RawResource;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

struct Parts {
    app: App,
    stack: gs_core::Handle<gs_core::Stack>,
    /// The file system's VPC.
    vpc: ec2::Vpc,
    /// A second VPC with the same AZs.
    other: ec2::Vpc,
    ap: efs::AccessPoint,
}

/// A file system in `Vpc`, a second VPC `OtherVpc` with as many AZs, and an access point.
fn two_vpcs() -> Result<Parts, Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Efs", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let other = ec2::Vpc::new(
        &mut s,
        "OtherVpc",
        ec2::VpcProps {
            cidr: "10.1.0.0/16".into(),
            ..Default::default()
        },
    )?;
    let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(
        &mut s,
        "ContentAccessPoint",
        fs,
        efs::AccessPointProps {
            path: "/media".into(),
            ..Default::default()
        },
    )?;
    Ok(Parts {
        app,
        stack,
        vpc,
        other,
        ap,
    })
}

/// A task definition with a container mounting `ap`.
fn mounting_task(
    s: &mut Scope<'_>,
    ap: efs::AccessPoint,
) -> Result<ecs::FargateTaskDefinition, Box<dyn std::error::Error>> {
    let task = ecs::FargateTaskDefinition::new(s, "TaskDef", Default::default())?;
    let c = task.add_container(s, "media", IMAGE, Default::default())?;
    task.mount(
        s,
        "content",
        ap,
        c,
        "/mnt/content",
        ecs::Mount::read_write(),
    )?;
    Ok(task)
}

#[test]
fn a_typed_service_in_another_vpc_than_the_file_system_is_refused_at_the_call() -> R {
    let Parts {
        mut app,
        stack,
        other,
        ap,
        ..
    } = two_vpcs()?;
    let mut s = app.at(stack)?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", other, Default::default())?;
    let task = mounting_task(&mut s, ap)?;
    let err = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())
        .err()
        .ok_or("a service in another VPC was accepted")?
        .to_string();
    assert!(err.starts_with("Efs/Service: "), "{err}");
    assert!(err.contains("Efs/OtherVpc"), "{err}");
    assert!(err.contains("Efs/Vpc"), "{err}");
    assert!(err.contains("fix: "), "{err}");
    // Nothing of the refused service is left behind.
    assert!(app
        .nodes()
        .all(|(id, _)| !app.path(id).is_ok_and(|p| p.starts_with("Efs/Service"))));
    synth(&app, "efs_vpc_refused_service_leaves_nothing");
    Ok(())
}

#[test]
fn a_mount_added_to_a_task_whose_service_runs_in_another_vpc_is_refused_at_the_call() -> R {
    let Parts {
        mut app,
        stack,
        other,
        ap,
        ..
    } = two_vpcs()?;
    let mut s = app.at(stack)?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", other, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let c = task.add_container(&mut s, "media", IMAGE, Default::default())?;
    ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    let err = task
        .mount(
            &mut s,
            "content",
            ap,
            c,
            "/mnt/content",
            ecs::Mount::read_write(),
        )
        .err()
        .ok_or("a mount from another VPC was accepted")?
        .to_string();
    assert!(err.contains("Efs/Service"), "{err}");
    assert!(err.contains("another VPC"), "{err}");
    Ok(())
}

#[test]
fn a_typed_service_in_the_file_systems_vpc_mounts_it() -> R {
    let Parts {
        mut app,
        stack,
        vpc,
        ap,
        ..
    } = two_vpcs()?;
    let mut s = app.at(stack)?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = mounting_task(&mut s, ap)?;
    ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    synth(&app, "efs_vpc_same_vpc_typed");
    Ok(())
}

/// A raw service running `task` in `vpc`'s private subnets, admitted on NFS and ordered after
/// every mount target and the rule, so only the VPC can be wrong.
fn raw_service_in(
    app: &mut App,
    stack: gs_core::Handle<gs_core::Stack>,
    vpc: ec2::Vpc,
    ap: efs::AccessPoint,
) -> R {
    let fs = ap.file_system;
    let subnets = vpc.subnet_ids(app, ec2::SubnetType::Private);
    let mut s = app.at(stack)?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = mounting_task(&mut s, ap)?;
    let sg = ec2::SecurityGroup::new(&mut s, "RawServiceSecurityGroup", vpc, Default::default())?;
    let rule = fs
        .connections()
        .allow_default_port_from(&mut s, sg, "NFS from the raw service")?;
    let service = s.resource::<RawResource>(
        "RawService",
        Resource::new("AWS::ECS::Service")
            .property("Cluster", cluster.cluster_name())
            .property("DesiredCount", 1)
            .property("LaunchType", "FARGATE")
            .property(
                "NetworkConfiguration",
                ValueMap::new().with(
                    "AwsvpcConfiguration",
                    ValueMap::new()
                        .with("SecurityGroups", Value::List(vec![sg.group_id()]))
                        .with("Subnets", subnets),
                ),
            )
            .property("TaskDefinition", task.arn()),
    )?;
    app.add_dependency(
        service,
        rule,
        "tasks mount over NFS, which this rule admits",
    )?;
    for mt in fs.mount_targets(app) {
        app.add_dependency(
            service,
            mt.resource,
            "tasks mount through the mount targets",
        )?;
    }
    Ok(())
}

#[test]
fn a_raw_service_in_another_vpc_than_the_mount_targets_is_refused_though_the_azs_match() -> R {
    let Parts {
        mut app,
        stack,
        other,
        ap,
        ..
    } = two_vpcs()?;
    raw_service_in(&mut app, stack, other, ap)?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "efs/mount-across-vpcs" && d.path == "Efs/RawService"),
        "{found:#?}"
    );
    // The AZs match: the AZ rule alone would have let it through.
    assert!(
        !found.iter().any(|d| d.rule == "efs/no-mount-target-in-az"),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn a_raw_service_in_the_mount_targets_vpc_is_accepted() -> R {
    let Parts {
        mut app,
        stack,
        vpc,
        ap,
        ..
    } = two_vpcs()?;
    raw_service_in(&mut app, stack, vpc, ap)?;
    synth(&app, "efs_vpc_same_vpc_raw");
    Ok(())
}
