//! The orders example (`examples/orders`, on the L2s): synthesis accepts it with no
//! unacknowledged finding, its templates (with the table's replica, and single-Region) are kept
//! for cfn-lint, the wiring the L2s derive is in them, and its DR objectives are met or
//! overridden with a reason.

mod support;

#[allow(dead_code)]
#[path = "../../../examples/orders/stack.rs"]
mod stack;

use gs_constructs::assertions::{Match, Template};
use gs_constructs::dr::{DrReport, FailureScope, Verdict};
use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};

use stack::Config;

/// The example's app as `config` deploys it, its template written to `target/cfn-templates` as
/// `orders<suffix>_OrdersApp.template.json` for cfn-lint.
fn synth(config: &Config, suffix: &str) -> (App, Template) {
    let app = stack::build_with(config).expect("the example builds");
    let template = support::synth_clean(&app, stack::STACK, &format!("orders{suffix}"));
    (app, template)
}

fn template() -> Template {
    synth(&Config::default(), "").1
}

/// The logical ID of the one resource at `path` (`aws:cdk:path` metadata).
fn logical_id(t: &Template, path: &str) -> String {
    let mut found: Vec<String> = t.to_json()["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Metadata"]["aws:cdk:path"] == path)
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(found.len(), 1, "resources at {path}: {found:?}");
    found.remove(0)
}

fn get_att(id: &str, attr: &str) -> Json {
    json!({"Fn::GetAtt": [id, attr]})
}

#[test]
fn every_part_is_there() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    for (type_name, count) in [
        ("AWS::ApiGateway::RestApi", 1),
        ("AWS::ApiGateway::Resource", 2),
        ("AWS::ApiGateway::Method", 2),
        ("AWS::ApiGateway::Deployment", 1),
        ("AWS::ApiGateway::Stage", 1),
        ("AWS::ApiGateway::Account", 1),
        ("AWS::Lambda::Function", 3),
        // The functions' and the API's CloudWatch role.
        ("AWS::IAM::Role", 4),
        // The functions' and the stage's access logs.
        ("AWS::Logs::LogGroup", 4),
        // The rule's and one per API method.
        ("AWS::Lambda::Permission", 3),
        ("AWS::Lambda::EventSourceMapping", 1),
        ("AWS::DynamoDB::GlobalTable", 1),
        ("AWS::DynamoDB::Table", 0),
        ("AWS::SQS::Queue", 2),
        ("AWS::SQS::QueuePolicy", 1),
        ("AWS::SNS::Topic", 1),
        ("AWS::SNS::Subscription", 1),
        ("AWS::Events::Rule", 1),
    ] {
        t.resource_count_is(type_name, count)?;
    }
    Ok(())
}

#[test]
fn the_functions_run_the_handler_directory_as_one_zip_asset(
) -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    let dir = stack::handler_dir();
    let mut app = App::new();
    let s = app.stack("Probe", StackProps::default())?;
    let hash = gs_constructs::lambda::Code::from_dir(&dir)
        .bind(&mut app.at(s)?)?
        .asset_hash
        .expect("a directory is an asset");
    let functions = t.find_resources("AWS::Lambda::Function", json!({}));
    assert_eq!(functions.len(), 3);
    for (handler, timeout) in [
        ("orders.api", 10),
        ("orders.worker", 30),
        ("orders.sweep", 60),
    ] {
        t.has_resource_properties(
            "AWS::Lambda::Function",
            json!({
                "Handler": handler,
                "Runtime": "python3.12",
                "Timeout": timeout,
                "Code": {
                    "S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-us-east-1"},
                    "S3Key": format!("{hash}.zip"),
                },
            }),
        )?;
    }
    // The handlers the template names are in the directory.
    let source = std::fs::read_to_string(dir.join("orders.py"))?;
    for name in ["def api(", "def worker(", "def sweep("] {
        assert!(source.contains(name), "orders.py lacks {name}");
    }
    // The stack follows CDK's bootstrap conventions because of the asset.
    t.has_parameter(
        "BootstrapVersion",
        json!({"Default": "/cdk-bootstrap/hnb659fds/version"}),
    )?;
    Ok(())
}

