mod support;

use gs_constructs::apigateway::{CorsOptions, Integration, KinesisTarget, RestApi, RestApiProps};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

fn kinesis_target() -> KinesisTarget {
    KinesisTarget::from_name("globalstream-events")
}

#[test]
fn a_method_at_cdks_path_gets_cdks_logical_id() -> R {
    let mut app = App::new();
    let stack = app.stack("TapStackdev", StackProps::default())?;
    let mut s = app.at(stack)?;
    let mut api_scope = s.group("Api")?;
    let api = RestApi::new(&mut api_scope, "ContentApi", Default::default())?;
    let events = api.add_resource(&mut api_scope, api.root(), "events")?;
    api.add_method(
        &mut api_scope,
        events,
        "POST",
        Integration::kinesis_put_record(kinesis_target()),
    )?;
    let t = synth(&app, "apigateway_cdk_path");
    let (id, _) = resource_at(
        &t,
        "TapStackdev/Api/ContentApi/Default/events/POST/Resource",
    );
    assert_eq!(id, "ApiContentApieventsPOST9A6C3D6B");
    Ok(())
}

#[test]
fn the_stage_logs_access_as_json_to_the_log_group_and_executions_at_info() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let logs = logs::LogGroup::new(&mut s, "ApiLogs", Default::default())?;
    let api = RestApi::new(
        &mut s,
        "ContentApi",
        RestApiProps {
            access_log_group: Some(logs),
            ..Default::default()
        },
    )?;
    api.add_method(&mut s, api.root(), "GET", Integration::mock())?;
    let facts = s.app().facts::<logs::LogDelivery>();
    assert_eq!(facts.len(), 1);
    assert_eq!(
        (facts[0].producer, facts[0].log_group, facts[0].kind),
        (api.stage.node(), logs, "access-log")
    );
    let t = synth(&app, "apigateway_stage_logging");
    let (log_id, _) = resource_at(&t, "Api/ApiLogs/Resource");
    let (account_id, _) = resource_at(&t, "Api/ContentApi/Account");
    let (_, stage) = resource_at(&t, "Api/ContentApi/DeploymentStage.prod/Resource");
    assert!(matches(
        &stage["Properties"],
        &json!({
            "StageName": "prod",
            "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": [log_id, "Arn"]}},
            "MethodSettings": [{"LoggingLevel": "INFO", "MetricsEnabled": true, "DataTraceEnabled": false,
                                "HttpMethod": "*", "ResourcePath": "/*"}]
        })
    ));
    let format = stage["Properties"]["AccessLogSetting"]["Format"]
        .as_str()
        .expect("format");
    assert!(
        serde_json::from_str::<serde_json::Value>(format).is_ok(),
        "{format}"
    );
    assert!(stage["DependsOn"]
        .as_array()
        .expect("DependsOn")
        .contains(&json!(account_id)));
    let (_, role) = resource_at(&t, "Api/ContentApi/CloudWatchRole/Resource");
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "apigateway.amazonaws.com"
    );
    assert_eq!(role["DeletionPolicy"], "Retain");
    assert!(role["Properties"]["ManagedPolicyArns"]
        .to_string()
        .contains("AmazonAPIGatewayPushToCloudWatchLogs"));
    assert_has_resource_properties(
        &t,
        "AWS::ApiGateway::RestApi",
        json!({
            "Name": "ContentApi", "EndpointConfiguration": {"Types": ["REGIONAL"]}
        }),
    );
    Ok(())
}

#[test]
fn without_a_log_group_the_api_creates_one_for_access_logs() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = RestApi::new(&mut s, "ContentApi", Default::default())?;
    api.add_method(&mut s, api.root(), "GET", Integration::mock())?;
    assert!(api.access_log_group.is_defined());
    let t = synth(&app, "apigateway_default_log_group");
    let (log_id, _) = resource_at(&t, "Api/ContentApi/AccessLogs/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::ApiGateway::Stage",
        json!({
            "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": [log_id, "Arn"]}}
        }),
    );
    Ok(())
}

