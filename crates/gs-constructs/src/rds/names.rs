//! The naming rules of RDS: cluster identifiers and database names.

/// Why `id` is not a valid DB cluster identifier (1 to 63 letters, digits and hyphens, a letter
/// first, no `--`, no trailing `-`), or `None` when it is.
///
/// The typed constructors refuse a bad identifier; the `cfn/name-constraints` pass applies the
/// same check to raw resources.
pub(crate) fn invalid_cluster_identifier(id: &str) -> Option<String> {
    crate::names::hyphenated_identifier_problem(id, 63, false)
}

/// The usual fix for a bad cluster identifier.
pub(crate) const CLUSTER_IDENTIFIER_FIX: &str =
    "use 1 to 63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen";

/// Why `name` is not a valid Aurora PostgreSQL database name (1 to 63 letters, digits and `_`, a
/// letter first), or `None` when it is.
pub(crate) fn invalid_database_name(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!ok).then(|| format!("`{name}` is not 1 to 63 letters, digits and `_` starting with a letter"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_identifiers_follow_the_rds_rules() {
        assert_eq!(invalid_cluster_identifier("globalstream-aurora-dev"), None);
        assert_eq!(
            invalid_cluster_identifier(&format!("a{}", "b".repeat(62))),
            None
        );
        for bad in ["", "1db", "db--x", "db-", "db_x", "db.x"] {
            assert!(invalid_cluster_identifier(bad).is_some(), "{bad}");
        }
        assert!(invalid_cluster_identifier(&"a".repeat(64)).is_some());
    }

    #[test]
    fn database_names_start_with_a_letter() {
        assert_eq!(invalid_database_name("globalstream"), None);
        assert!(invalid_database_name("1x").is_some());
        assert!(invalid_database_name("a-b").is_some());
    }
}
