//! Amazon EventBridge: [`Rule`] on a [`Schedule`] (rate or cron, typed) or an
//! [`EventPattern`], with Lambda, SQS, SNS and Kinesis [`Target`]s. Adding a target writes what
//! it needs to accept the rule's events: the Lambda permission, the queue's or topic's policy,
//! or a role EventBridge assumes to put records; `events/target-without-permission` refuses a
//! rule (typed or raw) whose target has none.
//!
//! ```text
//! Rule::new(scope, id, Trigger::Schedule(..) | Trigger::Pattern(..), props) --> <Id>/Resource
//! rule.add_target(Target::Lambda(f))  --> <f>/AllowEventRule<rule>  (AWS::Lambda::Permission)
//! rule.add_target(Target::Sqs(q))     --> <Id>/Policy<queue>         (AWS::SQS::QueuePolicy)
//! rule.add_target(Target::Sns(t))     --> <Id>/Policy<topic>         (AWS::SNS::TopicPolicy)
//! rule.add_target(Target::Kinesis{..})--> <Id>/EventsRole            (kinesis:PutRecord(s))
//! ```

pub(crate) mod passes;
mod rule;
mod schedule;

pub use passes::TARGET_WITHOUT_PERMISSION;
pub use rule::{Rule, RuleProps, Target, TopicRef, Trigger};
pub use schedule::{Cron, EventPattern, Schedule};
