//! [`FileSystem`]: an encrypted EFS file system with its own security group and one mount target
//! per AZ of the chosen subnets, laid out as AWS CDK's `efs.FileSystem` (same ids).

use gs_core::{App, NodeId, RemovalPolicy, Scope, Value};
use gs_l1::efs::file_system::{
    BackupPolicy, LifecyclePolicy, ReplicationConfiguration, ReplicationDestination,
};
pub use gs_l1::efs::{CfnFileSystem, CfnMountTarget};
use gs_l1::efs::{CfnFileSystemProps, CfnMountTargetProps};

use crate::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, Subnet, SubnetType, Vpc};
use crate::error::{ConstructError, Result};
use crate::kms::Key;

/// The NFS port EFS mount targets listen on.
pub const NFS_PORT: u16 = 2049;

/// After how long without access a file moves to another storage class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifecycleTransition {
    /// After 1 day without access.
    After1Day,
    /// After 7 days without access.
    After7Days,
    /// After 14 days without access.
    After14Days,
    /// After 30 days without access.
    After30Days,
    /// After 60 days without access.
    After60Days,
    /// After 90 days without access.
    After90Days,
    /// After 180 days without access.
    After180Days,
    /// After 270 days without access.
    After270Days,
    /// After 365 days without access.
    After365Days,
}

impl LifecycleTransition {
    /// The CloudFormation spelling, e.g. `AFTER_30_DAYS`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleTransition::After1Day => "AFTER_1_DAY",
            LifecycleTransition::After7Days => "AFTER_7_DAYS",
            LifecycleTransition::After14Days => "AFTER_14_DAYS",
            LifecycleTransition::After30Days => "AFTER_30_DAYS",
            LifecycleTransition::After60Days => "AFTER_60_DAYS",
            LifecycleTransition::After90Days => "AFTER_90_DAYS",
            LifecycleTransition::After180Days => "AFTER_180_DAYS",
            LifecycleTransition::After270Days => "AFTER_270_DAYS",
            LifecycleTransition::After365Days => "AFTER_365_DAYS",
        }
    }
}

/// The performance mode (fixed at creation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PerformanceMode {
    /// Lowest latency; the right choice for almost every workload.
    #[default]
    GeneralPurpose,
    /// Higher aggregate throughput at higher latency (not with elastic throughput).
    MaxIo,
}

/// How throughput is provided.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum ThroughputMode {
    /// Scales with the workload, paid per use (general purpose mode only).
    #[default]
    Elastic,
    /// Scales with the amount stored, with burst credits.
    Bursting,
    /// A fixed throughput in MiB/s.
    Provisioned(f64),
}

/// Replication of the file system to another Region (the read-only replica is created by EFS).
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    /// The destination Region, e.g. `sa-east-1`.
    pub region: String,
    /// A KMS key (ARN, id or alias) in the destination Region; `None` uses the destination's
    /// AWS managed key for EFS.
    pub kms_key_id: Option<Value>,
}

/// Settings of a [`FileSystem`].
#[derive(Clone, Debug)]
pub struct FileSystemProps {
    /// A customer managed key; `None` uses the AWS managed key `aws/elasticfilesystem`. The file
    /// system is always encrypted at rest.
    pub kms_key: Option<Key>,
    /// When unread files move to Infrequent Access; `None` keeps everything in Standard.
    pub transition_to_ia: Option<LifecycleTransition>,
    /// When unread files move to Archive (elastic throughput only).
    pub transition_to_archive: Option<LifecycleTransition>,
    /// Move a file back to Standard on its first access (on by default).
    pub transition_to_primary_on_access: bool,
    /// Performance mode.
    pub performance_mode: PerformanceMode,
    /// Throughput mode.
    pub throughput_mode: ThroughputMode,
    /// The subnets to put mount targets in (one per AZ); private by default.
    pub subnets: SubnetType,
    /// The `Name` tag; `None` uses the construct path (as CDK does).
    pub name: Option<String>,
    /// A physical name for the security group.
    pub security_group_name: Option<String>,
    /// What happens to the data when the file system leaves the stack; retained by default.
    pub removal_policy: RemovalPolicy,
    /// EFS automatic backups (AWS Backup's default plan); on by default.
    pub automatic_backups: bool,
    /// Replicate to another Region.
    pub replication: Option<Replication>,
}

