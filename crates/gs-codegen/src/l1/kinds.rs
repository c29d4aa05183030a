//! Which Rust type a property takes, and how its value is written into the template.

use std::collections::{BTreeMap, BTreeSet};

use crate::l1::names;
use crate::spec::{PropType, Property, ResourceType, Spec};

/// The Rust type of a field, before it is spelled in a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `Str`.
    Str,
    /// `Int`.
    Int,
    /// `Num`.
    Num,
    /// `Bool`.
    Bool,
    /// `Json`.
    Json,
    /// `Union` (a value of one of several kinds).
    Union,
    /// `Tag`.
    Tag,
    /// `List<T>`.
    List(Box<Kind>),
    /// `Map<T>`.
    Map(Box<Kind>),
    /// A nested struct of the same resource, by Rust name; boxed when it contains the struct
    /// that holds it.
    Nested {
        /// Its Rust name.
        name: String,
        /// Whether the field boxes it (a recursive type).
        boxed: bool,
    },
    /// `Id<H>`: a string, a token, or the handle of one resource type.
    Id(Relation),
}

/// "This field takes the identifier of a `target` resource", and how its handle is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The target's service module, e.g. `efs`.
    pub module: String,
    /// The target's handle alias, e.g. `CfnFileSystem`.
    pub alias: String,
    /// `None`: the handle renders as `Ref`; `Some(attr)`: as `Fn::GetAtt` of `attr`.
    pub get_att: Option<String>,
}

/// How `relationship_refs` of a property name a single target: its handle renders as `Ref`
/// when the property named is the target's ref identifier, as `Fn::GetAtt` when it is one of
/// its attributes. `None` when the refs name several types, an unknown type, or a property
/// that is neither.
pub fn relation(spec: &Spec, property: &Property) -> Option<Relation> {
    let first = property.relationship_refs.first()?;
    if property
        .relationship_refs
        .iter()
        .any(|r| r.cloud_formation_type != first.cloud_formation_type)
    {
        return None;
    }
    let target = spec.resource(&first.cloud_formation_type)?;
    let get_att = if target.ref_identifier() == Some(first.property_name.as_str()) {
        None
    } else if target.attributes.contains_key(&first.property_name) {
        Some(first.property_name.clone())
    } else {
        return None;
    };
    Some(Relation {
        module: names::service_module(target.service()),
        alias: format!("Cfn{}", names::type_name(&target.name)),
        get_att,
    })
}

/// The nested types one resource uses, reachable from its properties: `$id` to Rust name.
pub struct NestedTypes {
    /// `$id` -> Rust name, for every reachable nested type the spec defines.
    pub names: BTreeMap<String, String>,
    /// The `$id`s of nested types that reach themselves through direct (not list or map)
    /// fields, with the `$id`s they reach that way.
    reach: BTreeMap<String, BTreeSet<String>>,
}

impl NestedTypes {
    /// The nested types of `resource`.
    pub fn of(spec: &Spec, resource: &ResourceType) -> NestedTypes {
        let mut ids = BTreeSet::new();
        let mut todo: Vec<String> = Vec::new();
        for p in resource.properties.values() {
            refs(&p.kind, &mut todo);
        }
        while let Some(id) = todo.pop() {
            let Some(def) = spec.type_defs.get(&id) else {
                continue;
            };
            if ids.insert(id.clone()) {
                for p in def.properties.values() {
                    refs(&p.kind, &mut todo);
                }
            }
        }
        // Rust names, unique within the resource (the spec's are; this is a guard).
        let ordered: Vec<(String, String)> = ids
            .iter()
            .filter_map(|id| {
                let def = spec.type_defs.get(id)?;
                Some((id.clone(), names::type_name(&def.name)))
            })
            .collect();
        let mut by_name: Vec<(String, String)> = ordered;
        by_name.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        let deduped = names::dedupe(by_name.iter().map(|(_, n)| n.clone()).collect());
        let names: BTreeMap<String, String> = by_name
            .into_iter()
            .zip(deduped)
            .map(|((id, _), n)| (id, n.replace('_', "")))
            .collect();
        // Direct reachability, for boxing recursive fields.
        let mut reach = BTreeMap::new();
        for id in names.keys() {
            let mut seen = BTreeSet::new();
            let mut stack = direct_refs(spec, id);
            while let Some(next) = stack.pop() {
                if seen.insert(next.clone()) {
                    stack.extend(direct_refs(spec, &next));
                }
            }
            reach.insert(id.clone(), seen);
        }
        NestedTypes { names, reach }
    }

    /// Whether a field of type `field_type` inside `holder` must be boxed: the field's type
    /// reaches the holder through direct fields (the struct would otherwise be infinite).
    pub fn must_box(&self, holder: Option<&str>, field_type: &str) -> bool {
        let Some(holder) = holder else {
            return false;
        };
        field_type == holder
            || self
                .reach
                .get(field_type)
                .is_some_and(|r| r.contains(holder))
    }
}

/// The `$id`s a type mentions anywhere (lists, maps and unions included).
fn refs(kind: &PropType, out: &mut Vec<String>) {
    match kind {
        PropType::Ref { reference } => out.push(reference.id.clone()),
        PropType::Array { element } | PropType::Map { element } => refs(element, out),
        PropType::Union { types } => types.iter().for_each(|t| refs(t, out)),
        _ => {}
    }
}

/// The `$id`s a nested type holds directly (not through a list or map, which are heap
/// allocated).
fn direct_refs(spec: &Spec, id: &str) -> Vec<String> {
    spec.type_defs
        .get(id)
        .map(|def| {
            def.properties
                .values()
                .filter_map(|p| match &p.kind {
                    PropType::Ref { reference } => Some(reference.id.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The kind of a property of a resource (`holder` is `None`) or of the nested type `holder`.
pub fn kind_of(
    spec: &Spec,
    nested: &NestedTypes,
    holder: Option<&str>,
    property: &Property,
) -> Kind {
    if let Some(rel) = relation(spec, property) {
        match &property.kind {
            PropType::String { .. } => return Kind::Id(rel),
            PropType::Array { element } if matches!(**element, PropType::String { .. }) => {
                return Kind::List(Box::new(Kind::Id(rel)));
            }
            _ => {}
        }
    }
    kind(nested, holder, &property.kind)
}

fn kind(nested: &NestedTypes, holder: Option<&str>, t: &PropType) -> Kind {
    match t {
        PropType::String { .. } | PropType::DateTime => Kind::Str,
        PropType::Integer => Kind::Int,
        PropType::Number => Kind::Num,
        PropType::Boolean => Kind::Bool,
        PropType::Json | PropType::Null => Kind::Json,
        PropType::Tag => Kind::Tag,
        PropType::Union { .. } => Kind::Union,
        PropType::Array { element } => Kind::List(Box::new(kind(nested, None, element))),
        PropType::Map { element } => Kind::Map(Box::new(kind(nested, None, element))),
        PropType::Ref { reference } => match nested.names.get(&reference.id) {
            Some(name) => Kind::Nested {
                name: name.clone(),
                boxed: nested.must_box(holder, &reference.id),
            },
            // A dangling reference (none in the vendored spec): any JSON.
            None => Kind::Json,
        },
    }
}
