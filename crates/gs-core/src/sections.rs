//! The template sections that are not elements of the tree: Conditions, Mappings and Rules,
//! declared on a stack by name.
//!
//! Their values enter through the same checks as resource properties (references of this app,
//! finite numbers, bounded depth), and their shapes are checked where CloudFormation's are fixed:
//! a condition is a condition function, a mapping holds literals two levels deep, a rule has at
//! least one assertion. A condition or mapping that a value names but the stack does not declare
//! is `core/dangling-reference` at synthesis.

use crate::app::App;
use crate::error::TreeError;
use crate::handle::NodeId;
use crate::logical_id::invalid_reason;
use crate::node::{NodeKind, Stack};
use crate::scope::Scope;
use crate::value::{Value, ValueMap};

/// A rule of the template's `Rules` section: assertions on parameter values that
/// CloudFormation checks before it creates or updates the stack.
///
/// ```
/// use gs_core::{Assertion, TemplateRule, Value};
/// let rule = TemplateRule::new(Assertion::new(Value::Map(Default::default())))
///     .when(Value::Equals(Box::new(Value::from("a")), Box::new(Value::from("a"))));
/// assert_eq!(rule.assertions.len(), 1);
/// assert!(rule.rule_condition.is_some());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRule {
    /// `RuleCondition`: when the assertions apply; `None` applies them always.
    pub rule_condition: Option<Value>,
    /// `Assertions`: at least one.
    pub assertions: Vec<Assertion>,
}

/// One assertion of a [`TemplateRule`].
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    /// `Assert`: a condition on parameters (`Fn::Equals`, `Fn::And`, ..., or a rule-specific
    /// function such as `{"Fn::Contains": [...]}` written as a map).
    pub assert: Value,
    /// `AssertDescription`: what the user sees when the assertion fails.
    pub description: Option<String>,
}

impl TemplateRule {
    /// A rule with its first assertion, applied always.
    pub fn new(first: Assertion) -> TemplateRule {
        TemplateRule {
            rule_condition: None,
            assertions: vec![first],
        }
    }

    /// The rule, applied only when `condition` holds.
    #[must_use]
    pub fn when(mut self, condition: Value) -> TemplateRule {
        self.rule_condition = Some(condition);
        self
    }

    /// The rule with one more assertion.
    #[must_use]
    pub fn and(mut self, assertion: Assertion) -> TemplateRule {
        self.assertions.push(assertion);
        self
    }
}

impl Assertion {
    /// An assertion without a description.
    pub fn new(assert: Value) -> Assertion {
        Assertion {
            assert,
            description: None,
        }
    }

    /// The assertion with the message shown when it fails.
    #[must_use]
    pub fn described(mut self, description: impl Into<String>) -> Assertion {
        self.description = Some(description.into());
        self
    }
}

/// Which section a name is declared in, for errors.
#[derive(Clone, Copy)]
enum Section {
    Conditions,
    Mappings,
    Rules,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Conditions => "Conditions",
            Section::Mappings => "Mappings",
            Section::Rules => "Rules",
        }
    }
}

impl App {
    /// Declares the condition `name` on the stack of `node` (a stack, or any construct in it):
    /// `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` or `{"Condition": other}`, over parameters,
    /// pseudo parameters, mappings and other conditions. Resources and outputs use it through
    /// `Resource::condition` and `Output::condition`, values through `Value::if_`.
    ///
    /// ```
    /// use gs_core::{App, Parameter, Pseudo, StackProps, Value};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let env = app.at(stack)?.parameter("Env", Parameter::new("String"))?;
    /// let is_prod = Value::Equals(Box::new(Value::Ref(env.node())), Box::new(Value::from("prod")));
    /// app.add_condition(stack, "IsProd", is_prod.clone())?;
    /// assert!(app.add_condition(stack, "IsProd", is_prod).is_err(), "declared twice");
    /// assert!(app.add_condition(stack, "Bad", Value::from("prod")).is_err(), "not a condition function");
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn add_condition(
        &mut self,
        node: impl Into<NodeId>,
        name: &str,
        expression: Value,
    ) -> Result<(), TreeError> {
        let (stack, path) = self.section_entry(node.into(), Section::Conditions, name)?;
        let is_condition = matches!(
            expression,
            Value::Equals(..) | Value::And(_) | Value::Or(_) | Value::Not(_) | Value::Condition(_)
        );
        if !is_condition {
            return Err(TreeError::InvalidSection {
                path,
                reason: "is not a condition function".into(),
                fix: "write it with Value::Equals, Value::And, Value::Or, Value::Not or Value::Condition",
            });
        }
        self.check_references(|| path.clone(), std::iter::once(&expression))?;
        if let Some(s) = self.stack_mut(stack) {
            s.conditions.insert(name.to_owned(), expression);
        }
        Ok(())
    }

