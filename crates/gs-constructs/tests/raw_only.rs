//! An app built from raw resources alone, with no typed constructor run, is checked by every
//! rule that applies to its resources: the rule set comes with the backend.

mod support;

use gs_constructs::prelude::*;
use support::*;

fn raw(s: &mut Scope<'_>, id: &str, resource: Resource) -> NodeId {
    s.resource::<RawResource>(id, resource).unwrap().node()
}

#[test]
fn a_raw_app_sees_the_service_rules_without_any_typed_constructor() {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    raw(
        &mut s,
        "Plan",
        Resource::new("AWS::Backup::BackupPlan").property(
            "BackupPlan",
            ValueMap::new()
                .with("BackupPlanName", "plan")
                .with("BackupPlanRule", Value::List(vec![])),
        ),
    );
    raw(
        &mut s,
        "Cache",
        Resource::new("AWS::ElastiCache::ReplicationGroup")
            .property("ReplicationGroupDescription", "cache")
            .property("Engine", "redis")
            .property("CacheNodeType", "cache.t4g.micro")
            .property("NumCacheClusters", 1)
            .property("AtRestEncryptionEnabled", true)
            .property("TransitEncryptionEnabled", true)
            .property(
                "LogDeliveryConfigurations",
                Value::List(vec![Value::Map(
                    ValueMap::new()
                        .with("DestinationType", "cloudwatch-logs")
                        .with("LogFormat", "json")
                        .with("LogType", "slow-log")
                        .with(
                            "DestinationDetails",
                            ValueMap::new().with(
                                "CloudWatchLogsDetails",
                                ValueMap::new().with("LogGroup", "/nobody/defines/this"),
                            ),
                        ),
                )]),
            ),
    );
    raw(&mut s, "Files", Resource::new("AWS::EFS::FileSystem"));
    assert_eq!(app.pass_names().count(), 0, "no pass was added to the app");
    let findings = refused(&app);
    for (rule, path) in [
        ("backup/plan-without-rules", "Raw/Plan"),
        ("logs/dangling-log-group", "Raw/Cache"),
        ("security/unencrypted-at-rest", "Raw/Files"),
    ] {
        assert!(
            findings.iter().any(|d| d.rule == rule && d.path == path),
            "{rule} at {path} missing from {findings:#?}"
        );
    }
}

#[test]
fn an_acknowledgement_that_cannot_match_is_refused_at_synthesis() {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let topic = raw(&mut s, "Topic", Resource::new("AWS::SNS::Topic"));
    app.acknowledge(topic, &rules::S3_PUBLIC_BUCKET, "public assets")
        .unwrap();
    let findings = refused(&app);
    let d = findings
        .iter()
        .find(|d| d.rule == "core/invalid-acknowledgement")
        .unwrap();
    assert_eq!(d.path, "Raw/Topic");
    assert!(d.message.contains("AWS::S3::Bucket"), "{}", d.message);
    // A rule that cannot be acknowledged is refused at the call, and leaves nothing behind.
    assert!(app
        .acknowledge(topic, &rules::CFN_LIMITS, "big stack")
        .is_err());
    assert_eq!(app.node(topic).unwrap().acknowledgements().len(), 1);
}

#[test]
fn an_acknowledgement_of_a_service_rule_is_accepted_by_a_backend_without_service_passes() {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let bucket = raw(
        &mut s,
        "Site",
        Resource::new("AWS::S3::Bucket").property(
            "PublicAccessBlockConfiguration",
            ValueMap::new()
                .with("BlockPublicAcls", false)
                .with("BlockPublicPolicy", false)
                .with("IgnorePublicAcls", false)
                .with("RestrictPublicBuckets", false),
        ),
    );
    app.acknowledge(bucket, &rules::S3_PUBLIC_BUCKET, "public website assets")
        .unwrap();
    assert!(app.synth(&CfnBackend::default()).is_ok());
    assert!(app.synth(&gs_constructs::core::DotBackend).is_ok());
}
