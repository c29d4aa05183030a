//! Templates and `tree.json` props written straight from the frozen tree into the output bytes,
//! byte for byte what serializing [`crate::Template`] through [`crate::pretty_json`] writes, but
//! without building the template's maps, without serde's calls per key and value, and with the
//! keys the writer knows copied whole (quotes, colon and all) without an escape check.
//!
//! The serde path ([`crate::Template`]'s `Serialize`) stays the reference: the tests below
//! compare the two on generated trees.

use gs_core::{NodeId, NodeKind, RemovalPolicy, Tagging, Tree, Value, ValueMap};

use crate::json_writer::{needs_escape, quoted_short};
use crate::line_breaks::LineBreaks;

type Result<T = ()> = std::result::Result<T, serde_json::Error>;

fn error(message: String) -> serde_json::Error {
    <serde_json::Error as serde::ser::Error>::custom(message)
}

/// A key the writer knows (from [`key!`]): quoted, with its colon and space, padded to
/// [`FIXED`] bytes so that it is appended as a copy of a fixed size (no call) cut to length.
pub(crate) struct Known {
    padded: [u8; FIXED],
    len: usize,
}

impl Known {
    /// `key` quoted, with its colon and space; a key that needs an escape or is longer than
    /// [`FIXED`] bytes with them is a compile-time error where [`key!`] is used.
    pub(crate) const fn new(key: &str) -> Known {
        let k = key.as_bytes();
        assert!(k.len() + 4 <= FIXED, "a known key fits in FIXED bytes");
        let mut padded = [b' '; FIXED];
        padded[0] = b'"';
        let mut i = 0;
        while i < k.len() {
            assert!(
                k[i] >= 0x20 && k[i] != b'"' && k[i] != b'\\',
                "a known key needs no escape"
            );
            padded[i + 1] = k[i];
            i += 1;
        }
        padded[k.len() + 1] = b'"';
        padded[k.len() + 2] = b':';
        Known {
            padded,
            len: k.len() + 4,
        }
    }

    /// The quoted key with its colon and space.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.padded.get(..self.len).unwrap_or_default()
    }

    /// How many bytes [`Known::as_bytes`] has.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// A key the writer knows, as a [`Known`] made at compile time.
macro_rules! key {
    ($k:literal) => {
        &const { $crate::direct::Known::new($k) }
    };
}
pub(crate) use key;

/// The size of the fixed copies [`Pretty`] appends its line breaks and known keys with.
pub(crate) const FIXED: usize = 32;

/// `bytes[from..from + len]` appended to `out`: as a copy of [`FIXED`] bytes cut back to
/// `len` when `bytes` has that many from `from` and `len` is at most that (a few stores
/// instead of a call), else as a copy of `len` bytes.
#[inline(always)]
pub(crate) fn put(out: &mut Vec<u8>, bytes: &[u8], from: usize, len: usize) {
    match bytes
        .get(from..from + FIXED)
        .and_then(|c| <&[u8; FIXED]>::try_from(c).ok())
    {
        Some(chunk) if len <= FIXED => {
            out.extend_from_slice(chunk);
            out.truncate(out.len() - (FIXED - len));
        }
        _ => out.extend_from_slice(bytes.get(from..from + len).unwrap_or_default()),
    }
}

/// Pretty JSON appended to a buffer, written by hand: serde_json's pretty format with any
/// indent.
pub(crate) struct Pretty<'o> {
    out: &'o mut Vec<u8>,
    breaks: LineBreaks<'static>,
    /// Whether the innermost array or object has no item yet.
    first: bool,
}

impl<'o> Pretty<'o> {
    /// A writer for a value `depth` levels deep in a larger pretty document indented by
    /// `indent` (spaces) per level.
    pub(crate) fn nested(out: &'o mut Vec<u8>, indent: &'static str, depth: usize) -> Self {
        Pretty {
            out,
            breaks: LineBreaks::new(indent.as_bytes(), depth),
            first: true,
        }
    }

    /// The buffer written to, for a caller that appends bytes it knows to be JSON.
    pub(crate) fn out(&mut self) -> &mut Vec<u8> {
        self.out
    }

    /// Bytes appended as they are (a literal such as `true`, or JSON written elsewhere).
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A line break and the indentation `deeper` levels below the current depth, appended to
    /// `to`: for a caller that writes a run of the same lines many times.
    pub(crate) fn newline_into(&self, to: &mut Vec<u8>, deeper: usize) {
        to.push(b'\n');
        to.extend_from_slice(self.breaks.indentation());
        for _ in 0..deeper {
            to.extend_from_slice(self.breaks.indent());
        }
    }

    /// The current object already has an item written by the caller: the next one follows a
    /// comma.
    pub(crate) fn first_written(&mut self) {
        self.first = false;
    }

