//! `dynamodb::Table`: defaults, keys, indexes, streams, global replicas, grants; the rule
//! `dynamodb/event-source-without-stream`; and the DR rows of DynamoDB and SQS.
mod support;

use std::time::Duration;

use gs_constructs::dr::{self, DrReport, DrRow, FailureScope, Objectives, Verdict};
use gs_constructs::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, Projection, StreamViewType, Table, TableProps,
};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const MIN15: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(3600);

fn app(region: &str) -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app
        .stack(
            "Data",
            StackProps {
                region: Some(region.into()),
                ..Default::default()
            },
        )
        .expect("stack");
    (app, stack)
}

/// An app whose stack (`Data`, in us-east-1) declares a 15-minute RPO and a 1-hour RTO.
fn dr_app() -> (App, gs_core::Handle<gs_core::Stack>) {
    let (mut app, stack) = app("us-east-1");
    dr::declare(&mut app, stack, Objectives::all(MIN15, HOUR)).expect("objectives");
    (app, stack)
}

/// The DR report's row for the construct at `path` and `scope`.
fn row<'r>(report: &'r DrReport, path: &str, scope: FailureScope) -> &'r DrRow {
    report
        .rows
        .iter()
        .find(|r| r.path == path && r.scope == scope)
        .unwrap_or_else(|| panic!("no {scope:?} row for {path} in {report:#?}"))
}

#[test]
fn a_default_table_is_on_demand_with_point_in_time_recovery_and_retained() -> R {
    let (mut app, stack) = app("us-east-1");
    let mut s = app.at(stack)?;
    Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            sort_key: Some(Attribute::number("created")),
            ..Default::default()
        },
    )?;
    let t = synth(&app, "dynamodb_default");
    let (_, r) = resource_at(&t, "Data/Orders/Resource");
    assert_eq!(
        r["Properties"],
        json!({"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                        {"AttributeName": "created", "AttributeType": "N"}],
               "BillingMode": "PAY_PER_REQUEST",
               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                             {"AttributeName": "created", "KeyType": "RANGE"}],
               "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}})
    );
    assert_eq!(r["DeletionPolicy"], "Retain");
    assert_eq!(r["UpdateReplacePolicy"], "Retain");
    Ok(())
}

