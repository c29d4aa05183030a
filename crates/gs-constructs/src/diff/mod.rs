//! The offline diff: what deploying the new synthesis over an earlier one would do, resource by
//! resource, with the replacements the resource specification predicts and the data they lose.
//!
//! ```text
//! earlier assembly (dir or one template) --Assembly::read--+
//!                                                           +--diff(old, new, lookup)--> Diff
//! new synthesis (artifacts in memory) --Assembly::from_artifacts--+        |
//!                                          render::text / render::json <--+  Diff::exit_code
//! ```
//!
//! What is marked, per stack:
//! - resources added, removed and changed, with each changed property path (`old -> new`);
//! - **replacement**: a changed property the specification says forces it (`replace`) or may
//!   (`may-replace`); a changed type; and, as `cdk diff` does, the chain: a resource whose
//!   replacement-forcing property refers (`Ref`, `Fn::GetAtt`, `Fn::Sub`) to a replaced resource
//!   is replaced too, since the reference then yields a new value; and across stacks, through
//!   an export of a replaced resource and the `Fn::ImportValue`s that read it
//!   ([`StackDiff::changed_exports`], [`ResourceDiff::changed_imports`]);
//! - **data loss**: a stateful resource (the table the lifecycle rules use, and a standalone RDS
//!   instance) removed without a `DeletionPolicy` of `Retain` or `Snapshot` (on a type
//!   CloudFormation snapshots), or replaced without such an `UpdateReplacePolicy` (the new
//!   template's), or one that gains or changes a `Condition` (deleted when it is false);
//! - IAM statements and security-group rules added or removed, as tables ([`tables`]).
//!
//! Which property forces a replacement comes from a [`ReplacementLookup`]: [`Spec`], the AWS
//! resource specification through gs-l1's schema, or the caller's own.
//!
//! [`diff`] compares a stack present on one side only against an empty template: all its
//! resources are added (a new stack) or removed (a stack the app no longer has). The `diff`
//! command, through [`Earlier::diff`], refuses such a stack instead ([`DiffError::OneSided`]):
//! an earlier assembly that lacks one of the app's stacks is more often another app's or another
//! environment's than a baseline, and the command says how to compare the stacks both have.

mod input;
pub mod render;
pub mod tables;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json};

use crate::stateful;
pub use input::{Assembly, DiffError, StackTemplate};

/// Whether changing a property replaces its resource, as the resource specification says
/// (gs-l1's schema type).
pub use gs_l1::schema::Replacement;

/// Says whether a changed property replaces its resource: `path` is the property's name then,
/// for a change inside it, the keys down to the change (list positions left out).
pub trait ReplacementLookup {
    /// The replacement behaviour of a change at `path` of a resource of `type_name`.
    fn replacement(&self, type_name: &str, path: &[&str]) -> Replacement;
}

impl<F: Fn(&str, &[&str]) -> Replacement> ReplacementLookup for F {
    fn replacement(&self, type_name: &str, path: &[&str]) -> Replacement {
        self(type_name, path)
    }
}

/// The replacement behaviour the AWS resource specification gives, through
/// [`gs_l1::schema::replacement`]: the service spec's `causesReplacement` and the registry's
/// create-only properties, nested properties included (a change below a property that replaces
/// the resource replaces it). A path the schema does not know below a known property (a key of
/// a map) takes its known part's; an unknown type or property is updated in place, as `cdk diff`
/// takes it. This is what the `diff` command uses.
///
/// ```
/// use gs_constructs::diff::{ReplacementLookup, Replacement, Spec};
/// assert_eq!(Spec.replacement("AWS::EFS::FileSystem", &["PerformanceMode"]), Replacement::Always);
/// assert_eq!(Spec.replacement("AWS::EFS::FileSystem", &["ThroughputMode"]), Replacement::Never);
/// assert_eq!(Spec.replacement("AWS::RDS::DBCluster", &["Engine"]), Replacement::Maybe);
/// assert_eq!(Spec.replacement("Custom::Mine", &["Anything"]), Replacement::Never);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec;

impl ReplacementLookup for Spec {
    fn replacement(&self, type_name: &str, path: &[&str]) -> Replacement {
        (1..=path.len())
            .rev()
            .find_map(|n| gs_l1::schema::replacement(type_name, path.get(..n)?))
            .unwrap_or(Replacement::Never)
    }
}

