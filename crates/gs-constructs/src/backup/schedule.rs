//! [`Schedule`]: when a backup rule runs, as AWS Backup spells it (`cron(...)` or `rate(...)`),
//! parsed once into the worst-case interval between two runs, which recovery-point objectives
//! are computed from.
//!
//! The interval is exact for what the grammar covers: the firing days are enumerated over one
//! full Gregorian cycle (400 years, 146 097 days, a whole number of weeks), so months of
//! different lengths, leap years, `L`, `W` and `#` all count. Times are UTC (a rule without
//! `ScheduleExpressionTimezone`).

use std::fmt;
use std::time::Duration;

/// Why a schedule expression cannot be used, and how to write it. The caller adds the path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}; fix: {fix}")]
pub struct ScheduleError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

fn err<T>(message: impl Into<String>, fix: impl Into<String>) -> Result<T, ScheduleError> {
    Err(ScheduleError {
        message: message.into(),
        fix: fix.into(),
    })
}

const CRON_FIX: &str = "write `cron(minutes hours day-of-month month day-of-week year)`, e.g. \
                        `cron(0 5 ? * * *)` for 05:00 UTC every day";

/// A backup schedule: the expression and the worst-case interval between two runs. A value of
/// this type always parses.
///
/// ```
/// use gs_constructs::backup::Schedule;
/// use std::time::Duration;
/// let twice_a_day = Schedule::cron("cron(0 5,17 ? * * *)")?;
/// assert_eq!(twice_a_day.interval(), Duration::from_secs(12 * 3600));
/// assert_eq!(Schedule::daily_at(5, 0)?.expression(), "cron(0 5 * * ? *)");
/// assert!(Schedule::parse("cron(0 5 * * *)").is_err()); // five fields: AWS wants six
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    expression: String,
    interval: Duration,
    shortest: Duration,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expression)
    }
}

impl Schedule {
    /// Parses `cron(...)` or `rate(...)`.
    pub fn parse(expression: &str) -> Result<Schedule, ScheduleError> {
        let (shortest, interval) = intervals(expression)?;
        Ok(Schedule {
            expression: expression.trim().to_owned(),
            interval,
            shortest,
        })
    }

    /// Parses a `cron(...)` expression (AWS's six fields).
    pub fn cron(expression: &str) -> Result<Schedule, ScheduleError> {
        if !expression.trim_start().starts_with("cron(") {
            return err(
                format!("`{expression}` is not a cron expression"),
                format!("{CRON_FIX}; or use `Schedule::parse` for `rate(...)`"),
            );
        }
        Schedule::parse(expression)
    }

    /// Every hour on the hour: `cron(0 * * * ? *)` (the most often AWS Backup runs).
    pub fn hourly() -> Schedule {
        Schedule {
            expression: "cron(0 * * * ? *)".into(),
            interval: Duration::from_secs(3600),
            shortest: Duration::from_secs(3600),
        }
    }

    /// Every day at `hour:minute` UTC: `cron(minute hour * * ? *)`.
    pub fn daily_at(hour: u32, minute: u32) -> Result<Schedule, ScheduleError> {
        if hour > 23 || minute > 59 {
            return err(
                format!("{hour}:{minute:02} is not a time of day"),
                "give an hour from 0 to 23 and a minute from 0 to 59",
            );
        }
        Ok(Schedule {
            expression: format!("cron({minute} {hour} * * ? *)"),
            interval: Duration::from_secs(24 * 3600),
            shortest: Duration::from_secs(24 * 3600),
        })
    }