#[test]
fn indexes_streams_and_provisioned_capacity_are_written_and_key_types_must_agree() -> R {
    let (mut app, stack) = app("us-east-1");
    let mut s = app.at(stack)?;
    let gsi = |pk: Attribute| GlobalSecondaryIndex {
        name: "byStatus".into(),
        partition_key: pk,
        sort_key: None,
        projection: Projection::Include(vec!["total".into()]),
    };
    let err = Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            global_secondary_indexes: vec![gsi(Attribute::number("pk"))],
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("Data/Orders:") && err.contains("`pk`"),
        "{err}"
    );
    Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            global_secondary_indexes: vec![gsi(Attribute::string("status"))],
            stream: Some(StreamViewType::NewImage),
            billing: Billing::Provisioned { read: 5, write: 2 },
            ..Default::default()
        },
    )?;
    let t = synth(&app, "dynamodb_indexes");
    assert_has_resource_properties(
        &t,
        "AWS::DynamoDB::Table",
        json!({"BillingMode": "PROVISIONED",
               "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
               "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
               "GlobalSecondaryIndexes": [{"IndexName": "byStatus",
                   "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                   "Projection": {"NonKeyAttributes": ["total"], "ProjectionType": "INCLUDE"},
                   "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2}}]}),
    );
    Ok(())
}

#[test]
fn replicas_make_a_global_table_with_a_replica_per_region_each_with_pitr() -> R {
    let (mut app, stack) = app("us-east-1");
    let mut s = app.at(stack)?;
    let table = Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            replica_regions: vec!["us-west-2".into()],
            ..Default::default()
        },
    )?;
    assert!(
        table.stream_arn().is_some(),
        "a global table streams new and old images"
    );
    let err = Table::new(
        &mut s,
        "Twice",
        Attribute::string("pk"),
        TableProps {
            replica_regions: vec!["us-east-1".into()],
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("Data/Twice:"), "{err}");
    let t = synth(&app, "dynamodb_global");
    let (_, r) = resource_at(&t, "Data/Orders/Resource");
    assert_eq!(r["Type"], "AWS::DynamoDB::GlobalTable");
    assert!(matches(
        &r["Properties"],
        &json!({"BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
                "Replicas": [
                    {"Region": "us-east-1", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}},
                    {"Region": "us-west-2", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}]})
    ));
    Ok(())
}

#[test]
fn grants_cover_the_table_and_its_indexes_and_stream_read_needs_a_stream() -> R {
    let (mut app, stack) = app("us-east-1");
    let mut s = app.at(stack)?;
    let plain = Table::new(
        &mut s,
        "Sessions",
        Attribute::string("id"),
        Default::default(),
    )?;
    let role = iam::Role::new(&mut s, "Reader", "lambda.amazonaws.com", Default::default())?;
    let err = plain
        .grant_stream_read(&mut s, role)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("Data/Sessions:") && err.contains("no stream"),
        "{err}"
    );
    assert!(
        role.statements(s.app()).is_empty(),
        "a refused grant adds nothing"
    );
    let orders = Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            stream: Some(StreamViewType::NewAndOldImages),
            global_secondary_indexes: vec![GlobalSecondaryIndex {
                name: "byStatus".into(),
                partition_key: Attribute::string("status"),
                sort_key: None,
                projection: Projection::KeysOnly,
            }],
            ..Default::default()
        },
    )?;
    orders.grant_read_data(&mut s, role)?;
    orders.grant_stream_read(&mut s, role)?;
    let writer = iam::Role::new(&mut s, "Writer", "lambda.amazonaws.com", Default::default())?;
    orders.grant_read_write_data(&mut s, writer)?;
    let st = role.statements(s.app());
    assert!(st[0].actions.contains(&"dynamodb:Query".into()));
    assert!(!st[0].actions.contains(&"dynamodb:PutItem".into()));
    assert_eq!(st[0].resources.len(), 2, "the table and its indexes");
    assert_eq!(st[1].resources, [orders.stream_arn().expect("stream")]);
    assert!(writer.statements(s.app())[0]
        .actions
        .contains(&"dynamodb:PutItem".into()));
    synth(&app, "dynamodb_grants");
    Ok(())
}

fn mapping_on(s: &mut Scope<'_>, stream: bool) -> R {
    let mut table = Resource::new("AWS::DynamoDB::Table")
        .property("BillingMode", "PAY_PER_REQUEST")
        .property(
            "AttributeDefinitions",
            Value::List(vec![ValueMap::new()
                .with("AttributeName", "pk")
                .with("AttributeType", "S")
                .into()]),
        )
        .property(
            "KeySchema",
            Value::List(vec![ValueMap::new()
                .with("AttributeName", "pk")
                .with("KeyType", "HASH")
                .into()]),
        )
        .property(
            "PointInTimeRecoverySpecification",
            ValueMap::new().with("PointInTimeRecoveryEnabled", true),
        );
    if stream {
        table = table.property(
            "StreamSpecification",
            ValueMap::new().with("StreamViewType", "NEW_IMAGE"),
        );
    }
    let table = s.resource::<RawResource>("Table", table.removal_policy(RemovalPolicy::Retain))?;
    s.resource::<RawResource>(
        "Mapping",
        Resource::new("AWS::Lambda::EventSourceMapping")
            .property(
                "FunctionName",
                "arn:aws:lambda:us-east-1:123456789012:function:f",
            )
            .property("StartingPosition", "LATEST")
            .property(
                "EventSourceArn",
                Value::GetAtt(table.node(), "StreamArn".into()),
            ),
    )?;
    Ok(())
}

#[test]
fn a_raw_event_source_on_a_table_without_a_stream_is_refused() -> R {
    let (mut app, stack) = app("us-east-1");
    let mut s = app.at(stack)?;
    mapping_on(&mut s, false)?;
    assert_refused(&app, "dynamodb/event-source-without-stream", "Data/Mapping");
    Ok(())
}

