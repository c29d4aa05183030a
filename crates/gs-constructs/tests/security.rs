//! Security and lifecycle rules over typed and raw resources.

mod support;

use gs_constructs::prelude::*;
use gs_core::RawResource;
use support::*;

fn app() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Sec", StackProps::default()).unwrap();
    (app, stack)
}

fn warnings(app: &App, rule: &str) -> Vec<String> {
    app.validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.path)
        .collect()
}

#[test]
fn an_unencrypted_raw_file_system_is_refused_and_an_encrypted_one_passes() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let fs = s
        .resource::<RawResource>(
            "Files",
            Resource::new("AWS::EFS::FileSystem").removal_policy(RemovalPolicy::Retain),
        )
        .unwrap();
    assert_refused(&app, "security/unencrypted-at-rest", "Sec/Files");
    app.resource_mut(fs)
        .unwrap()
        .properties
        .insert("Encrypted", true);
    synth(&app, "security_encrypted_fs");
}

#[test]
fn a_raw_backup_vault_or_bucket_without_a_key_is_encrypted_by_aws_and_accepted() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "Vault",
        Resource::new("AWS::Backup::BackupVault")
            .property("BackupVaultName", "gs-vault")
            .removal_policy(RemovalPolicy::Retain),
    )
    .unwrap();
    s.resource::<RawResource>(
        "Bucket",
        Resource::new("AWS::S3::Bucket").removal_policy(RemovalPolicy::Retain),
    )
    .unwrap();
    assert!(app
        .validate(&CfnBackend::default())
        .iter()
        .all(|d| d.rule != "security/unencrypted-at-rest"));
    synth(&app, "security_vault_and_bucket_default_encryption");
}

#[test]
fn a_cache_without_transit_encryption_is_refused() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let cache = s
        .resource::<RawResource>(
            "Cache",
            Resource::new("AWS::ElastiCache::ReplicationGroup")
                .property("ReplicationGroupDescription", "c")
                .property("CacheNodeType", "cache.t3.micro")
                .property("Engine", "redis")
                .property("AtRestEncryptionEnabled", true)
                .removal_policy(RemovalPolicy::Retain),
        )
        .unwrap();
    assert_refused(&app, "security/unencrypted-in-transit", "Sec/Cache");
    app.resource_mut(cache)
        .unwrap()
        .properties
        .insert("TransitEncryptionEnabled", true);
    synth(&app, "security_cache_in_transit");
}

#[test]
fn ssh_open_to_the_world_warns_and_https_does_not() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default()).unwrap();
    let sg = ec2::SecurityGroup::new(&mut s, "Web", vpc, Default::default()).unwrap();
    sg.allow_from(&mut s, ec2::Peer::AnyIpv4, ec2::Port::tcp(443), "HTTPS")
        .unwrap();
    assert!(warnings(&app, "security/open-ingress").is_empty());
    let mut s = app.at(stack).unwrap();
    sg.allow_from(&mut s, ec2::Peer::AnyIpv4, ec2::Port::tcp(22), "SSH")
        .unwrap();
    assert_eq!(
        warnings(&app, "security/open-ingress"),
        ["Sec/Web/from 0.0.0.0_0:22"]
    );
    synth(&app, "security_open_ingress_is_a_warning");
}

#[test]
fn a_star_action_or_a_write_on_every_resource_warns_and_a_scoped_grant_does_not() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let role = iam::Role::new(
        &mut s,
        "Role",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )
    .unwrap();
    role.grant(
        &mut app,
        iam::PolicyStatement::allow(["s3:GetObject"], [Value::from("arn:aws:s3:::b/*")]),
    )
    .unwrap();
    role.grant(
        &mut app,
        iam::PolicyStatement::allow(["logs:DescribeLogGroups"], [Value::from("*")]),
    )
    .unwrap();
    assert!(warnings(&app, "security/iam-wildcard").is_empty());
    role.grant(
        &mut app,
        iam::PolicyStatement::allow(["s3:PutObject"], [Value::from("*")]),
    )
    .unwrap();
    assert_eq!(
        warnings(&app, "security/iam-wildcard"),
        ["Sec/Role/DefaultPolicy"]
    );
    role.grant(
        &mut app,
        iam::PolicyStatement::allow(["s3:*"], [Value::from("arn:aws:s3:::b")]),
    )
    .unwrap();
    assert_eq!(
        warnings(&app, "security/iam-wildcard").len(),
        2,
        "one finding per statement"
    );
    synth(&app, "security_iam_wildcard_is_a_warning");
}

