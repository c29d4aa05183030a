//! [`RedisAuth`]: how clients authenticate to a replication group.
//!
//! The default is an AUTH token generated into a secret of the group's own
//! (`<ReplicationGroup>/AuthToken`) and handed to ElastiCache through a dynamic reference
//! (`{{resolve:secretsmanager:...}}`), so the token never appears in the template; clients read
//! it from Secrets Manager (an ECS container through its `secrets`). Why a token and not RBAC by
//! default: it works with every Redis version gs offers, needs one secret and no extra
//! resources, and any Redis client speaks `AUTH`; RBAC needs a user group that holds a user named
//! `default`, a user (with its own password secret, or IAM authentication that every client must
//! sign for) per application, and Redis 6.0 or later. Teams that manage RBAC users give their user
//! groups with [`RedisAuth::UserGroups`].

use gs_core::{App, Value};

use crate::error::{ConstructError, Result};
use crate::secretsmanager::Secret;

/// How clients authenticate to a Redis replication group.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum RedisAuth {
    /// An AUTH token generated into a secret of its own (`<ReplicationGroup>/AuthToken`, 64
    /// letters and digits, encrypted with the group's at-rest key when it has one). Needs transit
    /// encryption. The default.
    #[default]
    GeneratedToken,
    /// An AUTH token that is the whole value of `secret` (generated without a JSON template, e.g.
    /// with [`GenerateSecretString::auth_token`](crate::secretsmanager::GenerateSecretString::auth_token)).
    /// Needs transit encryption.
    Token(Secret),
    /// Role-based access control: the ids of `AWS::ElastiCache::UserGroup`s (each must hold a
    /// user named `default`). Needs transit encryption and Redis 6.0 or later.
    UserGroups(Vec<Value>),
    /// No authentication: whoever reaches the port reads and writes everything.
    /// `security/cache-without-auth` warns unless acknowledged.
    None,
}

impl RedisAuth {
    /// Refuses what ElastiCache would refuse at deploy time.
    pub(crate) fn check(
        &self,
        app: &App,
        path: &str,
        transit_encryption: bool,
        redis_major: u32,
    ) -> Result<()> {
        let invalid = |m: String, fix: &str| Err(ConstructError::invalid(path, m, fix));
        if matches!(self, RedisAuth::None) {
            return Ok(());
        }
        if !transit_encryption {
            return invalid(
                "authentication is on, but transit encryption is off: ElastiCache accepts an AUTH token or user groups only with TLS".into(),
                "leave transit_encryption on (the default), or set auth: RedisAuth::None and acknowledge `security/cache-without-auth`",
            );
        }
        match self {
            RedisAuth::Token(secret) => {
                let node = app.node(secret.resource)?;
                let templated = node
                    .as_resource()
                    .and_then(|r| r.properties.get("GenerateSecretString"))
                    .and_then(Value::as_map)
                    .is_some_and(|g| g.contains_key("SecretStringTemplate"));
                if templated {
                    return invalid(
                        format!(
                            "the AUTH token secret {} generates a JSON document, not a token",
                            app.path(secret.node)?
                        ),
                        "build the secret with `GenerateSecretString::auth_token()`",
                    );
                }
                Ok(())
            }
            RedisAuth::UserGroups(groups) if groups.is_empty() => invalid(
                "RBAC is chosen but no user group is given".into(),
                "give the ids of one or more AWS::ElastiCache::UserGroup resources",
            ),
            RedisAuth::UserGroups(_) if redis_major < 6 => invalid(
                format!("Redis {redis_major} has no role-based access control"),
                "use Redis 6.0 or later, or an AUTH token (RedisAuth::GeneratedToken)",
            ),
            _ => Ok(()),
        }
    }
}
