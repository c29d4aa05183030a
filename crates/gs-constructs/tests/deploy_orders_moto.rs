//! The orders example deploys through the pinned AWS CDK CLI into moto (5.2) on 127.0.0.1, as
//! far as moto emulates it: `cdk bootstrap`, then `cdk deploy --method=direct`.
//!
//! What moto cannot do, checked rather than skipped:
//! - **The example as configured by default** (the table with a replica in `us-west-2`, an
//!   `AWS::DynamoDB::GlobalTable`): the CLI builds and uploads the zip asset and the template,
//!   then moto refuses `CreateStack` with `ValidationError: Template error: instance of
//!   Fn::GetAtt references undefined resource <table>`. moto's CloudFormation has no model for
//!   `AWS::DynamoDB::GlobalTable`: it skips such a resource, and then fails on the first
//!   `Fn::GetAtt` of it (the grants' `Arn`). moto keeps the stack `CREATE_IN_PROGRESS`; the
//!   test deletes it.
//! - **The single-Region configuration** (`DR_REGION=none`: an `AWS::DynamoDB::Table` with
//!   point-in-time recovery) reaches `CREATE_COMPLETE`. Its functions (code = the uploaded
//!   zip), roles, log groups, table (with the index), queues (with the redrive policy), topic,
//!   event source mapping, schedule rule (with its target) and Lambda permissions exist in moto
//!   as the template says. The table's point-in-time recovery does not: moto's table model
//!   ignores `PointInTimeRecoverySpecification` (`describe_continuous_backups` says
//!   `DISABLED`), which the test asserts. The REST API, its resources, its two Lambda proxy
//!   methods and deployment, and the two method-scoped permissions on the API function exist.
//!   Four types moto's CloudFormation does not emulate are accepted and not created (moto lists
//!   them with an empty logical ID): `AWS::ApiGateway::Stage`, `AWS::ApiGateway::Account`,
//!   `AWS::SNS::Subscription` and `AWS::SQS::QueuePolicy`. The test asserts exactly those are
//!   missing, and that the topic has no subscription in moto.
//!
//! Needs moto's server with boto3 and the pinned CDK CLI, as `deploy_moto.rs` (which says how to
//! install them); when either is missing the test fails saying so, it never skips.

mod support;

#[allow(dead_code)]
#[path = "../../../examples/orders/stack.rs"]
mod stack;

#[path = "support/moto.rs"]
mod moto;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};

use moto::{cdk_cli, root, Host, Moto, ACCOUNT, REGION};

/// The types moto 5.2's CloudFormation has no model for: a stack accepts them and creates
/// nothing.
const NOT_EMULATED: &[&str] = &[
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Account",
    "AWS::SNS::Subscription",
    "AWS::SQS::QueuePolicy",
];

/// Synthesizes the example as `config` says into `dir`; returns its template and asset hash.
fn assemble(config: &stack::Config, dir: &Path) -> (Json, String) {
    let app = stack::build_with(config).expect("the example builds");
    app.synth(&CfnBackend::default())
        .unwrap_or_else(|e| panic!("synthesis failed:\n{e}"))
        .write_to(dir)
        .expect("write the assembly");
    let template: Json = serde_json::from_slice(
        &std::fs::read(dir.join(format!("{}.template.json", stack::STACK))).expect("template"),
    )
    .expect("template is JSON");
    let hash = template["Resources"]
        .as_object()
        .and_then(|r| {
            r.values()
                .find(|r| r["Type"] == "AWS::Lambda::Function")
                .and_then(|f| f["Properties"]["Code"]["S3Key"].as_str())
        })
        .and_then(|k| k.strip_suffix(".zip"))
        .expect("a function whose code is a zip asset")
        .to_string();
    (template, hash)
}

