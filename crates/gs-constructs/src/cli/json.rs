//! The `--json` shapes, as typed data: fields serialize in declaration order whatever features
//! of serde_json another crate switches on.

use std::io::Write;

use gs_core::{Diagnostic, Rule};
use serde::Serialize;

use super::Failure;

/// A finding, as `--json` prints it.
#[derive(Serialize)]
pub(crate) struct Finding<'a> {
    rule: &'a str,
    severity: &'static str,
    path: &'a str,
    message: &'a str,
    fix: &'a str,
    acknowledged: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for Finding<'a> {
    fn from(d: &'a Diagnostic) -> Finding<'a> {
        Finding {
            rule: &d.rule,
            severity: d.severity.as_str(),
            path: &d.path,
            message: &d.message,
            fix: &d.fix,
            acknowledged: d.acknowledged.as_deref(),
        }
    }
}

/// A rule of the catalog, as `rules --json` and `explain --json` print it.
#[derive(Serialize)]
pub(crate) struct RuleJson {
    id: &'static str,
    severity: &'static str,
    acknowledgeable: bool,
    applies_to: &'static [&'static str],
    what: &'static str,
    why: &'static str,
    fix: &'static str,
}

impl From<&Rule> for RuleJson {
    fn from(r: &Rule) -> RuleJson {
        RuleJson {
            id: r.id,
            severity: r.severity.as_str(),
            acknowledgeable: r.acknowledgeable,
            applies_to: r.applies_to,
            what: r.what,
            why: r.why,
            fix: r.fix,
        }
    }
}

/// Prints `value` as pretty JSON and a line break.
pub(crate) fn print(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Failure> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Failure::refused(format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    Ok(())
}
