//! Amazon SNS: [`Topic`] (encrypted by default, `grant_publish`) and its subscriptions
//! ([`Subscription`]: an SQS queue, with the queue policy that lets the topic send; a Lambda
//! function, with the permission that lets the topic invoke it; an email address). The pass
//! `sns::passes` refuses an SQS subscription, typed or raw, whose queue does not let SNS send.

pub(crate) mod passes;
mod subscription;
mod topic;

pub use subscription::Subscription;
pub use topic::{Topic, TopicEncryption, TopicInfo, TopicProps};
