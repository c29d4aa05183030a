//! The protection profile of each stateful resource: which mechanisms protect it and what each
//! gives per failure scope, computed from the tree (typed and raw resources alike).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use gs_core::{FastState, NodeId, NodeKind, Tree, Value};

use super::mechanisms::{self as m, Mechanism};
use super::objectives::FailureScope;
use crate::backup::passes::{PlanAnalyses, PlanAnalysis};
use crate::backup::runs::{PlanRule, PlanRuns, WorstCase};
use crate::props;

/// One mechanism protecting one resource against one failure scope. Its texts are borrowed
/// from the mechanism catalog when they are the catalog's ([`Cow::Borrowed`]), so making and
/// copying a protection allocates only for a mechanism named with a detail (a backup plan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protection {
    /// The mechanism, as shown in the report.
    pub mechanism: Cow<'static, str>,
    /// The scope.
    pub scope: FailureScope,
    /// Data loss it allows.
    pub rpo: Duration,
    /// Time to recover.
    pub rto: Duration,
    /// Where the figures come from.
    pub basis: Cow<'static, str>,
    /// The RPO is promised only "typically" or "for most" cases.
    pub rpo_at_limit: bool,
    /// The RTO is promised only "typically".
    pub rto_at_limit: bool,
}

impl Protection {
    fn of(mech: &Mechanism) -> Protection {
        Protection {
            mechanism: Cow::Borrowed(mech.name),
            scope: mech.scope,
            rpo: mech.rpo,
            rto: mech.rto,
            basis: Cow::Borrowed(mech.basis),
            rpo_at_limit: mech.rpo_at_limit,
            rto_at_limit: mech.rto_at_limit,
        }
    }

    fn named(mech: &Mechanism, detail: &str, rpo: Duration) -> Protection {
        Protection {
            mechanism: Cow::Owned([mech.name, " (", detail, ")"].concat()),
            rpo,
            ..Protection::of(mech)
        }
    }
}

/// Appends the protection of `mech` to `protections`. Not inlined: the profiles push one from
/// two dozen places, and one copy of the push is less code to load.
#[inline(never)]
fn push_of(protections: &mut Vec<Protection>, mech: &Mechanism) {
    protections.push(Protection::of(mech));
}

/// Appends [`Protection::named`] to `protections`; not inlined, as [`push_of`].
#[inline(never)]
fn push_named(protections: &mut Vec<Protection>, mech: &Mechanism, detail: &str, rpo: Duration) {
    protections.push(Protection::named(mech, detail, rpo));
}

/// A stateful resource and what protects it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The resource.
    pub resource: NodeId,
    /// Its CloudFormation type (borrowed as the resource holds it).
    pub type_name: Cow<'static, str>,
    /// Its protections, in no particular order of strength.
    pub protections: Vec<Protection>,
}

impl Profile {
    /// The protection with the smallest RPO for `scope`.
    pub fn best(&self, scope: FailureScope) -> Option<&Protection> {
        self.protections
            .iter()
            .filter(|p| p.scope == scope)
            .min_by_key(|p| (p.rpo, p.rto))
    }

    /// The smallest RTO any protection gives for `scope`.
    pub fn best_rto(&self, scope: FailureScope) -> Option<&Protection> {
        self.protections
            .iter()
            .filter(|p| p.scope == scope)
            .min_by_key(|p| (p.rto, p.rpo))
    }
}

/// What one backup plan gives the resources it protects.
#[derive(Clone, Debug)]
struct PlanProtection {
    /// Snapshots of every rule taken together: the label and the worst case.
    snapshot: Option<(String, Duration)>,
    /// Copies to another Region, of the rules that copy there.
    copy: Option<(String, Duration)>,
    /// The rules with continuous backup.
    continuous: Vec<String>,
}

/// `rule X` or `rules X, Y`, appended to `out`.
fn push_rule_names(out: &mut String, rules: &[PlanRule], members: &[usize]) {
    let mut names = members
        .iter()
        .filter_map(|i| rules.get(*i).map(|r| r.name.as_str()));
    let (first, second) = (names.next(), names.next());
    match (first, second) {
        (Some(one), None) => {
            out.push_str("rule ");
            out.push_str(one);
        }
        _ => {
            out.push_str("rules ");
            for (i, name) in first.into_iter().chain(second).chain(names).enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(name);
            }
        }
    }
}

