mod support;

use std::time::Duration;

use gs_constructs::backup::*;
use gs_constructs::prelude::*;
use gs_core::RawResource;
use proptest::prelude::*;
use serde_json::json;
use support::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app
        .stack(
            "TapStackdev",
            StackProps {
                region: Some("us-east-1".into()),
                ..Default::default()
            },
        )
        .expect("stack");
    (app, stack)
}

/// The seed's rule: daily, started within an hour, completed within two, kept 7 days.
fn daily_backup() -> BackupRule {
    BackupRule {
        start_window: Duration::from_secs(3600),
        completion_window: Duration::from_secs(2 * 3600),
        delete_after_days: Some(7),
        ..BackupRule::new("DailyBackup", Schedule::daily_at(5, 0).expect("time")).expect("rule")
    }
}

/// A file system built raw (the efs module is another helper's), as a protectable resource.
fn file_system(s: &mut Scope<'_>) -> BackupResource {
    let fs = s
        .resource::<RawResource>(
            "ContentFileSystem",
            Resource::new("AWS::EFS::FileSystem").property("Encrypted", true),
        )
        .expect("file system");
    BackupResource::new(
        fs.node(),
        Value::GetAtt(fs.node(), "Arn".into()),
        ProtectedKind::FileSystem,
    )
}

