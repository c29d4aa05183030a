//! [`Schedule`] and [`EventPattern`]: what makes a rule fire.

use std::time::Duration;

use gs_core::{Value, ValueMap};

/// When a scheduled rule fires (CDK's `events.Schedule`).
///
/// ```
/// use std::time::Duration;
/// use gs_constructs::events::{Cron, Schedule};
/// assert_eq!(Schedule::rate(Duration::from_secs(300)).expression().as_deref(), Ok("rate(5 minutes)"));
/// assert_eq!(Schedule::rate(Duration::from_secs(3600)).expression().as_deref(), Ok("rate(1 hour)"));
/// let nightly = Schedule::cron(Cron { minute: Some("0".into()), hour: Some("3".into()), ..Default::default() });
/// assert_eq!(nightly.expression().as_deref(), Ok("cron(0 3 * * ? *)"));
/// assert!(Schedule::rate(Duration::from_secs(90)).expression().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every so often: whole minutes, at least one.
    Rate(Duration),
    /// At the times a cron expression names (UTC).
    Cron(Cron),
}

/// The fields of a cron schedule, each as EventBridge writes it (`*`, `0`, `MON-FRI`, `1/5`,
/// ...). Unset fields are `*`, except that day of month and day of week cannot both be given,
/// and the one left out is `?` (as CDK's `Schedule.cron`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cron {
    /// Minutes (0-59).
    pub minute: Option<String>,
    /// Hours (0-23).
    pub hour: Option<String>,
    /// Day of month (1-31).
    pub day_of_month: Option<String>,
    /// Month (1-12 or JAN-DEC).
    pub month: Option<String>,
    /// Day of week (1-7 or SUN-SAT).
    pub day_of_week: Option<String>,
    /// Year.
    pub year: Option<String>,
}

impl Schedule {
    /// Every `every` (whole minutes).
    pub fn rate(every: Duration) -> Schedule {
        Schedule::Rate(every)
    }

    /// At the times `cron` names.
    pub fn cron(cron: Cron) -> Schedule {
        Schedule::Cron(cron)
    }

    /// The `ScheduleExpression`, or what is wrong with the schedule.
    pub fn expression(&self) -> Result<String, String> {
        match self {
            Schedule::Rate(d) => {
                let secs = d.as_secs();
                if d.subsec_nanos() != 0 || secs < 60 || secs % 60 != 0 {
                    return Err(format!(
                        "a rate of {d:?} is not a whole number of minutes (at least one)"
                    ));
                }
                let minutes = secs / 60;
                let (n, unit) = if minutes % 1440 == 0 {
                    (minutes / 1440, "day")
                } else if minutes % 60 == 0 {
                    (minutes / 60, "hour")
                } else {
                    (minutes, "minute")
                };
                let plural = if n == 1 { "" } else { "s" };
                Ok(format!("rate({n} {unit}{plural})"))
            }
            Schedule::Cron(c) => {
                if c.day_of_month.is_some() && c.day_of_week.is_some() {
                    return Err(
                        "a cron schedule cannot give both the day of month and the day of week"
                            .into(),
                    );
                }
                let field = |f: &Option<String>, default: &str| -> Result<String, String> {
                    match f.as_deref() {
                        None => Ok(default.to_string()),
                        Some(v)
                            if !v.is_empty()
                                && v.chars().all(|c| {
                                    c.is_ascii_alphanumeric() || ",-*?/#L".contains(c)
                                }) =>
                        {
                            Ok(v.to_string())
                        }
                        Some(v) => Err(format!("the cron field `{v}` is not a cron field")),
                    }
                };
                let dow_default = "?";
                let dom_default = if c.day_of_week.is_some() { "?" } else { "*" };
                Ok(format!(
                    "cron({} {} {} {} {} {})",
                    field(&c.minute, "*")?,
                    field(&c.hour, "*")?,
                    field(&c.day_of_month, dom_default)?,
                    field(&c.month, "*")?,
                    field(&c.day_of_week, dow_default)?,
                    field(&c.year, "*")?,
                ))
            }
        }
    }
}

/// An event pattern, as JSON (`{"source": ["aws.s3"], "detail-type": [...]}`).
#[derive(Clone, Debug, PartialEq)]
pub struct EventPattern(pub serde_json::Value);

/// How deep a pattern may nest: EventBridge patterns are shallow, and the conversion must not
/// recurse without bound on user input.
const MAX_DEPTH: usize = 32;

impl EventPattern {
    /// The pattern as a template value, or what is wrong with it: not a non-empty object, or
    /// nested deeper than 32 levels.
    pub fn to_value(&self) -> Result<Value, String> {
        match &self.0 {
            serde_json::Value::Object(m) if !m.is_empty() => convert(&self.0, 0),
            _ => Err("the event pattern is not a JSON object with at least one field".into()),
        }
    }
}

fn convert(v: &serde_json::Value, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "the event pattern nests deeper than {MAX_DEPTH} levels"
        ));
    }
    Ok(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(
            items
                .iter()
                .map(|i| convert(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(m) => {
            let mut out = ValueMap::new();
            for (k, v) in m {
                out.insert(k.clone(), convert(v, depth + 1)?);
            }
            Value::Map(out)
        }
    })
}
