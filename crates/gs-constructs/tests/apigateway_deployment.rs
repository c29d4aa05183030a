//! The API's deployment follows the API: its logical ID carries a hash of the API's
//! CloudFormation model (the RestApi, every resource, every method), as CDK's
//! `LatestDeployment` does, so any change to what the stage serves makes CloudFormation create a
//! new deployment and point the stage at it.

mod support;

use gs_constructs::apigateway::{Integration, KinesisTarget, RestApi, RestApiProps};
use gs_constructs::prelude::*;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

/// What a variant of the test API changes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Change {
    Nothing,
    ApiDescription,
    ApiPropertyAfterMethods,
    MethodVerb,
    ResourcePath,
    Integration,
    MethodPropertyAfterAdding,
    ApiTag,
}

/// The deployment's logical ID and the stage's `DeploymentId` of the test API with `change`.
fn deployment_of(
    change: Change,
) -> Result<(String, serde_json::Value), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = RestApi::new(
        &mut s,
        "ContentApi",
        RestApiProps {
            description: Some(if change == Change::ApiDescription {
                "events, version 2".into()
            } else {
                "events".into()
            }),
            ..Default::default()
        },
    )?;
    let part = if change == Change::ResourcePath {
        "records"
    } else {
        "events"
    };
    let events = api.add_resource(&mut s, api.root(), part)?;
    let verb = if change == Change::MethodVerb {
        "PUT"
    } else {
        "POST"
    };
    let mut integration = Integration::kinesis_put_record(KinesisTarget::from_name("events"));
    if change == Change::Integration {
        integration = integration.with_partition_key("$input.path('$.userId')");
    }
    let post = api.add_method(&mut s, events, verb, integration)?;
    api.add_method(&mut s, api.root(), "GET", Integration::mock())?;
    if change == Change::ApiPropertyAfterMethods {
        app.resource_mut(api.resource)?
            .properties
            .insert("Description", "changed after the methods");
    }
    if change == Change::MethodPropertyAfterAdding {
        app.resource_mut(post.resource)?
            .properties
            .insert("OperationName", "PutEvent");
    }
    if change == Change::ApiTag {
        app.tag(api.node, "team", "streaming")?;
    }
    let t = synth(&app, &format!("apigateway_deployment_{change:?}"));
    let deployments = resources_of(&t, "AWS::ApiGateway::Deployment");
    assert_eq!(deployments.len(), 1);
    let (_, stage) = resource_at(&t, "Api/ContentApi/DeploymentStage.prod/Resource");
    Ok((
        deployments[0].0.to_string(),
        stage["Properties"]["DeploymentId"].clone(),
    ))
}

#[test]
fn an_unchanged_api_keeps_its_deployment_id() -> R {
    let (first, _) = deployment_of(Change::Nothing)?;
    let (again, _) = deployment_of(Change::Nothing)?;
    assert_eq!(first, again);
    Ok(())
}

#[test]
fn the_deployment_id_is_the_natural_id_then_the_md5_of_the_api_model_as_in_cdk() -> R {
    let (id, _) = deployment_of(Change::Nothing)?;
    let natural =
        gs_core::logical_id_of(&["ContentApi", "Deployment", "Resource"]).unwrap_or_default();
    let hash = id.strip_prefix(natural.as_str()).unwrap_or_default();
    assert_eq!(
        hash.len(),
        32,
        "{id}: 32 hex digits of an MD5 after {natural}"
    );
    assert!(
        hash.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "{id}: lower-case hex, as CDK's md5hash"
    );
    Ok(())
}

#[test]
fn every_change_to_what_the_stage_serves_gives_a_new_deployment_the_stage_points_at() -> R {
    let (base, _) = deployment_of(Change::Nothing)?;
    for change in [
        Change::ApiDescription,
        Change::ApiPropertyAfterMethods,
        Change::MethodVerb,
        Change::ResourcePath,
        Change::Integration,
        Change::MethodPropertyAfterAdding,
        Change::ApiTag,
    ] {
        let (id, stage_ref) = deployment_of(change)?;
        assert_ne!(id, base, "{change:?} must replace the deployment");
        assert_eq!(
            stage_ref,
            serde_json::json!({ "Ref": id }),
            "{change:?}: the stage serves the new deployment"
        );
    }
    Ok(())
}

#[test]
fn the_deployment_depends_on_every_resource_of_the_api_as_in_cdk() -> R {
    let mut app = App::new();
    let stack = app.stack("Api", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = RestApi::new(&mut s, "ContentApi", Default::default())?;
    let events = api.add_resource(&mut s, api.root(), "events")?;
    let bare = api.add_resource(&mut s, events, "{id}")?;
    api.add_method(&mut s, events, "GET", Integration::mock())?;
    let t = synth(&app, "apigateway_deployment_resources");
    let (_, dep) = resources_of(&t, "AWS::ApiGateway::Deployment")[0];
    let tree = app.freeze();
    for r in [events, bare] {
        let node = r.resource.ok_or("a resource below the root")?;
        let id = tree.logical_id(node).ok_or("logical id")?;
        assert!(
            dep["DependsOn"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x == id)),
            "{id} not in {}",
            dep["DependsOn"]
        );
    }
    Ok(())
}
