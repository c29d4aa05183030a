//! The generator on a small hand-written spec: names, relationship rendering, required and
//! optional fields, recursive nested types, tagging; and determinism on the vendored spec.

use std::collections::HashMap;

use serde_json::json;

use crate::l1::{emit, files};
use crate::spec::{ResourceType, Spec, TypeDef};

fn resource(v: serde_json::Value) -> ResourceType {
    serde_json::from_value(v).unwrap()
}

fn spec() -> Spec {
    let mut resources = vec![
        resource(json!({
            "cloudFormationType": "AWS::EFS::FileSystem", "name": "FileSystem",
            "primaryIdentifier": ["FileSystemId"],
            "attributes": {"Arn": {"type": {"type": "string"}}, "FileSystemId": {"type": {"type": "string"}}},
            "properties": {}
        })),
        resource(json!({
            "cloudFormationType": "AWS::IAM::Role", "name": "Role",
            "primaryIdentifier": ["RoleName"],
            "attributes": {"Arn": {"type": {"type": "string"}}},
            "properties": {}
        })),
        resource(json!({
            "cloudFormationType": "AWS::ApiGateway::Stage", "name": "Stage",
            "primaryIdentifier": ["RestApiId", "StageName"], "cfnRefIdentifier": ["StageName"],
            "attributes": {}, "properties": {}
        })),
        resource(json!({
            "cloudFormationType": "AWS::Demo::Widget", "name": "Widget",
            "documentation": "A widget. See [the guide](https://example.com/g) and [x].\n\nMore.",
            "primaryIdentifier": ["Id"],
            "attributes": {"Endpoint.Address": {"type": {"type": "string"}}, "Arn": {"type": {"type": "string"}}},
            "tagInformation": {"tagPropertyName": "WidgetTags", "variant": "map"},
            "properties": {
                "Type": {"type": {"type": "string"}, "required": true, "documentation": "The <b>type</b>."},
                "Role": {"type": {"type": "string"}, "relationshipRefs": [{"cloudFormationType": "AWS::IAM::Role", "propertyName": "Arn"}]},
                "FileSystemIds": {"type": {"type": "array", "element": {"type": "string"}},
                    "relationshipRefs": [{"cloudFormationType": "AWS::EFS::FileSystem", "propertyName": "FileSystemId"}]},
                "Stage": {"type": {"type": "string"}, "relationshipRefs": [{"cloudFormationType": "AWS::ApiGateway::Stage", "propertyName": "StageName"}]},
                "Either": {"type": {"type": "string"}, "relationshipRefs": [
                    {"cloudFormationType": "AWS::IAM::Role", "propertyName": "Arn"},
                    {"cloudFormationType": "AWS::EFS::FileSystem", "propertyName": "Arn"}]},
                "Filter": {"type": {"type": "ref", "reference": {"$ref": "1"}}},
                "Labels": {"type": {"type": "map", "element": {"type": "string"}}},
                "WidgetTags": {"type": {"type": "map", "element": {"type": "string"}}}
            }
        })),
    ];
    resources.sort_by(|a, b| a.cloud_formation_type.cmp(&b.cloud_formation_type));
    let def = |v: serde_json::Value| -> TypeDef { serde_json::from_value(v).unwrap() };
    let type_defs = HashMap::from([
        (
            "1".to_string(),
            def(json!({"name": "Filter", "properties": {
                "Not": {"type": {"type": "ref", "reference": {"$ref": "2"}}},
                "Value": {"type": {"type": "integer"}, "required": true}
            }})),
        ),
        (
            "2".to_string(),
            def(json!({"name": "NotFilter", "properties": {
                "Filter": {"type": {"type": "ref", "reference": {"$ref": "1"}}, "required": true}
            }})),
        ),
    ]);
    Spec {
        resources,
        type_defs,
    }
}

fn widget_file() -> String {
    let spec = spec();
    let widget = spec.resource("AWS::Demo::Widget").unwrap();
    emit::service_file(&spec, "demo", &[widget]).unwrap()
}

