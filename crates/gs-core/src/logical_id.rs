//! Logical IDs, computed from construct paths exactly as AWS CDK computes them
//! (aws-cdk-lib `core/lib/private/uniqueid.ts`), so equal paths give equal IDs in both tools and a
//! stack can move between them without replacing resources.
//!
//! The rule, on the path components below the stack:
//! 1. drop every component equal to `Default`;
//! 2. if one component is left, the ID is that component with non-alphanumerics removed
//!    (no hash), as long as it fits in 255 characters; this keeps hand-written templates'
//!    IDs when they are ported;
//! 3. otherwise the readable part skips `Resource` and any component that the previous kept one
//!    ends with, strips non-alphanumerics and is cut to 240 characters; the suffix is the first
//!    8 hex digits, upper-case, of the MD5 of the kept components joined by `/` (`Resource`
//!    included), which keeps IDs unique when readable parts collide.

const HIDDEN_ID: &str = "Default";
const HIDDEN_FROM_HUMAN_ID: &str = "Resource";
const MAX_HUMAN_LEN: usize = 240;
/// The longest logical ID CloudFormation accepts.
pub const MAX_LOGICAL_ID_LEN: usize = 255;

/// The logical ID of a resource whose path below its stack is `components`; `None` when every
/// component is `Default` (CDK refuses that path too).
///
/// ```
/// use gs_core::logical_id_of;
/// assert_eq!(logical_id_of(&["Networking", "Vpc", "Resource"]).as_deref(), Some("NetworkingVpc6B5E6F44"));
/// assert_eq!(logical_id_of(&["MyBucket"]).as_deref(), Some("MyBucket"));
/// assert_eq!(logical_id_of(&["Default"]), None);
/// ```
pub fn logical_id_of<S: AsRef<str>>(components: &[S]) -> Option<String> {
    let mut id = String::with_capacity(64);
    push_logical_id(components, &mut id).then_some(id)
}

/// [`logical_id_of`] appended to `out` (a frozen tree keeps every logical ID in one string);
/// `false`, and `out` unchanged, when there is none.
pub(crate) fn push_logical_id<S: AsRef<str>>(components: &[S], out: &mut String) -> bool {
    let mut ids = PathIds::default();
    for (depth, c) in components.iter().enumerate() {
        ids.enter(depth + 1, c.as_ref());
    }
    ids.push_id(out)
}

/// What the logical IDs of every node below a path share, computed once per path component:
/// the kept components joined by `/` (what MD5 hashes) and the readable part so far, each a
/// prefix of one buffer. A frozen tree walks each stack depth first and [`PathIds::enter`]s
/// each node, so an element's ID costs its own component, a copy of the readable part and one
/// MD5 rather than a walk up its path and three passes over the components.
#[derive(Default)]
pub(crate) struct PathIds<'a> {
    /// The readable part of the path entered last (not yet cut to 240 characters).
    human: String,
    /// The kept components of the path entered last, joined by `/`.
    joined: Vec<u8>,
    /// By depth (0 is the stack, or nothing): what the path down to that depth left.
    levels: Vec<Level<'a>>,
}

/// The state of [`PathIds`] after one path component.
#[derive(Clone, Copy, Default)]
struct Level<'a> {
    /// The kept (not `Default`) components so far, counted up to 2.
    kept: u8,
    /// The first kept component (the ID itself when it is the only one).
    first: &'a str,
    /// The last component the readable part did not skip, which the next one is compared with.
    previous: Option<&'a str>,
    /// Where the readable part and the joined components end in their buffers.
    human_len: usize,
    joined_len: usize,
}

