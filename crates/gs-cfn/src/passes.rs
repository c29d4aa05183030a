//! CloudFormation's limits, and the removal policies it accepts, checked before anything is
//! deployed.

use gs_core::{
    Diagnostic, NodeKind, Pass, RemovalPolicy, Rule, Severity, Tree, MAX_LOGICAL_ID_LEN,
};

use crate::size::{quick_size_bound, template_size_bound};

use crate::template::Template;

/// Resources per stack.
pub const MAX_RESOURCES: usize = 500;
/// Parameters per template.
pub const MAX_PARAMETERS: usize = 200;
/// Outputs per template.
pub const MAX_OUTPUTS: usize = 200;
/// Template body size when uploaded through S3.
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;
/// User tags per resource, as AWS services take them.
pub const MAX_TAGS: usize = 50;

/// The rule `cfn/limits`.
pub const LIMITS: Rule = Rule {
    id: "cfn/limits",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A stack exceeds a CloudFormation quota: 500 resources, 200 parameters, 200 outputs, a 1 MB template body, 255-character logical IDs; or a resource carries more than the 50 tags AWS services take.",
    why: "CloudFormation rejects the template when the stack is created or updated.",
    fix: "split the stack (move a group of constructs into a nested or separate stack), shorten the ids, or tag with fewer keys (tags set on a stack or scope reach every resource below it)",
};

/// The rule `cfn/snapshot-unsupported`.
pub const SNAPSHOT_UNSUPPORTED: Rule = Rule {
    id: "cfn/snapshot-unsupported",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A resource's removal policy is Snapshot, but CloudFormation snapshots only DocumentDB and Neptune clusters, EBS volumes, ElastiCache clusters and replication groups, RDS clusters and instances, and Redshift clusters.",
    why: "CloudFormation rejects the template (its DeletionPolicy and UpdateReplacePolicy allow only Delete and Retain for other types), and no snapshot would keep the data anyway.",
    fix: "use RemovalPolicy::Retain to keep the resource and its data when it leaves the stack (or Destroy), and back the data up with AWS Backup",
};

/// The types CloudFormation takes a snapshot of when their `DeletionPolicy` or
/// `UpdateReplacePolicy` is `Snapshot` (the CloudFormation user guide's list, as cfn-lint has
/// it).
pub const SNAPSHOT_TYPES: &[&str] = &[
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
];

/// Whether CloudFormation accepts the removal policy `Snapshot` on resources of `type_name`.
///
/// ```
/// assert!(gs_cfn::passes::supports_snapshot("AWS::RDS::DBCluster"));
/// assert!(!gs_cfn::passes::supports_snapshot("AWS::S3::Bucket"));
/// ```
pub fn supports_snapshot(type_name: &str) -> bool {
    SNAPSHOT_TYPES.contains(&type_name)
}

/// The rules of this module.
pub const RULES: &[Rule] = &[LIMITS, SNAPSHOT_UNSUPPORTED];

/// The pass that checks CloudFormation's quotas and the removal policies it accepts;
/// [`crate::CfnBackend`] always runs it.
pub const LIMITS_PASS: Pass = Pass {
    name: "gs-cfn/limits",
    rules: RULES,
    run: check,
};

/// The tags the template gives resource `e`: those its properties spell out under the type's
/// tag property (the escape hatch wins), else those of the tree. The tree's are counted only
/// when the tags set along the way could pass the limit, which few apps come near.
fn tag_count(tree: &Tree<'_>, e: gs_core::NodeId, r: &gs_core::Resource) -> usize {
    let Some(tagging) = tree.tagging(e) else {
        return 0;
    };
    let name = match tagging {
        gs_core::Tagging::List(name) | gs_core::Tagging::Map(name) => name,
    };
    if let Some(spelled) = r.properties.get(name) {
        return match spelled {
            gs_core::Value::List(items) => items.len(),
            gs_core::Value::Map(m) => m.len(),
            _ => 0,
        };
    }
    let mut set = 0;
    let mut at = Some(e);
    while let Some(n) = at {
        set += tree.node(n).own_tags().len();
        at = tree.node(n).parent();
    }
    if set <= MAX_TAGS {
        return set;
    }
    tree.tags(e).len()
}

