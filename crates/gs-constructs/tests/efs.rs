mod support;

use gs_constructs::prelude::*;
use gs_core::RawResource;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

fn stack() -> Result<(App, gs_core::Handle<gs_core::Stack>), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Efs", StackProps::default())?;
    Ok((app, stack))
}

#[test]
fn file_system_is_encrypted_elastic_with_lifecycle_backups_and_retained() -> R {
    let (mut app, stack) = stack()?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    efs::FileSystem::new(
        &mut s,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            name: Some("globalstream-content-dev".into()),
            ..Default::default()
        },
    )?;
    let t = synth(&app, "efs_defaults");
    let (_, fs) = resource_at(&t, "Efs/ContentFileSystem/Resource");
    assert!(
        matches(
            &fs["Properties"],
            &json!({
                "BackupPolicy": {"Status": "ENABLED"},
                "Encrypted": true,
                "LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}],
                "PerformanceMode": "generalPurpose",
                "ThroughputMode": "elastic",
                "FileSystemTags": [{"Key": "Name", "Value": "globalstream-content-dev"}],
            })
        ),
        "{fs:#}"
    );
    assert_eq!(fs["DeletionPolicy"], "Retain");
    assert_eq!(fs["UpdateReplacePolicy"], "Retain");
    let (sg, _) = resource_at(&t, "Efs/ContentFileSystem/EfsSecurityGroup/Resource");
    let (subnet, _) = resource_at(&t, "Efs/Vpc/PrivateSubnet2/Subnet");
    let (_, mt2) = resource_at(&t, "Efs/ContentFileSystem/EfsMountTarget2");
    assert_eq!(mt2["Properties"]["SubnetId"], json!({"Ref": subnet}));
    assert_eq!(
        mt2["Properties"]["SecurityGroups"],
        json!([{"Fn::GetAtt": [sg, "GroupId"]}])
    );
    assert_eq!(resources_of(&t, "AWS::EFS::MountTarget").len(), 2);
    Ok(())
}

#[test]
fn file_system_with_a_key_replication_and_no_automatic_backups() -> R {
    let (mut app, stack) = stack()?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            max_azs: 3,
            ..Default::default()
        },
    )?;
    let key = kms::Key::new(&mut s, "EfsKey", Default::default())?;
    let fs = efs::FileSystem::new(
        &mut s,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            kms_key: Some(key),
            automatic_backups: false,
            throughput_mode: efs::ThroughputMode::Bursting,
            replication: Some(efs::Replication {
                region: "sa-east-1".into(),
                kms_key_id: Some("alias/aws/elasticfilesystem".into()),
            }),
            removal_policy: RemovalPolicy::Destroy,
            ..Default::default()
        },
    )?;
    assert_eq!(fs.mount_targets(&app).len(), 3);
    let t = synth(&app, "efs_key_replication");
    let (key_id, _) = resource_at(&t, "Efs/EfsKey/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::EFS::FileSystem",
        json!({
            "BackupPolicy": {"Status": "DISABLED"},
            "KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
            "ThroughputMode": "bursting",
            "ReplicationConfiguration": {"Destinations": [{"KmsKeyId": "alias/aws/elasticfilesystem", "Region": "sa-east-1"}]},
        }),
    );
    Ok(())
}

#[test]
fn elastic_throughput_in_max_io_mode_is_refused_naming_the_file_system() -> R {
    let (mut app, stack) = stack()?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let err = efs::FileSystem::new(
        &mut s,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            performance_mode: efs::PerformanceMode::MaxIo,
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Efs/ContentFileSystem: elastic throughput"),
        "{err}"
    );
    Ok(())
}

