//! What AWS accepts in a tag.
//!
//! AWS's tag pattern, the same for keys and values across services (for example the EFS API's
//! `Tag`, <https://docs.aws.amazon.com/efs/latest/ug/API_Tag.html>):
//! `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (Unicode letters, separators such as the space, numbers,
//! and `_ . : / = + - @`), a key of 1 to 128 characters that does not start with `aws:` in any
//! case, a value of 0 to 256. Service guides say the same in words: "A-Z, a-z, 0-9, space, and
//! _ . : / = + @ - (hyphen). This is the standard set of characters available across AWS services
//! that support tags" (Amazon Personalize,
//! <https://docs.aws.amazon.com/personalize/latest/dg/personalize-managing-tags.html>). Control
//! characters (NUL, tab, newline) are none of these. `char::is_alphabetic` is slightly wider than
//! `\p{L}` (it takes combining marks of alphabets too); every character it adds is printable.

/// Whether AWS accepts `c` in a tag key or value: `\p{L}`, `\p{Z}`, `\p{N}` or one of
/// `_ . : / = + - @`. `\p{Z}` is exactly the white space that is not a control character.
pub(crate) fn allowed(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// Why AWS would refuse the tag, if it would: a reason, or the part and the character.
pub(crate) enum Refusal {
    Reason(&'static str),
    Character(&'static str, char),
}

/// [`allowed`] for an ASCII byte, without the Unicode tables: a letter, a digit, the space
/// (the one ASCII white space that is not a control character) or one of `_ . : / = + - @`.
const fn allowed_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b' ' | b'_' | b'.' | b':' | b'/' | b'=' | b'+' | b'-' | b'@'
        )
}

/// Whether every character of `s` is ASCII and allowed: nearly every tag, checked byte by byte
/// in a table of [`allowed_ascii`] (one load a byte rather than its comparisons; a byte past
/// ASCII is not in it). A `static`, so it is not built anew on each call.
fn all_allowed_ascii(s: &str) -> bool {
    static ALLOWED: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 128 {
            t[b] = allowed_ascii(b as u8);
            b += 1;
        }
        t
    };
    s.bytes().all(|b| ALLOWED[usize::from(b)])
}

/// The first reason AWS would refuse `key` = `value`.
pub(crate) fn refusal(key: &str, value: &str) -> Option<Refusal> {
    // ASCII throughout (nearly every tag): lengths in bytes are lengths in characters, and
    // every character is allowed.
    if all_allowed_ascii(key) && all_allowed_ascii(value) {
        let reason = if key.is_empty() || key.len() > 128 {
            Some("the key must have 1 to 128 characters")
        } else if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            Some("keys starting with `aws:` (in any case) are reserved")
        } else if value.len() > 256 {
            Some("the value must have at most 256 characters")
        } else {
            None
        };
        return reason.map(Refusal::Reason);
    }
    let reason = if key.is_empty() || key.chars().count() > 128 {
        Some("the key must have 1 to 128 characters")
    } else if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        Some("keys starting with `aws:` (in any case) are reserved")
    } else if value.chars().count() > 256 {
        Some("the value must have at most 256 characters")
    } else {
        None
    };
    if let Some(r) = reason {
        return Some(Refusal::Reason(r));
    }
    if let Some(c) = key.chars().find(|c| !allowed(*c)) {
        return Some(Refusal::Character("key", c));
    }
    value
        .chars()
        .find(|c| !allowed(*c))
        .map(|c| Refusal::Character("value", c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_check_allows_exactly_what_the_unicode_check_allows() {
        for b in 0..=127u8 {
            assert_eq!(allowed_ascii(b), allowed(char::from(b)), "{b}");
            let one = char::from(b).to_string();
            assert_eq!(all_allowed_ascii(&one), allowed(char::from(b)), "{b}");
        }
        // Past ASCII the Unicode check decides, whatever the character.
        assert!(!all_allowed_ascii("\u{e9}") && !all_allowed_ascii("a\u{a0}"));
    }

    #[test]
    fn ascii_tags_are_refused_for_the_same_reasons() {
        let long_key = "k".repeat(129);
        let long_value = "v".repeat(257);
        let cases = [
            ("Team", "media", None),
            ("", "v", Some("the key must have 1 to 128 characters")),
            (
                long_key.as_str(),
                "v",
                Some("the key must have 1 to 128 characters"),
            ),
            (
                "AWS:x",
                "v",
                Some("keys starting with `aws:` (in any case) are reserved"),
            ),
            (
                "k",
                long_value.as_str(),
                Some("the value must have at most 256 characters"),
            ),
            ("k", &long_value[1..], None),
        ];
        for (key, value, want) in cases {
            let got = match refusal(key, value) {
                None => None,
                Some(Refusal::Reason(r)) => Some(r),
                Some(Refusal::Character(..)) => Some("character"),
            };
            assert_eq!(got, want, "{key:?}");
        }
        // Not all ASCII-allowed: the Unicode path decides.
        assert!(matches!(
            refusal("k", "a\tb"),
            Some(Refusal::Character("value", '\t'))
        ));
        assert!(refusal("Équipe", "média").is_none());
        assert!(matches!(
            refusal("a#b", "v"),
            Some(Refusal::Character("key", '#'))
        ));
    }
}