#[test]
fn the_seed_backup_plan_synthesizes_with_its_daily_rule_vault_and_selection() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let fs = file_system(&mut s);
    let key = kms::Key::new(&mut s, "BackupKey", Default::default())?;
    let vault = BackupVault::new(
        &mut s,
        "BackupVault",
        BackupVaultProps {
            name: Some("globalstream-backup-vault-dev".into()),
            encryption_key: Some(key),
            ..Default::default()
        },
    )?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        BackupPlanProps {
            name: Some("globalstream-efs-backup-dev".into()),
        },
    )?;
    BackupSelection::new(
        &mut s,
        "EfsBackupSelection",
        plan,
        vec![fs.clone()],
        Default::default(),
    )?;
    let t = synth(&app, "backup_seed_plan");
    let (vault_id, vault_json) = resource_at(&t, "TapStackdev/BackupVault/Resource");
    let (key_id, _) = resource_at(&t, "TapStackdev/BackupKey/Resource");
    let (plan_id, _) = resource_at(&t, "TapStackdev/EfsBackupPlan/Resource");
    let (role_id, _) = resource_at(&t, "TapStackdev/EfsBackupSelection/Role/Resource");
    let (fs_id, _) = resource_at(&t, "TapStackdev/ContentFileSystem");
    assert_eq!(vault_json["DeletionPolicy"], "Retain");
    assert_has_resource_properties(
        &t,
        "AWS::Backup::BackupVault",
        json!({"BackupVaultName": "globalstream-backup-vault-dev",
               "EncryptionKeyArn": {"Fn::GetAtt": [key_id, "Arn"]}}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::Backup::BackupPlan",
        json!({"BackupPlan": {"BackupPlanName": "globalstream-efs-backup-dev", "BackupPlanRule": [{
            "CompletionWindowMinutes": 120,
            "Lifecycle": {"DeleteAfterDays": 7},
            "RuleName": "DailyBackup",
            "ScheduleExpression": "cron(0 5 * * ? *)",
            "StartWindowMinutes": 60,
            "TargetBackupVault": {"Ref": vault_id}}]}}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::Backup::BackupSelection",
        json!({"BackupPlanId": {"Fn::GetAtt": [plan_id, "BackupPlanId"]},
               "BackupSelection": {"IamRoleArn": {"Fn::GetAtt": [role_id, "Arn"]},
                                   "Resources": [{"Fn::GetAtt": [fs_id, "Arn"]}]}}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                   "Principal": {"Service": "backup.amazonaws.com"}}], "Version": "2012-10-17"},
               "ManagedPolicyArns": [
                   {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"]]},
                   {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"]]}]}),
    );
    // Facts and side tables the DR passes read.
    let protections: Vec<_> = Protection::of(&app, fs.node).collect();
    assert_eq!(protections.len(), 1);
    assert_eq!(protections[0].plan, plan);
    assert_eq!(protections[0].kind, ProtectedKind::FileSystem);
    assert_eq!(
        plan.rules(&app)[0].schedule.interval(),
        Duration::from_secs(24 * 3600)
    );
    Ok(())
}

#[test]
fn names_left_out_are_derived_from_the_path_and_fit_the_limits() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let fs = file_system(&mut s);
    let mut g = s.group("AVeryLongConstructNameThatKeepsGoingAndGoingOnAndOn")?;
    let vault = BackupVault::new(
        &mut g,
        "BackupVaultWithAnEvenLongerNameThanItsParent",
        Default::default(),
    )?;
    let plan = BackupPlan::new(
        &mut g,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    BackupSelection::new(&mut g, "Selection", plan, vec![fs], Default::default())?;
    let t = synth(&app, "backup_derived_names");
    let (_, v) = resource_at(
        &t,
        "TapStackdev/AVeryLongConstructNameThatKeepsGoingAndGoingOnAndOn/BackupVaultWithAnEvenLongerNameThanItsParent/Resource",
    );
    // The path part (41 characters at most) and the stack's generation: 50 at most in all.
    let parts = &v["Properties"]["BackupVaultName"]["Fn::Join"];
    assert_eq!(parts[0], "-");
    let name = parts[1][0].as_str().expect("a path part");
    assert_eq!(name.len(), 41);
    assert!(name.starts_with("TapStackdevAVeryLong"), "{name}");
    assert_eq!(
        parts[1][1],
        serde_json::json!({"Fn::Select": [0, {"Fn::Split": ["-",
            {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]}]}),
    );
    let (key_id, _) = resource_at(
        &t,
        "TapStackdev/AVeryLongConstructNameThatKeepsGoingAndGoingOnAndOn/BackupVaultWithAnEvenLongerNameThanItsParent/Key/Resource",
    );
    assert_eq!(
        v["Properties"]["EncryptionKeyArn"],
        serde_json::json!({"Fn::GetAtt": [key_id, "Arn"]}),
        "a vault without a given key gets its own customer managed key"
    );
    Ok(())
}

#[test]
fn add_rule_rewrites_the_plan_and_keeps_the_rules_readable() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let fs = file_system(&mut s);
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let cold = BackupVault::new(&mut s, "ArchiveVault", Default::default())?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    BackupSelection::new(&mut s, "Selection", plan, vec![fs], Default::default())?;
    plan.add_rule(
        s.app_mut(),
        BackupRule {
            delete_after_days: Some(365),
            move_to_cold_storage_after_days: Some(30),
            vault: Some(cold),
            ..BackupRule::new("Monthly", Schedule::cron("cron(0 3 1 * ? *)")?)?
        },
    )?;
    let dup = plan
        .add_rule(s.app_mut(), daily_backup())
        .expect_err("the name is taken");
    assert!(
        dup.to_string()
            .contains("already has a rule named `DailyBackup`"),
        "{dup}"
    );
    let names: Vec<&str> = plan.rules(&app).iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["DailyBackup", "Monthly"]);
    assert_eq!(
        plan.rules(&app)[1].schedule.interval(),
        Duration::from_secs(31 * 24 * 3600)
    );
    let t = synth(&app, "backup_add_rule");
    let (cold_id, _) = resource_at(&t, "TapStackdev/ArchiveVault/Resource");
    let (_, p) = resource_at(&t, "TapStackdev/EfsBackupPlan/Resource");
    let rules = p["Properties"]["BackupPlan"]["BackupPlanRule"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), 2);
    assert!(matches(
        &rules[1],
        &json!({"RuleName": "Monthly", "TargetBackupVault": {"Ref": cold_id},
                "Lifecycle": {"DeleteAfterDays": 365, "MoveToColdStorageAfterDays": 30}})
    ));
    Ok(())
}

