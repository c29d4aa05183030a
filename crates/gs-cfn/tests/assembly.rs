//! The cloud assembly beyond the templates: `manifest.json`'s per-stack `aws:cdk:logicalId`
//! metadata and `Tree` artifact, and `tree.json` in CDK's `tree-0.1` format.

use gs_cfn::CfnBackend;
use gs_core::*;
use serde_json::{json, Value as Json};

/// A stack with a group holding its primary resource, a tagged resource referencing it, a
/// parameter, an output and an import; and a second stack depending on nothing.
fn app() -> App {
    let mut app = App::new();
    let demo = app.stack("Demo", StackProps::default()).unwrap();
    app.tag(demo, "Team", "streaming").unwrap();
    let mut s = app.at(demo).unwrap();
    let topic = s
        .group("Alerts")
        .unwrap()
        .resource::<RawResource>(
            "Resource",
            Resource::new("AWS::SNS::Topic")
                .property("DisplayName", "alerts")
                .tagged(),
        )
        .unwrap();
    s.resource::<RawResource>(
        "Queue",
        Resource::new("AWS::SQS::Queue")
            .property("VisibilityTimeout", 30)
            .property(
                "RedriveAllowPolicy",
                Value::Map(ValueMap::new().with("Source", Value::Ref(topic.node()))),
            ),
    )
    .unwrap();
    s.parameter("Env", Parameter::new("String")).unwrap();
    s.output("TopicArn", Output::new(Value::Ref(topic.node())))
        .unwrap();
    s.import::<RawResource>(
        "Shared",
        Import {
            type_name: "AWS::Logs::LogGroup".into(),
            attributes: ValueMap::new(),
        },
    )
    .unwrap();
    let other = app.stack("Other", StackProps::default()).unwrap();
    app.at(other)
        .unwrap()
        .resource::<RawResource>("Bucket", Resource::new("AWS::S3::Bucket"))
        .unwrap();
    app
}

fn file(out: &Synthesis, name: &str) -> Json {
    let a = out
        .artifact(name)
        .unwrap_or_else(|| panic!("{name} was not written"));
    serde_json::from_slice(&a.bytes).unwrap()
}

