//! Writes one service's Rust file: its resource types' markers and handle aliases (always
//! compiled) and, behind the service's cargo feature, their properties, nested types,
//! constructors and attributes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::l1::docs;
use crate::l1::kinds::{self, Kind, NestedTypes};
use crate::l1::names;
use crate::spec::{Property, ResourceType, Spec, TagInformation, SERVICE_SPEC_VERSION};

/// Above this many constructor arguments clippy's `too_many_arguments` would fire; the
/// required properties are what they are, so the generated `new` allows it.
const CLIPPY_MAX_ARGS: usize = 7;

/// Where a type is spelled: the struct names declared there (which shadow the kinds of the same
/// name), the path prefix of the resource's nested types, and the kinds it imports.
struct ModuleScope {
    locals: BTreeSet<String>,
    nested_prefix: String,
    imports: BTreeSet<&'static str>,
}

impl ModuleScope {
    fn new(locals: BTreeSet<String>, nested_prefix: String) -> ModuleScope {
        ModuleScope {
            locals,
            nested_prefix,
            imports: BTreeSet::new(),
        }
    }

    /// The spelling of a hand-written item of `crate::kinds`, imported unless a local struct
    /// has the name.
    fn kind(&mut self, name: &'static str) -> String {
        if self.locals.contains(name) {
            format!("crate::kinds::{name}")
        } else {
            self.imports.insert(name);
            name.to_string()
        }
    }

    /// The Rust type of `kind`.
    fn spell(&mut self, kind: &Kind) -> String {
        match kind {
            Kind::Str => self.kind("Str"),
            Kind::Int => self.kind("Int"),
            Kind::Num => self.kind("Num"),
            Kind::Bool => self.kind("Bool"),
            Kind::Json => self.kind("Json"),
            Kind::Union => self.kind("Union"),
            Kind::Tag => self.kind("Tag"),
            Kind::List(inner) => {
                let inner = self.spell(inner);
                format!("{}<{inner}>", self.kind("List"))
            }
            Kind::Map(inner) => {
                let inner = self.spell(inner);
                format!("{}<{inner}>", self.kind("Map"))
            }
            Kind::Nested { name, boxed } => {
                let path = format!("{}{name}", self.nested_prefix);
                if *boxed {
                    format!("Box<{path}>")
                } else {
                    path
                }
            }
            Kind::Id(rel) => format!(
                "{}<crate::{}::{}>",
                self.kind("Id"),
                names::ident(&rel.module),
                rel.alias
            ),
        }
    }

    /// The expression that turns the field value `v` into a `gs_core::Value`.
    fn render(&mut self, kind: &Kind, v: &str) -> String {
        match kind {
            Kind::Id(rel) => match &rel.get_att {
                None => format!("{v}.into_ref()"),
                Some(attr) => format!("{v}.into_get_att({attr:?})"),
            },
            Kind::List(inner) => match &**inner {
                Kind::Id(rel) => match &rel.get_att {
                    None => format!("{v}.into_refs()"),
                    Some(attr) => format!("{v}.into_get_atts({attr:?})"),
                },
                _ => self.value_of(v),
            },
            _ => self.value_of(v),
        }
    }

    fn value_of(&mut self, v: &str) -> String {
        if self.locals.contains("IntoValue") {
            format!("crate::kinds::IntoValue::into_value({v})")
        } else {
            self.imports.insert("IntoValue");
            format!("{v}.into_value()")
        }
    }

    /// The `use` line of the kinds this scope needs, if any.
    fn use_line(&self, indent: &str, cfg: Option<&str>) -> String {
        if self.imports.is_empty() {
            return String::new();
        }
        let list: Vec<&str> = self.imports.iter().copied().collect();
        let mut out = String::new();
        if let Some(feature) = cfg {
            let _ = writeln!(out, "{indent}#[cfg(feature = \"{feature}\")]");
        }
        if list.len() == 1 {
            let _ = writeln!(out, "{indent}use crate::kinds::{};", list[0]);
        } else {
            let _ = writeln!(out, "{indent}use crate::kinds::{{{}}};", list.join(", "));
        }
        out
    }
}

