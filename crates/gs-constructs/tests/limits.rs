//! CloudFormation limits are refused at synthesis.

#[path = "../../../examples/globalstream/stack.rs"]
#[allow(dead_code)]
mod stack;
mod support;

use gs_constructs::prelude::*;
use gs_core::{Output, RawResource};
use support::*;

fn app_with(resources: usize, outputs: usize) -> App {
    let mut app = App::new();
    let stack = app.stack("Big", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    for i in 0..resources {
        s.resource::<RawResource>(&format!("Topic{i}"), Resource::new("AWS::SNS::Topic"))
            .unwrap();
    }
    for i in 0..outputs {
        s.output(&format!("Out{i}"), Output::new(Value::from("x")))
            .unwrap();
    }
    app
}

#[test]
fn more_than_500_resources_in_a_stack_is_refused_at_the_stack() {
    assert!(refused(&app_with(501, 0))
        .iter()
        .any(|d| d.rule == "cfn/limits" && d.path == "Big"));
    assert!(app_with(500, 0).synth(&CfnBackend::default()).is_ok());
}

#[test]
fn more_than_200_outputs_is_refused() {
    let d = refused(&app_with(1, 201));
    assert!(
        d.iter()
            .any(|d| d.rule == "cfn/limits" && d.message.contains("201 outputs")),
        "{d:#?}"
    );
    synth(&app_with(1, 200), "limits_200_outputs");
}

#[test]
fn a_template_over_one_megabyte_is_refused() {
    let mut app = App::new();
    let stack = app.stack("Huge", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    for i in 0..3 {
        s.resource::<RawResource>(
            &format!("Handle{i}"),
            Resource::new("AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", "x".repeat(400_000)),
        )
        .unwrap();
    }
    assert!(refused(&app)
        .iter()
        .any(|d| d.rule == "cfn/limits" && d.message.contains("bytes")));
}

#[test]
fn a_logical_id_override_is_capped_at_255_characters_when_set() {
    let mut app = App::new();
    let stack = app.stack("Ids", StackProps::default()).unwrap();
    let t = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("T", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    assert!(app.override_logical_id(t, "A".repeat(256)).is_err());
    assert!(app.override_logical_id(t, "A".repeat(255)).is_ok());
}

#[test]
fn inherited_tags_count_toward_the_template_size() {
    // 50 long stack-level tags on 60 topics: the properties are small, the tags the backend
    // adds to every resource make the template pass 1 MB.
    let mut app = App::new();
    let stack = app.stack("Tagged", StackProps::default()).unwrap();
    for i in 0..50 {
        app.tag(stack, format!("{i:03}{}", "k".repeat(125)), "v".repeat(256))
            .unwrap();
    }
    let mut s = app.at(stack).unwrap();
    for i in 0..60 {
        s.resource::<RawResource>(
            &format!("Topic{i}"),
            Resource::new("AWS::SNS::Topic").tagged(),
        )
        .unwrap();
    }
    let d = refused(&app);
    assert!(
        d.iter()
            .any(|d| d.rule == "cfn/limits" && d.message.contains("bytes")),
        "{d:#?}"
    );
}

#[test]
fn the_size_bound_holds_the_globalstream_templates_within_twice_their_size() {
    // The bound decides when cfn/limits serializes a template to measure it: it must never be
    // below the real size, and close enough that ordinary stacks are not serialized twice.
    let built = stack::build(&stack::Config::from_env(|_| None).unwrap()).unwrap();
    let tree = built.app.freeze();
    for &s in tree.stacks() {
        let actual = gs_constructs::cfn::Template::of_stack(&tree, s)
            .to_json()
            .unwrap()
            .len();
        let bound = gs_constructs::cfn::template_size_bound(&tree, s);
        assert!(
            bound >= actual && bound <= 2 * actual,
            "{}: bound {bound}, actual {actual}",
            tree.path(s)
        );
    }
}

#[test]
fn more_than_200_parameters_is_refused_and_200_pass() {
    let with = |n: usize| {
        let mut app = App::new();
        let stack = app.stack("Params", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        s.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        for i in 0..n {
            s.parameter(&format!("P{i}"), gs_core::Parameter::new("String"))
                .unwrap();
        }
        app
    };
    let d = refused(&with(201));
    assert!(
        d.iter()
            .any(|d| d.rule == "cfn/limits" && d.message.contains("201 parameters")),
        "{d:#?}"
    );
    assert!(with(200).synth(&CfnBackend::default()).is_ok());
}

#[test]
fn more_than_50_tags_on_a_resource_is_refused_and_50_pass() {
    let tagged = |count: usize| {
        let mut app = App::new();
        let stack = app.stack("Tagged", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let queue = sqs::Queue::new(&mut s, "Queue", Default::default()).unwrap();
        // Half on the stack, half on the queue: inherited tags count too.
        for i in 0..count {
            let node = if i % 2 == 0 { stack.node() } else { queue.node };
            app.tag(node, format!("k{i}"), "v").unwrap();
        }
        app
    };
    let found = refused(&tagged(60));
    let d = found
        .iter()
        .find(|d| d.rule == "cfn/limits")
        .expect("refused for its tags");
    assert_eq!(d.path, "Tagged/Queue");
    assert!(
        d.message.contains("60 tags, more than the 50"),
        "{}",
        d.message
    );
    synth(&tagged(50), "limits_fifty_tags");
}
