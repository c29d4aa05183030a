//! [`PolicyStatement`]: one statement of an IAM policy document.

use std::borrow::Cow;

use gs_core::{Value, ValueMap};

/// Allow or deny.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// One statement: actions on resources, optionally under conditions.
///
/// ```
/// use gs_constructs::iam::PolicyStatement;
/// use gs_core::Value;
/// let s = PolicyStatement::allow(["kinesis:PutRecord"], [Value::from("arn:aws:kinesis:::stream/x")]);
/// assert_eq!(s.actions, ["kinesis:PutRecord"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyStatement {
    /// Allow or deny.
    pub effect: Effect,
    /// Actions such as `elasticfilesystem:ClientMount`: almost always literals, borrowed rather
    /// than copied into a `String` each (a grant's statement is written once more as a value).
    pub actions: Vec<Cow<'static, str>>,
    /// Resource ARNs.
    pub resources: Vec<Value>,
    /// The `Condition` block.
    pub conditions: Option<ValueMap>,
}

impl PolicyStatement {
    /// Allows `actions` on `resources`.
    pub fn allow<A: Into<Cow<'static, str>>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Value>,
    ) -> PolicyStatement {
        PolicyStatement {
            effect: Effect::Allow,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().collect(),
            conditions: None,
        }
    }

    /// The same statement with a condition block.
    #[must_use]
    pub fn with_conditions(mut self, conditions: ValueMap) -> PolicyStatement {
        self.conditions = Some(conditions);
        self
    }

    /// The statement as a policy-document value. One action or resource is written alone, more
    /// as a list (built straight from the slice, without a list to pop the one item from).
    pub fn to_value(&self) -> Value {
        let actions = match self.actions.as_slice() {
            [one] => Value::from(one.as_ref()),
            many => Value::List(many.iter().map(|a| Value::from(a.as_ref())).collect()),
        };
        let resources = match self.resources.as_slice() {
            [one] => one.clone(),
            many => Value::List(many.to_vec()),
        };
        ValueMap::with_capacity(4)
            .with("Action", actions)
            .with_opt("Condition", self.conditions.clone())
            .with(
                "Effect",
                match self.effect {
                    Effect::Allow => "Allow",
                    Effect::Deny => "Deny",
                },
            )
            .with("Resource", resources)
            .into()
    }
}

/// A policy document of statements.
pub(crate) fn document(statements: impl IntoIterator<Item = Value>) -> Value {
    ValueMap::with_capacity(2)
        .with("Statement", Value::List(statements.into_iter().collect()))
        .with("Version", "2012-10-17")
        .into()
}
