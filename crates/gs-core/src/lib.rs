//! gs-core: the construct tree of gs, and everything generic about it.
//!
//! ```text
//! user code --(constructs)--> App (arena of nodes + facts)
//!                               | freeze: Tree (logical IDs, expanded dependencies)
//!                               | passes: Vec<Diagnostic> (rule, severity, path, message, fix)
//!                               v
//!                             Backend::emit -> Vec<Artifact> -> write_artifacts (atomic)
//! ```
//!
//! It knows nothing of any AWS service: gs-constructs brings those, gs-cfn the CloudFormation
//! backend.
//!
//! - [`app`] — the [`App`], its stacks, tags, dependencies, acknowledgements, passes and facts.
//! - [`handle`] — [`Handle<T>`], typed `Copy` indices that refuse another app's nodes.
//! - [`scope`] — [`Scope`], the cursor constructs add children through.
//! - [`sections`] — the Conditions, Mappings and Rules a stack declares by name.
//! - [`node`] — what a node holds (stack, group, resource, parameter, output, import).
//! - [`value`] — [`Value`], property values with references and intrinsic functions.
//! - [`fold`] — constant folding: the string a value built only from constants will be.
//! - [`logical_id`] — CDK's logical-ID rule.
//! - [`tree`] — [`Tree`], the frozen app passes and backends read.
//! - [`diagnostic`] — findings and their rendering.
//! - [`passes`] — the built-in passes (logical IDs, references, dependency cycles) and their rules.
//! - [`synth`] — validation then emission.
//! - [`backend`] — the [`Backend`] trait and atomic writing; [`dot`]: a Graphviz backend.
//!
//! ```
//! use gs_core::{App, DotBackend, RawResource, Resource, StackProps, Value};
//! let mut app = App::new();
//! let stack = app.stack("Demo", StackProps::default())?;
//! let mut s = app.at(stack)?;
//! let key = s.resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))?;
//! let bucket = s.resource::<RawResource>("Bucket", Resource::new("AWS::S3::Bucket")
//!     .property("KmsKeyArn", Value::GetAtt(key.node(), "Arn".into())))?;
//! app.add_dependency(bucket, key, "the bucket encrypts with the key")?;
//! let tree = app.freeze();
//! assert_eq!(tree.logical_id(bucket.node()), Some("Bucket"));
//! assert_eq!(tree.depends_on(bucket.node()), &[key.node()]);
//! assert!(app.synth(&DotBackend).is_ok());
//! assert!(app.validate(&DotBackend).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
// Library code never panics on user input; tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod app;
mod attached_change;
pub mod backend;
mod derived;
pub mod diagnostic;
pub mod dot;
pub mod error;
mod fast_hash;
pub mod fold;
pub mod handle;
mod journal;
pub mod logical_id;
mod md5_block;
mod model_hash;
pub mod node;
pub(crate) mod node_table;
mod out_dir;
pub mod passes;
mod properties;
mod scan;
pub mod scope;
pub mod sections;
mod side_table;
pub mod synth;
mod tags;
pub mod tree;
pub mod value;
mod value_drop;
mod value_map;
mod values;

pub use app::{App, PassFn, StackProps, MAX_VALUE_DEPTH};
pub use backend::{
    write_artifacts, Artifact, Backend, BackendError, EmitError, PartSink, Parts, Sink,
};
pub use diagnostic::{Diagnostic, Report, Rule, Severity};
pub use dot::DotBackend;
pub use error::TreeError;
pub use fast_hash::{FastHasher, FastState};
pub use handle::{AppId, Handle, NodeId};
pub use logical_id::{logical_id_of, MAX_LOGICAL_ID_LEN};
pub use node::{
    Acknowledgement, Dependency, Group, Import, Node, NodeKind, Output, Parameter, RemovalPolicy,
    Resource, Stack, Tagging,
};
pub use out_dir::{is_assembly_file, remove_assembly, OutDir};
pub use passes::Pass;
pub use scope::Scope;
pub use sections::{Assertion, TemplateRule};
pub use synth::{SynthError, Synthesis};
pub use tree::{DisplayPath, Export, StackDependencyCause, Tree};
pub use value::{Pseudo, Value, ValueMap, ValueMapIntoIter};

/// Marker for a handle to a resource built through the escape hatch (any type, free-form
/// properties).
#[derive(Debug)]
pub enum RawResource {}
