mod support;

use gs_constructs::assertions::{Match, Template};
use gs_constructs::codepipeline::{BuildProps, Pipeline, PipelineProps, SourceKind};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const BUILDSPEC: &str =
    "version: 0.2\nphases:\n  build:\n    commands:\n      - ./run-dr-tests.sh\n";

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Cicd", StackProps::default()).expect("stack");
    (app, stack)
}

#[test]
fn an_s3_sourced_pipeline_builds_with_codebuild_and_least_privilege_roles() -> R {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let drops = s3::Bucket::new(&mut s, "SourceBucket", Default::default())?;
    let p = Pipeline::new(
        &mut s,
        "DrTestPipeline",
        SourceKind::S3 {
            bucket: drops,
            object_key: "dr/source.zip".into(),
        },
        BuildProps {
            environment: vec![("TARGET_REGION".into(), "us-west-2".into())],
            ..BuildProps::new(BUILDSPEC)
        },
        Default::default(),
    )?;
    let delivery = s.app().facts::<logs::LogDelivery>();
    assert!(delivery
        .iter()
        .any(|d| d.producer == p.build.resource.node() && d.kind == "codebuild"));
    let t = synth(&app, "codepipeline_s3");
    let (source_id, _) = resource_at(&t, "Cicd/SourceBucket/Resource");
    let (artifacts_id, artifacts) = resource_at(&t, "Cicd/DrTestPipeline/ArtifactsBucket/Resource");
    let (project_id, project) = resource_at(&t, "Cicd/DrTestPipeline/BuildProject/Resource");
    let (role_id, _) = resource_at(&t, "Cicd/DrTestPipeline/Role/Resource");
    let (policy_id, policy) = resource_at(&t, "Cicd/DrTestPipeline/Role/DefaultPolicy/Resource");
    let (build_policy_id, build_policy) = resource_at(
        &t,
        "Cicd/DrTestPipeline/BuildProject/Role/DefaultPolicy/Resource",
    );
    let (log_id, _) = resource_at(&t, "Cicd/DrTestPipeline/BuildProject/Logs/Resource");
    let (_, pipeline) = resource_at(&t, "Cicd/DrTestPipeline/Resource");
    assert!(matches(
        &artifacts["Properties"],
        &json!({
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "RestrictPublicBuckets": true}
        })
    ));
    assert!(artifacts["Properties"]["BucketEncryption"].is_object());
    assert!(matches(
        &pipeline["Properties"],
        &json!({
            "RoleArn": {"Fn::GetAtt": [role_id, "Arn"]},
            "ArtifactStore": {"Type": "S3", "Location": {"Ref": artifacts_id}},
            "PipelineType": "V2"
        })
    ));
    let stages = &pipeline["Properties"]["Stages"];
    assert!(matches(&stages[0], &json!({"Name": "Source"})));
    assert!(matches(
        &stages[0]["Actions"][0],
        &json!({
            "ActionTypeId": {"Category": "Source", "Owner": "AWS", "Provider": "S3", "Version": "1"},
            "Configuration": {"S3Bucket": {"Ref": source_id}, "S3ObjectKey": "dr/source.zip"}
        })
    ));
    assert!(matches(
        &stages[1]["Actions"][0],
        &json!({
            "ActionTypeId": {"Category": "Build", "Provider": "CodeBuild"},
            "Configuration": {"ProjectName": {"Ref": project_id}}
        })
    ));
    let depends = pipeline["DependsOn"].as_array().expect("DependsOn");
    assert!(
        depends.contains(&json!(policy_id)) && depends.contains(&json!(build_policy_id)),
        "{depends:?}"
    );
    assert!(
        matches(
            &project["Properties"],
            &json!({
                "Artifacts": {"Type": "CODEPIPELINE"},
                "Source": {"Type": "CODEPIPELINE", "BuildSpec": BUILDSPEC},
                "Environment": {"Type": "LINUX_CONTAINER", "Image": "aws/codebuild/standard:7.0",
                                "EnvironmentVariables": [{"Name": "TARGET_REGION", "Type": "PLAINTEXT", "Value": "us-west-2"}]},
                "LogsConfig": {"CloudWatchLogs": {"GroupName": {"Ref": log_id}, "Status": "ENABLED"}}
            })
        ),
        "{project:#}"
    );
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements");
    let start = statements
        .iter()
        .find(|s| s["Action"].to_string().contains("codebuild:StartBuild"))
        .expect("start build");
    assert_eq!(
        start["Resource"],
        json!({"Fn::GetAtt": [project_id, "Arn"]})
    );
    let reads_source = statements.iter().any(|s| {
        s["Action"].to_string().contains("s3:GetObject*")
            && s["Resource"].to_string().contains(source_id)
            && !s["Action"].to_string().contains("s3:PutObject")
    });
    assert!(reads_source, "{statements:#?}");
    assert!(
        !policy.to_string().contains("\"*\""),
        "no wildcard resource: {policy:#}"
    );
    let build_statements = build_policy["Properties"]["PolicyDocument"]["Statement"].to_string();
    assert!(build_statements.contains("logs:PutLogEvents") && build_statements.contains(log_id));
    Ok(())
}

