//! [`ApiResource`]: a path part of a REST API (`/events`), and [`RestApi::add_resource`].

use gs_core::{App, NodeId, Resource, Value, ValueMap};

use super::deployment::{register_resource, ApiState};
use super::rest_api::RestApi;
use crate::error::{ConstructError, Result};

/// Marker of the `AWS::ApiGateway::Resource` resource.
#[derive(Debug)]
pub enum CfnResource {}

/// A resource of a REST API: the root `/` or a path part below another resource. It carries its
/// API, so it cannot be given to another one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiResource {
    /// The group node (`<Api>/Default` for the root, `<parent>/<path_part>` below it).
    pub node: NodeId,
    /// The `AWS::ApiGateway::Resource`; `None` for the root, which the API itself creates.
    pub resource: Option<NodeId>,
    /// The `AWS::ApiGateway::RestApi` resource it belongs to.
    pub api: NodeId,
}

impl ApiResource {
    /// The resource id: `Ref` of the resource, or the API's `RootResourceId` for the root.
    pub fn resource_id(&self) -> Value {
        match self.resource {
            Some(r) => Value::Ref(r),
            None => Value::GetAtt(self.api, "RootResourceId".into()),
        }
    }

    /// Whether this is the root resource `/`.
    pub fn is_root(&self) -> bool {
        self.resource.is_none()
    }
}

impl RestApi {
    /// Adds the path part `path_part` (`events`, `{id}`, `{proxy+}`) below `parent`, at
    /// `<parent>/<path_part>` (CDK's path, so CDK's logical IDs). With the API's
    /// `default_cors`, the resource also answers CORS preflight.
    pub fn add_resource(
        &self,
        app: &mut impl AsMut<App>,
        parent: ApiResource,
        path_part: &str,
    ) -> Result<ApiResource> {
        app.as_mut()
            .atomically(|app| self.add_resource_impl(app, parent, path_part))
    }

    fn add_resource_impl(
        &self,
        app: &mut App,
        parent: ApiResource,
        path_part: &str,
    ) -> Result<ApiResource> {
        let parent_path = app.path(parent.node)?;
        let path = format!("{parent_path}/{path_part}");
        if parent.api != self.resource.node() {
            return Err(ConstructError::invalid(
                path,
                format!(
                    "the parent resource belongs to the API {}, not to {}",
                    app.path(parent.api)?,
                    app.path(self.resource.node())?
                ),
                "add the resource below a resource of the same API (`api.root()` or one it returned)",
            ));
        }
        check_path_part(&path, path_part)?;
        let mut g = app.at(parent.node)?;
        let mut r = g.group(path_part)?;
        let node = r.node();
        let resource = r.resource::<CfnResource>(
            "Resource",
            Resource::new("AWS::ApiGateway::Resource").properties(
                ValueMap::with_capacity(3)
                    .with("ParentId", parent.resource_id())
                    .with("PathPart", path_part)
                    .with("RestApiId", self.rest_api_id()),
            ),
        )?;
        let added = ApiResource {
            node,
            resource: Some(resource.node()),
            api: self.resource.node(),
        };
        register_resource(app, self.node, resource.node())?;
        let cors = app
            .attached::<ApiState>(self.node)
            .and_then(|s| s.cors.clone());
        if let Some(cors) = cors {
            self.add_cors_preflight_owned(app, added, cors)?;
        }
        Ok(added)
    }
}

fn check_path_part(path: &str, part: &str) -> Result<()> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._~:@!$&'()*+,;=-".contains(c))
    };
    let ok = match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
        Some(var) => {
            let name = var.strip_suffix('+').unwrap_or(var);
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => plain(part),
    };
    if ok {
        Ok(())
    } else {
        Err(ConstructError::invalid(
            path,
            format!("`{part}` is not a valid path part"),
            "use one segment without `/`: letters, digits and `._~:@!$&'()*+,;=-`, or a variable such as `{id}` or `{proxy+}`",
        ))
    }
}
