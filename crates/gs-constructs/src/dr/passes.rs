//! The DR rules: objectives met, or refused with the resource, the scope, the best mechanism
//! present and what would meet the target.

use gs_core::{Diagnostic, Rule, Severity, Tree};

use super::mechanisms::suggestion;
use super::objectives::{format_duration, objectives_of};
use super::report::{DrReport, Verdict};

/// The rule `dr/rpo-not-met`.
pub const RPO_NOT_MET: Rule = Rule {
    id: "dr/rpo-not-met",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: super::DR_TYPES,
    what: "A stateful resource has no mechanism that meets its recovery point objective for a failure scope.",
    why: "After that failure more data is lost than the objective allows; it is found out during the incident.",
    fix: "add the mechanism the message names, or override the construct's objective with a reason",
};
/// The rule `dr/rto-not-met`.
pub const RTO_NOT_MET: Rule = Rule {
    id: "dr/rto-not-met",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: super::DR_TYPES,
    what: "A stateful resource has no mechanism that recovers within its recovery time objective for a failure scope.",
    why: "Recovery takes longer than the objective allows.",
    fix: "add a faster mechanism (a replica or a global database instead of a restore), or override the objective with a reason",
};
/// The rule `dr/at-limit`.
pub const AT_LIMIT: Rule = Rule {
    id: "dr/at-limit",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: super::DR_TYPES,
    what: "An objective is met only by a mechanism whose RPO or RTO AWS gives as \"typically\" or \"for most\" cases, exactly at the target (e.g. EFS replication's 15-minute RPO, Aurora Global Database's 1-second lag).",
    why: "Some of the time the objective will be missed.",
    fix: "add a second mechanism, relax the objective, or acknowledge the rule with a reason",
};
/// The rule `dr/stateful-destroy`.
pub const STATEFUL_DESTROY: Rule = Rule {
    id: "dr/stateful-destroy",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &crate::stateful::REMOVAL_RULE_TYPES,
    what: "A stack with DR objectives holds a stateful resource that deletes its data when removed.",
    why: "A stack deletion or a replacement loses the data that the objectives protect.",
    fix: "use RemovalPolicy::Retain or Snapshot, or acknowledge the rule with a reason (e.g. a test environment)",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[
    RPO_NOT_MET,
    RTO_NOT_MET,
    AT_LIMIT,
    STATEFUL_DESTROY,
    super::failover::FAILOVER_UNREACHABLE,
];

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    // A global database is DR whether or not a stack declares objectives.
    super::failover::check(tree, out);
    let app = tree.app();
    if !tree
        .stacks()
        .iter()
        .any(|s| objectives_of(app, *s).is_some())
    {
        return;
    }
    let report = DrReport::of_tree(tree);
    for row in &report.rows {
        let node = row.resource;
        let Some(target) = row.target else { continue };
        let best = row.mechanism.as_deref().unwrap_or("none");
        // The construct's own id, for the message of a finding (most rows have none).
        let short = || {
            let mut construct = row.path.as_str();
            while let Some(above) = construct.strip_suffix("/Resource") {
                construct = above;
            }
            construct.rsplit_once('/').map_or(construct, |(_, id)| id)
        };
        let msg = |what: &str, got: Option<std::time::Duration>, want: std::time::Duration| {
            let present = match (row.mechanism.as_deref(), got) {
                (Some(m), Some(g)) => {
                    format!(
                        "the best mechanism present, {m}, gives {}",
                        format_duration(g)
                    )
                }
                _ => "no mechanism protects it".to_string(),
            };
            format!(
                "{}: {} needs {what} {}, but {present}",
                row.scope,
                short(),
                format_duration(want)
            )
        };
        let fix = suggestion(&row.type_name, row.scope);
        match row.verdict {
            Verdict::RpoNotMet => out.push(
                RPO_NOT_MET
                    .at(node, row.path.clone(), msg("RPO", row.rpo, target.rpo))
                    .with_fix(fix),
            ),
            Verdict::RtoNotMet => out.push(
                RTO_NOT_MET
                    .at(node, row.path.clone(), msg("RTO", row.rto, target.rto))
                    .with_fix(fix),
            ),
            Verdict::AtLimit => out.push(AT_LIMIT.at(
                node,
                row.path.clone(),
                format!(
                    "{}: {} meets RPO {} / RTO {} only through {best}, whose figures AWS gives only as typical or for most cases",
                    row.scope,
                    short(),
                    format_duration(target.rpo),
                    format_duration(target.rto)
                ),
            )),
            Verdict::Met | Verdict::NoObjective => {}
        }
    }
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        // The cheap test first: most resources keep their data, and their stack's objectives
        // need not be looked up.
        if crate::stateful::deletes_data_on_removal(r)
            && objectives_of(app, tree.node(e).stack()).is_some()
        {
            out.push(STATEFUL_DESTROY.at(
                e,
                tree.path(e),
                format!(
                    "{} deletes its data on removal in a stack with DR objectives",
                    r.type_name
                ),
            ));
        }
    }
}
