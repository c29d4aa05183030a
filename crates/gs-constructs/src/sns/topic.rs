//! [`Topic`]: an SNS topic, encrypted at rest by default.

use gs_core::{App, NodeId, Scope, Value};
use gs_l1::lambda::{CfnPermission, CfnPermissionProps};
use gs_l1::sns::{CfnSubscription, CfnSubscriptionProps, CfnTopic, CfnTopicProps};

use super::subscription::Subscription;
use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role};
use crate::kms::Key;
use crate::names::FifoNameRule;

/// How a topic encrypts messages at rest.
///
/// gs encrypts by default where the AWS CDK does not (CDK's `Topic` is unencrypted unless given
/// a `masterKey`): data at rest is encrypted everywhere else in gs, and the AWS managed key
/// costs nothing to keep. Its one limit: AWS services that *publish* to the topic
/// (EventBridge rules, CloudWatch alarms, S3 notifications) must be allowed to use the key,
/// which the AWS managed key's fixed policy does not allow; give such a topic a customer
/// managed key ([`TopicEncryption::Kms`]) or, knowingly, [`TopicEncryption::Unencrypted`].
/// Delivery to subscribers is not affected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TopicEncryption {
    /// The AWS managed key `alias/aws/sns`.
    #[default]
    AwsManaged,
    /// A customer managed key (publishers need `kms:GenerateDataKey*` and `kms:Decrypt`, which
    /// [`Topic::grant_publish`] adds).
    Kms(Key),
    /// No encryption at rest (SNS still encrypts in transit).
    Unencrypted,
}

/// Settings of a [`Topic`].
#[derive(Clone, Debug, Default)]
pub struct TopicProps {
    /// The topic's name (1 to 256 letters, digits, `-` or `_`, and for a FIFO topic the suffix
    /// `.fifo`); `None` lets CloudFormation name it.
    pub topic_name: Option<String>,
    /// The display name, used as the sender of SMS and email.
    pub display_name: Option<String>,
    /// A FIFO topic (ordered, deduplicated; it delivers to FIFO queues only).
    pub fifo: bool,
    /// For a FIFO topic: deduplicate by a SHA-256 of the body.
    pub content_based_deduplication: bool,
    /// Encryption at rest.
    pub encryption: TopicEncryption,
}

/// What the app keeps of a topic: attached to its group node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicInfo {
    /// A FIFO topic.
    pub fifo: bool,
    /// The encryption.
    pub encryption: TopicEncryption,
}

/// An SNS topic.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let topic = sns::Topic::new(&mut s, "Orders", Default::default())?;
/// let queue = sqs::Queue::new(&mut s, "Billing", Default::default())?;
/// topic.add_subscription(&mut s, sns::Subscription::sqs(queue))?;
/// assert!(queue.info(s.app()).and_then(|i| i.policy).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Topic {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::SNS::Topic` resource.
    pub resource: CfnTopic,
    /// The customer managed key, when there is one.
    pub key: Option<Key>,
}

/// The rule of topics names.
const NAME: FifoNameRule = FifoNameRule {
    what: "topic",
    max: 256,
};

