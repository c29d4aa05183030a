//! Validation passes of EFS: can every consumer reach, mount and authenticate to the file system
//! it mounts? Read from the resources (see `model`), so shapes built through the escape hatch are
//! checked like typed ones. Linear: one scan builds the model, then each mount and each volume
//! is checked against maps.

use gs_core::{Diagnostic, NodeId, Rule, Severity, Tree};

use super::model::{Az, Model, MountTargetInfo, MountUse, Source};

/// What the consumer rules report on: the `AWS::ECS::Service` that mounts the file system
/// (`m.service.node`), whatever the file system, mount targets or VPC the finding names.
const SERVICE: &[&str] = &["AWS::ECS::Service"];
/// What the volume rules report on: the `AWS::ECS::TaskDefinition` that declares the volume.
const TASK_DEFINITION: &[&str] = &["AWS::ECS::TaskDefinition"];

/// No security group rule admits the consumer on NFS.
/// The rule `efs/no-nfs-ingress`.
pub const NO_NFS_INGRESS: Rule = Rule {
    id: "efs/no-nfs-ingress",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: SERVICE,
    what: "A consumer mounts a file system whose mount targets' security groups admit no TCP 2049 from it.",
    why: "The mount times out, the task never starts, and the deployment circuit breaker rolls back.",
    fix: "admit the consumer's security group on TCP 2049: `fs.connections().allow_default_port_from(..)`, or mount through `task.mount(..)` which does it",
};

/// The consumer runs in an AZ without a mount target.
/// The rule `efs/no-mount-target-in-az`.
pub const NO_MOUNT_TARGET_IN_AZ: Rule = Rule {
    id: "efs/no-mount-target-in-az",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: SERVICE,
    what: "A consumer runs in a subnet whose AZ has no mount target of the file system it mounts.",
    why: "Tasks mount through the mount target of their own AZ; tasks placed in that AZ fail to start.",
    fix: "give the file system a mount target in every AZ the consumer uses (same subnet type), or run the consumer only in those AZs",
};

/// The consumer may start before the mount targets exist.
/// The rule `efs/mount-not-ordered`.
pub const MOUNT_NOT_ORDERED: Rule = Rule {
    id: "efs/mount-not-ordered",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: SERVICE,
    what: "A consumer does not depend on the mount targets of the file system it mounts, or on the separate ingress rule that admits its NFS traffic.",
    why: "CloudFormation orders only along references and DependsOn; the task definition refers to the file system, not its mount targets or its rules, so tasks can start before those exist and fail to mount.",
    fix: "make the consumer depend on every mount target and on the NFS rule (`app.add_dependency(service, node, ..)`), or create the service through `ecs::FargateService::new`, which does it",
};

/// A volume pairs an access point with another file system.
/// The rule `efs/access-point-foreign`.
pub const ACCESS_POINT_FOREIGN: Rule = Rule {
    id: "efs/access-point-foreign",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: TASK_DEFINITION,
    what: "A volume names an access point of another file system than the one it mounts.",
    why: "EFS refuses the mount: an access point opens only its own file system.",
    fix: "use the access point's own file system (`ap.file_system`) in the volume",
};

/// Access point without transit encryption.
/// The rule `efs/access-point-needs-transit-encryption`.
pub const ACCESS_POINT_NEEDS_TRANSIT_ENCRYPTION: Rule = Rule {
    id: "efs/access-point-needs-transit-encryption",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: TASK_DEFINITION,
    what: "A volume uses an access point without transit encryption.",
    why: "ECS refuses to register the task definition: access points require TransitEncryption ENABLED.",
    fix: "set the volume's TransitEncryption to ENABLED",
};

/// IAM authorization without transit encryption.
/// The rule `efs/iam-needs-transit-encryption`.
pub const IAM_NEEDS_TRANSIT_ENCRYPTION: Rule = Rule {
    id: "efs/iam-needs-transit-encryption",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: TASK_DEFINITION,
    what: "A volume uses IAM authorization without transit encryption.",
    why: "ECS refuses to register the task definition: IAM authorization requires TransitEncryption ENABLED.",
    fix: "set the volume's TransitEncryption to ENABLED",
};