/// What deploying does to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Created.
    Add,
    /// Deleted.
    Remove,
    /// Updated in place.
    Update,
    /// Replaced: a new physical resource, the old one deleted (per its `UpdateReplacePolicy`).
    Replace,
    /// Replaced for some values of a changed property only.
    MayReplace,
}

impl Change {
    /// The name used in the JSON output: `add`, `remove`, `update`, `replace`, `may-replace`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Add => "add",
            Change::Remove => "remove",
            Change::Update => "update",
            Change::Replace => "replace",
            Change::MayReplace => "may-replace",
        }
    }
}

/// One changed value inside a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyChange {
    /// Where, from the resource: `Properties.GroupName`, `Properties.Tags[2].Value`, `DependsOn`.
    pub path: String,
    /// The earlier value; `None` when it was added.
    pub old: Option<Json>,
    /// The new value; `None` when it was removed.
    pub new: Option<Json>,
    /// What this change does to the resource.
    pub replacement: Replacement,
}

/// One resource that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDiff {
    /// The logical ID.
    pub logical_id: String,
    /// The CloudFormation type (the new one when it changed).
    pub type_name: String,
    /// The construct path (`Metadata."aws:cdk:path"`), empty when the template has none.
    pub path: String,
    /// What deploying does to it.
    pub change: Change,
    /// Whether that deletes a stateful resource's data (for `may-replace`: if it is replaced;
    /// for a resource that gains or changes its `Condition`: if the condition is false).
    pub data_loss: bool,
    /// For a removal: whether CloudFormation keeps the resource, orphaned from the stack
    /// (`DeletionPolicy: Retain`), instead of deleting it.
    pub retained: bool,
    /// The values that changed (for an update or a replacement).
    pub properties: Vec<PropertyChange>,
    /// The replaced resources whose new `Ref`/`Fn::GetAtt` values changed this one's properties.
    pub replaced_references: Vec<String>,
    /// The exports of other stacks, imported here (`Fn::ImportValue`), whose values change
    /// because the resource they publish is replaced.
    pub changed_imports: Vec<String>,
}

/// An export whose value changes because the resource it publishes is replaced.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangedExport {
    /// The output that exports it.
    pub output: String,
    /// The export's name.
    pub name: String,
    /// The stacks of the earlier side (what is deployed) that import it.
    pub importers: Vec<String>,
}

/// The differences of one stack.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StackDiff {
    /// The stack's name.
    pub stack: String,
    /// Whether the earlier side has the stack (else every resource is added).
    pub in_old: bool,
    /// Whether the new side has the stack (else every resource is removed).
    pub in_new: bool,
    /// The resources that differ: removed, added, then changed, each in template order.
    pub resources: Vec<ResourceDiff>,
    /// Other template sections that differ (`Outputs.X`, `Parameters.Y`, `Description`, ...).
    pub other: Vec<PropertyChange>,
    /// IAM statements added and removed.
    pub iam: Vec<tables::IamRow>,
    /// Security-group rules added and removed.
    pub security_groups: Vec<tables::SecurityGroupRow>,
    /// Exports whose values change (a replaced resource behind them).
    pub changed_exports: Vec<ChangedExport>,
}

impl StackDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.other.is_empty()
    }
}

/// The differences of every stack, in the new assembly's order, then stacks only the earlier one
/// has.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Diff {
    /// One entry per stack on either side.
    pub stacks: Vec<StackDiff>,
}

impl Diff {
    /// Whether nothing differs in any stack.
    pub fn is_empty(&self) -> bool {
        self.stacks.iter().all(StackDiff::is_empty)
    }

    /// The process exit code: 1 with `--fail` when anything differs, else 0.
    pub fn exit_code(&self, fail: bool) -> u8 {
        u8::from(fail && !self.is_empty())
    }
}

