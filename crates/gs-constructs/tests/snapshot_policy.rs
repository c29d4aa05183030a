//! A removal policy of `Snapshot` on a type CloudFormation cannot snapshot is refused at
//! synthesis (`cfn/snapshot-unsupported`), whether a typed constructor or a raw resource set
//! it: the template would fail cfn-lint (E3035, E3036) and the deploy.

mod support;

use gs_constructs::prelude::*;
use support::*;

#[test]
fn a_typed_bucket_with_a_snapshot_policy_is_refused_at_its_path() {
    let mut app = App::new();
    let stack = app.stack("Snap", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    s3::Bucket::new(
        &mut s,
        "Files",
        s3::BucketProps {
            removal_policy: RemovalPolicy::Snapshot,
            ..Default::default()
        },
    )
    .unwrap();
    let found = refused(&app);
    let finding = found
        .iter()
        .find(|d| d.rule == "cfn/snapshot-unsupported")
        .expect("refused for the snapshot policy");
    assert_eq!(finding.path, "Snap/Files");
    assert!(finding.message.contains("AWS::S3::Bucket"), "{finding}");
    assert!(finding.fix.contains("Retain"), "{finding}");
}

#[test]
fn a_raw_resource_with_a_snapshot_policy_is_refused_only_where_cloudformation_cannot_snapshot() {
    let mut app = App::new();
    let stack = app.stack("Snap", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>(
        "Logs",
        Resource::new("AWS::Logs::LogGroup").removal_policy(RemovalPolicy::Snapshot),
    )
    .unwrap();
    s.resource::<RawResource>(
        "Volume",
        Resource::new("AWS::EC2::Volume")
            .property("AvailabilityZone", "us-east-1a")
            .property("Size", 10)
            .property("Encrypted", true)
            .removal_policy(RemovalPolicy::Snapshot),
    )
    .unwrap();
    let found = refused(&app);
    let at: Vec<&str> = found
        .iter()
        .filter(|d| d.rule == "cfn/snapshot-unsupported")
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(at, ["Snap/Logs"], "only the log group: {found:?}");
}
