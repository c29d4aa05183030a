//! events::Rule: schedules, patterns, targets and the permissions written for them;
//! `events/target-without-permission` on typed and raw rules.
mod support;

use std::time::Duration;

use gs_constructs::events::{Cron, EventPattern, Rule, Schedule, Target, Trigger};
use gs_constructs::l1::sns::{CfnTopic, CfnTopicProps};
use gs_constructs::l1::sqs::{CfnQueue, CfnQueueProps};
use gs_constructs::lambda::{Code, Function, FunctionProps, Runtime};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Ev", StackProps::default()).expect("stack");
    (app, stack)
}

fn function(s: &mut Scope<'_>, id: &str) -> Function {
    Function::new(
        s,
        id,
        Runtime::Nodejs22,
        "index.handler",
        Code::from_inline("exports.handler = async () => {};"),
        FunctionProps::default(),
    )
    .expect("function")
}

fn hourly() -> Trigger {
    Trigger::Schedule(Schedule::rate(Duration::from_secs(3600)))
}

/// An L1 queue encrypted with SSE-SQS.
fn encrypted_queue(s: &mut Scope<'_>, id: &str) -> CfnQueue {
    let mut props = CfnQueueProps::new();
    props.sqs_managed_sse_enabled = Some(true.into());
    CfnQueue::new(s, id, props).expect("queue")
}

/// A raw `AWS::Events::Rule` that runs every hour with one target, `arn`.
fn raw_hourly_rule(arn: Value) -> Resource {
    Resource::new("AWS::Events::Rule").properties(
        ValueMap::new()
            .with("ScheduleExpression", "rate(1 hour)")
            .with(
                "Targets",
                Value::List(vec![ValueMap::new()
                    .with("Arn", arn)
                    .with("Id", "Target0")
                    .into()]),
            ),
    )
}

#[test]
fn a_lambda_target_writes_the_permission_for_events_from_this_rule() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Nightly");
    let rule = Rule::new(
        &mut s,
        "Schedule",
        Trigger::Schedule(Schedule::cron(Cron {
            minute: Some("0".into()),
            hour: Some("3".into()),
            ..Default::default()
        })),
        Default::default(),
    )?;
    rule.add_target(&mut s, Target::Lambda(f))?;
    let t = synth(&app, "events_lambda");
    let (rule_id, r) = resource_at(&t, "Ev/Schedule/Resource");
    let (fn_id, _) = resource_at(&t, "Ev/Nightly/Resource");
    assert_eq!(r["Properties"]["ScheduleExpression"], "cron(0 3 * * ? *)");
    assert_eq!(r["Properties"]["State"], "ENABLED");
    assert_eq!(
        r["Properties"]["Targets"],
        json!([{"Arn": {"Fn::GetAtt": [fn_id, "Arn"]}, "Id": "Target0"}])
    );
    let (_, p) = resource_at(&t, "Ev/Nightly/AllowEventRuleEvSchedule");
    assert_eq!(
        p["Properties"],
        json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": [fn_id, "Arn"]},
               "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}})
    );
    Ok(())
}

