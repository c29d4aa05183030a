//! [`Template`]: one stack's synthesized template, and the assertions on it.

use std::collections::BTreeMap;

use gs_core::{App, NodeId, SynthError, Synthesis};
use serde_json::{Map, Value as Json};

use super::error::{AssertionError, Candidate, Section};
use super::matcher::Match;
use crate::CfnBackend;

/// A CloudFormation template to assert on, as `Template` of `aws-cdk-lib/assertions`.
///
/// Every assertion returns `Result<(), AssertionError>`: `?` it in a test that returns a
/// `Result`, or `.unwrap()` it; the error's `Display` names the closest candidate and where it
/// differs.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::assertions::{Match, Template};
/// use serde_json::json;
///
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// app.at(stack)?.resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue")
///     .property("MessageRetentionPeriod", 1_209_600))?;
/// let template = Template::from_stack(&app, stack)?;
/// template.resource_count_is("AWS::SQS::Queue", 1)?;
/// template.has_resource_properties("AWS::SQS::Queue", json!({
///     "MessageRetentionPeriod": 1_209_600,
///     "KmsMasterKeyId": Match::absent(),
/// }))?;
/// let err = template
///     .has_resource_properties("AWS::SQS::Queue", json!({"MessageRetentionPeriod": 60}))
///     .unwrap_err();
/// assert!(err.to_string().contains("at /Properties/MessageRetentionPeriod: expected 60 but received 1209600"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    json: Json,
}

impl Template {
    /// Synthesizes `app` with [`CfnBackend`] (every rule of gs runs) and takes the template of
    /// `stack`. A refused synthesis is [`AssertionError::Refused`], with every finding. To
    /// assert on several stacks, synthesize once and use [`Template::from_synthesis`].
    pub fn from_stack(app: &App, stack: impl Into<NodeId>) -> Result<Template, AssertionError> {
        let stack = stack.into();
        let name = match app.node(stack) {
            Ok(node) if node.stack() == stack => node.id().to_string(),
            Ok(node) => {
                return Err(AssertionError::NoTemplate {
                    stack: node.id().to_string(),
                    reason: "the node is not a stack; pass the handle `app.stack(...)` returned"
                        .into(),
                })
            }
            Err(e) => {
                return Err(AssertionError::NoTemplate {
                    stack: "(unknown)".into(),
                    reason: format!("{e}"),
                })
            }
        };
        let synthesis = app
            .synth(&CfnBackend {
                templates_only: true,
            })
            .map_err(AssertionError::Refused)?;
        Template::from_synthesis(&synthesis, &name)
    }

