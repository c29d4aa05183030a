//! What ties the deployment to its API: it depends on every method and resource (a deployment of
//! an API without methods fails, and one made before a method exists does not serve it), and its
//! logical ID carries the MD5 of the API's model (the RestApi, every resource and every method, as
//! the template shows them: [`App::add_to_logical_id`]), so that any change replaces the deployment
//! and the stage serves the new one. CloudFormation does not redeploy an API whose deployment
//! resource is unchanged. This is CDK's `LatestDeployment` scheme (aws-cdk-lib
//! `aws-apigateway/lib/deployment.ts`); the hash is computed when the app is frozen, from the
//! final tree, so methods added later and properties changed through `App::resource_mut` count.

use gs_core::{App, NodeId};

use super::cors::CorsOptions;
use super::method::Authorization;
use crate::error::Result;

/// Attached to the API's group.
#[derive(Clone, Debug)]
pub(crate) struct ApiState {
    pub(crate) deployment: NodeId,
    /// Method resources, in the order they were added.
    pub(crate) methods: Vec<NodeId>,
    pub(crate) cors: Option<CorsOptions>,
    pub(crate) authorization: Authorization,
}

/// Records `method` on the API at `api_node`: the deployment depends on it and its logical ID
/// follows the method's model.
pub(crate) fn register_method(app: &mut App, api_node: NodeId, method: NodeId) -> Result<()> {
    let Some(deployment) = app.attached::<ApiState>(api_node).map(|s| s.deployment) else {
        return Ok(());
    };
    app.add_dependency(
        deployment,
        method,
        "a deployment snapshots the API's methods: it must come after every one of them",
    )?;
    app.add_to_logical_id(deployment, method)?;
    // Pushed in place, undone by a pop: the state (CORS options included) is not copied.
    app.update_attached(
        api_node,
        |state: &mut ApiState| state.methods.push(method),
        |state, ()| {
            state.methods.pop();
        },
    );
    Ok(())
}

/// Records the API resource `resource` (a path part) on the API at `api_node`: the deployment
/// depends on it and its logical ID follows its model, as CDK's `Resource` does.
pub(crate) fn register_resource(app: &mut App, api_node: NodeId, resource: NodeId) -> Result<()> {
    let Some(state) = app.attached::<ApiState>(api_node) else {
        return Ok(());
    };
    let deployment = state.deployment;
    app.add_dependency(
        deployment,
        resource,
        "a deployment snapshots the API's resources: it must come after every one of them",
    )?;
    app.add_to_logical_id(deployment, resource)?;
    Ok(())
}
