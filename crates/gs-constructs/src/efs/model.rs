//! What the EFS and ECS passes need to know of a frozen tree, read from the resources themselves
//! (typed or built through the escape hatch) in one linear scan: VPCs, subnets, security groups
//! and the sources they admit on NFS, file systems, mount targets, access points, task
//! definitions' EFS volumes and services.
//!
//! Values the scan cannot read (a parameter, an imported id, an intrinsic) become "unknown", and
//! the passes say nothing about what they cannot know.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use gs_core::{FastState, NodeId, Tree, Value, ValueMap};

use super::file_system::NFS_PORT;
use crate::ec2::Ipv4Cidr;

/// An availability zone: an index into `Fn::GetAZs` of the stack's Region, or a literal name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Az {
    Index(u32),
    Name(String),
}

impl Az {
    fn same_kind(&self, other: &Az) -> bool {
        matches!(
            (self, other),
            (Az::Index(_), Az::Index(_)) | (Az::Name(_), Az::Name(_))
        )
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Az::Index(i) => format!("the Region's AZ #{}", i + 1),
            Az::Name(n) => n.clone(),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct VpcInfo {
    pub(crate) cidr: Option<Ipv4Cidr>,
    /// `None` when not a literal. CloudFormation's defaults: support on, host names off.
    pub(crate) dns_support: Option<bool>,
    pub(crate) dns_hostnames: Option<bool>,
}

#[derive(Debug, Default)]
pub(crate) struct SubnetInfo {
    pub(crate) az: Option<Az>,
    pub(crate) cidr: Option<Ipv4Cidr>,
    pub(crate) vpc: Option<NodeId>,
}

/// Where traffic a rule admits comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Members of a security group of this app.
    Group(NodeId),
    /// An IPv4 block.
    Cidr(Ipv4Cidr),
    /// Something that is certainly none of this app's groups (a literal group id, IPv6, a
    /// prefix list).
    Other,
    /// Not readable: given the benefit of the doubt.
    Unknown,
}

#[derive(Debug)]
pub(crate) struct MountTargetInfo {
    pub(crate) node: NodeId,
    pub(crate) subnet: Option<NodeId>,
    /// `None` when one of the groups is not a group of this app.
    pub(crate) security_groups: Option<Vec<NodeId>>,
}

#[derive(Debug)]
pub(crate) struct EfsVolume {
    pub(crate) name: String,
    pub(crate) file_system: Option<NodeId>,
    /// Whether `AuthorizationConfig.AccessPointId` is set at all.
    pub(crate) has_access_point: bool,
    pub(crate) access_point: Option<NodeId>,
    /// `None` when not a literal; absent means DISABLED.
    pub(crate) transit_encryption: Option<bool>,
    /// `None` when not a literal; absent means DISABLED.
    pub(crate) iam: Option<bool>,
    /// The literal root directory, if set.
    pub(crate) root_directory: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct TaskDefInfo {
    pub(crate) volumes: Vec<EfsVolume>,
    pub(crate) fargate: bool,
}

/// A service's `PlatformVersion`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PlatformVersion {
    /// Not set: `LATEST`.
    Absent,
    Literal(String),
    Unknown,
}

#[derive(Debug)]
pub(crate) struct ServiceInfo {
    pub(crate) node: NodeId,
    pub(crate) task_definition: Option<NodeId>,
    pub(crate) security_groups: Option<Vec<NodeId>>,
    pub(crate) subnets: Option<Vec<NodeId>>,
    pub(crate) platform_version: PlatformVersion,
    /// `Some(true)` for FARGATE, `Some(false)` for EC2/EXTERNAL, `None` when not set.
    pub(crate) fargate_launch: Option<bool>,
}

/// One mount: a service runs a task definition with an EFS volume on file system `file_system`.
pub(crate) struct MountUse<'m> {
    pub(crate) service: &'m ServiceInfo,
    pub(crate) task_definition: NodeId,
    pub(crate) volume: &'m EfsVolume,
    pub(crate) file_system: NodeId,
}

/// A map keyed by node: node ids are small integers, hashed by gs-core's fast hasher.
pub(crate) type ByNode<V> = HashMap<NodeId, V, FastState>;

