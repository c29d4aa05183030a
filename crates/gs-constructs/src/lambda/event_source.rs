//! [`EventSource`]: what a function polls (an SQS queue, a DynamoDB stream, a Kinesis
//! stream), written as an `AWS::Lambda::EventSourceMapping` with the role's least-privilege
//! statements, as CDK's `SqsEventSource`, `DynamoEventSource` and `KinesisEventSource`.

use std::time::Duration;

use gs_core::{App, NodeId, Value};
use gs_l1::lambda::{CfnEventSourceMapping, CfnEventSourceMappingProps};
use gs_l1::Str;

use super::function::Function;
use super::queue_ref::QueueRef;
use crate::error::{ConstructError, Result};
use crate::iam::PolicyStatement;
use crate::kinesis::Stream;

/// Where a stream source starts reading when the mapping is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartingPosition {
    /// The oldest record still in the stream.
    TrimHorizon,
    /// Only records written from now on.
    Latest,
}

impl StartingPosition {
    fn name(self) -> &'static str {
        match self {
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::Latest => "LATEST",
        }
    }
}

/// A DynamoDB table's stream, as an event source sees it: the table's L1 handle
/// (`gs_l1::dynamodb::CfnTable`, whose `StreamArn` it reads) or a stream ARN.
#[derive(Clone, Debug, PartialEq)]
pub struct TableStream {
    /// The stream's ARN.
    pub stream_arn: Value,
    /// The `AWS::DynamoDB::Table` resource, for a table of the app.
    pub table: Option<NodeId>,
    /// The table has no stream (a `dynamodb::Table` built without one):
    /// [`Function::add_event_source`] refuses it.
    pub missing: bool,
}

impl TableStream {
    /// The stream of a table outside the app, by its ARN.
    pub fn from_arn(stream_arn: impl Into<Value>) -> TableStream {
        TableStream {
            stream_arn: stream_arn.into(),
            table: None,
            missing: false,
        }
    }
}

impl From<gs_l1::dynamodb::CfnTable> for TableStream {
    fn from(t: gs_l1::dynamodb::CfnTable) -> TableStream {
        TableStream {
            stream_arn: t.attr_stream_arn(),
            table: Some(t.node()),
            missing: false,
        }
    }
}

impl From<crate::dynamodb::Table> for TableStream {
    fn from(t: crate::dynamodb::Table) -> TableStream {
        let stream = t.stream_arn();
        TableStream {
            missing: stream.is_none(),
            stream_arn: stream.unwrap_or(Value::Null),
            table: Some(t.resource.node()),
        }
    }
}

/// What the function reads.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    Sqs(QueueRef),
    Kinesis(Stream, StartingPosition),
    Dynamo(TableStream, StartingPosition),
}

/// An event source for [`Function::add_event_source`].
///
/// ```
/// use gs_constructs::lambda::{EventSource, QueueRef};
/// let source = EventSource::sqs(QueueRef::from_arn("arn:aws:sqs:us-east-1:123456789012:jobs"))
///     .batch_size(10);
/// assert_eq!(source.kind(), "SQS");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EventSource {
    source: Source,
    batch_size: Option<u32>,
    max_batching_window: Option<Duration>,
    report_batch_item_failures: bool,
    enabled: bool,
}

impl EventSource {
    fn of(source: Source) -> EventSource {
        EventSource {
            source,
            batch_size: None,
            max_batching_window: None,
            report_batch_item_failures: false,
            enabled: true,
        }
    }

    /// The messages of an SQS queue. The function's timeout must not exceed the queue's
    /// visibility timeout (`lambda/sqs-visibility-timeout` checks it).
    pub fn sqs(queue: impl Into<QueueRef>) -> EventSource {
        EventSource::of(Source::Sqs(queue.into()))
    }

    /// The records of a Kinesis stream (the role gets the stream's read grant).
    pub fn kinesis(stream: Stream, starting_position: StartingPosition) -> EventSource {
        EventSource::of(Source::Kinesis(stream, starting_position))
    }

    /// The records of a DynamoDB table's stream.
    pub fn dynamodb(
        stream: impl Into<TableStream>,
        starting_position: StartingPosition,
    ) -> EventSource {
        EventSource::of(Source::Dynamo(stream.into(), starting_position))
    }

    /// How many records or messages one invocation gets (SQS: 1 to 10 without a batching
    /// window, up to 10000 with one; streams: 1 to 10000).
    #[must_use]
    pub fn batch_size(mut self, n: u32) -> EventSource {
        self.batch_size = Some(n);
        self
    }

    /// How long Lambda gathers records before it invokes (whole seconds, up to 300).
    #[must_use]
    pub fn max_batching_window(mut self, window: Duration) -> EventSource {
        self.max_batching_window = Some(window);
        self
    }

    /// Let the function report which items of a batch failed (`ReportBatchItemFailures`).
    #[must_use]
    pub fn report_batch_item_failures(mut self) -> EventSource {
        self.report_batch_item_failures = true;
        self
    }

    /// Create the mapping disabled.
    #[must_use]
    pub fn disabled(mut self) -> EventSource {
        self.enabled = false;
        self
    }

