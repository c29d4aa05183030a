//! The schema checks at synthesis (`schema/*` rules) against cfn-lint, the reference: a fixture of
//! bad raw resources, one per case, that gs refuses rule by rule, and that cfn-lint flags too
//! (the same resources, synthesized with the schema rules acknowledged, are linted); and values
//! that cfn-lint accepts (intrinsics, numbers and booleans given as strings) that gs must accept.

mod support;

use std::path::PathBuf;

use gs_constructs::prelude::*;
use gs_core::Backend as _;
use support::*;

/// One bad resource: its id, the gs rule and the path inside the resource it must report, and
/// the cfn-lint rule that flags it (empty when cfn-lint does not).
struct Case {
    id: &'static str,
    rule: &'static str,
    at: &'static str,
    cfn_lint: &'static str,
}

const CASES: &[Case] = &[
    Case { id: "UnknownType", rule: "schema/unknown-type", at: "does not exist; did you mean `AWS::SNS::Topic`", cfn_lint: "E3006" },
    Case { id: "UnknownProperty", rule: "schema/unknown-property", at: "Properties.DisplayNam: AWS::SNS::Topic has no property `DisplayNam`; did you mean `DisplayName`?", cfn_lint: "E3002" },
    Case { id: "UnknownNestedProperty", rule: "schema/unknown-property", at: "Properties.BackupPolicy.Stat:", cfn_lint: "E3002" },
    Case { id: "MissingRequired", rule: "schema/missing-required", at: "Properties: AWS::SNS::Subscription requires `TopicArn`", cfn_lint: "E3003" },
    Case { id: "MissingNestedRequired", rule: "schema/missing-required", at: "Properties.SecurityGroupIngress[0]: AWS::EC2::SecurityGroup (Ingress) requires `IpProtocol`", cfn_lint: "E3003" },
    Case { id: "StringForList", rule: "schema/wrong-kind", at: "Properties.Subscription: expected a list of objects (Subscription), found a string", cfn_lint: "E3012" },
    Case { id: "ListForInteger", rule: "schema/wrong-kind", at: "Properties.DelaySeconds: expected an integer, found a list", cfn_lint: "E3012" },
    Case { id: "TextForInteger", rule: "schema/wrong-kind", at: "Properties.SecurityGroupIngress[0].FromPort: expected an integer, found a string", cfn_lint: "E3012" },
    Case { id: "NotInEnum", rule: "schema/invalid-value", at: "Properties.PerformanceMode: `fast` is not an allowed value", cfn_lint: "E3030" },
    Case { id: "NotMatchingPattern", rule: "schema/invalid-value", at: "Properties.ConsumerName: `bad^name` does not match the pattern", cfn_lint: "E3031" },
    Case { id: "TooLong", rule: "schema/invalid-value", at: "Properties.ConsumerName: `aaaa", cfn_lint: "E3033" },
    Case { id: "OutOfRange", rule: "schema/invalid-value", at: "Properties.DelaySeconds: 9000 is out of range", cfn_lint: "E3034" },
    Case { id: "UnknownAttribute", rule: "schema/unknown-attribute", at: "Properties.RedrivePolicy.deadLetterTargetArn: Fn::GetAtt of `Arnn` on Fixture/Dlq", cfn_lint: "E1010" },
    // cfn-lint 1.51 does not flag a read-only property (its schemas list them among the
    // properties); issue 10 asks gs to refuse it.
    Case { id: "ReadOnly", rule: "schema/read-only-property", at: "Properties.Arn: `Arn` is read-only for AWS::EFS::FileSystem", cfn_lint: "" },
];

fn raw(s: &mut Scope<'_>, id: &str, resource: Resource) -> NodeId {
    s.resource::<RawResource>(id, resource).unwrap().node()
}