/// Compares every stack of `old` with the stack of the same name in `new`. A replacement
/// follows exports across stacks: a replaced resource that a stack exports gives its importers
/// a new value, which replaces them where the importing property forces it.
pub fn diff(old: &Assembly, new: &Assembly, lookup: &dyn ReplacementLookup) -> Diff {
    // Each round may find more exports whose values change; their set only grows, and is
    // bounded by the exports of the new side.
    let mut changed: BTreeSet<String> = BTreeSet::new();
    loop {
        let mut stacks = Vec::new();
        for s in &new.stacks {
            let before = old.stack(&s.name);
            stacks.push(diff_stack_importing(
                &s.name,
                before.map(|b| &b.template),
                Some(&s.template),
                lookup,
                &changed,
            ));
        }
        for s in &old.stacks {
            if new.stack(&s.name).is_none() {
                stacks.push(diff_stack(&s.name, Some(&s.template), None, lookup));
            }
        }
        let mut grew = false;
        for (s, d) in new.stacks.iter().zip(&stacks) {
            for name in changed_exports(&s.template, d) {
                grew |= changed.insert(name.1);
            }
        }
        if !grew {
            for (s, d) in new.stacks.iter().zip(stacks.iter_mut()) {
                d.changed_exports = changed_exports(&s.template, d)
                    .into_iter()
                    .map(|(output, name)| ChangedExport {
                        // What is deployed blocks the change: the earlier side's importers
                        // (one that stops importing in this deploy still holds it until then).
                        importers: old
                            .stacks
                            .iter()
                            .filter(|other| imports(&other.template, &name))
                            .map(|other| other.name.clone())
                            .collect(),
                        output,
                        name,
                    })
                    .collect();
            }
            return Diff { stacks };
        }
    }
}

/// The exports of `template` (output, export name) whose value refers to a resource `d`
/// replaces. Only a literal export name is followed, as gs and the CDK write them.
fn changed_exports(template: &Json, d: &StackDiff) -> Vec<(String, String)> {
    let replaced: Vec<&str> = d
        .resources
        .iter()
        .filter(|r| r.change == Change::Replace)
        .map(|r| r.logical_id.as_str())
        .collect();
    if replaced.is_empty() {
        return Vec::new();
    }
    let Some(outputs) = template.get("Outputs").and_then(Json::as_object) else {
        return Vec::new();
    };
    outputs
        .iter()
        .filter_map(|(output, o)| {
            let name = o.get("Export")?.get("Name")?.as_str()?;
            let value = o.get("Value")?;
            replaced
                .iter()
                .any(|id| refers_to(value, id))
                .then(|| (output.clone(), name.to_owned()))
        })
        .collect()
}

/// Whether any resource of `template` imports the export `name`.
fn imports(template: &Json, name: &str) -> bool {
    template
        .get("Resources")
        .is_some_and(|r| imports_value(r, name))
}

/// Whether `v` holds `{"Fn::ImportValue": name}` (a literal name). Bounded by serde_json's
/// nesting limit (128).
fn imports_value(v: &Json, name: &str) -> bool {
    match v {
        Json::Array(items) => items.iter().any(|i| imports_value(i, name)),
        Json::Object(m) => {
            if m.len() == 1 && m.get("Fn::ImportValue").and_then(Json::as_str) == Some(name) {
                return true;
            }
            m.values().any(|i| imports_value(i, name))
        }
        _ => false,
    }
}

/// The earlier side of a diff as read from disk: an assembly folder (every stack) or one
/// template file (one stack, named when compared). Read it before anything writes the new
/// synthesis over it.
#[derive(Clone, Debug, PartialEq)]
pub enum Earlier {
    /// An assembly folder (`cdk.out`), through its `manifest.json`.
    Assembly(Assembly),
    /// One template file.
    Template {
        /// The file, for messages.
        path: std::path::PathBuf,
        /// The template.
        template: Json,
    },
}

impl Earlier {
    /// Reads `path`: a folder as an assembly, a file as one template. Refuses a missing path, a
    /// folder without `manifest.json`, a file that is not JSON or not a template.
    pub fn read(path: &std::path::Path) -> Result<Earlier, DiffError> {
        if path.is_file() {
            let one = Assembly::template_file(path, "")?;
            let template = one
                .stacks
                .into_iter()
                .next()
                .map(|s| s.template)
                .unwrap_or_default();
            return Ok(Earlier::Template {
                path: path.into(),
                template,
            });
        }
        Assembly::read(path).map(Earlier::Assembly)
    }