    #[inline(always)]
    pub(crate) fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.breaks.deeper();
        self.first = true;
    }

    #[inline(always)]
    pub(crate) fn close(&mut self, bracket: u8) {
        self.breaks.shallower();
        if !self.first {
            self.breaks.before_close(self.out);
        }
        self.out.push(bracket);
        self.first = false;
    }

    /// The line break and indentation before an item, and the comma before all but the first.
    #[inline(always)]
    pub(crate) fn item(&mut self) {
        self.breaks.item(self.out, self.first);
        self.first = false;
    }

    /// A key the writer knows (from [`key!`]).
    #[inline(always)]
    pub(crate) fn known(&mut self, key: &Known) {
        self.item();
        put(self.out, &key.padded, 0, key.len);
    }

    /// [`Pretty::known`] as a call, for code run once or rarely (a manifest, a template's
    /// parts other than its resources): there an inlined copy is code run once, whose size
    /// costs more than the call.
    #[inline(never)]
    pub(crate) fn known_call(&mut self, key: &Known) {
        self.known(key);
    }

    /// [`Pretty::open`] as a call (see [`Pretty::known_call`]).
    #[inline(never)]
    pub(crate) fn open_call(&mut self, bracket: u8) {
        self.open(bracket);
    }

    /// [`Pretty::close`] as a call (see [`Pretty::known_call`]).
    #[inline(never)]
    pub(crate) fn close_call(&mut self, bracket: u8) {
        self.close(bracket);
    }

    pub(crate) fn key(&mut self, key: &str) {
        self.item();
        if !quoted_short(self.out, key, true) {
            self.string(key);
            self.out.extend_from_slice(b": ");
        }
    }

    pub(crate) fn string(&mut self, s: &str) {
        string(self.out, s);
    }

    pub(crate) fn scalar<T: serde::Serialize>(&mut self, value: T) -> Result {
        serde_json::to_writer(&mut *self.out, &value)
    }

    /// `{"key": value}` of a value written by `value`.
    fn single(&mut self, key: &Known, value: impl FnOnce(&mut Self) -> Result) -> Result {
        self.open(b'{');
        self.known(key);
        value(self)?;
        self.close(b'}');
        Ok(())
    }
}

/// A JSON string: copied whole when nothing in it needs escaping, else as serde_json writes it
/// (serializing a `&str` into a `Vec` cannot fail).
#[inline]
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    if quoted_short(out, s, false) {
        return;
    }
    if needs_escape(s.as_bytes()) {
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Values written into the template of `stack`, as [`crate::Rendered`] writes them.
#[derive(Clone, Copy)]
pub(crate) struct Cx<'t, 'a> {
    pub tree: &'t Tree<'a>,
    pub stack: NodeId,
}

impl<'t> Cx<'t, '_> {
    fn logical_id(&self, node: NodeId) -> Result<&'t str> {
        self.tree.logical_id(node).ok_or_else(|| {
            error(format!(
                "a reference to {} has no logical ID (it is not a resource or parameter)",
                self.tree.path(node)
            ))
        })
    }

    /// The export name to import, when `node` is a resource or parameter of another stack.
    fn import_name(&self, node: NodeId, attribute: Option<&str>) -> Option<String> {
        crate::exports::import_name(self.tree, self.stack, node, attribute)
    }

    fn imported(&self, node: NodeId) -> Option<&'t gs_core::Import> {
        crate::exports::imported(self.tree, node)
    }

    fn value(&self, w: &mut Pretty<'_>, value: &Value) -> Result {
        match value {
            Value::Null => w.out.extend_from_slice(b"null"),
            Value::Bool(true) => w.out.extend_from_slice(b"true"),
            Value::Bool(false) => w.out.extend_from_slice(b"false"),
            Value::Int(i) => w.scalar(i)?,
            Value::Float(f) if f.is_finite() => w.scalar(f)?,
            Value::Float(f) => {
                return Err(error(format!(
                    "the number {f} cannot be written as JSON; use a finite number"
                )))
            }
            Value::String(x) => w.string(x),
            Value::List(items) => self.list(w, items)?,
            Value::Map(map) => self.map(w, map)?,
            Value::Ref(n) | Value::GetAtt(n, _) if self.imported(*n).is_some() => {
                let attr = match value {
                    Value::GetAtt(_, a) => a.as_str(),
                    _ => "Ref",
                };
                match self.imported(*n).and_then(|i| i.attributes.get(attr)) {
                    Some(v) => self.value(w, v)?,
                    None => {
                        return Err(error(format!(
                            "{} is imported without its `{attr}`; import it with that attribute",
                            self.tree.path(*n)
                        )))
                    }
                }
            }
            Value::Ref(n) => match self.import_name(*n, None) {
                Some(name) => w.single(key!("Fn::ImportValue"), |w| {
                    w.string(&name);
                    Ok(())
                })?,
                None => {
                    let id = self.logical_id(*n)?;
                    w.single(key!("Ref"), |w| {
                        w.string(id);
                        Ok(())
                    })?
                }
            },
            Value::GetAtt(n, attr) => match self.import_name(*n, Some(attr)) {
                Some(name) => w.single(key!("Fn::ImportValue"), |w| {
                    w.string(&name);
                    Ok(())
                })?,
                None => {
                    let id = self.logical_id(*n)?;
                    w.single(key!("Fn::GetAtt"), |w| {
                        w.open(b'[');
                        w.item();
                        w.string(id);
                        w.item();
                        w.string(attr);
                        w.close(b']');
                        Ok(())
                    })?
                }
            },
            Value::Pseudo(p) => w.single(key!("Ref"), |w| {
                w.string(p.name());
                Ok(())
            })?,
            Value::Join(sep, parts) => w.single(key!("Fn::Join"), |w| {
                w.open(b'[');
                w.item();
                w.string(sep);
                w.item();
                self.list(w, parts)?;
                w.close(b']');
                Ok(())
            })?,
            Value::Sub(template, vars) if vars.is_empty() => w.single(key!("Fn::Sub"), |w| {
                w.string(template);
                Ok(())
            })?,
            Value::Sub(template, vars) => w.single(key!("Fn::Sub"), |w| {
                w.open(b'[');
                w.item();
                w.string(template);
                w.item();
                self.map(w, vars)?;
                w.close(b']');
                Ok(())
            })?,
            Value::Select(i, list) => w.single(key!("Fn::Select"), |w| {
                w.open(b'[');
                w.item();
                w.scalar(i)?;
                w.item();
                self.value(w, list)?;
                w.close(b']');
                Ok(())
            })?,
            Value::Split(d, src) => w.single(key!("Fn::Split"), |w| {
                w.open(b'[');
                w.item();
                w.string(d);
                w.item();
                self.value(w, src)?;
                w.close(b']');
                Ok(())
            })?,
            Value::GetAzs(region) => w.single(key!("Fn::GetAZs"), |w| self.value(w, region))?,
            Value::If(c, a, b) => w.single(key!("Fn::If"), |w| {
                w.open(b'[');
                w.item();
                w.string(c);
                w.item();
                self.value(w, a)?;
                w.item();
                self.value(w, b)?;
                w.close(b']');
                Ok(())
            })?,
            Value::ImportValue(v) => w.single(key!("Fn::ImportValue"), |w| self.value(w, v))?,
            Value::Base64(v) => w.single(key!("Fn::Base64"), |w| self.value(w, v))?,
            Value::Cidr(block, count, bits) => w.single(key!("Fn::Cidr"), |w| {
                w.open(b'[');
                w.item();
                self.value(w, block)?;
                w.item();
                w.scalar(count)?;
                w.item();
                w.scalar(bits)?;
                w.close(b']');
                Ok(())
            })?,
            Value::FindInMap(name, k1, k2) => w.single(key!("Fn::FindInMap"), |w| {
                w.open(b'[');
                w.item();
                w.string(name);
                w.item();
                self.value(w, k1)?;
                w.item();
                self.value(w, k2)?;
                w.close(b']');
                Ok(())
            })?,
            Value::Equals(a, b) => w.single(key!("Fn::Equals"), |w| {
                w.open(b'[');
                w.item();
                self.value(w, a)?;
                w.item();
                self.value(w, b)?;
                w.close(b']');
                Ok(())
            })?,
            Value::Not(v) => w.single(key!("Fn::Not"), |w| {
                w.open(b'[');
                w.item();
                self.value(w, v)?;
                w.close(b']');
                Ok(())
            })?,
            Value::And(items) => w.single(key!("Fn::And"), |w| self.list(w, items))?,
            Value::Or(items) => w.single(key!("Fn::Or"), |w| self.list(w, items))?,
            Value::Condition(c) => w.single(key!("Condition"), |w| {
                w.string(c);
                Ok(())
            })?,
        }
        Ok(())
    }

    fn list(&self, w: &mut Pretty<'_>, items: &[Value]) -> Result {
        w.open(b'[');
        for v in items {
            w.item();
            self.value(w, v)?;
        }
        w.close(b']');
        Ok(())
    }

    fn map(&self, w: &mut Pretty<'_>, map: &ValueMap) -> Result {
        w.open(b'{');
        for (k, v) in map.iter() {
            w.key(k);
            self.value(w, v)?;
        }
        w.close(b'}');
        Ok(())
    }
}

