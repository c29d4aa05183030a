//! `BackupPlan::add_rule` appends the rule in place (a pop in the journal, not a copy of the
//! plan): its values are checked at the call, and what the escape hatch set inside the plan's
//! `BackupPlan` property stays.

use gs_constructs::backup::{BackupPlan, BackupRule, BackupVault, Schedule};
use gs_constructs::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn plan(app: &mut App) -> Result<BackupPlan, Box<dyn std::error::Error>> {
    let stack = app.stack("Demo", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vault = BackupVault::new(&mut s, "Vault", Default::default())?;
    let daily = BackupRule {
        delete_after_days: Some(7),
        ..BackupRule::new("Daily", Schedule::daily_at(5, 0)?)?
    };
    Ok(BackupPlan::new(
        &mut s,
        "Plan",
        vault,
        daily,
        Default::default(),
    )?)
}

/// The plan resource's `BackupPlan` property, in its debug form.
fn plan_property(app: &App, plan: BackupPlan) -> String {
    let property = app
        .node(plan.resource)
        .ok()
        .and_then(|n| n.as_resource())
        .and_then(|r| r.properties.get("BackupPlan"));
    format!("{property:?}")
}

#[test]
fn a_rule_storing_into_another_apps_vault_is_refused_at_the_call_and_leaves_the_plan_as_it_was(
) -> TestResult {
    let mut app = App::new();
    let plan = plan(&mut app)?;
    let before = plan_property(&app, plan);
    assert!(before.contains("Daily"), "{before}");
    let mut other = App::new();
    let elsewhere = other.stack("Other", StackProps::default())?;
    let foreign = BackupVault::new(&mut other.at(elsewhere)?, "Vault", Default::default())?;
    let hourly = BackupRule {
        delete_after_days: Some(2),
        vault: Some(foreign),
        ..BackupRule::new("Hourly", Schedule::hourly())?
    };
    let err = plan
        .add_rule(&mut app, hourly)
        .expect_err("another app's vault");
    assert!(err.to_string().contains("Demo/Plan"), "{err}");
    assert_eq!(plan.rules(&app).len(), 1);
    assert_eq!(plan_property(&app, plan), before);
    Ok(())
}

#[test]
fn settings_the_escape_hatch_put_inside_the_plan_stay_when_a_rule_is_added() -> TestResult {
    let mut app = App::new();
    let plan = plan(&mut app)?;
    let settings = Value::List(vec![ValueMap::new()
        .with("ResourceType", "EC2")
        .with(
            "BackupOptions",
            ValueMap::new().with("WindowsVSS", "enabled"),
        )
        .into()]);
    match app
        .resource_mut(plan.resource)?
        .properties
        .get_mut("BackupPlan")
    {
        Some(Value::Map(m)) => m.insert("AdvancedBackupSettings", settings),
        other => panic!("the plan's BackupPlan property: {other:?}"),
    }
    let hourly = BackupRule {
        delete_after_days: Some(2),
        ..BackupRule::new("Hourly", Schedule::hourly())?
    };
    plan.add_rule(&mut app, hourly)?;
    let out = plan_property(&app, plan);
    assert!(out.contains("WindowsVSS"), "{out}");
    assert!(out.contains("\"Hourly\""), "{out}");
    assert_eq!(plan.rules(&app).len(), 2);
    Ok(())
}

#[test]
fn a_rule_list_the_escape_hatch_replaced_is_written_again_from_the_rules() -> TestResult {
    let mut app = App::new();
    let plan = plan(&mut app)?;
    match app
        .resource_mut(plan.resource)?
        .properties
        .get_mut("BackupPlan")
    {
        Some(Value::Map(m)) => m.insert("BackupPlanRule", "not a list"),
        other => panic!("the plan's BackupPlan property: {other:?}"),
    }
    let hourly = BackupRule {
        delete_after_days: Some(2),
        ..BackupRule::new("Hourly", Schedule::hourly())?
    };
    plan.add_rule(&mut app, hourly)?;
    let out = plan_property(&app, plan);
    assert!(!out.contains("not a list"), "{out}");
    assert!(out.contains("\"Daily\""), "{out}");
    assert!(out.contains("\"Hourly\""), "{out}");
    Ok(())
}
