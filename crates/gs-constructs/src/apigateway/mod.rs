//! API Gateway: [`RestApi`], a regional REST API with its deployment, a stage with access logs
//! and execution logs, and the account's CloudWatch role; [`ApiResource`]s and [`Method`]s added
//! to it; [`Integration`]s (mock, Kinesis `PutRecord` through a role of its own, a Lambda function
//! as a proxy, with the permission for API Gateway to invoke it derived); CORS preflight
//! ([`CorsOptions`]). The deployment depends on every method and resource and is replaced when
//! anything in the API changes (its logical ID carries the MD5 of the API's model, as in CDK).

mod account;
mod cors;
mod deployment;
mod integration;
mod lambda_integration;
pub(crate) mod lambda_permission;
mod method;
pub(crate) mod passes;
mod resource;
mod rest_api;

pub use cors::CorsOptions;
pub use integration::{Integration, KinesisTarget};
pub use method::{Authorization, CfnMethod, Method};
pub use resource::{ApiResource, CfnResource};
pub use rest_api::{CfnRestApi, CfnStage, RestApi, RestApiProps, ACCESS_LOG_FORMAT};
