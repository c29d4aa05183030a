mod support;

use gs_constructs::prelude::*;
use gs_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
use gs_core::RawResource;
use serde_json::json;
use support::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Data", StackProps::default()).expect("stack");
    (app, stack)
}

fn vpc_and_secret(s: &mut Scope<'_>) -> Result<(ec2::Vpc, Secret), Box<dyn std::error::Error>> {
    let vpc = ec2::Vpc::new(s, "Vpc", Default::default())?;
    let secret = Secret::new(
        s,
        "DbCredentials",
        SecretProps {
            generate: GenerateSecretString::credentials("postgres"),
            ..Default::default()
        },
    )?;
    Ok((vpc, secret))
}

#[test]
fn a_default_cluster_is_serverless_v2_encrypted_backed_up_a_week_and_snapshotted_on_removal(
) -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    let mut db_scope = s.group("Database")?;
    rds::DatabaseCluster::new(
        &mut db_scope,
        "AuroraCluster",
        vpc,
        secret,
        rds::DatabaseClusterProps {
            cluster_identifier: Some("globalstream-aurora-dev".into()),
            default_database_name: Some("globalstream".into()),
            deletion_protection: false,
            ..Default::default()
        },
    )?;
    let t = synth(&app, "rds_default");
    let (secret_id, _) = resource_at(&t, "Data/DbCredentials/Resource");
    let (subnets_id, subnets) = resource_at(&t, "Data/Database/AuroraCluster/Subnets/Default");
    assert_eq!(subnets_id, "DatabaseAuroraClusterSubnets2B6839DC");
    assert_eq!(subnets["DeletionPolicy"], "Delete");
    let (sg_id, _) = resource_at(&t, "Data/Database/AuroraCluster/SecurityGroup/Resource");
    let (cluster_id, cluster) = resource_at(&t, "Data/Database/AuroraCluster/Resource");
    assert_eq!(cluster["DeletionPolicy"], "Snapshot");
    assert_eq!(cluster["UpdateReplacePolicy"], "Snapshot");
    let username = json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:username::}}"]]});
    assert!(matches(
        &cluster["Properties"],
        &json!({
            "Engine": "aurora-postgresql", "EngineVersion": "16.6",
            "DBClusterIdentifier": "globalstream-aurora-dev", "DatabaseName": "globalstream",
            "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 2.0},
            "StorageEncrypted": true, "BackupRetentionPeriod": 7, "PreferredBackupWindow": "03:00-04:00",
            "EnableCloudwatchLogsExports": ["postgresql"], "DeletionProtection": false,
            "CopyTagsToSnapshot": true, "Port": 5432, "MasterUsername": username,
            "DBSubnetGroupName": {"Ref": subnets_id},
            "VpcSecurityGroupIds": [{"Fn::GetAtt": [sg_id, "GroupId"]}]
        })
    ));
    let instances = resources_of(&t, "AWS::RDS::DBInstance");
    assert_eq!(instances.len(), 2);
    let (_, writer) = resource_at(&t, "Data/Database/AuroraCluster/Writer/Resource");
    let (_, reader) = resource_at(&t, "Data/Database/AuroraCluster/Reader/Resource");
    assert!(matches(
        &writer["Properties"],
        &json!({"DBInstanceClass": "db.serverless", "DBClusterIdentifier": {"Ref": cluster_id}, "PromotionTier": 0,
                "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}})
    ));
    assert!(matches(
        &reader["Properties"],
        &json!({"PromotionTier": 1, "AvailabilityZone": {"Fn::Select": [1, {"Fn::GetAZs": ""}]}})
    ));
    assert_has_resource_properties(
        &t,
        "AWS::SecretsManager::SecretTargetAttachment",
        json!({"SecretId": {"Ref": secret_id}, "TargetId": {"Ref": cluster_id}, "TargetType": "AWS::RDS::DBCluster"}),
    );
    Ok(())
}

#[test]
fn the_cluster_records_backups_az_spread_and_encryption_for_dr_checks() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    let key = kms::Key::new(&mut s, "DbKey", Default::default())?;
    let db = rds::DatabaseCluster::new(
        &mut s,
        "Aurora",
        vpc,
        secret,
        rds::DatabaseClusterProps {
            storage_encryption_key: Some(key),
            backup_retention_days: 14,
            readers: 2,
            ..Default::default()
        },
    )?;
    let info = db.info(s.app()).expect("info");
    assert_eq!(info.backup_retention_days, 14);
    assert_eq!(info.instances.len(), 3);
    assert_eq!(info.reader_count(), 2);
    assert_eq!(info.availability_zones(), vec![0, 1]);
    assert!(info.is_multi_az() && info.storage_encrypted && info.deletion_protection);
    assert_eq!(info.kms_key, Some(key));
    assert_eq!(
        s.app().all_attached::<rds::DatabaseClusterInfo>().count(),
        1
    );
    let t = synth(&app, "rds_three_instances");
    resource_at(&t, "Data/Aurora/Reader2/Resource");
    let (key_id, _) = resource_at(&t, "Data/DbKey/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::RDS::DBCluster",
        json!({"KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}),
    );
    Ok(())
}

#[test]
fn connections_admit_a_client_security_group_on_5432() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    let db = rds::DatabaseCluster::new(&mut s, "Aurora", vpc, secret, Default::default())?;
    let tasks = ec2::SecurityGroup::new(&mut s, "Tasks", vpc, Default::default())?;
    db.connections()
        .allow_default_port_from(&mut s, tasks, "tasks to database")?;
    assert!(ec2::Ingress::admits(
        s.app(),
        db.security_group,
        tasks,
        5432
    ));
    let t = synth(&app, "rds_connections");
    assert_has_resource_properties(
        &t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 5432, "ToPort": 5432}),
    );
    Ok(())
}

