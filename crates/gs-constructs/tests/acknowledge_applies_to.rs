//! An acknowledgement of a service rule on a construct that holds none of the resource types the
//! rule reports on (`Rule::applies_to`) can match no finding: synthesis refuses it with
//! `core/invalid-acknowledgement`. One that does hold such a resource is kept.

mod support;

use gs_constructs::prelude::*;
use gs_constructs::rules;
use gs_core::{NodeId, RawResource, Rule};
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

/// The rules whose `applies_to` names their resource types, none of which an SQS queue is.
const NOT_ON_A_QUEUE: &[Rule] = &[
    rules::EFS_NO_NFS_INGRESS,
    rules::EFS_NO_MOUNT_TARGET_IN_AZ,
    rules::EFS_MOUNT_NOT_ORDERED,
    rules::EFS_ACCESS_POINT_FOREIGN,
    rules::EFS_ACCESS_POINT_NEEDS_TRANSIT_ENCRYPTION,
    rules::EFS_IAM_NEEDS_TRANSIT_ENCRYPTION,
    rules::EFS_ACCESS_POINT_ROOT_DIRECTORY,
    rules::EFS_VPC_DNS_DISABLED,
    rules::EFS_MOUNT_ACROSS_VPCS,
    rules::ELASTICACHE_LOG_TYPE_ENGINE_VERSION,
    rules::CFN_NAME_CONSTRAINTS,
    rules::LOGS_DANGLING_LOG_GROUP,
    rules::SECURITY_UNENCRYPTED_AT_REST,
    rules::SECURITY_UNENCRYPTED_IN_TRANSIT,
    rules::SECURITY_IAM_WILDCARD,
];

/// Asserts `found` holds a `core/invalid-acknowledgement` of `rule` at `path`.
fn assert_invalid(found: &[Diagnostic], rule: &Rule, path: &str) {
    assert!(
        found
            .iter()
            .any(|d| d.rule == "core/invalid-acknowledgement"
                && d.path == path
                && d.message.contains(&format!("`{}`", rule.id))),
        "no core/invalid-acknowledgement of {} at {path}, got:\n{}",
        rule.id,
        found.iter().map(|d| format!("{d}\n")).collect::<String>()
    );
}

#[test]
fn a_service_rule_acknowledged_on_a_construct_without_its_resource_types_is_refused() -> R {
    let mut app = App::new();
    let stack = app.stack("Stack", StackProps::default())?;
    let mut s = app.at(stack)?;
    let q = sqs::Queue::new(&mut s, "Q", Default::default())?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    // An EFS file system has no physical name (only a Name tag), so no retained-fixed-name.
    let fs = efs::FileSystem::new(&mut s, "Files", vpc, Default::default())?;
    for rule in NOT_ON_A_QUEUE {
        assert!(!rule.applies_to.is_empty(), "{}", rule.id);
        app.acknowledge(q.node, rule, "copied")?;
    }
    app.acknowledge(fs.node, &rules::LIFECYCLE_RETAINED_FIXED_NAME, "copied")?;
    let found = refused(&app);
    for rule in NOT_ON_A_QUEUE {
        assert_invalid(&found, rule, "Stack/Q");
    }
    assert_invalid(&found, &rules::LIFECYCLE_RETAINED_FIXED_NAME, "Stack/Files");
    Ok(())
}

/// The node at `path`.
fn node_at(app: &App, path: &str) -> NodeId {
    app.nodes()
        .find(|(id, _)| app.path(*id).is_ok_and(|p| p == path))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no node at {path}"))
}

#[test]
fn a_service_rule_acknowledged_on_a_construct_holding_its_resource_is_kept() -> R {
    let mut app = App::new();
    let stack = app.stack("Stack", StackProps::default())?;
    let mut s = app.at(stack)?;
    // A service mounting EFS in a VPC without DNS host names: `efs/vpc-dns-disabled` on the
    // service, acknowledged on the service construct.
    let vpc = ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            enable_dns_hostnames: false,
            ..Default::default()
        },
    )?;
    let fs = efs::FileSystem::new(&mut s, "Files", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(
        &mut s,
        "FilesAccessPoint",
        fs,
        efs::AccessPointProps {
            path: "/data".into(),
            ..Default::default()
        },
    )?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let c = task.add_container(&mut s, "app", IMAGE, Default::default())?;
    task.mount(
        &mut s,
        "files",
        ap,
        c,
        "/mnt/files",
        ecs::Mount::read_write(),
    )?;
    let service = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    // A raw Redis 5 cache cluster delivering its slow log: `elasticache/log-type-engine-version`
    // on the cluster itself.
    let logs = logs::LogGroup::new(&mut s, "CacheLogs", Default::default())?;
    let cache = s
        .resource::<RawResource>(
            "Cache",
            Resource::new("AWS::ElastiCache::CacheCluster").properties(
                ValueMap::new()
                    .with("CacheNodeType", "cache.t3.micro")
                    .with("Engine", "redis")
                    .with("EngineVersion", "5.0.6")
                    .with("NumCacheNodes", 1)
                    .with(
                        "LogDeliveryConfigurations",
                        vec![Value::from(
                            ValueMap::new()
                                .with("LogType", "slow-log")
                                .with("LogFormat", "json")
                                .with("DestinationType", "cloudwatch-logs")
                                .with(
                                    "DestinationDetails",
                                    ValueMap::new().with(
                                        "CloudWatchLogsDetails",
                                        ValueMap::new().with("LogGroup", logs.name()),
                                    ),
                                ),
                        )],
                    ),
            ),
        )?
        .node();
    // A queue holds an `AWS::SQS::Queue`, a type `lifecycle/retained-fixed-name` reports on.
    let q = sqs::Queue::new(&mut s, "Q", Default::default())?;

    let found = refused(&app);
    assert!(found
        .iter()
        .any(|d| d.rule == "efs/vpc-dns-disabled" && d.path == "Stack/Service/Service"));
    assert!(found
        .iter()
        .any(|d| d.rule == "elasticache/log-type-engine-version" && d.path == "Stack/Cache"));

    app.acknowledge(
        service.node,
        &rules::EFS_VPC_DNS_DISABLED,
        "DNS via a resolver",
    )?;
    app.acknowledge(
        cache,
        &rules::ELASTICACHE_LOG_TYPE_ENGINE_VERSION,
        "upgraded out of band",
    )?;
    app.acknowledge(
        q.node,
        &rules::LIFECYCLE_RETAINED_FIXED_NAME,
        "found by name from outside",
    )?;
    app.acknowledge(
        node_at(&app, "Stack/TaskDef"),
        &rules::SECURITY_UNENCRYPTED_IN_TRANSIT,
        "EFS traffic stays in the VPC",
    )?;
    let out = app
        .synth(&CfnBackend {
            templates_only: true,
        })
        .map_err(|e| format!("refused:\n{e}"))?;
    for (rule, path) in [
        ("efs/vpc-dns-disabled", "Stack/Service/Service"),
        ("elasticache/log-type-engine-version", "Stack/Cache"),
    ] {
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.rule == rule && d.path == path && d.acknowledged.is_some()),
            "{rule} at {path} not acknowledged: {:#?}",
            out.diagnostics
        );
    }
    assert!(!out
        .diagnostics
        .iter()
        .any(|d| d.rule == "core/invalid-acknowledgement"));
    Ok(())
}