    /// The expression, as emitted in `ScheduleExpression`.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The longest time between two consecutive runs (the worst case for a recovery point
    /// objective).
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The shortest time between two consecutive runs (what AWS Backup's hourly limit applies
    /// to).
    pub fn shortest_interval(&self) -> Duration {
        self.shortest
    }
}

/// The longest time between two consecutive runs of `expression` (`cron(...)` or `rate(...)`).
///
/// ```
/// use gs_constructs::backup::worst_case_interval;
/// use std::time::Duration;
/// assert_eq!(worst_case_interval("cron(0 5 ? * MON *)")?, Duration::from_secs(7 * 24 * 3600));
/// assert_eq!(worst_case_interval("rate(15 minutes)")?, Duration::from_secs(15 * 60));
/// # Ok::<(), gs_constructs::backup::ScheduleError>(())
/// ```
pub fn worst_case_interval(expression: &str) -> Result<Duration, ScheduleError> {
    intervals(expression).map(|(_, longest)| longest)
}

/// The shortest time between two consecutive runs of `expression`: what AWS Backup's
/// "at most hourly" limit applies to (`cron(0,30 5 * * ? *)` runs twice within an hour even
/// though its worst case is a day).
///
/// ```
/// use gs_constructs::backup::shortest_interval;
/// use std::time::Duration;
/// assert_eq!(shortest_interval("cron(0,30 5 * * ? *)")?, Duration::from_secs(30 * 60));
/// # Ok::<(), gs_constructs::backup::ScheduleError>(())
/// ```
pub fn shortest_interval(expression: &str) -> Result<Duration, ScheduleError> {
    intervals(expression).map(|(shortest, _)| shortest)
}

/// The shortest and the longest interval between two consecutive runs.
fn intervals(expression: &str) -> Result<(Duration, Duration), ScheduleError> {
    let e = expression.trim();
    let (shortest, longest) =
        if let Some(body) = e.strip_prefix("rate(").and_then(|b| b.strip_suffix(')')) {
            let m = rate_minutes(body)?;
            (m, m)
        } else if let Some(body) = e.strip_prefix("cron(").and_then(|b| b.strip_suffix(')')) {
            Cron::parse(body)?.gap_minutes()?
        } else {
            return err(
                format!("`{expression}` is neither `cron(...)` nor `rate(...)`"),
                CRON_FIX,
            );
        };
    let d = |m: u64| Duration::from_secs(m.saturating_mul(60));
    Ok((d(shortest), d(longest)))
}

/// When a `cron(...)` expression fires, for the overlap analysis of a plan's rules
/// ([`super::runs`]): its times of day (minutes after midnight, ascending) and, unless it
/// fires every day, whether it fires on each day of one Gregorian cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Calendar {
    /// Minutes after midnight, ascending.
    pub(crate) times: Vec<u64>,
    /// Per day of the cycle (2000-01-01 first), whether it fires; `None`: every day.
    pub(crate) days: Option<Vec<bool>>,
}

/// The calendar of a `cron(...)` expression (`rate(...)` is refused: AWS Backup takes cron only).
pub(crate) fn calendar(expression: &str) -> Result<Calendar, ScheduleError> {
    let e = expression.trim();
    let Some(body) = e.strip_prefix("cron(").and_then(|b| b.strip_suffix(')')) else {
        return err(format!("`{expression}` is not a cron expression"), CRON_FIX);
    };
    let cron = Cron::parse(body)?;
    let times = cron.times_of_day();
    if times.is_empty() {
        return err("the schedule has no time of day", CRON_FIX);
    }
    let days = if cron.every_day() {
        None
    } else {
        let days: Vec<bool> = Date::cycle().map(|d| cron.fires_on(&d)).collect();
        if !days.contains(&true) {
            return err(
                "the schedule names no day that exists (e.g. the 30th of February)",
                "choose days of the month every month has, or `L` for the last one",
            );
        }
        Some(days)
    };
    Ok(Calendar { times, days })
}