    /// Declares the mapping `name` on the stack of `node`: top-level keys to maps of
    /// alphanumeric second-level keys to strings or lists of strings, read with
    /// `Fn::FindInMap`. CloudFormation allows no parameter, pseudo parameter or intrinsic
    /// function in a mapping ("The values can be of type String or List", CloudFormation User
    /// Guide, Mappings syntax); AWS CDK's `CfnMapping` refuses second-level keys that are not
    /// alphanumeric.
    ///
    /// ```
    /// use gs_core::{App, StackProps, Value, ValueMap};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let sizes = ValueMap::new()
    ///     .with("prod", ValueMap::new().with("Instance", "m7g.large"))
    ///     .with("dev", ValueMap::new().with("Instance", "t4g.small"));
    /// app.add_mapping(stack, "Sizes", sizes)?;
    /// let not_literal = ValueMap::new().with("prod", ValueMap::new().with("Az", Value::azs()));
    /// assert!(app.add_mapping(stack, "Azs", not_literal).is_err());
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn add_mapping(
        &mut self,
        node: impl Into<NodeId>,
        name: &str,
        mapping: ValueMap,
    ) -> Result<(), TreeError> {
        let (stack, path) = self.section_entry(node.into(), Section::Mappings, name)?;
        let invalid = |reason: String| {
            TreeError::InvalidSection {
            path: path.clone(),
            reason,
            fix: "give each top-level key a map of alphanumeric second-level keys to strings or lists of strings; compute other values in the resources that read the mapping",
        }
        };
        if mapping.is_empty() {
            return Err(invalid("has no keys".into()));
        }
        for (key, second) in mapping.iter() {
            let Some(second) = second.as_map().filter(|m| !m.is_empty()) else {
                return Err(invalid(format!(
                    "holds a non-map or empty map at top-level key `{key}`"
                )));
            };
            for (k, v) in second.iter() {
                if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(invalid(format!(
                        "has the second-level key `{k}` under `{key}`, which is not alphanumeric"
                    )));
                }
                let literal = match v {
                    Value::List(items) => items.iter().all(is_scalar),
                    v => is_scalar(v),
                };
                if !literal {
                    return Err(invalid(format!(
                        "holds a value that is not a literal string or list of strings at `{key}`/`{k}`"
                    )));
                }
            }
        }
        self.check_references(|| path.clone(), mapping.iter().map(|(_, v)| v))?;
        if let Some(s) = self.stack_mut(stack) {
            s.mappings.insert(name.to_owned(), mapping);
        }
        Ok(())
    }

    /// Declares the rule `name` (the template's `Rules` section) on the stack of `node`.
    ///
    /// ```
    /// use gs_core::{App, Assertion, Parameter, StackProps, TemplateRule, Value};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let env = app.at(stack)?.parameter("Env", Parameter::new("String"))?;
    /// let not_empty = Value::Not(Box::new(Value::Equals(Box::new(Value::Ref(env.node())), Box::new(Value::from("")))));
    /// app.add_template_rule(stack, "EnvSet", TemplateRule::new(Assertion::new(not_empty).described("Env must be set")))?;
    /// let none = TemplateRule { rule_condition: None, assertions: Vec::new() };
    /// assert!(app.add_template_rule(stack, "Empty", none).is_err());
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn add_template_rule(
        &mut self,
        node: impl Into<NodeId>,
        name: &str,
        rule: TemplateRule,
    ) -> Result<(), TreeError> {
        let (stack, path) = self.section_entry(node.into(), Section::Rules, name)?;
        if rule.assertions.is_empty() {
            return Err(TreeError::InvalidSection {
                path,
                reason: "has no assertions".into(),
                fix: "give the rule at least one Assertion (TemplateRule::new takes the first)",
            });
        }
        self.check_references(
            || path.clone(),
            rule.rule_condition
                .iter()
                .chain(rule.assertions.iter().map(|a| &a.assert)),
        )?;
        if let Some(s) = self.stack_mut(stack) {
            s.rules.push((name.to_owned(), rule));
        }
        Ok(())
    }

    /// The stack of `node` and the path of `name` in `section`, once the name is known valid
    /// and new there.
    fn section_entry(
        &self,
        node: NodeId,
        section: Section,
        name: &str,
    ) -> Result<(NodeId, String), TreeError> {
        let stack = self.node(node)?.stack();
        let path = format!("{}/{}/{name}", self.path(stack)?, section.name());
        if let Some(reason) = invalid_reason(name) {
            return Err(TreeError::InvalidLogicalId {
                path,
                logical_id: name.into(),
                reason,
            });
        }
        let taken = match &self.node(stack)?.kind {
            NodeKind::Stack(s) => match section {
                Section::Conditions => s.conditions.contains_key(name),
                Section::Mappings => s.mappings.contains_key(name),
                Section::Rules => s.rules.iter().any(|(n, _)| n == name),
            },
            _ => false,
        };
        if taken {
            return Err(TreeError::InvalidSection {
                path,
                reason: "is declared already".into(),
                fix: "give it another name, or declare it once and use it from every construct",
            });
        }
        Ok((stack, path))
    }

    /// The stack's settings, to change through the journaled door (`node_mut`), so a failed
    /// atomic call takes back the conditions, mappings and rules it declared.
    fn stack_mut(&mut self, stack: NodeId) -> Option<&mut Stack> {
        match self.node_mut(stack).ok().map(|n| &mut n.kind) {
            Some(NodeKind::Stack(s)) => Some(s),
            _ => None,
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_))
}

impl Scope<'_> {
    /// Declares a condition on this scope's stack (see [`App::add_condition`]).
    pub fn condition(&mut self, name: &str, expression: Value) -> Result<(), TreeError> {
        self.app.add_condition(self.node, name, expression)
    }

    /// Declares a mapping on this scope's stack (see [`App::add_mapping`]).
    pub fn mapping(&mut self, name: &str, mapping: ValueMap) -> Result<(), TreeError> {
        self.app.add_mapping(self.node, name, mapping)
    }

    /// Declares a rule on this scope's stack (see [`App::add_template_rule`]).
    pub fn template_rule(&mut self, name: &str, rule: TemplateRule) -> Result<(), TreeError> {
        self.app.add_template_rule(self.node, name, rule)
    }
}
