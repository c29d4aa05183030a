//! A Lambda function behind a REST API method (`Integration::lambda`): the proxy integration and
//! the permission derived for it, as aws-cdk-lib's `LambdaIntegration` writes them; a function
//! of another app refused at the call; `apigateway/lambda-without-permission` on typed and raw
//! methods.
mod support;

use gs_constructs::apigateway::{Integration, RestApi};
use gs_constructs::lambda::{Code, Function, FunctionProps, Runtime};
use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const RULE: &str = "apigateway/lambda-without-permission";

fn function(s: &mut Scope<'_>, id: &str, props: FunctionProps) -> Function {
    Function::new(
        s,
        id,
        Runtime::Python3_12,
        "index.handler",
        Code::from_inline(
            "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n",
        ),
        props,
    )
    .expect("function")
}

/// The `Fn::Join` CDK writes for a method's `execute-api` ARN: API, stage, then `tail`.
fn method_arn(api: &str, stage: Json, tail: &str) -> Json {
    json!({"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":",
        {"Ref": "AWS::AccountId"}, ":", {"Ref": api}, "/", stage, tail
    ]]})
}

#[test]
fn a_lambda_method_is_an_aws_proxy_integration_with_a_permission_scoped_to_the_method() -> R {
    let mut app = App::new();
    let stack = app.stack("Shop", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    let api = RestApi::new(&mut s, "Api", Default::default())?;
    let orders = api.add_resource(&mut s, api.root(), "orders")?;
    let one = api.add_resource(&mut s, orders, "{orderId}")?;
    let post = api.add_method(&mut s, orders, "POST", Integration::lambda(f))?;
    let any = api.add_method(&mut s, one, "ANY", Integration::lambda(f))?;
    let get_root = api.add_method(&mut s, api.root(), "GET", Integration::lambda(f))?;
    assert!(post.role.is_none() && post.test_permission.is_none());

    let t = synth(&app, "apigateway_lambda_proxy");
    let (fn_id, _) = resource_at(&t, "Shop/Handler/Resource");
    let (api_id, _) = resource_at(&t, "Shop/Api/Resource");
    let (stage_id, _) = resource_at(&t, "Shop/Api/DeploymentStage.prod/Resource");
    let (_, method) = resource_at(&t, "Shop/Api/Default/orders/POST/Resource");
    assert_eq!(
        method["Properties"]["Integration"],
        json!({
            "IntegrationHttpMethod": "POST",
            "Type": "AWS_PROXY",
            "Uri": {"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
                ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": [fn_id, "Arn"]}, "/invocations"
            ]]}
        })
    );
    assert!(
        method["Properties"].get("MethodResponses").is_none(),
        "{method:#}"
    );
    assert_eq!(method["Properties"]["AuthorizationType"], "AWS_IAM");

    // One permission per method, under the method, at CDK's id, scoped to the stage, the verb
    // (`*` for ANY) and the path (`*` for a parameter).
    let unique = |path: &[&str]| gs_core::logical_id_of(path).unwrap_or_default();
    let prefix = format!(
        "ApiPermission.{}.{}",
        unique(&["Shop", "Handler"]),
        unique(&["Shop", "Api"])
    );
    let stage = json!({"Ref": stage_id});
    for (m, path, tail) in [
        (
            post,
            format!("Shop/Api/Default/orders/POST/{prefix}.POST..orders"),
            "/POST/orders",
        ),
        (
            any,
            format!("Shop/Api/Default/orders/{{orderId}}/ANY/{prefix}.ANY..orders.{{orderId}}"),
            "/*/orders/*",
        ),
        (
            get_root,
            format!("Shop/Api/Default/GET/{prefix}.GET.."),
            "/GET/",
        ),
    ] {
        let node = m.permission.expect("a permission");
        assert_eq!(app.path(node)?, path);
        let (_, permission) = resource_at(&t, &path);
        assert_eq!(
            permission["Properties"],
            json!({
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Fn::GetAtt": [fn_id, "Arn"]},
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": method_arn(api_id, stage.clone(), tail),
            })
        );
    }
    assert_eq!(resources_of(&t, "AWS::Lambda::Permission").len(), 3);
    Ok(())
}

