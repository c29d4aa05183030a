//! What a Lambda integration adds to its method: the `AWS::Lambda::Permission`s that let API
//! Gateway invoke the function for that method only, as aws-cdk-lib's `LambdaIntegration.bind`
//! writes them (`aws-apigateway/lib/integrations/lambda.ts`): under the method, with the id
//! `ApiPermission.<function's unique id>.<API's unique id>.<VERB>.<path with `.` for `/`>` and the
//! method's `execute-api` ARN as `SourceArn` (`Method.methodArn`: the API, its stage, the verb,
//! `*` for `ANY`, and the path with `*` for each `{parameter}`), so a CDK app moved to gs keeps
//! its permissions' logical IDs.
//!
//! Unlike CDK, the permission for the console's `test-invoke-stage` is written only when asked
//! ([`super::Integration::with_test_invoke`]): the deployed API does not need it, and each one
//! grows the function's resource policy (20 KB at most), which is why CDK folds more than ten
//! method permissions of one function into one for the whole API.

use gs_core::{logical_id_of, App, NodeId, Pseudo, Value};
use gs_l1::lambda::{CfnPermission, CfnPermissionProps};

use super::resource::ApiResource;
use super::rest_api::RestApi;
use crate::error::{ConstructError, Result};
use crate::lambda::Function;

/// The service principal of API Gateway.
pub(crate) const APIGATEWAY: &str = "apigateway.amazonaws.com";

/// The stage CDK's `testMethodArn` names: the console's *Test* button calls it.
const TEST_STAGE: &str = "test-invoke-stage";

impl RestApi {
    /// The `execute-api` ARN of `http_method` on `path` (e.g. `/orders/{id}`) of `stage`, as
    /// CDK's `arnForExecuteApi` and `Method.methodArn` write it: `ANY` becomes `*` and every
    /// path parameter `*`, since a request's ARN holds the verb and the values it was called
    /// with.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::apigateway::RestApi;
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let api = RestApi::new(&mut app.at(stack)?, "Api", Default::default())?;
    /// let arn = api.arn_for_execute_api("ANY", "/orders/{id}", api.stage_name());
    /// let Value::Join(_, parts) = &arn else { panic!() };
    /// assert_eq!(parts.last(), Some(&Value::from("/*/orders/*")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn arn_for_execute_api(&self, http_method: &str, path: &str, stage: Value) -> Value {
        let verb = if http_method.eq_ignore_ascii_case("ANY") {
            "*"
        } else {
            http_method
        };
        Value::join(
            "",
            [
                Value::from("arn:"),
                Value::Pseudo(Pseudo::Partition),
                Value::from(":execute-api:"),
                Value::Pseudo(Pseudo::Region),
                Value::from(":"),
                Value::Pseudo(Pseudo::AccountId),
                Value::from(":"),
                self.rest_api_id(),
                Value::from("/"),
                stage,
                Value::from(format!("/{verb}{}", path_for_arn(path))),
            ],
        )
    }

    /// The path of `resource` in this API, from the root: `/` for the root, `/orders/{id}`
    /// below it.
    pub fn resource_path(&self, app: &App, resource: ApiResource) -> Result<String> {
        let root = app.path(self.root().node)?;
        let at = app.path(resource.node)?;
        match at.strip_prefix(&root) {
            Some("") => Ok("/".into()),
            Some(rest) if rest.starts_with('/') => Ok(rest.to_string()),
            _ => Err(ConstructError::invalid(
                at,
                format!("the resource is not below the API's root {root}"),
                "use a resource this API returned (`api.root()` or `api.add_resource`)",
            )),
        }
    }
}

/// `path` with each `{parameter}` (and `{proxy+}`) as `*` (CDK's `pathForArn`).
fn path_for_arn(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' if !in_param => {
                in_param = true;
                out.push('*');
            }
            '}' if in_param => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// The unique id CDK's `Names.nodeUniqueId` gives the construct at `path` (every component,
/// the stack's included): the logical-ID scheme applied to the whole path.
fn unique_id(path: &str) -> String {
    let components: Vec<&str> = path.split('/').collect();
    logical_id_of(&components).unwrap_or_default()
}

/// Refuses a function of another app, naming the method it was given to.
pub(crate) fn check_function(app: &App, method_path: &str, function: &Function) -> Result<()> {
    let ours = app
        .node(function.resource.node())
        .ok()
        .and_then(|n| n.as_resource())
        .is_some_and(|r| r.type_name == "AWS::Lambda::Function");
    if ours {
        Ok(())
    } else {
        Err(ConstructError::invalid(
            method_path,
            "the Lambda integration's function belongs to another App",
            "create the function in this app (`lambda::Function::new` on a scope of it) and integrate that handle; a function deployed elsewhere needs its own permission and an integration written with its ARN",
        ))
    }
}

/// The permissions written for one method.
pub(crate) struct Permissions {
    pub(crate) stage: NodeId,
    pub(crate) test: Option<NodeId>,
}

/// Writes, under the method's group `method_node`, the permission(s) that let API Gateway invoke
/// `function` for `http_method` on `resource` of `api`.
pub(crate) fn permit(
    app: &mut App,
    api: &RestApi,
    method_node: NodeId,
    resource: ApiResource,
    http_method: &str,
    function: &Function,
    test_invoke: bool,
) -> Result<Permissions> {
    let path = api.resource_path(app, resource)?;
    let desc = format!(
        "{}.{}.{http_method}.{}",
        unique_id(&app.path(function.node)?),
        unique_id(&app.path(api.node)?),
        path.replace('/', ".")
    );
    let add = |app: &mut App, id: String, source_arn: Value| -> Result<NodeId> {
        let mut p = CfnPermissionProps::new("lambda:InvokeFunction", function.arn(), APIGATEWAY);
        p.source_arn = Some(source_arn.into());
        let mut g = app.at(method_node)?;
        Ok(CfnPermission::new(&mut g, &id, p)?.node())
    };
    let stage = add(
        app,
        format!("ApiPermission.{desc}"),
        api.arn_for_execute_api(http_method, &path, api.stage_name()),
    )?;
    let test = if test_invoke {
        Some(add(
            app,
            format!("ApiPermission.Test.{desc}"),
            api.arn_for_execute_api(http_method, &path, Value::from(TEST_STAGE)),
        )?)
    } else {
        None
    };
    Ok(Permissions { stage, test })
}

/// With a function name written in the template, the deployment follows the function's model
/// too: renaming replaces the function, and a stage still serving the old deployment would call
/// the ARN of the function that is gone (CDK adds the name to the deployment's hash for the same
/// reason).
pub(crate) fn follow_named_function(
    app: &mut App,
    deployment: NodeId,
    function: &Function,
) -> Result<()> {
    let named = app
        .node(function.resource.node())?
        .as_resource()
        .is_some_and(|r| r.properties.get("FunctionName").is_some());
    if named {
        app.add_to_logical_id(deployment, function.resource.node())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::path_for_arn;

    #[test]
    fn path_parameters_become_wildcards() {
        assert_eq!(path_for_arn("/"), "/");
        assert_eq!(path_for_arn("/orders/{orderId}"), "/orders/*");
        assert_eq!(path_for_arn("/{proxy+}"), "/*");
        assert_eq!(path_for_arn("/a/{x}/b/{y}"), "/a/*/b/*");
    }
}
