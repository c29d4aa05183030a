//! Logical IDs that follow other resources: [`App::add_to_logical_id`], CDK's
//! `addToLogicalId` (aws-cdk-lib `aws-apigateway/lib/deployment.ts`, `LatestDeploymentResource`).
//!
//! Some resources are immutable snapshots of others: an `AWS::ApiGateway::Deployment` captures
//! its API's resources and methods when it is created, and CloudFormation creates a new one only
//! when its logical ID changes. CDK therefore appends to the deployment's logical ID the MD5 of
//! the API's model: `LatestDeployment` + `md5(JSON.stringify(c1) + JSON.stringify(c2) + ...)`,
//! the components being every resource's and method's properties and the RestApi's
//! CloudFormation, resolved at synthesis.
//!
//! gs does the same when the app is frozen, so the hash sees the final tree (methods added
//! after the deployment, properties changed through [`App::resource_mut`]) and the tree is only
//! read: the ID of a hashed resource is its ID from the path (or its override) followed by the
//! lower-case hex MD5 of the concatenated JSON models of its sources, in the order they were
//! added. A source's model is `{"Type":..,"Properties":..}` (plus `"Condition"` when set) as the
//! template will show it: references as `{"Ref": logical ID}` and `{"Fn::GetAtt": [...]}`,
//! intrinsic functions as their `Fn::*` objects, tags merged in as the CloudFormation backend
//! merges them. References name the logical IDs computed from paths and overrides, before any
//! hash is applied, so resources hashing each other cannot loop.
//!
//! Where this differs from CDK: CDK's components are its L1 property objects (camelCase keys,
//! wrapped as `{"method": ...}` / `{"resource": ...}`) and the RestApi's `_toCloudFormation()`;
//! gs hashes the CloudFormation form of each source directly. So the hashes, and the IDs, are
//! not byte-equal to CDK's; the scheme (what changes the ID, its shape) is the same.

use std::fmt::Write as _;

use crate::app::App;
use crate::error::TreeError;
use crate::handle::NodeId;
use crate::logical_id::MAX_LOGICAL_ID_LEN;
use crate::node::{NodeKind, Tagging};
use crate::tree::Tree;
use crate::value::{Value, ValueMap};

/// Length of the hash appended to a hashed logical ID: an MD5 in hex.
const HASH_LEN: usize = 32;

/// The sources whose models hash into a resource's logical ID, in the order they were added.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogicalIdHash {
    sources: Vec<NodeId>,
}

impl App {
    /// Makes the logical ID of the resource `node` carry a hash of the CloudFormation model of
    /// the resource `source` (its type, properties, tags and condition, as the template will show
    /// them), computed when the app is frozen: any change to `source` gives `node` a new logical
    /// ID, so CloudFormation creates a new `node` instead of keeping the old one. CDK's
    /// `addToLogicalId`, used for the same purpose: an API Gateway deployment is a snapshot of its
    /// API and must be replaced when the API changes.
    ///
    /// The ID becomes the ID from the path (or [`App::override_logical_id`]) followed by the
    /// 32 lower-case hex digits of the MD5 of the sources' models, in the order they were added.
    /// Adding a source twice hashes it once.
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps, Value};
    /// let build = |name: &str| -> Result<String, gs_core::TreeError> {
    ///     let mut app = App::new();
    ///     let stack = app.stack("Demo", StackProps::default())?;
    ///     let mut s = app.at(stack)?;
    ///     let api = s.resource::<RawResource>("Api", Resource::new("AWS::ApiGateway::RestApi").property("Name", name))?;
    ///     let d = s.resource::<RawResource>("Deployment", Resource::new("AWS::ApiGateway::Deployment")
    ///         .property("RestApiId", Value::Ref(api.node())))?;
    ///     app.add_to_logical_id(d, api)?;
    ///     let id = app.freeze().logical_id(d.node()).unwrap_or_default().to_string();
    ///     Ok(id)
    /// };
    /// let (a, b) = (build("events")?, build("records")?);
    /// assert!(a.starts_with("Deployment") && a.len() == "Deployment".len() + 32);
    /// assert_ne!(a, b);
    /// assert_eq!(a, build("events")?);
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn add_to_logical_id(
        &mut self,
        node: impl Into<NodeId>,
        source: impl Into<NodeId>,
    ) -> Result<(), TreeError> {
        let node = node.into();
        let source = source.into();
        // Only checked to be a resource: not handed out to change, so not copied for the journal.
        self.resource_in_place(node)?;
        self.check_in(source, || {
            format!("{}: App::add_to_logical_id", self.path_of(node))
        })?;
        if self.node(source)?.as_resource().is_none() {
            return Err(TreeError::WrongKind {
                path: self.path(source)?,
                expected: "a resource (a logical ID follows the model of resources)",
                fix: "pass the resource node of the construct (e.g. its `resource` handle)",
            });
        }
        let mut hash = self
            .attached::<LogicalIdHash>(node)
            .cloned()
            .unwrap_or_default();
        if !hash.sources.contains(&source) {
            hash.sources.push(source);
        }
        self.attach(node, hash)
    }
}