    /// The diff of the new synthesis `new` against this earlier side. With a folder, `stack`
    /// limits the diff to that stack; a template file is compared with `stack`, which may be
    /// left out when the app has one stack. Refuses a `stack` the new synthesis does not have,
    /// a compared stack that only one side has ([`DiffError::OneSided`]), and one whose account
    /// or Region differs between the sides ([`DiffError::Moved`]).
    pub fn diff(
        &self,
        new: &Assembly,
        stack: Option<&str>,
        lookup: &dyn ReplacementLookup,
    ) -> Result<Diff, DiffError> {
        if let Some(name) = stack {
            if new.stack(name).is_none() {
                return Err(DiffError::UnknownStack {
                    name: name.to_owned(),
                    stacks: new.names(),
                });
            }
        }
        let only = |a: &Assembly, name: &str| Assembly {
            stacks: a
                .stacks
                .iter()
                .filter(|s| s.name == name)
                .cloned()
                .collect(),
        };
        match self {
            Earlier::Template { path, template } => {
                let name = match (stack, new.stacks.as_slice()) {
                    (Some(name), _) => name.to_owned(),
                    (None, [one]) => one.name.clone(),
                    (None, _) => {
                        return Err(DiffError::WhichStack {
                            path: path.clone(),
                            stacks: new.names(),
                        })
                    }
                };
                let old = Assembly {
                    stacks: vec![StackTemplate {
                        name: name.clone(),
                        template: template.clone(),
                        environment: None,
                    }],
                };
                Ok(diff(&old, &only(new, &name), lookup))
            }
            Earlier::Assembly(old) => {
                let compared = |name: &str| stack.map_or(true, |s| s == name);
                let both: Vec<&str> = new
                    .stacks
                    .iter()
                    .map(|s| s.name.as_str())
                    .filter(|n| old.stack(n).is_some())
                    .collect();
                let one_sided = |side: &'static str, name: &str| DiffError::OneSided {
                    name: name.to_owned(),
                    side,
                    both: if both.is_empty() {
                        "none".into()
                    } else {
                        both.join(", ")
                    },
                };
                if let Some(s) = new
                    .stacks
                    .iter()
                    .find(|s| compared(&s.name) && old.stack(&s.name).is_none())
                {
                    return Err(one_sided("the app", &s.name));
                }
                if let Some(s) = old
                    .stacks
                    .iter()
                    .find(|s| compared(&s.name) && new.stack(&s.name).is_none())
                {
                    return Err(one_sided("the earlier assembly", &s.name));
                }
                for s in new.stacks.iter().filter(|s| compared(&s.name)) {
                    let before = old.stack(&s.name).and_then(|o| o.environment.as_ref());
                    if let (Some(before), Some(now)) = (before, s.environment.as_ref()) {
                        if moved(before, now) {
                            return Err(DiffError::Moved {
                                name: s.name.clone(),
                                old: before.clone(),
                                new: now.clone(),
                            });
                        }
                    }
                }
                // Every stack is compared, then the one asked for kept: its exports' importers
                // and the imports it reads are in the others.
                let mut d = diff(old, new, lookup);
                if let Some(name) = stack {
                    d.stacks.retain(|s| s.stack == name);
                }
                Ok(d)
            }
        }
    }
}

/// The diff of the new synthesis `new` against `earlier`: an assembly folder (every stack), or
/// one template file (compared with `stack`, which may be left out when the app has one stack).
/// With a folder, `stack` limits the diff to that stack: [`Earlier::read`] then
/// [`Earlier::diff`]. Read `earlier` before writing the new synthesis over it.
pub fn against(
    earlier: &std::path::Path,
    new: &Assembly,
    stack: Option<&str>,
    lookup: &dyn ReplacementLookup,
) -> Result<Diff, DiffError> {
    Earlier::read(earlier)?.diff(new, stack, lookup)
}

/// Compares two templates of the stack `stack`; `None` is a side without the stack.
pub fn diff_stack(
    stack: &str,
    old: Option<&Json>,
    new: Option<&Json>,
    lookup: &dyn ReplacementLookup,
) -> StackDiff {
    diff_stack_importing(stack, old, new, lookup, &BTreeSet::new())
}

