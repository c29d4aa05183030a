//! [`StreamConsumer`]: an enhanced fan-out consumer of a [`Stream`] (its own 2 MB/s per shard,
//! pushed over `SubscribeToShard`).

use gs_core::{Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::names::{invalid_name, NAME_FIX};
use super::stream::Stream;
use crate::error::{ConstructError, Result};

/// Marker of the `AWS::Kinesis::StreamConsumer` resource.
#[derive(Debug)]
pub enum CfnStreamConsumer {}

/// Settings of a [`StreamConsumer`].
#[derive(Clone, Debug, Default)]
pub struct StreamConsumerProps {
    /// The consumer's name, unique per stream (1 to 128 of `[a-zA-Z0-9_.-]`); `None` derives one
    /// from the construct path.
    pub consumer_name: Option<String>,
}

/// An enhanced fan-out consumer registered on a stream. The handle carries its stream.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let events = kinesis::Stream::new(&mut s, "Events", Default::default())?;
/// let analytics = kinesis::StreamConsumer::new(&mut s, "Analytics", events, Default::default())?;
/// assert_eq!(analytics.stream, events);
/// let emitted = s.app().node(analytics.resource)?.as_resource();
/// assert_eq!(emitted.and_then(|r| r.properties.get("ConsumerName")),
///     Some(&Value::from("Demo-Analytics")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamConsumer {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::Kinesis::StreamConsumer` resource.
    pub resource: Handle<CfnStreamConsumer>,
    /// The stream it reads.
    pub stream: Stream,
}

impl StreamConsumer {
    /// Registers an enhanced fan-out consumer on `stream`.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        stream: Stream,
        props: StreamConsumerProps,
    ) -> Result<StreamConsumer> {
        scope.atomically(|scope| Self::build(scope, id, stream, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        stream: Stream,
        props: StreamConsumerProps,
    ) -> Result<StreamConsumer> {
        let path = scope.child_path(id);
        let consumer_name = props.consumer_name.unwrap_or_else(|| name_from_path(&path));
        if let Some(reason) = invalid_name(&consumer_name) {
            return Err(ConstructError::invalid(
                path,
                format!("the consumer name {reason}"),
                NAME_FIX,
            ));
        }
        let mut g = scope.group(id)?;
        // Not tagged: Tags of a stream consumer are create-only, so a stack-wide tag change
        // would replace the consumer.
        let resource = g.resource::<CfnStreamConsumer>(
            "Resource",
            Resource::new("AWS::Kinesis::StreamConsumer").properties(
                ValueMap::with_capacity(2)
                    .with("ConsumerName", consumer_name.as_str())
                    .with("StreamARN", stream.arn()),
            ),
        )?;
        Ok(StreamConsumer {
            node: g.node(),
            resource,
            stream,
        })
    }

    /// The consumer's ARN (`Fn::GetAtt ConsumerARN`), what `SubscribeToShard` takes.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.node(), "ConsumerARN".into())
    }

    /// The consumer's name (`Fn::GetAtt ConsumerName`).
    pub fn consumer_name(&self) -> Value {
        Value::GetAtt(self.resource.node(), "ConsumerName".into())
    }
}

/// `Stack/Group/Id` -> `Stack-Group-Id`, without characters Kinesis refuses, keeping the last 128
/// characters (the most specific part of the path).
fn name_from_path(path: &str) -> String {
    let cleaned: Vec<char> = path
        .chars()
        .filter_map(|c| match c {
            '/' => Some('-'),
            c if c.is_ascii_alphanumeric() || "_.-".contains(c) => Some(c),
            _ => None,
        })
        .collect();
    let skip = cleaned.len().saturating_sub(128);
    cleaned.into_iter().skip(skip).collect()
}
