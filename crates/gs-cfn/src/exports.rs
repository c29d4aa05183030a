//! Cross-stack references within one account and Region, named as AWS CDK names them, so a
//! stack can move between the two tools without its exports (and every importer) changing.
//!
//! For a value `{"Ref": "X"}` or `{"Fn::GetAtt": ["X", "Attr"]}` of a producing stack that another
//! stack reads, aws-cdk-lib (`Stack.exportValue`, `core/lib/stack.ts`; called from
//! `core/lib/private/refs.ts` `resolveValue` for every reference across stacks of one
//! environment) adds an output at the path `<Stack>/Exports/Output<JSON of the value>`, whose
//! logical ID is CDK's unique ID of `["Exports", "Output<JSON>"]`, exported under
//! `<stack name>:<that ID>` cut from the left to 255 characters (`generateExportName`, with
//! `@aws-cdk/core:stackRelativeExports` on, as in CDK v2). The consumer reads
//! `{"Fn::ImportValue": <name>}`.

use gs_core::{logical_id_of, Export, NodeId, Tree};

/// The longest export name CloudFormation accepts.
pub const MAX_EXPORT_NAME_LEN: usize = 255;

/// The JSON CDK writes for the exported value (`JSON.stringify` of the resolved reference).
fn resolved_json(tree: &Tree<'_>, export: Export<'_>) -> String {
    let id = tree.logical_id(export.target).unwrap_or_default();
    let value = match export.attribute {
        None => serde_json::json!({ "Ref": id }),
        Some(attr) => serde_json::json!({ "Fn::GetAtt": [id, attr] }),
    };
    value.to_string()
}

/// The logical ID of the output that publishes `export` in its stack, e.g.
/// `ExportsOutputRefTableCD117FA1D18A8047`.
///
/// ```
/// use gs_core::{App, RawResource, Resource, StackProps, Value, Output};
/// let mut app = App::new();
/// let producer = app.stack("ProducingStack", StackProps::default())?;
/// let consumer = app.stack("ConsumingStack", StackProps::default())?;
/// let table = app.at(producer)?.resource::<RawResource>("Table", Resource::new("AWS::DynamoDB::Table"))?;
/// app.override_logical_id(table, "TableCD117FA1")?;
/// app.at(consumer)?.output("Name", Output::new(Value::Ref(table.node())))?;
/// let tree = app.freeze();
/// let export = tree.exports(producer.node())[0];
/// assert_eq!(gs_cfn::export_logical_id(&tree, export), "ExportsOutputRefTableCD117FA1D18A8047");
/// assert_eq!(gs_cfn::export_name(&tree, export), "ProducingStack:ExportsOutputRefTableCD117FA1D18A8047");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn export_logical_id(tree: &Tree<'_>, export: Export<'_>) -> String {
    let id = format!("Output{}", resolved_json(tree, export));
    logical_id_of(&["Exports", id.as_str()]).unwrap_or_default()
}

/// The export name a value of `stack` imports to read `node` (its `Ref`, or `attribute` through
/// `Fn::GetAtt`): `Some` when `node` is a resource or parameter of another stack.
pub(crate) fn import_name(
    tree: &Tree<'_>,
    stack: NodeId,
    node: NodeId,
    attribute: Option<&str>,
) -> Option<String> {
    let elsewhere = tree.contains(node) && tree.node(node).stack() != stack;
    elsewhere.then(|| {
        export_name(
            tree,
            Export {
                target: node,
                attribute,
            },
        )
    })
}

/// The import `node` is, if it is one (its attributes are written as their literal values).
pub(crate) fn imported<'t>(tree: &'t Tree<'_>, node: NodeId) -> Option<&'t gs_core::Import> {
    match tree.node(node).kind() {
        gs_core::NodeKind::Import(i) => Some(i),
        _ => None,
    }
}

/// The export name of `export`: `<producing stack>:<output logical ID>`, at most 255
/// characters (the start of the logical ID is cut first, as CDK cuts it).
pub fn export_name(tree: &Tree<'_>, export: Export<'_>) -> String {
    let stack = tree.node(export.target).stack();
    let prefix = format!("{}:", tree.node(stack).id());
    let local = export_logical_id(tree, export);
    // Logical IDs are ASCII, so a byte offset is a character offset.
    let keep = MAX_EXPORT_NAME_LEN.saturating_sub(prefix.len());
    let cut = local.len().saturating_sub(keep);
    format!("{prefix}{}", local.get(cut..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gs_core::{App, Output, RawResource, Resource, StackProps, Value};

    /// Export names taken from CDK-synthesized templates and CDK's own tests.
    #[test]
    fn names_match_three_vectors_from_cdk() {
        let cases = [
            (
                "stackA",
                "MyBucketF68F3FF0",
                Some("Arn"),
                "stackA:ExportsOutputFnGetAttMyBucketF68F3FF0Arn0F7E8E58",
            ),
            (
                "ProducingStack",
                "TableCD117FA1",
                Some("Arn"),
                "ProducingStack:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204",
            ),
            (
                "ProducingStack",
                "TableCD117FA1",
                None,
                "ProducingStack:ExportsOutputRefTableCD117FA1D18A8047",
            ),
        ];
        for (stack_name, logical_id, attribute, expected) in cases {
            let mut app = App::new();
            let producer = app.stack(stack_name, StackProps::default()).unwrap();
            let consumer = app.stack("Consumer", StackProps::default()).unwrap();
            let r = app
                .at(producer)
                .unwrap()
                .resource::<RawResource>("R", Resource::new("AWS::S3::Bucket"))
                .unwrap();
            app.override_logical_id(r, logical_id).unwrap();
            let value = match attribute {
                Some(a) => Value::GetAtt(r.node(), a.into()),
                None => Value::Ref(r.node()),
            };
            app.at(consumer)
                .unwrap()
                .output("Read", Output::new(value))
                .unwrap();
            let tree = app.freeze();
            let export = tree.exports(producer.node())[0];
            assert_eq!(export_name(&tree, export), expected);
        }
    }
}
