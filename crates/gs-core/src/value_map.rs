//! [`ValueMap`]: the insertion-ordered map of property values.
//!
//! Almost every map of a template is small: a resource's properties, a tag, a statement, an
//! intrinsic's arguments. Such a map is a list of entries searched in order, which costs no hash
//! and no table to build, grow, clone or free. A map that grows past [`INDEXED_FROM`] entries
//! (a mapping table, a large user map) moves into a hash-indexed map, so that no map is searched
//! entry by entry at any size.

use std::borrow::Cow;
use std::fmt;

use indexmap::IndexMap;

use crate::fast_hash::FastState;
use crate::value::Value;

/// The size from which a map keeps a hash index of its keys.
const INDEXED_FROM: usize = 16;

type Key = Cow<'static, str>;

/// Whether two keys are equal, telling apart most keys of one length by their first byte before
/// comparing them whole (a call to `memcmp`): a small map is searched key by key, and property
/// names of one length are common.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.first() == b.first() && a == b
}

#[derive(Clone)]
enum Entries {
    /// At most [`INDEXED_FROM`] entries, searched in order.
    Listed(Vec<(Key, Value)>),
    /// A map that once grew past [`INDEXED_FROM`] entries (boxed, so that every map, and every
    /// value, stays small).
    Indexed(Box<IndexMap<Key, Value, FastState>>),
}

/// An insertion-ordered map of values. gs owns the order (not a cargo feature of another crate),
/// so the same program always emits the same bytes. Two maps are equal when they hold the same
/// entries, in whatever order.
///
/// ```
/// use gs_core::{ValueMap, Value};
/// let m = ValueMap::new().with("B", 1).with("A", true);
/// let keys: Vec<&str> = m.keys().collect();
/// assert_eq!(keys, ["B", "A"]);
/// assert_eq!(m.get("A"), Some(&Value::Bool(true)));
/// ```
#[derive(Clone)]
pub struct ValueMap(Entries);

impl Default for ValueMap {
    fn default() -> Self {
        ValueMap::new()
    }
}

impl ValueMap {
    /// An empty map.
    pub fn new() -> ValueMap {
        ValueMap(Entries::Listed(Vec::new()))
    }

    /// An empty map with room for `n` entries, so that filling it grows nothing (a map of
    /// more than 16 entries is indexed: room for 16 is made, the rest when it moves).
    ///
    /// ```
    /// use gs_core::ValueMap;
    /// let m = ValueMap::with_capacity(3).with("A", 1).with("B", 2).with("C", 3);
    /// assert_eq!(m.len(), 3);
    /// ```
    pub fn with_capacity(n: usize) -> ValueMap {
        ValueMap(Entries::Listed(Vec::with_capacity(n.min(INDEXED_FROM))))
    }

    /// The map with `key` set to `value` (replacing an earlier value in place).
    #[must_use]
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> ValueMap {
        self.insert(key, value);
        self
    }

    /// The map with `key` set only when `value` is `Some`.
    #[must_use]
    pub fn with_opt<V: Into<Value>>(
        mut self,
        key: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> ValueMap {
        if let Some(v) = value {
            self.insert(key, v);
        }
        self
    }

    /// Sets `key` to `value`; an existing key keeps its position.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Value>) {
        let (key, value) = (key.into(), value.into());
        match &mut self.0 {
            Entries::Listed(entries) => {
                if let Some(slot) = entries.iter_mut().find(|(k, _)| same_key(k, &key)) {
                    slot.1 = value;
                } else if entries.len() < INDEXED_FROM {
                    // Grown as a `Vec` grows (room for 4, then 8, then 16): most maps are a
                    // tag, a statement or an intrinsic's arguments, of 1 to 4 entries, and room
                    // for 8 from the start made every such map 640 bytes, about 10% of the
                    // heap a whole app touched (measured on the GlobalStream example: 19 fewer
                    // page faults, for 15,000 more instructions of reallocation).
                    entries.push((key, value));
                } else {
                    let mut indexed: IndexMap<Key, Value, FastState> =
                        std::mem::take(entries).into_iter().collect();
                    indexed.insert(key, value);
                    self.0 = Entries::Indexed(Box::new(indexed));
                }
            }
            Entries::Indexed(map) => {
                map.insert(key, value);
            }
        }
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.0 {
            Entries::Listed(entries) => entries
                .iter()
                .find(|(k, _)| same_key(k, key))
                .map(|(_, v)| v),
            Entries::Indexed(map) => map.get(key),
        }
    }

