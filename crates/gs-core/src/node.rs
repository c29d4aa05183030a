//! What the arena holds: nodes (stacks, groups, resources, parameters, outputs, imports) and the
//! per-node data that every kind shares (tags, dependencies, acknowledgements).

use crate::handle::NodeId;
use crate::value::{Value, ValueMap};

/// One node of the construct tree.
#[derive(Clone, Debug)]
pub struct Node {
    /// The id among its siblings: borrowed for the ids most nodes have (see [`node_id`]), so
    /// that they cost no allocation.
    pub(crate) id: std::borrow::Cow<'static, str>,
    pub(crate) parent: Option<NodeId>,
    pub(crate) stack: NodeId,
    pub(crate) children: Vec<NodeId>,
    pub(crate) kind: NodeKind,
    /// Tags, dependencies and acknowledgements set on this node, boxed: most nodes have none,
    /// and three empty lists inline made every node 64 bytes larger (a node is copied into
    /// the arena when added, and the arena is most of the heap an app touches).
    pub(crate) extras: Option<Box<Extras>>,
    /// Whether the node's values were checked when they entered (at a door of [`Scope`] or at
    /// the end of [`App::atomically`]) and have not been handed out to change since: the check
    /// at freezing ([`Tree::invalid_values`]) skips them instead of walking them a second time.
    /// Cleared by every mutable door ([`App::node_mut`]).
    ///
    /// [`Scope`]: crate::Scope
    /// [`App::atomically`]: crate::App::atomically
    /// [`App::node_mut`]: crate::App
    /// [`Tree::invalid_values`]: crate::Tree::invalid_values
    pub(crate) values_checked: bool,
}

/// `id` as a node keeps it: the ids that AWS CDK's conventions give most nodes (`Resource`, the
/// primary resource of a construct, and `Default`) borrowed from the binary, any other copied.
/// A quarter of the nodes of a typical app are `Resource`s.
pub(crate) fn node_id(id: &str) -> std::borrow::Cow<'static, str> {
    match id {
        "Resource" => std::borrow::Cow::Borrowed("Resource"),
        "Default" => std::borrow::Cow::Borrowed("Default"),
        _ => std::borrow::Cow::Owned(id.to_owned()),
    }
}

impl Node {
    /// The node's id among its siblings.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The parent node; `None` for a stack.
    pub fn parent(&self) -> Option<NodeId> {
        self.parent
    }

    /// The stack this node belongs to (a stack belongs to itself).
    pub fn stack(&self) -> NodeId {
        self.stack
    }

    /// The children, in creation order.
    pub fn children(&self) -> &[NodeId] {
        &self.children
    }

    /// What kind of node this is.
    pub fn kind(&self) -> &NodeKind {
        &self.kind
    }

    /// The resource data, when this node is a resource.
    pub fn as_resource(&self) -> Option<&Resource> {
        match &self.kind {
            NodeKind::Resource(r) => Some(r),
            _ => None,
        }
    }

    /// Tags set on this node itself (not inherited ones), in the order they were set.
    pub fn own_tags(&self) -> &[(String, String)] {
        self.extras.as_deref().map_or(&[], |e| &e.tags)
    }

    /// Dependencies declared on this node itself.
    pub fn dependencies(&self) -> &[Dependency] {
        self.extras.as_deref().map_or(&[], |e| &e.dependencies)
    }

    /// Rules acknowledged on this node itself.
    pub fn acknowledgements(&self) -> &[Acknowledgement] {
        self.extras.as_deref().map_or(&[], |e| &e.acknowledgements)
    }

    /// The node's extras, to change (made on the first change).
    pub(crate) fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }
}

/// What few nodes carry (see [`Node`]'s `extras`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Extras {
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) dependencies: Vec<Dependency>,
    pub(crate) acknowledgements: Vec<Acknowledgement>,
}

/// The kinds of node.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A stack: the unit of deployment (boxed, as are parameters and outputs: an app has few,
    /// and inline they made every node of the arena 32 bytes larger).
    Stack(Box<Stack>),
    /// A group of other nodes (CDK's `Construct`).
    Group,
    /// A resource the stack creates.
    Resource(Resource),
    /// A template parameter (boxed).
    Parameter(Box<Parameter>),
    /// A template output (boxed).
    Output(Box<Output>),
    /// Something that exists outside the app, imported on purpose (`LogGroup::from_name`).
    Import(Import),
}

