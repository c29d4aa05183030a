//! The serverless example (`examples/serverless`, generated L1s only): synthesis accepts it with
//! no unacknowledged finding, its template is kept for cfn-lint, and each resource is wired to
//! the others through handles and typed attributes.

mod support;

#[allow(dead_code)]
#[path = "../../../examples/serverless/stack.rs"]
mod stack;

use gs_constructs::assertions::{Match, Template};
use gs_constructs::prelude::*;
use serde_json::json;

/// The example's template; written to `target/cfn-templates` for cfn-lint.
fn template() -> Template {
    let app = stack::build().expect("the example builds");
    support::synth_clean(&app, stack::STACK, "serverless")
}

#[test]
fn every_service_is_there_once() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    for (type_name, count) in [
        ("AWS::ApiGatewayV2::Api", 1),
        ("AWS::ApiGatewayV2::Integration", 1),
        ("AWS::ApiGatewayV2::Route", 1),
        ("AWS::ApiGatewayV2::Stage", 1),
        ("AWS::Lambda::Function", 1),
        ("AWS::Lambda::Permission", 2),
        ("AWS::IAM::Role", 1),
        ("AWS::DynamoDB::Table", 1),
        ("AWS::SQS::Queue", 2),
        ("AWS::SQS::QueuePolicy", 1),
        ("AWS::SNS::Topic", 1),
        ("AWS::SNS::Subscription", 1),
        ("AWS::Events::Rule", 1),
        ("AWS::S3::Bucket", 1),
        ("AWS::S3::BucketPolicy", 1),
        ("AWS::CloudFront::OriginAccessControl", 1),
        ("AWS::CloudFront::Distribution", 1),
    ] {
        t.resource_count_is(type_name, count)?;
    }
    Ok(())
}

#[test]
fn the_http_api_invokes_the_function_it_is_allowed_to() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({
            "Code": {"ZipFile": Match::string_like_regexp("def handler")},
            "Role": {"Fn::GetAtt": ["FnRole", "Arn"]},
            "Environment": {"Variables": {"TABLE_NAME": {"Ref": "Table"}}},
        }),
    )?;
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"Policies": [{"PolicyDocument": {"Statement": [{
            "Action": ["dynamodb:PutItem"],
            "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
        }]}}]}),
    )?;
    t.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        json!({
            "ApiId": {"Ref": "HttpApi"},
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]},
        }),
    )?;
    t.has_resource_properties(
        "AWS::ApiGatewayV2::Route",
        json!({"Target": {"Fn::Join": ["/", ["integrations", {"Ref": "FnIntegration"}]]}}),
    )?;
    t.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        json!({"ApiId": {"Ref": "HttpApi"}, "StageName": "$default", "AutoDeploy": true}),
    )?;
    t.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({
            "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": [Match::string_like_regexp(":execute-api:"), {"Api": {"Ref": "HttpApi"}}]},
        }),
    )?;
    t.has_output(
        "ApiUrl",
        json!({"Value": {"Fn::GetAtt": ["HttpApi", "ApiEndpoint"]}}),
    )?;
    Ok(())
}

#[test]
fn the_table_has_point_in_time_recovery_and_outlives_the_stack(
) -> Result<(), Box<dyn std::error::Error>> {
    template().has_resource(
        "AWS::DynamoDB::Table",
        json!({
            "Properties": {
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
            },
            "DeletionPolicy": "Retain",
        }),
    )?;
    Ok(())
}

#[test]
fn the_topic_feeds_the_queue_whose_failures_go_to_the_dead_letter_queue(
) -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"RedrivePolicy": {
            "deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
            "maxReceiveCount": 5,
        }}),
    )?;
    t.has_resource_properties(
        "AWS::SNS::Subscription",
        json!({
            "Protocol": "sqs",
            "TopicArn": {"Ref": "Topic"},
            "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},
        }),
    )?;
    t.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        json!({
            "Queues": [{"Ref": "Queue"}],
            "PolicyDocument": {"Statement": [{
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": ["sqs:SendMessage"],
                "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Topic", "TopicArn"]}}},
            }]},
        }),
    )?;
    Ok(())
}

#[test]
fn the_schedule_runs_the_function_it_is_allowed_to() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({
            "ScheduleExpression": "rate(1 hour)",
            "Targets": [{"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}, "Id": "Fn"}],
        }),
    )?;
    t.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": ["Hourly", "Arn"]},
        }),
    )?;
    Ok(())
}

#[test]
fn only_the_distribution_reads_the_private_bucket() -> Result<(), Box<dyn std::error::Error>> {
    let t = template();
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": true, "BlockPublicPolicy": true,
            "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
        }}),
    )?;
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        json!({"DistributionConfig": {
            "Origins": [{
                "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
                "Id": "Site",
                "OriginAccessControlId": {"Ref": "SiteOac"},
            }],
            "DefaultCacheBehavior": {"TargetOriginId": "Site", "ViewerProtocolPolicy": "redirect-to-https"},
        }}),
    )?;
    t.has_resource_properties(
        "AWS::S3::BucketPolicy",
        json!({
            "Bucket": {"Ref": "SiteBucket"},
            "PolicyDocument": {"Statement": [{
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": ["s3:GetObject"],
                "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": [
                    Match::string_like_regexp(":distribution/"),
                    {"Id": {"Ref": "SiteDistribution"}},
                ]}}},
            }]},
        }),
    )?;
    t.has_output(
        "SiteDomainName",
        json!({"Value": {"Fn::GetAtt": ["SiteDistribution", "DomainName"]}}),
    )?;
    Ok(())
}
