//! [`Bucket`]: an S3 bucket with secure defaults, and the grants that let a role read or write it.

use gs_core::{App, Handle, NodeId, RemovalPolicy, Resource, Scope, Value, ValueMap};

use super::lifecycle::LifecycleRule;
use super::name::check_bucket_name;
use crate::error::Result;
use crate::iam::{PolicyStatement, Role};
use crate::kms::Key;

/// Marker of the `AWS::S3::Bucket` resource.
#[derive(Debug)]
pub enum CfnBucket {}

/// How objects are encrypted at rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BucketEncryption {
    /// SSE-S3 (`AES256`), keys managed by S3. The default.
    #[default]
    S3Managed,
    /// SSE-KMS with a customer managed key (S3 Bucket Keys on, to cut KMS requests).
    Kms(Key),
}

/// Settings of a [`Bucket`].
#[derive(Clone, Debug)]
pub struct BucketProps {
    /// The bucket's name; `None` lets CloudFormation choose a unique one (names are global).
    pub name: Option<String>,
    /// Encryption at rest (SSE-S3 by default).
    pub encryption: BucketEncryption,
    /// Keep every version of every object (on by default: an overwritten or deleted object can be
    /// restored, and CodePipeline's S3 source needs it).
    pub versioned: bool,
    /// Lifecycle rules.
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// What happens to the bucket when it leaves the stack (retained by default). CloudFormation
    /// cannot delete a bucket that still holds objects, so `Destroy` only works on empty buckets.
    pub removal_policy: RemovalPolicy,
}

