//! [`Stream`]: a Kinesis data stream, always encrypted with KMS.

use gs_core::{App, Handle, NodeId, RemovalPolicy, Resource, Scope, Value, ValueMap};

use super::names::{invalid_name, NAME_FIX};
use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role};
use crate::kms::Key;

/// Marker of the `AWS::Kinesis::Stream` resource.
#[derive(Debug)]
pub enum CfnStream {}

/// How a stream's capacity is managed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamMode {
    /// A fixed number of shards (1 MB/s in, 2 MB/s out each).
    Provisioned {
        /// How many shards.
        shards: u32,
    },
    /// Capacity follows the traffic; billed per use.
    OnDemand,
}

/// Which KMS key encrypts the records. There is no unencrypted choice: a stream built here is
/// encrypted at rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StreamEncryption {
    /// The AWS managed key `alias/aws/kinesis`.
    #[default]
    AwsManaged,
    /// A customer managed key (producers and consumers also need `kms:` permissions on it,
    /// which [`Stream::grant_read`] and [`Stream::grant_write`] add).
    Kms(Key),
}

/// Settings of a [`Stream`].
#[derive(Clone, Debug)]
pub struct StreamProps {
    /// The stream's name; `None` lets CloudFormation name it.
    pub stream_name: Option<String>,
    /// Provisioned shards or on-demand (one provisioned shard by default).
    pub mode: StreamMode,
    /// How long records stay readable, in hours (24 to 8760; 24 by default). Records older than
    /// this cannot be replayed after an outage.
    pub retention_hours: u32,
    /// The key that encrypts records.
    pub encryption: StreamEncryption,
    /// What happens to the stream (and its unread records) when it leaves the stack; retained by
    /// default. `Snapshot` is not supported by Kinesis.
    pub removal_policy: RemovalPolicy,
}

