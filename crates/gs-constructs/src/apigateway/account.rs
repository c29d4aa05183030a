//! The account-level setting API Gateway needs before a stage may write execution logs: an IAM
//! role API Gateway assumes to push to CloudWatch Logs, named in `AWS::ApiGateway::Account`.

use gs_core::{NodeId, Pseudo, RemovalPolicy, Resource, Scope, Value};

use crate::error::Result;
use crate::iam::{Role, RoleProps};

/// Adds `CloudWatchRole` and `Account` to the API's group (CDK's ids) and returns the account.
///
/// Both are retained on removal, as CDK retains them: the setting is per account and Region, so
/// other APIs' logging still uses it after this stack is gone.
pub(crate) fn cloud_watch_account(g: &mut Scope<'_>, api: NodeId) -> Result<NodeId> {
    let managed = Value::join(
        "",
        [
            Value::from("arn:"),
            Value::Pseudo(Pseudo::Partition),
            Value::from(":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"),
        ],
    );
    let role = Role::new(
        g,
        "CloudWatchRole",
        "apigateway.amazonaws.com",
        RoleProps {
            managed_policy_arns: vec![managed],
            description: None,
        },
    )?;
    g.app_mut()
        .set_removal_policy(role.resource, RemovalPolicy::Retain)?;
    let account = g.resource::<()>(
        "Account",
        Resource::with_capacity("AWS::ApiGateway::Account", 1)
            .property("CloudWatchRoleArn", role.arn())
            .removal_policy(RemovalPolicy::Retain),
    )?;
    g.app_mut().add_dependency(
        account,
        api,
        "the account setting is made once the API exists (as CDK orders it)",
    )?;
    Ok(account.node())
}
