//! [`Queue`]: an SQS queue, always encrypted at rest.

use std::time::Duration;

use gs_core::{App, NodeId, RemovalPolicy, Scope, Value, ValueMap};
use gs_l1::sqs::{CfnQueue, CfnQueuePolicy, CfnQueuePolicyProps, CfnQueueProps};
use gs_l1::Cfn;

use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role};
use crate::kms::Key;
use crate::names::FifoNameRule;

/// How a queue encrypts its messages at rest. There is no unencrypted choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QueueEncryption {
    /// SSE-SQS: keys owned and managed by SQS (`SqsManagedSseEnabled`), at no cost; SNS and
    /// EventBridge deliver to such a queue without any key policy.
    #[default]
    SqsManaged,
    /// SSE-KMS with the AWS managed key `alias/aws/sqs`. Its key policy cannot be changed, so
    /// AWS services (SNS, EventBridge, S3 notifications) cannot send to the queue:
    /// [`crate::sns::Topic::add_subscription`] refuses such a queue.
    KmsManaged,
    /// SSE-KMS with a customer managed key: producers need `kms:GenerateDataKey` and
    /// `kms:Decrypt`, consumers `kms:Decrypt` ([`Queue::grant_send`] and
    /// [`Queue::grant_consume`] add them); a service that sends gets a key-policy statement
    /// from [`Queue::allow_service_to_send`].
    Kms(Key),
}

/// A dead-letter queue: where a message goes after `max_receive_count` receives that did not
/// delete it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadLetterQueue {
    /// The queue that keeps the failed messages (FIFO if and only if this queue is).
    pub queue: Queue,
    /// Receives before a message moves to `queue` (1 to 1000).
    pub max_receive_count: u32,
}

/// Settings of a [`Queue`].
#[derive(Clone, Debug)]
pub struct QueueProps {
    /// The queue's name (1 to 80 letters, digits, `-` or `_`, and for a FIFO queue the suffix
    /// `.fifo`); `None` lets CloudFormation name it.
    pub queue_name: Option<String>,
    /// A FIFO queue (exactly-once processing, ordered per message group).
    pub fifo: bool,
    /// For a FIFO queue: deduplicate by a SHA-256 of the body.
    pub content_based_deduplication: bool,
    /// How long a received message stays invisible to other consumers (0 to 12 hours; 30 s by
    /// default). A Lambda consumer's timeout must not exceed it.
    pub visibility_timeout: Duration,
    /// How long an unreceived message is kept (1 minute to 14 days; 4 days by default, as SQS).
    pub retention_period: Duration,
    /// Encryption at rest (SSE-SQS by default).
    pub encryption: QueueEncryption,
    /// Where messages go after repeated failed receives.
    pub dead_letter_queue: Option<DeadLetterQueue>,
    /// What happens to the queue (and its messages) when it leaves the stack: destroyed by
    /// default, as in the AWS CDK (messages are in transit; the DR report covers what a queue
    /// loses).
    pub removal_policy: RemovalPolicy,
}

impl Default for QueueProps {
    fn default() -> Self {
        QueueProps {
            queue_name: None,
            fifo: false,
            content_based_deduplication: false,
            visibility_timeout: Duration::from_secs(30),
            retention_period: Duration::from_secs(4 * 24 * 3600),
            encryption: QueueEncryption::SqsManaged,
            dead_letter_queue: None,
            removal_policy: RemovalPolicy::Destroy,
        }
    }
}

/// What the app keeps of a queue for other constructs and passes: attached to the queue's group
/// node.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueInfo {
    /// The `AWS::SQS::Queue` resource.
    pub resource: NodeId,
    /// A FIFO queue.
    pub fifo: bool,
    /// The visibility timeout, in seconds.
    pub visibility_timeout_secs: u64,
    /// The retention period, in seconds.
    pub retention_secs: u64,
    /// The encryption.
    pub encryption: QueueEncryption,
    /// The dead-letter queue.
    pub dead_letter_queue: Option<DeadLetterQueue>,
    /// The queue policy, once a service was allowed to send.
    pub policy: Option<NodeId>,
}

/// An SQS queue.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let dlq = sqs::Queue::new(&mut s, "DeadLetters", Default::default())?;
/// let jobs = sqs::Queue::new(&mut s, "Jobs", sqs::QueueProps {
///     dead_letter_queue: Some(sqs::DeadLetterQueue { queue: dlq, max_receive_count: 5 }),
///     ..Default::default()
/// })?;
/// assert!(matches!(jobs.arn(), Value::GetAtt(_, ref a) if a == "Arn"));
/// assert_eq!(jobs.info(s.app()).map(|i| i.visibility_timeout_secs), Some(30));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queue {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::SQS::Queue` resource.
    pub resource: CfnQueue,
    /// The customer managed key, when there is one.
    pub key: Option<Key>,
}

/// The rule of queues names.
const NAME: FifoNameRule = FifoNameRule {
    what: "queue",
    max: 80,
};

