//! [`Cfn<R>`]: the one handle type of every generated resource type.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use gs_core::{Handle, NodeId, Resource, Scope, TreeError, Value};

/// A CloudFormation resource type, named by an uninhabited marker (`gs_l1::lambda::markers::Function`).
///
/// Every `AWS::*` type has one, whatever cargo features are on, so that any service's
/// properties can take any other service's handle.
pub trait ResourceType {
    /// The CloudFormation type name, e.g. `AWS::Lambda::Function`.
    const TYPE_NAME: &'static str;
}

/// A handle to a resource of type `R` in an [`App`](gs_core::App): small, `Copy`, and accepted
/// by every property that takes that type's identifier.
///
/// Each generated type is an alias of it (`gs_l1::lambda::CfnFunction` is
/// `Cfn<lambda::markers::Function>`) with its own `new` and `attr_*` methods.
///
/// ```
/// use gs_core::{App, Resource, StackProps, Value};
/// use gs_l1::sqs::CfnQueue;
///
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// // With the `sqs` feature: `CfnQueue::new(&mut s, "Queue", CfnQueueProps::default())`.
/// let queue = CfnQueue::add(&mut s, "Queue", Resource::new("AWS::SQS::Queue"))?;
/// assert_eq!(queue.reference(), Value::Ref(queue.node()));
/// let copy = queue;
/// assert_eq!(copy, queue);
/// assert!(CfnQueue::add(&mut s, "Topic", Resource::new("AWS::SNS::Topic")).is_err());
/// # Ok::<(), gs_core::TreeError>(())
/// ```
pub struct Cfn<R> {
    handle: Handle<R>,
    marker: PhantomData<fn() -> R>,
}

impl<R: ResourceType> Cfn<R> {
    /// The CloudFormation type name, e.g. `AWS::EFS::FileSystem` for `efs::CfnFileSystem`
    /// (for an [`Import`](gs_core::Import) of the type, or a test that finds its resources).
    ///
    /// ```
    /// assert_eq!(gs_l1::efs::CfnFileSystem::TYPE_NAME, "AWS::EFS::FileSystem");
    /// ```
    pub const TYPE_NAME: &'static str = R::TYPE_NAME;

    /// Adds `resource` (from a generated `Cfn*Props::into_resource`, maybe adjusted: removal
    /// policy, logical ID, condition) with `id` to `scope`.
    ///
    /// Refuses a resource of another type than `R`.
    pub fn add(scope: &mut Scope<'_>, id: &str, resource: Resource) -> Result<Cfn<R>, TreeError> {
        if resource.type_name != R::TYPE_NAME {
            return Err(TreeError::WrongKind {
                path: scope.child_path(id),
                expected: R::TYPE_NAME,
                fix: "add the resource built by the handle type's own props (`CfnXProps::into_resource`), or use `Scope::resource` for a raw resource",
            });
        }
        scope.resource::<R>(id, resource).map(Cfn::from)
    }
}

impl<R> Cfn<R> {
    /// The node of the resource.
    pub fn node(self) -> NodeId {
        self.handle.node()
    }

    /// The typed gs-core handle.
    pub fn handle(self) -> Handle<R> {
        self.handle
    }

    /// `Ref` of the resource: what CloudFormation returns for it (usually its name or id).
    pub fn reference(self) -> Value {
        Value::Ref(self.handle.node())
    }
}

impl<R> From<Handle<R>> for Cfn<R> {
    fn from(handle: Handle<R>) -> Cfn<R> {
        Cfn {
            handle,
            marker: PhantomData,
        }
    }
}

impl<R> From<Cfn<R>> for NodeId {
    fn from(c: Cfn<R>) -> NodeId {
        c.node()
    }
}

impl<R> From<Cfn<R>> for Handle<R> {
    fn from(c: Cfn<R>) -> Handle<R> {
        c.handle
    }
}

/// `Ref` of the resource.
impl<R> From<Cfn<R>> for Value {
    fn from(c: Cfn<R>) -> Value {
        c.reference()
    }
}

impl<R> Clone for Cfn<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Cfn<R> {}
impl<R> PartialEq for Cfn<R> {
    fn eq(&self, other: &Self) -> bool {
        self.handle == other.handle
    }
}
impl<R> Eq for Cfn<R> {}
impl<R> Hash for Cfn<R> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.handle.hash(state);
    }
}
impl<R: ResourceType> fmt::Debug for Cfn<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cfn<{}>({:?})", R::TYPE_NAME, self.handle.node())
    }
}
