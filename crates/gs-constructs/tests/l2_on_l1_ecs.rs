//! The ECS and ElastiCache L2s stand on the generated L1s: their resource handles are the L1
//! handle types (also named from the L2 modules), and what the L2s render into a resource after
//! creation (containers, volumes) leaves the rest of it alone.

mod support;

use gs_constructs::l1;
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

#[test]
fn the_l2_resource_handles_are_the_generated_l1_handles() -> R {
    let mut app = App::new();
    let stack = app.stack("Handles", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    task.add_container(&mut s, "app", IMAGE, Default::default())?;
    let svc = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    let scaling = svc.auto_scale(&mut s, Default::default())?;
    let redis = elasticache::ReplicationGroup::new(&mut s, "Redis", vpc, Default::default())?;

    // The L2 modules name the L1 types (the paths the L2 marker types had).
    let c: l1::ecs::CfnCluster = cluster.resource;
    let t: l1::ecs::CfnTaskDefinition = task.resource;
    let v: l1::ecs::CfnService = svc.resource;
    let st: l1::applicationautoscaling::CfnScalableTarget = scaling.target;
    let rg: l1::elasticache::CfnReplicationGroup = redis.resource;
    let sg: l1::elasticache::CfnSubnetGroup = redis.subnet_group;
    let _: (ecs::CfnCluster, ecs::CfnTaskDefinition, ecs::CfnService) = (c, t, v);
    let _: ecs::CfnScalableTarget = st;
    let _: (
        elasticache::CfnReplicationGroup,
        elasticache::CfnSubnetGroup,
    ) = (rg, sg);

    // The L2 accessors are the L1 attributes.
    assert_eq!(cluster.arn(), c.attr_arn());
    assert_eq!(svc.service_name(), v.attr_name());
    assert_eq!(svc.arn(), v.reference());
    assert_eq!(task.arn(), t.reference());
    assert_eq!(
        redis.configuration_endpoint_address(),
        rg.attr_configuration_end_point_address()
    );
    assert_eq!(
        redis.configuration_endpoint_port(),
        rg.attr_configuration_end_point_port()
    );
    assert_eq!(s.app().path(sg)?, "Handles/Redis/SubnetGroup");

    let template = synth(s.app(), "l2_on_l1_ecs_handles");
    let (subnet_group_id, _) = resource_at(&template, "Handles/Redis/SubnetGroup");
    assert_has_resource_properties(
        &template,
        "AWS::ElastiCache::ReplicationGroup",
        json!({ "CacheSubnetGroupName": { "Ref": subnet_group_id } }),
    );
    // The scalable target stays untagged (cfn-lint's schema has no `Tags` for it); the others
    // take the stack's tags as before.
    let targets = resources_of(&template, "AWS::ApplicationAutoScaling::ScalableTarget");
    assert_eq!(targets.len(), 1);
    assert!(targets[0].1["Properties"].get("Tags").is_none());
    Ok(())
}

#[test]
fn adding_containers_and_mounts_keeps_escape_hatch_changes_of_the_task_definition() -> R {
    let mut app = App::new();
    let stack = app.stack("Hatch", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "Fs", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(&mut s, "Ap", fs, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let platform = json!({ "CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX" });
    s.app_mut().resource_mut(task.resource)?.properties.insert(
        "RuntimePlatform",
        ValueMap::new()
            .with("CpuArchitecture", "ARM64")
            .with("OperatingSystemFamily", "LINUX"),
    );
    let first = task.add_container(&mut s, "first", IMAGE, Default::default())?;
    task.mount(
        &mut s,
        "content",
        ap,
        first,
        "/mnt/content",
        ecs::Mount::read_only(),
    )?;
    task.add_container(&mut s, "second", IMAGE, Default::default())?;

    let template = synth(s.app(), "l2_on_l1_ecs_hatch");
    let (_, r) = resource_at(&template, "Hatch/TaskDef/Resource");
    let props = &r["Properties"];
    assert_eq!(props["RuntimePlatform"], platform);
    assert_eq!(props["Memory"], json!("512"));
    let names: Vec<&str> = props["ContainerDefinitions"]
        .as_array()
        .map(|l| l.iter().filter_map(|c| c["Name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(props["Volumes"][0]["Name"], json!("content"));
    assert_eq!(
        props["Volumes"][0]["EFSVolumeConfiguration"]["TransitEncryption"],
        json!("ENABLED")
    );
    Ok(())
}

#[test]
fn tmpfs_mounts_that_take_the_whole_task_memory_are_refused() -> R {
    let mut app = App::new();
    let stack = app.stack("Tmpfs", StackProps::default())?;
    let mut s = app.at(stack)?;
    let task = ecs::FargateTaskDefinition::new(
        &mut s,
        "TaskDef",
        ecs::FargateTaskDefinitionProps {
            cpu: 256,
            memory_mib: 1024,
            ..Default::default()
        },
    )?;
    let tmpfs = |mib| ecs::ContainerProps {
        tmpfs: vec![ecs::Tmpfs::new("/tmp", mib)],
        ..Default::default()
    };
    let err = task
        .add_container(&mut s, "big", IMAGE, tmpfs(1024))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("Tmpfs/TaskDef/big: "), "{err}");
    assert!(
        err.contains("1024 MiB of the container's 1024 MiB"),
        "{err}"
    );
    task.add_container(&mut s, "small", IMAGE, tmpfs(512))?;
    Ok(())
}
