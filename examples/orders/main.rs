//! An orders service on gs's L2s (`stack.rs`): a REST API, three Lambda functions whose code is
//! the directory `handler/` (a zip asset), a DynamoDB table, an SNS topic feeding an SQS queue
//! with a dead-letter queue, and an EventBridge schedule, with DR objectives; as a gs command
//! line (`gs_constructs::cli`).
//!
//! `cargo run --example orders` writes `cdk.out/` (`-- --out DIR` for another folder); `--
//! --help` lists the other commands. `AWS_REGION` (default `us-east-1`), `DR_REGION` (the
//! table's replica, default `us-west-2`; `none` for a single-Region table); an invalid one exits
//! 2. Deploy with `cdk bootstrap`, then `cdk deploy --app cdk.out` (the zip is an asset).

mod stack;

use std::process::ExitCode;

use gs_constructs::cli::{self, BadInput};

fn main() -> ExitCode {
    cli::run(|| -> Result<_, Box<dyn std::error::Error>> {
        let config = stack::Config::from_env(|k| std::env::var(k).ok()).map_err(BadInput)?;
        Ok(stack::build_with(&config)?)
    })
}
