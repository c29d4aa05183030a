//! The properties found during one run of the checks, remembered: a synthesis checks the same
//! few hundred (owner, name) pairs again and again (every resource of a type has the same keys),
//! and a search over the data costs a few hundred instructions where a probe of this table
//! costs tens.
//!
//! The key is the owner (where its records are) and where the name is (its address and length),
//! not its text: the names are the keys of the tree's maps, mostly `&'static str`s shared by
//! every map that uses them (comparing the text as well was measured: it finds few more hits
//! than it costs), and while the memo lives (it borrows them) no other text can take their
//! place. A slot is two words: the name's address, and the name's length, the owner's offset
//! in the data and the property's packed into the other (a pair that does not fit is searched
//! each time). The table is open-addressed (probed linearly) and at most three quarters full:
//! nothing is evicted, so each pair is searched once; it starts at 8 KB (512 slots, as many as
//! an app of a few hundred pairs needs) and doubles as an app with more pairs fills it.

use super::data::{self, Owner, Prop};

/// How many slots the table starts with (a power of two): 16 bytes each.
const SLOTS: usize = 512;

/// Bits of the packed word for the owner's offset and the property's.
const OFFSET_BITS: u32 = 24;
/// The property offset that means "no such property".
const NONE: u64 = (1 << OFFSET_BITS) - 1;
/// Bits of the packed word for the name's length (the rest).
const LEN_BITS: u32 = 64 - 2 * OFFSET_BITS;

/// One remembered search: `name` is 0 for an empty slot (a `&str`'s address is never 0).
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The name's address.
    name: usize,
    /// The name's length, the owner's offset and the property's ([`NONE`] for none), from
    /// the high bits down.
    packed: u64,
}

/// The key half of a packed word (the length and the owner's offset), or `None` when they do
/// not fit.
fn key(owner: usize, len: usize) -> Option<u64> {
    let (owner, len) = (u64::try_from(owner).ok()?, u64::try_from(len).ok()?);
    (owner < NONE && len < 1 << LEN_BITS).then_some((len << OFFSET_BITS | owner) << OFFSET_BITS)
}

/// The slot a key's probe starts at, in a table of `slots` (a power of two): the high bits of
/// a multiplicative hash of the name's address, length and owner.
fn start(name: usize, key: u64, slots: usize) -> usize {
    let h = (name as u64 ^ key >> OFFSET_BITS).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> (64 - slots.trailing_zeros().clamp(1, 63))) as usize
}

/// The property searches of one run of the checks (the names borrowed for `'a`).
pub(crate) struct PropMemo<'a> {
    slots: Vec<Slot>,
    /// How many slots are taken.
    taken: usize,
    /// How many searches the memo did not answer (what the tests count).
    #[cfg(test)]
    searches: usize,
    names: std::marker::PhantomData<&'a str>,
}