#[test]
fn a_raw_event_source_on_a_table_with_a_stream_passes() -> R {
    let (mut app, stack) = app("us-east-1");
    let mut s = app.at(stack)?;
    mapping_on(&mut s, true)?;
    synth(&app, "dynamodb_raw_mapping");
    Ok(())
}

#[test]
fn a_table_without_pitr_in_a_stack_with_a_15_minute_rpo_is_rpo_not_met_for_corruption() -> R {
    let (mut app, stack) = dr_app();
    let mut s = app.at(stack)?;
    Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            point_in_time_recovery: false,
            ..Default::default()
        },
    )?;
    let found = refused(&app);
    assert!(
        found.iter().any(|d| d.rule == "dr/rpo-not-met"
            && d.path == "Data/Orders"
            && d.message.contains("corruption")),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn pitr_meets_a_15_minute_corruption_rpo_and_az_loss_is_met_by_dynamodb_itself() -> R {
    let (mut app, stack) = dr_app();
    let mut s = app.at(stack)?;
    Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        Default::default(),
    )?;
    let report = DrReport::of(&app);
    let orders = |scope| row(&report, "Data/Orders", scope);
    let corruption = orders(FailureScope::Corruption);
    assert_eq!(corruption.verdict, Verdict::Met);
    assert!(corruption
        .mechanism
        .as_deref()
        .unwrap_or("")
        .contains("point-in-time recovery"));
    assert_eq!(corruption.rpo, Some(Duration::from_secs(300)));
    assert_eq!(orders(FailureScope::AzLoss).verdict, Verdict::Met);
    // No replica: Region loss is not met, and the fix names replicas.
    assert_eq!(orders(FailureScope::RegionLoss).verdict, Verdict::RpoNotMet);
    let found = refused(&app);
    let region = found
        .iter()
        .find(|d| d.rule == "dr/rpo-not-met" && d.path == "Data/Orders")
        .expect("finding");
    assert!(region.fix.contains("replica_regions"), "{region:?}");
    Ok(())
}

#[test]
fn a_global_table_replica_in_another_region_covers_region_loss() -> R {
    let (mut app, stack) = dr_app();
    let mut s = app.at(stack)?;
    Table::new(
        &mut s,
        "Orders",
        Attribute::string("pk"),
        TableProps {
            replica_regions: vec!["us-west-2".into()],
            ..Default::default()
        },
    )?;
    let report = DrReport::of(&app);
    let region = row(&report, "Data/Orders", FailureScope::RegionLoss);
    assert_eq!(region.verdict, Verdict::Met);
    assert!(region
        .mechanism
        .as_deref()
        .unwrap_or("")
        .contains("global table"));
    let corruption = row(&report, "Data/Orders", FailureScope::Corruption);
    assert_eq!(corruption.verdict, Verdict::Met);
    synth(&app, "dynamodb_global_dr");
    Ok(())
}

#[test]
fn a_queue_in_a_stack_with_objectives_loses_its_messages_with_the_region_unless_overridden() -> R {
    let (mut app, stack) = dr_app();
    let mut s = app.at(stack)?;
    let q = sqs::Queue::new(&mut s, "Jobs", Default::default())?;
    let report = DrReport::of(&app);
    let jobs = |scope| row(&report, "Data/Jobs", scope);
    assert_eq!(jobs(FailureScope::AzLoss).verdict, Verdict::Met);
    assert_eq!(jobs(FailureScope::RegionLoss).verdict, Verdict::RpoNotMet);
    // The queue is Destroy by default (as CDK) and no lifecycle or dr/stateful-destroy rule
    // objects: its messages are in transit; the objectives say what they lose.
    let found = refused(&app);
    assert!(
        found.iter().all(|d| !d.rule.ends_with("stateful-destroy")),
        "{found:#?}"
    );
    dr::override_for(
        &mut app,
        q.node,
        Objectives::default(),
        "producers resend from the orders table",
    )?;
    synth(&app, "dynamodb_sqs_dr_override");
    Ok(())
}