/// Lists reused from one resource to the next, so that finding a resource's tags and
/// acknowledgements allocates nothing.
#[derive(Default)]
pub(crate) struct Scratch<'a> {
    chain: Vec<NodeId>,
    tags: Vec<(&'a str, &'a str)>,
    /// The parts of a tag at the depth (the length of its line break) and with the indent they
    /// were last made for: the same for every resource of a template.
    tag_parts: Option<(usize, &'static [u8], Option<TagParts>)>,
}

impl<'a> Scratch<'a> {
    /// The resource's tags, as [`Tree::tags`] finds them (own and inherited, the lowest
    /// setting of a key winning, sorted by key), when its type takes tags; else none.
    fn tags(&mut self, tree: &Tree<'a>, node: NodeId) -> &[(&'a str, &'a str)] {
        self.tags.clear();
        if tree.tagging(node).is_none() {
            return &self.tags;
        }
        self.chain.clear();
        let mut at = Some(node);
        while let Some(n) = at {
            self.chain.push(n);
            at = tree.node(n).parent();
        }
        for &n in self.chain.iter().rev() {
            for (k, v) in tree.node(n).own_tags() {
                match self.tags.iter_mut().find(|(key, _)| key == k) {
                    Some(t) => t.1 = v,
                    None => self.tags.push((k, v)),
                }
            }
        }
        self.tags.sort_by(|a, b| a.0.cmp(b.0));
        &self.tags
    }
}