/// Access point with a root directory other than `/`.
/// The rule `efs/access-point-root-directory`.
pub const ACCESS_POINT_ROOT_DIRECTORY: Rule = Rule {
    id: "efs/access-point-root-directory",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: TASK_DEFINITION,
    what: "A volume uses an access point and sets a root directory other than `/`.",
    why: "ECS refuses the task definition: with an access point, the root directory is the access point's own, and the volume's must be `/` or absent.",
    fix: "drop the volume's RootDirectory and set the directory as the access point's path",
};

/// The VPC resolves no EFS DNS names.
/// The rule `efs/vpc-dns-disabled`.
pub const VPC_DNS_DISABLED: Rule = Rule {
    id: "efs/vpc-dns-disabled",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: SERVICE,
    what: "A consumer mounts a file system in a VPC without DNS support or DNS host names.",
    why: "Fargate mounts EFS by its DNS name (fs-xxxx.efs.<region>.amazonaws.com), which resolves only with both VPC DNS settings on.",
    fix: "turn on enable_dns_support and enable_dns_hostnames on the VPC",
};

/// The rule `efs/mount-across-vpcs`: the consumer runs in another VPC than the mount targets.
pub const MOUNT_ACROSS_VPCS: Rule = Rule {
    id: "efs/mount-across-vpcs",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: SERVICE,
    what: "A consumer runs in another VPC than the mount targets of the file system it mounts.",
    why: "Tasks mount by the mount target's DNS name, which resolves only inside the file system's VPC, and the mount targets' security group cannot admit a group of another VPC: the mount times out even when the AZs match. AWS requires the file system, the cluster and the tasks in one VPC.",
    fix: "run the consumer in the file system's VPC, or create the file system (its mount targets) in the consumer's VPC",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[
    NO_NFS_INGRESS,
    NO_MOUNT_TARGET_IN_AZ,
    MOUNT_NOT_ORDERED,
    ACCESS_POINT_FOREIGN,
    ACCESS_POINT_NEEDS_TRANSIT_ENCRYPTION,
    IAM_NEEDS_TRANSIT_ENCRYPTION,
    ACCESS_POINT_ROOT_DIRECTORY,
    VPC_DNS_DISABLED,
    MOUNT_ACROSS_VPCS,
];

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let model = Model::of(tree);
    check_volumes(tree, &model, out);
    for m in model.mounts() {
        // Looked up once for the five checks (a file system without mount targets has none).
        let targets = model.targets_of(m.file_system);
        if check_vpcs(tree, &model, &m, targets, out) {
            // In another VPC, the ingress and AZ findings would only repeat the same mistake.
            continue;
        }
        check_ingress(tree, &model, &m, targets, out);
        check_azs(tree, &model, &m, targets, out);
        check_order(tree, &m, targets, out);
        check_dns(tree, &model, &m, targets, out);
    }
}

fn check_volumes(tree: &Tree<'_>, model: &Model, out: &mut Vec<Diagnostic>) {
    for (task, info) in &model.task_definitions {
        let task = *task;
        let path = tree.path_str(task);
        for v in &info.volumes {
            let name = &v.name;
            if let (Some(fs), Some(ap)) = (v.file_system, v.access_point) {
                if let Some(Some(owner)) = model.access_points.get(&ap) {
                    if *owner != fs && model.mount_targets.contains_key(&fs) {
                        out.push(ACCESS_POINT_FOREIGN.at(
                            task,
                            path,
                            format!(
                                "volume `{name}` mounts {} through {}, an access point of {}",
                                tree.path(fs),
                                tree.path(ap),
                                tree.path(*owner)
                            ),
                        ));
                    }
                }
            }
            let no_tls = v.transit_encryption == Some(false);
            if v.has_access_point && no_tls {
                out.push(ACCESS_POINT_NEEDS_TRANSIT_ENCRYPTION.at(
                    task,
                    path,
                    format!(
                        "volume `{name}` uses an access point with transit encryption disabled"
                    ),
                ));
            }
            if v.iam == Some(true) && no_tls {
                out.push(IAM_NEEDS_TRANSIT_ENCRYPTION.at(
                    task,
                    path,
                    format!(
                        "volume `{name}` uses IAM authorization with transit encryption disabled"
                    ),
                ));
            }
            if let (true, Some(root)) = (v.has_access_point, &v.root_directory) {
                if root != "/" {
                    out.push(ACCESS_POINT_ROOT_DIRECTORY.at(
                        task,
                        path,
                        format!("volume `{name}` uses an access point and sets the root directory `{root}`"),
                    ));
                }
            }
        }
    }
}