#[test]
fn a_copy_to_an_imported_vault_in_another_region_names_its_arn() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let fs = file_system(&mut s);
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let dr = BackupVault::from_arn(
        &mut s,
        "DrVault",
        "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:globalstream-dr",
    )?;
    let other_stack = CopyAction {
        destination_vault_arn: Value::from(
            "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr-eu",
        ),
        delete_after_days: Some(14),
        move_to_cold_storage_after_days: None,
    };
    let rule = BackupRule {
        copy_actions: vec![CopyAction::to_vault(dr, Some(7)), other_stack],
        ..daily_backup()
    };
    let plan = BackupPlan::new(&mut s, "EfsBackupPlan", vault, rule, Default::default())?;
    BackupSelection::new(&mut s, "Selection", plan, vec![fs], Default::default())?;
    let regions: Vec<Option<String>> = plan.rules(&app)[0]
        .copy_actions
        .iter()
        .map(|c| c.destination_region(&app))
        .collect();
    assert_eq!(
        regions,
        [Some("us-west-2".to_owned()), Some("eu-west-1".to_owned())]
    );
    assert_eq!(vault.region(&app).as_deref(), Some("us-east-1"));
    let t = synth(&app, "backup_cross_region_copy");
    let (_, p) = resource_at(&t, "TapStackdev/EfsBackupPlan/Resource");
    assert_eq!(
        p["Properties"]["BackupPlan"]["BackupPlanRule"][0]["CopyActions"],
        json!([
            {"DestinationBackupVaultArn": {"Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:globalstream-dr"},
             "Lifecycle": {"DeleteAfterDays": 7}},
            {"DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr-eu",
             "Lifecycle": {"DeleteAfterDays": 14}}])
    );
    Ok(())
}

#[test]
fn a_vault_arn_that_is_not_a_backup_vault_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let err = BackupVault::from_arn(&mut s, "DrVault", "arn:aws:s3:::bucket").expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("TapStackdev/DrVault: `arn:aws:s3:::bucket` is not the ARN"),
        "{err}"
    );
    Ok(())
}

#[test]
fn an_invalid_vault_name_is_refused_naming_the_vault() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let err = BackupVault::new(
        &mut s,
        "BackupVault",
        BackupVaultProps {
            name: Some("has spaces".into()),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string().starts_with(
            "TapStackdev/BackupVault: the backup vault name `has spaces` contains ` `"
        ),
        "{err}"
    );
    Ok(())
}

#[test]
fn rules_breaking_aws_backup_limits_are_refused_naming_the_plan_and_a_fix() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let cases: Vec<(BackupRule, &str)> = vec![
        (
            BackupRule {
                start_window: Duration::from_secs(1800),
                ..daily_backup()
            },
            "start window is 30 minutes",
        ),
        (
            BackupRule {
                completion_window: Duration::from_secs(5400),
                ..daily_backup()
            },
            "completion window (90 minutes)",
        ),
        (
            BackupRule {
                move_to_cold_storage_after_days: Some(30),
                delete_after_days: Some(60),
                ..daily_backup()
            },
            "must stay in cold storage 90 days",
        ),
        (
            BackupRule {
                enable_continuous_backup: true,
                delete_after_days: Some(60),
                ..daily_backup()
            },
            "kept at most 35 days",
        ),
        (
            BackupRule {
                schedule: Schedule::parse("cron(0/30 * * * ? *)")?,
                ..daily_backup()
            },
            "more often than AWS Backup allows",
        ),
        (
            BackupRule {
                copy_actions: vec![CopyAction {
                    destination_vault_arn: vault.arn(),
                    delete_after_days: Some(10),
                    move_to_cold_storage_after_days: Some(1),
                }],
                ..daily_backup()
            },
            "a copy action",
        ),
    ];
    for (i, (rule, expected)) in cases.into_iter().enumerate() {
        let err = BackupPlan::new(&mut s, &format!("Plan{i}"), vault, rule, Default::default())
            .expect_err(expected);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("TapStackdev/Plan{i}: rule `DailyBackup`")),
            "{text}"
        );
        assert!(text.contains(expected) && text.contains("fix:"), "{text}");
    }
    Ok(())
}

#[test]
fn a_schedule_more_frequent_than_hourly_is_refused_by_the_rule_constructor() -> TestResult {
    let err =
        BackupRule::new("Often", Schedule::parse("cron(*/30 * * * ? *)")?).expect_err("refused");
    assert!(err.fix.contains("Schedule::hourly()"), "{err}");
    Ok(())
}

