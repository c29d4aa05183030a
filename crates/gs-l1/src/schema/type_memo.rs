//! The types and owners found during one run of the checks, remembered: an app has many
//! resources of a few types (subnets, routes, security-group rules), and finding a type in the
//! index and reading its header and its root owner costs hundreds of instructions each time,
//! where a probe of this table costs tens. Nested owners (`Kind::Nested`) are remembered the
//! same way, by the type they belong to and their number.
//!
//! Each table is a dense list of what was found, in the order it was found, and a small open
//! addressing index of `u16`s into it, so that an app with few types touches few bytes.

use super::data::{self, Owner, TypeSchema};

/// A small hash table: `entries` (with their keys' hashes) in the order found, and `index`
/// slots holding an entry's number plus one (0: empty), probed linearly from the key's hash.
struct Table<K, V> {
    entries: Vec<(u64, K, V)>,
    index: Vec<u16>,
}

impl<K: Copy, V: Copy> Table<K, V> {
    fn new() -> Table<K, V> {
        Table {
            entries: Vec::new(),
            index: Vec::new(),
        }
    }

    /// The value of the key that `same` accepts among those hashed to `hash`; or `make`'s,
    /// remembered under `key` (past `u16::MAX` entries, new ones are not kept).
    fn get_or(
        &mut self,
        hash: u64,
        same: impl Fn(&K) -> bool,
        key: K,
        make: impl FnOnce() -> V,
    ) -> V {
        if self.index.is_empty() {
            self.index = vec![0; 32];
        }
        let mask = self.index.len() - 1;
        let mut slot = (hash as usize) & mask;
        // The index is at most half full: a probe ends at an empty slot.
        while let Some(&n) = self.index.get(slot).filter(|&&n| n != 0) {
            if let Some((h, k, v)) = self.entries.get(usize::from(n) - 1) {
                if *h == hash && same(k) {
                    return *v;
                }
            }
            slot = (slot + 1) & mask;
        }
        let value = make();
        let Ok(number) = u16::try_from(self.entries.len() + 1) else {
            return value;
        };
        self.entries.push((hash, key, value));
        if let Some(s) = self.index.get_mut(slot) {
            *s = number;
        }
        if self.entries.len() * 2 > self.index.len() {
            self.grow();
        }
        value
    }

    /// Doubles the index and places every entry again.
    fn grow(&mut self) {
        let len = self.index.len() * 2;
        let mask = len - 1;
        self.index = vec![0; len];
        for (i, (h, _, _)) in self.entries.iter().enumerate() {
            let mut slot = (*h as usize) & mask;
            while self.index.get(slot).is_some_and(|&n| n != 0) {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = self.index.get_mut(slot) {
                // `get_or` keeps at most `u16::MAX` entries.
                *s = u16::try_from(i + 1).unwrap_or(u16::MAX);
            }
        }
    }
}

/// A type found, with its root owner; `None` for a type the data does not know.
pub(crate) type Found = Option<(TypeSchema, Option<Owner>)>;

/// The types and owners found during one run of the checks (the type names borrowed for `'a`).
pub(crate) struct TypeMemo<'a> {
    types: Table<&'a str, Found>,
    /// By the type's identity and the owner's number.
    owners: Table<(usize, usize), Option<Owner>>,
    /// Whether `Fn::GetAtt` may read a name, by the type's identity and the name.
    readable: Table<(usize, &'a str), bool>,
}

impl<'a> TypeMemo<'a> {
    /// An empty memo (it allocates on first use).
    pub(crate) fn new() -> TypeMemo<'a> {
        TypeMemo {
            types: Table::new(),
            owners: Table::new(),
            readable: Table::new(),
        }
    }

    /// `data::lookup(name)` and the type's root owner, remembered.
    pub(crate) fn lookup(&mut self, name: &'a str) -> Found {
        let hash = data::name_hash(name.as_bytes());
        self.types.get_or(
            hash,
            |k| *k == name,
            name,
            || data::lookup(name).map(|t| (t, t.root())),
        )
    }

    /// `check(ty, attr)` (whether `Fn::GetAtt` may read `attr` on the type), remembered.
    pub(crate) fn readable(
        &mut self,
        ty: &TypeSchema,
        attr: &'a str,
        check: impl FnOnce() -> bool,
    ) -> bool {
        let id = ty.identity();
        let h = data::name_hash(attr.as_bytes()) ^ (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.readable.get_or(
            h ^ (h >> 29),
            |k| k.0 == id && k.1 == attr,
            (id, attr),
            check,
        )
    }

    /// `ty.owner(n)`, remembered.
    pub(crate) fn owner(&mut self, ty: &TypeSchema, n: usize) -> Option<Owner> {
        let id = ty.identity();
        let h = (id ^ n.rotate_left(40)) as u64;
        let h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let hash = h ^ (h >> 32);
        self.owners
            .get_or(hash, |k| *k == (id, n), (id, n), || ty.owner(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::data::{lookup, type_names};

    /// Every type (and names that are none), asked twice through one memo (the second time
    /// from copies at other addresses), gives what the data's lookup gives; so does every owner.
    #[test]
    fn the_memo_agrees_with_the_lookup_for_every_type_and_owner() {
        let names: Vec<&str> = type_names()
            .chain(["", "AWS::Nope::Nothing", "AWS::EC2::Subnetx"])
            .collect();
        let copies: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut memo = TypeMemo::new();
        let mut owners = 0;
        for round in [&names, &copies.iter().map(String::as_str).collect()] {
            for &name in round.iter() {
                let want = lookup(name);
                let got = memo.lookup(name);
                assert_eq!(got.map(|(t, _)| t.identity()), want.map(|t| t.identity()));
                let (Some((t, root)), Some(w)) = (got, want) else {
                    continue;
                };
                assert_eq!(t.name, w.name);
                assert_eq!(root.map(|r| r.identity()), w.root().map(|r| r.identity()));
                for n in 0..w.owner_count() + 1 {
                    let got = memo.owner(&t, n).map(|o| (o.identity(), o.name));
                    assert_eq!(
                        got,
                        w.owner(n).map(|o| (o.identity(), o.name)),
                        "{name} {n}"
                    );
                    owners += 1;
                }
            }
        }
        // Thousands of entries: the index grew many times on the way.
        assert!(owners > 10_000, "{owners}");
    }

    /// What `readable` remembers is asked once per type and name, and kept apart per type and
    /// per name (the same name on two types, two names on one type), from copies too.
    #[test]
    fn readable_names_are_asked_once_per_type_and_name() {
        let queue = lookup("AWS::SQS::Queue").unwrap();
        let topic = lookup("AWS::SNS::Topic").unwrap();
        let arn = String::from("Arn");
        let mut memo = TypeMemo::new();
        let mut asked = 0;
        for round in 0..3 {
            for (ty, attr, answer) in [
                (&queue, "Arn", true),
                (&topic, "Arn", false),
                (&queue, "QueueName", false),
                (&queue, arn.as_str(), true),
            ] {
                let got = memo.readable(ty, attr, || {
                    asked += 1;
                    answer
                });
                assert_eq!(got, answer, "{} {attr} round {round}", ty.name);
            }
        }
        assert_eq!(asked, 3);
    }
}
