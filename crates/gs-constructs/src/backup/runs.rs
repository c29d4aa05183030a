//! Which runs of a backup plan's rules AWS Backup takes, and how long a resource can go without
//! a usable recovery point. Read from the emitted `AWS::Backup::BackupPlan`, so raw plans count
//! like typed ones.
//!
//! **Overlapping rules.** AWS Backup Developer Guide, "Backup plan options and configuration"
//! (<https://docs.aws.amazon.com/aws-backup/latest/devguide/plan-options-and-configuration.html>):
//! "If you have a backup plan with multiple rules and the time frames of the two rules overlap,
//! AWS Backup optimizes the backup and takes a backup for the rule with the longer retention
//! time. The optimization takes into account the full start window". A run's time frame here is
//! `[scheduled time, scheduled time + start window)`. A rule without `DeleteAfterDays` keeps its
//! recovery points forever, the longest retention. With equal retentions AWS does not say which
//! run it takes, so neither is counted as its own rule's run (each is reported as skipped).
//!
//! **Worst case between usable recovery points** (the formula of the DR figures): `gap + start
//! window + completion window`, where `gap` is the longest time between two consecutive runs
//! that are taken (of the rules considered together), and the windows are the largest of those
//! rules. The previous run may start at its scheduled time; the next may start at the end of its
//! start window and finish at the end of its completion window; until it finishes, the newest
//! recovery point is the previous one. The BackupRule API reference counts the completion window
//! "after a backup job is successfully started" (the StartBackupJob reference counts it from the
//! scheduled time); gs takes the longer reading. Past this bound the job has failed (`EXPIRED`,
//! `ABORTED`): an alarm to raise, not a figure to plan with.
//!
//! **Defaults** when a rule leaves a window out are AWS Backup's (AWS Backup Developer Guide,
//! "Creating a backup plan": "Start within defaults to 8 hours", "Complete within defaults to 7
//! days").

use std::time::Duration;

use gs_core::{Value, ValueMap};

use super::schedule::{calendar, GREGORIAN_CYCLE_DAYS};
use crate::props;

/// AWS Backup's start window when a rule sets none: 8 hours.
pub(crate) const DEFAULT_START_MINUTES: u64 = 8 * 60;
/// AWS Backup's completion window when a rule sets none: 7 days.
pub(crate) const DEFAULT_COMPLETION_MINUTES: u64 = 7 * DAY;

const DAY: u64 = 1440;

/// Start windows longer than this are cut to it when searching overlaps, which bounds the
/// search; a run that starts more than a week late overlaps whatever it meets anyway.
const WINDOW_SEARCH_LIMIT: u64 = 7 * DAY;

/// A rule of a plan, as the template states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PlanRule {
    /// `RuleName`.
    pub(crate) name: String,
    /// `ScheduleExpression`, when literal.
    pub(crate) expression: Option<String>,
    /// `StartWindowMinutes` (AWS's default when absent or not literal).
    pub(crate) start: u64,
    /// `CompletionWindowMinutes` (AWS's default when absent or not literal).
    pub(crate) completion: u64,
    /// `Lifecycle.DeleteAfterDays`; `None` keeps recovery points forever.
    pub(crate) retention_days: Option<u64>,
    /// How long some recovery point of a run is kept: the longest of the rule's own retention
    /// and its copy actions' (`None`: forever). A short local retention with long-kept copies
    /// still leaves a recovery point.
    pub(crate) kept_days: Option<u64>,
    /// `ScheduleExpressionTimezone`; `None` is UTC.
    pub(crate) timezone: Option<String>,
}

