//! Redis log types and the engine versions that can deliver them.

use std::fmt;

/// A Redis log ElastiCache can deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogType {
    /// Commands slower than `slowlog-log-slower-than` (Redis 6.0 or later).
    SlowLog,
    /// The engine's own log (Redis 6.2 or later).
    EngineLog,
}

impl LogType {
    /// `slow-log` or `engine-log`, as CloudFormation and the [`crate::logs::LogDelivery`] fact
    /// spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            LogType::SlowLog => "slow-log",
            LogType::EngineLog => "engine-log",
        }
    }

    /// The first Redis version that delivers this log, as (major, minor).
    pub fn min_redis_version(self) -> (u32, u32) {
        match self {
            LogType::SlowLog => (6, 0),
            LogType::EngineLog => (6, 2),
        }
    }

    /// The log type CloudFormation names `s`.
    pub fn parse(s: &str) -> Option<LogType> {
        match s {
            "slow-log" => Some(LogType::SlowLog),
            "engine-log" => Some(LogType::EngineLog),
            _ => None,
        }
    }

    /// Whether Redis `engine_version` delivers this log. A version whose minor is `x` (such as
    /// `6.x`) says no minor, so only a whole major that is new enough passes.
    pub fn supported_by(self, engine_version: &str) -> bool {
        let (min_major, min_minor) = self.min_redis_version();
        match parse_version(engine_version) {
            Some((major, _)) if major > min_major => true,
            Some((major, Some(minor))) if major == min_major => minor >= min_minor,
            Some((major, None)) if major == min_major => min_minor == 0,
            _ => false,
        }
    }
}

impl fmt::Display for LogType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `7.1` -> (7, Some(1)); `6.x` -> (6, None); `6.2.6` -> (6, Some(2)); anything else -> `None`.
pub(crate) fn parse_version(v: &str) -> Option<(u32, Option<u32>)> {
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        None | Some("x") => None,
        Some(m) => Some(m.parse().ok()?),
    };
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::LogType::*;

    #[test]
    fn slow_log_needs_six_and_engine_log_six_point_two() {
        assert!(
            SlowLog.supported_by("6.0")
                && SlowLog.supported_by("6.x")
                && SlowLog.supported_by("7.1")
        );
        assert!(!SlowLog.supported_by("5.0.6"));
        assert!(
            EngineLog.supported_by("6.2")
                && EngineLog.supported_by("7.0")
                && EngineLog.supported_by("6.2.6")
        );
        assert!(!EngineLog.supported_by("6.0") && !EngineLog.supported_by("6.x"));
        assert!(!EngineLog.supported_by("latest"));
    }
}
