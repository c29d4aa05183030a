//! The schema checks at synthesis: every resource, typed or raw, against its type's schema.
//!
//! cfn-lint is the reference: what it accepts, gs accepts. So kinds are checked the way cfn-lint
//! checks them by default (non-strict): a string property takes any scalar, an integer or number
//! property a number or a string that reads as one, a boolean property `true`/`false` or one of
//! the strings `true`, `True`, `TRUE`, `false`, `False`, `FALSE`. Intrinsic functions are
//! accepted wherever they could produce a valid value (their arguments are only searched for
//! `Fn::GetAtt`s); both branches of `Fn::If` are checked. Enum, pattern, length and range bounds
//! are checked on literal values only (constants folded with [`Value::literal_str`]).
//!
//! The walk is iterative (a work list), so no raw value can exhaust the call stack, and it keeps
//! the path inside the resource as indices into a list of segments, so that a string is built
//! only for a finding.

use gs_core::{Diagnostic, NodeId, Pass, Rule, Severity, Tree, Value, ValueMap};

use super::data::{self, Constraints, Kind, Owner, TypeSchema};
use super::prop_memo::PropMemo;
use super::type_memo::TypeMemo;

/// The rule `schema/unknown-type`.
pub const UNKNOWN_TYPE: Rule = Rule {
    id: "schema/unknown-type",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "A resource has an `AWS::` type that the vendored resource specification does not know.",
    why: "CloudFormation refuses a template with a resource type it does not have (a typo, or a type of another partition or a future release).",
    fix: "correct the type name (the finding names the closest known one), or acknowledge the rule if the type is newer than gs's vendored specification",
};
/// The rule `schema/unknown-property`.
pub const UNKNOWN_PROPERTY: Rule = Rule {
    id: "schema/unknown-property",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "A resource, or an object inside one, sets a property its type does not have.",
    why: "CloudFormation refuses the resource (\"Encountered unsupported property\"), usually after the stack has started to deploy.",
    fix: "correct the property name (the finding suggests the closest one), or remove it",
};
// Of the schema rules, these two cannot be acknowledged: a resource without a required
// property, or with a value of the wrong JSON kind, is refused whatever the vendored
// specification's age (the others can be, for a type, property or value newer than it).

/// The rule `schema/missing-required`.
pub const MISSING_REQUIRED: Rule = Rule {
    id: "schema/missing-required",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A resource, or an object inside one, lacks a property its type requires.",
    why: "CloudFormation refuses to create the resource.",
    fix: "set the required property",
};
/// The rule `schema/wrong-kind`.
pub const WRONG_KIND: Rule = Rule {
    id: "schema/wrong-kind",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &[],
    what: "A property holds the wrong kind of JSON value: a string where a number, a list or an object is expected, a list where a string is, and so on.",
    why: "CloudFormation refuses the resource (\"Value of property ... must be of type ...\").",
    fix: "give a value of the kind the finding names",
};
/// The rule `schema/invalid-value`.
pub const INVALID_VALUE: Rule = Rule {
    id: "schema/invalid-value",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "A literal property value is outside what the type's schema allows: not one of its allowed values, not matching its pattern, or outside its length or range bounds.",
    why: "CloudFormation or the service refuses the value at deploy time.",
    fix: "use a value the finding lists as valid",
};
/// The rule `schema/unknown-attribute`.
pub const UNKNOWN_ATTRIBUTE: Rule = Rule {
    id: "schema/unknown-attribute",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "An `Fn::GetAtt` names an attribute the target resource's type does not have.",
    why: "CloudFormation refuses the template (\"Template error: resource ... does not support attribute type ...\").",
    fix: "use one of the attributes the finding lists (the typed accessors of gs's constructs give only existing ones)",
};
/// The rule `schema/read-only-property`.
pub const READ_ONLY_PROPERTY: Rule = Rule {
    id: "schema/read-only-property",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "A resource sets a property that is read-only: an attribute CloudFormation returns (`Arn`, an id) rather than one a template sets.",
    why: "CloudFormation refuses the resource: read-only properties are set by the service.",
    fix: "remove the property; read it with `Fn::GetAtt` where it is needed",
};