/// Reports a consumer outside the VPC of the mount targets; `true` when it did.
fn check_vpcs(
    tree: &Tree<'_>,
    model: &Model,
    m: &MountUse<'_>,
    targets: &[MountTargetInfo],
    out: &mut Vec<Diagnostic>,
) -> bool {
    // The consumer's VPC: its subnets', else its security groups'.
    let consumer = m
        .service
        .subnets
        .as_deref()
        .and_then(|s| model.subnet_vpcs(s))
        .or_else(|| {
            m.service
                .security_groups
                .as_deref()
                .and_then(|g| model.group_vpcs(g))
        });
    let mut target_vpcs: Vec<NodeId> = Vec::new();
    for t in targets {
        let vpc = t
            .subnet
            .and_then(|s| model.subnet(s))
            .and_then(|s| s.vpc)
            .or_else(|| {
                t.security_groups
                    .as_deref()
                    .and_then(|g| model.group_vpcs(g))
                    .and_then(|v| v.first().copied())
            });
        match vpc {
            Some(v) if !target_vpcs.contains(&v) => target_vpcs.push(v),
            Some(_) => {}
            // A mount target we cannot place: say nothing.
            None => return false,
        }
    }
    let (Some(consumer), false) = (consumer, target_vpcs.is_empty()) else {
        return false;
    };
    let outside: Vec<String> = consumer
        .iter()
        .filter(|v| !target_vpcs.contains(v))
        .map(|v| tree.path(*v))
        .collect();
    if outside.is_empty() {
        return false;
    }
    let inside: Vec<String> = target_vpcs.iter().map(|v| tree.path(*v)).collect();
    out.push(MOUNT_ACROSS_VPCS.at(
        m.service.node,
        tree.path(m.service.node),
        format!(
            "runs in {} but mounts {} (volume `{}` of {}), whose mount targets are in {}",
            outside.join(", "),
            tree.path(m.file_system),
            m.volume.name,
            tree.path(m.task_definition),
            inside.join(", ")
        ),
    ));
    true
}

fn check_ingress(
    tree: &Tree<'_>,
    model: &Model,
    m: &MountUse<'_>,
    targets: &[MountTargetInfo],
    out: &mut Vec<Diagnostic>,
) {
    let Some(consumer_groups) = &m.service.security_groups else {
        return;
    };
    let mut target_groups: Vec<NodeId> = Vec::new();
    for t in targets {
        let Some(groups) = &t.security_groups else {
            return;
        };
        for g in groups {
            if !target_groups.contains(g) {
                target_groups.push(*g);
            }
        }
    }
    if target_groups.is_empty() || consumer_groups.is_empty() {
        return;
    }
    let blocks: Option<Vec<_>> = m
        .service
        .subnets
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|s| model.subnet_block(*s))
        .collect();
    let blocks = blocks.filter(|b| !b.is_empty()).or_else(|| {
        // Without readable subnets, the consumer's addresses are somewhere in its groups' VPC.
        let vpc_block = consumer_groups
            .iter()
            .filter_map(|g| model.security_group_vpc.get(g).copied().flatten())
            .find_map(|v| model.vpcs.get(&v).and_then(|v| v.cidr));
        vpc_block.map(|b| vec![b])
    });
    let admitting: Vec<Option<NodeId>> = target_groups
        .iter()
        .filter_map(|g| model.nfs_sources.get(g))
        .flatten()
        .filter(|(s, _)| match s {
            Source::Group(src) => consumer_groups.contains(src),
            Source::Cidr(c) => {
                c.prefix() == 0
                    || blocks
                        .as_ref()
                        .is_some_and(|bs| bs.iter().all(|b| c.contains(b)))
            }
            Source::Other => false,
            Source::Unknown => true,
        })
        .map(|(_, rule)| *rule)
        .collect();
    // An inline rule comes with the group, which the mount targets the consumer waits for
    // refer to; a separate rule resource must be waited for itself, or the first tasks may
    // mount before it exists.
    let deps = tree.depends_on(m.service.node);
    let ordered = admitting.iter().any(|rule| match rule {
        Some(r) => deps.contains(r),
        None => true,
    });
    if !admitting.is_empty() && !ordered {
        let rules: Vec<String> = admitting.iter().flatten().map(|r| tree.path(*r)).collect();
        out.push(MOUNT_NOT_ORDERED.at(
            m.service.node,
            tree.path(m.service.node),
            format!(
                "mounts {} but does not depend on the rule that admits its NFS traffic ({})",
                tree.path(m.file_system),
                rules.join(", ")
            ),
        ));
    }
    let admitted = !admitting.is_empty();
    if !admitted {
        let names: Vec<String> = target_groups.iter().map(|g| tree.path(*g)).collect();
        out.push(NO_NFS_INGRESS.at(
            m.service.node,
            tree.path(m.service.node),
            format!(
                "mounts {} (volume `{}` of {}), but no rule of {} admits TCP 2049 from its security groups or subnets",
                tree.path(m.file_system),
                m.volume.name,
                tree.path(m.task_definition),
                names.join(", ")
            ),
        ));
    }
}

