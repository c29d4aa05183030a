mod support;

use gs_constructs::prelude::*;
use gs_core::RawResource;
use serde_json::json;
use support::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app
        .stack("Analytics", StackProps::default())
        .expect("stack");
    (app, stack)
}

#[test]
fn a_default_stream_is_encrypted_with_the_aws_managed_key_and_keeps_records_a_day() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "Events", Default::default())?;
    let info = stream.info(s.app()).expect("info").clone();
    assert_eq!(info.retention_hours, 24);
    let t = synth(&app, "kinesis_default");
    assert_has_resource_properties(
        &t,
        "AWS::Kinesis::Stream",
        json!({"RetentionPeriodHours": 24, "ShardCount": 1,
               "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
               "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    let (_, r) = resource_at(&t, "Analytics/Events/Resource");
    assert_eq!(r["DeletionPolicy"], "Retain");
    Ok(())
}

#[test]
fn an_on_demand_stream_with_a_customer_key_has_no_shard_count_and_names_the_key() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "StreamKey", Default::default())?;
    let stream = kinesis::Stream::new(
        &mut s,
        "Events",
        kinesis::StreamProps {
            stream_name: Some("globalstream-events-dev".into()),
            mode: kinesis::StreamMode::OnDemand,
            retention_hours: 168,
            encryption: kinesis::StreamEncryption::Kms(key),
            ..Default::default()
        },
    )?;
    let role = iam::Role::new(
        &mut s,
        "Producer",
        "apigateway.amazonaws.com",
        Default::default(),
    )?;
    stream.grant_write(s.app_mut(), role)?;
    let t = synth(&app, "kinesis_on_demand");
    let (key_id, _) = resource_at(&t, "Analytics/StreamKey/Resource");
    let (_, r) = resource_at(&t, "Analytics/Events/Resource");
    assert!(r["Properties"].get("ShardCount").is_none());
    assert!(matches(
        &r["Properties"],
        &json!({"Name": "globalstream-events-dev", "RetentionPeriodHours": 168,
                "StreamEncryption": {"KeyId": {"Fn::GetAtt": [key_id, "Arn"]}},
                "StreamModeDetails": {"StreamMode": "ON_DEMAND"}})
    ));
    assert_eq!(resources_of(&t, "AWS::IAM::Policy").len(), 1);
    Ok(())
}

#[test]
fn retention_outside_a_day_to_a_year_is_refused_naming_the_stream() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    for hours in [23, 8761] {
        let err = kinesis::Stream::new(
            &mut s,
            "Events",
            kinesis::StreamProps {
                retention_hours: hours,
                ..Default::default()
            },
        )
        .expect_err("refused");
        assert!(
            err.to_string()
                .starts_with("Analytics/Events: retention_hours"),
            "{err}"
        );
    }
    Ok(())
}

#[test]
fn a_stream_name_with_a_slash_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let err = kinesis::Stream::new(
        &mut s,
        "Events",
        kinesis::StreamProps {
            stream_name: Some("events/dev".into()),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(err.to_string().contains("contains `/`"), "{err}");
    Ok(())
}

#[test]
fn an_enhanced_fan_out_consumer_reads_the_stream_by_arn() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "Events", Default::default())?;
    kinesis::StreamConsumer::new(
        &mut s,
        "Analytics",
        stream,
        kinesis::StreamConsumerProps {
            consumer_name: Some("analytics".into()),
        },
    )?;
    let bad = kinesis::StreamConsumer::new(
        &mut s,
        "Bad",
        stream,
        kinesis::StreamConsumerProps {
            consumer_name: Some("has space".into()),
        },
    );
    assert!(bad.is_err());
    let t = synth(&app, "kinesis_consumer");
    let (stream_id, _) = resource_at(&t, "Analytics/Events/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::Kinesis::StreamConsumer",
        json!({"ConsumerName": "analytics", "StreamARN": {"Fn::GetAtt": [stream_id, "Arn"]}}),
    );
    Ok(())
}

#[test]
fn a_raw_stream_with_a_bad_name_is_refused_by_name_constraints() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "Raw",
        Resource::new("AWS::Kinesis::Stream")
            .property("Name", "events:dev")
            .property("ShardCount", 1),
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "cfn/name-constraints" && d.path == "Analytics/Raw"),
        "{found:?}"
    );
    Ok(())
}

#[test]
fn a_raw_stream_with_a_valid_name_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "Raw",
        Resource::new("AWS::Kinesis::Stream")
            .property("Name", "events-dev")
            .property("ShardCount", 1)
            .property(
                "StreamEncryption",
                ValueMap::new()
                    .with("EncryptionType", "KMS")
                    .with("KeyId", "alias/aws/kinesis"),
            ),
    )?;
    let t = synth(&app, "kinesis_raw_name_ok");
    assert_has_resource_properties(&t, "AWS::Kinesis::Stream", json!({"Name": "events-dev"}));
    Ok(())
}
