//! [`Method`]: an HTTP method on an API resource, with its integration, and
//! [`RestApi::add_method`].

use gs_core::{App, Handle, NodeId, Resource, ValueMap};

use super::deployment::{register_method, ApiState};
use super::integration::Integration;
use super::lambda_integration::{check_function, follow_named_function, permit};
use super::resource::ApiResource;
use super::rest_api::RestApi;
use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role, RoleProps};

/// Marker of the `AWS::ApiGateway::Method` resource.
#[derive(Debug)]
pub enum CfnMethod {}

/// The HTTP methods API Gateway accepts (`ANY` matches every one).
pub(crate) const HTTP_METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY",
];

/// How callers of a method authenticate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Authorization {
    /// Anyone may call (`NONE`): `security/unauthenticated-api-method` warns unless acknowledged.
    None,
    /// Callers sign requests with AWS credentials allowed `execute-api:Invoke` (`AWS_IAM`); the
    /// default, so a method is never open by accident.
    #[default]
    Iam,
}

impl Authorization {
    fn as_str(self) -> &'static str {
        match self {
            Authorization::None => "NONE",
            Authorization::Iam => "AWS_IAM",
        }
    }
}

/// A method of an API resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Method {
    /// The group node (`<resource>/<VERB>`).
    pub node: NodeId,
    /// The `AWS::ApiGateway::Method` resource.
    pub resource: Handle<CfnMethod>,
    /// The role the integration uses, for an AWS integration.
    pub role: Option<Role>,
    /// For a Lambda integration, the `AWS::Lambda::Permission` that lets API Gateway invoke the
    /// function for this method of the API's stage.
    pub permission: Option<NodeId>,
    /// For a Lambda integration [with test invoke](Integration::with_test_invoke), the
    /// permission for the console's `test-invoke-stage`.
    pub test_permission: Option<NodeId>,
}

impl RestApi {
    /// Adds `http_method` (`GET`, `POST`, ..., `ANY`) to `resource`, calling `integration`, at
    /// `<resource>/<VERB>/Resource` (CDK's path). The API's deployment depends on it; a Kinesis
    /// integration gets a role of its own allowed `kinesis:PutRecord` on its stream only; a
    /// Lambda integration gets the permission for API Gateway to invoke its function for this
    /// method (see [`Integration::lambda`]), and a function of another app is refused.
    pub fn add_method(
        &self,
        app: &mut impl AsMut<App>,
        resource: ApiResource,
        http_method: &str,
        integration: Integration,
    ) -> Result<Method> {
        app.as_mut()
            .atomically(|app| self.add_method_impl(app, resource, http_method, integration))
    }

    fn add_method_impl(
        &self,
        app: &mut App,
        resource: ApiResource,
        http_method: &str,
        integration: Integration,
    ) -> Result<Method> {
        let authorization = app
            .attached::<ApiState>(self.node)
            .map_or(Authorization::None, |s| s.authorization);
        self.add_method_as(app, resource, http_method, integration, authorization)
    }

    /// The methods added so far, in order.
    pub fn methods(&self, app: &gs_core::App) -> Vec<NodeId> {
        app.attached::<ApiState>(self.node)
            .map(|s| s.methods.clone())
            .unwrap_or_default()
    }

    pub(crate) fn add_method_as(
        &self,
        app: &mut App,
        resource: ApiResource,
        http_method: &str,
        integration: Integration,
        authorization: Authorization,
    ) -> Result<Method> {
        let path = format!("{}/{http_method}", app.path(resource.node)?);
        if resource.api != self.resource.node() {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "the resource belongs to the API {}",
                    app.path(resource.api)?
                ),
                "add the method to a resource of this API",
            ));
        }
        if !HTTP_METHODS.contains(&http_method) {
            return Err(ConstructError::invalid(
                path,
                format!("`{http_method}` is not an HTTP method API Gateway accepts"),
                "use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY, in capitals",
            ));
        }
        let lambda = integration.lambda_function();
        if let Some((function, _)) = &lambda {
            check_function(app, &path, function)?;
        }
        let mut g = app.at(resource.node)?;
        let mut m = g.group(http_method)?;
        let node = m.node();
        let role = match integration.kinesis_target() {
            Some(target) => {
                let role = Role::new(
                    &mut m,
                    "Role",
                    "apigateway.amazonaws.com",
                    RoleProps {
                        managed_policy_arns: Vec::new(),
                        description: Some(format!("API Gateway puts records for {path}")),
                    },
                )?;
                role.grant(
                    m.app_mut(),
                    PolicyStatement::allow(["kinesis:PutRecord"], [target.stream_arn.clone()]),
                )?;
                if let Some(key) = &target.key_arn {
                    role.grant(
                        m.app_mut(),
                        PolicyStatement::allow(["kms:GenerateDataKey"], [key.clone()]),
                    )?;
                }
                Some(role)
            }
            None => None,
        };
        // The API's CORS options, read in place (not cloned) while the integration renders.
        let cors = if http_method == "OPTIONS" {
            None
        } else {
            m.app()
                .attached::<ApiState>(self.node)
                .and_then(|s| s.cors.as_ref())
        };
        let (integration_value, responses) = integration.render(role.map(|r| r.arn()), cors);
        let method = m.resource::<CfnMethod>(
            "Resource",
            Resource::new("AWS::ApiGateway::Method").properties(
                ValueMap::with_capacity(6)
                    .with("AuthorizationType", authorization.as_str())
                    .with("HttpMethod", http_method)
                    .with("Integration", integration_value)
                    .with_opt("MethodResponses", responses)
                    .with("ResourceId", resource.resource_id())
                    .with("RestApiId", self.rest_api_id()),
            ),
        )?;
        if let Some(policy) = role.and_then(|r| r.default_policy(m.app())) {
            m.app_mut().add_dependency(
                method,
                policy,
                "the integration's credentials need their grants in place before requests arrive",
            )?;
        }
        register_method(app, self.node, method.node())?;
        let (mut permission, mut test_permission) = (None, None);
        if let Some((function, test_invoke)) = lambda {
            let written = permit(
                app,
                self,
                node,
                resource,
                http_method,
                &function,
                test_invoke,
            )?;
            permission = Some(written.stage);
            test_permission = written.test;
            follow_named_function(app, self.deployment, &function)?;
        }
        Ok(Method {
            node,
            resource: method,
            role,
            permission,
            test_permission,
        })
    }
}