impl Queue {
    /// A queue encrypted at rest.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: QueueProps) -> Result<Queue> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: QueueProps) -> Result<Queue> {
        let path = scope.child_path(id);
        let bad = |message: String, fix: &str| ConstructError::invalid(path.clone(), message, fix);
        if let Some(name) = &props.queue_name {
            NAME.check(&path, name, props.fifo)?;
        }
        let visibility = props.visibility_timeout.as_secs();
        if visibility > 43_200 || props.visibility_timeout.subsec_nanos() != 0 {
            return Err(bad(
                format!(
                    "visibility_timeout is {:?}, not whole seconds from 0 to 12 hours",
                    props.visibility_timeout
                ),
                "give whole seconds up to 43200 (12 hours); 30 s is the default",
            ));
        }
        let retention = props.retention_period.as_secs();
        if !(60..=1_209_600).contains(&retention) || props.retention_period.subsec_nanos() != 0 {
            return Err(bad(
                format!(
                    "retention_period is {:?}, not whole seconds from 1 minute to 14 days",
                    props.retention_period
                ),
                "keep messages 60 to 1209600 seconds (4 days is the default)",
            ));
        }
        if props.content_based_deduplication && !props.fifo {
            return Err(bad(
                "content-based deduplication is only for FIFO queues".into(),
                "set `fifo: true`, or drop `content_based_deduplication`",
            ));
        }
        if props.removal_policy == RemovalPolicy::Snapshot {
            return Err(bad(
                "SQS queues cannot be snapshotted on removal".into(),
                "use RemovalPolicy::Destroy (the default) or Retain",
            ));
        }
        let redrive = match props.dead_letter_queue {
            Some(dlq) => {
                if !(1..=1000).contains(&dlq.max_receive_count) {
                    return Err(bad(
                        format!(
                            "max_receive_count is {}, not 1 to 1000",
                            dlq.max_receive_count
                        ),
                        "move a message to the dead-letter queue after 1 to 1000 receives",
                    ));
                }
                let dlq_path = scope.app().path(dlq.queue.node)?;
                let Some(dlq_fifo) = dlq.queue.info(scope.app()).map(|i| i.fifo) else {
                    return Err(bad(
                        format!("the dead-letter queue {dlq_path} is not a queue built by `sqs::Queue::new`"),
                        "pass the handle `sqs::Queue::new` returned",
                    ));
                };
                if dlq_fifo != props.fifo {
                    let kind = |f: bool| if f { "a FIFO" } else { "a standard" };
                    return Err(bad(
                        format!(
                            "this is {} queue, but its dead-letter queue {dlq_path} is {} queue",
                            kind(props.fifo),
                            kind(!props.fifo)
                        ),
                        "give a FIFO queue a FIFO dead-letter queue, and a standard queue a standard one",
                    ));
                }
                Some(
                    ValueMap::with_capacity(2)
                        .with("deadLetterTargetArn", dlq.queue.arn())
                        .with("maxReceiveCount", dlq.max_receive_count),
                )
            }
            None => None,
        };
        let mut l1 = CfnQueueProps {
            visibility_timeout: Some((visibility as i64).into()),
            message_retention_period: Some((retention as i64).into()),
            queue_name: props.queue_name.clone().map(Into::into),
            fifo_queue: props.fifo.then_some(true.into()),
            content_based_deduplication: props.content_based_deduplication.then_some(true.into()),
            redrive_policy: redrive.map(Into::into),
            ..CfnQueueProps::new()
        };
        match props.encryption {
            QueueEncryption::SqsManaged => l1.sqs_managed_sse_enabled = Some(true.into()),
            QueueEncryption::KmsManaged => l1.kms_master_key_id = Some("alias/aws/sqs".into()),
            QueueEncryption::Kms(key) => l1.kms_master_key_id = Some(key.arn().into()),
        }
        let mut g = scope.group(id)?;
        let resource = Cfn::add(
            &mut g,
            "Resource",
            l1.into_resource().removal_policy(props.removal_policy),
        )?;
        let node = g.node();
        g.app_mut().attach(
            node,
            QueueInfo {
                resource: resource.node(),
                fifo: props.fifo,
                visibility_timeout_secs: visibility,
                retention_secs: retention,
                encryption: props.encryption,
                dead_letter_queue: props.dead_letter_queue,
                policy: None,
            },
        )?;
        let key = match props.encryption {
            QueueEncryption::Kms(k) => Some(k),
            _ => None,
        };
        Ok(Queue {
            node,
            resource,
            key,
        })
    }

    /// The queue's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        self.resource.attr_arn()
    }

    /// The queue's URL (`Ref`), what `SendMessage` takes.
    pub fn url(&self) -> Value {
        self.resource.reference()
    }

    /// The queue's name (`Fn::GetAtt QueueName`).
    pub fn queue_name(&self) -> Value {
        self.resource.attr_queue_name()
    }

    /// What the app keeps of this queue.
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a QueueInfo> {
        app.attached::<QueueInfo>(self.node)
    }

    /// Lets `role` send messages (and use the queue's customer managed key to encrypt them).
    pub fn grant_send(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut().atomically(|app| {
            role.grant(
                app,
                PolicyStatement::allow(
                    [
                        "sqs:SendMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:GetQueueUrl",
                    ],
                    [self.arn()],
                ),
            )?;
            if let Some(key) = self.key {
                role.grant(
                    app,
                    PolicyStatement::allow(["kms:GenerateDataKey", "kms:Decrypt"], [key.arn()]),
                )?;
            }
            Ok(())
        })
    }

    /// Lets `role` receive, delete and extend the visibility of messages (and decrypt them with
    /// the queue's customer managed key).
    pub fn grant_consume(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut().atomically(|app| {
            role.grant(
                app,
                PolicyStatement::allow(
                    [
                        "sqs:ReceiveMessage",
                        "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueUrl",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                    ],
                    [self.arn()],
                ),
            )?;
            if let Some(key) = self.key {
                role.grant(app, PolicyStatement::allow(["kms:Decrypt"], [key.arn()]))?;
            }
            Ok(())
        })
    }

    /// Lets the AWS service `service_principal` (e.g. `sns.amazonaws.com`) send messages to the
    /// queue on behalf of `source_arn` only (an `aws:SourceArn` condition): a statement in the
    /// queue policy `<Queue>/Policy` (created on first use, as CDK's `addToResourcePolicy`
    /// does) and, with a customer managed key of this app, in the key's policy. Returns the
    /// queue policy's node, which whatever delivers should depend on.
    ///
    /// Refuses a queue encrypted with `alias/aws/sqs`, whose key policy no service can be
    /// added to.
    pub fn allow_service_to_send(
        &self,
        app: &mut impl AsMut<App>,
        service_principal: &str,
        source_arn: Value,
    ) -> Result<NodeId> {
        app.as_mut()
            .atomically(|app| self.allow_service_impl(app, service_principal, source_arn))
    }

    fn allow_service_impl(
        &self,
        app: &mut App,
        service_principal: &str,
        source_arn: Value,
    ) -> Result<NodeId> {
        let path = app.path(self.node)?;
        let info = self.info(app).cloned().ok_or_else(|| {
            ConstructError::invalid(
                path.clone(),
                "the node is not a queue built by `sqs::Queue::new`",
                "pass the handle `sqs::Queue::new` returned",
            )
        })?;
        if info.encryption == QueueEncryption::KmsManaged {
            return Err(ConstructError::invalid(
                path,
                format!("{service_principal} cannot send to a queue encrypted with the AWS managed key alias/aws/sqs, whose key policy cannot grant it the key"),
                "use QueueEncryption::SqsManaged (the default) or a customer managed key (QueueEncryption::Kms)",
            ));
        }
        let condition = ValueMap::with_capacity(1).with(
            "ArnEquals",
            ValueMap::with_capacity(1).with("aws:SourceArn", source_arn.clone()),
        );
        let statement: Value = ValueMap::with_capacity(5)
            .with("Action", "sqs:SendMessage")
            .with("Condition", condition.clone())
            .with("Effect", "Allow")
            .with(
                "Principal",
                ValueMap::with_capacity(1).with("Service", service_principal),
            )
            .with("Resource", self.arn())
            .into();
        let policy = match info.policy {
            Some(p) => {
                append_statement_once(app, p, "PolicyDocument", statement)?;
                p
            }
            None => {
                let doc = ValueMap::with_capacity(2)
                    .with("Statement", Value::List(vec![statement]))
                    .with("Version", "2012-10-17");
                let mut g = app.at(self.node)?;
                let mut p = g.group("Policy")?;
                let policy = CfnQueuePolicy::new(
                    &mut p,
                    "Resource",
                    CfnQueuePolicyProps::new(doc, vec![self.url()]),
                )?;
                policy.node()
            }
        };
        app.update_attached(
            self.node,
            |info: &mut QueueInfo| info.policy.replace(policy),
            |info, before| info.policy = before,
        );
        if let Some(key) = self.key {
            key.allow_service(
                app,
                service_principal,
                &["kms:GenerateDataKey*", "kms:Decrypt"],
                condition,
            )?;
        }
        Ok(policy)
    }
}

/// Appends `statement` to the `Statement` list of the policy document under `property` of the
/// resource `node`, unless the list holds it already. In place, and journalled as an append
/// (undone by a pop) rather than by a copy of the resource. `false` when the document has no
/// such list (the escape hatch replaced it).
pub(crate) fn append_statement_once(
    app: &mut App,
    node: NodeId,
    property: &str,
    statement: Value,
) -> Result<bool> {
    let list = app
        .node(node)?
        .as_resource()
        .and_then(|r| r.properties.get(property))
        .and_then(Value::as_map)
        .and_then(|doc| doc.get("Statement"))
        .and_then(Value::as_list);
    match list {
        None => Ok(false),
        Some(list) if list.contains(&statement) => Ok(true),
        Some(_) => Ok(app
            .append_to_list(node, &[property, "Statement"], statement)?
            .is_none()),
    }
}
