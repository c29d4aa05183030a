//! The CloudFormation backend: one template per stack, plus the cloud-assembly manifest that
//! the AWS CDK CLI reads (`cdk deploy --app cdk.out`).

use gs_core::{Artifact, Backend, BackendError, EmitError, PartSink, Pass, Sink, Tree};
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
        let mut artifacts = Vec::with_capacity(tree.stacks().len() + 3);
        match self.emit_into(tree, &mut artifacts) {
            Ok(()) => Ok(artifacts),
            Err(EmitError::Backend(e)) => Err(e),
            // Collecting in memory cannot fail.
            Err(EmitError::Sink(e)) => Err(BackendError {
                backend: self.name().into(),
                path: String::new(),
                message: e.to_string(),
                fix: "report this as a bug of gs".into(),
            }),
        }
    }

    /// `tree.json` in parts, and each template handed over meanwhile as soon as its part of
    /// `tree.json` (which copies its resources' properties) is written, then each asset file;
    /// then `manifest.json` and `cdk.out`. None is kept.
    fn emit_into(&self, tree: &Tree<'_>, sink: &mut dyn Sink) -> Result<(), EmitError> {
        let mut stacks = Stacks {
            backend: self,
            tree,
            by_stack: crate::assets::emit::ByStack::of(tree),
            asset_files: std::collections::HashSet::new(),
            asset_artifacts: Vec::new(),
            entries: Vec::with_capacity(tree.stacks().len()),
            templates: crate::written::Templates::take(tree),
            template: Vec::new(),
            spans: Vec::new(),
        };
        if self.templates_only {
            for (index, &stack) in tree.stacks().iter().enumerate() {
                let file_name = stacks.template(index, stack, false)?;
                sink.file(&file_name, stacks.written(index, stack).template)?;
                stacks.templates.free(index);
            }
            for a in &stacks.asset_artifacts {
                sink.file(&a.file_name, &a.bytes)?;
            }
            return Ok(());
        }
        let mut refused = None;
        sink.file_in_parts(crate::tree_json::TREE_FILE, &mut |parts| {
            stacks.with_tree_json(parts).map_err(|e| match e {
                EmitError::Sink(e) => e,
                EmitError::Backend(e) => {
                    let message = e.to_string();
                    refused = Some(e);
                    std::io::Error::other(message)
                }
            })
        })
        .map_err(|e| match refused.take() {
            Some(refused) => EmitError::Backend(refused),
            None => EmitError::Sink(e),
        })?;
        // The largest buffer written so far (a template's or tree.json's) serves the manifest:
        // its pages are already touched.
        let mut bytes = std::mem::take(&mut stacks.template);
        bytes.clear();
        crate::manifest::write(&mut bytes, tree, &stacks.entries);
        sink.file("manifest.json", &bytes)?;
        sink.file(
            "cdk.out",
            &json_bytes(&Version {
                version: ASSEMBLY_VERSION,
            }),
        )?;
        Ok(())
    }
}

/// The stacks' templates, written one at a time into one buffer, and what the manifest and
/// asset files need of them.
struct Stacks<'b, 't, 'a> {
    backend: &'b CfnBackend,
    tree: &'t Tree<'a>,
    by_stack: crate::assets::emit::ByStack<'t>,
    /// Asset files listed so far (two constructs or stacks may share one).
    asset_files: std::collections::HashSet<String>,
    asset_artifacts: Vec<Artifact>,
    entries: Vec<crate::manifest::StackEntry>,
    /// The templates written once for the tree (as `cfn/limits` measured them), each freed
    /// once handed over.
    templates: crate::written::Templates,
    /// The last template written here, of a stack whose template was not kept in `templates`.
    template: Vec<u8>,
    /// Where its resources' properties are, when `tree.json` copies them.
    spans: Vec<crate::direct::PropsSpan>,
}

