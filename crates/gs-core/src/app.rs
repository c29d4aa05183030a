//! The app: the arena of nodes, the stacks, the registered passes and the facts constructs record.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;

use crate::fast_hash::FastState;
use crate::side_table::{empty, Tables};

/// The key of the table of data of type `T` attached to nodes (see [`App::attach`]); the table's
/// values are a `Vec<T>`, and its nodes say whose each is. (Facts of type `F` are a `Vec<F>` under
/// the key of `Vec<F>`.)
pub(crate) struct Attached<T>(PhantomData<T>);

use crate::diagnostic::{Diagnostic, Rule};
use crate::error::TreeError;
use crate::handle::{AppId, Handle, NodeId};
use crate::logical_id;
use crate::node::{Acknowledgement, Dependency, Node, NodeKind, RemovalPolicy, Resource, Stack};
use crate::scope::Scope;
use crate::tree::Tree;

/// How deeply a value may nest, counted in the JSON arrays and objects it writes in the template
/// (intrinsic functions included: `{"Fn::Join": ["-", [...]]}` is three).
///
/// A template wraps a value in at most 4 more (`{"Outputs": {"X": {"Export": {"Name": ...}}}}`,
/// `{"Resources": {"X": {"Properties": {...}}}}`), and serde_json reads at most 127 nested
/// containers (its recursion limit of 128), so 123 keeps every written template readable by
/// `serde_json::from_slice`. CloudFormation templates nest a few levels; the limit also keeps every
/// recursive walk of a value shallow.
pub const MAX_VALUE_DEPTH: usize = 123;

/// Settings of a new stack.
#[derive(Clone, Debug, Default)]
pub struct StackProps {
    /// The Region to deploy to.
    pub region: Option<String>,
    /// The account to deploy to.
    pub account: Option<String>,
    /// The template's description.
    pub description: Option<String>,
}

/// The check of a pass an app adds: reads the frozen tree and appends diagnostics.
pub type PassFn = dyn Fn(&Tree<'_>, &mut Vec<Diagnostic>) + Send + Sync;

/// A pass the app's author added (see [`App::add_pass`]).
pub(crate) struct AppPass {
    pub(crate) name: String,
    pub(crate) rules: &'static [Rule],
    pub(crate) run: Box<PassFn>,
}

/// The number of children past which a parent keeps a set of their ids (see `App::child_ids`).
pub(crate) const CHILD_ID_SET_FROM: usize = 16;

/// The hashes of a parent's child ids, each with the number of children whose id has it.
pub(crate) type ChildIds = HashMap<u64, u32, FastState>;

/// The hash of a child id in [`ChildIds`].
pub(crate) fn child_id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    FastState::default().hash_one(id)
}

