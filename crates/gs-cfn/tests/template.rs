//! The CloudFormation template: intrinsic spelling, key order, tags, policies, outputs,
//! determinism and atomic writing.

use gs_cfn::{secret_value, CfnBackend};
use gs_core::*;
use serde_json::{json, Value as Json};

fn synth(app: &App, stack: &str) -> (Json, Vec<u8>) {
    let out = app.synth(&CfnBackend::default()).unwrap();
    let bytes = out
        .artifact(&format!("{stack}.template.json"))
        .unwrap()
        .bytes
        .clone();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/cfn-templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("cfn_{stack}.template.json")), &bytes).unwrap();
    (serde_json::from_slice(&bytes).unwrap(), bytes)
}

#[test]
fn every_intrinsic_is_spelled_as_cloudformation_expects() {
    let mut app = App::new();
    let stack = app.stack("Intrinsics", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let p = s
        .parameter("Env", {
            let mut p = Parameter::new("String");
            p.default = Some("dev".into());
            p.allowed_values = vec!["dev".into(), "prod".into()];
            p
        })
        .unwrap();
    let key = s
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    let values = ValueMap::new()
        .with("Ref", Value::Ref(key.node()))
        .with("GetAtt", Value::GetAtt(key.node(), "Arn".into()))
        .with("Pseudo", Value::Pseudo(Pseudo::Region))
        .with("Param", Value::Ref(p.node()))
        .with(
            "Join",
            Value::join("-", [Value::from("a"), Value::Pseudo(Pseudo::AccountId)]),
        )
        .with("Sub", Value::sub("${AWS::StackName}-x"))
        .with(
            "SubVars",
            Value::sub_with("${K}", ValueMap::new().with("K", Value::Ref(key.node()))),
        )
        .with("Select", Value::select(1, Value::azs()))
        .with("Split", Value::split(",", Value::from("a,b")))
        .with(
            "If",
            Value::if_("IsProd", Value::from(1), Value::Pseudo(Pseudo::NoValue)),
        )
        .with("Import", Value::import_value("shared-vpc"))
        .with("Base64", Value::base64("#!/bin/sh"))
        .with("Cidr", Value::cidr(Value::from("10.0.0.0/16"), 4, 8))
        .with(
            "Secret",
            secret_value(Value::Ref(key.node()), Some("password")),
        );
    s.resource::<RawResource>(
        "Holder",
        Resource::new("AWS::CloudFormation::WaitConditionHandle"),
    )
    .unwrap();
    let tree = app.freeze();
    let json: Json = serde_json::to_value(gs_cfn::Rendered {
        value: &Value::Map(values),
        tree: &tree,
        stack: stack.node(),
    })
    .unwrap();
    assert_eq!(
        json,
        json!({
            "Ref": {"Ref": "Key"},
            "GetAtt": {"Fn::GetAtt": ["Key", "Arn"]},
            "Pseudo": {"Ref": "AWS::Region"},
            "Param": {"Ref": "Env"},
            "Join": {"Fn::Join": ["-", ["a", {"Ref": "AWS::AccountId"}]]},
            "Sub": {"Fn::Sub": "${AWS::StackName}-x"},
            "SubVars": {"Fn::Sub": ["${K}", {"K": {"Ref": "Key"}}]},
            "Select": {"Fn::Select": [1, {"Fn::GetAZs": ""}]},
            "Split": {"Fn::Split": [",", "a,b"]},
            "If": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]},
            "Import": {"Fn::ImportValue": "shared-vpc"},
            "Base64": {"Fn::Base64": "#!/bin/sh"},
            "Cidr": {"Fn::Cidr": ["10.0.0.0/16", 4, 8]},
            "Secret": {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "Key"}, ":SecretString:password::}}"]]},
        })
    );
}

