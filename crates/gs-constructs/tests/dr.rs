mod support;

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use std::time::Duration;

use gs_constructs::backup::{
    BackupPlan, BackupRule, BackupSelection, BackupVault, BackupVaultProps, CopyAction, Schedule,
};
use gs_constructs::dr::{self, DrReport, DrRow, FailureScope, Objectives, Target, Verdict};
use gs_constructs::prelude::*;
use gs_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
use gs_core::{Handle, RawResource, Stack};
use support::*;

type Res<T> = Result<T, Box<dyn std::error::Error>>;
type R = Res<()>;

const SECOND: Duration = Duration::from_secs(1);
const MIN: Duration = Duration::from_secs(60);
const MIN15: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

const PRIMARY: &str = "us-east-1";
const DR: &str = "us-west-2";

/// An app with one stack `name` in `region`, with the seed's objectives (15 min / 1 h for every
/// scope) when `objectives` is true.
fn app_with(name: &str, region: &str, objectives: bool) -> Res<(App, Handle<Stack>)> {
    let mut app = App::new();
    let stack = app.stack(
        name,
        StackProps {
            region: Some(region.into()),
            ..Default::default()
        },
    )?;
    if objectives {
        dr::declare(&mut app, stack, Objectives::all(MIN15, HOUR))?;
    }
    Ok((app, stack))
}

/// The report row of the resource at `path` for `scope`.
fn row<'r>(report: &'r DrReport, path: &str, scope: FailureScope) -> &'r DrRow {
    report
        .rows
        .iter()
        .find(|r| r.path == path && r.scope == scope)
        .unwrap_or_else(|| panic!("no row for {path} / {scope} in {report:#?}"))
}

/// The findings of `rule` at `path`.
fn findings<'d>(diags: &'d [Diagnostic], rule: &str, path: &str) -> Vec<&'d Diagnostic> {
    diags
        .iter()
        .filter(|d| d.rule == rule && d.path == path)
        .collect()
}

/// Errors of the `dr/` rules.
fn dr_errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.rule.starts_with("dr/") && d.severity == Severity::Error)
        .collect()
}

fn mechanism(row: &DrRow) -> &str {
    row.mechanism.as_deref().unwrap_or("")
}

/// Database credentials replicated to the DR Region (so they meet the Region-loss objective).
fn credentials(s: &mut Scope<'_>) -> Res<Secret> {
    Ok(Secret::new(
        s,
        "DbCredentials",
        SecretProps {
            generate: GenerateSecretString::credentials("globalstream"),
            replica_regions: vec![DR.into()],
            ..Default::default()
        },
    )?)
}

/// Daily at 05:00, started within 1 h, completed within 2 h, kept 7 days.
fn daily() -> Res<BackupRule> {
    Ok(BackupRule {
        delete_after_days: Some(7),
        completion_window: 2 * HOUR,
        ..BackupRule::new("DailyBackup", Schedule::daily_at(5, 0)?)?
    })
}

/// Hourly, started within 1 h, completed within 2 h, kept 2 days.
fn hourly() -> Res<BackupRule> {
    Ok(BackupRule {
        delete_after_days: Some(2),
        completion_window: 2 * HOUR,
        ..BackupRule::new("HourlyBackup", Schedule::hourly())?
    })
}

/// A plan `EfsBackupPlan` with `rule` protecting `resource`, in a vault of the scope's stack.
fn protect(
    s: &mut Scope<'_>,
    rule: BackupRule,
    resource: backup::BackupResource,
) -> Res<BackupPlan> {
    let vault = BackupVault::new(s, "BackupVault", BackupVaultProps::default())?;
    let plan = BackupPlan::new(s, "EfsBackupPlan", vault, rule, Default::default())?;
    BackupSelection::new(s, "Selection", plan, vec![resource], Default::default())?;
    Ok(plan)
}

/// A file system without automatic backups or replication.
fn bare_file_system(s: &mut Scope<'_>, vpc: ec2::Vpc) -> Res<efs::FileSystem> {
    Ok(efs::FileSystem::new(
        s,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            automatic_backups: false,
            ..Default::default()
        },
    )?)
}

/// A literal ARN of a backup vault in `region`.
fn vault_arn(region: &str) -> String {
    format!("arn:aws:backup:{region}:123456789012:backup-vault:globalstream-dr")
}

// 1. The seed's configuration.

#[test]
fn the_seeds_daily_backed_up_file_system_is_refused_for_region_loss_and_corruption() -> R {
    let (mut app, stack) = app_with("Seed", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = bare_file_system(&mut s, vpc)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        BackupRule::new("DailyBackup", Schedule::daily_at(5, 0)?)?,
        Default::default(),
    )?;
    BackupSelection::new(
        &mut s,
        "EfsSelection",
        plan,
        vec![fs.into()],
        Default::default(),
    )?;

    let diags = refused(&app);
    let not_met: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.rule == "dr/rpo-not-met" && d.path == "Seed/ContentFileSystem")
        .collect();
    assert_eq!(not_met.len(), 2, "{not_met:#?}");
    let region = FailureScope::RegionLoss.to_string();
    let corruption = FailureScope::Corruption.to_string();
    let about = |scope: &str| not_met.iter().find(|d| d.message.starts_with(scope));
    let region_loss = about(&region).unwrap_or_else(|| panic!("no {region} in {not_met:#?}"));
    assert_eq!(region_loss.severity, Severity::Error);
    assert!(
        region_loss
            .message
            .contains("ContentFileSystem needs RPO 15 min")
            && region_loss.message.contains("no mechanism protects it"),
        "{}",
        region_loss.message
    );
    assert!(
        region_loss.fix.contains("replication"),
        "{}",
        region_loss.fix
    );
    let corrupt = about(&corruption).unwrap_or_else(|| panic!("no {corruption} in {not_met:#?}"));
    // 24 h between runs, up to 1 h late to start, up to 7 d to complete (AWS's default).
    assert!(
        corrupt.message.contains("every 24 h"),
        "{}",
        corrupt.message
    );
    assert!(
        corrupt.message.contains("gives 193 h"),
        "{}",
        corrupt.message
    );
    assert!(corrupt.message.contains("15 min"), "{}", corrupt.message);
    // Regional storage covers the loss of an AZ.
    assert!(!not_met
        .iter()
        .any(|d| d.message.starts_with(&FailureScope::AzLoss.to_string())));
    Ok(())
}

// 2. One test per mechanism.

#[test]
fn regional_efs_storage_meets_az_loss_and_one_zone_storage_does_not() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    bare_file_system(&mut s, vpc)?;
    s.resource::<RawResource>(
        "OneZone",
        Resource::new("AWS::EFS::FileSystem")
            .property("AvailabilityZoneName", "us-east-1a")
            .property("Encrypted", true),
    )?;
    let report = DrReport::of(&app);
    let az = row(&report, "Efs/ContentFileSystem", FailureScope::AzLoss);
    assert!(mechanism(az).contains("EFS Regional storage"), "{az:#?}");
    assert_eq!(
        (az.rpo, az.rto),
        (Some(Duration::ZERO), Some(Duration::ZERO))
    );
    assert_eq!(az.verdict, Verdict::Met);
    let one_zone = row(&report, "Efs/OneZone", FailureScope::AzLoss);
    assert_eq!(one_zone.mechanism, None);
    assert_eq!(one_zone.verdict, Verdict::RpoNotMet);
    Ok(())
}

#[test]
fn efs_replication_meets_a_15_minute_region_loss_rpo_only_at_the_limit_as_a_warning() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    efs::FileSystem::new(
        &mut s,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            replication: Some(efs::Replication {
                region: DR.into(),
                kms_key_id: None,
            }),
            ..Default::default()
        },
    )?;
    let path = "Efs/ContentFileSystem";
    let report = DrReport::of(&app);
    let region = row(&report, path, FailureScope::RegionLoss);
    assert!(mechanism(region).contains("EFS replication"), "{region:#?}");
    assert_eq!((region.rpo, region.rto), (Some(MIN15), Some(MIN15)));
    assert_eq!(region.verdict, Verdict::AtLimit);

    let diags = app.validate(&CfnBackend::default());
    let at_limit = findings(&diags, "dr/at-limit", path);
    assert_eq!(at_limit.len(), 1, "{diags:#?}");
    assert_eq!(at_limit[0].severity, Severity::Warning);
    assert!(at_limit[0]
        .message
        .starts_with(&FailureScope::RegionLoss.to_string()));
    let region_errors: Vec<_> = dr_errors(&diags)
        .into_iter()
        .filter(|d| d.path == path && d.message.starts_with("loss of the Region"))
        .collect();
    assert!(region_errors.is_empty(), "{region_errors:#?}");
    Ok(())
}

