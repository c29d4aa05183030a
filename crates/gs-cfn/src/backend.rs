//! The CloudFormation backend: one template per stack, plus the cloud-assembly manifest that
//! the AWS CDK CLI reads (`cdk deploy --app cdk.out`).

use gs_core::{Artifact, Backend, BackendError, EmitError, NodeKind, Pass, Sink, Tree};
use indexmap::IndexMap;
use serde::Serialize;

/// The cloud-assembly schema version the manifest declares.
pub const ASSEMBLY_VERSION: &str = "36.0.0";

/// Emits `<Stack>.template.json` for every stack, `manifest.json`, `tree.json` and `cdk.out`, and checks
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
    /// Leave out `manifest.json`, `tree.json` and `cdk.out` (templates only).
    pub templates_only: bool,
}

#[derive(Serialize)]
struct Manifest<'t> {
    version: &'static str,
    artifacts: IndexMap<std::borrow::Cow<'t, str>, ArtifactEntry<'t>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ArtifactEntry<'t> {
    Stack(StackArtifact<'t>),
    Tree(TreeArtifact),
    Assets(crate::assets::emit::AssetManifestArtifact),
}

/// The `cdk:tree` artifact: where `tree.json` is.
#[derive(Serialize)]
struct TreeArtifact {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: TreeArtifactProperties,
}

#[derive(Serialize)]
struct TreeArtifactProperties {
    file: &'static str,
}

/// One entry of a stack artifact's metadata, as the cloud-assembly schema's `MetadataEntry`.
#[derive(Serialize)]
struct MetadataEntry<'t> {
    #[serde(rename = "type")]
    kind: &'static str,
    data: &'t str,
}

/// The metadata entry type that maps a construct path to its logical ID.
pub const LOGICAL_ID_METADATA: &str = "aws:cdk:logicalId";

/// The artifact ID of the construct tree in the manifest, as CDK names it; `gs.Tree` when a
/// stack already has that ID (a stack name cannot hold a dot).
pub const TREE_ARTIFACT_ID: &str = "Tree";

#[derive(Serialize)]
struct StackArtifact<'t> {
    #[serde(rename = "type")]
    kind: &'static str,
    environment: String,
    properties: StackArtifactProperties,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<std::borrow::Cow<'t, str>>,
    /// By absolute construct path (`/Stack/Queue/Resource`), as CDK writes it.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    metadata: IndexMap<String, Vec<MetadataEntry<'t>>, gs_core::FastState>,
    #[serde(rename = "displayName")]
    display_name: &'t str,
}

#[derive(Serialize)]
struct StackArtifactProperties {
    #[serde(rename = "templateFile")]
    template_file: String,
    #[serde(rename = "validateOnSynth")]
    validate_on_synth: bool,
    /// Under the bootstrap conventions ([`crate::assets`]): roles, template asset, version.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    bootstrap: Option<Box<crate::assets::emit::StackBootstrap>>,
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
        match self.emit_to(tree, None) {
            Ok(artifacts) => Ok(artifacts),
            Err(EmitError::Backend(e)) => Err(e),
            // Without a sink, nothing is written.
            Err(EmitError::Sink(e)) => Err(BackendError {
                backend: self.name().into(),
                path: String::new(),
                message: e.to_string(),
                fix: "report this as a bug of gs".into(),
            }),
        }
    }

    /// Each template as soon as they are all written (`tree.json` copies their properties),
    /// then `tree.json`, `manifest.json` and `cdk.out` each as soon as it is written; none is
    /// kept.
    fn emit_into(&self, tree: &Tree<'_>, sink: &mut dyn Sink) -> Result<(), EmitError> {
        self.emit_to(tree, Some(sink)).map(drop)
    }
}