fn rate_minutes(body: &str) -> Result<u64, ScheduleError> {
    let fix = "write `rate(N unit)` with a whole N of at least 1 and the unit `minute`, `hour` \
               or `day` (plural when N > 1), e.g. `rate(12 hours)`";
    let parts: Vec<&str> = body.split_whitespace().collect();
    let [n, unit] = parts.as_slice() else {
        return err(format!("`rate({body})` needs a number and a unit"), fix);
    };
    let n: u64 = match n.parse() {
        Ok(n) if n >= 1 => n,
        _ => return err(format!("`{n}` is not a whole number of at least 1"), fix),
    };
    let (singular, per) = match unit.trim_end_matches('s') {
        "minute" => ("minute", 1),
        "hour" => ("hour", 60),
        "day" => ("day", 1440),
        _ => return err(format!("`{unit}` is not a unit of a rate"), fix),
    };
    let expected = if n == 1 {
        singular.to_owned()
    } else {
        format!("{singular}s")
    };
    if *unit != expected {
        return err(
            format!("`rate({body})` spells the unit `{unit}`"),
            format!("write `rate({n} {expected})`"),
        );
    }
    Ok(n.saturating_mul(per))
}

/// A day-of-month item beyond plain numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DomSpecial {
    /// `L`: the last day of the month.
    Last,
    /// `LW`: the last weekday (Monday to Friday) of the month.
    LastWeekday,
    /// `nW`: the weekday nearest to day n, within the month.
    NearestWeekday(u32),
}

/// A day-of-week item beyond plain numbers (1 = Sunday ... 7 = Saturday).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DowSpecial {
    /// `nL`: the last day n of the month.
    Last(u32),
    /// `n#k`: the k-th day n of the month.
    Nth(u32, u32),
}

/// One of the two day fields, the other being `?`.
#[derive(Clone, Debug)]
enum Days {
    OfMonth { set: u64, special: Vec<DomSpecial> },
    OfWeek { set: u64, special: Vec<DowSpecial> },
}

#[derive(Clone, Debug)]
struct Cron {
    minutes: u64,
    hours: u64,
    months: u64,
    days: Days,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A numeric field: its name, bounds and value names.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTE: Field = Field {
    name: "minutes",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: Field = Field {
    name: "hours",
    min: 0,
    max: 23,
    names: &[],
};
const DAY_OF_MONTH: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &MONTHS,
};
const DAY_OF_WEEK: Field = Field {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &WEEKDAYS,
};

impl Field {
    fn value(&self, s: &str) -> Result<u32, ScheduleError> {
        // The names are upper-case ASCII: compared without an upper-cased copy of every value.
        if let Some(i) = self.names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(self.min + i as u32);
        }
        match s.parse::<u32>() {
            Ok(v) if (self.min..=self.max).contains(&v) => Ok(v),
            _ => err(
                format!("`{s}` is not a value of the {} field", self.name),
                format!(
                    "use {} to {}{}",
                    self.min,
                    self.max,
                    if self.names.is_empty() {
                        String::new()
                    } else {
                        format!(" or {}", self.names.join(", "))
                    }
                ),
            ),
        }
    }

    /// Parses a list of `*`, `v`, `a-b`, `*/n`, `a/n`, `a-b/n` into a bit set.
    fn set(&self, s: &str) -> Result<u64, ScheduleError> {
        let mut set = 0u64;
        for item in s.split(',') {
            set |= self.item(item)?;
        }
        Ok(set)
    }

