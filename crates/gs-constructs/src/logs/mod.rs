//! CloudWatch Logs: [`LogGroup`] (defined in the stack, or imported on purpose by name) and the
//! [`LogDelivery`] fact that log producers record.

use gs_core::{Import, NodeId, RemovalPolicy, Resource, Scope, Value, ValueMap};

pub(crate) mod passes;

use crate::error::Result;
use crate::names::NameRule;

/// How long a log group keeps events. Only the values CloudWatch accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetentionDays {
    /// 1 day.
    OneDay = 1,
    /// 3 days.
    ThreeDays = 3,
    /// 5 days.
    FiveDays = 5,
    /// 7 days.
    OneWeek = 7,
    /// 14 days.
    TwoWeeks = 14,
    /// 30 days.
    OneMonth = 30,
    /// 60 days.
    TwoMonths = 60,
    /// 90 days.
    ThreeMonths = 90,
    /// 120 days.
    FourMonths = 120,
    /// 150 days.
    FiveMonths = 150,
    /// 180 days.
    SixMonths = 180,
    /// 365 days.
    OneYear = 365,
    /// 400 days.
    FourHundredDays = 400,
    /// 545 days.
    EighteenMonths = 545,
    /// 731 days.
    TwoYears = 731,
    /// 1827 days.
    FiveYears = 1827,
    /// 3653 days.
    TenYears = 3653,
}

/// Settings of a [`LogGroup`].
#[derive(Clone, Debug)]
pub struct LogGroupProps {
    /// The log group name; `None` lets CloudFormation name it.
    pub name: Option<String>,
    /// Retention; `None` keeps events forever.
    pub retention: Option<RetentionDays>,
    /// What happens to the events when the group leaves the stack (retained by default).
    pub removal_policy: RemovalPolicy,
}

impl Default for LogGroupProps {
    fn default() -> Self {
        LogGroupProps {
            name: None,
            retention: Some(RetentionDays::OneMonth),
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// A log group: defined by this app, or an outside one imported by name.
///
/// A construct that delivers logs takes this handle, never a name string, so the group it names
/// exists (or was imported on purpose) and, being referenced, is created first.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let own = logs::LogGroup::new(&mut s, "RedisLogGroup", logs::LogGroupProps {
///     name: Some("/aws/elasticache/redis-dev".into()), ..Default::default() })?;
/// let outside = logs::LogGroup::from_name(&mut s, "Shared", "/shared/logs")?;
/// assert!(own.is_defined() && !outside.is_defined());
/// assert_eq!(outside.name(), Value::Ref(outside.node)); // rendered as "/shared/logs"
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogGroup {
    /// The construct's node (a group for a defined log group, an import node otherwise).
    pub node: NodeId,
    /// The `AWS::Logs::LogGroup` resource, `None` for an import.
    pub resource: Option<NodeId>,
}

/// Fact: `producer` delivers logs to `log_group`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogDelivery {
    /// The resource that writes the logs.
    pub producer: NodeId,
    /// Where they go.
    pub log_group: LogGroup,
    /// What kind of logs (`slow-log`, `access-log`, `awslogs`...).
    pub kind: &'static str,
}

impl LogGroup {
    /// A log group defined in this stack.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: LogGroupProps) -> Result<LogGroup> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: LogGroupProps) -> Result<LogGroup> {
        if let Some(name) = &props.name {
            check_name(&scope.child_path(id), name)?;
        }
        let mut g = scope.group(id)?;
        let resource = g.resource::<()>(
            "Resource",
            Resource::new("AWS::Logs::LogGroup")
                .properties(
                    ValueMap::with_capacity(2)
                        .with_opt("LogGroupName", props.name)
                        .with_opt("RetentionInDays", props.retention.map(|r| r as i64)),
                )
                .tagged()
                .removal_policy(props.removal_policy),
        )?;
        Ok(LogGroup {
            node: g.node(),
            resource: Some(resource.node()),
        })
    }

    /// An existing log group, named on purpose: gs will not create it and will not report it as
    /// dangling.
    pub fn from_name(scope: &mut Scope<'_>, id: &str, name: &str) -> Result<LogGroup> {
        scope.atomically(|scope| Self::from_name_impl(scope, id, name))
    }

    fn from_name_impl(scope: &mut Scope<'_>, id: &str, name: &str) -> Result<LogGroup> {
        check_name(&scope.child_path(id), name)?;
        let arn = Value::sub(format!(
            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*"
        ));
        let import = scope.import::<()>(
            id,
            Import {
                type_name: "AWS::Logs::LogGroup".into(),
                attributes: ValueMap::with_capacity(2)
                    .with("Ref", name)
                    .with("Arn", arn),
            },
        )?;
        Ok(LogGroup {
            node: import.node(),
            resource: None,
        })
    }

    /// Whether this app defines the group (rather than importing it).
    pub fn is_defined(&self) -> bool {
        self.resource.is_some()
    }

    /// The group's name: `Ref` of the resource, or the imported name.
    pub fn name(&self) -> Value {
        Value::Ref(self.resource.unwrap_or(self.node))
    }

    /// The group's ARN (`Fn::GetAtt Arn`, or the imported group's ARN).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.unwrap_or(self.node), "Arn".into())
    }

    /// The ARN of the group's streams, `arn:...:log-group:NAME:*`, for IAM statements.
    pub fn streams_arn(&self) -> Value {
        match self.resource {
            Some(_) => Value::join("", [self.arn(), Value::from(":*")]),
            None => self.arn(),
        }
    }
}

fn check_name(path: &str, name: &str) -> Result<()> {
    const RULE: NameRule<'static> = NameRule {
        what: "log group",
        min: 1,
        max: 512,
        extra: "_-/.#",
    };
    RULE.check(path, name)
}
