//! The naming rule CodePipeline applies to pipelines, stages and actions.

use crate::error::Result;

/// Checks a pipeline, stage or action name: 1 to 100 letters, digits and `.@-_` (the schema's
/// `^[A-Za-z0-9.@\-_]{1,100}$`). `what` says which name it is, `path` names the construct.
///
/// ```
/// use gs_constructs::codepipeline::check_name;
/// assert!(check_name("Demo/P", "stage", "DR-Test").is_ok());
/// assert!(check_name("Demo/P", "stage", "DR test").is_err());
/// ```
pub fn check_name(path: &str, what: &str, name: &str) -> Result<()> {
    crate::names::NameRule {
        what,
        min: 1,
        max: 100,
        extra: ".@-_",
    }
    .check(path, name)
}