/// Marker type for a group handle.
#[derive(Debug)]
pub enum Group {}

/// A stack's settings.
#[derive(Clone, Debug, Default)]
pub struct Stack {
    /// The Region to deploy to; `None` means the environment's default.
    pub region: Option<String>,
    /// The account to deploy to; `None` means the environment's default.
    pub account: Option<String>,
    /// The template's description.
    pub description: Option<String>,
    /// Named conditions (`Conditions` section).
    pub conditions: ValueMap,
    /// Named mappings (`Mappings` section).
    pub mappings: ValueMap,
    /// Named rules (`Rules` section), in the order declared.
    pub rules: Vec<(String, crate::sections::TemplateRule)>,
}

/// How a resource is tagged: CloudFormation spells tags differently per resource type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tagging {
    /// A list of `{"Key": k, "Value": v}` under the named property (most types: `Tags`).
    List(&'static str),
    /// A map of key to value under the named property (e.g. `BackupVaultTags`).
    Map(&'static str),
}

/// What happens to a resource's data when the resource leaves the stack or is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Delete the resource and its data.
    Destroy,
    /// Keep the resource, orphaned from the stack.
    Retain,
    /// Take a final snapshot, then delete (for types that support it).
    Snapshot,
}

/// A resource: a type, properties and what CloudFormation needs around them.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The CloudFormation type, e.g. `AWS::EFS::FileSystem` (borrowed when static, as nearly
    /// every type name is: one allocation less per resource).
    pub type_name: std::borrow::Cow<'static, str>,
    /// The properties, in the order they are emitted.
    pub properties: ValueMap,
    /// The removal policy; `None` leaves CloudFormation's default (delete).
    pub removal_policy: Option<RemovalPolicy>,
    /// How this type takes tags; `None` for untaggable types.
    pub tagging: Option<Tagging>,
    /// A logical ID that replaces the one computed from the path.
    pub logical_id: Option<String>,
    /// A condition (declared on the stack) that decides whether the resource is created.
    pub condition: Option<String>,
}

impl Resource {
    /// A resource of `type_name` with no properties, not taggable.
    ///
    /// ```
    /// use gs_core::{Resource, Tagging};
    /// let r = Resource::new("AWS::SNS::Topic").property("DisplayName", "alerts").tagged();
    /// assert_eq!(r.tagging, Some(Tagging::List("Tags")));
    /// ```
    pub fn new(type_name: impl Into<std::borrow::Cow<'static, str>>) -> Resource {
        Resource {
            type_name: type_name.into(),
            properties: ValueMap::new(),
            removal_policy: None,
            tagging: None,
            logical_id: None,
            condition: None,
        }
    }

    /// A resource of `type_name` with room for `n` properties, so that setting them
    /// ([`Resource::property`]) grows nothing: a map grows by doubling from 4 entries, each
    /// time into fresh memory, and a map of fewer keeps the rest of its room unused.
    ///
    /// ```
    /// use gs_core::Resource;
    /// let r = Resource::with_capacity("AWS::SNS::Topic", 1).property("DisplayName", "alerts");
    /// assert_eq!(r.properties.len(), 1);
    /// ```
    pub fn with_capacity(
        type_name: impl Into<std::borrow::Cow<'static, str>>,
        n: usize,
    ) -> Resource {
        Resource {
            properties: ValueMap::with_capacity(n),
            ..Resource::new(type_name)
        }
    }

    /// Sets one property.
    #[must_use]
    pub fn property(
        mut self,
        name: impl Into<std::borrow::Cow<'static, str>>,
        value: impl Into<Value>,
    ) -> Resource {
        self.properties.insert(name, value);
        self
    }

    /// Replaces all properties.
    #[must_use]
    pub fn properties(mut self, properties: ValueMap) -> Resource {
        self.properties = properties;
        self
    }

    /// Marks the type as taking a `Tags` list.
    #[must_use]
    pub fn tagged(mut self) -> Resource {
        self.tagging = Some(Tagging::List("Tags"));
        self
    }

    /// Sets how the type takes tags.
    #[must_use]
    pub fn tagging(mut self, tagging: Tagging) -> Resource {
        self.tagging = Some(tagging);
        self
    }

