//! [`LifecycleRule`]: when objects (or their old versions) move to cheaper storage or expire.

use gs_core::{Value, ValueMap};

use crate::error::{ConstructError, Result};

/// A storage class objects can move to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageClass {
    /// `STANDARD_IA` (at least 30 days after creation).
    InfrequentAccess,
    /// `ONEZONE_IA` (at least 30 days after creation).
    OneZoneInfrequentAccess,
    /// `INTELLIGENT_TIERING`.
    IntelligentTiering,
    /// `GLACIER_IR`.
    GlacierInstantRetrieval,
    /// `GLACIER`.
    Glacier,
    /// `DEEP_ARCHIVE`.
    DeepArchive,
}

impl StorageClass {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageClass::InfrequentAccess => "STANDARD_IA",
            StorageClass::OneZoneInfrequentAccess => "ONEZONE_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::GlacierInstantRetrieval => "GLACIER_IR",
            StorageClass::Glacier => "GLACIER",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    /// The fewest days after creation S3 accepts for a transition to this class.
    fn min_days(self) -> u32 {
        match self {
            StorageClass::InfrequentAccess | StorageClass::OneZoneInfrequentAccess => 30,
            _ => 0,
        }
    }
}

/// A move of objects to another storage class `days` after creation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The target class.
    pub storage_class: StorageClass,
    /// Days after creation.
    pub days: u32,
}

/// A lifecycle rule. At least one action (an expiration, a transition, an abort of incomplete
/// uploads) must be set.
///
/// ```
/// use gs_constructs::s3::{LifecycleRule, StorageClass, Transition};
/// let rule = LifecycleRule {
///     id: "ExpireOldVersions".into(),
///     noncurrent_version_expiration_days: Some(30),
///     transitions: vec![Transition { storage_class: StorageClass::InfrequentAccess, days: 30 }],
///     ..Default::default()
/// };
/// assert_eq!(rule.abort_incomplete_multipart_upload_days, Some(7));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifecycleRule {
    /// The rule's id (1 to 255 characters).
    pub id: String,
    /// Only objects whose key starts with this prefix.
    pub prefix: Option<String>,
    /// Delete current objects this many days after creation.
    pub expiration_days: Option<u32>,
    /// Delete non-current versions this many days after they became non-current.
    pub noncurrent_version_expiration_days: Option<u32>,
    /// Abort incomplete multipart uploads after this many days (7 by default: they cost storage
    /// and are invisible in listings).
    pub abort_incomplete_multipart_upload_days: Option<u32>,
    /// Moves to cheaper storage classes.
    pub transitions: Vec<Transition>,
}

impl Default for LifecycleRule {
    fn default() -> Self {
        LifecycleRule {
            id: String::new(),
            prefix: None,
            expiration_days: None,
            noncurrent_version_expiration_days: None,
            abort_incomplete_multipart_upload_days: Some(7),
            transitions: Vec::new(),
        }
    }
}

impl LifecycleRule {
    /// The rule as a `LifecycleConfiguration.Rules` entry; `path` names the bucket in errors.
    pub(crate) fn to_value(&self, path: &str) -> Result<Value> {
        let bad = |message: String, fix: &str| Err(ConstructError::invalid(path, message, fix));
        if self.id.is_empty() || self.id.len() > 255 {
            return bad(
                format!(
                    "the lifecycle rule id `{}` is not 1 to 255 characters",
                    self.id
                ),
                "give each rule a short id such as `ExpireOldVersions`",
            );
        }
        let has_action = self.expiration_days.is_some()
            || self.noncurrent_version_expiration_days.is_some()
            || self.abort_incomplete_multipart_upload_days.is_some()
            || !self.transitions.is_empty();
        if !has_action {
            return bad(
                format!("the lifecycle rule `{}` has no action", self.id),
                "set an expiration, a transition or an abort of incomplete uploads",
            );
        }
        let zero = [
            self.expiration_days,
            self.noncurrent_version_expiration_days,
            self.abort_incomplete_multipart_upload_days,
        ]
        .contains(&Some(0));
        if zero {
            return bad(
                format!("the lifecycle rule `{}` has a period of 0 days", self.id),
                "use periods of at least 1 day",
            );
        }
        for t in &self.transitions {
            if t.days < t.storage_class.min_days() {
                return bad(
                    format!(
                        "the lifecycle rule `{}` moves objects to {} after {} days",
                        self.id,
                        t.storage_class.as_str(),
                        t.days
                    ),
                    &format!(
                        "S3 needs at least {} days before a transition to {}",
                        t.storage_class.min_days(),
                        t.storage_class.as_str()
                    ),
                );
            }
            if let Some(exp) = self.expiration_days {
                if t.days >= exp {
                    return bad(
                        format!(
                            "the lifecycle rule `{}` moves objects to {} on day {} but expires them on day {exp}",
                            self.id,
                            t.storage_class.as_str(),
                            t.days
                        ),
                        "expire objects after their last transition",
                    );
                }
            }
        }
        let transitions: Vec<Value> = self
            .transitions
            .iter()
            .map(|t| {
                ValueMap::with_capacity(2)
                    .with("StorageClass", t.storage_class.as_str())
                    .with("TransitionInDays", t.days)
                    .into()
            })
            .collect();
        Ok(ValueMap::with_capacity(7)
            .with_opt(
                "AbortIncompleteMultipartUpload",
                self.abort_incomplete_multipart_upload_days
                    .map(|d| ValueMap::with_capacity(1).with("DaysAfterInitiation", d)),
            )
            .with_opt("ExpirationInDays", self.expiration_days)
            .with("Id", self.id.as_str())
            .with_opt(
                "NoncurrentVersionExpiration",
                self.noncurrent_version_expiration_days
                    .map(|d| ValueMap::with_capacity(1).with("NoncurrentDays", d)),
            )
            .with_opt("Prefix", self.prefix.clone())
            .with("Status", "Enabled")
            .with_opt(
                "Transitions",
                (!transitions.is_empty()).then_some(Value::List(transitions)),
            )
            .into())
    }
}
