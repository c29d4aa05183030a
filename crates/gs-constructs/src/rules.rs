//! Every rule of the catalog as a constant, to acknowledge a finding by its rule:
//! `app.acknowledge(node, &rules::S3_PUBLIC_BUCKET, "public website assets")`. A misspelt
//! rule does not compile; [`find`] looks a rule up by its id (for ids read from a file or a
//! command line) and names the closest one when there is none.
//!
//! Each constant is the rule id upper-cased, with `/` and `-` as `_`.

use gs_core::Rule;

macro_rules! rules {
    ($($name:ident = $path:path;)*) => {
        $(
            #[doc = concat!("The rule `", stringify!($name), "` of the catalog (see its `id`, `what`, `why` and `fix`).")]
            pub const $name: Rule = $path;
        )*
        /// Every constant of this module, in the order written.
        pub const EXPORTED: &[Rule] = &[$($name),*];
    };
}

rules! {
    CORE_INVALID_LOGICAL_ID = gs_core::passes::INVALID_LOGICAL_ID;
    CORE_DUPLICATE_LOGICAL_ID = gs_core::passes::DUPLICATE_LOGICAL_ID;
    CORE_DANGLING_REFERENCE = gs_core::passes::DANGLING_REFERENCE;
    CORE_DEPENDENCY_CYCLE = gs_core::passes::DEPENDENCY_CYCLE;
    CORE_INVALID_ACKNOWLEDGEMENT = gs_core::passes::INVALID_ACKNOWLEDGEMENT;
    CORE_INVALID_VALUE = gs_core::passes::INVALID_VALUE;
    CFN_LIMITS = gs_cfn::passes::LIMITS;
    CFN_SNAPSHOT_UNSUPPORTED = gs_cfn::passes::SNAPSHOT_UNSUPPORTED;
    SCHEMA_UNKNOWN_TYPE = gs_l1::schema::UNKNOWN_TYPE;
    SCHEMA_UNKNOWN_PROPERTY = gs_l1::schema::UNKNOWN_PROPERTY;
    SCHEMA_MISSING_REQUIRED = gs_l1::schema::MISSING_REQUIRED;
    SCHEMA_WRONG_KIND = gs_l1::schema::WRONG_KIND;
    SCHEMA_INVALID_VALUE = gs_l1::schema::INVALID_VALUE;
    SCHEMA_UNKNOWN_ATTRIBUTE = gs_l1::schema::UNKNOWN_ATTRIBUTE;
    SCHEMA_READ_ONLY_PROPERTY = gs_l1::schema::READ_ONLY_PROPERTY;
    LOGS_DANGLING_LOG_GROUP = crate::logs::passes::DANGLING;
    LOGS_NOT_ORDERED = crate::logs::passes::NOT_ORDERED;
    SECURITY_UNENCRYPTED_AT_REST = crate::security::passes::AT_REST;
    SECURITY_UNENCRYPTED_IN_TRANSIT = crate::security::passes::IN_TRANSIT;
    SECURITY_CACHE_WITHOUT_AUTH = crate::security::passes::CACHE_WITHOUT_AUTH;
    SECURITY_OPEN_INGRESS = crate::security::passes::OPEN_INGRESS;
    SECURITY_IAM_WILDCARD = crate::security::passes::IAM_WILDCARD;
    SECURITY_UNAUTHENTICATED_API_METHOD = crate::security::passes::OPEN_API_METHOD;
    LIFECYCLE_STATEFUL_DESTROY = crate::security::passes::STATEFUL_DESTROY;
    LIFECYCLE_RETAINED_FIXED_NAME = crate::lifecycle::RETAINED_FIXED_NAME;
    EFS_NO_NFS_INGRESS = crate::efs::passes::NO_NFS_INGRESS;
    EFS_NO_MOUNT_TARGET_IN_AZ = crate::efs::passes::NO_MOUNT_TARGET_IN_AZ;
    EFS_MOUNT_NOT_ORDERED = crate::efs::passes::MOUNT_NOT_ORDERED;
    EFS_ACCESS_POINT_FOREIGN = crate::efs::passes::ACCESS_POINT_FOREIGN;
    EFS_ACCESS_POINT_NEEDS_TRANSIT_ENCRYPTION = crate::efs::passes::ACCESS_POINT_NEEDS_TRANSIT_ENCRYPTION;
    EFS_IAM_NEEDS_TRANSIT_ENCRYPTION = crate::efs::passes::IAM_NEEDS_TRANSIT_ENCRYPTION;
    EFS_ACCESS_POINT_ROOT_DIRECTORY = crate::efs::passes::ACCESS_POINT_ROOT_DIRECTORY;
    EFS_VPC_DNS_DISABLED = crate::efs::passes::VPC_DNS_DISABLED;
    EFS_MOUNT_ACROSS_VPCS = crate::efs::passes::MOUNT_ACROSS_VPCS;
    ECS_FARGATE_EFS_PLATFORM_VERSION = crate::ecs::passes::FARGATE_EFS_PLATFORM_VERSION;
    ECS_TASK_DEFINITION_WITHOUT_CONTAINER = crate::ecs::passes::TASK_DEFINITION_WITHOUT_CONTAINER;
    ELBV2_HEALTH_CHECK_PORT_NOT_ADMITTED = crate::elbv2::passes::HEALTH_CHECK_PORT_NOT_ADMITTED;
    ELBV2_ACCESS_LOGS_BUCKET_KMS_ENCRYPTED = crate::elbv2::ACCESS_LOGS_BUCKET_KMS_ENCRYPTED;
    ELBV2_ACCESS_LOGS_NOT_DELIVERABLE = crate::elbv2::ACCESS_LOGS_NOT_DELIVERABLE;
    ELASTICACHE_LOG_TYPE_ENGINE_VERSION = crate::elasticache::passes::LOG_TYPE_ENGINE_VERSION;
    CFN_NAME_CONSTRAINTS = crate::elasticache::passes::NAME_CONSTRAINTS;
    APIGATEWAY_DEPLOYMENT_WITHOUT_METHODS = crate::apigateway::passes::DEPLOYMENT_WITHOUT_METHODS;
    APIGATEWAY_LAMBDA_WITHOUT_PERMISSION = crate::apigateway::lambda_permission::LAMBDA_WITHOUT_PERMISSION;
    S3_PUBLIC_BUCKET = crate::s3::passes::PUBLIC_BUCKET;
    SNS_SUBSCRIPTION_CANNOT_DELIVER = crate::sns::passes::SUBSCRIPTION_CANNOT_DELIVER;
    DYNAMODB_EVENT_SOURCE_WITHOUT_STREAM = crate::dynamodb::passes::EVENT_SOURCE_WITHOUT_STREAM;
    BACKUP_PLAN_WITHOUT_RULES = crate::backup::passes::PLAN_WITHOUT_RULES;
    BACKUP_PLAN_WITHOUT_SELECTION = crate::backup::passes::PLAN_WITHOUT_SELECTION;
    BACKUP_SELECTION_EMPTY = crate::backup::passes::SELECTION_EMPTY;
    BACKUP_SCHEDULE_INVALID = crate::backup::passes::SCHEDULE_INVALID;
    BACKUP_OVERLAPPING_RULES = crate::backup::passes::OVERLAPPING_RULES;
    BACKUP_WINDOW_INVALID = crate::backup::passes::WINDOW_INVALID;
    BACKUP_RETENTION_SHORTER_THAN_INTERVAL = crate::backup::passes::RETENTION_SHORTER_THAN_INTERVAL;
    LAMBDA_SQS_VISIBILITY_TIMEOUT = crate::lambda::passes::SQS_VISIBILITY_TIMEOUT;
    LAMBDA_VPC_WITHOUT_EGRESS = crate::lambda::passes::VPC_WITHOUT_EGRESS;
    LAMBDA_PACKAGE_TOO_LARGE = crate::lambda::passes::PACKAGE_TOO_LARGE;
    LAMBDA_RESERVED_CONCURRENCY_OVER_QUOTA = crate::lambda::passes::RESERVED_CONCURRENCY_OVER_QUOTA;
    EVENTS_TARGET_WITHOUT_PERMISSION = crate::events::passes::TARGET_WITHOUT_PERMISSION;
    DR_RPO_NOT_MET = crate::dr::passes::RPO_NOT_MET;
    DR_RTO_NOT_MET = crate::dr::passes::RTO_NOT_MET;
    DR_AT_LIMIT = crate::dr::passes::AT_LIMIT;
    DR_STATEFUL_DESTROY = crate::dr::passes::STATEFUL_DESTROY;
    DR_FAILOVER_UNREACHABLE = crate::dr::failover::FAILOVER_UNREACHABLE;
}

/// A rule id that is not in the catalog.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{id}` is not a rule of gs{}; fix: use an id of the catalog (docs/rules.md, or `gs_constructs::passes::catalog()`)", match .closest { Some(c) => format!(" (did you mean `{c}`?)"), None => String::new() })]
pub struct UnknownRule {
    /// The id as given.
    pub id: String,
    /// The catalog id nearest to it, when one is near enough to be a likely typo.
    pub closest: Option<&'static str>,
}

/// The rule of the catalog with `id`.
///
/// ```
/// use gs_constructs::rules;
/// assert_eq!(rules::find("dr/stateful-destroy")?, rules::DR_STATEFUL_DESTROY);
/// let typo = rules::find("dr/stateful-destory").unwrap_err();
/// assert_eq!(typo.closest, Some("dr/stateful-destroy"));
/// # Ok::<(), rules::UnknownRule>(())
/// ```
pub fn find(id: &str) -> Result<Rule, UnknownRule> {
    EXPORTED
        .iter()
        .find(|r| r.id == id)
        .copied()
        .ok_or_else(|| UnknownRule {
            id: id.into(),
            closest: gs_core::passes::closest(id, EXPORTED.iter().map(|r| r.id)),
        })
}
