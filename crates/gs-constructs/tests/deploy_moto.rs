//! A gs cloud assembly deploys, updates and destroys through the AWS CDK CLI, into moto's
//! CloudFormation on 127.0.0.1: no AWS account, no credentials, no bootstrap stack.
//!
//! Needs (CI's `.ci/run` installs both when missing; this test installs nothing):
//! - moto's server: `python3 -m pip install "moto[server]"` (`moto_server`, or
//!   `python3 -m moto.server`), with boto3, which moto brings;
//! - the CDK CLI, pinned: `npm install --prefix target/cdk-cli aws-cdk@2.1148.1` (the registry's
//!   `latest` is a 3.x that refuses this assembly's schema version). `GS_CDK_CLI` may name
//!   another `cdk` executable.
//!
//! When either is missing the test fails, saying how to install it: it never skips.
//!
//! moto 5.2 fails to update a stack through a change set (`Stack with id cdk-deploy-change-set
//! does not exist`), so deploys use `--method=direct` (CreateStack, then UpdateStack), which the
//! real service supports as well.

mod support;

#[path = "support/moto.rs"]
mod moto;

use std::path::Path;
use std::time::Instant;

use gs_constructs::prelude::*;
use serde_json::Value as Json;

use moto::{cdk_cli, root, Host, Moto, REGION};

const STACK: &str = "GsDeploy";

/// The app: a queue, a topic, a bucket, a log group and a role. `second` changes the queue's
/// visibility timeout and adds a second queue.
fn app(second: bool) -> App {
    let mut app = App::new();
    let stack = app
        .stack(
            STACK,
            StackProps {
                region: Some(REGION.into()),
                ..StackProps::default()
            },
        )
        .unwrap();
    let mut s = app.at(stack).unwrap();
    let raw =
        |s: &mut Scope<'_>, id: &str, r: Resource| s.resource::<RawResource>(id, r).unwrap().node();
    let timeout = if second { 60 } else { 30 };
    let queue = raw(
        &mut s,
        "Queue",
        Resource::new("AWS::SQS::Queue")
            .property("VisibilityTimeout", timeout)
            .property("SqsManagedSseEnabled", true),
    );
    raw(
        &mut s,
        "Topic",
        Resource::new("AWS::SNS::Topic").property("DisplayName", "gs deploy test"),
    );
    raw(
        &mut s,
        "Bucket",
        Resource::new("AWS::S3::Bucket")
            .property(
                "PublicAccessBlockConfiguration",
                ValueMap::new()
                    .with("BlockPublicAcls", true)
                    .with("BlockPublicPolicy", true)
                    .with("IgnorePublicAcls", true)
                    .with("RestrictPublicBuckets", true),
            )
            .property(
                "BucketEncryption",
                ValueMap::new().with(
                    "ServerSideEncryptionConfiguration",
                    Value::List(vec![Value::Map(ValueMap::new().with(
                        "ServerSideEncryptionByDefault",
                        ValueMap::new().with("SSEAlgorithm", "AES256"),
                    ))]),
                ),
            )
            .removal_policy(RemovalPolicy::Destroy),
    );
    raw(
        &mut s,
        "Logs",
        Resource::new("AWS::Logs::LogGroup")
            .property("RetentionInDays", 7)
            .removal_policy(RemovalPolicy::Destroy),
    );
    raw(&mut s, "Role", support::raw_lambda_role());
    if second {
        raw(
            &mut s,
            "DeadLetters",
            Resource::new("AWS::SQS::Queue").property("SqsManagedSseEnabled", true),
        );
    }
    s.output("QueueUrl", Output::new(Value::Ref(queue)))
        .unwrap();
    app
}

/// Runs the CDK CLI on the assembly in `dir`; fails with its output unless it succeeds.
fn cdk(moto: &Moto, cli: &Path, dir: &Path, args: &[&str]) -> String {
    let (ok, out) = moto.cdk(cli, Some(dir), args);
    assert!(ok, "cdk {args:?} failed:\n{out}");
    out
}

/// `cdk deploy` of the stack from the assembly in `dir`; fails with its output unless it
/// succeeds.
fn deploy(moto: &Moto, cli: &Path, dir: &Path) -> String {
    let (ok, out) = moto.deploy(cli, dir, STACK);
    assert!(ok, "cdk deploy failed:\n{out}");
    out
}

