//! Validation passes of this service.

use gs_core::{Diagnostic, Rule, Tree};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[];

/// Appends this service's findings.
pub(crate) fn check(_tree: &Tree<'_>, _out: &mut Vec<Diagnostic>) {}
