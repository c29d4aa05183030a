//! What a frozen tree keeps by node index, in one compact row a node.
//!
//! A tree lives as long as synthesis, so every byte it keeps a node is memory touched, and a
//! touched page costs as much as thousands of instructions. Five tables by node index (a logical
//! ID span, a reference range and a section-name range, a list of dependencies, how the node takes
//! tags) took 104 bytes a node and five allocations; a row takes 24, in one.
//!
//! Offsets are kept as `u32`: the texts and lists they point into would need more than 4 GiB
//! (and an app of tens of millions of nodes) to overflow them. Past that an offset saturates
//! and answers are wrong rather than a panic; no app that fits in memory gets there.

use crate::handle::NodeId;
use crate::node::Tagging;

/// No value (a node with no logical ID, no dependencies, no tagging).
const NONE: u32 = u32::MAX;

/// The most distinct tagging ways looked through before one is added again (types tag in a
/// handful of ways: `Tags` as a list or a map, a few other names).
const TAGGINGS_SEARCHED: usize = 8;

/// One node's entry (see the module).
#[derive(Clone, Copy)]
struct Row {
    /// Where the node's logical ID lies in the tree's ID text (`NONE`: it has none).
    id_start: u32,
    id_end: u32,
    /// One past the end of its references and of its section names in the tree's lists (they
    /// start where the node before's end).
    references_end: u32,
    names_end: u32,
    /// One past the end of its dependencies in [`NodeTable::dependencies`] (they start where
    /// the node before's end).
    dependencies_end: u32,
    /// One past its tagging in [`NodeTable::taggings`], or 0 for none.
    tagging: u32,
}

const EMPTY: Row = Row {
    id_start: NONE,
    id_end: NONE,
    references_end: 0,
    names_end: 0,
    dependencies_end: 0,
    tagging: 0,
};

/// An offset as a row keeps it (see the module on saturation).
#[inline]
fn offset(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(NONE - 1)
}

/// Whether two ways of tagging are equal, by the address of the property name first (most are
/// the same `'static` text).
#[inline]
fn same_tagging(a: Tagging, b: Tagging) -> bool {
    match (a, b) {
        (Tagging::List(x), Tagging::List(y)) | (Tagging::Map(x), Tagging::Map(y)) => {
            std::ptr::eq(x, y) || x == y
        }
        _ => false,
    }
}

/// The tree's tables by node index.
pub(crate) struct NodeTable {
    rows: Vec<Row>,
    /// The distinct ways of tagging met, which rows point into.
    taggings: Vec<Tagging>,
    /// The resources each node depends on, node after node (see [`NodeTable::set_dependencies`]).
    dependencies: Vec<NodeId>,
}

impl NodeTable {
    /// A table of `n` empty rows.
    pub(crate) fn new(n: usize) -> NodeTable {
        NodeTable {
            rows: vec![EMPTY; n],
            taggings: Vec::new(),
            dependencies: Vec::new(),
        }
    }

    /// Sets the span of the logical ID of node `index`.
    #[inline]
    pub(crate) fn set_logical_id(&mut self, index: usize, span: Option<std::ops::Range<usize>>) {
        if let Some(row) = self.rows.get_mut(index) {
            (row.id_start, row.id_end) = match span {
                Some(s) if offset(s.end) < NONE - 1 => (offset(s.start), offset(s.end)),
                _ => (NONE, NONE),
            };
        }
    }

    /// The span of the logical ID of node `index`.
    #[inline]
    pub(crate) fn logical_id(&self, index: usize) -> Option<std::ops::Range<usize>> {
        let row = self.rows.get(index)?;
        (row.id_start != NONE).then_some(row.id_start as usize..row.id_end as usize)
    }

    /// Sets where the references and section names of node `index` end; the nodes are set in
    /// order, each starting where the one before ends.
    #[inline]
    pub(crate) fn set_ends(&mut self, index: usize, references: usize, names: usize) {
        if let Some(row) = self.rows.get_mut(index) {
            row.references_end = offset(references);
            row.names_end = offset(names);
        }
    }

    /// Where the references of node `index` lie.
    #[inline]
    pub(crate) fn references(&self, index: usize) -> Option<std::ops::Range<usize>> {
        self.range(index, |row| row.references_end)
    }

    /// Where the section names of node `index` lie.
    #[inline]
    pub(crate) fn names(&self, index: usize) -> Option<std::ops::Range<usize>> {
        self.range(index, |row| row.names_end)
    }

    /// The range of node `index` in a flat list whose ends each row keeps (`end`): from the
    /// previous row's end to its own.
    #[inline]
    fn range(&self, index: usize, end: impl Fn(&Row) -> u32) -> Option<std::ops::Range<usize>> {
        let stop = end(self.rows.get(index)?) as usize;
        let start = match index.checked_sub(1) {
            Some(before) => end(self.rows.get(before)?) as usize,
            None => 0,
        };
        Some(start..stop)
    }

    /// Sets how node `index` takes tags.
    #[inline]
    pub(crate) fn set_tagging(&mut self, index: usize, tagging: Option<Tagging>) {
        let Some(t) = tagging else {
            if let Some(row) = self.rows.get_mut(index) {
                row.tagging = 0;
            }
            return;
        };
        // Most resources tag as the one before (a `Tags` list): one comparison of pointers.
        let last = self.taggings.len().wrapping_sub(1);
        let known = match self.taggings.last() {
            Some(&k) if same_tagging(k, t) => Some(last),
            _ => self
                .taggings
                .iter()
                .take(TAGGINGS_SEARCHED)
                .position(|&k| same_tagging(k, t)),
        };
        let at = known.unwrap_or_else(|| {
            self.taggings.push(t);
            self.taggings.len() - 1
        });
        if let Some(row) = self.rows.get_mut(index) {
            row.tagging = offset(at + 1);
        }
    }