#[test]
fn access_point_has_a_posix_user_and_a_created_root_directory() -> R {
    let (mut app, stack) = stack()?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    let _access_point = efs::AccessPoint::new(
        &mut s,
        "ContentAccessPoint",
        fs,
        efs::AccessPointProps {
            path: "/media".into(),
            ..Default::default()
        },
    )?;
    s.app_mut().tag(stack, "Compliance", "LGPD")?;
    let t = synth(&app, "efs_access_point");
    let (fs_id, _) = resource_at(&t, "Efs/ContentFileSystem/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::EFS::AccessPoint",
        json!({
            "FileSystemId": {"Ref": fs_id},
            "PosixUser": {"Gid": "1000", "Uid": "1000"},
            "RootDirectory": {"CreationInfo": {"OwnerGid": "1000", "OwnerUid": "1000", "Permissions": "755"}, "Path": "/media"},
            "AccessPointTags": [{"Key": "Compliance", "Value": "LGPD"}],
        }),
    );
    Ok(())
}

#[test]
fn an_access_point_path_with_a_trailing_slash_is_refused_naming_the_access_point() -> R {
    let (mut app, stack) = stack()?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    let err = efs::AccessPoint::new(
        &mut s,
        "ContentAccessPoint",
        fs,
        efs::AccessPointProps {
            path: "/media/".into(),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Efs/ContentAccessPoint: the root directory `/media/`"),
        "{err}"
    );
    Ok(())
}

// ---- rules ----

#[derive(Clone, Copy)]
struct Parts {
    vpc: ec2::Vpc,
    fs: efs::FileSystem,
    ap: efs::AccessPoint,
    cluster: ecs::Cluster,
    task: ecs::FargateTaskDefinition,
}

/// A file system, an access point, a task mounting it; `service` adds a typed service.
fn shape(
    vpc_props: ec2::VpcProps,
    service: bool,
) -> Result<(App, Parts, Option<ecs::FargateService>), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack()?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", vpc_props)?;
    let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(
        &mut s,
        "ContentAccessPoint",
        fs,
        efs::AccessPointProps {
            path: "/media".into(),
            ..Default::default()
        },
    )?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let c = task.add_container(&mut s, "media", IMAGE, Default::default())?;
    task.mount(
        &mut s,
        "content",
        ap,
        c,
        "/mnt/content",
        ecs::Mount::read_write(),
    )?;
    let svc = if service {
        Some(ecs::FargateService::new(
            &mut s,
            "MediaProcessingService",
            cluster,
            task,
            ecs::FargateServiceProps {
                security_group_id: "EcsTaskSecurityGroup".into(),
                ..Default::default()
            },
        )?)
    } else {
        None
    };
    Ok((
        app,
        Parts {
            vpc,
            fs,
            ap,
            cluster,
            task,
        },
        svc,
    ))
}

fn typed() -> Result<(App, Parts), Box<dyn std::error::Error>> {
    let (app, p, _) = shape(Default::default(), true)?;
    Ok((app, p))
}

/// The typed service's resource in a `typed()` app.
fn service_of(app: &App) -> gs_core::NodeId {
    app.nodes()
        .find(|(id, _)| app.path(*id).is_ok_and(|p| p == SERVICE))
        .map(|(id, _)| id)
        .expect("the typed service")
}

const SERVICE: &str = "Efs/MediaProcessingService/Service";
const TASK: &str = "Efs/TaskDef";

fn has(app: &App, rule: &str, path: &str) {
    let d = refused(app);
    assert!(
        d.iter().any(|d| d.rule == rule && d.path == path),
        "no {rule} at {path} in {d:#?}"
    );
}

/// Changes the first volume's EFSVolumeConfiguration through the escape hatch.
fn edit_volume(
    app: &mut App,
    task: ecs::FargateTaskDefinition,
    f: impl FnOnce(&mut ValueMap),
) -> R {
    let props = &mut app.resource_mut(task.resource)?.properties;
    let Some(Value::List(volumes)) = props.get_mut("Volumes") else {
        panic!("no volumes")
    };
    let Some(Value::Map(volume)) = volumes.get_mut(0) else {
        panic!("no volume")
    };
    let Some(Value::Map(efs)) = volume.get_mut("EFSVolumeConfiguration") else {
        panic!("no EFS")
    };
    f(efs);
    Ok(())
}

