//! Running the AWS CDK CLI and boto3 against moto's server on 127.0.0.1, for the deploy tests
//! (`#[path = "support/moto.rs"] mod moto;`).
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output as ProcessOutput, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

#[path = "cdk_cli.rs"]
mod cdk_cli;

pub use cdk_cli::{cdk_cli, root};

/// The Region the deploy tests use.
pub const REGION: &str = "us-east-1";
/// moto's default account.
pub const ACCOUNT: &str = "123456789012";

/// The host the endpoint URL names; the server listens on 127.0.0.1 either way.
#[derive(Clone, Copy, Debug)]
pub enum Host {
    /// `http://127.0.0.1:<port>`.
    Loopback,
    /// `http://localhost:<port>`, for stacks with assets: the CLI deploys them from a template
    /// URL in the assets bucket, which it spells with the endpoint
    /// (`http://127.0.0.1:<port>/<bucket>/<key>`), and moto 5.2's CloudFormation reads a
    /// path-style template URL only from `amazonaws.com` or a host containing `localhost`:
    /// otherwise it takes `127` for the bucket (`NoSuchBucket: The specified bucket does not
    /// exist`).
    Localhost,
}

/// moto's server on a free port of 127.0.0.1; killed and reaped however the test ends.
pub struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

impl Moto {
    /// Starts moto's server on a free port of 127.0.0.1, logging to `log`, and waits until it
    /// listens; clients reach it through `host`.
    pub fn start(log: &Path, host: Host) -> Moto {
        let port = free_port();
        let log = std::fs::File::create(log).expect("moto log file");
        let child = moto_command()
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(log.try_clone().expect("moto log file"))
            .stderr(log)
            .spawn()
            .expect("start moto's server");
        let host = match host {
            Host::Loopback => "127.0.0.1",
            Host::Localhost => "localhost",
        };
        let server = Moto {
            child,
            endpoint: format!("http://{host}:{port}"),
        };
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
    pub fn env<'c>(&self, c: &'c mut Command) -> &'c mut Command {
        c.env("AWS_ENDPOINT_URL", &self.endpoint)
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

    /// Runs the CDK CLI `cli` on the assembly in `dir` (or with no app when `dir` is `None`);
    /// returns whether it succeeded and its output.
    pub fn cdk(&self, cli: &Path, dir: Option<&Path>, args: &[&str]) -> (bool, String) {
        let mut c = Command::new(cli);
        c.args(args);
        if let Some(dir) = dir {
            c.arg("--app").arg(dir);
        }
        c.args(["--no-notices", "--no-version-reporting", "--ci"]);
        let out = self.env(&mut c).output().expect("run the CDK CLI");
        (out.status.success(), text(&out))
    }

    /// `cdk deploy` of `stack` from the assembly in `dir`, without approval and without a
    /// change set (moto 5.2 fails to update a stack through one: `Stack with id
    /// cdk-deploy-change-set does not exist`; CreateStack then UpdateStack works, on the real
    /// service as well).
    pub fn deploy(&self, cli: &Path, dir: &Path, stack: &str) -> (bool, String) {
        self.cdk(
            cli,
            Some(dir),
            &[
                "deploy",
                "--require-approval",
                "never",
                "--method=direct",
                stack,
            ],
        )
    }

    /// Runs a boto3 script against moto; it prints JSON.
    pub fn boto3(&self, script: &str, args: &[&str]) -> Json {
        let mut c = Command::new("python3");
        c.args(["-c", script]).args(args);
        let out = self.env(&mut c).output().expect("run python3");
        assert!(out.status.success(), "boto3 failed:\n{}", text(&out));
        serde_json::from_slice(&out.stdout).expect("boto3 printed JSON")
    }
}

/// A process's stdout then stderr.
pub fn text(out: &ProcessOutput) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