fn describe(
    plan: &str,
    rules: &[PlanRule],
    runs: &PlanRuns,
    members: &[usize],
    w: &WorstCase,
) -> String {
    let mut out = String::with_capacity(128);
    out.push_str("plan ");
    out.push_str(plan);
    out.push_str(", ");
    push_rule_names(&mut out, rules, members);
    out.push_str(", every ");
    super::objectives::push_duration(&mut out, w.gap);
    out.push_str(", started within ");
    super::objectives::push_duration(&mut out, w.start);
    out.push_str(", completed within ");
    super::objectives::push_duration(&mut out, w.completion);
    if members.iter().any(|i| runs.is_partly_skipped(*i)) {
        out.push_str(", runs AWS Backup skips for an overlapping rule not counted");
    }
    out
}

pub(crate) fn region_of<'a>(tree: &Tree<'a>, node: NodeId) -> Option<&'a str> {
    match tree.node(tree.node(node).stack()).kind() {
        NodeKind::Stack(s) => s.region.as_deref(),
        _ => None,
    }
}

/// Region names as gs-core checks a stack's: one rule for every place a Region is named.
fn looks_like_region(s: &str) -> bool {
    gs_core::app::is_region_name(s)
}

/// Whether `s` holds, between colons, a Region name other than `home`.
fn literal_other_region(s: &str, home: Option<&str>) -> bool {
    s.split(':')
        .any(|t| looks_like_region(t) && Some(t) != home)
}

/// Whether `v` (a copy destination, a replica Region) names a Region other than `home`: a
/// literal Region in the value (an `Fn::Sub` template included), what an import was given
/// (a vault imported by its ARN with `BackupVault::from_arn`), or a reference into a stack of
/// another Region.
fn names_other_region(tree: &Tree<'_>, v: &Value, home: Option<&str>) -> bool {
    let mut found = false;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => found |= literal_other_region(s, home),
            Value::Ref(n) | Value::GetAtt(n, _) => match tree.node(*n).kind() {
                // An import lives in the stack that imports it: its Region is in what it was
                // given, not in its stack's.
                NodeKind::Import(i) => {
                    let attribute = match v {
                        Value::GetAtt(_, a) => a.as_str(),
                        _ => "Ref",
                    };
                    stack.extend(i.attributes.get(attribute));
                    // An import may state its Region (an S3 ARN names none).
                    stack.extend(i.attributes.get("Region"));
                }
                _ => found |= region_of(tree, *n) != home,
            },
            Value::List(items) | Value::Join(_, items) => stack.extend(items.iter()),
            Value::Map(m) => stack.extend(m.iter().map(|(_, v)| v)),
            Value::Sub(s, m) => {
                found |= literal_other_region(s, home);
                stack.extend(m.iter().map(|(_, v)| v));
            }
            _ => {}
        }
    }
    found
}