#[test]
fn efs_replication_fully_meets_a_region_loss_rpo_looser_than_15_minutes() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, false)?;
    dr::declare(
        &mut app,
        stack,
        Objectives::default().with(
            FailureScope::RegionLoss,
            Some(Target {
                rpo: 2 * MIN15,
                rto: HOUR,
            }),
        ),
    )?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    efs::FileSystem::new(
        &mut s,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            replication: Some(efs::Replication {
                region: DR.into(),
                kms_key_id: None,
            }),
            ..Default::default()
        },
    )?;
    let report = DrReport::of(&app);
    let region = row(&report, "Efs/ContentFileSystem", FailureScope::RegionLoss);
    assert_eq!(region.verdict, Verdict::Met, "{region:#?}");
    assert!(!app
        .validate(&CfnBackend::default())
        .iter()
        .any(|d| d.rule == "dr/at-limit"));
    synth(&app, "dr_efs_replication");
    Ok(())
}

#[test]
fn an_hourly_backup_rule_gives_a_4_hour_rpo_and_a_daily_one_27_hours() -> R {
    // The interval, plus the 1-hour start window and the 2-hour completion window.
    for (rule, rpo, label) in [
        (hourly()?, 4 * HOUR, "every 1 h"),
        (daily()?, DAY + 3 * HOUR, "every 24 h"),
    ] {
        let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
        let mut s = app.at(stack)?;
        let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
        let fs = bare_file_system(&mut s, vpc)?;
        protect(&mut s, rule, fs.into())?;
        let report = DrReport::of(&app);
        let corruption = row(&report, "Efs/ContentFileSystem", FailureScope::Corruption);
        assert!(
            mechanism(corruption).contains("AWS Backup snapshots"),
            "{corruption:#?}"
        );
        assert!(mechanism(corruption).contains(label), "{corruption:#?}");
        assert!(
            mechanism(corruption).contains("EfsBackupPlan"),
            "{corruption:#?}"
        );
        assert_eq!(corruption.rpo, Some(rpo));
        assert_eq!(corruption.rto, Some(HOUR));
        assert_eq!(corruption.verdict, Verdict::RpoNotMet);
        // A snapshot in the same Region does nothing for the loss of the Region.
        let region = row(&report, "Efs/ContentFileSystem", FailureScope::RegionLoss);
        assert_eq!(region.mechanism, None);
    }
    Ok(())
}

#[test]
fn a_rule_whose_recovery_points_expire_before_its_next_run_is_not_credited() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = bare_file_system(&mut s, vpc)?;
    let mut weekly = BackupRule::new("Weekly", Schedule::cron("cron(0 5 ? * SUN *)")?)?;
    weekly.delete_after_days = Some(1);
    protect(&mut s, weekly, fs.into())?;
    let report = DrReport::of(&app);
    let corruption = row(&report, "Efs/ContentFileSystem", FailureScope::Corruption);
    // Kept one day, taken once a week: six days in seven without a recovery point.
    assert_eq!(corruption.mechanism, None, "{corruption:#?}");
    Ok(())
}

#[test]
fn efs_automatic_backups_count_as_a_daily_snapshot_with_aws_backups_default_windows() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
    let report = DrReport::of(&app);
    let corruption = row(&report, "Efs/ContentFileSystem", FailureScope::Corruption);
    assert!(
        mechanism(corruption).contains("EFS automatic backups"),
        "{corruption:#?}"
    );
    // A day between runs, then AWS Backup's default windows (8 h to start, 7 d to complete),
    // as for a plan written that way: not the 24 h a daily schedule alone suggests.
    assert_eq!(corruption.rpo, Some(DAY + 8 * HOUR + 7 * DAY));
    Ok(())
}

