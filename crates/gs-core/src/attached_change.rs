//! Changing attached data in place, journalled by how to undo the change:
//! [`App::update_attached`], the counterpart of [`App::set_property`] for attached data. Where
//! [`App::attached_mut`] copies the whole data for the undo journal (a role's list of grants,
//! a task's containers), a change that says how it is undone (pop what it pushed, put back the
//! one field it replaced) is journalled by that alone.

use std::any::Any;

use crate::app::App;
use crate::handle::NodeId;
use crate::side_table::{Boxed, Table};

/// What a change journalled by [`App::update_attached`] keeps: the data its undo needs, and the
/// undo.
type Undo<T, U> = (U, fn(&mut T, U));

impl App {
    /// Changes the data of type `T` attached to `node` in place with `change`, which returns
    /// what `undo` needs to take the change back (the value it replaced, or `()` for a push that
    /// a pop undoes). `None` when nothing of type `T` is attached to `node` (then `change` is not
    /// called).
    ///
    /// Inside [`App::atomically`], a call that fails runs `undo` on the data (changes are undone
    /// newest first, so the data is as `change` left it): `T` is not copied, and need not be
    /// `Clone`, as [`App::attached_mut`] requires.
    ///
    /// ```
    /// use gs_core::{App, StackProps, TreeError};
    /// struct Names(Vec<String>);
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// app.attach(stack, Names(vec![]))?;
    /// let failed = app.atomically(|app| {
    ///     app.update_attached(stack, |n: &mut Names| n.0.push("a".into()), |n, ()| {
    ///         n.0.pop();
    ///     });
    ///     Err::<(), _>(TreeError::TooManyNodes(0))
    /// });
    /// assert!(failed.is_err());
    /// assert!(app.attached::<Names>(stack).is_some_and(|n| n.0.is_empty()));
    /// # Ok::<(), TreeError>(())
    /// ```
    pub fn update_attached<T: Any + Send + Sync, U: Any + Send + Sync>(
        &mut self,
        node: impl Into<NodeId>,
        change: impl FnOnce(&mut T) -> U,
        undo: fn(&mut T, U),
    ) -> Option<()> {
        let node = node.into();
        let data = self.attached_slot::<T>(node)?;
        let before = change(data);
        if self.journal.active() {
            let undo: Undo<T, U> = (before, undo);
            self.journal_attached_change::<T>(node, Box::new(undo), undo_change::<T, U>);
        }
        Some(())
    }
}

/// Undoes a change made by [`App::update_attached`] to the data of `node` in `table` (the table
/// of `T`s under the key of `Attached<T>`); `data` is its [`Undo`].
fn undo_change<T: Any + Send + Sync, U: Any + Send + Sync>(
    table: &mut Table,
    node: NodeId,
    data: Option<Boxed>,
) {
    let Some(t) = table.position(node).and_then(|i| {
        table
            .values
            .downcast_mut::<Vec<T>>()
            .and_then(|v| v.get_mut(i))
    }) else {
        return;
    };
    if let Some(Ok(undo)) = data.map(|d| d.downcast::<Undo<T, U>>()) {
        let (before, undo) = *undo;
        undo(t, before);
    }
}

#[cfg(test)]
mod tests {
    use crate::error::TreeError;
    use crate::{App, StackProps};

    /// Not `Clone`: only [`App::update_attached`] can change it inside a call.
    #[derive(Debug, PartialEq)]
    struct State {
        items: Vec<u32>,
        last: Option<u32>,
    }

    fn push(app: &mut App, node: crate::NodeId, item: u32) -> Option<()> {
        app.update_attached(
            node,
            |s: &mut State| {
                s.items.push(item);
                s.last.replace(item)
            },
            |s, last| {
                s.items.pop();
                s.last = last;
            },
        )
    }

    #[test]
    fn changes_of_a_failed_call_are_undone_newest_first_and_kept_when_it_succeeds() {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).expect("stack");
        let node: crate::NodeId = stack.into();
        assert_eq!(push(&mut app, node, 0), None, "nothing attached yet");
        app.attach(
            node,
            State {
                items: vec![1],
                last: Some(1),
            },
        )
        .expect("attach");
        app.atomically(|app| {
            push(app, node, 2);
            Ok::<(), TreeError>(())
        })
        .expect("kept");
        let failed = app.atomically(|app| {
            push(app, node, 3);
            app.atomically(|app| {
                push(app, node, 4);
                Ok::<(), TreeError>(())
            })?;
            let inner = app.atomically(|app| {
                push(app, node, 5);
                Err::<(), TreeError>(TreeError::TooManyNodes(0))
            });
            assert!(inner.is_err());
            assert_eq!(
                app.attached::<State>(node),
                Some(&State {
                    items: vec![1, 2, 3, 4],
                    last: Some(4)
                }),
                "an inner failure undoes only its own change"
            );
            Err::<(), TreeError>(TreeError::TooManyNodes(0))
        });
        assert!(failed.is_err());
        assert_eq!(
            app.attached::<State>(node),
            Some(&State {
                items: vec![1, 2],
                last: Some(2)
            })
        );
    }
}