impl<'a> PathIds<'a> {
    /// Enters the component `id` at `depth` below the stack (1 for the stack's children): the
    /// path is now the one entered at `depth - 1` followed by `id`. Depths beyond one past the
    /// deepest entered are taken as one past it.
    pub(crate) fn enter(&mut self, depth: usize, id: &'a str) {
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        self.levels.truncate(depth.max(1));
        let Some(&parent) = self.levels.last() else {
            return;
        };
        self.human.truncate(parent.human_len);
        self.joined.truncate(parent.joined_len);
        let mut level = parent;
        if id != HIDDEN_ID {
            if level.kept > 0 {
                self.joined.push(b'/');
            } else {
                level.first = id;
            }
            self.joined.extend_from_slice(id.as_bytes());
            level.kept = level.kept.saturating_add(1).min(2);
            if !level.previous.is_some_and(|p| p.ends_with(id)) {
                level.previous = Some(id);
                if id != HIDDEN_FROM_HUMAN_ID {
                    push_alphanumeric(&mut self.human, id);
                }
            }
        }
        level.human_len = self.human.len();
        level.joined_len = self.joined.len();
        self.levels.push(level);
    }

    /// The logical ID of the path entered last, appended to `out`; `false`, and `out`
    /// unchanged, when it has none (every component is `Default`).
    pub(crate) fn push_id(&self, out: &mut String) -> bool {
        let Some(level) = self.levels.last() else {
            return false;
        };
        let start = out.len();
        match level.kept {
            0 => return false,
            1 => {
                push_alphanumeric(out, level.first);
                if out.len() - start <= MAX_LOGICAL_ID_LEN {
                    return true;
                }
                out.truncate(start);
            }
            _ => {}
        }
        // ASCII letters and digits only: any length is a character boundary.
        let human = self.human.get(..level.human_len).unwrap_or_default();
        out.push_str(human.get(..MAX_HUMAN_LEN).unwrap_or(human));
        let joined = self.joined.get(..level.joined_len).unwrap_or_default();
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for b in crate::md5_block::first_four(joined) {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
        true
    }
}

/// `s` without the characters that are not ASCII letters or digits, appended to `out`. Most
/// construct ids have none: they are copied whole rather than character by character.
fn push_alphanumeric(out: &mut String, s: &str) {
    // A table rather than `u8::is_ascii_alphanumeric`'s three ranges: every id of every path
    // is scanned. A `static`, so it is not built anew on each call.
    static ALNUM: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        t
    };
    let keep = |b: &u8| ALNUM[usize::from(*b)];
    match s.bytes().position(|b| !keep(&b)) {
        None => out.push_str(s),
        Some(first) => {
            // The runs between stripped characters, each copied whole (char by char cost about
            // 65 instructions a character). A stripped byte is never part of a kept run, so
            // every run is whole characters.
            let bytes = s.as_bytes();
            let mut rest = bytes.get(first..).unwrap_or_default();
            out.push_str(s.get(..first).unwrap_or_default());
            while let Some(start) = rest.iter().position(keep) {
                let run = rest.get(start..).unwrap_or_default();
                let len = run.iter().position(|b| !keep(b)).unwrap_or(run.len());
                // ASCII letters and digits: always UTF-8.
                out.push_str(
                    std::str::from_utf8(run.get(..len).unwrap_or_default()).unwrap_or_default(),
                );
                rest = run.get(len..).unwrap_or_default();
            }
        }
    }
}

