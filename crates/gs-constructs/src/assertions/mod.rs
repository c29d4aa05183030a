//! Assertions for tests of your own stacks, in the spirit of `aws-cdk-lib/assertions`.
//!
//! [`Template::from_stack`] synthesizes an app (every rule of gs runs; a refusal is an error
//! with every finding) and takes one stack's template. Its assertions (`resource_count_is`,
//! `has_resource_properties`, `has_resource`, `find_resources`, `has_output`, `has_parameter`,
//! `template_matches`) take patterns: plain JSON, partial as CDK's `objectLike`, in which
//! [`Match`] matchers may stand for any value (`Match::absent()`, `Match::array_with(...)`,
//! `Match::string_like_regexp(...)`...).
//!
//! A failed assertion is an [`AssertionError`] whose `Display` reads as CDK's: the closest
//! candidate (fewest mismatches), every JSON path where it differs with the expected and
//! received values, the candidate itself, and the next closest.
//!
//! ```
//! use gs_constructs::prelude::*;
//! use gs_constructs::assertions::{Match, Template};
//! use serde_json::json;
//!
//! let mut app = App::new();
//! let stack = app.stack("Demo", StackProps::default())?;
//! let mut s = app.at(stack)?;
//! let vpc = ec2::Vpc::new(&mut s, "Vpc", ec2::VpcProps { max_azs: 2, ..Default::default() })?;
//! efs::FileSystem::new(&mut s, "Files", vpc, Default::default())?;
//!
//! let template = Template::from_stack(&app, stack)?;
//! template.resource_count_is("AWS::EFS::FileSystem", 1)?;
//! template.resource_count_is("AWS::EFS::MountTarget", 2)?;
//! template.has_resource_properties("AWS::EFS::FileSystem", json!({
//!     "Encrypted": true,
//!     "FileSystemTags": Match::array_with(json!([Match::object_like(json!({"Key": "Name"}))])),
//! }))?;
//! template.has_resource("AWS::EFS::FileSystem", json!({"DeletionPolicy": "Retain"}))?;
//!
//! // A failure names the closest resource and where it differs.
//! let err = template
//!     .has_resource_properties("AWS::EFS::FileSystem", json!({"PerformanceMode": "maxIO"}))
//!     .unwrap_err();
//! let message = err.to_string();
//! assert!(message.starts_with("the template has 1 resource(s) of type AWS::EFS::FileSystem, but none matches"));
//! assert!(message.contains("at /Properties/PerformanceMode: expected \"maxIO\" but received \"generalPurpose\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod matcher;
mod template;

pub use error::{AssertionError, Candidate, Mismatch, Section};
pub use matcher::{Match, MATCHER_KEY, MAX_PATTERN_DEPTH};
pub use template::Template;