/// A resource's `Properties` (tags included) under `key` (quoted, with its colon); nothing
/// when `skip_empty` and it has neither properties nor tags (as the template leaves them out).
pub(crate) fn properties<'a>(
    w: &mut Pretty<'_>,
    cx: Cx<'_, 'a>,
    scratch: &mut Scratch<'a>,
    node: NodeId,
    resource: &gs_core::Resource,
    key: &Known,
    skip_empty: bool,
) -> Result {
    let tree = cx.tree;
    let mut cached = scratch.tag_parts.take();
    let tags = scratch.tags(tree, node);
    if skip_empty && resource.properties.is_empty() && tags.is_empty() {
        scratch.tag_parts = cached;
        return Ok(());
    }
    w.known(key);
    w.open(b'{');
    for (k, v) in resource.properties.iter() {
        w.key(k);
        cx.value(w, v)?;
    }
    // Tags set in the tree are added under the type's tag property, unless the properties
    // already spell that property out (the escape hatch wins).
    match tree.tagging(node) {
        Some(Tagging::List(name))
            if !tags.is_empty() && !resource.properties.contains_key(name) =>
        {
            w.key(name);
            w.open(b'[');
            let parts = match &cached {
                Some((len, indent, parts))
                    if *len == w.breaks.len() && *indent == w.breaks.indent() =>
                {
                    parts
                }
                _ => {
                    &cached
                        .insert((w.breaks.len(), w.breaks.indent(), TagParts::new(w)))
                        .2
                }
            };
            match parts {
                Some(parts) => {
                    for (k, v) in tags {
                        w.item();
                        parts.put(w.out, 0);
                        w.string(k);
                        parts.put(w.out, 1);
                        w.string(v);
                        parts.put(w.out, 2);
                    }
                }
                None => {
                    for (k, v) in tags {
                        w.item();
                        w.open(b'{');
                        w.known(key!("Key"));
                        w.string(k);
                        w.known(key!("Value"));
                        w.string(v);
                        w.close(b'}');
                    }
                }
            }
            w.close(b']');
        }
        Some(Tagging::Map(name)) if !tags.is_empty() && !resource.properties.contains_key(name) => {
            w.key(name);
            w.open(b'{');
            for (k, v) in tags {
                w.key(k);
                w.string(v);
            }
            w.close(b'}');
        }
        _ => {}
    }
    scratch.tag_parts = cached;
    w.close(b'}');
    Ok(())
}

/// What an item of a list of tags holds around its key and value, the same for every tag of
/// the list: `{`, a line break one level deeper and `"Key": `; `,`, that line break and
/// `"Value": `; a line break and `}`. Each is made once per list and appended as one
/// fixed-size copy ([`put`]) where [`Pretty`] makes three or four.
struct TagParts {
    /// The three parts, each at the start of its [`FIXED`] bytes (so that each can be copied
    /// whole).
    bytes: [u8; 3 * FIXED],
    /// How long each part is.
    lens: [usize; 3],
}

impl TagParts {
    /// The parts of a tag of the list `w` is in (its items' depth), if each fits in [`FIXED`]
    /// bytes (else the caller writes the tags with [`Pretty`]).
    fn new(w: &Pretty<'_>) -> Option<TagParts> {
        let indentation = w.breaks.indentation();
        let indent = w.breaks.indent();
        let mut parts = TagParts {
            bytes: [b' '; 3 * FIXED],
            lens: [0; 3],
        };
        let pieces: [&[&[u8]]; 3] = [
            &[b"{\n", indentation, indent, key!("Key").as_bytes()],
            &[b",\n", indentation, indent, key!("Value").as_bytes()],
            &[b"\n", indentation, b"}"],
        ];
        for (i, piece) in pieces.iter().enumerate() {
            let mut at = i * FIXED;
            for bytes in piece.iter() {
                parts
                    .bytes
                    .get_mut(at..at + bytes.len())
                    .filter(|_| at + bytes.len() <= (i + 1) * FIXED)?
                    .copy_from_slice(bytes);
                at += bytes.len();
            }
            *parts.lens.get_mut(i)? = at - i * FIXED;
        }
        Some(parts)
    }

    /// The `i`th part appended to `out`.
    #[inline(always)]
    fn put(&self, out: &mut Vec<u8>, i: usize) {
        put(
            out,
            &self.bytes,
            i * FIXED,
            self.lens.get(i).copied().unwrap_or(0),
        );
    }
}

fn policy_name(p: RemovalPolicy) -> &'static str {
    match p {
        RemovalPolicy::Destroy => "Delete",
        RemovalPolicy::Retain => "Retain",
        RemovalPolicy::Snapshot => "Snapshot",
    }
}

/// Where a resource's `Properties` value sits in its template (`start == end` when the
/// template leaves them out, being empty): `tree.json` copies them from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PropsSpan {
    /// The resource.
    pub node: NodeId,
    /// The value's first byte (its `{`).
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

/// How many levels deep a resource's `Properties` value sits in a template (root, Resources,
/// the resource): its closing brace is indented by this many [`TEMPLATE_INDENT`]s.
///
/// [`TEMPLATE_INDENT`]: crate::template::TEMPLATE_INDENT
pub(crate) const PROPS_DEPTH: usize = 3;