fn sample_app() -> App {
    let mut app = App::new();
    let stack = app
        .stack(
            "Sample",
            StackProps {
                description: Some("a sample".into()),
                region: Some("us-east-1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let mut s = app.at(stack).unwrap();
    let mut storage = s.group("Storage").unwrap();
    let key = storage
        .resource::<RawResource>(
            "Key",
            Resource::new("AWS::KMS::Key")
                .property(
                    "KeyPolicy",
                    ValueMap::new().with("Version", "2012-10-17").with(
                        "Statement",
                        Value::List(vec![ValueMap::new()
                            .with("Effect", "Allow")
                            .with(
                                "Principal",
                                ValueMap::new().with(
                                    "AWS",
                                    Value::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
                                ),
                            )
                            .with("Action", "kms:*")
                            .with("Resource", "*")
                            .into()]),
                    ),
                )
                .tagged()
                .removal_policy(RemovalPolicy::Retain),
        )
        .unwrap();
    let vault = storage
        .resource::<RawResource>(
            "Vault",
            Resource::new("AWS::Backup::BackupVault")
                .property("BackupVaultName", "gs-vault")
                .property("EncryptionKeyArn", Value::GetAtt(key.node(), "Arn".into()))
                .tagging(Tagging::Map("BackupVaultTags")),
        )
        .unwrap();
    let topic = storage
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic").tagged())
        .unwrap();
    let group = storage.node();
    s.output("VaultName", {
        let mut o = Output::new(Value::Ref(vault.node()));
        o.export_name = Some(Value::sub("${AWS::StackName}-vault"));
        o
    })
    .unwrap();
    app.tag(stack, "Compliance", "LGPD").unwrap();
    app.tag(group, "Purpose", "storage").unwrap();
    app.add_dependency(topic, vault, "alerts about the vault")
        .unwrap();
    app.add_dependency(topic, key, "encrypted with the key")
        .unwrap();
    app.add_pass("test/topics", &[TOPIC_HOLDS_DATA], |_, _| {})
        .unwrap();
    app.acknowledge(topic, &TOPIC_HOLDS_DATA, "test topic, no data")
        .unwrap();
    app
}

/// A rule of the test's own pass, to acknowledge.
const TOPIC_HOLDS_DATA: Rule = Rule {
    id: "test/topic-holds-data",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::SNS::Topic"],
    what: "A topic holds data.",
    why: "Test.",
    fix: "none",
};

#[test]
fn a_resource_keeps_cdk_key_order_with_sorted_depends_on_and_path_metadata() {
    let (t, bytes) = synth(&sample_app(), "Sample");
    let text = String::from_utf8(bytes).unwrap();
    let topic = &t["Resources"]["StorageTopic94C1B784"];
    assert_eq!(
        topic["DependsOn"],
        json!(["StorageKeyB5604950", "StorageVaultD2B173AC"])
    );
    assert_eq!(topic["Metadata"]["aws:cdk:path"], "Sample/Storage/Topic");
    assert_eq!(
        topic["Metadata"]["gs:acknowledged"],
        json!([{"rule": "test/topic-holds-data", "reason": "test topic, no data"}])
    );
    let key_at = text.find("\"StorageKeyB5604950\": {").unwrap();
    let order: Vec<usize> = [
        "\"Type\"",
        "\"Properties\"",
        "\"UpdateReplacePolicy\"",
        "\"DeletionPolicy\"",
        "\"Metadata\"",
    ]
    .iter()
    .map(|k| key_at + text[key_at..].find(k).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(
        t["Resources"]["StorageKeyB5604950"]["DeletionPolicy"],
        "Retain"
    );
}

#[test]
fn tags_are_a_key_value_list_or_a_map_as_the_type_takes_them() {
    let (t, _) = synth(&sample_app(), "Sample");
    assert_eq!(
        t["Resources"]["StorageTopic94C1B784"]["Properties"]["Tags"],
        json!([{"Key": "Compliance", "Value": "LGPD"}, {"Key": "Purpose", "Value": "storage"}])
    );
    assert_eq!(
        t["Resources"]["StorageVaultD2B173AC"]["Properties"]["BackupVaultTags"],
        json!({"Compliance": "LGPD", "Purpose": "storage"})
    );
}

#[test]
fn outputs_carry_their_export_and_the_description_comes_first() {
    let (t, _) = synth(&sample_app(), "Sample");
    assert_eq!(t["Description"], "a sample");
    assert_eq!(
        t["Outputs"]["VaultName"],
        json!({"Value": {"Ref": "StorageVaultD2B173AC"}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-vault"}}})
    );
}

#[test]
fn the_same_app_gives_byte_identical_templates() {
    let (_, a) = synth(&sample_app(), "Sample");
    let (_, b) = synth(&sample_app(), "Sample");
    assert_eq!(a, b);
}

#[test]
fn the_manifest_names_each_stack_with_its_environment() {
    let out = sample_app().synth(&CfnBackend::default()).unwrap();
    let manifest: Json =
        serde_json::from_slice(&out.artifact("manifest.json").unwrap().bytes).unwrap();
    assert_eq!(
        manifest["artifacts"]["Sample"]["environment"],
        "aws://unknown-account/us-east-1"
    );
    assert_eq!(
        manifest["artifacts"]["Sample"]["properties"]["templateFile"],
        "Sample.template.json"
    );
}

#[test]
fn a_failed_synthesis_writes_nothing_and_leaves_the_earlier_template() {
    let dir = std::env::temp_dir().join(format!("gs-atomic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let good = sample_app();
    good.synth(&CfnBackend::default())
        .unwrap()
        .write_to(&dir)
        .unwrap();
    let before = std::fs::read(dir.join("Sample.template.json")).unwrap();

    let mut bad = sample_app();
    bad.add_pass("test/refuse", &[], |_, out| {
        out.push(Diagnostic::error("test/refuse", "Sample", "no", "none"))
    })
    .unwrap();
    assert!(bad.synth(&CfnBackend::default()).is_err());
    assert_eq!(
        std::fs::read(dir.join("Sample.template.json")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_imported_construct_renders_as_its_literal_attributes() {
    let mut app = App::new();
    let stack = app.stack("Imports", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let logs = s
        .import::<RawResource>(
            "Shared",
            Import {
                type_name: "AWS::Logs::LogGroup".into(),
                attributes: ValueMap::new().with("Ref", "/shared/logs"),
            },
        )
        .unwrap();
    s.resource::<RawResource>(
        "Topic",
        Resource::new("AWS::SNS::Topic").property("DisplayName", Value::Ref(logs.node())),
    )
    .unwrap();
    let (t, _) = synth(&app, "Imports");
    assert_eq!(
        t["Resources"]["Topic"]["Properties"]["DisplayName"],
        "/shared/logs"
    );
    s_missing_attribute_is_a_backend_error();
}

fn s_missing_attribute_is_a_backend_error() {
    let mut app = App::new();
    let stack = app.stack("Imports2", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let logs = s
        .import::<RawResource>(
            "Shared",
            Import {
                type_name: "AWS::Logs::LogGroup".into(),
                attributes: ValueMap::new(),
            },
        )
        .unwrap();
    s.resource::<RawResource>(
        "Topic",
        Resource::new("AWS::SNS::Topic")
            .property("DisplayName", Value::GetAtt(logs.node(), "Arn".into())),
    )
    .unwrap();
    let err = app.synth(&CfnBackend::default()).unwrap_err();
    assert!(
        err.to_string().contains("imported without its `Arn`"),
        "{err}"
    );
}

#[test]
fn the_cloudformation_backend_checks_limits_for_an_app_of_gs_core_alone() {
    let mut app = App::new();
    let stack = app.stack("Big", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    for i in 0..501 {
        s.resource::<RawResource>(&format!("Topic{i}"), Resource::new("AWS::SNS::Topic"))
            .unwrap();
    }
    let err = app.synth(&CfnBackend::default()).unwrap_err();
    assert!(err.report().unwrap().has("cfn/limits", "Big"));
}

#[test]
fn references_to_a_large_imported_value_count_toward_the_template_size() {
    let mut app = App::new();
    let stack = app.stack("Big", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let import = s
        .import::<RawResource>(
            "Shared",
            Import {
                type_name: "AWS::SSM::Parameter".into(),
                attributes: ValueMap::new().with("Ref", "x".repeat(20_000)),
            },
        )
        .unwrap();
    for i in 0..60 {
        s.resource::<RawResource>(
            &format!("Topic{i}"),
            Resource::new("AWS::SNS::Topic").property("DisplayName", Value::Ref(import.node())),
        )
        .unwrap();
    }
    let err = app.synth(&CfnBackend::default()).unwrap_err();
    assert!(err.report().unwrap().has("cfn/limits", "Big"), "{err}");
}
