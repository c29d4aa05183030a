//! The kinds of value a generated property takes: each is a literal of the right kind or a
//! token ([`Value`]: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`, ...), so that a
//! property can be given whatever CloudFormation accepts there and nothing of another kind.
//!
//! ```
//! use gs_core::Value;
//! use gs_l1::{Bool, Int, IntoValue, List, Map, Str, Tag};
//!
//! assert_eq!(Str::from("x").into_value(), Value::from("x"));
//! assert_eq!(Str::from(Value::sub("${AWS::StackName}-x")).into_value(), Value::sub("${AWS::StackName}-x"));
//! assert_eq!(Int::from(3).into_value(), Value::Int(3));
//! assert_eq!(Bool::from(true).into_value(), Value::Bool(true));
//! let list: List<Str> = vec!["a", "b"].into();
//! assert_eq!(list.into_value(), Value::List(vec!["a".into(), "b".into()]));
//! let map: Map<Str> = [("k", "v")].into();
//! assert_eq!(map.into_value().as_map().and_then(|m| m.get("k")), Some(&Value::from("v")));
//! let tag = Tag::new("team", "media").into_value();
//! assert_eq!(tag.as_map().and_then(|m| m.get("Key")), Some(&Value::from("team")));
//! ```

use gs_core::{Value, ValueMap};

/// What a property value becomes in the template.
///
/// The kinds below and every generated property type implement it.
pub trait IntoValue {
    /// The value, as the template writes it.
    fn into_value(self) -> Value;
}

impl<T: IntoValue> IntoValue for Box<T> {
    fn into_value(self) -> Value {
        (*self).into_value()
    }
}

/// Sets `key` in `m` when `value` is set (the generated serializers call it for every optional
/// property).
#[allow(dead_code)] // unused only when no service feature is on
pub(crate) fn set<T: IntoValue>(m: &mut ValueMap, key: &'static str, value: Option<T>) {
    if let Some(v) = value {
        m.insert(key, v.into_value());
    }
}

/// Defines a kind backed by one [`Value`], with `From` the given literal types and from
/// `Value` (a token).
macro_rules! value_kind {
    ($(#[$doc:meta])* $name:ident: $($from:ty => $conv:expr),* $(,)?) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name(pub Value);

        impl IntoValue for $name {
            fn into_value(self) -> Value {
                self.0
            }
        }

        /// A token (or any value, unchecked).
        impl From<Value> for $name {
            fn from(v: Value) -> $name {
                $name(v)
            }
        }

        $(
            impl From<$from> for $name {
                fn from(v: $from) -> $name {
                    $name(($conv)(v))
                }
            }
        )*
    };
}

value_kind!(
    /// A string property: a literal or a token (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...).
    Str:
    &str => Value::from,
    String => Value::String,
    &String => Value::from,
);

value_kind!(
    /// An integer property: a literal or a token.
    Int:
    i64 => Value::Int,
    i32 => Value::from,
    u32 => Value::from,
    u16 => Value::from,
    u8 => |v| Value::Int(i64::from(v)),
);

value_kind!(
    /// A number property: a literal (integer or not) or a token.
    Num:
    f64 => Value::Float,
    i64 => Value::Int,
    i32 => Value::from,
    u32 => Value::from,
);

value_kind!(
    /// A boolean property: a literal or a token.
    Bool:
    bool => Value::Bool,
);

value_kind!(
    /// A JSON property (a policy document, a schema, ...): any value, maps and lists
    /// included.
    Json:
    ValueMap => Value::Map,
    Vec<Value> => Value::List,
    &str => Value::from,
    String => Value::String,
    bool => Value::Bool,
    i64 => Value::Int,
    f64 => Value::Float,
);

value_kind!(
    /// A property that takes one of several kinds (the spec says which, in its
    /// documentation): any value.
    Union:
    ValueMap => Value::Map,
    Vec<Value> => Value::List,
    &str => Value::from,
    String => Value::String,
    bool => Value::Bool,
    i64 => Value::Int,
    i32 => Value::from,
    f64 => Value::Float,
);

/// A list of typed items (structs of the spec, tags, kinds): a union property that may be a
/// list of a property type, e.g. DynamoDB's `KeySchema`
/// (`CfnTableProps::new(vec![table::KeySchema::new("pk", "HASH")])`).
impl<T: IntoValue> From<Vec<T>> for Union {
    fn from(items: Vec<T>) -> Union {
        Union(Value::List(map_items(items, IntoValue::into_value)))
    }
}

/// A list of typed items, as for `Vec<T>`.
impl<T: IntoValue, const N: usize> From<[T; N]> for Union {
    fn from(items: [T; N]) -> Union {
        Union(Value::List(map_items(items, IntoValue::into_value)))
    }
}

/// A resource's handle where a string property takes its identifier but the spec names no
/// type for it (`AWS::ApiGatewayV2::Stage`'s `ApiId`, `AWS::SQS::QueuePolicy`'s `Queues`,
/// `AWS::Lambda::Permission`'s `FunctionName`): its `Ref`.
impl<R> From<crate::Cfn<R>> for Str {
    fn from(h: crate::Cfn<R>) -> Str {
        Str(h.reference())
    }
}

/// One `{Key, Value}` tag.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    /// `Key`.
    pub key: Str,
    /// `Value`.
    pub value: Str,
}

