//! The template model: one CloudFormation template, borrowed from a frozen tree, serialized in
//! CloudFormation's section order and CDK's key order within a resource.

use gs_core::FastState;
use gs_core::{NodeId, NodeKind, RemovalPolicy, Resource, Tagging, Tree, Value, ValueMap};
use indexmap::IndexMap;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::intrinsic::{Rendered, RenderedMap};
use crate::json_writer::{Marked, Span};

/// Indentation per level of a template, as CDK writes templates.
pub(crate) const TEMPLATE_INDENT: &str = " ";

/// The `AWSTemplateFormatVersion` gs writes.
pub const FORMAT_VERSION: &str = "2010-09-09";

/// One template: the sections of a CloudFormation template, in the order of the CloudFormation
/// User Guide's template anatomy (format version, description, parameters, rules, mappings,
/// conditions, resources, outputs). AWS CDK writes sections in the order its elements first
/// appear in the tree; declared in that same usual order, a CDK stack's sections come out as here.
pub struct Template<'t, 'a> {
    /// `Description`.
    pub description: Option<&'t str>,
    /// `Parameters`, by logical ID.
    pub parameters: IndexMap<&'t str, TemplateParameter<'t, 'a>, FastState>,
    /// `Rules`, by name.
    pub rules: &'t [(String, gs_core::TemplateRule)],
    /// `Mappings`.
    pub mappings: Option<RenderedMap<'t, 'a>>,
    /// `Conditions`.
    pub conditions: Option<RenderedMap<'t, 'a>>,
    /// `Resources`, by logical ID.
    pub resources: IndexMap<&'t str, TemplateResource<'t, 'a>, FastState>,
    /// `Outputs`, by logical ID.
    pub outputs: IndexMap<&'t str, TemplateOutput<'t, 'a>, FastState>,
    /// The outputs that export values other stacks of the account and Region read (written after
    /// `outputs`, as CDK adds them last), by logical ID.
    pub exports: IndexMap<String, TemplateExport<'t, 'a>, FastState>,
    /// The stack.
    pub stack: NodeId,
    tree: &'t Tree<'a>,
}

/// One output that exports a value for other stacks (see [`crate::export_name`]).
pub struct TemplateExport<'t, 'a> {
    /// The exported value: a `Ref` or `Fn::GetAtt` of a resource or parameter of this stack.
    pub value: Value,
    /// The export name.
    pub name: String,
    tree: &'t Tree<'a>,
    stack: NodeId,
}

/// One entry of `Resources`.
pub struct TemplateResource<'t, 'a> {
    /// The resource as built.
    pub resource: &'t Resource,
    /// Its tags (inherited and own), sorted by key.
    pub tags: Vec<(&'t str, &'t str)>,
    /// Logical IDs of the resources it depends on explicitly, sorted.
    pub depends_on: Vec<&'t str>,
    /// The resource's node, whose path goes into `Metadata."aws:cdk:path"`.
    pub node: NodeId,
    /// Acknowledged rules and their reasons, for `Metadata."gs:acknowledged"`.
    pub acknowledged: Vec<(&'t str, &'t str)>,
    tree: &'t Tree<'a>,
    stack: NodeId,
}

/// One entry of `Parameters`.
pub struct TemplateParameter<'t, 'a> {
    /// The parameter as built.
    pub parameter: &'t gs_core::Parameter,
    tree: &'t Tree<'a>,
    stack: NodeId,
}

/// One entry of `Outputs`.
pub struct TemplateOutput<'t, 'a> {
    /// The output as built.
    pub output: &'t gs_core::Output,
    tree: &'t Tree<'a>,
    stack: NodeId,
}