impl Default for StreamProps {
    fn default() -> Self {
        StreamProps {
            stream_name: None,
            mode: StreamMode::Provisioned { shards: 1 },
            retention_hours: 24,
            encryption: StreamEncryption::AwsManaged,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// What the app keeps of a stream for passes (disaster-recovery checks read the retention):
/// attached to the stream's group node.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamInfo {
    /// The `AWS::Kinesis::Stream` resource.
    pub resource: NodeId,
    /// How long records stay readable, in hours.
    pub retention_hours: u32,
    /// Provisioned or on-demand.
    pub mode: StreamMode,
    /// The encryption key.
    pub encryption: StreamEncryption,
    /// The literal stream name, when one was given.
    pub stream_name: Option<String>,
}

/// A Kinesis data stream.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let events = kinesis::Stream::new(&mut s, "Events", kinesis::StreamProps {
///     stream_name: Some("globalstream-events-dev".into()),
///     retention_hours: 168,
///     ..Default::default()
/// })?;
/// assert_eq!(events.info(s.app()).map(|i| i.retention_hours), Some(168));
/// assert!(matches!(events.arn(), Value::GetAtt(_, ref a) if a == "Arn"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stream {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::Kinesis::Stream` resource.
    pub resource: Handle<CfnStream>,
    /// The customer managed key, when there is one.
    pub key: Option<Key>,
}

impl Stream {
    /// A stream encrypted with KMS.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: StreamProps) -> Result<Stream> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: StreamProps) -> Result<Stream> {
        let path = scope.child_path(id);
        if let Some(reason) = props.stream_name.as_deref().and_then(invalid_name) {
            return Err(ConstructError::invalid(
                path,
                format!("the stream name {reason}"),
                NAME_FIX,
            ));
        }
        if !(24..=8760).contains(&props.retention_hours) {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "retention_hours is {}, not 24 to 8760",
                    props.retention_hours
                ),
                "keep records 24 hours (the default) up to 8760 hours (365 days)",
            ));
        }
        if let StreamMode::Provisioned { shards } = props.mode {
            if !(1..=100_000).contains(&shards) {
                return Err(ConstructError::invalid(
                    path,
                    format!("a provisioned stream needs 1 to 100000 shards, not {shards}"),
                    "give at least one shard, or use StreamMode::OnDemand",
                ));
            }
        }
        if props.removal_policy == RemovalPolicy::Snapshot {
            return Err(ConstructError::invalid(
                path,
                "Kinesis streams cannot be snapshotted on removal",
                "use RemovalPolicy::Retain (the default) or Destroy",
            ));
        }
        let (shard_count, mode) = match props.mode {
            StreamMode::Provisioned { shards } => (Some(shards), "PROVISIONED"),
            StreamMode::OnDemand => (None, "ON_DEMAND"),
        };
        let key_id = match props.encryption {
            StreamEncryption::AwsManaged => Value::from("alias/aws/kinesis"),
            StreamEncryption::Kms(key) => key.arn(),
        };
        let mut g = scope.group(id)?;
        let resource = g.resource::<CfnStream>(
            "Resource",
            Resource::new("AWS::Kinesis::Stream")
                .properties(
                    ValueMap::with_capacity(5)
                        .with_opt("Name", props.stream_name.clone())
                        .with("RetentionPeriodHours", props.retention_hours)
                        .with_opt("ShardCount", shard_count)
                        .with(
                            "StreamEncryption",
                            ValueMap::with_capacity(2)
                                .with("EncryptionType", "KMS")
                                .with("KeyId", key_id),
                        )
                        .with(
                            "StreamModeDetails",
                            ValueMap::with_capacity(1).with("StreamMode", mode),
                        ),
                )
                .tagged()
                .removal_policy(props.removal_policy),
        )?;
        let node = g.node();
        let key = match props.encryption {
            StreamEncryption::Kms(k) => Some(k),
            StreamEncryption::AwsManaged => None,
        };
        g.app_mut().attach(
            node,
            StreamInfo {
                resource: resource.node(),
                retention_hours: props.retention_hours,
                mode: props.mode,
                encryption: props.encryption,
                stream_name: props.stream_name,
            },
        )?;
        Ok(Stream {
            node,
            resource,
            key,
        })
    }

    /// The stream's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Arn".into())
    }

    /// The stream's name (`Ref`).
    pub fn stream_name(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// What the app keeps of this stream.
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a StreamInfo> {
        app.attached::<StreamInfo>(self.node)
    }

    /// Lets `role` put records (and use the stream's customer managed key to encrypt them).
    pub fn grant_write(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.grant_write_impl(app, role))
    }

    fn grant_write_impl(&self, app: &mut App, role: Role) -> Result<()> {
        role.grant(
            app,
            PolicyStatement::allow(
                [
                    "kinesis:ListShards",
                    "kinesis:PutRecord",
                    "kinesis:PutRecords",
                    "kinesis:DescribeStreamSummary",
                ],
                [self.arn()],
            ),
        )?;
        if let Some(key) = self.key {
            role.grant(
                app,
                PolicyStatement::allow(
                    ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
                    [key.arn()],
                ),
            )?;
        }
        Ok(())
    }

    /// Lets `role` read records (and use the stream's customer managed key to decrypt them).
    pub fn grant_read(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.grant_read_impl(app, role))
    }

    fn grant_read_impl(&self, app: &mut App, role: Role) -> Result<()> {
        role.grant(
            app,
            PolicyStatement::allow(
                [
                    "kinesis:DescribeStreamSummary",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:ListShards",
                    "kinesis:SubscribeToShard",
                    "kinesis:DescribeStream",
                    "kinesis:ListStreams",
                    "kinesis:DescribeStreamConsumer",
                ],
                [self.arn()],
            ),
        )?;
        if let Some(key) = self.key {
            role.grant(app, PolicyStatement::allow(["kms:Decrypt"], [key.arn()]))?;
        }
        Ok(())
    }
}

impl From<Stream> for crate::apigateway::KinesisTarget {
    /// The stream as the target of an API Gateway `PutRecord` integration (with its key, so the
    /// integration's role may encrypt).
    fn from(s: Stream) -> Self {
        let target = crate::apigateway::KinesisTarget::new(s.arn(), s.stream_name());
        match s.key {
            Some(k) => target.with_key(k.arn()),
            None => target,
        }
    }
}