/// An EFS stack protected by `rule` with a copy to `destination`; the report of it.
fn copied_to(
    rule: BackupRule,
    destination: impl FnOnce(&mut Scope<'_>) -> Res<Value>,
    test_name: Option<&str>,
) -> Res<DrRow> {
    let (mut app, stack) = app_with("Efs", PRIMARY, false)?;
    // Objectives a backup copy can meet (Region loss only).
    dr::declare(
        &mut app,
        stack,
        Objectives::default().with(
            FailureScope::RegionLoss,
            Some(Target {
                rpo: DAY,
                rto: 4 * HOUR,
            }),
        ),
    )?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = bare_file_system(&mut s, vpc)?;
    let dest = destination(&mut s)?;
    let rule = BackupRule {
        copy_actions: vec![CopyAction {
            destination_vault_arn: dest,
            delete_after_days: Some(7),
            move_to_cold_storage_after_days: None,
        }],
        ..rule
    };
    protect(&mut s, rule, fs.into())?;
    if let Some(name) = test_name {
        synth(&app, name);
    }
    let report = DrReport::of(&app);
    Ok(row(&report, "Efs/ContentFileSystem", FailureScope::RegionLoss).clone())
}

#[test]
fn a_backup_copy_to_another_region_covers_region_loss_with_the_rules_worst_case() -> R {
    let hourly_copy = copied_to(
        hourly()?,
        |_| Ok(Value::from(vault_arn(DR))),
        Some("dr_backup_copy"),
    )?;
    assert!(
        mechanism(&hourly_copy).contains("AWS Backup copy to another Region"),
        "{hourly_copy:#?}"
    );
    assert_eq!(hourly_copy.rpo, Some(4 * HOUR));
    assert_eq!(hourly_copy.rto, Some(2 * HOUR));
    assert_eq!(hourly_copy.verdict, Verdict::Met);

    let daily_copy = copied_to(daily()?, |_| Ok(Value::from(vault_arn(DR))), None)?;
    assert!(mechanism(&daily_copy).contains("AWS Backup copy to another Region"));
    assert_eq!(daily_copy.rpo, Some(DAY + 3 * HOUR));
    Ok(())
}

#[test]
fn a_backup_copy_to_a_vault_imported_by_arn_from_another_region_covers_region_loss() -> R {
    let copy = copied_to(
        hourly()?,
        |s| {
            let arn = format!(
                "arn:${{AWS::Partition}}:backup:{DR}:${{AWS::AccountId}}:backup-vault:globalstream-dr"
            );
            Ok(BackupVault::from_arn(s, "DrVault", &arn)?.arn())
        },
        Some("dr_backup_copy_imported"),
    )?;
    assert!(
        mechanism(&copy).contains("AWS Backup copy to another Region"),
        "{copy:#?}"
    );
    assert_eq!(copy.rpo, Some(4 * HOUR));
    assert_eq!(copy.verdict, Verdict::Met);
    Ok(())
}

#[test]
fn a_backup_copy_to_a_vault_in_the_same_region_does_not_count_for_region_loss() -> R {
    for dest in [
        copied_to(hourly()?, |_| Ok(Value::from(vault_arn(PRIMARY))), None)?,
        copied_to(
            hourly()?,
            |s| Ok(BackupVault::from_arn(s, "SameRegionVault", &vault_arn(PRIMARY))?.arn()),
            None,
        )?,
        copied_to(
            hourly()?,
            |s| {
                let v = BackupVault::new(
                    s,
                    "SecondVault",
                    BackupVaultProps {
                        name: Some("globalstream-second".into()),
                        ..Default::default()
                    },
                )?;
                Ok(v.arn())
            },
            None,
        )?,
    ] {
        assert_eq!(dest.mechanism, None, "{dest:#?}");
        assert_eq!(dest.verdict, Verdict::RpoNotMet);
    }
    Ok(())
}

/// An Aurora cluster `Db/AuroraCluster` in a `Db` stack of the primary Region.
fn aurora(readers: u32, rule: Option<BackupRule>) -> Res<(App, Handle<Stack>)> {
    let (mut app, stack) = app_with("Db", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let creds = credentials(&mut s)?;
    let db = rds::DatabaseCluster::new(
        &mut s,
        "AuroraCluster",
        vpc,
        creds,
        rds::DatabaseClusterProps {
            readers,
            ..Default::default()
        },
    )?;
    if let Some(rule) = rule {
        protect(&mut s, rule, db.into())?;
    }
    Ok((app, stack))
}

/// The cluster construct, as findings and report rows name it.
const CLUSTER: &str = "Db/AuroraCluster";
/// The cluster's resource in the tree.
const CLUSTER_RESOURCE: &str = "Db/AuroraCluster/Resource";

#[test]
fn continuous_backup_of_an_aurora_cluster_gives_a_5_minute_rpo() -> R {
    let rule = BackupRule {
        enable_continuous_backup: true,
        delete_after_days: Some(7),
        copy_actions: vec![CopyAction {
            destination_vault_arn: Value::from(vault_arn(DR)),
            delete_after_days: Some(7),
            move_to_cold_storage_after_days: None,
        }],
        completion_window: 2 * HOUR,
        ..BackupRule::new("Continuous", Schedule::hourly())?
    };
    let (app, _) = aurora(1, Some(rule))?;
    let tree = app.freeze();
    let profiles = dr::profile::profiles(&tree);
    let cluster = profiles
        .iter()
        .find(|p| tree.path(p.resource) == CLUSTER_RESOURCE)
        .expect("a profile of the cluster");
    let continuous = cluster
        .protections
        .iter()
        .find(|p| p.mechanism.contains("continuous backup"))
        .unwrap_or_else(|| panic!("{cluster:#?}"));
    assert_eq!(continuous.scope, FailureScope::Corruption);
    assert_eq!(continuous.rpo, 5 * MIN);
    // Continuous backups are copied as snapshots: the copy's RPO is the hourly rule's worst
    // case (1 h + 1 h start window + 2 h completion window), never under 1 hour.
    let copy = cluster
        .protections
        .iter()
        .find(|p| p.mechanism.contains("copy to another Region"))
        .unwrap_or_else(|| panic!("{cluster:#?}"));
    assert_eq!(copy.rpo, 4 * HOUR);
    let report = DrReport::of(&app);
    let region = row(&report, CLUSTER, FailureScope::RegionLoss);
    assert_eq!(region.rpo, Some(4 * HOUR));
    assert_eq!(region.verdict, Verdict::RpoNotMet);
    assert_eq!(
        row(&report, CLUSTER, FailureScope::Corruption).rpo,
        Some(5 * MIN)
    );
    Ok(())
}

#[test]
fn continuous_backup_does_not_count_for_efs() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = bare_file_system(&mut s, vpc)?;
    let rule = BackupRule {
        enable_continuous_backup: true,
        delete_after_days: Some(7),
        ..BackupRule::new("Continuous", Schedule::hourly())?
    };
    protect(&mut s, rule, fs.into())?;
    let report = DrReport::of(&app);
    let corruption = row(&report, "Efs/ContentFileSystem", FailureScope::Corruption);
    // The snapshots only: 1 h + 1 h start window + 7 d completion window (the default).
    assert_eq!(
        corruption.rpo,
        Some(HOUR + HOUR + 7 * DAY),
        "{corruption:#?}"
    );
    assert!(!mechanism(corruption).contains("continuous"));
    Ok(())
}

#[test]
fn aurora_with_a_reader_fails_over_in_2_minutes_and_without_one_in_10() -> R {
    let (app, _) = aurora(1, None)?;
    let report = DrReport::of(&app);
    let az = row(&report, CLUSTER, FailureScope::AzLoss);
    assert!(mechanism(az).contains("Aurora Multi-AZ"), "{az:#?}");
    assert_eq!((az.rpo, az.rto), (Some(Duration::ZERO), Some(2 * MIN)));
    assert_eq!(az.verdict, Verdict::Met);

    let (mut app, stack) = aurora(0, None)?;
    let report = DrReport::of(&app);
    let az = row(&report, CLUSTER, FailureScope::AzLoss);
    assert!(mechanism(az).contains("single instance"), "{az:#?}");
    assert_eq!(az.rto, Some(10 * MIN));
    assert_eq!(az.verdict, Verdict::Met);
    // Against a 5-minute RTO only the reader would do.
    dr::declare(
        &mut app,
        stack,
        Objectives::default().with(
            FailureScope::AzLoss,
            Some(Target {
                rpo: MIN15,
                rto: 5 * MIN,
            }),
        ),
    )?;
    let diags = refused(&app);
    let rto = findings(&diags, "dr/rto-not-met", CLUSTER);
    assert_eq!(rto.len(), 1, "{diags:#?}");
    assert!(rto[0].message.contains("10 min"), "{}", rto[0].message);
    assert!(rto[0].fix.contains("reader"), "{}", rto[0].fix);
    Ok(())
}

#[test]
fn aurora_instances_pinned_to_one_az_are_not_multi_az() -> R {
    let (mut app, _) = aurora(1, None)?;
    // Through the escape hatch: both instances in the first AZ.
    let instances: Vec<NodeId> = app
        .nodes()
        .filter(|(_, n)| {
            n.as_resource()
                .is_some_and(|r| r.type_name == "AWS::RDS::DBInstance")
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(instances.len(), 2);
    for i in instances {
        app.resource_mut(i)?
            .properties
            .insert("AvailabilityZone", Value::select(0, Value::azs()));
    }
    let report = DrReport::of(&app);
    let az = row(&report, CLUSTER, FailureScope::AzLoss);
    assert!(mechanism(az).contains("single instance"), "{az:#?}");
    Ok(())
}

#[test]
fn aurora_automated_backups_give_point_in_time_restore_within_5_minutes() -> R {
    let (app, _) = aurora(1, None)?;
    let report = DrReport::of(&app);
    let corruption = row(&report, CLUSTER, FailureScope::Corruption);
    assert!(
        mechanism(corruption).contains("point-in-time restore"),
        "{corruption:#?}"
    );
    assert!(mechanism(corruption).contains("7 days"), "{corruption:#?}");
    assert_eq!(
        (corruption.rpo, corruption.rto),
        (Some(5 * MIN), Some(HOUR))
    );
    assert_eq!(corruption.verdict, Verdict::Met);
    Ok(())
}

/// A primary cluster in the global database `globalstream-global`; when `secondary_region` is
/// given, a secondary in a stack `Secondary` of that Region.
fn global_database(secondary_region: Option<&str>) -> Res<App> {
    let (mut app, stack) = app_with("Db", PRIMARY, true)?;
    let global = {
        let mut s = app.at(stack)?;
        rds::GlobalCluster::new(
            &mut s,
            "GlobalDatabase",
            "globalstream-global",
            Default::default(),
        )?
    };
    if let Some(region) = secondary_region {
        let dr_stack = app.stack(
            "Secondary",
            StackProps {
                region: Some(region.into()),
                ..Default::default()
            },
        )?;
        let mut d = app.at(dr_stack)?;
        let vpc = ec2::Vpc::new(&mut d, "Vpc", Default::default())?;
        rds::SecondaryDatabaseCluster::new(
            &mut d,
            "AuroraSecondary",
            vpc,
            global,
            Default::default(),
        )?;
    }
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let creds = credentials(&mut s)?;
    rds::DatabaseCluster::new(
        &mut s,
        "AuroraCluster",
        vpc,
        creds,
        rds::DatabaseClusterProps {
            global_cluster: Some(global),
            ..Default::default()
        },
    )?;
    Ok(app)
}

#[test]
fn an_aurora_global_database_with_a_secondary_in_another_region_meets_region_loss() -> R {
    let app = global_database(Some(DR))?;
    let report = DrReport::of(&app);
    let region = row(&report, CLUSTER, FailureScope::RegionLoss);
    assert!(
        mechanism(region).contains("Aurora Global Database"),
        "{region:#?}"
    );
    assert_eq!((region.rpo, region.rto), (Some(SECOND), Some(MIN)));
    assert_eq!(region.verdict, Verdict::Met);
    // The secondary's stack declares no objectives: no rows of its own.
    assert_eq!(report.for_stack("Secondary").count(), 0);
    synth(&app, "dr_global_database");
    Ok(())
}

#[test]
fn an_aurora_global_database_without_a_secondary_in_another_region_does_not_meet_region_loss() -> R
{
    // A secondary in the primary's own Region is refused when it is built.
    let same_region = global_database(Some(PRIMARY))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        same_region.contains("would not survive the loss of that Region"),
        "{same_region}"
    );
    {
        let app = global_database(None)?;
        let report = DrReport::of(&app);
        let region = row(&report, CLUSTER, FailureScope::RegionLoss);
        assert_eq!(region.mechanism, None, "{region:#?}");
        assert_eq!(region.verdict, Verdict::RpoNotMet);
        let diags = refused(&app);
        let not_met = findings(&diags, "dr/rpo-not-met", CLUSTER);
        assert_eq!(not_met.len(), 1, "{diags:#?}");
        assert!(not_met[0].fix.contains("Global Database"));
    }
    Ok(())
}

fn cache(props: elasticache::ReplicationGroupProps) -> Res<DrReport> {
    let (mut app, stack) = app_with("Cache", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    elasticache::ReplicationGroup::new(&mut s, "RedisCluster", vpc, props)?;
    Ok(DrReport::of(&app))
}

const REDIS: &str = "Cache/RedisCluster";

#[test]
fn elasticache_multi_az_with_failover_meets_az_loss_and_without_it_does_not() -> R {
    let report = cache(Default::default())?;
    let az = row(&report, REDIS, FailureScope::AzLoss);
    assert!(mechanism(az).contains("ElastiCache Multi-AZ"), "{az:#?}");
    assert_eq!((az.rpo, az.rto), (Some(5 * SECOND), Some(5 * MIN)));
    assert_eq!(az.verdict, Verdict::Met);

    let report = cache(elasticache::ReplicationGroupProps {
        multi_az: false,
        ..Default::default()
    })?;
    let az = row(&report, REDIS, FailureScope::AzLoss);
    assert_eq!(az.mechanism, None, "{az:#?}");
    assert_eq!(az.verdict, Verdict::RpoNotMet);
    Ok(())
}

#[test]
fn elasticache_snapshots_give_a_24_hour_rpo_and_none_when_turned_off() -> R {
    let report = cache(Default::default())?;
    let corruption = row(&report, REDIS, FailureScope::Corruption);
    assert!(
        mechanism(corruption).contains("daily automatic snapshots"),
        "{corruption:#?}"
    );
    assert_eq!(corruption.rpo, Some(DAY));
    assert_eq!(corruption.verdict, Verdict::RpoNotMet);
    // No global datastore: nothing for the loss of the Region.
    assert_eq!(
        row(&report, REDIS, FailureScope::RegionLoss).mechanism,
        None
    );

    let report = cache(elasticache::ReplicationGroupProps {
        snapshot_retention_days: 0,
        ..Default::default()
    })?;
    assert_eq!(
        row(&report, REDIS, FailureScope::Corruption).mechanism,
        None
    );
    Ok(())
}

#[test]
fn kinesis_covers_az_loss_but_neither_region_loss_nor_deletion() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    kinesis::Stream::new(
        &mut s,
        "EventStream",
        kinesis::StreamProps {
            retention_hours: 48,
            ..Default::default()
        },
    )?;
    let path = "Analytics/EventStream";
    let report = DrReport::of(&app);
    let az = row(&report, path, FailureScope::AzLoss);
    assert!(
        mechanism(az).contains("Kinesis synchronous copies"),
        "{az:#?}"
    );
    assert_eq!(az.verdict, Verdict::Met);
    // Retention is a replay window for consumers, not a copy a deletion cannot reach.
    let corruption = row(&report, path, FailureScope::Corruption);
    assert_eq!(corruption.mechanism, None, "{corruption:#?}");
    let region = row(&report, path, FailureScope::RegionLoss);
    assert_eq!(region.mechanism, None);
    assert_eq!(region.verdict, Verdict::RpoNotMet);
    let diags = refused(&app);
    let not_met = findings(&diags, "dr/rpo-not-met", path);
    assert_eq!(not_met.len(), 2, "{diags:#?}");
    assert!(not_met
        .iter()
        .any(|d| d.message.starts_with("loss of the Region")));
    Ok(())
}

fn secret_report(replicas: &[&str]) -> Res<(App, DrReport)> {
    let (mut app, stack) = app_with("Secrets", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    Secret::new(
        &mut s,
        "ApiKey",
        SecretProps {
            replica_regions: replicas.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        },
    )?;
    let report = DrReport::of(&app);
    Ok((app, report))
}

const SECRET: &str = "Secrets/ApiKey";

#[test]
fn a_secret_replicated_to_another_region_meets_region_loss() -> R {
    let (app, report) = secret_report(&[DR])?;
    let region = row(&report, SECRET, FailureScope::RegionLoss);
    assert!(
        mechanism(region).contains("Secrets Manager replica"),
        "{region:#?}"
    );
    assert_eq!(
        (region.rpo, region.rto),
        (Some(Duration::ZERO), Some(5 * MIN))
    );
    assert_eq!(region.verdict, Verdict::Met);
    for scope in [FailureScope::AzLoss, FailureScope::Corruption] {
        assert_eq!(row(&report, SECRET, scope).verdict, Verdict::Met);
    }
    synth(&app, "dr_secret_replica");
    Ok(())
}

#[test]
fn a_secret_without_a_replica_in_another_region_does_not_meet_region_loss() -> R {
    // A replica in the stack's own Region is refused when the secret is built.
    let same_region = secret_report(&[PRIMARY])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        same_region.contains("is not another Region"),
        "{same_region}"
    );
    {
        let (app, report) = secret_report(&[])?;
        let region = row(&report, SECRET, FailureScope::RegionLoss);
        assert_eq!(region.mechanism, None, "{region:#?}");
        assert_eq!(region.verdict, Verdict::RpoNotMet);
        let diags = refused(&app);
        let not_met = findings(&diags, "dr/rpo-not-met", SECRET);
        assert_eq!(not_met.len(), 1, "{diags:#?}");
        assert!(not_met[0].fix.contains("replica_regions"));
    }
    Ok(())
}

#[test]
fn s3_versioning_meets_corruption_and_an_unversioned_bucket_does_not() -> R {
    for (versioned, verdict) in [(true, Verdict::Met), (false, Verdict::RpoNotMet)] {
        let (mut app, stack) = app_with("Store", PRIMARY, true)?;
        let mut s = app.at(stack)?;
        s3::Bucket::new(
            &mut s,
            "Bucket",
            s3::BucketProps {
                versioned,
                ..Default::default()
            },
        )?;
        let report = DrReport::of(&app);
        let corruption = row(&report, "Store/Bucket", FailureScope::Corruption);
        assert_eq!(corruption.verdict, verdict, "{corruption:#?}");
        if versioned {
            assert!(mechanism(corruption).contains("S3 versioning"));
            assert_eq!(corruption.rto, Some(HOUR));
        } else {
            assert_eq!(corruption.mechanism, None);
        }
        let az = row(&report, "Store/Bucket", FailureScope::AzLoss);
        assert!(mechanism(az).contains("S3 storage across 3 AZs"));
        assert_eq!(az.verdict, Verdict::Met);
    }
    Ok(())
}

// 3. Overrides.

#[test]
fn an_override_without_a_reason_is_refused() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "EventStream", Default::default())?;
    for reason in ["", "   "] {
        let err = dr::override_for(&mut app, stream.node, Objectives::default(), reason)
            .expect_err("an empty reason is refused");
        let text = err.to_string();
        assert!(text.contains("Analytics/EventStream"), "{text}");
        assert!(text.contains("reason"), "{text}");
    }
    Ok(())
}

