//! [`BackupSelection`]: which resources a plan protects, given as handles ([`BackupResource`]),
//! with the IAM role AWS Backup assumes; each protected resource is recorded as a
//! [`Protection`] fact.

use gs_core::{App, NodeId, Pseudo, Scope, Value};
use gs_l1::backup::backup_selection::BackupSelectionResourceType;
pub use gs_l1::backup::CfnBackupSelection;
use gs_l1::backup::CfnBackupSelectionProps;

use super::plan::BackupPlan;
use crate::error::{ConstructError, Result};
use crate::iam::{Role, RoleProps};
use crate::names::NameRule;

/// What kind of resource a selection protects (what it supports: continuous backup, cold
/// storage, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProtectedKind {
    /// An EFS file system.
    FileSystem,
    /// An Aurora or RDS cluster.
    DatabaseCluster,
    /// A DynamoDB table.
    DynamoTable,
    /// An S3 bucket (needs versioning on).
    Bucket,
    /// Anything else AWS Backup supports.
    Other,
}

/// A resource a plan can protect: its primary resource node, its ARN and its kind.
/// Protectable constructs, and the L1 handles of protectable types, convert into it; `new`
/// takes any other resource.
///
/// ```
/// use gs_constructs::backup::{BackupResource, ProtectedKind};
/// use gs_constructs::l1::efs::{CfnFileSystem, CfnFileSystemProps};
/// # let mut app = gs_core::App::new();
/// # let stack = app.stack("Demo", Default::default())?;
/// # let mut s = app.at(stack)?;
/// let fs = CfnFileSystem::new(&mut s, "Fs", CfnFileSystemProps::default())?;
/// let r = BackupResource::from(fs);
/// assert_eq!(r, BackupResource::new(fs.node(), fs.attr_arn(), ProtectedKind::FileSystem));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BackupResource {
    /// The protected construct's primary resource.
    pub node: NodeId,
    /// Its ARN.
    pub arn: Value,
    /// What it is.
    pub kind: ProtectedKind,
}

impl BackupResource {
    /// The resource at `node`, whose ARN is `arn`.
    pub fn new(node: NodeId, arn: Value, kind: ProtectedKind) -> BackupResource {
        BackupResource { node, arn, kind }
    }
}

/// Fact: `plan` protects `resource` through `selection`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protection {
    /// The plan whose rules apply.
    pub plan: BackupPlan,
    /// The `AWS::Backup::BackupSelection` resource (its L1 handle).
    pub selection: NodeId,
    /// The protected resource.
    pub resource: NodeId,
    /// What it is.
    pub kind: ProtectedKind,
}

impl Protection {
    /// The protections of `resource` (one per plan that selects it).
    pub fn of(app: &App, resource: NodeId) -> impl Iterator<Item = &Protection> {
        app.facts::<Protection>()
            .iter()
            .filter(move |p| p.resource == resource)
    }
}

/// Settings of a [`BackupSelection`].
#[derive(Clone, Debug, Default)]
pub struct BackupSelectionProps {
    /// The selection's name (letters, digits, `-`, `_`, `.`, `:`, at most 50); `None` derives
    /// a unique one from the construct path.
    pub name: Option<String>,
    /// The role AWS Backup assumes; `None` creates `<Selection>/Role` with the AWS managed
    /// backup and restore policies (and the S3 ones when a bucket is selected).
    pub role: Option<Role>,
}

/// The resources a plan protects.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::backup::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vault = BackupVault::new(&mut s, "Vault", Default::default())?;
/// let plan = BackupPlan::new(&mut s, "EfsBackupPlan", vault,
///     BackupRule::new("DailyBackup", Schedule::daily_at(5, 0)?)?, Default::default())?;
/// let fs = gs_constructs::l1::efs::CfnFileSystem::new(&mut s, "Fs", Default::default())?;
/// let sel = BackupSelection::new(&mut s, "EfsSelection", plan, vec![fs.into()], Default::default())?;
/// assert_eq!(Protection::of(s.app(), fs.node()).count(), 1);
/// # let _ = sel;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupSelection {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::Backup::BackupSelection` resource.
    pub resource: CfnBackupSelection,
    /// The plan it applies.
    pub plan: BackupPlan,
    /// The role AWS Backup assumes.
    pub role: Role,
}