/// Why `id` is not a valid CloudFormation logical ID, or `None` when it is.
pub(crate) fn invalid_reason(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if id.len() > MAX_LOGICAL_ID_LEN {
        Some("it is longer than 255 characters")
    } else if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some("it may hold only ASCII letters and digits")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    /// The computation before [`PathIds`], from the components of one path (kept to check the
    /// incremental one against).
    fn reference_push_logical_id<S: AsRef<str>>(components: &[S], out: &mut String) -> bool {
        // The kept components, walked three times rather than collected (an ID per resource).
        let kept = || {
            components
                .iter()
                .map(AsRef::as_ref)
                .filter(|c| *c != HIDDEN_ID)
        };
        let start = out.len();
        let mut first_two = kept();
        let Some(only) = first_two.next() else {
            return false;
        };
        if first_two.next().is_none() {
            push_alphanumeric(out, only);
            if out.len() - start <= MAX_LOGICAL_ID_LEN {
                return true;
            }
            out.truncate(start);
        }
        let mut previous: Option<&str> = None;
        for c in kept() {
            if previous.is_some_and(|p| p.ends_with(c)) {
                continue;
            }
            previous = Some(c);
            if c != HIDDEN_FROM_HUMAN_ID {
                push_alphanumeric(out, c);
            }
        }
        // ASCII letters and digits only: any length is a character boundary.
        out.truncate(start + MAX_HUMAN_LEN);
        // The kept components joined by `/`, fed to MD5 in as few calls as a buffer allows.
        let mut md5 = Md5::new();
        let mut buf = [0u8; 192];
        let mut n = 0;
        for (i, c) in kept().enumerate() {
            let c = c.as_bytes();
            let sep = usize::from(i > 0);
            if n + sep + c.len() > buf.len() {
                md5.update(buf.get(..n).unwrap_or_default());
                n = 0;
            }
            match buf.get_mut(n..n + sep + c.len()) {
                Some(slot) => {
                    if let Some((slash, rest)) = slot.split_first_mut().filter(|_| sep == 1) {
                        *slash = b'/';
                        rest.copy_from_slice(c);
                    } else {
                        slot.copy_from_slice(c);
                    }
                    n += sep + c.len();
                }
                // Longer than the buffer: straight to MD5.
                None => {
                    if sep == 1 {
                        md5.update(b"/");
                    }
                    md5.update(c);
                }
            }
        }
        md5.update(buf.get(..n).unwrap_or_default());
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for b in md5.finalize().iter().take(4) {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
        true
    }

    /// A path component likely to meet every branch: `Default`, `Resource`, suffixes of
    /// each other, characters to strip, long ones.
    fn component() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just("Default".to_string()),
            Just("Resource".to_string()),
            Just("Group".to_string()),
            Just("SecurityGroup".to_string()),
            Just("p".to_string()),
            "[A-Za-z0-9_.-]{1,12}",
            "[a-z\u{e9}\u{4e2d}-]{1,6}",
            "[A-Z]{60,130}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn only_ascii_letters_and_digits_are_kept(s in "[A-Za-z0-9 _:./\u{e9}\u{4e2d}-]{0,40}") {
            let mut got = String::from("x");
            push_alphanumeric(&mut got, &s);
            let want: String = std::iter::once('x').chain(s.chars().filter(char::is_ascii_alphanumeric)).collect();
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn computed_per_component_the_ids_are_those_of_the_whole_path(
            paths in proptest::collection::vec(proptest::collection::vec(component(), 0..7), 1..6)
        ) {
            // One builder for several paths entered as a depth-first walk would: each path
            // from the depth it shares with the one before.
            let mut ids = PathIds::default();
            let mut before: &[String] = &[];
            for path in &paths {
                let shared = path.iter().zip(before).take_while(|(a, b)| a == b).count();
                let shared = shared.min(path.len().saturating_sub(1));
                for (i, c) in path.iter().enumerate().skip(shared) {
                    ids.enter(i + 1, c);
                }
                let (mut want, mut got, mut whole) = (String::from("x"), String::from("x"), String::from("x"));
                let w = reference_push_logical_id(path, &mut want);
                let g = if path.is_empty() { push_logical_id(path, &mut got) } else { ids.push_id(&mut got) };
                proptest::prop_assert_eq!(w, g, "{:?}", path);
                proptest::prop_assert_eq!(&want, &got, "{:?}", path);
                proptest::prop_assert_eq!(w, push_logical_id(path, &mut whole));
                proptest::prop_assert_eq!(&want, &whole);
                before = path;
            }
        }
    }

    #[test]
    fn matches_the_three_vectors_from_a_real_cdk_synth() {
        assert_eq!(
            logical_id_of(&["Networking", "Vpc", "Resource"]).as_deref(),
            Some("NetworkingVpc6B5E6F44")
        );
        assert_eq!(
            logical_id_of(&["Database", "AuroraCluster", "Subnets", "Default"]).as_deref(),
            Some("DatabaseAuroraClusterSubnets2B6839DC")
        );
        assert_eq!(
            logical_id_of(&["Api", "ContentApi", "Default", "events", "POST", "Resource"])
                .as_deref(),
            Some("ApiContentApieventsPOST9A6C3D6B")
        );
    }

    #[test]
    fn one_component_is_used_as_is_without_hash() {
        assert_eq!(
            logical_id_of(&["My-Bucket_1"]).as_deref(),
            Some("MyBucket1")
        );
        assert_eq!(
            logical_id_of(&["Default", "Queue"]).as_deref(),
            Some("Queue")
        );
    }

    #[test]
    fn the_readable_part_strips_what_is_not_a_letter_or_digit() {
        let id = logical_id_of(&["My-Api", "Stage_1", "Resource"]).unwrap_or_default();
        assert!(id.starts_with("MyApiStage1"), "{id}");
        assert_eq!(id.len(), "MyApiStage1".len() + 8, "{id}");
    }

    #[test]
    fn only_default_components_have_no_logical_id() {
        assert_eq!(logical_id_of(&["Default", "Default"]), None);
        assert_eq!(logical_id_of::<&str>(&[]), None);
    }

    #[test]
    fn a_component_the_previous_one_ends_with_is_dropped_from_the_readable_part() {
        let id = logical_id_of(&["Storage", "FileSystemSecurityGroup", "SecurityGroup"])
            .unwrap_or_default();
        assert!(id.starts_with("StorageFileSystemSecurityGroup"), "{id}");
        assert_eq!(id.len(), "StorageFileSystemSecurityGroup".len() + 8);
    }

    #[test]
    fn long_paths_are_cut_to_240_readable_characters_plus_the_hash() {
        let long = "A".repeat(300);
        let id = logical_id_of(&[long.as_str(), "B"]).unwrap_or_default();
        assert_eq!(id.len(), 248);
        let single = logical_id_of(&[long.as_str()]).unwrap_or_default();
        assert_eq!(
            single.len(),
            248,
            "one component over 255 falls back to the hashed form"
        );
    }

    #[test]
    fn ids_appended_after_others_are_the_ids_alone() {
        let long = "A-".repeat(200);
        let cases: [&[&str]; 5] = [
            &["Networking", "Vpc", "Resource"],
            &["My-Bucket_1"],
            &[long.as_str()],
            &[long.as_str(), "B"],
            &["Default", "Default"],
        ];
        let mut text = String::from("Before");
        for c in cases {
            let start = text.len();
            let pushed = push_logical_id(c, &mut text);
            assert_eq!(pushed, logical_id_of(c).is_some(), "{c:?}");
            assert_eq!(
                text.get(start..),
                logical_id_of(c).as_deref().or(Some("")),
                "{c:?}"
            );
        }
        assert!(text.starts_with("BeforeNetworkingVpc6B5E6F44MyBucket1"));
    }

    #[test]
    fn the_hash_tells_apart_paths_with_the_same_readable_part() {
        let a = logical_id_of(&["A", "BC"]);
        let b = logical_id_of(&["AB", "C"]);
        assert_ne!(a, b);
    }

    #[test]
    fn the_hash_is_of_the_kept_components_joined_whatever_their_lengths() {
        // Around and beyond the buffer the components are gathered in before hashing.
        for a in [1, 63, 64, 120, 190, 191, 192, 193, 400] {
            for b in [1, 2, 64, 191, 192, 300] {
                let (x, y) = ("x".repeat(a), "y".repeat(b));
                let parts = [x.as_str(), "Default", y.as_str(), "Resource"];
                let joined = format!("{x}/{y}/Resource");
                let digest = Md5::digest(joined.as_bytes());
                let want: String = digest.iter().take(4).map(|b| format!("{b:02X}")).collect();
                let id = logical_id_of(&parts).unwrap_or_default();
                assert!(id.ends_with(&want), "{a} {b}: {id} vs {want}");
                let mut human = format!("{x}{y}");
                human.truncate(MAX_HUMAN_LEN);
                assert_eq!(id.len(), human.len() + 8, "{a} {b}");
            }
        }
    }
}