#[test]
fn relationship_fields_take_handles_rendered_as_ref_or_get_att() {
    let file = widget_file();
    // The role's `Arn` is an attribute: `Fn::GetAtt`.
    assert!(
        file.contains("pub role: Option<Id<crate::iam::CfnRole>>,"),
        "{file}"
    );
    assert!(
        file.contains("m.insert(\"Role\", v.into_get_att(\"Arn\"));"),
        "{file}"
    );
    // `FileSystemId` is the file system's primary identifier: `Ref`, for each item of a list.
    assert!(file.contains("pub file_system_ids: Option<List<Id<crate::efs::CfnFileSystem>>>,"));
    assert!(file.contains("m.insert(\"FileSystemIds\", v.into_refs());"));
    // `cfnRefIdentifier` wins over a composite primary identifier.
    assert!(file.contains("pub stage: Option<Id<crate::apigateway::CfnStage>>,"));
    assert!(file.contains("m.insert(\"Stage\", v.into_ref());"));
    // Refs to several types: a plain string.
    assert!(file.contains("pub either: Option<Str>,"), "{file}");
}

#[test]
fn required_fields_are_constructor_arguments_and_optional_ones_options() {
    let file = widget_file();
    assert!(file.contains("pub r#type: Str,"), "{file}");
    assert!(file.contains("pub fn new(r#type: impl Into<Str>) -> CfnWidgetProps {"));
    assert!(file.contains("m.insert(\"Type\", self.r#type.into_value());"));
    assert!(file.contains("set(&mut m, \"Labels\", self.labels);"));
    // Something is required: no Default for the props.
    assert!(!file.contains("impl Default for CfnWidgetProps"));
    // Fields in CloudFormation's alphabetical order.
    let either = file.find("pub either:").unwrap();
    let type_ = file.find("pub r#type:").unwrap();
    assert!(either < type_);
}

#[test]
fn recursive_nested_types_are_boxed_and_live_in_the_resource_module() {
    let file = widget_file();
    assert!(file.contains("pub mod widget {"), "{file}");
    assert!(file.contains("pub filter: Option<widget::Filter>,"));
    assert!(file.contains("pub not: Option<Box<NotFilter>>,"), "{file}");
    assert!(file.contains("pub filter: Box<Filter>,"), "{file}");
    assert!(file.contains("impl IntoValue for NotFilter {"));
}

#[test]
fn attributes_tagging_docs_and_feature_gates() {
    let file = widget_file();
    assert!(file.contains("pub fn attr_endpoint_address(self) -> gs_core::Value {"));
    assert!(file.contains("gs_core::Value::GetAtt(self.node(), \"Endpoint.Address\".into())"));
    assert!(file.contains("resource.tagging = crate::schema::tagging(\"AWS::Demo::Widget\");"));
    assert!(file.contains("/// A widget. See [the guide](https://example.com/g) and \\[x\\]."));
    assert!(file.contains("/// The \\<b\\>type\\</b\\>."));
    assert!(file.contains("aws-resource-demo-widget.html#cfn-demo-widget-type"));
    // The handle always exists; everything else is behind the service's feature.
    let alias = file
        .find("pub type CfnWidget = crate::Cfn<markers::Widget>;")
        .unwrap();
    let markers = file.find("pub mod markers {").unwrap();
    let before = &file[markers..alias];
    assert!(
        !before.contains("#[cfg(feature"),
        "the marker and alias are not gated"
    );
    assert!(file.contains("#[cfg(feature = \"demo\")]\npub struct CfnWidgetProps {"));
    assert!(file.starts_with("// @generated by gs-codegen from @aws-cdk/aws-service-spec"));
}

#[test]
fn generation_is_deterministic() {
    let spec = spec();
    let a = files(&spec, "[package]\n", "[package]\n").unwrap();
    let b = files(&spec, "[package]\n", "[package]\n").unwrap();
    assert_eq!(a, b);
    let manifest = &a
        .iter()
        .find(|(p, _)| p == "crates/gs-l1/Cargo.toml")
        .unwrap()
        .1;
    assert!(manifest
        .contains("full = [\n    \"apigateway\",\n    \"demo\",\n    \"efs\",\n    \"iam\",\n]\n"));
    assert!(manifest.contains("\ndemo = []\n"));
}

/// The vendored spec, generated twice: the same bytes (no hash-map order leaks out).
#[test]
fn the_vendored_spec_generates_the_same_files_twice() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = Spec::load(&root.join("spec/aws-service-spec/db.json.gz")).unwrap();
    let a = files(&spec, "[package]\n", "[package]\n").unwrap();
    let b = files(&spec, "[package]\n", "[package]\n").unwrap();
    assert_eq!(a.len(), b.len());
    assert!(a == b, "two runs differ");
    assert_eq!(spec.resources.len(), 1827);
}
