//! The Lambda row of the DR mechanisms: a function keeps no data (RPO zero), runs across AZs,
//! and a Region loss means redeploying its stack in another Region.
mod support;

use std::time::Duration;

use gs_constructs::dr::{self, DrReport, FailureScope, Objectives, Target};
use gs_constructs::lambda::{Code, Function, Runtime};
use gs_constructs::prelude::*;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const MIN: u64 = 60;

fn app_with(objectives: Objectives) -> Result<App, Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Fn", StackProps::default())?;
    dr::declare(&mut app, stack, objectives)?;
    let mut s = app.at(stack)?;
    Function::new(
        &mut s,
        "Handler",
        Runtime::Python3_12,
        "index.handler",
        Code::from_inline("def handler(e, c):\n    return 1\n"),
        Default::default(),
    )?;
    Ok(app)
}

#[test]
fn a_function_meets_az_loss_and_corruption_objectives_and_reports_region_loss_as_a_redeploy() -> R {
    let app = app_with(Objectives {
        az_loss: Some(Target {
            rpo: Duration::ZERO,
            rto: Duration::from_secs(5 * MIN),
        }),
        region_loss: Some(Target {
            rpo: Duration::from_secs(15 * MIN),
            rto: Duration::from_secs(2 * 60 * MIN),
        }),
        corruption: Some(Target {
            rpo: Duration::from_secs(15 * MIN),
            rto: Duration::from_secs(60 * MIN),
        }),
    })?;
    synth(&app, "dr_lambda_met");
    let report = DrReport::of(&app);
    let region = report
        .rows
        .iter()
        .find(|r| r.path.starts_with("Fn/Handler") && r.scope == FailureScope::RegionLoss)
        .expect("a Region-loss row for the function");
    assert_eq!(region.verdict.id(), "met");
    assert!(
        region
            .mechanism
            .as_deref()
            .is_some_and(|m| m.contains("redeploy")),
        "{region:?}"
    );
    Ok(())
}

#[test]
fn a_region_loss_rto_under_the_redeploy_time_is_not_met_for_a_function() -> R {
    let app = app_with(Objectives::all(
        Duration::from_secs(15 * MIN),
        Duration::from_secs(15 * MIN),
    ))?;
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "dr/rto-not-met" && d.path == "Fn/Handler")
        .unwrap_or_else(|| panic!("dr/rto-not-met on the function, got {found:?}"));
    assert!(d.message.contains("redeploy"), "{}", d.message);
    // The rule applies to functions, so it can be acknowledged on one.
    let mut app = app;
    let node = app
        .nodes()
        .find(|(id, _)| app.path(*id).is_ok_and(|p| p == "Fn/Handler"))
        .map(|(id, _)| id)
        .expect("function node");
    app.acknowledge(
        node,
        &rules::DR_RTO_NOT_MET,
        "stateless: redeployed by the pipeline",
    )?;
    synth(&app, "dr_lambda_acknowledged");
    Ok(())
}