/// The template of `stack`, as `Template::of_stack(tree, stack).to_json()` writes it (final
/// newline included), appended to `out`; with `spans`, where each resource's properties were
/// written is added to it, in template order.
pub(crate) fn template(
    out: &mut Vec<u8>,
    tree: &Tree<'_>,
    stack: NodeId,
    mut spans: Option<&mut Vec<PropsSpan>>,
) -> Result {
    if let Some(d) = tree.invalid_values().first() {
        return Err(error(format!("{}: {}; fix: {}", d.path, d.message, d.fix)));
    }
    let cx = Cx { tree, stack };
    let mut w = Pretty::nested(out, crate::template::TEMPLATE_INDENT, 0);
    let (description, rules, mappings, conditions) = match tree.node(stack).kind() {
        NodeKind::Stack(s) => (
            s.description.as_deref(),
            s.rules.as_slice(),
            Some(&s.mappings),
            Some(&s.conditions),
        ),
        _ => (None, &[][..], None, None),
    };
    let elements = tree.elements(stack);
    let element = |e: NodeId| Some((tree.logical_id(e)?, tree.node(e).kind()));
    w.open_call(b'{');
    w.known_call(key!("AWSTemplateFormatVersion"));
    w.string(crate::template::FORMAT_VERSION);
    if let Some(d) = description {
        w.known_call(key!("Description"));
        w.string(d);
    }
    // Parameters.
    let mut opened = false;
    for (id, kind) in elements.iter().filter_map(|&e| element(e)) {
        let NodeKind::Parameter(p) = kind else {
            continue;
        };
        if !opened {
            w.known_call(key!("Parameters"));
            w.open_call(b'{');
            opened = true;
        }
        w.key(id);
        w.open_call(b'{');
        w.known_call(key!("Type"));
        w.string(&p.type_name);
        if let Some(d) = &p.default {
            w.known_call(key!("Default"));
            cx.value(&mut w, d)?;
        }
        if !p.allowed_values.is_empty() {
            w.known_call(key!("AllowedValues"));
            cx.list(&mut w, &p.allowed_values)?;
        }
        if let Some(d) = &p.description {
            w.known_call(key!("Description"));
            w.string(d);
        }
        if p.no_echo {
            w.known_call(key!("NoEcho"));
            w.out.extend_from_slice(b"true");
        }
        w.close_call(b'}');
    }
    if opened {
        w.close_call(b'}');
    }
    if !rules.is_empty() {
        w.known_call(key!("Rules"));
        w.open_call(b'{');
        for (name, rule) in rules {
            w.key(name);
            w.open_call(b'{');
            if let Some(c) = &rule.rule_condition {
                w.known_call(key!("RuleCondition"));
                cx.value(&mut w, c)?;
            }
            w.known_call(key!("Assertions"));
            w.open_call(b'[');
            for a in &rule.assertions {
                w.item();
                w.open_call(b'{');
                w.known_call(key!("Assert"));
                cx.value(&mut w, &a.assert)?;
                if let Some(d) = &a.description {
                    w.known_call(key!("AssertDescription"));
                    w.string(d);
                }
                w.close_call(b'}');
            }
            w.close_call(b']');
            w.close_call(b'}');
        }
        w.close_call(b'}');
    }
    if let Some(m) = mappings.filter(|m| !m.is_empty()) {
        w.known_call(key!("Mappings"));
        cx.map(&mut w, m)?;
    }
    if let Some(c) = conditions.filter(|c| !c.is_empty()) {
        w.known_call(key!("Conditions"));
        cx.map(&mut w, c)?;
    }
    w.known_call(key!("Resources"));
    w.open_call(b'{');
    let mut scratch = Scratch::default();
    let app = tree.app();
    for &e in elements {
        let Some((id, NodeKind::Resource(resource))) = element(e) else {
            continue;
        };
        w.key(id);
        w.open(b'{');
        w.known(key!("Type"));
        w.string(&resource.type_name);
        let before = w.out.len();
        properties(
            &mut w,
            cx,
            &mut scratch,
            e,
            resource,
            key!("Properties"),
            true,
        )?;
        if let Some(spans) = spans.as_deref_mut() {
            let end = w.out.len();
            // After the line break, the indentation and the key, when anything was written.
            let start = if end == before {
                end
            } else {
                before + w.breaks.len() + key!("Properties").len()
            };
            spans.push(PropsSpan {
                node: e,
                start,
                end,
            });
        }
        // A dependency that a Ref or Fn::GetAtt of the same resource already implies stays in
        // the tree (with its reason) but not in DependsOn (cfn-lint W3005).
        let explicit = tree.depends_on(e);
        if !explicit.is_empty() {
            let referenced = tree.references(e);
            let mut depends_on: Vec<&str> = explicit
                .iter()
                .filter(|d| !referenced.contains(d))
                .filter_map(|d| tree.logical_id(*d))
                .collect();
            depends_on.sort_unstable();
            depends_on.dedup();
            if !depends_on.is_empty() {
                w.known(key!("DependsOn"));
                w.open(b'[');
                for d in depends_on {
                    w.item();
                    w.string(d);
                }
                w.close(b']');
            }
        }
        if let Some(p) = resource.removal_policy {
            w.known(key!("UpdateReplacePolicy"));
            w.string(policy_name(p));
            w.known(key!("DeletionPolicy"));
            w.string(policy_name(p));
        }
        w.known(key!("Metadata"));
        w.open(b'{');
        w.known(key!("aws:cdk:path"));
        w.string(tree.path_str(e));
        if let Some(asset) = app.attached::<crate::assets::AssetMetadata>(e) {
            w.known_call(key!("aws:asset:path"));
            w.string(&asset.path);
            w.known_call(key!("aws:asset:is-bundled"));
            w.out
                .extend_from_slice(if asset.is_bundled { b"true" } else { b"false" });
            w.known_call(key!("aws:asset:property"));
            w.string(asset.property);
        }
        let mut acks = Acknowledgements::of(tree, e).peekable();
        if acks.peek().is_some() {
            w.known_call(key!("gs:acknowledged"));
            w.open_call(b'[');
            for a in acks {
                w.item();
                w.open_call(b'{');
                w.known_call(key!("rule"));
                w.string(a.rule.id);
                w.known_call(key!("reason"));
                w.string(&a.reason);
                w.close_call(b'}');
            }
            w.close_call(b']');
        }
        w.close(b'}');
        if let Some(c) = &resource.condition {
            w.known(key!("Condition"));
            w.string(c);
        }
        w.close(b'}');
    }
    w.close_call(b'}');
    // Outputs, then the exports other stacks read.
    let exports = tree.exports(stack);
    let mut opened = false;
    for (id, kind) in elements.iter().filter_map(|&e| element(e)) {
        let NodeKind::Output(o) = kind else {
            continue;
        };
        if !opened {
            w.known_call(key!("Outputs"));
            w.open_call(b'{');
            opened = true;
        }
        w.key(id);
        w.open_call(b'{');
        if let Some(d) = &o.description {
            w.known_call(key!("Description"));
            w.string(d);
        }
        w.known_call(key!("Value"));
        cx.value(&mut w, &o.value)?;
        if let Some(e) = &o.export_name {
            w.known_call(key!("Export"));
            w.single(key!("Name"), |w| cx.value(w, e))?;
        }
        if let Some(c) = &o.condition {
            w.known_call(key!("Condition"));
            w.string(c);
        }
        w.close_call(b'}');
    }
    if !exports.is_empty() {
        // By logical ID, as the template's map of exports keeps them (a later export of the
        // same ID replaces an earlier one in its place).
        let mut by_id: indexmap::IndexMap<String, (Value, String), gs_core::FastState> =
            indexmap::IndexMap::default();
        for &export in exports {
            let value = match export.attribute {
                None => Value::Ref(export.target),
                Some(attr) => Value::GetAtt(export.target, attr.to_owned()),
            };
            by_id.insert(
                crate::exports::export_logical_id(tree, export),
                (value, crate::exports::export_name(tree, export)),
            );
        }
        if !opened {
            w.known_call(key!("Outputs"));
            w.open_call(b'{');
            opened = true;
        }
        for (id, (value, name)) in &by_id {
            w.key(id);
            w.open_call(b'{');
            w.known_call(key!("Value"));
            cx.value(&mut w, value)?;
            w.known_call(key!("Export"));
            w.single(key!("Name"), |w| {
                w.string(name);
                Ok(())
            })?;
            w.close_call(b'}');
        }
    }
    if opened {
        w.close_call(b'}');
    }
    w.close_call(b'}');
    out.push(b'\n');
    Ok(())
}