    fn item(&self, item: &str) -> Result<u64, ScheduleError> {
        let (range, step) = match item.split_once('/') {
            Some((r, st)) => match st.parse::<u32>() {
                Ok(n) if n >= 1 => (r, n),
                _ => {
                    return err(
                        format!("`{item}` has the step `{st}` in the {} field", self.name),
                        "give a step that is a whole number of at least 1, e.g. `*/6`",
                    )
                }
            },
            None => (item, 1),
        };
        let (from, to) = if range == "*" {
            (self.min, self.max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (self.value(a)?, self.value(b)?);
            if a > b {
                return err(
                    format!(
                        "the range `{range}` of the {} field runs backwards",
                        self.name
                    ),
                    format!("write the range as `{b}-{a}` or list the values"),
                );
            }
            (a, b)
        } else if item.contains('/') {
            // `a/n`: from a to the end of the field.
            (self.value(range)?, self.max)
        } else {
            let v = self.value(range)?;
            (v, v)
        };
        let mut set = 0u64;
        let mut v = from;
        while v <= to {
            set |= 1u64 << v;
            // A step past the field's end (even one near u32::MAX) just ends the walk.
            match v.checked_add(step) {
                Some(next) => v = next,
                None => break,
            }
        }
        Ok(set)
    }
}

impl Cron {
    fn parse(body: &str) -> Result<Cron, ScheduleError> {
        let fields: Vec<&str> = body.split_whitespace().collect();
        let [minute, hour, dom, month, dow, year] = fields.as_slice() else {
            return err(
                format!("`cron({body})` has {} fields, AWS expects 6", fields.len()),
                CRON_FIX,
            );
        };
        if *year != "*" {
            return err(
                format!("the year field `{year}` limits the schedule to some years, after which it stops"),
                "use `*` for the year: a backup schedule must keep running",
            );
        }
        for (name, f) in [("minutes", minute), ("hours", hour)] {
            if f.contains(['?', 'L', 'W', '#']) {
                return err(
                    format!("the {name} field `{f}` uses a wildcard only day fields take"),
                    "use numbers, `*`, lists `a,b`, ranges `a-b` and steps `*/n` in the minutes and hours fields",
                );
            }
        }
        let days = match (*dom == "?", *dow == "?") {
            (true, false) => parse_dow(dow)?,
            (false, true) => parse_dom(dom)?,
            _ => {
                return err(
                    format!(
                        "the day-of-month `{dom}` and day-of-week `{dow}` fields must have exactly one `?`"
                    ),
                    "put `?` in the field you do not use, e.g. `cron(0 5 * * ? *)` (every day) or \
                     `cron(0 5 ? * MON *)` (Mondays)",
                )
            }
        };
        Ok(Cron {
            minutes: MINUTE.set(minute)?,
            hours: HOUR.set(hour)?,
            months: MONTH.set(month)?,
            days,
        })
    }

    /// The minutes after midnight it fires at, ascending: the set bits of the hours (0 to 23)
    /// and of the minutes (0 to 59), each taken lowest first, rather than 24 x 60 tests.
    fn times_of_day(&self) -> Vec<u64> {
        let minutes = self.minutes & ((1 << 60) - 1);
        let mut hours = self.hours & ((1 << 24) - 1);
        let mut t = Vec::with_capacity((hours.count_ones() * minutes.count_ones()) as usize);
        while hours != 0 {
            let h = u64::from(hours.trailing_zeros());
            hours &= hours - 1;
            let mut left = minutes;
            while left != 0 {
                t.push(h * 60 + u64::from(left.trailing_zeros()));
                left &= left - 1;
            }
        }
        t
    }

    /// The smallest and largest gaps between two consecutive runs, in minutes.
    fn gap_minutes(&self) -> Result<(u64, u64), ScheduleError> {
        let times = self.times_of_day();
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return err("the schedule has no time of day", CRON_FIX);
        };
        let within_day: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let (narrowest_day_gap, widest_day_gap) = if self.every_day() {
            (1, 1)
        } else {
            self.day_gaps()?
        };
        let across = |days: u64| days * 1440 + first - last;
        let shortest = within_day
            .iter()
            .copied()
            .min()
            .map_or(across(narrowest_day_gap), |w| {
                w.min(across(narrowest_day_gap))
            });
        let longest = within_day
            .iter()
            .copied()
            .max()
            .map_or(across(widest_day_gap), |w| w.max(across(widest_day_gap)));
        Ok((shortest, longest))
    }

    /// Whether the schedule runs every day of every month (no calendar walk needed).
    fn every_day(&self) -> bool {
        let all = |f: &Field| (f.min..=f.max).fold(0u64, |s, v| s | 1 << v);
        self.months == all(&MONTH)
            && match &self.days {
                Days::OfMonth { set, .. } => *set == all(&DAY_OF_MONTH),
                Days::OfWeek { set, .. } => *set == all(&DAY_OF_WEEK),
            }
    }