/// One field of a generated struct.
struct Field {
    cfn: String,
    rust: String,
    kind: Kind,
    required: bool,
    doc: Vec<String>,
}

/// Writes `lines` as `///` comments at `indent`.
fn doc(out: &mut String, indent: &str, lines: &[String]) {
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

/// Documentation lines: the summary (wrapped), a blank line, then `extra` paragraphs.
fn doc_lines(summary: &str, fallback: String, extra: &[String]) -> Vec<String> {
    let text = if summary.is_empty() {
        fallback
    } else {
        summary.to_string()
    };
    let mut lines = docs::wrap(&text);
    for paragraph in extra {
        lines.push(String::new());
        lines.extend(docs::wrap(paragraph));
    }
    lines
}

/// What a resource's generated code needs to know about it.
pub struct ResourceNames {
    /// `Function`.
    pub marker: String,
    /// `CfnFunction`.
    pub alias: String,
    /// `function` (escaped), the module of its nested types.
    pub module: String,
}

impl ResourceNames {
    /// The names of `resource`'s generated items.
    pub fn of(resource: &ResourceType) -> ResourceNames {
        let marker = names::type_name(&resource.name);
        ResourceNames {
            alias: format!("Cfn{marker}"),
            module: names::ident(&names::snake(&resource.name)),
            marker,
        }
    }
}

/// The fields of a struct for `properties`, sorted by CloudFormation name.
fn struct_fields<'p>(
    spec: &Spec,
    nested: &NestedTypes,
    holder: Option<&str>,
    properties: impl Iterator<Item = (&'p String, &'p Property)>,
    page: &str,
    anchor: &[&str],
    tagging: Option<&TagInformation>,
) -> Vec<Field> {
    let mut props: Vec<(&String, &Property)> = properties.collect();
    props.sort_by(|a, b| a.0.cmp(b.0));
    let rust = names::dedupe(props.iter().map(|(n, _)| names::snake(n)).collect());
    props
        .into_iter()
        .zip(rust)
        .map(|((name, p), rust)| {
            let kind = kinds::kind_of(spec, nested, holder, p);
            let mut facts = format!(
                "CloudFormation property [`{name}`]({})",
                docs::property_url(page, anchor, name)
            );
            if p.required {
                facts.push_str(", required");
            }
            match p.causes_replacement.as_deref() {
                Some("yes") => facts.push_str("; changing it replaces the resource"),
                Some("maybe") => facts.push_str("; changing it may replace the resource"),
                _ => {}
            }
            facts.push('.');
            let mut extra = vec![facts];
            let rel = match &kind {
                Kind::Id(rel) => Some(rel),
                Kind::List(inner) => match &**inner {
                    Kind::Id(rel) => Some(rel),
                    _ => None,
                },
                _ => None,
            };
            if let Some(rel) = rel {
                let how = match &rel.get_att {
                    None => "its `Ref`".to_string(),
                    Some(a) => format!("`Fn::GetAtt` of its `{a}`"),
                };
                extra.push(format!(
                    "Takes a [`{alias}`](crate::{module}::{alias}) handle (written as {how}), or a string or token.",
                    alias = rel.alias,
                    module = names::ident(&rel.module),
                ));
            }
            match tagging {
                Some(t) if t.tag_property_name == *name && t.variant == "asg" => extra.push(
                    "The tags of the app, stack and enclosing scopes are not added here: this type's tags carry `PropagateAtLaunch`, which gs's tagging does not write yet."
                        .to_string(),
                ),
                Some(t) if t.tag_property_name == *name => extra.push(
                    "The tags of the app, stack and enclosing scopes are added here, unless this field is set: then it is written as given."
                        .to_string(),
                ),
                _ => {}
            }
            if p.deprecated.is_some() {
                extra.push("Deprecated by CloudFormation.".to_string());
            }
            Field {
                cfn: name.clone(),
                rust: names::ident(&rust),
                kind,
                required: p.required,
                doc: doc_lines(
                    &docs::summary(&p.documentation),
                    format!("The `{name}` property."),
                    &extra,
                ),
            }
        })
        .collect()
}