#[test]
fn the_deployment_depends_on_every_method_and_changes_id_when_methods_change() -> R {
    let build = |with_delete: bool| -> Result<(String, Vec<String>), Box<dyn std::error::Error>> {
        let mut app = App::new();
        let stack = app.stack("Api", StackProps::default())?;
        let mut s = app.at(stack)?;
        let api = RestApi::new(&mut s, "ContentApi", Default::default())?;
        let items = api.add_resource(&mut s, api.root(), "items")?;
        api.add_method(&mut s, items, "GET", Integration::mock())?;
        api.add_method(&mut s, api.root(), "GET", Integration::mock())?;
        if with_delete {
            api.add_method(&mut s, items, "DELETE", Integration::mock())?;
        }
        let t = synth(&app, "apigateway_deployment");
        let (id, dep) = resources_of(&t, "AWS::ApiGateway::Deployment")[0];
        let depends: Vec<String> = dep["DependsOn"]
            .as_array()
            .expect("DependsOn")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        let methods: Vec<String> = resources_of(&t, "AWS::ApiGateway::Method")
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        for m in &methods {
            assert!(depends.contains(m), "{m} not in {depends:?}");
        }
        Ok((id.to_string(), methods))
    };
    let (first, m1) = build(false)?;
    let (again, _) = build(false)?;
    let (changed, m2) = build(true)?;
    assert_eq!((m1.len(), m2.len()), (2, 3));
    assert!(first.starts_with("ContentApiDeployment"), "{first}");
    assert_eq!(first, again, "same methods, same deployment");
    assert_ne!(first, changed, "another method, a new deployment");
    Ok(())
}

#[test]
fn the_kinesis_integration_role_may_put_records_on_that_stream_only() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = RestApi::new(&mut s, "ContentApi", Default::default())?;
    let events = api.add_resource(&mut s, api.root(), "events")?;
    let key = kms::Key::new(&mut s, "StreamKey", Default::default())?;
    let target = KinesisTarget::from_name("globalstream-events").with_key(key.arn());
    let post = api.add_method(
        &mut s,
        events,
        "POST",
        Integration::kinesis_put_record(target),
    )?;
    let role = post.role.expect("a role");
    let statements = role.statements(s.app());
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0].actions, ["kinesis:PutRecord"]);
    assert_eq!(statements[1].actions, ["kms:GenerateDataKey"]);
    let t = synth(&app, "apigateway_kinesis");
    let (role_id, _) = resource_at(&t, "Api/ContentApi/Default/events/POST/Role/Resource");
    let (_, method) = resource_at(&t, "Api/ContentApi/Default/events/POST/Resource");
    let (resource_id, _) = resource_at(&t, "Api/ContentApi/Default/events/Resource");
    assert!(
        matches(
            &method["Properties"],
            &json!({
                "HttpMethod": "POST",
                "ResourceId": {"Ref": resource_id},
                "Integration": {
                    "Type": "AWS", "IntegrationHttpMethod": "POST",
                    "Credentials": {"Fn::GetAtt": [role_id, "Arn"]},
                    "Uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:kinesis:action/PutRecord"},
                    "RequestParameters": {"integration.request.header.Content-Type": "'application/x-amz-json-1.1'"}
                }
            })
        ),
        "{method:#}"
    );
    let template =
        method["Properties"]["Integration"]["RequestTemplates"]["application/json"].to_string();
    assert!(
        template.contains("globalstream-events")
            && template.contains("$util.base64Encode($input.body)"),
        "{template}"
    );
    let (_, policy) = resource_at(
        &t,
        "Api/ContentApi/Default/events/POST/Role/DefaultPolicy/Resource",
    );
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][0],
        json!(
        {"Action": "kinesis:PutRecord", "Effect": "Allow",
         "Resource": {"Fn::Sub": "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/globalstream-events"}})
    );
    Ok(())
}

#[test]
fn default_cors_answers_preflight_on_every_resource_and_tags_responses_with_the_origin() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let cors = CorsOptions::new([
        "https://app.globalstream.example",
        "https://admin.globalstream.example",
    ]);
    let api = RestApi::new(
        &mut s,
        "ContentApi",
        RestApiProps {
            default_cors: Some(cors),
            ..Default::default()
        },
    )?;
    let events = api.add_resource(&mut s, api.root(), "events")?;
    api.add_method(
        &mut s,
        events,
        "POST",
        Integration::kinesis_put_record(kinesis_target()),
    )?;
    let t = synth(&app, "apigateway_cors");
    let (_, root_options) = resource_at(&t, "Api/ContentApi/Default/OPTIONS/Resource");
    let (_, options) = resource_at(&t, "Api/ContentApi/Default/events/OPTIONS/Resource");
    for o in [root_options, options] {
        assert!(
            matches(
                &o["Properties"],
                &json!({
                    "HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"}
                })
            ),
            "{o:#}"
        );
        let answer = &o["Properties"]["Integration"]["IntegrationResponses"][0];
        assert!(
            matches(
                answer,
                &json!({"StatusCode": "204", "ResponseParameters": {
                    "method.response.header.Access-Control-Allow-Origin": "'https://app.globalstream.example'",
                    "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'"
                }})
            ),
            "{answer:#}"
        );
        assert_eq!(o["Properties"]["MethodResponses"][0]["StatusCode"], "204");
    }
    let vtl = options["Properties"]["Integration"]["IntegrationResponses"][0]["ResponseTemplates"]
        ["application/json"]
        .to_string();
    assert!(vtl.contains("admin"), "{vtl}");
    let (_, post) = resource_at(&t, "Api/ContentApi/Default/events/POST/Resource");
    assert_eq!(
        post["Properties"]["MethodResponses"][0]["ResponseParameters"]
            ["method.response.header.Access-Control-Allow-Origin"],
        true
    );
    Ok(())
}

