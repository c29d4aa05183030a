//! The store of facts ([`App::add_fact`]) and attached data ([`App::attach`]): one table per
//! type, found by its `TypeId`.
//!
//! Every operation that does not need to know the type is a plain function here, compiled once:
//! finding a table, finding a node's slot in it, adding and removing a slot. What the generic
//! methods of [`App`] instantiate per type is only the `downcast` of the values and a `Vec<T>`
//! push or replacement. (With an `IndexMap<NodeId, T>` per type, each type compiled its own hash
//! table: lookup, insertion and growth, a few hundred bytes of code that run once each.)
//!
//! [`App`]: crate::App
//! [`App::add_fact`]: crate::App::add_fact
//! [`App::attach`]: crate::App::attach

use std::any::{Any, TypeId};

use crate::app::ChildIds;
use crate::fast_hash::FastState;
use crate::handle::NodeId;

/// The values of one table (a `Vec<T>`), type-erased.
pub(crate) type Boxed = Box<dyn Any + Send + Sync>;

/// The number of slots past which a table keeps a hash index of its nodes; a smaller table is
/// searched from the end (the node most recently attached is the one most often looked up).
const INDEX_FROM: usize = 8;

/// One table: the values (a `Vec<T>`) and, for attached data, the node of each value at the same
/// position (for facts, `nodes` stays empty).
pub(crate) struct Table {
    /// The node of each value, in the order it was first attached.
    pub(crate) nodes: Vec<NodeId>,
    /// `nodes`' positions by node index, kept only past [`INDEX_FROM`] nodes (the same map type as
    /// a parent's child ids, so no other hash table is compiled).
    index: Option<Box<ChildIds>>,
    /// The values: a `Vec<T>`.
    pub(crate) values: Boxed,
}

impl Table {
    /// The position of `node`'s value.
    pub(crate) fn position(&self, node: NodeId) -> Option<usize> {
        match &self.index {
            Some(index) => index
                .get(&u64::from(node.index))
                .map(|&i| i as usize)
                .filter(|&i| self.nodes.get(i) == Some(&node)),
            None => self.nodes.iter().rposition(|n| *n == node),
        }
    }

    /// Records that the value of `node` was pushed at the end of the values.
    pub(crate) fn push_node(&mut self, node: NodeId) {
        let position = self.nodes.len() as u32;
        self.nodes.push(node);
        match &mut self.index {
            Some(index) => {
                index.insert(u64::from(node.index), position);
            }
            None if self.nodes.len() > INDEX_FROM => self.rebuild_index(),
            None => {}
        }
    }

    /// Forgets the slot at `position` (whose value the caller removes at the same position).
    pub(crate) fn remove_node(&mut self, position: usize) {
        if position >= self.nodes.len() {
            return;
        }
        let node = self.nodes.remove(position);
        let last = position == self.nodes.len();
        match &mut self.index {
            Some(index) if last && self.nodes.len() > INDEX_FROM => {
                index.remove(&u64::from(node.index));
            }
            Some(_) if self.nodes.len() > INDEX_FROM => self.rebuild_index(),
            _ => self.index = None,
        }
    }

    fn rebuild_index(&mut self) {
        let mut index = ChildIds::with_capacity_and_hasher(self.nodes.len(), FastState::default());
        for (i, n) in self.nodes.iter().enumerate() {
            index.insert(u64::from(n.index), i as u32);
        }
        self.index = Some(Box::new(index));
    }
}

/// The tables of an app, in the order their types first came, with an index by the hash of
/// their key (the same map type as a parent's child ids, so no other hash table is compiled).
#[derive(Default)]
pub(crate) struct Tables {
    tables: Vec<(TypeId, Table)>,
    /// The position in `tables` of each key, by its hash. Two keys with one hash (which 64-bit
    /// hashes of distinct types practically never have) keep the first here; the second is found
    /// by a scan.
    index: ChildIds,
}

/// The hash of `key` in [`Tables::index`].
fn key_hash(key: TypeId) -> u64 {
    use std::hash::BuildHasher;
    FastState::default().hash_one(key)
}

impl Tables {
    /// The position of the table under `key`.
    fn find(&self, key: TypeId) -> Option<usize> {
        let i = *self.index.get(&key_hash(key))? as usize;
        match self.tables.get(i) {
            Some((k, _)) if *k == key => Some(i),
            _ => self.tables.iter().position(|(k, _)| *k == key),
        }
    }

    /// The table under `key`.
    pub(crate) fn get(&self, key: TypeId) -> Option<&Table> {
        let i = self.find(key)?;
        self.tables.get(i).map(|(_, t)| t)
    }

    /// The table under `key`, to change.
    pub(crate) fn get_mut(&mut self, key: TypeId) -> Option<&mut Table> {
        let i = self.find(key)?;
        self.tables.get_mut(i).map(|(_, t)| t)
    }

    /// The table under `key`, made with `empty` values when there is none.
    pub(crate) fn get_or_insert(&mut self, key: TypeId, empty: fn() -> Boxed) -> &mut Table {
        let i = match self.find(key) {
            Some(i) => i,
            None => {
                let i = self.tables.len();
                self.index.entry(key_hash(key)).or_insert(i as u32);
                let table = Table {
                    nodes: Vec::new(),
                    index: None,
                    values: empty(),
                };
                self.tables.push((key, table));
                i
            }
        };
        &mut self.tables[i].1
    }
}

