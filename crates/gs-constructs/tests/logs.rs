//! Log destinations: dangling log groups and unordered producers are refused; handles make both
//! impossible.

mod support;

use gs_constructs::prelude::*;
use gs_core::RawResource;
use serde_json::json;
use support::*;

fn app() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Logs", StackProps::default()).unwrap();
    (app, stack)
}

#[test]
fn a_log_delivery_to_a_log_group_nobody_defines_is_refused_with_the_producer_path() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "RedisCluster",
        raw_cache_logging_to("/aws/elasticache/redis-dev".into()),
    )
    .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "Logs/RedisCluster");
}

#[test]
fn a_log_delivery_to_an_imported_log_group_is_accepted() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    logs::LogGroup::from_name(&mut s, "Shared", "/aws/elasticache/redis-dev").unwrap();
    s.resource::<RawResource>(
        "RedisCluster",
        raw_cache_logging_to("/aws/elasticache/redis-dev".into()),
    )
    .unwrap();
    synth(&app, "logs_imported_group");
}

#[test]
fn a_literal_name_of_a_defined_log_group_without_dependency_is_not_ordered() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let group = logs::LogGroup::new(
        &mut s,
        "RedisLogGroup",
        logs::LogGroupProps {
            name: Some("/aws/elasticache/redis-dev".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let cache = s
        .resource::<RawResource>(
            "RedisCluster",
            raw_cache_logging_to("/aws/elasticache/redis-dev".into()),
        )
        .unwrap();
    assert_refused(&app, "logs/not-ordered", "Logs/RedisCluster");

    app.add_dependency(cache, group.node, "the log group must exist first")
        .unwrap();
    let t = synth(&app, "logs_ordered_by_dependency");
    let (group_id, _) = resource_at(&t, "Logs/RedisLogGroup/Resource");
    let (_, cache) = resource_at(&t, "Logs/RedisCluster");
    assert_eq!(cache["DependsOn"], json!([group_id]));
}

#[test]
fn a_log_group_handle_orders_the_producer_by_reference() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let group = logs::LogGroup::new(&mut s, "RedisLogGroup", Default::default()).unwrap();
    s.resource::<RawResource>("RedisCluster", raw_cache_logging_to(group.name()))
        .unwrap();
    let t = synth(&app, "logs_ordered_by_reference");
    let (group_id, _) = resource_at(&t, "Logs/RedisLogGroup/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"LogDeliveryConfigurations": [{"DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": {"Ref": group_id}}}}]}),
    );
}

#[test]
fn an_awslogs_driver_naming_an_unknown_group_is_dangling() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let container = |group: Value| {
        ValueMap::new()
            .with("Name", "web")
            .with("Image", "nginx")
            .with(
                "LogConfiguration",
                ValueMap::new().with("LogDriver", "awslogs").with(
                    "Options",
                    ValueMap::new()
                        .with("awslogs-group", group)
                        .with("awslogs-region", "us-east-1")
                        .with("awslogs-stream-prefix", "web"),
                ),
            )
    };
    s.resource::<RawResource>(
        "TaskDef",
        Resource::new("AWS::ECS::TaskDefinition").property(
            "ContainerDefinitions",
            Value::List(vec![container("/ecs/missing".into()).into()]),
        ),
    )
    .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "Logs/TaskDef");
}

#[test]
fn a_log_group_defined_in_another_stack_does_not_count_for_a_literal_name() {
    let (mut app, stack) = app();
    let other = app
        .stack(
            "LogsDr",
            StackProps {
                region: Some("us-west-2".into()),
                ..Default::default()
            },
        )
        .unwrap();
    logs::LogGroup::new(
        &mut app.at(stack).unwrap(),
        "RedisLogGroup",
        logs::LogGroupProps {
            name: Some("/aws/elasticache/redis-dev".into()),
            ..Default::default()
        },
    )
    .unwrap();
    app.at(other)
        .unwrap()
        .resource::<RawResource>(
            "RedisCluster",
            raw_cache_logging_to("/aws/elasticache/redis-dev".into()),
        )
        .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "LogsDr/RedisCluster");
    let d = refused(&app);
    assert!(!d.iter().any(|d| d.rule == "logs/not-ordered"), "{d:#?}");
}