#[test]
fn accessors_render_as_references_to_the_cluster() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    let db = rds::DatabaseCluster::new(&mut s, "Aurora", vpc, secret, Default::default())?;
    for (name, value) in [
        ("Endpoint", db.endpoint_address()),
        ("Reader", db.reader_endpoint_address()),
        ("Port", db.port()),
        ("Arn", db.arn()),
        ("Id", db.cluster_identifier()),
        ("Secret", db.secret_arn()),
    ] {
        s.output(name, gs_core::Output::new(value))?;
    }
    let t = synth(&app, "rds_accessors");
    let (cluster_id, _) = resource_at(&t, "Data/Aurora/Resource");
    assert_eq!(
        t["Outputs"]["Endpoint"]["Value"],
        json!({"Fn::GetAtt": [cluster_id, "Endpoint.Address"]})
    );
    assert_eq!(
        t["Outputs"]["Reader"]["Value"],
        json!({"Fn::GetAtt": [cluster_id, "ReadEndpoint.Address"]})
    );
    assert_eq!(
        t["Outputs"]["Arn"]["Value"],
        json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":rds:", {"Ref": "AWS::Region"}, ":",
               {"Ref": "AWS::AccountId"}, ":cluster:", {"Ref": cluster_id}]]})
    );
    Ok(())
}

#[test]
fn capacity_outside_half_to_256_acu_or_min_above_max_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    for (min, max) in [(0.0, 2.0), (0.5, 300.0), (4.0, 2.0), (0.75, 2.0)] {
        let err = rds::DatabaseCluster::new(
            &mut s,
            "Aurora",
            vpc,
            secret,
            rds::DatabaseClusterProps {
                min_capacity: min,
                max_capacity: max,
                ..Default::default()
            },
        )
        .expect_err("refused");
        assert!(err.to_string().starts_with("Data/Aurora: "), "{err}");
    }
    Ok(())
}

#[test]
fn bad_identifiers_retention_and_windows_are_refused_with_a_fix() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    let cases = [
        rds::DatabaseClusterProps {
            cluster_identifier: Some("aurora--dev".into()),
            ..Default::default()
        },
        rds::DatabaseClusterProps {
            cluster_identifier: Some("1aurora".into()),
            ..Default::default()
        },
        rds::DatabaseClusterProps {
            backup_retention_days: 0,
            ..Default::default()
        },
        rds::DatabaseClusterProps {
            backup_retention_days: 36,
            ..Default::default()
        },
        rds::DatabaseClusterProps {
            preferred_backup_window: Some("03:00-03:10".into()),
            ..Default::default()
        },
        rds::DatabaseClusterProps {
            preferred_backup_window: Some("3am".into()),
            ..Default::default()
        },
    ];
    for props in cases {
        let err =
            rds::DatabaseCluster::new(&mut s, "Aurora", vpc, secret, props).expect_err("refused");
        assert!(err.to_string().contains("; fix: "), "{err}");
    }
    Ok(())
}

#[test]
fn a_secret_without_username_and_password_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let api_key = Secret::new(&mut s, "ApiKey", Default::default())?;
    let err = rds::DatabaseCluster::new(&mut s, "Aurora", vpc, api_key, Default::default())
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("GenerateSecretString::credentials"),
        "{err}"
    );
    Ok(())
}

#[test]
fn one_secret_attached_to_two_clusters_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    rds::DatabaseCluster::new(&mut s, "First", vpc, secret, Default::default())?;
    let err = rds::DatabaseCluster::new(&mut s, "Second", vpc, secret, Default::default())
        .expect_err("refused");
    assert!(
        err.to_string().contains("already attached to Data/First"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_single_az_vpc_is_refused_for_a_db_subnet_group() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            max_azs: 1,
            ..Default::default()
        },
    )?;
    let secret = Secret::new(
        &mut s,
        "Creds",
        SecretProps {
            generate: GenerateSecretString::credentials("postgres"),
            ..Default::default()
        },
    )?;
    let err = rds::DatabaseCluster::new(&mut s, "Aurora", vpc, secret, Default::default())
        .expect_err("refused");
    assert!(err.to_string().contains("max_azs of 2"), "{err}");
    Ok(())
}

