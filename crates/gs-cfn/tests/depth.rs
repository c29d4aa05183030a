//! Value depth and the written template: a value at `MAX_VALUE_DEPTH` is written and read back by
//! serde_json (whose parser stops at 128 nested arrays and objects) in every place a template
//! holds a value; one level more is refused at the call. A too-deep value that got in anyway is
//! refused by the backend, not walked.

use gs_cfn::{template_size_bound, CfnBackend, Template};
use gs_core::*;

/// One way of wrapping a value, and the JSON containers it adds.
type Wrap = (&'static str, usize, fn(Value) -> Value);

const WRAPS: &[Wrap] = &[
    ("list", 1, |v| Value::List(vec![v])),
    ("map", 1, |v| Value::Map(ValueMap::new().with("K", v))),
    ("base64", 1, Value::base64),
    ("select", 2, |v| Value::select(0, v)),
    ("join", 3, |v| Value::join("-", [Value::from("a"), v])),
    ("sub", 3, |v| {
        Value::Sub("${X}".into(), ValueMap::new().with("X", v))
    }),
];

/// A value that writes exactly `depth` nested containers: `wrap` as often as it fits around
/// `leaf` (which writes `leaf_depth`), then lists.
fn value_of_depth(depth: usize, wrap: &Wrap, leaf: Value, leaf_depth: usize) -> Value {
    let (_, w, f) = *wrap;
    let (mut v, mut reach) = (leaf, leaf_depth);
    while reach + w <= depth {
        v = f(v);
        reach += w;
    }
    while reach < depth {
        v = Value::List(vec![v]);
        reach += 1;
    }
    v
}

/// Every place a template holds a value, filled with `v`; the error of the first refusal.
fn app_with(v: &Value) -> Result<App, TreeError> {
    let mut app = App::new();
    let stack = app.stack("Deep", StackProps::default())?;
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "Topic",
        Resource::new("AWS::SNS::Topic").property("DisplayName", v.clone()),
    )?;
    let mut out = Output::new(v.clone());
    out.export_name = Some(v.clone());
    s.output("Out", out)?;
    let mut p = Parameter::new("String");
    p.default = Some(v.clone());
    p.allowed_values = vec![v.clone()];
    s.parameter("Param", p)?;
    Ok(app)
}

#[test]
fn a_value_at_the_limit_is_written_and_read_back_by_serde_json_everywhere_one_more_is_refused() {
    // A placeholder reference; `probe_with` points it at a key of the app it builds.
    let mut placeholder = App::new();
    let stack = placeholder.stack("P", StackProps::default()).unwrap();
    let key = placeholder
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    for wrap in WRAPS {
        for (leaf, leaf_depth) in [(Value::from("leaf"), 0), (Value::Ref(key.node()), 1)] {
            let at_limit = value_of_depth(MAX_VALUE_DEPTH, wrap, leaf.clone(), leaf_depth);
            let app = if leaf_depth == 0 {
                app_with(&at_limit).unwrap_or_else(|e| panic!("{}: {e}", wrap.0))
            } else {
                probe_with(&at_limit, wrap.0)
            };
            let out = app.synth(&CfnBackend::default()).unwrap();
            // tree.json nests each construct two levels below its parent, so no value bound can
            // keep it within serde_json's 128 levels (CDK's is as deep; its readers are
            // JavaScript tools, without such a limit); tests/assembly.rs checks its shape.
            for a in out.artifacts.iter().filter(|a| a.file_name != "tree.json") {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&a.bytes) {
                    panic!("{}: {} does not read back: {e}", wrap.0, a.file_name);
                }
            }
            let past = value_of_depth(MAX_VALUE_DEPTH + 1, wrap, leaf, leaf_depth);
            if leaf_depth == 0 {
                assert!(
                    matches!(app_with(&past), Err(TreeError::ValueTooDeep { ref path, .. }) if path == "Deep/Topic"),
                    "{}",
                    wrap.0
                );
            }
        }
    }
}

/// An app whose key is referenced at the bottom of `v` (in every place a template holds a
/// value but parameters, which CloudFormation does not let refer to resources).
fn probe_with(v: &Value, what: &str) -> App {
    let mut app = App::new();
    let stack = app.stack("Deep", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let key = s
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    let v = repoint(v, key.node());
    s.resource::<RawResource>(
        "Topic",
        Resource::new("AWS::SNS::Topic").property("DisplayName", v.clone()),
    )
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut out = Output::new(v.clone());
    out.export_name = Some(v);
    s.output("Out", out)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    app
}

/// `v` with every `Ref` pointed at `to` (iterative: `v` may be deep).
fn repoint(v: &Value, to: NodeId) -> Value {
    match v {
        Value::Ref(_) => Value::Ref(to),
        Value::List(items) => Value::List(items.iter().map(|i| repoint(i, to)).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, i)| (k.to_string(), repoint(i, to)))
                .collect(),
        ),
        Value::Base64(i) => Value::base64(repoint(i, to)),
        Value::Select(n, i) => Value::select(*n, repoint(i, to)),
        Value::Join(sep, items) => Value::join(sep.clone(), items.iter().map(|i| repoint(i, to))),
        Value::Sub(t, vars) => Value::Sub(
            t.clone(),
            vars.iter()
                .map(|(k, i)| (k.to_string(), repoint(i, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn a_too_deep_value_that_got_in_through_resource_mut_is_refused_by_the_backend_not_walked() {
    let (synth, json, bound) = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let mut app = App::new();
            let stack = app.stack("Deep", StackProps::default()).unwrap();
            let topic = app
                .at(stack)
                .unwrap()
                .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
                .unwrap();
            let mut v = Value::from("leaf");
            for _ in 0..10_000 {
                v = Value::List(vec![v]);
            }
            app.resource_mut(topic)
                .unwrap()
                .properties
                .insert("DisplayName", v);
            let synth = app.synth(&CfnBackend::default()).unwrap_err().to_string();
            let tree = app.freeze();
            let json = Template::of_stack(&tree, stack.node())
                .to_json()
                .unwrap_err()
                .to_string();
            let bound = template_size_bound(&tree, stack.node());
            (synth, json, bound)
        })
        .unwrap()
        .join()
        .expect("no overflow");
    assert!(synth.contains("error[core/invalid-value]"), "{synth}");
    assert!(synth.contains("Deep/Topic"), "{synth}");
    assert!(
        json.starts_with("Deep/Topic: a value nests more than 123 levels"),
        "{json}"
    );
    assert_eq!(bound, usize::MAX);
}

#[test]
fn serde_json_reads_127_nested_containers_and_not_128_so_the_limit_plus_4_enclosing_fits() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(serde_json::from_str::<serde_json::Value>(&nested(127)).is_ok());
    assert!(serde_json::from_str::<serde_json::Value>(&nested(128)).is_err());
    // `{"Outputs": {"X": {"Export": {"Name": <value>}}}}`: 4 objects around the value.
    assert_eq!(MAX_VALUE_DEPTH + 4, 127);
}
