//! Secrets: generated values, customer managed keys, replica Regions, rotation.

mod support;

use gs_constructs::prelude::*;
use gs_constructs::secretsmanager::{GenerateSecretString, Rotation, Secret, SecretProps};
use serde_json::json;
use support::*;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app
        .stack(
            "Secrets",
            StackProps {
                region: Some("us-east-1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    (app, stack)
}

const ROTATOR: &str = "arn:aws:lambda:us-east-1:123456789012:function:rotate-postgres";

#[test]
fn database_credentials_are_generated_encrypted_replicated_and_rotated(
) -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "Key", Default::default())?;
    let secret = Secret::new(
        &mut s,
        "DatabaseCredentials",
        SecretProps {
            generate: GenerateSecretString::credentials("globalstream"),
            key: Some(key),
            replica_regions: vec!["us-west-2".into()],
            rotation: Some(Rotation {
                lambda_arn: ROTATOR.into(),
                every_days: 30,
                rotate_immediately: false,
            }),
            ..Default::default()
        },
    )?;
    assert_eq!(secret.key, Some(key));
    let t = synth(&app, "secretsmanager_credentials");
    let (key_id, _) = resource_at(&t, "Secrets/Key/Resource");
    let (secret_id, r) = resource_at(&t, "Secrets/DatabaseCredentials/Resource");
    assert!(matches(
        &r["Properties"],
        &json!({
            "GenerateSecretString": {"GenerateStringKey": "password", "PasswordLength": 32,
                                     "SecretStringTemplate": "{\"username\":\"globalstream\"}"},
            "KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
            "ReplicaRegions": [{"Region": "us-west-2"}],
        })
    ));
    assert_eq!(r["DeletionPolicy"], "Retain");
    assert_has_resource_properties(
        &t,
        "AWS::SecretsManager::RotationSchedule",
        json!({"SecretId": {"Ref": secret_id}, "RotationLambdaARN": ROTATOR,
               "RotationRules": {"AutomaticallyAfterDays": 30}, "RotateImmediatelyOnUpdate": false}),
    );
    Ok(())
}

#[test]
fn a_field_of_the_secret_is_a_dynamic_reference_resolved_at_deploy_time(
) -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let secret = Secret::new(&mut s, "ApiKey", Default::default())?;
    assert_eq!(
        secret.field("password"),
        gs_constructs::cfn::secret_value(secret.arn(), Some("password"))
    );
    Ok(())
}

#[test]
fn a_rotation_period_outside_1_to_1000_days_is_refused_before_anything_is_built(
) -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let err = Secret::new(
        &mut s,
        "ApiKey",
        SecretProps {
            rotation: Some(Rotation {
                lambda_arn: ROTATOR.into(),
                every_days: 0,
                rotate_immediately: true,
            }),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "Secrets/ApiKey: rotation every 0 days is outside 1 to 1000; fix: rotate every 1 to 1000 days, e.g. 30"
    );
    // Nothing was added, so the id is still free.
    Secret::new(&mut s, "ApiKey", Default::default())?;
    Ok(())
}

#[test]
fn a_replica_in_the_stacks_own_region_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let err = Secret::new(
        &mut s,
        "ApiKey",
        SecretProps {
            replica_regions: vec!["us-east-1".into()],
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .contains("`us-east-1` is not another Region"),
        "{err}"
    );
    Ok(())
}
