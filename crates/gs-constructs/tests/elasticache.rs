mod support;

use gs_constructs::prelude::*;
use gs_core::RawResource;
use serde_json::json;
use support::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Cache", StackProps::default()).expect("stack");
    // The raw replication groups below deliver to `/raw/redis` by name: import it on purpose,
    // or logs/dangling-log-group refuses them.
    let mut s = app.at(stack).expect("scope");
    logs::LogGroup::from_name(&mut s, "RawRedisLogs", "/raw/redis").expect("import");
    (app, stack)
}

#[test]
fn a_default_replication_group_is_multi_az_encrypted_cluster_mode_in_private_subnets() -> TestResult
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let redis = elasticache::ReplicationGroup::new(
        &mut s,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            replication_group_id: Some("globalstream-redis-dev".into()),
            ..Default::default()
        },
    )?;
    let info = redis.info(s.app()).expect("info");
    assert!(
        info.multi_az
            && info.automatic_failover
            && info.at_rest_encryption
            && info.transit_encryption
    );
    assert_eq!(info.snapshot_retention_days, 7);
    let t = synth(&app, "elasticache_default");
    let (subnet_group_id, subnet_group) = resource_at(&t, "Cache/Redis/SubnetGroup");
    let private_1 = resource_at(&t, "Cache/Vpc/PrivateSubnet1/Subnet").0;
    let private_2 = resource_at(&t, "Cache/Vpc/PrivateSubnet2/Subnet").0;
    assert_eq!(
        subnet_group["Properties"]["SubnetIds"],
        json!([{"Ref": private_1}, {"Ref": private_2}])
    );
    let (sg_id, _) = resource_at(&t, "Cache/Redis/SecurityGroup/Resource");
    let (_, rg) = resource_at(&t, "Cache/Redis/Resource");
    assert_eq!(rg["DeletionPolicy"], "Snapshot");
    assert!(matches(
        &rg["Properties"],
        &json!({
            "AtRestEncryptionEnabled": true, "TransitEncryptionEnabled": true,
            "AutomaticFailoverEnabled": true, "MultiAZEnabled": true,
            "CacheNodeType": "cache.t3.micro", "Engine": "redis", "EngineVersion": "7.1",
            "CacheParameterGroupName": "default.redis7.cluster.on",
            "CacheSubnetGroupName": {"Ref": subnet_group_id},
            "NumNodeGroups": 1, "ReplicasPerNodeGroup": 1, "SnapshotRetentionLimit": 7,
            "ReplicationGroupId": "globalstream-redis-dev",
            "SecurityGroupIds": [{"Fn::GetAtt": [sg_id, "GroupId"]}]
        })
    ));
    Ok(())
}

#[test]
fn slow_log_goes_to_the_log_group_handle_with_a_fact_and_a_dependency() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let log_group = logs::LogGroup::new(
        &mut s,
        "RedisLogGroup",
        logs::LogGroupProps {
            name: Some("/aws/elasticache/redis-dev".into()),
            retention: Some(logs::RetentionDays::OneWeek),
            removal_policy: RemovalPolicy::Destroy,
        },
    )?;
    let engine_logs = logs::LogGroup::new(&mut s, "EngineLogGroup", Default::default())?;
    let redis = elasticache::ReplicationGroup::new(
        &mut s,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            slow_log: Some(log_group),
            engine_log: Some(engine_logs),
            ..Default::default()
        },
    )?;
    let facts = s.app().facts::<logs::LogDelivery>();
    assert_eq!(facts.len(), 2);
    assert_eq!(facts[0].producer, redis.resource.node());
    assert_eq!(facts[0].log_group, log_group);
    assert_eq!((facts[0].kind, facts[1].kind), ("slow-log", "engine-log"));
    let tree = s.app().freeze();
    assert!(tree
        .depends_on(redis.resource.node())
        .contains(&log_group.resource.expect("defined")));
    drop(tree);
    let t = synth(&app, "elasticache_logs");
    let (log_id, _) = resource_at(&t, "Cache/RedisLogGroup/Resource");
    let (engine_log_id, _) = resource_at(&t, "Cache/EngineLogGroup/Resource");
    let (_, rg) = resource_at(&t, "Cache/Redis/Resource");
    assert_eq!(
        rg["Properties"]["LogDeliveryConfigurations"],
        json!([
            {"DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": {"Ref": log_id}}},
             "DestinationType": "cloudwatch-logs", "LogFormat": "json", "LogType": "slow-log"},
            {"DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": {"Ref": engine_log_id}}},
             "DestinationType": "cloudwatch-logs", "LogFormat": "json", "LogType": "engine-log"}
        ])
    );
    // The explicit dependency stays in the tree (above); the template leaves it out of
    // DependsOn because the Ref in LogDeliveryConfigurations already orders the two.
    assert!(rg.get("DependsOn").is_none(), "{rg:#}");
    Ok(())
}

#[test]
fn connections_admit_a_client_on_6379_and_the_endpoint_is_the_configuration_endpoint() -> TestResult
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let redis = elasticache::ReplicationGroup::new(&mut s, "Redis", vpc, Default::default())?;
    let tasks = ec2::SecurityGroup::new(&mut s, "Tasks", vpc, Default::default())?;
    redis
        .connections()
        .allow_default_port_from(&mut s, tasks, "tasks to cache")?;
    assert!(ec2::Ingress::admits(
        s.app(),
        redis.security_group,
        tasks,
        6379
    ));
    s.output(
        "RedisEndpoint",
        gs_core::Output::new(redis.configuration_endpoint_address()),
    )?;
    let t = synth(&app, "elasticache_connections");
    let (rg_id, _) = resource_at(&t, "Cache/Redis/Resource");
    assert_eq!(
        t["Outputs"]["RedisEndpoint"]["Value"],
        json!({"Fn::GetAtt": [rg_id, "ConfigurationEndPoint.Address"]})
    );
    assert_has_resource_properties(
        &t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 6379}),
    );
    Ok(())
}

