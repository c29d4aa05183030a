//! Every failure the seed lists under "Key Fixes" and "Known Limitations", on the GlobalStream
//! stack the README's main command writes: the fixed shape is what gs emits, and the broken shape
//! (built through the escape hatch where the typed API cannot express it) is refused at
//! synthesis with the rule and the construct path.

#[path = "../../../examples/globalstream/stack.rs"]
mod stack;
mod support;

use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

fn globalstream() -> stack::GlobalStream {
    let config = stack::Config::from_env(|_| None).expect("defaults are valid");
    stack::build(&config).expect("the example builds")
}

fn node_at(app: &App, path: &str) -> NodeId {
    app.nodes()
        .find(|(id, _)| app.path(*id).is_ok_and(|p| p == path))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no node at {path}"))
}

#[test]
fn the_globalstream_example_synthesizes_with_all_ten_components_the_service_and_pipeline_included()
{
    let built = globalstream();
    let t = synth(&built.app, "seed_globalstream");
    for type_name in [
        "AWS::EC2::VPC",
        "AWS::EC2::VPCEndpoint",
        "AWS::SecretsManager::Secret",
        "AWS::RDS::DBCluster",
        "AWS::EFS::FileSystem",
        "AWS::EFS::AccessPoint",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::ECS::Service",
        "AWS::Kinesis::Stream",
        "AWS::ApiGateway::RestApi",
        "AWS::CodePipeline::Pipeline",
        "AWS::Backup::BackupPlan",
        "AWS::Backup::BackupSelection",
    ] {
        assert!(
            !resources_of(&t, type_name).is_empty(),
            "{type_name} missing"
        );
    }
}

#[test]
fn every_taggable_resource_carries_purpose_compliance_and_environment() {
    let t = synth(&globalstream().app, "seed_tags");
    let mut checked = 0;
    for (id, r) in t["Resources"].as_object().expect("resources") {
        let props = &r["Properties"];
        let tags: Vec<&str> = match (
            &props["Tags"],
            &props["FileSystemTags"],
            &props["BackupPlanTags"],
        ) {
            (Json::Array(l), _, _) | (_, Json::Array(l), _) => {
                l.iter().filter_map(|t| t["Key"].as_str()).collect()
            }
            (_, _, Json::Object(m)) => m.keys().map(String::as_str).collect(),
            _ => continue,
        };
        for key in ["Purpose", "Compliance", "Environment"] {
            assert!(tags.contains(&key), "{id} lacks {key}");
        }
        checked += 1;
    }
    assert!(checked > 30, "only {checked} tagged resources");
}

#[test]
fn names_carry_the_environment_suffix() {
    let config =
        stack::Config::from_env(|k| (k == "ENVIRONMENT_SUFFIX").then(|| "pr7".to_string()))
            .expect("valid");
    let built = stack::build(&config).expect("builds");
    let t = synth(&built.app, "seed_suffix");
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"ReplicationGroupId": "globalstream-redis-pr7"}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::RDS::DBCluster",
        json!({"DBClusterIdentifier": "globalstream-aurora-pr7"}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::ECS::Cluster",
        json!({"ClusterName": "globalstream-ecs-pr7"}),
    );
    // The Redis log group is retained: CloudFormation names it (from the stack name, which
    // carries the suffix), so deleting the stack and deploying it again cannot collide on it.
    let (_, group) = resource_at(&t, "TapStackpr7/Cache/RedisLogGroup/Resource");
    assert!(
        group["Properties"].get("LogGroupName").is_none(),
        "{group:#}"
    );
    assert!(built
        .app
        .path(built.primary)
        .is_ok_and(|p| p == "TapStackpr7"));
}

/// Key fix 1: "AWS Backup plan created without any backup rules."
#[test]
fn fix_1_a_backup_plan_without_rules_is_refused_at_the_plan() -> R {
    let mut built = globalstream();
    // Through the typed API the plan cannot exist without its first rule: `BackupPlan::new`
    // takes it. Emptying the rule list needs the escape hatch.
    assert_eq!(built.backup_plan.rules(&built.app).len(), 2);
    let plan = built.backup_plan.resource.node();
    if let Some(Value::Map(p)) = built
        .app
        .resource_mut(plan)?
        .properties
        .get_mut("BackupPlan")
    {
        p.insert("BackupPlanRule", Value::List(vec![]));
    }
    assert_refused(
        &built.app,
        "backup/plan-without-rules",
        "TapStackdev/Backup/EfsBackupPlan",
    );
    Ok(())
}

