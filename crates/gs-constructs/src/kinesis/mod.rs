//! Kinesis Data Streams: [`Stream`] (encrypted with KMS, provisioned or on-demand, retention
//! validated) and [`StreamConsumer`] (enhanced fan-out). What disaster-recovery checks need of a
//! stream (retention, mode, key) is kept in the [`StreamInfo`] side table on the stream's node.

mod consumer;
pub(crate) mod names;
mod stream;

pub use consumer::{CfnStreamConsumer, StreamConsumer, StreamConsumerProps};
pub use stream::{CfnStream, Stream, StreamEncryption, StreamInfo, StreamMode, StreamProps};