    /// Sets the removal policy.
    #[must_use]
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Resource {
        self.removal_policy = Some(policy);
        self
    }
}

/// A template parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// The parameter type, e.g. `String`.
    pub type_name: String,
    /// The default value.
    pub default: Option<Value>,
    /// The description.
    pub description: Option<String>,
    /// The allowed values.
    pub allowed_values: Vec<Value>,
    /// Whether the value is masked in the console.
    pub no_echo: bool,
}

impl Parameter {
    /// A parameter of `type_name` with no default.
    pub fn new(type_name: impl Into<String>) -> Parameter {
        Parameter {
            type_name: type_name.into(),
            default: None,
            description: None,
            allowed_values: Vec::new(),
            no_echo: false,
        }
    }
}

/// A template output.
#[derive(Clone, Debug)]
pub struct Output {
    /// The value.
    pub value: Value,
    /// The description.
    pub description: Option<String>,
    /// The export name, when other stacks of the same Region import it.
    pub export_name: Option<Value>,
    /// The condition under which the output exists.
    pub condition: Option<String>,
}

impl Output {
    /// An output of `value`.
    pub fn new(value: impl Into<Value>) -> Output {
        Output {
            value: value.into(),
            description: None,
            export_name: None,
            condition: None,
        }
    }
}

/// Something that exists outside the app, named on purpose by the user.
#[derive(Clone, Debug)]
pub struct Import {
    /// The CloudFormation type it would have, e.g. `AWS::Logs::LogGroup`.
    pub type_name: String,
    /// What is known of it (name, ARN, ...), as literal values.
    pub attributes: ValueMap,
}

/// An explicit dependency of one node on another, with why it exists.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The node depended on.
    pub target: NodeId,
    /// Why: kept for readers of the tree and for the DOT backend.
    pub reason: String,
}

/// A rule acknowledged on a node (and everything below it), with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The rule, e.g. `security/open-ingress`.
    pub rule: crate::diagnostic::Rule,
    /// Why the finding is accepted here.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_keeps_what_few_nodes_have_out_of_line() {
        // Every node is copied into the arena when added, and the arena is most of the heap an
        // app touches: the lists most nodes leave empty are one boxed pointer, and the kinds an
        // app has few of (stacks, parameters, outputs) are boxed.
        let word = std::mem::size_of::<usize>();
        assert!(
            std::mem::size_of::<Node>() <= 26 * word,
            "{}",
            std::mem::size_of::<Node>()
        );
        let mut n = NO_TAGS.clone();
        assert!(n.own_tags().is_empty() && n.dependencies().is_empty());
        n.extras_mut().tags.push(("K".into(), "V".into()));
        assert_eq!(n.own_tags(), [("K".to_string(), "V".to_string())]);
        assert!(n.acknowledgements().is_empty());
    }

    #[test]
    fn a_node_id_is_the_id_given_borrowed_or_not() {
        for id in [
            "Resource",
            "Default",
            "Resourc",
            "Resources",
            "default",
            "D",
            "Policy",
        ] {
            let kept = node_id(id);
            assert_eq!(kept, id);
            let borrowed = matches!(kept, std::borrow::Cow::Borrowed(_));
            assert_eq!(borrowed, matches!(id, "Resource" | "Default"), "{id}");
        }
    }

    #[test]
    fn a_resource_made_with_room_for_its_properties_has_exactly_that_room() {
        // A map grows by doubling from room for 4: a resource of 1 or 6 properties set one by
        // one kept room for 4 or 8. Made with its count, it keeps none to spare.
        for n in [1, 3, 6] {
            let r = (0..n).fold(Resource::with_capacity("AWS::SNS::Topic", n), |r, i| {
                r.property(format!("P{i}"), i as i64)
            });
            assert_eq!((r.properties.len(), r.properties.capacity()), (n, n));
            assert_eq!(r.type_name, "AWS::SNS::Topic");
            assert!(r.tagging.is_none() && r.logical_id.is_none());
        }
    }

    static NO_TAGS: Node = Node {
        id: std::borrow::Cow::Borrowed(""),
        parent: None,
        stack: NodeId { app: 0, index: 0 },
        children: Vec::new(),
        kind: NodeKind::Group,
        extras: None,
        values_checked: false,
    };
}
