//! The DR report: for each stateful resource of a stack with objectives and each failure scope,
//! the best mechanism, the RPO and RTO it gives and their basis, the target and the verdict.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use gs_core::{App, Tree};
use serde::Serialize;

use crate::report::json_text::JsonText;

use super::objectives::{effective, push_duration, FailureScope, Target};
use super::profile::{profiles, Protection};

/// How a resource fares against one objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// RPO and RTO met.
    Met,
    /// Met only by a mechanism whose RPO or RTO, equal to the target, AWS gives only as
    /// "typically" or "for most" cases.
    AtLimit,
    /// The RPO is not met (no mechanism, or the best one is too slow).
    RpoNotMet,
    /// The RPO is met but the RTO is not.
    RtoNotMet,
    /// No objective for this scope.
    NoObjective,
}

impl Verdict {
    /// `met`, `at-limit`, `rpo-not-met`, `rto-not-met`, `no-objective`.
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::AtLimit => "at-limit",
            Verdict::RpoNotMet => "rpo-not-met",
            Verdict::RtoNotMet => "rto-not-met",
            Verdict::NoObjective => "no-objective",
        }
    }
}

/// Appends `cell` to the table's text: the cell's end in `text`, with its width in characters.
fn push_cell(text: &mut String, cell: &str) -> (usize, usize) {
    let start = text.len();
    text.push_str(cell);
    cell_end(text, start)
}

/// The end of the cell of `text` that started at `start`, with its width in characters.
/// Not inlined: the table ends seven cells a row, and one copy of this is less code to load.
#[inline(never)]
fn cell_end(text: &str, start: usize) -> (usize, usize) {
    let cell = text.get(start..).unwrap_or_default();
    let width = if cell.is_ascii() {
        cell.len()
    } else {
        cell.chars().count()
    };
    (text.len(), width)
}

/// Sorts protections by RPO then RTO, keeping the order of equal ones, for [`judge`].
fn by_strength(protections: &mut [Protection]) {
    protections.sort_by_key(|p| (p.rpo, p.rto));
}

/// The verdict for one scope and the mechanism it rests on, as an index into `protections`
/// (sorted by [`by_strength`]). One mechanism must meet both the RPO and the RTO: a fast restore
/// does not make up for a slow backup.
fn judge(
    protections: &[Protection],
    scope: FailureScope,
    target: Option<Target>,
) -> (Verdict, Option<usize>) {
    // The scope's protections, by RPO then RTO (a stable sort filtered keeps its order).
    let candidates = || {
        protections
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.scope == scope)
    };
    let first = candidates().next().map(|(i, _)| i);
    let Some(t) = target else {
        return (Verdict::NoObjective, first);
    };
    // In the order of `candidates`, as the lists they filter.
    let rpo_met = || candidates().filter(move |(_, p)| p.rpo <= t.rpo);
    if rpo_met().next().is_none() {
        return (Verdict::RpoNotMet, first);
    }
    let both_met = || rpo_met().filter(move |(_, p)| p.rto <= t.rto);
    let Some((first_met, _)) = both_met().next() else {
        return (
            Verdict::RtoNotMet,
            rpo_met().min_by_key(|(_, p)| p.rto).map(|(i, _)| i),
        );
    };
    // A figure AWS gives only as "typically" or "for most" cases meets a target it is under; a
    // target equal to its RPO or its RTO only at the limit.
    match both_met()
        .find(|(_, p)| (!p.rpo_at_limit || p.rpo < t.rpo) && (!p.rto_at_limit || p.rto < t.rto))
    {
        Some((i, _)) => (Verdict::Met, Some(i)),
        None => (Verdict::AtLimit, Some(first_met)),
    }
}

