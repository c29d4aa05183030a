//! Generates the typed L1 layer: `crates/gs-l1/src/services/<service>.rs`, one file per AWS
//! service, and the cargo features of `crates/gs-l1/Cargo.toml`.

use crate::output::Output;
use crate::spec::Spec;

/// Adds the L1 files to `out`.
pub fn generate(_spec: &Spec, _out: &mut Output) -> Result<(), String> {
    Ok(())
}
