//! The frozen tree: an app read-only, with what every pass and backend needs computed once
//! (logical IDs, the order of elements in each stack, explicit dependencies expanded to resources,
//! the values stacks read from each other and the order stacks deploy in).

use crate::app::App;
use crate::fast_hash::FastState;
use crate::handle::NodeId;
use crate::logical_id::PathIds;
use crate::node::{Acknowledgement, Node, NodeKind};
use crate::value::Value;

/// An app frozen for validation and emission. Passes and backends read it; nothing changes it.
pub struct Tree<'a> {
    app: &'a App,
    /// Every logical ID, one after the other (one allocation rather than one per element).
    logical_id_text: String,
    /// By node index: where the logical ID of each resource, parameter and output lies in
    /// `logical_id_text`, where its references lie in `reference_targets` and its section names
    /// in `section_names`, its explicit dependencies (expanded from groups to resources) and how
    /// it takes tags (its own [`Resource::tagging`], else what the backend it was frozen for says
    /// of its type; see [`Tree::tagging`]), in one compact row a node.
    ///
    /// [`Resource::tagging`]: crate::Resource::tagging
    table: crate::node_table::NodeTable,
    /// The elements whose logical ID was not computed from the path: set by hand
    /// ([`Resource::logical_id`](crate::Resource::logical_id)) or from a model hash. A
    /// computed ID is letters and digits, at most 248 long, by construction (see
    /// [`Tree::logical_id_needs_check`]).
    given_ids: Vec<NodeId>,
    /// By stack position: the elements (resources, parameters, outputs) in tree order.
    elements: Vec<Vec<NodeId>>,
    /// By stack position: the other stacks it must be deployed after.
    stack_dependencies: Vec<Vec<NodeId>>,
    /// Values that cannot be written (too deep, not finite, ...), whatever door they came in by.
    invalid_values: Vec<crate::diagnostic::Diagnostic>,
    /// By stack position, parallel to `stack_dependencies`: the first thing that made each one.
    stack_dependency_causes: Vec<Vec<StackDependencyCause<'a>>>,
    /// By stack position: its values that other stacks of its environment read.
    exports: Vec<Vec<Export<'a>>>,
    /// Every node each element's values refer to, with the attribute read (`Fn::GetAtt`),
    /// element after element (see [`Tree::for_each_reference`]).
    reference_targets: Vec<(NodeId, Option<&'a str>)>,
    /// Every value that names a condition or a mapping (`Fn::If`, `Condition`, `Fn::FindInMap`),
    /// element after element (see [`Tree::section_names`]).
    section_names: Vec<&'a Value>,
    /// What readers derived from the tree so far (see [`Tree::derived`]).
    pub(crate) derived: crate::derived::Derived,
    /// Whether `tagging` asked a backend ([`App::freeze_for`]); [`Tree::synth`] of a tree that
    /// did not freezes again for its backend, so both ways write the same templates.
    pub(crate) for_backend: bool,
    /// Every node's path, built at the first [`Tree::path`] (see [`Paths`]).
    paths: std::sync::OnceLock<Paths>,
}

/// Every node's path in one string, each after the one of the node before it: a node's path is
/// its parent's, copied from earlier in the same string, then `/` and its id. Backends read a
/// path per resource several times (the template's `aws:cdk:path`, the manifest, `tree.json`);
/// walking the ids up each time cost about 480 instructions and an allocation a path.
struct Paths {
    text: String,
    /// By node index: one past the end of its path in `text` (it starts where the one before
    /// ends).
    ends: Vec<usize>,
}

impl Paths {
    fn of(app: &App) -> Paths {
        let mut text: Vec<u8> = Vec::with_capacity(app.nodes.len() * 48);
        let mut ends: Vec<usize> = Vec::with_capacity(app.nodes.len());
        for (i, node) in app.nodes.iter().enumerate() {
            match node.parent.map(NodeId::index) {
                // The parent's path is already in `text`.
                Some(p) if p < i => {
                    let parent_start = p.checked_sub(1).and_then(|q| ends.get(q)).copied();
                    if let Some(&parent_end) = ends.get(p) {
                        text.extend_from_within(parent_start.unwrap_or(0)..parent_end);
                        text.push(b'/');
                    }
                    text.extend_from_slice(node.id.as_bytes());
                }
                // Not the order an app builds in: walked up as before.
                Some(_) => text.extend_from_slice(app.path_of(NodeId::new(app.id, i)).as_bytes()),
                None => text.extend_from_slice(node.id.as_bytes()),
            }
            ends.push(text.len());
        }
        // Whole ids (UTF-8) joined by `/`: always UTF-8.
        let text = String::from_utf8(text).unwrap_or_default();
        Paths { text, ends }
    }