impl Default for BucketProps {
    fn default() -> Self {
        BucketProps {
            name: None,
            encryption: BucketEncryption::S3Managed,
            versioned: true,
            lifecycle_rules: Vec::new(),
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// What the app keeps of a bucket for other constructs: attached to the bucket's group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketSettings {
    /// Versioning on.
    pub versioned: bool,
}

/// An S3 bucket: encrypted, versioned, every kind of public access blocked, objects owned by the
/// bucket owner (ACLs off) and a bucket policy (`<Bucket>/Policy`) that denies any request not
/// made over TLS.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let bucket = s3::Bucket::new(&mut s, "Artifacts", Default::default())?;
/// let role = iam::Role::new(&mut s, "BuildRole", "codebuild.amazonaws.com", Default::default())?;
/// bucket.grant_read(s.app_mut(), role)?;
/// assert!(bucket.is_versioned(s.app()));
/// assert_eq!(role.statements(s.app())[0].resources.len(), 2); // the bucket and its objects
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::S3::Bucket` resource.
    pub resource: Handle<CfnBucket>,
    /// The `AWS::S3::BucketPolicy` resource.
    pub policy: NodeId,
    /// The customer managed key that encrypts it, if any.
    pub key: Option<Key>,
}

impl Bucket {
    /// A bucket with the secure defaults of [`BucketProps`].
    pub fn new(scope: &mut Scope<'_>, id: &str, props: BucketProps) -> Result<Bucket> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: BucketProps) -> Result<Bucket> {
        // The path only names errors: written only when there is a name or a rule to check.
        let path = if props.name.is_some() || !props.lifecycle_rules.is_empty() {
            scope.child_path(id)
        } else {
            String::new()
        };
        if let Some(name) = &props.name {
            check_bucket_name(&path, name)?;
        }
        let rules = props
            .lifecycle_rules
            .iter()
            .map(|r| r.to_value(&path))
            .collect::<Result<Vec<_>>>()?;
        let key = match props.encryption {
            BucketEncryption::S3Managed => None,
            BucketEncryption::Kms(k) => Some(k),
        };
        let by_default = match key {
            None => ValueMap::with_capacity(1).with("SSEAlgorithm", "AES256"),
            Some(k) => ValueMap::with_capacity(2)
                .with("KMSMasterKeyID", k.arn())
                .with("SSEAlgorithm", "aws:kms"),
        };
        let encryption = ValueMap::with_capacity(1).with(
            "ServerSideEncryptionConfiguration",
            Value::List(vec![ValueMap::with_capacity(2)
                .with_opt("BucketKeyEnabled", key.map(|_| true))
                .with("ServerSideEncryptionByDefault", by_default)
                .into()]),
        );
        let block_all = ValueMap::with_capacity(4)
            .with("BlockPublicAcls", true)
            .with("BlockPublicPolicy", true)
            .with("IgnorePublicAcls", true)
            .with("RestrictPublicBuckets", true);
        let mut g = scope.group(id)?;
        let node = g.node();
        let resource = g.resource::<CfnBucket>(
            "Resource",
            Resource::new("AWS::S3::Bucket")
                .properties(
                    ValueMap::with_capacity(6)
                        .with("BucketEncryption", encryption)
                        .with_opt("BucketName", props.name)
                        .with_opt(
                            "LifecycleConfiguration",
                            (!rules.is_empty()).then(|| {
                                ValueMap::with_capacity(1).with("Rules", Value::List(rules))
                            }),
                        )
                        .with(
                            "OwnershipControls",
                            ValueMap::with_capacity(1).with(
                                "Rules",
                                Value::List(vec![ValueMap::with_capacity(1)
                                    .with("ObjectOwnership", "BucketOwnerEnforced")
                                    .into()]),
                            ),
                        )
                        .with("PublicAccessBlockConfiguration", block_all)
                        .with_opt(
                            "VersioningConfiguration",
                            props
                                .versioned
                                .then(|| ValueMap::with_capacity(1).with("Status", "Enabled")),
                        ),
                )
                .tagged()
                .removal_policy(props.removal_policy),
        )?;
        let arn = Value::GetAtt(resource.node(), "Arn".into());
        let deny_plain_http = ValueMap::with_capacity(5)
            .with("Action", "s3:*")
            .with(
                "Condition",
                ValueMap::with_capacity(1).with(
                    "Bool",
                    ValueMap::with_capacity(1).with("aws:SecureTransport", "false"),
                ),
            )
            .with("Effect", "Deny")
            .with("Principal", ValueMap::with_capacity(1).with("AWS", "*"))
            .with(
                "Resource",
                Value::List(vec![arn.clone(), Value::join("", [arn, Value::from("/*")])]),
            );
        let mut p = g.group("Policy")?;
        let policy = p.resource::<()>(
            "Resource",
            Resource::new("AWS::S3::BucketPolicy")
                .properties(
                    ValueMap::with_capacity(2)
                        .with("Bucket", Value::Ref(resource.node()))
                        .with(
                            "PolicyDocument",
                            ValueMap::with_capacity(2)
                                .with("Statement", Value::List(vec![deny_plain_http.into()]))
                                .with("Version", "2012-10-17"),
                        ),
                )
                .removal_policy(props.removal_policy),
        )?;
        g.app_mut().attach(
            node,
            BucketSettings {
                versioned: props.versioned,
            },
        )?;
        Ok(Bucket {
            node,
            resource,
            policy: policy.node(),
            key,
        })
    }

    /// The bucket's name (`Ref`).
    pub fn bucket_name(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The bucket's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.resource.node(), "Arn".into())
    }

    /// The ARN of the objects whose keys match `key_pattern` (`"*"` for every object).
    pub fn arn_for_objects(&self, key_pattern: &str) -> Value {
        Value::join("", [self.arn(), Value::from(format!("/{key_pattern}"))])
    }

    /// Whether versioning is on.
    pub fn is_versioned(&self, app: &App) -> bool {
        app.attached::<BucketSettings>(self.node)
            .is_some_and(|s| s.versioned)
    }

    /// Lets `role` list the bucket and read its objects (and decrypt them, with a KMS key).
    pub fn grant_read(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.grant_read_impl(app, role))
    }

    fn grant_read_impl(&self, app: &mut App, role: Role) -> Result<()> {
        role.grant(
            app,
            PolicyStatement::allow(
                ["s3:GetBucket*", "s3:GetObject*", "s3:List*"],
                [self.arn(), self.arn_for_objects("*")],
            ),
        )?;
        if let Some(key) = self.key {
            role.grant(app, PolicyStatement::allow(["kms:Decrypt"], [key.arn()]))?;
        }
        Ok(())
    }

    /// Lets `role` list, read, write and delete objects (and use the KMS key for both ways).
    pub fn grant_read_write(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut()
            .atomically(|app| self.grant_read_write_impl(app, role))
    }

    fn grant_read_write_impl(&self, app: &mut App, role: Role) -> Result<()> {
        role.grant(
            app,
            PolicyStatement::allow(
                [
                    "s3:Abort*",
                    "s3:DeleteObject*",
                    "s3:GetBucket*",
                    "s3:GetObject*",
                    "s3:List*",
                    "s3:PutObject",
                    "s3:PutObjectLegalHold",
                    "s3:PutObjectRetention",
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging",
                ],
                [self.arn(), self.arn_for_objects("*")],
            ),
        )?;
        if let Some(key) = self.key {
            role.grant(
                app,
                PolicyStatement::allow(
                    [
                        "kms:Decrypt",
                        "kms:DescribeKey",
                        "kms:Encrypt",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    [key.arn()],
                ),
            )?;
        }
        Ok(())
    }
}