    /// `SQS`, `Kinesis` or `DynamoDB`.
    pub fn kind(&self) -> &'static str {
        match self.source {
            Source::Sqs(_) => "SQS",
            Source::Kinesis(..) => "Kinesis",
            Source::Dynamo(..) => "DynamoDB",
        }
    }

    fn arn(&self) -> Value {
        match &self.source {
            Source::Sqs(q) => q.arn.clone(),
            Source::Kinesis(s, _) => s.arn(),
            Source::Dynamo(t, _) => t.stream_arn.clone(),
        }
    }

    /// The node the mapping's id is named after (as CDK names it after the source's unique id).
    fn source_node(&self) -> Option<NodeId> {
        match &self.source {
            Source::Sqs(q) => q.node,
            Source::Kinesis(s, _) => Some(s.resource.node()),
            Source::Dynamo(t, _) => t.table,
        }
    }
}

impl Function {
    /// Makes the function read `source`: an `AWS::Lambda::EventSourceMapping` at
    /// `<Id>/<Kind>EventSource:<source path>` (CDK's ids), created after the role's policy, and
    /// the statements the role needs to poll it (SQS: receive, delete, change visibility;
    /// streams: describe and read the stream; with the source's key, decrypt).
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::lambda::{Code, EventSource, Function, Runtime, StartingPosition};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let events = kinesis::Stream::new(&mut s, "Events", Default::default())?;
    /// let f = Function::new(&mut s, "Consumer", Runtime::Nodejs22, "index.handler",
    ///     Code::from_inline("exports.handler = async () => {};"), Default::default())?;
    /// let mapping = f.add_event_source(&mut s, EventSource::kinesis(events, StartingPosition::Latest))?;
    /// assert_eq!(s.app().path(mapping)?, "Demo/Consumer/KinesisEventSource:DemoEvents/Resource");
    /// assert!(f.role.statements(s.app()).iter().any(|st| st.actions.contains(&"kinesis:GetRecords".into())));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_event_source(
        &self,
        app: &mut impl AsMut<App>,
        source: EventSource,
    ) -> Result<CfnEventSourceMapping> {
        app.as_mut()
            .atomically(|app| self.add_event_source_impl(app, source))
    }

    fn add_event_source_impl(
        &self,
        app: &mut App,
        source: EventSource,
    ) -> Result<CfnEventSourceMapping> {
        let path = app.path(self.node)?;
        let label = match source.source_node() {
            Some(n) => {
                let p = app.path(n)?;
                let p = p.strip_suffix("/Resource").unwrap_or(&p);
                p.replace('/', "")
            }
            None => format!("{}", app.node(self.node)?.children().len()),
        };
        let id = format!("{}EventSource:{label}", source.kind());
        let is_sqs = matches!(source.source, Source::Sqs(_));
        if let Some(n) = source.batch_size {
            let max_without_window = if is_sqs { 10 } else { 10_000 };
            let windowed = source.max_batching_window.is_some_and(|w| !w.is_zero());
            if n == 0 || n > 10_000 || (n > max_without_window && !windowed) {
                return Err(ConstructError::invalid(
                    format!("{path}/{id}"),
                    format!("the batch size is {n}"),
                    if is_sqs {
                        "give 1 to 10, or up to 10000 with a batching window of at least 1 second"
                    } else {
                        "give 1 to 10000"
                    },
                ));
            }
        }
        if let Some(w) = source.max_batching_window {
            if w.subsec_nanos() != 0 || w.as_secs() > 300 {
                return Err(ConstructError::invalid(
                    format!("{path}/{id}"),
                    format!("the batching window is {w:?}"),
                    "give whole seconds, at most 300",
                ));
            }
        }
        if let Source::Dynamo(t, _) = &source.source {
            if t.missing {
                return Err(ConstructError::invalid(
                    format!("{path}/{id}"),
                    "the table has no stream to read",
                    "give the table a stream (`TableProps::stream`, e.g. StreamViewType::NewImage)",
                ));
            }
        }
        let role = self.role;
        match &source.source {
            Source::Sqs(q) => {
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
                        [q.arn.clone()],
                    ),
                )?;
                if let Some(key) = &q.key_arn {
                    role.grant(app, PolicyStatement::allow(["kms:Decrypt"], [key.clone()]))?;
                }
            }
            Source::Kinesis(s, _) => s.grant_read(app, role)?,
            Source::Dynamo(t, _) => {
                role.grant(
                    app,
                    PolicyStatement::allow(
                        [
                            "dynamodb:DescribeStream",
                            "dynamodb:GetRecords",
                            "dynamodb:GetShardIterator",
                            "dynamodb:ListStreams",
                        ],
                        [t.stream_arn.clone()],
                    ),
                )?;
            }
        }
        let mut p = CfnEventSourceMappingProps::new(self.function_name());
        p.event_source_arn = Some(Str::from(source.arn()));
        p.batch_size = source.batch_size.map(Into::into);
        p.maximum_batching_window_in_seconds = source
            .max_batching_window
            .map(|w| i64::try_from(w.as_secs()).unwrap_or(300).into());
        p.enabled = (!source.enabled).then_some(false.into());
        if source.report_batch_item_failures {
            p.function_response_types = Some(["ReportBatchItemFailures"].into());
        }
        p.starting_position = match &source.source {
            Source::Sqs(_) => None,
            Source::Kinesis(_, sp) | Source::Dynamo(_, sp) => Some(sp.name().into()),
        };
        let mut f = app.at(self.node)?;
        let mut g = f.group(&id)?;
        let mapping = CfnEventSourceMapping::new(&mut g, "Resource", p)?;
        if let Some(policy) = role.default_policy(g.app()) {
            g.app_mut().add_dependency(
                mapping,
                policy,
                "Lambda checks that the role may read the source when it creates the mapping",
            )?;
        }
        Ok(mapping)
    }
}