impl Stacks<'_, '_, '_> {
    /// The template of `stack`, the `index`th of the tree's stacks, as kept in `self.templates`
    /// or else written into `self.template` (with the spans of its resources' properties when
    /// `spans`); lists its manifest entry and asset files; returns its file name. The template
    /// is then [`Stacks::written`].
    fn template(
        &mut self,
        index: usize,
        stack: gs_core::NodeId,
        spans: bool,
    ) -> Result<String, EmitError> {
        let tree = self.tree;
        let name = tree.node(stack).id();
        let failed = |e: &dyn std::fmt::Display| {
            BackendError {
            backend: self.backend.name().into(),
            path: name.into(),
            message: format!("the template could not be written: {e}"),
            fix: "a value the validation passes cannot see went wrong: a reference to an import without that attribute (import it with the attribute), or a number that is not finite (use a finite number)".into(),
        }
        };
        match self.templates.get(index, stack) {
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(failed(e).into()),
            None => {
                self.template.clear();
                self.template.reserve(crate::written::capacity(tree, stack));
                self.spans.clear();
                let spans = spans.then_some(&mut self.spans);
                crate::direct::template(&mut self.template, tree, stack, spans)
                    .map_err(|e| failed(&e))?;
            }
        }
        let file_name = template_file_name(name);
        let bootstrap = if self.backend.templates_only
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
                self.written(index, stack).template,
                &self.by_stack,
                ASSEMBLY_VERSION,
            );
            for &(_, a) in self.by_stack.files(stack) {
                if self.asset_files.insert(a.file_name()) {
                    self.asset_artifacts.push(Artifact {
                        file_name: a.file_name(),
                        bytes: a.bytes.to_vec(),
                    });
                }
            }
            self.asset_artifacts.push(assets.manifest);
            Some(Box::new(crate::manifest::Bootstrap {
                id: assets.id,
                artifact: assets.artifact,
                stack: assets.stack,
            }))
        };
        self.entries
            .push(crate::manifest::StackEntry { stack, bootstrap });
        Ok(file_name)
    }

    /// The template of `stack` (the `index`th stack) last handled by [`Stacks::template`], and
    /// where its resources' properties are.
    fn written(&self, index: usize, stack: gs_core::NodeId) -> crate::tree_json::Written<'_> {
        match self.templates.get(index, stack) {
            Some(Ok(t)) => crate::tree_json::Written {
                template: self.templates.bytes(t),
                spans: &t.spans,
            },
            _ => crate::tree_json::Written {
                template: &self.template,
                spans: &self.spans,
            },
        }
    }

    /// `tree.json` into `parts`, each stack's part written right after its template (copying
    /// its properties), and the template handed over then; the asset files after the last.
    fn with_tree_json(&mut self, parts: &mut dyn PartSink) -> Result<(), EmitError> {
        let tree = self.tree;
        let mut writer = crate::tree_json::TreeWriter::new(tree);
        let mut out = Vec::with_capacity(crate::tree_json::PART + 8 * 1024);
        writer.head(&mut out);
        for (i, &stack) in tree.stacks().iter().enumerate() {
            let file_name = self.template(i, stack, true)?;
            let written = self.written(i, stack);
            writer
                .stack(
                    &mut out,
                    stack,
                    i == 0,
                    Some(written),
                    Some(&mut |part: &[u8]| parts.part(part)),
                )
                .map_err(|e| match e.io_error_kind() {
                    Some(kind) => EmitError::Sink(std::io::Error::new(kind, e.to_string())),
                    None => EmitError::Backend(BackendError {
                        backend: self.backend.name().into(),
                        path: String::new(),
                        message: format!("tree.json could not be written: {e}"),
                        fix: "a value the validation passes cannot see went wrong: a number that is not finite (use a finite number)".into(),
                    }),
                })?;
            parts.file(&file_name, written.template)?;
            self.templates.free(i);
        }
        for a in &self.asset_artifacts {
            parts.file(&a.file_name, &a.bytes)?;
        }
        writer.tail(&mut out);
        parts.part(&out)?;
        if out.capacity() > self.template.capacity() {
            self.template = out;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use gs_core::{PartSink, Parts};

    /// The size of each part of `tree.json` handed over, and the whole file.
    #[derive(Default)]
    struct Recorded {
        parts: Vec<usize>,
        tree_json: Vec<u8>,
    }

    impl PartSink for Recorded {
        fn part(&mut self, bytes: &[u8]) -> std::io::Result<()> {
            self.parts.push(bytes.len());
            self.tree_json.extend_from_slice(bytes);
            Ok(())
        }
        fn file(&mut self, _: &str, _: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink for Recorded {
        fn file(&mut self, _: &str, _: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
        fn file_in_parts(&mut self, file_name: &str, write: &mut Parts<'_>) -> std::io::Result<()> {
            assert_eq!(file_name, crate::tree_json::TREE_FILE);
            write(self)
        }
    }

    #[test]
    fn tree_json_is_handed_over_in_parts_that_fit_a_32_kib_buffer() {
        let app = crate::tree_json::four_hundred_queues();
        let tree = app.freeze();
        let mut recorded = Recorded::default();
        CfnBackend::default()
            .emit_into(&tree, &mut recorded)
            .unwrap();
        // The buffer the parts are gathered in (32 KiB) is not outgrown: every part is handed
        // over while it still fits, with room for the node that passes the part size.
        assert!(recorded.parts.len() > 3, "{:?}", recorded.parts);
        for &part in &recorded.parts {
            assert!(part <= 32 * 1024, "{:?}", recorded.parts);
        }
        assert_eq!(
            recorded.tree_json,
            crate::tree_json::tree_json(&tree).unwrap()
        );
    }
}
