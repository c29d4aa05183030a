//! A stack with a zip asset deploys through the AWS CDK CLI into moto on 127.0.0.1: `cdk
//! bootstrap`, then `cdk deploy` uploads the zip (and the template) to the bootstrap bucket and
//! the function's code is that object.
//!
//! Needs moto's server with boto3 and the pinned CDK CLI, as `deploy_moto.rs` (which says how to
//! install them); when either is missing the test fails saying so, it never skips.

mod support;

#[path = "support/moto.rs"]
mod moto;

use std::path::Path;
use std::time::Instant;

use gs_constructs::lambda::Code;
use gs_constructs::prelude::*;

use moto::{cdk_cli, root, Host, Moto, ACCOUNT, REGION};

const STACK: &str = "GsAssets";

/// A role and a function whose code is the directory `handler`.
fn app(handler: &Path) -> (App, String) {
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
    let role = s
        .resource::<RawResource>("Role", support::raw_lambda_role())
        .unwrap();
    let mut f = s.group("Handler").unwrap();
    let code = Code::from_dir(handler).bind(&mut f).unwrap();
    f.resource::<RawResource>(
        "Resource",
        Resource::new("AWS::Lambda::Function")
            .property("Code", code.code)
            .property("Handler", "index.handler")
            .property("Runtime", "python3.12")
            .property("Role", Value::GetAtt(role.node(), "Arn".into())),
    )
    .unwrap();
    (app, code.asset_hash.unwrap())
}

/// The bootstrap stack, the assets bucket's objects, the version parameter, the deployed stack
/// and its function's code.
const OBSERVE: &str = r#"
import base64, json, sys, boto3
account, region, stack = sys.argv[1], sys.argv[2], sys.argv[3]
cfn = boto3.client("cloudformation")
stacks = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}
bucket = f"cdk-hnb659fds-assets-{account}-{region}"
s3 = boto3.client("s3")
try:
    objects = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
except Exception as e:
    objects = {"error": str(e)}
try:
    version = boto3.client("ssm").get_parameter(Name="/cdk-bootstrap/hnb659fds/version")["Parameter"]["Value"]
except Exception as e:
    version = None
function = None
if stacks.get(stack, "").endswith("_COMPLETE"):
    template = cfn.get_template(StackName=stack)["TemplateBody"]
    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    name = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Lambda::Function"]
    if name:
        f = boto3.client("lambda").get_function(FunctionName=name[0])
        function = {"sha256": base64.b64decode(f["Configuration"]["CodeSha256"]).hex(),
                    "size": f["Configuration"]["CodeSize"],
                    "template_code": [r["Properties"]["Code"] for r in template["Resources"].values()
                                      if r["Type"] == "AWS::Lambda::Function"][0]}
print(json.dumps({"stacks": stacks, "objects": objects, "version": version, "function": function}))
"#;

#[test]
fn a_stack_with_a_zip_asset_bootstraps_and_deploys_with_the_cdk_cli() {
    let started = Instant::now();
    let cli = cdk_cli();
    let work = root().join(format!("target/tmp/deploy-assets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("handler")).expect("work dir");
    std::fs::write(
        work.join("handler/index.py"),
        "def handler(event, context):\n    return 'ok'\n",
    )
    .unwrap();
    // `localhost`: the stack has assets (see `Host::Localhost`).
    let moto = Moto::start(&work.join("moto.log"), Host::Localhost);

    let (app, hash) = app(&work.join("handler"));
    support::synth(&app, "deploy_assets_moto");
    let assembly = work.join("cdk.out");
    app.synth(&CfnBackend::default())
        .unwrap_or_else(|e| panic!("synthesis failed:\n{e}"))
        .write_to(&assembly)
        .expect("write the assembly");
    let zip = std::fs::read(assembly.join(format!("asset.{hash}.zip"))).unwrap();

    // 1. cdk bootstrap.
    let (bootstrapped, out) = moto.cdk(
        &cli,
        None,
        &["bootstrap", &format!("aws://{ACCOUNT}/{REGION}")],
    );
    let seen = moto.boto3(OBSERVE, &[ACCOUNT, REGION, STACK]);
    assert!(
        bootstrapped,
        "cdk bootstrap failed:\n{out}\nmoto holds {seen}"
    );
    assert_eq!(seen["stacks"]["CDKToolkit"], "CREATE_COMPLETE", "{seen}");
    let version: u32 = seen["version"].as_str().unwrap_or("0").parse().unwrap_or(0);
    assert!(version >= 6, "the bootstrap version parameter: {seen}");
    assert_eq!(seen["objects"], serde_json::json!({}), "{seen}");

    // 2. cdk deploy: uploads the zip and the template, then creates the stack.
    let (deployed, out) = moto.deploy(&cli, &assembly, STACK);
    let seen = moto.boto3(OBSERVE, &[ACCOUNT, REGION, STACK]);
    assert!(deployed, "cdk deploy failed:\n{out}\nmoto holds {seen}");
    assert_eq!(seen["stacks"][STACK], "CREATE_COMPLETE", "{out}\n{seen}");
    // 3. The zip is in the assets bucket under its hash, byte for byte as gs wrote it...
    assert_eq!(seen["objects"][format!("{hash}.zip")], zip.len(), "{seen}");
    // 4. ...and the function's code is that object.
    let function = &seen["function"];
    assert_eq!(
        function["template_code"]["S3Key"],
        format!("{hash}.zip"),
        "{seen}"
    );
    assert_eq!(function["sha256"], hash, "{seen}");
    assert_eq!(function["size"], zip.len(), "{seen}");

    let _ = std::fs::remove_dir_all(&work);
    eprintln!(
        "deploy assets test: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
