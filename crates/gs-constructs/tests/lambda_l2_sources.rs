//! Functions and rules with the L2 queue, topic and table: event sources, targets through the
//! queue's own policy, and a table without a stream refused.
mod support;

use std::time::Duration;

use gs_constructs::dynamodb::{Attribute, StreamViewType, Table, TableProps};
use gs_constructs::events::{Rule, Schedule, Target, Trigger};
use gs_constructs::lambda::{
    Code, EventSource, Function, FunctionProps, Runtime, StartingPosition,
};
use gs_constructs::prelude::*;
use gs_constructs::sqs::{Queue, QueueProps};
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

fn function(s: &mut Scope<'_>, id: &str, timeout: u64) -> Function {
    Function::new(
        s,
        id,
        Runtime::Python3_12,
        "index.handler",
        Code::from_inline("def handler(e, c):\n    return 1\n"),
        FunctionProps {
            timeout: Some(Duration::from_secs(timeout)),
            ..Default::default()
        },
    )
    .expect("function")
}

#[test]
fn an_l2_queue_feeds_a_function_and_receives_a_rules_events_through_its_own_policy() -> R {
    let mut app = App::new();
    let stack = app.stack("Srv", StackProps::default())?;
    let mut s = app.at(stack)?;
    let jobs = Queue::new(
        &mut s,
        "Jobs",
        QueueProps {
            visibility_timeout: Duration::from_secs(180),
            ..Default::default()
        },
    )?;
    let f = function(&mut s, "Worker", 30);
    f.add_event_source(&mut s, EventSource::sqs(jobs))?;
    let rule = Rule::new(
        &mut s,
        "Tick",
        Trigger::Schedule(Schedule::rate(Duration::from_secs(300))),
        Default::default(),
    )?;
    rule.add_target(&mut s, Target::Sqs(jobs.into()))?;
    let t = synth(&app, "lambda_l2_queue");
    assert_eq!(resources_of(&t, "AWS::SQS::QueuePolicy").len(), 1);
    let (_, policy) = resource_at(&t, "Srv/Jobs/Policy/Resource");
    assert!(policy.to_string().contains("events.amazonaws.com"));
    // A visibility timeout shorter than the function's is refused on the L2 queue too.
    let mut s = app.at(stack)?;
    let short = Queue::new(
        &mut s,
        "Short",
        QueueProps {
            visibility_timeout: Duration::from_secs(10),
            ..Default::default()
        },
    )?;
    f.add_event_source(&mut s, EventSource::sqs(short))?;
    assert_refused(
        &app,
        "lambda/sqs-visibility-timeout",
        "Srv/Worker/SQSEventSource:SrvShort",
    );
    Ok(())
}

#[test]
fn a_table_stream_is_an_event_source_and_a_table_without_one_is_refused() -> R {
    let mut app = App::new();
    let stack = app.stack("Srv", StackProps::default())?;
    let mut s = app.at(stack)?;
    let orders = Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            stream: Some(StreamViewType::NewImage),
            ..Default::default()
        },
    )?;
    let plain = Table::new(&mut s, "Plain", Attribute::string("pk"), Default::default())?;
    let f = function(&mut s, "Reader", 10);
    f.add_event_source(
        &mut s,
        EventSource::dynamodb(orders, StartingPosition::Latest),
    )?;
    let e = f
        .add_event_source(
            &mut s,
            EventSource::dynamodb(plain, StartingPosition::Latest),
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("Srv/Reader/DynamoDBEventSource:SrvPlain: "),
        "{e}"
    );
    assert!(e.contains("no stream"), "{e}");
    let t = synth(&app, "lambda_l2_table");
    let (_, policy) = resource_at(&t, "Srv/Reader/ServiceRole/DefaultPolicy/Resource");
    assert!(policy.to_string().contains("dynamodb:GetRecords"));
    Ok(())
}
