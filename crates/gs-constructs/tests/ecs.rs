mod support;

use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

#[derive(Clone, Copy)]
struct Parts {
    vpc: ec2::Vpc,
    fs: efs::FileSystem,
    ap: efs::AccessPoint,
    cluster: ecs::Cluster,
    task: ecs::FargateTaskDefinition,
    container: ecs::Container,
}

/// A VPC, a file system with an access point, a cluster and a task with one container; no
/// mount and no service yet.
fn base(ap_props: efs::AccessPointProps) -> Result<(App, Parts), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Ecs", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(&mut s, "ContentAccessPoint", fs, ap_props)?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let container = task.add_container(&mut s, "media", IMAGE, Default::default())?;
    Ok((
        app,
        Parts {
            vpc,
            fs,
            ap,
            cluster,
            task,
            container,
        },
    ))
}

fn service_props() -> ecs::FargateServiceProps {
    ecs::FargateServiceProps {
        security_group_id: "EcsTaskSecurityGroup".into(),
        ..Default::default()
    }
}

/// The base, the access point mounted read-write at /mnt/content, and a service.
fn mounted(
    mode: ecs::Mount,
    ap_props: efs::AccessPointProps,
) -> Result<(App, Parts, ecs::FargateService), Box<dyn std::error::Error>> {
    let (mut app, p) = base(ap_props)?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    p.task
        .mount(&mut s, "content", p.ap, p.container, "/mnt/content", mode)?;
    let svc = ecs::FargateService::new(
        &mut s,
        "MediaProcessingService",
        p.cluster,
        p.task,
        service_props(),
    )?;
    Ok((app, p, svc))
}

#[test]
fn cluster_has_container_insights_enabled() -> R {
    let (app, _) = base(Default::default())?;
    let t = synth(&app, "ecs_cluster");
    assert_has_resource_properties(
        &t,
        "AWS::ECS::Cluster",
        json!({"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]}),
    );
    Ok(())
}

#[test]
fn task_definition_has_roles_and_the_execution_managed_policy() -> R {
    let (app, _) = base(Default::default())?;
    let t = synth(&app, "ecs_task_definition");
    let (task_role, _) = resource_at(&t, "Ecs/TaskDef/TaskRole/Resource");
    let (exec_role, exec) = resource_at(&t, "Ecs/TaskDef/ExecutionRole/Resource");
    assert_eq!(
        exec["Properties"]["ManagedPolicyArns"],
        json!([{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
            ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]]}])
    );
    assert_has_resource_properties(
        &t,
        "AWS::ECS::TaskDefinition",
        json!({
            "Cpu": "256", "Memory": "512", "NetworkMode": "awsvpc", "RequiresCompatibilities": ["FARGATE"],
            "TaskRoleArn": {"Fn::GetAtt": [task_role, "Arn"]},
            "ExecutionRoleArn": {"Fn::GetAtt": [exec_role, "Arn"]},
        }),
    );
    Ok(())
}

#[test]
fn a_memory_size_fargate_does_not_offer_is_refused_naming_the_task_definition() -> R {
    let mut app = App::new();
    let stack = app.stack("Ecs", StackProps::default())?;
    let mut s = app.at(stack)?;
    let err = ecs::FargateTaskDefinition::new(
        &mut s,
        "TaskDef",
        ecs::FargateTaskDefinitionProps {
            cpu: 1024,
            memory_mib: 1024,
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string().starts_with("Ecs/TaskDef: 1024 MiB is not"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_mount_admits_the_service_on_nfs_into_the_file_system_security_group() -> R {
    let (app, p, svc) = mounted(ecs::Mount::read_write(), Default::default())?;
    assert!(ec2::Ingress::admits(
        &app,
        p.fs.security_group,
        svc.security_group,
        2049
    ));
    let t = synth(&app, "ecs_mount_ingress");
    let (efs_sg, _) = resource_at(&t, "Ecs/ContentFileSystem/EfsSecurityGroup/Resource");
    let (svc_sg, _) = resource_at(
        &t,
        "Ecs/MediaProcessingService/EcsTaskSecurityGroup/Resource",
    );
    assert_has_resource_properties(
        &t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"GroupId": {"Fn::GetAtt": [efs_sg, "GroupId"]}, "IpProtocol": "tcp", "FromPort": 2049,
               "ToPort": 2049, "SourceSecurityGroupId": {"Fn::GetAtt": [svc_sg, "GroupId"]}}),
    );
    Ok(())
}

#[test]
fn a_mount_makes_the_service_depend_on_every_mount_target_and_the_task_role_policy() -> R {
    let (app, _, _) = mounted(ecs::Mount::read_write(), Default::default())?;
    let t = synth(&app, "ecs_mount_depends_on");
    let (mt1, _) = resource_at(&t, "Ecs/ContentFileSystem/EfsMountTarget1");
    let (mt2, _) = resource_at(&t, "Ecs/ContentFileSystem/EfsMountTarget2");
    let (policy, _) = resource_at(&t, "Ecs/TaskDef/TaskRole/DefaultPolicy/Resource");
    let (_, svc) = resource_at(&t, "Ecs/MediaProcessingService/Service");
    let deps = svc["DependsOn"].as_array().expect("DependsOn");
    for id in [mt1, mt2, policy] {
        assert!(deps.iter().any(|d| d == id), "{id} not in {deps:?}");
    }
    Ok(())
}

#[test]
fn a_read_write_mount_grants_client_mount_and_write_on_condition_of_the_access_point() -> R {
    let (app, _, _) = mounted(ecs::Mount::read_write(), Default::default())?;
    let t = synth(&app, "ecs_mount_iam_rw");
    let (fs, _) = resource_at(&t, "Ecs/ContentFileSystem/Resource");
    let (ap, _) = resource_at(&t, "Ecs/ContentAccessPoint/Resource");
    let (_, policy) = resource_at(&t, "Ecs/TaskDef/TaskRole/DefaultPolicy/Resource");
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"],
        json!([{
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": {"Fn::GetAtt": [ap, "Arn"]}}},
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [fs, "Arn"]},
        }])
    );
    Ok(())
}