/// What every backup plan of the tree gives, by plan node.
/// What the backup plan resource `e` gives the resources it protects.
fn plan_protection(
    tree: &Tree<'_>,
    e: NodeId,
    r: &gs_core::Resource,
    analyses: &PlanAnalyses,
) -> Option<PlanProtection> {
    let home = region_of(tree, e);
    let plan = props::at(&r.properties, &["BackupPlan"]).and_then(Value::as_map)?;
    let plan_name = props::str_at(plan, &["BackupPlanName"]);
    let plan_name = plan_name.as_deref().unwrap_or("?");
    let PlanAnalysis { rules, runs } = analyses.get(e)?;
    let raw: Vec<&gs_core::ValueMap> = props::maps(plan, "BackupPlanRule").collect();
    let all: Vec<usize> = (0..rules.len()).collect();
    let copying: Vec<usize> = raw
        .iter()
        .enumerate()
        .filter(|(_, rule)| {
            props::maps(rule, "CopyActions").any(|c| {
                c.get("DestinationBackupVaultArn")
                    .is_some_and(|d| names_other_region(tree, d, home))
            })
        })
        .map(|(i, _)| i)
        .collect();
    let worst = |members: &[usize]| {
        let w = runs.worst_case(members)?;
        // Recovery points all deleted before the next run: for part of each interval there is
        // none, which no RPO describes (`backup/retention-shorter-than-interval`).
        let kept = members
            .iter()
            .map(|i| rules.get(*i).and_then(|r| r.kept_days))
            .try_fold(0u64, |longest, days| days.map(|d| longest.max(d)));
        if kept.is_some_and(|days| crate::backup::runs::expires_before_next(days, &w)) {
            return None;
        }
        Some((describe(plan_name, rules, runs, members, &w), w.rpo()))
    };
    Some(PlanProtection {
        snapshot: worst(&all),
        copy: if copying.is_empty() {
            None
        } else {
            worst(&copying)
        },
        continuous: raw
            .iter()
            .zip(rules)
            .filter(|(rule, _)| props::is_true(rule, &["EnableContinuousBackup"]))
            .map(|(_, r)| format!("plan {plan_name}, rule {}", r.name))
            .collect(),
    })
}

/// What the backup plans of the tree give, by plan, and the plans that cover each protected
/// resource node.
struct Backups {
    by_plan: HashMap<NodeId, PlanProtection, FastState>,
    plans_of: HashMap<NodeId, Vec<NodeId>, FastState>,
}

impl Backups {
    /// What the backup plans that cover `resource` give, in the order the selections name them.
    fn of(&self, resource: NodeId) -> impl Iterator<Item = &PlanProtection> {
        self.plans_of
            .get(&resource)
            .into_iter()
            .flatten()
            .filter_map(|p| self.by_plan.get(p))
    }
}

/// The tree's backup plans and selections, read in one walk.
fn backups_by_resource(tree: &Tree<'_>) -> Backups {
    let mut by_plan = HashMap::default();
    let mut analyses = None;
    let mut out: HashMap<NodeId, Vec<NodeId>, FastState> = HashMap::default();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        if r.type_name == "AWS::Backup::BackupPlan" {
            let analyses = analyses.get_or_insert_with(|| PlanAnalyses::of(tree));
            if let Some(p) = plan_protection(tree, e, r, analyses) {
                by_plan.insert(e, p);
            }
            continue;
        }
        if r.type_name != "AWS::Backup::BackupSelection" {
            continue;
        }
        let mut plans = Vec::new();
        if let Some(v) = r.properties.get("BackupPlanId") {
            v.for_each_reference(&mut |n| plans.push(n));
        }
        let mut protected = Vec::new();
        if let Some(v) = props::at(&r.properties, &["BackupSelection", "Resources"]) {
            v.for_each_reference(&mut |n| protected.push(n));
        }
        for n in protected {
            out.entry(n).or_default().extend(&plans);
        }
    }
    Backups {
        by_plan,
        plans_of: out,
    }
}

/// Cross-resource facts: reader counts of Aurora clusters, clusters in global databases spanning
/// Regions, caches in global datastores. Computed once per frozen tree (see [`links`]).
pub(crate) struct Links {
    /// Per cluster, its instances (their `AvailabilityZone`, absent when RDS chooses, is read
    /// from the instance).
    aurora_instances: HashMap<NodeId, Vec<NodeId>, FastState>,
    aurora_global: Vec<NodeId>,
    /// The members of each global database that spans Regions.
    pub(crate) aurora_groups: Vec<Vec<NodeId>>,
    cache_global: Vec<NodeId>,
}

/// The [`Links`] of a frozen tree, computed once per tree and shared after (see
/// [`Tree::derived`]): the failover check and the DR profiles read the same ones.
pub(crate) fn links(tree: &Tree<'_>) -> Arc<Links> {
    tree.derived(compute_links)
}