/// The hashed logical IDs of `tree`, as (node, ID), from the IDs computed so far (paths and
/// overrides). The caller assigns them, so every hash reads the same unhashed IDs.
pub(crate) fn hashed_ids(tree: &Tree<'_>) -> Vec<(NodeId, String)> {
    let mut out = Vec::new();
    let mut text = String::new();
    for (node, hash) in tree.app().all_attached::<LogicalIdHash>() {
        let Some(base) = tree.logical_id(node) else {
            continue;
        };
        text.clear();
        let cut = base.len() + HASH_LEN > MAX_LOGICAL_ID_LEN;
        if cut {
            // Too long for the hash: the ID is cut, and the whole ID hashed with the models so
            // that two IDs cut to the same prefix still differ.
            write_string(&mut text, base);
        }
        for &source in &hash.sources {
            write_model(tree, source, &mut text);
        }
        let mut id: String = if cut {
            base.chars().take(MAX_LOGICAL_ID_LEN - HASH_LEN).collect()
        } else {
            base.to_string()
        };
        const HEX: &[u8; 16] = b"0123456789abcdef";
        id.reserve(HASH_LEN);
        for b in crate::md5_block::digest(text.as_bytes()) {
            id.push(char::from(HEX[usize::from(b >> 4)]));
            id.push(char::from(HEX[usize::from(b & 0xF)]));
        }
        out.push((node, id));
    }
    out
}

/// The model of the resource `source`, as JSON text.
fn write_model(tree: &Tree<'_>, source: NodeId, out: &mut String) {
    let NodeKind::Resource(r) = tree.node(source).kind() else {
        return;
    };
    out.push_str("{\"Type\":");
    write_string(out, &r.type_name);
    out.push_str(",\"Properties\":");
    let tagging = tree.tagging(source);
    let tags = if tagging.is_some() {
        tree.tags(source)
    } else {
        Vec::new()
    };
    let tag_property = match tagging {
        Some(Tagging::List(name) | Tagging::Map(name))
            if !tags.is_empty() && !r.properties.contains_key(name) =>
        {
            Some(name)
        }
        _ => None,
    };
    let mut tag_value = None;
    if let Some(name) = tag_property {
        let value = match tagging {
            Some(Tagging::Map(_)) => {
                Value::Map(tags.iter().map(|(k, v)| (k.to_string(), *v)).collect())
            }
            _ => Value::List(
                tags.iter()
                    .map(|(k, v)| Value::Map(ValueMap::new().with("Key", *k).with("Value", *v)))
                    .collect(),
            ),
        };
        tag_value = Some((name, value));
    }
    let mut properties: Vec<(&str, &Value)> = r.properties.iter().collect();
    if let Some((name, value)) = &tag_value {
        properties.push((name, value));
    }
    write_entries(tree, &properties, out);
    if let Some(c) = &r.condition {
        out.push_str(",\"Condition\":");
        write_string(out, c);
    }
    out.push('}');
}