    /// The smallest and largest gaps, in days, between two consecutive days the schedule runs,
    /// walking one Gregorian cycle.
    fn day_gaps(&self) -> Result<(u64, u64), ScheduleError> {
        let mut first_day = None;
        let mut previous_day: Option<u64> = None;
        let (mut narrowest_day_gap, mut widest_day_gap) = (u64::MAX, 0u64);
        for (index, date) in Date::cycle().enumerate() {
            if !self.fires_on(&date) {
                continue;
            }
            let index = index as u64;
            if let Some(p) = previous_day {
                narrowest_day_gap = narrowest_day_gap.min(index - p);
                widest_day_gap = widest_day_gap.max(index - p);
            }
            first_day.get_or_insert(index);
            previous_day = Some(index);
        }
        let (Some(first_day), Some(last_day)) = (first_day, previous_day) else {
            return err(
                "the schedule names no day that exists (e.g. the 30th of February)",
                "choose days of the month every month has, or `L` for the last one",
            );
        };
        // The cycle repeats: the first firing day of the next cycle follows the last of this one.
        let wrap = first_day + GREGORIAN_CYCLE_DAYS - last_day;
        Ok((narrowest_day_gap.min(wrap), widest_day_gap.max(wrap)))
    }

    fn fires_on(&self, d: &Date) -> bool {
        if self.months & (1 << d.month) == 0 {
            return false;
        }
        match &self.days {
            Days::OfMonth { set, special } => {
                set & (1 << d.day) != 0
                    || special.iter().any(|s| match *s {
                        DomSpecial::Last => d.day == d.month_len,
                        DomSpecial::LastWeekday => d.day == d.last_weekday_of_month(),
                        DomSpecial::NearestWeekday(n) => Some(d.day) == d.nearest_weekday(n),
                    })
            }
            Days::OfWeek { set, special } => {
                set & (1 << d.weekday) != 0
                    || special.iter().any(|s| match *s {
                        DowSpecial::Last(w) => d.weekday == w && d.day + 7 > d.month_len,
                        DowSpecial::Nth(w, k) => d.weekday == w && (d.day - 1) / 7 + 1 == k,
                    })
            }
        }
    }
}

fn parse_dom(field: &str) -> Result<Days, ScheduleError> {
    let mut set = 0u64;
    let mut special = Vec::new();
    for item in field.split(',') {
        let upper = item.to_ascii_uppercase();
        if upper == "L" {
            special.push(DomSpecial::Last);
        } else if upper == "LW" {
            special.push(DomSpecial::LastWeekday);
        } else if let Some(n) = upper.strip_suffix('W') {
            special.push(DomSpecial::NearestWeekday(DAY_OF_MONTH.value(n)?));
        } else if upper.contains(['L', 'W', '#']) {
            return err(
                format!("`{item}` is not a day of the month"),
                "use a day 1 to 31, `L` (last day), `LW` (last weekday) or `nW` (weekday nearest day n)",
            );
        } else {
            set |= DAY_OF_MONTH.item(item)?;
        }
    }
    Ok(Days::OfMonth { set, special })
}

fn parse_dow(field: &str) -> Result<Days, ScheduleError> {
    let mut set = 0u64;
    let mut special = Vec::new();
    for item in field.split(',') {
        let upper = item.to_ascii_uppercase();
        if upper == "L" {
            set |= 1 << DAY_OF_WEEK.max;
        } else if let Some(w) = upper.strip_suffix('L') {
            special.push(DowSpecial::Last(DAY_OF_WEEK.value(w)?));
        } else if let Some((w, k)) = upper.split_once('#') {
            let w = DAY_OF_WEEK.value(w)?;
            match k.parse::<u32>() {
                Ok(k) if (1..=5).contains(&k) => special.push(DowSpecial::Nth(w, k)),
                _ => {
                    return err(
                        format!("`{item}` asks for occurrence `{k}` of a weekday in a month"),
                        "use `day#k` with k from 1 to 5, e.g. `MON#1` (first Monday)",
                    )
                }
            }
        } else {
            set |= DAY_OF_WEEK.item(item)?;
        }
    }
    Ok(Days::OfWeek { set, special })
}

