//! Typed, `Copy` indices into an [`App`](crate::App)'s node arena.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};

/// Identity of one [`App`](crate::App). Every handle carries it so that a handle from another app
/// is refused with an error instead of resolving to an unrelated node.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct AppId(u32);

impl AppId {
    /// A fresh id. The counter is identity only: it never reaches an artifact, so output stays
    /// byte-identical from run to run.
    pub(crate) fn fresh() -> AppId {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        AppId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// An untyped reference to a node of an [`App`](crate::App): its app and its index in the arena.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct NodeId {
    pub(crate) app: u32,
    pub(crate) index: u32,
}

impl NodeId {
    pub(crate) fn new(app: AppId, index: usize) -> NodeId {
        // The arena never holds more than u32::MAX nodes: `App::push` refuses to grow past it.
        NodeId {
            app: app.0,
            index: index as u32,
        }
    }

    #[inline]
    pub(crate) fn index(self) -> usize {
        self.index as usize
    }

    #[inline]
    pub(crate) fn belongs_to(self, app: AppId) -> bool {
        self.app == app.0
    }
}

/// A typed handle: a node of an [`App`](crate::App) known to be a `T`.
///
/// It is `Copy` whatever `T` is, and `PhantomData<fn() -> T>` keeps `T` from affecting variance
/// or `Send`/`Sync`.
///
/// ```
/// use gs_core::{App, StackProps};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let copy = stack; // handles are Copy
/// assert_eq!(app.path(copy.node())?, "Demo");
/// # Ok::<(), gs_core::TreeError>(())
/// ```
pub struct Handle<T> {
    node: NodeId,
    marker: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    pub(crate) fn new(node: NodeId) -> Handle<T> {
        Handle {
            node,
            marker: PhantomData,
        }
    }

    /// The untyped node this handle points at.
    pub fn node(self) -> NodeId {
        self.node
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Handle<T> {}
impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}
impl<T> Eq for Handle<T> {}
impl<T> Hash for Handle<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.node.hash(state);
    }
}
impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Handle<{}>({}:{})",
            std::any::type_name::<T>(),
            self.node.app,
            self.node.index
        )
    }
}
impl<T> From<Handle<T>> for NodeId {
    fn from(h: Handle<T>) -> NodeId {
        h.node
    }
}