/// [`diff_stack`], where the exports named in `changed` take new values: a resource that
/// imports one changes that property, as a reference to a replaced resource does.
fn diff_stack_importing(
    stack: &str,
    old: Option<&Json>,
    new: Option<&Json>,
    lookup: &dyn ReplacementLookup,
    changed_exports: &BTreeSet<String>,
) -> StackDiff {
    let empty = Map::new();
    let resources = |t: Option<&Json>| -> Map<String, Json> {
        t.and_then(|t| t.get("Resources"))
            .and_then(Json::as_object)
            .map_or_else(Map::new, |m| {
                m.iter().map(|(k, v)| (k.clone(), normalized(v))).collect()
            })
    };
    let old_res = resources(old);
    let new_res = resources(new);

    let mut removed = Vec::new();
    let mut added = Vec::new();
    // Resources on both sides, with their direct changes.
    let mut changed: BTreeMap<&str, ResourceDiff> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();

    for (id, r) in &old_res {
        if !new_res.contains_key(id) {
            let policy = policy_of(r, "DeletionPolicy");
            let type_name = type_of(r);
            removed.push(ResourceDiff {
                logical_id: id.clone(),
                type_name: type_name.to_owned(),
                path: path_of(r),
                change: Change::Remove,
                data_loss: stateful::template_resource_deletes_data(
                    type_name,
                    r.get("Properties"),
                    policy,
                ),
                retained: policy == Some(gs_core::RemovalPolicy::Retain),
                properties: Vec::new(),
                replaced_references: Vec::new(),
                changed_imports: Vec::new(),
            });
        }
    }
    for (id, r) in &new_res {
        match old_res.get(id) {
            None => added.push(ResourceDiff {
                logical_id: id.clone(),
                type_name: type_of(r).to_owned(),
                path: path_of(r),
                change: Change::Add,
                data_loss: false,
                retained: false,
                properties: Vec::new(),
                replaced_references: Vec::new(),
                changed_imports: Vec::new(),
            }),
            Some(before) => {
                let d = diff_resource(id, before, r, lookup);
                order.push(id);
                if let Some(d) = d {
                    changed.insert(id, d);
                }
            }
        }
    }

    propagate_replacements(
        &old_res,
        &new_res,
        &order,
        &mut changed,
        lookup,
        changed_exports,
    );

    let mut out = removed;
    out.extend(added);
    for id in order {
        if let Some(mut d) = changed.remove(id) {
            if matches!(d.change, Change::Replace | Change::MayReplace) {
                if let Some(r) = new_res.get(id) {
                    d.data_loss = stateful::template_resource_deletes_data(
                        type_of(r),
                        r.get("Properties"),
                        policy_of(r, "UpdateReplacePolicy"),
                    );
                }
            }
            // A resource that gains a condition, or changes it, is deleted when the condition
            // is false at deploy time: as a removal, under its earlier `DeletionPolicy`.
            if gains_condition(&d) {
                if let Some(before) = old_res.get(id) {
                    d.data_loss |= stateful::template_resource_deletes_data(
                        type_of(before),
                        before.get("Properties"),
                        policy_of(before, "DeletionPolicy"),
                    );
                }
            }
            out.push(d);
        }
    }

    let (iam, security_groups) = tables::summarize(
        old.map_or(&empty, |_| &old_res),
        new.map_or(&empty, |_| &new_res),
    );
    StackDiff {
        stack: stack.to_owned(),
        in_old: old.is_some(),
        in_new: new.is_some(),
        resources: out,
        other: diff_sections(old, new),
        iam,
        security_groups,
        changed_exports: Vec::new(),
    }
}

