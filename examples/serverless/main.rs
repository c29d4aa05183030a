//! A serverless app from generated L1s only (`stack.rs`): an HTTP API, a Lambda function and its
//! role, a DynamoDB table, an SQS queue with a dead-letter queue, an SNS topic, an EventBridge
//! schedule and a CloudFront distribution in front of an S3 bucket, as a gs command line
//! (`gs_constructs::cli`).
//!
//! `cargo run --example serverless` writes `cdk.out/` (`-- --out DIR` for another folder);
//! `-- --help` lists the other commands (`diff`, `ls`, `graph`, `rules`, `explain`).

mod stack;

use gs_constructs::prelude::*;

fn main() -> std::process::ExitCode {
    stack::build().run()
}