impl<'t, 'a> Template<'t, 'a> {
    /// The template of `stack`. Elements without a logical ID are skipped: the core passes
    /// refuse such a tree before a backend runs.
    pub fn of_stack(tree: &'t Tree<'a>, stack: NodeId) -> Template<'t, 'a> {
        let section =
            |map: &'t ValueMap| (!map.is_empty()).then_some(RenderedMap { map, tree, stack });
        let (description, rules, mappings, conditions) = match tree.node(stack).kind() {
            NodeKind::Stack(s) => (
                s.description.as_deref(),
                s.rules.as_slice(),
                section(&s.mappings),
                section(&s.conditions),
            ),
            _ => (None, &[][..], None, None),
        };
        let mut template = Template {
            description,
            parameters: IndexMap::default(),
            rules,
            mappings,
            conditions,
            // Room for every element: most are resources.
            resources: IndexMap::with_capacity_and_hasher(
                tree.elements(stack).len(),
                FastState::default(),
            ),
            outputs: IndexMap::default(),
            exports: IndexMap::default(),
            stack,
            tree,
        };
        for &export in tree.exports(stack) {
            let value = match export.attribute {
                None => Value::Ref(export.target),
                Some(attr) => Value::GetAtt(export.target, attr.to_owned()),
            };
            template.exports.insert(
                crate::exports::export_logical_id(tree, export),
                TemplateExport {
                    value,
                    name: crate::exports::export_name(tree, export),
                    tree,
                    stack,
                },
            );
        }
        for &e in tree.elements(stack) {
            let Some(id) = tree.logical_id(e) else {
                continue;
            };
            match tree.node(e).kind() {
                NodeKind::Resource(resource) => {
                    // A dependency that a Ref or Fn::GetAtt of the same resource already implies
                    // stays in the tree (with its reason) but not in DependsOn, where
                    // CloudFormation would only repeat it (cfn-lint W3005).
                    let explicit = tree.depends_on(e);
                    let referenced = if explicit.is_empty() {
                        Vec::new()
                    } else {
                        tree.references(e)
                    };
                    let mut depends_on: Vec<&str> = explicit
                        .iter()
                        .filter(|d| !referenced.contains(d))
                        .filter_map(|d| tree.logical_id(*d))
                        .collect();
                    depends_on.sort_unstable();
                    depends_on.dedup();
                    let tags = if tree.tagging(e).is_some() {
                        tree.tags(e)
                    } else {
                        Vec::new()
                    };
                    let acknowledged = tree
                        .acknowledgements(e)
                        .into_iter()
                        .map(|a| (a.rule.id, a.reason.as_str()))
                        .collect();
                    template.resources.insert(
                        id,
                        TemplateResource {
                            resource,
                            tags,
                            depends_on,
                            node: e,
                            acknowledged,
                            tree,
                            stack,
                        },
                    );
                }
                NodeKind::Parameter(parameter) => {
                    template.parameters.insert(
                        id,
                        TemplateParameter {
                            parameter,
                            tree,
                            stack,
                        },
                    );
                }
                NodeKind::Output(output) => {
                    template.outputs.insert(
                        id,
                        TemplateOutput {
                            output,
                            tree,
                            stack,
                        },
                    );
                }
                _ => {}
            }
        }
        template
    }

    /// The template as pretty JSON (one-space indent, as CDK writes it), with a final newline.
    ///
    /// A tree with values that cannot be written ([`Tree::invalid_values`]: nested too deep, for
    /// one) is refused with an error rather than walked.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        self.to_json_with_properties().map(|(out, _)| out)
    }

    /// [`Template::to_json`], and where each resource that writes `Properties`
    /// ([`TemplateResource::writes_properties`]) has them in it, in the order of
    /// [`Template::resources`]: `tree.json` copies them from there instead of writing them again.
    /// No spans when the template went through serde_json (a value the fast writer does not
    /// know).
    pub(crate) fn to_json_with_properties(
        &self,
    ) -> Result<(Vec<u8>, Vec<Span>), serde_json::Error> {
        if let Some(d) = self.tree.invalid_values().first() {
            return Err(<serde_json::Error as serde::ser::Error>::custom(format!(
                "{}: {}; fix: {}",
                d.path, d.message, d.fix
            )));
        }
        let mut out = Vec::with_capacity(1024 * (self.resources.len() + 1));
        let spans = crate::json::pretty_json_spans(&mut out, self, TEMPLATE_INDENT, 0)?;
        out.push(b'\n');
        Ok((out, spans))
    }
}

impl Serialize for Template<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("AWSTemplateFormatVersion", FORMAT_VERSION)?;
        if let Some(d) = self.description {
            m.serialize_entry("Description", d)?;
        }
        if !self.parameters.is_empty() {
            m.serialize_entry("Parameters", &self.parameters)?;
        }
        if !self.rules.is_empty() {
            m.serialize_entry("Rules", &Rules(self))?;
        }
        if let Some(mappings) = &self.mappings {
            m.serialize_entry("Mappings", mappings)?;
        }
        if let Some(conditions) = &self.conditions {
            m.serialize_entry("Conditions", conditions)?;
        }
        m.serialize_entry("Resources", &self.resources)?;
        if !self.outputs.is_empty() || !self.exports.is_empty() {
            m.serialize_entry("Outputs", &Outputs(self))?;
        }
        m.end()
    }
}

