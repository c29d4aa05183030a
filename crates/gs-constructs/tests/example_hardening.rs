//! The GlobalStream example, hardened (issue 9, section 8): the database credentials use the
//! customer managed key, Redis requires an AUTH token from Secrets Manager, and the container runs
//! as a non-root user on a read-only root filesystem with writable scratch space only where the
//! image writes.

mod support;

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use serde_json::{json, Value as Json};
use support::*;

/// The primary stack's template of the example with its default configuration.
fn primary_template() -> Json {
    let config = stack::Config::from_env(|_| None).expect("defaults are valid");
    let built = stack::build(&config).expect("the example builds");
    synth(&built.app, "example_hardening")
}

#[test]
fn every_secret_of_the_primary_stack_is_encrypted_with_the_customer_managed_key() {
    let t = primary_template();
    let (key, _) = resource_at(&t, "TapStackdev/Secrets/DataKey/Resource");
    let secrets = resources_of(&t, "AWS::SecretsManager::Secret");
    assert!(secrets.len() >= 2, "{secrets:?}");
    for (id, secret) in secrets {
        assert_eq!(
            secret["Properties"]["KmsKeyId"],
            json!({"Fn::GetAtt": [key, "Arn"]}),
            "{id} is not encrypted with the data key"
        );
    }
    let (creds, _) = resource_at(&t, "TapStackdev/Secrets/DatabaseCredentials/Resource");
    // ECS reads the password through the execution role: it may decrypt with the key.
    let statements: Vec<&Json> = resources_of(&t, "AWS::IAM::Policy")
        .iter()
        .filter_map(|(_, p)| p["Properties"]["PolicyDocument"]["Statement"].as_array())
        .flatten()
        .collect();
    for wanted in [
        json!({"Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": {"Ref": creds}}),
        json!({"Action": "kms:Decrypt", "Resource": {"Fn::GetAtt": [key, "Arn"]}}),
    ] {
        assert!(
            statements.iter().any(|s| matches(s, &wanted)),
            "no statement {wanted} in {statements:#?}"
        );
    }
}

#[test]
fn redis_requires_an_auth_token_generated_into_secrets_manager() {
    let t = primary_template();
    let (_, redis) = resource_at(&t, "TapStackdev/Cache/RedisCluster/Resource");
    let (token, secret) = resource_at(&t, "TapStackdev/Cache/RedisCluster/AuthToken/Resource");
    assert_eq!(redis["Properties"]["TransitEncryptionEnabled"], true);
    assert_eq!(
        redis["Properties"]["AuthToken"],
        json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": token}, ":SecretString:::}}"]]}),
        "the token is resolved at deploy time, never written in the template"
    );
    let generate = &secret["Properties"]["GenerateSecretString"];
    assert_eq!(generate["ExcludePunctuation"], true, "{generate}");
    let length = generate["PasswordLength"].as_u64().unwrap_or_default();
    assert!((16..=128).contains(&length), "{generate}");
    assert!(generate.get("SecretStringTemplate").is_none(), "{generate}");
    // The media service reads the token through ECS secrets.
    let (_, task) = resources_of(&t, "AWS::ECS::TaskDefinition")[0];
    let secrets = &task["Properties"]["ContainerDefinitions"][0]["Secrets"];
    assert!(
        secrets
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["ValueFrom"] == json!({"Ref": token}))),
        "{secrets}"
    );
}

#[test]
fn the_container_runs_as_a_non_root_user_on_a_read_only_root_filesystem() {
    let t = primary_template();
    let (_, task) = resources_of(&t, "AWS::ECS::TaskDefinition")[0];
    let c = &task["Properties"]["ContainerDefinitions"][0];
    let user = c["User"].as_str().unwrap_or("root");
    let uid = user.split(':').next().unwrap_or("root");
    assert!(
        uid != "0" && uid != "root" && !uid.is_empty(),
        "User {user}"
    );
    assert_eq!(c["ReadonlyRootFilesystem"], true);
    let image = c["Image"].as_str().unwrap_or_default();
    assert!(
        image.starts_with("public.ecr.aws/nginx/nginx-unprivileged:"),
        "an image built to run as a non-root user: {image}"
    );
    assert_eq!(
        c["PortMappings"][0]["ContainerPort"], 8080,
        "nginx-unprivileged listens on 8080"
    );
    let tmpfs: Vec<&str> = c["LinuxParameters"]["Tmpfs"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|m| m["ContainerPath"].as_str())
                .collect()
        })
        .unwrap_or_default();
    for path in ["/tmp", "/var/cache/nginx"] {
        assert!(tmpfs.contains(&path), "{path} is writable: {tmpfs:?}");
    }
}
