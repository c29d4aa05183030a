//! [`Tree::derived`]: what several readers of one frozen tree derive from it, computed once.
//!
//! A pass and the program around it sometimes need the same result: the DR pass judges the DR
//! report's rows, and the program prints the same report. The tree does not change once frozen,
//! so neither does anything derived from it: the first reader computes it, later readers share
//! it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::fast_hash::FastState;
use crate::tree::Tree;

type Shared = Arc<dyn Any + Send + Sync>;

/// The results derived so far, one per type.
#[derive(Default)]
pub(crate) struct Derived(Mutex<HashMap<TypeId, Shared, FastState>>);

impl Derived {
    fn map(&self) -> MutexGuard<'_, HashMap<TypeId, Shared, FastState>> {
        // A reader that panicked while holding the lock left the map whole (it is changed by one
        // insert): the lock is taken over.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<'a> Tree<'a> {
    /// The value of type `T` derived from this tree: computed by `compute` the first time any
    /// reader asks for a `T`, and shared with every later reader (`compute` is then not called).
    /// One value per type, so give each derived result its own type.
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps, Tree};
    /// struct ResourceCount(usize);
    /// fn count(tree: &Tree<'_>) -> ResourceCount {
    ///     ResourceCount(tree.stacks().iter().map(|s| tree.elements(*s).len()).sum())
    /// }
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// app.at(stack)?.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
    /// let tree = app.freeze();
    /// assert_eq!(tree.derived(count).0, 1);
    /// // Asked again, the first result is shared: this closure is not called.
    /// assert_eq!(tree.derived(|_| ResourceCount(99)).0, 1);
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn derived<T: Any + Send + Sync>(&self, compute: impl FnOnce(&Tree<'a>) -> T) -> Arc<T> {
        let key = TypeId::of::<T>();
        let found = self.derived.map().get(&key).cloned();
        if let Some(Ok(found)) = found.map(Shared::downcast::<T>) {
            return found;
        }
        // Computed without the lock, so that `compute` may ask for other derived values.
        let computed = Arc::new(compute(self));
        let mut map = self.derived.map();
        match map.get(&key).cloned().map(Shared::downcast::<T>) {
            // Another thread was first: its value is the one shared.
            Some(Ok(found)) => found,
            _ => {
                map.insert(key, computed.clone());
                computed
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{App, StackProps};

    struct Inner(usize);
    struct Outer(usize);

    #[test]
    fn a_value_may_derive_from_another_and_each_is_computed_once() -> Result<(), crate::TreeError> {
        let mut app = App::new();
        app.stack("Demo", StackProps::default())?;
        let tree = app.freeze();
        let mut inner_calls = 0;
        let outer = tree.derived(|t| {
            let inner = t.derived(|_| {
                inner_calls += 1;
                Inner(20)
            });
            Outer(inner.0 + 1)
        });
        assert_eq!(outer.0, 21);
        assert_eq!(tree.derived(|_| Inner(0)).0, 20);
        assert_eq!(tree.derived(|_| Outer(0)).0, 21);
        assert_eq!(inner_calls, 1);
        // Another tree of the same app derives its own.
        assert_eq!(app.freeze().derived(|_| Inner(5)).0, 5);
        Ok(())
    }
}
