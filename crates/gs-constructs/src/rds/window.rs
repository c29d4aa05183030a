//! Daily time windows (`hh24:mi-hh24:mi`, UTC), as RDS backup windows and ElastiCache snapshot
//! windows are written.

/// Parses `hh24:mi-hh24:mi` into its length in minutes (a window may wrap past midnight), or
/// says why it cannot.
pub(crate) fn daily_window_minutes(window: &str) -> Result<u32, String> {
    let (start, end) = window
        .split_once('-')
        .ok_or_else(|| format!("`{window}` is not of the form hh24:mi-hh24:mi"))?;
    let (start, end) = (minute_of_day(start, window)?, minute_of_day(end, window)?);
    if start == end {
        return Err(format!("`{window}` starts and ends at the same time"));
    }
    Ok((end + 24 * 60 - start) % (24 * 60))
}

fn minute_of_day(hhmm: &str, window: &str) -> Result<u32, String> {
    let bad = || format!("`{window}` is not of the form hh24:mi-hh24:mi (UTC)");
    let (h, m) = hhmm.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::daily_window_minutes;

    #[test]
    fn a_window_has_a_length_and_may_wrap_past_midnight() {
        assert_eq!(daily_window_minutes("03:00-04:00"), Ok(60));
        assert_eq!(daily_window_minutes("23:30-00:15"), Ok(45));
        assert!(daily_window_minutes("3:00-4:00").is_err());
        assert!(daily_window_minutes("03:00-03:00").is_err());
        assert!(daily_window_minutes("24:00-01:00").is_err());
        assert!(daily_window_minutes("03:00").is_err());
    }
}
