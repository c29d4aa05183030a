//! Conditions, Mappings and Rules in the template: in the CloudFormation anatomy's section
//! order, spelled as CloudFormation reads them.

use gs_cfn::CfnBackend;
use gs_core::*;
use serde_json::{json, Value as Json};

fn sample() -> App {
    let mut app = App::new();
    let stack = app
        .stack(
            "Sections",
            StackProps {
                region: Some("us-east-1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let mut s = app.at(stack).unwrap();
    let env = s
        .parameter("Env", {
            let mut p = Parameter::new("String");
            p.allowed_values = vec!["dev".into(), "prod".into()];
            p.default = Some("dev".into());
            p
        })
        .unwrap();
    let alerts = s
        .parameter("Alerts", {
            let mut p = Parameter::new("String");
            p.allowed_values = vec!["on".into(), "off".into()];
            p.default = Some("off".into());
            p
        })
        .unwrap();
    let is_prod = Value::Equals(
        Box::new(Value::Ref(env.node())),
        Box::new(Value::from("prod")),
    );
    s.condition("IsProd", is_prod.clone()).unwrap();
    s.condition(
        "WantsAlerts",
        Value::Or(vec![
            Value::Equals(
                Box::new(Value::Ref(alerts.node())),
                Box::new(Value::from("on")),
            ),
            Value::Condition("IsProd".into()),
        ]),
    )
    .unwrap();
    s.mapping(
        "Retention",
        ValueMap::new()
            .with("prod", ValueMap::new().with("Days", "30"))
            .with("dev", ValueMap::new().with("Days", "7")),
    )
    .unwrap();
    s.template_rule(
        "ProdInUsEast1",
        TemplateRule::new(
            Assertion::new(Value::Map(ValueMap::new().with(
                "Fn::Contains",
                Value::from(vec![
                    Value::from(vec!["us-east-1"]),
                    Value::Pseudo(Pseudo::Region),
                ]),
            )))
            .described("prod deploys to us-east-1 only"),
        )
        .when(is_prod),
    )
    .unwrap();
    let mut topic = Resource::new("AWS::SNS::Topic").property(
        "DisplayName",
        Value::join(
            "-",
            [
                Value::if_("IsProd", Value::from("prod"), Value::from("dev")),
                Value::FindInMap(
                    "Retention".into(),
                    Box::new(Value::Ref(env.node())),
                    Box::new(Value::from("Days")),
                ),
            ],
        ),
    );
    topic.condition = Some("WantsAlerts".into());
    let t = s.resource::<RawResource>("Topic", topic).unwrap();
    let mut out = Output::new(Value::Ref(t.node()));
    out.condition = Some("WantsAlerts".into());
    s.output("TopicArn", out).unwrap();
    app
}

fn template(app: &App) -> (Json, Vec<u8>) {
    let out = match app.synth(&CfnBackend::default()) {
        Ok(out) => out,
        Err(e) => panic!("synthesis failed:\n{e}"),
    };
    let bytes = out
        .artifact("Sections.template.json")
        .unwrap()
        .bytes
        .clone();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/cfn-templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sections_Sections.template.json"), &bytes).unwrap();
    (serde_json::from_slice(&bytes).unwrap(), bytes)
}

#[test]
fn conditions_mappings_and_rules_are_written_in_the_anatomy_order() {
    let (t, bytes) = template(&sample());
    let text = String::from_utf8(bytes).unwrap();
    let at = |section: &str| {
        text.find(&format!("\n \"{section}\": "))
            .unwrap_or_else(|| panic!("no {section} section"))
    };
    let order = [
        "AWSTemplateFormatVersion",
        "Parameters",
        "Rules",
        "Mappings",
        "Conditions",
        "Resources",
        "Outputs",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} before {}", w[0], w[1]);
    }
    assert_eq!(
        t["Conditions"],
        json!({
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "WantsAlerts": {"Fn::Or": [{"Fn::Equals": [{"Ref": "Alerts"}, "on"]}, {"Condition": "IsProd"}]}
        })
    );
    assert_eq!(
        t["Mappings"],
        json!({"Retention": {"prod": {"Days": "30"}, "dev": {"Days": "7"}}})
    );
    assert_eq!(
        t["Rules"],
        json!({"ProdInUsEast1": {
            "RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "Assertions": [{
                "Assert": {"Fn::Contains": [["us-east-1"], {"Ref": "AWS::Region"}]},
                "AssertDescription": "prod deploys to us-east-1 only"
            }]
        }})
    );
    assert_eq!(t["Resources"]["Topic"]["Condition"], "WantsAlerts");
    assert_eq!(t["Outputs"]["TopicArn"]["Condition"], "WantsAlerts");
}

#[test]
fn the_size_bound_covers_the_sections() {
    let app = sample();
    let tree = app.freeze();
    let stack = app.stacks()[0];
    let actual = gs_cfn::Template::of_stack(&tree, stack)
        .to_json()
        .unwrap()
        .len();
    assert!(gs_cfn::template_size_bound(&tree, stack) >= actual);
}
