//! The required-property check of [`super::check`]: an object that sets every property its
//! owner requires is not searched again, and one that lacks any (absent, or `AWS::NoValue`) is
//! reported as before, whatever else it sets.

use gs_core::{App, Pseudo, RawResource, Resource, StackProps, Value, ValueMap};

/// The `schema/missing-required` messages of one raw resource of `type_name` with `props`.
fn missing(type_name: &'static str, props: &[(&'static str, Value)]) -> Vec<String> {
    let mut app = App::new();
    let stack = app.stack("Req", StackProps::default()).unwrap();
    let mut r = Resource::new(type_name);
    for (k, v) in props {
        r = r.property(*k, v.clone());
    }
    app.at(stack)
        .unwrap()
        .resource::<RawResource>("Thing", r)
        .unwrap();
    let tree = app.freeze();
    let mut out = Vec::new();
    super::check::check(&tree, &mut out);
    out.into_iter()
        .filter(|d| d.rule == super::MISSING_REQUIRED.id)
        .map(|d| d.message)
        .collect()
}

fn no_value() -> Value {
    Value::Pseudo(Pseudo::NoValue)
}

#[test]
fn every_required_property_set_is_no_finding_and_any_one_lacking_is_one() {
    let sub = "AWS::SNS::Subscription";
    let (protocol, topic) = (
        ("Protocol", Value::from("sqs")),
        ("TopicArn", Value::from("t")),
    );
    assert_eq!(
        missing(sub, &[protocol.clone(), topic.clone()]),
        Vec::<String>::new()
    );
    // Absent, set to AWS::NoValue, or absent beside properties that are not required: each
    // is reported, naming the property.
    for props in [
        vec![protocol.clone()],
        vec![protocol.clone(), ("TopicArn", no_value())],
        vec![
            protocol.clone(),
            ("Endpoint", Value::from("e")),
            ("Region", Value::from("r")),
        ],
        // An unknown property of the required name's length is no stand-in.
        vec![protocol.clone(), ("TopicArx", Value::from("t"))],
    ] {
        let found = missing(sub, &props);
        assert_eq!(found.len(), 1, "{props:?}: {found:?}");
        assert!(found[0].contains("`TopicArn`"), "{found:?}");
    }
    let found = missing(sub, &[("TopicArn", no_value()), ("Protocol", no_value())]);
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn a_nested_object_s_required_properties_are_counted_per_object() {
    let rule = |pairs: &[(&'static str, Value)]| {
        let mut m = ValueMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.clone());
        }
        Value::Map(m)
    };
    let good = rule(&[
        ("IpProtocol", "tcp".into()),
        ("CidrIp", "10.0.0.0/8".into()),
    ]);
    let bad = rule(&[("IpProtocol", no_value()), ("CidrIp", "10.0.0.0/8".into())]);
    let sg = "AWS::EC2::SecurityGroup";
    let desc = ("GroupDescription", Value::from("d"));
    let ingress = |rules: Vec<Value>| ("SecurityGroupIngress", Value::List(rules));
    assert_eq!(
        missing(
            sg,
            &[desc.clone(), ingress(vec![good.clone(), good.clone()])]
        ),
        Vec::<String>::new()
    );
    let found = missing(sg, &[desc.clone(), ingress(vec![good.clone(), bad, good])]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("Properties.SecurityGroupIngress[1]"),
        "{found:?}"
    );
    assert!(found[0].contains("`IpProtocol`"), "{found:?}");
}