    /// How node `index` takes tags.
    #[inline]
    pub(crate) fn tagging(&self, index: usize) -> Option<Tagging> {
        let at = self.rows.get(index)?.tagging.checked_sub(1)?;
        self.taggings.get(at as usize).copied()
    }

    /// Sets every node's dependencies from `(node index, target)` pairs in the order declared:
    /// each node's targets keep that order, repeats removed (the first kept).
    pub(crate) fn set_dependencies(&mut self, mut pairs: Vec<(u32, NodeId)>) {
        // Stable: a node's targets stay in the order they were declared.
        pairs.sort_by_key(|&(source, _)| source);
        let mut flat = Vec::with_capacity(pairs.len());
        let mut seen = std::collections::HashSet::<NodeId, crate::FastState>::default();
        let mut rest = pairs.as_slice();
        let mut next_row = 0;
        while let Some(&(source, _)) = rest.first() {
            let len = rest.iter().take_while(|(s, _)| *s == source).count();
            let (group, after) = rest.split_at(len);
            rest = after;
            seen.clear();
            let group_start = offset(flat.len());
            flat.extend(
                group
                    .iter()
                    .map(|&(_, t)| t)
                    .filter(|t| len == 1 || seen.insert(*t)),
            );
            // Rows up to this node end where the lists before it end; this one after its own.
            let source = source as usize;
            while next_row < source {
                if let Some(row) = self.rows.get_mut(next_row) {
                    row.dependencies_end = group_start;
                }
                next_row += 1;
            }
            if let Some(row) = self.rows.get_mut(source) {
                row.dependencies_end = offset(flat.len());
            }
            next_row = source + 1;
        }
        let end = offset(flat.len());
        for row in self.rows.iter_mut().skip(next_row) {
            row.dependencies_end = end;
        }
        self.dependencies = flat;
    }

    /// The dependencies of node `index`.
    #[inline]
    pub(crate) fn dependencies(&self, index: usize) -> &[NodeId] {
        let Some(row) = self.rows.get(index) else {
            return &[];
        };
        let start = match index.checked_sub(1).and_then(|b| self.rows.get(b)) {
            Some(before) => before.dependencies_end as usize,
            None => 0,
        };
        self.dependencies
            .get(start..row.dependencies_end as usize)
            .unwrap_or(&[])
    }

    /// The heap bytes the table holds, lists included.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.rows.capacity() * size_of::<Row>()
            + self.taggings.capacity() * size_of::<Tagging>()
            + self.dependencies.capacity() * size_of::<NodeId>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_small_and_every_field_reads_back() {
        assert!(std::mem::size_of::<Row>() <= 24);
        let mut t = NodeTable::new(4);
        assert_eq!(t.logical_id(0), None);
        t.set_logical_id(1, Some(3..9));
        t.set_logical_id(2, Some(9..9));
        assert_eq!(t.logical_id(1), Some(3..9));
        assert_eq!(t.logical_id(2), Some(9..9), "an empty ID is an ID");
        t.set_logical_id(1, None);
        assert_eq!(t.logical_id(1), None);
        // Too far to keep: no ID rather than a wrong one.
        t.set_logical_id(3, Some(0..usize::MAX));
        assert_eq!(t.logical_id(3), None);
        assert_eq!(t.logical_id(7), None);

        for (i, (r, n)) in [(2, 0), (2, 1), (5, 1), (6, 4)].into_iter().enumerate() {
            t.set_ends(i, r, n);
        }
        assert_eq!(t.references(0), Some(0..2));
        assert_eq!(t.references(1), Some(2..2));
        assert_eq!(t.references(3), Some(5..6));
        assert_eq!(t.names(2), Some(1..1));
        assert_eq!(t.names(3), Some(1..4));
        assert_eq!(t.references(4), None);

        let many: Vec<Tagging> = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
            .into_iter()
            .map(Tagging::Map)
            .collect();
        for (i, &tag) in many.iter().cycle().take(40).enumerate() {
            let mut t = NodeTable::new(40);
            t.set_tagging(i, Some(tag));
            assert_eq!(t.tagging(i), Some(tag));
        }
        let mut t2 = NodeTable::new(40);
        for (i, &tag) in many.iter().cycle().take(40).enumerate() {
            t2.set_tagging(i, Some(tag));
        }
        for (i, &tag) in many.iter().cycle().take(40).enumerate() {
            assert_eq!(t2.tagging(i), Some(tag), "{i}");
        }
        t2.set_tagging(0, None);
        assert_eq!(t2.tagging(0), None);
        assert!(t2.taggings.len() < 40);

        let (a, b, c) = (
            NodeId { app: 1, index: 7 },
            NodeId { app: 1, index: 8 },
            NodeId { app: 1, index: 9 },
        );
        assert!(t.dependencies(1).is_empty());
        // Declared in this order: node 1 on b, 3 on b, 1 on a, 1 on b again, 1 on c, 3 on c.
        t.set_dependencies(vec![(1, b), (3, b), (1, a), (1, b), (1, c), (3, c)]);
        assert_eq!(t.dependencies(1), &[b, a, c]);
        assert_eq!(t.dependencies(3), &[b, c]);
        for none in [0, 2, 9] {
            assert!(t.dependencies(none).is_empty(), "{none}");
        }
        t.set_dependencies(vec![(0, a)]);
        assert_eq!(t.dependencies(0), &[a]);
        assert!(t.dependencies(1).is_empty() && t.dependencies(3).is_empty());
        t.set_dependencies(Vec::new());
        assert!((0..4).all(|i| t.dependencies(i).is_empty()));
    }
}
