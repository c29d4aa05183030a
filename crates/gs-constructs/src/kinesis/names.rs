//! The naming rules of Kinesis: stream and consumer names.

/// Why `name` is not a valid Kinesis stream or consumer name (1 to 128 characters of
/// `[a-zA-Z0-9_.-]`), or `None` when it is.
///
/// The typed constructors refuse a bad name; the `cfn/name-constraints` pass applies the same
/// check to raw resources.
pub(crate) fn invalid_name(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 128 {
        return Some(format!(
            "`{name}` is {} characters, not 1 to 128",
            name.len()
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_.-".contains(*c)))
        .map(|c| {
            format!("`{name}` contains `{c}`; only letters, digits, `_`, `.` and `-` are allowed")
        })
}

/// The usual fix for a bad stream or consumer name.
pub(crate) const NAME_FIX: &str = "use 1 to 128 letters, digits, `_`, `.` or `-`";

#[cfg(test)]
mod tests {
    use super::invalid_name;

    #[test]
    fn names_of_the_allowed_characters_pass_and_others_do_not() {
        assert_eq!(invalid_name("globalstream-events_dev.1"), None);
        assert!(invalid_name("").is_some());
        assert!(invalid_name("a/b").is_some());
        assert!(invalid_name(&"a".repeat(129)).is_some());
        assert_eq!(invalid_name(&"a".repeat(128)), None);
    }
}