/// The differences of one resource on both sides, with its direct replacement; `None` when equal.
fn diff_resource(
    id: &str,
    old: &Json,
    new: &Json,
    lookup: &dyn ReplacementLookup,
) -> Option<ResourceDiff> {
    if old == new {
        return None;
    }
    let type_name = type_of(new);
    let mut properties = Vec::new();
    let mut change = Change::Update;
    if type_of(old) != type_name {
        change = Change::Replace;
        properties.push(PropertyChange {
            path: "Type".into(),
            old: old.get("Type").cloned(),
            new: new.get("Type").cloned(),
            replacement: Replacement::Always,
        });
    }
    let empty = Map::new();
    let (old_props, new_props) = (
        object_or(old.get("Properties"), &empty),
        object_or(new.get("Properties"), &empty),
    );
    for key in union_keys(old_props, new_props) {
        let (a, b) = (old_props.get(key), new_props.get(key));
        if a == b {
            continue;
        }
        let mut leaves = Vec::new();
        leaf_changes(&mut vec![Step::Key(key)], a, b, &mut leaves);
        for (steps, a, b) in leaves {
            let keys: Vec<&str> = steps
                .iter()
                .filter_map(|s| match s {
                    Step::Key(k) => Some(*k),
                    Step::Index(_) => None,
                })
                .collect();
            let replacement = lookup.replacement(type_name, &keys);
            change = worst(change, replacement);
            properties.push(PropertyChange {
                path: render_path("Properties", &steps),
                old: a.cloned(),
                new: b.cloned(),
                replacement,
            });
        }
    }
    let (old_map, new_map) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    for key in union_keys(old_map, new_map) {
        if matches!(key, "Type" | "Properties") {
            continue;
        }
        let (a, b) = (old_map.get(key), new_map.get(key));
        if a == b {
            continue;
        }
        let mut leaves = Vec::new();
        leaf_changes(&mut vec![Step::Key(key)], a, b, &mut leaves);
        for (steps, a, b) in leaves {
            properties.push(PropertyChange {
                path: render_path("", &steps),
                old: a.cloned(),
                new: b.cloned(),
                replacement: Replacement::Never,
            });
        }
    }
    Some(ResourceDiff {
        logical_id: id.to_owned(),
        type_name: type_name.to_owned(),
        path: path_of(new),
        change,
        data_loss: false,
        retained: false,
        properties,
        replaced_references: Vec::new(),
        changed_imports: Vec::new(),
    })
}

/// The chain: a replaced resource's `Ref` and attributes take new values, so every resource
/// whose property refers to it changes that property; when the property forces a replacement,
/// that resource is replaced too, and so on. As `cdk diff`, only certain replacements propagate
/// (a `may-replace` does not), and a property that `may` replace makes its resource `may-replace`.
/// Unlike `cdk diff`, a resource that only changes through such a reference to an updatable
/// property is listed as an update (its property does change on deploy).
/// A source of new values: a replaced resource of this stack, or an export of another stack
/// whose value changes.
#[derive(Clone)]
enum Source {
    Resource(String),
    Export(String),
}

impl Source {
    /// Whether `v` reads this source.
    fn read_by(&self, v: &Json) -> bool {
        match self {
            Source::Resource(id) => refers_to(v, id),
            Source::Export(name) => imports_value(v, name),
        }
    }
}

fn propagate_replacements<'a>(
    old_res: &Map<String, Json>,
    new_res: &'a Map<String, Json>,
    order: &[&'a str],
    changed: &mut BTreeMap<&'a str, ResourceDiff>,
    lookup: &dyn ReplacementLookup,
    changed_exports: &BTreeSet<String>,
) {
    let replaced: Vec<String> = changed
        .values()
        .filter(|d| d.change == Change::Replace)
        .map(|d| d.logical_id.clone())
        .collect();
    let mut done: BTreeSet<String> = replaced.iter().cloned().collect();
    let mut todo: Vec<Source> = changed_exports
        .iter()
        .cloned()
        .map(Source::Export)
        .chain(replaced.into_iter().map(Source::Resource))
        .collect();
    while let Some(source) = todo.pop() {
        for &id in order {
            let (Some(r), Some(before)) = (new_res.get(id), old_res.get(id)) else {
                continue;
            };
            let Some(props) = r.get("Properties").and_then(Json::as_object) else {
                continue;
            };
            let type_name = type_of(r);
            for (key, value) in props {
                if !source.read_by(value) {
                    continue;
                }
                let replacement = lookup.replacement(type_name, &[key.as_str()]);
                let d = changed.entry(id).or_insert_with(|| ResourceDiff {
                    logical_id: id.to_owned(),
                    type_name: type_name.to_owned(),
                    path: path_of(r),
                    change: Change::Update,
                    data_loss: false,
                    retained: false,
                    properties: Vec::new(),
                    replaced_references: Vec::new(),
                    changed_imports: Vec::new(),
                });
                let (list, name) = match &source {
                    Source::Resource(id) => (&mut d.replaced_references, id),
                    Source::Export(name) => (&mut d.changed_imports, name),
                };
                if !list.contains(name) {
                    list.push(name.clone());
                }
                let whole = format!("Properties.{key}");
                let mut found = false;
                for p in d.properties.iter_mut().filter(|p| {
                    p.path.strip_prefix(whole.as_str()).is_some_and(|rest| {
                        rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
                    })
                }) {
                    p.replacement = p.replacement.max(replacement);
                    found = true;
                }
                if !found {
                    d.properties.push(PropertyChange {
                        path: whole,
                        old: before
                            .get("Properties")
                            .and_then(|p| p.get(key.as_str()))
                            .cloned(),
                        new: Some(value.clone()),
                        replacement,
                    });
                }
                d.change = worst(d.change, replacement);
                if d.change == Change::Replace && done.insert(id.to_owned()) {
                    todo.push(Source::Resource(id.to_owned()));
                }
            }
        }
    }
}