/// Writes a struct, its `new` (required fields as arguments), and `Default` when nothing is
/// required.
fn write_struct(
    out: &mut String,
    indent: &str,
    name: &str,
    struct_doc: &[String],
    fields: &[Field],
    scope: &mut ModuleScope,
    cfg: Option<&str>,
) {
    let cfg_line = cfg
        .map(|f| format!("{indent}#[cfg(feature = \"{f}\")]\n"))
        .unwrap_or_default();
    doc(out, indent, struct_doc);
    out.push_str(&cfg_line);
    if fields.is_empty() {
        let _ = writeln!(out, "{indent}pub struct {name} {{}}");
    } else {
        let _ = writeln!(out, "{indent}pub struct {name} {{");
        for f in fields {
            doc(out, &format!("{indent}    "), &f.doc);
            let ty = scope.spell(&f.kind);
            if f.required {
                let _ = writeln!(out, "{indent}    pub {}: {ty},", f.rust);
            } else {
                let _ = writeln!(out, "{indent}    pub {}: Option<{ty}>,", f.rust);
            }
        }
        let _ = writeln!(out, "{indent}}}");
    }
    out.push('\n');

    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    out.push_str(&cfg_line);
    let _ = writeln!(out, "{indent}impl {name} {{");
    if required.is_empty() {
        let _ = writeln!(out, "{indent}    /// Every property unset.");
    } else {
        let _ = writeln!(
            out,
            "{indent}    /// The required properties as given, every other one unset."
        );
    }
    if required.len() > CLIPPY_MAX_ARGS {
        let _ = writeln!(
            out,
            "{indent}    #[allow(clippy::too_many_arguments)] // one per required property"
        );
    }
    let args: Vec<String> = required
        .iter()
        .map(|f| format!("{}: impl Into<{}>", f.rust, scope.spell(&f.kind)))
        .collect();
    let _ = writeln!(out, "{indent}    #[inline]");
    let _ = writeln!(
        out,
        "{indent}    pub fn new({}) -> {name} {{",
        args.join(", ")
    );
    if fields.is_empty() {
        let _ = writeln!(out, "{indent}        {name} {{}}");
    } else {
        let _ = writeln!(out, "{indent}        {name} {{");
        for f in fields {
            if f.required {
                let _ = writeln!(out, "{indent}            {0}: {0}.into(),", f.rust);
            } else {
                let _ = writeln!(out, "{indent}            {}: None,", f.rust);
            }
        }
        let _ = writeln!(out, "{indent}        }}");
    }
    let _ = writeln!(out, "{indent}    }}");
    let _ = writeln!(out, "{indent}}}");
    out.push('\n');

    if required.is_empty() {
        out.push_str(&cfg_line);
        let _ = writeln!(out, "{indent}impl Default for {name} {{");
        let _ = writeln!(out, "{indent}    #[inline]");
        let _ = writeln!(out, "{indent}    fn default() -> {name} {{");
        let _ = writeln!(out, "{indent}        {name}::new()");
        let _ = writeln!(out, "{indent}    }}");
        let _ = writeln!(out, "{indent}}}");
        out.push('\n');
    }
}

