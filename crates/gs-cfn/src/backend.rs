//! The CloudFormation backend: one template per stack, plus the cloud-assembly manifest that
//! the AWS CDK CLI reads (`cdk deploy --app cdk.out`).

use gs_core::{Artifact, Backend, BackendError, EmitError, Pass, Sink, Tree};
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

/// The metadata entry type that maps a construct path to its logical ID.
pub const LOGICAL_ID_METADATA: &str = "aws:cdk:logicalId";

/// The artifact ID of the construct tree in the manifest, as CDK names it; `gs.Tree` when a
/// stack already has that ID (a stack name cannot hold a dot).
pub const TREE_ARTIFACT_ID: &str = "Tree";

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
        let mut entries: Vec<crate::manifest::StackEntry> = Vec::with_capacity(tree.stacks().len());
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
                Some(Box::new(crate::manifest::Bootstrap {
                    id: assets.id,
                    artifact: assets.artifact,
                    stack: assets.stack,
                }))
            };
            entries.push(crate::manifest::StackEntry { stack, bootstrap });
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
            let mut bytes = std::mem::take(&mut buffer);
            bytes.clear();
            crate::manifest::write(&mut bytes, tree, &entries);
            put(
                &mut artifacts,
                Artifact {
                    file_name: "manifest.json".into(),
                    bytes,
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