#[test]
fn sqs_and_sns_targets_share_one_policy_per_queue_or_topic_across_rules() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let q = encrypted_queue(&mut s, "Jobs");
    let mut tp = CfnTopicProps::new();
    tp.kms_master_key_id = Some("alias/aws/sns".into());
    let topic = CfnTopic::new(&mut s, "Alerts", tp)?;
    let pattern = Trigger::Pattern(EventPattern(json!({"source": ["aws.s3"]})));
    let a = Rule::new(&mut s, "A", pattern, Default::default())?;
    let b = Rule::new(&mut s, "B", hourly(), Default::default())?;
    a.add_target(&mut s, Target::Sqs(q.into()))?;
    a.add_target(&mut s, Target::Sns(topic.into()))?;
    b.add_target(&mut s, Target::Sqs(q.into()))?;
    let t = synth(&app, "events_sqs_sns");
    let policies = resources_of(&t, "AWS::SQS::QueuePolicy");
    assert_eq!(policies.len(), 1, "one policy for the queue");
    let statements = &policies[0].1["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(statements.as_array().map(Vec::len), Some(2), "{statements}");
    let (a_id, ar) = resource_at(&t, "Ev/A/Resource");
    assert_eq!(
        ar["Properties"]["EventPattern"],
        json!({"source": ["aws.s3"]})
    );
    assert_eq!(
        statements[0]["Condition"],
        json!({"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [a_id, "Arn"]}}})
    );
    assert_eq!(
        statements[0]["Principal"],
        json!({"Service": "events.amazonaws.com"})
    );
    let (b_id, _) = resource_at(&t, "Ev/B/Resource");
    assert_eq!(
        statements[1]["Condition"],
        json!({"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [b_id, "Arn"]}}})
    );
    assert_has_resource_properties(
        &t,
        "AWS::SNS::TopicPolicy",
        json!({"PolicyDocument": {"Statement": [{"Action": "sns:Publish"}]}}),
    );
    Ok(())
}

#[test]
fn a_kinesis_target_gets_a_role_events_can_assume_with_put_record() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "Events", Default::default())?;
    let rule = Rule::new(&mut s, "Copy", hourly(), Default::default())?;
    rule.add_target(
        &mut s,
        Target::Kinesis {
            stream,
            partition_key_path: Some("$.id".into()),
        },
    )?;
    let t = synth(&app, "events_kinesis");
    let (role_id, role) = resource_at(&t, "Ev/Copy/EventsRole/Resource");
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "events.amazonaws.com"})
    );
    let (_, r) = resource_at(&t, "Ev/Copy/Resource");
    assert_eq!(
        r["Properties"]["Targets"][0]["RoleArn"],
        json!({"Fn::GetAtt": [role_id, "Arn"]})
    );
    assert_eq!(
        r["Properties"]["Targets"][0]["KinesisParameters"],
        json!({"PartitionKeyPath": "$.id"})
    );
    let (_, policy) = resource_at(&t, "Ev/Copy/EventsRole/DefaultPolicy/Resource");
    assert!(policy.to_string().contains("kinesis:PutRecords"));
    Ok(())
}

#[test]
fn bad_schedules_patterns_and_a_sixth_target_are_refused_with_the_path() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let e = Rule::new(
        &mut s,
        "Fast",
        Trigger::Schedule(Schedule::rate(Duration::from_secs(30))),
        Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("Ev/Fast: ") && e.contains("minutes"), "{e}");
    let e = Rule::new(
        &mut s,
        "Empty",
        Trigger::Pattern(EventPattern(json!({}))),
        Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("Ev/Empty: "), "{e}");
    let mut deep = json!(["x"]);
    for _ in 0..40 {
        deep = json!({ "a": deep });
    }
    assert!(Rule::new(
        &mut s,
        "Deep",
        Trigger::Pattern(EventPattern(deep)),
        Default::default()
    )
    .is_err());
    let rule = Rule::new(&mut s, "Busy", hourly(), Default::default())?;
    for i in 0..5 {
        let f = function(&mut s, &format!("F{i}"));
        rule.add_target(&mut s, Target::Lambda(f))?;
    }
    let f = function(&mut s, "F5");
    let e = rule
        .add_target(&mut s, Target::Lambda(f))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("Ev/Busy: ") && e.contains("five"), "{e}");
    Ok(())
}

// --- events/target-without-permission ---

#[test]
fn a_raw_rule_targeting_a_function_without_a_permission_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler");
    s.resource::<()>("RawRule", raw_hourly_rule(f.arn()))?;
    assert_refused(&app, "events/target-without-permission", "Ev/RawRule");
    Ok(())
}

#[test]
fn a_raw_rule_with_its_permission_passes_and_a_raw_queue_target_needs_a_policy() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler");
    let raw = s.resource::<()>("RawRule", raw_hourly_rule(f.arn()))?;
    f.add_permission(
        &mut s,
        "AllowRaw",
        "events.amazonaws.com",
        Value::GetAtt(raw.node(), "Arn".into()),
    )?;
    synth(&app, "events_raw_permitted");
    let mut s = app.at(stack)?;
    let q = encrypted_queue(&mut s, "Jobs");
    s.resource::<()>("RawQueueRule", raw_hourly_rule(q.attr_arn()))?;
    assert_refused(&app, "events/target-without-permission", "Ev/RawQueueRule");
    Ok(())
}
