//! KMS: [`Key`], a customer managed key with rotation on and a key policy that delegates to IAM.

use gs_core::{Handle, NodeId, Pseudo, RemovalPolicy, Resource, Scope, Value, ValueMap};

use crate::error::Result;

/// Marker of the `AWS::KMS::Key` resource.
#[derive(Debug)]
pub enum CfnKey {}

/// Settings of a [`Key`].
#[derive(Clone, Debug)]
pub struct KeyProps {
    /// The description.
    pub description: Option<String>,
    /// Rotate the key material yearly (on by default).
    pub enable_key_rotation: bool,
    /// An alias such as `alias/globalstream-dev`.
    pub alias: Option<String>,
    /// What happens to the key when it leaves the stack; retained by default (data encrypted
    /// with a deleted key is lost).
    pub removal_policy: RemovalPolicy,
    /// Days a deleted key waits before it is destroyed (7 to 30).
    pub pending_window_days: u32,
}

impl Default for KeyProps {
    fn default() -> Self {
        KeyProps {
            description: None,
            enable_key_rotation: true,
            alias: None,
            removal_policy: RemovalPolicy::Retain,
            pending_window_days: 30,
        }
    }
}

/// A customer managed KMS key.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let key = kms::Key::new(&mut s, "DataKey", Default::default())?;
/// assert!(matches!(key.arn(), Value::GetAtt(_, ref a) if a == "Arn"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The group node.
    pub node: NodeId,
    /// The key resource.
    pub resource: Handle<CfnKey>,
}

impl Key {
    /// A key whose policy lets the account's IAM policies grant its use.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: KeyProps) -> Result<Key> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: KeyProps) -> Result<Key> {
        let root = Value::join(
            "",
            [
                Value::from("arn:"),
                Value::Pseudo(Pseudo::Partition),
                Value::from(":iam::"),
                Value::Pseudo(Pseudo::AccountId),
                Value::from(":root"),
            ],
        );
        let policy = ValueMap::with_capacity(2)
            .with(
                "Statement",
                Value::List(vec![ValueMap::with_capacity(4)
                    .with("Action", "kms:*")
                    .with("Effect", "Allow")
                    .with("Principal", ValueMap::with_capacity(1).with("AWS", root))
                    .with("Resource", "*")
                    .into()]),
            )
            .with("Version", "2012-10-17");
        let mut g = scope.group(id)?;
        // The path (the default description) is written only when no description is given.
        let description = match props.description {
            Some(d) => d,
            None => g.path(),
        };
        let resource = g.resource::<CfnKey>(
            "Resource",
            Resource::new("AWS::KMS::Key")
                .properties(
                    ValueMap::with_capacity(4)
                        .with("Description", description)
                        .with("EnableKeyRotation", props.enable_key_rotation)
                        .with("KeyPolicy", policy)
                        .with(
                            "PendingWindowInDays",
                            props.pending_window_days.clamp(7, 30),
                        ),
                )
                .tagged()
                .removal_policy(props.removal_policy),
        )?;
        if let Some(alias) = props.alias {
            let name = if alias.starts_with("alias/") {
                alias
            } else {
                format!("alias/{alias}")
            };
            g.resource::<()>(
                "Alias",
                Resource::with_capacity("AWS::KMS::Alias", 2)
                    .property("AliasName", name)
                    .property("TargetKeyId", Value::GetAtt(resource.node(), "Arn".into())),
            )?;
        }
        Ok(Key {
            node: g.node(),
            resource,
        })
    }

    /// The key's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Arn".into())
    }

    /// The key id (`Ref`).
    pub fn key_id(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// Adds to the key policy a statement letting the AWS service `service_principal` use the
    /// key for `actions` under `condition` (an `aws:SourceArn` condition): IAM policies cannot
    /// grant a service principal a key. A statement already there is not added twice.
    pub(crate) fn allow_service(
        &self,
        app: &mut gs_core::App,
        service_principal: &str,
        actions: &[&str],
        condition: ValueMap,
    ) -> Result<()> {
        let statement: Value = ValueMap::with_capacity(5)
            .with(
                "Action",
                Value::List(actions.iter().map(|a| Value::from(*a)).collect()),
            )
            .with("Condition", condition)
            .with("Effect", "Allow")
            .with(
                "Principal",
                ValueMap::with_capacity(1).with("Service", service_principal),
            )
            .with("Resource", "*")
            .into();
        crate::sqs::append_statement_once(app, self.resource.node(), "KeyPolicy", statement)?;
        Ok(())
    }
}