/// Empty values of a table of `T`s, for [`Tables::get_or_insert`].
pub(crate) fn empty<T: Any + Send + Sync>() -> Boxed {
    Box::new(Vec::<T>::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, StackProps, TreeError};

    #[test]
    fn a_table_past_its_index_size_finds_every_node_and_forgets_a_removed_one() {
        let app = crate::AppId::fresh();
        let mut tables = Tables::default();
        let table = tables.get_or_insert(TypeId::of::<u8>(), empty::<u8>);
        let nodes: Vec<NodeId> = (0..40).map(|i| NodeId::new(app, 100 - i)).collect();
        for (i, &n) in nodes.iter().enumerate() {
            table.push_node(n);
            assert_eq!(table.position(n), Some(i));
        }
        assert!(table.index.is_some());
        for (i, &n) in nodes.iter().enumerate() {
            assert_eq!(table.position(n), Some(i), "{i}");
        }
        // A node of another app with the same index is not found.
        let foreign = NodeId::new(crate::AppId::fresh(), 100);
        assert_eq!(table.position(foreign), None);
        // Removing the last, then one in the middle, keeps every other position right.
        table.remove_node(39);
        assert_eq!(table.position(nodes[39]), None);
        table.remove_node(5);
        assert_eq!(table.position(nodes[5]), None);
        assert_eq!(table.position(nodes[4]), Some(4));
        assert_eq!(table.position(nodes[6]), Some(5));
        assert_eq!(table.position(nodes[38]), Some(37));
        // Down to the index size, the index goes and the scan still finds every node.
        while table.nodes.len() > INDEX_FROM {
            table.remove_node(0);
        }
        assert!(table.index.is_none());
        assert_eq!(table.position(nodes[38]), Some(INDEX_FROM - 1));
    }

    #[test]
    fn each_type_has_one_table_and_a_key_missing_from_the_index_is_still_found() {
        let mut tables = Tables::default();
        tables.get_or_insert(TypeId::of::<u32>(), empty::<u32>);
        tables.get_or_insert(TypeId::of::<String>(), empty::<String>);
        tables.get_or_insert(TypeId::of::<u8>(), empty::<u8>);
        tables.get_or_insert(TypeId::of::<u32>(), empty::<u32>);
        assert_eq!(tables.tables.len(), 3);
        for key in [
            TypeId::of::<u8>(),
            TypeId::of::<u32>(),
            TypeId::of::<String>(),
        ] {
            assert!(tables.get(key).is_some());
        }
        assert!(tables.get(TypeId::of::<i64>()).is_none());
        // As when two keys share a hash: the index points at the other key's table.
        tables.index.insert(key_hash(TypeId::of::<u8>()), 0);
        let table = tables.get(TypeId::of::<u8>()).expect("found by the scan");
        assert!(table.values.downcast_ref::<Vec<u8>>().is_some());
        let again = tables.get_or_insert(TypeId::of::<u8>(), empty::<u8>);
        assert!(again.values.downcast_ref::<Vec<u8>>().is_some());
        assert_eq!(tables.tables.len(), 3);
    }

    #[derive(Debug, PartialEq, Clone)]
    struct Note(usize);

    #[test]
    fn many_attachments_are_found_replaced_and_undone_past_the_index_size() {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let groups: Vec<NodeId> = (0..3 * INDEX_FROM)
            .map(|i| s.add_group(&format!("G{i}")).unwrap().node())
            .collect();
        for (i, &g) in groups.iter().enumerate().take(2 * INDEX_FROM) {
            app.attach(g, Note(i)).unwrap();
        }
        let failed = app.atomically(|app| {
            app.attach(groups[3], Note(1000))?;
            for (i, &g) in groups.iter().enumerate().skip(2 * INDEX_FROM) {
                app.attach(g, Note(i))?;
            }
            assert_eq!(
                app.attached::<Note>(groups[3 * INDEX_FROM - 1]),
                Some(&Note(3 * INDEX_FROM - 1))
            );
            Err::<(), TreeError>(TreeError::TooManyNodes(0))
        });
        assert!(failed.is_err());
        assert_eq!(app.attached::<Note>(groups[3]), Some(&Note(3)));
        for (i, &g) in groups.iter().enumerate() {
            let expected = (i < 2 * INDEX_FROM).then_some(Note(i));
            assert_eq!(app.attached::<Note>(g), expected.as_ref(), "{i}");
        }
        let order: Vec<usize> = app.all_attached::<Note>().map(|(_, n)| n.0).collect();
        assert_eq!(order, (0..2 * INDEX_FROM).collect::<Vec<_>>());
        // Attaching again afterwards continues where the undone ones were.
        let last = 3 * INDEX_FROM - 1;
        app.attach(groups[last], Note(last)).unwrap();
        assert_eq!(app.attached::<Note>(groups[last]), Some(&Note(last)));
        assert_eq!(app.all_attached::<Note>().count(), 2 * INDEX_FROM + 1);
    }
}