/// One line of the report. Its type, mechanism and basis are [`Cow`]s: borrowed from the
/// resource and the mechanism catalog when they are theirs, so rows are made without copying
/// them (`"text".into()` and `String::into()` make either).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrRow {
    /// The resource.
    pub resource: gs_core::NodeId,
    /// The stack's name.
    pub stack: String,
    /// The path of the construct the resource belongs to (see `Tree::construct_of`).
    pub path: String,
    /// The resource's CloudFormation type.
    pub type_name: Cow<'static, str>,
    /// The failure scope.
    pub scope: FailureScope,
    /// The mechanism the verdict rests on: the one meeting the objective, else the closest.
    pub mechanism: Option<Cow<'static, str>>,
    /// The RPO it gives.
    pub rpo: Option<Duration>,
    /// The RTO it gives.
    pub rto: Option<Duration>,
    /// Where the figures come from.
    pub basis: Option<Cow<'static, str>>,
    /// The objective.
    pub target: Option<Target>,
    /// The verdict.
    pub verdict: Verdict,
    /// The reason, when the objective is a construct's override.
    pub override_reason: Option<String>,
}

/// The rows of every stack that declares objectives, in tree order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrReport {
    /// The rows.
    pub rows: Vec<DrRow>,
}

impl DrReport {
    /// The report of `app`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::dr::{self, DrReport, Objectives, Verdict};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// dr::declare(&mut app, stack, Objectives::all(Duration::from_secs(900), Duration::from_secs(3600)))?;
    /// let mut s = app.at(stack)?;
    /// secretsmanager::Secret::new(&mut s, "ApiKey", Default::default())?;
    /// let report = DrReport::of(&app);
    /// let region = report.rows.iter().find(|r| r.scope == dr::FailureScope::RegionLoss).unwrap();
    /// assert_eq!(region.verdict, Verdict::RpoNotMet); // no replica Region yet
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(app: &App) -> DrReport {
        DrReport::compute(&app.freeze())
    }

