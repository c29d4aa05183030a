//! Generates the schema data the synthesis-time checks read (`crates/gs-l1/src/schema/`): every
//! resource type's properties, kinds, required and read-only sets, replacement data, tagging and
//! value constraints.

use crate::output::Output;
use crate::spec::Spec;

/// Adds the schema data files to `out`.
pub fn generate(_spec: &Spec, _out: &mut Output) -> Result<(), String> {
    Ok(())
}