/// One step of the iterative writer: a list or map being written (its remaining items), or text
/// and values still to write after the current one (a stack: the last pushed is written first).
enum Step<'v> {
    /// The rest of a list, closed by `]`.
    Items {
        items: std::slice::Iter<'v, Value>,
        first: bool,
        in_import: bool,
    },
    /// The rest of a map, closed by `}`.
    Entries {
        entries: crate::value_map::Iter<'v>,
        first: bool,
        in_import: bool,
    },
    Text(&'static str),
    Num(u32),
    Value(&'v Value, bool),
}

/// `{"k":v,...}` for `entries`, in order.
fn write_entries<'v>(tree: &'v Tree<'_>, entries: &[(&'v str, &'v Value)], out: &mut String) {
    let mut steps = Vec::new();
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        write_value(tree, v, false, &mut steps, out);
    }
    out.push('}');
}

/// Writes `value` as compact JSON straight into `out`, with an explicit stack (`steps`, empty on
/// entry and on return), so a deeply nested value cannot overflow the call stack. `in_import`
/// marks values read from an import's attributes: references there are written by path, so an
/// import that names itself cannot loop.
fn write_value<'v>(
    tree: &'v Tree<'_>,
    value: &'v Value,
    in_import: bool,
    steps: &mut Vec<Step<'v>>,
    out: &mut String,
) {
    steps.push(Step::Value(value, in_import));
    while let Some(step) = steps.last_mut() {
        let (value, in_import) = match step {
            Step::Items {
                items,
                first,
                in_import,
            } => match items.next() {
                Some(v) => {
                    if !*first {
                        out.push(',');
                    }
                    *first = false;
                    (v, *in_import)
                }
                None => {
                    out.push(']');
                    steps.pop();
                    continue;
                }
            },
            Step::Entries {
                entries,
                first,
                in_import,
            } => match entries.next() {
                Some((k, v)) => {
                    if !*first {
                        out.push(',');
                    }
                    *first = false;
                    write_string(out, k);
                    out.push(':');
                    (v, *in_import)
                }
                None => {
                    out.push('}');
                    steps.pop();
                    continue;
                }
            },
            Step::Text(t) => {
                out.push_str(t);
                steps.pop();
                continue;
            }
            Step::Num(n) => {
                let _ = write!(out, "{n}");
                steps.pop();
                continue;
            }
            Step::Value(v, in_import) => {
                let next = (*v, *in_import);
                steps.pop();
                next
            }
        };
        let items = |items: &'v [Value]| Step::Items {
            items: items.iter(),
            first: true,
            in_import,
        };
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) if f.is_finite() => {
                let _ = write!(out, "{f}");
            }
            Value::Float(_) => out.push_str("null"),
            Value::String(s) => write_string(out, s),
            Value::List(list) => {
                out.push('[');
                steps.push(items(list));
            }
            Value::Map(map) => {
                out.push('{');
                steps.push(Step::Entries {
                    entries: map.entries(),
                    first: true,
                    in_import,
                });
            }
            Value::Ref(n) | Value::GetAtt(n, _) => {
                let attr = match value {
                    Value::GetAtt(_, a) => Some(a.as_str()),
                    _ => None,
                };
                let imported = match tree.node(*n).kind() {
                    NodeKind::Import(i) if !in_import => i.attributes.get(attr.unwrap_or("Ref")),
                    _ => None,
                };
                if let Some(v) = imported {
                    // The template shows what is known of the import, not a reference.
                    steps.push(Step::Value(v, true));
                    continue;
                }
                let path;
                let name = match tree.logical_id(*n) {
                    Some(id) => id,
                    None => {
                        path = tree.path(*n);
                        path.as_str()
                    }
                };
                match attr {
                    None => {
                        out.push_str("{\"Ref\":");
                        write_string(out, name);
                        out.push('}');
                    }
                    Some(a) => {
                        out.push_str("{\"Fn::GetAtt\":[");
                        write_string(out, name);
                        out.push(',');
                        write_string(out, a);
                        out.push_str("]}");
                    }
                }
            }
            Value::Pseudo(p) => {
                out.push_str("{\"Ref\":");
                write_string(out, p.name());
                out.push('}');
            }
            Value::Join(sep, parts) => {
                out.push_str("{\"Fn::Join\":[");
                write_string(out, sep);
                out.push_str(",[");
                steps.push(Step::Text("]}"));
                steps.push(items(parts));
            }
            Value::Sub(template, vars) if vars.is_empty() => {
                out.push_str("{\"Fn::Sub\":");
                write_string(out, template);
                out.push('}');
            }
            Value::Sub(template, vars) => {
                out.push_str("{\"Fn::Sub\":[");
                write_string(out, template);
                out.push_str(",{");
                steps.push(Step::Text("]}"));
                steps.push(Step::Entries {
                    entries: vars.entries(),
                    first: true,
                    in_import,
                });
            }
            Value::Select(i, list) => {
                let _ = write!(out, "{{\"Fn::Select\":[{i},");
                steps.push(Step::Text("]}"));
                steps.push(Step::Value(list, in_import));
            }
            Value::Split(d, src) => {
                out.push_str("{\"Fn::Split\":[");
                write_string(out, d);
                out.push(',');
                steps.push(Step::Text("]}"));
                steps.push(Step::Value(src, in_import));
            }
            Value::GetAzs(v) => {
                out.push_str("{\"Fn::GetAZs\":");
                steps.push(Step::Text("}"));
                steps.push(Step::Value(v, in_import));
            }
            Value::If(c, a, b) => {
                out.push_str("{\"Fn::If\":[");
                write_string(out, c);
                out.push(',');
                steps.push(Step::Text("]}"));
                steps.push(Step::Value(b, in_import));
                steps.push(Step::Text(","));
                steps.push(Step::Value(a, in_import));
            }
            Value::ImportValue(v) => {
                out.push_str("{\"Fn::ImportValue\":");
                steps.push(Step::Text("}"));
                steps.push(Step::Value(v, in_import));
            }
            Value::Base64(v) => {
                out.push_str("{\"Fn::Base64\":");
                steps.push(Step::Text("}"));
                steps.push(Step::Value(v, in_import));
            }
            Value::Cidr(block, count, bits) => {
                out.push_str("{\"Fn::Cidr\":[");
                steps.push(Step::Text("]}"));
                steps.push(Step::Num(*bits));
                steps.push(Step::Text(","));
                steps.push(Step::Num(*count));
                steps.push(Step::Text(","));
                steps.push(Step::Value(block, in_import));
            }
            Value::FindInMap(name, k1, k2) => {
                out.push_str("{\"Fn::FindInMap\":[");
                write_string(out, name);
                out.push(',');
                steps.push(Step::Text("]}"));
                steps.push(Step::Value(k2, in_import));
                steps.push(Step::Text(","));
                steps.push(Step::Value(k1, in_import));
            }
            Value::Equals(a, b) => {
                out.push_str("{\"Fn::Equals\":[");
                steps.push(Step::Text("]}"));
                steps.push(Step::Value(b, in_import));
                steps.push(Step::Text(","));
                steps.push(Step::Value(a, in_import));
            }
            Value::Not(v) => {
                out.push_str("{\"Fn::Not\":[");
                steps.push(Step::Text("]}"));
                steps.push(Step::Value(v, in_import));
            }
            Value::And(list) => {
                out.push_str("{\"Fn::And\":[");
                steps.push(Step::Text("}"));
                steps.push(items(list));
            }
            Value::Or(list) => {
                out.push_str("{\"Fn::Or\":[");
                steps.push(Step::Text("}"));
                steps.push(items(list));
            }
            Value::Condition(c) => {
                out.push_str("{\"Condition\":");
                write_string(out, c);
                out.push('}');
            }
        }
    }
}