/// The findings about one resource: more tags than AWS takes, and a removal policy of
/// `Snapshot` where CloudFormation takes none.
fn check_resource(
    tree: &Tree<'_>,
    e: gs_core::NodeId,
    r: &gs_core::Resource,
    out: &mut Vec<Diagnostic>,
) {
    let tags = tag_count(tree, e, r);
    if tags > MAX_TAGS {
        out.push(LIMITS.at(
            e,
            tree.path(e),
            format!("the resource carries {tags} tags, more than the {MAX_TAGS} AWS services take"),
        ));
    }
    if r.removal_policy == Some(RemovalPolicy::Snapshot) && !supports_snapshot(&r.type_name) {
        out.push(SNAPSHOT_UNSUPPORTED.at(
            e,
            tree.path(e),
            format!(
                "the removal policy is Snapshot, which CloudFormation does not support for {}",
                r.type_name
            ),
        ));
    }
}

/// Appends a finding per stack and limit exceeded, and per resource that breaks a limit of its
/// own or carries a removal policy CloudFormation refuses.
///
/// The template size is that of the template the backend emits, written here once per tree
/// ([`Tree::derived`]) and kept for it. Past the bytes kept, a cheap upper bound of the size
/// is computed, and the size measured exactly only when the bound passes the limit.
pub fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let sizes = crate::written::Templates::with(tree, |t| {
        let stacks = tree.stacks().iter().enumerate();
        stacks
            .map(|(index, &stack)| match t.get(index, stack) {
                Some(Ok(written)) => Some(t.bytes(written).len()),
                // Not written: the backend says why; nothing to measure.
                Some(Err(_)) => Some(0),
                None => None,
            })
            .collect::<Vec<_>>()
    });
    for (index, &stack) in tree.stacks().iter().enumerate() {
        let (mut resources, mut parameters, mut outputs) = (0, 0, 0usize);
        for &e in tree.elements(stack) {
            match tree.node(e).kind() {
                NodeKind::Resource(r) => {
                    resources += 1;
                    check_resource(tree, e, r, out);
                }
                NodeKind::Parameter(_) => parameters += 1,
                NodeKind::Output(_) => outputs += 1,
                _ => {}
            }
            if let Some(id) = tree.logical_id(e) {
                if id.len() > MAX_LOGICAL_ID_LEN {
                    out.push(LIMITS.at(
                        e,
                        tree.path(e),
                        format!("the logical ID has {} characters, more than 255", id.len()),
                    ));
                }
            }
        }
        // The exports the backend adds are outputs too.
        outputs += tree.exports(stack).len();
        let path = tree.path(stack);
        for (count, max, what) in [
            (resources, MAX_RESOURCES, "resources"),
            (parameters, MAX_PARAMETERS, "parameters"),
            (outputs, MAX_OUTPUTS, "outputs"),
        ] {
            if count > max {
                out.push(LIMITS.at(
                    stack,
                    path.clone(),
                    format!("the stack has {count} {what}, more than CloudFormation's {max}"),
                ));
            }
        }
        // The template as written for the backend (once per tree) when it was kept: its size
        // is exact. Otherwise the quick bound first, the exact one only when it passes the
        // limit, the template itself only when both do.
        let size = match sizes.get(index).copied().flatten() {
            Some(size) => size,
            None if quick_size_bound(tree, stack) > MAX_TEMPLATE_BYTES
                && template_size_bound(tree, stack) > MAX_TEMPLATE_BYTES =>
            {
                Template::of_stack(tree, stack)
                    .to_json()
                    .map_or(0, |b| b.len())
            }
            None => 0,
        };
        if size > MAX_TEMPLATE_BYTES {
            out.push(LIMITS.at(
                stack,
                path,
                format!("the template has {size} bytes, more than CloudFormation's 1 MB"),
            ));
        }
    }
}
