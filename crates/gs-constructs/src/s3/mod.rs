//! S3: [`Bucket`], a bucket with secure defaults (encrypted, versioned, every public access
//! blocked, TLS-only bucket policy, retained on removal), its [`LifecycleRule`]s, bucket-name
//! validation, read / read-write grants to IAM roles, and statements added to its bucket policy
//! ([`Bucket::add_to_resource_policy`] for a [`Principal`]).

mod bucket;
mod lifecycle;
mod name;
pub(crate) mod passes;
mod policy;

pub use bucket::{Bucket, BucketEncryption, BucketProps, BucketSettings, CfnBucket};
pub use lifecycle::{LifecycleRule, StorageClass, Transition};
pub use name::check_bucket_name;
pub use policy::Principal;
