//! [`Rule`]: an EventBridge rule on the default bus, on a schedule or an event pattern, whose
//! targets get the permission they need to be delivered to, written with the target.

use gs_core::{App, NodeId, Scope, Value, ValueMap};
use gs_l1::events::{rule as l1rule, CfnRule, CfnRuleProps};
use gs_l1::sns::{CfnTopicPolicy, CfnTopicPolicyProps};
use gs_l1::sqs::{CfnQueuePolicy, CfnQueuePolicyProps};
use gs_l1::{Id, Str, Union};

use super::schedule::{EventPattern, Schedule};
use crate::error::{ConstructError, Result};
use crate::iam::Role;
use crate::kinesis::Stream;
use crate::lambda::{Function, QueueRef};

/// The service principal EventBridge delivers as.
const EVENTS: &str = "events.amazonaws.com";
/// At most five targets per rule (EventBridge quota).
const MAX_TARGETS: usize = 5;

/// What makes a rule fire.
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// A schedule (rules on the default bus only).
    Schedule(Schedule),
    /// Events matching a pattern.
    Pattern(EventPattern),
}

/// An SNS topic as a rule target sees it: an `sns::Topic` or a raw topic's L1 handle
/// (`gs_l1::sns::CfnTopic`).
#[derive(Clone, Debug, PartialEq)]
pub struct TopicRef {
    /// The topic's ARN (an SNS topic's `Ref`).
    pub arn: Value,
    /// The `AWS::SNS::Topic` resource.
    pub node: NodeId,
}

impl From<crate::sns::Topic> for TopicRef {
    fn from(t: crate::sns::Topic) -> TopicRef {
        TopicRef {
            arn: t.arn(),
            node: t.resource.node(),
        }
    }
}

impl From<gs_l1::sns::CfnTopic> for TopicRef {
    fn from(t: gs_l1::sns::CfnTopic) -> TopicRef {
        TopicRef {
            arn: t.reference(),
            node: t.node(),
        }
    }
}

/// Where a rule delivers, with what each needs written for it.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Invoke a function: an `AWS::Lambda::Permission` for `events.amazonaws.com` with the
    /// rule as `SourceArn`, under the function.
    Lambda(Function),
    /// Send to a queue of the app: a statement in the queue's `AWS::SQS::QueuePolicy` for
    /// `events.amazonaws.com`, conditioned on the rule's ARN.
    Sqs(QueueRef),
    /// Publish to a topic of the app: likewise in its `AWS::SNS::TopicPolicy`.
    Sns(TopicRef),
    /// Put records in a stream: a role (`<Rule>/EventsRole`) that EventBridge assumes, granted
    /// the stream's write actions.
    Kinesis {
        /// The stream.
        stream: Stream,
        /// The JSON path of the event field to partition by (`$.detail.id`); EventBridge uses
        /// the event id when `None`.
        partition_key_path: Option<String>,
    },
}

/// Settings of a [`Rule`].
#[derive(Clone, Debug)]
pub struct RuleProps {
    /// The rule's name; `None` lets CloudFormation name it.
    pub rule_name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// Whether the rule fires (on by default).
    pub enabled: bool,
}

impl Default for RuleProps {
    fn default() -> Self {
        RuleProps {
            rule_name: None,
            description: None,
            enabled: true,
        }
    }
}

/// One target as the rule's properties write it.
#[derive(Clone, Debug)]
struct TargetSpec {
    arn: Value,
    role_arn: Option<Value>,
    partition_key_path: Option<String>,
}

/// What the rule's properties are rendered from, kept on the rule's group.
#[derive(Clone, Debug)]
struct Spec {
    schedule: Option<String>,
    pattern: Option<Value>,
    rule_name: Option<String>,
    description: Option<String>,
    enabled: bool,
    targets: Vec<TargetSpec>,
    /// The role EventBridge assumes for stream targets, made on the first one.
    events_role: Option<Role>,
    /// The functions already allowed to be invoked by this rule.
    permitted: Vec<NodeId>,
}

impl Spec {
    fn props(&self) -> CfnRuleProps {
        let mut p = CfnRuleProps::new();
        p.schedule_expression = self.schedule.as_deref().map(Str::from);
        p.event_pattern = self.pattern.clone().map(Union::from);
        p.name = self.rule_name.as_deref().map(Str::from);
        p.description = self.description.as_deref().map(Str::from);
        p.state = Some(if self.enabled { "ENABLED" } else { "DISABLED" }.into());
        if !self.targets.is_empty() {
            p.targets = Some(
                self.targets
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let mut target = l1rule::Target::new(t.arn.clone(), format!("Target{i}"));
                        target.role_arn = t.role_arn.clone().map(Id::Value);
                        target.kinesis_parameters = t
                            .partition_key_path
                            .as_deref()
                            .map(l1rule::KinesisParameters::new);
                        target
                    })
                    .collect(),
            );
        }
        p
    }
}

/// The resource policy gs writes for a queue or a topic that rules deliver to: one per queue
/// or topic (two `AWS::SQS::QueuePolicy` resources on one queue would replace each other),
/// attached to the queue's or topic's node.
#[derive(Clone, Debug)]
struct DeliveryPolicy {
    policy: NodeId,
    statements: Vec<Value>,
}

