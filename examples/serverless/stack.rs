//! A serverless app written with generated L1s only (`gs_constructs::l1`), for services that
//! have no L2 yet: an HTTP API in front of a Lambda function that writes to a DynamoDB table, an
//! SNS topic fanning out to an SQS queue with a dead-letter queue, an EventBridge schedule that
//! runs the function, and a CloudFront distribution in front of a private S3 bucket.
//!
//! Each resource reads as its AWS CDK L1 does (`new CfnFunction(this, 'Fn', {...})`): required
//! properties are `CfnXProps::new` arguments, the others are struct fields. A property that
//! takes another resource's identifier takes its handle, and ARNs are typed attributes
//! (`attr_arn()`), so a reference to a resource that does not exist cannot be written.
//!
//! Shared by the example's `main.rs` and its test (`crates/gs-constructs/tests/serverless.rs`).

use gs_constructs::l1::cloudfront::distribution::{
    DefaultCacheBehavior, DistributionConfig, Origin, S3OriginConfig,
};
use gs_constructs::l1::cloudfront::origin_access_control::OriginAccessControlConfig;
use gs_constructs::l1::{apigatewayv2, cloudfront, dynamodb, events, iam, lambda, s3, sns, sqs};
use gs_constructs::prelude::*;

/// The stack's name.
pub const STACK: &str = "ServerlessApp";

/// The handler: stores each request's path in the table.
const HANDLER: &str = "\
import json, os, time, boto3
table = boto3.resource('dynamodb').Table(os.environ['TABLE_NAME'])

def handler(event, context):
    key = event.get('rawPath', 'schedule')
    table.put_item(Item={'pk': key, 'at': int(time.time())})
    return {'statusCode': 200, 'body': json.dumps({'stored': key})}
";

