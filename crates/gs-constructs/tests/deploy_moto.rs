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

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output as ProcessOutput, Stdio};
use std::time::{Duration, Instant};

use gs_constructs::prelude::*;
use serde_json::Value as Json;

const STACK: &str = "GsDeploy";
const REGION: &str = "us-east-1";

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
    raw(
        &mut s,
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
    );
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
    c.env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
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

/// Runs the CDK CLI on the assembly in `dir`; fails with its output unless it succeeds.
fn cdk(cli: &Path, port: u16, dir: &Path, args: &[&str]) -> String {
    let mut c = Command::new(cli);
    c.args(args)
        .arg("--app")
        .arg(dir)
        .args(["--no-notices", "--no-version-reporting", "--ci"]);
    let out = aws_env(&mut c, port).output().expect("run the CDK CLI");
    let text = text(&out);
    assert!(out.status.success(), "cdk {args:?} failed:\n{text}");
    text
}

fn text(out: &ProcessOutput) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// What moto holds now: the stacks that are not deleted, with their status, the stack's
/// resources, and the queues' visibility timeouts, read with boto3.
fn observe(port: u16) -> Json {
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
    let mut c = Command::new("python3");
    c.args(["-c", SCRIPT]);
    let out = aws_env(&mut c, port).output().expect("run python3");
    assert!(out.status.success(), "boto3 query failed:\n{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("boto3 query printed JSON")
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
    let port = free_port();
    let _server = start_moto(port, &work.join("moto.log"));

    // Create.
    let v1 = work.join("v1");
    assembly(&app(false), &v1, "deploy_moto_v1");
    let out = cdk(
        &cli,
        port,
        &v1,
        &[
            "deploy",
            "--require-approval",
            "never",
            "--method=direct",
            STACK,
        ],
    );
    let seen = observe(port);
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
    let out = cdk(
        &cli,
        port,
        &v2,
        &[
            "deploy",
            "--require-approval",
            "never",
            "--method=direct",
            STACK,
        ],
    );
    let seen = observe(port);
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
    let out = cdk(&cli, port, &v2, &["destroy", "--force", STACK]);
    let seen = observe(port);
    assert!(
        seen["stacks"].as_object().unwrap().is_empty(),
        "{out}\n{seen}"
    );
    assert!(seen["queues"].as_object().unwrap().is_empty(), "{seen}");

    let _ = std::fs::remove_dir_all(&work);
    eprintln!("deploy test: {:.1} s", started.elapsed().as_secs_f64());
}
