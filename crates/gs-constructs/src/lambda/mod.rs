//! AWS Lambda: [`Function`] (its own role, log group with retention, security group in a VPC,
//! reserved concurrency, a dead-letter queue or on-failure destination, event sources), the
//! code it runs ([`Code`]: a directory zipped as an asset, inline source, an object in a
//! bucket, or a container image built from a directory), and the rules that refuse what Lambda
//! would refuse at deploy time or fail at run time (`lambda/*` in the rule catalog, docs/rules.md).
//!
//! ```text
//! Function::new(scope, id, runtime, handler, code, props)
//!   --> <Id>/ServiceRole (+ DefaultPolicy: logs of its own group), <Id>/LogGroup,
//!       <Id>/SecurityGroup (in a VPC), <Id>/Resource, <Id>/EventInvokeConfig (destination)
//! f.add_event_source(EventSource::sqs(q) | kinesis(s, pos) | dynamodb(t, pos))
//!   --> <Id>/<Kind>EventSource:<source>/Resource + the role's read statements
//! ```

mod code;
mod event_source;
mod function;
pub(crate) mod passes;
mod queue_ref;
mod runtime;

pub use code::{BoundCode, Code};
pub use event_source::{EventSource, StartingPosition, TableStream};
pub use function::{Architecture, Function, FunctionProps};
pub use passes::{
    PACKAGE_TOO_LARGE, RESERVED_CONCURRENCY_OVER_QUOTA, SQS_VISIBILITY_TIMEOUT, VPC_WITHOUT_EGRESS,
};
pub use queue_ref::QueueRef;
pub use runtime::Runtime;