#[test]
fn an_override_with_a_reason_sets_the_verdict_and_appears_in_the_report() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "EventStream", Default::default())?;
    let reason = "analytics events are best effort after a Region loss or a deletion";
    dr::override_for(
        &mut app,
        stream.node,
        Objectives::all(MIN15, HOUR)
            .with(FailureScope::RegionLoss, None)
            .with(FailureScope::Corruption, None),
        reason,
    )?;
    let path = "Analytics/EventStream";
    let report = DrReport::of(&app);
    let region = row(&report, path, FailureScope::RegionLoss);
    assert_eq!(region.verdict, Verdict::NoObjective);
    assert_eq!(region.target, None);
    for scope in FailureScope::ALL {
        assert_eq!(
            row(&report, path, scope).override_reason.as_deref(),
            Some(reason)
        );
    }
    assert_eq!(
        row(&report, path, FailureScope::AzLoss).verdict,
        Verdict::Met
    );
    assert!(report
        .table("Analytics")
        .contains("no-objective (override)"));
    assert!(dr_errors(&app.validate(&CfnBackend::default())).is_empty());
    synth(&app, "dr_override");
    Ok(())
}

#[test]
fn an_override_can_relax_a_target_so_the_verdict_follows_it() -> R {
    let (mut app, stack) = app_with("Cache", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let redis =
        elasticache::ReplicationGroup::new(&mut s, "RedisCluster", vpc, Default::default())?;
    assert_eq!(
        row(&DrReport::of(&app), REDIS, FailureScope::Corruption).verdict,
        Verdict::RpoNotMet
    );
    dr::override_for(
        &mut app,
        redis.node,
        Objectives::all(MIN15, HOUR)
            .with(
                FailureScope::Corruption,
                Some(Target {
                    rpo: DAY,
                    rto: HOUR,
                }),
            )
            .with(FailureScope::RegionLoss, None),
        "the cache refills from the database",
    )?;
    let report = DrReport::of(&app);
    let corruption = row(&report, REDIS, FailureScope::Corruption);
    assert_eq!(corruption.verdict, Verdict::Met);
    assert_eq!(corruption.target.map(|t| t.rpo), Some(DAY));
    assert!(corruption.override_reason.is_some());
    Ok(())
}

#[test]
fn a_scope_without_an_objective_has_no_verdict() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, false)?;
    dr::declare(
        &mut app,
        stack,
        Objectives::all(MIN15, HOUR)
            .with(FailureScope::RegionLoss, None)
            .with(FailureScope::Corruption, None),
    )?;
    let mut s = app.at(stack)?;
    kinesis::Stream::new(&mut s, "EventStream", Default::default())?;
    let report = DrReport::of(&app);
    let region = row(&report, "Analytics/EventStream", FailureScope::RegionLoss);
    assert_eq!(region.verdict, Verdict::NoObjective);
    assert_eq!(region.override_reason, None);
    assert!(dr_errors(&app.validate(&CfnBackend::default())).is_empty());
    Ok(())
}

