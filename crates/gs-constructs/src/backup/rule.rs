//! [`BackupRule`]: when a plan backs up, how long recovery points live, where they are copied;
//! and [`CopyAction`]. A plan checks its rules against AWS Backup's limits (windows, the 90 days
//! of cold storage, continuous-backup retention) when the rule is given to it.

use std::time::Duration;

use gs_core::{App, Value};
use gs_l1::backup::backup_plan::{
    BackupRuleResourceType, CopyActionResourceType, LifecycleResourceType,
};

use super::schedule::{Schedule, ScheduleError};
use super::vault::{region_of, BackupVault};
use crate::error::{ConstructError, Result};

/// The most often AWS Backup runs a rule.
pub(crate) const MIN_INTERVAL: Duration = Duration::from_secs(3600);

/// Days a recovery point must stay in cold storage before it may be deleted.
const COLD_STORAGE_MIN_DAYS: u32 = 90;

/// Days of point-in-time recovery AWS Backup keeps at most.
const CONTINUOUS_MAX_DAYS: u32 = 35;

/// A copy of each recovery point to another vault, usually in another Region (disaster
/// recovery).
#[derive(Clone, Debug, PartialEq)]
pub struct CopyAction {
    /// The destination vault's ARN: [`BackupVault::arn`] of a vault of this stack or of an
    /// imported one ([`BackupVault::from_arn`]), or an ARN value given explicitly.
    pub destination_vault_arn: Value,
    /// Days the copy is kept; `None` keeps it until deleted by hand.
    pub delete_after_days: Option<u32>,
    /// Days after which the copy moves to cold storage.
    pub move_to_cold_storage_after_days: Option<u32>,
}

impl CopyAction {
    /// A copy to `vault`, deleted after `delete_after_days` (kept forever when `None`).
    pub fn to_vault(vault: BackupVault, delete_after_days: Option<u32>) -> CopyAction {
        CopyAction {
            destination_vault_arn: vault.arn(),
            delete_after_days,
            move_to_cold_storage_after_days: None,
        }
    }

    /// The Region copies go to, when it can be known before deploying.
    pub fn destination_region(&self, app: &App) -> Option<String> {
        region_of(app, &self.destination_vault_arn)
    }

    fn to_l1(&self) -> CopyActionResourceType {
        CopyActionResourceType {
            lifecycle: lifecycle(self.delete_after_days, self.move_to_cold_storage_after_days),
            ..CopyActionResourceType::new(self.destination_vault_arn.clone())
        }
    }
}

/// A rule of a backup plan.
///
/// ```
/// use gs_constructs::backup::{BackupRule, Schedule};
/// use std::time::Duration;
/// let rule = BackupRule {
///     delete_after_days: Some(7),
///     completion_window: Duration::from_secs(2 * 3600),
///     ..BackupRule::new("DailyBackup", Schedule::daily_at(5, 0)?)?
/// };
/// assert_eq!(rule.schedule.interval(), Duration::from_secs(24 * 3600));
/// assert!(BackupRule::new("Often", Schedule::parse("rate(15 minutes)")?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BackupRule {
    /// The rule's name, unique in its plan (1 to 50 letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// When backups start.
    pub schedule: Schedule,
    /// How long after the scheduled time a backup may start before it is canceled (at least
    /// an hour; one hour by default, which keeps the recovery point objective tight).
    pub start_window: Duration,
    /// How long a started backup may run before it is canceled (at least an hour more than the
    /// start window; seven days by default, as AWS Backup's).
    pub completion_window: Duration,
    /// Days a recovery point is kept; `None` keeps it until deleted by hand.
    pub delete_after_days: Option<u32>,
    /// Days after which a recovery point moves to cold storage (it must then stay there 90
    /// days before it is deleted).
    pub move_to_cold_storage_after_days: Option<u32>,
    /// Copies of each recovery point to other vaults.
    pub copy_actions: Vec<CopyAction>,
    /// Point-in-time recovery for the resources that support it (RDS, Aurora, S3; not EFS);
    /// retention is then at most 35 days.
    pub enable_continuous_backup: bool,
    /// The vault of this rule's recovery points; `None` uses the plan's.
    pub vault: Option<BackupVault>,
}

impl BackupRule {
    /// A rule named `name` running on `schedule`, with the default windows and no expiry.
    /// A schedule more frequent than hourly is refused: AWS Backup runs at most hourly.
    pub fn new(name: &str, schedule: Schedule) -> Result<BackupRule, ScheduleError> {
        check_frequency(&schedule)?;
        Ok(BackupRule {
            name: name.to_owned(),
            schedule,
            start_window: Duration::from_secs(3600),
            completion_window: Duration::from_secs(7 * 24 * 3600),
            delete_after_days: None,
            move_to_cold_storage_after_days: None,
            copy_actions: Vec::new(),
            enable_continuous_backup: false,
            vault: None,
        })
    }

