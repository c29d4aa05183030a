//! A place in the tree to add constructs to: an app-borrowing cursor.

use crate::app::App;
use crate::error::TreeError;
use crate::handle::{Handle, NodeId};
use crate::node::{Group, Import, NodeKind, Output, Parameter, Resource};

/// A cursor at one node of an [`App`], through which constructs add children.
///
/// ```
/// use gs_core::{App, StackProps, Resource, RawResource};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let mut storage = s.group("Storage")?;
/// let bucket = storage.resource::<RawResource>("Bucket", Resource::new("AWS::S3::Bucket"))?;
/// assert_eq!(app.path(bucket)?, "Demo/Storage/Bucket");
/// # Ok::<(), gs_core::TreeError>(())
/// ```
pub struct Scope<'a> {
    pub(crate) app: &'a mut App,
    pub(crate) node: NodeId,
}

/// A scope gives its app: relations between existing constructs (`task.mount`,
/// `stream.grant_write`, `plan.add_rule`, ...) take `&mut impl AsMut<App>`, so they are called
/// with the scope at hand or with the app alike.
impl AsMut<App> for Scope<'_> {
    fn as_mut(&mut self) -> &mut App {
        self.app
    }
}

impl<'a> Scope<'a> {
    /// The node this scope adds children to.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The stack this scope is in.
    pub fn stack(&self) -> NodeId {
        self.app.nodes[self.node.index()].stack
    }

    /// The scope's path, e.g. `TapStackdev/Storage`.
    pub fn path(&self) -> String {
        self.app.path_of(self.node)
    }

    /// The path a child with `id` would have.
    pub fn child_path(&self, id: &str) -> String {
        self.app.path_below(self.node, Some(id))
    }

    /// The app, to read.
    pub fn app(&self) -> &App {
        self.app
    }

    /// The app, to change (tags, dependencies, facts) while keeping this scope.
    pub fn app_mut(&mut self) -> &mut App {
        self.app
    }

    /// Adds a group (CDK's `Construct`) with `id` and returns a scope inside it.
    pub fn group(&mut self, id: &str) -> Result<Scope<'_>, TreeError> {
        let node = self.app.push(self.node, id, NodeKind::Group)?;
        Ok(Scope {
            app: self.app,
            node,
        })
    }

    /// Adds a group with `id` and returns its handle.
    pub fn add_group(&mut self, id: &str) -> Result<Handle<Group>, TreeError> {
        Ok(Handle::new(self.app.push(
            self.node,
            id,
            NodeKind::Group,
        )?))
    }

    /// A scope at an existing group `node` of the same app (to add more children to it).
    pub fn at(&mut self, node: impl Into<NodeId>) -> Result<Scope<'_>, TreeError> {
        self.app.at(node)
    }

    /// Adds a resource. `T` is the marker the caller's typed handle carries.
    ///
    /// Every reference inside the properties must be to a node of this app.
    pub fn resource<T>(&mut self, id: &str, resource: Resource) -> Result<Handle<T>, TreeError> {
        self.resource_node(id, resource).map(Handle::new)
    }

    /// [`Scope::resource`] without the marker: one copy for every handle type.
    fn resource_node(&mut self, id: &str, resource: Resource) -> Result<NodeId, TreeError> {
        self.app.check_references(
            || self.child_path(id),
            resource.properties.iter().map(|(_, v)| v),
        )?;
        self.app.check_child_has_logical_id(self.node, id)?;
        self.app.push(self.node, id, NodeKind::Resource(resource))
    }

    /// Adds a template parameter. Every reference in its default and allowed values must be to
    /// a node of this app.
    pub fn parameter(
        &mut self,
        id: &str,
        parameter: Parameter,
    ) -> Result<Handle<Parameter>, TreeError> {
        self.app.check_references(
            || self.child_path(id),
            parameter.default.iter().chain(&parameter.allowed_values),
        )?;
        self.app.check_child_has_logical_id(self.node, id)?;
        let node = self
            .app
            .push(self.node, id, NodeKind::Parameter(Box::new(parameter)))?;
        Ok(Handle::new(node))
    }

    /// Adds a template output.
    pub fn output(&mut self, id: &str, output: Output) -> Result<Handle<Output>, TreeError> {
        self.app.check_references(
            || self.child_path(id),
            std::iter::once(&output.value).chain(output.export_name.as_ref()),
        )?;
        self.app.check_child_has_logical_id(self.node, id)?;
        let node = self
            .app
            .push(self.node, id, NodeKind::Output(Box::new(output)))?;
        Ok(Handle::new(node))
    }

    /// Records something that exists outside the app, imported on purpose.
    ///
    /// The attributes must be literal (no `Ref` or `Fn::GetAtt`): the backend writes them in
    /// place of every reference to the import.
    pub fn import<T>(&mut self, id: &str, import: Import) -> Result<Handle<T>, TreeError> {
        self.app.check_import_attributes(
            || self.child_path(id),
            import.attributes.iter().map(|(_, v)| v),
        )?;
        Ok(Handle::new(self.app.push(
            self.node,
            id,
            NodeKind::Import(import),
        )?))
    }
}