fn check_azs(
    tree: &Tree<'_>,
    model: &Model,
    m: &MountUse<'_>,
    targets: &[MountTargetInfo],
    out: &mut Vec<Diagnostic>,
) {
    let Some(consumer_azs) = m.service.subnets.as_deref().and_then(|s| model.azs_of(s)) else {
        return;
    };
    let mut target_azs: Vec<Az> = Vec::new();
    for t in targets {
        match t
            .subnet
            .and_then(|s| model.subnet(s))
            .and_then(|s| s.az.clone())
        {
            Some(az) => target_azs.push(az),
            // A mount target in a subnet we cannot read: say nothing.
            None => return,
        }
    }
    let mut reported: Vec<&Az> = Vec::new();
    for az in &consumer_azs {
        if !Model::covers(&target_azs, az) && !reported.contains(&az) {
            reported.push(az);
            out.push(NO_MOUNT_TARGET_IN_AZ.at(
                m.service.node,
                tree.path(m.service.node),
                format!(
                    "{} runs in {}, where {} has no mount target",
                    tree.path(m.service.node),
                    az.describe(),
                    tree.path(m.file_system)
                ),
            ));
        }
    }
}

fn check_order(
    tree: &Tree<'_>,
    m: &MountUse<'_>,
    targets: &[MountTargetInfo],
    out: &mut Vec<Diagnostic>,
) {
    // A service depends on a few nodes and a file system has a mount target per AZ: a scan of
    // the slice, no set.
    let deps = tree.depends_on(m.service.node);
    let missing: Vec<String> = targets
        .iter()
        .filter(|t| !deps.contains(&t.node))
        .map(|t| tree.path(t.node))
        .collect();
    if !missing.is_empty() {
        out.push(MOUNT_NOT_ORDERED.at(
            m.service.node,
            tree.path(m.service.node),
            format!(
                "mounts {} but does not depend on its mount target(s) {}",
                tree.path(m.file_system),
                missing.join(", ")
            ),
        ));
    }
}

fn check_dns(
    tree: &Tree<'_>,
    model: &Model,
    m: &MountUse<'_>,
    targets: &[MountTargetInfo],
    out: &mut Vec<Diagnostic>,
) {
    let mut vpcs: Vec<NodeId> = Vec::new();
    let consumer_subnets = m.service.subnets.as_deref().unwrap_or(&[]);
    let target_subnets = targets.iter().filter_map(|t| t.subnet);
    for s in consumer_subnets.iter().copied().chain(target_subnets) {
        if let Some(v) = model.subnet(s).and_then(|i| i.vpc) {
            if !vpcs.contains(&v) {
                vpcs.push(v);
            }
        }
    }
    for v in vpcs {
        let Some(info) = model.vpcs.get(&v) else {
            continue;
        };
        let mut off = Vec::new();
        if info.dns_support == Some(false) {
            off.push("DNS support");
        }
        if info.dns_hostnames == Some(false) {
            off.push("DNS host names");
        }
        if !off.is_empty() {
            out.push(VPC_DNS_DISABLED.at(
                m.service.node,
                tree.path(m.service.node),
                format!(
                    "mounts {} in {}, which has {} off",
                    tree.path(m.file_system),
                    tree.path(v),
                    off.join(" and ")
                ),
            ));
        }
    }
}