fn map(pairs: &[(&'static str, Value)]) -> Value {
    let mut m = ValueMap::new();
    for (k, v) in pairs {
        m.insert(*k, v.clone());
    }
    Value::Map(m)
}

/// The fixture: one bad resource per case (plus `Dlq`, a valid queue the GetAtt case reads).
fn fixture() -> (App, Vec<NodeId>) {
    let mut app = App::new();
    let stack = app.stack("Fixture", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let stream = "arn:aws:kinesis:us-east-1:123456789012:stream/events";
    let dlq = raw(&mut s, "Dlq", Resource::new("AWS::SQS::Queue"));
    let mut nodes = vec![
        raw(&mut s, "UnknownType", Resource::new("AWS::SNS::Topik")),
        raw(
            &mut s,
            "UnknownProperty",
            Resource::new("AWS::SNS::Topic").property("DisplayNam", "alerts"),
        ),
        raw(
            &mut s,
            "UnknownNestedProperty",
            Resource::new("AWS::EFS::FileSystem").property(
                "BackupPolicy",
                map(&[("Status", "ENABLED".into()), ("Stat", "ENABLED".into())]),
            ),
        ),
        raw(
            &mut s,
            "MissingRequired",
            Resource::new("AWS::SNS::Subscription").property("Protocol", "email"),
        ),
        raw(
            &mut s,
            "MissingNestedRequired",
            Resource::new("AWS::EC2::SecurityGroup")
                .property("GroupDescription", "web")
                .property(
                    "SecurityGroupIngress",
                    Value::List(vec![map(&[("CidrIp", "10.0.0.0/8".into())])]),
                ),
        ),
        raw(
            &mut s,
            "StringForList",
            Resource::new("AWS::SNS::Topic").property("Subscription", "ops@example.com"),
        ),
        raw(
            &mut s,
            "ListForInteger",
            Resource::new("AWS::SQS::Queue").property("DelaySeconds", Value::List(vec![5.into()])),
        ),
        raw(
            &mut s,
            "TextForInteger",
            Resource::new("AWS::EC2::SecurityGroup")
                .property("GroupDescription", "web")
                .property(
                    "SecurityGroupIngress",
                    Value::List(vec![map(&[
                        ("IpProtocol", "tcp".into()),
                        ("CidrIp", "10.0.0.0/8".into()),
                        ("FromPort", "http".into()),
                        ("ToPort", 80.into()),
                    ])]),
                ),
        ),
        raw(
            &mut s,
            "NotInEnum",
            Resource::new("AWS::EFS::FileSystem").property("PerformanceMode", "fast"),
        ),
        raw(
            &mut s,
            "NotMatchingPattern",
            Resource::new("AWS::Kinesis::StreamConsumer")
                .property("ConsumerName", "bad^name")
                .property("StreamARN", stream),
        ),
        raw(
            &mut s,
            "TooLong",
            Resource::new("AWS::Kinesis::StreamConsumer")
                .property("ConsumerName", "a".repeat(200))
                .property("StreamARN", stream),
        ),
        raw(
            &mut s,
            "OutOfRange",
            Resource::new("AWS::SQS::Queue").property("DelaySeconds", 9000),
        ),
        raw(
            &mut s,
            "UnknownAttribute",
            Resource::new("AWS::SQS::Queue").property(
                "RedrivePolicy",
                map(&[
                    ("deadLetterTargetArn", Value::GetAtt(dlq, "Arnn".into())),
                    ("maxReceiveCount", 5.into()),
                ]),
            ),
        ),
        raw(
            &mut s,
            "ReadOnly",
            Resource::new("AWS::EFS::FileSystem").property(
                "Arn",
                "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678",
            ),
        ),
    ];
    nodes.push(dlq);
    (app, nodes)
}

#[test]
fn gs_refuses_every_bad_resource_of_the_fixture_with_its_rule_and_path() {
    let (app, _) = fixture();
    let findings = refused(&app);
    let schema: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.rule.starts_with("schema/"))
        .collect();
    for case in CASES {
        let path = format!("Fixture/{}", case.id);
        let hit = schema
            .iter()
            .find(|d| d.path == path && d.rule == case.rule && d.message.contains(case.at));
        assert!(
            hit.is_some(),
            "{path}: expected {} with `{}`; gs found:\n{}",
            case.rule,
            case.at,
            schema
                .iter()
                .filter(|d| d.path == path)
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(!hit.unwrap().fix.is_empty());
    }
    // Nothing about the valid queue, and one finding per case (no noise).
    assert!(
        !schema.iter().any(|d| d.path == "Fixture/Dlq"),
        "{schema:?}"
    );
    assert_eq!(
        schema.len(),
        CASES.len(),
        "{}",
        schema
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn fixture_template_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema_bad.template.json")
}

/// The fixture's template, as the backend emits it without the validation that refuses it
/// (some schema rules cannot be acknowledged): what a deploy of these resources would send.
fn fixture_template() -> Vec<u8> {
    let (app, _) = fixture();
    let backend = CfnBackend {
        templates_only: true,
    };
    let tree = app.freeze_for(&backend);
    let artifacts = backend.emit(&tree).unwrap_or_else(|e| panic!("{e}"));
    artifacts[0].bytes.clone()
}

#[test]
fn the_fixture_template_file_is_the_fixture_synthesized() {
    let bytes = fixture_template();
    let path = fixture_template_path();
    if std::env::var_os("GS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
    }
    let on_disk = std::fs::read(&path).unwrap_or_default();
    assert!(
        on_disk == bytes,
        "{} differs from the fixture; run `GS_BLESS=1 cargo test -p gs-constructs --test schema` and commit",
        path.display()
    );
}

/// cfn-lint flags every bad resource of the fixture template (skipped, with a note, when
/// cfn-lint is not installed; `.ci/run` installs it).
#[test]
fn cfn_lint_flags_every_bad_resource_of_the_fixture() {
    let path = fixture_template_path();
    let out = match std::process::Command::new("cfn-lint")
        .args(["--format", "parseable", "--"])
        .arg(&path)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("cfn-lint not run ({e}); install it with `pip install cfn-lint`");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let template: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let resources = template["Resources"].as_object().unwrap();
    for case in CASES.iter().filter(|c| !c.cfn_lint.is_empty()) {
        // The logical ID of Fixture/<id> is the id (CDK adds no hash for a top-level id).
        let logical = resources
            .keys()
            .find(|k| *k == case.id || (k.starts_with(case.id) && k.len() == case.id.len() + 8))
            .unwrap_or_else(|| panic!("no resource for {}", case.id));
        // parseable: file:line:col:endline:endcol:RULE:message
        let (first, last) = find_line(&path, logical);
        let prefix = format!("{}:", path.display());
        let flagged = text.lines().any(|l| {
            let f: Vec<&str> = l
                .strip_prefix(&prefix)
                .unwrap_or("")
                .splitn(6, ':')
                .collect();
            f.len() == 6
                && f[4] == case.cfn_lint
                && f[0].parse::<usize>().is_ok_and(|n| n >= first && n <= last)
        });
        assert!(
            flagged,
            "cfn-lint does not flag {logical} with {}:\n{text}",
            case.cfn_lint
        );
    }
    assert!(
        !text.lines().any(|l| l.contains("Dlq")),
        "cfn-lint flags the valid queue:\n{text}"
    );
}

/// The first and last line of the resource `logical` in the template file (1-based).
fn find_line(path: &std::path::Path, logical: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("\"{logical}\": {{")))
        .unwrap_or(0);
    let indent = lines[start].len() - lines[start].trim_start().len();
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.len() - l.trim_start().len() == indent)
        .map_or(lines.len(), |p| start + 1 + p);
    (start + 1, end + 1)
}

#[test]
fn values_cfn_lint_accepts_are_accepted() -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Lenient", StackProps::default())?;
    let mut s = app.at(stack)?;
    let topic = raw(
        &mut s,
        "Topic",
        Resource::new("AWS::SNS::Topic").property("DisplayName", 42),
    );
    let dlq = raw(&mut s, "Dlq", Resource::new("AWS::SQS::Queue"));
    raw(
        &mut s,
        "Topic2",
        Resource::new("AWS::SNS::Topic").property("DisplayName", Value::Ref(topic)),
    );
    raw(
        &mut s,
        "Queue",
        Resource::new("AWS::SQS::Queue")
            // Numbers as strings, booleans as strings, references where strings go.
            .property("DelaySeconds", "5")
            .property("MaximumMessageSize", 2048.0)
            .property("SqsManagedSseEnabled", "true")
            .property(
                "QueueName",
                Value::join("-", [Value::Pseudo(Pseudo::StackName), "q".into()]),
            )
            .property("KmsMasterKeyId", "alias/aws/sqs")
            .property(
                "VisibilityTimeout",
                Value::if_("Never", 30.into(), Value::Pseudo(Pseudo::NoValue)),
            )
            .property(
                "RedrivePolicy",
                map(&[
                    ("deadLetterTargetArn", Value::GetAtt(dlq, "Arn".into())),
                    ("maxReceiveCount", "3".into()),
                ]),
            ),
    );
    raw(
        &mut s,
        "Consumer",
        Resource::new("AWS::Kinesis::StreamConsumer")
            .property(
                "ConsumerName",
                Value::join("", ["events".into(), "-consumer".into()]),
            )
            .property(
                "StreamARN",
                Value::sub(
                    "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/s",
                ),
            ),
    );
    // Custom resources and types outside AWS:: take any property.
    let token = "arn:aws:lambda:us-east-1:123456789012:function:f";
    raw(
        &mut s,
        "Custom",
        Resource::new("Custom::Thing")
            .property("ServiceToken", token)
            .property("Anything", 1),
    );
    raw(
        &mut s,
        "CustomResource",
        Resource::new("AWS::CloudFormation::CustomResource")
            .property("ServiceToken", token)
            .property("Extra", "x"),
    );
    app.at(stack)?.condition(
        "Never",
        Value::Equals(
            Box::new(Value::Pseudo(Pseudo::Region)),
            Box::new("xx-nowhere-1".into()),
        ),
    )?;
    let template = synth(&app, "schema_lenient");
    assert!(template["Resources"].as_object().unwrap().len() >= 4);
    Ok(())
}