impl CfnBackend {
    /// [`Backend::emit`] (`sink` `None`: every artifact returned) or [`Backend::emit_into`]
    /// (every artifact handed to `sink` and dropped, none returned).
    fn emit_to(
        &self,
        tree: &Tree<'_>,
        mut sink: Option<&mut dyn Sink>,
    ) -> Result<Vec<Artifact>, EmitError> {
        let mut artifacts = Vec::with_capacity(tree.stacks().len() + 3);
        let mut manifest = Manifest {
            version: ASSEMBLY_VERSION,
            artifacts: IndexMap::new(),
        };
        let by_stack = crate::assets::emit::ByStack::of(tree);
        // Asset files written so far (two constructs or stacks may share one).
        let mut asset_files = std::collections::HashSet::new();
        let mut asset_artifacts = Vec::new();
        // With a sink, one buffer for every file in turn: its pages, once touched, serve the
        // next file.
        let mut buffer = Vec::new();
        for &stack in tree.stacks() {
            let node = tree.node(stack);
            let name = node.id();
            let mut bytes = std::mem::take(&mut buffer);
            bytes.clear();
            bytes.reserve(1024 * (tree.elements(stack).len() + 1));
            crate::direct::template(&mut bytes, tree, stack)
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
            let metadata = if self.templates_only {
                IndexMap::default()
            } else {
                logical_id_metadata(tree, stack)
            };
            let mut dependencies: Vec<std::borrow::Cow<'_, str>> = tree
                .stack_dependencies(stack)
                .iter()
                .map(|s| tree.node(*s).id().into())
                .collect();
            let bootstrap = if self.templates_only
                || tree
                    .app()
                    .attached::<crate::assets::Bootstrapped>(stack)
                    .is_none()
            {
                None
            } else {
                let assets = crate::assets::emit::stack_assets(
                    tree,
                    stack,
                    name,
                    &file_name,
                    &bytes,
                    &by_stack,
                    ASSEMBLY_VERSION,
                );
                for &(_, a) in by_stack.files(stack) {
                    if asset_files.insert(a.file_name()) {
                        asset_artifacts.push(Artifact {
                            file_name: a.file_name(),
                            bytes: a.bytes.to_vec(),
                        });
                    }
                }
                asset_artifacts.push(assets.manifest);
                dependencies.push(assets.id.clone().into());
                manifest.artifacts.insert(
                    assets.id.clone().into(),
                    ArtifactEntry::Assets(assets.artifact),
                );
                Some(Box::new(assets.stack))
            };
            manifest.artifacts.insert(
                name.into(),
                ArtifactEntry::Stack(StackArtifact {
                    kind: "aws:cloudformation:stack",
                    environment: format!(
                        "aws://{}/{}",
                        account.unwrap_or("unknown-account"),
                        region.unwrap_or("unknown-region")
                    ),
                    properties: StackArtifactProperties {
                        template_file: file_name.clone(),
                        validate_on_synth: false,
                        bootstrap,
                    },
                    dependencies,
                    metadata,
                    display_name: name,
                }),
            );
            // Handed over at once: tree.json writes the props anew, from the tree.
            match sink.as_deref_mut() {
                Some(sink) => {
                    sink.file(&file_name, &bytes)?;
                    buffer = bytes;
                }
                None => artifacts.push(Artifact { file_name, bytes }),
            }
        }
        if let Some(sink) = sink.as_deref_mut() {
            for a in &asset_artifacts {
                sink.file(&a.file_name, &a.bytes)?;
            }
        } else {
            artifacts.extend(asset_artifacts);
        }
        if !self.templates_only {
            let tree_error = |e: serde_json::Error| {
                BackendError {
                backend: self.name().into(),
                path: String::new(),
                message: format!("tree.json could not be written: {e}"),
                fix: "a value the validation passes cannot see went wrong: a number that is not finite (use a finite number)".into(),
            }
            };
            // Written in parts from one buffer when there is a sink, else whole.
            let tree_bytes = match sink.as_deref_mut() {
                Some(sink) => {
                    let mut refused = None;
                    buffer.clear();
                    sink.file_in_parts(crate::tree_json::TREE_FILE, &mut |part| {
                        match crate::tree_json::tree_json_parts(tree, &mut buffer, Some(part)) {
                            Ok(()) => Ok(()),
                            Err(e) if e.is_io() => Err(e.into()),
                            Err(e) => {
                                let message = e.to_string();
                                refused = Some(e);
                                Err(std::io::Error::other(message))
                            }
                        }
                    })
                    .map_err(|e| match refused.take() {
                        Some(refused) => EmitError::Backend(tree_error(refused)),
                        None => EmitError::Sink(e),
                    })?;
                    None
                }
                None => Some(crate::tree_json::tree_json(tree).map_err(tree_error)?),
            };
            let tree_id = if manifest.artifacts.contains_key(TREE_ARTIFACT_ID) {
                "gs.Tree"
            } else {
                TREE_ARTIFACT_ID
            };
            manifest.artifacts.insert(
                tree_id.into(),
                ArtifactEntry::Tree(TreeArtifact {
                    kind: "cdk:tree",
                    properties: TreeArtifactProperties {
                        file: crate::tree_json::TREE_FILE,
                    },
                }),
            );
            // Hands `a` to the sink and drops it, or keeps it.
            let mut put = |artifacts: &mut Vec<Artifact>, a: Artifact| match sink.as_deref_mut() {
                Some(sink) => sink.file(&a.file_name, &a.bytes),
                None => {
                    artifacts.push(a);
                    Ok(())
                }
            };
            if let Some(bytes) = tree_bytes {
                put(
                    &mut artifacts,
                    Artifact {
                        file_name: crate::tree_json::TREE_FILE.into(),
                        bytes,
                    },
                )?;
            }
            let json = |v: &dyn erased::Json| v.bytes();
            put(
                &mut artifacts,
                Artifact {
                    file_name: "manifest.json".into(),
                    bytes: json(&manifest),
                },
            )?;
            put(
                &mut artifacts,
                Artifact {
                    file_name: "cdk.out".into(),
                    bytes: json(&Version {
                        version: ASSEMBLY_VERSION,
                    }),
                },
            )?;
        }
        Ok(if sink.is_some() {
            Vec::new()
        } else {
            artifacts
        })
    }
}

/// `aws:cdk:logicalId` entries of the stack's resources, parameters and outputs, by absolute
/// construct path in tree order, as CDK's `CfnElement` records them: the CDK CLI names the
/// construct of a resource whose deployment failed from these.
fn logical_id_metadata<'t>(
    tree: &'t Tree<'_>,
    stack: gs_core::NodeId,
) -> IndexMap<String, Vec<MetadataEntry<'t>>, gs_core::FastState> {
    let mut metadata =
        IndexMap::with_capacity_and_hasher(tree.elements(stack).len(), Default::default());
    for &e in tree.elements(stack) {
        if let Some(id) = tree.logical_id(e) {
            // `/` and the path, without the formatting machinery (a path per resource).
            let path = tree.path_str(e);
            let mut key = String::with_capacity(path.len() + 1);
            key.push('/');
            key.push_str(path);
            metadata.insert(
                key,
                vec![MetadataEntry {
                    kind: LOGICAL_ID_METADATA,
                    data: id,
                }],
            );
        }
    }
    metadata
}

/// Pretty JSON of plain data, with a final newline, as every assembly file is written.
pub(crate) fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    erased::Json::bytes(value)
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