    /// The report of a frozen tree, computed once per tree and shared after (see
    /// [`Tree::derived`]): synthesis runs the DR pass, which judges the report's rows, and a
    /// program that then prints the report from the same tree gets those rows without a second
    /// computation.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::dr::{self, DrReport, Objectives};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// dr::declare(&mut app, stack, Objectives::all(Duration::from_secs(900), Duration::from_secs(3600)))?;
    /// secretsmanager::Secret::new(&mut app.at(stack)?, "ApiKey", Default::default())?;
    /// let tree = app.freeze();
    /// let _ = tree.synth(&CfnBackend::default()); // the DR pass computes the report
    /// let report = DrReport::of_tree(&tree); // and this reads it
    /// assert!(Arc::ptr_eq(&report, &DrReport::of_tree(&tree)));
    /// assert_eq!(*report, DrReport::of(&app));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_tree(tree: &Tree<'_>) -> Arc<DrReport> {
        tree.derived(DrReport::compute)
    }

    fn compute(tree: &Tree<'_>) -> DrReport {
        let mut rows = Vec::new();
        for mut profile in profiles(tree) {
            let Some((objectives, reason)) = effective(tree, profile.resource) else {
                continue;
            };
            let mut stack = tree
                .node(tree.node(profile.resource).stack())
                .id()
                .to_string();
            let mut path = tree.path(tree.construct_of(profile.resource));
            by_strength(&mut profile.protections);
            rows.reserve(FailureScope::ALL.len());
            for (i, scope) in FailureScope::ALL.into_iter().enumerate() {
                let target = objectives.get(scope);
                let (verdict, chosen) = judge(&profile.protections, scope, target);
                // A protection has one scope, so it is chosen for one row at most: its name is
                // moved there. So are the stack and the path, into the last row.
                let chosen = chosen.and_then(|i| profile.protections.get_mut(i));
                let last = i + 1 == FailureScope::ALL.len();
                rows.push(DrRow {
                    resource: profile.resource,
                    stack: if last {
                        std::mem::take(&mut stack)
                    } else {
                        stack.clone()
                    },
                    path: if last {
                        std::mem::take(&mut path)
                    } else {
                        path.clone()
                    },
                    type_name: profile.type_name.clone(),
                    scope,
                    rpo: chosen.as_ref().map(|b| b.rpo),
                    rto: chosen.as_ref().map(|b| b.rto),
                    basis: chosen.as_ref().map(|b| b.basis.clone()),
                    mechanism: chosen.map(|b| std::mem::take(&mut b.mechanism)),
                    target,
                    verdict,
                    override_reason: reason.map(str::to_owned),
                });
            }
        }
        DrReport { rows }
    }

    /// The rows of one stack.
    pub fn for_stack<'r>(&'r self, stack: &'r str) -> impl Iterator<Item = &'r DrRow> + 'r {
        self.rows.iter().filter(move |r| r.stack == stack)
    }

    /// A plain-text table of one stack's rows, for people.
    pub fn table(&self, stack: &str) -> String {
        let mut out = String::new();
        self.table_into(stack, &mut out);
        out
    }

    /// [`DrReport::table`] appended to `out`.
    pub(crate) fn table_into(&self, stack: &str, out: &mut String) {
        const COLUMNS: usize = 7;
        // Every cell's text in one buffer: a row is the end of each of its cells in `text`, with
        // its width in characters.
        let count = self.for_stack(stack).count() + 1;
        let mut text = String::with_capacity(count * 96);
        let mut rows: Vec<[(usize, usize); COLUMNS]> = Vec::with_capacity(count);
        let names = [
            "resource",
            "scope",
            "mechanism",
            "RPO",
            "RTO",
            "target",
            "verdict",
        ];
        let mut header = [(0, 0); COLUMNS];
        for (cell, name) in header.iter_mut().zip(names) {
            *cell = push_cell(&mut text, name);
        }
        rows.push(header);
        for r in self.for_stack(stack) {
            let short = r
                .path
                .strip_prefix(stack)
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(&r.path);
            let mut construct = short;
            while let Some(above) = construct.strip_suffix("/Resource") {
                construct = above;
            }
            let construct = push_cell(&mut text, construct);
            let scope = push_cell(&mut text, r.scope.id());
            let mechanism = push_cell(&mut text, r.mechanism.as_deref().unwrap_or("none"));
            let mut durations = [(0, 0); 2];
            for (cell, d) in durations.iter_mut().zip([r.rpo, r.rto]) {
                let start = text.len();
                match d {
                    Some(d) => push_duration(&mut text, d),
                    None => text.push('-'),
                }
                *cell = cell_end(&text, start);
            }
            let [rpo, rto] = durations;
            let start = text.len();
            match r.target {
                Some(t) => {
                    push_duration(&mut text, t.rpo);
                    text.push_str(" / ");
                    push_duration(&mut text, t.rto);
                }
                None => text.push('-'),
            }
            let target = cell_end(&text, start);
            let start = text.len();
            text.push_str(r.verdict.id());
            if r.override_reason.is_some() {
                text.push_str(" (override)");
            }
            let verdict = cell_end(&text, start);
            rows.push([construct, scope, mechanism, rpo, rto, target, verdict]);
        }
        let mut widths = [0; COLUMNS];
        for row in &rows {
            for (w, &(_, width)) in widths.iter_mut().zip(row) {
                *w = (*w).max(width.min(72));
            }
        }
        out.reserve(rows.len() * (widths.iter().sum::<usize>() + 16));
        let spaces = " ".repeat(widths.iter().copied().max().unwrap_or(0));
        let mut from = 0;
        for row in &rows {
            let line = out.len();
            for (i, (&(end, width), &w)) in row.iter().zip(&widths).enumerate() {
                let cell = text.get(from..end).unwrap_or_default();
                from = end;
                if i > 0 {
                    out.push_str("  ");
                }
                // Cut to the column's width, then padded to it, counted in characters.
                if width <= w {
                    out.push_str(cell);
                    out.push_str(spaces.get(..w - width).unwrap_or_default());
                } else {
                    // Cut with a mark, so a cut text is not read as whole (the JSON keeps it).
                    out.extend(cell.chars().take(w.saturating_sub(1)));
                    out.push('…');
                }
            }
            let kept = out[line..].trim_end().len();
            out.truncate(line + kept);
            out.push('\n');
        }
    }

    /// One stack's rows as serializable data (written as `<Stack>.dr.json`); fields keep their
    /// declared order whatever serde_json features are on.
    pub fn to_json<'r>(&'r self, stack: &'r str) -> DrJson<'r> {
        let secs = |d: Option<Duration>| d.map(|d| d.as_secs());
        DrJson {
            stack,
            rows: self
                .for_stack(stack)
                .map(|r| DrJsonRow {
                    path: &r.path,
                    type_name: &r.type_name,
                    scope: r.scope.id(),
                    mechanism: r.mechanism.as_deref(),
                    rpo_seconds: secs(r.rpo),
                    rto_seconds: secs(r.rto),
                    basis: r.basis.as_deref(),
                    target_rpo_seconds: r.target.map(|t| t.rpo.as_secs()),
                    target_rto_seconds: r.target.map(|t| t.rto.as_secs()),
                    verdict: r.verdict.id(),
                    override_reason: r.override_reason.as_deref(),
                })
                .collect(),
        }
    }
}