/// Whether `v` refers to the resource `id`: `{"Ref": id}`, `{"Fn::GetAtt": [id, ...]}` or any
/// other `{"Fn::X": [id, ...]}` (as `cdk diff` looks), or `${id}` / `${id.Attr}` inside a
/// `Fn::Sub` string (which `cdk diff` misses). Bounded by serde_json's nesting limit (128).
fn refers_to(v: &Json, id: &str) -> bool {
    match v {
        Json::Array(items) => items.iter().any(|i| refers_to(i, id)),
        Json::Object(m) => {
            if m.len() == 1 {
                if let Some((k, inner)) = m.iter().next() {
                    if k == "Ref" {
                        return inner.as_str() == Some(id);
                    }
                    if k == "Fn::Sub" {
                        let template = match inner {
                            Json::String(s) => Some(s.as_str()),
                            Json::Array(a) => a.first().and_then(Json::as_str),
                            _ => None,
                        };
                        if template.is_some_and(|t| sub_refers_to(t, id)) {
                            return true;
                        }
                        return match inner {
                            Json::Array(a) => a.iter().skip(1).any(|i| refers_to(i, id)),
                            _ => false,
                        };
                    }
                    if k.starts_with("Fn::") {
                        if let Json::Array(a) = inner {
                            if a.first().and_then(Json::as_str) == Some(id) {
                                return true;
                            }
                        }
                    }
                }
            }
            m.values().any(|i| refers_to(i, id))
        }
        _ => false,
    }
}

/// Whether a `Fn::Sub` template names `${id}` or `${id.Attr}` (not `${!literal}`).
fn sub_refers_to(template: &str, id: &str) -> bool {
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return false;
        };
        let name = &after[..end];
        if name == id || name.strip_prefix(id).is_some_and(|a| a.starts_with('.')) {
            return true;
        }
        rest = &after[end + 1..];
    }
    false
}

/// Whether a stack's environment (`aws://<account>/<region>`) moved between two manifests: an
/// account or a Region both sides state, and that differ. `unknown-account` and
/// `unknown-region` (an environment-agnostic stack) are no statement: pinning them is not a
/// move.
fn moved(before: &str, now: &str) -> bool {
    let parts = |env: &str| {
        let rest = env.strip_prefix("aws://").unwrap_or(env);
        let (account, region) = rest.split_once('/').unwrap_or((rest, ""));
        (account.to_owned(), region.to_owned())
    };
    let ((a0, r0), (a1, r1)) = (parts(before), parts(now));
    let known = |v: &str| !v.is_empty() && !v.starts_with("unknown-");
    (known(&a0) && known(&a1) && a0 != a1) || (known(&r0) && known(&r1) && r0 != r1)
}

/// Whether a changed resource gains a `Condition` or changes it (one removed is created
/// everywhere: nothing is deleted).
pub(crate) fn gains_condition(d: &ResourceDiff) -> bool {
    d.properties
        .iter()
        .any(|p| p.path == "Condition" && p.new.is_some())
}

/// The worse of a resource's change so far and one property's replacement behaviour.
fn worst(change: Change, r: Replacement) -> Change {
    match (change, r) {
        (Change::Replace, _) | (_, Replacement::Always) => Change::Replace,
        (Change::MayReplace, _) | (_, Replacement::Maybe) => Change::MayReplace,
        (c, Replacement::Never) => c,
    }
}

/// `v` as an object, or `empty`.
fn object_or<'a>(v: Option<&'a Json>, empty: &'a Map<String, Json>) -> &'a Map<String, Json> {
    v.and_then(Json::as_object).unwrap_or(empty)
}