#[test]
fn two_runs_within_an_hour_are_refused_even_when_the_worst_case_is_a_day() -> TestResult {
    let schedule = Schedule::cron("cron(0,30 5 * * ? *)")?;
    assert_eq!(
        schedule.interval(),
        Duration::from_secs(23 * 3600 + 30 * 60)
    );
    assert_eq!(schedule.shortest_interval(), Duration::from_secs(30 * 60));
    assert!(BackupRule::new("Twice", schedule).is_err());
    Ok(())
}

#[test]
fn an_empty_selection_is_refused_by_the_constructor() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    let err = BackupSelection::new(&mut s, "Selection", plan, vec![], Default::default())
        .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("TapStackdev/Selection: the selection protects no resource"),
        "{err}"
    );
    Ok(())
}

#[test]
fn selecting_a_bucket_adds_the_s3_backup_policies() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let bucket = s.resource::<RawResource>(
        "Media",
        Resource::new("AWS::S3::Bucket")
            .property(
                "BucketEncryption",
                ValueMap::new().with(
                    "ServerSideEncryptionConfiguration",
                    Value::List(vec![ValueMap::new()
                        .with(
                            "ServerSideEncryptionByDefault",
                            ValueMap::new().with("SSEAlgorithm", "AES256"),
                        )
                        .into()]),
                ),
            )
            .property(
                "VersioningConfiguration",
                ValueMap::new().with("Status", "Enabled"),
            ),
    )?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = BackupPlan::new(&mut s, "Plan", vault, daily_backup(), Default::default())?;
    let _selection = BackupSelection::new(
        &mut s,
        "Selection",
        plan,
        vec![BackupResource::new(
            bucket.node(),
            Value::GetAtt(bucket.node(), "Arn".into()),
            ProtectedKind::Bucket,
        )],
        Default::default(),
    )?;
    let t = synth(&app, "backup_bucket_selection");
    let (_, role) = resource_at(&t, "TapStackdev/Selection/Role/Resource");
    let policies = role["Properties"]["ManagedPolicyArns"]
        .as_array()
        .expect("policies");
    assert_eq!(policies.len(), 4);
    assert!(policies[2]
        .to_string()
        .contains("AWSBackupServiceRolePolicyForS3Backup"));
    Ok(())
}

// ---- validation rules ----

#[test]
fn plan_without_rules_cannot_be_written_typed_and_is_refused_when_built_raw() -> TestResult {
    // `BackupPlan::new` takes the first rule as an argument: the typed API cannot build a plan
    // without rules. Only the escape hatch can.
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let plan = s.resource::<RawResource>(
        "RawPlan",
        Resource::new("AWS::Backup::BackupPlan").property(
            "BackupPlan",
            ValueMap::new()
                .with("BackupPlanName", "no-rules")
                .with("BackupPlanRule", Value::List(vec![])),
        ),
    )?;
    raw_selection(&mut s, plan.node(), true)?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "backup/plan-without-rules" && d.path == "TapStackdev/RawPlan"),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn a_raw_plan_with_a_rule_and_a_selection_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = s.resource::<RawResource>(
        "RawVault",
        Resource::new("AWS::Backup::BackupVault")
            .property("BackupVaultName", "raw-vault")
            .property(
                "EncryptionKeyArn",
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
    )?;
    let plan = raw_plan(&mut s, vault.node(), "cron(0 5 ? * * *)")?;
    raw_selection(&mut s, plan, true)?;
    synth(&app, "backup_raw_plan");
    Ok(())
}

fn raw_plan(
    s: &mut Scope<'_>,
    vault: gs_core::NodeId,
    schedule: &str,
) -> Result<gs_core::NodeId, Box<dyn std::error::Error>> {
    let rule = ValueMap::new()
        .with("RuleName", "Daily")
        .with("ScheduleExpression", schedule)
        .with("TargetBackupVault", Value::Ref(vault));
    raw_plan_of(s, rule)
}

/// A raw plan `RawPlan` of the one rule `rule`.
fn raw_plan_of(
    s: &mut Scope<'_>,
    rule: ValueMap,
) -> Result<gs_core::NodeId, Box<dyn std::error::Error>> {
    let plan = s.resource::<RawResource>(
        "RawPlan",
        Resource::new("AWS::Backup::BackupPlan").property(
            "BackupPlan",
            ValueMap::new()
                .with("BackupPlanName", "raw-plan")
                .with("BackupPlanRule", Value::List(vec![rule.into()])),
        ),
    )?;
    Ok(plan.node())
}