    /// Checks the rule against AWS Backup's limits; `path` is the plan's.
    pub(crate) fn validate(&self, path: &str) -> Result<()> {
        let invalid = |message: String, fix: &str| {
            Err(ConstructError::invalid(
                path,
                format!("rule `{}`: {message}", self.name),
                fix,
            ))
        };
        let name_ok = (1..=50).contains(&self.name.len())
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !name_ok {
            return invalid(
                "the name is not a valid rule name".into(),
                "use 1 to 50 characters: letters, digits, `-`, `_` and `.`",
            );
        }
        if let Err(e) = check_frequency(&self.schedule) {
            return invalid(e.message, &e.fix);
        }
        let (start, completion) = (self.start_window, self.completion_window);
        if start.as_secs() % 60 != 0
            || completion.as_secs() % 60 != 0
            || start.subsec_nanos() != 0
            || completion.subsec_nanos() != 0
        {
            return invalid(
                "the windows are not whole minutes".into(),
                "give the start and completion windows in whole minutes",
            );
        }
        if start < Duration::from_secs(3600) {
            return invalid(
                format!(
                    "the start window is {} minutes, AWS Backup needs at least 60",
                    start.as_secs() / 60
                ),
                "set `start_window` to an hour or more",
            );
        }
        let too_soon = match start.checked_add(Duration::from_secs(3600)) {
            Some(earliest) => completion < earliest,
            None => true,
        };
        if too_soon {
            return invalid(
                format!(
                    "the completion window ({} minutes) ends less than an hour after the start window ({} minutes)",
                    completion.as_secs() / 60,
                    start.as_secs() / 60
                ),
                "set `completion_window` to at least `start_window` plus 60 minutes",
            );
        }
        check_lifecycle(self.delete_after_days, self.move_to_cold_storage_after_days)
            .or_else(|(m, f)| invalid(m, f))?;
        if self.enable_continuous_backup {
            if self.move_to_cold_storage_after_days.is_some() {
                return invalid(
                    "continuous backups cannot move to cold storage".into(),
                    "remove `move_to_cold_storage_after_days`, or turn continuous backup off",
                );
            }
            match self.delete_after_days {
                Some(d) if d <= CONTINUOUS_MAX_DAYS => {}
                _ => {
                    return invalid(
                        format!(
                            "continuous backups are kept at most {CONTINUOUS_MAX_DAYS} days, the rule keeps them {}",
                            self.delete_after_days.map_or("forever".into(), |d| format!("{d} days"))
                        ),
                        "set `delete_after_days` to 1 to 35, or turn continuous backup off",
                    )
                }
            }
        }
        for c in &self.copy_actions {
            check_lifecycle(c.delete_after_days, c.move_to_cold_storage_after_days)
                .or_else(|(m, f)| invalid(format!("a copy action: {m}"), f))?;
        }
        Ok(())
    }

    /// The rule as an item of the plan's rules, targeting `plan_vault` unless it names its own.
    pub(crate) fn to_l1(&self, plan_vault: BackupVault) -> BackupRuleResourceType {
        let copies: Vec<CopyActionResourceType> =
            self.copy_actions.iter().map(CopyAction::to_l1).collect();
        BackupRuleResourceType {
            completion_window_minutes: Some(minutes(self.completion_window).into()),
            copy_actions: (!copies.is_empty()).then(|| copies.into()),
            enable_continuous_backup: self.enable_continuous_backup.then(|| true.into()),
            lifecycle: lifecycle(self.delete_after_days, self.move_to_cold_storage_after_days),
            schedule_expression: Some(self.schedule.expression().into()),
            start_window_minutes: Some(minutes(self.start_window).into()),
            ..BackupRuleResourceType::new(
                self.name.as_str(),
                self.vault.unwrap_or(plan_vault).l1_id(),
            )
        }
    }
}

fn check_frequency(schedule: &Schedule) -> Result<(), ScheduleError> {
    if !schedule.expression().starts_with("cron(") {
        return Err(not_cron(schedule.expression()));
    }
    if schedule.shortest_interval() < MIN_INTERVAL {
        return Err(ScheduleError {
            message: format!(
                "`{}` runs {} minutes after a previous run, more often than AWS Backup allows (hourly)",
                schedule.expression(),
                schedule.shortest_interval().as_secs() / 60
            ),
            fix: "run at most hourly, e.g. `Schedule::hourly()`; for a tighter recovery point use \
                  continuous backup (RDS, Aurora, S3) or replication (EFS)"
                .into(),
        });
    }
    Ok(())
}

fn check_lifecycle(
    delete_after: Option<u32>,
    cold_after: Option<u32>,
) -> std::result::Result<(), (String, &'static str)> {
    if delete_after == Some(0) || cold_after == Some(0) {
        return Err((
            "a lifecycle counts 0 days".into(),
            "give at least 1 day, or `None` to keep recovery points",
        ));
    }
    if let Some(cold) = cold_after {
        match delete_after {
            Some(d) if d < cold.saturating_add(COLD_STORAGE_MIN_DAYS) => {
                return Err((
                    format!(
                        "recovery points move to cold storage after {cold} days and are deleted after {d}, \
                         but must stay in cold storage {COLD_STORAGE_MIN_DAYS} days"
                    ),
                    "set `delete_after_days` to at least `move_to_cold_storage_after_days` + 90, or drop cold storage",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn lifecycle(delete_after: Option<u32>, cold_after: Option<u32>) -> Option<LifecycleResourceType> {
    if delete_after.is_none() && cold_after.is_none() {
        return None;
    }
    Some(LifecycleResourceType {
        delete_after_days: delete_after.map(Into::into),
        move_to_cold_storage_after_days: cold_after.map(Into::into),
        ..LifecycleResourceType::new()
    })
}

fn minutes(d: Duration) -> i64 {
    i64::try_from(d.as_secs() / 60).unwrap_or(i64::MAX)
}

/// AWS Backup rules take `cron(...)` only (a `rate(...)` expression fails at deploy time).
pub(crate) fn not_cron(expression: &str) -> ScheduleError {
    ScheduleError {
        message: format!("`{expression}` is not a cron expression; AWS Backup rules take `cron(...)` only"),
        fix: "write the schedule as `cron(...)`, e.g. `Schedule::hourly()` or `Schedule::daily_at(5, 0)`".into(),
    }
}
