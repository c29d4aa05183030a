//! The passes that need service knowledge, and the catalog of every rule gs applies.
//!
//! Constructors call [`ensure`], so an app that uses any construct runs them; an app built
//! only through the raw escape hatch calls [`register`] itself.

use gs_core::{App, Rule};

const MARKER: &str = "gs-constructs/efs";

/// Registers every pass of gs-constructs (and gs-cfn's template limits) on `app`.
///
/// ```
/// let mut app = gs_core::App::new();
/// gs_constructs::passes::register(&mut app);
/// assert!(app.pass_names().any(|n| n == "gs-constructs/backup"));
/// ```
pub fn register(app: &mut App) {
    app.add_pass(MARKER, crate::efs::passes::check);
    app.add_pass("gs-constructs/ecs", crate::ecs::passes::check);
    app.add_pass(
        "gs-constructs/elasticache",
        crate::elasticache::passes::check,
    );
    app.add_pass("gs-constructs/apigateway", crate::apigateway::passes::check);
    app.add_pass("gs-constructs/s3", crate::s3::passes::check);
    app.add_pass("gs-constructs/backup", crate::backup::passes::check);
    app.add_pass("gs-constructs/logs", crate::logs::passes::check);
    app.add_pass("gs-constructs/security", crate::security::passes::check);
    app.add_pass("gs-constructs/dr", crate::dr::passes::check);
    app.add_pass("gs-constructs/lifecycle", crate::lifecycle::check);
    app.add_pass("gs-cfn/limits", gs_cfn::passes::check);
}

/// Registers the passes unless they are registered already (cheap enough to call from every
/// constructor).
pub fn ensure(app: &mut App) {
    if !app.pass_names().any(|n| n == MARKER) {
        register(app);
    }
}

/// Every rule gs applies, in catalog order: gs-core's, gs-cfn's, then each service's.
pub fn catalog() -> Vec<Rule> {
    [
        gs_core::passes::RULES,
        gs_cfn::passes::RULES,
        crate::logs::passes::RULES,
        crate::security::passes::RULES,
        crate::lifecycle::RULES,
        crate::efs::passes::RULES,
        crate::ecs::passes::RULES,
        crate::elasticache::passes::RULES,
        crate::apigateway::passes::RULES,
        crate::s3::passes::RULES,
        crate::backup::passes::RULES,
        crate::dr::passes::RULES,
    ]
    .concat()
}
