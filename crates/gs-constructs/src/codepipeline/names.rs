//! The naming rule CodePipeline applies to pipelines, stages and actions.

use crate::error::{ConstructError, Result};

/// Checks a pipeline, stage or action name: 1 to 100 letters, digits and `.@-_` (the schema's
/// `^[A-Za-z0-9.@\-_]{1,100}$`). `what` says which name it is, `path` names the construct.
///
/// ```
/// use gs_constructs::codepipeline::check_name;
/// assert!(check_name("Demo/P", "stage", "DR-Test").is_ok());
/// assert!(check_name("Demo/P", "stage", "DR test").is_err());
/// ```
pub fn check_name(path: &str, what: &str, name: &str) -> Result<()> {
    let ok = (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".@-_".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ConstructError::invalid(
            path,
            format!("the {what} name `{name}` is not valid"),
            "use 1 to 100 letters, digits, `.`, `@`, `-` and `_`",
        ))
    }
}
