//! Findings of validation passes: a stable rule id, a severity, the construct path, a message and
//! a fix. Rendered for people like rustc's messages.

use std::fmt;

use crate::handle::NodeId;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails synthesis unless acknowledged.
    Error,
    /// Reported with the result.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A rule of the catalog: what a pass checks, why, and how to fix a finding. Passes make
/// their findings from it, so the catalog and the findings cannot drift apart.
///
/// ```
/// use gs_core::{Rule, Severity};
/// const NO_RULES: Rule = Rule {
///     id: "backup/plan-without-rules",
///     severity: Severity::Error,
///     acknowledgeable: true,
///     applies_to: &["AWS::Backup::BackupPlan"],
///     what: "A backup plan has no rules.",
///     why: "AWS Backup refuses a plan without rules at deploy time.",
///     fix: "build the plan with its first rule",
/// };
/// let d = NO_RULES.at_path("Demo/Plan", "the plan has no rules");
/// assert_eq!(d.rule, "backup/plan-without-rules");
/// assert_eq!(d.fix, NO_RULES.fix);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, `area/what-is-wrong`.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Whether a finding may be accepted with a reason. The core and CloudFormation-limit rules
    /// may not: their shapes cannot be emitted correctly (a duplicate logical ID would silently
    /// drop a resource).
    pub acknowledgeable: bool,
    /// The resource types its findings can be about; empty when any resource may be. An
    /// acknowledgement on a construct with no resource of these types at or below it cannot
    /// match a finding, so synthesis refuses it (`core/invalid-acknowledgement`).
    pub applies_to: &'static [&'static str],
    /// What it finds, one sentence.
    pub what: &'static str,
    /// Why that matters (what fails at deploy or run time).
    pub why: &'static str,
    /// The usual fix.
    pub fix: &'static str,
}

impl Rule {
    /// A finding of this rule about `node` (at `path`), with the rule's usual fix.
    pub fn at(
        &self,
        node: NodeId,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.at_path(path, message).at(node)
    }

    /// A finding of this rule at `path`, not tied to one node.
    pub fn at_path(&self, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            acknowledgeable: self.acknowledgeable,
            ..Diagnostic::new(self.severity, self.id, path, message, self.fix)
        }
    }
}

/// One finding of a validation pass.
///
/// ```
/// use gs_core::{Diagnostic, Severity};
/// let d = Diagnostic::error("backup/plan-without-rules", "TapStackdev/Backup/EfsBackupPlan",
///     "the backup plan has no rules", "add a rule with a schedule");
/// assert!(d.to_string().starts_with("error[backup/plan-without-rules]: the backup plan has no rules"));
/// assert_eq!(d.severity, Severity::Error);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule id, `area/what-is-wrong`.
    pub rule: String,
    /// How bad it is.
    pub severity: Severity,
    /// The construct path it is about.
    pub path: String,
    /// The node it is about, when it is one node (used to find acknowledgements).
    pub node: Option<NodeId>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The reason, when the rule is acknowledged on this construct or above it.
    pub acknowledged: Option<String>,
    /// Whether an acknowledgement can accept it (see [`Rule::acknowledgeable`]).
    pub acknowledgeable: bool,
}

impl Diagnostic {
    /// A finding of `severity`.
    pub fn new(
        severity: Severity,
        rule: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule: rule.into(),
            severity,
            path: path.into(),
            node: None,
            message: message.into(),
            fix: fix.into(),
            acknowledged: None,
            acknowledgeable: true,
        }
    }

    /// An error.
    pub fn error(
        rule: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(Severity::Error, rule, path, message, fix)
    }

    /// A warning.
    pub fn warning(
        rule: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(Severity::Warning, rule, path, message, fix)
    }

    /// The same finding with a more specific fix.
    #[must_use]
    pub fn with_fix(mut self, fix: impl Into<String>) -> Diagnostic {
        self.fix = fix.into();
        self
    }

    /// The same finding, tied to `node` so acknowledgements on it (or above) apply.
    #[must_use]
    pub fn at(mut self, node: NodeId) -> Diagnostic {
        self.node = Some(node);
        self
    }

    /// Whether this finding fails synthesis.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.acknowledged.is_none()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.rule,
            self.message
        )?;
        writeln!(f, "  --> {}", OneLine(&self.path))?;
        write!(f, "   = fix: {}", self.fix)?;
        if let Some(reason) = &self.acknowledged {
            write!(f, "\n   = acknowledged: {reason}")?;
        }
        Ok(())
    }
}

/// Text shown on one line: control characters (a line break in an id) escaped as Rust writes
/// them, so a path cannot break the `-->` line of a rendered finding.
///
/// ```
/// assert_eq!(gs_core::diagnostic::OneLine("Demo/a\nb").to_string(), "Demo/a\\nb");
/// assert_eq!(gs_core::diagnostic::OneLine("Demo/Ünïcode").to_string(), "Demo/Ünïcode");
/// ```
pub struct OneLine<'a>(pub &'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Several findings, rendered one after another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report(pub Vec<Diagnostic>);

impl Report {
    /// The findings that fail synthesis.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_blocking())
    }

    /// Whether a finding of `rule` is at `path`.
    pub fn has(&self, rule: &str, path: &str) -> bool {
        self.0.iter().any(|d| d.rule == rule && d.path == path)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}