    #[inline]
    fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }
}

/// A value of one stack (a `Ref` or `Fn::GetAtt` of one of its resources or parameters) that
/// elements of other stacks of the same account and Region read. The CloudFormation backend
/// publishes it as an output with an export and the readers import it, as AWS CDK does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Export<'a> {
    /// The resource or parameter.
    pub target: NodeId,
    /// The attribute read (`Fn::GetAtt`), or `None` for a `Ref`.
    pub attribute: Option<&'a str>,
}

/// Why one stack is deployed after another: the first dependency or reference that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackDependencyCause<'a> {
    /// `from` (in the dependent stack) was given an explicit dependency on `to`.
    Explicit {
        /// The dependent node.
        from: NodeId,
        /// The node depended on.
        to: NodeId,
        /// The reason given with the dependency.
        reason: &'a str,
    },
    /// An element of the dependent stack refers to a value of the other (an import).
    Reference {
        /// The element that refers.
        from: NodeId,
        /// The resource or parameter it refers to.
        to: NodeId,
    },
}

impl<'a> Tree<'a> {
    pub(crate) fn freeze(app: &'a App) -> Tree<'a> {
        let mut tree = Tree::freeze_with(app, &|_| None);
        tree.for_backend = false;
        tree
    }

    /// Freezes `app`, taking how a resource type is tagged from `tagging` for the resources that
    /// do not say ([`Backend::tagging`](crate::Backend::tagging)).
    pub(crate) fn freeze_with(
        app: &'a App,
        tagging: &dyn Fn(&str) -> Option<crate::node::Tagging>,
    ) -> Tree<'a> {
        let n = app.nodes.len();
        let mut tree = Tree {
            app,
            // Room for a typical ID (a readable part and an 8-digit hash) for most nodes.
            logical_id_text: String::with_capacity(n * 24),
            table: crate::node_table::NodeTable::new(n),
            given_ids: Vec::new(),
            elements: Vec::with_capacity(app.stacks.len()),
            stack_dependencies: vec![Vec::new(); app.stacks.len()],
            stack_dependency_causes: vec![Vec::new(); app.stacks.len()],
            exports: vec![Vec::new(); app.stacks.len()],
            invalid_values: crate::values::invalid_values(app),
            reference_targets: Vec::new(),
            section_names: Vec::new(),
            derived: Default::default(),
            for_backend: true,
            paths: std::sync::OnceLock::new(),
        };
        // The passes, the picture and the export search read each element's references several
        // times: its values are walked for them once, here (with how each resource is tagged).
        tree.collect_references(tagging);
        // Each stack walked once, depth first, children in creation order: every node's path
        // component entered on the way (see `PathIds`), each element's ID computed when met.
        let mut ids = PathIds::default();
        let mut pending: Vec<(NodeId, usize)> = Vec::new();
        for &stack in &app.stacks {
            let mut elements = Vec::new();
            if tree.contains(stack) {
                pending.push((stack, 0));
            }
            while let Some((e, depth)) = pending.pop() {
                let node = tree.node(e);
                pending.extend(node.children.iter().rev().map(|&c| (c, depth + 1)));
                if depth > 0 {
                    ids.enter(depth, &node.id);
                }
                if !is_element(node) {
                    continue;
                }
                elements.push(e);
                let text = &mut tree.logical_id_text;
                let start = text.len();
                let found = match &node.kind {
                    NodeKind::Resource(r) if r.logical_id.is_some() => {
                        text.push_str(r.logical_id.as_deref().unwrap_or_default());
                        tree.given_ids.push(e);
                        true
                    }
                    // A stack is no element: `depth` is at least 1 here.
                    _ => ids.push_id(text),
                };
                tree.table
                    .set_logical_id(e.index(), found.then_some(start..text.len()));
            }
            tree.elements.push(elements);
        }
        // Logical IDs that hash other resources' models (`App::add_to_logical_id`), from the IDs
        // above: computed first, assigned after, so no hash reads another's result.
        for (node, id) in crate::model_hash::hashed_ids(&tree) {
            if node.index() < n {
                tree.given_ids.push(node);
                let start = tree.logical_id_text.len();
                tree.logical_id_text.push_str(&id);
                let span = start..tree.logical_id_text.len();
                tree.table.set_logical_id(node.index(), Some(span));
            }
        }
        tree.expand_dependencies();
        tree.find_cross_stack_references();
        tree
    }