/// Key fixes 2 and 3: no NFS ingress into the file system's group from the tasks' group.
#[test]
fn fix_2_and_3_the_file_system_admits_nfs_from_the_service_security_group_and_nothing_else_does(
) -> R {
    let mut built = globalstream();
    let t = synth(&built.app, "seed_nfs_ingress");
    let (efs_sg, _) = resource_at(
        &t,
        "TapStackdev/Storage/ContentFileSystem/EfsSecurityGroup/Resource",
    );
    let (ecs_sg, _) = resource_at(
        &t,
        "TapStackdev/Compute/MediaProcessingService/EcsTaskSecurityGroup/Resource",
    );
    assert_has_resource_properties(
        &t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 2049, "ToPort": 2049, "IpProtocol": "tcp",
               "GroupId": {"Fn::GetAtt": [efs_sg, "GroupId"]},
               "SourceSecurityGroupId": {"Fn::GetAtt": [ecs_sg, "GroupId"]}}),
    );
    // Break it: the rule now admits another port.
    let rule = node_at(
        &built.app,
        "TapStackdev/Storage/ContentFileSystem/EfsSecurityGroup/from TapStackdevComputeMediaProcessingServiceEcsTaskSecurityGroup:2049",
    );
    let props = &mut built.app.resource_mut(rule)?.properties;
    props.insert("FromPort", 2050);
    props.insert("ToPort", 2050);
    assert_refused(
        &built.app,
        "efs/no-nfs-ingress",
        "TapStackdev/Compute/MediaProcessingService/Service",
    );
    Ok(())
}

/// Key fix 4: ElastiCache logs to a log group that does not exist.
#[test]
fn fix_4_redis_delivers_slow_logs_to_its_log_group_by_reference_and_a_dangling_name_is_refused() -> R
{
    let mut built = globalstream();
    let t = synth(&built.app, "seed_redis_logs");
    let (log_group, _) = resource_at(&t, "TapStackdev/Cache/RedisLogGroup/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::ElastiCache::ReplicationGroup",
        json!({"LogDeliveryConfigurations": [{"DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": {"Ref": log_group}}},
                "DestinationType": "cloudwatch-logs", "LogFormat": "json", "LogType": "slow-log"}]}),
    );
    // Break it: name a log group nobody creates, as the seed did.
    let redis = node_at(&built.app, "TapStackdev/Cache/RedisCluster/Resource");
    let props = &mut built.app.resource_mut(redis)?.properties;
    props.insert(
        "LogDeliveryConfigurations",
        Value::List(vec![ValueMap::new()
            .with(
                "DestinationDetails",
                ValueMap::new().with(
                    "CloudWatchLogsDetails",
                    ValueMap::new().with("LogGroup", "/aws/elasticache/redis-missing"),
                ),
            )
            .with("DestinationType", "cloudwatch-logs")
            .with("LogFormat", "json")
            .with("LogType", "slow-log")
            .into()]),
    );
    assert_refused(
        &built.app,
        "logs/dangling-log-group",
        "TapStackdev/Cache/RedisCluster",
    );
    Ok(())
}

/// Key fix 5: the task named the access point through the file system, which has none.
#[test]
fn fix_5_the_volume_names_the_access_point_of_its_own_file_system() -> R {
    let built = globalstream();
    let t = synth(&built.app, "seed_access_point");
    let (fs, _) = resource_at(&t, "TapStackdev/Storage/ContentFileSystem/Resource");
    let (ap, _) = resource_at(&t, "TapStackdev/Storage/ContentAccessPoint/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::ECS::TaskDefinition",
        json!({"Volumes": [{"Name": "content", "EFSVolumeConfiguration": {
            "FilesystemId": {"Ref": fs}, "TransitEncryption": "ENABLED",
            "AuthorizationConfig": {"AccessPointId": {"Ref": ap}, "IAM": "ENABLED"}}}]}),
    );
    Ok(())
}

/// Key fix 6: CodeCommit closed to new customers, so the seed dropped its pipeline.
#[test]
fn fix_6_the_pipeline_is_built_with_an_s3_source_and_a_codebuild_stage() {
    let t = synth(&globalstream().app, "seed_pipeline");
    assert_has_resource_properties(
        &t,
        "AWS::CodePipeline::Pipeline",
        json!({"Stages": [
            {"Name": "Source", "Actions": [{"Name": "Source", "ActionTypeId": {"Category": "Source", "Owner": "AWS", "Provider": "S3", "Version": "1"},
              "Configuration": {"PollForSourceChanges": true, "S3ObjectKey": "globalstream/source.zip", "S3Bucket": {"Ref": resource_at(&t, "TapStackdev/Cicd/SourceBucket/Resource").0}}}]},
            {"Name": "Build"}]}),
    );
}

/// Known limitation 1: the ECS service with its EFS mount was switched off for mount timing.
#[test]
fn limitation_1_the_service_runs_after_every_mount_target_on_a_platform_that_mounts_efs() -> R {
    let mut built = globalstream();
    let t = synth(&built.app, "seed_service_order");
    let (_, svc) = resource_at(&t, "TapStackdev/Compute/MediaProcessingService/Service");
    let depends: Vec<&str> = svc["DependsOn"]
        .as_array()
        .expect("DependsOn")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    for az in 1..=2 {
        let (mt, _) = resource_at(
            &t,
            &format!("TapStackdev/Storage/ContentFileSystem/EfsMountTarget{az}"),
        );
        assert!(depends.contains(&mt), "{mt} not in {depends:?}");
    }
    let (nfs_rule, _) = resource_at(
        &t,
        "TapStackdev/Storage/ContentFileSystem/EfsSecurityGroup/from TapStackdevComputeMediaProcessingServiceEcsTaskSecurityGroup:2049",
    );
    assert!(
        depends.contains(&nfs_rule),
        "the service waits for its NFS rule: {depends:?}"
    );
    assert_eq!(svc["Properties"]["PlatformVersion"], "LATEST");
    // Break it: an explicit 1.3.0 platform, which cannot mount EFS.
    let service = node_at(
        &built.app,
        "TapStackdev/Compute/MediaProcessingService/Service",
    );
    built
        .app
        .resource_mut(service)?
        .properties
        .insert("PlatformVersion", "1.3.0");
    assert_refused(
        &built.app,
        "ecs/fargate-efs-platform-version",
        "TapStackdev/Compute/MediaProcessingService/Service",
    );
    Ok(())
}

