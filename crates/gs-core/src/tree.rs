//! The frozen tree: an app read-only, with what every pass and backend needs computed once
//! (logical IDs, the order of elements in each stack, explicit dependencies expanded to resources).

use crate::app::App;
use crate::handle::NodeId;
use crate::logical_id::logical_id_of;
use crate::node::{Acknowledgement, Node, NodeKind};

/// An app frozen for validation and emission. Passes and backends read it; nothing changes it.
pub struct Tree<'a> {
    app: &'a App,
    /// By node index: the logical ID of each resource, parameter and output.
    logical_ids: Vec<Option<String>>,
    /// By node index: the resources an element depends on explicitly (expanded from groups).
    depends_on: Vec<Vec<NodeId>>,
    /// By stack position: the elements (resources, parameters, outputs) in tree order.
    elements: Vec<Vec<NodeId>>,
    /// By stack position: the other stacks it must be deployed after.
    stack_dependencies: Vec<Vec<NodeId>>,
    /// Values that cannot be written (too deep, not finite, ...), whatever door they came in by.
    invalid_values: Vec<crate::diagnostic::Diagnostic>,
}

impl<'a> Tree<'a> {
    pub(crate) fn freeze(app: &'a App) -> Tree<'a> {
        let n = app.nodes.len();
        let mut tree = Tree {
            app,
            logical_ids: vec![None; n],
            depends_on: vec![Vec::new(); n],
            elements: Vec::with_capacity(app.stacks.len()),
            stack_dependencies: vec![Vec::new(); app.stacks.len()],
            invalid_values: crate::values::invalid_values(app),
        };
        for &stack in &app.stacks {
            let mut elements = Vec::new();
            tree.walk(stack, &mut |id, node| {
                if is_element(node) {
                    elements.push(id);
                }
            });
            let mut components: Vec<&str> = Vec::new();
            for &e in &elements {
                let node = tree.node(e);
                let explicit = match &node.kind {
                    NodeKind::Resource(r) => r.logical_id.clone(),
                    _ => None,
                };
                app.components_into(e, &mut components);
                let below_stack = components.split_first().map_or(&[][..], |(_, rest)| rest);
                tree.logical_ids[e.index()] = explicit.or_else(|| logical_id_of(below_stack));
            }
            tree.elements.push(elements);
        }
        tree.expand_dependencies();
        tree
    }

    fn expand_dependencies(&mut self) {
        let app = self.app;
        for (index, node) in app.nodes.iter().enumerate() {
            if node.dependencies.is_empty() {
                continue;
            }
            let from = crate::handle::NodeId::new(app.id, index);
            let sources = self.resources_below(from);
            for dep in &node.dependencies {
                let target_stack = self.node(dep.target).stack;
                if target_stack != node.stack {
                    let pos = self.stack_position(node.stack);
                    if let Some(list) = pos.and_then(|p| self.stack_dependencies.get_mut(p)) {
                        if !list.contains(&target_stack) {
                            list.push(target_stack);
                        }
                    }
                    continue;
                }
                let targets = self.resources_below(dep.target);
                for &s in &sources {
                    let list = &mut self.depends_on[s.index()];
                    list.extend(targets.iter().copied().filter(|t| *t != s));
                }
            }
        }
        // Repeats removed once at the end, keeping first occurrences: linear in the edges
        // however many groups overlap.
        let mut seen = std::collections::HashSet::new();
        for list in &mut self.depends_on {
            if list.len() > 1 {
                seen.clear();
                list.retain(|n| seen.insert(*n));
            }
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
    pub fn contains(&self, id: NodeId) -> bool {
        self.app.check(id).is_ok()
    }

    /// The node's path, e.g. `TapStackdev/Storage/ContentFileSystem/Resource`.
    pub fn path(&self, id: NodeId) -> String {
        if self.contains(id) {
            self.app.path_of(id)
        } else {
            "(a node of another app)".into()
        }
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
    pub fn logical_id(&self, id: NodeId) -> Option<&str> {
        if !self.contains(id) {
            return None;
        }
        self.logical_ids.get(id.index()).and_then(|l| l.as_deref())
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
    pub fn depends_on(&self, id: NodeId) -> &[NodeId] {
        if !self.contains(id) {
            return &[];
        }
        self.depends_on.get(id.index()).map_or(&[], Vec::as_slice)
    }

    /// The stacks `stack` must be deployed after, because of explicit cross-stack dependencies.
    pub fn stack_dependencies(&self, stack: NodeId) -> &[NodeId] {
        self.stack_position(stack)
            .and_then(|p| self.stack_dependencies.get(p))
            .map_or(&[], Vec::as_slice)
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
        match &self.node(id).kind {
            NodeKind::Resource(r) => r
                .properties
                .iter()
                .for_each(|(_, v)| v.for_each_reference(f)),
            NodeKind::Output(o) => {
                o.value.for_each_reference(f);
                if let Some(e) = &o.export_name {
                    e.for_each_reference(f);
                }
            }
            _ => {}
        }
    }

    /// The tags that apply to `id`: those set on it and on every node above it, the lowest
    /// setting of a key winning, sorted by key (as CDK sorts them).
    pub fn tags(&self, id: NodeId) -> Vec<(&'a str, &'a str)> {
        let mut chain = Vec::new();
        let mut at = Some(id);
        while let Some(n) = at {
            let node = self.node(n);
            chain.push(node);
            at = node.parent;
        }
        let mut tags: Vec<(&str, &str)> = Vec::new();
        for node in chain.iter().rev() {
            for (k, v) in &node.tags {
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
            out.extend(node.acknowledgements.iter());
            at = node.parent;
        }
        out
    }

    /// The reason `rule` is acknowledged at `id`, if it is.
    pub fn acknowledged(&self, id: NodeId, rule: &str) -> Option<&'a str> {
        self.acknowledgements(id)
            .into_iter()
            .find(|a| a.rule == rule)
            .map(|a| a.reason.as_str())
    }

    /// The resources at or below `id`, in tree order.
    pub fn resources_below(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.walk(id, &mut |n, node| {
            if matches!(node.kind, NodeKind::Resource(_)) {
                out.push(n)
            }
        });
        out
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
    id: String::new(),
    parent: None,
    stack: NodeId { app: 0, index: 0 },
    children: Vec::new(),
    kind: NodeKind::Group,
    tags: Vec::new(),
    dependencies: Vec::new(),
    acknowledgements: Vec::new(),
};

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
