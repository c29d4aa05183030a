//! CloudFormation's JSON spelling of gs values: references become `Ref` / `Fn::GetAtt` on logical
//! IDs, intrinsic functions their `Fn::*` objects.

use gs_core::{NodeId, Tree, Value, ValueMap};
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

/// A value rendered against a frozen tree, so references resolve to logical IDs, or to
/// `Fn::ImportValue` of the producer's export when they point into another stack.
#[derive(Clone, Copy)]
pub struct Rendered<'t, 'a> {
    /// The value.
    pub value: &'t Value,
    /// The tree its references point into.
    pub tree: &'t Tree<'a>,
    /// The stack whose template the value is written into.
    pub stack: NodeId,
}

/// A map rendered against a frozen tree, keys in insertion order.
#[derive(Clone, Copy)]
pub struct RenderedMap<'t, 'a> {
    /// The map.
    pub map: &'t ValueMap,
    /// The tree its references point into.
    pub tree: &'t Tree<'a>,
    /// The stack whose template the map is written into.
    pub stack: NodeId,
}

impl<'t, 'a> Rendered<'t, 'a> {
    fn of(&self, value: &'t Value) -> Rendered<'t, 'a> {
        Rendered {
            value,
            tree: self.tree,
            stack: self.stack,
        }
    }

    fn map(&self, map: &'t ValueMap) -> RenderedMap<'t, 'a> {
        RenderedMap {
            map,
            tree: self.tree,
            stack: self.stack,
        }
    }

    fn list(&self, items: &'t [Value]) -> List<'t, 'a> {
        List(items, self.tree, self.stack)
    }

    /// The export name to import, when `node` is a resource or parameter of another stack.
    fn import_name(&self, node: NodeId, attribute: Option<&'t str>) -> Option<String> {
        crate::exports::import_name(self.tree, self.stack, node, attribute)
    }

    fn imported(&self, node: NodeId) -> Option<&'t gs_core::Import> {
        crate::exports::imported(self.tree, node)
    }

    fn logical_id<E: serde::ser::Error>(&self, node: NodeId) -> Result<&'t str, E> {
        self.tree.logical_id(node).ok_or_else(|| {
            E::custom(format!(
                "a reference to {} has no logical ID (it is not a resource or parameter)",
                self.tree.path(node)
            ))
        })
    }
}

fn single<S: Serializer, V: Serialize + ?Sized>(s: S, key: &str, v: &V) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(key, v)?;
    m.end()
}

/// A JSON array of heterogeneous items, written without building a `serde_json::Value`.
struct Seq<'x, 't, 'a>(&'x [Item<'t, 'a>]);

enum Item<'t, 'a> {
    Str(&'t str),
    Num(i64),
    Val(Rendered<'t, 'a>),
    Vals(List<'t, 'a>),
    Map(RenderedMap<'t, 'a>),
}

impl Serialize for Seq<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            match item {
                Item::Str(x) => seq.serialize_element(x)?,
                Item::Num(x) => seq.serialize_element(x)?,
                Item::Val(x) => seq.serialize_element(x)?,
                Item::Vals(list) => seq.serialize_element(list)?,
                Item::Map(x) => seq.serialize_element(x)?,
            }
        }
        seq.end()
    }
}

struct List<'t, 'a>(&'t [Value], &'t Tree<'a>, NodeId);

impl Serialize for List<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(&Rendered {
                value: v,
                tree: self.1,
                stack: self.2,
            })?;
        }
        seq.end()
    }
}

impl Serialize for RenderedMap<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.map.len()))?;
        for (k, v) in self.map.iter() {
            m.serialize_entry(
                k,
                &Rendered {
                    value: v,
                    tree: self.tree,
                    stack: self.stack,
                },
            )?;
        }
        m.end()
    }
}