#[test]
fn a_global_database_has_a_primary_and_a_secondary_in_another_region() -> TestResult {
    let mut app = App::new();
    let primary = app.stack(
        "Primary",
        StackProps {
            region: Some("us-east-1".into()),
            ..Default::default()
        },
    )?;
    let dr = app.stack(
        "Dr",
        StackProps {
            region: Some("us-west-2".into()),
            ..Default::default()
        },
    )?;
    let mut s = app.at(primary)?;
    let (vpc, secret) = vpc_and_secret(&mut s)?;
    let global = rds::GlobalCluster::new(
        &mut s,
        "Global",
        "globalstream-global-dev",
        Default::default(),
    )?;
    rds::DatabaseCluster::new(
        &mut s,
        "Aurora",
        vpc,
        secret,
        rds::DatabaseClusterProps {
            global_cluster: Some(global),
            ..Default::default()
        },
    )?;
    let mut d = app.at(dr)?;
    let dr_vpc = ec2::Vpc::new(&mut d, "Vpc", Default::default())?;
    let replica =
        rds::SecondaryDatabaseCluster::new(&mut d, "Replica", dr_vpc, global, Default::default())?;
    let info = replica.info(d.app()).expect("info");
    assert_eq!(
        info.global,
        Some(rds::GlobalRole::Secondary {
            global_cluster_identifier: "globalstream-global-dev".into()
        })
    );
    let t = synth(&app, "rds_global");
    let (global_id, _) = resource_at(&t, "Primary/Global/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::RDS::GlobalCluster",
        json!({"Engine": "aurora-postgresql", "EngineVersion": "16.6", "StorageEncrypted": true}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::RDS::DBCluster",
        json!({"GlobalClusterIdentifier": {"Ref": global_id}}),
    );
    let dr_t: serde_json::Value = serde_json::from_slice(&std::fs::read(
        template_dir().join("rds_global.Dr.template.json"),
    )?)?;
    let (_, secondary) = resource_at(&dr_t, "Dr/Replica/Resource");
    assert_eq!(
        secondary["Properties"]["GlobalClusterIdentifier"],
        "globalstream-global-dev"
    );
    assert_eq!(secondary["Properties"]["KmsKeyId"], "alias/aws/rds");
    assert!(secondary["Properties"].get("MasterUsername").is_none());
    Ok(())
}

#[test]
fn a_secondary_with_another_engine_version_is_refused() -> TestResult {
    let mut app = App::new();
    let primary = app.stack("Primary", StackProps::default())?;
    let dr = app.stack("Dr", StackProps::default())?;
    let global = rds::GlobalCluster::new(
        &mut app.at(primary)?,
        "Global",
        "gs-global",
        Default::default(),
    )?;
    let mut d = app.at(dr)?;
    let vpc = ec2::Vpc::new(&mut d, "Vpc", Default::default())?;
    let err = rds::SecondaryDatabaseCluster::new(
        &mut d,
        "Replica",
        vpc,
        global,
        rds::DatabaseClusterProps {
            engine_version: "15.8".into(),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string().contains("global cluster runs 16.6"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_raw_cluster_with_a_double_hyphen_identifier_is_refused_by_name_constraints() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "RawCluster",
        Resource::new("AWS::RDS::DBCluster")
            .property("DBClusterIdentifier", "aurora--dev")
            .property("Engine", "aurora-postgresql"),
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "cfn/name-constraints" && d.path == "Data/RawCluster"),
        "{found:?}"
    );
    Ok(())
}

#[test]
fn a_raw_cluster_with_a_valid_identifier_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "RawCluster",
        Resource::new("AWS::RDS::DBCluster")
            .property("DBClusterIdentifier", "aurora-dev")
            .property("Engine", "aurora-postgresql")
            .property("EngineVersion", "16.6")
            .property("MasterUsername", "postgres")
            .property("ManageMasterUserPassword", true)
            .property("StorageEncrypted", true),
    )?;
    let t = synth(&app, "rds_raw_name_ok");
    assert_has_resource_properties(
        &t,
        "AWS::RDS::DBCluster",
        json!({"DBClusterIdentifier": "aurora-dev"}),
    );
    Ok(())
}

#[test]
fn a_raw_global_cluster_with_a_trailing_hyphen_is_refused_by_name_constraints() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "RawGlobal",
        Resource::new("AWS::RDS::GlobalCluster")
            .property("GlobalClusterIdentifier", "global-")
            .property("Engine", "aurora-postgresql"),
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "cfn/name-constraints" && d.path == "Data/RawGlobal"),
        "{found:?}"
    );
    Ok(())
}