impl PlanRule {
    /// Reads one item of `BackupPlanRule`.
    pub(crate) fn read(rule: &ValueMap) -> PlanRule {
        let minutes = |key: &str, default: u64| {
            rule.get(key)
                .and_then(Value::as_i64)
                .and_then(|m| u64::try_from(m).ok())
                .unwrap_or(default)
        };
        let days = |m: &ValueMap| {
            props::at(m, &["Lifecycle", "DeleteAfterDays"])
                .and_then(Value::as_i64)
                .and_then(|d| u64::try_from(d).ok())
        };
        let retention_days = days(rule);
        let kept_days = props::maps(rule, "CopyActions")
            .map(days)
            .try_fold(retention_days.unwrap_or(0), |longest, d| {
                d.map(|d| longest.max(d))
            })
            .filter(|_| retention_days.is_some());
        PlanRule {
            kept_days,
            name: props::str_at(rule, &["RuleName"])
                .map_or_else(|| "(unnamed)".to_owned(), |n| n.into_owned()),
            expression: props::str_at(rule, &["ScheduleExpression"]).map(|e| e.into_owned()),
            start: minutes("StartWindowMinutes", DEFAULT_START_MINUTES),
            completion: minutes("CompletionWindowMinutes", DEFAULT_COMPLETION_MINUTES),
            retention_days,
            timezone: props::str_at(rule, &["ScheduleExpressionTimezone"])
                .filter(|tz| !matches!(&**tz, "UTC" | "Etc/UTC"))
                .map(|tz| tz.into_owned()),
        }
    }

    /// The rules of a plan's `BackupPlan` property, in order.
    pub(crate) fn all(plan: &ValueMap) -> Vec<PlanRule> {
        props::maps(plan, "BackupPlanRule")
            .map(PlanRule::read)
            .collect()
    }
}

/// One rule's runs over the period analysed.
#[derive(Clone, Debug)]
struct Runs {
    times: Vec<u64>,
    /// Per day of the period, whether it runs; `None`: every day.
    days: Option<Vec<bool>>,
    /// Per time of day, the days its run is skipped; `None`: never.
    skipped: Vec<Option<Vec<bool>>>,
    start: u64,
    completion: u64,
}

impl Runs {
    fn fires(&self, day: usize) -> bool {
        self.days
            .as_ref()
            .map_or(true, |d| d.get(day).copied().unwrap_or(false))
    }

    fn taken(&self, i: usize, day: usize) -> bool {
        self.fires(day)
            && !self
                .skipped
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|s| s.get(day).copied().unwrap_or(false))
    }
}

/// Runs of one rule that AWS Backup skips for another rule of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Overlap {
    /// Index of the rule whose runs are skipped.
    pub(crate) skipped: usize,
    /// Index of the rule whose runs are taken instead.
    pub(crate) kept: usize,
    /// Time of day (minutes after midnight) of one skipped run.
    pub(crate) at: u64,
    /// Both rules keep their recovery points equally long: AWS does not say which run it takes.
    pub(crate) tie: bool,
}

/// The worst case of some rules of a plan taken together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WorstCase {
    /// Longest time between two consecutive runs taken.
    pub(crate) gap: Duration,
    /// Largest start window of the rules.
    pub(crate) start: Duration,
    /// Largest completion window of the rules.
    pub(crate) completion: Duration,
}

impl WorstCase {
    /// `gap + start + completion`: the longest time without a new usable recovery point.
    pub(crate) fn rpo(&self) -> Duration {
        self.gap
            .saturating_add(self.start)
            .saturating_add(self.completion)
    }
}

/// Whether recovery points kept `days` days are deleted before the next run of the rules
/// of `worst`: kept less than the longest time between two runs.
pub(crate) fn expires_before_next(days: u64, worst: &WorstCase) -> bool {
    Duration::from_secs(days.saturating_mul(86_400)) < worst.gap
}

/// The runs of a plan's rules, with the ones AWS Backup skips.
#[derive(Clone, Debug)]
pub(crate) struct PlanRuns {
    period: usize,
    rules: Vec<Option<Runs>>,
    /// Runs skipped because of an overlap, per (skipped, kept) pair of rules.
    pub(crate) overlaps: Vec<Overlap>,
}

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m.saturating_mul(60))
}

