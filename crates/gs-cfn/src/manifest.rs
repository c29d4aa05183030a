//! `manifest.json`, the cloud assembly's index, written straight from the frozen tree with
//! [`crate::direct::Pretty`]: byte for byte what serializing the cloud-assembly schema's
//! structures through [`crate::pretty_json`] writes (the tests below keep that serde path as the
//! reference), without a map or an allocation per construct path.

use gs_core::{NodeId, NodeKind, Tree};

use crate::assets::emit::{AssetManifestArtifact, StackBootstrap};
use crate::direct::{key, Pretty};
use crate::json_writer::needs_escape;

/// Indentation per level, as every assembly file but the templates is written.
const INDENT: &str = "  ";

/// What a bootstrapped stack adds to the manifest.
pub(crate) struct Bootstrap {
    /// The asset manifest's artifact id, `<Stack>.assets`.
    pub id: String,
    /// The `cdk:asset-manifest` artifact, listed before the stack.
    pub artifact: AssetManifestArtifact,
    /// The stack artifact's properties under the bootstrap conventions.
    pub stack: StackBootstrap,
}

/// One stack of the manifest, in emission order.
pub(crate) struct StackEntry {
    /// The stack.
    pub stack: NodeId,
    /// Under the bootstrap conventions ([`crate::assets`]): its asset manifest and roles.
    pub bootstrap: Option<Box<Bootstrap>>,
}

/// `manifest.json` of the stacks `entries` (and the tree artifact), final newline included,
/// appended to `out`.
pub(crate) fn write(out: &mut Vec<u8>, tree: &Tree<'_>, entries: &[StackEntry]) {
    let mut w = Pretty::nested(out, INDENT, 0);
    w.open_call(b'{');
    w.known_call(key!("version"));
    w.string(crate::backend::ASSEMBLY_VERSION);
    w.known_call(key!("artifacts"));
    w.open_call(b'{');
    let mut tree_id = crate::backend::TREE_ARTIFACT_ID;
    for entry in entries {
        let name = tree.node(entry.stack).id();
        if name == crate::backend::TREE_ARTIFACT_ID
            || entry
                .bootstrap
                .as_ref()
                .is_some_and(|b| b.id == crate::backend::TREE_ARTIFACT_ID)
        {
            tree_id = "gs.Tree";
        }
        if let Some(b) = &entry.bootstrap {
            w.key(&b.id);
            nested(&mut w, &b.artifact, 2);
        }
        stack(&mut w, tree, entry);
    }
    w.key(tree_id);
    w.open_call(b'{');
    w.known_call(key!("type"));
    w.string("cdk:tree");
    w.known_call(key!("properties"));
    w.open_call(b'{');
    w.known_call(key!("file"));
    w.string(crate::tree_json::TREE_FILE);
    w.close_call(b'}');
    w.close_call(b'}');
    w.close_call(b'}');
    w.close_call(b'}');
    out.push(b'\n');
}

/// A value of plain data `depth` levels deep, through serde (a few per bootstrapped stack);
/// serializing strings and numbers cannot fail.
fn nested<T: serde::Serialize>(w: &mut Pretty<'_>, value: &T, depth: usize) {
    let mut bytes = Vec::new();
    let _ = crate::json::pretty_json_nested(&mut bytes, value, INDENT, depth);
    w.raw(&bytes);
}