fn raw_selection(s: &mut Scope<'_>, plan: gs_core::NodeId, with_resources: bool) -> TestResult {
    let mut selection = ValueMap::new()
        .with(
            "IamRoleArn",
            "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
        )
        .with("SelectionName", "raw-selection");
    if with_resources {
        selection.insert(
            "Resources",
            Value::List(vec![
                "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678".into(),
            ]),
        );
    }
    s.resource::<RawResource>(
        "RawSelection",
        Resource::new("AWS::Backup::BackupSelection")
            .property("BackupPlanId", Value::GetAtt(plan, "BackupPlanId".into()))
            .property("BackupSelection", selection),
    )?;
    Ok(())
}

#[test]
fn a_typed_plan_that_no_selection_names_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "backup/plan-without-selection"
                && d.path == "TapStackdev/EfsBackupPlan"),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn a_raw_plan_that_no_selection_names_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    raw_plan(
        &mut s,
        vault.resource.expect("defined").node(),
        "cron(0 5 ? * * *)",
    )?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "backup/plan-without-selection" && d.path == "TapStackdev/RawPlan"),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn a_typed_plan_selected_by_a_raw_selection_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    raw_selection(&mut s, plan.resource.node(), true)?;
    synth(&app, "backup_typed_plan_raw_selection");
    Ok(())
}

#[test]
fn a_raw_selection_that_names_nothing_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    raw_selection(&mut s, plan.resource.node(), false)?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "backup/selection-empty" && d.path == "TapStackdev/RawSelection"),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn a_raw_selection_by_tags_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        daily_backup(),
        Default::default(),
    )?;
    s.resource::<RawResource>(
        "RawSelection",
        Resource::new("AWS::Backup::BackupSelection")
            .property("BackupPlanId", plan.plan_id())
            .property(
                "BackupSelection",
                ValueMap::new()
                    .with(
                        "IamRoleArn",
                        "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
                    )
                    .with(
                        "ListOfTags",
                        Value::List(vec![ValueMap::new()
                            .with("ConditionKey", "backup")
                            .with("ConditionType", "STRINGEQUALS")
                            .with("ConditionValue", "daily")
                            .into()]),
                    )
                    .with("SelectionName", "by-tag"),
            ),
    )?;
    synth(&app, "backup_selection_by_tags");
    Ok(())
}

#[test]
fn a_raw_rule_whose_schedule_does_not_parse_is_refused_with_the_parsers_fix() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = raw_plan(
        &mut s,
        vault.resource.expect("defined").node(),
        "cron(0 5 * * *)",
    )?;
    raw_selection(&mut s, plan, true)?;
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "backup/schedule-invalid" && d.path == "TapStackdev/RawPlan")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(d.message.contains("has 5 fields"), "{d}");
    assert!(d.fix.contains("cron(0 5 ? * * *)"), "{d}");
    Ok(())
}

#[test]
fn a_raw_rule_with_a_rate_expression_is_refused_because_aws_backup_takes_cron_only() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = raw_plan(
        &mut s,
        vault.resource.expect("defined").node(),
        "rate(2 hours)",
    )?;
    raw_selection(&mut s, plan, true)?;
    let found = refused(&app);
    assert!(
        found.iter().any(|d| d.rule == "backup/schedule-invalid"
            && d.message.contains("not a cron expression")
            && d.fix.contains("cron(")),
        "{found:#?}"
    );
    let typed = BackupRule::new("Every2h", Schedule::parse("rate(2 hours)")?);
    assert!(typed.is_err(), "the typed rule refuses rate(...) too");
    Ok(())
}

#[test]
fn a_cron_step_near_u32_max_neither_panics_nor_runs_every_minute() {
    let interval = gs_constructs::backup::worst_case_interval("cron(59/4294967295 * * * ? *)")
        .expect("parses");
    assert_eq!(interval, Duration::from_secs(3600));
}

