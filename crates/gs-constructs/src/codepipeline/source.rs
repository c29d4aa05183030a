//! [`SourceKind`]: where a pipeline's source comes from, what its action looks like and what
//! the pipeline's role needs to run it.

use gs_core::{App, Pseudo, Value, ValueMap};

use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role};
use crate::s3::Bucket;

/// Where a pipeline's source comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceKind {
    /// A zip object in a versioned S3 bucket (polled for new versions). Works in every account:
    /// the default choice, and the one for disaster-recovery tests fed by another pipeline.
    S3 {
        /// The bucket (must be versioned, as [`crate::s3::Bucket`]s are by default).
        bucket: Bucket,
        /// The object's key, such as `source/app.zip`.
        object_key: String,
    },
    /// A GitHub, GitLab or Bitbucket repository through an AWS CodeStar / CodeConnections
    /// connection (created and authorized once in the console). Changes start the pipeline.
    CodeStarConnection {
        /// The connection's ARN.
        connection_arn: Value,
        /// The repository, `owner/repo`.
        repository: String,
        /// The branch.
        branch: String,
    },
    /// An AWS CodeCommit repository (polled). CodeCommit's `CreateRepository` is closed to new
    /// AWS customers since July 2024, so this kind only suits accounts that already use
    /// CodeCommit and already have the repository.
    CodeCommit {
        /// The repository's name.
        repository_name: String,
        /// The branch.
        branch: String,
    },
}

impl SourceKind {
    /// Checks the source's settings; `path` names the pipeline.
    pub(crate) fn check(&self, app: &App, path: &str) -> Result<()> {
        let bad = |message: String, fix: &str| Err(ConstructError::invalid(path, message, fix));
        match self {
            SourceKind::S3 { bucket, object_key } => {
                if object_key.is_empty() || object_key.starts_with('/') || object_key.len() > 1024 {
                    return bad(
                        format!("the source object key `{object_key}` is not valid"),
                        "give the key without a leading `/`, such as `source/app.zip`",
                    );
                }
                if !bucket.is_versioned(app) {
                    return bad(
                        format!(
                            "the source bucket {} is not versioned",
                            app.path(bucket.node)?
                        ),
                        "turn versioning on (CodePipeline's S3 source reads object versions)",
                    );
                }
            }
            SourceKind::CodeStarConnection {
                connection_arn,
                repository,
                branch,
            } => {
                if let Some(arn) = connection_arn.as_str() {
                    let ok = arn.starts_with("arn:")
                        && (arn.contains(":codestar-connections:")
                            || arn.contains(":codeconnections:"))
                        && arn.contains(":connection/");
                    if !ok {
                        return bad(
                            format!("`{arn}` is not a connection ARN"),
                            "give the ARN of a CodeConnections connection, `arn:aws:codeconnections:REGION:ACCOUNT:connection/ID`",
                        );
                    }
                }
                let parts: Vec<&str> = repository.split('/').collect();
                if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
                    return bad(
                        format!("the repository `{repository}` is not `owner/repo`"),
                        "give the repository as `owner/repo`",
                    );
                }
                check_branch(path, branch)?;
            }
            SourceKind::CodeCommit {
                repository_name,
                branch,
            } => {
                let ok = (1..=100).contains(&repository_name.len())
                    && repository_name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                    && !repository_name.ends_with(".git");
                if !ok {
                    return bad(
                        format!("`{repository_name}` is not a CodeCommit repository name"),
                        "use 1 to 100 letters, digits, `.`, `_` and `-`, without `.git`",
                    );
                }
                check_branch(path, branch)?;
            }
        }
        Ok(())
    }

    /// The action's `ActionTypeId` provider and `Configuration`.
    pub(crate) fn action(&self) -> (&'static str, ValueMap) {
        match self {
            SourceKind::S3 { bucket, object_key } => (
                "S3",
                ValueMap::with_capacity(3)
                    .with("PollForSourceChanges", true)
                    .with("S3Bucket", bucket.bucket_name())
                    .with("S3ObjectKey", object_key.as_str()),
            ),
            SourceKind::CodeStarConnection {
                connection_arn,
                repository,
                branch,
            } => (
                "CodeStarSourceConnection",
                ValueMap::with_capacity(5)
                    .with("BranchName", branch.as_str())
                    .with("ConnectionArn", connection_arn.clone())
                    .with("DetectChanges", true)
                    .with("FullRepositoryId", repository.as_str())
                    .with("OutputArtifactFormat", "CODE_ZIP"),
            ),
            SourceKind::CodeCommit {
                repository_name,
                branch,
            } => (
                "CodeCommit",
                ValueMap::with_capacity(3)
                    .with("BranchName", branch.as_str())
                    .with("PollForSourceChanges", true)
                    .with("RepositoryName", repository_name.as_str()),
            ),
        }
    }

    /// Grants the pipeline's role what the source action needs, and nothing more.
    pub(crate) fn grant(&self, app: &mut App, role: Role) -> Result<()> {
        match self {
            SourceKind::S3 { bucket, .. } => bucket.grant_read(app, role),
            SourceKind::CodeStarConnection { connection_arn, .. } => role.grant(
                app,
                PolicyStatement::allow(
                    [
                        "codeconnections:UseConnection",
                        "codestar-connections:UseConnection",
                    ],
                    [connection_arn.clone()],
                ),
            ),
            SourceKind::CodeCommit {
                repository_name, ..
            } => {
                let arn = Value::join(
                    "",
                    [
                        Value::from("arn:"),
                        Value::Pseudo(Pseudo::Partition),
                        Value::from(":codecommit:"),
                        Value::Pseudo(Pseudo::Region),
                        Value::from(":"),
                        Value::Pseudo(Pseudo::AccountId),
                        Value::from(format!(":{repository_name}")),
                    ],
                );
                role.grant(
                    app,
                    PolicyStatement::allow(
                        [
                            "codecommit:CancelUploadArchive",
                            "codecommit:GetBranch",
                            "codecommit:GetCommit",
                            "codecommit:GetUploadArchiveStatus",
                            "codecommit:UploadArchive",
                        ],
                        [arn],
                    ),
                )
            }
        }
    }
}

fn check_branch(path: &str, branch: &str) -> Result<()> {
    let ok = !branch.is_empty()
        && branch.len() <= 255
        && !branch.starts_with('/')
        && !branch.ends_with('/')
        && !branch.contains("..")
        && !branch
            .chars()
            .any(|c| c.is_whitespace() || "~^:?*[\\".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ConstructError::invalid(
            path,
            format!("`{branch}` is not a branch name"),
            "give a Git branch name such as `main`",
        ))
    }
}