fn compute_links(tree: &Tree<'_>) -> Links {
    let mut aurora_instances: HashMap<NodeId, Vec<NodeId>, FastState> = HashMap::default();
    let mut global_ids: HashMap<NodeId, String, FastState> = HashMap::default();
    let mut members: HashMap<String, Vec<NodeId>, FastState> = HashMap::default();
    let mut cache_global = Vec::new();
    // Clusters join their global database's members after the walk, which reads the global
    // clusters they name wherever those are in the tree.
    let mut clusters = Vec::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let p = &r.properties;
        match &*r.type_name {
            "AWS::RDS::DBCluster" => clusters.push((e, r)),
            "AWS::RDS::DBInstance" => {
                if let Some(Value::Ref(c)) = p.get("DBClusterIdentifier") {
                    aurora_instances.entry(*c).or_default().push(e);
                }
            }
            "AWS::RDS::GlobalCluster" => {
                let id = props::str_at(p, &["GlobalClusterIdentifier"])
                    .map(|id| id.into_owned())
                    .unwrap_or_default();
                global_ids.insert(e, id.clone());
                if let Some(Value::Ref(c)) = p.get("SourceDBClusterIdentifier") {
                    members.entry(id).or_default().push(*c);
                }
            }
            "AWS::ElastiCache::GlobalReplicationGroup" => {
                for m in props::maps(p, "Members") {
                    if let Some(v) = m.get("ReplicationGroupId") {
                        v.for_each_reference(&mut |n| cache_global.push(n));
                    }
                }
            }
            _ => {}
        }
    }
    for (e, r) in clusters {
        let key = match r.properties.get("GlobalClusterIdentifier") {
            Some(Value::Ref(g)) => global_ids.get(g).cloned(),
            Some(v) => v.literal_str().map(|id| id.into_owned()),
            None => None,
        };
        if let Some(k) = key {
            members.entry(k).or_default().push(e);
        }
    }
    let mut aurora_global = Vec::new();
    let mut aurora_groups = Vec::new();
    for clusters in members.values() {
        let mut regions: Vec<Option<&str>> = clusters.iter().map(|c| region_of(tree, *c)).collect();
        regions.sort_unstable();
        regions.dedup();
        if regions.len() >= 2 {
            aurora_global.extend(clusters.iter().copied());
            aurora_groups.push(clusters.clone());
        }
    }
    Links {
        aurora_instances,
        aurora_global,
        aurora_groups,
        cache_global,
    }
}

