//! Objectives: RPO and RTO per failure scope, declared on a stack and overridable per construct
//! with a reason.

use std::fmt;
use std::time::Duration;

use gs_core::{App, NodeId, Tree};

use crate::error::{ConstructError, Result};

/// What fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureScope {
    /// One Availability Zone is lost.
    AzLoss,
    /// The whole Region is lost.
    RegionLoss,
    /// Data is corrupted or deleted (by a bug, an operator or an attacker).
    Corruption,
}

impl FailureScope {
    /// Every scope, in report order.
    pub const ALL: [FailureScope; 3] = [
        FailureScope::AzLoss,
        FailureScope::RegionLoss,
        FailureScope::Corruption,
    ];

    /// A short machine name: `az-loss`, `region-loss`, `corruption`.
    pub fn id(self) -> &'static str {
        match self {
            FailureScope::AzLoss => "az-loss",
            FailureScope::RegionLoss => "region-loss",
            FailureScope::Corruption => "corruption",
        }
    }
}

impl fmt::Display for FailureScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureScope::AzLoss => "loss of an AZ",
            FailureScope::RegionLoss => "loss of the Region",
            FailureScope::Corruption => "data corruption or deletion",
        })
    }
}

/// A recovery point objective (how much data may be lost) and a recovery time objective (how
/// long recovery may take).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// Most data loss allowed, as time before the failure.
    pub rpo: Duration,
    /// Longest time to recover.
    pub rto: Duration,
}

/// Targets per failure scope; `None` means no objective for that scope.
///
/// ```
/// use std::time::Duration;
/// use gs_constructs::dr::{FailureScope, Objectives, Target};
/// let o = Objectives::all(Duration::from_secs(900), Duration::from_secs(3600))
///     .with(FailureScope::Corruption, None);
/// assert_eq!(o.get(FailureScope::Corruption), None);
/// assert_eq!(o.get(FailureScope::AzLoss).map(|t| t.rpo), Some(Duration::from_secs(900)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Objectives {
    /// Objective for the loss of an AZ.
    pub az_loss: Option<Target>,
    /// Objective for the loss of the Region.
    pub region_loss: Option<Target>,
    /// Objective for corruption or deletion.
    pub corruption: Option<Target>,
}

impl Objectives {
    /// The same RPO and RTO for every scope.
    pub fn all(rpo: Duration, rto: Duration) -> Objectives {
        let t = Some(Target { rpo, rto });
        Objectives {
            az_loss: t,
            region_loss: t,
            corruption: t,
        }
    }

    /// The objective for `scope`.
    pub fn get(&self, scope: FailureScope) -> Option<Target> {
        match scope {
            FailureScope::AzLoss => self.az_loss,
            FailureScope::RegionLoss => self.region_loss,
            FailureScope::Corruption => self.corruption,
        }
    }

    /// The same objectives with `scope` set to `target`.
    #[must_use]
    pub fn with(mut self, scope: FailureScope, target: Option<Target>) -> Objectives {
        match scope {
            FailureScope::AzLoss => self.az_loss = target,
            FailureScope::RegionLoss => self.region_loss = target,
            FailureScope::Corruption => self.corruption = target,
        }
        self
    }
}

/// Objectives declared on a stack.
#[derive(Clone, Copy, Debug)]
struct Declared(Objectives);

/// Objectives overriding the stack's for one construct, with the reason.
#[derive(Clone, Debug)]
struct Overridden {
    objectives: Objectives,
    reason: String,
}

/// Declares `objectives` on `stack`: every stateful resource in it is checked against them.
pub fn declare(
    app: &mut impl AsMut<App>,
    stack: impl Into<NodeId>,
    objectives: Objectives,
) -> Result<()> {
    app.as_mut()
        .atomically(|app| declare_impl(app, stack, objectives))
}

