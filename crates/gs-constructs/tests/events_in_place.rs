//! A queue's delivery policy, shared by the rules that target the queue, gets each new statement
//! appended in place (a pop in the journal, not a copy of the policy): what the escape hatch set
//! on the policy stays, and a failed call takes its statement back.

use std::time::Duration;

use gs_constructs::events::{Rule, Schedule, Target, Trigger};
use gs_constructs::l1::sqs::{CfnQueue, CfnQueueProps};
use gs_constructs::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn hourly() -> Trigger {
    Trigger::Schedule(Schedule::rate(Duration::from_secs(3600)))
}

/// Queue settings with SSE-SQS.
fn encrypted() -> CfnQueueProps {
    let mut props = CfnQueueProps::new();
    props.sqs_managed_sse_enabled = Some(true.into());
    props
}

fn output(app: &App) -> String {
    match app.synth(&CfnBackend::default()) {
        Ok(s) => s
            .artifacts
            .iter()
            .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
            .collect(),
        Err(e) => format!("refused: {e}"),
    }
}

/// The delivery policy rule `rule` wrote (its child whose id starts with `Policy`).
fn policy_of(app: &App, rule: Rule) -> Result<NodeId, Box<dyn std::error::Error>> {
    let children = app.node(rule.node)?.children().to_vec();
    for child in children {
        if app.node(child)?.id().starts_with("Policy") {
            return Ok(child);
        }
    }
    Err("no delivery policy under the rule".into())
}

#[test]
fn a_queue_the_escape_hatch_added_to_the_delivery_policy_stays_when_another_rule_delivers(
) -> TestResult {
    let mut app = App::new();
    let stack = app.stack("Ev", StackProps::default())?;
    let mut s = app.at(stack)?;
    let jobs = CfnQueue::new(&mut s, "Jobs", encrypted())?;
    let more = CfnQueue::new(&mut s, "More", encrypted())?;
    let a = Rule::new(&mut s, "A", hourly(), Default::default())?;
    let b = Rule::new(&mut s, "B", hourly(), Default::default())?;
    a.add_target(&mut s, Target::Sqs(jobs.into()))?;
    let policy = policy_of(&app, a)?;
    match app.resource_mut(policy)?.properties.get_mut("Queues") {
        Some(Value::List(queues)) => queues.push(Value::Ref(more.node())),
        other => panic!("the policy's Queues: {other:?}"),
    }
    b.add_target(&mut app, Target::Sqs(jobs.into()))?;
    let queues = app
        .node(policy)?
        .as_resource()
        .and_then(|r| r.properties.get("Queues"))
        .cloned();
    match &queues {
        Some(Value::List(q)) => assert_eq!(q.len(), 2, "{q:?}"),
        other => panic!("the policy's Queues: {other:?}"),
    }
    let statements = app
        .node(policy)?
        .as_resource()
        .and_then(|r| r.properties.get("PolicyDocument"))
        .and_then(|d| match d {
            Value::Map(m) => m.get("Statement").cloned(),
            _ => None,
        });
    match &statements {
        Some(Value::List(s)) => assert_eq!(s.len(), 2, "one statement per rule: {s:?}"),
        other => panic!("the policy's statements: {other:?}"),
    }
    Ok(())
}

#[test]
fn a_statement_a_failed_call_added_to_the_delivery_policy_is_taken_back() -> TestResult {
    let mut app = App::new();
    let stack = app.stack("Ev", StackProps::default())?;
    let mut s = app.at(stack)?;
    let jobs = CfnQueue::new(&mut s, "Jobs", encrypted())?;
    let a = Rule::new(&mut s, "A", hourly(), Default::default())?;
    let b = Rule::new(&mut s, "B", hourly(), Default::default())?;
    a.add_target(&mut s, Target::Sqs(jobs.into()))?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        b.add_target(app, Target::Sqs(jobs.into()))?;
        Err(ConstructError::invalid(
            "Ev/Later",
            "a later step failed",
            "none needed",
        ))
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    b.add_target(&mut app, Target::Sqs(jobs.into()))?;
    let after = output(&app);
    // One statement per rule, each naming its rule's ARN (in every artifact that shows it).
    let one = before.matches("\"aws:SourceArn\"").count();
    assert!(one > 0, "{before}");
    assert_eq!(
        after.matches("\"aws:SourceArn\"").count(),
        2 * one,
        "{after}"
    );
    Ok(())
}