/// A stack artifact: its type, environment, properties, dependencies, metadata (the logical
/// ID of each element, by absolute construct path) and display name.
fn stack(w: &mut Pretty<'_>, tree: &Tree<'_>, entry: &StackEntry) {
    let node = tree.node(entry.stack);
    let name = node.id();
    let (region, account) = match node.kind() {
        NodeKind::Stack(s) => (s.region.as_deref(), s.account.as_deref()),
        _ => (None, None),
    };
    w.key(name);
    w.open_call(b'{');
    w.known_call(key!("type"));
    w.string("aws:cloudformation:stack");
    w.known_call(key!("environment"));
    let mut environment = String::with_capacity(64);
    environment.push_str("aws://");
    environment.push_str(account.unwrap_or("unknown-account"));
    environment.push('/');
    environment.push_str(region.unwrap_or("unknown-region"));
    w.string(&environment);
    w.known_call(key!("properties"));
    w.open_call(b'{');
    w.known_call(key!("templateFile"));
    let mut file = String::with_capacity(name.len() + 14);
    file.push_str(name);
    file.push_str(".template.json");
    w.string(&file);
    w.known_call(key!("validateOnSynth"));
    w.raw(b"false");
    if let Some(b) = &entry.bootstrap {
        // Flattened into the properties: the object's fields without its braces.
        let mut bytes = Vec::new();
        let _ = crate::json::pretty_json_nested(&mut bytes, &b.stack, INDENT, 3);
        let end = bytes.iter().rposition(|&c| c == b'\n').unwrap_or(0);
        if let Some(fields) = bytes.get(1..end).filter(|f| !f.is_empty()) {
            w.raw(b",");
            w.raw(fields);
        }
    }
    w.close_call(b'}');
    let dependencies = tree.stack_dependencies(entry.stack);
    if !dependencies.is_empty() || entry.bootstrap.is_some() {
        w.known_call(key!("dependencies"));
        w.open_call(b'[');
        for &d in dependencies {
            w.item();
            w.string(tree.node(d).id());
        }
        if let Some(b) = &entry.bootstrap {
            w.item();
            w.string(&b.id);
        }
        w.close_call(b']');
    }
    let mut elements = tree
        .elements(entry.stack)
        .iter()
        .filter_map(|&e| Some((e, tree.logical_id(e)?)))
        .peekable();
    if elements.peek().is_some() {
        w.known_call(key!("metadata"));
        w.open_call(b'{');
        // Every entry is `"/<path>": [{"type": "aws:cdk:logicalId", "data": "<id>"}]`: what
        // surrounds its logical ID is the same for all and is made once.
        let mut before_id = vec![b'['];
        w.newline_into(&mut before_id, 1);
        before_id.push(b'{');
        w.newline_into(&mut before_id, 2);
        before_id.extend_from_slice(key!("type").as_bytes());
        crate::direct::string(&mut before_id, crate::backend::LOGICAL_ID_METADATA);
        before_id.push(b',');
        w.newline_into(&mut before_id, 2);
        before_id.extend_from_slice(key!("data").as_bytes());
        let mut after_id = Vec::new();
        w.newline_into(&mut after_id, 1);
        after_id.push(b'}');
        w.newline_into(&mut after_id, 0);
        after_id.push(b']');
        for (e, id) in elements {
            path_key(w, tree.path_str(e));
            w.raw(&before_id);
            w.string(id);
            w.raw(&after_id);
        }
        w.close_call(b'}');
    }
    w.known_call(key!("displayName"));
    w.string(name);
    w.close_call(b'}');
}

/// The key of an element's metadata: its absolute construct path, `/` and its path in the app.
/// `/` needs no escape in JSON, so the key is the quoted path with `/` put before it.
fn path_key(w: &mut Pretty<'_>, path: &str) {
    w.item();
    if needs_escape(path.as_bytes()) {
        let mut slashed = String::with_capacity(path.len() + 1);
        slashed.push('/');
        slashed.push_str(path);
        w.string(&slashed);
    } else {
        let out = w.out();
        out.reserve(path.len() + 5);
        out.extend_from_slice(b"\"/");
        out.extend_from_slice(path.as_bytes());
        out.push(b'"');
    }
    w.raw(b": ");
}

#[cfg(test)]
mod tests {
    use super::*;
    use gs_core::{App, RawResource, Resource, StackProps};
    use indexmap::IndexMap;
    use proptest::prelude::*;
    use serde::Serialize;

    // The manifest as the cloud-assembly schema's structures, serialized through serde: the
    // way it was written before, kept as the reference.

    #[derive(Serialize)]
    struct Manifest<'t> {
        version: &'static str,
        artifacts: IndexMap<String, ArtifactEntry<'t>>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum ArtifactEntry<'t> {
        Stack(StackArtifact<'t>),
        Tree(TreeArtifact),
        Assets(&'t AssetManifestArtifact),
    }

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

    #[derive(Serialize)]
    struct MetadataEntry<'t> {
        #[serde(rename = "type")]
        kind: &'static str,
        data: &'t str,
    }

    #[derive(Serialize)]
    struct StackArtifact<'t> {
        #[serde(rename = "type")]
        kind: &'static str,
        environment: String,
        properties: StackArtifactProperties<'t>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        dependencies: Vec<String>,
        #[serde(skip_serializing_if = "IndexMap::is_empty")]
        metadata: IndexMap<String, Vec<MetadataEntry<'t>>>,
        #[serde(rename = "displayName")]
        display_name: &'t str,
    }

