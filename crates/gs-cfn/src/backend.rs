//! The CloudFormation backend: one template per stack, plus the cloud-assembly manifest that
//! the AWS CDK CLI reads (`cdk deploy --app cdk.out`).

use gs_core::{Artifact, Backend, BackendError, NodeKind, Pass, Tree};
use indexmap::IndexMap;
use serde::Serialize;

use crate::template::Template;

/// The cloud-assembly schema version the manifest declares.
pub const ASSEMBLY_VERSION: &str = "36.0.0";

/// Emits `<Stack>.template.json` for every stack, `manifest.json` and `cdk.out`, and checks
/// CloudFormation's quotas (`cfn/limits`) first, however the tree was built.
///
/// This backend knows no AWS service; gs-constructs' `CfnBackend` wraps it with every service
/// rule.
///
/// ```
/// use gs_cfn::CfnBackend;
/// use gs_core::{App, RawResource, Resource, StackProps};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// app.at(stack)?.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
/// let out = app.synth(&CfnBackend::default())?;
/// let template: serde_json::Value = serde_json::from_slice(&out.artifact("Demo.template.json").unwrap().bytes)?;
/// assert_eq!(template["Resources"]["Topic"]["Type"], "AWS::SNS::Topic");
/// assert_eq!(template["Resources"]["Topic"]["Metadata"]["aws:cdk:path"], "Demo/Topic");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CfnBackend {
    /// Leave out `manifest.json` and `cdk.out` (templates only).
    pub templates_only: bool,
}

#[derive(Serialize)]
struct Manifest<'t> {
    version: &'static str,
    artifacts: IndexMap<&'t str, StackArtifact<'t>>,
}

#[derive(Serialize)]
struct StackArtifact<'t> {
    #[serde(rename = "type")]
    kind: &'static str,
    environment: String,
    properties: StackArtifactProperties,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<&'t str>,
    #[serde(rename = "displayName")]
    display_name: &'t str,
}

#[derive(Serialize)]
struct StackArtifactProperties {
    #[serde(rename = "templateFile")]
    template_file: String,
    #[serde(rename = "validateOnSynth")]
    validate_on_synth: bool,
}

/// The file name of a stack's template.
pub fn template_file_name(stack_name: &str) -> String {
    format!("{stack_name}.template.json")
}

impl Backend for CfnBackend {
    fn name(&self) -> &str {
        "cloudformation"
    }

    fn passes(&self) -> &'static [Pass] {
        &[crate::passes::LIMITS_PASS]
    }

    fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError> {
        let mut artifacts = Vec::with_capacity(tree.stacks().len() + 2);
        let mut manifest = Manifest {
            version: ASSEMBLY_VERSION,
            artifacts: IndexMap::new(),
        };
        for &stack in tree.stacks() {
            let node = tree.node(stack);
            let name = node.id();
            let bytes = Template::of_stack(tree, stack)
                .to_json()
                .map_err(|e| BackendError {
                    backend: self.name().into(),
                    path: name.into(),
                    message: format!("the template could not be written: {e}"),
                    fix: "a value the validation passes cannot see went wrong: a reference to an import without that attribute (import it with the attribute), or a number that is not finite (use a finite number)".into(),
                })?;
            let file_name = template_file_name(name);
            let (region, account) = match node.kind() {
                NodeKind::Stack(s) => (s.region.as_deref(), s.account.as_deref()),
                _ => (None, None),
            };
            manifest.artifacts.insert(
                name,
                StackArtifact {
                    kind: "aws:cloudformation:stack",
                    environment: format!(
                        "aws://{}/{}",
                        account.unwrap_or("unknown-account"),
                        region.unwrap_or("unknown-region")
                    ),
                    properties: StackArtifactProperties {
                        template_file: file_name.clone(),
                        validate_on_synth: false,
                    },
                    dependencies: tree
                        .stack_dependencies(stack)
                        .iter()
                        .map(|s| tree.node(*s).id())
                        .collect(),
                    display_name: name,
                },
            );
            artifacts.push(Artifact { file_name, bytes });
        }
        if !self.templates_only {
            let json = |v: &dyn erased::Json| v.bytes();
            artifacts.push(Artifact {
                file_name: "manifest.json".into(),
                bytes: json(&manifest),
            });
            artifacts.push(Artifact {
                file_name: "cdk.out".into(),
                bytes: json(&Version {
                    version: ASSEMBLY_VERSION,
                }),
            });
        }
        Ok(artifacts)
    }
}

#[derive(Serialize)]
struct Version {
    version: &'static str,
}

mod erased {
    /// Pretty JSON of plain data that cannot fail to serialize (strings and maps of strings).
    pub(super) trait Json {
        fn bytes(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn bytes(&self) -> Vec<u8> {
            let mut out = crate::json::pretty_json(self, "  ").unwrap_or_default();
            out.push(b'\n');
            out
        }
    }
}