#[test]
fn the_grants_name_the_table_and_the_topic() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    let table = logical_id(&t, "OrdersApp/Orders/Resource");
    let topic = logical_id(&t, "OrdersApp/OrderEvents/Resource");
    let table_arns = json!([
        get_att(&table, "Arn"),
        {"Fn::Join": ["", [get_att(&table, "Arn"), "/index/*"]]},
    ]);
    // The API function reads and writes (grant_read_write_data) and publishes.
    let api_policy = logical_id(&t, "OrdersApp/Api/ServiceRole/DefaultPolicy/Resource");
    let sweeper_policy = logical_id(&t, "OrdersApp/Sweeper/ServiceRole/DefaultPolicy/Resource");
    let policies = t.find_resources("AWS::IAM::Policy", json!({}));
    let statements = |id: &str| -> Vec<Json> {
        policies[id]["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let allows = |id: &str, action: &str, resource: &Json| {
        statements(id).iter().any(|s| {
            s["Effect"] == "Allow"
                && (s["Action"] == action
                    || s["Action"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == action)))
                && (&s["Resource"] == resource)
        })
    };
    assert!(
        allows(&api_policy, "dynamodb:PutItem", &table_arns),
        "{:#?}",
        statements(&api_policy)
    );
    assert!(allows(&api_policy, "dynamodb:GetItem", &table_arns));
    assert!(
        allows(&api_policy, "sns:Publish", &json!({"Ref": topic})),
        "{:#?}",
        statements(&api_policy)
    );
    // The sweeper reads (grant_read_data: no write) and publishes.
    assert!(allows(&sweeper_policy, "dynamodb:Query", &table_arns));
    assert!(!allows(&sweeper_policy, "dynamodb:PutItem", &table_arns));
    assert!(allows(
        &sweeper_policy,
        "sns:Publish",
        &json!({"Ref": topic})
    ));
    // No statement of any function names every resource.
    for (id, policy) in &policies {
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert_ne!(s["Resource"], "*", "{id}: {s}");
        }
    }
    // The functions find the table and the topic through their environment.
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({
            "Handler": "orders.api",
            "Environment": {"Variables": {"TABLE_NAME": {"Ref": table}, "TOPIC_ARN": {"Ref": topic}}},
        }),
    )?;
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({
            "Handler": "orders.sweep",
            "Environment": {"Variables": {"TABLE_NAME": {"Ref": table}, "TOPIC_ARN": {"Ref": topic}, "STALE_AFTER_SECONDS": "600"}},
        }),
    )?;
    Ok(())
}

#[test]
fn the_table_has_point_in_time_recovery_a_replica_and_outlives_the_stack(
) -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    t.has_resource(
        "AWS::DynamoDB::GlobalTable",
        json!({
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}],
                "GlobalSecondaryIndexes": [{
                    "IndexName": "byStatus",
                    "KeySchema": [
                        {"AttributeName": "status", "KeyType": "HASH"},
                        {"AttributeName": "createdAt", "KeyType": "RANGE"},
                    ],
                }],
                "Replicas": Match::array_with(json!([
                    {"Region": "us-west-2", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}},
                ])),
            },
            "DeletionPolicy": "Retain",
        }),
    )?;
    Ok(())
}

#[test]
fn the_topic_feeds_the_queue_the_worker_consumes() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    let topic = logical_id(&t, "OrdersApp/OrderEvents/Resource");
    let queue = logical_id(&t, "OrdersApp/OrderQueue/Resource");
    let dlq = logical_id(&t, "OrdersApp/OrderDeadLetters/Resource");
    let worker = logical_id(&t, "OrdersApp/Worker/Resource");
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({
            "VisibilityTimeout": 180,
            "SqsManagedSseEnabled": true,
            "RedrivePolicy": {"deadLetterTargetArn": get_att(&dlq, "Arn"), "maxReceiveCount": 5},
        }),
    )?;
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"MessageRetentionPeriod": 1_209_600, "RedrivePolicy": Match::absent()}),
    )?;
    t.has_resource_properties(
        "AWS::SNS::Subscription",
        json!({
            "Protocol": "sqs",
            "TopicArn": {"Ref": topic},
            "Endpoint": get_att(&queue, "Arn"),
            "RawMessageDelivery": true,
        }),
    )?;
    t.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        json!({
            "Queues": [{"Ref": queue}],
            "PolicyDocument": {"Statement": [{
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": get_att(&queue, "Arn"),
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": topic}}},
            }]},
        }),
    )?;
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({
            "EventSourceArn": get_att(&queue, "Arn"),
            "FunctionName": {"Ref": worker},
            "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        }),
    )?;
    // The worker's role may poll the queue (the event source's grant).
    let policy = logical_id(&t, "OrdersApp/Worker/ServiceRole/DefaultPolicy/Resource");
    let polls = t.find_resources(
        "AWS::IAM::Policy",
        json!({"Properties": {"PolicyDocument": {"Statement": Match::array_with(json!([
            Match::object_like(json!({
                "Action": Match::array_with(json!(["sqs:ReceiveMessage", "sqs:DeleteMessage"])),
                "Resource": get_att(&queue, "Arn"),
            })),
        ]))}}}),
    );
    assert_eq!(polls.keys().copied().collect::<Vec<_>>(), [policy.as_str()]);
    Ok(())
}