/// An EventBridge rule on the default event bus.
///
/// ```
/// use std::time::Duration;
/// use gs_constructs::prelude::*;
/// use gs_constructs::events::{Rule, Schedule, Target, Trigger};
/// use gs_constructs::lambda::{Code, Function, Runtime};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let f = Function::new(&mut s, "Nightly", Runtime::Python3_12, "index.handler",
///     Code::from_inline("def handler(e, c):\n    pass\n"), Default::default())?;
/// let rule = Rule::new(&mut s, "EveryHour",
///     Trigger::Schedule(Schedule::rate(Duration::from_secs(3600))), Default::default())?;
/// rule.add_target(&mut s, Target::Lambda(f))?; // also writes the Lambda permission
/// let out = app.synth(&CfnBackend::default())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::Events::Rule` resource.
    pub resource: CfnRule,
}

impl Rule {
    /// A rule that fires on `trigger`. Refuses a rate that is not whole minutes, a malformed
    /// cron field, or a pattern that is not a non-empty JSON object.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        trigger: Trigger,
        props: RuleProps,
    ) -> Result<Rule> {
        scope.atomically(|scope| Self::build(scope, id, trigger, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, trigger: Trigger, props: RuleProps) -> Result<Rule> {
        let path = scope.child_path(id);
        let (schedule, pattern) = match &trigger {
            Trigger::Schedule(s) => (
                Some(s.expression().map_err(|e| {
                    ConstructError::invalid(
                        &path,
                        e,
                        "give a rate of whole minutes (Schedule::rate) or a cron schedule with either the day of month or the day of week",
                    )
                })?),
                None,
            ),
            Trigger::Pattern(p) => (
                None,
                Some(p.to_value().map_err(|e| {
                    ConstructError::invalid(
                        &path,
                        e,
                        "give a pattern such as {\"source\": [\"aws.s3\"]}",
                    )
                })?),
            ),
        };
        let spec = Spec {
            schedule,
            pattern,
            rule_name: props.rule_name,
            description: props.description,
            enabled: props.enabled,
            targets: Vec::new(),
            events_role: None,
            permitted: Vec::new(),
        };
        let mut g = scope.group(id)?;
        let resource = CfnRule::new(&mut g, "Resource", spec.props())?;
        let node = g.node();
        g.app_mut().attach(node, spec)?;
        Ok(Rule { node, resource })
    }

    /// The rule's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        self.resource.attr_arn()
    }

    /// Delivers the rule's events to `target` too, and writes what the target needs to accept
    /// them (see [`Target`]). Refused beyond five targets, and for a queue outside the app
    /// (gs cannot write its policy).
    pub fn add_target(&self, app: &mut impl AsMut<App>, target: Target) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.add_target_impl(app, target))
    }

    fn add_target_impl(&self, app: &mut App, target: Target) -> Result<()> {
        let path = app.path(self.node)?;
        let mut spec = match app.attached::<Spec>(self.node) {
            Some(s) => s.clone(),
            None => {
                return Err(ConstructError::invalid(
                    path,
                    "this handle's rule was not built by events::Rule::new",
                    "add targets to a rule of this app",
                ))
            }
        };
        if spec.targets.len() >= MAX_TARGETS {
            return Err(ConstructError::invalid(
                path,
                format!("the rule has {MAX_TARGETS} targets already"),
                "EventBridge allows five targets per rule: add another rule with the same trigger",
            ));
        }
        let label = path.replace('/', "");
        let source = ValueMap::with_capacity(1).with(
            "ArnEquals",
            ValueMap::with_capacity(1).with("aws:SourceArn", self.arn()),
        );
        let mut after: Vec<NodeId> = Vec::new();
        let target_spec = match target {
            Target::Lambda(f) => {
                if !spec.permitted.contains(&f.node) {
                    f.add_permission(app, &format!("AllowEventRule{label}"), EVENTS, self.arn())?;
                    spec.permitted.push(f.node);
                }
                TargetSpec {
                    arn: f.arn(),
                    role_arn: None,
                    partition_key_path: None,
                }
            }
            Target::Sqs(q) if q.queue.is_some() => {
                if let Some(queue) = q.queue {
                    // The queue's own policy (shared with its other senders) and its key.
                    queue.allow_service_to_send(app, EVENTS, self.arn())?;
                }
                TargetSpec {
                    arn: q.arn,
                    role_arn: None,
                    partition_key_path: None,
                }
            }
            Target::Sqs(q) => {
                let (Some(node), Some(url)) = (q.node, q.url.clone()) else {
                    return Err(ConstructError::invalid(
                        path,
                        "the queue is outside the app, so gs cannot write the policy that lets the rule send to it",
                        "give the queue's handle, or import the rule's target yourself with a queue policy allowing events.amazonaws.com",
                    ));
                };
                let statement = ValueMap::with_capacity(5)
                    .with(
                        "Action",
                        Value::List(vec![
                            "sqs:SendMessage".into(),
                            "sqs:GetQueueAttributes".into(),
                            "sqs:GetQueueUrl".into(),
                        ]),
                    )
                    .with("Condition", source.clone())
                    .with("Effect", "Allow")
                    .with(
                        "Principal",
                        ValueMap::with_capacity(1).with("Service", EVENTS),
                    )
                    .with("Resource", q.arn.clone());
                self.deliver(app, node, DeliveryTo::Queue(url), statement.into())?;
                TargetSpec {
                    arn: q.arn,
                    role_arn: None,
                    partition_key_path: None,
                }
            }
            Target::Sns(t) => {
                let statement = ValueMap::with_capacity(5)
                    .with("Action", "sns:Publish")
                    .with("Condition", source.clone())
                    .with("Effect", "Allow")
                    .with(
                        "Principal",
                        ValueMap::with_capacity(1).with("Service", EVENTS),
                    )
                    .with("Resource", t.arn.clone());
                self.deliver(
                    app,
                    t.node,
                    DeliveryTo::Topic(t.arn.clone()),
                    statement.into(),
                )?;
                TargetSpec {
                    arn: t.arn,
                    role_arn: None,
                    partition_key_path: None,
                }
            }
            Target::Kinesis {
                stream,
                partition_key_path,
            } => {
                let role = match spec.events_role {
                    Some(r) => r,
                    None => {
                        let mut g = app.at(self.node)?;
                        let r = Role::new(&mut g, "EventsRole", EVENTS, Default::default())?;
                        spec.events_role = Some(r);
                        r
                    }
                };
                stream.grant_write(app, role)?;
                TargetSpec {
                    arn: stream.arn(),
                    role_arn: Some(role.arn()),
                    partition_key_path,
                }
            }
        };
        spec.targets.push(target_spec);
        let fresh = spec.props().into_properties();
        // Each key set in place, journalled by the value it replaces (not a copy of the rule).
        for (k, v) in fresh {
            app.set_property(self.resource, k, v)?;
        }
        // Delivery must be allowed before the rule fires: the rule waits for the role's grants.
        // A queue or topic policy names the rule's ARN, so it comes after the rule (as in CDK).
        if let Some(role) = spec.events_role {
            after.extend(role.default_policy(app));
        }
        app.attach(self.node, spec)?;
        for n in after {
            app.add_dependency(
                self.resource,
                n,
                "EventBridge must be allowed to deliver before the rule fires",
            )?;
        }
        Ok(())
    }

    /// Adds `statement` to the policy of the queue or topic at `node`, writing the policy (under
    /// this rule) on first use; returns the policy.
    fn deliver(
        &self,
        app: &mut App,
        node: NodeId,
        to: DeliveryTo,
        statement: Value,
    ) -> Result<NodeId> {
        let existing = app
            .attached::<DeliveryPolicy>(node)
            .map(|d| (d.policy, d.statements.contains(&statement)));
        match existing {
            // Granted already: the policy stays as it is.
            Some((policy, true)) => Ok(policy),
            Some((policy, false)) => {
                // Appended in place to the document and to the side table, undone by pops:
                // neither the policy nor the statements are copied for the journal.
                let appended = app
                    .append_to_list(policy, &["PolicyDocument", "Statement"], statement.clone())?
                    .is_none();
                let mut statement = Some(statement);
                app.update_attached(
                    node,
                    |d: &mut DeliveryPolicy| d.statements.extend(statement.take()),
                    |d, ()| {
                        d.statements.pop();
                    },
                );
                if !appended {
                    // The escape hatch replaced the document: write it again from the
                    // statements (the policy's other properties stay as they are).
                    let document = app
                        .attached::<DeliveryPolicy>(node)
                        .map(|d| delivery_document(d.statements.clone()));
                    if let Some(document) = document {
                        app.set_property(policy, "PolicyDocument", document)?;
                    }
                }
                Ok(policy)
            }
            None => {
                let statements = vec![statement];
                let document = delivery_document(statements.clone());
                let target_path = app.path(node)?;
                let target_path = target_path
                    .strip_suffix("/Resource")
                    .unwrap_or(&target_path);
                let id = format!("Policy{}", target_path.replace('/', ""));
                let mut g = app.at(self.node)?;
                let policy = match to {
                    DeliveryTo::Queue(url) => CfnQueuePolicy::new(
                        &mut g,
                        &id,
                        CfnQueuePolicyProps::new(document, [Str::from(url)]),
                    )?
                    .node(),
                    DeliveryTo::Topic(arn) => CfnTopicPolicy::new(
                        &mut g,
                        &id,
                        CfnTopicPolicyProps::new(document, [Str::from(arn)]),
                    )?
                    .node(),
                };
                app.attach(node, DeliveryPolicy { policy, statements })?;
                Ok(policy)
            }
        }
    }
}

/// A delivery policy's document of `statements`.
fn delivery_document(statements: Vec<Value>) -> Value {
    ValueMap::with_capacity(2)
        .with("Statement", Value::List(statements))
        .with("Version", "2012-10-17")
        .into()
}

/// The queue (by URL) or topic (by ARN) a delivery policy names.
enum DeliveryTo {
    Queue(Value),
    Topic(Value),
}