impl Topic {
    /// A topic, encrypted with `alias/aws/sns` unless `props` say otherwise.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: TopicProps) -> Result<Topic> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: TopicProps) -> Result<Topic> {
        let path = scope.child_path(id);
        if let Some(name) = &props.topic_name {
            NAME.check(&path, name, props.fifo)?;
        }
        if props.content_based_deduplication && !props.fifo {
            return Err(ConstructError::invalid(
                path,
                "content-based deduplication is only for FIFO topics",
                "set `fifo: true`, or drop `content_based_deduplication`",
            ));
        }
        let key_id = match props.encryption {
            TopicEncryption::AwsManaged => Some(Value::from("alias/aws/sns")),
            TopicEncryption::Kms(key) => Some(key.arn()),
            TopicEncryption::Unencrypted => None,
        };
        let l1 = CfnTopicProps {
            topic_name: props.topic_name.map(Into::into),
            display_name: props.display_name.map(Into::into),
            fifo_topic: props.fifo.then_some(true.into()),
            content_based_deduplication: props.content_based_deduplication.then_some(true.into()),
            kms_master_key_id: key_id.map(Into::into),
            ..CfnTopicProps::new()
        };
        let mut g = scope.group(id)?;
        let resource = CfnTopic::new(&mut g, "Resource", l1)?;
        let node = g.node();
        g.app_mut().attach(
            node,
            TopicInfo {
                fifo: props.fifo,
                encryption: props.encryption,
            },
        )?;
        let key = match props.encryption {
            TopicEncryption::Kms(k) => Some(k),
            _ => None,
        };
        Ok(Topic {
            node,
            resource,
            key,
        })
    }

    /// The topic's ARN (`Ref`; also `Fn::GetAtt TopicArn`).
    pub fn arn(&self) -> Value {
        self.resource.reference()
    }

    /// The topic's name (`Fn::GetAtt TopicName`).
    pub fn topic_name(&self) -> Value {
        self.resource.attr_topic_name()
    }

    /// What the app keeps of this topic.
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a TopicInfo> {
        app.attached::<TopicInfo>(self.node)
    }

    /// Lets `role` publish (and use the topic's customer managed key).
    pub fn grant_publish(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut().atomically(|app| {
            role.grant(app, PolicyStatement::allow(["sns:Publish"], [self.arn()]))?;
            if let Some(key) = self.key {
                role.grant(
                    app,
                    PolicyStatement::allow(["kms:GenerateDataKey*", "kms:Decrypt"], [key.arn()]),
                )?;
            }
            Ok(())
        })
    }

    /// Subscribes `subscription` to the topic, with what delivery needs, as the AWS CDK's
    /// `aws-sns-subscriptions` do:
    /// - an SQS queue: `AWS::SNS::Subscription` at `<Queue>/<TopicUniqueId>` (CDK's ids), and
    ///   a statement in the queue policy `<Queue>/Policy` letting `sns.amazonaws.com` send for
    ///   this topic only (`aws:SourceArn`); with a customer managed key, one in its key policy.
    ///   The subscription depends on the queue policy. A FIFO topic needs a FIFO queue and a
    ///   standard topic a standard one; a queue encrypted with `alias/aws/sqs` is refused
    ///   (SNS cannot use that key);
    /// - a Lambda function: the subscription at `<Topic>/<id>/Resource` and the
    ///   `AWS::Lambda::Permission` for `sns.amazonaws.com` with this topic's ARN as source at
    ///   `<Topic>/<id>/AllowInvoke` (CDK puts both under the function; gs may only know its
    ///   ARN);
    /// - an email address: `<Topic>/<address>/Resource`, as CDK.
    ///
    /// Returns the subscription's node.
    pub fn add_subscription(
        &self,
        app: &mut impl AsMut<App>,
        subscription: Subscription,
    ) -> Result<NodeId> {
        app.as_mut()
            .atomically(|app| self.add_subscription_impl(app, subscription))
    }

    fn add_subscription_impl(&self, app: &mut App, subscription: Subscription) -> Result<NodeId> {
        let topic_path = app.path(self.node)?;
        let topic_fifo = self.info(app).is_some_and(|i| i.fifo);
        match subscription {
            Subscription::Sqs {
                queue,
                raw_message_delivery,
            } => {
                let queue_path = app.path(queue.node)?;
                let queue_fifo = queue.info(app).map(|i| i.fifo).ok_or_else(|| {
                    ConstructError::invalid(
                        topic_path.clone(),
                        format!("{queue_path} is not a queue built by `sqs::Queue::new`"),
                        "pass the handle `sqs::Queue::new` returned",
                    )
                })?;
                if queue_fifo != topic_fifo {
                    let kind = |f: bool| if f { "a FIFO" } else { "a standard" };
                    return Err(ConstructError::invalid(
                        topic_path,
                        format!(
                            "{} topic cannot deliver to {queue_path}, {} queue",
                            kind(topic_fifo),
                            kind(queue_fifo)
                        ),
                        "subscribe FIFO queues to FIFO topics and standard queues to standard topics",
                    ));
                }
                let policy = queue.allow_service_to_send(app, "sns.amazonaws.com", self.arn())?;
                let components: Vec<&str> = topic_path.split('/').collect();
                let unique = gs_core::logical_id_of(&components).unwrap_or_default();
                let l1 = CfnSubscriptionProps {
                    endpoint: Some(queue.arn().into()),
                    raw_message_delivery: raw_message_delivery.then_some(true.into()),
                    ..CfnSubscriptionProps::new("sqs", self.resource)
                };
                let mut q = app.at(queue.node)?;
                let mut g = q.group(&unique)?;
                let sub = CfnSubscription::new(&mut g, "Resource", l1)?;
                app.add_dependency(
                    sub.node(),
                    policy,
                    "SNS delivers only once the queue policy lets it send",
                )?;
                Ok(sub.node())
            }
            Subscription::Lambda { id, function_arn } => {
                let mut t = app.at(self.node)?;
                let mut g = t.group(&id)?;
                let permission = CfnPermissionProps {
                    source_arn: Some(self.arn().into()),
                    ..CfnPermissionProps::new(
                        "lambda:InvokeFunction",
                        function_arn.clone(),
                        "sns.amazonaws.com",
                    )
                };
                CfnPermission::new(&mut g, "AllowInvoke", permission)?;
                let l1 = CfnSubscriptionProps {
                    endpoint: Some(function_arn.into()),
                    ..CfnSubscriptionProps::new("lambda", self.resource)
                };
                let sub = CfnSubscription::new(&mut g, "Resource", l1)?;
                Ok(sub.node())
            }
            Subscription::Email(address) => {
                if !is_email(&address) {
                    return Err(ConstructError::invalid(
                        topic_path,
                        format!("`{address}` is not an email address"),
                        "give an address such as `ops@example.com`",
                    ));
                }
                let mut t = app.at(self.node)?;
                let mut g = t.group(&address)?;
                let l1 = CfnSubscriptionProps {
                    endpoint: Some(address.as_str().into()),
                    ..CfnSubscriptionProps::new("email", self.resource)
                };
                let sub = CfnSubscription::new(&mut g, "Resource", l1)?;
                Ok(sub.node())
            }
        }
    }
}

/// One `@` with something on both sides, a dot in the domain, no spaces or `/` (a path
/// separator in gs ids).
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.contains(|c: char| c.is_whitespace() || c == '/')
}
