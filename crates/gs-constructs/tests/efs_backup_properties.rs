//! The exact properties the EFS and Backup L2s write for every option, the ones GlobalStream
//! does not use included (provisioned throughput, archive, replication with a key, secondary
//! gids, continuous backup, cold storage, copies, a rule's own vault, an imported vault, a rule
//! added later). The L2s write through the generated L1 structs; these pin what they write.

mod support;

use gs_constructs::backup::{
    BackupPlan, BackupPlanProps, BackupResource, BackupRule, BackupSelection, BackupSelectionProps,
    BackupVault, BackupVaultProps, CopyAction, Schedule,
};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

fn logical_id(t: &serde_json::Value, path: &str) -> String {
    resource_at(t, path).0.to_owned()
}

#[test]
fn file_systems_and_access_points_write_exactly_the_properties_their_options_ask_for() -> R {
    let mut app = App::new();
    let stack = app.stack("Props", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let key = kms::Key::new(&mut s, "FsKey", Default::default())?;
    let archived = efs::FileSystem::new(
        &mut s,
        "Archived",
        vpc,
        efs::FileSystemProps {
            kms_key: Some(key),
            transition_to_ia: Some(efs::LifecycleTransition::After7Days),
            transition_to_archive: Some(efs::LifecycleTransition::After90Days),
            automatic_backups: false,
            replication: Some(efs::Replication {
                region: "sa-east-1".into(),
                kms_key_id: Some(Value::from("alias/dr")),
            }),
            name: Some("archived".into()),
            ..Default::default()
        },
    )?;
    efs::FileSystem::new(
        &mut s,
        "Provisioned",
        vpc,
        efs::FileSystemProps {
            transition_to_ia: None,
            transition_to_primary_on_access: false,
            performance_mode: efs::PerformanceMode::MaxIo,
            throughput_mode: efs::ThroughputMode::Provisioned(12.5),
            name: Some("provisioned".into()),
            ..Default::default()
        },
    )?;
    efs::AccessPoint::new(
        &mut s,
        "RootWithGroups",
        archived,
        efs::AccessPointProps {
            path: "/media".into(),
            posix_user: Some(efs::PosixUser { uid: 0, gid: 0 }),
            secondary_gids: vec![1, 2],
            creation_info: None,
        },
    )?;
    efs::AccessPoint::new(
        &mut s,
        "ClientIdentity",
        archived,
        efs::AccessPointProps {
            posix_user: None,
            ..Default::default()
        },
    )?;
    let t = synth(&app, "efs_backup_properties_efs");
    let key = logical_id(&t, "Props/FsKey/Resource");
    let fs = logical_id(&t, "Props/Archived/Resource");

    assert_eq!(
        resource_at(&t, "Props/Archived/Resource").1["Properties"],
        json!({
            "BackupPolicy": {"Status": "DISABLED"},
            "Encrypted": true,
            "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]},
            "LifecyclePolicies": [
                {"TransitionToIA": "AFTER_7_DAYS"},
                {"TransitionToArchive": "AFTER_90_DAYS"},
                {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
            ],
            "PerformanceMode": "generalPurpose",
            "ReplicationConfiguration": {
                "Destinations": [{"KmsKeyId": "alias/dr", "Region": "sa-east-1"}],
            },
            "ThroughputMode": "elastic",
            "FileSystemTags": [{"Key": "Name", "Value": "archived"}],
        })
    );
    assert_eq!(
        resource_at(&t, "Props/Provisioned/Resource").1["Properties"],
        json!({
            "BackupPolicy": {"Status": "ENABLED"},
            "Encrypted": true,
            "PerformanceMode": "maxIO",
            "ProvisionedThroughputInMibps": 12.5,
            "ThroughputMode": "provisioned",
            "FileSystemTags": [{"Key": "Name", "Value": "provisioned"}],
        })
    );
    assert_eq!(
        resource_at(&t, "Props/RootWithGroups/Resource").1["Properties"],
        json!({
            "FileSystemId": {"Ref": fs},
            "PosixUser": {"Gid": "0", "SecondaryGids": ["1", "2"], "Uid": "0"},
            "RootDirectory": {"Path": "/media"},
        })
    );
    assert_eq!(
        resource_at(&t, "Props/ClientIdentity/Resource").1["Properties"],
        json!({
            "FileSystemId": {"Ref": fs},
            "RootDirectory": {
                "CreationInfo": {"OwnerGid": "1000", "OwnerUid": "1000", "Permissions": "755"},
                "Path": "/",
            },
        })
    );
    Ok(())
}

#[test]
fn backup_vaults_plans_and_selections_write_exactly_the_properties_their_options_ask_for() -> R {
    let mut app = App::new();
    let stack = app.stack("Props", StackProps::default())?;
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "VaultKey", Default::default())?;
    let main = BackupVault::new(
        &mut s,
        "Main",
        BackupVaultProps {
            name: Some("main".into()),
            encryption_key: Some(key),
            ..Default::default()
        },
    )?;
    let pitr = BackupVault::new(
        &mut s,
        "Pitr",
        BackupVaultProps {
            name: Some("pitr".into()),
            encryption_key: Some(key),
            ..Default::default()
        },
    )?;
    let dr = BackupVault::from_arn(
        &mut s,
        "Dr",
        "arn:aws:backup:us-west-2:123456789012:backup-vault:dr",
    )?;
    let shared = BackupVault::from_arn(
        &mut s,
        "Shared",
        "arn:${AWS::Partition}:backup:${AWS::Region}:${AWS::AccountId}:backup-vault:shared",
    )?;
    let continuous = BackupRule {
        enable_continuous_backup: true,
        delete_after_days: Some(35),
        vault: Some(pitr),
        ..BackupRule::new("Continuous", Schedule::daily_at(5, 0)?)?
    };
    let plan = BackupPlan::new(
        &mut s,
        "Plan",
        main,
        continuous.clone(),
        BackupPlanProps {
            name: Some("plan".into()),
        },
    )?;
    let cold = BackupRule {
        delete_after_days: Some(365),
        move_to_cold_storage_after_days: Some(30),
        copy_actions: vec![CopyAction {
            move_to_cold_storage_after_days: Some(10),
            ..CopyAction::to_vault(dr, Some(100))
        }],
        ..BackupRule::new("Cold", Schedule::hourly())?
    };
    plan.add_rule(s.app_mut(), cold.clone())?;
    let to_shared = BackupRule {
        vault: Some(shared),
        ..BackupRule::new("Shared", Schedule::hourly())?
    };
    plan.add_rule(s.app_mut(), to_shared.clone())?;
    let fs = s.resource::<gs_core::RawResource>(
        "Fs",
        Resource::new("AWS::EFS::FileSystem").property("Encrypted", true),
    )?;
    let simple = BackupPlan::new(
        &mut s,
        "Simple",
        main,
        BackupRule::new("Daily", Schedule::daily_at(3, 0)?)?,
        Default::default(),
    )?;
    BackupSelection::new(
        &mut s,
        "Selection",
        simple,
        vec![BackupResource::new(
            fs.node(),
            Value::GetAtt(fs.node(), "Arn".into()),
            backup::ProtectedKind::FileSystem,
        )],
        BackupSelectionProps {
            name: Some("sel".into()),
            ..Default::default()
        },
    )?;
    BackupSelection::new(
        &mut s,
        "PlanSelection",
        plan,
        vec![BackupResource::new(
            fs.node(),
            Value::GetAtt(fs.node(), "Arn".into()),
            backup::ProtectedKind::FileSystem,
        )],
        Default::default(),
    )?;
    let t = synth(&app, "efs_backup_properties_backup");
    let key = logical_id(&t, "Props/VaultKey/Resource");
    let main = logical_id(&t, "Props/Main/Resource");
    let pitr = logical_id(&t, "Props/Pitr/Resource");
    let simple = logical_id(&t, "Props/Simple/Resource");
    let role = logical_id(&t, "Props/Selection/Role/Resource");
    let fs = logical_id(&t, "Props/Fs");

    assert_eq!(
        resource_at(&t, "Props/Main/Resource").1["Properties"],
        json!({"BackupVaultName": "main", "EncryptionKeyArn": {"Fn::GetAtt": [key, "Arn"]}})
    );
    assert_eq!(
        resource_at(&t, "Props/Plan/Resource").1["Properties"],
        json!({"BackupPlan": {
            "BackupPlanName": "plan",
            "BackupPlanRule": [
                {
                    "CompletionWindowMinutes": 10080,
                    "EnableContinuousBackup": true,
                    "Lifecycle": {"DeleteAfterDays": 35},
                    "RuleName": "Continuous",
                    "ScheduleExpression": continuous.schedule.expression(),
                    "StartWindowMinutes": 60,
                    "TargetBackupVault": {"Ref": pitr},
                },
                {
                    "CompletionWindowMinutes": 10080,
                    "CopyActions": [{
                        "DestinationBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dr",
                        "Lifecycle": {"DeleteAfterDays": 100, "MoveToColdStorageAfterDays": 10},
                    }],
                    "Lifecycle": {"DeleteAfterDays": 365, "MoveToColdStorageAfterDays": 30},
                    "RuleName": "Cold",
                    "ScheduleExpression": cold.schedule.expression(),
                    "StartWindowMinutes": 60,
                    "TargetBackupVault": {"Ref": main},
                },
                {
                    "CompletionWindowMinutes": 10080,
                    "RuleName": "Shared",
                    "ScheduleExpression": to_shared.schedule.expression(),
                    "StartWindowMinutes": 60,
                    "TargetBackupVault": "shared",
                },
            ],
        }})
    );
    assert_eq!(
        resource_at(&t, "Props/Selection/Resource").1["Properties"],
        json!({
            "BackupPlanId": {"Fn::GetAtt": [simple, "BackupPlanId"]},
            "BackupSelection": {
                "IamRoleArn": {"Fn::GetAtt": [role, "Arn"]},
                "Resources": [{"Fn::GetAtt": [fs, "Arn"]}],
                "SelectionName": "sel",
            },
        })
    );
    Ok(())
}
