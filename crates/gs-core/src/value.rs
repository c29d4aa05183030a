//! Property values: literals, lists, ordered maps, references to nodes, pseudo parameters and
//! intrinsic functions. A reference holds a [`NodeId`], never a string, and implies a dependency.

use crate::handle::NodeId;

/// A property value of a resource, parameter or output.
///
/// References ([`Value::Ref`], [`Value::GetAtt`]) point at nodes; the backend renders them with
/// the node's logical ID. Everything else mirrors CloudFormation's intrinsic functions.
///
/// A value is dropped without recursion, however deep it nests (so gs can refuse a value of
/// 100,000 levels and let it go without overflowing the stack). Because `Value` implements
/// `Drop`, match it by reference (`match &value`) to look inside, or take a part out with
/// `std::mem::replace(part, Value::Null)` (`std::mem::take` for a list or a map).
///
/// ```
/// use gs_core::{Value, Pseudo};
/// let v = Value::join("", [Value::from("arn:"), Value::Pseudo(Pseudo::Partition)]);
/// assert!(v.as_str().is_none());
/// assert_eq!(Value::from("x").as_str(), Some("x"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A map that keeps insertion order.
    Map(ValueMap),
    /// `Ref` to a node of the same app: a resource (its primary id) or a parameter.
    Ref(NodeId),
    /// `Fn::GetAtt` of a resource's attribute. Typed accessors in gs-constructs give the names.
    GetAtt(NodeId, String),
    /// A pseudo parameter such as `AWS::Region`.
    Pseudo(Pseudo),
    /// `Fn::Join`: the parts joined with the separator.
    Join(String, Vec<Value>),
    /// `Fn::Sub`: a template string and its variables.
    Sub(String, ValueMap),
    /// `Fn::Select`: the element at an index of a list.
    Select(u32, Box<Value>),
    /// `Fn::Split`: a string split at a delimiter.
    Split(String, Box<Value>),
    /// `Fn::GetAZs` of a Region (an empty string means the stack's Region).
    GetAzs(Box<Value>),
    /// `Fn::If`: a condition name and the two branches.
    If(String, Box<Value>, Box<Value>),
    /// `Fn::ImportValue` of an exported name (same Region only).
    ImportValue(Box<Value>),
    /// `Fn::Base64`.
    Base64(Box<Value>),
    /// `Fn::Cidr`: an IP block, a count and the number of subnet bits.
    Cidr(Box<Value>, u32, u32),
    /// `Fn::FindInMap`: a map name, a top-level key and a second-level key.
    FindInMap(String, Box<Value>, Box<Value>),
    /// `Fn::Equals` of two values (used in conditions).
    Equals(Box<Value>, Box<Value>),
    /// `Fn::Not` (used in conditions).
    Not(Box<Value>),
    /// `Fn::And` (used in conditions).
    And(Vec<Value>),
    /// `Fn::Or` (used in conditions).
    Or(Vec<Value>),
    /// `{"Condition": name}` (used in conditions).
    Condition(String),
}

/// CloudFormation's pseudo parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::Region`
    Region,
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::StackName`
    StackName,
    /// `AWS::StackId`
    StackId,
    /// `AWS::Partition`
    Partition,
    /// `AWS::URLSuffix`
    UrlSuffix,
    /// `AWS::NoValue`: removes the property where it appears.
    NoValue,
}

impl Pseudo {
    /// The name CloudFormation gives it, e.g. `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::Region => "AWS::Region",
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NoValue => "AWS::NoValue",
        }
    }
}

pub use crate::value_map::{ValueMap, ValueMapIntoIter};

impl Value {
    /// `Fn::Join` of the parts.
    pub fn join(sep: impl Into<String>, parts: impl IntoIterator<Item = Value>) -> Value {
        Value::Join(sep.into(), parts.into_iter().collect())
    }

    /// `Fn::Sub` with no variables (pseudo parameters such as `${AWS::Region}` still work).
    pub fn sub(template: impl Into<String>) -> Value {
        Value::Sub(template.into(), ValueMap::new())
    }

    /// `Fn::Sub` with variables.
    pub fn sub_with(template: impl Into<String>, vars: ValueMap) -> Value {
        Value::Sub(template.into(), vars)
    }

