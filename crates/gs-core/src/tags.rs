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

/// The first reason AWS would refuse `key` = `value`.
pub(crate) fn refusal(key: &str, value: &str) -> Option<Refusal> {
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