/// Moves the file system's NFS rule to port 22 through the escape hatch.
fn break_nfs_ingress(app: &mut App, fs: efs::FileSystem) -> R {
    let rule = app
        .facts::<ec2::Ingress>()
        .iter()
        .find(|i| i.group == fs.security_group)
        .map(|i| i.rule)
        .expect("rule");
    let r = app.resource_mut(rule)?;
    r.properties.insert("FromPort", 22);
    r.properties.insert("ToPort", 22);
    Ok(())
}

fn raw_cidr_ingress(
    app: &mut App,
    fs: efs::FileSystem,
    cidr: &str,
) -> Result<gs_core::NodeId, Box<dyn std::error::Error>> {
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let rule = s.resource::<RawResource>(
        "NfsFromVpc",
        Resource::new("AWS::EC2::SecurityGroupIngress")
            .property("GroupId", fs.security_group.group_id())
            .property("IpProtocol", "tcp")
            .property("FromPort", 2049)
            .property("ToPort", 2049)
            .property("CidrIp", cidr),
    )?;
    Ok(rule.node())
}

#[test]
fn rule_no_nfs_ingress_refuses_a_service_whose_nfs_rule_was_moved_to_another_port() -> R {
    // The typed API always adds the rule; only the escape hatch can take it away.
    let (mut app, p) = typed()?;
    break_nfs_ingress(&mut app, p.fs)?;
    has(&app, "efs/no-nfs-ingress", SERVICE);
    Ok(())
}

#[test]
fn rule_no_nfs_ingress_refuses_a_cidr_rule_that_holds_only_the_public_subnets() -> R {
    let (mut app, p) = typed()?;
    break_nfs_ingress(&mut app, p.fs)?;
    let rule = raw_cidr_ingress(&mut app, p.fs, "10.0.0.0/17")?;
    app.add_dependency(service_of(&app), rule, "tasks mount over NFS")?;
    has(&app, "efs/no-nfs-ingress", SERVICE);
    Ok(())
}

#[test]
fn rule_no_nfs_ingress_accepts_a_raw_cidr_rule_holding_the_vpc() -> R {
    let (mut app, p) = typed()?;
    break_nfs_ingress(&mut app, p.fs)?;
    let rule = raw_cidr_ingress(&mut app, p.fs, "10.0.0.0/16")?;
    // Admitted, but not waited for: the first tasks could mount before the rule exists.
    has(&app, "efs/mount-not-ordered", SERVICE);
    app.add_dependency(service_of(&app), rule, "tasks mount over NFS")?;
    synth(&app, "efs_rule_nfs_ingress_cidr_ok");
    Ok(())
}

#[test]
fn rule_no_nfs_ingress_accepts_the_typed_wiring() -> R {
    let (app, _) = typed()?;
    synth(&app, "efs_rule_nfs_ingress_ok");
    Ok(())
}

#[test]
fn rule_no_mount_target_in_az_refuses_a_service_in_an_az_without_mount_target() -> R {
    // The typed file system covers every AZ; move a mount target through the escape hatch.
    let (mut app, p) = typed()?;
    let public = p.vpc.subnets(&app, ec2::SubnetType::Public)[0];
    let mt2 = p.fs.mount_targets(&app)[1];
    app.resource_mut(mt2.resource)?
        .properties
        .insert("SubnetId", public.subnet_id());
    has(&app, "efs/no-mount-target-in-az", SERVICE);
    let d = refused(&app);
    assert!(
        d.iter().any(|d| d.message.contains("the Region's AZ #2")),
        "{d:#?}"
    );
    Ok(())
}

#[test]
fn rule_no_mount_target_in_az_accepts_mount_targets_in_every_az() -> R {
    let (app, _, _) = shape(
        ec2::VpcProps {
            max_azs: 3,
            ..Default::default()
        },
        true,
    )?;
    synth(&app, "efs_rule_mount_target_az_ok");
    Ok(())
}