    /// A mutable reference to the value at `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match &mut self.0 {
            Entries::Listed(entries) => entries
                .iter_mut()
                .find(|(k, _)| same_key(k, key))
                .map(|(_, v)| v),
            Entries::Indexed(map) => map.get_mut(key),
        }
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.0 {
            Entries::Listed(entries) => {
                let at = entries.iter().position(|(k, _)| same_key(k, key))?;
                Some(entries.remove(at).1)
            }
            Entries::Indexed(map) => map.shift_remove(key),
        }
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(k, _)| k)
    }

    /// The entries, in insertion order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &Value)> + ExactSizeIterator {
        self.entries()
    }

    /// The entries, in insertion order, as an iterator that can be named (kept on a writer's
    /// stack).
    pub(crate) fn entries(&self) -> Iter<'_> {
        match &self.0 {
            Entries::Listed(entries) => Iter::Listed(entries.iter()),
            Entries::Indexed(map) => Iter::Indexed(map.iter()),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.0 {
            Entries::Listed(entries) => entries.len(),
            Entries::Indexed(map) => map.len(),
        }
    }

    /// How many entries the map holds without growing (tests of the builders that size maps).
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        match &self.0 {
            Entries::Listed(entries) => entries.capacity(),
            Entries::Indexed(map) => map.capacity(),
        }
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The entries of either form, as `(&str, &Value)`.
pub(crate) enum Iter<'a> {
    Listed(std::slice::Iter<'a, (Key, Value)>),
    Indexed(indexmap::map::Iter<'a, Key, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Listed(entries) => entries.next().map(|(k, v)| (k.as_ref(), v)),
            Iter::Indexed(entries) => entries.next().map(|(k, v)| (k.as_ref(), v)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Listed(entries) => entries.size_hint(),
            Iter::Indexed(entries) => entries.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Listed(entries) => entries.next_back().map(|(k, v)| (k.as_ref(), v)),
            Iter::Indexed(entries) => entries.next_back().map(|(k, v)| (k.as_ref(), v)),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl PartialEq for ValueMap {
    /// The same entries, in whatever order (as maps compare).
    fn eq(&self, other: &ValueMap) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for ValueMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The entries of either form, taken out of the map in order.
pub struct ValueMapIntoIter(IntoIterInner);

enum IntoIterInner {
    Listed(std::vec::IntoIter<(Key, Value)>),
    Indexed(indexmap::map::IntoIter<Key, Value>),
}

impl Iterator for ValueMapIntoIter {
    type Item = (Cow<'static, str>, Value);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IntoIterInner::Listed(entries) => entries.next(),
            IntoIterInner::Indexed(entries) => entries.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IntoIterInner::Listed(entries) => entries.size_hint(),
            IntoIterInner::Indexed(entries) => entries.size_hint(),
        }
    }
}

impl IntoIterator for ValueMap {
    type Item = (Cow<'static, str>, Value);
    type IntoIter = ValueMapIntoIter;

    /// The entries in insertion order, moved out (no value copied).
    fn into_iter(self) -> ValueMapIntoIter {
        ValueMapIntoIter(match self.0 {
            Entries::Listed(entries) => IntoIterInner::Listed(entries.into_iter()),
            Entries::Indexed(entries) => IntoIterInner::Indexed(entries.into_iter()),
        })
    }
}

impl<K: Into<Cow<'static, str>>, V: Into<Value>> FromIterator<(K, V)> for ValueMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        // Room for as many entries as the iterator surely gives: no growth on the way.
        let mut map = ValueMap::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A map of `n` entries `k0..`, each `ki` set to `i`, built by inserts.
    fn counted(n: usize) -> ValueMap {
        (0..n).map(|i| (format!("k{i}"), i as i64)).collect()
    }

    #[test]
    fn small_and_large_maps_keep_insertion_order_replace_in_place_and_remove_in_order() {
        for n in [0, 1, INDEXED_FROM - 1, INDEXED_FROM, INDEXED_FROM + 1, 100] {
            let mut m = counted(n);
            assert_eq!(m.len(), n);
            let keys: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
            assert!(m.keys().eq(keys.iter().map(String::as_str)), "{n}");
            if n == 0 {
                assert!(m.is_empty() && m.get("k0").is_none());
                continue;
            }
            // Replacing keeps the position.
            m.insert("k0", "first");
            assert_eq!(m.keys().next(), Some("k0"));
            assert_eq!(m.get("k0"), Some(&Value::from("first")));
            if let Some(v) = m.get_mut("k0") {
                *v = Value::Bool(true);
            }
            assert_eq!(m.get("k0"), Some(&Value::Bool(true)));
            // Removing keeps the order of the others.
            assert_eq!(m.remove("k0"), Some(Value::Bool(true)));
            assert!(m.remove("k0").is_none());
            assert!(m.keys().eq(keys[1..].iter().map(String::as_str)), "{n}");
            assert!(!m.contains_key("k0"));
            assert_eq!(m.contains_key("k1"), n > 1);
        }
    }

    #[test]
    fn into_iter_moves_the_entries_out_in_insertion_order_in_either_form() {
        for n in [0, 3, INDEXED_FROM + 5] {
            // Inserted backwards, so that insertion order is not the keys' order.
            let m: ValueMap = (0..n).rev().map(|i| (format!("k{i}"), i as i64)).collect();
            let iter = m.clone().into_iter();
            assert_eq!(iter.size_hint(), (n, Some(n)));
            let entries: Vec<(Cow<'static, str>, Value)> = iter.collect();
            let expected: Vec<(Cow<'static, str>, Value)> = m
                .iter()
                .map(|(k, v)| (Cow::Owned(k.to_owned()), v.clone()))
                .collect();
            assert_eq!(entries, expected, "{n}");
            assert_eq!(
                entries.first().map(|(k, _)| k.as_ref()),
                (n > 0).then(|| format!("k{}", n - 1)).as_deref()
            );
        }
    }

    #[test]
    fn maps_are_equal_whatever_the_order_and_size() {
        for n in [2, INDEXED_FROM + 3] {
            let forward = counted(n);
            let backward: ValueMap = (0..n).rev().map(|i| (format!("k{i}"), i as i64)).collect();
            assert_eq!(forward, backward);
            assert_ne!(forward, counted(n - 1));
            assert_ne!(forward, forward.clone().with("k0", "changed"));
        }
        // A map that grew past the index size equals one that was built small.
        let mut grown = counted(INDEXED_FROM + 1);
        grown.remove(&format!("k{INDEXED_FROM}"));
        assert_eq!(grown, counted(INDEXED_FROM));
    }

    #[test]
    fn a_map_and_a_value_stay_small() {
        // The large form is boxed: a map is one list, and a value (which may hold a map, in
        // `Fn::Sub`) is not much larger.
        let word = std::mem::size_of::<usize>();
        assert!(std::mem::size_of::<ValueMap>() <= 4 * word);
        assert!(std::mem::size_of::<Value>() <= 8 * word);
    }

    #[test]
    fn a_small_map_takes_room_for_a_few_entries_only() {
        // A tag ({"Key", "Value"}) and most intrinsics' arguments hold 1 to 4 entries: the
        // first insert makes room for 4, not for a resource's worth of properties.
        let tag = ValueMap::new().with("Key", "Team").with("Value", "media");
        let Entries::Listed(entries) = &tag.0 else {
            panic!("a map of 2 entries is listed");
        };
        assert!(entries.capacity() <= 4, "{}", entries.capacity());
        // Growing keeps every entry, in order.
        let grown = counted(INDEXED_FROM);
        assert!(grown.keys().eq((0..INDEXED_FROM).map(|i| format!("k{i}"))));
    }

    #[test]
    fn a_map_collected_or_made_with_capacity_is_not_grown_while_filled() {
        let Entries::Listed(entries) = &counted(10).0 else {
            panic!("a map of 10 entries is listed");
        };
        assert_eq!(entries.capacity(), 10);
        let mut m = ValueMap::with_capacity(5);
        let before = match &m.0 {
            Entries::Listed(e) => e.as_ptr(),
            Entries::Indexed(_) => panic!("listed"),
        };
        for i in 0..5 {
            m.insert(format!("k{i}"), i);
        }
        let Entries::Listed(entries) = &m.0 else {
            panic!("listed");
        };
        assert_eq!((entries.capacity(), entries.as_ptr()), (5, before));
        // Past the index size, a map still fills and keeps its order.
        let big = ValueMap::with_capacity(100).with("a", 1);
        assert!(matches!(&big.0, Entries::Listed(e) if e.capacity() == INDEXED_FROM));
        assert!(counted(40).keys().eq((0..40).map(|i| format!("k{i}"))));
    }

    #[test]
    fn debug_shows_the_entries_in_order() {
        let m = ValueMap::new().with("B", 1).with("A", true);
        assert_eq!(format!("{m:?}"), r#"{"B": Int(1), "A": Bool(true)}"#);
    }
}
