//! One way to write a stack: relations take the scope at hand or the app alike, and a finding
//! names the construct the user created, not its `Resource` child.

mod support;

use gs_constructs::prelude::*;
use support::*;

#[test]
fn a_relation_takes_the_scope_at_hand_or_the_app() -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Style", StackProps::default())?;
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "Events", Default::default())?;
    let writer = iam::Role::new(
        &mut s,
        "Writer",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    let reader = iam::Role::new(
        &mut s,
        "Reader",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    // With the scope at hand, then with the app: the same call either way.
    stream.grant_write(&mut s, writer)?;
    stream.grant_read(&mut app, reader)?;
    let t = synth(&app, "one_style_receivers");
    let policies = resources_of(&t, "AWS::IAM::Policy");
    assert_eq!(policies.len(), 2, "{policies:#?}");
    Ok(())
}

#[test]
fn a_finding_about_a_constructs_resource_names_the_construct(
) -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Style", StackProps::default())?;
    let mut s = app.at(stack)?;
    let site = s3::Bucket::new(&mut s, "Site", Default::default())?;
    let public = ValueMap::new()
        .with("BlockPublicAcls", false)
        .with("BlockPublicPolicy", false)
        .with("IgnorePublicAcls", false)
        .with("RestrictPublicBuckets", false);
    app.resource_mut(site.resource)?
        .properties
        .insert("PublicAccessBlockConfiguration", public);
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "s3/public-bucket")
        .ok_or("no finding")?;
    assert_eq!(d.path, "Style/Site");
    assert_eq!(d.node, Some(site.resource.node()));
    // Acknowledged on the resource itself, as on the construct, it is accepted.
    app.acknowledge(
        site.resource,
        &rules::S3_PUBLIC_BUCKET,
        "public website assets",
    )?;
    let out = app.synth(&CfnBackend::default())?;
    assert!(out.diagnostics.iter().any(|d| d.rule == "s3/public-bucket"
        && d.path == "Style/Site"
        && d.acknowledged.is_some()));
    Ok(())
}

#[test]
fn the_example_needs_nothing_but_gs_constructs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/globalstream");
    for file in ["main.rs", "stack.rs"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for other in ["gs_core::", "gs_cfn::"] {
            assert!(!text.contains(other), "{file} names {other} directly");
        }
    }
}
