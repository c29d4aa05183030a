//! The bucket policy: [`Bucket::add_to_resource_policy`] appends a statement for a
//! [`Principal`] to the one `AWS::S3::BucketPolicy` every [`Bucket`] has (`<Bucket>/Policy`),
//! as CDK's `bucket.addToResourcePolicy` does. A bucket has one policy: a second
//! `AWS::S3::BucketPolicy` on the same bucket would replace the first at deploy time.

use gs_core::{App, Pseudo, TreeError, Value, ValueMap};

use super::bucket::Bucket;
use crate::error::{ConstructError, Result};
use crate::iam::PolicyStatement;

/// Who a resource policy statement lets in (its `Principal`).
///
/// ```
/// use gs_constructs::s3::Principal;
/// use gs_core::Value;
/// let elb = Principal::Service("logdelivery.elasticloadbalancing.amazonaws.com".into());
/// assert_eq!(elb.to_value().as_map().and_then(|m| m.get("Service")).and_then(Value::as_str),
///     Some("logdelivery.elasticloadbalancing.amazonaws.com"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// An AWS service (`{"Service": "…"}`).
    Service(String),
    /// An AWS account, by its id (a literal or a value such as `Fn::FindInMap`): written as its
    /// root ARN in the stack's partition, `{"AWS": "arn:<partition>:iam::<id>:root"}`, as CDK's
    /// `AccountPrincipal`.
    Account(Value),
    /// One of two principals, chosen at deploy time by a condition the stack declares
    /// (`Fn::If`).
    If {
        /// The condition's name.
        condition: String,
        /// The principal when it holds.
        then: Box<Principal>,
        /// The principal when it does not.
        otherwise: Box<Principal>,
    },
}

impl Principal {
    /// The `Principal` element.
    pub fn to_value(&self) -> Value {
        match self {
            Principal::Service(s) => ValueMap::with_capacity(1)
                .with("Service", s.as_str())
                .into(),
            Principal::Account(id) => {
                let parts = match id {
                    // One literal piece for a literal id, as CDK renders it.
                    Value::String(id) => vec![
                        Value::from("arn:"),
                        Value::Pseudo(Pseudo::Partition),
                        Value::from(format!(":iam::{id}:root")),
                    ],
                    id => vec![
                        Value::from("arn:"),
                        Value::Pseudo(Pseudo::Partition),
                        Value::from(":iam::"),
                        id.clone(),
                        Value::from(":root"),
                    ],
                };
                ValueMap::with_capacity(1)
                    .with("AWS", Value::join("", parts))
                    .into()
            }
            Principal::If {
                condition,
                then,
                otherwise,
            } => Value::if_(condition.as_str(), then.to_value(), otherwise.to_value()),
        }
    }
}

impl Bucket {
    /// Appends `statement`, for `principal`, to the bucket's policy (`<Bucket>/Policy`); an
    /// equal statement already there is not added twice. A value of another app in the
    /// statement is refused at the call, and the policy is left as it was.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let bucket = s3::Bucket::new(&mut s, "Site", Default::default())?;
    /// bucket.add_to_resource_policy(
    ///     &mut s,
    ///     s3::Principal::Service("cloudfront.amazonaws.com".into()),
    ///     iam::PolicyStatement::allow(["s3:GetObject"], [bucket.arn_for_objects("*")]),
    /// )?;
    /// assert_eq!(bucket.policy_statements(s.app()).len(), 2); // TLS only, and this one
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_to_resource_policy(
        &self,
        app: &mut impl AsMut<App>,
        principal: Principal,
        statement: PolicyStatement,
    ) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.add_statement(app, with_principal(&statement, &principal)))
    }

    /// The statements of the bucket's policy, as written so far.
    pub fn policy_statements(&self, app: &App) -> Vec<Value> {
        app.node(self.policy)
            .ok()
            .and_then(|n| n.as_resource())
            .and_then(|r| r.properties.get("PolicyDocument"))
            .and_then(Value::as_map)
            .and_then(|d| d.get("Statement"))
            .and_then(Value::as_list)
            .map(<[Value]>::to_vec)
            .unwrap_or_default()
    }

    /// Appends a rendered statement to the policy document (once).
    pub(crate) fn add_statement(&self, app: &mut App, statement: Value) -> Result<()> {
        let path = app.path(self.policy)?;
        let Some(resource) = app.node(self.policy)?.as_resource() else {
            return Err(TreeError::WrongKind {
                path,
                expected: "a resource",
                fix: "pass the handle of a resource (an L2 construct's `resource()`)",
            }
            .into());
        };
        if resource.type_name != "AWS::S3::BucketPolicy" {
            return Err(ConstructError::invalid(
                path,
                format!("is a {}, not the bucket's policy", resource.type_name),
                "pass the handle `s3::Bucket::new` returned",
            ));
        }
        // Appended in place, undone by a pop: the policy is not copied for the journal.
        if crate::sqs::append_statement_once(app, self.policy, "PolicyDocument", statement)? {
            Ok(())
        } else {
            Err(ConstructError::invalid(
                path,
                "the policy document has no `Statement` list to add to (it was replaced through the escape hatch)",
                "keep `PolicyDocument` a map with a `Statement` list, or add the statement to the document you wrote",
            ))
        }
    }
}

/// The statement with its `Principal`, keys in CDK's order (`Action`, `Condition`, `Effect`,
/// `Principal`, `Resource`).
fn with_principal(statement: &PolicyStatement, principal: &Principal) -> Value {
    let mut statement = statement.to_value();
    let Value::Map(m) = &mut statement else {
        return ValueMap::new().into();
    };
    let m = std::mem::take(m);
    // The statement's entries moved over, keys and values as they are (no copy of either).
    let mut out = ValueMap::with_capacity(m.len() + 1);
    for (k, v) in m {
        if k == "Resource" {
            out.insert("Principal", principal.to_value());
        }
        out.insert(k, v);
    }
    out.into()
}
