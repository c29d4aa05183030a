//! Physical-name rules of the form most AWS names take: a length range and a character set
//! (ASCII letters, digits and a few punctuation marks). One checker, so every construct words its
//! refusal the same way: the construct path, what is wrong, and the rule as the fix.

use crate::error::{ConstructError, Result};

/// A naming rule: `min..=max` characters of ASCII letters, digits and `extra`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NameRule<'a> {
    /// What is named, e.g. `backup vault`.
    pub what: &'a str,
    /// Fewest characters.
    pub min: usize,
    /// Most characters.
    pub max: usize,
    /// Allowed characters besides letters and digits.
    pub extra: &'static str,
}

impl<'a> NameRule<'a> {
    /// The same rule for another kind of name.
    pub(crate) fn with_what(self, what: &'a str) -> NameRule<'a> {
        NameRule { what, ..self }
    }

    /// Why `name` breaks the rule, or `None` when it keeps it.
    pub(crate) fn problem(&self, name: &str) -> Option<String> {
        let len = name.chars().count();
        if len < self.min || len > self.max {
            return Some(format!(
                "the {} name `{name}` has {len} characters, not {} to {}",
                self.what, self.min, self.max
            ));
        }
        name.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || self.extra.contains(*c)))
            .map(|c| format!("the {} name `{name}` contains `{c}`", self.what))
    }

    /// The rule as a fix: `use 2 to 50 characters: letters, digits, `-` and `_``.
    pub(crate) fn fix(&self) -> String {
        let marks: Vec<String> = self.extra.chars().map(|c| format!("`{c}`")).collect();
        let marks = match marks.split_last() {
            None => String::new(),
            Some((last, [])) => format!(" and {last}"),
            Some((last, rest)) => format!(", {} and {last}", rest.join(", ")),
        };
        format!(
            "use {} to {} characters: letters, digits{marks}",
            self.min, self.max
        )
    }

    /// `Ok` when `name` keeps the rule, else an error naming the construct at `path`.
    pub(crate) fn check(&self, path: &str, name: &str) -> Result<()> {
        match self.problem(name) {
            None => Ok(()),
            Some(message) => Err(ConstructError::invalid(path, message, self.fix())),
        }
    }
}

/// The name rule SNS topics and SQS queues share: 1 to `max` characters (the suffix included)
/// of letters, digits, `-` and `_`, with the suffix `.fifo` exactly when the topic or queue is
/// FIFO.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FifoNameRule {
    /// What is named: `topic` or `queue`.
    pub what: &'static str,
    /// Most characters.
    pub max: usize,
}

impl FifoNameRule {
    /// Why `name` breaks the rule for a FIFO (`fifo`) or standard topic or queue, or `None`.
    pub(crate) fn problem(&self, name: &str, fifo: bool) -> Option<String> {
        let (what, max) = (self.what, self.max);
        let base = match (fifo, name.strip_suffix(".fifo")) {
            (true, Some(base)) => base,
            (true, None) => {
                return Some(format!(
                    "`{name}` is a FIFO {what}'s name without the suffix `.fifo`"
                ))
            }
            (false, Some(_)) => {
                return Some(format!(
                    "`{name}` ends with `.fifo`, which only a FIFO {what}'s name may"
                ))
            }
            (false, None) => name,
        };
        if name.is_empty() || name.len() > max {
            return Some(format!(
                "`{name}` is {} characters, not 1 to {max}",
                name.len()
            ));
        }
        base.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            .map(|c| {
                format!("`{name}` contains `{c}`; only letters, digits, `-` and `_` are allowed")
            })
    }

    /// `Ok` when `name` keeps the rule, else an error naming the construct at `path`, with the
    /// rule as the fix.
    pub(crate) fn check(&self, path: &str, name: &str, fifo: bool) -> Result<()> {
        match self.problem(name, fifo) {
            None => Ok(()),
            Some(reason) => Err(ConstructError::invalid(
                path,
                format!("the {} name {reason}", self.what),
                format!(
                    "use 1 to {} letters, digits, `-` or `_`, ending with `.fifo` exactly when \
                     `fifo` is set",
                    self.max
                ),
            )),
        }
    }
}

/// Why `id` is not an AWS-style identifier: 1 to `max` letters (lowercase only when
/// `lowercase` is set), digits and single hyphens, a letter first and no hyphen last. RDS
/// cluster identifiers (63, any case) and ElastiCache replication group ids (40, lowercase)
/// follow this rule.
pub(crate) fn hyphenated_identifier_problem(
    id: &str,
    max: usize,
    lowercase: bool,
) -> Option<String> {
    let letter = |c: char| {
        if lowercase {
            c.is_ascii_lowercase()
        } else {
            c.is_ascii_alphabetic()
        }
    };
    let case = if lowercase { "lowercase " } else { "" };
    if id.is_empty() || id.len() > max {
        return Some(format!("`{id}` is {} characters, not 1 to {max}", id.len()));
    }
    if !id.starts_with(letter) {
        return Some(format!("`{id}` does not start with a {case}letter"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(letter(*c) || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "`{id}` contains `{c}`; only {case}letters, digits and `-` are allowed"
        ));
    }
    if id.contains("--") {
        return Some(format!("`{id}` contains two consecutive hyphens"));
    }
    if id.ends_with('-') {
        return Some(format!("`{id}` ends with a hyphen"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::NameRule;

    const VAULT: NameRule<'static> = NameRule {
        what: "backup vault",
        min: 2,
        max: 50,
        extra: "-_",
    };

    #[test]
    fn a_name_of_the_allowed_characters_and_length_passes() {
        assert_eq!(VAULT.problem("globalstream-dr_1"), None);
    }

    #[test]
    fn a_name_too_short_too_long_or_with_another_character_is_refused_with_the_rule_as_fix() {
        assert!(VAULT
            .problem("a")
            .is_some_and(|m| m.contains("1 characters")));
        assert!(VAULT.problem(&"a".repeat(51)).is_some());
        let err = VAULT
            .check("Demo/Vault", "vault name")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Demo/Vault: the backup vault name `vault name` contains ` `; fix: use 2 to 50 characters: letters, digits, `-` and `_`"
        );
    }
}
