//! Names built only from constants (`Fn::Join` of literals, `Fn::Sub` without variables,
//! `Fn::Select` from a literal list) are as fixed as plain strings: the rules that check names
//! see through them instead of skipping them as "not a literal".

mod support;

use gs_constructs::prelude::*;
use gs_core::{Pseudo, RawResource};
use support::*;

fn app() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Names", StackProps::default()).unwrap();
    (app, stack)
}

/// `/aws/elasticache/redis-dev`, written as a join of literals.
fn joined_name() -> Value {
    Value::join(
        "/",
        [
            Value::from(""),
            Value::from("aws"),
            Value::from("elasticache"),
            Value::from("redis-dev"),
        ],
    )
}

#[test]
fn a_log_delivery_to_a_join_of_literals_that_nobody_defines_is_dangling() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>("RedisCluster", raw_cache_logging_to(joined_name()))
        .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "Names/RedisCluster");
}

#[test]
fn a_log_delivery_to_a_sub_without_variables_that_nobody_defines_is_dangling() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "RedisCluster",
        raw_cache_logging_to(Value::sub("/aws/elasticache/redis-dev")),
    )
    .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "Names/RedisCluster");
}

#[test]
fn a_log_delivery_to_a_select_from_a_literal_list_that_nobody_defines_is_dangling() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let pick = Value::select(1, Value::from(vec!["/aws/a", "/aws/elasticache/redis-dev"]));
    s.resource::<RawResource>("RedisCluster", raw_cache_logging_to(pick))
        .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "Names/RedisCluster");
}

#[test]
fn a_folded_name_of_a_defined_log_group_is_accepted_once_ordered() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    // The group's own name is folded too: a Sub whose variable is a constant.
    let name = Value::sub_with(
        "/aws/${service}/redis-dev",
        ValueMap::new().with("service", "elasticache"),
    );
    let group = s
        .resource::<RawResource>(
            "RedisLogGroup",
            Resource::new("AWS::Logs::LogGroup")
                .property("LogGroupName", name)
                .property("RetentionInDays", 7),
        )
        .unwrap();
    let cache = s
        .resource::<RawResource>("RedisCluster", raw_cache_logging_to(joined_name()))
        .unwrap();
    // It names the defined group (so it is not dangling), but nothing orders the two yet.
    let found = refused(&app);
    assert!(
        found.iter().any(|d| d.rule == "logs/not-ordered"),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|d| d.rule == "logs/dangling-log-group"),
        "{found:#?}"
    );
    app.add_dependency(cache, group, "the log group must exist first")
        .unwrap();
    synth(&app, "folded_log_group_name_accepted");
}

#[test]
fn a_name_with_a_pseudo_parameter_is_decided_at_deploy_time_and_not_judged() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let name = Value::join(
        "-",
        [
            Value::from("/aws/elasticache/redis"),
            Value::Pseudo(Pseudo::Region),
        ],
    );
    s.resource::<RawResource>("RedisCluster", raw_cache_logging_to(name))
        .unwrap();
    synth(&app, "folded_log_group_name_unknown");
}

fn raw_stream(name: Value) -> Resource {
    Resource::new("AWS::Kinesis::Stream").properties(
        ValueMap::new()
            .with("Name", name)
            .with("ShardCount", 1)
            .with(
                "StreamEncryption",
                ValueMap::new()
                    .with("EncryptionType", "KMS")
                    .with("KeyId", "alias/aws/kinesis"),
            ),
    )
}

#[test]
fn a_name_constraint_broken_through_a_join_is_caught() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let name = Value::join(" ", [Value::from("events"), Value::from("stream")]);
    s.resource::<RawResource>("Stream", raw_stream(name))
        .unwrap();
    assert_refused(&app, "cfn/name-constraints", "Names/Stream");
    let found = refused(&app);
    assert!(
        found.iter().any(|d| d.message.contains("events stream")),
        "the finding names the folded name: {found:#?}"
    );
}

#[test]
fn a_name_within_the_constraints_through_a_join_is_accepted() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let name = Value::join("-", [Value::from("events"), Value::from("stream")]);
    s.resource::<RawResource>("Stream", raw_stream(name))
        .unwrap();
    synth(&app, "folded_stream_name_accepted");
}

fn findings(app: &App, rule: &str) -> Vec<String> {
    app.validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.path)
        .collect()
}

fn raw_policy(action: Value) -> Resource {
    Resource::new("AWS::IAM::Policy").properties(ValueMap::new().with("PolicyName", "p").with(
        "PolicyDocument",
        ValueMap::new().with("Version", "2012-10-17").with(
            "Statement",
            Value::List(vec![ValueMap::new()
                    .with("Effect", "Allow")
                    .with("Action", action)
                    .with("Resource", "arn:aws:s3:::b")
                    .into()]),
        ),
    ))
}

#[test]
fn a_wildcard_action_written_as_a_join_of_literals_is_seen_by_the_security_rules() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "Wide",
        raw_policy(Value::join("", [Value::from("s3:"), Value::from("*")])),
    )
    .unwrap();
    s.resource::<RawResource>(
        "Narrow",
        raw_policy(Value::join(
            "",
            [Value::from("s3:"), Value::from("GetObject")],
        )),
    )
    .unwrap();
    assert_eq!(findings(&app, "security/iam-wildcard"), ["Names/Wide"]);
}

#[test]
fn each_constant_branch_of_a_condition_is_checked_as_a_name() {
    let (mut app, stack) = app();
    app.add_condition(
        stack,
        "IsProd",
        Value::Equals(
            Box::new(Value::Pseudo(Pseudo::Region)),
            Box::new("us-east-1".into()),
        ),
    )
    .unwrap();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "RedisCluster",
        raw_cache_logging_to(Value::If(
            "IsProd".into(),
            Box::new("/aws/elasticache/prod".into()),
            Box::new(joined_name()),
        )),
    )
    .unwrap();
    let dangling = findings(&app, "logs/dangling-log-group");
    assert_eq!(dangling.len(), 2, "one per branch: {dangling:?}");
}

#[test]
fn a_log_group_arn_whose_only_variables_precede_the_name_is_checked_by_its_name() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "RedisCluster",
        raw_cache_logging_to(Value::sub(
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/elasticache/redis-dev:*",
        )),
    )
    .unwrap();
    assert_refused(&app, "logs/dangling-log-group", "Names/RedisCluster");
}