impl Default for FileSystemProps {
    fn default() -> Self {
        FileSystemProps {
            kms_key: None,
            transition_to_ia: Some(LifecycleTransition::After30Days),
            transition_to_archive: None,
            transition_to_primary_on_access: true,
            performance_mode: PerformanceMode::GeneralPurpose,
            throughput_mode: ThroughputMode::Elastic,
            subnets: SubnetType::Private,
            name: None,
            security_group_name: None,
            removal_policy: RemovalPolicy::Retain,
            automatic_backups: true,
            replication: None,
        }
    }
}

/// One mount target: its resource and the AZ (index into the Region's AZs) it serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MountTarget {
    /// The `AWS::EFS::MountTarget` resource (its L1 handle).
    pub resource: CfnMountTarget,
    /// The subnet it is in.
    pub subnet: Subnet,
    /// The AZ, as an index into the Region's AZs.
    pub az: u32,
}

/// The mount targets of a file system, attached to its group.
#[derive(Clone, Debug, Default)]
struct MountTargets(Vec<MountTarget>);

/// An encrypted EFS file system.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let fs = efs::FileSystem::new(&mut s, "ContentFileSystem", vpc, Default::default())?;
/// let targets = fs.mount_targets(s.app());
/// assert_eq!(targets.iter().map(|m| m.az).collect::<Vec<_>>(), [0, 1]);
/// assert_eq!(fs.connections().default_port, ec2::Port::tcp(2049));
/// assert_eq!(s.app().path(fs.security_group.node)?, "Demo/ContentFileSystem/EfsSecurityGroup");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSystem {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::EFS::FileSystem` resource (its L1 handle).
    pub resource: CfnFileSystem,
    /// The security group of its mount targets.
    pub security_group: SecurityGroup,
    /// The VPC its mount targets are in.
    pub vpc: Vpc,
}

impl FileSystem {
    /// Builds the file system, its security group (`EfsSecurityGroup`) and a mount target
    /// (`EfsMountTarget1`, ...) in every AZ of `props.subnets`.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: FileSystemProps,
    ) -> Result<FileSystem> {
        scope.atomically(|scope| Self::build(scope, id, vpc, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: FileSystemProps,
    ) -> Result<FileSystem> {
        let path = scope.child_path(id);
        check(&path, &props)?;
        let mut subnets: Vec<Subnet> = Vec::new();
        for s in vpc.subnets(scope.app(), props.subnets) {
            if !subnets.iter().any(|k| k.az == s.az) {
                subnets.push(s);
            }
        }
        if subnets.is_empty() {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "the VPC has no {:?} subnets to put mount targets in",
                    props.subnets
                ),
                "choose a subnet type the VPC has",
            ));
        }

        let mut g = scope.group(id)?;
        let node = g.node();
        let security_group = SecurityGroup::new(
            &mut g,
            "EfsSecurityGroup",
            vpc,
            SecurityGroupProps {
                name: props.security_group_name.clone(),
                description: Some(format!("{path}/EfsSecurityGroup")),
                allow_all_outbound: true,
            },
        )?;
        let resource = CfnFileSystem::add(
            &mut g,
            "Resource",
            l1_props(&props)
                .into_resource()
                .removal_policy(props.removal_policy),
        )?;
        let mut targets = Vec::with_capacity(subnets.len());
        for (i, subnet) in subnets.iter().enumerate() {
            let mt = CfnMountTarget::new(
                &mut g,
                &format!("EfsMountTarget{}", i + 1),
                CfnMountTargetProps::new(
                    resource,
                    vec![security_group.group_id()],
                    subnet.subnet_id(),
                ),
            )?;
            targets.push(MountTarget {
                resource: mt,
                subnet: *subnet,
                az: subnet.az,
            });
        }
        let app = g.app_mut();
        app.tag(node, "Name", props.name.unwrap_or(path))?;
        app.attach(node, MountTargets(targets))?;
        Ok(FileSystem {
            node,
            resource,
            security_group,
            vpc,
        })
    }

    /// The file system id (`Ref`).
    pub fn file_system_id(&self) -> Value {
        self.resource.reference()
    }

    /// The file system's ARN (`Fn::GetAtt Arn`), for IAM statements.
    pub fn arn(&self) -> Value {
        self.resource.attr_arn()
    }

    /// Its security group and the NFS port, to admit clients:
    /// `fs.connections().allow_default_port_from(&mut s, sg, "NFS from ...")`.
    pub fn connections(&self) -> Connectable {
        Connectable {
            security_group: self.security_group,
            default_port: Port::tcp(NFS_PORT),
        }
    }

    /// The mount targets, in AZ order.
    pub fn mount_targets(&self, app: &App) -> Vec<MountTarget> {
        app.attached::<MountTargets>(self.node)
            .map(|m| m.0.clone())
            .unwrap_or_default()
    }
}

