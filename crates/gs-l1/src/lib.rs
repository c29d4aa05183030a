//! Every CloudFormation resource type as a typed gs construct, generated from the AWS resource
//! specification (`spec/` at the repository root) by `cargo run -p gs-codegen`.
//!
//! One module per AWS service (`gs_l1::lambda`, `gs_l1::efs`, ...), each with one handle type
//! per resource type (`lambda::CfnFunction`), its properties (`lambda::CfnFunctionProps`), its
//! nested property types (`lambda::function::VpcConfig`) and typed attributes
//! (`CfnFunction::attr_arn`). Each service is a cargo feature; `full` enables them all. The
//! handle types exist whatever the features, so any property can take any type's handle.
//!
//! ```text
//! CfnFunctionProps { code, role, .. } --CfnFunction::new(&mut scope, "Id", props)--> CfnFunction
//!   (Copy handle: .attr_arn(), .reference(); accepted by every property taking its identifier)
//! ```
//!
//! Property values are [`kinds`]: a literal of the right kind or a token ([`gs_core::Value`]).
//! A property the spec says takes another resource's identifier (`relationshipRefs`) takes that
//! type's handle too ([`Id`]): `efs::CfnMountTargetProps::file_system_id` takes an
//! `efs::CfnFileSystem`, written as its `Ref` (the property names the type's ref identifier);
//! `lambda::CfnFunctionProps::role` takes an `iam::CfnRole`, written as `Fn::GetAtt` of its
//! `Arn`. Required properties are `CfnXProps::new` arguments; the props of a type with none
//! required implement `Default`. `CfnXProps::into_resource` gives the [`gs_core::Resource`]
//! (properties in alphabetical order, the type's tagging from the spec's `tagInformation`) for
//! code that sets a removal policy or logical ID before [`Cfn::add`].
//!
//! Compile time: a service's code is type-checked only when its feature is on, and every
//! generated function is `#[inline]`, so that code is generated only for what a program calls
//! (the services gs-constructs enables cost about 2 s of CPU in a release build instead of
//! about 35 s).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cfn;
pub mod kinds;
pub mod schema;
// Generated: `cargo run -p gs-codegen` writes it, already laid out; rustfmt leaves it alone.
#[rustfmt::skip]
#[deny(missing_docs)]
mod services;

pub use cfn::{Cfn, ResourceType};
pub use kinds::{Bool, Id, Int, IntoValue, Json, List, Map, Num, Str, Tag, Union};
pub use services::*;
