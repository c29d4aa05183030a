//! gs-constructs: typed AWS constructs with secure defaults, and the passes that need service
//! knowledge. The one dependency a user's infra crate needs: it re-exports gs-core and gs-cfn.
//!
//! ```text
//! user code --XxxProps + new(&mut scope, id, ...)--> L2 handle (small Copy struct)
//!     relations (mount, read, connect) --> wiring derived (ingress, DependsOn, IAM) + facts
//! App --synth(CfnBackend)--> validated, emitted templates
//! ```
//!
//! One module per AWS service:
//! - [`ec2`] — VPC, subnets, security groups and connections, interface endpoints.
//! - [`iam`] — roles and policy statements.
//! - [`kms`] — keys.
//! - [`lambda`] — functions (role, log group, VPC, event sources, destinations) and their code.
//! - [`events`] — EventBridge rules on a schedule or a pattern, with the targets' permissions.
//! - [`logs`] — log groups and log-delivery facts.
//! - [`secretsmanager`] — secrets.
//! - [`efs`] — file systems, mount targets, access points.
//! - [`ecs`] — clusters, Fargate task definitions and services, with wiring derived from use.
//! - [`elbv2`] — Application Load Balancers, listeners, target groups; Fargate services as targets.
//! - [`rds`] — Aurora PostgreSQL Serverless v2 clusters.
//! - [`elasticache`] — Redis replication groups.
//! - [`kinesis`] — streams and enhanced fan-out consumers.
//! - [`apigateway`] — REST APIs.
//! - [`s3`] — buckets.
//! - [`codepipeline`] — pipelines with a pluggable source.
//! - [`sqs`] — queues: encrypted, dead-letter queues, FIFO, grants.
//! - [`sns`] — topics and their subscriptions (SQS, Lambda, email), with the permissions delivery needs.
//! - [`dynamodb`] — tables: on-demand, point-in-time recovery, streams, indexes, global replicas, grants.
//! - [`backup`] — vaults, plans (never without a rule), selections.
//! - [`diff`] — the offline, replacement-aware diff of two syntheses.
//! - [`dr`] — recovery objectives, protection profiles, DR rules and report.
//! - [`security`] — encryption, ingress, IAM and lifecycle rules across services.
//! - `lifecycle` — retained resources with fixed physical names (redeploys fail on them).
//! - [`report`] — SARIF output and the Markdown rule catalog.
//! - [`passes`] — the service passes, run by [`CfnBackend`], and the rule catalog.
//! - [`rules`] — every rule as a constant, to acknowledge findings with.
//! - [`assertions`] — `Template` and `Match`, for tests of your own stacks.
//! - [`cli`] — every app a command line: `synth`, `ls`, `graph`, `rules`, `explain`.
//!
//! ```
//! use gs_constructs::prelude::*;
//!
//! let mut app = App::new();
//! let stack = app.stack("TapStackdev", StackProps::default())?;
//! let mut s = app.at(stack)?;
//! let vpc = ec2::Vpc::new(&mut s, "Vpc", ec2::VpcProps { max_azs: 2, ..Default::default() })?;
//! let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
//! let ap = efs::AccessPoint::new(&mut s, "ContentAccessPoint", fs, Default::default())?;
//! let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
//! let web = task.add_container(&mut s, "web", "public.ecr.aws/nginx/nginx:1.27", Default::default())?;
//! // `ap` carries `fs`; mounting it derives the NFS ingress rule, the DependsOn on every mount
//! // target and on that rule, the IAM grant, transit encryption and IAM on the volume.
//! task.mount(&mut s, "media", ap, web, "/mnt/media", ecs::Mount::read_write())?;
//! let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
//! let svc = ecs::FargateService::new(&mut s, "MediaProcessingService", cluster, task, Default::default())?;
//! assert!(ec2::Ingress::admits(s.app(), fs.security_group, svc.security_group, 2049));
//! let out = app.synth(&CfnBackend::default())?;
//! assert!(out.artifact("TapStackdev.template.json").is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
// Library code never panics on user input; tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod apigateway;
pub mod assertions;
mod backend;
pub mod backup;
pub mod cli;
pub mod codepipeline;
mod decimal;
pub mod diff;
pub mod dr;
pub mod dynamodb;
pub mod ec2;
pub mod ecs;
pub mod efs;
pub mod elasticache;
pub mod elbv2;
pub mod error;
pub mod events;
pub mod iam;
pub mod kinesis;
pub mod kms;
pub mod lambda;
mod lifecycle;
pub mod logs;
mod names;
pub mod passes;
mod props;
pub mod rds;
pub mod report;
pub mod rules;
pub mod s3;
pub mod secretsmanager;
pub mod security;
pub mod sns;
pub mod sqs;
mod stateful;
mod wildcard;

pub use backend::CfnBackend;

/// The user guide (`docs/guide.md`), compiled and run as doc tests so its examples cannot rot.
/// Only under `cfg(doctest)`: the file is outside the crate, so `cargo package` would not find it.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/guide.md")]
pub struct GuideDoctests;
pub use error::{ConstructError, Result};
pub use gs_core as core;
/// The generated L1 layer: every CloudFormation resource type (`l1::lambda::CfnFunction`), one
/// cargo feature per service (`full`: all).
pub use gs_l1 as l1;

/// gs-cfn, the CloudFormation backend's template model and limits. Its `CfnBackend` here is
/// gs-constructs' [`crate::CfnBackend`], which runs every rule of gs.
pub mod cfn {
    pub use crate::backend::CfnBackend;
    pub use gs_cfn::*;
}

/// What construct code and user code need in scope: the service modules of the L2s, the
/// generated L1 layer as `l1`, the core types and the backend.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let dlq = l1::sqs::CfnQueue::new(&mut s, "Dead", Default::default())?;
/// assert_eq!(s.app().path(dlq.node())?, "Demo/Dead");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod prelude {
    pub use crate::cli::Cli;
    pub use crate::error::{ConstructError, Result};
    pub use crate::CfnBackend;
    // The generated L1 layer: `l1::sqs::CfnQueue` beside the `sqs::Queue` L2, as aws-cdk-lib's
    // `aws_sqs` module holds both `CfnQueue` and `Queue`.
    pub use crate::l1;
    pub use crate::{
        apigateway, backup, codepipeline, dr, dynamodb, ec2, ecs, efs, elasticache, elbv2, events,
        iam, kinesis, kms, lambda, logs, rds, rules, s3, secretsmanager, sns, sqs,
    };
    pub use gs_core::{
        App, Diagnostic, Handle, Import, NodeId, Output, Parameter, Pseudo, RawResource,
        RemovalPolicy, Report, Resource, Scope, Severity, StackProps, SynthError, Tagging, Value,
        ValueMap,
    };
}
