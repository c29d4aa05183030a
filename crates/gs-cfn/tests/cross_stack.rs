//! References across stacks of one account and Region: the producing stack exports the value
//! under AWS CDK's names, the consumer imports it, and the manifest orders the stacks.

use gs_cfn::CfnBackend;
use gs_core::*;
use serde_json::{json, Value as Json};

fn template_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/cfn-templates")
}

/// Synthesizes, writes each template for cfn-lint as `cross_<Stack>.template.json`, and returns
/// every artifact read as JSON by file name.
fn synth(app: &App, prefix: &str) -> std::collections::HashMap<String, Json> {
    let out = match app.synth(&CfnBackend::default()) {
        Ok(out) => out,
        Err(e) => panic!("synthesis failed:\n{e}"),
    };
    std::fs::create_dir_all(template_dir()).unwrap();
    let mut files = std::collections::HashMap::new();
    for a in &out.artifacts {
        if a.file_name.ends_with(".template.json") {
            std::fs::write(
                template_dir().join(format!("{prefix}_{}", a.file_name)),
                &a.bytes,
            )
            .unwrap();
        }
        if let Ok(j) = serde_json::from_slice(&a.bytes) {
            files.insert(a.file_name.clone(), j);
        }
    }
    files
}

/// The producer defines a table whose logical ID is the one of CDK's own example
/// (`TableCD117FA1`), the consumer reads its name (`Ref`) and its ARN (`Fn::GetAtt`).
fn producer_and_consumer(region: &str) -> App {
    let props = StackProps {
        region: Some(region.into()),
        ..Default::default()
    };
    let mut app = App::new();
    let producer = app.stack("ProducingStack", props.clone()).unwrap();
    let consumer = app
        .stack(
            "ConsumingStack",
            StackProps {
                region: Some("us-east-1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let table = app
        .at(producer)
        .unwrap()
        .resource::<RawResource>(
            "Table",
            Resource::new("AWS::DynamoDB::Table")
                .property("BillingMode", "PAY_PER_REQUEST")
                .property(
                    "AttributeDefinitions",
                    Value::from(vec![Value::Map(
                        ValueMap::new()
                            .with("AttributeName", "id")
                            .with("AttributeType", "S"),
                    )]),
                )
                .property(
                    "KeySchema",
                    Value::from(vec![Value::Map(
                        ValueMap::new()
                            .with("AttributeName", "id")
                            .with("KeyType", "HASH"),
                    )]),
                ),
        )
        .unwrap();
    app.override_logical_id(table, "TableCD117FA1").unwrap();
    let mut c = app.at(consumer).unwrap();
    c.resource::<RawResource>(
        "TableName",
        Resource::new("AWS::SSM::Parameter")
            .property("Type", "String")
            .property("Value", Value::Ref(table.node())),
    )
    .unwrap();
    c.resource::<RawResource>(
        "TableArn",
        Resource::new("AWS::SSM::Parameter")
            .property("Type", "String")
            .property("Value", Value::GetAtt(table.node(), "Arn".into())),
    )
    .unwrap();
    app
}

#[test]
fn a_ref_and_a_getatt_across_stacks_are_exported_and_imported_with_cdks_names() {
    let files = synth(&producer_and_consumer("us-east-1"), "cross");
    let producer = &files["ProducingStack.template.json"];
    // The names AWS CDK gives the same two exports (aws-cdk-lib `Stack.exportValue`: an output
    // `Exports/Output{"Ref":"TableCD117FA1"}`, exported as `<stack>:<its logical ID>`), as a
    // `cdk diff` of a CDK app with this table shows them.
    assert_eq!(
        producer["Outputs"],
        json!({
            "ExportsOutputRefTableCD117FA1D18A8047": {
                "Value": {"Ref": "TableCD117FA1"},
                "Export": {"Name": "ProducingStack:ExportsOutputRefTableCD117FA1D18A8047"}
            },
            "ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204": {
                "Value": {"Fn::GetAtt": ["TableCD117FA1", "Arn"]},
                "Export": {"Name": "ProducingStack:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204"}
            }
        })
    );
    let consumer = &files["ConsumingStack.template.json"];
    assert_eq!(
        consumer["Resources"]["TableName"]["Properties"]["Value"],
        json!({"Fn::ImportValue": "ProducingStack:ExportsOutputRefTableCD117FA1D18A8047"})
    );
    assert_eq!(
        consumer["Resources"]["TableArn"]["Properties"]["Value"],
        json!({"Fn::ImportValue": "ProducingStack:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204"})
    );
    // The user's tree is untouched: the exports are the backend's, not nodes.
    assert!(consumer.get("Outputs").is_none());
}

#[test]
fn the_manifest_deploys_the_consumer_after_the_producer() {
    let files = synth(&producer_and_consumer("us-east-1"), "cross");
    let manifest = &files["manifest.json"];
    assert_eq!(
        manifest["artifacts"]["ConsumingStack"]["dependencies"],
        json!(["ProducingStack"])
    );
    assert!(manifest["artifacts"]["ProducingStack"]
        .get("dependencies")
        .is_none());
}

#[test]
fn a_reference_across_regions_is_still_refused() {
    let app = producer_and_consumer("eu-west-1");
    let report = match app.synth(&CfnBackend::default()) {
        Err(SynthError::Invalid { report }) => report,
        other => panic!("expected a refusal, got {other:?}"),
    };
    for path in ["ConsumingStack/TableName", "ConsumingStack/TableArn"] {
        assert!(report.has("core/dangling-reference", path), "{report}");
    }
}

#[test]
fn an_export_name_keeps_the_last_255_characters_as_cdk_does() {
    let long = "S".repeat(120);
    let mut app = App::new();
    let producer = app.stack(&long, StackProps::default()).unwrap();
    let consumer = app.stack("Consumer", StackProps::default()).unwrap();
    let mut g = app.at(producer).unwrap();
    let mut g = g.group(&"G".repeat(200)).unwrap();
    let topic = g
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    app.at(consumer)
        .unwrap()
        .resource::<RawResource>(
            "TopicArn",
            Resource::new("AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", Value::Ref(topic.node())),
        )
        .unwrap();
    let tree = app.freeze();
    let export = tree.exports(producer.node())[0];
    let id = gs_cfn::export_logical_id(&tree, export);
    let name = gs_cfn::export_name(&tree, export);
    assert!(id.starts_with("ExportsOutputRef"), "{id}");
    assert_eq!(name.len(), 255);
    assert!(name.starts_with(&format!("{long}:")), "{name}");
    assert!(name.ends_with(&id[id.len() - 100..]), "{name}");
    let files = synth(&app, "cross_long");
    assert_eq!(
        files["Consumer.template.json"]["Resources"]["TopicArn"]["Properties"]["Value"],
        json!({ "Fn::ImportValue": name })
    );
}

#[test]
fn the_size_bound_covers_exports_and_imports() {
    let long = "S".repeat(120);
    let mut app = App::new();
    let producer = app.stack(&long, StackProps::default()).unwrap();
    let consumer = app.stack("Consumer", StackProps::default()).unwrap();
    let topic = app
        .at(producer)
        .unwrap()
        .resource::<RawResource>("T", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let mut c = app.at(consumer).unwrap();
    for i in 0..20 {
        let attr = format!("Attribute{i}");
        c.output(
            &format!("Out{i}"),
            Output::new(Value::GetAtt(topic.node(), attr)),
        )
        .unwrap();
        c.output(&format!("Ref{i}"), Output::new(Value::Ref(topic.node())))
            .unwrap();
    }
    let tree = app.freeze();
    for stack in [producer.node(), consumer.node()] {
        let actual = gs_cfn::Template::of_stack(&tree, stack)
            .to_json()
            .unwrap()
            .len();
        let bound = gs_cfn::template_size_bound(&tree, stack);
        assert!(bound >= actual, "{bound} < {actual}");
    }
}