/// The rules of the schema checks.
pub const RULES: &[Rule] = &[
    UNKNOWN_TYPE,
    UNKNOWN_PROPERTY,
    MISSING_REQUIRED,
    WRONG_KIND,
    INVALID_VALUE,
    UNKNOWN_ATTRIBUTE,
    READ_ONLY_PROPERTY,
];

/// The schema checks as a pass, for a backend's pass list (gs-constructs' `CfnBackend` runs it).
pub const PASS: Pass = Pass {
    name: "gs-l1/schema",
    rules: RULES,
    run: check,
};

/// One segment of the path inside a resource, with its parent's index.
#[derive(Clone, Copy)]
enum Seg<'v> {
    Name(&'v str),
    Index(usize),
}

/// What a value is checked against.
#[derive(Clone, Copy)]
enum Expect {
    /// A kind of the type's schema, and the constraints of the property it belongs to.
    Kind(Kind, Constraints),
    /// Nothing: an intrinsic's argument, searched only for `Fn::GetAtt`.
    Search,
}

struct Walk<'t, 'a> {
    tree: &'t Tree<'a>,
    node: NodeId,
    ty: TypeSchema,
    /// Path segments: `(parent, segment)`; index 0 is `Properties`.
    segs: Vec<(usize, Seg<'a>)>,
    pending: Vec<(&'a Value, Expect, usize)>,
    out: &'t mut Vec<Diagnostic>,
    /// The property searches of this run of the checks.
    memo: &'t mut PropMemo<'a>,
    /// The types and owners found in this run of the checks.
    types: &'t mut TypeMemo<'a>,
}

/// Appends the schema findings of every resource (and the `Fn::GetAtt`s of every output).
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut segs = Vec::new();
    let mut pending = Vec::new();
    let mut memo = PropMemo::new();
    let mut types = TypeMemo::new();
    for e in tree.all_elements() {
        let node = tree.node(e);
        match node.kind() {
            gs_core::NodeKind::Resource(r) => {
                let mut name: &str = &r.type_name;
                if name.starts_with("Custom::") {
                    // Checked as what it is: a custom resource.
                    name = CUSTOM_RESOURCE;
                } else if !checked_type(name) {
                    continue;
                }
                let Some((ty, root)) = types.lookup(name) else {
                    let mut msg = format!("the resource type `{name}` does not exist");
                    if let Some(close) = closest(name, data::type_names()) {
                        msg.push_str(&format!("; did you mean `{close}`?"));
                    }
                    out.push(UNKNOWN_TYPE.at(e, tree.path(e), msg));
                    // Its values may still read attributes of other resources.
                    let values = r.properties.iter().map(|(_, v)| v);
                    search_get_atts(tree, e, values, out, &mut memo, &mut types);
                    continue;
                };
                let mut w = Walk {
                    tree,
                    node: e,
                    ty,
                    segs: std::mem::take(&mut segs),
                    pending: std::mem::take(&mut pending),
                    out,
                    memo: &mut memo,
                    types: &mut types,
                };
                w.segs.clear();
                w.segs.push((0, Seg::Name("Properties")));
                if ty.name == CUSTOM_RESOURCE {
                    // Custom resources take any property besides ServiceToken: only what is
                    // required is checked.
                    if let Some(root) = root {
                        w.required(&r.properties, &root, 0);
                    }
                    for (_, v) in r.properties.iter() {
                        w.pending.push((v, Expect::Search, 0));
                    }
                } else if let Some(root) = root {
                    w.object(&r.properties, &root, 0);
                }
                w.run();
                segs = w.segs;
                pending = w.pending;
            }
            gs_core::NodeKind::Output(o) => {
                let values = std::iter::once(&o.value).chain(o.export_name.as_ref());
                search_get_atts(tree, e, values, out, &mut memo, &mut types);
            }
            _ => {}
        }
    }
}

const CUSTOM_RESOURCE: &str = "AWS::CloudFormation::CustomResource";

/// Whether the type is one the schema speaks for: `AWS::` types, except custom resources of
/// the `Custom::` form (which any name may follow) and the SAM transform's types.
fn checked_type(name: &str) -> bool {
    name.starts_with("AWS::") && !name.starts_with("AWS::Serverless::")
}

fn search_get_atts<'a>(
    tree: &Tree<'a>,
    e: NodeId,
    values: impl Iterator<Item = &'a Value>,
    out: &mut Vec<Diagnostic>,
    memo: &mut PropMemo<'a>,
    types: &mut TypeMemo<'a>,
) {
    let mut w = Walk {
        tree,
        node: e,
        ty: TypeSchema::default(),
        segs: vec![(0, Seg::Name("Properties"))],
        pending: values.map(|v| (v, Expect::Search, 0)).collect(),
        out,
        memo,
        types,
    };
    w.run();
}

