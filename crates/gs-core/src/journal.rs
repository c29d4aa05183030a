//! All or nothing: [`App::atomically`] and [`Scope::atomically`] run a call that changes the tree
//! and, when it returns `Err`, put the app back exactly as it was.
//!
//! While a call runs, the app keeps an undo journal. It records only what cannot be undone by
//! truncation: the data of nodes that existed before the call (snapshotted the first time the call
//! changes them, through the one mutable door [`App::node_mut`]) and every change to facts and
//! attached data. Nodes the call created are removed by cutting the arena back to its length at the
//! start, which also removes them from their parents' children. With no call in progress nothing is
//! recorded: every hook starts with one test of an empty `Vec`.
//!
//! When the call returns `Ok`, the resources it changed through [`App::resource_mut`] are checked
//! like values added through [`Scope::resource`] (references of this app only, finite numbers,
//! bounded nesting), so a typed relation that writes a handle of another app into a resource is
//! refused at the call, and rolled back, not at synthesis.

use std::any::{Any, TypeId};
use std::collections::HashSet;

use crate::app::{App, Attached};
use crate::error::TreeError;
use crate::fast_hash::FastState;
use crate::handle::NodeId;
use crate::node::{Extras, NodeKind};
use crate::scope::Scope;

use crate::side_table::{Boxed, Table};

/// What one journal entry undoes.
enum Entry {
    /// A node that existed before the level, as it was before the level first changed it
    /// (everything but its children, which only grow and are cut back by truncation).
    Node(NodeId, Box<NodeData>),
    /// A dependency pushed onto the dependencies of a node older than the level: popped.
    DependencyPushed(NodeId),
    /// A tag of a node older than the level set at `index` of its tags: popped when it was new
    /// (`before` is `None`), else its old value put back.
    TagSet {
        node: NodeId,
        index: usize,
        before: Option<String>,
    },
    /// A property of a resource older than the level set by [`App::set_property`]: `before` (moved
    /// here, not copied) is put back, or the property removed when it had none.
    PropertySet {
        node: NodeId,
        name: std::borrow::Cow<'static, str>,
        before: Option<crate::value::Value>,
    },
    /// An item appended by [`App::append_to_list`] to the list at `path` in a resource older
    /// than the level: popped.
    ListAppended { node: NodeId, path: Vec<String> },
    /// One fact pushed onto the `Vec<F>` under `key`.
    Fact { key: TypeId, undo: fn(&mut Table) },
    /// Attached data of `node` in the table of `T`s under `key` (that of `Attached<T>`) was set (`before` is
    /// `None` when there was none), handed out to change (`before` is a copy) or changed by
    /// [`App::update_attached`] (`before` is what its undo needs).
    Attached {
        key: TypeId,
        node: NodeId,
        before: Option<Boxed>,
        undo: fn(&mut Table, NodeId, Option<Boxed>),
    },
}

struct NodeData {
    kind: NodeKind,
    extras: Option<Box<Extras>>,
    /// Whether its values were checked (see [`Node::values_checked`]): put back with them, so a
    /// value a failed call checked and then undid is checked again when the tree is frozen.
    ///
    /// [`Node::values_checked`]: crate::node::Node
    values_checked: bool,
}

/// One call in progress (calls nest: a constructor calls others).
struct Level {
    /// The journal's length when the call started.
    entries: usize,
    /// The arena's length when the call started: nodes at or past it are the call's own.
    nodes: usize,
    /// The number of stacks when the call started.
    stacks: usize,
    /// The number of passes the app had added when the call started.
    passes: usize,
    /// Older nodes already snapshotted by this level.
    touched: HashSet<NodeId, FastState>,
    /// Resources handed out by [`App::resource_mut`] during this level, checked at its end.
    changed_resources: Vec<NodeId>,
}

/// The undo journal of an [`App`].
#[derive(Default)]
pub(crate) struct Journal {
    entries: Vec<Entry>,
    levels: Vec<Level>,
}

impl Journal {
    /// Whether a call is in progress (and changes must be recorded).
    #[inline]
    pub(crate) fn active(&self) -> bool {
        !self.levels.is_empty()
    }
}