impl DrReport {
    /// [`DrReport::to_json`] of `stack` written as pretty JSON (two-space indent) into `out`:
    /// byte for byte what `gs_cfn::pretty_json(&report.to_json(stack), "  ")` writes, without
    /// the rows as serializable data first.
    ///
    /// ```
    /// use std::time::Duration;
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::dr::{self, DrReport, Objectives};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// dr::declare(&mut app, stack, Objectives::all(Duration::from_secs(900), Duration::from_secs(3600)))?;
    /// secretsmanager::Secret::new(&mut app.at(stack)?, "ApiKey", Default::default())?;
    /// let report = DrReport::of(&app);
    /// let mut out = Vec::new();
    /// report.write_json("Demo", &mut out);
    /// assert_eq!(out, gs_cfn::pretty_json(&report.to_json("Demo"), "  ")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_json(&self, stack: &str, out: &mut Vec<u8>) {
        let secs = |d: Option<Duration>| d.map(|d| d.as_secs());
        let mut j = JsonText::new(out);
        j.open(b'{');
        j.key("stack");
        j.str(stack);
        j.key("rows");
        j.open(b'[');
        // Every row is an object at the same depth, with the same keys.
        let [path, type_name, scope, mechanism, rpo, rto, basis, target_rpo, target_rto, verdict, reason] =
            [
                "path",
                "type",
                "scope",
                "mechanism",
                "rpo_seconds",
                "rto_seconds",
                "basis",
                "target_rpo_seconds",
                "target_rto_seconds",
                "verdict",
                "override_reason",
            ]
            .map(|k| j.member_text(k));
        for r in self.for_stack(stack) {
            j.item();
            j.open(b'{');
            j.member(&path);
            j.str(&r.path);
            j.member(&type_name);
            j.str(&r.type_name);
            j.member(&scope);
            j.str(r.scope.id());
            j.member(&mechanism);
            j.opt_str(r.mechanism.as_deref());
            j.member(&rpo);
            j.opt_uint(secs(r.rpo));
            j.member(&rto);
            j.opt_uint(secs(r.rto));
            j.member(&basis);
            j.opt_str(r.basis.as_deref());
            j.member(&target_rpo);
            j.opt_uint(r.target.map(|t| t.rpo.as_secs()));
            j.member(&target_rto);
            j.opt_uint(r.target.map(|t| t.rto.as_secs()));
            j.member(&verdict);
            j.str(r.verdict.id());
            j.member(&reason);
            j.opt_str(r.override_reason.as_deref());
            j.close(b'}');
        }
        j.close(b']');
        j.close(b'}');
    }
}

/// One stack's DR report as written to `<Stack>.dr.json`.
#[derive(Clone, Debug, Serialize)]
pub struct DrJson<'r> {
    stack: &'r str,
    rows: Vec<DrJsonRow<'r>>,
}

#[derive(Clone, Debug, Serialize)]
struct DrJsonRow<'r> {
    path: &'r str,
    #[serde(rename = "type")]
    type_name: &'r str,
    scope: &'static str,
    mechanism: Option<&'r str>,
    rpo_seconds: Option<u64>,
    rto_seconds: Option<u64>,
    basis: Option<&'r str>,
    target_rpo_seconds: Option<u64>,
    target_rto_seconds: Option<u64>,
    verdict: &'static str,
    override_reason: Option<&'r str>,
}