/// Days in one Gregorian cycle of 400 years (a whole number of weeks: 20 871).
pub(crate) const GREGORIAN_CYCLE_DAYS: u64 = 146_097;

/// A calendar day, walked one after the other.
#[derive(Clone, Copy, Debug)]
struct Date {
    year: u32,
    month: u32,
    day: u32,
    /// 1 = Sunday ... 7 = Saturday.
    weekday: u32,
    month_len: u32,
}

fn month_len(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// Every day of 2000-01-01 (a Saturday) to 2399-12-31.
    fn cycle() -> impl Iterator<Item = Date> {
        let start = Date {
            year: 2000,
            month: 1,
            day: 1,
            weekday: 7,
            month_len: 31,
        };
        std::iter::successors(Some(start), |d| Some(d.next())).take(GREGORIAN_CYCLE_DAYS as usize)
    }

    fn next(&self) -> Date {
        let weekday = self.weekday % 7 + 1;
        if self.day < self.month_len {
            return Date {
                day: self.day + 1,
                weekday,
                ..*self
            };
        }
        let (year, month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        Date {
            year,
            month,
            day: 1,
            weekday,
            month_len: month_len(year, month),
        }
    }

    /// The weekday (1 = Sunday) of day `day` of this month.
    fn weekday_of(&self, day: u32) -> u32 {
        // Shift by the distance in days, kept non-negative modulo 7.
        (self.weekday - 1 + 7 * 5 + day - self.day) % 7 + 1
    }

    fn is_weekday(weekday: u32) -> bool {
        (2..=6).contains(&weekday)
    }

    fn last_weekday_of_month(&self) -> u32 {
        let mut d = self.month_len;
        while !Date::is_weekday(self.weekday_of(d)) {
            d -= 1;
        }
        d
    }

    /// The weekday nearest day `n` without leaving the month; `None` when the month has no day n.
    fn nearest_weekday(&self, n: u32) -> Option<u32> {
        if n > self.month_len {
            return None;
        }
        Some(match self.weekday_of(n) {
            7 if n == 1 => 3,
            7 => n - 1,
            1 if n == self.month_len => n - 2,
            1 => n + 1,
            _ => n,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_times_of_day_are_every_hour_and_minute_set_in_ascending_order() {
        // Masks with bits past the fields (hour 24+, minute 60+) too, which no time has.
        let masks = [
            0,
            1,
            1 << 5,
            (1 << 24) - 1,
            u64::MAX,
            0x8000_0000_0000_0001,
            0xA5A5_A5A5,
        ];
        for hours in masks {
            for minutes in masks {
                let cron = Cron {
                    minutes,
                    hours,
                    months: 0,
                    days: Days::OfWeek {
                        set: 0,
                        special: Vec::new(),
                    },
                };
                let want: Vec<u64> = (0..24u64)
                    .filter(|h| hours & (1 << h) != 0)
                    .flat_map(|h| {
                        (0..60u64)
                            .filter(move |m| minutes & (1 << m) != 0)
                            .map(move |m| h * 60 + m)
                    })
                    .collect();
                assert_eq!(cron.times_of_day(), want, "{hours:#x} {minutes:#x}");
            }
        }
    }

    fn hours(e: &str) -> u64 {
        worst_case_interval(e)
            .map(|d| d.as_secs() / 3600)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn common_schedules_have_the_expected_worst_case_interval() {
        assert_eq!(hours("cron(0 * * * ? *)"), 1);
        assert_eq!(hours("cron(0 5 ? * * *)"), 24);
        assert_eq!(hours("cron(0 5,17 ? * * *)"), 12);
        assert_eq!(hours("cron(0 5 ? * MON *)"), 7 * 24);
        assert_eq!(hours("cron(0 5 ? * MON-FRI *)"), 3 * 24);
        assert_eq!(hours("cron(0 */6 * * ? *)"), 6);
        assert_eq!(hours("cron(0 1/6 * * ? *)"), 6);
        assert_eq!(hours("cron(0 5 1 * ? *)"), 31 * 24);
        assert_eq!(hours("cron(0 5 L * ? *)"), 31 * 24);
        assert_eq!(hours("cron(0 5 ? * 2#1 *)"), 35 * 24);
        assert_eq!(hours("cron(0 5 1 1 ? *)"), 366 * 24);
        assert_eq!(hours("rate(12 hours)"), 12);
        assert_eq!(hours("rate(1 day)"), 24);
    }

    #[test]
    fn day_and_month_names_are_matched_in_any_case() {
        // Compared without upper-casing a copy: the same values as their upper-case spelling.
        assert_eq!(hours("cron(0 5 ? * mon-Fri *)"), 3 * 24);
        assert_eq!(hours("cron(0 5 ? * mOn *)"), 7 * 24);
        assert_eq!(hours("cron(0 5 1 jan ? *)"), 366 * 24);
        assert_eq!(MONTH.value("dec"), Ok(12));
        assert_eq!(DAY_OF_WEEK.value("sat"), Ok(7));
        assert!(DAY_OF_WEEK.value("MONDAY").is_err());
        assert!(MONTH.value("ja").is_err());
    }

    #[test]
    fn the_shortest_interval_is_the_narrowest_gap() {
        let minutes = |e: &str| {
            shortest_interval(e)
                .map(|d| d.as_secs() / 60)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(minutes("cron(0,30 5 * * ? *)"), 30);
        assert_eq!(minutes("cron(0 5 ? * MON-FRI *)"), 24 * 60);
        assert_eq!(minutes("cron(50 23 ? * MON *)"), 7 * 24 * 60);
        assert_eq!(minutes("cron(0 0 L * ? *)"), 28 * 24 * 60);
        assert_eq!(minutes("rate(2 hours)"), 120);
    }

    #[test]
    fn the_29th_of_february_skips_2100_so_its_worst_gap_is_eight_years() {
        let days = hours("cron(0 0 29 2 ? *)") / 24;
        assert_eq!(days, 8 * 365 + 1);
    }

    #[test]
    fn a_day_that_never_comes_is_refused() {
        let e = worst_case_interval("cron(0 0 30 2 ? *)").expect_err("never fires");
        assert!(e.message.contains("no day that exists"), "{e}");
    }

    #[test]
    fn weekday_arithmetic_agrees_with_the_calendar() {
        // 2000-01-01 was a Saturday; 2024-02-29 a Thursday.
        let d = Date::cycle()
            .find(|d| d.year == 2024 && d.month == 2 && d.day == 29)
            .expect("a leap day");
        assert_eq!(d.weekday, 5);
        assert_eq!(d.weekday_of(1), 5);
        assert_eq!(d.last_weekday_of_month(), 29);
        assert_eq!(d.nearest_weekday(3), Some(2)); // Saturday 3rd -> Friday 2nd
    }

    #[test]
    fn malformed_expressions_are_refused_with_a_fix() {
        for e in [
            "cron(0 5 * * *)",
            "cron(0 5 * * * *)",
            "cron(0 5 ? * ? *)",
            "cron(60 5 * * ? *)",
            "cron(0 5 * * ? 2030)",
            "cron(0 5-3 * * ? *)",
            "cron(0 */0 * * ? *)",
            "rate(0 hours)",
            "rate(1 hours)",
            "rate(2 weeks)",
            "every day",
        ] {
            let err = worst_case_interval(e).expect_err(e);
            assert!(!err.fix.is_empty(), "{e}");
        }
    }
}