    #[derive(Serialize)]
    struct StackArtifactProperties<'t> {
        #[serde(rename = "templateFile")]
        template_file: String,
        #[serde(rename = "validateOnSynth")]
        validate_on_synth: bool,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        bootstrap: Option<&'t StackBootstrap>,
    }

    fn reference(tree: &Tree<'_>, entries: &[StackEntry]) -> String {
        let mut manifest = Manifest {
            version: crate::backend::ASSEMBLY_VERSION,
            artifacts: IndexMap::new(),
        };
        for entry in entries {
            let node = tree.node(entry.stack);
            let name = node.id();
            let (region, account) = match node.kind() {
                NodeKind::Stack(s) => (s.region.as_deref(), s.account.as_deref()),
                _ => (None, None),
            };
            let mut dependencies: Vec<String> = tree
                .stack_dependencies(entry.stack)
                .iter()
                .map(|s| tree.node(*s).id().to_owned())
                .collect();
            if let Some(b) = &entry.bootstrap {
                dependencies.push(b.id.clone());
                manifest
                    .artifacts
                    .insert(b.id.clone(), ArtifactEntry::Assets(&b.artifact));
            }
            let mut metadata = IndexMap::new();
            for &e in tree.elements(entry.stack) {
                if let Some(id) = tree.logical_id(e) {
                    metadata.insert(
                        format!("/{}", tree.path_str(e)),
                        vec![MetadataEntry {
                            kind: crate::backend::LOGICAL_ID_METADATA,
                            data: id,
                        }],
                    );
                }
            }
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
                        template_file: crate::backend::template_file_name(name),
                        validate_on_synth: false,
                        bootstrap: entry.bootstrap.as_ref().map(|b| &b.stack),
                    },
                    dependencies,
                    metadata,
                    display_name: name,
                }),
            );
        }
        let tree_id = if manifest
            .artifacts
            .contains_key(crate::backend::TREE_ARTIFACT_ID)
        {
            "gs.Tree"
        } else {
            crate::backend::TREE_ARTIFACT_ID
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
        String::from_utf8(crate::backend::json_bytes(&manifest)).unwrap()
    }

    /// The entries the backend makes for `tree`: every stack, the bootstrapped ones with their
    /// assets (of an empty template: the hash does not matter here).
    fn entries(tree: &Tree<'_>) -> Vec<StackEntry> {
        let by_stack = crate::assets::emit::ByStack::of(tree);
        tree.stacks()
            .iter()
            .map(|&stack| {
                let bootstrap = tree
                    .app()
                    .attached::<crate::assets::Bootstrapped>(stack)
                    .map(|_| {
                        let name = tree.node(stack).id();
                        let file = crate::backend::template_file_name(name);
                        let a = crate::assets::emit::stack_assets(
                            tree,
                            stack,
                            name,
                            &file,
                            b"{}",
                            &by_stack,
                            crate::backend::ASSEMBLY_VERSION,
                        );
                        Box::new(Bootstrap {
                            id: a.id,
                            artifact: a.artifact,
                            stack: a.stack,
                        })
                    });
                StackEntry { stack, bootstrap }
            })
            .collect()
    }

    fn check(app: &App) {
        let tree = app.freeze();
        let entries = entries(&tree);
        let mut out = Vec::new();
        write(&mut out, &tree, &entries);
        assert_eq!(String::from_utf8(out).unwrap(), reference(&tree, &entries));
    }

    #[test]
    fn an_app_without_stacks_lists_the_tree_alone() {
        check(&App::new());
    }

    #[test]
    fn a_stack_named_tree_moves_the_tree_artifact_to_gs_tree() {
        let mut app = App::new();
        let stack = app.stack("Tree", StackProps::default()).unwrap();
        app.at(stack)
            .unwrap()
            .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        check(&app);
        let tree = app.freeze();
        let mut out = Vec::new();
        write(&mut out, &tree, &entries(&tree));
        assert!(String::from_utf8(out).unwrap().contains("\"gs.Tree\": {"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_direct_manifest_is_what_serde_writes(
            stacks in prop::collection::vec((
                "[A-Za-z][A-Za-z0-9-]{0,8}",
                prop::collection::vec("[A-Za-z0-9é\"\\\\ ]{1,8}", 0..5),
                any::<bool>(),
                prop::option::of("[a-z]{2}-[a-z]{4}-[1-3]"),
                prop::option::of("[0-9]{12}"),
                prop::collection::vec(any::<usize>(), 0..3),
            ), 0..4),
        ) {
            let mut app = App::new();
            let mut made = Vec::new();
            for (name, resources, bootstrapped, region, account, depends) in &stacks {
                let props = StackProps { region: region.clone(), account: account.clone(), ..StackProps::default() };
                let Ok(stack) = app.stack(name, props) else { continue };
                let mut s = app.at(stack).unwrap();
                for r in resources {
                    let _ = s.resource::<RawResource>(r, Resource::new("AWS::SNS::Topic"));
                }
                if *bootstrapped {
                    crate::assets::use_bootstrap(&mut app, stack.into()).unwrap();
                }
                for &d in depends {
                    if let Some(&to) = made.get(d % made.len().max(1)) {
                        let _ = app.add_dependency(stack, to, "ordered");
                    }
                }
                made.push(stack);
            }
            check(&app);
        }
    }
}