/// The template sections other than `Resources` that differ, one entry per changed entry
/// (`Outputs.QueueUrl`, `Description`).
fn diff_sections(old: Option<&Json>, new: Option<&Json>) -> Vec<PropertyChange> {
    let empty = Map::new();
    let (a, b) = (object_or(old, &empty), object_or(new, &empty));
    let mut out = Vec::new();
    for key in union_keys(a, b) {
        if key == "Resources" || a.get(key) == b.get(key) {
            continue;
        }
        match (a.get(key), b.get(key)) {
            (Some(Json::Object(x)), Some(Json::Object(y))) => {
                for entry in union_keys(x, y) {
                    if x.get(entry) != y.get(entry) {
                        out.push(PropertyChange {
                            path: format!("{key}.{entry}"),
                            old: x.get(entry).cloned(),
                            new: y.get(entry).cloned(),
                            replacement: Replacement::Never,
                        });
                    }
                }
            }
            (x, y) => out.push(PropertyChange {
                path: key.to_owned(),
                old: x.cloned(),
                new: y.cloned(),
                replacement: Replacement::Never,
            }),
        }
    }
    out
}

/// One step down a JSON value.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `prefix.Key[2].Other`.
fn render_path(prefix: &str, steps: &[Step<'_>]) -> String {
    let mut s = prefix.to_owned();
    for step in steps {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// The changed leaves between `a` and `b` at `steps`: objects key by key, lists of equal length
/// item by item, anything else whole. Recursion is bounded by serde_json's nesting limit (128),
/// which every template went through.
fn leaf_changes<'a>(
    steps: &mut Vec<Step<'a>>,
    a: Option<&'a Json>,
    b: Option<&'a Json>,
    out: &mut Vec<(Vec<Step<'a>>, Option<&'a Json>, Option<&'a Json>)>,
) {
    if a == b {
        return;
    }
    match (a, b) {
        (Some(Json::Object(x)), Some(Json::Object(y))) if !is_intrinsic(x) && !is_intrinsic(y) => {
            for key in union_keys(x, y) {
                steps.push(Step::Key(key));
                leaf_changes(steps, x.get(key), y.get(key), out);
                steps.pop();
            }
        }
        (Some(Json::Array(x)), Some(Json::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                steps.push(Step::Index(i));
                leaf_changes(steps, Some(p), Some(q), out);
                steps.pop();
            }
        }
        _ => out.push((steps.clone(), a, b)),
    }
}

/// Whether an object is one intrinsic function (`{"Ref": ...}`, `{"Fn::Join": ...}`): shown whole.
fn is_intrinsic(m: &Map<String, Json>) -> bool {
    m.len() == 1
        && m.keys()
            .next()
            .is_some_and(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// The keys of both maps: `a`'s in order, then those only `b` has.
fn union_keys<'a>(a: &'a Map<String, Json>, b: &'a Map<String, Json>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = a.keys().map(String::as_str).collect();
    keys.extend(b.keys().map(String::as_str).filter(|k| !a.contains_key(*k)));
    keys
}

/// A resource as `cdk diff` compares it: `Fn::GetAtt: "A.B"` as `["A", "B"]`, `DependsOn` as a
/// sorted list. Bounded by serde_json's nesting limit.
fn normalized(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("Fn::GetAtt", Json::String(s)) => match s.split_once('.') {
                            Some((a, b)) => Json::Array(vec![a.into(), b.into()]),
                            None => v.clone(),
                        },
                        ("DependsOn", Json::String(s)) => Json::Array(vec![s.as_str().into()]),
                        ("DependsOn", Json::Array(items)) => {
                            let mut items = items.clone();
                            items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                            Json::Array(items)
                        }
                        _ => normalized(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(normalized).collect()),
        _ => v.clone(),
    }
}

fn type_of(r: &Json) -> &str {
    r.get("Type").and_then(Json::as_str).unwrap_or("")
}

fn path_of(r: &Json) -> String {
    r.get("Metadata")
        .and_then(|m| m.get("aws:cdk:path"))
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_owned()
}

/// A resource's `DeletionPolicy` or `UpdateReplacePolicy` (a string not among CloudFormation's
/// values, such as a `Fn::If`, counts as none: the data may be lost).
fn policy_of(r: &Json, attribute: &str) -> Option<gs_core::RemovalPolicy> {
    use gs_core::RemovalPolicy;
    match r.get(attribute).and_then(Json::as_str)? {
        "Delete" => Some(RemovalPolicy::Destroy),
        "Retain" | "RetainExceptOnCreate" => Some(RemovalPolicy::Retain),
        "Snapshot" => Some(RemovalPolicy::Snapshot),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