#[test]
fn a_codestar_connection_source_uses_the_connection_and_nothing_else() -> R {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let arn = "arn:aws:codeconnections:us-east-1:123456789012:connection/abcd-1234";
    Pipeline::new(
        &mut s,
        "Pipeline",
        SourceKind::CodeStarConnection {
            connection_arn: arn.into(),
            repository: "globalstream/dr".into(),
            branch: "main".into(),
        },
        BuildProps::new(BUILDSPEC),
        PipelineProps {
            name: Some("globalstream-dr-dev".into()),
            ..Default::default()
        },
    )?;
    let t = Template::from_json(synth(&app, "codepipeline_codestar"));
    t.has_resource(
        "AWS::CodePipeline::Pipeline",
        json!({
            "Metadata": {"aws:cdk:path": "Cicd/Pipeline/Resource"},
            "Properties": {
                "Name": "globalstream-dr-dev",
                "Stages": [{"Actions": [{
                    "ActionTypeId": {"Provider": "CodeStarSourceConnection"},
                    "Configuration": {"ConnectionArn": arn, "FullRepositoryId": "globalstream/dr", "BranchName": "main"}
                }]}, {}]
            }
        }),
    )?;
    t.has_resource(
        "AWS::IAM::Policy",
        json!({
            "Metadata": {"aws:cdk:path": "Cicd/Pipeline/Role/DefaultPolicy/Resource"},
            "Properties": {"PolicyDocument": {"Statement": Match::array_with(json!([{
                "Action": ["codeconnections:UseConnection", "codestar-connections:UseConnection"], "Effect": "Allow", "Resource": arn
            }]))}}
        }),
    )?;
    Ok(())
}

#[test]
fn a_codecommit_source_reads_that_repository() -> R {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    Pipeline::new(
        &mut s,
        "Pipeline",
        SourceKind::CodeCommit {
            repository_name: "globalstream-dr".into(),
            branch: "main".into(),
        },
        BuildProps::new(BUILDSPEC),
        Default::default(),
    )?;
    let t = Template::from_json(synth(&app, "codepipeline_codecommit"));
    t.has_resource(
        "AWS::CodePipeline::Pipeline",
        json!({
            "Metadata": {"aws:cdk:path": "Cicd/Pipeline/Resource"},
            "Properties": {"Stages": [{"Actions": [{
                "ActionTypeId": {"Provider": "CodeCommit"},
                "Configuration": {"RepositoryName": "globalstream-dr", "BranchName": "main"}
            }]}, {}]}
        }),
    )?;
    let policies = t.find_resources(
        "AWS::IAM::Policy",
        json!({"Metadata": {"aws:cdk:path": "Cicd/Pipeline/Role/DefaultPolicy/Resource"}}),
    );
    let policy = policies.values().next().ok_or("no pipeline role policy")?;
    assert!(
        policy.to_string().contains(":codecommit:")
            && policy.to_string().contains("codecommit:GetBranch")
    );
    Ok(())
}

#[test]
fn bad_names_and_sources_are_refused_naming_the_pipeline() -> R {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let unversioned = s3::Bucket::new(
        &mut s,
        "Plain",
        s3::BucketProps {
            versioned: false,
            ..Default::default()
        },
    )?;
    let s3_source = |bucket| SourceKind::S3 {
        bucket,
        object_key: "src.zip".into(),
    };
    let cases: Vec<(SourceKind, BuildProps, PipelineProps, &str)> = vec![
        (
            s3_source(unversioned),
            BuildProps::new(BUILDSPEC),
            Default::default(),
            "is not versioned",
        ),
        (
            SourceKind::CodeStarConnection {
                connection_arn: "github.com/x".into(),
                repository: "a/b".into(),
                branch: "main".into(),
            },
            BuildProps::new(BUILDSPEC),
            Default::default(),
            "is not a connection ARN",
        ),
        (
            SourceKind::CodeStarConnection {
                connection_arn: "arn:aws:codestar-connections:us-east-1:123456789012:connection/x"
                    .into(),
                repository: "just-a-repo".into(),
                branch: "main".into(),
            },
            BuildProps::new(BUILDSPEC),
            Default::default(),
            "is not `owner/repo`",
        ),
        (
            SourceKind::CodeCommit {
                repository_name: "repo".into(),
                branch: "feature branch".into(),
            },
            BuildProps::new(BUILDSPEC),
            Default::default(),
            "is not a branch name",
        ),
        (
            SourceKind::CodeCommit {
                repository_name: "repo".into(),
                branch: "main".into(),
            },
            BuildProps::new(BUILDSPEC),
            PipelineProps {
                build_stage_name: "DR Tests".into(),
                ..Default::default()
            },
            "the stage name `DR Tests` contains ` `",
        ),
        (
            SourceKind::CodeCommit {
                repository_name: "repo".into(),
                branch: "main".into(),
            },
            BuildProps::new(BUILDSPEC),
            PipelineProps {
                build_stage_name: "Source".into(),
                ..Default::default()
            },
            "both stages are named",
        ),
        (
            SourceKind::CodeCommit {
                repository_name: "repo".into(),
                branch: "main".into(),
            },
            BuildProps {
                action_name: "Build!".into(),
                ..BuildProps::new(BUILDSPEC)
            },
            Default::default(),
            "the build action name",
        ),
        (
            SourceKind::CodeCommit {
                repository_name: "repo".into(),
                branch: "main".into(),
            },
            BuildProps::new("  "),
            Default::default(),
            "the buildspec is empty",
        ),
    ];
    for (source, build, props, expected) in cases {
        let err = Pipeline::new(&mut s, "Pipeline", source, build, props).expect_err(expected);
        let text = err.to_string();
        assert!(
            text.starts_with("Cicd/Pipeline: ") && text.contains(expected),
            "{text}"
        );
    }
    Ok(())
}
