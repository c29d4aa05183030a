//! The L2 options behind the hardened example: Redis authentication (`RedisAuth`, an AUTH token
//! in Secrets Manager by default, and `security/cache-without-auth`), and containers that run as a
//! given user on a read-only root filesystem with tmpfs scratch space.

mod support;

use gs_constructs::ecs::Tmpfs;
use gs_constructs::elasticache::{RedisAuth, ReplicationGroupProps};
use gs_constructs::prelude::*;
use gs_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
use gs_core::RawResource;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

/// An app with a VPC, and a Redis group built with `props`.
fn redis(
    props: ReplicationGroupProps,
) -> Result<(App, elasticache::ReplicationGroup), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Cache", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let group = elasticache::ReplicationGroup::new(&mut s, "Redis", vpc, props)?;
    Ok((app, group))
}

#[test]
fn redis_authenticates_by_default_with_a_generated_token_never_written_in_the_template() -> R {
    let (app, group) = redis(Default::default())?;
    let token = group.auth_token.ok_or("a generated token")?;
    assert_eq!(app.path(token.node)?, "Cache/Redis/AuthToken");
    let t = synth(&app, "hardening_redis_token");
    let (token_id, secret) = resource_at(&t, "Cache/Redis/AuthToken/Resource");
    assert_eq!(
        secret["Properties"]["GenerateSecretString"],
        json!({"ExcludePunctuation": true, "PasswordLength": 64})
    );
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({
            "AuthToken": {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": token_id}, ":SecretString:::}}"]]},
            "TransitEncryptionEnabled": true
        }),
    );
    assert!(
        !app.validate(&CfnBackend::default())
            .iter()
            .any(|d| d.rule == "security/cache-without-auth"),
        "authenticated: no finding"
    );
    Ok(())
}

#[test]
fn the_generated_token_is_encrypted_with_the_caches_key() -> R {
    let mut app = App::new();
    let stack = app.stack("Cache", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let key = kms::Key::new(&mut s, "Key", Default::default())?;
    let group = elasticache::ReplicationGroup::new(
        &mut s,
        "Redis",
        vpc,
        ReplicationGroupProps {
            at_rest_encryption_key: Some(key),
            ..Default::default()
        },
    )?;
    assert_eq!(group.auth_token.and_then(|t| t.key), Some(key));
    synth(&app, "hardening_redis_token_key");
    Ok(())
}

#[test]
fn a_token_secret_of_ones_own_or_rbac_user_groups_can_be_given() -> R {
    let mut app = App::new();
    let stack = app.stack("Cache", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let token = Secret::new(
        &mut s,
        "RedisToken",
        SecretProps {
            generate: GenerateSecretString::auth_token(),
            ..Default::default()
        },
    )?;
    let own = elasticache::ReplicationGroup::new(
        &mut s,
        "Own",
        vpc,
        ReplicationGroupProps {
            auth: RedisAuth::Token(token),
            ..Default::default()
        },
    )?;
    assert_eq!(own.auth_token, Some(token));
    let rbac = elasticache::ReplicationGroup::new(
        &mut s,
        "Rbac",
        vpc,
        ReplicationGroupProps {
            auth: RedisAuth::UserGroups(vec![Value::from("globalstream-users")]),
            ..Default::default()
        },
    )?;
    assert_eq!(rbac.auth_token, None);
    let t = synth(&app, "hardening_redis_own_token_rbac");
    let (token_id, _) = resource_at(&t, "Cache/RedisToken/Resource");
    let (_, own) = resource_at(&t, "Cache/Own/Resource");
    assert_eq!(
        own["Properties"]["AuthToken"]["Fn::Join"][1][1],
        json!({"Ref": token_id})
    );
    let (_, rbac) = resource_at(&t, "Cache/Rbac/Resource");
    assert_eq!(
        rbac["Properties"]["UserGroupIds"],
        json!(["globalstream-users"])
    );
    assert!(rbac["Properties"].get("AuthToken").is_none());
    assert_eq!(resources_of(&t, "AWS::SecretsManager::Secret").len(), 1);
    Ok(())
}

#[test]
fn authentication_that_elasticache_would_refuse_is_refused_and_leaves_nothing_behind() -> R {
    let mut app = App::new();
    let stack = app.stack("Cache", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let creds = Secret::new(
        &mut s,
        "Creds",
        SecretProps {
            generate: GenerateSecretString::credentials("app"),
            ..Default::default()
        },
    )?;
    let before = s.app().len();
    let cases: Vec<(ReplicationGroupProps, &str)> = vec![
        (
            ReplicationGroupProps {
                transit_encryption: false,
                ..Default::default()
            },
            "transit encryption is off",
        ),
        (
            ReplicationGroupProps {
                auth: RedisAuth::Token(creds),
                ..Default::default()
            },
            "generates a JSON document, not a token",
        ),
        (
            ReplicationGroupProps {
                auth: RedisAuth::UserGroups(Vec::new()),
                ..Default::default()
            },
            "no user group is given",
        ),
        (
            ReplicationGroupProps {
                auth: RedisAuth::UserGroups(vec![Value::from("users")]),
                engine_version: "5.0.6".into(),
                ..Default::default()
            },
            "has no role-based access control",
        ),
    ];
    for (props, says) in cases {
        let err = elasticache::ReplicationGroup::new(&mut s, "Redis", vpc, props)
            .expect_err(says)
            .to_string();
        assert!(
            err.starts_with("Cache/Redis: ") && err.contains(says),
            "{err}"
        );
        assert_eq!(s.app().len(), before, "{says}: nothing left behind");
    }
    Ok(())
}

#[test]
fn a_cache_without_authentication_is_a_warning_typed_or_raw() -> R {
    let (mut app, group) = redis(ReplicationGroupProps {
        auth: RedisAuth::None,
        transit_encryption: false,
        ..Default::default()
    })?;
    assert_eq!(group.auth_token, None);
    let stack = app.stacks()[0];
    app.at(stack)?.resource::<RawResource>(
        "RawRedis",
        Resource::new("AWS::ElastiCache::ReplicationGroup")
            .property("ReplicationGroupDescription", "raw")
            .property("Engine", "redis"),
    )?;
    app.at(stack)?.resource::<RawResource>(
        "RawMemcached",
        Resource::new("AWS::ElastiCache::ReplicationGroup")
            .property("ReplicationGroupDescription", "raw")
            .property("Engine", "memcached"),
    )?;
    let mut found: Vec<String> = app
        .validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == "security/cache-without-auth")
        .map(|d| d.path)
        .collect();
    found.sort();
    assert_eq!(found, ["Cache/RawRedis", "Cache/Redis"]);
    Ok(())
}

/// An app with a task definition (512 MiB) and a container added with `props`.
fn container(props: ecs::ContainerProps) -> Result<App, Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Tasks", StackProps::default())?;
    let mut s = app.at(stack)?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "Task", Default::default())?;
    task.add_container(
        &mut s,
        "web",
        "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine",
        props,
    )?;
    Ok(app)
}