#[test]
fn objectives_are_declared_on_a_stack_only() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, false)?;
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "EventStream", Default::default())?;
    let err = dr::declare(&mut app, stream.node, Objectives::all(MIN15, HOUR))
        .expect_err("a construct is not a stack");
    assert!(err.to_string().contains("override_for"), "{err}");
    assert!(dr::objectives_of(&app, stack.node()).is_none());
    Ok(())
}

// 4. dr/stateful-destroy.

fn destroyed_bucket(objectives: bool) -> Res<(App, s3::Bucket)> {
    let (mut app, stack) = app_with("Store", PRIMARY, false)?;
    if objectives {
        // Only an AZ-loss objective, which the bucket meets: the removal policy is the finding.
        dr::declare(
            &mut app,
            stack,
            Objectives::default().with(
                FailureScope::AzLoss,
                Some(Target {
                    rpo: MIN15,
                    rto: HOUR,
                }),
            ),
        )?;
    }
    let mut s = app.at(stack)?;
    let bucket = s3::Bucket::new(
        &mut s,
        "Bucket",
        s3::BucketProps {
            removal_policy: RemovalPolicy::Destroy,
            ..Default::default()
        },
    )?;
    Ok((app, bucket))
}

#[test]
fn a_stateful_resource_destroyed_on_removal_is_refused_in_a_stack_with_objectives() -> R {
    let (app, _) = destroyed_bucket(true)?;
    let diags = refused(&app);
    let destroy = findings(&diags, "dr/stateful-destroy", "Store/Bucket");
    assert_eq!(destroy.len(), 1, "{diags:#?}");
    assert!(destroy[0].message.contains("AWS::S3::Bucket"));
    assert_eq!(dr_errors(&diags).len(), 1, "{diags:#?}");
    Ok(())
}

#[test]
fn an_acknowledged_stateful_destroy_synthesizes_with_the_reason_in_the_metadata() -> R {
    let (mut app, bucket) = destroyed_bucket(true)?;
    let reason = "test environment: its data is recreated by the pipeline";
    app.acknowledge(bucket.node, &rules::DR_STATEFUL_DESTROY, reason)?;
    let t = synth(&app, "dr_stateful_destroy_acknowledged");
    let (_, r) = resource_at(&t, "Store/Bucket/Resource");
    assert_eq!(r["DeletionPolicy"], "Delete");
    let acks = r["Metadata"]["gs:acknowledged"]
        .as_array()
        .unwrap_or_else(|| panic!("{r:#}"));
    assert!(acks
        .iter()
        .any(|a| a["rule"] == "dr/stateful-destroy" && a["reason"] == reason));
    Ok(())
}

#[test]
fn a_stateful_destroy_in_a_stack_without_objectives_is_not_a_dr_finding() -> R {
    let (app, _) = destroyed_bucket(false)?;
    let diags = app.validate(&CfnBackend::default());
    assert!(
        !diags.iter().any(|d| d.rule.starts_with("dr/")),
        "{diags:#?}"
    );
    assert!(DrReport::of(&app).rows.is_empty());
    Ok(())
}

// 5. Cross-Region handles.

fn two_regions() -> Res<(App, Handle<Stack>, Handle<Stack>)> {
    let (mut app, primary) = app_with("Primary", PRIMARY, false)?;
    let dr_stack = app.stack(
        "Dr",
        StackProps {
            region: Some(DR.into()),
            ..Default::default()
        },
    )?;
    Ok((app, primary, dr_stack))
}

fn parameter(s: &mut Scope<'_>, id: &str, value: Value) -> Res<()> {
    s.resource::<RawResource>(
        id,
        Resource::new("AWS::SSM::Parameter")
            .property("Type", "String")
            .property("Value", value),
    )?;
    Ok(())
}

#[test]
fn a_reference_to_a_construct_in_another_region_is_refused() -> R {
    let (mut app, primary, dr_stack) = two_regions()?;
    let stream = kinesis::Stream::new(&mut app.at(primary)?, "EventStream", Default::default())?;
    let vault = BackupVault::new(&mut app.at(primary)?, "Vault", Default::default())?;
    let mut d = app.at(dr_stack)?;
    parameter(&mut d, "StreamName", stream.stream_name())?;
    parameter(&mut d, "StreamArn", stream.arn())?;
    let dr_vault = BackupVault::new(&mut d, "DrVault", Default::default())?;
    let rule = BackupRule {
        copy_actions: vec![CopyAction::to_vault(vault, Some(7))],
        ..daily()?
    };
    BackupPlan::new(&mut d, "Plan", dr_vault, rule, Default::default())?;

    let diags = refused(&app);
    for path in ["Dr/StreamName", "Dr/StreamArn", "Dr/Plan"] {
        let dangling = findings(&diags, "core/dangling-reference", path);
        assert_eq!(dangling.len(), 1, "{path}: {diags:#?}");
        assert!(
            dangling[0].message.contains("another Region"),
            "{}",
            dangling[0].message
        );
        assert!(dangling[0].message.contains(PRIMARY));
    }
    Ok(())
}

#[test]
fn values_passed_on_purpose_across_regions_are_accepted() -> R {
    let (mut app, primary, dr_stack) = two_regions()?;
    let mut d = app.at(dr_stack)?;
    BackupVault::new(
        &mut d,
        "DrVault",
        BackupVaultProps {
            name: Some("globalstream-dr".into()),
            ..Default::default()
        },
    )?;
    parameter(&mut d, "StreamName", Value::from("globalstream-events-dev"))?;
    parameter(
        &mut d,
        "StreamArn",
        gs_cfn::ssm_parameter_value("/globalstream/events-arn"),
    )?;
    let mut s = app.at(primary)?;
    kinesis::Stream::new(
        &mut s,
        "EventStream",
        kinesis::StreamProps {
            stream_name: Some("globalstream-events-dev".into()),
            ..Default::default()
        },
    )?;
    let bucket = s3::Bucket::new(&mut s, "Bucket", Default::default())?;
    let dr_vault = BackupVault::from_arn(&mut s, "DrVault", &vault_arn(DR))?;
    let rule = BackupRule {
        copy_actions: vec![CopyAction::to_vault(dr_vault, Some(7))],
        ..daily()?
    };
    protect(&mut s, rule, bucket.into())?;
    let diags = app.validate(&CfnBackend::default());
    assert!(
        !diags.iter().any(|d| d.rule == "core/dangling-reference"),
        "{diags:#?}"
    );
    synth(&app, "dr_cross_region_explicit");
    Ok(())
}