fn declare_impl(app: &mut App, stack: impl Into<NodeId>, objectives: Objectives) -> Result<()> {
    let stack = stack.into();
    let node = app.node(stack)?;
    if !matches!(node.kind(), gs_core::NodeKind::Stack(_)) {
        return Err(ConstructError::invalid(
            app.path(stack)?,
            "objectives are declared on a stack",
            "pass the stack handle; override a construct's objectives with `dr::override_for`",
        ));
    }
    app.attach(stack, Declared(objectives))?;
    Ok(())
}

/// Overrides the stack's objectives for `node` and everything below it. The reason is required
/// and appears in the DR report.
pub fn override_for(
    app: &mut impl AsMut<App>,
    node: impl Into<NodeId>,
    objectives: Objectives,
    reason: &str,
) -> Result<()> {
    app.as_mut()
        .atomically(|app| override_for_impl(app, node, objectives, reason))
}

fn override_for_impl(
    app: &mut App,
    node: impl Into<NodeId>,
    objectives: Objectives,
    reason: &str,
) -> Result<()> {
    let node = node.into();
    if reason.trim().is_empty() {
        return Err(ConstructError::invalid(
            app.path(node)?,
            "an objectives override needs a reason",
            "say why this construct's objectives differ from the stack's",
        ));
    }
    app.attach(
        node,
        Overridden {
            objectives,
            reason: reason.into(),
        },
    )?;
    Ok(())
}

/// The objectives declared on `stack`, if any.
pub fn objectives_of(app: &App, stack: NodeId) -> Option<Objectives> {
    app.attached::<Declared>(stack).map(|d| d.0)
}

/// The objectives that apply to `node`: the nearest override above it (with its reason), else
/// its stack's; `None` when its stack declares none.
pub(crate) fn effective<'a>(
    tree: &Tree<'a>,
    node: NodeId,
) -> Option<(Objectives, Option<&'a str>)> {
    let app = tree.app();
    objectives_of(app, tree.node(node).stack())?;
    let mut at = Some(node);
    while let Some(n) = at {
        if let Some(o) = app.attached::<Overridden>(n) {
            return Some((o.objectives, Some(o.reason.as_str())));
        }
        at = tree.node(n).parent();
    }
    objectives_of(app, tree.node(node).stack()).map(|o| (o, None))
}

/// A duration as people write objectives: `0`, `1 s`, `5 min`, `1 h`, `24 h`, `7 d`.
pub fn format_duration(d: Duration) -> String {
    let mut out = String::new();
    push_duration(&mut out, d);
    out
}

/// [`format_duration`] appended to `out`.
pub(crate) fn push_duration(out: &mut String, d: Duration) {
    let s = d.as_secs();
    let (n, unit) = match s {
        0 => (0, ""),
        s if s % 86_400 == 0 && s >= 7 * 86_400 => (s / 86_400, " d"),
        s if s % 3600 == 0 => (s / 3600, " h"),
        s if s % 60 == 0 => (s / 60, " min"),
        s => (s, " s"),
    };
    for &d in crate::decimal::decimal(n, &mut [0u8; 20]) {
        out.push(char::from(d));
    }
    out.push_str(unit);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `push_duration` wrote through `write!` before it wrote the digits itself.
    fn formatted(s: u64) -> String {
        match s {
            0 => "0".to_string(),
            s if s % 86_400 == 0 && s >= 7 * 86_400 => format!("{} d", s / 86_400),
            s if s % 3600 == 0 => format!("{} h", s / 3600),
            s if s % 60 == 0 => format!("{} min", s / 60),
            s => format!("{s} s"),
        }
    }

    #[test]
    fn durations_are_written_as_format_writes_them() {
        let mut seconds: Vec<u64> = (0..200).collect();
        seconds.extend([
            599,
            600,
            3599,
            3600,
            86_400,
            6 * 86_400,
            7 * 86_400,
            8 * 86_400 + 1,
            30 * 86_400,
            1_000_000,
            u64::from(u32::MAX),
            u64::MAX,
        ]);
        for s in seconds {
            let mut out = String::from("x");
            push_duration(&mut out, Duration::from_secs(s));
            assert_eq!(out, format!("x{}", formatted(s)), "{s} s");
        }
    }
}