#[test]
fn a_read_only_mount_through_a_root_access_point_grants_mount_and_root_access_but_not_write() -> R {
    let root = efs::AccessPointProps {
        posix_user: Some(efs::PosixUser { uid: 0, gid: 0 }),
        ..Default::default()
    };
    let (app, _, _) = mounted(ecs::Mount::read_only(), root)?;
    let t = synth(&app, "ecs_mount_iam_root_ro");
    let (_, policy) = resource_at(&t, "Ecs/TaskDef/TaskRole/DefaultPolicy/Resource");
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"],
        json!([
            "elasticfilesystem:ClientMount",
            "elasticfilesystem:ClientRootAccess"
        ])
    );
    let (_, task) = resource_at(&t, "Ecs/TaskDef/Resource");
    assert_eq!(
        task["Properties"]["ContainerDefinitions"][0]["MountPoints"][0]["ReadOnly"],
        json!(true)
    );
    Ok(())
}

#[test]
fn a_mounted_volume_has_transit_encryption_and_iam_with_the_access_point_and_no_root_directory() -> R
{
    let (app, _, _) = mounted(ecs::Mount::read_write(), Default::default())?;
    let t = synth(&app, "ecs_mount_volume");
    let (fs, _) = resource_at(&t, "Ecs/ContentFileSystem/Resource");
    let (ap, _) = resource_at(&t, "Ecs/ContentAccessPoint/Resource");
    let (_, task) = resource_at(&t, "Ecs/TaskDef/Resource");
    assert_eq!(
        task["Properties"]["Volumes"],
        json!([{"EFSVolumeConfiguration": {
            "AuthorizationConfig": {"AccessPointId": {"Ref": ap}, "IAM": "ENABLED"},
            "FilesystemId": {"Ref": fs},
            "TransitEncryption": "ENABLED"},
            "Name": "content"}])
    );
    assert_eq!(
        task["Properties"]["ContainerDefinitions"][0]["MountPoints"],
        json!([{"ContainerPath": "/mnt/content", "ReadOnly": false, "SourceVolume": "content"}])
    );
    Ok(())
}

#[test]
fn a_service_on_a_platform_version_before_1_4_0_is_refused_when_its_task_mounts_efs() -> R {
    let (mut app, p) = base(Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    p.task.mount(
        &mut s,
        "content",
        p.ap,
        p.container,
        "/mnt/content",
        ecs::Mount::read_write(),
    )?;
    let old = ecs::FargateServiceProps {
        platform_version: ecs::FargatePlatformVersion::V1_3_0,
        ..service_props()
    };
    let err = ecs::FargateService::new(&mut s, "MediaProcessingService", p.cluster, p.task, old)
        .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Ecs/MediaProcessingService: platform version 1.3.0"),
        "{err}"
    );
    Ok(())
}

#[test]
fn mounting_into_a_task_whose_service_is_on_1_3_0_is_refused_naming_the_service() -> R {
    let (mut app, p) = base(Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let old = ecs::FargateServiceProps {
        platform_version: ecs::FargatePlatformVersion::V1_3_0,
        ..service_props()
    };
    ecs::FargateService::new(&mut s, "MediaProcessingService", p.cluster, p.task, old)?;
    let err = p
        .task
        .mount(
            &mut s,
            "content",
            p.ap,
            p.container,
            "/mnt/content",
            ecs::Mount::read_write(),
        )
        .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Ecs/MediaProcessingService: platform version 1.3.0"),
        "{err}"
    );
    Ok(())
}