/// A service built through the escape hatch, with its own group admitted on NFS.
fn raw_service(
    app: &mut App,
    p: Parts,
) -> Result<(gs_core::Handle<RawResource>, gs_core::NodeId), Box<dyn std::error::Error>> {
    let stack = app.stacks()[0];
    let subnets = p.vpc.subnet_ids(app, ec2::SubnetType::Private);
    let mut s = app.at(stack)?;
    let sg = ec2::SecurityGroup::new(&mut s, "RawServiceSecurityGroup", p.vpc, Default::default())?;
    let rule =
        p.fs.connections()
            .allow_default_port_from(&mut s, sg, "NFS from the raw service")?;
    let service = s.resource::<RawResource>(
        "RawService",
        Resource::new("AWS::ECS::Service")
            .property("Cluster", p.cluster.cluster_name())
            .property("DesiredCount", 1)
            .property("LaunchType", "FARGATE")
            .property(
                "NetworkConfiguration",
                ValueMap::new().with(
                    "AwsvpcConfiguration",
                    ValueMap::new()
                        .with("SecurityGroups", Value::List(vec![sg.group_id()]))
                        .with("Subnets", subnets),
                ),
            )
            .property("TaskDefinition", p.task.arn()),
    )?;
    Ok((service, rule))
}

#[test]
fn rule_mount_not_ordered_refuses_a_raw_service_without_depends_on() -> R {
    // Typed services always depend on the mount targets: a raw service shows the shape.
    let (mut app, p, _) = shape(Default::default(), false)?;
    raw_service(&mut app, p)?;
    has(&app, "efs/mount-not-ordered", "Efs/RawService");
    Ok(())
}

#[test]
fn rule_mount_not_ordered_accepts_a_raw_service_depending_on_every_mount_target() -> R {
    let (mut app, p, _) = shape(Default::default(), false)?;
    let (svc, rule) = raw_service(&mut app, p)?;
    for mt in p.fs.mount_targets(&app) {
        app.add_dependency(svc, mt.resource, "tasks mount through the mount targets")?;
    }
    // Still unordered: the NFS rule is a resource of its own.
    has(&app, "efs/mount-not-ordered", "Efs/RawService");
    app.add_dependency(svc, rule, "tasks mount over NFS, which this rule admits")?;
    synth(&app, "efs_rule_mount_ordered_ok");
    Ok(())
}

/// A task definition built through the escape hatch, mounting `fs` through `ap`.
fn raw_task(app: &mut App, fs: efs::FileSystem, ap: efs::AccessPoint) -> R {
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "RawTaskDef",
        Resource::new("AWS::ECS::TaskDefinition")
            .property(
                "ContainerDefinitions",
                Value::List(vec![ValueMap::new()
                    .with("Essential", true)
                    .with("Image", IMAGE)
                    .with("Name", "app")
                    .into()]),
            )
            .property("Cpu", "256")
            .property("Memory", "512")
            .property("NetworkMode", "awsvpc")
            .property(
                "RequiresCompatibilities",
                Value::List(vec!["FARGATE".into()]),
            )
            .property(
                "Volumes",
                Value::List(vec![ValueMap::new()
                    .with(
                        "EFSVolumeConfiguration",
                        ValueMap::new()
                            .with(
                                "AuthorizationConfig",
                                ValueMap::new()
                                    .with("AccessPointId", ap.access_point_id())
                                    .with("IAM", "ENABLED"),
                            )
                            .with("FilesystemId", fs.file_system_id())
                            .with("TransitEncryption", "ENABLED"),
                    )
                    .with("Name", "content")
                    .into()]),
            ),
    )?;
    Ok(())
}

#[test]
fn rule_access_point_foreign_refuses_a_raw_volume_pairing_file_system_a_with_an_access_point_of_b(
) -> R {
    // An AccessPoint handle carries its file system, so the typed API cannot write this.
    let (mut app, p) = typed()?;
    let stack = app.stacks()[0];
    let mut s = app.at(stack)?;
    let other = efs::FileSystem::new(&mut s, "OtherFileSystem", p.vpc, Default::default())?;
    let other_ap = efs::AccessPoint::new(&mut s, "OtherAccessPoint", other, Default::default())?;
    raw_task(&mut app, p.fs, other_ap)?;
    has(&app, "efs/access-point-foreign", "Efs/RawTaskDef");
    Ok(())
}

