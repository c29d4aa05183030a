mod support;

use gs_constructs::assertions::{Match, Template};
use gs_constructs::prelude::*;
use gs_constructs::s3::{
    Bucket, BucketEncryption, BucketProps, LifecycleRule, StorageClass, Transition,
};
use gs_core::RawResource;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

#[test]
fn a_default_bucket_is_encrypted_versioned_private_tls_only_and_retained() -> R {
    let mut app = App::new();
    let stack = app.stack("Storage", StackProps::default())?;
    let mut s = app.at(stack)?;
    Bucket::new(&mut s, "MediaBucket", Default::default())?;
    let t = synth(&app, "s3_default");
    let id = resource_at(&t, "Storage/MediaBucket/Resource")
        .0
        .to_string();
    let t = Template::from_json(t);
    t.has_resource(
        "AWS::S3::Bucket",
        json!({
            "Metadata": {"aws:cdk:path": "Storage/MediaBucket/Resource"},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                                                   "IgnorePublicAcls": true, "RestrictPublicBuckets": true}
            }
        }),
    )?;
    t.has_resource(
        "AWS::S3::BucketPolicy",
        json!({
            "Metadata": {"aws:cdk:path": "Storage/MediaBucket/Policy/Resource"},
            "Properties": {
                "Bucket": {"Ref": id},
                "PolicyDocument": {"Statement": [Match::exact(json!({
                    "Action": "s3:*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Resource": [{"Fn::GetAtt": [id, "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": [id, "Arn"]}, "/*"]]}]
                }))]}
            }
        }),
    )?;
    Ok(())
}

#[test]
fn a_kms_bucket_names_its_key_and_grants_include_the_key() -> R {
    let mut app = App::new();
    let stack = app.stack("Storage", StackProps::default())?;
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "DataKey", Default::default())?;
    let bucket = Bucket::new(
        &mut s,
        "MediaBucket",
        BucketProps {
            encryption: BucketEncryption::Kms(key),
            name: Some("globalstream-media-dev".into()),
            lifecycle_rules: vec![LifecycleRule {
                id: "Archive".into(),
                noncurrent_version_expiration_days: Some(30),
                transitions: vec![Transition {
                    storage_class: StorageClass::InfrequentAccess,
                    days: 30,
                }],
                ..Default::default()
            }],
            ..Default::default()
        },
    )?;
    let reader = iam::Role::new(
        &mut s,
        "Reader",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    let writer = iam::Role::new(
        &mut s,
        "Writer",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    bucket.grant_read(s.app_mut(), reader)?;
    bucket.grant_read_write(s.app_mut(), writer)?;
    assert_eq!(reader.statements(s.app())[1].actions, ["kms:Decrypt"]);
    assert!(writer.statements(s.app())[0]
        .actions
        .contains(&"s3:PutObject".into()));
    assert!(writer.statements(s.app())[1]
        .actions
        .contains(&"kms:GenerateDataKey*".into()));
    let t = synth(&app, "s3_kms");
    let key_id = resource_at(&t, "Storage/DataKey/Resource").0.to_string();
    Template::from_json(t).has_resource_properties(
        "AWS::S3::Bucket",
        json!({
            "BucketName": "globalstream-media-dev",
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"BucketKeyEnabled": true,
                "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}}}]},
            "LifecycleConfiguration": {"Rules": [{"Id": "Archive", "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]}]}
        }),
    )?;
    Ok(())
}

#[test]
fn bad_names_and_rules_are_refused_naming_the_bucket() -> R {
    let mut app = App::new();
    let stack = app.stack("Storage", StackProps::default())?;
    let mut s = app.at(stack)?;
    for name in [
        "ab",
        "Upper-Case",
        "-dash",
        "a..b",
        "10.0.0.1",
        "xn--bucket",
        "bucket-s3alias",
    ] {
        let err = Bucket::new(
            &mut s,
            "B",
            BucketProps {
                name: Some(name.into()),
                ..Default::default()
            },
        )
        .expect_err(name);
        assert!(
            err.to_string()
                .starts_with(&format!("Storage/B: the bucket name `{name}`")),
            "{err}"
        );
    }
    let err = Bucket::new(
        &mut s,
        "B",
        BucketProps {
            lifecycle_rules: vec![LifecycleRule {
                id: "Nothing".into(),
                abort_incomplete_multipart_upload_days: None,
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .expect_err("no action");
    assert!(err.to_string().contains("has no action"), "{err}");
    let err = Bucket::new(
        &mut s,
        "B",
        BucketProps {
            lifecycle_rules: vec![LifecycleRule {
                id: "TooSoon".into(),
                transitions: vec![Transition {
                    storage_class: StorageClass::InfrequentAccess,
                    days: 7,
                }],
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .expect_err("too soon");
    assert!(err.to_string().contains("at least 30 days"), "{err}");
    Ok(())
}

#[test]
fn a_raw_bucket_with_public_access_allowed_is_refused() -> R {
    let mut app = App::new();
    let stack = app.stack("Storage", StackProps::default())?;
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "Website",
        Resource::new("AWS::S3::Bucket").property(
            "PublicAccessBlockConfiguration",
            ValueMap::new()
                .with("BlockPublicAcls", true)
                .with("BlockPublicPolicy", false)
                .with("IgnorePublicAcls", true)
                .with("RestrictPublicBuckets", false),
        ),
    )?;
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "s3/public-bucket")
        .expect("s3/public-bucket");
    assert_eq!(d.path, "Storage/Website");
    assert!(
        d.message
            .contains("BlockPublicPolicy, RestrictPublicBuckets"),
        "{}",
        d.message
    );
    Ok(())
}

#[test]
fn a_raw_bucket_blocking_public_access_or_leaving_the_default_synthesizes() -> R {
    let mut app = App::new();
    let stack = app.stack("Storage", StackProps::default())?;
    let mut s = app.at(stack)?;
    let all = ValueMap::new()
        .with("BlockPublicAcls", true)
        .with("BlockPublicPolicy", true)
        .with("IgnorePublicAcls", true)
        .with("RestrictPublicBuckets", true);
    s.resource::<RawResource>(
        "Blocked",
        Resource::new("AWS::S3::Bucket").property("PublicAccessBlockConfiguration", all),
    )?;
    s.resource::<RawResource>("Defaulted", Resource::new("AWS::S3::Bucket"))?;
    synth(&app, "s3_public_bucket_fixed");
    Ok(())
}

#[test]
fn a_public_bucket_acknowledged_with_a_reason_synthesizes() -> R {
    let mut app = App::new();
    let stack = app.stack("Storage", StackProps::default())?;
    let mut s = app.at(stack)?;
    let site = s.resource::<RawResource>(
        "Website",
        Resource::new("AWS::S3::Bucket").property(
            "PublicAccessBlockConfiguration",
            ValueMap::new()
                .with("BlockPublicPolicy", false)
                .with("RestrictPublicBuckets", false),
        ),
    )?;
    app.acknowledge(
        site,
        &rules::S3_PUBLIC_BUCKET,
        "public static website assets",
    )?;
    synth(&app, "s3_public_bucket_acknowledged");
    Ok(())
}