fn check(path: &str, props: &FileSystemProps) -> Result<()> {
    if props.performance_mode == PerformanceMode::MaxIo
        && props.throughput_mode == ThroughputMode::Elastic
    {
        return Err(ConstructError::invalid(
            path,
            "elastic throughput is only available in general purpose performance mode",
            "use PerformanceMode::GeneralPurpose, or bursting or provisioned throughput",
        ));
    }
    if let ThroughputMode::Provisioned(mibps) = props.throughput_mode {
        if !(1.0..=10240.0).contains(&mibps) {
            return Err(ConstructError::invalid(
                path,
                format!("provisioned throughput {mibps} MiB/s is not 1 to 10240"),
                "give a throughput of 1 to 10240 MiB/s",
            ));
        }
    }
    if props.transition_to_archive.is_some() && props.throughput_mode != ThroughputMode::Elastic {
        return Err(ConstructError::invalid(
            path,
            "the Archive storage class needs elastic throughput",
            "use ThroughputMode::Elastic or drop transition_to_archive",
        ));
    }
    if let Some(r) = &props.replication {
        if !gs_core::app::is_region_name(&r.region) {
            return Err(ConstructError::invalid(
                path,
                format!("`{}` is not a Region name", r.region),
                "give a Region such as `sa-east-1`",
            ));
        }
    }
    Ok(())
}

/// The L1 properties of the file system `props` describe.
fn l1_props(props: &FileSystemProps) -> CfnFileSystemProps {
    // One policy per transition: EFS refuses a policy object with several.
    let mut lifecycle = Vec::new();
    if let Some(t) = props.transition_to_ia {
        lifecycle.push(LifecyclePolicy {
            transition_to_ia: Some(t.as_str().into()),
            ..LifecyclePolicy::new()
        });
    }
    if let Some(t) = props.transition_to_archive {
        lifecycle.push(LifecyclePolicy {
            transition_to_archive: Some(t.as_str().into()),
            ..LifecyclePolicy::new()
        });
    }
    if props.transition_to_primary_on_access {
        lifecycle.push(LifecyclePolicy {
            transition_to_primary_storage_class: Some("AFTER_1_ACCESS".into()),
            ..LifecyclePolicy::new()
        });
    }
    let (throughput, provisioned) = match props.throughput_mode {
        ThroughputMode::Elastic => ("elastic", None),
        ThroughputMode::Bursting => ("bursting", None),
        ThroughputMode::Provisioned(m) => ("provisioned", Some(m)),
    };
    let replication = props
        .replication
        .as_ref()
        .map(|r| ReplicationConfiguration {
            destinations: Some(
                vec![ReplicationDestination {
                    kms_key_id: r.kms_key_id.clone().map(Into::into),
                    region: Some(r.region.as_str().into()),
                    ..ReplicationDestination::new()
                }]
                .into(),
            ),
        });
    CfnFileSystemProps {
        backup_policy: Some(BackupPolicy::new(if props.automatic_backups {
            "ENABLED"
        } else {
            "DISABLED"
        })),
        encrypted: Some(true.into()),
        kms_key_id: props.kms_key.map(|k| k.arn().into()),
        lifecycle_policies: (!lifecycle.is_empty()).then(|| lifecycle.into()),
        performance_mode: Some(
            match props.performance_mode {
                PerformanceMode::GeneralPurpose => "generalPurpose",
                PerformanceMode::MaxIo => "maxIO",
            }
            .into(),
        ),
        provisioned_throughput_in_mibps: provisioned.map(Into::into),
        replication_configuration: replication,
        throughput_mode: Some(throughput.into()),
        ..CfnFileSystemProps::new()
    }
}