// 6. The report.

#[test]
fn the_report_has_one_line_per_resource_and_scope_with_json_rows() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    kinesis::Stream::new(&mut s, "EventStream", Default::default())?;
    Secret::new(
        &mut s,
        "ApiKey",
        SecretProps {
            replica_regions: vec![DR.into()],
            ..Default::default()
        },
    )?;
    let report = DrReport::of(&app);
    assert_eq!(report.for_stack("Analytics").count(), 2 * 3);
    let table = report.table("Analytics");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 3, "{table}");
    assert!(lines[0].starts_with("resource"), "{table}");
    assert!(lines[0].contains("verdict"), "{table}");
    // Paths are shown relative to the stack, without `/Resource`.
    assert!(lines.iter().any(|l| l.starts_with("EventStream ")
        && l.contains("region-loss")
        && l.contains("rpo-not-met")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("ApiKey ") && l.contains("region-loss") && l.contains("met")));

    let json = serde_json::to_value(report.to_json("Analytics")).unwrap();
    assert_eq!(json["stack"], "Analytics");
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 6);
    let region = rows
        .iter()
        .find(|r| r["path"] == "Analytics/EventStream" && r["scope"] == "region-loss")
        .expect("the stream's Region-loss row");
    assert_eq!(region["verdict"], "rpo-not-met");
    assert_eq!(region["rpo_seconds"], serde_json::Value::Null);
    assert_eq!(region["target_rpo_seconds"], 900);
    assert_eq!(region["target_rto_seconds"], 3600);
    let az = rows
        .iter()
        .find(|r| r["path"] == "Analytics/EventStream" && r["scope"] == "az-loss")
        .expect("the stream's AZ-loss row");
    assert_eq!(az["rpo_seconds"], 0);
    assert_eq!(az["rto_seconds"], 0);
    assert_eq!(az["verdict"], "met");
    assert_eq!(az["type"], "AWS::Kinesis::Stream");
    assert!(az["basis"].as_str().is_some_and(|b| b.contains("Kinesis")));
    Ok(())
}

#[test]
fn a_stack_without_objectives_has_no_report_rows() -> R {
    let (mut app, primary, dr_stack) = two_regions()?;
    dr::declare(&mut app, dr_stack, Objectives::all(MIN15, HOUR))?;
    kinesis::Stream::new(&mut app.at(primary)?, "EventStream", Default::default())?;
    kinesis::Stream::new(&mut app.at(dr_stack)?, "EventStream", Default::default())?;
    let report = DrReport::of(&app);
    assert_eq!(report.for_stack("Primary").count(), 0);
    assert_eq!(report.for_stack("Dr").count(), 3);
    assert_eq!(report.table("Primary").lines().count(), 1);
    assert_eq!(
        serde_json::to_value(report.to_json("Primary")).unwrap()["rows"],
        serde_json::json!([])
    );
    Ok(())
}

#[test]
fn durations_are_formatted_as_objectives_are_written() {
    assert_eq!(dr::format_duration(Duration::ZERO), "0");
    assert_eq!(dr::format_duration(SECOND), "1 s");
    assert_eq!(dr::format_duration(5 * MIN), "5 min");
    assert_eq!(dr::format_duration(HOUR), "1 h");
    assert_eq!(dr::format_duration(DAY), "24 h");
    assert_eq!(dr::format_duration(7 * DAY), "7 d");
}

// 7. The GlobalStream example.

fn globalstream() -> Res<stack::GlobalStream> {
    let config = stack::Config::from_env(|_| None)?;
    assert_eq!(
        config,
        stack::Config {
            suffix: "dev".into(),
            region: PRIMARY.into(),
            dr_region: DR.into(),
        }
    );
    stack::build(&config)
}

#[test]
fn the_globalstream_example_synthesizes_and_meets_its_objectives() -> R {
    let built = globalstream()?;
    let app = &built.app;
    let diags = app.validate(&CfnBackend::default());
    let errors = dr_errors(&diags);
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        !diags
            .iter()
            .any(|d| d.severity == Severity::Error && d.acknowledged.is_none()),
        "{diags:#?}"
    );
    synth(app, "dr_globalstream");

    let report = DrReport::of(app);
    let primary = app.node(built.primary)?.id().to_string();
    assert_eq!(primary, "TapStackdev");
    assert!(report.for_stack(&primary).count() > 0);
    let failing: Vec<&DrRow> = report
        .rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::RpoNotMet | Verdict::RtoNotMet))
        .collect();
    assert!(failing.is_empty(), "{failing:#?}");

    let aurora = row(
        &report,
        "TapStackdev/Database/AuroraCluster",
        FailureScope::RegionLoss,
    );
    assert!(
        mechanism(aurora).contains("Aurora Global Database"),
        "{aurora:#?}"
    );
    assert_eq!(aurora.verdict, Verdict::Met);

    let fs_resource = app.path(built.file_system.resource)?;
    assert_eq!(
        fs_resource,
        "TapStackdev/Storage/ContentFileSystem/Resource"
    );
    // Rows and findings name the file system's construct.
    let fs_path = "TapStackdev/Storage/ContentFileSystem";
    let content = row(&report, fs_path, FailureScope::RegionLoss);
    assert_eq!(content.verdict, Verdict::AtLimit, "{content:#?}");
    assert!(mechanism(content).contains("EFS replication"));
    let corruption = row(&report, fs_path, FailureScope::Corruption);
    assert_eq!(corruption.verdict, Verdict::Met);
    // A run every hour, up to 1 h late to start and 2 h to complete.
    assert_eq!(corruption.rpo, Some(4 * HOUR), "{corruption:#?}");
    assert!(corruption.override_reason.is_some());
    // Every backup rule runs, and each run is copied to the DR Region.
    assert!(
        !diags.iter().any(|d| d.rule == "backup/overlapping-rules"),
        "{diags:#?}"
    );
    let tree = app.freeze();
    let profiles = dr::profile::profiles(&tree);
    let fs_profile = profiles
        .iter()
        .find(|p| p.resource == built.file_system.resource.node())
        .ok_or("a profile of the file system")?;
    let copy = fs_profile
        .protections
        .iter()
        .find(|p| p.mechanism.contains("copy to another Region"))
        .ok_or("a copy to the DR Region")?;
    assert_eq!(copy.rpo, 4 * HOUR, "{copy:#?}");
    assert!(
        copy.mechanism.contains("DailyBackup, HourlyBackup"),
        "{copy:#?}"
    );
    // The DR Region's database admits the DR VPC, as the primary admits the media service.
    assert!(
        !diags.iter().any(|d| d.rule == "dr/failover-unreachable"),
        "{diags:#?}"
    );
    assert!(diags
        .iter()
        .any(|d| d.rule == "dr/at-limit" && d.path == fs_path));
    // The DR Region stack declares no objectives.
    assert_eq!(report.for_stack(app.node(built.dr)?.id()).count(), 0);
    Ok(())
}

#[test]
fn the_globalstream_configuration_refuses_values_aws_would_refuse() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    };
    for (pairs, what) in [
        (&[("ENVIRONMENT_SUFFIX", "")][..], "ENVIRONMENT_SUFFIX"),
        (&[("ENVIRONMENT_SUFFIX", "Dev")][..], "ENVIRONMENT_SUFFIX"),
        (
            &[("AWS_REGION", "eu-west-1"), ("DR_REGION", "eu-west-1")][..],
            "DR_REGION equals AWS_REGION",
        ),
        (&[("DR_REGION", "west")][..], "DR_REGION"),
    ] {
        let err = stack::Config::from_env(env(pairs)).expect_err("refused");
        assert!(err.contains(what), "{err}");
        assert!(err.contains("fix:"), "{err}");
    }
    let ok = stack::Config::from_env(env(&[("ENVIRONMENT_SUFFIX", "pr123")])).expect("valid");
    assert_eq!(ok.suffix, "pr123");
}

// 8. Figures that do not flatter (issue 9, section 5).