#[test]
fn a_container_runs_as_its_user_on_a_read_only_root_with_tmpfs_scratch_space() -> R {
    let app = container(ecs::ContainerProps {
        user: Some("101:101".into()),
        readonly_root_filesystem: true,
        tmpfs: vec![Tmpfs::new("/tmp", 64), Tmpfs::new("/var/cache/nginx", 32)],
        ..Default::default()
    })?;
    let t = synth(&app, "hardening_container_read_only");
    assert_has_resource_properties(
        &t,
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{
            "LinuxParameters": {"Tmpfs": [
                {"ContainerPath": "/tmp", "MountOptions": ["nosuid", "nodev", "noexec"], "Size": 64},
                {"ContainerPath": "/var/cache/nginx", "MountOptions": ["nosuid", "nodev", "noexec"], "Size": 32}
            ]},
            "ReadonlyRootFilesystem": true,
            "User": "101:101"
        }]}),
    );
    let plain = synth(&container(Default::default())?, "hardening_container_plain");
    let (_, task) = resources_of(&plain, "AWS::ECS::TaskDefinition")[0];
    let c = &task["Properties"]["ContainerDefinitions"][0];
    for absent in ["User", "ReadonlyRootFilesystem", "LinuxParameters"] {
        assert!(c.get(absent).is_none(), "{absent} only when asked for");
    }
    Ok(())
}

#[test]
fn users_and_tmpfs_mounts_ecs_would_refuse_are_refused() -> R {
    let cases: Vec<(ecs::ContainerProps, &str)> = vec![
        (
            ecs::ContainerProps {
                user: Some("nginx user".into()),
                ..Default::default()
            },
            "is not `uid`, `uid:gid`",
        ),
        (
            ecs::ContainerProps {
                user: Some("1:2:3".into()),
                ..Default::default()
            },
            "is not `uid`, `uid:gid`",
        ),
        (
            ecs::ContainerProps {
                tmpfs: vec![Tmpfs::new("tmp", 8)],
                ..Default::default()
            },
            "is not an absolute directory",
        ),
        (
            ecs::ContainerProps {
                tmpfs: vec![Tmpfs::new("/tmp", 8), Tmpfs::new("/tmp", 8)],
                ..Default::default()
            },
            "two tmpfs mounts at `/tmp`",
        ),
        (
            ecs::ContainerProps {
                tmpfs: vec![Tmpfs::new("/tmp", 0)],
                ..Default::default()
            },
            "a size of 0 MiB",
        ),
        (
            ecs::ContainerProps {
                tmpfs: vec![Tmpfs {
                    mount_options: vec!["nosetuid".into()],
                    ..Tmpfs::new("/tmp", 8)
                }],
                ..Default::default()
            },
            "`nosetuid` is not a tmpfs mount option",
        ),
        (
            ecs::ContainerProps {
                tmpfs: vec![Tmpfs::new("/tmp", 256), Tmpfs::new("/cache", 256)],
                ..Default::default()
            },
            "take 512 MiB of the container's 512 MiB",
        ),
    ];
    for (props, says) in cases {
        let err = container(props).expect_err(says).to_string();
        assert!(
            err.starts_with("Tasks/Task/web: ") && err.contains(says),
            "{err}"
        );
    }
    Ok(())
}

#[test]
fn an_efs_volume_cannot_be_mounted_where_a_tmpfs_mount_is() -> R {
    let mut app = App::new();
    let stack = app.stack("Tasks", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "Files", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(&mut s, "Point", fs, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "Task", Default::default())?;
    let web = task.add_container(
        &mut s,
        "web",
        "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine",
        ecs::ContainerProps {
            tmpfs: vec![Tmpfs::new("/data", 16)],
            ..Default::default()
        },
    )?;
    let err = task
        .mount(&mut s, "data", ap, web, "/data", ecs::Mount::read_write())
        .expect_err("tmpfs there")
        .to_string();
    assert!(err.contains("has a tmpfs mount at `/data`"), "{err}");
    Ok(())
}
