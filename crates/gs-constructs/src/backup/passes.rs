//! Validation passes of AWS Backup. They read the emitted `AWS::Backup::*` resources, so plans
//! and selections built through the raw escape hatch are checked like typed ones.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use gs_core::{Diagnostic, FastState, NodeId, Rule, Severity, Tree, Value};

use gs_core::ValueMap;

use super::rule::MIN_INTERVAL;
use super::runs::{PlanRule, PlanRuns};
use super::schedule::shortest_interval;
use crate::props;

/// The rule `backup/plan-without-rules`.
pub const PLAN_WITHOUT_RULES: Rule = Rule {
    id: "backup/plan-without-rules",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Backup::BackupPlan"],
    what: "A backup plan has no rules.",
    why: "AWS Backup refuses a plan without rules at deploy time, and such a plan would back up nothing.",
    fix: "give the plan a rule with a schedule and a retention (`BackupPlan::new` takes the first rule)",
};

/// The rule `backup/plan-without-selection`.
pub const PLAN_WITHOUT_SELECTION: Rule = Rule {
    id: "backup/plan-without-selection",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Backup::BackupPlan"],
    what: "A backup plan is applied to no resource: no backup selection names it.",
    why: "A plan without a selection deploys, runs nothing and protects nothing; recovery would find no recovery point.",
    fix: "add a `BackupSelection` of the resources to protect to the plan, or remove the plan",
};

/// The rule `backup/selection-empty`.
pub const SELECTION_EMPTY: Rule = Rule {
    id: "backup/selection-empty",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Backup::BackupSelection"],
    what: "A backup selection names no resources, tags or conditions.",
    why: "A selection that matches nothing protects nothing.",
    fix: "list the resources' ARNs in `Resources` (the typed `BackupSelection` takes handles), or select by `ListOfTags`",
};

/// The rule `backup/schedule-invalid`.
pub const SCHEDULE_INVALID: Rule = Rule {
    id: "backup/schedule-invalid",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Backup::BackupPlan"],
    what: "A backup rule's schedule expression does not parse, or runs more often than hourly.",
    why: "AWS Backup refuses the plan at deploy time (after the resources before it were created).",
    fix: "write `cron(minutes hours day-of-month month day-of-week year)` running at most hourly, e.g. `cron(0 5 ? * * *)`",
};

/// The rule `backup/overlapping-rules`.
pub const OVERLAPPING_RULES: Rule = Rule {
    id: "backup/overlapping-rules",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &["AWS::Backup::BackupPlan"],
    what: "Two rules of one backup plan have runs whose start windows overlap, so AWS Backup skips one of the runs.",
    why: "AWS Backup takes one backup for overlapping runs, the one of the rule with the longer retention; what only the skipped rule does (a cross-Region copy, another vault, continuous backup) does not happen for that run, and the recovery objectives computed from its schedule are not met.",
    fix: "schedule the rules so their start windows do not overlap (e.g. leave the daily rule's hour out of the hourly rule: `cron(0 0-4,6-23 * * ? *)`), and give the rule that runs what the skipped one carried (copy actions), or acknowledge the rule with a reason (e.g. a weekly rule meant to replace a daily one)",
};

/// The rule `backup/window-invalid`.
pub const WINDOW_INVALID: Rule = Rule {
    id: "backup/window-invalid",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &["AWS::Backup::BackupPlan"],
    what: "A backup rule's start window is under an hour, or its completion window ends less than an hour after the start window.",
    why: "AWS Backup refuses the plan at deploy time; the DR figures computed from such windows would be shorter than any AWS Backup gives.",
    fix: "set `StartWindowMinutes` to 60 or more and `CompletionWindowMinutes` to at least the start window plus 60 (the typed `BackupRule` checks both)",
};