/// Known limitation 3: cross-Region replication "not fully supported".
#[test]
fn limitation_3_the_file_system_replicates_to_the_dr_region_and_backups_are_copied_there() {
    let t = synth(&globalstream().app, "seed_replication");
    assert_has_resource_properties(
        &t,
        "AWS::EFS::FileSystem",
        json!({"ReplicationConfiguration": {"Destinations": [{"Region": "us-west-2"}]}}),
    );
    let (_, plan) = resource_at(&t, "TapStackdev/Backup/EfsBackupPlan/Resource");
    let copies = plan["Properties"]["BackupPlan"]["BackupPlanRule"][1]["CopyActions"][0]
        ["DestinationBackupVaultArn"]["Fn::Sub"]
        .as_str()
        .unwrap_or_default();
    assert!(copies.contains(":backup:us-west-2:"), "{copies}");
}

/// The seed's backup rule, as it specified it.
#[test]
fn the_daily_backup_rule_has_the_seeds_windows_and_retention() {
    let t = synth(&globalstream().app, "seed_daily_rule");
    let (_, plan) = resource_at(&t, "TapStackdev/Backup/EfsBackupPlan/Resource");
    assert!(matches(
        &plan["Properties"]["BackupPlan"]["BackupPlanRule"][0],
        &json!({"RuleName": "DailyBackup", "StartWindowMinutes": 60, "CompletionWindowMinutes": 120, "Lifecycle": {"DeleteAfterDays": 7}})
    ));
}

/// The seed's promise: RPO 15 minutes, with the content file system backed up once a day.
#[test]
fn the_seeds_daily_only_efs_backup_is_refused_against_its_15_minute_rpo() -> R {
    use gs_constructs::dr::{self, FailureScope, Objectives};
    let mut built = globalstream();
    let fs = built.file_system;
    // Back to the seed's shape through the escape hatch: no replication, the daily rule only,
    // and the stack's 15-minute objective for the file system too.
    built
        .app
        .resource_mut(fs.resource)?
        .properties
        .remove("ReplicationConfiguration");
    if let Some(Value::Map(plan)) = built
        .app
        .resource_mut(built.backup_plan.resource.node())?
        .properties
        .get_mut("BackupPlan")
    {
        if let Some(Value::List(rules)) = plan.get_mut("BackupPlanRule") {
            rules.retain(|r| {
                r.as_map()
                    .and_then(|m| m.get("RuleName"))
                    .and_then(Value::as_str)
                    == Some("DailyBackup")
            });
        }
    }
    dr::override_for(
        &mut built.app,
        fs.node,
        Objectives::all(stack::RPO, stack::RTO),
        "the seed's objectives, unchanged",
    )?;
    let found = refused(&built.app);
    let path = "TapStackdev/Storage/ContentFileSystem";
    let rpo: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.rule == "dr/rpo-not-met" && d.path == path)
        .collect();
    for scope in [FailureScope::RegionLoss, FailureScope::Corruption] {
        assert!(
            rpo.iter()
                .any(|d| d.message.starts_with(&scope.to_string())),
            "no dr/rpo-not-met for {scope} in {rpo:#?}"
        );
    }
    // The daily rule: 24 h between runs, started within 1 h, completed within 2 h. (EFS
    // automatic backups, AWS Backup's default windows, give 200 h: not the best.)
    assert!(
        rpo.iter().any(|d| d.message.ends_with("gives 27 h")),
        "{rpo:#?}"
    );
    Ok(())
}

/// Issue 9, section 6: "delete the stack, deploy it again" does not fail on a name the example
/// fixed without a reason. The names it keeps (the secrets the DR Region finds by name, the DR
/// vault the primary's copy names by ARN) are acknowledged; the others are left to
/// CloudFormation or carry the stack's generation.
#[test]
fn every_retained_fixed_name_of_the_example_is_acknowledged_with_a_reason() {
    let built = globalstream();
    let findings: Vec<_> = built
        .app
        .validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == "lifecycle/retained-fixed-name")
        .collect();
    let mut paths: Vec<&str> = findings.iter().map(|d| d.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "TapStackdev/Secrets/ApiKey",
            "TapStackdev/Secrets/DatabaseCredentials",
            "TapStackdevDr/DrBackupVault",
        ]
    );
    assert!(
        findings.iter().all(|d| d.acknowledged.is_some()),
        "{findings:#?}"
    );
}
