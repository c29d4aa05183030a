//! The passes that need service knowledge, and the catalog of every rule gs applies.
//!
//! They are plain data ([`ALL`]): [`crate::CfnBackend`] brings them to every synthesis, so an
//! app runs them however it was built, through typed constructs, raw resources or a mix.

use gs_core::{Pass, Rule};

/// Every pass of gs-constructs, then gs-cfn's template limits: what [`crate::CfnBackend`]
/// runs besides gs-core's own passes.
///
/// ```
/// let names: Vec<&str> = gs_constructs::passes::ALL.iter().map(|p| p.name).collect();
/// assert!(names.contains(&"gs-constructs/backup"));
/// assert!(names.contains(&"gs-cfn/limits"));
/// ```
pub const ALL: &[Pass] = &[
    Pass {
        name: "gs-constructs/efs",
        rules: crate::efs::passes::RULES,
        run: crate::efs::passes::check,
    },
    Pass {
        name: "gs-constructs/ecs",
        rules: crate::ecs::passes::RULES,
        run: crate::ecs::passes::check,
    },
    Pass {
        name: "gs-constructs/elbv2",
        rules: crate::elbv2::passes::RULES,
        run: crate::elbv2::passes::check,
    },
    Pass {
        name: "gs-constructs/elasticache",
        rules: crate::elasticache::passes::RULES,
        run: crate::elasticache::passes::check,
    },
    Pass {
        name: "gs-constructs/apigateway",
        rules: crate::apigateway::passes::RULES,
        run: crate::apigateway::passes::check,
    },
    Pass {
        name: "gs-constructs/s3",
        rules: crate::s3::passes::RULES,
        run: crate::s3::passes::check,
    },
    Pass {
        name: "gs-constructs/sns",
        rules: crate::sns::passes::RULES,
        run: crate::sns::passes::check,
    },
    Pass {
        name: "gs-constructs/dynamodb",
        rules: crate::dynamodb::passes::RULES,
        run: crate::dynamodb::passes::check,
    },
    Pass {
        name: "gs-constructs/backup",
        rules: crate::backup::passes::RULES,
        run: crate::backup::passes::check,
    },
    Pass {
        name: "gs-constructs/lambda",
        rules: crate::lambda::passes::RULES,
        run: crate::lambda::passes::check,
    },
    Pass {
        name: "gs-constructs/events",
        rules: crate::events::passes::RULES,
        run: crate::events::passes::check,
    },
    Pass {
        name: "gs-constructs/logs",
        rules: crate::logs::passes::RULES,
        run: crate::logs::passes::check,
    },
    Pass {
        name: "gs-constructs/security",
        rules: crate::security::passes::RULES,
        run: crate::security::passes::check,
    },
    Pass {
        name: "gs-constructs/lifecycle",
        rules: crate::lifecycle::RULES,
        run: crate::lifecycle::check,
    },
    Pass {
        name: "gs-constructs/dr",
        rules: crate::dr::passes::RULES,
        run: crate::dr::passes::check,
    },
    gs_cfn::passes::LIMITS_PASS,
    gs_l1::schema::PASS,
];

/// Every rule gs applies, in catalog order, in parts: gs-core's, gs-cfn's, then each
/// service's. [`catalog`] is the same list joined.
pub const CATALOG: &[&[Rule]] = &[
    gs_core::passes::RULES,
    gs_cfn::passes::RULES,
    gs_l1::schema::RULES,
    crate::logs::passes::RULES,
    crate::security::passes::RULES,
    crate::lifecycle::RULES,
    crate::efs::passes::RULES,
    crate::ecs::passes::RULES,
    crate::elbv2::passes::RULES,
    crate::elasticache::passes::RULES,
    crate::apigateway::passes::RULES,
    crate::s3::passes::RULES,
    crate::sns::passes::RULES,
    crate::dynamodb::passes::RULES,
    crate::backup::passes::RULES,
    crate::lambda::passes::RULES,
    crate::events::passes::RULES,
    crate::dr::passes::RULES,
];

/// Every rule gs applies, in catalog order: gs-core's, gs-cfn's, then each service's.
pub fn catalog() -> Vec<Rule> {
    CATALOG.concat()
}