    /// Records a stack dependency of the stack at `pos` on `on`, keeping the first cause.
    fn add_stack_dependency(&mut self, pos: usize, on: NodeId, cause: StackDependencyCause<'a>) {
        if let (Some(list), Some(causes)) = (
            self.stack_dependencies.get_mut(pos),
            self.stack_dependency_causes.get_mut(pos),
        ) {
            if !list.contains(&on) {
                list.push(on);
                causes.push(cause);
            }
        }
    }

    /// Finds every `Ref` and `Fn::GetAtt` from an element of one stack to a resource or parameter
    /// of another stack of the same account and Region: the target's value is exported once per
    /// (target, attribute), in the order first read, and the reader's stack depends on the
    /// target's. References across environments are left to the `core/references` pass, which
    /// refuses them.
    fn find_cross_stack_references(&mut self) {
        let app = self.app;
        if app.stacks.len() < 2 {
            return;
        }
        let mut seen = std::collections::HashSet::<_, FastState>::default();
        let mut found: Vec<(NodeId, Option<&'a str>)> = Vec::new();
        for pos in 0..app.stacks.len() {
            let stack = app.stacks[pos];
            let elements = std::mem::take(&mut self.elements[pos]);
            for &e in &elements {
                found.clear();
                found.extend_from_slice(self.references_with_attributes(e));
                for &(target, attribute) in &found {
                    if !self.contains(target) {
                        continue;
                    }
                    let node = self.node(target);
                    let exportable =
                        matches!(node.kind, NodeKind::Resource(_) | NodeKind::Parameter(_));
                    if node.stack == stack
                        || !exportable
                        || environment(self.node(node.stack)) != environment(self.node(stack))
                    {
                        continue;
                    }
                    let Some(producer) = self.stack_position(node.stack) else {
                        continue;
                    };
                    let export = Export { target, attribute };
                    if seen.insert(export) {
                        self.exports[producer].push(export);
                    }
                    self.add_stack_dependency(
                        pos,
                        node.stack,
                        StackDependencyCause::Reference {
                            from: e,
                            to: target,
                        },
                    );
                }
            }
            self.elements[pos] = elements;
        }
    }

    fn expand_dependencies(&mut self) {
        let app = self.app;
        // Lists reused from one dependency to the next (a list each cost two allocations).
        let (mut sources, mut targets, mut work) = (Vec::new(), Vec::new(), Vec::new());
        // (dependent resource, resource depended on), in the order declared.
        let mut pairs: Vec<(u32, NodeId)> = Vec::new();
        for (index, node) in app.nodes.iter().enumerate() {
            if node.dependencies().is_empty() {
                continue;
            }
            let from = crate::handle::NodeId::new(app.id, index);
            self.resources_below_into(from, &mut sources, &mut work);
            for dep in node.dependencies() {
                let target_stack = self.node(dep.target).stack;
                if target_stack != node.stack {
                    if let Some(pos) = self.stack_position(node.stack) {
                        let cause = StackDependencyCause::Explicit {
                            from,
                            to: dep.target,
                            reason: dep.reason.as_str(),
                        };
                        self.add_stack_dependency(pos, target_stack, cause);
                    }
                    continue;
                }
                self.resources_below_into(dep.target, &mut targets, &mut work);
                for &s in &sources {
                    pairs.extend(targets.iter().filter(|t| **t != s).map(|&t| (s.index, t)));
                }
            }
        }
        // Grouped by dependent and repeats removed once at the end, keeping first occurrences,
        // however many groups overlap.
        if !pairs.is_empty() {
            self.table.set_dependencies(pairs);
        }
    }

    fn stack_position(&self, stack: NodeId) -> Option<usize> {
        self.app.stacks.iter().position(|s| *s == stack)
    }

    /// The `core/invalid-value` findings: values that nest deeper than
    /// [`MAX_VALUE_DEPTH`](crate::MAX_VALUE_DEPTH), numbers JSON cannot hold, and the like,
    /// whatever door they came in by. Synthesis refuses such a tree before any pass runs; a
    /// backend or pass that walks values recursively must not run on it either.
    pub fn invalid_values(&self) -> &[crate::diagnostic::Diagnostic] {
        &self.invalid_values
    }

    /// How the resource `id` takes tags: its own [`Resource::tagging`], else what the backend
    /// the tree was frozen for says of its type ([`Backend::tagging`]); `None` for an untaggable
    /// resource or a node that is not a resource. Backends write tags where this says.
    ///
    /// [`Resource::tagging`]: crate::Resource::tagging
    /// [`Backend::tagging`]: crate::Backend::tagging
    #[inline]
    pub fn tagging(&self, id: NodeId) -> Option<crate::node::Tagging> {
        if !self.contains(id) {
            return None;
        }
        self.table.tagging(id.index())
    }

    /// The app behind the tree.
    pub fn app(&self) -> &'a App {
        self.app
    }