#[derive(Debug, Default)]
pub(crate) struct Model {
    pub(crate) vpcs: ByNode<VpcInfo>,
    pub(crate) subnets: ByNode<SubnetInfo>,
    pub(crate) security_group_vpc: ByNode<Option<NodeId>>,
    /// By security group: the sources its rules admit on TCP 2049, each with its
    /// `AWS::EC2::SecurityGroupIngress` resource when the rule is one (an inline rule is part of
    /// the group itself).
    pub(crate) nfs_sources: ByNode<Vec<(Source, Option<NodeId>)>>,
    /// By file system: its mount targets (a file system without any is present, empty).
    pub(crate) mount_targets: ByNode<Vec<MountTargetInfo>>,
    /// By access point: the file system it opens.
    pub(crate) access_points: ByNode<Option<NodeId>>,
    /// Task definitions in tree order.
    pub(crate) task_definitions: Vec<(NodeId, TaskDefInfo)>,
    task_index: ByNode<usize>,
    /// Services in tree order.
    pub(crate) services: Vec<ServiceInfo>,
}

impl Model {
    /// The model of a frozen tree, built once per tree and shared after (see [`Tree::derived`]):
    /// the EFS and the ECS passes read the same one.
    pub(crate) fn of(tree: &Tree<'_>) -> Arc<Model> {
        tree.derived(Model::build)
    }

    /// Reads the tree once.
    fn build(tree: &Tree<'_>) -> Model {
        let mut m = Model::default();
        for e in tree.all_elements() {
            let Some(r) = tree.node(e).as_resource() else {
                continue;
            };
            let p = &r.properties;
            match &*r.type_name {
                "AWS::EC2::VPC" => {
                    m.vpcs.insert(
                        e,
                        VpcInfo {
                            cidr: literal_cidr(p.get("CidrBlock")),
                            dns_support: literal_bool(p.get("EnableDnsSupport"), true),
                            dns_hostnames: literal_bool(p.get("EnableDnsHostnames"), false),
                        },
                    );
                }
                "AWS::EC2::Subnet" => {
                    m.subnets.insert(
                        e,
                        SubnetInfo {
                            az: p.get("AvailabilityZone").and_then(az_of),
                            cidr: literal_cidr(p.get("CidrBlock")),
                            vpc: p.get("VpcId").and_then(Value::as_reference),
                        },
                    );
                }
                "AWS::EC2::SecurityGroup" => {
                    m.security_group_vpc
                        .insert(e, p.get("VpcId").and_then(Value::as_reference));
                    let inline = p
                        .get("SecurityGroupIngress")
                        .and_then(Value::as_list)
                        .unwrap_or(&[]);
                    for rule in inline.iter().filter_map(Value::as_map) {
                        m.add_rule(e, rule, None);
                    }
                    m.nfs_sources.entry(e).or_default();
                }
                "AWS::EC2::SecurityGroupIngress" => {
                    if let Some(group) = p.get("GroupId").and_then(Value::as_reference) {
                        m.add_rule(group, p, Some(e));
                    }
                }
                "AWS::EFS::FileSystem" => {
                    m.mount_targets.entry(e).or_default();
                }
                "AWS::EFS::MountTarget" => {
                    if let Some(fs) = p.get("FileSystemId").and_then(Value::as_reference) {
                        m.mount_targets
                            .entry(fs)
                            .or_default()
                            .push(MountTargetInfo {
                                node: e,
                                subnet: p.get("SubnetId").and_then(Value::as_reference),
                                security_groups: references(p.get("SecurityGroups")),
                            });
                    }
                }
                "AWS::EFS::AccessPoint" => {
                    m.access_points
                        .insert(e, p.get("FileSystemId").and_then(Value::as_reference));
                }
                "AWS::ECS::TaskDefinition" => {
                    m.task_index.insert(e, m.task_definitions.len());
                    m.task_definitions.push((e, task_definition(p)));
                }
                "AWS::ECS::Service" => m.services.push(service(e, p)),
                _ => {}
            }
        }
        m
    }

    fn add_rule(&mut self, group: NodeId, rule: &ValueMap, resource: Option<NodeId>) {
        if !admits_nfs(rule) {
            return;
        }
        let source = if let Some(v) = rule.get("SourceSecurityGroupId") {
            v.as_reference().map_or_else(
                || {
                    if v.literal_str().is_some() {
                        Source::Other
                    } else {
                        Source::Unknown
                    }
                },
                Source::Group,
            )
        } else if let Some(v) = rule.get("CidrIp") {
            match v.literal_str() {
                Some(s) => s.parse().map_or(Source::Other, Source::Cidr),
                None => Source::Unknown,
            }
        } else {
            Source::Other
        };
        self.nfs_sources
            .entry(group)
            .or_default()
            .push((source, resource));
    }

