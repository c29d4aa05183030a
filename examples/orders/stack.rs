//! An orders service on gs's L2s: a REST API in front of a Lambda function that stores each
//! order in a DynamoDB table and publishes it to an SNS topic; the topic feeds an SQS queue (with
//! a dead-letter queue) that a second function consumes; an EventBridge schedule runs a third
//! function that republishes orders left pending. The three functions run the Python handlers of
//! `examples/orders/handler/`, zipped as one asset that `cdk deploy` uploads.
//!
//! What the L2s derive from use: each function's role, log group and the statements of its grants
//! (`grant_read_write_data`, `grant_publish`), the queue policy letting the topic send, the
//! event source mapping and the role's right to poll, the Lambda permissions of the rule and of
//! each API method (`Integration::lambda`), scoped to that method.
//!
//! DR: the stack declares RPO 15 minutes and RTO 4 hours for every failure scope. The table
//! meets them (point-in-time recovery for corruption, a global-table replica in the DR Region for
//! a Region loss), the functions by redeploy; the queues hold no data of their own (the table is
//! the source of truth and the sweeper sends pending orders again), which their override says.
//!
//! Shared by the example's `main.rs` and its tests (`crates/gs-constructs/tests/orders.rs`).

use std::path::PathBuf;
use std::time::Duration;

use gs_constructs::apigateway::{Integration, RestApi, RestApiProps};
use gs_constructs::dr::{self, FailureScope, Objectives};
use gs_constructs::dynamodb::{Attribute, GlobalSecondaryIndex, Projection, Table, TableProps};
use gs_constructs::events::{Rule, RuleProps, Schedule, Target, Trigger};
use gs_constructs::lambda::{Code, EventSource, Function, FunctionProps, Runtime};
use gs_constructs::prelude::*;
use gs_constructs::sns::{Subscription, Topic};
use gs_constructs::sqs::{DeadLetterQueue, Queue, QueueProps};

/// The stack's name.
pub const STACK: &str = "OrdersApp";

/// The stack's objectives: at most 15 minutes of orders lost, back within 4 hours.
pub const RPO: Duration = Duration::from_secs(15 * 60);
/// See [`RPO`].
pub const RTO: Duration = Duration::from_secs(4 * 3600);

/// How long an order may stay pending before the sweeper publishes it again.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Where the app is deployed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The stack's Region.
    pub region: String,
    /// The Region of the table's replica; `None` deploys a single-Region table, and the table's
    /// Region-loss objective is then overridden (a development deployment).
    pub dr_region: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: "us-east-1".into(),
            dr_region: Some("us-west-2".into()),
        }
    }
}

impl Config {
    /// Reads `AWS_REGION` (default `us-east-1`) and `DR_REGION` (default `us-west-2`; `none`
    /// for a single-Region table) through `var`, refusing what is not a Region name.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> std::result::Result<Config, String> {
        let region = var("AWS_REGION").unwrap_or_else(|| "us-east-1".into());
        let dr_region = match var("DR_REGION").as_deref() {
            None => Some("us-west-2".to_string()),
            Some("none") => None,
            Some(r) => Some(r.to_string()),
        };
        for (name, value) in [
            ("AWS_REGION", Some(&region)),
            ("DR_REGION", dr_region.as_ref()),
        ] {
            let Some(value) = value else { continue };
            let parts: Vec<&str> = value.split('-').collect();
            let ok = parts.len() >= 3
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
                && parts
                    .last()
                    .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!(
                    "{name} `{value}` is not a Region name; fix: use a name such as `us-east-1`{}",
                    if name == "DR_REGION" {
                        ", or `none` for a single-Region table"
                    } else {
                        ""
                    }
                ));
            }
        }
        if dr_region.as_ref() == Some(&region) {
            return Err(format!(
                "DR_REGION `{region}` is the stack's Region: a replica there protects from nothing; fix: name another Region, or `none`"
            ));
        }
        Ok(Config { region, dr_region })
    }
}

/// The handlers' directory (found from the package, whatever the current directory).
pub fn handler_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/orders/handler")
}