fn pop_fact<F: Any + Send + Sync>(facts: &mut Table) {
    if let Some(v) = facts.values.downcast_mut::<Vec<F>>() {
        v.pop();
    }
}

fn restore_attached<T: Any + Send + Sync>(table: &mut Table, node: NodeId, before: Option<Boxed>) {
    let Some(position) = table.position(node) else {
        return;
    };
    let Some(values) = table.values.downcast_mut::<Vec<T>>() else {
        return;
    };
    match before.map(|b| b.downcast::<T>()) {
        // Replacing an existing value keeps its position, as the change did.
        Some(Ok(old)) => {
            if let Some(slot) = values.get_mut(position) {
                *slot = *old;
            }
        }
        Some(Err(_)) => {}
        // The node was new (and, later entries being undone first, is the last one).
        None => {
            if position < values.len() {
                values.remove(position);
                table.remove_node(position);
            }
        }
    }
}

impl App {
    /// Runs `f`; when it returns `Err`, every change it made to the app is undone: nodes it added,
    /// tags, dependencies, acknowledgements, changes to resources, facts and attached data. When
    /// it returns `Ok`, the resources it changed through [`App::resource_mut`] are checked like
    /// values added through [`Scope::resource`], and a problem fails (and undoes) the call.
    ///
    /// Calls nest; an inner call that fails undoes only its own changes. Handles of nodes the
    /// failed call created must not be kept: their indices are reused.
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps, TreeError};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let before = app.len();
    /// let result: Result<(), TreeError> = app.atomically(|app| {
    ///     let mut s = app.at(stack)?;
    ///     s.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
    ///     s.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?; // duplicate id
    ///     Ok(())
    /// });
    /// assert!(result.is_err());
    /// assert_eq!(app.len(), before); // the first topic is gone too
    /// # Ok::<(), TreeError>(())
    /// ```
    pub fn atomically<T, E: From<TreeError>>(
        &mut self,
        f: impl FnOnce(&mut App) -> Result<T, E>,
    ) -> Result<T, E> {
        // The generic part is only the call of `f`: opening and closing the level are plain
        // functions, so each of the many callers instantiates a few lines, not the whole journal.
        let depth = self.open_level();
        // A call that panics is undone too, and its level closed, before the panic goes on: a
        // caller that catches it finds the tree as it was and the journal idle, not a level left
        // open that would record every later change. `AssertUnwindSafe` holds because the
        // roll-back restores every change the journal recorded.
        let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self))) {
            Ok(result) => result,
            Err(panic) => {
                // Undoing cannot fail; the check it could report runs only for a kept call.
                let _ = self.close_level(depth, false);
                std::panic::resume_unwind(panic)
            }
        };
        match self.close_level(depth, result.is_ok()) {
            Ok(()) => result,
            Err(e) => Err(E::from(e)),
        }
    }

    /// Opens a journal level; returns its depth, for [`App::close_level`].
    fn open_level(&mut self) -> usize {
        let depth = self.journal.levels.len();
        self.journal.levels.push(Level {
            entries: self.journal.entries.len(),
            nodes: self.nodes.len(),
            stacks: self.stacks.len(),
            passes: self.passes.len(),
            touched: HashSet::default(),
            changed_resources: Vec::new(),
        });
        depth
    }

    /// Closes the level opened at `depth` (and any a panic left open above it). With `keep`,
    /// the resources the call changed are checked, and the changes are kept if they pass;
    /// otherwise, or when the check fails, every change of the level is undone. The error is the
    /// check's.
    fn close_level(&mut self, depth: usize, keep: bool) -> Result<(), TreeError> {
        self.journal.levels.truncate(depth + 1);
        let checked = if keep {
            self.check_changed_resources()
        } else {
            Ok(())
        };
        let Some(level) = self.journal.levels.pop() else {
            return checked;
        };
        if !(keep && checked.is_ok()) {
            self.roll_back(level);
        }
        if self.journal.levels.is_empty() {
            self.journal.entries.clear();
        }
        checked
    }

    /// Checks the resources the level changed; those that pass are marked checked, so that
    /// freezing does not walk them again.
    fn check_changed_resources(&mut self) -> Result<(), TreeError> {
        let Some(level) = self.journal.levels.last() else {
            return Ok(());
        };
        for &node in &level.changed_resources {
            if let Some(NodeKind::Resource(r)) = self.nodes.get(node.index()).map(|n| &n.kind) {
                self.check_references(|| self.path_of(node), r.properties.iter().map(|(_, v)| v))?;
            }
        }
        let Some(level) = self.journal.levels.last() else {
            return Ok(());
        };
        for &node in &level.changed_resources {
            if let Some(n) = self.nodes.get_mut(node.index()) {
                if matches!(n.kind, NodeKind::Resource(_)) {
                    n.values_checked = true;
                }
            }
        }
        Ok(())
    }

    fn roll_back(&mut self, level: Level) {
        while self.journal.entries.len() > level.entries {
            let Some(entry) = self.journal.entries.pop() else {
                break;
            };
            match entry {
                Entry::Node(node, data) => {
                    if let Some(n) = self.nodes.get_mut(node.index()) {
                        let NodeData {
                            kind,
                            extras,
                            values_checked,
                        } = *data;
                        n.values_checked = values_checked;
                        n.kind = kind;
                        n.extras = extras;
                    }
                }
                Entry::DependencyPushed(node) => {
                    if let Some(n) = self.nodes.get_mut(node.index()) {
                        if let Some(e) = n.extras.as_deref_mut() {
                            e.dependencies.pop();
                        }
                    }
                }
                Entry::TagSet {
                    node,
                    index,
                    before,
                } => {
                    if let Some(n) = self.nodes.get_mut(node.index()) {
                        match before {
                            Some(value) => {
                                if let Some(tag) =
                                    n.extras.as_deref_mut().and_then(|e| e.tags.get_mut(index))
                                {
                                    tag.1 = value;
                                }
                            }
                            None => {
                                if let Some(e) = n.extras.as_deref_mut() {
                                    e.tags.pop();
                                }
                            }
                        }
                    }
                }
                Entry::PropertySet { node, name, before } => {
                    if let Some(NodeKind::Resource(r)) =
                        self.nodes.get_mut(node.index()).map(|n| &mut n.kind)
                    {
                        match before {
                            // An existing key keeps its position, as it did when it was set.
                            Some(value) => r.properties.insert(name, value),
                            None => {
                                r.properties.remove(&name);
                            }
                        }
                    }
                }
                Entry::ListAppended { node, path } => {
                    let list = self
                        .nodes
                        .get_mut(node.index())
                        .and_then(|n| crate::properties::list_at(&mut n.kind, &path));
                    if let Some(list) = list {
                        list.pop();
                    }
                }
                Entry::Fact { key, undo } => {
                    if let Some(facts) = self.facts.get_mut(key) {
                        undo(facts);
                    }
                }
                Entry::Attached {
                    key,
                    node,
                    before,
                    undo,
                } => {
                    if let Some(table) = self.facts.get_mut(key) {
                        undo(table, node, before);
                    }
                }
            }
        }
        // The call's own nodes, newest first: each is then the last child of its parent.
        while self.nodes.len() > level.nodes {
            let Some(node) = self.nodes.pop() else {
                break;
            };
            let id = NodeId::new(self.id, self.nodes.len());
            self.child_ids.remove(&id);
            if let Some(parent) = node.parent {
                let mut left = 0;
                if let Some(p) = self.nodes.get_mut(parent.index()) {
                    if p.children.last() == Some(&id) {
                        p.children.pop();
                    } else {
                        p.children.retain(|c| *c != id);
                    }
                    left = p.children.len();
                }
                // A parent keeps a set of its child ids only while it has more than
                // `CHILD_ID_SET_FROM` children (see `App::push`).
                if left <= crate::app::CHILD_ID_SET_FROM {
                    self.child_ids.remove(&parent);
                } else if let Some(ids) = self.child_ids.get_mut(&parent) {
                    let hash = crate::app::child_id_hash(&node.id);
                    if let Some(n) = ids.get_mut(&hash) {
                        *n -= 1;
                        if *n == 0 {
                            ids.remove(&hash);
                        }
                    }
                }
            }
        }
        self.stacks.truncate(level.stacks);
        self.passes.truncate(level.passes);
    }

    /// Journal hook: `node` is about to change. Snapshots it when a call is in progress, the node
    /// is older than the call, and the call has not snapshotted it yet.
    #[inline]
    pub(crate) fn journal_node(&mut self, node: NodeId) {
        if self.journal.active() {
            self.snapshot_node(node);
        }
    }

    fn snapshot_node(&mut self, node: NodeId) {
        let Some(level) = self.journal.levels.last_mut() else {
            return;
        };
        if node.index() >= level.nodes || !level.touched.insert(node) {
            return;
        }
        let Some(n) = self.nodes.get(node.index()) else {
            return;
        };
        let data = NodeData {
            kind: n.kind.clone(),
            extras: n.extras.clone(),
            values_checked: n.values_checked,
        };
        self.journal.entries.push(Entry::Node(node, Box::new(data)));
    }

    /// Whether a change to `node` must be journalled: a call is in progress and the node is older
    /// than it (the call's own nodes are cut back whole).
    fn older_than_call(&self, node: NodeId) -> bool {
        self.journal
            .levels
            .last()
            .is_some_and(|level| node.index() < level.nodes)
    }

    /// Journal hook: the property `name` of the resource `node` was set; `before` is its old
    /// value (moved, not copied). Undone in place, so the node is not snapshotted.
    pub(crate) fn journal_property_set(
        &mut self,
        node: NodeId,
        name: std::borrow::Cow<'static, str>,
        before: Option<crate::value::Value>,
    ) {
        if self.older_than_call(node) {
            self.journal
                .entries
                .push(Entry::PropertySet { node, name, before });
        }
    }

    /// Journal hook: an item was appended to the list at `path` of the resource `node`.
    pub(crate) fn journal_list_appended(&mut self, node: NodeId, path: &[&str]) {
        if self.older_than_call(node) {
            let path = path.iter().map(|k| (*k).to_owned()).collect();
            self.journal
                .entries
                .push(Entry::ListAppended { node, path });
        }
    }

    /// Journal hook: a dependency was pushed onto the dependencies of `node`. An append is undone
    /// by a pop, so the node is not snapshotted.
    #[inline]
    pub(crate) fn journal_dependency_pushed(&mut self, node: NodeId) {
        if self.older_than_call(node) {
            self.journal.entries.push(Entry::DependencyPushed(node));
        }
    }

    /// Journal hook: the tag at `index` of `node`'s tags was set; `before` is its old value,
    /// `None` when the tag was pushed. Undone in place, so the node is not snapshotted.
    #[inline]
    pub(crate) fn journal_tag_set(&mut self, node: NodeId, index: usize, before: Option<String>) {
        if self.older_than_call(node) {
            self.journal.entries.push(Entry::TagSet {
                node,
                index,
                before,
            });
        }
    }

    /// Journal hook: the resource `node` is handed out to change.
    #[inline]
    pub(crate) fn journal_resource(&mut self, node: NodeId) {
        if let Some(level) = self.journal.levels.last_mut() {
            if !level.changed_resources.contains(&node) {
                level.changed_resources.push(node);
            }
        }
    }

    /// Journal hook: a fact of type `F` was pushed.
    #[inline]
    pub(crate) fn journal_fact<F: Any + Send + Sync>(&mut self) {
        if self.journal.active() {
            self.journal.entries.push(Entry::Fact {
                key: TypeId::of::<Vec<F>>(),
                undo: pop_fact::<F>,
            });
        }
    }

    /// Journal hook: data of type `T` attached to `node` is about to be set or changed; `before`
    /// is what was there (a copy), `None` when nothing was.
    #[inline]
    pub(crate) fn journal_attached<T: Any + Send + Sync>(
        &mut self,
        node: NodeId,
        before: Option<T>,
    ) {
        if self.journal.active() {
            self.journal.entries.push(Entry::Attached {
                key: TypeId::of::<Attached<T>>(),
                node,
                before: before.map(|b| Box::new(b) as Boxed),
                undo: restore_attached::<T>,
            });
        }
    }
}

