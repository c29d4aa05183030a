//! [`Pipeline`]: source, then build, with an artifact bucket and least-privilege roles.

use gs_core::{Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::build::{BuildProject, BuildProps};
use super::names::check_name;
use super::source::SourceKind;
use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::s3::{Bucket, BucketProps};

/// Marker of the `AWS::CodePipeline::Pipeline` resource.
#[derive(Debug)]
pub enum CfnPipeline {}

/// Settings of a [`Pipeline`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineProps {
    /// The pipeline's name; `None` lets CloudFormation name it.
    pub name: Option<String>,
    /// The source stage's name (`Source`).
    pub source_stage_name: String,
    /// The source action's name (`Source`).
    pub source_action_name: String,
    /// The build stage's name (`Build`).
    pub build_stage_name: String,
}

impl Default for PipelineProps {
    fn default() -> Self {
        PipelineProps {
            name: None,
            source_stage_name: "Source".into(),
            source_action_name: "Source".into(),
            build_stage_name: "Build".into(),
        }
    }
}

/// A pipeline: a source stage of the chosen [`SourceKind`], then a build stage running a
/// CodeBuild project. Artifacts go to `<Pipeline>/ArtifactsBucket` (encrypted, versioned, not
/// public, TLS only). The pipeline's role may read the source, use the artifact bucket and start
/// that one project; the project's role may write its logs and use the artifact bucket.
///
/// A disaster-recovery test pipeline fed from S3 (works in any account, unlike CodeCommit):
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::codepipeline::{BuildProps, Pipeline, SourceKind};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let drops = s3::Bucket::new(&mut s, "SourceBucket", Default::default())?;
/// let pipeline = Pipeline::new(
///     &mut s,
///     "DrTestPipeline",
///     SourceKind::S3 { bucket: drops, object_key: "dr-tests/source.zip".into() },
///     BuildProps::new("version: 0.2\nphases:\n  build:\n    commands:\n      - ./run-dr-tests.sh\n"),
///     Default::default(),
/// )?;
/// assert_eq!(s.app().path(pipeline.artifacts_bucket.resource)?, "Demo/DrTestPipeline/ArtifactsBucket/Resource");
/// assert!(pipeline.role.statements(s.app()).iter().any(|st| st.actions.contains(&"codebuild:StartBuild".into())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::CodePipeline::Pipeline` resource.
    pub resource: Handle<CfnPipeline>,
    /// The pipeline's role.
    pub role: Role,
    /// Where artifacts between stages are kept.
    pub artifacts_bucket: Bucket,
    /// The build stage's project.
    pub build: BuildProject,
}

impl Pipeline {
    /// Builds the pipeline, its artifact bucket, its role and the build project.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        source: SourceKind,
        build: BuildProps,
        props: PipelineProps,
    ) -> Result<Pipeline> {
        scope.atomically(|scope| Self::build(scope, id, source, build, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        source: SourceKind,
        build: BuildProps,
        props: PipelineProps,
    ) -> Result<Pipeline> {
        let path = scope.child_path(id);
        if let Some(name) = &props.name {
            check_name(&path, "pipeline", name)?;
        }
        check_name(&path, "stage", &props.source_stage_name)?;
        check_name(&path, "stage", &props.build_stage_name)?;
        check_name(&path, "source action", &props.source_action_name)?;
        if props.source_stage_name == props.build_stage_name {
            return Err(ConstructError::invalid(
                &path,
                format!("both stages are named `{}`", props.build_stage_name),
                "give the stages different names",
            ));
        }
        build.check(&path)?;
        source.check(scope.app(), &path)?;
        let mut g = scope.group(id)?;
        let node = g.node();
        let artifacts = Bucket::new(&mut g, "ArtifactsBucket", BucketProps::default())?;
        let role = Role::new(
            &mut g,
            "Role",
            "codepipeline.amazonaws.com",
            RoleProps::default(),
        )?;
        artifacts.grant_read_write(g.app_mut(), role)?;
        source.grant(g.app_mut(), role)?;
        let project = BuildProject::new(&mut g, "BuildProject", &build, artifacts)?;
        role.grant(
            g.app_mut(),
            PolicyStatement::allow(
                [
                    "codebuild:BatchGetBuilds",
                    "codebuild:StartBuild",
                    "codebuild:StopBuild",
                ],
                [project.arn()],
            ),
        )?;
        let (provider, configuration) = source.action();
        let artifact =
            |name: &str| Value::List(vec![ValueMap::with_capacity(1).with("Name", name).into()]);
        let action_type = |category: &str, provider: &str| {
            ValueMap::with_capacity(4)
                .with("Category", category)
                .with("Owner", "AWS")
                .with("Provider", provider)
                .with("Version", "1")
        };
        let source_stage = ValueMap::with_capacity(2)
            .with(
                "Actions",
                Value::List(vec![ValueMap::with_capacity(5)
                    .with("ActionTypeId", action_type("Source", provider))
                    .with("Configuration", configuration)
                    .with("Name", props.source_action_name.as_str())
                    .with("OutputArtifacts", artifact("SourceOutput"))
                    .with("RunOrder", 1)
                    .into()]),
            )
            .with("Name", props.source_stage_name.as_str());
        let build_stage = ValueMap::with_capacity(2)
            .with(
                "Actions",
                Value::List(vec![ValueMap::with_capacity(6)
                    .with("ActionTypeId", action_type("Build", "CodeBuild"))
                    .with(
                        "Configuration",
                        ValueMap::with_capacity(1).with("ProjectName", project.project_name()),
                    )
                    .with("InputArtifacts", artifact("SourceOutput"))
                    .with("Name", build.action_name.as_str())
                    .with("OutputArtifacts", artifact("BuildOutput"))
                    .with("RunOrder", 1)
                    .into()]),
            )
            .with("Name", props.build_stage_name.as_str());
        let resource = g.resource::<CfnPipeline>(
            "Resource",
            Resource::new("AWS::CodePipeline::Pipeline")
                .properties(
                    ValueMap::with_capacity(5)
                        .with(
                            "ArtifactStore",
                            ValueMap::with_capacity(2)
                                .with("Location", artifacts.bucket_name())
                                .with("Type", "S3"),
                        )
                        .with_opt("Name", props.name)
                        .with("PipelineType", "V2")
                        .with("RoleArn", role.arn())
                        .with(
                            "Stages",
                            Value::List(vec![source_stage.into(), build_stage.into()]),
                        ),
                )
                .tagged(),
        )?;
        // A pipeline runs once as soon as it is created: every grant must be in place by then.
        for policy in [
            role.default_policy(g.app()),
            project.role.default_policy(g.app()),
        ]
        .into_iter()
        .flatten()
        {
            g.app_mut().add_dependency(
                resource,
                policy,
                "the pipeline starts a first run on creation; its roles' grants come first",
            )?;
        }
        Ok(Pipeline {
            node,
            resource,
            role,
            artifacts_bucket: artifacts,
            build: project,
        })
    }

    /// The pipeline's name (`Ref`).
    pub fn pipeline_name(&self) -> Value {
        Value::Ref(self.resource.node())
    }
}