/// `s` as a JSON string, escaped as `JSON.stringify` escapes it. The runs between characters to
/// escape (all ASCII, so every cut is at a character boundary) are copied whole.
fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    if !crate::scan::json_special(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escaped.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escaped);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    #[test]
    fn strings_are_escaped_as_json_stringify_escapes_them() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [
            "",
            "plain",
            "a\"b\\c",
            "ends with \\",
            "\u{1}\u{1f}é\u{2028}漢字\n",
            every_ascii.as_str(),
        ] {
            let mut out = String::new();
            write_string(&mut out, s);
            // serde_json escapes what JSON.stringify escapes, the same way (short forms for
            // \b \f \n \r \t, lower-case \u00xx for the other control characters).
            assert_eq!(out, serde_json::to_string(s).expect("a string"), "{s:?}");
        }
    }
    use crate::node::{Import, Resource};
    use crate::value::Pseudo;
    use crate::{RawResource, StackProps};

    /// An app with a stack `S`, a resource `Source` of `properties` and a resource `Target`.
    fn app_with(properties: ValueMap) -> (App, NodeId, NodeId) {
        let mut app = App::new();
        let stack = app.stack("S", StackProps::default()).expect("stack");
        let mut s = app.at(stack).expect("scope");
        let source = s
            .resource::<RawResource>("Source", Resource::new("AWS::X::Y").properties(properties))
            .expect("source")
            .node();
        let target = s
            .resource::<RawResource>("Target", Resource::new("AWS::X::Z"))
            .expect("target")
            .node();
        (app, source, target)
    }

    fn model(app: &App, source: NodeId) -> String {
        let tree = app.freeze();
        let mut out = String::new();
        write_model(&tree, source, &mut out);
        out
    }

    #[test]
    fn the_model_is_the_resource_as_the_template_writes_it_in_compact_json() {
        let (mut app, source, target) = app_with(ValueMap::new());
        let props = ValueMap::new()
            .with("S", "a\"b\\c\n\u{1}é")
            .with(
                "N",
                Value::List(vec![Value::Null, true.into(), 3.into(), Value::Float(1.5)]),
            )
            .with("R", Value::Ref(target))
            .with("A", Value::GetAtt(target, "Arn".into()))
            .with("P", Value::Pseudo(Pseudo::Region))
            .with(
                "J",
                Value::join("-", [Value::from("x"), Value::Ref(target)]),
            )
            .with("Sub", Value::sub("${AWS::Region}"))
            .with(
                "SubVars",
                Value::Sub("${X}".into(), ValueMap::new().with("X", Value::Ref(target))),
            )
            .with(
                "Sel",
                Value::Select(
                    1,
                    Box::new(Value::Split(",".into(), Box::new("a,b".into()))),
                ),
            )
            .with("Az", Value::GetAzs(Box::new("".into())))
            .with(
                "If",
                Value::If("C".into(), Box::new(1.into()), Box::new(Value::Null)),
            )
            .with("Imp", Value::ImportValue(Box::new("e".into())))
            .with("B", Value::Base64(Box::new("x".into())))
            .with("Cidr", Value::Cidr(Box::new("10.0.0.0/16".into()), 2, 8))
            .with(
                "Find",
                Value::FindInMap("M".into(), Box::new("k".into()), Box::new("l".into())),
            )
            .with(
                "Cond",
                Value::And(vec![
                    Value::Equals(Box::new("a".into()), Box::new("b".into())),
                    Value::Not(Box::new(Value::Condition("C".into()))),
                    Value::Or(vec![true.into()]),
                ]),
            )
            .with("M", ValueMap::new());
        app.resource_mut(source).expect("source").properties = props;
        let expected = r#"{"Type":"AWS::X::Y","Properties":{"S":"a\"b\\c\n\u0001é","N":[null,true,3,1.5],"R":{"Ref":"Target"},"A":{"Fn::GetAtt":["Target","Arn"]},"P":{"Ref":"AWS::Region"},"J":{"Fn::Join":["-",["x",{"Ref":"Target"}]]},"Sub":{"Fn::Sub":"${AWS::Region}"},"SubVars":{"Fn::Sub":["${X}",{"X":{"Ref":"Target"}}]},"Sel":{"Fn::Select":[1,{"Fn::Split":[",","a,b"]}]},"Az":{"Fn::GetAZs":""},"If":{"Fn::If":["C",1,null]},"Imp":{"Fn::ImportValue":"e"},"B":{"Fn::Base64":"x"},"Cidr":{"Fn::Cidr":["10.0.0.0/16",2,8]},"Find":{"Fn::FindInMap":["M","k","l"]},"Cond":{"Fn::And":[{"Fn::Equals":["a","b"]},{"Fn::Not":[{"Condition":"C"}]},{"Fn::Or":[true]}]},"M":{}}}"#;
        let written = model(&app, source);
        assert_eq!(written, expected);
        let parsed: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(parsed["Properties"]["S"], "a\"b\\c\n\u{1}é");
    }

    #[test]
    fn large_maps_and_nested_containers_are_written_in_order() {
        // Past 16 entries a map is hash-indexed; its entries are still written in insertion order.
        let big: ValueMap = (0..20).map(|i| (format!("K{i}"), i)).collect();
        let nested = Value::List(vec![
            Value::List(vec![]),
            Value::Map(ValueMap::new()),
            Value::List(vec![Value::Map(
                ValueMap::new().with("a", Value::List(vec![1.into()])),
            )]),
        ]);
        let (mut app, source, _) = app_with(ValueMap::new());
        app.resource_mut(source).expect("source").properties = ValueMap::new()
            .with("Big", big.clone())
            .with("Nested", nested);
        let written = model(&app, source);
        let big_json: Vec<String> = (0..20).map(|i| format!("\"K{i}\":{i}")).collect();
        assert_eq!(
            written,
            format!(
                r#"{{"Type":"AWS::X::Y","Properties":{{"Big":{{{}}},"Nested":[[],{{}},[{{"a":[1]}}]]}}}}"#,
                big_json.join(",")
            )
        );
    }

    #[test]
    fn tags_and_the_condition_are_part_of_the_model() {
        let (mut app, source, _) = app_with(ValueMap::new().with("Name", "n"));
        app.resource_mut(source).expect("source").tagging = Some(Tagging::List("Tags"));
        let untagged = model(&app, source);
        app.tag(source, "team", "media").expect("tag");
        assert_eq!(
            model(&app, source),
            r#"{"Type":"AWS::X::Y","Properties":{"Name":"n","Tags":[{"Key":"team","Value":"media"}]}}"#
        );
        assert_ne!(untagged, model(&app, source));
        app.resource_mut(source).expect("source").condition = Some("IsProd".into());
        assert!(model(&app, source).ends_with(r#"},"Condition":"IsProd"}"#));
    }

    #[test]
    fn an_import_is_written_as_what_is_known_of_it_and_one_naming_itself_does_not_loop() {
        let (mut app, source, _) = app_with(ValueMap::new());
        let stack = app.stacks()[0];
        let imported = app
            .at(stack)
            .expect("scope")
            .import::<RawResource>(
                "Logs",
                Import {
                    type_name: "AWS::Logs::LogGroup".into(),
                    attributes: ValueMap::new().with("Ref", "app-logs"),
                },
            )
            .expect("import")
            .node();
        if let NodeKind::Import(i) = &mut app.nodes[imported.index()].kind {
            i.attributes
                .insert("Arn", Value::GetAtt(imported, "Arn".into()));
        }
        app.resource_mut(source).expect("source").properties = ValueMap::new()
            .with("Name", Value::Ref(imported))
            .with("Arn", Value::GetAtt(imported, "Arn".into()));
        assert_eq!(
            model(&app, source),
            r#"{"Type":"AWS::X::Y","Properties":{"Name":"app-logs","Arn":{"Fn::GetAtt":["S/Logs","Arn"]}}}"#
        );
    }

    #[test]
    fn a_value_nested_ten_thousand_levels_is_written_without_recursion() {
        let mut v = Value::from("leaf");
        for _ in 0..10_000 {
            v = Value::List(vec![v]);
        }
        let (mut app, source, _) = app_with(ValueMap::new());
        app.resource_mut(source).expect("source").properties = ValueMap::new().with("Deep", v);
        let (written, app) = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || (model(&app, source).len(), app))
            .expect("thread")
            .join()
            .expect("no stack overflow");
        // Dropping the value recurses (Rust's drop glue); not what this test is about.
        std::mem::forget(app);
        assert_eq!(
            written,
            r#"{"Type":"AWS::X::Y","Properties":{"Deep":"leaf"}}"#.len() + 20_000
        );
    }

    #[test]
    fn the_id_is_the_base_id_and_the_md5_of_the_sources_models_in_order() {
        let (mut app, source, target) = app_with(ValueMap::new().with("Name", "n"));
        app.add_to_logical_id(target, source).expect("hash");
        app.add_to_logical_id(target, source)
            .expect("a source added twice counts once");
        let tree = app.freeze();
        let mut text = String::new();
        write_model(&tree, source, &mut text);
        let md5: String = Md5::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            tree.logical_id(target),
            Some(format!("Target{md5}").as_str())
        );
        assert_eq!(
            tree.logical_id(source),
            Some("Source"),
            "the source keeps its ID"
        );
    }

    #[test]
    fn an_overridden_id_is_the_base_and_an_id_too_long_for_the_hash_is_cut_to_255() {
        let (mut app, source, target) = app_with(ValueMap::new());
        app.add_to_logical_id(target, source).expect("hash");
        app.override_logical_id(target, "Chosen").expect("override");
        let id = app
            .freeze()
            .logical_id(target)
            .map(str::to_string)
            .unwrap_or_default();
        assert!(id.starts_with("Chosen") && id.len() == 6 + 32, "{id}");
        let long = |c: &str| c.repeat(250);
        app.override_logical_id(target, long("A"))
            .expect("override");
        let a = app
            .freeze()
            .logical_id(target)
            .map(str::to_string)
            .unwrap_or_default();
        assert_eq!(a.len(), MAX_LOGICAL_ID_LEN);
        let mut b_id = long("A");
        b_id.push('B');
        app.override_logical_id(target, b_id).expect("override");
        let b = app
            .freeze()
            .logical_id(target)
            .map(str::to_string)
            .unwrap_or_default();
        assert_eq!(b.len(), MAX_LOGICAL_ID_LEN);
        assert_ne!(a, b, "IDs cut to one prefix still differ");
    }

    #[test]
    fn resources_hashing_each_other_read_the_unhashed_ids() {
        let (mut app, a, b) = app_with(ValueMap::new());
        app.resource_mut(a).expect("a").properties = ValueMap::new().with("B", Value::Ref(b));
        app.resource_mut(b).expect("b").properties = ValueMap::new().with("A", Value::Ref(a));
        app.add_to_logical_id(a, b).expect("hash");
        app.add_to_logical_id(b, a).expect("hash");
        let tree = app.freeze();
        let (ia, ib) = (tree.logical_id(a), tree.logical_id(b));
        assert!(
            ia.is_some_and(|i| i.starts_with("Source") && i.len() == 38),
            "{ia:?}"
        );
        assert!(
            ib.is_some_and(|i| i.starts_with("Target") && i.len() == 38),
            "{ib:?}"
        );
        let again = app.freeze();
        assert_eq!((again.logical_id(a), again.logical_id(b)), (ia, ib));
    }

    #[test]
    fn hashing_into_an_older_resource_copies_no_node_for_the_journal() {
        let (mut app, source, target) = app_with(ValueMap::new());
        let mut snapshots = None;
        app.atomically(|app| {
            app.add_to_logical_id(target, source)?;
            snapshots = Some(app.journal_snapshots());
            Ok::<(), TreeError>(())
        })
        .expect("hash");
        assert_eq!(snapshots, Some(0));
        let failed = app.atomically(|app| {
            app.add_to_logical_id(source, target)?;
            Err::<(), TreeError>(TreeError::TooManyNodes(0))
        });
        assert!(failed.is_err());
        assert!(
            app.attached::<LogicalIdHash>(source).is_none(),
            "rolled back"
        );
        assert!(app.attached::<LogicalIdHash>(target).is_some());
    }

    #[test]
    fn only_resources_hash_and_only_into_resources_of_this_app() {
        let (mut app, source, target) = app_with(ValueMap::new());
        let stack = app.stacks()[0];
        let err = app
            .add_to_logical_id(target, stack)
            .expect_err("a stack is no resource");
        assert!(
            err.to_string().starts_with("S: expected a resource"),
            "{err}"
        );
        assert!(app.add_to_logical_id(stack, source).is_err());
        let (other, foreign, _) = app_with(ValueMap::new());
        let err = app.add_to_logical_id(target, foreign).expect_err("foreign");
        assert!(
            err.to_string().contains("S/Target: App::add_to_logical_id"),
            "{err}"
        );
        drop(other);
    }
}
