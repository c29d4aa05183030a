//! Stack and scope tags reach every taggable resource type in the type's own format
//! (`tagInformation` of the resource schema), raw resources included, whatever their constructor
//! said or did not say (`Resource::tagging`).

mod support;

use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

fn raw(s: &mut Scope<'_>, id: &str, resource: Resource) -> NodeId {
    s.resource::<RawResource>(id, resource).unwrap().node()
}

fn app() -> App {
    let mut app = App::new();
    let stack = app.stack("Tagged", StackProps::default()).unwrap();
    app.tag(stack, "Compliance", "internal").unwrap();
    let mut s = app.at(stack).unwrap();
    raw(
        &mut s,
        "Consumer",
        Resource::new("AWS::Kinesis::StreamConsumer")
            .property("ConsumerName", "reader")
            .property(
                "StreamARN",
                "arn:aws:kinesis:us-east-1:123456789012:stream/events",
            ),
    );
    raw(
        &mut s,
        "Vault",
        Resource::new("AWS::Backup::BackupVault").property("BackupVaultName", "vault"),
    );
    raw(
        &mut s,
        "Attachment",
        Resource::new("AWS::EC2::VPCGatewayAttachment")
            .property("VpcId", "vpc-12345678")
            .property("InternetGatewayId", "igw-12345678"),
    );
    // The escape hatch wins: tags spelled out in the properties are kept as written.
    raw(
        &mut s,
        "Topic",
        Resource::new("AWS::SNS::Topic").property(
            "Tags",
            Value::List(vec![Value::Map(
                ValueMap::new().with("Key", "Own").with("Value", "yes"),
            )]),
        ),
    );
    app
}

#[test]
fn raw_resources_take_the_stack_tags_in_their_type_format() {
    let app = app();
    let t = synth(&app, "tags_from_spec");
    let r = &t["Resources"];
    assert_eq!(
        r["Consumer"]["Properties"]["Tags"],
        json!([{"Key": "Compliance", "Value": "internal"}])
    );
    assert_eq!(
        r["Vault"]["Properties"]["BackupVaultTags"],
        json!({"Compliance": "internal"})
    );
    assert!(
        r["Attachment"]["Properties"].get("Tags").is_none(),
        "untaggable: {}",
        r["Attachment"]
    );
    assert_eq!(
        r["Topic"]["Properties"]["Tags"],
        json!([{"Key": "Own", "Value": "yes"}])
    );
}

#[test]
fn a_tree_frozen_without_the_backend_synthesizes_the_same_templates() {
    let app = app();
    let backend = CfnBackend {
        templates_only: true,
    };
    let direct = app.synth(&backend).unwrap();
    let plain = app.freeze().synth(&backend).unwrap();
    let once = app.freeze_for(&backend).synth(&backend).unwrap();
    assert_eq!(direct.artifacts, plain.artifacts);
    assert_eq!(direct.artifacts, once.artifacts);
    let tree = app.freeze_for(&backend);
    let consumer = tree
        .all_elements()
        .find(|e| tree.path(*e) == "Tagged/Consumer")
        .unwrap();
    assert_eq!(tree.tagging(consumer), Some(Tagging::List("Tags")));
    assert_eq!(
        app.freeze().tagging(consumer),
        None,
        "a plain freeze leaves resources as built"
    );
}