#[test]
fn the_service_gets_platform_version_latest_by_default() -> R {
    let (app, _, _) = mounted(ecs::Mount::read_write(), Default::default())?;
    let t = synth(&app, "ecs_platform_version");
    let (_, svc) = resource_at(&t, "Ecs/MediaProcessingService/Service");
    assert_eq!(svc["Properties"]["PlatformVersion"], "LATEST");
    assert_eq!(
        svc["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"],
        json!({"Enable": true, "Rollback": true})
    );
    Ok(())
}

#[test]
fn wiring_is_the_same_when_the_service_is_created_before_the_mount() -> R {
    let (mut app, p) = base(Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let svc = ecs::FargateService::new(
        &mut s,
        "MediaProcessingService",
        p.cluster,
        p.task,
        service_props(),
    )?;
    p.task.mount(
        &mut s,
        "content",
        p.ap,
        p.container,
        "/mnt/content",
        ecs::Mount::read_write(),
    )?;
    assert!(ec2::Ingress::admits(
        &app,
        p.fs.security_group,
        svc.security_group,
        2049
    ));
    let facts = app.facts::<efs::Mount>();
    assert_eq!(facts.len(), 1);
    assert_eq!(
        (
            facts[0].consumer,
            facts[0].file_system,
            facts[0].azs.clone()
        ),
        (svc.resource.node(), p.fs, vec![0, 1])
    );
    let t = synth(&app, "ecs_service_first");
    let (mt1, _) = resource_at(&t, "Ecs/ContentFileSystem/EfsMountTarget1");
    let (policy, _) = resource_at(&t, "Ecs/TaskDef/TaskRole/DefaultPolicy/Resource");
    let (_, svc) = resource_at(&t, "Ecs/MediaProcessingService/Service");
    let deps = svc["DependsOn"].as_array().expect("DependsOn");
    assert!(
        deps.iter().any(|d| d == mt1) && deps.iter().any(|d| d == policy),
        "{deps:?}"
    );
    Ok(())
}

#[test]
fn a_volume_name_cannot_be_reused_for_another_access_point() -> R {
    let (mut app, p) = base(Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let other = efs::AccessPoint::new(&mut s, "OtherAccessPoint", p.fs, Default::default())?;
    p.task.mount(
        &mut s,
        "content",
        p.ap,
        p.container,
        "/mnt/content",
        ecs::Mount::read_write(),
    )?;
    let err = p
        .task
        .mount(
            &mut s,
            "content",
            other,
            p.container,
            "/mnt/other",
            ecs::Mount::read_write(),
        )
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("already mounts Ecs/ContentAccessPoint"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_container_secret_is_granted_to_the_execution_role_with_its_key() -> R {
    let (mut app, p) = base(Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "SecretKey", Default::default())?;
    let secret = secretsmanager::Secret::new(
        &mut s,
        "DbCredentials",
        secretsmanager::SecretProps {
            key: Some(key),
            ..Default::default()
        },
    )?;
    let logs = logs::LogGroup::new(&mut s, "Logs", Default::default())?;
    p.task.add_container(
        &mut s,
        "api",
        IMAGE,
        ecs::ContainerProps {
            secrets: vec![("DB_PASSWORD".into(), secret, Some("password".into()))],
            log_group: Some(logs),
            port_mappings: vec![8080],
            ..Default::default()
        },
    )?;
    ecs::FargateService::new(
        &mut s,
        "MediaProcessingService",
        p.cluster,
        p.task,
        service_props(),
    )?;
    assert_eq!(app.facts::<logs::LogDelivery>().len(), 1);
    let t = synth(&app, "ecs_secrets");
    let (secret_id, _) = resource_at(&t, "Ecs/DbCredentials/Resource");
    let (key_id, _) = resource_at(&t, "Ecs/SecretKey/Resource");
    let (policy, exec_policy) = resource_at(&t, "Ecs/TaskDef/ExecutionRole/DefaultPolicy/Resource");
    assert_eq!(
        exec_policy["Properties"]["PolicyDocument"]["Statement"],
        json!([
            {"Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Effect": "Allow", "Resource": {"Ref": secret_id}},
            {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": {"Fn::GetAtt": [key_id, "Arn"]}},
        ])
    );
    let (_, task) = resource_at(&t, "Ecs/TaskDef/Resource");
    assert_eq!(
        task["Properties"]["ContainerDefinitions"][1]["Secrets"],
        json!([{"Name": "DB_PASSWORD", "ValueFrom": {"Fn::Join": ["", [{"Ref": secret_id}, ":password::"]]}}])
    );
    let (_, svc) = resource_at(&t, "Ecs/MediaProcessingService/Service");
    assert!(svc["DependsOn"]
        .as_array()
        .expect("deps")
        .iter()
        .any(|d| d == policy));
    Ok(())
}

#[test]
fn connect_to_admits_the_service_on_the_target_default_port() -> R {
    let (mut app, p) = base(Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let db_sg =
        ec2::SecurityGroup::new(&mut s, "DatabaseSecurityGroup", p.vpc, Default::default())?;
    let db = ec2::Connectable {
        security_group: db_sg,
        default_port: ec2::Port::tcp(5432),
    };
    let svc = ecs::FargateService::new(
        &mut s,
        "MediaProcessingService",
        p.cluster,
        p.task,
        service_props(),
    )?;
    svc.connect_to(&mut s, db, "media service to Aurora")?;
    assert!(ec2::Ingress::admits(&app, db_sg, svc.security_group, 5432));
    let t = synth(&app, "ecs_connect_to");
    let (svc_sg, _) = resource_at(
        &t,
        "Ecs/MediaProcessingService/EcsTaskSecurityGroup/Resource",
    );
    assert_has_resource_properties(
        &t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": {"Fn::GetAtt": [svc_sg, "GroupId"]},
               "Description": "media service to Aurora"}),
    );
    Ok(())
}

#[test]
fn auto_scaling_tracks_cpu_and_memory_with_the_service_linked_role() -> R {
    let (mut app, p, svc) = mounted(ecs::Mount::read_write(), Default::default())?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    svc.auto_scale(
        &mut s,
        ecs::AutoScalingProps {
            min_capacity: 2,
            max_capacity: 10,
            ..Default::default()
        },
    )?;
    let _ = p;
    let t = synth(&app, "ecs_auto_scaling");
    let (cluster, _) = resource_at(&t, "Ecs/Cluster/Resource");
    let (service, _) = resource_at(&t, "Ecs/MediaProcessingService/Service");
    assert_has_resource_properties(
        &t,
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"MinCapacity": 2, "MaxCapacity": 10, "ScalableDimension": "ecs:service:DesiredCount",
               "ResourceId": {"Fn::Join": ["", ["service/", {"Ref": cluster}, "/", {"Fn::GetAtt": [service, "Name"]}]]}}),
    );
    for metric in [
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
    ] {
        assert_has_resource_properties(
            &t,
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            json!({"PolicyType": "TargetTrackingScaling",
                   "TargetTrackingScalingPolicyConfiguration": {"PredefinedMetricSpecification": {"PredefinedMetricType": metric}}}),
        );
    }
    Ok(())
}

// ---- rules ----

fn set_platform_version(app: &mut App, svc: ecs::FargateService, v: &str) -> R {
    app.resource_mut(svc.resource)?
        .properties
        .insert("PlatformVersion", v);
    Ok(())
}

#[test]
fn rule_fargate_efs_platform_version_refuses_1_3_0_set_through_the_escape_hatch() -> R {
    // The typed API refuses 1.3.0 with a mount; only the escape hatch can write this shape.
    let (mut app, _, svc) = mounted(ecs::Mount::read_write(), Default::default())?;
    set_platform_version(&mut app, svc, "1.3.0")?;
    let d = refused(&app);
    assert!(
        d.iter()
            .any(|d| d.rule == "ecs/fargate-efs-platform-version"
                && d.path == "Ecs/MediaProcessingService/Service"),
        "{d:#?}"
    );
    Ok(())
}

#[test]
fn rule_fargate_efs_platform_version_accepts_1_4_0() -> R {
    let (mut app, _, svc) = mounted(ecs::Mount::read_write(), Default::default())?;
    set_platform_version(&mut app, svc, "1.4.0")?;
    synth(&app, "ecs_rule_platform_version_ok");
    Ok(())
}

#[test]
fn rule_task_definition_without_container_refuses_an_empty_task_definition() -> R {
    let mut app = App::new();
    let stack = app.stack("Ecs", StackProps::default())?;
    let mut s = app.at(stack)?;
    ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let d = refused(&app);
    assert!(
        d.iter()
            .any(|d| d.rule == "ecs/task-definition-without-container" && d.path == "Ecs/TaskDef"),
        "{d:#?}"
    );
    Ok(())
}

#[test]
fn rule_task_definition_without_container_accepts_one_with_a_container() -> R {
    let mut app = App::new();
    let stack = app.stack("Ecs", StackProps::default())?;
    let mut s = app.at(stack)?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    task.add_container(&mut s, "app", IMAGE, Default::default())?;
    synth(&app, "ecs_rule_task_with_container");
    Ok(())
}