/// The app with its one stack.
pub fn build() -> Result<App> {
    let mut app = App::new();
    let stack = app.stack(STACK, StackProps::default())?;
    let mut s = app.at(stack)?;

    // DynamoDB: on-demand, point-in-time recovery, kept when the stack goes.
    let table = dynamodb::CfnTable::new(
        &mut s,
        "Table",
        dynamodb::CfnTableProps {
            attribute_definitions: Some(
                vec![dynamodb::table::AttributeDefinition::new("pk", "S")].into(),
            ),
            billing_mode: Some("PAY_PER_REQUEST".into()),
            point_in_time_recovery_specification: Some(
                dynamodb::table::PointInTimeRecoverySpecification {
                    point_in_time_recovery_enabled: Some(true.into()),
                    ..Default::default()
                },
            ),
            ..dynamodb::CfnTableProps::new(vec![dynamodb::table::KeySchema::new("pk", "HASH")])
        },
    )?;
    s.app_mut()
        .set_removal_policy(table, RemovalPolicy::Retain)?;

    // Lambda: the role, then the function with its code inline.
    let role = iam::CfnRole::new(
        &mut s,
        "FnRole",
        iam::CfnRoleProps {
            managed_policy_arns: Some(
                vec!["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"].into(),
            ),
            policies: Some(
                vec![iam::role::Policy::new(
                    document(statement(None, ["dynamodb:PutItem"], table.attr_arn())),
                    "WriteTable",
                )]
                .into(),
            ),
            ..iam::CfnRoleProps::new(assume_role("lambda.amazonaws.com"))
        },
    )?;
    let function = lambda::CfnFunction::new(
        &mut s,
        "Fn",
        lambda::CfnFunctionProps {
            handler: Some("index.handler".into()),
            runtime: Some("python3.12".into()),
            timeout: Some(10.into()),
            environment: Some(lambda::function::Environment {
                variables: Some([("TABLE_NAME", table)].into()),
            }),
            ..lambda::CfnFunctionProps::new(
                lambda::function::Code {
                    zip_file: Some(HANDLER.into()),
                    ..Default::default()
                },
                role,
            )
        },
    )?;

    // API Gateway v2: an HTTP API whose `GET /items` route invokes the function.
    let api = apigatewayv2::CfnApi::new(
        &mut s,
        "HttpApi",
        apigatewayv2::CfnApiProps {
            name: Some(Value::sub("${AWS::StackName}-api").into()),
            protocol_type: Some("HTTP".into()),
            ..Default::default()
        },
    )?;
    let integration = apigatewayv2::CfnIntegration::new(
        &mut s,
        "FnIntegration",
        apigatewayv2::CfnIntegrationProps {
            integration_uri: Some(function.into()),
            payload_format_version: Some("2.0".into()),
            ..apigatewayv2::CfnIntegrationProps::new(api, "AWS_PROXY")
        },
    )?;
    apigatewayv2::CfnRoute::new(
        &mut s,
        "GetItems",
        apigatewayv2::CfnRouteProps {
            // A route's target is `integrations/<id>`, not the integration's id alone.
            target: Some(
                Value::join("/", [Value::from("integrations"), integration.reference()]).into(),
            ),
            ..apigatewayv2::CfnRouteProps::new(api, "GET /items")
        },
    )?;
    apigatewayv2::CfnStage::new(
        &mut s,
        "DefaultStage",
        apigatewayv2::CfnStageProps {
            auto_deploy: Some(true.into()),
            ..apigatewayv2::CfnStageProps::new(api, "$default")
        },
    )?;
    lambda::CfnPermission::new(
        &mut s,
        "ApiInvokesFn",
        lambda::CfnPermissionProps {
            source_arn: Some(
                Value::sub_with(
                    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*",
                    ValueMap::new().with("Api", api),
                )
                .into(),
            ),
            ..lambda::CfnPermissionProps::new(
                "lambda:InvokeFunction",
                function.attr_arn(),
                "apigateway.amazonaws.com",
            )
        },
    )?;

    // SQS: a queue whose failed messages go to a dead-letter queue after five receives.
    let dead_letters = sqs::CfnQueue::new(
        &mut s,
        "DeadLetterQueue",
        sqs::CfnQueueProps {
            message_retention_period: Some(1_209_600.into()),
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    )?;
    let queue = sqs::CfnQueue::new(
        &mut s,
        "Queue",
        sqs::CfnQueueProps {
            redrive_policy: Some(
                ValueMap::new()
                    .with("deadLetterTargetArn", dead_letters.attr_arn())
                    .with("maxReceiveCount", 5)
                    .into(),
            ),
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    )?;

    // SNS: a topic the queue subscribes to, and the queue policy that lets the topic send.
    let topic = sns::CfnTopic::new(
        &mut s,
        "Topic",
        sns::CfnTopicProps {
            kms_master_key_id: Some("alias/aws/sns".into()),
            ..Default::default()
        },
    )?;
    sns::CfnSubscription::new(
        &mut s,
        "QueueSubscription",
        sns::CfnSubscriptionProps {
            endpoint: Some(queue.attr_arn().into()),
            raw_message_delivery: Some(true.into()),
            ..sns::CfnSubscriptionProps::new("sqs", topic)
        },
    )?;
    sqs::CfnQueuePolicy::new(
        &mut s,
        "QueuePolicy",
        sqs::CfnQueuePolicyProps::new(
            document(
                statement(
                    Some("sns.amazonaws.com"),
                    ["sqs:SendMessage"],
                    queue.attr_arn(),
                )
                .with(
                    "Condition",
                    condition("ArnEquals", "aws:SourceArn", topic.attr_topic_arn()),
                ),
            ),
            vec![queue],
        ),
    )?;

    // EventBridge: run the function every hour.
    let schedule = events::CfnRule::new(
        &mut s,
        "Hourly",
        events::CfnRuleProps {
            schedule_expression: Some("rate(1 hour)".into()),
            targets: Some(vec![events::rule::Target::new(function.attr_arn(), "Fn")].into()),
            ..Default::default()
        },
    )?;
    lambda::CfnPermission::new(
        &mut s,
        "ScheduleInvokesFn",
        lambda::CfnPermissionProps {
            source_arn: Some(schedule.attr_arn().into()),
            ..lambda::CfnPermissionProps::new(
                "lambda:InvokeFunction",
                function.attr_arn(),
                "events.amazonaws.com",
            )
        },
    )?;

    // CloudFront in front of a private bucket (S3 encrypts it by default), through an origin
    // access control.
    let site = s3::CfnBucket::new(
        &mut s,
        "SiteBucket",
        s3::CfnBucketProps {
            public_access_block_configuration: Some(s3::bucket::PublicAccessBlockConfiguration {
                block_public_acls: Some(true.into()),
                block_public_policy: Some(true.into()),
                ignore_public_acls: Some(true.into()),
                restrict_public_buckets: Some(true.into()),
            }),
            ..Default::default()
        },
    )?;
    s.app_mut()
        .set_removal_policy(site, RemovalPolicy::Retain)?;
    let oac = cloudfront::CfnOriginAccessControl::new(
        &mut s,
        "SiteOac",
        cloudfront::CfnOriginAccessControlProps::new(OriginAccessControlConfig::new(
            Value::sub("${AWS::StackName}-site"),
            "s3",
            "always",
            "sigv4",
        )),
    )?;
    let distribution = cloudfront::CfnDistribution::new(
        &mut s,
        "SiteDistribution",
        cloudfront::CfnDistributionProps::new(DistributionConfig {
            default_root_object: Some("index.html".into()),
            origins: Some(
                vec![Origin {
                    origin_access_control_id: Some(oac.into()),
                    s3_origin_config: Some(S3OriginConfig {
                        origin_access_identity: Some("".into()),
                        ..Default::default()
                    }),
                    ..Origin::new(site.attr_regional_domain_name(), "Site")
                }]
                .into(),
            ),
            ..DistributionConfig::new(
                DefaultCacheBehavior {
                    // The managed `CachingOptimized` policy.
                    cache_policy_id: Some("658327ea-f89d-4fab-a63d-7e88639e58f6".into()),
                    compress: Some(true.into()),
                    ..DefaultCacheBehavior::new("Site", "redirect-to-https")
                },
                true,
            )
        }),
    )?;
    s3::CfnBucketPolicy::new(
        &mut s,
        "SiteBucketPolicy",
        s3::CfnBucketPolicyProps::new(
            site,
            document(
                statement(
                    Some("cloudfront.amazonaws.com"),
                    ["s3:GetObject"],
                    Value::join("", [site.attr_arn(), Value::from("/*")]),
                )
                .with(
                    "Condition",
                    condition(
                        "StringEquals",
                        "AWS:SourceArn",
                        Value::sub_with(
                            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Id}",
                            ValueMap::new().with("Id", distribution),
                        ),
                    ),
                ),
            ),
        ),
    )?;

    s.output("ApiUrl", Output::new(api.attr_api_endpoint()))?;
    s.output(
        "SiteDomainName",
        Output::new(distribution.attr_domain_name()),
    )?;
    s.output("QueueUrl", Output::new(queue.reference()))?;
    Ok(app)
}

/// A policy document of one statement.
fn document(statement: ValueMap) -> ValueMap {
    ValueMap::new()
        .with("Version", "2012-10-17")
        .with("Statement", Value::List(vec![statement.into()]))
}

/// An `Allow` statement of `actions` on `resource`, for `service` (a resource policy) or for
/// the policy's holder (an identity policy).
fn statement<const N: usize>(
    service: Option<&str>,
    actions: [&str; N],
    resource: Value,
) -> ValueMap {
    ValueMap::new()
        .with("Effect", "Allow")
        .with_opt(
            "Principal",
            service.map(|s| ValueMap::new().with("Service", s)),
        )
        .with("Action", Value::from(actions.to_vec()))
        .with("Resource", resource)
}

/// `{operator: {key: value}}`.
fn condition(operator: &'static str, key: &'static str, value: Value) -> ValueMap {
    ValueMap::new().with(operator, ValueMap::new().with(key, value))
}

/// The trust policy that lets `service` assume a role.
fn assume_role(service: &str) -> ValueMap {
    document(
        ValueMap::new()
            .with("Effect", "Allow")
            .with("Principal", ValueMap::new().with("Service", service))
            .with("Action", "sts:AssumeRole"),
    )
}
