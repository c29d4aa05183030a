//! Amazon SQS: [`Queue`] (encrypted by default, a dead-letter queue with a receive count,
//! FIFO checked, `grant_send` / `grant_consume`). What other constructs need of a queue (its
//! encryption, whether it is FIFO, its visibility timeout) is kept in the [`QueueInfo`] side
//! table on the queue's node; [`Queue::allow_service_to_send`] writes the queue policy that lets
//! a service (SNS, EventBridge) deliver to it.

mod queue;

pub(crate) use queue::append_statement_once;
pub use queue::{DeadLetterQueue, Queue, QueueEncryption, QueueInfo, QueueProps};