    /// The node behind `id`. A foreign id (check with [`Tree::contains`]) is answered with an
    /// empty group rather than a panic.
    pub fn node(&self, id: NodeId) -> &'a Node {
        match self.app.nodes.get(id.index()) {
            Some(n) if id.belongs_to(self.app.id) => n,
            _ => &NO_NODE,
        }
    }

    /// Whether `id` is a node of this tree's app.
    #[inline]
    pub fn contains(&self, id: NodeId) -> bool {
        // What `App::check` tests, without building its error: readers ask this for every
        // logical ID and path they read.
        id.belongs_to(self.app.id) && id.index() < self.app.nodes.len()
    }

    /// The node's path, e.g. `TapStackdev/Storage/ContentFileSystem/Resource`.
    pub fn path(&self, id: NodeId) -> String {
        self.path_str(id).to_owned()
    }

    /// Every node's path, one after the other (see [`Paths`]).
    pub(crate) fn all_paths(&self) -> &str {
        &self.paths.get_or_init(|| Paths::of(self.app)).text
    }

    /// [`Tree::path`] borrowed from the tree: every node's path is built once, at the first call.
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let t = app.at(stack)?.group("Files")?.resource::<RawResource>("Resource", Resource::new("AWS::SNS::Topic"))?;
    /// let tree = app.freeze();
    /// assert_eq!(tree.path_str(t.node()), "Demo/Files/Resource");
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    #[inline]
    pub fn path_str(&self, id: NodeId) -> &str {
        if !self.contains(id) {
            return "(a node of another app)";
        }
        self.paths
            .get_or_init(|| Paths::of(self.app))
            .get(id.index())
            .unwrap_or("(a node of another app)")
    }

    /// The node's path as a `Display` value that writes the ids straight to the formatter (no
    /// `String` of the whole path per call: backends write one path per resource).
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let t = app.at(stack)?.group("Files")?.resource::<RawResource>("Resource", Resource::new("AWS::SNS::Topic"))?;
    /// let tree = app.freeze();
    /// assert_eq!(tree.display_path(t.node()).to_string(), "Demo/Files/Resource");
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn display_path(&self, id: NodeId) -> DisplayPath<'_, 'a> {
        DisplayPath { tree: self, id }
    }

    /// The logical ID of a resource, parameter or output.
    // Inlined into the backends, which read a logical ID per reference and per element, several
    // times (about 1,500 calls for 120 resources).
    #[inline]
    pub fn logical_id(&self, id: NodeId) -> Option<&str> {
        // `logical_ids` has an entry per node: the index is checked by `get`.
        if !id.belongs_to(self.app.id) {
            return None;
        }
        let span = self.table.logical_id(id.index())?;
        self.logical_id_text.get(span)
    }

    /// Whether the logical ID of `id` may be invalid (see `core/invalid-logical-id`): one given
    /// by hand or from a model hash, or an empty one. An ID computed from the path is otherwise
    /// ASCII letters and digits, at most 248 characters long: it needs no check.
    pub(crate) fn logical_id_needs_check(&self, id: NodeId, logical_id: &str) -> bool {
        logical_id.is_empty() || self.given_ids.contains(&id)
    }

    /// The stacks, in creation order.
    pub fn stacks(&self) -> &'a [NodeId] {
        &self.app.stacks
    }

    /// The stack's resources, parameters and outputs in tree order (depth first, children in
    /// creation order, as CDK orders them).
    pub fn elements(&self, stack: NodeId) -> &[NodeId] {
        self.stack_position(stack)
            .and_then(|p| self.elements.get(p))
            .map_or(&[], Vec::as_slice)
    }

    /// Every element of every stack.
    pub fn all_elements(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.elements.iter().flatten().copied()
    }

    /// The resources `id` depends on explicitly (its own and its groups' dependencies, expanded to
    /// the resources below each target), in the order they were declared.
    #[inline]
    pub fn depends_on(&self, id: NodeId) -> &[NodeId] {
        if !self.contains(id) {
            return &[];
        }
        self.table.dependencies(id.index())
    }

    /// The stacks `stack` must be deployed after: because of explicit dependencies across stacks,
    /// and because it reads values of theirs (see [`Tree::exports`]). In the order first found.
    pub fn stack_dependencies(&self, stack: NodeId) -> &[NodeId] {
        self.stack_position(stack)
            .and_then(|p| self.stack_dependencies.get(p))
            .map_or(&[], Vec::as_slice)
    }

    /// Why `stack` is deployed after `on`: the first dependency or reference that made it.
    pub fn stack_dependency_cause(
        &self,
        stack: NodeId,
        on: NodeId,
    ) -> Option<StackDependencyCause<'a>> {
        let pos = self.stack_position(stack)?;
        let i = self
            .stack_dependencies
            .get(pos)?
            .iter()
            .position(|s| *s == on)?;
        self.stack_dependency_causes.get(pos)?.get(i).copied()
    }

    /// The values of `stack` that other stacks of its account and Region read, each once, in the
    /// order first read (stacks in creation order, their elements in tree order).
    pub fn exports(&self, stack: NodeId) -> &[Export<'a>] {
        self.stack_position(stack)
            .and_then(|p| self.exports.get(p))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether some stack reads a value of `node` through an export.
    pub fn is_exported(&self, node: NodeId) -> bool {
        self.contains(node)
            && self
                .stack_position(self.node(node).stack)
                .and_then(|p| self.exports.get(p))
                .is_some_and(|list| list.iter().any(|e| e.target == node))
    }

    /// The nodes an element's values refer to (`Ref`, `Fn::GetAtt`), in order, repeated ones once.
    pub fn references(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.for_each_reference(id, &mut |n| {
            if !out.contains(&n) {
                out.push(n)
            }
        });
        out
    }

    /// Calls `f` with every node an element's values refer to, in order, repeats included;
    /// allocates nothing (passes over large trees use it instead of [`Tree::references`]).
    pub fn for_each_reference(&self, id: NodeId, f: &mut impl FnMut(NodeId)) {
        self.references_with_attributes(id)
            .iter()
            .for_each(|&(n, _)| f(n));
    }

    /// What an element's values refer to, in order, repeats included: each node with the
    /// attribute read (`Fn::GetAtt`), or `None` for a `Ref`. Empty for a node of another app.
    fn references_with_attributes(&self, id: NodeId) -> &[(NodeId, Option<&'a str>)] {
        let range = self.table.references(id.index());
        match range.and_then(|r| self.reference_targets.get(r)) {
            Some(targets) if self.contains(id) => targets,
            _ => &[],
        }
    }

    /// Fills `reference_targets` and `section_names`, and where each node's lie in them, from
    /// every node's values, in one walk over the nodes, which also sets how each resource takes
    /// tags (its own way, else `tagging` of its type).
    fn collect_references(&mut self, tagging: &dyn Fn(&str) -> Option<crate::node::Tagging>) {
        let mut targets = Vec::new();
        let mut names = Vec::new();
        let mut pending = Vec::new();
        let app = self.app;
        // `tagging` asked once a type (a backend's answer costs a schema lookup; resources of
        // one type are tagged alike), for the first types met. A type name is nearly always
        // the same `'static` text: known by its address and length, with no hash and no
        // comparison of text (two names at one address while the app lives are one text).
        let mut asked: Vec<(*const u8, usize, Option<crate::node::Tagging>)> = Vec::new();
        for (index, node) in app.nodes.iter().enumerate() {
            if let NodeKind::Resource(r) = &node.kind {
                let t = match r.tagging {
                    Some(own) => Some(own),
                    None => {
                        let key = (r.type_name.as_ptr(), r.type_name.len());
                        match asked.iter().find(|(p, l, _)| (*p, *l) == key) {
                            Some(&(_, _, known)) => known,
                            None => {
                                let t = tagging(&r.type_name);
                                if asked.len() < TYPES_REMEMBERED {
                                    asked.push((key.0, key.1, t));
                                }
                                t
                            }
                        }
                    }
                };
                self.table.set_tagging(index, t);
            }
            // References are leaves: met in the order the values are written, as
            // `Value::for_each_reference` meets them, but without recursion.
            for_each_value_in(node, &mut pending, &mut |v| match v {
                Value::Ref(n) => targets.push((*n, None)),
                Value::GetAtt(n, attr) => targets.push((*n, Some(attr.as_str()))),
                Value::If(..) | Value::Condition(_) | Value::FindInMap(..) => names.push(v),
                _ => {}
            });
            self.table.set_ends(index, targets.len(), names.len());
        }
        self.reference_targets = targets;
        self.section_names = names;
    }

    /// An element's values that name a condition or a mapping (`Fn::If`, `Condition`,
    /// `Fn::FindInMap`), in the order its values are written; empty for a node of another app.
    pub(crate) fn section_names(&self, id: NodeId) -> &[&'a Value] {
        let range = self.table.names(id.index());
        match range.and_then(|r| self.section_names.get(r)) {
            Some(values) if self.contains(id) => values,
            _ => &[],
        }
    }

    /// The tags that apply to `id`: those set on it and on every node above it, the lowest
    /// setting of a key winning, sorted by key (as CDK sorts them).
    pub fn tags(&self, id: NodeId) -> Vec<(&'a str, &'a str)> {
        // Room for a typical depth, so the walk up does not grow the list several times.
        let mut chain = Vec::with_capacity(8);
        let mut at = Some(id);
        while let Some(n) = at {
            let node = self.node(n);
            chain.push(node);
            at = node.parent;
        }
        let mut tags: Vec<(&str, &str)> = Vec::new();
        for node in chain.iter().rev() {
            for (k, v) in node.own_tags() {
                match tags.iter_mut().find(|(key, _)| key == k) {
                    Some(t) => t.1 = v,
                    None => tags.push((k, v)),
                }
            }
        }
        tags.sort_by(|a, b| a.0.cmp(b.0));
        tags
    }

    /// The acknowledgements that apply to `id`: those on it and on every node above it.
    pub fn acknowledgements(&self, id: NodeId) -> Vec<&'a Acknowledgement> {
        let mut out = Vec::new();
        let mut at = Some(id);
        while let Some(n) = at {
            let node = self.node(n);
            out.extend(node.acknowledgements().iter());
            at = node.parent;
        }
        out
    }

    /// The reason `rule` is acknowledged at `id`, if it is.
    pub fn acknowledged(&self, id: NodeId, rule: &str) -> Option<&'a str> {
        self.acknowledgements(id)
            .into_iter()
            .find(|a| a.rule.id == rule)
            .map(|a| a.reason.as_str())
    }

    /// The construct the user created that `id` stands for: its group when `id` is the
    /// group's primary resource (id `Resource` or `Default`, as in CDK), else `id` itself.
    /// Findings and reports name this construct, so each construct has one path.
    pub fn construct_of(&self, id: NodeId) -> NodeId {
        let node = self.node(id);
        match node.parent() {
            Some(p)
                if matches!(node.id(), "Resource" | "Default")
                    && matches!(node.kind, NodeKind::Resource(_))
                    && matches!(self.node(p).kind, NodeKind::Group) =>
            {
                p
            }
            _ => id,
        }
    }

    /// The resources at or below `id`, in tree order.
    pub fn resources_below(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.resources_below_into(id, &mut out, &mut Vec::new());
        out
    }

    /// [`Tree::resources_below`] into `out` (cleared first), with `work` as the walk's list:
    /// both reused by the caller, so a walk per dependency allocates nothing.
    fn resources_below_into(&self, id: NodeId, out: &mut Vec<NodeId>, work: &mut Vec<NodeId>) {
        out.clear();
        work.clear();
        if !self.contains(id) {
            return;
        }
        work.push(id);
        while let Some(n) = work.pop() {
            let node = self.node(n);
            if matches!(node.kind, NodeKind::Resource(_)) {
                out.push(n);
            }
            work.extend(node.children.iter().rev());
        }
    }

    /// Calls `f` on `id` and every node below it, depth first, children in creation order.
    pub fn walk(&self, id: NodeId, f: &mut impl FnMut(NodeId, &'a Node)) {
        if !self.contains(id) {
            return;
        }
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            let node = self.node(n);
            f(n, node);
            stack.extend(node.children.iter().rev());
        }
    }
}

