//! The DynamoDB rule: a Lambda event source mapping on the stream of a table that has none.
//! Typed tables make it unwritable ([`super::Table::stream_arn`] is `None` without a stream);
//! the pass catches raw resources.

use gs_core::{Diagnostic, Rule, Severity, Tree, Value};

/// The rule `dynamodb/event-source-without-stream`.
pub const EVENT_SOURCE_WITHOUT_STREAM: Rule = Rule {
    id: "dynamodb/event-source-without-stream",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &["AWS::Lambda::EventSourceMapping"],
    what: "A Lambda event source mapping reads `Fn::GetAtt <Table>.StreamArn` of a DynamoDB table (or global table) that has no `StreamSpecification`.",
    why: "A table without a stream has no stream ARN: the deployment fails on the attribute, or the mapping has nothing to read.",
    fix: "give the table a stream (`TableProps::stream`, or `StreamSpecification` with a `StreamViewType`)",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[EVENT_SOURCE_WITHOUT_STREAM];

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        if r.type_name != "AWS::Lambda::EventSourceMapping" {
            continue;
        }
        let Some(Value::GetAtt(table, attribute)) = r.properties.get("EventSourceArn") else {
            continue;
        };
        if attribute != "StreamArn" {
            continue;
        }
        let Some(t) = tree.node(*table).as_resource() else {
            continue;
        };
        let is_table = matches!(
            &*t.type_name,
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable"
        );
        if is_table && !t.properties.contains_key("StreamSpecification") {
            out.push(EVENT_SOURCE_WITHOUT_STREAM.at(
                e,
                tree.path(e),
                format!(
                    "the event source mapping reads the stream of {}, which has no stream",
                    tree.path(*table)
                ),
            ));
        }
    }
}