#[test]
fn a_start_window_near_the_largest_duration_is_refused_not_overflowed() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let rule = BackupRule {
        start_window: Duration::from_secs((u64::MAX / 60) * 60),
        ..daily_backup()
    };
    let err =
        BackupPlan::new(&mut s, "Plan", vault, rule, Default::default()).expect_err("refused");
    assert!(err.to_string().contains("completion window"), "{err}");
    Ok(())
}

#[test]
fn a_raw_rule_running_every_fifteen_minutes_is_refused() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = raw_plan(
        &mut s,
        vault.resource.expect("defined").node(),
        "cron(0/15 * * * ? *)",
    )?;
    raw_selection(&mut s, plan, true)?;
    let found = refused(&app);
    assert!(
        found
            .iter()
            .any(|d| d.rule == "backup/schedule-invalid" && d.message.contains("at most hourly")),
        "{found:#?}"
    );
    Ok(())
}

#[test]
fn a_raw_rule_with_a_valid_schedule_synthesizes() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let plan = raw_plan(
        &mut s,
        vault.resource.expect("defined").node(),
        "cron(0 5,17 ? * MON-FRI *)",
    )?;
    raw_selection(&mut s, plan, true)?;
    synth(&app, "backup_raw_rule_valid_schedule");
    Ok(())
}

#[test]
fn the_backup_rules_are_in_the_catalog() {
    let ids: Vec<&str> = gs_constructs::passes::catalog()
        .iter()
        .map(|r| r.id)
        .collect();
    for id in [
        "backup/plan-without-rules",
        "backup/plan-without-selection",
        "backup/selection-empty",
        "backup/schedule-invalid",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}

// ---- schedule parser ----

#[test]
fn the_worst_case_intervals_of_the_documented_examples() -> TestResult {
    let h = |e: &str| worst_case_interval(e).map(|d| d.as_secs());
    assert_eq!(h("cron(0 * * * ? *)")?, 3600);
    assert_eq!(h("cron(0 5 ? * * *)")?, 24 * 3600);
    assert_eq!(h("cron(0 5,17 ? * * *)")?, 12 * 3600);
    assert_eq!(h("cron(0 5 ? * MON *)")?, 7 * 24 * 3600);
    assert_eq!(h("rate(15 minutes)")?, 15 * 60);
    Ok(())
}

fn unit_name(unit: usize, n: u64) -> (&'static str, u64) {
    let (name, secs) = [("minute", 60), ("hour", 3600), ("day", 86_400)][unit];
    (name, n * secs)
}

proptest! {
    #[test]
    fn any_rate_gives_n_units(n in 1u64..10_000, unit in 0usize..3) {
        let (name, secs) = unit_name(unit, n);
        let e = if n == 1 { format!("rate(1 {name})") } else { format!("rate({n} {name}s)") };
        prop_assert_eq!(worst_case_interval(&e).map(|d| d.as_secs()), Ok(secs));
    }

    #[test]
    fn an_hourly_cron_gives_one_hour(m in 0u32..60) {
        let e = format!("cron({m} * * * ? *)");
        prop_assert_eq!(worst_case_interval(&e), Ok(Duration::from_secs(3600)));
    }

    #[test]
    fn a_daily_cron_gives_a_day(m in 0u32..60, h in 0u32..24) {
        let e = format!("cron({m} {h} * * ? *)");
        prop_assert_eq!(worst_case_interval(&e), Ok(Duration::from_secs(86_400)));
    }

    #[test]
    fn every_n_hours_from_midnight_gives_the_longer_of_n_and_the_wrap(n in 1u32..24) {
        let e = format!("cron(0 */{n} * * ? *)");
        let last = (23 / n) * n;
        let expected = u64::from(n.max(24 - last)) * 3600;
        prop_assert_eq!(worst_case_interval(&e), Ok(Duration::from_secs(expected)));
    }

    #[test]
    fn the_shortest_interval_never_exceeds_the_worst_case(m in 0u32..60, h in 0u32..24, step in 1u32..12, dow in 1u32..8) {
        let e = format!("cron({m} {h}/{step} ? * {dow} *)");
        let parsed = Schedule::parse(&e);
        prop_assert!(parsed.is_ok(), "{:?}", parsed);
        let schedule = parsed.unwrap_or_else(|_| Schedule::hourly());
        prop_assert!(schedule.shortest_interval() <= schedule.interval());
    }

    #[test]
    fn the_parser_never_panics(s in "\\PC{0,40}") {
        let _ = worst_case_interval(&s);
        let _ = worst_case_interval(&format!("cron({s})"));
    }
}

/// A plan of `rules` (the first builds it) selecting a file system; the findings of
/// `backup/overlapping-rules`.
fn overlapping(
    rules: Vec<BackupRule>,
) -> Result<(App, Vec<Diagnostic>), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let fs = file_system(&mut s);
    let vault = BackupVault::new(&mut s, "BackupVault", Default::default())?;
    let mut rules = rules.into_iter();
    let plan = BackupPlan::new(
        &mut s,
        "EfsBackupPlan",
        vault,
        rules.next().ok_or("a rule")?,
        Default::default(),
    )?;
    for r in rules {
        plan.add_rule(s.app_mut(), r)?;
    }
    BackupSelection::new(&mut s, "Selection", plan, vec![fs], Default::default())?;
    let found = app
        .validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == "backup/overlapping-rules")
        .collect();
    Ok((app, found))
}