/// The root of a construct tree: stacks, and everything in them, in one arena.
///
/// ```
/// use gs_core::{App, StackProps};
/// let mut app = App::new();
/// let stack = app.stack("TapStackdev", StackProps::default())?;
/// assert_eq!(app.stacks().len(), 1);
/// assert!(app.stack("TapStackdev", StackProps::default()).is_err());
/// # let _ = stack;
/// # Ok::<(), gs_core::TreeError>(())
/// ```
pub struct App {
    pub(crate) id: AppId,
    pub(crate) nodes: Vec<Node>,
    pub(crate) stacks: Vec<NodeId>,
    pub(crate) passes: Vec<AppPass>,
    /// Ids of the children of each parent with more than [`CHILD_ID_SET_FROM`] children, so a
    /// duplicate is found without comparing with every sibling. A parent with fewer compares
    /// with its children's ids (no set to build and fill).
    ///
    /// The set holds the ids' hashes, each with the number of children whose id has it (no id is
    /// copied); a hash found is confirmed against the children's ids.
    pub(crate) child_ids: HashMap<NodeId, ChildIds, FastState>,
    /// Facts and attached data, a table per type (see [`crate::side_table`]).
    pub(crate) facts: Tables,
    /// What a call in progress changed, to undo it if the call fails (see [`App::atomically`]).
    pub(crate) journal: crate::journal::Journal,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("id", &self.id)
            .field("nodes", &self.nodes.len())
            .field("stacks", &self.stacks.len())
            .field(
                "passes",
                &self.passes.iter().map(|p| &p.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The app itself, where a scope or the app may be given (see `AsMut<App> for Scope`).
impl AsMut<App> for App {
    fn as_mut(&mut self) -> &mut App {
        self
    }
}

/// How many nodes [`App::new`] makes room for.
const NODES_RESERVED: usize = 512;

impl App {
    /// An empty app. Synthesis runs gs-core's passes ([`crate::passes::CORE`]), the passes
    /// of the backend ([`crate::Backend::passes`]) and those added with [`App::add_pass`].
    pub fn new() -> App {
        App {
            id: AppId::fresh(),
            // Room for a few hundred nodes at once: growing by doubling copies every node into
            // fresh memory each time (a node is about 300 bytes), and memory reserved but not
            // written costs nothing.
            nodes: Vec::with_capacity(NODES_RESERVED),
            stacks: Vec::new(),
            passes: Vec::new(),
            child_ids: HashMap::default(),
            facts: Tables::default(),
            journal: Default::default(),
        }
    }

    /// This app's identity.
    pub fn id(&self) -> AppId {
        self.id
    }

    /// Adds a stack named `name` (also its id and its CloudFormation stack name).
    pub fn stack(&mut self, name: &str, props: StackProps) -> Result<Handle<Stack>, TreeError> {
        check_stack_name(name)?;
        check_environment(name, &props)?;
        if self.stacks.iter().any(|s| self.nodes[s.index()].id == name) {
            return Err(TreeError::DuplicateId {
                parent: "(app)".into(),
                id: name.into(),
            });
        }
        let index = self.nodes.len();
        if index >= u32::MAX as usize {
            return Err(TreeError::TooManyNodes(index));
        }
        let node = NodeId::new(self.id, index);
        self.nodes.push(Node {
            id: crate::node::node_id(name),
            parent: None,
            stack: node,
            children: Vec::new(),
            kind: NodeKind::Stack(Box::new(Stack {
                region: props.region,
                account: props.account,
                description: props.description,
                ..Stack::default()
            })),
            extras: None,
            // Conditions and mappings are checked when the tree is frozen.
            values_checked: false,
        });
        self.stacks.push(node);
        Ok(Handle::new(node))
    }

    /// A scope at `node` (a stack or a group) to add constructs to.
    pub fn at(&mut self, node: impl Into<NodeId>) -> Result<Scope<'_>, TreeError> {
        let node = node.into();
        match self.node(node)?.kind {
            NodeKind::Stack(_) | NodeKind::Group => Ok(Scope { app: self, node }),
            _ => Err(TreeError::WrongKind {
                path: self.path_of(node),
                expected: "a stack or a group",
                fix: "add children to the construct's group, not to one of its resources",
            }),
        }
    }

    /// The stacks, in creation order.
    pub fn stacks(&self) -> &[NodeId] {
        &self.stacks
    }

    /// Every node with its id, in creation order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        let app = self.id;
        self.nodes
            .iter()
            .enumerate()
            .map(move |(i, n)| (NodeId::new(app, i), n))
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the app has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node behind a handle; a handle of another app is an error.
    pub fn node(&self, node: impl Into<NodeId>) -> Result<&Node, TreeError> {
        let node = node.into();
        self.check_in(node, || "App::node (reading a construct)".into())?;
        self.nodes
            .get(node.index())
            .ok_or_else(|| TreeError::ForeignHandle {
                context: "App::node".into(),
            })
    }

    /// The one door to change an existing node: it records the node in the undo journal of a
    /// call in progress (see [`App::atomically`]).
    ///
    /// The node's values may change through it: they are checked again when the tree is frozen
    /// (or at the end of the [`App::atomically`] call in progress, for a resource).
    pub(crate) fn node_mut(&mut self, node: NodeId) -> Result<&mut Node, TreeError> {
        self.check(node)?;
        self.journal_node(node);
        let n = self.node_mut_unjournalled(node)?;
        n.values_checked = false;
        Ok(n)
    }

    /// [`App::node_mut`] for a change the caller journals itself, with a cheaper undo entry than
    /// a snapshot of the node (an append, for one).
    fn node_mut_unjournalled(&mut self, node: NodeId) -> Result<&mut Node, TreeError> {
        self.check(node)?;
        self.nodes
            .get_mut(node.index())
            .ok_or_else(|| TreeError::ForeignHandle {
                context: "App::node".into(),
            })
    }

    /// The resource behind a handle, to change through the escape hatch (add a property gs does
    /// not set, for example). What is written through it is checked at synthesis
    /// (`core/invalid-value`, `core/dangling-reference`); [`App::set_property`] checks a value
    /// at the call.
    pub fn resource_mut(&mut self, node: impl Into<NodeId>) -> Result<&mut Resource, TreeError> {
        let node = node.into();
        let path = self.path(node)?;
        self.journal_resource(node);
        match &mut self.node_mut(node)?.kind {
            NodeKind::Resource(r) => Ok(r),
            _ => Err(TreeError::WrongKind {
                path,
                expected: "a resource",
                fix: "pass the handle of a resource (an L2 construct's `resource()`)",
            }),
        }
    }

    /// The node's path: the ids from its stack down, joined by `/`.
    pub fn path(&self, node: impl Into<NodeId>) -> Result<String, TreeError> {
        let node = node.into();
        self.node(node)?;
        Ok(self.path_of(node))
    }

    /// The ids from the stack down to `node`. `node` must belong to this app.
    pub(crate) fn components(&self, node: NodeId) -> Vec<&str> {
        // Room for a typical depth, so the walk up does not grow the list several times.
        let mut ids = Vec::with_capacity(8);
        self.components_into(node, &mut ids);
        ids
    }

    /// [`App::components`] into a buffer the caller reuses.
    pub(crate) fn components_into<'a>(&'a self, node: NodeId, ids: &mut Vec<&'a str>) {
        ids.clear();
        let mut at = Some(node);
        while let Some(n) = at {
            let node = &self.nodes[n.index()];
            ids.push(&node.id);
            at = node.parent;
        }
        ids.reverse();
    }

    pub(crate) fn path_of(&self, node: NodeId) -> String {
        self.path_below(node, None)
    }

    /// The path of `node`, followed by `/child` when given. The ids are walked up twice: once
    /// for the length, once to copy each into its place from the end, so the path is built in
    /// one allocation without a list of its components.
    pub(crate) fn path_below(&self, node: NodeId, child: Option<&str>) -> String {
        let parent_of = |n: NodeId| {
            self.nodes
                .get(n.index())
                .map(|n| (n.id.as_bytes(), n.parent))
        };
        let mut len = child.map_or(0, |c| c.len() + 1);
        let mut at = Some(node);
        while let Some((id, parent)) = at.and_then(parent_of) {
            len += id.len() + 1;
            at = parent;
        }
        let mut path = vec![b'/'; len.saturating_sub(1)];
        let mut end = path.len();
        let mut place = |part: &[u8]| {
            let start = end.saturating_sub(part.len());
            if let Some(slot) = path.get_mut(start..end) {
                slot.copy_from_slice(part);
            }
            end = start.saturating_sub(1);
        };
        if let Some(c) = child {
            place(c.as_bytes());
        }
        let mut at = Some(node);
        while let Some((id, parent)) = at.and_then(parent_of) {
            place(id);
            at = parent;
        }
        // Whole ids (UTF-8) joined by `/`: always UTF-8.
        String::from_utf8(path).unwrap_or_default()
    }

    /// Adds a dependency: `from` (and everything below it) is created after `to` (and everything
    /// below it). The reason is kept.
    pub fn add_dependency(
        &mut self,
        from: impl Into<NodeId>,
        to: impl Into<NodeId>,
        reason: impl Into<String>,
    ) -> Result<(), TreeError> {
        self.add_dependency_between(from.into(), to.into(), reason.into())
    }

    /// [`App::add_dependency`] on plain ids: one copy, whatever handles the callers pass.
    fn add_dependency_between(
        &mut self,
        from: NodeId,
        to: NodeId,
        reason: String,
    ) -> Result<(), TreeError> {
        self.check_in(from, || "App::add_dependency (the dependent)".into())?;
        self.check_in(to, || {
            format!("{}: App::add_dependency (the target)", self.path_of(from))
        })?;
        let node = self.node_mut_unjournalled(from)?;
        if !node.dependencies().iter().any(|d| d.target == to) {
            node.extras_mut()
                .dependencies
                .push(Dependency { target: to, reason });
            self.journal_dependency_pushed(from);
        }
        Ok(())
    }

    /// Tags `node` and every taggable resource below it. A tag set lower in the tree wins over
    /// the same key set higher up. A key or value AWS would refuse (length, the `aws:` prefix, a
    /// character outside AWS's tag set such as a control character) is refused here.
    ///
    /// ```
    /// use gs_core::{App, StackProps};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// app.tag(stack, "Compliance", "LGPD")?;
    /// assert!(app.tag(stack, "aws:reserved", "x").is_err());
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn tag(
        &mut self,
        node: impl Into<NodeId>,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<(), TreeError> {
        let node = node.into();
        let (key, value) = (key.into(), value.into());
        match crate::tags::refusal(&key, &value) {
            None => {}
            Some(crate::tags::Refusal::Reason(reason)) => {
                return Err(TreeError::InvalidTag {
                    path: self.path(node)?,
                    key,
                    reason,
                })
            }
            Some(crate::tags::Refusal::Character(part, character)) => {
                return Err(TreeError::InvalidTagCharacter {
                    path: self.path(node)?,
                    key,
                    part,
                    character,
                })
            }
        }
        let tags = &mut self.node_mut_unjournalled(node)?.extras_mut().tags;
        let (index, before) = match tags.iter().position(|(k, _)| *k == key) {
            Some(index) => match tags.get_mut(index) {
                Some(existing) => (index, Some(std::mem::replace(&mut existing.1, value))),
                None => return Ok(()),
            },
            None => {
                tags.push((key, value));
                (tags.len() - 1, None)
            }
        };
        self.journal_tag_set(node, index, before);
        Ok(())
    }

    /// Acknowledges `rule` on `node` and everything below it. The reason is required and is
    /// written into the metadata of the resources concerned.
    ///
    /// The rule is a [`Rule`] of the catalog, so a misspelt id does not compile. A rule that
    /// cannot be acknowledged (gs-core's, CloudFormation's limits) is refused here; one that
    /// checks no resource type present at or below `node` is refused at synthesis
    /// (`core/invalid-acknowledgement`: resources may be added after this call).
    ///
    /// ```
    /// use gs_core::{App, Rule, Severity, StackProps};
    /// const PUBLIC: Rule = Rule {
    ///     id: "demo/public", severity: Severity::Error, acknowledgeable: true, applies_to: &[],
    ///     what: "Public.", why: "Anyone reads it.", fix: "make it private",
    /// };
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// app.acknowledge(stack, &PUBLIC, "a public website")?;
    /// assert!(app.acknowledge(stack, &PUBLIC, " ").is_err());
    /// assert!(app.acknowledge(stack, &gs_core::passes::RULES[0], "no").is_err());
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn acknowledge(
        &mut self,
        node: impl Into<NodeId>,
        rule: &Rule,
        reason: impl Into<String>,
    ) -> Result<(), TreeError> {
        let node = node.into();
        let reason = reason.into();
        let path = self.path(node)?;
        if !rule.acknowledgeable {
            return Err(TreeError::NotAcknowledgeable {
                path,
                rule: rule.id.into(),
            });
        }
        if reason.trim().is_empty() {
            return Err(TreeError::MissingReason {
                path,
                rule: rule.id.into(),
            });
        }
        self.node_mut(node)?
            .extras_mut()
            .acknowledgements
            .push(Acknowledgement {
                rule: *rule,
                reason,
            });
        Ok(())
    }

    /// Sets the removal policy of a resource.
    pub fn set_removal_policy(
        &mut self,
        node: impl Into<NodeId>,
        policy: RemovalPolicy,
    ) -> Result<(), TreeError> {
        self.resource_mut(node)?.removal_policy = Some(policy);
        Ok(())
    }

    /// Replaces the logical ID computed from the path. Two resources with one logical ID in a
    /// stack fail synthesis.
    pub fn override_logical_id(
        &mut self,
        node: impl Into<NodeId>,
        logical_id: impl Into<String>,
    ) -> Result<(), TreeError> {
        let node = node.into();
        let logical_id = logical_id.into();
        if let Some(reason) = logical_id::invalid_reason(&logical_id) {
            return Err(TreeError::InvalidLogicalId {
                path: self.path(node)?,
                logical_id,
                reason,
            });
        }
        self.resource_mut(node)?.logical_id = Some(logical_id);
        Ok(())
    }

    /// Adds a validation pass of the app's own, reporting `rules`. It runs after gs-core's
    /// passes and before the backend's. The name must be new, and must not start with a prefix
    /// of gs's own passes (`core/`, `gs-cfn/`, `gs-constructs/`), so a pass cannot replace one
    /// of them.
    ///
    /// ```
    /// use gs_core::{App, Diagnostic, DotBackend, Rule, Severity, StackProps};
    /// const NO_STACKS: Rule = Rule {
    ///     id: "team/no-stacks", severity: Severity::Error, acknowledgeable: false, applies_to: &[],
    ///     what: "No stack.", why: "Nothing to deploy.", fix: "add a stack",
    /// };
    /// let mut app = App::new();
    /// app.add_pass("team/stacks", &[NO_STACKS], |tree, out| {
    ///     if tree.stacks().is_empty() {
    ///         out.push(NO_STACKS.at_path("(app)", "the app has no stack"));
    ///     }
    /// })?;
    /// assert!(app.add_pass("core/references", &[], |_, _| {}).is_err());
    /// assert!(app.synth(&DotBackend).is_err());
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn add_pass(
        &mut self,
        name: impl Into<String>,
        rules: &'static [Rule],
        run: impl Fn(&Tree<'_>, &mut Vec<Diagnostic>) + Send + Sync + 'static,
    ) -> Result<(), TreeError> {
        let name = name.into();
        let reserved = crate::passes::RESERVED_PREFIXES
            .iter()
            .any(|p| name.starts_with(p));
        if reserved || self.passes.iter().any(|p| p.name == name) {
            return Err(TreeError::PassNameTaken { name, reserved });
        }
        self.passes.push(AppPass {
            name,
            rules,
            run: Box::new(run),
        });
        Ok(())
    }

    /// The names of the passes added with [`App::add_pass`], in the order they run.
    pub fn pass_names(&self) -> impl Iterator<Item = &str> {
        self.passes.iter().map(|p| p.name.as_str())
    }

    /// The rules of the passes added with [`App::add_pass`] (for a catalog or SARIF output
    /// next to gs's own rules).
    pub fn pass_rules(&self) -> impl Iterator<Item = &Rule> {
        self.passes.iter().flat_map(|p| p.rules)
    }

    /// Records a fact (a relation constructs know, such as "service S mounts file system F").
    pub fn add_fact<F: Any + Send + Sync>(&mut self, fact: F) {
        let table = self.facts.get_or_insert(TypeId::of::<Vec<F>>(), empty::<F>);
        let Some(v) = table.values.downcast_mut::<Vec<F>>() else {
            return;
        };
        v.push(fact);
        self.journal_fact::<F>();
    }

    /// The facts of type `F`, in the order they were recorded.
    pub fn facts<F: Any + Send + Sync>(&self) -> &[F] {
        self.facts
            .get(TypeId::of::<Vec<F>>())
            .and_then(|t| t.values.downcast_ref::<Vec<F>>())
            .map_or(&[], Vec::as_slice)
    }

    /// Attaches data of type `T` to `node` (a side table: construct details such as a VPC's
    /// subnets). Attaching again replaces it.
    pub fn attach<T: Any + Send + Sync>(
        &mut self,
        node: impl Into<NodeId>,
        data: T,
    ) -> Result<(), TreeError> {
        let node = node.into();
        self.check_in(node, || "App::attach".into())?;
        let table = self
            .facts
            .get_or_insert(TypeId::of::<Attached<T>>(), empty::<T>);
        let position = table.position(node);
        let Some(values) = table.values.downcast_mut::<Vec<T>>() else {
            return Ok(());
        };
        let before = match position.and_then(|i| values.get_mut(i)) {
            Some(slot) => Some(std::mem::replace(slot, data)),
            None => {
                values.push(data);
                table.push_node(node);
                None
            }
        };
        self.journal_attached(node, before);
        Ok(())
    }

    /// The data of type `T` attached to `node`.
    pub fn attached<T: Any + Send + Sync>(&self, node: impl Into<NodeId>) -> Option<&T> {
        let table = self.facts.get(TypeId::of::<Attached<T>>())?;
        let position = table.position(node.into())?;
        table.values.downcast_ref::<Vec<T>>()?.get(position)
    }

    /// The data of type `T` attached to `node`, to change (`Clone`, so that a call that fails
    /// can put it back: see [`App::atomically`]).
    pub fn attached_mut<T: Any + Send + Sync + Clone>(
        &mut self,
        node: impl Into<NodeId>,
    ) -> Option<&mut T> {
        let node = node.into();
        if self.journal.active() {
            if let Some(before) = self.attached::<T>(node).cloned() {
                self.journal_attached(node, Some(before));
            }
        }
        self.attached_slot::<T>(node)
    }

    /// The data of type `T` attached to `node`, to change, without journalling.
    pub(crate) fn attached_slot<T: Any + Send + Sync>(&mut self, node: NodeId) -> Option<&mut T> {
        let table = self.facts.get_mut(TypeId::of::<Attached<T>>())?;
        let position = table.position(node)?;
        table.values.downcast_mut::<Vec<T>>()?.get_mut(position)
    }

    /// Every node with data of type `T` attached, in the order it was first attached.
    pub fn all_attached<T: Any + Send + Sync>(&self) -> impl Iterator<Item = (NodeId, &T)> {
        self.facts
            .get(TypeId::of::<Attached<T>>())
            .and_then(|t| Some((&t.nodes, t.values.downcast_ref::<Vec<T>>()?)))
            .into_iter()
            .flat_map(|(nodes, values)| nodes.iter().copied().zip(values))
    }

    /// Freezes the app for reading: logical IDs computed, dependencies expanded. Resources are
    /// tagged as built ([`Resource::tagging`](crate::Resource::tagging)); to synthesize, freeze
    /// with [`App::freeze_for`] the backend, which may know how more types take tags.
    pub fn freeze(&self) -> Tree<'_> {
        Tree::freeze(self)
    }

    pub(crate) fn check(&self, node: NodeId) -> Result<(), TreeError> {
        self.check_in(node, || "a call on this App".into())
    }

    /// [`App::check`] with the place the handle was used, for the error.
    pub(crate) fn check_in(
        &self,
        node: NodeId,
        context: impl FnOnce() -> String,
    ) -> Result<(), TreeError> {
        if node.belongs_to(self.id) && node.index() < self.nodes.len() {
            Ok(())
        } else {
            Err(TreeError::ForeignHandle { context: context() })
        }
    }

    /// Refuses a child `id` of `parent` whose path below the stack would be only `Default`
    /// ids, which leaves nothing to build a logical ID from. Checked before the child is added,
    /// so a refused call leaves the tree as it was; walked up without collecting the path.
    pub(crate) fn check_child_has_logical_id(
        &self,
        parent: NodeId,
        id: &str,
    ) -> Result<(), TreeError> {
        if id != "Default" {
            return Ok(());
        }
        let mut at = self.nodes.get(parent.index());
        while let Some(n) = at.filter(|n| n.parent.is_some()) {
            if n.id != "Default" {
                return Ok(());
            }
            at = n.parent.and_then(|p| self.nodes.get(p.index()));
        }
        Err(TreeError::NoLogicalId {
            path: format!("{}/{id}", self.path_of(parent)),
        })
    }

    /// Adds a child of `parent`. The caller has checked the values of `kind` (see
    /// [`App::check_references`]), so the node starts with `values_checked`.
    pub(crate) fn push(
        &mut self,
        parent: NodeId,
        id: &str,
        kind: NodeKind,
    ) -> Result<NodeId, TreeError> {
        let parent_node = self.node(parent)?;
        let reason = if id.is_empty() {
            Some("ids must not be empty")
        } else if id.contains('/') {
            Some("ids must not contain `/`, which separates path components")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(TreeError::InvalidId {
                parent: self.path_of(parent),
                id: id.into(),
                reason,
            });
        }
        if self.has_child(parent, id) {
            return Err(TreeError::DuplicateId {
                parent: self.path_of(parent),
                id: id.into(),
            });
        }
        let stack = parent_node.stack;
        let index = self.nodes.len();
        if index >= u32::MAX as usize {
            return Err(TreeError::TooManyNodes(index));
        }
        let node = NodeId::new(self.id, index);
        self.nodes.push(Node {
            id: crate::node::node_id(id),
            parent: Some(parent),
            stack,
            children: Vec::new(),
            kind,
            extras: None,
            values_checked: true,
        });
        let children = &mut self.nodes[parent.index()].children;
        children.push(node);
        // A parent has a set exactly while it has more than `CHILD_ID_SET_FROM` children (a
        // rollback that leaves it fewer drops the set): a parent with few is not looked up.
        if children.len() > CHILD_ID_SET_FROM {
            if let Some(ids) = self.child_ids.get_mut(&parent) {
                *ids.entry(child_id_hash(id)).or_default() += 1;
            } else {
                let children = &self.nodes[parent.index()].children;
                let mut ids =
                    ChildIds::with_capacity_and_hasher(children.len(), FastState::default());
                for c in children.iter().filter_map(|c| self.nodes.get(c.index())) {
                    *ids.entry(child_id_hash(&c.id)).or_default() += 1;
                }
                self.child_ids.insert(parent, ids);
            }
        }
        Ok(node)
    }

    /// Whether `parent` has a child with the id `id`.
    fn has_child(&self, parent: NodeId, id: &str) -> bool {
        let Some(p) = self.nodes.get(parent.index()) else {
            return false;
        };
        if p.children.len() > CHILD_ID_SET_FROM {
            if let Some(ids) = self.child_ids.get(&parent) {
                if !ids.contains_key(&child_id_hash(id)) {
                    return false;
                }
            }
        }
        p.children
            .iter()
            .any(|c| self.nodes.get(c.index()).is_some_and(|c| c.id == id))
    }
}

/// Whether `s` is written as an AWS Region name: lowercase groups joined by `-`, the first of
/// two to four letters, the last a number (`us-east-1`, `us-gov-west-1`, `ap-southeast-5`,
/// `eusc-de-east-1`). Whether the Region exists is AWS's to say; this refuses what cannot be
/// one (`US-EAST-1`, `us-east-1 `, ``).
///
/// ```
/// assert!(gs_core::app::is_region_name("eu-central-2"));
/// assert!(gs_core::app::is_region_name("eusc-de-east-1"));
/// assert!(!gs_core::app::is_region_name("US-EAST-1"));
/// assert!(!gs_core::app::is_region_name("mars-1"));
/// ```
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lower = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() >= 3
        && parts
            .first()
            .is_some_and(|p| lower(p) && (2..=4).contains(&p.len()))
        && parts
            .get(1..parts.len() - 1)
            .is_some_and(|middle| middle.iter().all(lower))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A stack's Region and account, when given, must be written as AWS writes them: the manifest's
/// `aws://<account>/<region>` and the CDK CLI read them as they are.
fn check_environment(stack: &str, props: &StackProps) -> Result<(), TreeError> {
    if let Some(region) = props.region.as_deref().filter(|r| !is_region_name(r)) {
        return Err(TreeError::InvalidEnvironment {
            stack: stack.into(),
            field: "region",
            value: region.into(),
            expected: "a Region name",
            fix: "give a Region name such as `us-east-1` (lowercase, no spaces), or leave it unset to deploy where the CLI's credentials point",
        });
    }
    if let Some(account) = props
        .account
        .as_deref()
        .filter(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(TreeError::InvalidEnvironment {
            stack: stack.into(),
            field: "account",
            value: account.into(),
            expected: "an AWS account id",
            fix: "give the 12-digit account id, or leave it unset to deploy where the CLI's credentials point",
        });
    }
    Ok(())
}

fn check_stack_name(name: &str) -> Result<(), TreeError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 128 {
        Some("it is longer than 128 characters")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with a letter")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("it may hold only letters, digits and `-`")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(TreeError::InvalidStackName {
            name: name.into(),
            reason,
        }),
        None => Ok(()),
    }
}