/// The user's outputs, then the exports.
struct Outputs<'x, 't, 'a>(&'x Template<'t, 'a>);
impl Serialize for Outputs<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(Some(t.outputs.len() + t.exports.len()))?;
        for (id, o) in &t.outputs {
            m.serialize_entry(id, o)?;
        }
        for (id, e) in &t.exports {
            m.serialize_entry(id, e)?;
        }
        m.end()
    }
}

impl Serialize for TemplateExport<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        let value = Rendered {
            value: &self.value,
            tree: self.tree,
            stack: self.stack,
        };
        m.serialize_entry("Value", &value)?;
        m.serialize_entry("Export", &ExportName(&self.name))?;
        m.end()
    }
}

struct ExportName<'x>(&'x str);
impl Serialize for ExportName<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("Name", self.0)?;
        m.end()
    }
}

/// The `Rules` section: each rule's `RuleCondition` (when set) and `Assertions`.
struct Rules<'x, 't, 'a>(&'x Template<'t, 'a>);
impl Serialize for Rules<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(Some(t.rules.len()))?;
        for (name, rule) in t.rules {
            m.serialize_entry(name, &RuleBody(rule, t.tree, t.stack))?;
        }
        m.end()
    }
}

struct RuleBody<'x, 'a>(&'x gs_core::TemplateRule, &'x Tree<'a>, NodeId);
impl Serialize for RuleBody<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let RuleBody(rule, tree, stack) = *self;
        let mut m = s.serialize_map(None)?;
        if let Some(value) = &rule.rule_condition {
            m.serialize_entry("RuleCondition", &Rendered { value, tree, stack })?;
        }
        let assertions: Vec<AssertionBody<'_, '_>> = rule
            .assertions
            .iter()
            .map(|a| AssertionBody(a, tree, stack))
            .collect();
        m.serialize_entry("Assertions", &assertions)?;
        m.end()
    }
}

struct AssertionBody<'x, 'a>(&'x gs_core::Assertion, &'x Tree<'a>, NodeId);
impl Serialize for AssertionBody<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let AssertionBody(a, tree, stack) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(
            "Assert",
            &Rendered {
                value: &a.assert,
                tree,
                stack,
            },
        )?;
        if let Some(d) = &a.description {
            m.serialize_entry("AssertDescription", d)?;
        }
        m.end()
    }
}

struct Properties<'x, 't, 'a>(&'x TemplateResource<'t, 'a>);

impl TemplateResource<'_, '_> {
    /// The resource's `Properties` as the template writes them (tags included), to serialize.
    pub fn rendered_properties(&self) -> impl Serialize + '_ {
        Properties(self)
    }

    /// Whether the template writes the resource's `Properties`: it has properties or tags.
    pub fn writes_properties(&self) -> bool {
        let has_tags = self.tree.tagging(self.node).is_some() && !self.tags.is_empty();
        !self.resource.properties.is_empty() || has_tags
    }
}

impl Serialize for Properties<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let tree = r.tree;
        let mut m = s.serialize_map(None)?;
        for (k, v) in r.resource.properties.iter() {
            let stack = r.stack;
            m.serialize_entry(
                k,
                &Rendered {
                    value: v,
                    tree,
                    stack,
                },
            )?;
        }
        // Tags set in the tree are added under the type's tag property, unless the properties
        // already spell that property out (the escape hatch wins).
        match tree.tagging(r.node) {
            Some(Tagging::List(name))
                if !r.tags.is_empty() && !r.resource.properties.contains_key(name) =>
            {
                m.serialize_entry(name, &TagList(&r.tags))?;
            }
            Some(Tagging::Map(name))
                if !r.tags.is_empty() && !r.resource.properties.contains_key(name) =>
            {
                m.serialize_entry(name, &TagMap(&r.tags))?;
            }
            _ => {}
        }
        m.end()
    }
}

struct TagList<'x, 't>(&'x [(&'t str, &'t str)]);
impl Serialize for TagList<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (k, v) in self.0 {
            seq.serialize_element(&KeyValue(k, v))?;
        }
        seq.end()
    }
}