/// Whether a rule keeping recovery points `a` days outranks one keeping them `b` days, and
/// whether it is a tie (`None` is forever).
fn outranks(a: Option<u64>, b: Option<u64>) -> (bool, bool) {
    match (a, b) {
        (None, None) => (true, true),
        (None, Some(_)) => (true, false),
        (Some(_), None) => (false, false),
        (Some(a), Some(b)) => (a >= b, a == b),
    }
}

impl PlanRuns {
    /// Analyses `rules` (a schedule that is not a literal, parsable cron has no runs).
    pub(crate) fn of(rules: &[PlanRule]) -> PlanRuns {
        let calendars: Vec<_> = rules
            .iter()
            .map(|r| r.expression.as_deref().and_then(|e| calendar(e).ok()))
            // AWS Backup refuses a rule that runs more often than hourly
            // (`backup/schedule-invalid` says so); it takes no recovery point, and walking its
            // runs over the whole cycle would cost time and memory for nothing.
            .map(|c| c.filter(at_most_hourly))
            .collect();
        // One day is the period when every rule runs every day; else one Gregorian cycle.
        let period = if calendars.iter().flatten().any(|c| c.days.is_some()) {
            GREGORIAN_CYCLE_DAYS as usize
        } else {
            1
        };
        let mut runs: Vec<Option<Runs>> = calendars
            .into_iter()
            .zip(rules)
            .map(|(c, r)| {
                c.map(|c| Runs {
                    skipped: vec![None; c.times.len()],
                    times: c.times,
                    days: c.days,
                    start: r.start,
                    completion: r.completion,
                })
            })
            .collect();
        let mut overlaps = Vec::new();
        for l in 0..rules.len() {
            for w in 0..rules.len() {
                if l == w || rules[l].timezone != rules[w].timezone {
                    continue;
                }
                let (wins, tie) = outranks(rules[w].retention_days, rules[l].retention_days);
                if !wins {
                    continue;
                }
                let (Some(Some(loser)), Some(Some(winner))) = (runs.get(l), runs.get(w)) else {
                    continue;
                };
                let skipped = skipped_runs(loser, winner, period);
                let first = skipped
                    .iter()
                    .position(Option::is_some)
                    .and_then(|i| loser.times.get(i).copied());
                if let Some(at) = first {
                    overlaps.push(Overlap {
                        skipped: l,
                        kept: w,
                        at,
                        tie,
                    });
                    if let Some(Some(loser)) = runs.get_mut(l) {
                        for (mine, new) in loser.skipped.iter_mut().zip(skipped) {
                            match (mine, new) {
                                (_, None) => {}
                                (m @ None, new) => *m = new,
                                (Some(m), Some(n)) => {
                                    m.iter_mut().zip(n).for_each(|(a, b)| *a |= b)
                                }
                            }
                        }
                    }
                }
            }
        }
        PlanRuns {
            period,
            rules: runs,
            overlaps,
        }
    }

    /// The worst case of the rules at `members` (indices into the plan's rules) taken
    /// together; `None` when none of them ever runs.
    pub(crate) fn worst_case(&self, members: &[usize]) -> Option<WorstCase> {
        let rules: Vec<&Runs> = members
            .iter()
            .filter_map(|i| self.rules.get(*i).and_then(Option::as_ref))
            .collect();
        let start = rules.iter().map(|r| r.start).max()?;
        let completion = rules.iter().map(|r| r.completion).max()?;
        let (mut first, mut last, mut gap) = (None::<u64>, None::<u64>, 0u64);
        let mut today = Vec::new();
        for day in 0..self.period {
            today.clear();
            for r in &rules {
                for (i, t) in r.times.iter().enumerate() {
                    if r.taken(i, day) {
                        today.push(day as u64 * DAY + t);
                    }
                }
            }
            today.sort_unstable();
            for &t in &today {
                if let Some(p) = last {
                    gap = gap.max(t - p);
                }
                first.get_or_insert(t);
                last = Some(t);
            }
        }
        let (first, last) = (first?, last?);
        // The period repeats: its first run follows its last.
        gap = gap.max(first + self.period as u64 * DAY - last);
        Some(WorstCase {
            gap: minutes(gap),
            start: minutes(start),
            completion: minutes(completion),
        })
    }

