//! Conversions the generated fields rely on where the spec gives no handle type: a handle where
//! a plain string field takes the resource's identifier (its `Ref`), and typed items where a
//! property is a union of kinds (DynamoDB's `KeySchema`, a list of structs or JSON).

use gs_core::{App, Resource, StackProps, Value};
use gs_l1::sqs::CfnQueue;
use gs_l1::{IntoValue, List, Str, Tag, Union};

#[test]
fn a_handle_is_a_string_field_as_its_ref() -> Result<(), gs_core::TreeError> {
    let mut app = App::new();
    let stack = app.stack("Kinds", StackProps::default())?;
    let mut s = app.at(stack)?;
    let queue = CfnQueue::add(&mut s, "Queue", Resource::new("AWS::SQS::Queue"))?;
    assert_eq!(Str::from(queue).into_value(), Value::Ref(queue.node()));
    // A list of strings takes handles too (`AWS::SQS::QueuePolicy`'s `Queues`).
    let queues: List<Str> = vec![queue].into();
    assert_eq!(
        queues.into_value(),
        Value::List(vec![Value::Ref(queue.node())])
    );
    Ok(())
}

#[test]
fn a_union_field_takes_a_list_of_typed_items() {
    let tags = vec![Tag::new("k", "v")];
    let expected = Value::List(vec![Tag::new("k", "v").into_value()]);
    assert_eq!(Union::from(tags).into_value(), expected);
    assert_eq!(Union::from([Tag::new("k", "v")]).into_value(), expected);
    // Values themselves still go in as they are.
    assert_eq!(
        Union::from(vec![Value::from("a")]).into_value(),
        Value::List(vec![Value::from("a")])
    );
}