#[test]
fn test_invoke_adds_the_permission_for_the_consoles_test_stage() -> R {
    let mut app = App::new();
    let stack = app.stack("Shop", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    let api = RestApi::new(&mut s, "Api", Default::default())?;
    let get = api.add_method(
        &mut s,
        api.root(),
        "GET",
        Integration::lambda(f).with_test_invoke(),
    )?;
    let test = get.test_permission.expect("the test permission");
    let path = app.path(test)?;
    assert!(
        path.starts_with("Shop/Api/Default/GET/ApiPermission.Test.") && path.ends_with(".GET.."),
        "{path}"
    );
    let t = synth(&app, "apigateway_lambda_test_invoke");
    let (api_id, _) = resource_at(&t, "Shop/Api/Resource");
    let (_, permission) = resource_at(&t, &path);
    assert_eq!(
        permission["Properties"]["SourceArn"],
        method_arn(api_id, json!("test-invoke-stage"), "/GET/")
    );
    assert_eq!(resources_of(&t, "AWS::Lambda::Permission").len(), 2);
    Ok(())
}

#[test]
fn renaming_a_named_function_redeploys_the_api() -> R {
    let deployment_id = |name: &str| -> Result<String, Box<dyn std::error::Error>> {
        let mut app = App::new();
        let stack = app.stack("Shop", StackProps::default())?;
        let mut s = app.at(stack)?;
        let f = function(
            &mut s,
            "Handler",
            FunctionProps {
                function_name: Some(name.into()),
                ..Default::default()
            },
        );
        let api = RestApi::new(&mut s, "Api", Default::default())?;
        api.add_method(&mut s, api.root(), "GET", Integration::lambda(f))?;
        let t = synth(&app, "apigateway_lambda_named");
        Ok(resource_at(&t, "Shop/Api/Deployment/Resource")
            .0
            .to_string())
    };
    assert_ne!(deployment_id("orders-a")?, deployment_id("orders-b")?);
    assert_eq!(deployment_id("orders-a")?, deployment_id("orders-a")?);
    Ok(())
}

#[test]
fn a_function_of_another_app_is_refused_at_the_call_and_leaves_the_tree_as_it_was() -> R {
    let mut other = App::new();
    let elsewhere = other.stack("Other", StackProps::default())?;
    let foreign = function(
        &mut other.at(elsewhere)?,
        "Handler",
        FunctionProps::default(),
    );

    let mut app = App::new();
    let stack = app.stack("Shop", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = RestApi::new(&mut s, "Api", Default::default())?;
    api.add_method(&mut s, api.root(), "GET", Integration::mock())?;
    let before = app.synth(&CfnBackend::default())?;
    let nodes = app.len();
    let err = api
        .add_method(
            &mut app.at(stack)?,
            api.root(),
            "POST",
            Integration::lambda(foreign),
        )
        .expect_err("another app's function");
    let text = err.to_string();
    assert!(
        text.starts_with("Shop/Api/Default/POST: ")
            && text.contains("another App")
            && text.contains("fix: create the function in this app"),
        "{text}"
    );
    assert_eq!(app.len(), nodes);
    let after = app.synth(&CfnBackend::default())?;
    assert_eq!(before.artifacts.len(), after.artifacts.len());
    for (a, b) in before.artifacts.iter().zip(&after.artifacts) {
        assert_eq!(
            (&a.file_name, &a.bytes),
            (&b.file_name, &b.bytes),
            "{}",
            a.file_name
        );
    }
    // The method's id is free: a function of this app takes it.
    let f = function(&mut app.at(stack)?, "Handler", FunctionProps::default());
    api.add_method(
        &mut app.at(stack)?,
        api.root(),
        "POST",
        Integration::lambda(f),
    )?;
    synth(&app, "apigateway_lambda_after_refusal");
    Ok(())
}

// --- apigateway/lambda-without-permission, on raw resources ---

/// A raw REST API with a raw `method` (`HttpMethod`) on `/orders` whose proxy integration
/// invokes `f`; returns the API's node.
fn raw_api(s: &mut Scope<'_>, f: &Function, verb: &str) -> Result<NodeId, ConstructError> {
    let api = s.resource::<()>(
        "RawApi",
        Resource::new("AWS::ApiGateway::RestApi").property("Name", "raw"),
    )?;
    let orders = s.resource::<()>(
        "RawOrders",
        Resource::new("AWS::ApiGateway::Resource").properties(
            ValueMap::new()
                .with(
                    "ParentId",
                    Value::GetAtt(api.node(), "RootResourceId".into()),
                )
                .with("PathPart", "orders")
                .with("RestApiId", Value::Ref(api.node())),
        ),
    )?;
    s.resource::<()>(
        "RawMethod",
        Resource::new("AWS::ApiGateway::Method").properties(
            ValueMap::new()
                .with("AuthorizationType", "AWS_IAM")
                .with("HttpMethod", verb)
                .with(
                    "Integration",
                    ValueMap::new()
                        .with("IntegrationHttpMethod", "POST")
                        .with("Type", "AWS_PROXY")
                        .with(
                            "Uri",
                            Value::sub_with(
                                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn}/invocations",
                                ValueMap::new().with("Fn", f.arn()),
                            ),
                        ),
                )
                .with("ResourceId", Value::Ref(orders.node()))
                .with("RestApiId", Value::Ref(api.node())),
        ),
    )?;
    Ok(api.node())
}

fn execute_api(api: NodeId, tail: &str) -> Value {
    Value::sub_with(
        format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{Api}}{tail}"),
        ValueMap::new().with("Api", Value::Ref(api)),
    )
}