/// A file system `Efs/ContentFileSystem` protected by a plan of `rules` (the first builds the
/// plan); the report.
fn efs_with_rules(rules: Vec<BackupRule>, objectives: Objectives) -> Res<(App, DrReport)> {
    let (mut app, stack) = app_with("Efs", PRIMARY, false)?;
    dr::declare(&mut app, stack, objectives)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = bare_file_system(&mut s, vpc)?;
    let mut rules = rules.into_iter();
    let first = rules.next().ok_or("a rule")?;
    let plan = protect(&mut s, first, fs.into())?;
    for r in rules {
        plan.add_rule(s.app_mut(), r)?;
    }
    let report = DrReport::of(&app);
    Ok((app, report))
}

const EFS: &str = "Efs/ContentFileSystem";

fn windows(rule: BackupRule, start_h: u32, completion_h: u32) -> BackupRule {
    BackupRule {
        start_window: start_h * HOUR,
        completion_window: completion_h * HOUR,
        ..rule
    }
}

#[test]
fn a_backup_rpo_counts_the_start_and_completion_windows_not_only_the_interval() -> R {
    // Hourly, started within 1 h, completed within 2 h: the previous run may start on time and
    // the next one start an hour late and finish two hours after that.
    let (_, report) = efs_with_rules(
        vec![windows(hourly()?, 1, 2)],
        Objectives::all(MIN15, HOUR).with(
            FailureScope::Corruption,
            Some(Target {
                rpo: 4 * HOUR,
                rto: HOUR,
            }),
        ),
    )?;
    let corruption = row(&report, EFS, FailureScope::Corruption);
    assert_eq!(corruption.rpo, Some(4 * HOUR), "{corruption:#?}");
    assert_eq!(corruption.verdict, Verdict::Met);
    assert!(
        mechanism(corruption).contains("started within 1 h"),
        "{corruption:#?}"
    );
    assert!(
        mechanism(corruption).contains("completed within 2 h"),
        "{corruption:#?}"
    );
    // The typed rule's default completion window is AWS Backup's: 7 days.
    let aws_default = BackupRule {
        delete_after_days: Some(2),
        ..BackupRule::new("HourlyBackup", Schedule::hourly())?
    };
    let (_, report) = efs_with_rules(vec![aws_default], Objectives::all(MIN15, HOUR))?;
    let corruption = row(&report, EFS, FailureScope::Corruption);
    assert_eq!(
        corruption.rpo,
        Some(HOUR + HOUR + 7 * DAY),
        "{corruption:#?}"
    );
    Ok(())
}

#[test]
fn a_raw_rule_without_windows_gets_aws_backups_defaults_of_8_hours_and_7_days() -> R {
    let (mut app, stack) = app_with("Efs", PRIMARY, true)?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = bare_file_system(&mut s, vpc)?;
    let vault = BackupVault::new(&mut s, "BackupVault", BackupVaultProps::default())?;
    let plan = s.resource::<RawResource>(
        "RawPlan",
        Resource::new("AWS::Backup::BackupPlan").property(
            "BackupPlan",
            Value::from(gs_core::ValueMap::new().with("BackupPlanName", "raw").with(
                "BackupPlanRule",
                Value::List(vec![Value::from(
                            gs_core::ValueMap::new()
                                .with("RuleName", "Hourly")
                                .with("ScheduleExpression", "cron(0 * * * ? *)")
                                .with("TargetBackupVault", vault.name()),
                        )]),
            )),
        ),
    )?;
    s.resource::<RawResource>(
        "RawSelection",
        Resource::new("AWS::Backup::BackupSelection")
            .property("BackupPlanId", Value::Ref(plan.node()))
            .property(
                "BackupSelection",
                Value::from(
                    gs_core::ValueMap::new()
                        .with("IamRoleArn", "arn:aws:iam::123456789012:role/backup")
                        .with(
                            "Resources",
                            Value::List(vec![Value::GetAtt(fs.resource.node(), "Arn".into())]),
                        )
                        .with("SelectionName", "raw"),
                ),
            ),
    )?;
    let report = DrReport::of(&app);
    let corruption = row(&report, EFS, FailureScope::Corruption);
    assert_eq!(
        corruption.rpo,
        Some(HOUR + 8 * HOUR + 7 * DAY),
        "{corruption:#?}"
    );
    Ok(())
}

#[test]
fn an_hourly_run_skipped_for_an_overlapping_daily_rule_widens_the_copy_interval() -> R {
    // Daily at 05:00 kept 7 days wins over the hourly 05:00 run kept 2 days, which carried the
    // copy: copies arrive at 04:00 and 06:00.
    let hourly_copy = BackupRule {
        copy_actions: vec![CopyAction {
            destination_vault_arn: Value::from(vault_arn(DR)),
            delete_after_days: Some(7),
            move_to_cold_storage_after_days: None,
        }],
        ..windows(hourly()?, 1, 2)
    };
    let loose = Some(Target {
        rpo: DAY,
        rto: 4 * HOUR,
    });
    let (_, report) = efs_with_rules(
        vec![windows(daily()?, 1, 2), hourly_copy.clone()],
        Objectives::default()
            .with(FailureScope::RegionLoss, loose)
            .with(FailureScope::Corruption, loose),
    )?;
    let region = row(&report, EFS, FailureScope::RegionLoss);
    assert!(
        mechanism(region).contains("AWS Backup copy to another Region"),
        "{region:#?}"
    );
    assert_eq!(region.rpo, Some(2 * HOUR + HOUR + 2 * HOUR), "{region:#?}");
    assert!(mechanism(region).contains("skip"), "{region:#?}");
    // Recovery points still come every hour: the daily rule's run replaces the skipped one.
    let corruption = row(&report, EFS, FailureScope::Corruption);
    assert_eq!(corruption.rpo, Some(4 * HOUR), "{corruption:#?}");

    // The hourly rule leaving 05:00 to the daily one, which copies too: nothing skipped, a
    // copy every hour.
    let daily_copy = BackupRule {
        copy_actions: hourly_copy.copy_actions.clone(),
        ..windows(daily()?, 1, 2)
    };
    let not_at_5 = BackupRule {
        schedule: Schedule::cron("cron(0 0-4,6-23 * * ? *)")?,
        ..hourly_copy
    };
    let (app, report) = efs_with_rules(
        vec![daily_copy, not_at_5],
        Objectives::default()
            .with(FailureScope::RegionLoss, loose)
            .with(FailureScope::Corruption, loose),
    )?;
    let region = row(&report, EFS, FailureScope::RegionLoss);
    assert_eq!(region.rpo, Some(4 * HOUR), "{region:#?}");
    assert!(!app
        .validate(&CfnBackend::default())
        .iter()
        .any(|d| d.rule == "backup/overlapping-rules"));
    Ok(())
}