/// What moto holds now: the stacks that are not deleted, with their status, the stack's
/// resources, and the queues' visibility timeouts, read with boto3.
fn observe(moto: &Moto) -> Json {
    const SCRIPT: &str = r#"
import json, boto3
cfn = boto3.client("cloudformation")
stacks = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]
          if s["StackStatus"] != "DELETE_COMPLETE"}
resources = {}
if "GsDeploy" in stacks:
    for r in cfn.list_stack_resources(StackName="GsDeploy")["StackResourceSummaries"]:
        resources[r["LogicalResourceId"]] = [r["ResourceType"], r["ResourceStatus"]]
sqs = boto3.client("sqs")
queues = {u.rsplit("/", 1)[-1]: sqs.get_queue_attributes(QueueUrl=u,
          AttributeNames=["VisibilityTimeout"])["Attributes"]["VisibilityTimeout"]
          for u in sqs.list_queues().get("QueueUrls", [])}
print(json.dumps({"stacks": stacks, "resources": resources, "queues": queues}))
"#;
    moto.boto3(SCRIPT, &[])
}

/// Synthesizes `app` into `dir` (the templates also go to target/cfn-templates for cfn-lint).
fn assembly(app: &App, dir: &Path, test_name: &str) {
    support::synth(app, test_name);
    let out = app
        .synth(&CfnBackend::default())
        .unwrap_or_else(|e| panic!("synthesis failed:\n{e}"));
    out.write_to(dir).expect("write the assembly");
}

#[test]
fn a_gs_assembly_deploys_updates_and_destroys_with_the_cdk_cli() {
    let started = Instant::now();
    let cli = cdk_cli();
    let work = root().join(format!("target/tmp/deploy-moto-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work dir");
    let moto = Moto::start(&work.join("moto.log"), Host::Loopback);

    // Create.
    let v1 = work.join("v1");
    assembly(&app(false), &v1, "deploy_moto_v1");
    let out = deploy(&moto, &cli, &v1);
    let seen = observe(&moto);
    assert_eq!(seen["stacks"][STACK], "CREATE_COMPLETE", "{out}\n{seen}");
    let resources = seen["resources"].as_object().expect("resources");
    assert_eq!(resources.len(), 5, "{seen}");
    for (id, ty) in [
        ("Queue", "AWS::SQS::Queue"),
        ("Topic", "AWS::SNS::Topic"),
        ("Bucket", "AWS::S3::Bucket"),
        ("Logs", "AWS::Logs::LogGroup"),
        ("Role", "AWS::IAM::Role"),
    ] {
        let r = resources
            .iter()
            .find(|(k, _)| k.starts_with(id))
            .unwrap_or_else(|| panic!("no {id} in {seen}"));
        assert_eq!(r.1[0], ty, "{seen}");
        assert_eq!(r.1[1], "CREATE_COMPLETE", "{seen}");
    }
    let timeouts: Vec<&Json> = seen["queues"].as_object().unwrap().values().collect();
    assert_eq!(timeouts, ["30"], "{seen}");

    // Update: a changed property and an added resource.
    let v2 = work.join("v2");
    assembly(&app(true), &v2, "deploy_moto_v2");
    let out = deploy(&moto, &cli, &v2);
    let seen = observe(&moto);
    assert_eq!(seen["stacks"][STACK], "UPDATE_COMPLETE", "{out}\n{seen}");
    assert_eq!(seen["resources"].as_object().unwrap().len(), 6, "{seen}");
    assert!(
        seen["resources"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("DeadLetters")),
        "{seen}"
    );
    let mut timeouts: Vec<&str> = seen["queues"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Json::as_str)
        .collect();
    timeouts.sort_unstable();
    assert_eq!(timeouts, ["30", "60"], "{seen}");

    // Destroy.
    let out = cdk(&moto, &cli, &v2, &["destroy", "--force", STACK]);
    let seen = observe(&moto);
    assert!(
        seen["stacks"].as_object().unwrap().is_empty(),
        "{out}\n{seen}"
    );
    assert!(seen["queues"].as_object().unwrap().is_empty(), "{seen}");

    let _ = std::fs::remove_dir_all(&work);
    eprintln!("deploy test: {:.1} s", started.elapsed().as_secs_f64());
}
