//! `lifecycle/retained-fixed-name`: a retained resource with a fixed physical name makes
//! "delete the stack, deploy it again" fail with "already exists". Typed and raw resources.

mod support;

use gs_constructs::prelude::*;
use gs_core::{Pseudo, RawResource};
use support::*;

const RULE: &str = "lifecycle/retained-fixed-name";

fn app() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Names", StackProps::default()).unwrap();
    (app, stack)
}

fn findings(app: &App) -> Vec<(String, String)> {
    app.validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == RULE)
        .map(|d| (d.path, d.message))
        .collect()
}

fn raw_stream(name: Option<Value>, policy: RemovalPolicy) -> Resource {
    let mut p = ValueMap::new().with("ShardCount", 1).with(
        "StreamEncryption",
        ValueMap::new()
            .with("EncryptionType", "KMS")
            .with("KeyId", "alias/aws/kinesis"),
    );
    if let Some(name) = name {
        p.insert("Name", name);
    }
    Resource::new("AWS::Kinesis::Stream")
        .properties(p)
        .removal_policy(policy)
}

#[test]
fn a_retained_raw_stream_with_a_literal_name_warns_and_one_without_a_name_does_not() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "Named",
        raw_stream(Some("events-dev".into()), RemovalPolicy::Retain),
    )
    .unwrap();
    s.resource::<RawResource>("Unnamed", raw_stream(None, RemovalPolicy::Retain))
        .unwrap();
    let found = findings(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "Names/Named");
    assert!(found[0].1.contains("`events-dev`"), "{found:#?}");
    // A warning: the app still synthesizes.
    synth(&app, "lifecycle_retained_fixed_name_warns");
}

#[test]
fn a_name_built_from_the_stack_name_is_as_fixed_and_a_stack_id_suffix_is_not() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "ByStackName",
        raw_stream(
            Some(Value::sub("${AWS::StackName}-events")),
            RemovalPolicy::Retain,
        ),
    )
    .unwrap();
    // The usual generation suffix: the UUID part of the stack id, new with every stack.
    let generation = Value::select(2, Value::split("/", Value::Pseudo(Pseudo::StackId)));
    s.resource::<RawResource>(
        "ByGeneration",
        raw_stream(
            Some(Value::join("-", [Value::from("events"), generation])),
            RemovalPolicy::Retain,
        ),
    )
    .unwrap();
    let paths: Vec<String> = findings(&app).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["Names/ByStackName"]);
}

#[test]
fn a_fixed_name_on_a_deleted_or_snapshotted_resource_does_not_warn() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "Deleted",
        raw_stream(Some("events-dev".into()), RemovalPolicy::Destroy),
    )
    .unwrap();
    s.resource::<RawResource>(
        "Cache",
        Resource::new("AWS::ElastiCache::ReplicationGroup")
            .property("ReplicationGroupId", "cache-dev")
            .removal_policy(RemovalPolicy::Snapshot),
    )
    .unwrap();
    assert_eq!(findings(&app), []);
}

#[test]
fn a_typed_replicated_secret_with_a_name_warns_naming_its_replicas() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    secretsmanager::Secret::new(
        &mut s,
        "ApiKey",
        secretsmanager::SecretProps {
            name: Some("api-key-dev".into()),
            replica_regions: vec!["us-west-2".into()],
            ..Default::default()
        },
    )
    .unwrap();
    secretsmanager::Secret::new(&mut s, "Generated", Default::default()).unwrap();
    let found = findings(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "Names/ApiKey");
    assert!(found[0].1.contains("replicas in us-west-2"), "{found:#?}");
}

#[test]
fn a_typed_log_group_and_stream_warn_only_with_a_name() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    logs::LogGroup::new(
        &mut s,
        "Named",
        logs::LogGroupProps {
            name: Some("/aws/elasticache/redis-dev".into()),
            ..Default::default()
        },
    )
    .unwrap();
    logs::LogGroup::new(&mut s, "Unnamed", Default::default()).unwrap();
    kinesis::Stream::new(
        &mut s,
        "Stream",
        kinesis::StreamProps {
            stream_name: Some("events-dev".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut paths: Vec<String> = findings(&app).into_iter().map(|(p, _)| p).collect();
    paths.sort();
    assert_eq!(paths, ["Names/Named", "Names/Stream"]);
}

#[test]
fn a_typed_vault_without_a_name_gets_a_generation_suffix_and_does_not_warn() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    backup::BackupVault::new(&mut s, "Vault", Default::default()).unwrap();
    backup::BackupVault::new(
        &mut s,
        "NamedVault",
        backup::BackupVaultProps {
            name: Some("vault-dev".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let paths: Vec<String> = findings(&app).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["Names/NamedVault"]);
    synth(&app, "lifecycle_vault_generation_suffix");
}