/// The rule `backup/retention-shorter-than-interval`.
pub const RETENTION_SHORTER_THAN_INTERVAL: Rule = Rule {
    id: "backup/retention-shorter-than-interval",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Backup::BackupPlan"],
    what: "A backup rule deletes its recovery points before its next run, so for part of each interval the rule leaves none.",
    why: "A restore during that part finds no recovery point of the rule; its schedule promises a recovery point objective it does not keep.",
    fix: "keep the recovery points at least as long as the time between runs (`delete_after_days`), better the interval plus the start and completion windows, or run the rule more often",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[
    PLAN_WITHOUT_RULES,
    PLAN_WITHOUT_SELECTION,
    SELECTION_EMPTY,
    SCHEDULE_INVALID,
    OVERLAPPING_RULES,
    WINDOW_INVALID,
    RETENTION_SHORTER_THAN_INTERVAL,
];

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut plans = Vec::new();
    let mut selected: HashSet<NodeId, FastState> = HashSet::default();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        match &*r.type_name {
            "AWS::Backup::BackupPlan" => plans.push(e),
            "AWS::Backup::BackupSelection" => {
                if let Some(plan) = r
                    .properties
                    .get("BackupPlanId")
                    .and_then(Value::as_reference)
                {
                    selected.insert(plan);
                }
                check_selection(tree, e, r.properties.get("BackupSelection"), out);
            }
            _ => {}
        }
    }
    let analyses = if plans.is_empty() {
        None
    } else {
        Some(PlanAnalyses::of(tree))
    };
    for plan in plans {
        let Some(r) = tree.node(plan).as_resource() else {
            continue;
        };
        // Findings name the plan's construct (synthesis maps its `Resource` to it).
        let (at, path) = (plan, tree.path(plan));
        check_rules(at, &path, r.properties.get("BackupPlan"), out);
        if let Some(analysis) = analyses.as_ref().and_then(|a| a.get(plan)) {
            check_retention(at, &path, analysis, out);
        }
        check_overlaps(
            at,
            &path,
            r.properties.get("BackupPlan"),
            analyses.as_ref().and_then(|a| a.get(plan)),
            out,
        );
        if !selected.contains(&plan) {
            out.push(PLAN_WITHOUT_SELECTION.at(
                at,
                path,
                "no backup selection names this plan, so it backs up nothing",
            ));
        }
    }
}

fn check_rules(at: NodeId, path: &str, plan: Option<&Value>, out: &mut Vec<Diagnostic>) {
    // An intrinsic in place of the literal plan cannot be read before deploying.
    let Some(plan) = plan.and_then(Value::as_map) else {
        return;
    };
    let rules = match plan.get("BackupPlanRule") {
        None => &[][..],
        Some(v) => match v.as_list() {
            Some(l) => l,
            None => return,
        },
    };
    if rules.is_empty() {
        out.push(PLAN_WITHOUT_RULES.at(at, path, "the backup plan has no rules"));
    }
    for rule in rules.iter().filter_map(Value::as_map) {
        let name = rule.get("RuleName").and_then(Value::literal_str);
        let name = name.as_deref().unwrap_or("(unnamed)");
        check_windows(at, path, name, rule, out);
        let Some(expression) = rule.get("ScheduleExpression").and_then(Value::literal_str) else {
            continue;
        };
        let expression = &*expression;
        let parsed = if expression.starts_with("cron(") {
            shortest_interval(expression)
        } else {
            Err(super::rule::not_cron(expression))
        };
        match parsed {
            Err(e) => out.push(
                SCHEDULE_INVALID
                    .at(
                        at,
                        path,
                        format!("rule `{name}`: the schedule `{expression}` does not parse: {}", e.message),
                    )
                    .with_fix(e.fix),
            ),
            Ok(interval) if interval < MIN_INTERVAL => out.push(SCHEDULE_INVALID.at(
                at,
                path,
                format!(
                    "rule `{name}`: the schedule `{expression}` runs {} minutes after a previous run; AWS Backup runs at most hourly",
                    interval.as_secs() / 60
                ),
            )),
            Ok(_) => {}
        }
    }
}

