//! Structure across stacks: stack dependencies that must not form a cycle, and references from
//! one stack to another (same account and Region: exported and imported; otherwise refused).

use gs_core::*;

fn topic(s: &mut Scope<'_>, id: &str) -> Handle<RawResource> {
    s.resource(id, Resource::new("AWS::SNS::Topic")).unwrap()
}

fn subscription(s: &mut Scope<'_>, id: &str, topic_arn: Value) -> Handle<RawResource> {
    s.resource(
        id,
        Resource::new("AWS::SNS::Subscription")
            .property("Protocol", "email")
            .property("Endpoint", "ops@example.com")
            .property("TopicArn", topic_arn),
    )
    .unwrap()
}

fn in_region(region: &str) -> StackProps {
    StackProps {
        region: Some(region.into()),
        ..Default::default()
    }
}

fn findings(app: &App, rule: &str) -> Vec<Diagnostic> {
    match app.synth(&DotBackend) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .report()
            .map(|r| r.0.iter().filter(|d| d.rule == rule).cloned().collect())
            .unwrap_or_default(),
    }
}

#[test]
fn stacks_that_depend_on_each_other_are_a_cycle_naming_both() {
    let mut app = App::new();
    let a = app.stack("Alpha", StackProps::default()).unwrap();
    let b = app.stack("Beta", StackProps::default()).unwrap();
    app.add_dependency(a, b, "alpha after beta").unwrap();
    app.add_dependency(b, a, "beta after alpha").unwrap();
    let cycles = findings(&app, "core/dependency-cycle");
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    let message = &cycles[0].message;
    assert!(
        message.contains("Alpha -> Beta") || message.contains("Beta -> Alpha"),
        "{message}"
    );
    assert!(message.contains("alpha after beta"), "{message}");
    assert!(message.contains("beta after alpha"), "{message}");
}

#[test]
fn dependencies_between_children_of_two_stacks_in_both_directions_are_a_cycle() {
    let mut app = App::new();
    let a = app.stack("Alpha", StackProps::default()).unwrap();
    let b = app.stack("Beta", StackProps::default()).unwrap();
    let ta = topic(&mut app.at(a).unwrap(), "TopicA");
    let tb = topic(&mut app.at(b).unwrap().group("G").unwrap(), "TopicB");
    app.add_dependency(ta, tb, "a needs b").unwrap();
    app.add_dependency(tb, ta, "b needs a").unwrap();
    let cycles = findings(&app, "core/dependency-cycle");
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    assert!(cycles[0].message.contains("Alpha"), "{}", cycles[0].message);
    assert!(cycles[0].message.contains("Beta"), "{}", cycles[0].message);
}

#[test]
fn a_chain_of_three_stacks_closing_on_itself_is_one_cycle() {
    let mut app = App::new();
    let a = app.stack("A", StackProps::default()).unwrap();
    let b = app.stack("B", StackProps::default()).unwrap();
    let c = app.stack("C", StackProps::default()).unwrap();
    app.add_dependency(a, b, "1").unwrap();
    app.add_dependency(b, c, "2").unwrap();
    app.add_dependency(c, a, "3").unwrap();
    let cycles = findings(&app, "core/dependency-cycle");
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    for name in ["A", "B", "C"] {
        assert!(cycles[0].message.contains(name), "{}", cycles[0].message);
    }
}

#[test]
fn one_way_stack_dependencies_are_not_a_cycle() {
    let mut app = App::new();
    let a = app.stack("A", StackProps::default()).unwrap();
    let b = app.stack("B", StackProps::default()).unwrap();
    let c = app.stack("C", StackProps::default()).unwrap();
    app.add_dependency(a, b, "1").unwrap();
    app.add_dependency(a, c, "2").unwrap();
    app.add_dependency(b, c, "3").unwrap();
    assert!(app.synth(&DotBackend).is_ok());
    let tree = app.freeze();
    assert_eq!(tree.stack_dependencies(a.node()), &[b.node(), c.node()]);
    assert_eq!(tree.stack_dependencies(c.node()), &[] as &[NodeId]);
}