#[test]
fn a_raw_proxy_method_without_a_permission_is_refused() -> R {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    raw_api(&mut s, &f, "POST")?;
    assert_refused(&app, RULE, "Raw/RawMethod");
    let found = refused(&app);
    let finding = found.iter().find(|d| d.rule == RULE).expect("the finding");
    assert!(
        finding.message.contains("no AWS::Lambda::Permission")
            && finding.message.contains("Raw/Handler"),
        "{finding}"
    );
    Ok(())
}

#[test]
fn a_permission_for_another_verb_path_or_api_does_not_count() -> R {
    for (tail, other_api) in [
        ("/*/GET/orders", false),
        ("/*/POST/items", false),
        ("/*/*/*", true),
    ] {
        let mut app = App::new();
        let stack = app.stack("Raw", StackProps::default())?;
        let mut s = app.at(stack)?;
        let f = function(&mut s, "Handler", FunctionProps::default());
        let api = raw_api(&mut s, &f, "POST")?;
        let scoped_to = if other_api {
            s.resource::<()>(
                "OtherApi",
                Resource::new("AWS::ApiGateway::RestApi").property("Name", "other"),
            )?
            .node()
        } else {
            api
        };
        f.add_permission(
            &mut s,
            "AllowApi",
            "apigateway.amazonaws.com",
            execute_api(scoped_to, tail),
        )?;
        let found = refused(&app);
        assert!(
            found.iter().any(|d| d.rule == RULE
                && d.path == "Raw/RawMethod"
                && d.message.contains("do not cover POST /orders")),
            "{tail} (other API: {other_api}): {found:?}"
        );
    }
    Ok(())
}

#[test]
fn a_raw_method_with_a_matching_or_unscoped_permission_or_credentials_passes() -> R {
    for (i, tail) in ["/*/POST/orders", "/*", "/prod/*/orders", "/*/?OST/*"]
        .into_iter()
        .enumerate()
    {
        let mut app = App::new();
        let stack = app.stack("Raw", StackProps::default())?;
        let mut s = app.at(stack)?;
        let f = function(&mut s, "Handler", FunctionProps::default());
        let api = raw_api(&mut s, &f, "POST")?;
        f.add_permission(
            &mut s,
            "AllowApi",
            "apigateway.amazonaws.com",
            execute_api(api, tail),
        )?;
        synth(&app, &format!("apigateway_lambda_raw_permitted_{i}"));
    }
    // An ANY method needs every verb: a permission for `*` covers them.
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    let api = raw_api(&mut s, &f, "ANY")?;
    let p = f.add_permission(
        &mut s,
        "AllowApi",
        "apigateway.amazonaws.com",
        execute_api(api, "/*/GET/orders"),
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == RULE && d.message.contains("POST,PUT,PATCH,DELETE,HEAD,OPTIONS")),
        "{found:?}"
    );
    app.set_property(p, "SourceArn", execute_api(api, "/*/*/orders"))?;
    synth(&app, "apigateway_lambda_raw_any");

    // With Credentials, API Gateway invokes with the role: no resource policy is needed.
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    raw_api(&mut s, &f, "POST")?;
    let role = iam::Role::new(
        &mut s,
        "Invoker",
        "apigateway.amazonaws.com",
        Default::default(),
    )?;
    f.grant_invoke(&mut s, role)?;
    let method = app
        .freeze()
        .all_elements()
        .find(|n| app.path(*n).is_ok_and(|p| p == "Raw/RawMethod"))
        .expect("the method");
    let mut integration = app
        .node(method)?
        .as_resource()
        .and_then(|r| r.properties.get("Integration"))
        .and_then(Value::as_map)
        .cloned()
        .expect("the integration");
    integration.insert("Credentials", role.arn());
    app.set_property(method, "Integration", integration)?;
    synth(&app, "apigateway_lambda_raw_credentials");
    Ok(())
}

#[test]
fn the_typed_integration_passes_the_rule_and_removing_its_permission_fails_it() -> R {
    let mut app = App::new();
    let stack = app.stack("Shop", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    let api = RestApi::new(&mut s, "Api", Default::default())?;
    let get = api.add_method(&mut s, api.root(), "GET", Integration::lambda(f))?;
    synth(&app, "apigateway_lambda_typed");
    // The permission pointed at another function: the method is refused.
    let g = function(&mut app.at(stack)?, "Other", FunctionProps::default());
    let permission = get.permission.expect("permission");
    app.set_property(permission, "FunctionName", g.arn())?;
    assert_refused(&app, RULE, "Shop/Api/Default/GET");
    Ok(())
}