/// The profile of every stateful resource of the tree, in tree order.
pub fn profiles(tree: &Tree<'_>) -> Vec<Profile> {
    let backups = backups_by_resource(tree);
    let links = links(tree);
    let mut out = Vec::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        if !crate::stateful::holds_primary_data(&r.type_name) && !super::is_dr_only(&r.type_name) {
            continue;
        }
        let p = &r.properties;
        let home = region_of(tree, e);
        let mut protections = Vec::new();
        let backup = |protections: &mut Vec<Protection>| {
            for plan in backups.of(e) {
                if let Some((label, rpo)) = &plan.snapshot {
                    push_named(protections, &m::BACKUP_SNAPSHOT, label, *rpo);
                }
                if let Some((label, rpo)) = &plan.copy {
                    push_named(
                        protections,
                        &m::BACKUP_CROSS_REGION_COPY,
                        label,
                        (*rpo).max(m::BACKUP_CROSS_REGION_COPY.rpo),
                    );
                }
                // AWS Backup offers continuous backup for neither EFS nor DynamoDB (which has
                // its own point-in-time recovery).
                if !matches!(
                    &*r.type_name,
                    "AWS::EFS::FileSystem" | "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable"
                ) {
                    for label in &plan.continuous {
                        push_named(
                            protections,
                            &m::BACKUP_CONTINUOUS,
                            label,
                            m::BACKUP_CONTINUOUS.rpo,
                        );
                    }
                }
            }
        };
        match &*r.type_name {
            "AWS::EFS::FileSystem" => {
                if !p.contains_key("AvailabilityZoneName") {
                    push_of(&mut protections, &m::EFS_REGIONAL);
                }
                let replicated = props::at(p, &["ReplicationConfiguration", "Destinations"])
                    .and_then(Value::as_list)
                    .is_some_and(|d| {
                        d.iter().any(|dest| {
                            dest.as_map()
                                .and_then(|m| m.get("Region"))
                                .is_some_and(|r| names_other_region(tree, r, home))
                        })
                    });
                if replicated {
                    push_of(&mut protections, &m::EFS_REPLICATION);
                }
                if props::str_is(p, &["BackupPolicy", "Status"], "ENABLED") {
                    // AWS Backup's default EFS plan: a daily rule with AWS Backup's default
                    // windows, so the same worst case as a plan written that way (one day
                    // between runs, then the start and completion windows).
                    use crate::backup::runs::{DEFAULT_COMPLETION_MINUTES, DEFAULT_START_MINUTES};
                    let minutes = 24 * 60 + DEFAULT_START_MINUTES + DEFAULT_COMPLETION_MINUTES;
                    push_named(
                        &mut protections,
                        &m::BACKUP_SNAPSHOT,
                        "EFS automatic backups, daily, default windows",
                        Duration::from_secs(minutes * 60),
                    );
                }
                backup(&mut protections);
            }
            "AWS::RDS::DBCluster" => {
                // Multi-AZ needs two instances, and two AZs when the instances name theirs.
                let instances = links
                    .aurora_instances
                    .get(&e)
                    .map_or(&[][..], Vec::as_slice);
                let named: Vec<&Value> = instances
                    .iter()
                    .filter_map(|i| tree.node(*i).as_resource())
                    .filter_map(|i| i.properties.get("AvailabilityZone"))
                    .collect();
                let distinct = named
                    .iter()
                    .enumerate()
                    .filter(|(i, z)| !named[..*i].contains(z))
                    .count();
                let multi_az =
                    instances.len() >= 2 && (named.len() < instances.len() || distinct >= 2);
                push_of(
                    &mut protections,
                    if multi_az {
                        &m::AURORA_MULTI_AZ
                    } else {
                        &m::AURORA_STORAGE
                    },
                );
                let retention = p
                    .get("BackupRetentionPeriod")
                    .and_then(Value::as_i64)
                    .unwrap_or(1);
                if retention >= 1 {
                    push_named(
                        &mut protections,
                        &m::AURORA_PITR,
                        &format!("{retention} days"),
                        m::AURORA_PITR.rpo,
                    );
                }
                if links.aurora_global.contains(&e) {
                    push_of(&mut protections, &m::AURORA_GLOBAL);
                }
                backup(&mut protections);
            }
            "AWS::ElastiCache::ReplicationGroup" => {
                if props::is_true(p, &["MultiAZEnabled"])
                    && props::is_true(p, &["AutomaticFailoverEnabled"])
                {
                    push_of(&mut protections, &m::CACHE_MULTI_AZ);
                }
                if p.get("SnapshotRetentionLimit")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    > 0
                {
                    push_of(&mut protections, &m::CACHE_SNAPSHOTS);
                }
                if links.cache_global.contains(&e) {
                    push_of(&mut protections, &m::CACHE_GLOBAL);
                }
            }
            "AWS::Lambda::Function" => {
                push_of(&mut protections, &m::LAMBDA_MULTI_AZ);
                push_of(&mut protections, &m::LAMBDA_REDEPLOY);
                push_of(&mut protections, &m::LAMBDA_REDEPLOY_REGION);
            }
            "AWS::Kinesis::Stream" => {
                // Retention is no protection against deleting the stream (see `mechanisms`).
                push_of(&mut protections, &m::STREAM_MULTI_AZ);
            }
            "AWS::SecretsManager::Secret" => {
                push_of(&mut protections, &m::SECRET_REGIONAL);
                push_of(&mut protections, &m::SECRET_VERSIONS);
                let replicated = props::maps(p, "ReplicaRegions").any(|rr| {
                    rr.get("Region")
                        .is_some_and(|r| names_other_region(tree, r, home))
                });
                if replicated {
                    push_of(&mut protections, &m::SECRET_REPLICA);
                }
            }
            "AWS::S3::Bucket" => {
                push_of(&mut protections, &m::BUCKET_REGIONAL);
                if props::str_is(p, &["VersioningConfiguration", "Status"], "Enabled") {
                    push_of(&mut protections, &m::BUCKET_VERSIONING);
                }
                // The best enabled rule whose destination is known to be in another Region.
                let mut replication = None;
                if let Some(config) =
                    props::at(p, &["ReplicationConfiguration"]).and_then(Value::as_map)
                {
                    for rule in props::maps(config, "Rules") {
                        if props::str_is(rule, &["Status"], "Disabled") {
                            continue;
                        }
                        let elsewhere = props::at(rule, &["Destination", "Bucket"])
                            .is_some_and(|b| names_other_region(tree, b, home));
                        if !elsewhere {
                            continue;
                        }
                        let rtc = props::str_is(
                            rule,
                            &["Destination", "ReplicationTime", "Status"],
                            "Enabled",
                        );
                        let mech = if rtc {
                            &m::BUCKET_REPLICATION_RTC
                        } else {
                            &m::BUCKET_REPLICATION
                        };
                        if replication.map_or(true, |r: &Mechanism| mech.rpo < r.rpo) {
                            replication = Some(mech);
                        }
                    }
                }
                if let Some(mech) = replication {
                    push_of(&mut protections, mech);
                }
                backup(&mut protections);
            }
            "AWS::DynamoDB::Table" => {
                push_of(&mut protections, &m::DYNAMODB_REGIONAL);
                if props::is_true(
                    p,
                    &[
                        "PointInTimeRecoverySpecification",
                        "PointInTimeRecoveryEnabled",
                    ],
                ) {
                    push_of(&mut protections, &m::DYNAMODB_PITR);
                }
                backup(&mut protections);
            }
            "AWS::DynamoDB::GlobalTable" => {
                push_of(&mut protections, &m::DYNAMODB_REGIONAL);
                let replicas: Vec<&gs_core::ValueMap> = props::maps(p, "Replicas").collect();
                // The replica of this stack's Region: a Region that names no other one.
                let local_pitr = replicas.iter().any(|rep| {
                    rep.get("Region")
                        .is_some_and(|r| !names_other_region(tree, r, home))
                        && props::is_true(
                            rep,
                            &[
                                "PointInTimeRecoverySpecification",
                                "PointInTimeRecoveryEnabled",
                            ],
                        )
                });
                if local_pitr {
                    push_of(&mut protections, &m::DYNAMODB_PITR);
                }
                let elsewhere = replicas.iter().any(|rep| {
                    rep.get("Region")
                        .is_some_and(|r| names_other_region(tree, r, home))
                });
                if elsewhere {
                    push_of(&mut protections, &m::DYNAMODB_GLOBAL);
                }
                backup(&mut protections);
            }
            "AWS::SQS::Queue" => {
                push_of(&mut protections, &m::SQS_REGIONAL);
            }
            _ => {}
        }
        out.push(Profile {
            resource: e,
            type_name: r.type_name.clone(),
            protections,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use gs_core::{App, RawResource, Resource, StackProps, Value};

    use super::links;

    #[test]
    fn links_are_computed_once_per_tree_and_read_instances_zones() -> Result<(), gs_core::TreeError>
    {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default())?;
        let mut s = app.at(stack)?;
        let cluster = s.resource::<RawResource>("Db", Resource::new("AWS::RDS::DBCluster"))?;
        for id in ["A", "B"] {
            let mut instance = Resource::new("AWS::RDS::DBInstance");
            instance
                .properties
                .insert("DBClusterIdentifier", Value::Ref(cluster.node()));
            s.resource::<RawResource>(id, instance)?;
        }
        let tree = app.freeze();
        let first = links(&tree);
        assert_eq!(
            first.aurora_instances.get(&cluster.node()).map(Vec::len),
            Some(2)
        );
        // The failover check and the DR profiles read the same links.
        assert!(Arc::ptr_eq(&first, &links(&tree)));
        // Two instances in zones RDS chooses: Multi-AZ.
        let profiles = super::profiles(&tree);
        let db = profiles.iter().find(|p| p.resource == cluster.node());
        assert!(db.is_some_and(|p| p
            .protections
            .iter()
            .any(|m| m.mechanism == super::m::AURORA_MULTI_AZ.name)));
        Ok(())
    }
}
