//! AWS Backup: [`BackupVault`] (encrypted, retained; or imported by ARN for cross-Region
//! copies), [`BackupPlan`] (built with its first [`BackupRule`], so never without one),
//! [`BackupSelection`] of protectable resources ([`BackupResource`]) recorded as [`Protection`]
//! facts, and the [`Schedule`] parser that gives a rule's worst-case interval between backups.
//!
//! The resources are written through the generated L1 (`l1::backup`), and the handle types
//! ([`CfnBackupVault`], [`CfnBackupPlan`], [`CfnBackupSelection`]) are the L1's.

pub(crate) mod passes;
mod plan;
mod rule;
pub(crate) mod runs;
mod schedule;
mod selection;
mod vault;

pub use plan::{BackupPlan, BackupPlanProps, CfnBackupPlan};
pub use rule::{BackupRule, CopyAction};
pub use schedule::{shortest_interval, worst_case_interval, Schedule, ScheduleError};
pub use selection::{
    BackupResource, BackupSelection, BackupSelectionProps, CfnBackupSelection, ProtectedKind,
    Protection,
};
pub use vault::{BackupVault, BackupVaultProps, CfnBackupVault};

/// A physical name unique to the construct at `path` (stack included), as CDK derives one:
/// the readable part of the path and a hash of it, cut to `max` characters keeping the hash.
pub(crate) fn unique_name(path: &str, max: usize) -> String {
    let components: Vec<&str> = path.split('/').collect();
    let id = gs_core::logical_id_of(&components).unwrap_or_else(|| path.replace('/', ""));
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= max {
        return id;
    }
    let keep = max.saturating_sub(8);
    chars
        .iter()
        .take(keep)
        .chain(chars.iter().skip(chars.len().saturating_sub(8)))
        .collect()
}
