//! Every CloudFormation resource type as a typed gs construct, generated from the AWS resource
//! specification (`spec/` at the repository root) by `cargo run -p gs-codegen`.

pub mod schema;
