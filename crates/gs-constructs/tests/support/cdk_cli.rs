//! Finding the pinned AWS CDK CLI, for the tests that run it (`#[path = "support/cdk_cli.rs"]
//! mod cdk_cli;`, or through `support/moto.rs`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The workspace's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The CDK CLI (`GS_CDK_CLI`, else the pinned install under target/cdk-cli), or a failure that
/// says how to install it: the tests that need it never skip.
pub fn cdk_cli() -> PathBuf {
    let cli = std::env::var_os("GS_CDK_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/cdk-cli/node_modules/.bin/cdk"));
    if !cli.exists() {
        panic!(
            "the AWS CDK CLI is not installed at {}: install it with \
             `npm install --prefix target/cdk-cli aws-cdk@2.1148.1` from the workspace root \
             (or set GS_CDK_CLI to a cdk 2.x executable); scripts/test-tools (which .ci/run \
             runs) does this",
            cli.display()
        );
    }
    cli
}