    /// Whether some run of rule `i` is skipped.
    pub(crate) fn is_partly_skipped(&self, i: usize) -> bool {
        self.overlaps.iter().any(|o| o.skipped == i)
    }
}

/// Per time of day of `loser`, the days its run overlaps a run of `winner`.
fn skipped_runs(loser: &Runs, winner: &Runs, period: usize) -> Vec<Option<Vec<bool>>> {
    let mut out: Vec<Option<Vec<bool>>> = vec![None; loser.times.len()];
    let sl = loser.start.min(WINDOW_SEARCH_LIMIT) as i64;
    let sw = winner.start.min(WINDOW_SEARCH_LIMIT) as i64;
    let day = DAY as i64;
    // The winner's run is `delta` days after the loser's day.
    let lowest = -(sw / day + 2);
    let highest = sl / day + 2;
    for delta in lowest..=highest {
        let hits: Vec<usize> = loser
            .times
            .iter()
            .enumerate()
            .filter(|(_, tl)| {
                let a = **tl as i64;
                winner.times.iter().any(|tw| {
                    let b = delta * day + *tw as i64;
                    a < b + sw && b < a + sl
                })
            })
            .map(|(i, _)| i)
            .collect();
        if hits.is_empty() {
            continue;
        }
        for d in 0..period {
            let other = (d as i64 + delta).rem_euclid(period as i64) as usize;
            if loser.fires(d) && winner.fires(other) {
                for i in &hits {
                    if let Some(slot) = out.get_mut(*i) {
                        if let Some(day) =
                            slot.get_or_insert_with(|| vec![false; period]).get_mut(d)
                        {
                            *day = true;
                        }
                    }
                }
            }
        }
    }
    out
}