    /// The task definition resource `node`, if it is one.
    pub(crate) fn task_definition(&self, node: NodeId) -> Option<&TaskDefInfo> {
        self.task_index
            .get(&node)
            .and_then(|i| self.task_definitions.get(*i))
            .map(|(_, t)| t)
    }

    /// The file system a volume uses: its `FilesystemId`, else its access point's.
    pub(crate) fn file_system_of(&self, v: &EfsVolume) -> Option<NodeId> {
        v.file_system
            .filter(|fs| self.mount_targets.contains_key(fs))
            .or_else(|| {
                v.access_point
                    .and_then(|ap| self.access_points.get(&ap).copied().flatten())
            })
    }

    /// Every (service, EFS volume of its task definition) pair, in tree order.
    pub(crate) fn mounts(&self) -> impl Iterator<Item = MountUse<'_>> {
        self.services.iter().flat_map(move |s| {
            let task = s
                .task_definition
                .and_then(|t| self.task_definition(t).map(|i| (t, i)));
            task.into_iter().flat_map(move |(t, info)| {
                info.volumes.iter().filter_map(move |v| {
                    self.file_system_of(v).map(|fs| MountUse {
                        service: s,
                        task_definition: t,
                        volume: v,
                        file_system: fs,
                    })
                })
            })
        })
    }

    /// The mount targets of file system `fs`; none when it is not a file system of the tree.
    /// Not inlined, like [`Model::subnet`]: the passes look up from many places.
    #[inline(never)]
    pub(crate) fn targets_of(&self, fs: NodeId) -> &[MountTargetInfo] {
        self.mount_targets.get(&fs).map_or(&[], Vec::as_slice)
    }

    /// What the model knows of subnet `s`.
    #[inline(never)]
    pub(crate) fn subnet(&self, s: NodeId) -> Option<&SubnetInfo> {
        self.subnets.get(&s)
    }

    /// The AZs a service's subnets are in; `None` when one is unknown.
    pub(crate) fn azs_of(&self, subnets: &[NodeId]) -> Option<Vec<Az>> {
        subnets
            .iter()
            .map(|s| self.subnet(*s).and_then(|i| i.az.clone()))
            .collect()
    }

    /// The VPCs `subnets` are in, each once; `None` when one is unknown or there are none.
    pub(crate) fn subnet_vpcs(&self, subnets: &[NodeId]) -> Option<Vec<NodeId>> {
        distinct(subnets.iter().map(|s| self.subnet(*s).and_then(|i| i.vpc)))
    }

    /// The VPCs security `groups` are in, each once; `None` when one is unknown or there are
    /// none.
    pub(crate) fn group_vpcs(&self, groups: &[NodeId]) -> Option<Vec<NodeId>> {
        distinct(
            groups
                .iter()
                .map(|g| self.security_group_vpc.get(g).copied().flatten()),
        )
    }

    /// Whether `azs` holds `az`, or cannot be compared with it (other kind of AZ reference).
    pub(crate) fn covers(azs: &[Az], az: &Az) -> bool {
        azs.iter().any(|a| a == az || !a.same_kind(az))
    }

    /// The block a subnet's addresses come from: its own, else its VPC's.
    pub(crate) fn subnet_block(&self, subnet: NodeId) -> Option<Ipv4Cidr> {
        let info = self.subnet(subnet)?;
        info.cidr.or_else(|| {
            info.vpc
                .and_then(|v| self.vpcs.get(&v))
                .and_then(|v| v.cidr)
        })
    }
}

