//! Cross-service security and lifecycle rules: encryption at rest and in transit, open ingress,
//! IAM wildcards, and stateful resources whose removal deletes their data.

pub(crate) mod passes;