/// Whether two runs of a day's times are never less than an hour apart (the day wraps).
fn at_most_hourly(c: &super::schedule::Calendar) -> bool {
    let gaps = c.times.windows(2).map(|w| w[1].saturating_sub(w[0]));
    let wrap = match (c.times.first(), c.times.last()) {
        (Some(first), Some(last)) if c.times.len() > 1 => Some(first + 24 * 60 - last),
        _ => None,
    };
    gaps.chain(wrap).all(|g| g >= 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        name: &str,
        expression: &str,
        start: u64,
        completion: u64,
        days: Option<u64>,
    ) -> PlanRule {
        PlanRule {
            name: name.into(),
            expression: Some(expression.into()),
            start,
            completion,
            retention_days: days,
            kept_days: days,
            timezone: None,
        }
    }

    #[test]
    fn a_rule_running_more_often_than_hourly_takes_no_runs() {
        // AWS Backup refuses it; walking its minute-by-minute runs over the whole cycle took
        // seconds and hundreds of megabytes per pair of rules.
        let rules = [
            rule("EveryMinute", "cron(* * ? * MON *)", 60, 120, Some(2)),
            rule("Every30", "cron(0/30 * ? * TUE *)", 60, 120, Some(3)),
            rule("Hourly", "cron(0 * * * ? *)", 60, 120, Some(1)),
        ];
        let runs = PlanRuns::of(&rules);
        assert!(runs.worst_case(&[0]).is_none());
        assert!(runs.worst_case(&[1]).is_none());
        assert!(runs.worst_case(&[2]).is_some());
        assert!(runs.overlaps.is_empty());
    }

    #[test]
    fn an_hourly_rule_alone_leaves_interval_plus_windows() {
        let runs = PlanRuns::of(&[rule("H", "cron(0 * * * ? *)", 60, 120, Some(2))]);
        let w = runs.worst_case(&[0]).expect("runs");
        assert_eq!(w.gap, minutes(60));
        assert_eq!(w.rpo(), minutes(60 + 60 + 120));
        assert!(runs.overlaps.is_empty());
    }

    #[test]
    fn a_daily_rule_at_an_hour_the_hourly_rule_runs_skips_the_hourly_run() {
        let rules = [
            rule("Daily", "cron(0 5 * * ? *)", 60, 120, Some(7)),
            rule("Hourly", "cron(0 * * * ? *)", 60, 120, Some(2)),
        ];
        let runs = PlanRuns::of(&rules);
        assert_eq!(
            runs.overlaps,
            vec![Overlap {
                skipped: 1,
                kept: 0,
                at: 5 * 60,
                tie: false
            }]
        );
        // The hourly rule alone: 04:00 then 06:00.
        assert_eq!(runs.worst_case(&[1]).map(|w| w.gap), Some(minutes(120)));
        // Both together: a run every hour.
        assert_eq!(runs.worst_case(&[0, 1]).map(|w| w.gap), Some(minutes(60)));
    }

    #[test]
    fn a_start_window_reaching_the_next_rules_run_overlaps_it() {
        // Daily at 04:30 within 1 h overlaps the hourly 04:00 run's window (04:00 to 05:00).
        let rules = [
            rule("Daily", "cron(30 4 * * ? *)", 60, 120, None),
            rule("Hourly", "cron(0 0-4,6-23 * * ? *)", 60, 120, Some(2)),
        ];
        let runs = PlanRuns::of(&rules);
        assert_eq!(runs.overlaps.len(), 1, "{:?}", runs.overlaps);
        assert_eq!((runs.overlaps[0].skipped, runs.overlaps[0].at), (1, 4 * 60));
        // The hourly rule alone: 03:00, then 06:00.
        assert_eq!(runs.worst_case(&[1]).map(|w| w.gap), Some(minutes(180)));
    }

    #[test]
    fn back_to_back_windows_do_not_overlap() {
        let rules = [
            rule("Daily", "cron(0 5 * * ? *)", 60, 120, Some(7)),
            rule("Hourly", "cron(0 0-4,6-23 * * ? *)", 60, 120, Some(2)),
        ];
        let runs = PlanRuns::of(&rules);
        assert!(runs.overlaps.is_empty(), "{:?}", runs.overlaps);
        assert_eq!(runs.worst_case(&[1]).map(|w| w.gap), Some(minutes(120)));
        assert_eq!(runs.worst_case(&[0, 1]).map(|w| w.gap), Some(minutes(60)));
    }

    #[test]
    fn a_weekly_rule_skips_the_daily_run_of_its_day_only() {
        let rules = [
            rule("Daily", "cron(0 5 * * ? *)", 60, 120, Some(7)),
            rule("Weekly", "cron(0 5 ? * SUN *)", 60, 120, Some(35)),
        ];
        let runs = PlanRuns::of(&rules);
        assert_eq!(runs.overlaps.len(), 1);
        assert_eq!(runs.overlaps[0].skipped, 0);
        // The daily rule alone misses Sundays: 48 h between its runs.
        assert_eq!(runs.worst_case(&[0]).map(|w| w.gap), Some(minutes(2 * DAY)));
        assert_eq!(runs.worst_case(&[0, 1]).map(|w| w.gap), Some(minutes(DAY)));
    }

    #[test]
    fn equal_retention_is_a_tie_both_ways() {
        let rules = [
            rule("A", "cron(0 5 * * ? *)", 60, 120, Some(7)),
            rule("B", "cron(30 5 * * ? *)", 60, 120, Some(7)),
        ];
        let runs = PlanRuns::of(&rules);
        assert_eq!(runs.overlaps.len(), 2);
        assert!(runs.overlaps.iter().all(|o| o.tie));
    }

    #[test]
    fn rules_in_different_time_zones_are_not_compared() {
        let mut b = rule("B", "cron(0 5 * * ? *)", 60, 120, Some(2));
        b.timezone = Some("Europe/Paris".into());
        let runs = PlanRuns::of(&[rule("A", "cron(0 5 * * ? *)", 60, 120, Some(7)), b]);
        assert!(runs.overlaps.is_empty());
    }
}