#[test]
fn a_reference_to_another_stack_of_the_same_region_is_accepted_and_orders_the_stacks() {
    let mut app = App::new();
    let producer = app.stack("Producer", in_region("us-east-1")).unwrap();
    let consumer = app.stack("Consumer", in_region("us-east-1")).unwrap();
    let t = topic(&mut app.at(producer).unwrap(), "Topic");
    subscription(&mut app.at(consumer).unwrap(), "Sub", Value::Ref(t.node()));
    let out = app.synth(&DotBackend);
    assert!(out.is_ok(), "{:?}", out.err());
    let tree = app.freeze();
    assert_eq!(tree.stack_dependencies(consumer.node()), &[producer.node()]);
    assert_eq!(tree.stack_dependencies(producer.node()), &[] as &[NodeId]);
    assert_eq!(tree.exports(producer.node()).len(), 1);
    assert_eq!(tree.exports(producer.node())[0].target, t.node());
    assert_eq!(tree.exports(producer.node())[0].attribute, None);
    assert!(tree.exports(consumer.node()).is_empty());
}

#[test]
fn the_same_value_referenced_twice_is_exported_once_and_a_getatt_separately() {
    let mut app = App::new();
    let producer = app.stack("Producer", StackProps::default()).unwrap();
    let consumer = app.stack("Consumer", StackProps::default()).unwrap();
    let t = topic(&mut app.at(producer).unwrap(), "Topic");
    let mut c = app.at(consumer).unwrap();
    subscription(&mut c, "One", Value::Ref(t.node()));
    subscription(&mut c, "Two", Value::Ref(t.node()));
    subscription(&mut c, "Three", Value::GetAtt(t.node(), "TopicArn".into()));
    let tree = app.freeze();
    let exports = tree.exports(producer.node());
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert_eq!(exports[1].attribute, Some("TopicArn"));
}

#[test]
fn references_both_ways_between_two_stacks_are_a_cycle() {
    let mut app = App::new();
    let a = app.stack("Alpha", StackProps::default()).unwrap();
    let b = app.stack("Beta", StackProps::default()).unwrap();
    let ta = topic(&mut app.at(a).unwrap(), "Topic");
    let tb = topic(&mut app.at(b).unwrap(), "Topic");
    subscription(&mut app.at(a).unwrap(), "Sub", Value::Ref(tb.node()));
    subscription(&mut app.at(b).unwrap(), "Sub", Value::Ref(ta.node()));
    let cycles = findings(&app, "core/dependency-cycle");
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    assert!(
        cycles[0].message.contains("Alpha/Sub refers to Beta/Topic"),
        "{}",
        cycles[0].message
    );
}

#[test]
fn a_reference_into_another_region_is_refused_with_the_alternatives() {
    let mut app = App::new();
    let one = app.stack("One", in_region("us-east-1")).unwrap();
    let two = app.stack("Two", in_region("us-west-2")).unwrap();
    let t = topic(&mut app.at(one).unwrap(), "T");
    subscription(&mut app.at(two).unwrap(), "Sub", Value::Ref(t.node()));
    let dangling = findings(&app, "core/dangling-reference");
    assert_eq!(dangling.len(), 1, "{dangling:#?}");
    assert_eq!(dangling[0].path, "Two/Sub");
    assert!(dangling[0].message.contains("another Region"));
    assert!(
        dangling[0].fix.contains("SSM parameter"),
        "{}",
        dangling[0].fix
    );
    assert!(app.freeze().exports(one.node()).is_empty());
}

#[test]
fn a_reference_into_another_account_is_refused() {
    let mut app = App::new();
    let props = |account: &str| StackProps {
        account: Some(account.into()),
        region: Some("us-east-1".into()),
        ..Default::default()
    };
    let one = app.stack("One", props("111111111111")).unwrap();
    let two = app.stack("Two", props("222222222222")).unwrap();
    let t = topic(&mut app.at(one).unwrap(), "T");
    subscription(&mut app.at(two).unwrap(), "Sub", Value::Ref(t.node()));
    let dangling = findings(&app, "core/dangling-reference");
    assert_eq!(dangling.len(), 1, "{dangling:#?}");
    assert!(
        dangling[0].message.contains("another account"),
        "{}",
        dangling[0].message
    );
}

#[test]
fn a_reference_to_an_output_of_another_stack_is_still_refused() {
    let mut app = App::new();
    let one = app.stack("One", StackProps::default()).unwrap();
    let two = app.stack("Two", StackProps::default()).unwrap();
    let t = topic(&mut app.at(one).unwrap(), "T");
    let out = app
        .at(one)
        .unwrap()
        .output("TopicArn", Output::new(Value::Ref(t.node())))
        .unwrap();
    subscription(&mut app.at(two).unwrap(), "Sub", Value::Ref(out.node()));
    let dangling = findings(&app, "core/dangling-reference");
    assert_eq!(dangling.len(), 1, "{dangling:#?}");
    assert!(app.freeze().exports(one.node()).is_empty());
}