#[test]
fn bad_inputs_are_refused_naming_the_construct_and_a_fix() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let err = RestApi::new(
        &mut s,
        "Bad",
        RestApiProps {
            stage_name: "prod stage".into(),
            ..Default::default()
        },
    )
    .expect_err("stage name");
    assert!(
        err.to_string().starts_with("Api/Bad: the stage name"),
        "{err}"
    );
    let err = RestApi::new(
        &mut s,
        "Cors",
        RestApiProps {
            default_cors: Some(CorsOptions::new(["app.example.com"])),
            ..Default::default()
        },
    )
    .expect_err("origin");
    assert!(err.to_string().contains("is not a CORS origin"), "{err}");
    let api = RestApi::new(&mut s, "ContentApi", Default::default())?;
    let other = RestApi::new(&mut s, "OtherApi", Default::default())?;
    let err = api
        .add_resource(&mut s, other.root(), "events")
        .expect_err("foreign parent");
    assert!(
        err.to_string()
            .contains("belongs to the API Api/OtherApi/Resource"),
        "{err}"
    );
    let err = api
        .add_resource(&mut s, api.root(), "a/b")
        .expect_err("slash");
    assert!(
        err.to_string().contains("is not a valid path part"),
        "{err}"
    );
    let err = api
        .add_method(&mut s, api.root(), "post", Integration::mock())
        .expect_err("verb");
    assert!(
        err.to_string()
            .starts_with("Api/ContentApi/Default/post: `post` is not an HTTP method"),
        "{err}"
    );
    let items = api.add_resource(&mut s, api.root(), "{id}")?;
    api.add_method(&mut s, items, "GET", Integration::mock())?;
    Ok(())
}

fn raw_api(with_dependency: bool, with_method: bool) -> Result<App, Box<dyn std::error::Error>> {
    use gs_core::RawResource;
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = s.resource::<RawResource>(
        "Api",
        Resource::new("AWS::ApiGateway::RestApi").property("Name", "raw"),
    )?;
    let deployment = s.resource::<RawResource>(
        "Deployment",
        Resource::new("AWS::ApiGateway::Deployment").property("RestApiId", Value::Ref(api.node())),
    )?;
    if with_method {
        let method = s.resource::<RawResource>(
            "Get",
            Resource::new("AWS::ApiGateway::Method").properties(
                ValueMap::new()
                    .with("AuthorizationType", "NONE")
                    .with("HttpMethod", "GET")
                    .with("Integration", ValueMap::new().with("Type", "MOCK"))
                    .with(
                        "ResourceId",
                        Value::GetAtt(api.node(), "RootResourceId".into()),
                    )
                    .with("RestApiId", Value::Ref(api.node())),
            ),
        )?;
        if with_dependency {
            app.add_dependency(deployment, method, "deploy after the method")?;
        }
    }
    Ok(app)
}

#[test]
fn a_raw_deployment_not_waiting_for_its_methods_is_refused() -> R {
    for with_method in [true, false] {
        let app = raw_api(false, with_method)?;
        let found = refused(&app);
        assert!(
            found
                .iter()
                .any(|d| d.rule == "apigateway/deployment-without-methods"
                    && d.path == "Raw/Deployment"),
            "{found:#?}"
        );
    }
    Ok(())
}

#[test]
fn a_raw_deployment_depending_on_its_method_synthesizes() -> R {
    let app = raw_api(true, true)?;
    synth(&app, "apigateway_raw_deployment_fixed");
    Ok(())
}

#[test]
fn an_api_built_with_rest_api_but_no_methods_is_refused() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    RestApi::new(&mut s, "ContentApi", Default::default())?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "apigateway/deployment-without-methods"
                && d.path == "Api/ContentApi/Deployment"),
        "{found:#?}"
    );
    Ok(())
}