    /// The template of the stack named `stack_name` in a synthesis.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::assertions::Template;
    /// let mut app = App::new();
    /// app.stack("A", StackProps::default())?;
    /// let out = app.synth(&CfnBackend::default())?;
    /// assert!(Template::from_synthesis(&out, "A").is_ok());
    /// assert!(Template::from_synthesis(&out, "B").unwrap_err().to_string().contains("stacks: A"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_synthesis(
        synthesis: &Synthesis,
        stack_name: &str,
    ) -> Result<Template, AssertionError> {
        let file = format!("{stack_name}.template.json");
        let Some(artifact) = synthesis.artifact(&file) else {
            let stacks: Vec<&str> = synthesis
                .artifacts
                .iter()
                .filter_map(|a| a.file_name.strip_suffix(".template.json"))
                .collect();
            return Err(AssertionError::NoTemplate {
                stack: stack_name.into(),
                reason: format!(
                    "the synthesis has no {file}; its stacks: {}",
                    stacks.join(", ")
                ),
            });
        };
        serde_json::from_slice(&artifact.bytes)
            .map(Template::from_json)
            .map_err(|e| AssertionError::NoTemplate {
                stack: stack_name.into(),
                reason: format!("{file} is not JSON ({e}); was it written by another backend?"),
            })
    }

    /// A template given as JSON (for example read from `cdk.out`).
    pub fn from_json(json: Json) -> Template {
        Template { json }
    }

    /// The template as JSON.
    pub fn to_json(&self) -> &Json {
        &self.json
    }

    fn section(&self, name: &str) -> impl Iterator<Item = (&String, &Json)> {
        self.json
            .get(name)
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
    }

    fn resources_of<'a>(&'a self, type_name: &str) -> impl Iterator<Item = (&'a String, &'a Json)> {
        let type_name = type_name.to_string();
        self.section("Resources")
            .filter(move |(_, r)| r.get("Type").and_then(Json::as_str) == Some(type_name.as_str()))
    }

    /// Exactly `count` resources of `type_name`.
    ///
    /// ```
    /// # use gs_constructs::assertions::Template; use serde_json::json;
    /// let t = Template::from_json(json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}));
    /// assert!(t.resource_count_is("AWS::SQS::Queue", 1).is_ok());
    /// assert_eq!(t.resource_count_is("AWS::SQS::Queue", 2).unwrap_err().to_string(),
    ///     "expected 2 resource(s) of type AWS::SQS::Queue but found 1: Q");
    /// ```
    pub fn resource_count_is(&self, type_name: &str, count: usize) -> Result<(), AssertionError> {
        let ids: Vec<String> = self
            .resources_of(type_name)
            .map(|(id, _)| id.clone())
            .collect();
        if ids.len() == count {
            return Ok(());
        }
        Err(AssertionError::Count {
            type_name: type_name.into(),
            expected: count,
            actual: ids.len(),
            logical_ids: ids,
        })
    }

    /// Some resource of `type_name` has `Properties` matching `props` (plain JSON matches as
    /// [`Match::object_like`]). A resource without `Properties` is tested as having `{}`,
    /// unless `props` is [`Match::absent`].
    pub fn has_resource_properties(
        &self,
        type_name: &str,
        props: impl Into<Match>,
    ) -> Result<(), AssertionError> {
        let props = props.into();
        let keep_missing = props.is_absent();
        let pattern = Match::object_like(Json::Object(Map::from_iter([(
            "Properties".to_string(),
            Json::from(props),
        )])));
        let resources = self.resources_of(type_name).map(|(id, r)| {
            let mut r = r.clone();
            if let (Json::Object(m), false) = (&mut r, keep_missing) {
                m.entry("Properties")
                    .or_insert_with(|| Json::Object(Map::new()));
            }
            (id, r)
        });
        self.expect_match(Section::Resources(type_name.into()), resources, &pattern)
    }

    /// Some resource of `type_name` matches `whole` as a whole: `Properties`, `DependsOn`,
    /// `DeletionPolicy`, `UpdateReplacePolicy`, `Condition`, `Metadata`.
    ///
    /// ```
    /// # use gs_constructs::assertions::{Match, Template}; use serde_json::json;
    /// let t = Template::from_json(json!({"Resources": {
    ///     "Db": {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot", "DependsOn": ["Sg"]}}}));
    /// t.has_resource("AWS::RDS::DBCluster", json!({
    ///     "DeletionPolicy": "Snapshot",
    ///     "DependsOn": Match::array_with(json!(["Sg"])),
    /// })).unwrap();
    /// ```
    pub fn has_resource(
        &self,
        type_name: &str,
        whole: impl Into<Match>,
    ) -> Result<(), AssertionError> {
        let resources = self.resources_of(type_name).map(|(id, r)| (id, r.clone()));
        self.expect_match(
            Section::Resources(type_name.into()),
            resources,
            &whole.into(),
        )
    }

    /// The resources of `type_name` that match `whole` as in [`Template::has_resource`]
    /// (`json!({})` for all of them), by logical ID.
    ///
    /// ```
    /// # use gs_constructs::assertions::Template; use serde_json::json;
    /// let t = Template::from_json(json!({"Resources": {
    ///     "A": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": true}},
    ///     "B": {"Type": "AWS::SQS::Queue"}}}));
    /// let fifo = t.find_resources("AWS::SQS::Queue", json!({"Properties": {"FifoQueue": true}}));
    /// assert_eq!(fifo.keys().copied().collect::<Vec<_>>(), ["A"]);
    /// ```
    pub fn find_resources<'a>(
        &'a self,
        type_name: &str,
        whole: impl Into<Match>,
    ) -> BTreeMap<&'a str, &'a Json> {
        let whole = whole.into();
        self.resources_of(type_name)
            .filter(|(_, r)| whole.failures(Some(r)).is_empty())
            .map(|(id, r)| (id.as_str(), r))
            .collect()
    }

    /// The output `logical_id` (`"*"`: some output) matches `props` (`Value`, `Export`,
    /// `Description`, `Condition`).
    ///
    /// ```
    /// # use gs_constructs::assertions::Template; use serde_json::json;
    /// let t = Template::from_json(json!({"Outputs": {"Url": {"Value": "https://x"}}}));
    /// t.has_output("*", json!({"Value": "https://x"})).unwrap();
    /// assert!(t.has_output("Other", json!({})).is_err());
    /// ```
    pub fn has_output(
        &self,
        logical_id: &str,
        props: impl Into<Match>,
    ) -> Result<(), AssertionError> {
        let outputs = self
            .section("Outputs")
            .filter(|(id, _)| logical_id == "*" || *id == logical_id)
            .map(|(id, o)| (id, o.clone()));
        self.expect_match(Section::Outputs(logical_id.into()), outputs, &props.into())
    }

    /// The parameter `logical_id` (`"*"`: some parameter) matches `props` (`Type`, `Default`,
    /// `AllowedValues`...).
    ///
    /// ```
    /// # use gs_constructs::assertions::Template; use serde_json::json;
    /// let t = Template::from_json(json!({"Parameters": {"Env": {"Type": "String", "Default": "dev"}}}));
    /// t.has_parameter("Env", json!({"Type": "String"})).unwrap();
    /// ```
    pub fn has_parameter(
        &self,
        logical_id: &str,
        props: impl Into<Match>,
    ) -> Result<(), AssertionError> {
        let params = self
            .section("Parameters")
            .filter(|(id, _)| logical_id == "*" || *id == logical_id)
            .map(|(id, p)| (id, p.clone()));
        self.expect_match(
            Section::Parameters(logical_id.into()),
            params,
            &props.into(),
        )
    }

    /// The whole template matches `whole` (plain JSON: [`Match::object_like`]; use
    /// [`Match::exact`] for equality).
    ///
    /// ```
    /// # use gs_constructs::assertions::{Match, Template}; use serde_json::json;
    /// let t = Template::from_json(json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}));
    /// t.template_matches(json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})).unwrap();
    /// assert!(t.template_matches(json!({"Outputs": Match::any_value()})).is_err());
    /// ```
    pub fn template_matches(&self, whole: impl Into<Match>) -> Result<(), AssertionError> {
        let template = "(template)".to_string();
        let entries = std::iter::once((&template, self.json.clone()));
        self.expect_match(Section::Template, entries, &whole.into())
    }

    /// `Ok` when some entry matches; else the three closest, fewest mismatches first.
    fn expect_match<'a>(
        &self,
        section: Section,
        entries: impl Iterator<Item = (&'a String, Json)>,
        pattern: &Match,
    ) -> Result<(), AssertionError> {
        let mut closest = Vec::new();
        for (id, value) in entries {
            let failures = pattern.failures(Some(&value));
            if failures.is_empty() {
                return Ok(());
            }
            closest.push(Candidate {
                logical_id: id.clone(),
                cost: failures.iter().map(|f| f.cost).sum(),
                mismatches: failures.into_iter().map(|f| f.mismatch).collect(),
                value,
            });
        }
        let analyzed = closest.len();
        closest.sort_by(|a, b| (a.cost, &a.logical_id).cmp(&(b.cost, &b.logical_id)));
        closest.truncate(3);
        let present = match &section {
            Section::Resources(_) if analyzed == 0 => {
                let types: std::collections::BTreeSet<String> = self
                    .section("Resources")
                    .filter_map(|(_, r)| r.get("Type").and_then(Json::as_str))
                    .map(str::to_string)
                    .collect();
                types.into_iter().collect()
            }
            _ => Vec::new(),
        };
        Err(AssertionError::NoMatch {
            section,
            analyzed,
            closest,
            present,
        })
    }
}

impl From<SynthError> for AssertionError {
    fn from(e: SynthError) -> AssertionError {
        AssertionError::Refused(e)
    }
}