impl App {
    /// Journal hook: the data of type `T` attached to `node` was changed in place; `undo` takes
    /// the change back with `data` (see [`App::update_attached`]).
    pub(crate) fn journal_attached_change<T: Any + Send + Sync>(
        &mut self,
        node: NodeId,
        data: Boxed,
        undo: fn(&mut Table, NodeId, Option<Boxed>),
    ) {
        self.journal.entries.push(Entry::Attached {
            key: TypeId::of::<Attached<T>>(),
            node,
            before: Some(data),
            undo,
        });
    }
}

#[cfg(test)]
impl App {
    /// How many nodes the calls in progress copied to undo their changes.
    pub(crate) fn journal_snapshots(&self) -> usize {
        self.journal
            .entries
            .iter()
            .filter(|e| matches!(e, Entry::Node(..)))
            .count()
    }
}

impl Scope<'_> {
    /// [`App::atomically`] with a scope at the same node: runs `f`, and when it returns `Err`,
    /// undoes every change it made. Constructors use it so that a failed call leaves nothing
    /// behind.
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps, TreeError};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let failed: Result<(), TreeError> = s.atomically(|s| {
    ///     let mut g = s.group("Files")?;
    ///     g.resource::<RawResource>("", Resource::new("AWS::SNS::Topic"))?; // empty id
    ///     Ok(())
    /// });
    /// assert!(failed.is_err());
    /// assert!(app.node(stack)?.children().is_empty());
    /// # Ok::<(), TreeError>(())
    /// ```
    pub fn atomically<T, E: From<TreeError>>(
        &mut self,
        f: impl FnOnce(&mut Scope<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let node = self.node;
        self.app.atomically(|app| f(&mut Scope { app, node }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RawResource, Resource, StackProps};

    #[test]
    fn a_duplicate_id_is_refused_after_a_rollback_took_a_parent_below_the_set_size() {
        // A parent keeps a set of its child ids only past `CHILD_ID_SET_FROM` children; a
        // rollback that leaves it fewer must not leave a set that the next children skip.
        let below = crate::app::CHILD_ID_SET_FROM - 1;
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        for i in 0..below {
            s.add_group(&format!("G{i}")).unwrap();
        }
        let failed: Result<(), TreeError> = s.atomically(|s| {
            for i in 0..3 {
                s.add_group(&format!("Undone{i}"))?;
            }
            Err(TreeError::TooManyNodes(0))
        });
        assert!(failed.is_err());
        assert_eq!(app.node(stack).unwrap().children().len(), below);
        let mut s = app.at(stack).unwrap();
        s.add_group("X").unwrap();
        s.add_group("Y").unwrap();
        for id in ["X", "Y", "G0"] {
            assert!(
                matches!(s.add_group(id), Err(TreeError::DuplicateId { .. })),
                "{id}"
            );
        }
        s.add_group("Undone0").unwrap();
    }

    #[test]
    fn a_dependency_or_tag_on_an_older_node_is_journalled_without_a_snapshot() {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let topic = s
            .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic").tagged())
            .unwrap();
        let key = s
            .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
            .unwrap();
        app.tag(topic, "Team", "media").unwrap();
        let mut kinds = Vec::new();
        app.atomically(|app| {
            app.tag(topic, "Team", "ops")?;
            app.tag(topic, "Env", "dev")?;
            app.add_dependency(topic, key, "test")?;
            kinds = app
                .journal
                .entries
                .iter()
                .map(|e| match e {
                    Entry::Node(..) => "snapshot",
                    Entry::DependencyPushed(_) => "dependency",
                    Entry::TagSet { before: None, .. } => "new tag",
                    Entry::TagSet { .. } => "changed tag",
                    _ => "other",
                })
                .collect();
            Ok::<(), TreeError>(())
        })
        .unwrap();
        assert_eq!(kinds, ["changed tag", "new tag", "dependency"]);
    }
}
