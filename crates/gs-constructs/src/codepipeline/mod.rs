//! CodePipeline: [`Pipeline`], a two-stage pipeline (a source of the user's choice, then a
//! CodeBuild [`BuildProject`]) with an encrypted, versioned, non-public artifact bucket and
//! least-privilege roles. The source is pluggable ([`SourceKind`]): an S3 object, a
//! CodeStar/CodeConnections repository, or CodeCommit for accounts that still have it.

mod build;
mod names;
mod pipeline;
mod source;

pub use build::{BuildProject, BuildProps, CfnProject, DEFAULT_IMAGE};
pub use names::check_name;
pub use pipeline::{CfnPipeline, Pipeline, PipelineProps};
pub use source::SourceKind;