/// The statements that fill `m` from `self`'s fields (in CloudFormation's alphabetical order),
/// one line each.
fn write_inserts(out: &mut String, indent: &str, fields: &[Field], scope: &mut ModuleScope) {
    for f in fields {
        let plain = !matches!(&f.kind, Kind::Id(_))
            && !matches!(&f.kind, Kind::List(inner) if matches!(**inner, Kind::Id(_)));
        if f.required {
            let value = scope.render(&f.kind, &format!("self.{}", f.rust));
            let _ = writeln!(out, "{indent}m.insert({:?}, {value});", f.cfn);
        } else if plain {
            let set = scope.kind("set");
            let _ = writeln!(out, "{indent}{set}(&mut m, {:?}, self.{});", f.cfn, f.rust);
        } else {
            let value = scope.render(&f.kind, "v");
            let _ = writeln!(
                out,
                "{indent}if let Some(v) = self.{} {{ m.insert({:?}, {value}); }}",
                f.rust, f.cfn
            );
        }
    }
}

/// The Rust source of one service.
pub fn service_file(
    spec: &Spec,
    module: &str,
    resources: &[&ResourceType],
) -> Result<String, String> {
    let feature = module;
    let service = resources.first().map(|r| r.service()).unwrap_or_default();
    let all: Vec<ResourceNames> = resources.iter().map(|r| ResourceNames::of(r)).collect();
    let mut modules = BTreeSet::new();
    for (r, n) in resources.iter().zip(&all) {
        if n.module == "markers" || !modules.insert(n.module.clone()) {
            return Err(format!(
                "{}: its module name `{}` is taken in service `{module}`",
                r.cloud_formation_type, n.module
            ));
        }
    }

    let mut top = ModuleScope::new(BTreeSet::new(), String::new());
    let mut body = String::new();

    // Markers and handle aliases: always compiled.
    body.push_str("/// The marker types of this service's resource types: the `R` of [`Cfn<R>`](crate::Cfn).\n");
    body.push_str("pub mod markers {\n");
    for (r, n) in resources.iter().zip(&all) {
        let _ = writeln!(
            body,
            "    /// Marks a [`Cfn`](crate::Cfn) handle as an `{}`.",
            r.cloud_formation_type
        );
        let _ = writeln!(body, "    pub enum {} {{}}", n.marker);
        let _ = writeln!(body, "    impl crate::ResourceType for {} {{", n.marker);
        let _ = writeln!(
            body,
            "        const TYPE_NAME: &'static str = {:?};",
            r.cloud_formation_type
        );
        body.push_str("    }\n");
    }
    body.push_str("}\n\n");

    for (r, n) in resources.iter().zip(&all) {
        let url = docs::resource_url(service, &r.name);
        let lines = doc_lines(
            &docs::summary(&r.documentation),
            format!("An `{}`.", r.cloud_formation_type),
            &[
                format!(
                    "A handle to an [`{}`]({url}) resource: `Copy`, and accepted wherever a property takes this type's identifier.",
                    r.cloud_formation_type
                ),
                format!(
                    "`{alias}::new`, `{alias}Props` and the attributes need the cargo feature `{feature}`.",
                    alias = n.alias
                ),
            ],
        );
        doc(&mut body, "", &lines);
        let _ = writeln!(
            body,
            "pub type {} = crate::Cfn<markers::{}>;\n",
            n.alias, n.marker
        );
    }

    // The typed API, behind the feature.
    for (r, n) in resources.iter().zip(&all) {
        write_resource(spec, &mut body, &mut top, r, n, service, feature);
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by gs-codegen from @aws-cdk/aws-service-spec {SERVICE_SPEC_VERSION}: do not edit."
    );
    out.push_str("// Regenerate with `cargo run -p gs-codegen`; `cargo run -p gs-codegen -- --check` compares.\n\n");
    let _ = writeln!(
        out,
        "//! `AWS::{service}::*`: {} resource type{}.",
        resources.len(),
        if resources.len() == 1 { "" } else { "s" }
    );
    out.push_str("//!\n");
    let _ = writeln!(
        out,
        "//! The handles (`Cfn*`) always exist, so that any service can name them; their properties,"
    );
    let _ = writeln!(
        out,
        "//! nested types, constructors and attributes need the cargo feature `{feature}`."
    );
    out.push('\n');
    // Names mirror CloudFormation's (`VPCOptions`), as CDK's do.
    out.push_str("#![allow(clippy::upper_case_acronyms)]\n");
    if modules.contains(module) {
        out.push_str("#![allow(clippy::module_inception)] // a resource named like its service\n");
    }
    out.push('\n');
    out.push_str(&top.use_line("", Some(feature)));
    if !top.imports.is_empty() {
        out.push('\n');
    }
    out.push_str(&body);
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(out)
}