/// The app with its one stack, deployed as `config` says.
pub fn build_with(config: &Config) -> Result<App> {
    let mut app = App::new();
    let stack = app.stack(
        STACK,
        StackProps {
            region: Some(config.region.clone()),
            description: Some("Orders service: REST API, Lambda, DynamoDB, SNS, SQS".into()),
            ..Default::default()
        },
    )?;
    dr::declare(&mut app, stack, Objectives::all(RPO, RTO))?;
    let mut s = app.at(stack)?;

    // The source of truth: on demand, point-in-time recovery (the default), kept when the stack
    // goes (the default), replicated to the DR Region; an index finds the pending orders.
    let table = Table::new(
        &mut s,
        "Orders",
        Attribute::string("orderId"),
        TableProps {
            global_secondary_indexes: vec![GlobalSecondaryIndex {
                name: "byStatus".into(),
                partition_key: Attribute::string("status"),
                sort_key: Some(Attribute::number("createdAt")),
                projection: Projection::KeysOnly,
            }],
            replica_regions: config.dr_region.iter().cloned().collect(),
            ..Default::default()
        },
    )?;
    let topic = Topic::new(&mut s, "OrderEvents", Default::default())?;
    let dead_letters = Queue::new(
        &mut s,
        "OrderDeadLetters",
        QueueProps {
            retention_period: Duration::from_secs(14 * 24 * 3600),
            ..Default::default()
        },
    )?;
    // Six times the worker's timeout, as the Lambda Developer Guide advises for SQS sources.
    let queue = Queue::new(
        &mut s,
        "OrderQueue",
        QueueProps {
            visibility_timeout: Duration::from_secs(180),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dead_letters,
                max_receive_count: 5,
            }),
            ..Default::default()
        },
    )?;
    topic.add_subscription(&mut s, Subscription::sqs(queue).raw_message_delivery())?;

    // The functions: one asset, three handlers.
    let code = Code::from_dir(handler_dir());
    let function = |s: &mut Scope<'_>, id: &str, handler: &str, timeout: u64| {
        Function::new(
            s,
            id,
            Runtime::Python3_12,
            handler,
            code.clone(),
            FunctionProps {
                timeout: Some(Duration::from_secs(timeout)),
                memory_mb: Some(256),
                environment: vec![("TABLE_NAME".into(), table.table_name())],
                ..Default::default()
            },
        )
    };
    let api_fn = function(&mut s, "Api", "orders.api", 10)?;
    table.grant_read_write_data(&mut s, api_fn.role)?;
    topic.grant_publish(&mut s, api_fn.role)?;
    api_fn.add_environment(&mut s, "TOPIC_ARN", topic.arn())?;

    let worker = function(&mut s, "Worker", "orders.worker", 30)?;
    table.grant_read_write_data(&mut s, worker.role)?;
    worker.add_event_source(
        &mut s,
        EventSource::sqs(queue)
            .batch_size(10)
            .report_batch_item_failures(),
    )?;

    let sweeper = function(&mut s, "Sweeper", "orders.sweep", 60)?;
    table.grant_read_data(&mut s, sweeper.role)?;
    topic.grant_publish(&mut s, sweeper.role)?;
    sweeper.add_environment(&mut s, "TOPIC_ARN", topic.arn())?;
    sweeper.add_environment(
        &mut s,
        "STALE_AFTER_SECONDS",
        STALE_AFTER.as_secs().to_string(),
    )?;
    let every_5_minutes = Rule::new(
        &mut s,
        "SweepSchedule",
        Trigger::Schedule(Schedule::rate(Duration::from_secs(300))),
        RuleProps {
            description: Some("Republishes orders pending for more than 10 minutes".into()),
            ..Default::default()
        },
    )?;
    every_5_minutes.add_target(&mut s, Target::Lambda(sweeper))?;

    // The REST API: two methods calling the API function as a Lambda proxy; each gets the
    // permission for API Gateway to invoke the function for that method only. Callers sign their
    // requests (IAM, the L2's default); the stage logs every request to a log group of its own.
    let rest = RestApi::new(
        &mut s,
        "OrdersApi",
        RestApiProps {
            description: Some("Orders: POST /orders, GET /orders/{orderId}".into()),
            ..Default::default()
        },
    )?;
    let orders = rest.add_resource(&mut s, rest.root(), "orders")?;
    rest.add_method(&mut s, orders, "POST", Integration::lambda(api_fn))?;
    let order = rest.add_resource(&mut s, orders, "{orderId}")?;
    rest.add_method(&mut s, order, "GET", Integration::lambda(api_fn))?;

    // Where the stack's objectives do not apply, say why on the construct.
    for q in [queue, dead_letters] {
        dr::override_for(
            &mut s,
            q.node,
            Objectives::all(RPO, RTO)
                .with(FailureScope::RegionLoss, None)
                .with(FailureScope::Corruption, None),
            "SQS keeps no copy of messages and cannot recover them after a Region loss or a purge, so the queues hold no data of their own: the API writes each order to the table (replicated, point-in-time recovery) before it publishes it, and the sweeper publishes every order still pending after 10 minutes again; dead letters are redriven from the table the same way",
        )?;
    }
    if config.dr_region.is_none() {
        dr::override_for(
            &mut s,
            table.node,
            Objectives::all(RPO, RTO).with(FailureScope::RegionLoss, None),
            "a single-Region deployment (DR_REGION=none, for development and tests): its orders are test data",
        )?;
    }

    let outputs: [(&str, Value, &str); 3] = [
        ("ApiUrl", rest.url(), "the REST API's stage URL"),
        ("TableName", table.table_name(), "the orders table"),
        (
            "DeadLetterQueueUrl",
            dead_letters.url(),
            "where the messages the worker gave up on wait",
        ),
    ];
    for (id, value, description) in outputs {
        s.output(
            id,
            Output {
                description: Some(description.into()),
                ..Output::new(value)
            },
        )?;
    }
    Ok(app)
}