impl Tag {
    /// The tag `key` = `value`.
    pub fn new(key: impl Into<Str>, value: impl Into<Str>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

impl IntoValue for Tag {
    fn into_value(self) -> Value {
        Value::Map(
            ValueMap::new()
                .with("Key", self.key.into_value())
                .with("Value", self.value.into_value()),
        )
    }
}

/// A list property: items of its kind, or one token that is a whole list
/// (`Fn::GetAZs`, `Fn::Split`, a `CommaDelimitedList` parameter, ...).
#[derive(Clone, Debug, PartialEq)]
pub enum List<T> {
    /// The items.
    Items(Vec<T>),
    /// A token that is a whole list.
    Token(Value),
}

impl<T, U: Into<T>> From<Vec<U>> for List<T> {
    fn from(items: Vec<U>) -> List<T> {
        List::Items(map_items(items, Into::into))
    }
}

impl<T, U: Into<T>, const N: usize> From<[U; N]> for List<T> {
    fn from(items: [U; N]) -> List<T> {
        List::Items(map_items(items, Into::into))
    }
}

/// A token that is a whole list.
impl<T> From<Value> for List<T> {
    fn from(v: Value) -> List<T> {
        List::Token(v)
    }
}

impl<T, U: Into<T>> FromIterator<U> for List<T> {
    fn from_iter<I: IntoIterator<Item = U>>(iter: I) -> List<T> {
        List::Items(map_items(iter, Into::into))
    }
}

impl<T> List<T> {
    /// The value, each item written by `f`.
    fn render(self, f: impl FnMut(T) -> Value) -> Value {
        match self {
            List::Items(items) => Value::List(map_items(items, f)),
            List::Token(v) => v,
        }
    }
}

impl<T: IntoValue> IntoValue for List<T> {
    fn into_value(self) -> Value {
        self.render(IntoValue::into_value)
    }
}

/// `items` mapped one by one. A plain loop rather than `into_iter().map(f).collect()`: the
/// standard library's in-place collect is many times the code, and it would be instantiated
/// for each of the hundreds of item types a user's stacks name.
fn map_items<T, U>(items: impl IntoIterator<Item = T>, mut f: impl FnMut(T) -> U) -> Vec<U> {
    let items = items.into_iter();
    let mut out = Vec::with_capacity(items.size_hint().0);
    for item in items {
        out.push(f(item));
    }
    out
}

/// A map property with string keys: entries of its kind (in the order given), or a token.
#[derive(Clone, Debug, PartialEq)]
pub enum Map<T> {
    /// The entries, in order.
    Entries(Vec<(String, T)>),
    /// A token that is a whole map.
    Token(Value),
}

impl<T, K: Into<String>, U: Into<T>> From<Vec<(K, U)>> for Map<T> {
    fn from(entries: Vec<(K, U)>) -> Map<T> {
        entries.into_iter().collect()
    }
}

impl<T, K: Into<String>, U: Into<T>, const N: usize> From<[(K, U); N]> for Map<T> {
    fn from(entries: [(K, U); N]) -> Map<T> {
        entries.into_iter().collect()
    }
}

/// A token that is a whole map (or a literal map, unchecked).
impl<T> From<Value> for Map<T> {
    fn from(v: Value) -> Map<T> {
        Map::Token(v)
    }
}

impl<T, K: Into<String>, U: Into<T>> FromIterator<(K, U)> for Map<T> {
    fn from_iter<I: IntoIterator<Item = (K, U)>>(iter: I) -> Map<T> {
        Map::Entries(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl<T: IntoValue> IntoValue for Map<T> {
    fn into_value(self) -> Value {
        match self {
            Map::Entries(entries) => {
                let mut m = ValueMap::new();
                for (k, v) in entries {
                    m.insert(k, v.into_value());
                }
                Value::Map(m)
            }
            Map::Token(v) => v,
        }
    }
}

/// A property that takes another resource's identifier: the handle `H` of that resource type
/// (e.g. `Id<efs::CfnFileSystem>`), or a string or token for a resource defined elsewhere.
///
/// The property decides how a handle is written: as its `Ref`, or as `Fn::GetAtt` of the
/// attribute the property takes (a role's `Arn`).
#[derive(Clone, Debug, PartialEq)]
pub enum Id<H> {
    /// A resource of the app.
    Handle(H),
    /// A string or a token.
    Value(Value),
}

impl<R> From<crate::Cfn<R>> for Id<crate::Cfn<R>> {
    fn from(h: crate::Cfn<R>) -> Id<crate::Cfn<R>> {
        Id::Handle(h)
    }
}

impl<H> From<Value> for Id<H> {
    fn from(v: Value) -> Id<H> {
        Id::Value(v)
    }
}

impl<H> From<&str> for Id<H> {
    fn from(v: &str) -> Id<H> {
        Id::Value(Value::from(v))
    }
}

impl<H> From<String> for Id<H> {
    fn from(v: String) -> Id<H> {
        Id::Value(Value::String(v))
    }
}

impl<R> Id<crate::Cfn<R>> {
    /// The value: a handle as its `Ref`.
    pub fn into_ref(self) -> Value {
        match self {
            Id::Handle(h) => h.reference(),
            Id::Value(v) => v,
        }
    }

    /// The value: a handle as `Fn::GetAtt` of `attribute`.
    pub fn into_get_att(self, attribute: &str) -> Value {
        match self {
            Id::Handle(h) => Value::GetAtt(h.node(), attribute.to_string()),
            Id::Value(v) => v,
        }
    }
}

impl<R> List<Id<crate::Cfn<R>>> {
    /// The value: each handle as its `Ref`.
    pub fn into_refs(self) -> Value {
        self.render(Id::into_ref)
    }

    /// The value: each handle as `Fn::GetAtt` of `attribute`.
    pub fn into_get_atts(self, attribute: &str) -> Value {
        self.render(|id| id.into_get_att(attribute))
    }
}