struct KeyValue<'t>(&'t str, &'t str);
impl Serialize for KeyValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("Key", self.0)?;
        m.serialize_entry("Value", self.1)?;
        m.end()
    }
}

struct TagMap<'x, 't>(&'x [(&'t str, &'t str)]);
impl Serialize for TagMap<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

struct Metadata<'x, 't, 'a>(&'x TemplateResource<'t, 'a>);
impl Serialize for Metadata<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("aws:cdk:path", &PathValue(self.0))?;
        let app = self.0.tree.app();
        if let Some(asset) = app.attached::<crate::assets::AssetMetadata>(self.0.node) {
            m.serialize_entry("aws:asset:path", &asset.path)?;
            m.serialize_entry("aws:asset:is-bundled", &asset.is_bundled)?;
            m.serialize_entry("aws:asset:property", asset.property)?;
        }
        if !self.0.acknowledged.is_empty() {
            m.serialize_entry("gs:acknowledged", &Acks(&self.0.acknowledged))?;
        }
        m.end()
    }
}

/// The path, borrowed from the tree and written as one string: cheaper than writing it piece by
/// piece through `collect_str`, where each piece is escaped and written on its own.
struct PathValue<'x, 't, 'a>(&'x TemplateResource<'t, 'a>);
impl Serialize for PathValue<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.tree.path_str(self.0.node))
    }
}

struct Acks<'x, 't>(&'x [(&'t str, &'t str)]);
impl Serialize for Acks<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (rule, reason) in self.0 {
            seq.serialize_element(&RuleReason(rule, reason))?;
        }
        seq.end()
    }
}

struct RuleReason<'t>(&'t str, &'t str);
impl Serialize for RuleReason<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("rule", self.0)?;
        m.serialize_entry("reason", self.1)?;
        m.end()
    }
}

fn policy_name(p: RemovalPolicy) -> &'static str {
    match p {
        RemovalPolicy::Destroy => "Delete",
        RemovalPolicy::Retain => "Retain",
        RemovalPolicy::Snapshot => "Snapshot",
    }
}

impl Serialize for TemplateResource<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", &self.resource.type_name)?;
        if self.writes_properties() {
            m.serialize_entry("Properties", &Marked(Properties(self)))?;
        }
        if !self.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &self.depends_on)?;
        }
        if let Some(p) = self.resource.removal_policy {
            m.serialize_entry("UpdateReplacePolicy", policy_name(p))?;
            m.serialize_entry("DeletionPolicy", policy_name(p))?;
        }
        m.serialize_entry("Metadata", &Metadata(self))?;
        if let Some(c) = &self.resource.condition {
            m.serialize_entry("Condition", c)?;
        }
        m.end()
    }
}

impl Serialize for TemplateParameter<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.parameter;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", &p.type_name)?;
        if let Some(d) = &p.default {
            m.serialize_entry(
                "Default",
                &Rendered {
                    value: d,
                    tree: self.tree,
                    stack: self.stack,
                },
            )?;
        }
        if !p.allowed_values.is_empty() {
            let list = Value::List(p.allowed_values.clone());
            m.serialize_entry(
                "AllowedValues",
                &Rendered {
                    value: &list,
                    tree: self.tree,
                    stack: self.stack,
                },
            )?;
        }
        if let Some(d) = &p.description {
            m.serialize_entry("Description", d)?;
        }
        if p.no_echo {
            m.serialize_entry("NoEcho", &true)?;
        }
        m.end()
    }
}

struct Export<'t, 'a>(Rendered<'t, 'a>);
impl Serialize for Export<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("Name", &self.0)?;
        m.end()
    }
}

impl Serialize for TemplateOutput<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.output;
        let (tree, stack) = (self.tree, self.stack);
        let mut m = s.serialize_map(None)?;
        if let Some(d) = &o.description {
            m.serialize_entry("Description", d)?;
        }
        m.serialize_entry(
            "Value",
            &Rendered {
                value: &o.value,
                tree,
                stack,
            },
        )?;
        if let Some(e) = &o.export_name {
            m.serialize_entry(
                "Export",
                &Export(Rendered {
                    value: e,
                    tree,
                    stack,
                }),
            )?;
        }
        if let Some(c) = &o.condition {
            m.serialize_entry("Condition", c)?;
        }
        m.end()
    }
}
