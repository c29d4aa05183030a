//! Validation passes of AWS Backup. They read the emitted `AWS::Backup::*` resources, so plans
//! and selections built through the raw escape hatch are checked like typed ones.

use std::collections::HashSet;

use gs_core::{Diagnostic, NodeId, NodeKind, Rule, Severity, Tree, Value};

use super::rule::MIN_INTERVAL;
use super::schedule::shortest_interval;

const PLAN_WITHOUT_RULES: Rule = Rule {
    id: "backup/plan-without-rules",
    severity: Severity::Error,
    acknowledgeable: true,
    what: "A backup plan has no rules.",
    why: "AWS Backup refuses a plan without rules at deploy time, and such a plan would back up nothing.",
    fix: "give the plan a rule with a schedule and a retention (`BackupPlan::new` takes the first rule)",
};

const PLAN_WITHOUT_SELECTION: Rule = Rule {
    id: "backup/plan-without-selection",
    severity: Severity::Error,
    acknowledgeable: true,
    what: "A backup plan is applied to no resource: no backup selection names it.",
    why: "A plan without a selection deploys, runs nothing and protects nothing; recovery would find no recovery point.",
    fix: "add a `BackupSelection` of the resources to protect to the plan, or remove the plan",
};

const SELECTION_EMPTY: Rule = Rule {
    id: "backup/selection-empty",
    severity: Severity::Error,
    acknowledgeable: true,
    what: "A backup selection names no resources, tags or conditions.",
    why: "A selection that matches nothing protects nothing.",
    fix: "list the resources' ARNs in `Resources` (the typed `BackupSelection` takes handles), or select by `ListOfTags`",
};

const SCHEDULE_INVALID: Rule = Rule {
    id: "backup/schedule-invalid",
    severity: Severity::Error,
    acknowledgeable: true,
    what: "A backup rule's schedule expression does not parse, or runs more often than hourly.",
    why: "AWS Backup refuses the plan at deploy time (after the resources before it were created).",
    fix: "write `cron(minutes hours day-of-month month day-of-week year)` running at most hourly, e.g. `cron(0 5 ? * * *)`",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[
    PLAN_WITHOUT_RULES,
    PLAN_WITHOUT_SELECTION,
    SELECTION_EMPTY,
    SCHEDULE_INVALID,
];

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut plans = Vec::new();
    let mut selected: HashSet<NodeId> = HashSet::new();
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
    for plan in plans {
        let Some(r) = tree.node(plan).as_resource() else {
            continue;
        };
        let (at, path) = construct_of(tree, plan);
        check_rules(at, &path, r.properties.get("BackupPlan"), out);
        if !selected.contains(&plan) {
            out.push(PLAN_WITHOUT_SELECTION.at(
                at,
                path,
                "no backup selection names this plan, so it backs up nothing",
            ));
        }
    }
}

/// The node and path a finding about `resource` names: its construct when it is the
/// construct's `Resource`, as users know the construct's path.
fn construct_of(tree: &Tree<'_>, resource: NodeId) -> (NodeId, String) {
    let node = tree.node(resource);
    let at = match node.parent() {
        Some(p) if node.id() == "Resource" && matches!(tree.node(p).kind(), NodeKind::Group) => p,
        _ => resource,
    };
    (at, tree.path(at))
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
        let Some(expression) = rule.get("ScheduleExpression").and_then(Value::literal_str) else {
            continue;
        };
        let expression = &*expression;
        let name = rule.get("RuleName").and_then(Value::literal_str);
        let name = name.as_deref().unwrap_or("(unnamed)");
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
        let (at, path) = construct_of(tree, e);
        out.push(SELECTION_EMPTY.at(
            at,
            path,
            "the backup selection has no `Resources`, `ListOfTags` or `Conditions`: it protects nothing",
        ));
    }
}