#[test]
fn multi_az_without_a_replica_is_refused_with_a_fix() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let err = elasticache::ReplicationGroup::new(
        &mut s,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            replicas_per_node_group: 0,
            ..Default::default()
        },
    )
    .expect_err("refused");
    let text = err.to_string();
    assert!(text.starts_with("Cache/Redis: Multi-AZ is on"), "{text}");
    assert!(
        text.contains("replicas_per_node_group to 1 or more"),
        "{text}"
    );
    Ok(())
}

#[test]
fn bad_replication_group_ids_are_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let long = "a".repeat(41);
    for bad in ["Redis", "redis--dev", "redis-", "1redis", long.as_str()] {
        let err = elasticache::ReplicationGroup::new(
            &mut s,
            "Redis",
            vpc,
            elasticache::ReplicationGroupProps {
                replication_group_id: Some(bad.into()),
                ..Default::default()
            },
        )
        .expect_err("refused");
        assert!(
            err.to_string().contains("the replication group id"),
            "{err}"
        );
    }
    Ok(())
}

#[test]
fn the_constructor_refuses_engine_log_on_redis_6_0() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let log_group = logs::LogGroup::new(&mut s, "Logs", Default::default())?;
    let err = elasticache::ReplicationGroup::new(
        &mut s,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            engine_version: "6.0".into(),
            engine_log: Some(log_group),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string().contains("cannot deliver the engine-log"),
        "{err}"
    );
    Ok(())
}

fn raw_replication_group(engine_version: &str, log_type: &str, id: &str) -> Resource {
    Resource::new("AWS::ElastiCache::ReplicationGroup")
        .property("ReplicationGroupDescription", "raw")
        .property("Engine", "redis")
        .property("EngineVersion", engine_version)
        .property("CacheNodeType", "cache.t3.micro")
        .property("NumCacheClusters", 2)
        .property("AutomaticFailoverEnabled", true)
        .property("AtRestEncryptionEnabled", true)
        .property("TransitEncryptionEnabled", true)
        .property("ReplicationGroupId", id)
        .property(
            "LogDeliveryConfigurations",
            Value::List(vec![ValueMap::new()
                .with(
                    "DestinationDetails",
                    ValueMap::new().with(
                        "CloudWatchLogsDetails",
                        ValueMap::new().with("LogGroup", "/raw/redis"),
                    ),
                )
                .with("DestinationType", "cloudwatch-logs")
                .with("LogFormat", "json")
                .with("LogType", log_type)
                .into()]),
        )
}

#[test]
fn a_raw_slow_log_on_redis_5_is_refused_by_log_type_engine_version() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "Raw",
        raw_replication_group("5.0.6", "slow-log", "raw-redis"),
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "elasticache/log-type-engine-version" && d.path == "Cache/Raw"),
        "{found:?}"
    );
    Ok(())
}

#[test]
fn a_raw_engine_log_on_redis_6_0_is_refused_and_on_6_2_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let raw = s.resource::<RawResource>(
        "Raw",
        raw_replication_group("6.0", "engine-log", "raw-redis"),
    )?;
    let found = refused(&app);
    let finding = found
        .iter()
        .find(|d| d.rule == "elasticache/log-type-engine-version")
        .expect("a finding");
    assert_eq!(finding.path, "Cache/Raw");
    assert!(finding.fix.contains("6.2"), "{}", finding.fix);
    app.resource_mut(raw)?
        .properties
        .insert("EngineVersion", "6.2");
    let t = synth(&app, "elasticache_raw_engine_log_ok");
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"EngineVersion": "6.2"}),
    );
    Ok(())
}

#[test]
fn a_raw_replication_group_id_past_40_characters_is_refused_by_name_constraints() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let raw = s.resource::<RawResource>(
        "Raw",
        raw_replication_group(
            "7.1",
            "slow-log",
            "globalstream-redis-cluster-for-the-dev-env",
        ),
    )?;
    let found = refused(&app);
    assert_eq!(
        found
            .iter()
            .filter(|d| d.rule == "cfn/name-constraints" && d.path == "Cache/Raw")
            .count(),
        1,
        "{found:?}"
    );
    app.resource_mut(raw)?
        .properties
        .insert("ReplicationGroupId", "globalstream-redis-dev");
    let t = synth(&app, "elasticache_raw_name_ok");
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"ReplicationGroupId": "globalstream-redis-dev"}),
    );
    Ok(())
}

#[test]
fn the_typed_replication_group_passes_both_rules() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let log_group = logs::LogGroup::new(&mut s, "Logs", Default::default())?;
    elasticache::ReplicationGroup::new(
        &mut s,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            replication_group_id: Some("globalstream-redis-dev".into()),
            engine_version: "6.0".into(),
            slow_log: Some(log_group),
            ..Default::default()
        },
    )?;
    let t = synth(&app, "elasticache_redis6");
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"EngineVersion": "6.0", "CacheParameterGroupName": "default.redis6.x.cluster.on"}),
    );
    Ok(())
}
