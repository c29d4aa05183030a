//! Running the AWS CDK CLI and boto3 against moto's server on 127.0.0.1, for the deploy tests
//! that include it (`#[path = "support/moto.rs"] mod moto;`): the same helpers as
//! `deploy_assets_moto.rs`.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output as ProcessOutput, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The Region the deploy tests use.
pub const REGION: &str = "us-east-1";
/// moto's default account.
pub const ACCOUNT: &str = "123456789012";

/// Kills and reaps the moto server however the test ends.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The workspace's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The CDK CLI, or a failure that says how to install it.
pub fn cdk_cli() -> PathBuf {
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

pub fn start_moto(port: u16, log: &Path) -> Server {
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
pub fn aws_env(c: &mut Command, port: u16) -> &mut Command {
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
pub fn cdk_run(cli: &Path, port: u16, dir: Option<&Path>, args: &[&str]) -> (bool, String) {
    let mut c = Command::new(cli);
    c.args(args);
    if let Some(dir) = dir {
        c.arg("--app").arg(dir);
    }
    c.args(["--no-notices", "--no-version-reporting", "--ci"]);
    let out = aws_env(&mut c, port).output().expect("run the CDK CLI");
    (out.status.success(), text(&out))
}

pub fn text(out: &ProcessOutput) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs a boto3 script against moto; it prints JSON.
pub fn boto3(port: u16, script: &str, args: &[&str]) -> Json {
    let mut c = Command::new("python3");
    c.args(["-c", script]).args(args);
    let out = aws_env(&mut c, port).output().expect("run python3");
    assert!(out.status.success(), "boto3 failed:\n{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("boto3 printed JSON")
}
