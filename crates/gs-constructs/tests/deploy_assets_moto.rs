//! A stack with a zip asset deploys through the AWS CDK CLI into moto on 127.0.0.1: `cdk
//! bootstrap`, then `cdk deploy` uploads the zip (and the template) to the bootstrap bucket and
//! the function's code is that object.
//!
//! Needs moto's server with boto3 and the pinned CDK CLI, as `deploy_moto.rs` (which says how to
//! install them); when either is missing the test fails saying so, it never skips.

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output as ProcessOutput, Stdio};
use std::time::{Duration, Instant};

use gs_constructs::lambda::Code;
use gs_constructs::prelude::*;
use serde_json::Value as Json;

const STACK: &str = "GsAssets";
const REGION: &str = "us-east-1";
/// moto's default account.
const ACCOUNT: &str = "123456789012";

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
        .resource::<RawResource>(
            "Role",
            Resource::new("AWS::IAM::Role").property(
                "AssumeRolePolicyDocument",
                ValueMap::new().with("Version", "2012-10-17").with(
                    "Statement",
                    Value::List(vec![Value::Map(
                        ValueMap::new()
                            .with("Effect", "Allow")
                            .with("Action", "sts:AssumeRole")
                            .with(
                                "Principal",
                                ValueMap::new().with("Service", "lambda.amazonaws.com"),
                            ),
                    )]),
                ),
            ),
        )
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

/// Kills and reaps the moto server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The CDK CLI, or a failure that says how to install it.
fn cdk_cli() -> PathBuf {
    let cli = std::env::var_os("GS_CDK_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/cdk-cli/node_modules/.bin/cdk"));
    if !cli.exists() {
        panic!(
            "the AWS CDK CLI is not installed at {}: install it with \
             `npm install --prefix target/cdk-cli aws-cdk@2.1148.1` from the workspace root \
             (or set GS_CDK_CLI to a cdk 2.x executable); .ci/run does this",
            cli.display()
        );
    }
    cli
}

/// How to start moto's server: `moto_server`, else `python3 -m moto.server`; or a failure that
/// says how to install it.
fn moto_command() -> Command {
    let has = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has("python3", &["-c", "import boto3"]) {
        panic!(
            "python3 cannot import boto3, which this test reads moto with: install moto's server \
             and boto3 with `python3 -m pip install \"moto[server]\"`; .ci/run does this"
        );
    }
    if has("moto_server", &["--help"]) {
        Command::new("moto_server")
    } else if has("python3", &["-c", "import moto.server"]) {
        let mut c = Command::new("python3");
        c.args(["-m", "moto.server"]);
        c
    } else {
        panic!(
            "moto's server is not installed: install it with \
             `python3 -m pip install \"moto[server]\"`; .ci/run does this"
        );
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn start_moto(port: u16, log: &Path) -> Server {
    let log = std::fs::File::create(log).expect("moto log file");
    let child = moto_command()
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(log.try_clone().expect("moto log file"))
        .stderr(log)
        .spawn()
        .expect("start moto's server");
    let server = Server(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let start = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "moto's server did not listen on {addr} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// The environment that points the CLI and boto3 at moto, with dummy credentials.
fn aws_env(c: &mut Command, port: u16) -> &mut Command {
    // `localhost`, not `127.0.0.1` (the server listens on 127.0.0.1 either way): the CLI
    // deploys a stack with assets from a template URL in the assets bucket, which it spells
    // with the endpoint (`http://127.0.0.1:<port>/<bucket>/<key>`), and moto 5.2's
    // CloudFormation reads a path-style template URL only from `amazonaws.com` or a host
    // containing `localhost`: otherwise it takes `127` for the bucket (`NoSuchBucket: The
    // specified bucket does not exist`).
    c.env("AWS_ENDPOINT_URL", format!("http://localhost:{port}"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        // No config or credentials file of the machine is read.
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("CDK_DISABLE_CLI_TELEMETRY", "true")
}
/// Runs the CDK CLI on the assembly in `dir` (or with no app when `dir` is `None`).
fn cdk_run(cli: &Path, port: u16, dir: Option<&Path>, args: &[&str]) -> (bool, String) {
    let mut c = Command::new(cli);
    c.args(args);
    if let Some(dir) = dir {
        c.arg("--app").arg(dir);
    }
    c.args(["--no-notices", "--no-version-reporting", "--ci"]);
    let out = aws_env(&mut c, port).output().expect("run the CDK CLI");
    (out.status.success(), text(&out))
}

fn text(out: &ProcessOutput) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs a boto3 script against moto; it prints JSON.
fn boto3(port: u16, script: &str, args: &[&str]) -> Json {
    let mut c = Command::new("python3");
    c.args(["-c", script]).args(args);
    let out = aws_env(&mut c, port).output().expect("run python3");
    assert!(out.status.success(), "boto3 failed:\n{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("boto3 printed JSON")
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
    let port = free_port();
    let _server = start_moto(port, &work.join("moto.log"));

    let (app, hash) = app(&work.join("handler"));
    support::synth(&app, "deploy_assets_moto");
    let assembly = work.join("cdk.out");
    app.synth(&CfnBackend::default())
        .unwrap_or_else(|e| panic!("synthesis failed:\n{e}"))
        .write_to(&assembly)
        .expect("write the assembly");
    let zip = std::fs::read(assembly.join(format!("asset.{hash}.zip"))).unwrap();

    // 1. cdk bootstrap.
    let (bootstrapped, out) = cdk_run(
        &cli,
        port,
        None,
        &["bootstrap", &format!("aws://{ACCOUNT}/{REGION}")],
    );
    let seen = boto3(port, OBSERVE, &[ACCOUNT, REGION, STACK]);
    assert!(
        bootstrapped,
        "cdk bootstrap failed:\n{out}\nmoto holds {seen}"
    );
    assert_eq!(seen["stacks"]["CDKToolkit"], "CREATE_COMPLETE", "{seen}");
    let version: u32 = seen["version"].as_str().unwrap_or("0").parse().unwrap_or(0);
    assert!(version >= 6, "the bootstrap version parameter: {seen}");
    assert_eq!(seen["objects"], serde_json::json!({}), "{seen}");

    // 2. cdk deploy: uploads the zip and the template, then creates the stack.
    let (deployed, out) = cdk_run(
        &cli,
        port,
        Some(&assembly),
        &[
            "deploy",
            "--require-approval",
            "never",
            "--method=direct",
            STACK,
        ],
    );
    let seen = boto3(port, OBSERVE, &[ACCOUNT, REGION, STACK]);
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