impl<'a> PropMemo<'a> {
    /// An empty memo (it allocates on first use).
    pub(crate) fn new() -> PropMemo<'a> {
        PropMemo {
            slots: Vec::new(),
            taken: 0,
            #[cfg(test)]
            searches: 0,
            names: std::marker::PhantomData,
        }
    }

    /// `owner.prop(name)`, remembered.
    pub(crate) fn prop(&mut self, owner: &Owner, name: &'a str) -> Option<Prop> {
        let Some(key) = key(owner.offset(), name.len()) else {
            return self.search(owner, name).map(data::prop_at);
        };
        let address = name.as_ptr() as usize;
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); SLOTS];
        }
        let mask = self.slots.len() - 1;
        let mut i = start(address, key, self.slots.len());
        // At most three quarters full: a probe ends at an empty slot.
        while let Some(s) = self.slots.get(i).filter(|s| s.name != 0) {
            if s.name == address && s.packed & !NONE == key {
                let at = s.packed & NONE;
                return (at != NONE).then(|| data::prop_at(at as usize));
            }
            i = (i + 1) & mask;
        }
        let found = self.search(owner, name);
        let at = match found.map(u64::try_from) {
            None => NONE,
            Some(Ok(at)) if at < NONE => at,
            // Past what a slot holds (the data is far smaller): not remembered.
            Some(_) => return found.map(data::prop_at),
        };
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = Slot {
                name: address,
                packed: key | at,
            };
            self.taken += 1;
        }
        if self.taken * 4 > self.slots.len() * 3 {
            self.grow();
        }
        found.map(data::prop_at)
    }

    /// Doubles the table and places every slot again.
    fn grow(&mut self) {
        let len = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); len]);
        let mask = len - 1;
        for s in old.into_iter().filter(|s| s.name != 0) {
            let mut i = start(s.name, s.packed & !NONE, len);
            while self.slots.get(i).is_some_and(|s| s.name != 0) {
                i = (i + 1) & mask;
            }
            if let Some(slot) = self.slots.get_mut(i) {
                *slot = s;
            }
        }
    }

    fn search(&mut self, owner: &Owner, name: &str) -> Option<usize> {
        #[cfg(test)]
        {
            self.searches += 1;
        }
        owner.prop_offset(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::data::{lookup, type_names};

    /// Every property of some types, and names they lack, asked three times through one memo
    /// (from copies of the names at other addresses, too) give what `Owner::prop` gives.
    #[test]
    fn the_memo_agrees_with_the_search_on_hits_misses_and_collisions() {
        let names: Vec<&str> = type_names().step_by(7).collect();
        let owned: Vec<String> = ["Tags", "Name", "Nope", "", "Arn", "Type\tx"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut memo = PropMemo::new();
        let mut asked = 0;
        for _round in 0..3 {
            for name in &names {
                let ty = lookup(name).unwrap();
                let Some(root) = ty.root() else { continue };
                let props: Vec<&str> = root.names().collect();
                for key in props
                    .iter()
                    .copied()
                    .chain(owned.iter().map(String::as_str))
                {
                    let want = root
                        .prop(key)
                        .map(|p| (p.kind, p.replacement, p.required, p.constraints.read()));
                    let got = memo
                        .prop(&root, key)
                        .map(|p| (p.kind, p.replacement, p.required, p.constraints.read()));
                    assert_eq!(got, want, "{name}.{key}");
                    asked += 1;
                }
            }
        }
        // Far more pairs than slots: the table grew on the way.
        assert!(asked > 10 * SLOTS, "{asked}");
        assert!(memo.slots.len() > 4 * SLOTS, "{}", memo.slots.len());
        assert!(memo.taken * 4 <= memo.slots.len() * 3);
    }

    /// Two owners that share a property name are told apart.
    #[test]
    fn the_same_name_in_two_owners_is_two_entries() {
        let a = lookup("AWS::SQS::Queue").unwrap().root().unwrap();
        let b = lookup("AWS::SNS::Topic").unwrap().root().unwrap();
        let mut memo = PropMemo::new();
        let key = "DelaySeconds";
        assert!(memo.prop(&a, key).is_some());
        assert!(memo.prop(&b, key).is_none());
        assert!(memo.prop(&a, key).is_some());
        assert!(memo.prop(&b, key).is_none());
    }

    /// An app's few hundred pairs (here 360, as many as GlobalStream has), asked again, are
    /// answered from the memo with few searches: the table holds them with few evictions.
    #[test]
    fn a_few_hundred_pairs_asked_again_are_remembered() {
        let mut pairs = Vec::new();
        for name in type_names().step_by(11) {
            let Some(root) = lookup(name).and_then(|t| t.root()) else {
                continue;
            };
            for key in root.names().take(6) {
                pairs.push((root, key));
            }
            if pairs.len() >= 360 {
                break;
            }
        }
        pairs.truncate(360);
        assert_eq!(pairs.len(), 360);
        let mut memo = PropMemo::new();
        for (owner, key) in &pairs {
            assert!(memo.prop(owner, key).is_some());
        }
        assert_eq!(memo.searches, 360);
        for (owner, key) in &pairs {
            assert!(memo.prop(owner, key).is_some());
        }
        // Nothing was evicted.
        assert_eq!(memo.searches, 360);
        assert_eq!(memo.slots.len(), SLOTS);
    }

    /// A pair whose name is too long to pack (or whose owner is not in the data) is searched
    /// each time and answered as the search answers.
    #[test]
    fn pairs_that_do_not_pack_are_searched_each_time() {
        let root = lookup("AWS::SQS::Queue").unwrap().root().unwrap();
        let long = "D".repeat(1 << LEN_BITS);
        let mut memo = PropMemo::new();
        for _ in 0..3 {
            assert!(memo.prop(&root, &long).is_none());
        }
        assert_eq!(memo.searches, 3);
        assert_eq!(key(NONE as usize, 3), None);
        assert!(key(NONE as usize - 1, 3).is_some());
    }
}