/// A bucket `Store/Bucket` replicating to `destination`, with Replication Time Control when
/// `rtc`; the Region-loss row.
fn replicated_bucket(
    destination: impl FnOnce(&mut Scope<'_>) -> Res<Value>,
    rtc: bool,
) -> Res<DrRow> {
    let (mut app, stack) = app_with("Store", PRIMARY, false)?;
    dr::declare(
        &mut app,
        stack,
        Objectives::default().with(
            FailureScope::RegionLoss,
            Some(Target {
                rpo: 2 * DAY,
                rto: HOUR,
            }),
        ),
    )?;
    let mut s = app.at(stack)?;
    let bucket = destination(&mut s)?;
    let mut dest = gs_core::ValueMap::new().with("Bucket", bucket);
    if rtc {
        let fifteen = gs_core::ValueMap::new().with("Minutes", 15);
        dest.insert(
            "ReplicationTime",
            gs_core::ValueMap::new()
                .with("Status", "Enabled")
                .with("Time", fifteen.clone()),
        );
        dest.insert(
            "Metrics",
            gs_core::ValueMap::new()
                .with("Status", "Enabled")
                .with("EventThreshold", fifteen),
        );
    }
    s.resource::<RawResource>(
        "Bucket",
        Resource::new("AWS::S3::Bucket")
            .property(
                "VersioningConfiguration",
                gs_core::ValueMap::new().with("Status", "Enabled"),
            )
            .property(
                "ReplicationConfiguration",
                gs_core::ValueMap::new()
                    .with("Role", "arn:aws:iam::123456789012:role/replication")
                    .with(
                        "Rules",
                        Value::List(vec![Value::from(
                            gs_core::ValueMap::new()
                                .with("Destination", dest)
                                .with("Status", "Enabled"),
                        )]),
                    ),
            )
            .removal_policy(gs_core::RemovalPolicy::Retain),
    )?;
    let report = DrReport::of(&app);
    Ok(row(&report, "Store/Bucket", FailureScope::RegionLoss).clone())
}

/// A bucket imported with its Region.
fn imported_bucket(s: &mut Scope<'_>, region: &str) -> Res<Value> {
    let import = s.import::<()>(
        "DrBucket",
        gs_core::Import {
            type_name: "AWS::S3::Bucket".into(),
            attributes: gs_core::ValueMap::new()
                .with("Arn", "arn:aws:s3:::globalstream-dr")
                .with("Region", region),
        },
    )?;
    Ok(Value::GetAtt(import.node(), "Arn".into()))
}

#[test]
fn s3_replication_counts_for_region_loss_only_to_a_bucket_known_to_be_in_another_region() -> R {
    // An S3 ARN names no Region: gs cannot tell where the copy lands.
    let unknown = replicated_bucket(|_| Ok(Value::from("arn:aws:s3:::globalstream-dr")), true)?;
    assert_eq!(unknown.mechanism, None, "{unknown:#?}");
    let same = replicated_bucket(|s| imported_bucket(s, PRIMARY), true)?;
    assert_eq!(same.mechanism, None, "{same:#?}");
    let other = replicated_bucket(|s| imported_bucket(s, DR), true)?;
    assert!(mechanism(&other).contains("S3 replication"), "{other:#?}");
    Ok(())
}

#[test]
fn s3_replication_promises_15_minutes_only_with_replication_time_control() -> R {
    let rtc = replicated_bucket(|s| imported_bucket(s, DR), true)?;
    assert_eq!(rtc.rpo, Some(MIN15), "{rtc:#?}");
    assert!(
        mechanism(&rtc).contains("Replication Time Control"),
        "{rtc:#?}"
    );
    let plain = replicated_bucket(|s| imported_bucket(s, DR), false)?;
    // Without RTC AWS promises nothing: most objects within 15 minutes, some up to 48 hours.
    assert_eq!(plain.rpo, Some(2 * DAY), "{plain:#?}");
    assert_eq!(plain.verdict, Verdict::AtLimit, "{plain:#?}");
    Ok(())
}

#[test]
fn kinesis_retention_is_no_protection_against_deleting_the_stream() -> R {
    let (mut app, stack) = app_with("Analytics", PRIMARY, true)?;
    kinesis::Stream::new(&mut app.at(stack)?, "EventStream", Default::default())?;
    let path = "Analytics/EventStream";
    let report = DrReport::of(&app);
    let corruption = row(&report, path, FailureScope::Corruption);
    assert_eq!(corruption.mechanism, None, "{corruption:#?}");
    assert_eq!(corruption.verdict, Verdict::RpoNotMet);
    let diags = refused(&app);
    let not_met = findings(&diags, "dr/rpo-not-met", path);
    assert!(
        not_met
            .iter()
            .any(|d| d.message.starts_with("data corruption or deletion")
                && d.fix.contains("retention")),
        "{diags:#?}"
    );
    Ok(())
}

#[test]
fn typical_figures_meet_a_target_equal_to_them_only_at_the_limit() -> R {
    // Aurora Global Database: "typically" under a second of lag, promotion in about a minute.
    let app = global_database(Some(DR))?;
    let mut app = app;
    let stack = app.stacks()[0];
    let exact = Objectives::all(MIN15, HOUR).with(
        FailureScope::RegionLoss,
        Some(Target {
            rpo: SECOND,
            rto: HOUR,
        }),
    );
    dr::declare(&mut app, stack, exact)?;
    let report = DrReport::of(&app);
    let region = row(&report, CLUSTER, FailureScope::RegionLoss);
    assert!(
        mechanism(region).contains("Aurora Global Database"),
        "{region:#?}"
    );
    assert_eq!(region.verdict, Verdict::AtLimit, "{region:#?}");
    // The RTO counts too: one minute exactly is at the limit.
    let exact_rto = Objectives::all(MIN15, HOUR).with(
        FailureScope::RegionLoss,
        Some(Target {
            rpo: MIN15,
            rto: MIN,
        }),
    );
    dr::declare(&mut app, stack, exact_rto)?;
    let report = DrReport::of(&app);
    assert_eq!(
        row(&report, CLUSTER, FailureScope::RegionLoss).verdict,
        Verdict::AtLimit
    );
    // Aurora Multi-AZ failover: "typically" within 60-120 seconds.
    let (mut app, stack) = aurora(1, None)?;
    dr::declare(
        &mut app,
        stack,
        Objectives::all(MIN15, HOUR).with(
            FailureScope::AzLoss,
            Some(Target {
                rpo: MIN15,
                rto: 2 * MIN,
            }),
        ),
    )?;
    let report = DrReport::of(&app);
    assert_eq!(
        row(&report, CLUSTER, FailureScope::AzLoss).verdict,
        Verdict::AtLimit
    );
    Ok(())
}

/// A global database whose primary admits an application group on 5432, and its secondary in
/// the DR Region; `dr_ingress` admits the DR VPC's block on the secondary.
fn failover_app(dr_ingress: bool) -> Res<App> {
    let (mut app, stack) = app_with("Db", PRIMARY, true)?;
    let global = rds::GlobalCluster::new(
        &mut app.at(stack)?,
        "GlobalDatabase",
        "globalstream-global",
        Default::default(),
    )?;
    let dr_stack = app.stack(
        "Secondary",
        StackProps {
            region: Some(DR.into()),
            ..Default::default()
        },
    )?;
    {
        let mut d = app.at(dr_stack)?;
        let vpc = ec2::Vpc::new(&mut d, "Vpc", Default::default())?;
        let secondary = rds::SecondaryDatabaseCluster::new(
            &mut d,
            "AuroraSecondary",
            vpc,
            global,
            Default::default(),
        )?;
        if dr_ingress {
            let cidr = vpc.layout(d.app()).map(|l| l.cidr).ok_or("a layout")?;
            secondary.connections().allow_default_port_from(
                &mut d,
                cidr,
                "applications deployed in the DR VPC after failover",
            )?;
        }
    }
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let creds = credentials(&mut s)?;
    let db = rds::DatabaseCluster::new(
        &mut s,
        "AuroraCluster",
        vpc,
        creds,
        rds::DatabaseClusterProps {
            global_cluster: Some(global),
            ..Default::default()
        },
    )?;
    let app_sg = ec2::SecurityGroup::new(&mut s, "AppSg", vpc, Default::default())?;
    db.connections()
        .allow_default_port_from(&mut s, app_sg, "app to database")?;
    Ok(app)
}

#[test]
fn a_secondary_database_nobody_can_reach_after_failover_is_reported() -> R {
    let app = failover_app(false)?;
    let diags = app.validate(&CfnBackend::default());
    let found: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.rule == "dr/failover-unreachable")
        .collect();
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0].path, "Secondary/AuroraSecondary");
    assert!(found[0].message.contains("5432"), "{}", found[0].message);
    assert!(found[0].fix.contains("DR VPC"), "{}", found[0].fix);
    Ok(())
}

#[test]
fn a_secondary_database_admitting_its_vpc_on_the_primarys_port_is_ready_for_failover() -> R {
    let app = failover_app(true)?;
    let diags = app.validate(&CfnBackend::default());
    assert!(
        !diags.iter().any(|d| d.rule == "dr/failover-unreachable"),
        "{diags:#?}"
    );
    synth(&app, "dr_failover_ready");
    Ok(())
}

#[test]
fn a_secondary_whose_security_groups_gs_cannot_see_is_not_reported_unreachable() -> R {
    let mut app = failover_app(false)?;
    let cluster = app
        .nodes()
        .find(|(id, _)| app.path(*id).ok().as_deref() == Some("Secondary/AuroraSecondary/Resource"))
        .map(|(id, _)| id)
        .ok_or("the secondary cluster")?;
    // A group named by its id: gs cannot see what it admits, so it may admit the application.
    app.set_property(
        cluster,
        "VpcSecurityGroupIds",
        Value::List(vec![Value::from("sg-0123456789abcdef0")]),
    )?;
    let diags = app.validate(&CfnBackend::default());
    assert!(
        !diags.iter().any(|d| d.rule == "dr/failover-unreachable"),
        "{diags:#?}"
    );
    Ok(())
}
