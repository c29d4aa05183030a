//! [`QueueRef`]: an SQS queue as a function (event source, dead-letter queue, destination) or
//! a rule target sees it.

use gs_core::{NodeId, Value};

/// An SQS queue: one of the app (its L1 handle, `gs_l1::sqs::CfnQueue`) or an outside one by
/// ARN. A queue of the app also gives its URL (for queue policies) and its node (for rules that
/// read its settings).
///
/// ```
/// use gs_constructs::lambda::QueueRef;
/// use gs_core::Value;
/// let outside = QueueRef::from_arn("arn:aws:sqs:us-east-1:123456789012:jobs");
/// assert_eq!(outside.arn, Value::from("arn:aws:sqs:us-east-1:123456789012:jobs"));
/// assert!(outside.node.is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct QueueRef {
    /// The queue's ARN.
    pub arn: Value,
    /// The queue's URL (`Ref`), for a queue of the app.
    pub url: Option<Value>,
    /// The `AWS::SQS::Queue` resource, for a queue of the app.
    pub node: Option<NodeId>,
    /// The ARN of the customer managed KMS key that encrypts it, when there is one: readers
    /// need `kms:Decrypt`, senders `kms:GenerateDataKey` on it.
    pub key_arn: Option<Value>,
    /// The L2 queue, when it is one: services are then allowed to send through its own queue
    /// policy (`sqs::Queue::allow_service_to_send`), which also grants them its key.
    pub queue: Option<crate::sqs::Queue>,
}

impl QueueRef {
    /// A queue outside the app, by ARN.
    pub fn from_arn(arn: impl Into<Value>) -> QueueRef {
        QueueRef {
            arn: arn.into(),
            url: None,
            node: None,
            key_arn: None,
            queue: None,
        }
    }

    /// The same queue, encrypted with the customer managed key `key_arn`.
    #[must_use]
    pub fn with_key(mut self, key_arn: impl Into<Value>) -> QueueRef {
        self.key_arn = Some(key_arn.into());
        self
    }
}

impl From<gs_l1::sqs::CfnQueue> for QueueRef {
    fn from(q: gs_l1::sqs::CfnQueue) -> QueueRef {
        QueueRef {
            arn: q.attr_arn(),
            url: Some(q.reference()),
            node: Some(q.node()),
            key_arn: None,
            queue: None,
        }
    }
}

impl From<crate::sqs::Queue> for QueueRef {
    fn from(q: crate::sqs::Queue) -> QueueRef {
        QueueRef {
            arn: q.arn(),
            url: Some(q.url()),
            node: Some(q.resource.node()),
            key_arn: q.key.map(|k| k.arn()),
            queue: Some(q),
        }
    }
}
