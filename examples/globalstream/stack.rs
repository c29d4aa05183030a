//! The GlobalStream disaster-recovery stacks: a primary Region stack with all ten components of
//! the seed (VPC, Secrets Manager, Aurora Serverless v2, EFS + access point, ElastiCache Redis,
//! ECS Fargate, Kinesis, API Gateway, CodePipeline, AWS Backup) and a DR Region stack (the Aurora
//! Global Database secondary and the backup vault copies land in).
//!
//! Shared by the example's `main.rs` and the integration tests, so the tests check the very
//! stack the README's main command writes.

use std::time::Duration;

use gs_constructs::backup::{
    BackupPlan, BackupPlanProps, BackupRule, BackupSelection, BackupVault, BackupVaultProps,
    CopyAction, Schedule,
};
use gs_constructs::dr::{self, FailureScope, Objectives, Target};
use gs_constructs::prelude::*;
use gs_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};

/// What the environment chooses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Suffix of every name and of the stack name (`TapStack<suffix>`).
    pub suffix: String,
    /// The primary Region.
    pub region: String,
    /// The DR Region.
    pub dr_region: String,
}

impl Config {
    /// Reads `ENVIRONMENT_SUFFIX` (default `dev`), `AWS_REGION` (default `us-east-1`) and
    /// `DR_REGION` (default `us-west-2`) through `var`, refusing values AWS would refuse.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> std::result::Result<Config, String> {
        let suffix = var("ENVIRONMENT_SUFFIX").unwrap_or_else(|| "dev".into());
        let region = var("AWS_REGION").unwrap_or_else(|| "us-east-1".into());
        let dr_region = var("DR_REGION").unwrap_or_else(|| "us-west-2".into());
        if suffix.is_empty()
            || suffix.len() > 12
            || !suffix.starts_with(|c: char| c.is_ascii_lowercase())
            || !suffix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(format!(
                "ENVIRONMENT_SUFFIX `{suffix}` is invalid: it names every resource (ElastiCache ids allow 40 lowercase characters); fix: use 1 to 12 lowercase letters and digits starting with a letter, e.g. `dev` or `pr123`"
            ));
        }
        for (name, value) in [("AWS_REGION", &region), ("DR_REGION", &dr_region)] {
            let parts: Vec<&str> = value.split('-').collect();
            let ok = parts.len() >= 3
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
                && parts
                    .last()
                    .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!(
                    "{name} `{value}` is not a Region name; fix: use a name such as `us-east-1`"
                ));
            }
        }
        if region == dr_region {
            return Err(format!(
                "DR_REGION equals AWS_REGION ({region}): a DR Region must survive the loss of the primary; fix: choose another Region, e.g. `us-west-2`"
            ));
        }
        Ok(Config {
            suffix,
            region,
            dr_region,
        })
    }
}

/// The built app and its two stacks.
// The example's main only needs `app`; the tests read the rest.
#[allow(dead_code)]
pub struct GlobalStream {
    /// The app.
    pub app: App,
    /// `TapStack<suffix>`, in the primary Region.
    pub primary: NodeId,
    /// `TapStack<suffix>Dr`, in the DR Region.
    pub dr: NodeId,
    /// The content file system (the seed's `ContentFileSystem`).
    pub file_system: efs::FileSystem,
    /// The backup plan (the seed's `EfsBackupPlan`).
    pub backup_plan: BackupPlan,
}

/// 15 minutes.
pub const RPO: Duration = Duration::from_secs(15 * 60);
/// 1 hour.
pub const RTO: Duration = Duration::from_secs(3600);

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A component of the stack: a group whose resources carry its own `Purpose` tag.
fn component<'s>(s: &'s mut Scope<'_>, id: &str, purpose: &str) -> Result<Scope<'s>> {
    let mut g = s.group(id)?;
    let node = g.node();
    g.app_mut().tag(node, "Purpose", purpose)?;
    Ok(g)
}

/// An output with its description.
fn described(value: Value, description: &str) -> Output {
    let mut output = Output::new(value);
    output.description = Some(description.into());
    output
}