fn hourly_with_copy(schedule: Schedule) -> BackupRule {
    BackupRule {
        delete_after_days: Some(2),
        completion_window: Duration::from_secs(2 * 3600),
        copy_actions: vec![CopyAction {
            destination_vault_arn: Value::from(
                "arn:aws:backup:us-west-2:123456789012:backup-vault:globalstream-dr",
            ),
            delete_after_days: Some(7),
            move_to_cold_storage_after_days: None,
        }],
        ..BackupRule::new("HourlyBackup", schedule).expect("rule")
    }
}

#[test]
fn rules_of_one_plan_whose_start_windows_overlap_are_reported_with_the_run_that_is_skipped(
) -> TestResult {
    let (_, found) = overlapping(vec![daily_backup(), hourly_with_copy(Schedule::hourly())])?;
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(d.path, "TapStackdev/EfsBackupPlan");
    assert_eq!(d.severity, Severity::Warning);
    for part in [
        "`HourlyBackup`",
        "05:00",
        "`DailyBackup`",
        "longer retention",
        "copy",
    ] {
        assert!(d.message.contains(part), "{part}: {}", d.message);
    }
    assert!(!d.fix.is_empty());
    Ok(())
}

#[test]
fn rules_whose_start_windows_meet_end_to_end_are_not_reported() -> TestResult {
    let (app, found) = overlapping(vec![
        daily_backup(),
        hourly_with_copy(Schedule::cron("cron(0 0-4,6-23 * * ? *)")?),
    ])?;
    assert!(found.is_empty(), "{found:#?}");
    synth(&app, "backup_rules_not_overlapping");
    Ok(())
}

#[test]
fn raw_rules_with_equal_retention_at_the_same_time_are_reported_as_a_tie() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let rule = |name: &str| {
        Value::from(
            ValueMap::new()
                .with("RuleName", name)
                .with("ScheduleExpression", "cron(0 5 ? * * *)")
                .with("TargetBackupVault", "vault"),
        )
    };
    let plan = s.resource::<RawResource>(
        "RawPlan",
        Resource::new("AWS::Backup::BackupPlan").property(
            "BackupPlan",
            ValueMap::new()
                .with("BackupPlanName", "raw-plan")
                .with("BackupPlanRule", Value::List(vec![rule("A"), rule("B")])),
        ),
    )?;
    raw_selection(&mut s, plan.node(), true)?;
    let found: Vec<Diagnostic> = app
        .validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == "backup/overlapping-rules")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("same retention"),
        "{}",
        found[0].message
    );
    Ok(())
}