#[test]
fn a_stateful_resource_deleted_on_removal_warns_unless_acknowledged() {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let secret = gs_constructs::secretsmanager::Secret::new(
        &mut s,
        "ApiKey",
        gs_constructs::secretsmanager::SecretProps {
            removal_policy: RemovalPolicy::Destroy,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(warnings(&app, "lifecycle/stateful-destroy"), ["Sec/ApiKey"]);
    app.acknowledge(
        secret.node,
        &gs_constructs::rules::LIFECYCLE_STATEFUL_DESTROY,
        "test environment, recreated on every run",
    )
    .unwrap();
    let found = app
        .validate(&CfnBackend::default())
        .into_iter()
        .find(|d| d.rule == "lifecycle/stateful-destroy")
        .unwrap();
    assert_eq!(
        found.acknowledged.as_deref(),
        Some("test environment, recreated on every run")
    );
    let t = synth(&app, "security_stateful_destroy_acknowledged");
    let (_, r) = resource_at(&t, "Sec/ApiKey/Resource");
    assert_eq!(
        r["Metadata"]["gs:acknowledged"][0]["rule"],
        "lifecycle/stateful-destroy"
    );
}

fn api(authorization: apigateway::Authorization) -> App {
    let (mut app, stack) = app();
    let mut s = app.at(stack).unwrap();
    let api = apigateway::RestApi::new(
        &mut s,
        "ContentApi",
        apigateway::RestApiProps {
            default_authorization: authorization,
            default_cors: Some(apigateway::CorsOptions::new(["https://example.com"])),
            ..Default::default()
        },
    )
    .unwrap();
    let events = api.add_resource(&mut s, api.root(), "events").unwrap();
    api.add_method(&mut s, events, "POST", apigateway::Integration::mock())
        .unwrap();
    app
}

#[test]
fn an_open_api_method_warns_and_a_signed_one_or_a_cors_preflight_does_not() {
    let open = api(apigateway::Authorization::None);
    assert_eq!(
        warnings(&open, "security/unauthenticated-api-method"),
        ["Sec/ContentApi/Default/events/POST"]
    );
    let signed = api(apigateway::Authorization::default());
    assert!(warnings(&signed, "security/unauthenticated-api-method").is_empty());
    let t = synth(&signed, "security_api_signed");
    assert_has_resource_properties(
        &t,
        "AWS::ApiGateway::Method",
        serde_json::json!({"HttpMethod": "POST", "AuthorizationType": "AWS_IAM"}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::ApiGateway::Method",
        serde_json::json!({"HttpMethod": "OPTIONS", "AuthorizationType": "NONE"}),
    );
}

#[test]
fn in_a_stack_with_dr_objectives_only_the_dr_rule_reports_a_destroyed_stateful_resource() {
    let (mut app, stack) = app();
    gs_constructs::dr::declare(
        &mut app,
        stack,
        gs_constructs::dr::Objectives::all(
            std::time::Duration::from_secs(900),
            std::time::Duration::from_secs(3600),
        ),
    )
    .unwrap();
    let mut s = app.at(stack).unwrap();
    gs_constructs::secretsmanager::Secret::new(
        &mut s,
        "ApiKey",
        gs_constructs::secretsmanager::SecretProps {
            removal_policy: RemovalPolicy::Destroy,
            ..Default::default()
        },
    )
    .unwrap();
    let found = app.validate(&CfnBackend::default());
    assert!(found
        .iter()
        .any(|d| d.rule == "dr/stateful-destroy" && d.path == "Sec/ApiKey"));
    assert!(!found.iter().any(|d| d.rule == "lifecycle/stateful-destroy"));
}

/// A raw, encrypted Postgres instance deleted with the stack.
fn raw_instance() -> Resource {
    Resource::new("AWS::RDS::DBInstance")
        .property("Engine", "postgres")
        .property("DBInstanceClass", "db.t4g.micro")
        .property("AllocatedStorage", "20")
        .property("StorageEncrypted", true)
        .property("MasterUsername", "app")
        .property("ManageMasterUserPassword", true)
        .removal_policy(RemovalPolicy::Destroy)
}

#[test]
fn a_standalone_rds_instance_deleted_on_removal_warns_and_a_cluster_member_does_not() {
    let mut app = App::new();
    let stack = app.stack("Db", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let orders = s.resource::<RawResource>("Orders", raw_instance()).unwrap();
    s.resource::<RawResource>(
        "Member",
        raw_instance().property("DBClusterIdentifier", "some-cluster"),
    )
    .unwrap();
    let warned = |app: &App| -> Vec<(String, bool)> {
        app.validate(&CfnBackend::default())
            .into_iter()
            .filter(|d| d.rule == "lifecycle/stateful-destroy")
            .map(|d| (d.path, d.acknowledged.is_some()))
            .collect()
    };
    assert_eq!(warned(&app), [("Db/Orders".to_string(), false)]);
    // The rule reports on RDS instances, so an acknowledgement on one is kept, not refused.
    app.acknowledge(
        orders.node(),
        &rules::LIFECYCLE_STATEFUL_DESTROY,
        "a scratch database",
    )
    .unwrap();
    assert_eq!(warned(&app), [("Db/Orders".to_string(), true)]);
    assert!(!app
        .validate(&CfnBackend::default())
        .iter()
        .any(|d| d.rule == "core/invalid-acknowledgement"));
}