impl<'a> Walk<'_, 'a> {
    fn seg(&mut self, parent: usize, seg: Seg<'a>) -> usize {
        self.segs.push((parent, seg));
        self.segs.len() - 1
    }

    /// `Properties.VpcConfig.SubnetIds[0]`.
    fn path(&self, at: usize) -> String {
        let mut parts = Vec::new();
        let mut i = at;
        // Parents always come before children, so this ends.
        while let Some(&(parent, seg)) = self.segs.get(i) {
            parts.push(seg);
            if i == 0 || parent >= i {
                break;
            }
            i = parent;
        }
        let mut s = String::new();
        for seg in parts.iter().rev() {
            match seg {
                Seg::Name(n) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(n);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn report(&mut self, rule: &Rule, at: usize, message: String, fix: Option<String>) {
        let mut d = rule.at(
            self.node,
            self.tree.path(self.node),
            format!("{}: {message}", self.path(at)),
        );
        if let Some(f) = fix {
            d = d.with_fix(f);
        }
        self.out.push(d);
    }

    /// Checks the properties of an object against `owner` and queues their values.
    fn object(&mut self, map: &'a ValueMap, owner: &Owner, at: usize) {
        // How many of the properties `owner` requires are set (a map's keys are distinct): when
        // all are, none is looked for again.
        let mut required = 0;
        for (key, value) in map.iter() {
            let child = self.seg(at, Seg::Name(key));
            if let Some(p) = self.memo.prop(owner, key) {
                if p.required && !matches!(value, Value::Pseudo(gs_core::Pseudo::NoValue)) {
                    required += 1;
                }
                self.pending
                    .push((value, Expect::Kind(p.kind, p.constraints), child));
            } else if owner.is_read_only(key) {
                self.report(
                    &READ_ONLY_PROPERTY,
                    child,
                    format!("`{key}` is read-only for {}", self.ty.name),
                    Some(format!(
                        "remove `{key}`; read it with Fn::GetAtt where it is needed"
                    )),
                );
                self.pending.push((value, Expect::Search, child));
            } else {
                let mut msg = format!(
                    "{} has no property `{key}`{}",
                    self.ty.name,
                    if owner.name.is_empty() {
                        String::new()
                    } else {
                        format!(" in {}", owner.name)
                    }
                );
                let close = closest(key, owner.names());
                let fix = match close {
                    Some(c) => {
                        msg.push_str(&format!("; did you mean `{c}`?"));
                        format!("rename `{key}` to `{c}`")
                    }
                    None => format!(
                        "remove `{key}`; the properties are: {}",
                        list(owner.names(), 30)
                    ),
                };
                self.report(&UNKNOWN_PROPERTY, child, msg, Some(fix));
                self.pending.push((value, Expect::Search, child));
            }
        }
        if owner.required_count() != Some(required) {
            self.required(map, owner, at);
        }
    }

    /// Reports the properties `owner` requires that `map` lacks.
    fn required(&mut self, map: &'a ValueMap, owner: &Owner, at: usize) {
        for name in owner.required() {
            let present = map
                .get(name)
                .is_some_and(|v| !matches!(v, Value::Pseudo(gs_core::Pseudo::NoValue)));
            if !present {
                let kind = owner.prop(name).map_or(Kind::Any, |p| p.kind);
                self.report(
                    &MISSING_REQUIRED,
                    at,
                    format!(
                        "{}{} requires `{}` ({})",
                        self.ty.name,
                        if owner.name.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", owner.name)
                        },
                        name,
                        kind.describe(&self.ty)
                    ),
                    Some(format!("set `{name}`")),
                );
            }
        }
    }

    fn run(&mut self) {
        while let Some((value, expect, at)) = self.pending.pop() {
            self.value(value, expect, at);
        }
    }

    fn value(&mut self, v: &'a Value, expect: Expect, at: usize) {
        // References and intrinsic functions first: accepted wherever they could be valid.
        match v {
            Value::GetAtt(target, attr) => {
                self.get_att(*target, attr, at);
                return;
            }
            Value::Ref(_) | Value::Pseudo(_) | Value::Condition(_) => return,
            Value::If(_, a, b) => {
                self.pending.push((a, expect, at));
                self.pending.push((b, expect, at));
                return;
            }
            Value::Join(..)
            | Value::Sub(..)
            | Value::Select(..)
            | Value::Split(..)
            | Value::GetAzs(_)
            | Value::ImportValue(_)
            | Value::Base64(_)
            | Value::Cidr(..)
            | Value::FindInMap(..)
            | Value::Equals(..)
            | Value::Not(_)
            | Value::And(_)
            | Value::Or(_) => {
                // A constant string (a Join of literals) is checked like a literal.
                if let Expect::Kind(Kind::String, c) = expect {
                    if c.any() {
                        if let Some(s) = v.literal_str() {
                            self.string_bounds(c, &s, at);
                        }
                    }
                }
                v.for_each_child(&mut |c| self.pending.push((c, Expect::Search, at)));
                return;
            }
            _ => {}
        }
        let kind = match expect {
            Expect::Search => {
                self.children(v, Expect::Search, at);
                return;
            }
            Expect::Kind(k, p) => (k, p),
        };
        let (kind, prop) = kind;
        match kind {
            Kind::Any | Kind::Json | Kind::Null => self.children(v, Expect::Search, at),
            Kind::String => match v {
                Value::String(s) => self.string_bounds(prop, s, at),
                Value::Int(i) => self.string_bounds(prop, &i.to_string(), at),
                Value::Float(x) => self.string_bounds(prop, &x.to_string(), at),
                Value::Bool(b) => self.string_bounds(prop, if *b { "true" } else { "false" }, at),
                _ => self.wrong_kind(v, kind, at),
            },
            Kind::Integer | Kind::Number => {
                let n = match v {
                    Value::Int(i) => Some(*i as f64),
                    Value::Float(x) => Some(*x),
                    Value::String(s) => {
                        let t = s.trim();
                        if kind == Kind::Integer {
                            t.parse::<i64>().ok().map(|i| i as f64)
                        } else {
                            t.parse::<f64>().ok()
                        }
                    }
                    _ => None,
                };
                match n {
                    Some(n) => self.range(prop, n, v, at),
                    None => self.wrong_kind(v, kind, at),
                }
            }
            Kind::Boolean => match v {
                Value::Bool(_) => {}
                Value::String(s)
                    if matches!(
                        s.as_str(),
                        "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
                    ) => {}
                _ => self.wrong_kind(v, kind, at),
            },
            Kind::List(k) => match v {
                Value::List(items) => {
                    let k = k.get();
                    for (i, item) in items.iter().enumerate() {
                        let child = self.seg(at, Seg::Index(i));
                        self.pending.push((item, Expect::Kind(k, prop), child));
                    }
                }
                _ => self.wrong_kind(v, kind, at),
            },
            Kind::Map(k) => match v {
                Value::Map(m) if !is_intrinsic_map(m) => {
                    let k = k.get();
                    for (key, item) in m.iter() {
                        let child = self.seg(at, Seg::Name(key));
                        self.pending.push((item, Expect::Kind(k, prop), child));
                    }
                }
                Value::Map(_) => self.children(v, Expect::Search, at),
                _ => self.wrong_kind(v, kind, at),
            },
            Kind::Tag => match v {
                Value::Map(_) => self.children(v, Expect::Search, at),
                _ => self.wrong_kind(v, kind, at),
            },
            Kind::Nested(n) => match (v, self.types.owner(&self.ty, n)) {
                (Value::Map(m), _) if is_intrinsic_map(m) => self.children(v, Expect::Search, at),
                (Value::Map(m), Some(owner)) => self.object(m, &owner, at),
                (Value::Map(_), None) => self.children(v, Expect::Search, at),
                _ => self.wrong_kind(v, kind, at),
            },
            Kind::Union(ks) => {
                // The first alternative of the value's shape, or a finding naming them all.
                let fits = ks.iter().find(|k| shape_fits(v, *k));
                match fits {
                    Some(k) => self.pending.push((v, Expect::Kind(k, prop), at)),
                    None => self.wrong_kind(v, kind, at),
                }
            }
        }
    }

    /// Queues the values inside `v` (list items and map values with their path segments).
    fn children(&mut self, v: &'a Value, expect: Expect, at: usize) {
        match v {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    let child = self.seg(at, Seg::Index(i));
                    self.pending.push((item, expect, child));
                }
            }
            Value::Map(m) => {
                for (key, item) in m.iter() {
                    let child = self.seg(at, Seg::Name(key));
                    self.pending.push((item, expect, child));
                }
            }
            _ => v.for_each_child(&mut |c| self.pending.push((c, expect, at))),
        }
    }

    fn string_bounds(&mut self, c: Constraints, s: &str, at: usize) {
        // Read once: every check below is of a constraint the record has.
        if c.is_empty() {
            return;
        }
        let p = c.read();
        if p.has_allowed() && !p.allowed().any(|a| a == s) {
            self.report(
                &INVALID_VALUE,
                at,
                format!("`{}` is not an allowed value", short(s)),
                Some(format!("use one of: {}", list(p.allowed(), 20))),
            );
            return;
        }
        let (min, max) = p.length;
        // Counted only against a bound.
        let n = match (min, max) {
            (None, None) => 0,
            _ => s.chars().count() as u64,
        };
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            self.report(
                &INVALID_VALUE,
                at,
                format!("`{}` has {n} characters", short(s)),
                Some(format!(
                    "use a value of {} to {} characters",
                    min.unwrap_or(0),
                    max.map_or("any number of".to_owned(), |m| m.to_string())
                )),
            );
            return;
        }
        if let (Some(re), Some(pat)) = (p.matcher(), p.pattern) {
            if !re.is_match(s) {
                self.report(
                    &INVALID_VALUE,
                    at,
                    format!("`{}` does not match the pattern `{pat}`", short(s)),
                    Some(format!("use a value that matches `{pat}`")),
                );
            }
        }
    }

    /// Checks the number `n`, read from `v` (shown as written: an `i64` past 2^53 does not
    /// survive the trip through `f64`).
    fn range(&mut self, c: Constraints, n: f64, v: &Value, at: usize) {
        if c.is_empty() {
            return;
        }
        let n_shown = match v {
            Value::Int(i) => i.to_string(),
            Value::String(s) => s.trim().to_owned(),
            _ => n.to_string(),
        };
        let p = c.read();
        if p.has_allowed() && !p.allowed().any(|a| a.parse::<f64>().ok() == Some(n)) {
            self.report(
                &INVALID_VALUE,
                at,
                format!("{n_shown} is not an allowed value"),
                Some(format!("use one of: {}", list(p.allowed(), 20))),
            );
            return;
        }
        let (min, max) = p.range;
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            let bound = |b: Option<f64>| b.map_or("unbounded".to_owned(), |b| b.to_string());
            self.report(
                &INVALID_VALUE,
                at,
                format!("{n_shown} is out of range"),
                Some(format!("use a value from {} to {}", bound(min), bound(max))),
            );
        }
    }

    fn wrong_kind(&mut self, v: &Value, kind: Kind, at: usize) {
        let got = match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "an object",
            _ => "an intrinsic function",
        };
        let want = kind.describe(&self.ty);
        self.report(
            &WRONG_KIND,
            at,
            format!("expected {want}, found {got}"),
            Some(format!("give {want}")),
        );
    }

    fn get_att(&mut self, target: NodeId, attr: &'a str, at: usize) {
        if !self.tree.contains(target) {
            return;
        }
        let Some(r) = self.tree.node(target).as_resource() else {
            return;
        };
        let name: &str = &r.type_name;
        if !checked_type(name) || name == "AWS::CloudFormation::Stack" {
            return;
        }
        if name == "AWS::CloudFormation::CustomResource" {
            return;
        }
        let Some((ty, root)) = self.types.lookup(name) else {
            return;
        };
        // cfn-lint (the reference) also accepts `Fn::GetAtt` of a property (`DelaySeconds`,
        // `RedrivePolicy.deadLetterTargetArn`): the registry lets templates read them.
        let memo = &mut *self.memo;
        let readable = self.types.readable(&ty, attr, || {
            let property = attr.split('.').next().unwrap_or(attr);
            ty.has_attribute(attr) || root.is_some_and(|r| memo.prop(&r, property).is_some())
        });
        if readable {
            return;
        }
        let mut msg = format!(
            "Fn::GetAtt of `{attr}` on {} ({name}), which has no such attribute",
            self.tree.path(target)
        );
        if let Some(c) = closest(attr, ty.attributes()) {
            msg.push_str(&format!("; did you mean `{c}`?"));
        }
        let fix = if ty.attributes().next().is_none() {
            format!("{name} has no attributes; use Ref")
        } else {
            format!("use one of its attributes: {}", list(ty.attributes(), 30))
        };
        self.report(&UNKNOWN_ATTRIBUTE, at, msg, Some(fix));
    }
}