#[test]
fn the_schedule_and_the_api_invoke_the_functions_they_are_allowed_to(
) -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    let sweeper = logical_id(&t, "OrdersApp/Sweeper/Resource");
    let api_fn = logical_id(&t, "OrdersApp/Api/Resource");
    let rule = logical_id(&t, "OrdersApp/SweepSchedule/Resource");
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({
            "ScheduleExpression": "rate(5 minutes)",
            "State": "ENABLED",
            "Targets": [{"Arn": get_att(&sweeper, "Arn"), "Id": "Target0"}],
        }),
    )?;
    t.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({
            "FunctionName": get_att(&sweeper, "Arn"),
            "Principal": "events.amazonaws.com",
            "SourceArn": get_att(&rule, "Arn"),
        }),
    )?;
    // Each method calls the API function as a Lambda proxy, and may: one permission per
    // method, scoped to the stage, the verb and the path.
    let api = logical_id(&t, "OrdersApp/OrdersApi/Resource");
    let stage = logical_id(&t, "OrdersApp/OrdersApi/DeploymentStage.prod/Resource");
    for (method, tail) in [
        (
            "OrdersApp/OrdersApi/Default/orders/POST/Resource",
            "/POST/orders",
        ),
        (
            "OrdersApp/OrdersApi/Default/orders/{orderId}/GET/Resource",
            "/GET/orders/*",
        ),
    ] {
        let id = logical_id(&t, method);
        let m = &t.to_json()["Resources"][&id]["Properties"];
        assert_eq!(m["AuthorizationType"], "AWS_IAM");
        assert_eq!(m["Integration"]["Type"], "AWS_PROXY");
        assert_eq!(
            m["Integration"]["Uri"]["Fn::Join"][1][5],
            get_att(&api_fn, "Arn"),
            "{m}"
        );
        t.has_resource_properties(
            "AWS::Lambda::Permission",
            json!({
                "FunctionName": get_att(&api_fn, "Arn"),
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {"Fn::Join": ["", [
                    "arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":",
                    {"Ref": "AWS::AccountId"}, ":", {"Ref": api}, "/", {"Ref": stage}, tail
                ]]},
            }),
        )?;
    }
    t.has_output(
        "ApiUrl",
        json!({"Value": {"Fn::Join": ["", ["https://", {"Ref": api}, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/", {"Ref": stage}, "/"]]}}),
    )?;
    Ok(())
}

/// The rows of the DR report, by (construct path, scope).
fn dr_rows(app: &App) -> Vec<(String, FailureScope, Verdict, Option<String>)> {
    DrReport::of(app)
        .rows
        .into_iter()
        .map(|r| (r.path, r.scope, r.verdict, r.override_reason))
        .collect()
}

#[test]
fn the_dr_objectives_are_met_or_overridden_with_a_reason() {
    let (app, _) = synth(&Config::default(), "");
    let rows = dr_rows(&app);
    // Table (3 scopes), two queues (3 each), three functions (3 each).
    assert_eq!(rows.len(), 18, "{rows:#?}");
    for (path, scope, verdict, reason) in &rows {
        match path.as_str() {
            "OrdersApp/OrderQueue" | "OrdersApp/OrderDeadLetters" => {
                let reason = reason.as_deref().unwrap_or_default();
                assert!(reason.contains("sweeper"), "{path} {scope:?}: {reason}");
                let expected = if *scope == FailureScope::AzLoss {
                    Verdict::Met
                } else {
                    Verdict::NoObjective
                };
                assert_eq!(*verdict, expected, "{path} {scope:?}");
            }
            _ => {
                assert_eq!(*verdict, Verdict::Met, "{path} {scope:?}");
                assert_eq!(*reason, None, "{path} {scope:?}");
            }
        }
    }
}

#[test]
fn a_single_region_deployment_is_a_regional_table_whose_region_loss_is_overridden(
) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config {
        dr_region: None,
        ..Config::default()
    };
    let (app, t) = synth(&config, "-single-region");
    t.resource_count_is("AWS::DynamoDB::GlobalTable", 0)?;
    t.has_resource(
        "AWS::DynamoDB::Table",
        json!({
            "Properties": {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}},
            "DeletionPolicy": "Retain",
        }),
    )?;
    let rows = dr_rows(&app);
    let table: Vec<_> = rows.iter().filter(|r| r.0 == "OrdersApp/Orders").collect();
    assert_eq!(table.len(), 3, "{rows:#?}");
    for (_, scope, verdict, reason) in table {
        if *scope == FailureScope::RegionLoss {
            assert_eq!(*verdict, Verdict::NoObjective);
            assert!(reason
                .as_deref()
                .is_some_and(|r| r.contains("DR_REGION=none")));
        } else {
            assert_eq!(*verdict, Verdict::Met, "{scope:?}");
        }
    }
    Ok(())
}

#[test]
fn the_configuration_refuses_what_is_not_a_region() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Config::from_env(env(&[])), Ok(Config::default()));
    assert_eq!(
        Config::from_env(env(&[("DR_REGION", "none")])).map(|c| c.dr_region),
        Ok(None)
    );
    let err = Config::from_env(env(&[("DR_REGION", "west")])).unwrap_err();
    assert!(
        err.contains("DR_REGION `west` is not a Region name"),
        "{err}"
    );
    let err = Config::from_env(env(&[
        ("AWS_REGION", "eu-west-1"),
        ("DR_REGION", "eu-west-1"),
    ]))
    .unwrap_err();
    assert!(err.contains("is the stack's Region"), "{err}");
}