/// The windows AWS Backup accepts, as the typed `BackupRule` checks them, for a rule written
/// any way (a window that is not a literal number cannot be read before deploying).
fn check_windows(at: NodeId, path: &str, name: &str, rule: &ValueMap, out: &mut Vec<Diagnostic>) {
    let minutes = |key: &str| rule.get(key).and_then(Value::as_i64);
    let start = minutes("StartWindowMinutes");
    if let Some(start) = start.filter(|m| *m < 60) {
        out.push(WINDOW_INVALID.at(
            at,
            path,
            format!(
                "rule `{name}`: the start window is {start} minutes, AWS Backup needs at least 60"
            ),
        ));
        return;
    }
    let start = start.unwrap_or(super::runs::DEFAULT_START_MINUTES as i64);
    if let Some(completion) =
        minutes("CompletionWindowMinutes").filter(|c| *c < start.saturating_add(60))
    {
        out.push(WINDOW_INVALID.at(
            at,
            path,
            format!(
                "rule `{name}`: the completion window ({completion} minutes) ends less than an hour after the start window ({start} minutes)"
            ),
        ));
    }
}

/// A rule whose recovery points are deleted before its next run: kept less than the longest
/// time between two of its runs. (Against the windows too, a daily rule started within the
/// default 8 hours and kept 7 days would fail, which AWS Backup's own defaults suggest.)
fn check_retention(at: NodeId, path: &str, analysis: &PlanAnalysis, out: &mut Vec<Diagnostic>) {
    for (i, rule) in analysis.rules.iter().enumerate() {
        // A copy kept longer elsewhere is a recovery point too.
        let Some(days) = rule.kept_days else {
            continue;
        };
        let Some(worst) = analysis.runs.worst_case(&[i]) else {
            continue;
        };
        if super::runs::expires_before_next(days, &worst) {
            let mut every = String::new();
            crate::dr::objectives::push_duration(&mut every, worst.gap);
            out.push(RETENTION_SHORTER_THAN_INTERVAL.at(
                at,
                path,
                format!(
                    "rule `{}` keeps its recovery points {days} day(s) but runs only every {every}: for part of each interval there is none",
                    rule.name
                ),
            ));
        }
    }
}

/// `HH:MM` of a minute of the day.
fn clock(minute: u64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A backup plan's rules, as its `BackupPlan` property states them, and their runs.
pub(crate) struct PlanAnalysis {
    /// The rules, in order.
    pub(crate) rules: Vec<PlanRule>,
    /// Their runs.
    pub(crate) runs: PlanRuns,
}

/// The [`PlanAnalysis`] of every backup plan of a tree whose `BackupPlan` is a literal map.
pub(crate) struct PlanAnalyses(HashMap<NodeId, PlanAnalysis, FastState>);

impl PlanAnalyses {
    /// The plans of a frozen tree, analysed once per tree and shared after (see
    /// [`Tree::derived`]): the overlap check and the DR profiles read the same runs.
    pub(crate) fn of(tree: &Tree<'_>) -> Arc<PlanAnalyses> {
        tree.derived(|tree| {
            let mut plans = HashMap::default();
            for e in tree.all_elements() {
                let Some(r) = tree.node(e).as_resource() else {
                    continue;
                };
                if r.type_name != "AWS::Backup::BackupPlan" {
                    continue;
                }
                if let Some(plan) = r.properties.get("BackupPlan").and_then(Value::as_map) {
                    let rules = PlanRule::all(plan);
                    let runs = PlanRuns::of(&rules);
                    plans.insert(e, PlanAnalysis { rules, runs });
                }
            }
            PlanAnalyses(plans)
        })
    }

    /// The analysis of the plan resource `plan`.
    pub(crate) fn get(&self, plan: NodeId) -> Option<&PlanAnalysis> {
        self.0.get(&plan)
    }
}

fn check_overlaps(
    at: NodeId,
    path: &str,
    plan: Option<&Value>,
    analysis: Option<&PlanAnalysis>,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(plan), Some(PlanAnalysis { rules, runs })) = (plan.and_then(Value::as_map), analysis)
    else {
        return;
    };
    if rules.len() < 2 {
        return;
    }
    let raw: Vec<&ValueMap> = props::maps(plan, "BackupPlanRule").collect();
    for o in &runs.overlaps {
        // A tie is found both ways: report it once.
        if o.tie && o.skipped > o.kept {
            continue;
        }
        let (Some(lost), Some(kept)) = (rules.get(o.skipped), rules.get(o.kept)) else {
            continue;
        };
        let days = |r: &PlanRule| {
            r.retention_days
                .map_or("forever".to_string(), |d| format!("{d} days"))
        };
        let mut message = if o.tie {
            format!(
                "rules `{}` and `{}` keep recovery points the same retention ({}) and their start windows overlap (e.g. the run at {} UTC): AWS Backup takes one of the two runs and does not document which",
                lost.name,
                kept.name,
                days(lost),
                clock(o.at)
            )
        } else {
            format!(
                "rule `{}` (kept {}) is skipped at {} UTC: its start window overlaps a run of rule `{}` (kept {}), and AWS Backup takes only the rule with the longer retention",
                lost.name,
                days(lost),
                clock(o.at),
                kept.name,
                days(kept)
            )
        };
        let carries = |i: usize, key: &str| {
            raw.get(i).is_some_and(|r| match r.get(key) {
                Some(Value::List(l)) => !l.is_empty(),
                Some(Value::Bool(b)) => *b,
                Some(_) => true,
                None => false,
            })
        };
        if !o.tie && carries(o.skipped, "CopyActions") && !carries(o.kept, "CopyActions") {
            message.push_str(&format!(
                "; the skipped run's copy action does not happen, as `{}` has none",
                kept.name
            ));
        }
        out.push(OVERLAPPING_RULES.at(at, path, message));
    }
}

