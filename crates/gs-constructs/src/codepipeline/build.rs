//! [`BuildProject`]: the CodeBuild project of a pipeline's build stage, with its own role and log
//! group; [`BuildProps`] say what it runs.

use gs_core::{Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::names::check_name;
use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::logs::{LogDelivery, LogGroup, LogGroupProps};
use crate::s3::Bucket;

/// Marker of the `AWS::CodeBuild::Project` resource.
#[derive(Debug)]
pub enum CfnProject {}

/// The build image used unless [`BuildProps::image`] says otherwise.
pub const DEFAULT_IMAGE: &str = "aws/codebuild/standard:7.0";

/// What the build stage runs.
///
/// ```
/// use gs_constructs::codepipeline::BuildProps;
/// let build = BuildProps {
///     environment: vec![("TARGET_REGION".into(), "us-west-2".into())],
///     ..BuildProps::new("version: 0.2\nphases:\n  build:\n    commands:\n      - ./dr-test.sh\n")
/// };
/// assert_eq!(build.image, "aws/codebuild/standard:7.0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildProps {
    /// The buildspec (YAML), inline.
    pub buildspec: String,
    /// The Linux container image.
    pub image: String,
    /// The compute type (`BUILD_GENERAL1_SMALL` by default).
    pub compute_type: String,
    /// Plain-text environment variables (never secrets: they are visible in the template).
    pub environment: Vec<(String, String)>,
    /// Minutes before a build is stopped (5 to 2160; 60 by default).
    pub timeout_minutes: u32,
    /// The build action's name (`Build` by default).
    pub action_name: String,
}

impl BuildProps {
    /// A build running `buildspec` with the defaults: standard 7.0 image, small compute, an hour.
    pub fn new(buildspec: impl Into<String>) -> BuildProps {
        BuildProps {
            buildspec: buildspec.into(),
            image: DEFAULT_IMAGE.into(),
            compute_type: "BUILD_GENERAL1_SMALL".into(),
            environment: Vec::new(),
            timeout_minutes: 60,
            action_name: "Build".into(),
        }
    }

    pub(crate) fn check(&self, path: &str) -> Result<()> {
        let bad = |message: String, fix: &str| Err(ConstructError::invalid(path, message, fix));
        if self.buildspec.trim().is_empty() {
            return bad(
                "the buildspec is empty".into(),
                "give a buildspec (`version: 0.2` and phases)",
            );
        }
        if !(5..=2160).contains(&self.timeout_minutes) {
            return bad(
                format!("the build timeout is {} minutes", self.timeout_minutes),
                "use 5 to 2160 minutes",
            );
        }
        if let Some((k, _)) = self.environment.iter().find(|(k, _)| {
            k.is_empty()
                || k.starts_with("CODEBUILD_")
                || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            return bad(
                format!("`{k}` is not a usable environment variable name"),
                "use letters, digits and `_`, not starting with `CODEBUILD_`",
            );
        }
        check_name(path, "build action", &self.action_name)
    }
}

/// A CodeBuild project that takes its source from and gives its output to CodePipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildProject {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::CodeBuild::Project` resource.
    pub resource: Handle<CfnProject>,
    /// The project's service role.
    pub role: Role,
    /// Where its build logs go.
    pub log_group: LogGroup,
}

impl BuildProject {
    /// Builds the project at `<scope>/<id>`: its role (logs, artifact bucket), its log group, the
    /// project.
    pub(crate) fn new(
        scope: &mut Scope<'_>,
        id: &str,
        props: &BuildProps,
        artifacts: Bucket,
    ) -> Result<BuildProject> {
        let mut g = scope.group(id)?;
        let node = g.node();
        let role = Role::new(
            &mut g,
            "Role",
            "codebuild.amazonaws.com",
            RoleProps::default(),
        )?;
        let log_group = LogGroup::new(&mut g, "Logs", LogGroupProps::default())?;
        role.grant(
            g.app_mut(),
            PolicyStatement::allow(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [log_group.arn(), log_group.streams_arn()],
            ),
        )?;
        artifacts.grant_read_write(g.app_mut(), role)?;
        let variables: Vec<Value> = props
            .environment
            .iter()
            .map(|(k, v)| {
                ValueMap::with_capacity(3)
                    .with("Name", k.as_str())
                    .with("Type", "PLAINTEXT")
                    .with("Value", v.as_str())
                    .into()
            })
            .collect();
        let environment = ValueMap::with_capacity(6)
            .with("ComputeType", props.compute_type.as_str())
            .with_opt(
                "EnvironmentVariables",
                (!variables.is_empty()).then_some(Value::List(variables)),
            )
            .with("Image", props.image.as_str())
            .with("ImagePullCredentialsType", "CODEBUILD")
            .with("PrivilegedMode", false)
            .with("Type", "LINUX_CONTAINER");
        let resource = g.resource::<CfnProject>(
            "Resource",
            Resource::new("AWS::CodeBuild::Project")
                .properties(
                    ValueMap::with_capacity(7)
                        .with(
                            "Artifacts",
                            ValueMap::with_capacity(1).with("Type", "CODEPIPELINE"),
                        )
                        .with("EncryptionKey", "alias/aws/s3")
                        .with("Environment", environment)
                        .with(
                            "LogsConfig",
                            ValueMap::with_capacity(1).with(
                                "CloudWatchLogs",
                                ValueMap::with_capacity(2)
                                    .with("GroupName", log_group.name())
                                    .with("Status", "ENABLED"),
                            ),
                        )
                        .with("ServiceRole", role.arn())
                        .with(
                            "Source",
                            ValueMap::with_capacity(2)
                                .with("BuildSpec", props.buildspec.as_str())
                                .with("Type", "CODEPIPELINE"),
                        )
                        .with("TimeoutInMinutes", props.timeout_minutes),
                )
                .tagged(),
        )?;
        if let Some(policy) = role.default_policy(g.app()) {
            g.app_mut().add_dependency(
                resource,
                policy,
                "a build may start as soon as the pipeline exists: its role's grants come first",
            )?;
        }
        g.app_mut().add_fact(LogDelivery {
            producer: resource.node(),
            log_group,
            kind: "codebuild",
        });
        Ok(BuildProject {
            node,
            resource,
            role,
            log_group,
        })
    }

    /// The project's name (`Ref`).
    pub fn project_name(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The project's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Arn".into())
    }
}
