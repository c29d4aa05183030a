//! The properties found during one run of the checks, remembered: a synthesis checks the same
//! few hundred (owner, name) pairs again and again (every resource of a type has the same keys),
//! and a binary search over the data costs a few hundred instructions where a probe of this
//! table costs tens.
//!
//! The key is the owner (where its records are) and where the name is (its address and length),
//! not its text: the names are the keys of the tree's maps, mostly `&'static str`s shared by
//! every map that uses them (comparing the text as well was measured: it finds few more hits
//! than it costs), and while the memo lives (it borrows them) no other text can take their
//! place. The table is small and two-way set-associative (a pair
//! lives in one of two neighbouring slots), so that it costs few fresh pages; a miss only costs
//! the search it would have cost anyway.

use super::data::{self, Owner, Prop};

/// How many slots (a power of two): 32 bytes each.
const SLOTS: usize = 256;

/// One remembered search: `name` is `None` for an empty slot.
#[derive(Clone, Copy)]
struct Slot<'a> {
    name: Option<&'a str>,
    owner: usize,
    /// [`data::prop_at`]'s offset, or `u32::MAX` for "no such property".
    at: u32,
}

const NONE: u32 = u32::MAX;

/// The property searches of one run of the checks (the names borrowed for `'a`).
pub(crate) struct PropMemo<'a> {
    slots: Vec<Slot<'a>>,
    /// Which way a miss replaces when both are taken.
    turn: bool,
}

impl<'a> PropMemo<'a> {
    /// An empty memo (it allocates on first use).
    pub(crate) fn new() -> PropMemo<'a> {
        PropMemo {
            slots: Vec::new(),
            turn: false,
        }
    }

    /// `owner.prop(name)`, remembered.
    pub(crate) fn prop(&mut self, owner: &Owner, name: &'a str) -> Option<Prop> {
        let id = owner.identity();
        let h = (name.as_ptr() as usize ^ id.rotate_left(23) ^ name.len()) as u64;
        let h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let i = (h >> 56) as usize % SLOTS;
        if self.slots.is_empty() {
            let empty = Slot {
                name: None,
                owner: 0,
                at: 0,
            };
            self.slots = vec![empty; SLOTS];
        }
        // Two ways: the pair is in slot `i` or its neighbour `i ^ 1`.
        let hit = |s: &Slot| {
            s.owner == id
                && s.name
                    .is_some_and(|n| n.len() == name.len() && n.as_ptr() == name.as_ptr())
        };
        for s in [i, i ^ 1] {
            if let Some(slot) = self.slots.get(s).filter(|s| hit(s)) {
                return (slot.at != NONE).then(|| data::prop_at(slot.at as usize));
            }
        }
        // A miss: fill the way that is empty, else take the neighbour's place in turn (the
        // older of the two is not known; alternating keeps both ways in use).
        let empty = |s: usize| self.slots.get(s).is_some_and(|s| s.name.is_none());
        let way = if empty(i) {
            i
        } else if empty(i ^ 1) {
            i ^ 1
        } else {
            i ^ usize::from(self.turn)
        };
        self.turn = !self.turn;
        let found = owner.prop_offset(name);
        let at = match found.map(u32::try_from) {
            None => NONE,
            Some(Ok(at)) if at != NONE => at,
            // Past what a slot holds (the data is far smaller): not remembered.
            Some(_) => return found.map(data::prop_at),
        };
        if let Some(slot) = self.slots.get_mut(way) {
            *slot = Slot {
                name: Some(name),
                owner: id,
                at,
            };
        }
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