#[test]
fn a_selection_protects_l1_file_systems_clusters_and_buckets_by_their_handles() -> TestResult {
    use gs_constructs::l1;
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "Vault", Default::default())?;
    let plan = BackupPlan::new(&mut s, "Plan", vault, daily_backup(), Default::default())?;
    let fs = l1::efs::CfnFileSystem::new(
        &mut s,
        "Fs",
        l1::efs::CfnFileSystemProps {
            encrypted: Some(true.into()),
            ..Default::default()
        },
    )?;
    let db = l1::rds::CfnDBCluster::new(
        &mut s,
        "Db",
        l1::rds::CfnDBClusterProps {
            engine: Some("aurora-postgresql".into()),
            storage_encrypted: Some(true.into()),
            ..Default::default()
        },
    )?;
    let bucket = l1::s3::CfnBucket::new(&mut s, "Bucket", Default::default())?;
    let resources: Vec<BackupResource> = vec![fs.into(), db.into(), bucket.into()];
    assert_eq!(
        resources,
        [
            BackupResource::new(fs.node(), fs.attr_arn(), ProtectedKind::FileSystem),
            BackupResource::new(
                db.node(),
                db.attr_db_cluster_arn(),
                ProtectedKind::DatabaseCluster
            ),
            BackupResource::new(bucket.node(), bucket.attr_arn(), ProtectedKind::Bucket),
        ]
    );
    BackupSelection::new(&mut s, "Selection", plan, resources, Default::default())?;
    assert_eq!(Protection::of(s.app(), bucket.node()).count(), 1);
    Ok(())
}

/// A raw backup rule with the given schedule, windows and retention.
fn raw_rule(schedule: &str, start: i64, completion: i64, days: i64) -> ValueMap {
    ValueMap::new()
        .with("RuleName", "Rule")
        .with("TargetBackupVault", "Default")
        .with("ScheduleExpression", schedule)
        .with("StartWindowMinutes", start)
        .with("CompletionWindowMinutes", completion)
        .with("Lifecycle", ValueMap::new().with("DeleteAfterDays", days))
}

#[test]
fn a_raw_rule_with_windows_aws_backup_refuses_is_refused_as_the_typed_one_is() {
    for (start, completion, message) in [
        (0, 0, "the start window is 0 minutes"),
        (
            60,
            60,
            "the completion window (60 minutes) ends less than an hour after",
        ),
    ] {
        let (mut app, stack) = stack();
        let mut s = app.at(stack).unwrap();
        raw_plan_of(&mut s, raw_rule("cron(0 * ? * * *)", start, completion, 7)).unwrap();
        let found = refused(&app);
        let d = found
            .iter()
            .find(|d| d.rule == "backup/window-invalid")
            .unwrap_or_else(|| panic!("{start}/{completion}: {found:?}"));
        assert_eq!(d.path, "TapStackdev/RawPlan");
        assert!(d.message.contains(message), "{}", d.message);
    }
}

#[test]
fn recovery_points_deleted_before_the_next_run_are_refused() -> TestResult {
    let (mut app, root) = stack();
    let mut s = app.at(root)?;
    raw_plan_of(&mut s, raw_rule("cron(0 5 ? * SUN *)", 60, 120, 1)).unwrap();
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "backup/retention-shorter-than-interval")
        .ok_or("not refused for its retention")?;
    assert_eq!(d.path, "TapStackdev/RawPlan");
    assert!(
        d.message.contains("keeps its recovery points 1 day(s)"),
        "{}",
        d.message
    );
    // Kept a week and a day, the same rule is fine.
    let (mut app, root) = stack();
    let mut s = app.at(root)?;
    raw_plan_of(&mut s, raw_rule("cron(0 5 ? * SUN *)", 60, 120, 8)).unwrap();
    assert!(!app
        .validate(&CfnBackend::default())
        .iter()
        .any(|d| d.rule == "backup/retention-shorter-than-interval"));
    Ok(())
}

#[test]
fn a_short_local_retention_with_copies_kept_longer_is_not_refused() {
    let (mut app, root) = stack();
    let mut s = app.at(root).unwrap();
    let copy = ValueMap::new()
        .with(
            "DestinationBackupVaultArn",
            "arn:aws:backup:us-west-2:123456789012:backup-vault:dr",
        )
        .with("Lifecycle", ValueMap::new().with("DeleteAfterDays", 35));
    raw_plan_of(
        &mut s,
        raw_rule("cron(0 5 ? * SUN *)", 60, 120, 1)
            .with("CopyActions", Value::List(vec![Value::Map(copy)])),
    )
    .unwrap();
    assert!(!app
        .validate(&CfnBackend::default())
        .iter()
        .any(|d| d.rule == "backup/retention-shorter-than-interval"));
}
