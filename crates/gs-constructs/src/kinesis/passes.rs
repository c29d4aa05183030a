//! Validation passes of Kinesis. Stream names are checked by the `cfn/name-constraints` rule,
//! which lives with the ElastiCache passes (one rule id, one place); Kinesis has no rule of its
//! own yet.

use gs_core::{Diagnostic, Rule, Tree};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[];

/// Appends this service's findings.
pub(crate) fn check(_tree: &Tree<'_>, _out: &mut Vec<Diagnostic>) {}