#[test]
fn both_branches_of_fn_if_are_checked() {
    let mut app = App::new();
    let stack = app.stack("Branches", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let region_is = Value::Equals(
        Box::new(Value::Pseudo(Pseudo::Region)),
        Box::new("us-east-1".into()),
    );
    s.condition("East", region_is).unwrap();
    raw(
        &mut s,
        "Files",
        Resource::new("AWS::EFS::FileSystem")
            .property("Encrypted", true)
            .property(
                "PerformanceMode",
                Value::if_("East", "maxIO".into(), "turbo".into()),
            ),
    );
    let findings = refused(&app);
    let schema: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.rule.starts_with("schema/"))
        .collect();
    assert_eq!(schema.len(), 1, "{schema:?}");
    assert!(
        schema[0]
            .message
            .contains("Properties.PerformanceMode: `turbo` is not an allowed value"),
        "{schema:?}"
    );
    assert!(
        schema[0].fix.contains("`generalPurpose`, `maxIO`"),
        "{schema:?}"
    );
}

#[test]
fn a_custom_resource_without_its_service_token_is_refused() {
    let mut app = App::new();
    let stack = app.stack("Custom", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    raw(
        &mut s,
        "Thing",
        Resource::new("Custom::Thing").property("Anything", 1),
    );
    let findings = refused(&app);
    assert!(
        findings.iter().any(|d| d.rule == "schema/missing-required"
            && d.path == "Custom/Thing"
            && d.message.contains("`ServiceToken`")),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|d| d.rule == "schema/unknown-property"),
        "{findings:?}"
    );
}