fn write_resource(
    spec: &Spec,
    body: &mut String,
    top: &mut ModuleScope,
    r: &ResourceType,
    n: &ResourceNames,
    service: &str,
    feature: &str,
) {
    let cfg = Some(feature);
    let url = docs::resource_url(service, &r.name);
    let anchor = [service, r.name.as_str()];
    let nested = NestedTypes::of(spec, r);
    let tag_property = r.tag_information.as_ref();

    // Props.
    top.nested_prefix = format!("{}::", n.module);
    let fields = struct_fields(
        spec,
        &nested,
        None,
        r.properties.iter(),
        &url,
        &anchor,
        tag_property,
    );
    let props = format!("{}Props", n.alias);
    let props_doc = doc_lines(
        &format!(
            "The properties of an [`{}`]({url}): [`{}::new`] takes them.",
            r.cloud_formation_type, n.alias
        ),
        String::new(),
        &[],
    );
    write_struct(body, "", &props, &props_doc, &fields, top, cfg);

    let _ = writeln!(body, "#[cfg(feature = \"{feature}\")]");
    let _ = writeln!(body, "impl {props} {{");
    body.push_str("    /// The CloudFormation properties that are set, in alphabetical order.\n");
    body.push_str("    #[inline]\n");
    if fields.is_empty() {
        body.push_str("    pub fn into_properties(self) -> gs_core::ValueMap {\n");
        body.push_str("        gs_core::ValueMap::new()\n");
    } else {
        body.push_str("    pub fn into_properties(self) -> gs_core::ValueMap {\n");
        body.push_str("        let mut m = gs_core::ValueMap::new();\n");
        write_inserts(body, "        ", &fields, top);
        body.push_str("        m\n");
    }
    body.push_str("    }\n\n");
    let _ = writeln!(
        body,
        "    /// The `{}` resource with these properties and the type's tagging, to adjust (removal",
        r.cloud_formation_type
    );
    let _ = writeln!(
        body,
        "    /// policy, logical ID, condition) before [`Cfn::add`](crate::Cfn::add) adds it."
    );
    body.push_str("    #[inline]\n");
    body.push_str("    pub fn into_resource(self) -> gs_core::Resource {\n");
    // The tagging comes from gs-l1's schema data, the one place that reconciles the service
    // spec's `tagInformation` with the registry schema (a type the spec calls taggable but whose
    // registry schema has no tag property, such as `AWS::ApplicationAutoScaling::ScalableTarget`,
    // stays untagged, so stack tags never produce a property CloudFormation refuses).
    if r.tag_information.is_some() {
        let _ = writeln!(
            body,
            "        let mut resource = gs_core::Resource::new({t:?}).properties(self.into_properties());\n        resource.tagging = crate::schema::tagging({t:?});\n        resource",
            t = r.cloud_formation_type
        );
    } else {
        let _ = writeln!(
            body,
            "        gs_core::Resource::new({:?}).properties(self.into_properties())",
            r.cloud_formation_type
        );
    }
    body.push_str("    }\n}\n\n");

    // Constructor and attributes.
    let _ = writeln!(body, "#[cfg(feature = \"{feature}\")]");
    let _ = writeln!(body, "impl crate::Cfn<markers::{}> {{", n.marker);
    let _ = writeln!(
        body,
        "    /// Adds an `{}` with `id` to `scope`, with `props` and the type's tagging.",
        r.cloud_formation_type
    );
    body.push_str("    #[inline]\n");
    body.push_str("    pub fn new(\n");
    body.push_str("        scope: &mut gs_core::Scope<'_>,\n");
    body.push_str("        id: &str,\n");
    let _ = writeln!(body, "        props: {props},");
    body.push_str("    ) -> Result<Self, gs_core::TreeError> {\n");
    body.push_str("        Self::add(scope, id, props.into_resource())\n");
    body.push_str("    }\n");
    let attr_names = names::dedupe(
        r.attributes
            .keys()
            .map(|a| format!("attr_{}", names::snake(a)))
            .collect(),
    );
    for ((attr, a), method) in r.attributes.iter().zip(attr_names) {
        body.push('\n');
        let lines = doc_lines(
            &docs::summary(&a.documentation),
            format!("The `{attr}` attribute."),
            &[format!(
                "`Fn::GetAtt` of [`{attr}`]({url}#aws-resource-{}-{}-return-values).",
                service.to_ascii_lowercase(),
                r.name.to_ascii_lowercase()
            )],
        );
        doc(body, "    ", &lines);
        body.push_str("    #[inline]\n");
        let _ = writeln!(body, "    pub fn {method}(self) -> gs_core::Value {{");
        let _ = writeln!(
            body,
            "        gs_core::Value::GetAtt(self.node(), {attr:?}.into())"
        );
        body.push_str("    }\n");
    }
    body.push_str("}\n\n");

    // Nested types.
    if nested.names.is_empty() {
        return;
    }
    let locals: BTreeSet<String> = nested.names.values().cloned().collect();
    let mut scope = ModuleScope::new(locals, String::new());
    let mut inner = String::new();
    for (id, name) in &nested.names {
        let Some(def) = spec.type_defs.get(id) else {
            continue;
        };
        let page = docs::property_type_url(service, &r.name, &def.name);
        let type_anchor = [service, r.name.as_str(), def.name.as_str()];
        let fields = struct_fields(
            spec,
            &nested,
            Some(id),
            def.properties.iter(),
            &page,
            &type_anchor,
            None,
        );
        let lines = doc_lines(
            &docs::summary(&def.documentation),
            format!("The `{}` property type.", def.name),
            &[format!(
                "CloudFormation property type [`{}`]({page}) of [`{}`](super::{}).",
                def.name, r.cloud_formation_type, n.alias
            )],
        );
        write_struct(&mut inner, "    ", name, &lines, &fields, &mut scope, None);
        let into_value = if scope.locals.contains("IntoValue") {
            "crate::kinds::IntoValue".to_string()
        } else {
            scope.imports.insert("IntoValue");
            "IntoValue".to_string()
        };
        let _ = writeln!(inner, "    impl {into_value} for {name} {{");
        inner.push_str("        #[inline]\n");
        inner.push_str("        fn into_value(self) -> gs_core::Value {\n");
        if fields.is_empty() {
            inner.push_str("            gs_core::Value::Map(gs_core::ValueMap::new())\n");
        } else {
            inner.push_str("            let mut m = gs_core::ValueMap::new();\n");
            write_inserts(&mut inner, "            ", &fields, &mut scope);
            inner.push_str("            gs_core::Value::Map(m)\n");
        }
        inner.push_str("        }\n    }\n\n");
    }
    let _ = writeln!(
        body,
        "/// The property types of [`{}`]: CDK's `{}.*Property`.",
        n.alias, n.alias
    );
    let _ = writeln!(body, "#[cfg(feature = \"{feature}\")]");
    let _ = writeln!(body, "pub mod {} {{", n.module);
    body.push_str(&scope.use_line("    ", None));
    body.push('\n');
    while inner.ends_with("\n\n") {
        inner.pop();
    }
    body.push_str(&inner);
    body.push_str("}\n\n");
}