/// The distinct items, in order; `None` when one is `None` or there are none.
fn distinct(items: impl Iterator<Item = Option<NodeId>>) -> Option<Vec<NodeId>> {
    let mut out: Vec<NodeId> = Vec::new();
    for item in items {
        let item = item?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn task_definition(p: &ValueMap) -> TaskDefInfo {
    let fargate = p
        .get("RequiresCompatibilities")
        .and_then(Value::as_list)
        .is_some_and(|l| {
            l.iter()
                .any(|v| v.literal_str().as_deref() == Some("FARGATE"))
        });
    let volumes = p
        .get("Volumes")
        .and_then(Value::as_list)
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_map)
        .filter_map(|v| {
            let efs = v.get("EFSVolumeConfiguration")?.as_map()?;
            let auth = efs.get("AuthorizationConfig").and_then(Value::as_map);
            let ap = auth.and_then(|a| a.get("AccessPointId"));
            Some(EfsVolume {
                name: v
                    .get("Name")
                    .and_then(Value::literal_str)
                    .map(Cow::into_owned)
                    .unwrap_or_default(),
                file_system: efs.get("FilesystemId").and_then(Value::as_reference),
                has_access_point: ap.is_some(),
                access_point: ap.and_then(Value::as_reference),
                transit_encryption: enabled(efs.get("TransitEncryption")),
                iam: enabled(auth.and_then(|a| a.get("IAM"))),
                root_directory: efs
                    .get("RootDirectory")
                    .and_then(Value::literal_str)
                    .map(Cow::into_owned),
            })
        })
        .collect();
    TaskDefInfo { volumes, fargate }
}

fn service(node: NodeId, p: &ValueMap) -> ServiceInfo {
    let vpc = p
        .get("NetworkConfiguration")
        .and_then(Value::as_map)
        .and_then(|n| n.get("AwsvpcConfiguration"))
        .and_then(Value::as_map);
    let platform_version = match p.get("PlatformVersion") {
        None => PlatformVersion::Absent,
        Some(v) => v.literal_str().map_or(PlatformVersion::Unknown, |s| {
            PlatformVersion::Literal(s.into_owned())
        }),
    };
    ServiceInfo {
        node,
        task_definition: p.get("TaskDefinition").and_then(Value::as_reference),
        security_groups: vpc.and_then(|v| references(v.get("SecurityGroups"))),
        subnets: vpc.and_then(|v| references(v.get("Subnets"))),
        platform_version,
        fargate_launch: p
            .get("LaunchType")
            .and_then(Value::literal_str)
            .map(|l| l == "FARGATE"),
    }
}

/// Whether an ingress rule covers TCP 2049 (unreadable protocol or ports count as covering).
fn admits_nfs(rule: &ValueMap) -> bool {
    let protocol = match rule.get("IpProtocol") {
        Some(Value::Int(i)) => i.to_string(),
        Some(v) => match v.literal_str() {
            Some(s) => s.to_ascii_lowercase(),
            None => return true,
        },
        None => return true,
    };
    match protocol.as_str() {
        "-1" | "all" => true,
        "tcp" | "6" => {
            let port = |k: &str| match rule.get(k) {
                Some(Value::Int(i)) => Some(*i),
                Some(v) => v.literal_str().and_then(|s| s.parse().ok()),
                None => None,
            };
            match (port("FromPort"), port("ToPort")) {
                (Some(from), Some(to)) => (from..=to).contains(&i64::from(NFS_PORT)),
                _ => true,
            }
        }
        _ => false,
    }
}

fn literal_bool(v: Option<&Value>, default: bool) -> Option<bool> {
    match v {
        None => Some(default),
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => v.literal_str().and_then(|s| s.parse().ok()),
    }
}

fn enabled(v: Option<&Value>) -> Option<bool> {
    match v {
        None => Some(false),
        Some(v) => v.literal_str().map(|s| s == "ENABLED"),
    }
}

fn literal_cidr(v: Option<&Value>) -> Option<Ipv4Cidr> {
    v.and_then(Value::literal_str).and_then(|s| s.parse().ok())
}

fn az_of(v: &Value) -> Option<Az> {
    if let Some(name) = v.literal_str() {
        return Some(Az::Name(name.into_owned()));
    }
    match v {
        Value::Select(i, list) => match list.as_ref() {
            Value::GetAzs(region)
                if region.as_str().is_some_and(str::is_empty)
                    || matches!(**region, Value::Pseudo(gs_core::Pseudo::Region)) =>
            {
                Some(Az::Index(*i))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The nodes a list of references names; `None` when absent or when an item is not a reference.
fn references(v: Option<&Value>) -> Option<Vec<NodeId>> {
    v.and_then(Value::as_list)?
        .iter()
        .map(Value::as_reference)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use gs_core::{App, RawResource, Resource, StackProps};

    use super::Model;

    #[test]
    fn the_model_is_built_once_per_tree_and_shared() -> Result<(), gs_core::TreeError> {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default())?;
        let fs = app
            .at(stack)?
            .resource::<RawResource>("Files", Resource::new("AWS::EFS::FileSystem"))?;
        let tree = app.freeze();
        let first = Model::of(&tree);
        assert!(first.mount_targets.contains_key(&fs.node()));
        // The EFS pass and the ECS pass read the same model.
        assert!(Arc::ptr_eq(&first, &Model::of(&tree)));
        Ok(())
    }
}