#[test]
fn a_nested_raw_value_of_any_depth_is_walked_without_overflow() {
    let mut app = App::new();
    let stack = app.stack("Deep", StackProps::default()).unwrap();
    let mut v = Value::from("x");
    for _ in 0..100 {
        v = Value::List(vec![v]);
    }
    let mut s = app.at(stack).unwrap();
    raw(
        &mut s,
        "Topic",
        Resource::new("AWS::SNS::Topic").property("Subscription", v),
    );
    let findings = refused(&app);
    assert!(
        findings.iter().any(|d| d.rule == "schema/wrong-kind"
            && d.message.starts_with("Properties.Subscription[0]:")),
        "{findings:?}"
    );
}

#[test]
fn a_missing_required_property_or_a_wrong_kind_cannot_be_acknowledged_away() {
    let mut app = App::new();
    let stack = app.stack("Ack", StackProps::default()).unwrap();
    let sub = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>(
            "Sub",
            Resource::new("AWS::SNS::Subscription")
                .property("TopicArn", "arn:aws:sns:us-east-1:123456789012:t"),
        )
        .unwrap();
    for rule in [&rules::SCHEMA_MISSING_REQUIRED, &rules::SCHEMA_WRONG_KIND] {
        let e = app.acknowledge(sub, rule, "trust me").unwrap_err();
        assert!(e.to_string().contains(rule.id), "{e}");
    }
    assert!(app.node(sub).unwrap().acknowledgements().is_empty());
    assert_refused(&app, "schema/missing-required", "Ack/Sub");
}

#[test]
fn an_integer_out_of_range_is_shown_as_written() {
    let mut app = App::new();
    let stack = app.stack("Big", StackProps::default()).unwrap();
    app.at(stack)
        .unwrap()
        .resource::<RawResource>(
            "Queue",
            Resource::new("AWS::SQS::Queue").property("VisibilityTimeout", Value::Int(i64::MAX)),
        )
        .unwrap();
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "schema/invalid-value")
        .expect("out of range");
    assert!(
        d.message.contains("9223372036854775807 is out of range"),
        "{}",
        d.message
    );
}
