//! AWS Lambda. For now the code a function runs ([`Code`]): a directory zipped as an asset,
//! inline source, an object in a bucket, or a container image built from a directory. The
//! `Function` construct comes with the L2 layer; until then [`Code::bind`] renders the `Code`
//! property of a raw `AWS::Lambda::Function`.

mod code;

pub use code::{BoundCode, Code};
