//! [`Subscription`]: what a topic delivers to.

use gs_core::Value;
use gs_l1::lambda::CfnFunction;

use crate::sqs::Queue;

/// An endpoint a [`crate::sns::Topic`] delivers to; [`crate::sns::Topic::add_subscription`]
/// writes what the delivery needs.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let queue = sqs::Queue::new(&mut s, "Jobs", Default::default())?;
/// let sub = sns::Subscription::sqs(queue).raw_message_delivery();
/// assert!(matches!(sub, sns::Subscription::Sqs { raw_message_delivery: true, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Subscription {
    /// An SQS queue of the app: the queue policy letting the topic send is written.
    Sqs {
        /// The queue.
        queue: Queue,
        /// Deliver the message body as published, not wrapped in SNS's JSON envelope.
        raw_message_delivery: bool,
    },
    /// A Lambda function: the `AWS::Lambda::Permission` letting the topic invoke it is written.
    Lambda {
        /// The id of the subscription's group under the topic (`<Topic>/<id>`).
        id: String,
        /// The function's ARN.
        function_arn: Value,
    },
    /// An email address (the owner confirms the subscription by mail).
    Email(String),
}

impl Subscription {
    /// Delivers to `queue`, wrapped in SNS's JSON envelope.
    pub fn sqs(queue: Queue) -> Subscription {
        Subscription::Sqs {
            queue,
            raw_message_delivery: false,
        }
    }

    /// The same SQS subscription, delivering the raw message body. No effect on others.
    #[must_use]
    pub fn raw_message_delivery(self) -> Subscription {
        match self {
            Subscription::Sqs { queue, .. } => Subscription::Sqs {
                queue,
                raw_message_delivery: true,
            },
            other => other,
        }
    }

    /// Invokes the function `function` (an `AWS::Lambda::Function` of the app); the
    /// subscription's group is `<Topic>/<id>`.
    pub fn lambda(id: &str, function: CfnFunction) -> Subscription {
        Subscription::Lambda {
            id: id.into(),
            function_arn: function.attr_arn(),
        }
    }

    /// Invokes the function whose ARN is `function_arn` (a function defined elsewhere, or a
    /// token); the subscription's group is `<Topic>/<id>`.
    pub fn lambda_arn(id: &str, function_arn: impl Into<Value>) -> Subscription {
        Subscription::Lambda {
            id: id.into(),
            function_arn: function_arn.into(),
        }
    }

    /// Mails each message to `address`.
    pub fn email(address: &str) -> Subscription {
        Subscription::Email(address.into())
    }
}