fn check_selection(
    tree: &Tree<'_>,
    e: NodeId,
    selection: Option<&Value>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(selection) = selection.and_then(Value::as_map) else {
        return;
    };
    // Only literal empty lists and maps count as empty: an intrinsic may select something.
    let empty = |key: &str| match selection.get(key) {
        None => true,
        Some(Value::List(l)) => l.is_empty(),
        Some(Value::Map(m)) => m
            .iter()
            .all(|(_, v)| matches!(v, Value::List(l) if l.is_empty())),
        Some(_) => false,
    };
    if empty("Resources") && empty("ListOfTags") && empty("Conditions") {
        let (at, path) = (e, tree.path(e));
        out.push(SELECTION_EMPTY.at(
            at,
            path,
            "the backup selection has no `Resources`, `ListOfTags` or `Conditions`: it protects nothing",
        ));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use gs_core::{App, RawResource, Resource, StackProps, Value, ValueMap};

    use super::PlanAnalyses;

    #[test]
    fn plans_are_analysed_once_per_tree_and_shared() -> Result<(), gs_core::TreeError> {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default())?;
        let rule = |name: &str, cron: &str| {
            Value::Map(
                ValueMap::new()
                    .with("RuleName", name)
                    .with("ScheduleExpression", cron)
                    .with("TargetBackupVault", "Vault"),
            )
        };
        let mut plan = Resource::new("AWS::Backup::BackupPlan");
        plan.properties.insert(
            "BackupPlan",
            Value::Map(ValueMap::new().with("BackupPlanName", "Plan").with(
                "BackupPlanRule",
                Value::List(vec![
                    rule("Daily", "cron(0 5 ? * * *)"),
                    rule("Weekly", "cron(0 5 ? * SUN *)"),
                ]),
            )),
        );
        let plan = app.at(stack)?.resource::<RawResource>("Plan", plan)?;
        let tree = app.freeze();
        let first = PlanAnalyses::of(&tree);
        let names: Vec<&str> = first
            .get(plan.node())
            .map(|a| a.rules.iter().map(|r| r.name.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["Daily", "Weekly"]);
        // The overlap check and the DR profiles read the same analysis.
        assert!(Arc::ptr_eq(&first, &PlanAnalyses::of(&tree)));
        Ok(())
    }
}
