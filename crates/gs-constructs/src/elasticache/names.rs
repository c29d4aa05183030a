//! The naming rule of ElastiCache replication group ids.

/// Why `id` is not a valid replication group id (1 to 40 lowercase letters, digits and hyphens, a
/// letter first, no `--`, no trailing `-`), or `None` when it is.
///
/// ElastiCache would lowercase upper-case letters and refuse the rest at deploy time; gs refuses
/// both before. The typed constructor refuses a bad id; the `cfn/name-constraints` pass applies
/// the same check to raw resources.
pub(crate) fn invalid_replication_group_id(id: &str) -> Option<String> {
    crate::names::hyphenated_identifier_problem(id, 40, true)
}

/// The usual fix for a bad replication group id.
pub(crate) const REPLICATION_GROUP_ID_FIX: &str = "use 1 to 40 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen";

#[cfg(test)]
mod tests {
    use super::invalid_replication_group_id;

    #[test]
    fn replication_group_ids_follow_the_elasticache_rules() {
        assert_eq!(invalid_replication_group_id("globalstream-redis-dev"), None);
        assert_eq!(invalid_replication_group_id(&"a".repeat(40)), None);
        for bad in ["", "Redis", "1redis", "redis--dev", "redis-", "redis_dev"] {
            assert!(invalid_replication_group_id(bad).is_some(), "{bad}");
        }
        assert!(invalid_replication_group_id(&"a".repeat(41)).is_some());
    }
}