/// Builds both stacks.
pub fn build(config: &Config) -> Result<GlobalStream> {
    let suffix = config.suffix.as_str();
    let mut app = App::new();
    let primary = app.stack(
        &format!("TapStack{suffix}"),
        StackProps {
            region: Some(config.region.clone()),
            description: Some(format!(
                "GlobalStream media platform ({suffix}): RPO 15 min, RTO 1 h"
            )),
            ..Default::default()
        },
    )?;
    let dr_stack = app.stack(
        &format!("TapStack{suffix}Dr"),
        StackProps {
            region: Some(config.dr_region.clone()),
            description: Some(format!(
                "GlobalStream DR Region ({}) for {suffix}",
                config.dr_region
            )),
            ..Default::default()
        },
    )?;
    for stack in [primary.node(), dr_stack.node()] {
        app.tag(stack, "Compliance", "LGPD")?;
        app.tag(stack, "Environment", suffix)?;
        app.tag(stack, "Purpose", "globalstream-dr")?;
    }
    dr::declare(&mut app, primary, Objectives::all(RPO, RTO))?;
    // The primary deploys first: the DR stack's Aurora secondary joins the global cluster the
    // primary stack creates, and cannot be created before it. The other way round nothing is
    // needed at create time: the primary's backup plan names the DR vault by ARN, and AWS Backup
    // reads that vault only when a copy job runs (a copy that runs before the DR stack's first
    // deploy completes fails once, and the next hourly one succeeds).
    app.add_dependency(
        dr_stack,
        primary,
        "the DR stack's Aurora secondary joins the global cluster the primary stack creates",
    )?;

    // The DR Region: where the Aurora secondary runs and backups are copied to.
    let dr_vault_name = format!("globalstream-dr-{suffix}");
    let mut s = app.at(primary)?;
    let global = rds::GlobalCluster::new(
        &mut s,
        "GlobalDatabase",
        &format!("globalstream-global-{suffix}"),
        // As the seed: deletion protection off for test environments, like the clusters.
        rds::GlobalClusterProps {
            deletion_protection: false,
            ..Default::default()
        },
    )?;
    let mut d = s.at(dr_stack)?;
    let dr_vpc = ec2::Vpc::new(
        &mut d,
        "Vpc",
        ec2::VpcProps {
            nat_gateways: Some(1),
            ..Default::default()
        },
    )?;
    let dr_vault = BackupVault::new(
        &mut d,
        "DrBackupVault",
        BackupVaultProps {
            name: Some(dr_vault_name.clone()),
            ..Default::default()
        },
    )?;
    d.app_mut().acknowledge(
        dr_vault.node,
        &rules::LIFECYCLE_RETAINED_FIXED_NAME,
        "the primary stack's hourly copy names this vault by ARN from another Region, where no reference reaches: it needs a fixed name; after deleting this stack, delete the emptied vault before deploying it again",
    )?;
    let secondary = rds::SecondaryDatabaseCluster::new(
        &mut d,
        "AuroraSecondary",
        dr_vpc,
        global,
        rds::DatabaseClusterProps {
            cluster_identifier: Some(format!("globalstream-aurora-{suffix}-dr")),
            deletion_protection: false,
            ..Default::default()
        },
    )?;
    // After a failover the application is deployed into the DR VPC; its security group does
    // not exist yet, so the promoted cluster admits the DR VPC's block on its port, as the
    // primary admits the media service (`dr/failover-unreachable`).
    if let Some(cidr) = dr_vpc.layout(d.app()).map(|l| l.cidr) {
        secondary.connections().allow_default_port_from(
            &mut d,
            cidr,
            "applications deployed in the DR VPC after a failover",
        )?;
    }

    // 1. Networking
    let mut g = component(&mut s, "Networking", "networking")?;
    let vpc = ec2::Vpc::new(
        &mut g,
        "Vpc",
        ec2::VpcProps {
            max_azs: 2,
            ..Default::default()
        },
    )?;
    ec2::InterfaceVpcEndpoint::new(
        &mut g,
        "SecretsManagerEndpoint",
        vpc,
        "secretsmanager",
        Default::default(),
    )?;

    // 2. Secrets: encrypted with a customer managed key, replicated to the DR Region.
    let mut g = component(&mut s, "Secrets", "secrets")?;
    let secrets = g.node();
    g.app_mut().acknowledge(
        secrets,
        &rules::LIFECYCLE_RETAINED_FIXED_NAME,
        "after a Region loss the DR deployment finds the secret replicas by name, with the primary Region and its stack outputs gone; after deleting the stack, delete the retained secrets before deploying it again",
    )?;
    let key = kms::Key::new(
        &mut g,
        "DataKey",
        kms::KeyProps {
            alias: Some(format!("globalstream-{suffix}")),
            ..Default::default()
        },
    )?;
    let replicas = vec![config.dr_region.clone()];
    let db_credentials = Secret::new(
        &mut g,
        "DatabaseCredentials",
        SecretProps {
            name: Some(format!("globalstream-db-credentials-{suffix}")),
            generate: GenerateSecretString::credentials("globalstream"),
            key: Some(key),
            replica_regions: replicas.clone(),
            ..Default::default()
        },
    )?;
    let api_key = Secret::new(
        &mut g,
        "ApiKey",
        SecretProps {
            name: Some(format!("globalstream-api-key-{suffix}")),
            key: Some(key),
            replica_regions: replicas,
            ..Default::default()
        },
    )?;

    // 3. Database: Aurora PostgreSQL Serverless v2, primary of the global database.
    let mut g = component(&mut s, "Database", "database")?;
    let database = rds::DatabaseCluster::new(
        &mut g,
        "AuroraCluster",
        vpc,
        db_credentials,
        rds::DatabaseClusterProps {
            cluster_identifier: Some(format!("globalstream-aurora-{suffix}")),
            default_database_name: Some("globalstream".into()),
            deletion_protection: false,
            global_cluster: Some(global),
            ..Default::default()
        },
    )?;

    // 4. Storage: encrypted EFS replicated to the DR Region, and the access point tasks use.
    let mut g = component(&mut s, "Storage", "content-storage")?;
    let file_system = efs::FileSystem::new(
        &mut g,
        "ContentFileSystem",
        vpc,
        efs::FileSystemProps {
            name: Some(format!("globalstream-content-{suffix}")),
            security_group_name: Some(format!("globalstream-efs-sg-{suffix}")),
            kms_key: Some(key),
            replication: Some(efs::Replication {
                region: config.dr_region.clone(),
                kms_key_id: None,
            }),
            ..Default::default()
        },
    )?;
    let access_point = efs::AccessPoint::new(
        &mut g,
        "ContentAccessPoint",
        file_system,
        efs::AccessPointProps {
            path: "/media".into(),
            ..Default::default()
        },
    )?;

    // 5. Cache: Redis with its slow log delivered to a log group it cannot be created before;
    // clients authenticate with an AUTH token generated into Secrets Manager (the default),
    // encrypted, like the cache's data, with the data key.
    let mut g = component(&mut s, "Cache", "cache")?;
    let log_group = logs::LogGroup::new(
        &mut g,
        "RedisLogGroup",
        // No name: the replication group delivers to it by handle, and a retained group
        // with a fixed name would block deploying the stack again.
        logs::LogGroupProps {
            retention: Some(logs::RetentionDays::OneWeek),
            ..Default::default()
        },
    )?;
    let cache = elasticache::ReplicationGroup::new(
        &mut g,
        "RedisCluster",
        vpc,
        elasticache::ReplicationGroupProps {
            replication_group_id: Some(format!("globalstream-redis-{suffix}")),
            at_rest_encryption_key: Some(key),
            slow_log: Some(log_group),
            ..Default::default()
        },
    )?;

    // 7. Analytics (built before the API, which writes into it).
    let mut g = component(&mut s, "Analytics", "analytics")?;
    let stream = kinesis::Stream::new(
        &mut g,
        "EventStream",
        // No name: producers get it by reference (`stream.stream_name()`, the API
        // integration), and a retained stream with a fixed name would block a redeploy.
        kinesis::StreamProps {
            encryption: kinesis::StreamEncryption::Kms(key),
            ..Default::default()
        },
    )?;
    kinesis::StreamConsumer::new(&mut g, "AnalyticsConsumer", stream, Default::default())?;

    // 6. Compute: the service the seed had to switch off, with its wiring derived from use.
    let mut g = component(&mut s, "Compute", "media-processing")?;
    let cluster = ecs::Cluster::new(
        &mut g,
        "Cluster",
        vpc,
        ecs::ClusterProps {
            name: Some(format!("globalstream-ecs-{suffix}")),
            ..Default::default()
        },
    )?;
    let task = ecs::FargateTaskDefinition::new(&mut g, "MediaTaskDefinition", Default::default())?;
    let logs = logs::LogGroup::new(
        &mut g,
        "MediaLogGroup",
        logs::LogGroupProps {
            retention: Some(logs::RetentionDays::OneWeek),
            ..Default::default()
        },
    )?;
    let mut secrets = vec![
        (
            "DB_PASSWORD".into(),
            db_credentials,
            Some("password".into()),
        ),
        ("API_KEY".into(), api_key, None),
    ];
    if let Some(token) = cache.auth_token {
        secrets.push(("REDIS_AUTH_TOKEN".into(), token, None));
    }
    // nginx built to run unprivileged (uid 101, port 8080, pid and temp files in /tmp), as
    // that user, on a read-only root filesystem: only /tmp and nginx's cache are writable,
    // in memory, besides the content volume.
    let container = task.add_container(
        &mut g,
        "media",
        "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine",
        ecs::ContainerProps {
            port_mappings: vec![8080],
            user: Some("101:101".into()),
            readonly_root_filesystem: true,
            tmpfs: vec![
                ecs::Tmpfs::new("/tmp", 64),
                ecs::Tmpfs::new("/var/cache/nginx", 64),
            ],
            environment: vec![
                ("CONTENT_PATH".into(), Value::from("/mnt/media")),
                ("DB_HOST".into(), database.endpoint_address()),
                ("REDIS_HOST".into(), cache.configuration_endpoint_address()),
                ("EVENT_STREAM".into(), stream.stream_name()),
            ],
            secrets,
            log_group: Some(logs),
            ..Default::default()
        },
    )?;
    task.mount(
        &mut g,
        "content",
        access_point,
        container,
        "/mnt/media",
        ecs::Mount::read_write(),
    )?;
    let service = ecs::FargateService::new(
        &mut g,
        "MediaProcessingService",
        cluster,
        task,
        ecs::FargateServiceProps {
            security_group_id: "EcsTaskSecurityGroup".into(),
            security_group_name: Some(format!("globalstream-ecs-sg-{suffix}")),
            desired_count: 2,
            health_check_grace_period_seconds: None,
            ..Default::default()
        },
    )?;
    service.connect_to(&mut g, database.connections(), "media service to Aurora")?;
    service.connect_to(&mut g, cache.connections(), "media service to Redis")?;
    stream.grant_write(&mut g, task.task_role)?;
    service.auto_scale(
        &mut g,
        ecs::AutoScalingProps {
            min_capacity: 2,
            max_capacity: 6,
            cpu_target_percent: Some(70.0),
            memory_target_percent: Some(75.0),
            ..Default::default()
        },
    )?;

    // 8. API: content events into Kinesis, access-logged.
    let mut g = component(&mut s, "Api", "content-api")?;
    let access_logs = logs::LogGroup::new(
        &mut g,
        "AccessLogs",
        logs::LogGroupProps {
            retention: Some(logs::RetentionDays::OneWeek),
            ..Default::default()
        },
    )?;
    let api = apigateway::RestApi::new(
        &mut g,
        "ContentApi",
        apigateway::RestApiProps {
            name: Some(format!("globalstream-api-{suffix}")),
            access_log_group: Some(access_logs),
            default_cors: Some(apigateway::CorsOptions::new([
                "https://globalstream.example",
            ])),
            ..Default::default()
        },
    )?;
    let events = api.add_resource(&mut g, api.root(), "events")?;
    api.add_method(
        &mut g,
        events,
        "POST",
        apigateway::Integration::kinesis_put_record(stream.into()),
    )?;

    // 9. CI/CD: the DR-testing pipeline the seed had to drop; sources come from S3, not
    // CodeCommit (closed to new AWS customers).
    let mut g = component(&mut s, "Cicd", "dr-testing")?;
    let cicd = g.node();
    let source = s3::Bucket::new(&mut g, "SourceBucket", Default::default())?;
    let pipeline = codepipeline::Pipeline::new(
        &mut g,
        "DrTestPipeline",
        codepipeline::SourceKind::S3 {
            bucket: source,
            object_key: "globalstream/source.zip".into(),
        },
        codepipeline::BuildProps::new(
            "version: 0.2\nphases:\n  build:\n    commands:\n      - ./scripts/dr-drill.sh\n",
        ),
        codepipeline::PipelineProps {
            name: Some(format!("globalstream-dr-tests-{suffix}")),
            ..Default::default()
        },
    )?;

    // 10. Backup: hourly backups copied to the DR Region, daily ones kept a week. AWS Backup
    // runs only one of two rules whose start windows overlap (the longer retention), so the
    // hourly rule leaves 05:00 to the daily one, which copies too (`backup/overlapping-rules`):
    // a recovery point, and a copy, every hour.
    let mut g = component(&mut s, "Backup", "backup")?;
    let vault = BackupVault::new(
        &mut g,
        "BackupVault",
        // No name: the plan refers to it by handle; gs names it with the stack's generation.
        BackupVaultProps {
            encryption_key: Some(key),
            ..Default::default()
        },
    )?;
    let dr_vault_by_arn = BackupVault::from_arn(
        &mut g,
        "DrBackupVault",
        &format!(
            "arn:${{AWS::Partition}}:backup:{}:${{AWS::AccountId}}:backup-vault:{dr_vault_name}",
            config.dr_region
        ),
    )?;
    let copy = CopyAction::to_vault(dr_vault_by_arn, Some(7));
    let mut daily = BackupRule::new("DailyBackup", Schedule::daily_at(5, 0)?)?;
    daily.start_window = Duration::from_secs(3600);
    daily.completion_window = Duration::from_secs(2 * 3600);
    daily.delete_after_days = Some(7);
    daily.copy_actions = vec![copy.clone()];
    let backup_plan = BackupPlan::new(
        &mut g,
        "EfsBackupPlan",
        vault,
        daily,
        BackupPlanProps {
            name: Some(format!("globalstream-efs-backup-{suffix}")),
        },
    )?;
    let mut hourly = BackupRule::new("HourlyBackup", Schedule::cron("cron(0 0-4,6-23 * * ? *)")?)?;
    hourly.start_window = Duration::from_secs(3600);
    hourly.completion_window = Duration::from_secs(2 * 3600);
    hourly.delete_after_days = Some(2);
    hourly.copy_actions = vec![copy];
    backup_plan.add_rule(&mut g, hourly)?;
    BackupSelection::new(
        &mut g,
        "ContentSelection",
        backup_plan,
        vec![file_system.into(), database.into()],
        Default::default(),
    )?;

    // Where the stack's objectives are not sensible, say so on the construct.
    let backup_worst_case = Some(Target {
        rpo: Duration::from_secs(4 * 3600),
        rto: RTO,
    });
    dr::override_for(
        &mut s,
        file_system.node,
        Objectives::all(RPO, RTO).with(FailureScope::Corruption, backup_worst_case),
        "EFS has no point-in-time recovery and AWS Backup snapshots it at most hourly; a run may start up to 1 hour late and take up to 2 hours (the shortest windows AWS Backup allows): 4 hours is the worst case AWS Backup bounds for deleted or corrupted content",
    )?;
    dr::override_for(
        &mut s,
        cache.node,
        Objectives::all(RPO, RTO)
            .with(FailureScope::RegionLoss, None)
            .with(FailureScope::Corruption, None),
        "the cache holds derived data (cache-aside over Aurora): after a Region loss or a flush it refills from the database",
    )?;
    dr::override_for(
        &mut s,
        stream.node,
        Objectives::all(RPO, RTO)
            .with(FailureScope::RegionLoss, None)
            .with(FailureScope::Corruption, None),
        "analytics events are best effort: after a Region failover producers write to the DR deployment's stream; Kinesis keeps no copy, so consumers replay only records younger than the 24-hour retention, and deleting the stream loses them",
    )?;
    dr::override_for(
        &mut s,
        cicd,
        Objectives::all(RPO, RTO).with(FailureScope::RegionLoss, None),
        "pipeline sources and artifacts are rebuilt from the repository; the pipeline is redeployed in the DR Region",
    )?;

    // What operators and other tools read: the primary's endpoints and names, and in the DR
    // stack what a failover runbook needs.
    let outputs: [(&str, Value, &str); 9] = [
        ("VpcId", vpc.vpc_id(), "the VPC every component runs in"),
        (
            "AuroraClusterEndpoint",
            database.endpoint_address(),
            "the Aurora writer endpoint (host name)",
        ),
        (
            "GlobalClusterIdentifier",
            global.global_cluster_identifier(),
            "the Aurora global database the primary and the DR cluster belong to",
        ),
        (
            "FileSystemId",
            file_system.file_system_id(),
            "the content file system (replicated to the DR Region)",
        ),
        (
            "RedisConfigurationEndpoint",
            cache.configuration_endpoint_address(),
            "the Redis configuration endpoint (host name; cluster mode enabled)",
        ),
        (
            "EcsClusterName",
            cluster.cluster_name(),
            "the ECS cluster the media service runs in",
        ),
        (
            "EventStreamName",
            stream.stream_name(),
            "the Kinesis stream of content events",
        ),
        ("ApiUrl", api.url(), "the content API's stage URL"),
        (
            "PipelineName",
            pipeline.pipeline_name(),
            "the DR-testing pipeline",
        ),
    ];
    for (id, value, description) in outputs {
        s.output(id, described(value, description))?;
    }
    let mut d = s.at(dr_stack)?;
    let global_id = secondary
        .global_cluster_identifier(d.app())
        .unwrap_or(Value::Null);
    let dr_outputs: [(&str, Value, &str); 7] = [
        ("DrVpcId", dr_vpc.vpc_id(), "the DR Region's VPC"),
        (
            "DrClusterIdentifier",
            secondary.cluster_identifier(),
            "the Aurora secondary cluster in the DR Region",
        ),
        (
            "DrClusterArn",
            secondary.arn(),
            "failover: in the DR Region, aws rds failover-global-cluster --global-cluster-identifier <GlobalClusterIdentifier> --target-db-cluster-identifier <DrClusterArn> --allow-data-loss (a planned test: switchover-global-cluster instead)",
        ),
        (
            "DrClusterEndpoint",
            secondary.endpoint_address(),
            "the DR cluster's writer endpoint (host name), serving writes once it is promoted",
        ),
        (
            "DrClusterReaderEndpoint",
            secondary.reader_endpoint_address(),
            "the DR cluster's reader endpoint (host name)",
        ),
        (
            "GlobalClusterIdentifier",
            global_id,
            "the Aurora global database the DR cluster is a secondary of",
        ),
        (
            "DrBackupVaultName",
            dr_vault.name(),
            "the DR Region's backup vault, which the primary's hourly recovery points are copied to; restore from it after a Region loss",
        ),
    ];
    for (id, value, description) in dr_outputs {
        d.output(id, described(value, description))?;
    }
    d.output(
        "DrBackupVaultArn",
        described(dr_vault.arn(), "the DR Region's backup vault's ARN"),
    )?;

    Ok(GlobalStream {
        app,
        primary: primary.node(),
        dr: dr_stack.node(),
        file_system,
        backup_plan,
    })
}
