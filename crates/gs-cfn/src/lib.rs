//! gs-cfn: the CloudFormation backend of gs.
//!
//! ```text
//! Tree (gs-core) --Template::of_stack--> Template (borrowed, typed sections)
//!                --to_json-----------> <Stack>.template.json (deterministic, CDK key order)
//! CfnBackend: every stack's template + manifest.json + tree.json + cdk.out (a cloud assembly)
//! ```
//!
//! - [`template`] — the template model and its serialization.
//! - [`exports`] — references across stacks of one account and Region: CDK's export names.
//! - [`intrinsic`] — how values and intrinsic functions are spelled in JSON; dynamic references.
//! - [`pretty_json`] — pretty JSON as serde_json writes it, with fewer writes.
//! - [`passes`] — CloudFormation's limits as a validation pass (`cfn/limits`).
//! - [`tree_json`] — `tree.json`, the construct tree in CDK's `tree-0.1` format.
//! - [`assets`] — files and images `cdk deploy` uploads, under CDK's bootstrap conventions.
//! - [`zip`] — the deterministic zip of an asset directory, and its SHA-256.
//! - [`backend`] — [`CfnBackend`], the `gs_core::Backend` for CloudFormation.

#![deny(missing_docs)]
// Library code never panics on user input; tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod assets;
pub mod backend;
mod direct;
pub mod exports;
pub mod intrinsic;
mod json;
mod json_writer;
mod line_breaks;
mod manifest;
pub mod passes;
mod size;
pub mod template;
pub mod tree_json;
mod written;
pub mod zip;

pub use backend::{
    template_file_name, CfnBackend, ASSEMBLY_VERSION, LOGICAL_ID_METADATA, TREE_ARTIFACT_ID,
};
pub use exports::{export_logical_id, export_name, MAX_EXPORT_NAME_LEN};
pub use intrinsic::{secret_value, ssm_parameter_value, Rendered, RenderedMap};
pub use json::{json_needs_escape, json_string, pretty_json, pretty_json_into};
pub use size::template_size_bound;
pub use template::{
    Template, TemplateExport, TemplateOutput, TemplateParameter, TemplateResource, FORMAT_VERSION,
};