/// The stacks, the assets bucket's objects and, for a created stack, its resources and what moto
/// holds of each service.
const OBSERVE: &str = r#"
import base64, json, sys, boto3
account, region, stack = sys.argv[1], sys.argv[2], sys.argv[3]
cfn = boto3.client("cloudformation")
stacks = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}
s3 = boto3.client("s3")
bucket = f"cdk-hnb659fds-assets-{account}-{region}"
objects = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
out = {"stacks": stacks, "objects": objects}
if stacks.get(stack) == "CREATE_COMPLETE":
    summaries = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    out["resources"] = {r["LogicalResourceId"]: r.get("PhysicalResourceId", "") for r in summaries if r["LogicalResourceId"]}
    out["unnamed"] = len([r for r in summaries if not r["LogicalResourceId"]])
    out["outputs"] = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}
    phys = out["resources"]
    ids = json.loads(sys.argv[4])
    ddb = boto3.client("dynamodb")
    table = ddb.describe_table(TableName=phys[ids["table"]])["Table"]
    out["table"] = {
        "billing": table.get("BillingModeSummary", {}).get("BillingMode"),
        "indexes": [i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])],
        "pitr": ddb.describe_continuous_backups(TableName=phys[ids["table"]])["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
    }
    lam = boto3.client("lambda")
    out["functions"] = {}
    for name in ["api", "worker", "sweeper"]:
        c = lam.get_function(FunctionName=phys[ids[name]])["Configuration"]
        out["functions"][name] = {
            "arn": c["FunctionArn"], "handler": c["Handler"], "runtime": c["Runtime"],
            "timeout": c["Timeout"], "role": c["Role"],
            "sha256": base64.b64decode(c["CodeSha256"]).hex(), "size": c["CodeSize"],
            "env": c.get("Environment", {}).get("Variables", {}),
        }
    out["mappings"] = [
        {"source": m["EventSourceArn"], "function": m["FunctionArn"], "batch": m.get("BatchSize"),
         "types": m.get("FunctionResponseTypes", [])}
        for m in lam.list_event_source_mappings(FunctionName=phys[ids["worker"]])["EventSourceMappings"]
    ]
    policy = json.loads(lam.get_policy(FunctionName=phys[ids["sweeper"]])["Policy"])
    out["sweeper_permissions"] = [
        {"principal": s["Principal"], "source": s.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")}
        for s in policy["Statement"]
    ]
    sqs = boto3.client("sqs")
    attrs = lambda url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    queue, dlq = attrs(phys[ids["queue"]]), attrs(phys[ids["dlq"]])
    out["queue"] = {"arn": queue["QueueArn"], "visibility": queue["VisibilityTimeout"], "redrive": json.loads(queue.get("RedrivePolicy", "{}")),
                    "sse": queue.get("SqsManagedSseEnabled")}
    out["dlq"] = {"arn": dlq["QueueArn"], "retention": dlq["MessageRetentionPeriod"]}
    events = boto3.client("events")
    rule = events.describe_rule(Name=phys[ids["rule"]])
    out["rule"] = {"arn": rule["Arn"], "schedule": rule.get("ScheduleExpression"), "state": rule["State"],
                   "targets": [t["Arn"] for t in events.list_targets_by_rule(Rule=phys[ids["rule"]])["Targets"]]}
    apigw = boto3.client("apigateway")
    resources = apigw.get_resources(restApiId=phys[ids["rest_api"]], embed=["methods"])["items"]
    out["rest_api"] = sorted(
        [r["path"], verb, m.get("methodIntegration", {}).get("type"), m.get("methodIntegration", {}).get("uri", "")]
        for r in resources for verb, m in r.get("resourceMethods", {}).items()
    )
    policy = json.loads(lam.get_policy(FunctionName=phys[ids["api"]])["Policy"])
    out["api_permissions"] = sorted(
        s.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn", "") for s in policy["Statement"]
        if s["Principal"] == {"Service": "apigateway.amazonaws.com"}
    )
    sns = boto3.client("sns")
    out["subscriptions"] = sns.list_subscriptions_by_topic(TopicArn=phys[ids["topic"]])["Subscriptions"]
print(json.dumps(out))
"#;

/// Deletes a stack.
const DELETE: &str = r#"
import json, sys, boto3
boto3.client("cloudformation").delete_stack(StackName=sys.argv[1])
print(json.dumps(None))
"#;

/// The logical IDs of the constructs the observation reads.
fn ids(template: &Json) -> Json {
    let at = |path: &str| -> String {
        template["Resources"]
            .as_object()
            .and_then(|m| {
                m.iter()
                    .find(|(_, r)| r["Metadata"]["aws:cdk:path"] == path)
                    .map(|(k, _)| k.clone())
            })
            .unwrap_or_else(|| panic!("no resource at {path}"))
    };
    json!({
        "table": at("OrdersApp/Orders/Resource"),
        "api": at("OrdersApp/Api/Resource"),
        "worker": at("OrdersApp/Worker/Resource"),
        "sweeper": at("OrdersApp/Sweeper/Resource"),
        "queue": at("OrdersApp/OrderQueue/Resource"),
        "dlq": at("OrdersApp/OrderDeadLetters/Resource"),
        "rule": at("OrdersApp/SweepSchedule/Resource"),
        "topic": at("OrdersApp/OrderEvents/Resource"),
        "rest_api": at("OrdersApp/OrdersApi/Resource"),
    })
}

#[test]
fn the_orders_example_deploys_into_moto_as_far_as_moto_emulates_it() {
    let started = Instant::now();
    let cli = cdk_cli();
    let work = root().join(format!("target/tmp/deploy-orders-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work dir");
    // `localhost`: the stack has assets (see `Host::Localhost`).
    let moto = Moto::start(&work.join("moto.log"), Host::Localhost);

    let replicated = stack::Config::default();
    let single = stack::Config {
        dr_region: None,
        ..stack::Config::default()
    };
    assert_eq!(replicated.region, REGION);
    let (replicated_template, hash) = assemble(&replicated, &work.join("replicated.out"));
    let (template, single_hash) = assemble(&single, &work.join("single.out"));
    assert_eq!(hash, single_hash, "one handler directory, one asset");
    let zip_len = std::fs::metadata(work.join(format!("single.out/asset.{hash}.zip")))
        .expect("the asset's zip")
        .len();
    let observe = |template: &Json| {
        moto.boto3(
            OBSERVE,
            &[ACCOUNT, REGION, stack::STACK, &ids(template).to_string()],
        )
    };

    // 1. cdk bootstrap.
    let (ok, out) = moto.cdk(
        &cli,
        None,
        &["bootstrap", &format!("aws://{ACCOUNT}/{REGION}")],
    );
    assert!(ok, "cdk bootstrap failed:\n{out}");

    // 2. The default configuration: assets published, then moto refuses the global table.
    let (ok, out) = moto.deploy(&cli, &work.join("replicated.out"), stack::STACK);
    let seen = observe(&replicated_template);
    let table = ids(&replicated_template)["table"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !ok && out.contains(&format!(
            "ValidationError: Template error: instance of Fn::GetAtt references undefined resource {table}"
        )),
        "moto was expected to refuse the AWS::DynamoDB::GlobalTable (has moto learnt it? then assert the deployed stack instead):\n{out}\nmoto holds {seen}"
    );
    // moto keeps the refused stack, `CREATE_IN_PROGRESS` for good (CloudFormation would roll
    // it back); it is deleted before the next deploy, which would otherwise wait on it.
    assert_eq!(seen["stacks"][stack::STACK], "CREATE_IN_PROGRESS", "{seen}");
    assert_eq!(seen["objects"][format!("{hash}.zip")], zip_len, "{seen}");
    moto.boto3(DELETE, &[stack::STACK]);

    // 3. The single-Region configuration deploys.
    let (ok, out) = moto.deploy(&cli, &work.join("single.out"), stack::STACK);
    let seen = observe(&template);
    assert!(ok, "cdk deploy failed:\n{out}\nmoto holds {seen}");
    assert_eq!(seen["stacks"][stack::STACK], "CREATE_COMPLETE", "{seen}");

    // Every resource of an emulated type exists; exactly the others are missing.
    let resources = template["Resources"].as_object().expect("resources");
    let by_type: BTreeMap<&str, &str> = resources
        .iter()
        .map(|(id, r)| (id.as_str(), r["Type"].as_str().unwrap_or_default()))
        .collect();
    let skipped = by_type
        .values()
        .filter(|t| NOT_EMULATED.contains(t))
        .count();
    assert_eq!(skipped, 4, "{by_type:#?}");
    assert_eq!(seen["unnamed"], skipped, "{seen}");
    for (id, type_name) in &by_type {
        let listed = seen["resources"].get(*id).is_some();
        assert_eq!(
            listed,
            !NOT_EMULATED.contains(type_name),
            "{id} ({type_name}) in moto: {listed}\n{seen}"
        );
    }

    // The table: on demand, with its index. Its point-in-time recovery is in the template
    // (`tests/orders.rs` checks it) but moto's `AWS::DynamoDB::Table` model does not read
    // `PointInTimeRecoverySpecification`, so moto reports it disabled.
    assert_eq!(
        seen["table"],
        json!({"billing": "PAY_PER_REQUEST", "indexes": ["byStatus"], "pitr": "DISABLED"}),
        "{seen}"
    );
    assert_eq!(
        template["Resources"][ids(&template)["table"].as_str().unwrap_or_default()]["Properties"]
            ["PointInTimeRecoverySpecification"],
        json!({"PointInTimeRecoveryEnabled": true})
    );
    // The functions: the uploaded zip, their handlers, the table's name.
    let table_name = &seen["resources"][ids(&template)["table"].as_str().unwrap_or_default()];
    for (name, handler, timeout) in [
        ("api", "orders.api", 10),
        ("worker", "orders.worker", 30),
        ("sweeper", "orders.sweep", 60),
    ] {
        let f = &seen["functions"][name];
        assert_eq!(f["sha256"], hash, "{name}: {seen}");
        assert_eq!(f["size"], zip_len, "{name}: {seen}");
        assert_eq!(f["handler"], handler, "{name}: {seen}");
        assert_eq!(f["runtime"], "python3.12", "{name}: {seen}");
        assert_eq!(f["timeout"], timeout, "{name}: {seen}");
        assert_eq!(&f["env"]["TABLE_NAME"], table_name, "{name}: {seen}");
    }
    // The worker polls the queue; the queue dead-letters after five receives.
    let redrive = &seen["queue"]["redrive"];
    assert_eq!(redrive["deadLetterTargetArn"], seen["dlq"]["arn"], "{seen}");
    assert_eq!(redrive["maxReceiveCount"].as_i64(), Some(5), "{seen}");
    assert_eq!(seen["queue"]["visibility"], "180", "{seen}");
    assert_eq!(seen["dlq"]["retention"], "1209600", "{seen}");
    let mappings = seen["mappings"].as_array().expect("mappings");
    assert_eq!(mappings.len(), 1, "{seen}");
    assert_eq!(mappings[0]["function"], seen["functions"]["worker"]["arn"]);
    assert_eq!(mappings[0]["source"], seen["queue"]["arn"], "{seen}");
    assert_eq!(mappings[0]["batch"], 10, "{seen}");
    assert_eq!(
        mappings[0]["types"],
        json!(["ReportBatchItemFailures"]),
        "{seen}"
    );
    // The schedule runs the sweeper, which lets it.
    assert_eq!(seen["rule"]["schedule"], "rate(5 minutes)", "{seen}");
    assert_eq!(seen["rule"]["state"], "ENABLED", "{seen}");
    assert_eq!(
        seen["rule"]["targets"],
        json!([seen["functions"]["sweeper"]["arn"]]),
        "{seen}"
    );
    assert!(
        seen["sweeper_permissions"]
            .as_array()
            .is_some_and(|p| p.iter().any(|s| s["principal"]
                == json!({"Service": "events.amazonaws.com"})
                && s["source"] == seen["rule"]["arn"])),
        "{seen}"
    );
    // The REST API: both methods call the API function as a Lambda proxy, which lets API
    // Gateway invoke it for each. Not emulated: the stage (so the deployment serves no stage in
    // moto) and the account's CloudWatch role setting.
    let api_arn = seen["functions"]["api"]["arn"].as_str().unwrap_or_default();
    let uri = format!(
        "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{api_arn}/invocations"
    );
    assert_eq!(
        seen["rest_api"],
        json!([
            ["/orders", "POST", "AWS_PROXY", uri],
            ["/orders/{orderId}", "GET", "AWS_PROXY", uri]
        ]),
        "{seen}"
    );
    let permissions = seen["api_permissions"].as_array().expect("permissions");
    assert_eq!(permissions.len(), 2, "{seen}");
    let rest_api_id = &seen["resources"][ids(&template)["rest_api"].as_str().unwrap_or_default()];
    for (p, tail) in permissions.iter().zip(["/GET/orders/*", "/POST/orders"]) {
        let p = p.as_str().unwrap_or_default();
        assert!(
            p.starts_with(&format!(
                "arn:aws:execute-api:{REGION}:{ACCOUNT}:{}/",
                rest_api_id.as_str().unwrap_or_default()
            )) && p.ends_with(tail),
            "{p}: {seen}"
        );
    }
    // Not emulated: the topic's subscription (and the queue policy) are not created.
    assert_eq!(seen["subscriptions"], json!([]), "{seen}");

    let _ = std::fs::remove_dir_all(&work);
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!("deploy orders test: {elapsed:.1} s");
}
