//! The properties found during one run of the checks, remembered: a synthesis checks the same
//! few hundred (owner, name) pairs again and again (every resource of a type has the same keys),
//! and a binary search over the data costs a few hundred instructions where a probe of this
//! table costs tens.
//!
//! The key is where the name is (its address and length), not its text: the names are the
//! keys of the tree's maps, mostly `&'static str`s shared by every map that uses them, and
//! while the memo lives (it borrows them) no other text can take their place. The table is
//! small and direct-mapped (a slot holds the last pair that hashed to it), so that it costs
//! few fresh pages; a miss only costs the search it would have cost anyway.

use std::marker::PhantomData;

use super::data::{self, Owner, Prop};

/// How many slots (a power of two): 24 bytes each.
const SLOTS: usize = 256;

/// One remembered search: `name` is 0 for an empty slot (no `&str` is at address 0).
#[derive(Clone, Copy)]
struct Slot {
    name: usize,
    owner: usize,
    len: u32,
    /// [`data::prop_at`]'s offset, or `u32::MAX` for "no such property".
    at: u32,
}

const EMPTY: Slot = Slot {
    name: 0,
    owner: 0,
    len: 0,
    at: 0,
};
const NONE: u32 = u32::MAX;

/// The property searches of one run of the checks (the names borrowed for `'a`).
pub(crate) struct PropMemo<'a> {
    slots: Vec<Slot>,
    names: PhantomData<&'a str>,
}

impl<'a> PropMemo<'a> {
    /// An empty memo (it allocates on first use).
    pub(crate) fn new() -> PropMemo<'a> {
        PropMemo {
            slots: Vec::new(),
            names: PhantomData,
        }
    }

    /// `owner.prop(name)`, remembered.
    pub(crate) fn prop(&mut self, owner: &Owner, name: &'a str) -> Option<Prop> {
        let (Ok(len), key) = (u32::try_from(name.len()), name.as_ptr() as usize) else {
            return owner.prop(name);
        };
        let id = owner.identity();
        let h = (key ^ id.rotate_left(23) ^ name.len()) as u64;
        let h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let i = (h >> 56) as usize % SLOTS;
        if self.slots.is_empty() {
            self.slots = vec![EMPTY; SLOTS];
        }
        let Some(slot) = self.slots.get_mut(i) else {
            return owner.prop(name);
        };
        if slot.name == key && slot.len == len && slot.owner == id {
            return (slot.at != NONE).then(|| data::prop_at(slot.at as usize));
        }
        let found = owner.prop_offset(name);
        let at = match found {
            None => NONE,
            Some(at) => match u32::try_from(at) {
                Ok(at) if at != NONE => at,
                // Past what a slot holds (the data is far smaller): not remembered.
                _ => return found.map(data::prop_at),
            },
        };
        *slot = Slot {
            name: key,
            owner: id,
            len,
            at,
        };
        found.map(data::prop_at)
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
                        .map(|p| (p.kind, p.replacement, p.constraints.read()));
                    let got = memo
                        .prop(&root, key)
                        .map(|p| (p.kind, p.replacement, p.constraints.read()));
                    assert_eq!(got, want, "{name}.{key}");
                    asked += 1;
                }
            }
        }
        // Far more pairs than slots: collisions were met.
        assert!(asked > 10 * SLOTS, "{asked}");
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
}