#[test]
fn rule_access_point_foreign_accepts_a_raw_volume_with_the_access_point_of_its_file_system() -> R {
    let (mut app, p) = typed()?;
    raw_task(&mut app, p.fs, p.ap)?;
    synth(&app, "efs_rule_access_point_own_ok");
    Ok(())
}

#[test]
fn rule_access_point_needs_transit_encryption_refuses_tls_turned_off_through_the_escape_hatch() -> R
{
    let (mut app, p) = typed()?;
    edit_volume(&mut app, p.task, |efs| {
        efs.insert("TransitEncryption", "DISABLED");
        if let Some(Value::Map(auth)) = efs.get_mut("AuthorizationConfig") {
            auth.insert("IAM", "DISABLED");
        }
    })?;
    has(&app, "efs/access-point-needs-transit-encryption", TASK);
    assert!(!refused(&app)
        .iter()
        .any(|d| d.rule == "efs/iam-needs-transit-encryption"));
    Ok(())
}

#[test]
fn rule_access_point_needs_transit_encryption_accepts_the_typed_volume() -> R {
    let (app, _) = typed()?;
    synth(&app, "efs_rule_access_point_tls_ok");
    Ok(())
}

#[test]
fn rule_iam_needs_transit_encryption_refuses_iam_without_tls_through_the_escape_hatch() -> R {
    let (mut app, p) = typed()?;
    edit_volume(&mut app, p.task, |efs| {
        efs.insert("TransitEncryption", "DISABLED");
        if let Some(Value::Map(auth)) = efs.get_mut("AuthorizationConfig") {
            auth.remove("AccessPointId");
        }
    })?;
    has(&app, "efs/iam-needs-transit-encryption", TASK);
    Ok(())
}

#[test]
fn rule_iam_needs_transit_encryption_accepts_iam_with_tls_and_no_access_point() -> R {
    let (mut app, p) = typed()?;
    edit_volume(&mut app, p.task, |efs| {
        if let Some(Value::Map(auth)) = efs.get_mut("AuthorizationConfig") {
            auth.remove("AccessPointId");
        }
    })?;
    synth(&app, "efs_rule_iam_tls_ok");
    Ok(())
}

#[test]
fn rule_access_point_root_directory_refuses_a_root_directory_set_through_the_escape_hatch() -> R {
    let (mut app, p) = typed()?;
    edit_volume(&mut app, p.task, |efs| {
        efs.insert("RootDirectory", "/media")
    })?;
    has(&app, "efs/access-point-root-directory", TASK);
    Ok(())
}

#[test]
fn rule_access_point_root_directory_accepts_slash() -> R {
    let (mut app, p) = typed()?;
    edit_volume(&mut app, p.task, |efs| efs.insert("RootDirectory", "/"))?;
    synth(&app, "efs_rule_root_directory_ok");
    Ok(())
}

#[test]
fn rule_vpc_dns_disabled_refuses_a_mount_in_a_vpc_without_dns_host_names() -> R {
    let (app, _, _) = shape(
        ec2::VpcProps {
            enable_dns_hostnames: false,
            ..Default::default()
        },
        true,
    )?;
    has(&app, "efs/vpc-dns-disabled", SERVICE);
    Ok(())
}

#[test]
fn rule_vpc_dns_disabled_accepts_a_vpc_with_dns_on() -> R {
    let (app, _) = typed()?;
    synth(&app, "efs_rule_vpc_dns_ok");
    Ok(())
}

#[test]
fn the_rule_catalog_lists_every_efs_and_ecs_rule() {
    let ids: Vec<&str> = gs_constructs::passes::catalog()
        .iter()
        .map(|r| r.id)
        .collect();
    for id in [
        "efs/no-nfs-ingress",
        "efs/no-mount-target-in-az",
        "efs/mount-not-ordered",
        "efs/access-point-foreign",
        "efs/access-point-needs-transit-encryption",
        "efs/iam-needs-transit-encryption",
        "efs/access-point-root-directory",
        "efs/vpc-dns-disabled",
        "ecs/fargate-efs-platform-version",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}