impl BackupSelection {
    /// `plan` applied to `resources` (at least one).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        plan: BackupPlan,
        resources: Vec<BackupResource>,
        props: BackupSelectionProps,
    ) -> Result<BackupSelection> {
        scope.atomically(|scope| Self::build(scope, id, plan, resources, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        plan: BackupPlan,
        resources: Vec<BackupResource>,
        props: BackupSelectionProps,
    ) -> Result<BackupSelection> {
        let path = scope.child_path(id);
        if resources.is_empty() {
            return Err(ConstructError::invalid(
                path,
                "the selection protects no resource",
                "pass the resources to protect (e.g. the file system), or do not create the selection",
            ));
        }
        let name = match props.name {
            Some(n) => {
                check_name(&path, &n)?;
                n
            }
            None => super::unique_name(&path, 50),
        };
        let mut resources = resources;
        let mut seen = Vec::with_capacity(resources.len());
        resources.retain(|r| {
            let new = !seen.contains(&r.node);
            seen.push(r.node);
            new
        });
        let mut g = scope.group(id)?;
        let role = match props.role {
            Some(r) => r,
            None => {
                let mut policies = vec![
                    managed_policy("AWSBackupServiceRolePolicyForBackup"),
                    managed_policy("AWSBackupServiceRolePolicyForRestores"),
                ];
                if resources.iter().any(|r| r.kind == ProtectedKind::Bucket) {
                    policies.push(managed_policy("AWSBackupServiceRolePolicyForS3Backup"));
                    policies.push(managed_policy("AWSBackupServiceRolePolicyForS3Restore"));
                }
                Role::new(
                    &mut g,
                    "Role",
                    "backup.amazonaws.com",
                    RoleProps {
                        managed_policy_arns: policies,
                        description: None,
                    },
                )?
            }
        };
        // `BackupPlanId` as `Fn::GetAtt BackupPlanId` (what CDK writes), not the plan's `Ref`.
        let resource = CfnBackupSelection::new(
            &mut g,
            "Resource",
            CfnBackupSelectionProps::new(
                plan.plan_id(),
                BackupSelectionResourceType {
                    resources: Some(resources.iter().map(|r| r.arn.clone()).collect()),
                    ..BackupSelectionResourceType::new(role.arn(), name)
                },
            ),
        )?;
        let node = g.node();
        let app = g.app_mut();
        for r in &resources {
            app.add_fact(Protection {
                plan,
                selection: resource.node(),
                resource: r.node,
                kind: r.kind,
            });
        }
        Ok(BackupSelection {
            node,
            resource,
            plan,
            role,
        })
    }

    /// The selection's id (`Fn::GetAtt SelectionId`).
    pub fn selection_id(&self) -> Value {
        self.resource.attr_selection_id()
    }
}

/// `arn:<partition>:iam::aws:policy/service-role/<name>`.
fn managed_policy(name: &str) -> Value {
    Value::join(
        "",
        [
            Value::from("arn:"),
            Value::Pseudo(Pseudo::Partition),
            Value::from(format!(":iam::aws:policy/service-role/{name}")),
        ],
    )
}

fn check_name(path: &str, name: &str) -> Result<()> {
    const RULE: NameRule<'static> = NameRule {
        what: "backup selection",
        min: 1,
        max: 50,
        extra: "-_.:",
    };
    RULE.check(path, name)
}

impl From<crate::efs::FileSystem> for BackupResource {
    fn from(fs: crate::efs::FileSystem) -> BackupResource {
        BackupResource::new(fs.resource.node(), fs.arn(), ProtectedKind::FileSystem)
    }
}

impl From<crate::rds::DatabaseCluster> for BackupResource {
    fn from(db: crate::rds::DatabaseCluster) -> BackupResource {
        BackupResource::new(db.resource.node(), db.arn(), ProtectedKind::DatabaseCluster)
    }
}

impl From<crate::s3::Bucket> for BackupResource {
    fn from(b: crate::s3::Bucket) -> BackupResource {
        BackupResource::new(b.resource.node(), b.arn(), ProtectedKind::Bucket)
    }
}

/// An L1 file system (`l1::efs::CfnFileSystem`), by its `Arn`.
impl From<gs_l1::efs::CfnFileSystem> for BackupResource {
    fn from(fs: gs_l1::efs::CfnFileSystem) -> BackupResource {
        BackupResource::new(fs.node(), fs.attr_arn(), ProtectedKind::FileSystem)
    }
}

/// An L1 Aurora or RDS cluster (`l1::rds::CfnDBCluster`), by its `DBClusterArn`.
impl From<gs_l1::rds::CfnDBCluster> for BackupResource {
    fn from(db: gs_l1::rds::CfnDBCluster) -> BackupResource {
        BackupResource::new(
            db.node(),
            db.attr_db_cluster_arn(),
            ProtectedKind::DatabaseCluster,
        )
    }
}

/// An L1 bucket (`l1::s3::CfnBucket`), by its `Arn`.
impl From<gs_l1::s3::CfnBucket> for BackupResource {
    fn from(b: gs_l1::s3::CfnBucket) -> BackupResource {
        BackupResource::new(b.node(), b.attr_arn(), ProtectedKind::Bucket)
    }
}

/// An L1 DynamoDB table (`l1::dynamodb::CfnTable`, with the `dynamodb` feature), by its `Arn`.
#[cfg(feature = "dynamodb")]
impl From<gs_l1::dynamodb::CfnTable> for BackupResource {
    fn from(t: gs_l1::dynamodb::CfnTable) -> BackupResource {
        BackupResource::new(t.node(), t.attr_arn(), ProtectedKind::DynamoTable)
    }
}
