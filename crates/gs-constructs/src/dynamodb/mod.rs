//! Amazon DynamoDB: [`Table`] (on-demand and point-in-time recovery by default, typed keys,
//! streams, global secondary indexes, global table replicas as `AWS::DynamoDB::GlobalTable`,
//! grants). The pass `dynamodb::passes` refuses a Lambda event source mapping on the stream of a table
//! that has none, which [`Table::grant_stream_read`] and [`Table::stream_arn`] make unwritable
//! for typed tables.

pub(crate) mod passes;
mod table;

pub use table::{
    Attribute, AttributeType, Billing, GlobalSecondaryIndex, Projection, StreamViewType, Table,
    TableEncryption, TableInfo, TableProps, TableResource,
};