static NO_NODE: Node = Node {
    id: std::borrow::Cow::Borrowed(""),
    parent: None,
    stack: NodeId { app: 0, index: 0 },
    children: Vec::new(),
    kind: NodeKind::Group,
    extras: None,
    values_checked: true,
};

/// How many resource types a freeze remembers the backend's tagging of (see
/// `Tree::collect_references`): a search of more would cost about what asking again does.
const TYPES_REMEMBERED: usize = 48;

/// A stack's account and Region, as declared (`None` is the environment's default); two stacks
/// share an environment only when both are equal, as AWS CDK decides.
pub(crate) fn environment(stack: &Node) -> (Option<&str>, Option<&str>) {
    match &stack.kind {
        NodeKind::Stack(s) => (s.account.as_deref(), s.region.as_deref()),
        _ => (None, None),
    }
}

/// Whether `v` is a literal leaf: it holds no value and names no node, condition or mapping.
/// Most values of a template are such leaves.
#[inline]
fn is_literal_leaf(v: &Value) -> bool {
    matches!(
        v,
        Value::String(_)
            | Value::Int(_)
            | Value::Bool(_)
            | Value::Null
            | Value::Float(_)
            | Value::Pseudo(_)
    )
}

/// Calls `f` on every value an element holds (a resource's properties, an output's value and
/// export name), nested ones included, in the order they are written, except literal leaves
/// (see [`is_literal_leaf`]: they are never put on the work list); iterative, so no value can
/// overflow the call stack. `pending` is a work list the caller reuses across nodes: each
/// value's children go on it last first, so they are met first first.
fn for_each_value_in<'v>(
    node: &'v Node,
    pending: &mut Vec<&'v Value>,
    f: &mut impl FnMut(&'v Value),
) {
    let held = |v: &&'v Value| !is_literal_leaf(v);
    pending.clear();
    match &node.kind {
        NodeKind::Resource(r) => {
            for (_, v) in r.properties.iter().rev() {
                if held(&v) {
                    pending.push(v);
                }
            }
        }
        NodeKind::Output(o) => pending.extend(o.export_name.iter().chain([&o.value]).filter(held)),
        _ => {}
    }
    while let Some(v) = pending.pop() {
        f(v);
        match v {
            // Pushed one by one: `extend` of a filter was a call a value.
            Value::List(items) | Value::Join(_, items) | Value::And(items) | Value::Or(items) => {
                for c in items.iter().rev().filter(held) {
                    pending.push(c);
                }
            }
            Value::Map(m) | Value::Sub(_, m) => {
                for (_, c) in m.iter().rev() {
                    if held(&c) {
                        pending.push(c);
                    }
                }
            }
            _ => {
                let first_child = pending.len();
                v.for_each_child(&mut |c| {
                    if !is_literal_leaf(c) {
                        pending.push(c)
                    }
                });
                if let Some(children) = pending.get_mut(first_child..) {
                    children.reverse();
                }
            }
        }
    }
}

