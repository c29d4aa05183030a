//! Errors of building the tree. Each names the place in the tree and says how to fix it.

/// An error while building the construct tree.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// An id is empty or contains `/`.
    #[error("{parent}: the id `{id}` is invalid: {reason}; fix: use a non-empty id without `/`, e.g. `ContentFileSystem`")]
    InvalidId {
        /// Path of the scope the id was given in (empty for a stack name).
        parent: String,
        /// The id as given.
        id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two siblings share an id.
    #[error(
        "{parent}: a child with id `{id}` exists already; fix: give this construct another id"
    )]
    DuplicateId {
        /// Path of the parent.
        parent: String,
        /// The repeated id.
        id: String,
    },
    /// A stack name CloudFormation would refuse.
    #[error("stack name `{name}` is invalid: {reason}; fix: start with a letter and use only letters, digits and `-`, at most 128 characters")]
    InvalidStackName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A stack's Region or account that is not one.
    #[error("stack `{stack}`: the {field} `{value}` is not {expected}; fix: {fix}")]
    InvalidEnvironment {
        /// The stack's name.
        stack: String,
        /// `region` or `account`.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What a valid one is.
        expected: &'static str,
        /// How to fix it.
        fix: &'static str,
    },
    /// A handle or reference made by another `App`.
    #[error("{context}: a handle from another App was used here; fix: create the construct in this App, or import it explicitly")]
    ForeignHandle {
        /// Where it was used (a path, or the call).
        context: String,
    },
    /// A node of the wrong kind for the call.
    #[error("{path}: expected {expected} here; fix: {fix}")]
    WrongKind {
        /// Path of the node.
        path: String,
        /// What the call needs.
        expected: &'static str,
        /// How to fix it.
        fix: &'static str,
    },
    /// A logical ID override CloudFormation would refuse.
    #[error("{path}: logical ID `{logical_id}` is invalid: {reason}; fix: use 1 to 255 ASCII letters and digits")]
    InvalidLogicalId {
        /// Path of the resource.
        path: String,
        /// The ID as given.
        logical_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A resource whose path below the stack is only `Default` ids, which leaves nothing to name
    /// it by.
    #[error("{path}: a resource whose path below the stack is only `Default` has no logical ID; fix: give it or its group another id")]
    NoLogicalId {
        /// Path of the resource.
        path: String,
    },
    /// An acknowledgement without a reason.
    #[error(
        "{path}: acknowledging `{rule}` needs a reason; fix: say why the finding is accepted here"
    )]
    MissingReason {
        /// Path of the node.
        path: String,
        /// The rule.
        rule: String,
    },
    /// An acknowledgement of a rule whose findings cannot be accepted.
    #[error("{path}: `{rule}` cannot be acknowledged: what it finds cannot be deployed correctly; fix: correct what the finding names")]
    NotAcknowledgeable {
        /// Path of the node.
        path: String,
        /// The rule.
        rule: String,
    },
    /// A pass name that is used already, or that belongs to gs's own passes.
    #[error("{}", if *reserved {
        format!("a pass may not be named `{name}`: the prefixes `core/`, `gs-cfn/` and `gs-constructs/` belong to gs's own passes; fix: name it after your team or project, e.g. `team/{name}`")
    } else {
        format!("a pass named `{name}` is added already; fix: give this pass another name")
    })]
    PassNameTaken {
        /// The name as given.
        name: String,
        /// Whether the name starts with a prefix of gs's own passes.
        reserved: bool,
    },
    /// A tag CloudFormation would refuse.
    #[error("{path}: tag `{key}` is invalid: {reason}; fix: use a key of 1 to 128 characters not starting with `aws:` and a value of at most 256")]
    InvalidTag {
        /// Path of the node.
        path: String,
        /// The key.
        key: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A tag key or value with a character AWS refuses in tags.
    #[error("{path}: tag {key:?} has {character:?} in its {part}, which AWS refuses in tags; fix: use only letters, digits, spaces and `_ . : / = + - @` (AWS's tag character set)")]
    InvalidTagCharacter {
        /// Path of the node.
        path: String,
        /// The key.
        key: String,
        /// `key` or `value`.
        part: &'static str,
        /// The first character refused.
        character: char,
    },
    /// A property value nests deeper than [`MAX_VALUE_DEPTH`](crate::app::MAX_VALUE_DEPTH).
    #[error("{path}: a property value nests more than {max} levels deep; fix: flatten the value (CloudFormation templates nest a few levels)")]
    ValueTooDeep {
        /// Path of the resource or output.
        path: String,
        /// The limit.
        max: usize,
    },
    /// A number JSON cannot hold (NaN or an infinity).
    #[error(
        "{path}: the number {value} cannot be written to a template; fix: use a finite number"
    )]
    NonFiniteNumber {
        /// Path of the resource or output.
        path: String,
        /// The number as written by Rust.
        value: String,
    },
    /// A condition, mapping or rule CloudFormation would refuse, or one declared twice.
    #[error("{path}: it {reason}; fix: {fix}")]
    InvalidSection {
        /// The stack's path, the section and the name, e.g. `Demo/Conditions/IsProd`.
        path: String,
        /// What is wrong.
        reason: String,
        /// How to fix it.
        fix: &'static str,
    },
    /// The arena is full.
    #[error("the app holds {0} nodes, the most one app can hold; fix: split it into several apps")]
    TooManyNodes(usize),
}