    /// `Fn::Select` of the element at `index`.
    pub fn select(index: u32, list: Value) -> Value {
        Value::Select(index, Box::new(list))
    }

    /// `Fn::Split` of `source` at `delimiter`.
    pub fn split(delimiter: impl Into<String>, source: Value) -> Value {
        Value::Split(delimiter.into(), Box::new(source))
    }

    /// `Fn::GetAZs` of the stack's own Region.
    pub fn azs() -> Value {
        Value::GetAzs(Box::new(Value::from("")))
    }

    /// `Fn::If` on a condition declared in the stack.
    pub fn if_(condition: impl Into<String>, then: Value, otherwise: Value) -> Value {
        Value::If(condition.into(), Box::new(then), Box::new(otherwise))
    }

    /// `Fn::ImportValue` of an export of the same Region.
    pub fn import_value(name: impl Into<Value>) -> Value {
        Value::ImportValue(Box::new(name.into()))
    }

    /// `Fn::Base64`.
    pub fn base64(v: impl Into<Value>) -> Value {
        Value::Base64(Box::new(v.into()))
    }

    /// `Fn::Cidr` of `block` into `count` subnets of `bits` host bits.
    pub fn cidr(block: Value, count: u32, bits: u32) -> Value {
        Value::Cidr(Box::new(block), count, bits)
    }

    /// The string, when this is a literal string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, when this is a literal integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, when this is a literal boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The list, when this is a literal list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map, when this is a literal map.
    pub fn as_map(&self) -> Option<&ValueMap> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The node this value refers to, when it is a `Ref` or `GetAtt`.
    pub fn as_reference(&self) -> Option<NodeId> {
        match self {
            Value::Ref(n) | Value::GetAtt(n, _) => Some(*n),
            _ => None,
        }
    }

    /// Calls `f` with each value directly inside this one (list items, map values, arguments of
    /// an intrinsic function), in order.
    pub fn for_each_child<'v>(&'v self, f: &mut impl FnMut(&'v Value)) {
        match self {
            Value::List(items) | Value::Join(_, items) | Value::And(items) | Value::Or(items) => {
                items.iter().for_each(f)
            }
            Value::Map(m) | Value::Sub(_, m) => m.iter().for_each(|(_, v)| f(v)),
            Value::Select(_, v)
            | Value::Split(_, v)
            | Value::GetAzs(v)
            | Value::ImportValue(v)
            | Value::Base64(v)
            | Value::Cidr(v, _, _)
            | Value::Not(v) => f(v),
            Value::If(_, a, b) | Value::FindInMap(_, a, b) | Value::Equals(a, b) => {
                f(a);
                f(b);
            }
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::Ref(_)
            | Value::GetAtt(_, _)
            | Value::Pseudo(_)
            | Value::Condition(_) => {}
        }
    }

    /// Calls `f` with every node this value refers to, depth first, in order.
    ///
    /// Recursive for the shallow values templates hold (no allocation), iterative below
    /// [`MAX_VALUE_DEPTH`](crate::MAX_VALUE_DEPTH) levels, so a value of any depth is walked
    /// without overflowing the call stack.
    pub fn for_each_reference(&self, f: &mut impl FnMut(NodeId)) {
        self.references_below(f, 0);
    }

    fn references_below(&self, f: &mut impl FnMut(NodeId), depth: usize) {
        match self {
            Value::Ref(n) | Value::GetAtt(n, _) => f(*n),
            _ if depth < crate::app::MAX_VALUE_DEPTH => {
                self.for_each_child(&mut |c| c.references_below(f, depth + 1))
            }
            _ => {
                let mut pending = vec![self];
                while let Some(v) = pending.pop() {
                    match v {
                        Value::Ref(n) | Value::GetAtt(n, _) => f(*n),
                        _ => {
                            let start = pending.len();
                            v.for_each_child(&mut |c| pending.push(c));
                            pending[start..].reverse();
                        }
                    }
                }
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<u16> for Value {
    fn from(i: u16) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}
impl From<Pseudo> for Value {
    fn from(p: Pseudo) -> Value {
        Value::Pseudo(p)
    }
}
impl From<ValueMap> for Value {
    fn from(m: ValueMap) -> Value {
        Value::Map(m)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}