fn is_element(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Resource(_) | NodeKind::Parameter(_) | NodeKind::Output(_)
    )
}

/// A node's path, written on demand (see [`Tree::display_path`]).
pub struct DisplayPath<'t, 'a> {
    tree: &'t Tree<'a>,
    id: NodeId,
}

impl std::fmt::Display for DisplayPath<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.tree.contains(self.id) {
            return f.write_str("(a node of another app)");
        }
        // Iterative, so a deeply nested tree cannot overflow the call stack.
        for (i, id) in self.tree.app.components(self.id).iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
impl Tree<'_> {
    /// The heap bytes of the tables the tree keeps by node index (logical ID spans, reference
    /// and section-name ranges, dependencies, tagging), lists inside them included.
    fn per_node_table_bytes(&self) -> usize {
        self.table.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use crate::{App, RawResource, Resource, StackProps, Tagging, Value};

    #[test]
    fn a_frozen_tree_keeps_a_few_bytes_per_node() {
        // The tree's tables by node index live as long as synthesis: every byte a node is
        // touched memory (a page fault costs as much as thousands of instructions).
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut first = None;
        for g in 0..40 {
            let mut s = app.at(stack).unwrap();
            let mut group = s.group(&format!("Group{g}")).unwrap();
            let mut r = Resource::new("AWS::SNS::Topic").tagging(Tagging::Map("TopicTags"));
            if let Some(f) = first {
                r = r.property("Other", Value::Ref(f));
            }
            let topic = group.resource::<RawResource>("Resource", r).unwrap().node();
            group
                .resource::<RawResource>("Policy", Resource::new("AWS::SNS::TopicPolicy"))
                .unwrap();
            if let Some(f) = first {
                app.add_dependency(topic, f, "ordered").unwrap();
            }
            first = first.or(Some(topic));
        }
        let tree = app.freeze();
        let per_node = tree.per_node_table_bytes() / app.len();
        assert!(per_node <= 32, "{per_node} bytes a node");
        // What the tables answer is unchanged.
        let topics: Vec<_> = tree.elements(stack.node()).to_vec();
        assert_eq!(topics.len(), 80);
        assert_eq!(tree.depends_on(topics[2]), &[topics[0]]);
        assert!(tree.depends_on(topics[0]).is_empty());
        assert_eq!(tree.tagging(topics[2]), Some(Tagging::Map("TopicTags")));
        assert_eq!(tree.tagging(topics[3]), None);
        assert_eq!(tree.references(topics[2]), [topics[0]]);
        assert_eq!(
            tree.logical_id(topics[1]).map(str::len),
            Some("Group0Policy".len() + 8)
        );
    }

    #[test]
    fn references_and_section_names_are_met_in_the_order_values_are_written() {
        // The walk that collects them skips literal leaves and pushes children last first:
        // it must meet references as the recursive walk of a value does.
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let t: Vec<_> = (0..8)
            .map(|i| {
                s.resource::<RawResource>(&format!("T{i}"), Resource::new("AWS::SNS::Topic"))
                    .unwrap()
                    .node()
            })
            .collect();
        let r = |i: usize| Value::Ref(t[i]);
        let nested = Value::List(vec![
            "a".into(),
            r(3),
            Value::Map(
                crate::ValueMap::new()
                    .with("x", 1)
                    .with("y", r(1))
                    .with("z", r(4)),
            ),
            Value::if_("C", r(5), Value::join("-", ["b".into(), r(0)])),
            Value::select(
                1,
                Value::List(vec![r(6), Value::Pseudo(crate::Pseudo::Region)]),
            ),
        ]);
        let props = crate::ValueMap::new()
            .with("Plain", "p")
            .with("First", r(7))
            .with("Nested", nested.clone())
            .with("Last", Value::GetAtt(t[2], "Arn".into()));
        let user = s
            .resource::<RawResource>("User", Resource::new("AWS::SNS::Topic").properties(props))
            .unwrap()
            .node();
        let mut want = Vec::new();
        Value::Ref(t[7]).for_each_reference(&mut |n| want.push(n));
        nested.for_each_reference(&mut |n| want.push(n));
        want.push(t[2]);
        let tree = app.freeze();
        let mut got = Vec::new();
        tree.for_each_reference(user, &mut |n| got.push(n));
        assert_eq!(got, want);
        assert_eq!(got.len(), 8);
        assert_eq!(tree.references_with_attributes(user)[7].1, Some("Arn"));
        assert_eq!(tree.section_names(user).len(), 1);
    }

    #[test]
    fn the_backend_is_asked_how_a_type_is_tagged_once_a_freeze() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let mut add = |id: String, r: Resource| s.resource::<RawResource>(&id, r).unwrap().node();
        let topics: Vec<_> = (0..5)
            .map(|i| add(format!("T{i}"), Resource::new("AWS::SNS::Topic")))
            .collect();
        let queues: Vec<_> = (0..2)
            .map(|i| add(format!("Q{i}"), Resource::new("AWS::SQS::Queue")))
            .collect();
        let own = add(
            "Own".into(),
            Resource::new("AWS::SNS::Topic").tagging(Tagging::Map("X")),
        );
        let asked = AtomicUsize::new(0);
        let tree = super::Tree::freeze_with(&app, &|t| {
            asked.fetch_add(1, Ordering::Relaxed);
            (t == "AWS::SNS::Topic").then_some(Tagging::List("Tags"))
        });
        assert_eq!(asked.load(Ordering::Relaxed), 2, "once a type");
        for t in topics {
            assert_eq!(tree.tagging(t), Some(Tagging::List("Tags")));
        }
        for q in queues {
            assert_eq!(tree.tagging(q), None);
        }
        assert_eq!(tree.tagging(own), Some(Tagging::Map("X")));
    }
}
