//! Validation passes of S3: a bucket that turns off part of its public access block.

use gs_core::{Diagnostic, Rule, Severity, Tree};

/// `s3/public-bucket`.
/// The rule `s3/public-bucket`.
pub const PUBLIC_BUCKET: Rule = Rule {
    id: "s3/public-bucket",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::S3::Bucket"],
    what: "A bucket turns off one of the four settings of its public access block.",
    why: "With a flag off, a bucket policy or ACL can make objects readable by anyone on the \
          internet; new buckets block all public access by default for that reason.",
    fix: "set BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets to \
          true (s3::Bucket does), or acknowledge the rule with the reason the bucket is public",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[PUBLIC_BUCKET];

const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        if r.type_name != "AWS::S3::Bucket" {
            continue;
        }
        let Some(block) = r
            .properties
            .get("PublicAccessBlockConfiguration")
            .and_then(|v| v.as_map())
        else {
            // Absent: S3 blocks all public access on new buckets.
            continue;
        };
        let off: Vec<&str> = FLAGS
            .iter()
            .copied()
            .filter(|f| block.get(f).and_then(|v| v.as_bool()) == Some(false))
            .collect();
        if !off.is_empty() {
            out.push(PUBLIC_BUCKET.at(
                e,
                tree.path(e),
                format!(
                    "the bucket's public access block has {} turned off",
                    off.join(", ")
                ),
            ));
        }
    }
}