/// The acknowledgements that apply to a node, as [`Tree::acknowledgements`] lists them (its
/// own, then each ancestor's), without collecting them.
struct Acknowledgements<'t, 'a> {
    tree: &'t Tree<'a>,
    at: Option<NodeId>,
    own: std::slice::Iter<'a, gs_core::Acknowledgement>,
}

impl<'t, 'a> Acknowledgements<'t, 'a> {
    fn of(tree: &'t Tree<'a>, node: NodeId) -> Self {
        Acknowledgements {
            tree,
            at: Some(node),
            own: [].iter(),
        }
    }
}

impl<'a> Iterator for Acknowledgements<'_, 'a> {
    type Item = &'a gs_core::Acknowledgement;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(a) = self.own.next() {
                return Some(a);
            }
            let n = self.at?;
            let node: &'a gs_core::Node = self.tree.node(n);
            self.own = node.acknowledgements().iter();
            self.at = node.parent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;
    use gs_core::{App, Output, Parameter, Pseudo, RawResource, Resource, StackProps};
    use proptest::prelude::*;
    use serde::Serialize;

    /// A value whose references are indices of resources made before it.
    #[derive(Clone, Debug)]
    enum Shape {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(String),
        List(Vec<Shape>),
        Map(Vec<(String, Shape)>),
        Ref(usize),
        GetAtt(usize, String),
        Pseudo,
        Join(String, Vec<Shape>),
        Sub(String, Vec<(String, Shape)>),
        Select(u32, Box<Shape>),
        If(String, Box<Shape>, Box<Shape>),
        Base64(Box<Shape>),
        Cidr(Box<Shape>, u32, u32),
        Not(Box<Shape>),
        And(Vec<Shape>),
        Condition(String),
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[A-Za-z0-9:/._-]{0,12}",
            1 => "[A-Za-z0-9 ]{0,40}",
            1 => "[a-z\"\\\\\n\t\u{1}é漢 ]{0,10}",
        ]
    }

    fn shape() -> impl Strategy<Value = Shape> {
        let leaf = prop_oneof![
            Just(Shape::Null),
            any::<bool>().prop_map(Shape::Bool),
            any::<i64>().prop_map(Shape::Int),
            (-1e12f64..1e12).prop_map(Shape::Float),
            text().prop_map(Shape::Str),
            any::<usize>().prop_map(Shape::Ref),
            (any::<usize>(), "[A-Z][a-z]{0,6}").prop_map(|(i, a)| Shape::GetAtt(i, a)),
            Just(Shape::Pseudo),
            "[A-Z]{1,3}".prop_map(Shape::Condition),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            let entries = || prop::collection::vec((text().boxed(), inner.clone()), 0..4);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Shape::List),
                entries().prop_map(Shape::Map),
                (text(), prop::collection::vec(inner.clone(), 0..3))
                    .prop_map(|(s, v)| Shape::Join(s, v)),
                (text(), entries()).prop_map(|(s, v)| Shape::Sub(s, v)),
                (any::<u32>(), inner.clone()).prop_map(|(i, v)| Shape::Select(i, Box::new(v))),
                ("[A-Z]{1,3}", inner.clone(), inner.clone()).prop_map(|(c, a, b)| Shape::If(
                    c,
                    Box::new(a),
                    Box::new(b)
                )),
                inner.clone().prop_map(|v| Shape::Base64(Box::new(v))),
                (inner.clone(), any::<u32>(), any::<u32>()).prop_map(|(v, c, b)| Shape::Cidr(
                    Box::new(v),
                    c,
                    b
                )),
                inner.clone().prop_map(|v| Shape::Not(Box::new(v))),
                prop::collection::vec(inner, 0..3).prop_map(Shape::And),
            ]
        })
    }

    fn value(shape: &Shape, made: &[NodeId]) -> Value {
        let pick = |i: &usize| made.get(i % made.len().max(1)).copied();
        let map = |entries: &[(String, Shape)]| {
            let mut m = ValueMap::new();
            for (k, v) in entries {
                m.insert(k.clone(), value(v, made));
            }
            m
        };
        match shape {
            Shape::Null => Value::Null,
            Shape::Bool(b) => Value::Bool(*b),
            Shape::Int(i) => Value::Int(*i),
            Shape::Float(f) => Value::Float(*f),
            Shape::Str(s) => Value::String(s.clone()),
            Shape::List(items) => Value::List(items.iter().map(|v| value(v, made)).collect()),
            Shape::Map(entries) => Value::Map(map(entries)),
            Shape::Ref(i) => pick(i).map_or(Value::Null, Value::Ref),
            Shape::GetAtt(i, a) => pick(i).map_or(Value::Null, |n| Value::GetAtt(n, a.clone())),
            Shape::Pseudo => Value::Pseudo(Pseudo::Region),
            Shape::Join(s, v) => Value::Join(s.clone(), v.iter().map(|v| value(v, made)).collect()),
            Shape::Sub(s, v) => Value::Sub(s.clone(), map(v)),
            Shape::Select(i, v) => Value::Select(*i, Box::new(value(v, made))),
            Shape::If(c, a, b) => Value::If(
                c.clone(),
                Box::new(value(a, made)),
                Box::new(value(b, made)),
            ),
            Shape::Base64(v) => Value::Base64(Box::new(value(v, made))),
            Shape::Cidr(v, c, b) => Value::Cidr(Box::new(value(v, made)), *c, *b),
            Shape::Not(v) => Value::Not(Box::new(value(v, made))),
            Shape::And(v) => Value::And(v.iter().map(|v| value(v, made)).collect()),
            Shape::Condition(c) => Value::Condition(c.clone()),
        }
    }

    /// What serde_json's own pretty printer (one-space indent) writes for the template: the
    /// reference of both the fast serde path and the direct writer.
    fn serde_json_pretty(template: &Template<'_, '_>) -> Vec<u8> {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        template.serialize(&mut ser).unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn put_appends_the_bytes_asked_for_whether_copied_fixed_or_not() {
        let bytes: Vec<u8> = (0..80u8).map(|b| b'0' + b % 40).collect();
        for size in [0, 1, FIXED - 1, FIXED, FIXED + 1, 40, 80] {
            let bytes = &bytes[..size];
            for from in 0..=size.min(3) {
                for len in 0..=size - from {
                    let mut out = b"kept".to_vec();
                    put(&mut out, bytes, from, len);
                    let mut expected = b"kept".to_vec();
                    expected.extend_from_slice(&bytes[from..from + len]);
                    assert_eq!(out, expected, "size {size}, from {from}, len {len}");
                }
            }
        }
    }

    /// Tags written with [`TagParts`] are the tags written item by item, at any depth and with
    /// any indent (deep enough, the parts do not fit and are not made).
    #[test]
    fn tag_parts_write_what_the_writer_writes_item_by_item() {
        let tags = [
            ("Env", "dev"),
            ("quo\"te", ""),
            ("a long tag key of many bytes", "v"),
        ];
        let mut made = 0;
        for indent in ["", " ", "  ", "\t\t\t\t"] {
            for depth in 0..40 {
                let write = |parts: bool| {
                    let mut out = b"kept".to_vec();
                    let mut w = Pretty::nested(&mut out, indent, depth);
                    w.open(b'[');
                    let tag_parts = if parts { TagParts::new(&w) } else { None };
                    for (k, v) in tags {
                        w.item();
                        match &tag_parts {
                            Some(p) => {
                                p.put(w.out, 0);
                                w.string(k);
                                p.put(w.out, 1);
                                w.string(v);
                                p.put(w.out, 2);
                            }
                            None => {
                                w.open(b'{');
                                w.known(key!("Key"));
                                w.string(k);
                                w.known(key!("Value"));
                                w.string(v);
                                w.close(b'}');
                            }
                        }
                    }
                    w.close(b']');
                    out
                };
                let mut w_out = Vec::new();
                let mut w = Pretty::nested(&mut w_out, indent, depth);
                w.open(b'[');
                made += usize::from(TagParts::new(&w).is_some());
                assert_eq!(
                    String::from_utf8_lossy(&write(true)),
                    String::from_utf8_lossy(&write(false)),
                    "indent {indent:?}, depth {depth}"
                );
            }
        }
        // Most depths have parts; the deepest do not.
        assert!(made > 40 && made < 160, "{made}");
    }

    #[test]
    fn a_known_key_is_quoted_with_its_colon() {
        assert_eq!(key!("Type").as_bytes(), b"\"Type\": ");
        assert_eq!(key!("Type").len(), 8);
        let longest = key!("aws:cdk:cloudformation:props");
        assert_eq!(longest.as_bytes(), b"\"aws:cdk:cloudformation:props\": ");
        assert_eq!(longest.len(), FIXED);
        assert_eq!(Known::new("").as_bytes(), b"\"\": ");
    }

    #[test]
    fn newline_into_is_the_line_break_of_a_deeper_item() {
        for depth in [0, 1, 3, 20] {
            let mut out = Vec::new();
            let mut w = Pretty::nested(&mut out, "  ", depth);
            w.open(b'{');
            let mut made = Vec::new();
            w.newline_into(&mut made, 2);
            // What the writer itself writes before an item two levels deeper.
            w.known(key!("a"));
            w.open(b'[');
            w.open(b'[');
            let start = w.out().len();
            w.item();
            let written = w.out().get(start..).unwrap_or_default().to_vec();
            assert_eq!(made, written, "depth {depth}");
        }
    }

    /// Values nested deeper than a fixed copy of a line break reaches (the indentation outgrows
    /// [`FIXED`] bytes): written as serde_json writes them.
    #[test]
    fn deeply_nested_values_are_written_as_serde_json_writes_them() {
        for indent_depth in [10, 29, 30, 31, 32, 40, 60] {
            let mut value = Value::from("leaf");
            for i in 0..indent_depth {
                value = if i % 2 == 0 {
                    Value::List(vec![Value::Int(1), value])
                } else {
                    Value::Map(ValueMap::new().with("k", value).with("after", true))
                };
            }
            let mut app = App::new();
            let stack = app.stack("Stack", StackProps::default()).unwrap();
            app.at(stack)
                .unwrap()
                .resource::<RawResource>(
                    "Deep",
                    Resource::new("AWS::SNS::Topic").property("Deep", value),
                )
                .unwrap();
            let tree = app.freeze();
            let stack = stack.into();
            let template = Template::of_stack(&tree, stack);
            let mut direct = Vec::new();
            super::template(&mut direct, &tree, stack, None).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&direct),
                String::from_utf8_lossy(&serde_json_pretty(&template)),
                "{indent_depth} levels"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn the_direct_writer_writes_what_serde_json_writes_for_the_template(
            resources in prop::collection::vec((text(), prop::collection::vec((text(), shape()), 0..4), 0..3u8), 1..6),
            tags in prop::collection::vec(("[A-Za-z]{1,6}", "[A-Za-z0-9 é]{0,8}"), 0..3),
            output in shape(),
            default in shape(),
            condition in shape(),
            description in prop::option::of(text()),
        ) {
            let mut app = App::new();
            let props = StackProps { description, ..StackProps::default() };
            let producer = app.stack("Producer", StackProps::default()).unwrap();
            let stack = app.stack("Stack", props).unwrap();
            let shared = app
                .at(producer)
                .unwrap()
                .resource::<RawResource>("Shared", Resource::new("AWS::SNS::Topic"))
                .unwrap()
                .node();
            for (k, v) in &tags {
                app.tag(stack, k, v).unwrap();
            }
            let mut made = vec![shared];
            for (i, (id, props, kind)) in resources.iter().enumerate() {
                let mut r = Resource::new("AWS::SNS::Topic");
                r = match kind {
                    0 => r.tagged(),
                    1 => r.removal_policy(RemovalPolicy::Retain),
                    _ => r,
                };
                for (k, v) in props {
                    r = r.property(k.clone(), value(v, &made));
                }
                let mut s = app.at(stack).unwrap();
                let mut g = s.group(&format!("G{i}{}", id.replace(['/', '"', '\\'], ""))).unwrap();
                let node = g.resource::<RawResource>("Resource", r).unwrap().node();
                if let Some(&first) = made.get(1) {
                    app.add_dependency(node, first, "ordered").unwrap();
                }
                made.push(node);
            }
            let mut s = app.at(stack).unwrap();
            let mut p = Parameter::new("String");
            p.default = Some(value(&default, &[]));
            p.allowed_values = vec![Value::from("a"), Value::from("b\"")];
            p.no_echo = true;
            s.parameter("Param", p).unwrap();
            let mut o = Output::new(value(&output, &made));
            o.export_name = Some(Value::from("exported"));
            s.output("Out", o).unwrap();
            s.output("Shared", Output::new(Value::GetAtt(shared, "TopicArn".into()))).unwrap();
            s.condition("Cond", value(&condition, &made)).unwrap_or(());
            s.mapping("Map", ValueMap::new().with("K", ValueMap::new().with("V", "x"))).unwrap_or(());
            let tree = app.freeze();
            for &stack in tree.stacks() {
                let template = Template::of_stack(&tree, stack);
                let mut direct = Vec::new();
                let written = super::template(&mut direct, &tree, stack, None);
                match template.to_json() {
                    Ok(expected) => {
                        prop_assert!(written.is_ok());
                        prop_assert_eq!(
                            String::from_utf8_lossy(&direct),
                            String::from_utf8_lossy(&expected)
                        );
                        let reference = serde_json_pretty(&template);
                        prop_assert_eq!(
                            String::from_utf8_lossy(&direct),
                            String::from_utf8_lossy(&reference)
                        );
                    }
                    Err(e) => prop_assert_eq!(
                        written.map_err(|e| e.to_string()),
                        Err(e.to_string())
                    ),
                }
            }
            // tree.json with the props copied, re-indented, from the templates is tree.json
            // with the props written anew.
            if let Ok(expected) = crate::tree_json::tree_json(&tree) {
                let mut writer = crate::tree_json::TreeWriter::new(&tree);
                let mut copied = Vec::new();
                writer.head(&mut copied);
                for (i, &stack) in tree.stacks().iter().enumerate() {
                    let (mut template, mut spans) = (Vec::new(), Vec::new());
                    super::template(&mut template, &tree, stack, Some(&mut spans)).unwrap();
                    let resources = tree
                        .elements(stack)
                        .iter()
                        .filter(|e| matches!(tree.node(**e).kind(), NodeKind::Resource(_)))
                        .count();
                    prop_assert_eq!(spans.len(), resources);
                    let written = crate::tree_json::Written { template: &template, spans: &spans };
                    writer.stack(&mut copied, stack, i == 0, Some(written), None).unwrap();
                }
                writer.tail(&mut copied);
                prop_assert_eq!(
                    String::from_utf8_lossy(&copied),
                    String::from_utf8_lossy(&expected)
                );
            }
        }
    }
}