impl Serialize for Rendered<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tree = self.tree;
        match self.value {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(f) => Err(S::Error::custom(format!(
                "the number {f} cannot be written as JSON; use a finite number"
            ))),
            Value::String(x) => s.serialize_str(x),
            Value::List(items) => self.list(items).serialize(s),
            Value::Map(map) => self.map(map).serialize(s),
            Value::Ref(n) | Value::GetAtt(n, _) if self.imported(*n).is_some() => {
                let attr = match self.value {
                    Value::GetAtt(_, a) => a.as_str(),
                    _ => "Ref",
                };
                match self.imported(*n).and_then(|i| i.attributes.get(attr)) {
                    Some(v) => self.of(v).serialize(s),
                    None => Err(S::Error::custom(format!(
                        "{} is imported without its `{attr}`; import it with that attribute",
                        tree.path(*n)
                    ))),
                }
            }
            Value::Ref(n) => match self.import_name(*n, None) {
                Some(name) => single(s, "Fn::ImportValue", &name),
                None => single(s, "Ref", self.logical_id::<S::Error>(*n)?),
            },
            Value::GetAtt(n, attr) => match self.import_name(*n, Some(attr)) {
                Some(name) => single(s, "Fn::ImportValue", &name),
                None => single(
                    s,
                    "Fn::GetAtt",
                    &[self.logical_id::<S::Error>(*n)?, attr.as_str()],
                ),
            },
            Value::Pseudo(p) => single(s, "Ref", p.name()),
            Value::Join(sep, parts) => single(
                s,
                "Fn::Join",
                &Seq(&[Item::Str(sep), Item::Vals(self.list(parts))]),
            ),
            Value::Sub(template, vars) if vars.is_empty() => single(s, "Fn::Sub", template),
            Value::Sub(template, vars) => single(
                s,
                "Fn::Sub",
                &Seq(&[Item::Str(template), Item::Map(self.map(vars))]),
            ),
            Value::Select(i, list) => single(
                s,
                "Fn::Select",
                &Seq(&[Item::Num(i64::from(*i)), Item::Val(self.of(list))]),
            ),
            Value::Split(d, src) => single(
                s,
                "Fn::Split",
                &Seq(&[Item::Str(d), Item::Val(self.of(src))]),
            ),
            Value::GetAzs(region) => single(s, "Fn::GetAZs", &self.of(region)),
            Value::If(c, a, b) => single(
                s,
                "Fn::If",
                &Seq(&[Item::Str(c), Item::Val(self.of(a)), Item::Val(self.of(b))]),
            ),
            Value::ImportValue(v) => single(s, "Fn::ImportValue", &self.of(v)),
            Value::Base64(v) => single(s, "Fn::Base64", &self.of(v)),
            Value::Cidr(block, count, bits) => single(
                s,
                "Fn::Cidr",
                &Seq(&[
                    Item::Val(self.of(block)),
                    Item::Num(i64::from(*count)),
                    Item::Num(i64::from(*bits)),
                ]),
            ),
            Value::FindInMap(name, k1, k2) => single(
                s,
                "Fn::FindInMap",
                &Seq(&[
                    Item::Str(name),
                    Item::Val(self.of(k1)),
                    Item::Val(self.of(k2)),
                ]),
            ),
            Value::Equals(a, b) => single(
                s,
                "Fn::Equals",
                &Seq(&[Item::Val(self.of(a)), Item::Val(self.of(b))]),
            ),
            Value::Not(v) => single(s, "Fn::Not", &Seq(&[Item::Val(self.of(v))])),
            Value::And(items) => single(s, "Fn::And", &self.list(items)),
            Value::Or(items) => single(s, "Fn::Or", &self.list(items)),
            Value::Condition(c) => single(s, "Condition", c),
        }
    }
}

/// A dynamic reference to a secret's value (`{{resolve:secretsmanager:...}}`), resolved by
/// CloudFormation at deploy time so the value never appears in the template.
///
/// `secret` is the secret's ARN or name (usually `Value::Ref` of an `AWS::SecretsManager::Secret`);
/// `json_key` picks one field of a JSON secret.
///
/// ```
/// use gs_cfn::secret_value;
/// use gs_core::Value;
/// let v = secret_value(Value::from("my-secret"), Some("password"));
/// assert_eq!(v, Value::join("", [
///     Value::from("{{resolve:secretsmanager:"), Value::from("my-secret"),
///     Value::from(":SecretString:password::}}")]));
/// ```
pub fn secret_value(secret: Value, json_key: Option<&str>) -> Value {
    Value::join(
        "",
        [
            Value::from("{{resolve:secretsmanager:"),
            secret,
            Value::from(format!(":SecretString:{}::}}}}", json_key.unwrap_or(""))),
        ],
    )
}

/// A dynamic reference to an SSM parameter's value (`{{resolve:ssm:name}}`).
///
/// ```
/// assert_eq!(gs_cfn::ssm_parameter_value("/gs/dr/bucket"), gs_core::Value::from("{{resolve:ssm:/gs/dr/bucket}}"));
/// ```
pub fn ssm_parameter_value(name: &str) -> Value {
    Value::from(format!("{{{{resolve:ssm:{name}}}}}"))
}
