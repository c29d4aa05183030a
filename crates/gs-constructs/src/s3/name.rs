//! Bucket-name rules of S3 (general purpose buckets), checked when the bucket is built so a bad
//! name fails at `cargo test`, not at deploy time.

use crate::error::{ConstructError, Result};

/// Checks `name` against S3's naming rules: 3 to 63 characters of lowercase letters, digits, dots
/// and hyphens, starting and ending with a letter or digit, no `..`, not an IP address, none of
/// the reserved prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) and suffixes (`-s3alias`,
/// `--ol-s3`, `.mrap`, `--x-s3`). `path` names the construct in the error.
///
/// ```
/// use gs_constructs::s3::check_bucket_name;
/// assert!(check_bucket_name("Demo/B", "globalstream-artifacts-dev").is_ok());
/// assert!(check_bucket_name("Demo/B", "GlobalStream").is_err());
/// assert!(check_bucket_name("Demo/B", "192.168.1.1").is_err());
/// ```
pub fn check_bucket_name(path: &str, name: &str) -> Result<()> {
    let problem = if !(3..=63).contains(&name.len()) {
        Some(format!("is {} characters long", name.len()))
    } else if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        Some("holds characters other than lowercase letters, digits, `.` and `-`".to_string())
    } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        Some("does not start and end with a letter or digit".to_string())
    } else if name.contains("..") {
        Some("holds two adjacent dots".to_string())
    } else if is_ipv4(name) {
        Some("is formatted as an IP address".to_string())
    } else if let Some(p) = ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .find(|p| name.starts_with(*p))
    {
        Some(format!("starts with the reserved prefix `{p}`"))
    } else {
        ["-s3alias", "--ol-s3", ".mrap", "--x-s3"]
            .iter()
            .find(|s| name.ends_with(*s))
            .map(|s| format!("ends with the reserved suffix `{s}`"))
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(ConstructError::invalid(
            path,
            format!("the bucket name `{name}` {p}"),
            "use 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit (or leave the name unset and let CloudFormation choose one)",
        )),
    }
}

fn is_ipv4(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}
