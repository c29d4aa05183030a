//! [`Role`]: an IAM role assumed by a service, with a default inline policy that
//! [`Role::grant`] adds statements to (created on the first grant, as CDK does).

use gs_core::{App, Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::statement::{document, PolicyStatement};
use crate::error::{ConstructError, Result};

/// Marker of the `AWS::IAM::Role` resource.
#[derive(Debug)]
pub enum CfnRole {}

/// Settings of a [`Role`].
#[derive(Clone, Debug, Default)]
pub struct RoleProps {
    /// Managed policy ARNs to attach.
    pub managed_policy_arns: Vec<Value>,
    /// The description.
    pub description: Option<String>,
}

/// Statements granted so far, attached to the role's group.
#[derive(Clone, Debug, Default)]
struct Grants {
    policy: Option<NodeId>,
    statements: Vec<PolicyStatement>,
}

/// An IAM role.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::iam::{PolicyStatement, Role};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let role = Role::new(&mut s, "TaskRole", "ecs-tasks.amazonaws.com", Default::default())?;
/// role.grant(s.app_mut(), PolicyStatement::allow(["s3:GetObject"], [Value::from("arn:aws:s3:::b/*")]))?;
/// assert_eq!(role.statements(s.app()).len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Role {
    /// The group node.
    pub node: NodeId,
    /// The role resource.
    pub resource: Handle<CfnRole>,
}

impl Role {
    /// A role that `service_principal` (e.g. `ecs-tasks.amazonaws.com`) may assume.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        service_principal: &str,
        props: RoleProps,
    ) -> Result<Role> {
        scope.atomically(|scope| Self::build(scope, id, service_principal, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        service_principal: &str,
        props: RoleProps,
    ) -> Result<Role> {
        if !service_principal.ends_with(".amazonaws.com") {
            return Err(ConstructError::invalid(
                scope.child_path(id),
                format!("`{service_principal}` is not a service principal"),
                "give a principal such as `ecs-tasks.amazonaws.com`",
            ));
        }
        let trust = document([ValueMap::with_capacity(3)
            .with("Action", "sts:AssumeRole")
            .with("Effect", "Allow")
            .with(
                "Principal",
                ValueMap::with_capacity(1).with("Service", service_principal),
            )
            .into()]);
        let mut g = scope.group(id)?;
        let mut properties = ValueMap::with_capacity(3).with("AssumeRolePolicyDocument", trust);
        if let Some(d) = props.description {
            properties.insert("Description", d);
        }
        if !props.managed_policy_arns.is_empty() {
            properties.insert("ManagedPolicyArns", Value::List(props.managed_policy_arns));
        }
        let resource = g.resource::<CfnRole>(
            "Resource",
            Resource::new("AWS::IAM::Role")
                .properties(properties)
                .tagged(),
        )?;
        let node = g.node();
        g.app_mut().attach(node, Grants::default())?;
        Ok(Role { node, resource })
    }

    /// The role's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Arn".into())
    }

    /// The role's name (`Ref`).
    pub fn role_name(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// Adds `statement` to the role's default policy (`<Role>/DefaultPolicy`), creating the policy
    /// on the first grant. An identical statement granted twice is kept once.
    pub fn grant(&self, app: &mut impl AsMut<App>, statement: PolicyStatement) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.grant_impl(app, statement))
    }

    /// Appends `statement`: to the role's list of grants and to the `Statement` list of the
    /// default policy's document, in place (the document is not rebuilt, so `n` grants cost `n`
    /// appends). Both changes go through the journal (`update_attached`, `append_to_list`), so a call
    /// that fails around the grant takes it back.
    fn grant_impl(&self, app: &mut App, statement: PolicyStatement) -> Result<()> {
        if self.statements(app).contains(&statement) {
            return Ok(());
        }
        let value = statement.to_value();
        let policy = match self.default_policy(app) {
            Some(p) => {
                // Appended in place, undone by a pop: the policy is not copied for the journal.
                match app.append_to_list(p, &["PolicyDocument", "Statement"], value)? {
                    None => {}
                    // The escape hatch replaced the document: write it again from the grants.
                    Some(value) => {
                        let granted = self.statements(app).iter().map(PolicyStatement::to_value);
                        let doc =
                            document(granted.chain(std::iter::once(value)).collect::<Vec<_>>());
                        app.resource_mut(p)?
                            .properties
                            .insert("PolicyDocument", doc);
                    }
                }
                p
            }
            None => {
                let policy_name = policy_name(&app.path(self.node)?);
                let mut g = app.at(self.node)?;
                let mut d = g.group("DefaultPolicy")?;
                let p = d.resource::<()>(
                    "Resource",
                    Resource::new("AWS::IAM::Policy").properties(
                        ValueMap::with_capacity(3)
                            .with("PolicyDocument", document([value]))
                            .with("PolicyName", policy_name)
                            .with("Roles", Value::List(vec![self.role_name()])),
                    ),
                )?;
                p.node()
            }
        };
        // Pushed in place, undone by a pop: the grants are not copied for the journal.
        let mut statement = Some(statement);
        let changed = app.update_attached(
            self.node,
            |grants: &mut Grants| {
                grants.statements.extend(statement.take());
                grants.policy.replace(policy)
            },
            |grants, policy| {
                grants.statements.pop();
                grants.policy = policy;
            },
        );
        if let (None, Some(statement)) = (changed, statement) {
            app.attach(
                self.node,
                Grants {
                    policy: Some(policy),
                    statements: vec![statement],
                },
            )?;
        }
        Ok(())
    }

    /// The statements granted so far.
    pub fn statements<'a>(&self, app: &'a App) -> &'a [PolicyStatement] {
        app.attached::<Grants>(self.node)
            .map_or(&[], |g| g.statements.as_slice())
    }

    /// The default policy resource, once something was granted. A consumer that needs the
    /// grants in place when it starts depends on it.
    pub fn default_policy(&self, app: &App) -> Option<NodeId> {
        app.attached::<Grants>(self.node).and_then(|g| g.policy)
    }
}

/// The default policy's name, as CDK writes it: the role's path without its `/`, then
/// `DefaultPolicy`, cut to IAM's 128 characters (pushed piece by piece into one buffer, not
/// formatted, replaced and collected character by character).
fn policy_name(role_path: &str) -> String {
    const SUFFIX: &str = "DefaultPolicy";
    let mut name = String::with_capacity(role_path.len() + SUFFIX.len());
    for part in role_path.split('/') {
        name.push_str(part);
    }
    name.push_str(SUFFIX);
    if let Some((cut, _)) = name.char_indices().nth(128) {
        name.truncate(cut);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::policy_name;

    #[test]
    fn the_policy_name_drops_slashes_and_is_cut_to_128_characters() {
        assert_eq!(policy_name("Stack/Api/Role"), "StackApiRoleDefaultPolicy");
        let long = format!("S/{}", "é".repeat(200));
        let name = policy_name(&long);
        assert_eq!(name.chars().count(), 128);
        assert_eq!(name, format!("S{}", "é".repeat(127)));
        assert_eq!(policy_name(&"a".repeat(115)).len(), 128);
        assert!(policy_name(&"a".repeat(115)).ends_with("Policy"));
    }
}