/// Each construct path the templates name (`aws:cdk:path`), with its logical ID.
fn template_paths(out: &Synthesis, stack: &str) -> Vec<(String, String)> {
    let t = file(out, &format!("{stack}.template.json"));
    let mut v: Vec<(String, String)> = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, r)| {
            (
                r["Metadata"]["aws:cdk:path"].as_str().unwrap().to_owned(),
                id.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_manifest_maps_every_construct_path_to_its_logical_id() {
    let out = app().synth(&CfnBackend::default()).unwrap();
    let manifest = file(&out, "manifest.json");
    let meta = &manifest["artifacts"]["Demo"]["metadata"];
    let template = file(&out, "Demo.template.json");
    // Every resource of the template, under its absolute path (a leading slash, as CDK writes).
    for (path, id) in template_paths(&out, "Demo") {
        assert_eq!(
            meta[format!("/{path}")],
            json!([{"type": "aws:cdk:logicalId", "data": id}]),
            "{path}"
        );
    }
    // Parameters and outputs too (CDK's CfnElement records every one), nothing else.
    assert_eq!(
        meta["/Demo/Env"],
        json!([{"type": "aws:cdk:logicalId", "data": "Env"}])
    );
    assert_eq!(
        meta["/Demo/TopicArn"],
        json!([{"type": "aws:cdk:logicalId", "data": "TopicArn"}])
    );
    let n = template["Resources"].as_object().unwrap().len() + 2;
    assert_eq!(meta.as_object().unwrap().len(), n);
    assert!(
        meta.get("/Demo/Shared").is_none(),
        "imports have no logical ID"
    );
    assert_eq!(
        manifest["artifacts"]["Other"]["metadata"],
        json!({"/Other/Bucket": [{"type": "aws:cdk:logicalId", "data": "Bucket"}]})
    );
    // The manifest's own key order: metadata between dependencies and displayName, as CDK.
    let text = String::from_utf8(out.artifact("manifest.json").unwrap().bytes.clone()).unwrap();
    let at = |k: &str| text.find(k).unwrap_or_else(|| panic!("{k}"));
    assert!(
        at("\"properties\"") < at("\"metadata\"") && at("\"metadata\"") < at("\"displayName\"")
    );
}

#[test]
fn the_manifest_names_the_tree_artifact() {
    let out = app().synth(&CfnBackend::default()).unwrap();
    let manifest = file(&out, "manifest.json");
    assert_eq!(
        manifest["artifacts"]["Tree"],
        json!({"type": "cdk:tree", "properties": {"file": "tree.json"}})
    );
    // The tree comes after the stacks.
    let keys: Vec<&String> = manifest["artifacts"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3);
    assert!(out.artifact("tree.json").is_some());
}

#[test]
fn a_stack_named_tree_keeps_its_artifact_id() {
    let mut app = App::new();
    let s = app.stack("Tree", StackProps::default()).unwrap();
    app.at(s)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let out = app.synth(&CfnBackend::default()).unwrap();
    let manifest = file(&out, "manifest.json");
    assert_eq!(
        manifest["artifacts"]["Tree"]["type"],
        "aws:cloudformation:stack"
    );
    assert_eq!(manifest["artifacts"]["gs.Tree"]["type"], "cdk:tree");
}

#[test]
fn templates_only_writes_neither_manifest_nor_tree() {
    let out = app()
        .synth(&CfnBackend {
            templates_only: true,
        })
        .unwrap();
    assert!(out.artifact("manifest.json").is_none());
    assert!(out.artifact("tree.json").is_none());
    assert!(out.artifact("Demo.template.json").is_some());
}

/// Checks a tree.json node and everything below it: key equals id, path is the parent's path
/// and the id, children only when there are some; returns the nodes seen.
fn check_node(key: &str, parent_path: &str, node: &Json, seen: &mut Vec<String>) {
    let path = if parent_path.is_empty() {
        key.to_owned()
    } else {
        format!("{parent_path}/{key}")
    };
    assert_eq!(node["id"], key);
    assert_eq!(node["path"], path.as_str());
    let allowed = ["id", "path", "attributes", "children"];
    for k in node.as_object().unwrap().keys() {
        assert!(allowed.contains(&k.as_str()), "{path}: unexpected key {k}");
    }
    if let Some(children) = node.get("children") {
        let children = children.as_object().unwrap();
        assert!(!children.is_empty(), "{path}: empty children are left out");
        for (k, c) in children {
            check_node(k, &path, c, seen);
        }
    }
    seen.push(path);
}

#[test]
fn tree_json_has_every_construct_in_cdk_format() {
    let out = app().synth(&CfnBackend::default()).unwrap();
    let tree = file(&out, "tree.json");
    assert_eq!(tree["version"], "tree-0.1");
    let root = &tree["tree"];
    assert_eq!(root["id"], "App");
    assert_eq!(root["path"], "");
    let mut seen = Vec::new();
    for (k, c) in root["children"].as_object().unwrap() {
        check_node(k, "", c, &mut seen);
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "Demo",
            "Demo/Alerts",
            "Demo/Alerts/Resource",
            "Demo/Env",
            "Demo/Queue",
            "Demo/Shared",
            "Demo/TopicArn",
            "Other",
            "Other/Bucket"
        ]
    );
    // Children in creation order.
    let demo = &root["children"]["Demo"];
    let text = String::from_utf8(out.artifact("tree.json").unwrap().bytes.clone()).unwrap();
    assert!(text.find("\"Alerts\": {").unwrap() < text.find("\"Queue\": {").unwrap());
    // A resource's attributes: its type and its properties exactly as the template writes them
    // (tags included, references rendered).
    let template = file(&out, "Demo.template.json");
    for (path, id) in template_paths(&out, "Demo") {
        let mut node = demo;
        for part in path.split('/').skip(1) {
            node = &node["children"][part];
        }
        let r = &template["Resources"][&id];
        let props = r.get("Properties").cloned().unwrap_or(json!({}));
        assert_eq!(
            node["attributes"],
            json!({"aws:cdk:cloudformation:type": r["Type"], "aws:cdk:cloudformation:props": props}),
            "{path}"
        );
    }
    let topic = &demo["children"]["Alerts"]["children"]["Resource"]["attributes"];
    assert_eq!(
        topic["aws:cdk:cloudformation:props"]["Tags"],
        json!([{"Key": "Team", "Value": "streaming"}])
    );
    assert_eq!(
        demo["children"]["Queue"]["attributes"]["aws:cdk:cloudformation:props"]
            ["RedriveAllowPolicy"]["Source"]["Ref"]
            .as_str()
            .map(|s| s.starts_with("Alerts")),
        Some(true)
    );
    // Parameters, outputs, imports and groups have no attributes.
    for k in ["Env", "TopicArn", "Shared", "Alerts"] {
        assert!(demo["children"][k].get("attributes").is_none(), "{k}");
    }
    // A resource without properties still lists them, empty, as CDK does.
    assert_eq!(
        root["children"]["Other"]["children"]["Bucket"]["attributes"],
        json!({"aws:cdk:cloudformation:type": "AWS::S3::Bucket", "aws:cdk:cloudformation:props": {}})
    );
}

#[test]
fn tree_json_is_deterministic_and_written_like_the_manifest() {
    let a = app().synth(&CfnBackend::default()).unwrap();
    let b = app().synth(&CfnBackend::default()).unwrap();
    let bytes = |s: &Synthesis, n: &str| s.artifact(n).unwrap().bytes.clone();
    assert_eq!(bytes(&a, "tree.json"), bytes(&b, "tree.json"));
    assert_eq!(bytes(&a, "manifest.json"), bytes(&b, "manifest.json"));
    let text = String::from_utf8(bytes(&a, "tree.json")).unwrap();
    assert!(text.starts_with("{\n  \"version\": \"tree-0.1\",\n  \"tree\": {\n    \"id\": \"App\",\n    \"path\": \"\",\n    \"children\": {\n      \"Demo\": {\n        \"id\": \"Demo\",\n"), "{text}");
    assert!(text.ends_with("\n  }\n}\n"), "{text}");
}

#[test]
fn an_app_without_stacks_writes_an_empty_tree() {
    let out = App::new().synth(&CfnBackend::default()).unwrap();
    assert_eq!(
        file(&out, "tree.json"),
        json!({"version": "tree-0.1", "tree": {"id": "App", "path": ""}})
    );
}

#[test]
fn a_deep_tree_is_written_without_recursion() {
    // A recursive writer needs far more than 256 bytes of stack per level.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(deep_tree)
        .unwrap()
        .join()
        .unwrap();
}

/// A thousand nested groups (gs-core's path work grows with the square of the depth, so a deeper
/// tree mostly costs test time).
fn deep_tree() {
    const DEPTH: usize = 1_000;
    let mut app = App::new();
    let stack = app.stack("Deep", StackProps::default()).unwrap();
    let mut parent: NodeId = stack.into();
    for i in 0..DEPTH {
        let g = app
            .at(parent)
            .unwrap()
            .group(&format!("G{i}"))
            .unwrap()
            .node();
        parent = g;
    }
    app.at(parent)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let out = app.synth(&CfnBackend::default()).unwrap();
    let text = String::from_utf8(out.artifact("tree.json").unwrap().bytes.clone()).unwrap();
    // Balanced and complete (serde_json's parser stops at 128 levels, so count instead).
    let opens = text.matches('{').count();
    assert_eq!(opens, text.matches('}').count());
    // Root, stack, each group, the resource, its attributes and props: one object each, plus the
    // file and a children map per node with children.
    assert_eq!(opens, 1 + 2 * (DEPTH + 2) + 3);
    assert!(text.contains("\"aws:cdk:cloudformation:type\": \"AWS::SNS::Topic\""));
    assert!(text.ends_with("\n  }\n}\n"));
}