/// A map written as an intrinsic function by hand (`{"Ref": ...}`, `{"Fn::...": ...}`).
fn is_intrinsic_map(m: &ValueMap) -> bool {
    m.len() == 1
        && m.keys()
            .next()
            .is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

/// Whether `v` has the JSON shape of `k` (scalar, list or object).
fn shape_fits(v: &Value, k: Kind) -> bool {
    match k {
        Kind::Any | Kind::Json | Kind::Null => true,
        Kind::List(_) => matches!(v, Value::List(_)),
        Kind::Map(_) | Kind::Nested(_) | Kind::Tag => matches!(v, Value::Map(_)),
        Kind::String | Kind::Integer | Kind::Number | Kind::Boolean => matches!(
            v,
            Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
        ),
        Kind::Union(ks) => ks.iter().any(|k| shape_fits(v, k)),
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 80 {
        let head: String = s.chars().take(77).collect();
        format!("{head}...")
    } else {
        s.to_owned()
    }
}

fn list<'s>(items: impl Iterator<Item = &'s str>, max: usize) -> String {
    let items: Vec<&str> = items.collect();
    let mut s = items
        .iter()
        .take(max)
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        s.push_str(&format!(" and {} more", items.len() - max));
    }
    s
}

/// The candidate closest to `name` (edit distance, ignoring case), when it is close enough to
/// be a likely typo: at most 2 edits, or 3 for names longer than 12 characters.
pub(crate) fn closest<'s>(
    name: &str,
    candidates: impl Iterator<Item = &'s str>,
) -> Option<&'s str> {
    if name.len() > 128 {
        return None;
    }
    let limit = if name.chars().count() > 12 { 3 } else { 2 };
    let lower: Vec<char> = name.to_lowercase().chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.len().abs_diff(name.len()) > limit {
            continue;
        }
        let d = distance(&lower, c);
        if d <= limit && best.map_or(true, |(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
