//! Access logs of an Application Load Balancer: `ApplicationLoadBalancer::log_access_logs`
//! sets the three `access_logs.s3.*` attributes, writes the bucket policy statement that lets
//! Elastic Load Balancing deliver (an ELB account of the Region, the service principal
//! `logdelivery.elasticloadbalancing.amazonaws.com`, or a mapping and condition choosing
//! between them when the Region is unknown at synthesis) and orders the load balancer after the
//! policy. Bad input is refused at the call and leaves the tree as it was. Two rules catch what
//! the call cannot, on any tree: `elbv2/access-logs-bucket-kms-encrypted` and
//! `elbv2/access-logs-not-deliverable`.

mod support;

use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const KMS_RULE: &str = "elbv2/access-logs-bucket-kms-encrypted";
const DELIVERY_RULE: &str = "elbv2/access-logs-not-deliverable";

struct Web {
    app: App,
    stack: gs_core::Handle<gs_core::Stack>,
    lb: elbv2::ApplicationLoadBalancer,
    bucket: s3::Bucket,
}

/// A stack (in `region`, or environment-agnostic) with an internet-facing load balancer and a
/// bucket encrypted as `encryption` says (`None`: SSE-S3, the default).
fn web(region: Option<&str>, kms: bool) -> Result<Web, Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack(
        "Web",
        StackProps {
            region: region.map(Into::into),
            ..Default::default()
        },
    )?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let lb = elbv2::ApplicationLoadBalancer::new(
        &mut s,
        "LB",
        vpc,
        elbv2::ApplicationLoadBalancerProps {
            internet_facing: true,
            ..Default::default()
        },
    )?;
    let encryption = if kms {
        s3::BucketEncryption::Kms(kms::Key::new(&mut s, "LogKey", Default::default())?)
    } else {
        s3::BucketEncryption::S3Managed
    };
    let bucket = s3::Bucket::new(
        &mut s,
        "AccessLogs",
        s3::BucketProps {
            encryption,
            removal_policy: RemovalPolicy::Destroy,
            ..Default::default()
        },
    )?;
    Ok(Web {
        app,
        stack,
        lb,
        bucket,
    })
}

/// Everything a consumer sees of the app: its templates (or the refusal) and its size.
fn snapshot(app: &App) -> String {
    let mut out = match app.synth(&CfnBackend {
        templates_only: true,
    }) {
        Ok(s) => s
            .artifacts
            .iter()
            .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("refused: {e}"),
    };
    out += &format!("\nnodes: {}", app.len());
    out
}

fn attributes(t: &Json, lb_path: &str) -> Vec<(String, Json)> {
    let (_, lb) = resource_at(t, lb_path);
    lb["Properties"]["LoadBalancerAttributes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|kv| {
                    (
                        kv["Key"].as_str().unwrap_or("").to_owned(),
                        kv["Value"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn attribute(t: &Json, lb_path: &str, key: &str) -> Option<Json> {
    attributes(t, lb_path)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn statements<'a>(t: &'a Json, policy_path: &str) -> &'a [Json] {
    let (_, p) = resource_at(t, policy_path);
    p["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn findings_of<'a>(findings: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    findings.iter().filter(|d| d.rule == rule).collect()
}

/// The findings of `app`'s synthesis (none when it succeeds).
fn findings(app: &App) -> Vec<Diagnostic> {
    match app.synth(&CfnBackend {
        templates_only: true,
    }) {
        Ok(_) => Vec::new(),
        Err(SynthError::Invalid { report }) => report.0,
        Err(e) => panic!("backend error: {e}"),
    }
}

// ---- the typed call ------------------------------------------------------------------------

#[test]
fn access_logs_in_a_region_older_than_august_2022_admit_that_regions_elb_account() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    w.lb.log_access_logs(&mut w.app, w.bucket, Some("web/prod"))?;
    let t = synth(&w.app, "elbv2_access_logs_us_east_1");
    let (bucket_id, _) = resource_at(&t, "Web/AccessLogs/Resource");
    assert_eq!(
        attribute(&t, "Web/LB/Resource", "access_logs.s3.enabled"),
        Some(json!("true"))
    );
    assert_eq!(
        attribute(&t, "Web/LB/Resource", "access_logs.s3.bucket"),
        Some(json!({ "Ref": bucket_id }))
    );
    assert_eq!(
        attribute(&t, "Web/LB/Resource", "access_logs.s3.prefix"),
        Some(json!("web/prod"))
    );
    let statements = statements(&t, "Web/AccessLogs/Policy/Resource");
    let elb = json!({
        "Action": "s3:PutObject",
        "Effect": "Allow",
        "Principal": { "AWS": { "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":iam::127311923021:root"]] } },
        "Resource": { "Fn::Join": ["", [
            { "Fn::GetAtt": [bucket_id, "Arn"] },
            "/web/prod/AWSLogs/",
            { "Ref": "AWS::AccountId" },
            "/*"
        ]] }
    });
    assert!(statements.contains(&elb), "{statements:#?}");
    // The TLS-only statement the bucket came with is still there, first.
    assert_eq!(statements[0]["Effect"], "Deny");
    let (policy_id, _) = resource_at(&t, "Web/AccessLogs/Policy/Resource");
    let (_, lb) = resource_at(&t, "Web/LB/Resource");
    assert!(
        lb["DependsOn"]
            .as_array()
            .is_some_and(|d| d.contains(&json!(policy_id))),
        "the load balancer is created after the bucket policy: {}",
        lb["DependsOn"]
    );
    Ok(())
}

#[test]
fn access_logs_in_a_region_opened_since_august_2022_admit_the_elb_log_delivery_service() -> R {
    let mut w = web(Some("ap-southeast-5"), false)?;
    w.lb.log_access_logs(&mut w.app, w.bucket, None)?;
    let t = synth(&w.app, "elbv2_access_logs_ap_southeast_5");
    let (bucket_id, _) = resource_at(&t, "Web/AccessLogs/Resource");
    let statements = statements(&t, "Web/AccessLogs/Policy/Resource");
    let elb = json!({
        "Action": "s3:PutObject",
        "Effect": "Allow",
        "Principal": { "Service": "logdelivery.elasticloadbalancing.amazonaws.com" },
        "Resource": { "Fn::Join": ["", [
            { "Fn::GetAtt": [bucket_id, "Arn"] },
            "/AWSLogs/",
            { "Ref": "AWS::AccountId" },
            "/*"
        ]] }
    });
    assert!(statements.contains(&elb), "{statements:#?}");
    assert_eq!(
        attribute(&t, "Web/LB/Resource", "access_logs.s3.prefix"),
        Some(json!(""))
    );
    assert!(t.get("Mappings").is_none() && t.get("Conditions").is_none());
    Ok(())
}

#[test]
fn a_known_account_is_written_into_the_log_path() -> R {
    let mut app = App::new();
    let stack = app.stack(
        "Web",
        StackProps {
            region: Some("eu-west-1".into()),
            account: Some("111122223333".into()),
            ..Default::default()
        },
    )?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let lb = elbv2::ApplicationLoadBalancer::new(&mut s, "LB", vpc, Default::default())?;
    let bucket = s3::Bucket::new(&mut s, "AccessLogs", Default::default())?;
    lb.log_access_logs(&mut s, bucket, Some("lb"))?;
    let t = synth(&app, "elbv2_access_logs_known_account");
    let (bucket_id, _) = resource_at(&t, "Web/AccessLogs/Resource");
    let statements = statements(&t, "Web/AccessLogs/Policy/Resource");
    assert!(
        statements.iter().any(|st| st["Resource"]
            == json!({ "Fn::Join": ["", [
                { "Fn::GetAtt": [bucket_id, "Arn"] },
                "/lb/AWSLogs/111122223333/*"
            ]] })
            && st["Principal"]["AWS"]["Fn::Join"][1][2] == ":iam::156460612806:root"),
        "{statements:#?}"
    );
    Ok(())
}

#[test]
fn with_the_region_unknown_at_synthesis_a_mapping_and_condition_choose_the_principal() -> R {
    let mut w = web(None, false)?;
    w.lb.log_access_logs(&mut w.app, w.bucket, Some("alb"))?;
    // A second load balancer in the same stack reuses the mapping and condition.
    let vpc = w.lb.vpc;
    let other = elbv2::ApplicationLoadBalancer::new(
        &mut w.app.at(w.stack)?,
        "Internal",
        vpc,
        Default::default(),
    )?;
    other.log_access_logs(&mut w.app, w.bucket, Some("internal"))?;
    let t = synth(&w.app, "elbv2_access_logs_agnostic");
    let accounts = &t["Mappings"]["ElbAccessLogsAccounts"];
    assert_eq!(accounts["us-east-1"]["Account"], "127311923021");
    assert_eq!(accounts["eu-west-1"]["Account"], "156460612806");
    assert!(accounts.get("ap-southeast-5").is_none());
    assert!(t["Conditions"]["ElbAccessLogsAccountRegion"].is_object());
    let statements = statements(&t, "Web/AccessLogs/Policy/Resource");
    let conditional: Vec<&Json> = statements
        .iter()
        .filter(|s| s["Principal"].get("Fn::If").is_some())
        .collect();
    assert_eq!(conditional.len(), 2, "{statements:#?}");
    let branches = &conditional[0]["Principal"]["Fn::If"];
    assert_eq!(branches[0], "ElbAccessLogsAccountRegion");
    assert_eq!(
        branches[1]["AWS"]["Fn::Join"][1][3]["Fn::FindInMap"],
        json!(["ElbAccessLogsAccounts", { "Ref": "AWS::Region" }, "Account"])
    );
    assert_eq!(
        branches[2],
        json!({ "Service": "logdelivery.elasticloadbalancing.amazonaws.com" })
    );
    Ok(())
}

#[test]
fn the_typed_call_gives_no_finding_of_either_rule() -> R {
    for region in [None, Some("us-west-2"), Some("ap-southeast-5")] {
        let mut w = web(region, false)?;
        w.lb.log_access_logs(&mut w.app, w.bucket, Some("logs"))?;
        let found = findings(&w.app);
        assert!(
            findings_of(&found, KMS_RULE).is_empty()
                && findings_of(&found, DELIVERY_RULE).is_empty(),
            "{region:?}: {found:#?}"
        );
    }
    Ok(())
}

#[test]
fn a_second_call_replaces_the_attributes_and_keeps_one_bucket_policy() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    w.lb.log_access_logs(&mut w.app, w.bucket, Some("first"))?;
    w.lb.log_access_logs(&mut w.app, w.bucket, Some("second"))?;
    w.lb.log_access_logs(&mut w.app, w.bucket, Some("second"))?;
    let t = synth(&w.app, "elbv2_access_logs_twice");
    let attrs = attributes(&t, "Web/LB/Resource");
    let prefixes: Vec<&Json> = attrs
        .iter()
        .filter(|(k, _)| k == "access_logs.s3.prefix")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(prefixes, [&json!("second")]);
    assert_eq!(resources_of(&t, "AWS::S3::BucketPolicy").len(), 1);
    // TLS-only, first, second: the repeated call adds nothing.
    assert_eq!(statements(&t, "Web/AccessLogs/Policy/Resource").len(), 3);
    Ok(())
}

#[test]
fn a_bucket_encrypted_with_sse_kms_is_refused_at_the_call_and_the_tree_is_unchanged() -> R {
    let mut w = web(Some("us-east-1"), true)?;
    let before = snapshot(&w.app);
    let err =
        w.lb.log_access_logs(&mut w.app, w.bucket, Some("logs"))
            .expect_err("SSE-KMS bucket");
    let msg = err.to_string();
    assert!(msg.starts_with("Web/LB:"), "{msg}");
    assert!(
        msg.contains("Web/AccessLogs") && msg.contains("SSE-KMS"),
        "{msg}"
    );
    assert!(msg.contains("fix:") && msg.contains("S3Managed"), "{msg}");
    assert_eq!(snapshot(&w.app), before);
    Ok(())
}

#[test]
fn a_bucket_of_another_app_is_refused_at_the_call_and_the_tree_is_unchanged() -> R {
    let other = web(Some("us-east-1"), false)?;
    let mut w = web(Some("us-east-1"), false)?;
    let before = snapshot(&w.app);
    let err =
        w.lb.log_access_logs(&mut w.app, other.bucket, None)
            .expect_err("another app's bucket");
    let msg = err.to_string();
    assert!(msg.starts_with("Web/LB:"), "{msg}");
    assert!(msg.contains("another App") && msg.contains("fix:"), "{msg}");
    assert_eq!(snapshot(&w.app), before);
    Ok(())
}

#[test]
fn a_bucket_in_another_region_is_refused_at_the_call() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    let elsewhere = w.app.stack(
        "Logs",
        StackProps {
            region: Some("eu-west-1".into()),
            ..Default::default()
        },
    )?;
    let far = s3::Bucket::new(&mut w.app.at(elsewhere)?, "Far", Default::default())?;
    let before = snapshot(&w.app);
    let err =
        w.lb.log_access_logs(&mut w.app, far, None)
            .expect_err("another Region");
    let msg = err.to_string();
    assert!(
        msg.contains("eu-west-1") && msg.contains("us-east-1"),
        "{msg}"
    );
    assert_eq!(snapshot(&w.app), before);
    Ok(())
}

#[test]
fn a_prefix_elb_refuses_is_refused_with_a_fix_and_the_tree_is_unchanged() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    let before = snapshot(&w.app);
    for bad in ["/logs", "logs/AWSLogs/x", "AWSLogs"] {
        let err =
            w.lb.log_access_logs(&mut w.app, w.bucket, Some(bad))
                .expect_err(bad);
        let msg = err.to_string();
        assert!(msg.starts_with("Web/LB:") && msg.contains("fix:"), "{msg}");
        assert!(msg.contains(bad), "{msg}");
        assert_eq!(snapshot(&w.app), before, "{bad}");
    }
    Ok(())
}

// ---- Bucket::add_to_resource_policy ---------------------------------------------------------

#[test]
fn statements_added_to_a_bucket_policy_are_appended_once_to_its_one_policy() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    let read = iam::PolicyStatement::allow(["s3:GetObject"], [w.bucket.arn_for_objects("*")]);
    let principal = s3::Principal::Service("cloudfront.amazonaws.com".into());
    w.bucket
        .add_to_resource_policy(&mut w.app, principal.clone(), read.clone())?;
    w.bucket
        .add_to_resource_policy(&mut w.app, principal, read)?;
    let t = synth(&w.app, "elbv2_access_logs_bucket_policy");
    assert_eq!(resources_of(&t, "AWS::S3::BucketPolicy").len(), 1);
    let statements = statements(&t, "Web/AccessLogs/Policy/Resource");
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert_eq!(
        statements[1]["Principal"],
        json!({ "Service": "cloudfront.amazonaws.com" })
    );
    // CDK's key order: Action, Condition, Effect, Principal, Resource.
    let keys: Vec<&String> = statements[1]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["Action", "Effect", "Principal", "Resource"]);
    Ok(())
}

#[test]
fn a_statement_naming_another_apps_resource_is_refused_and_the_policy_is_unchanged() -> R {
    let other = web(Some("us-east-1"), false)?;
    let mut w = web(Some("us-east-1"), false)?;
    let before = snapshot(&w.app);
    let refused = w.bucket.add_to_resource_policy(
        &mut w.app,
        s3::Principal::Service("cloudfront.amazonaws.com".into()),
        iam::PolicyStatement::allow(["s3:GetObject"], [other.bucket.arn_for_objects("*")]),
    );
    assert!(refused.is_err());
    assert_eq!(snapshot(&w.app), before);
    Ok(())
}

// ---- elbv2/access-logs-bucket-kms-encrypted -------------------------------------------------

/// Sets attributes of `lb` through the escape hatch (replacing a key already there), as a raw
/// template or a later edit would.
fn set_attributes(app: &mut App, lb: &elbv2::ApplicationLoadBalancer, pairs: Vec<(&str, Value)>) {
    let r = app.resource_mut(lb.resource.node()).expect("lb");
    let Some(Value::List(attrs)) = r.properties.get_mut("LoadBalancerAttributes") else {
        panic!("attributes")
    };
    for (k, v) in pairs {
        attrs.retain(|a| {
            a.as_map()
                .and_then(|m| m.get("Key"))
                .and_then(Value::as_str)
                != Some(k)
        });
        attrs.push(ValueMap::new().with("Key", k).with("Value", v).into());
    }
}

/// Turns access logs on by hand: to `bucket` (a `Ref`) under `prefix`.
fn enable_by_hand(app: &mut App, lb: &elbv2::ApplicationLoadBalancer, bucket: Value, prefix: &str) {
    set_attributes(
        app,
        lb,
        vec![
            ("access_logs.s3.enabled", Value::from("true")),
            ("access_logs.s3.bucket", bucket),
            ("access_logs.s3.prefix", Value::from(prefix)),
        ],
    );
}

#[test]
fn access_logs_to_a_kms_encrypted_bucket_are_found_when_turned_on_by_hand() -> R {
    let mut w = web(Some("us-east-1"), true)?;
    let bucket_ref = w.bucket.bucket_name();
    enable_by_hand(&mut w.app, &w.lb, bucket_ref, "");
    let found = refused(&w.app);
    let kms = findings_of(&found, KMS_RULE);
    assert_eq!(kms.len(), 1, "{found:#?}");
    assert_eq!(kms[0].path, "Web/LB");
    assert!(
        kms[0].message.contains("Web/AccessLogs"),
        "{}",
        kms[0].message
    );
    Ok(())
}

#[test]
fn access_logs_to_a_raw_bucket_encrypted_with_aws_kms_are_found_and_with_aes256_not() -> R {
    for (algorithm, expected) in [("aws:kms", 1), ("aws:kms:dsse", 1), ("AES256", 0)] {
        let mut app = App::new();
        let stack = app.stack("Raw", StackProps::default())?;
        let mut s = app.at(stack)?;
        let bucket = s.resource::<RawResource>(
            "Logs",
            Resource::new("AWS::S3::Bucket").property(
                "BucketEncryption",
                ValueMap::new().with(
                    "ServerSideEncryptionConfiguration",
                    Value::List(vec![ValueMap::new()
                        .with(
                            "ServerSideEncryptionByDefault",
                            ValueMap::new().with("SSEAlgorithm", algorithm),
                        )
                        .into()]),
                ),
            ),
        )?;
        s.resource::<RawResource>("LB", raw_lb(Value::Ref(bucket.node()), "raw"))?;
        let found = findings(&app);
        assert_eq!(
            findings_of(&found, KMS_RULE).len(),
            expected,
            "{algorithm}: {found:#?}"
        );
    }
    Ok(())
}

/// A raw Application Load Balancer logging to `bucket` under `prefix`.
fn raw_lb(bucket: Value, prefix: &str) -> Resource {
    let attr =
        |k: &str, v: Value| -> Value { ValueMap::new().with("Key", k).with("Value", v).into() };
    Resource::new("AWS::ElasticLoadBalancingV2::LoadBalancer")
        .property("Type", "application")
        .property(
            "Subnets",
            Value::List(vec!["subnet-0a1b2c3d".into(), "subnet-4e5f6a7b".into()]),
        )
        .property(
            "LoadBalancerAttributes",
            Value::List(vec![
                attr("access_logs.s3.enabled", "true".into()),
                attr("access_logs.s3.bucket", bucket),
                attr("access_logs.s3.prefix", prefix.into()),
            ]),
        )
}

// ---- elbv2/access-logs-not-deliverable -------------------------------------------------------

#[test]
fn access_logs_turned_on_by_hand_to_a_bucket_whose_policy_does_not_admit_elb_are_found() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    let bucket_ref = w.bucket.bucket_name();
    enable_by_hand(&mut w.app, &w.lb, bucket_ref, "logs");
    let found = refused(&w.app);
    let d = findings_of(&found, DELIVERY_RULE);
    assert_eq!(d.len(), 1, "{found:#?}");
    assert_eq!(d[0].path, "Web/LB");
    assert!(d[0].message.contains("Web/AccessLogs"), "{}", d[0].message);
    assert!(d[0].message.contains("logs/AWSLogs/"), "{}", d[0].message);
    assert!(findings_of(&found, KMS_RULE).is_empty());
    Ok(())
}

#[test]
fn a_policy_for_another_prefix_or_another_regions_account_does_not_deliver() -> R {
    // Written for `old/`, logging to `new/`.
    let mut w = web(Some("us-east-1"), false)?;
    w.lb.log_access_logs(&mut w.app, w.bucket, Some("old"))?;
    set_attributes(
        &mut w.app,
        &w.lb,
        vec![("access_logs.s3.prefix", Value::from("new"))],
    );
    let found = refused(&w.app);
    assert_eq!(findings_of(&found, DELIVERY_RULE).len(), 1, "{found:#?}");

    // eu-west-1's ELB account admitted in a us-east-1 stack.
    let mut app = App::new();
    let stack = app.stack(
        "Raw",
        StackProps {
            region: Some("us-east-1".into()),
            ..Default::default()
        },
    )?;
    let mut s = app.at(stack)?;
    let bucket = s.resource::<RawResource>("Logs", Resource::new("AWS::S3::Bucket"))?;
    s.resource::<RawResource>(
        "Policy",
        elb_policy(
            bucket.node(),
            ValueMap::new().with("AWS", "arn:aws:iam::156460612806:root"),
            "raw/AWSLogs/*",
        ),
    )?;
    s.resource::<RawResource>("LB", raw_lb(Value::Ref(bucket.node()), "raw"))?;
    let found = findings(&app);
    assert_eq!(findings_of(&found, DELIVERY_RULE).len(), 1, "{found:#?}");
    Ok(())
}

/// A raw bucket policy on `bucket` allowing `s3:PutObject` to `principal` on `key`.
fn elb_policy(bucket: NodeId, principal: ValueMap, key: &str) -> Resource {
    Resource::new("AWS::S3::BucketPolicy")
        .property("Bucket", Value::Ref(bucket))
        .property(
            "PolicyDocument",
            ValueMap::new()
                .with(
                    "Statement",
                    Value::List(vec![ValueMap::new()
                        .with("Action", "s3:PutObject")
                        .with("Effect", "Allow")
                        .with("Principal", principal)
                        .with(
                            "Resource",
                            Value::join(
                                "",
                                [
                                    Value::GetAtt(bucket, "Arn".into()),
                                    Value::from(format!("/{key}")),
                                ],
                            ),
                        )
                        .into()]),
                )
                .with("Version", "2012-10-17"),
        )
}

#[test]
fn a_raw_bucket_without_a_policy_does_not_deliver_and_one_admitting_elb_does() -> R {
    for (policy, expected) in [
        (None, 1),
        (
            Some(ValueMap::new().with("Service", "logdelivery.elasticloadbalancing.amazonaws.com")),
            0,
        ),
        (Some(ValueMap::new().with("Service", "s3.amazonaws.com")), 1),
    ] {
        let mut app = App::new();
        let stack = app.stack(
            "Raw",
            StackProps {
                region: Some("ap-southeast-5".into()),
                ..Default::default()
            },
        )?;
        let mut s = app.at(stack)?;
        let bucket = s.resource::<RawResource>("Logs", Resource::new("AWS::S3::Bucket"))?;
        if let Some(principal) = policy.clone() {
            s.resource::<RawResource>(
                "Policy",
                elb_policy(bucket.node(), principal, "raw/AWSLogs/*"),
            )?;
        }
        s.resource::<RawResource>("LB", raw_lb(Value::Ref(bucket.node()), "raw"))?;
        let found = findings(&app);
        assert_eq!(
            findings_of(&found, DELIVERY_RULE).len(),
            expected,
            "{policy:?}: {found:#?}"
        );
        if expected == 0 {
            synth(&app, "elbv2_access_logs_raw_deliverable");
        }
    }
    Ok(())
}

#[test]
fn a_bucket_outside_the_app_or_logs_turned_off_are_not_judged() -> R {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default())?;
    let mut s = app.at(stack)?;
    s.resource::<RawResource>("LB", raw_lb(Value::from("someone-elses-bucket"), "raw"))?;
    let bucket = s.resource::<RawResource>("Logs", Resource::new("AWS::S3::Bucket"))?;
    let mut off = raw_lb(Value::Ref(bucket.node()), "raw");
    if let Some(Value::List(attrs)) = off.properties.get_mut("LoadBalancerAttributes") {
        attrs[0] = ValueMap::new()
            .with("Key", "access_logs.s3.enabled")
            .with("Value", "false")
            .into();
    }
    s.resource::<RawResource>("Off", off)?;
    let found = findings(&app);
    assert!(
        findings_of(&found, DELIVERY_RULE).is_empty() && findings_of(&found, KMS_RULE).is_empty(),
        "{found:#?}"
    );
    synth(&app, "elbv2_access_logs_not_judged");
    Ok(())
}

#[test]
fn a_bucket_named_literally_is_matched_by_its_name() -> R {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default())?;
    let mut s = app.at(stack)?;
    s.resource::<RawResource>(
        "Logs",
        Resource::new("AWS::S3::Bucket").property("BucketName", "web-access-logs-1234"),
    )?;
    s.resource::<RawResource>("LB", raw_lb(Value::from("web-access-logs-1234"), "raw"))?;
    let found = findings(&app);
    let d = findings_of(&found, DELIVERY_RULE);
    assert_eq!(d.len(), 1, "{found:#?}");
    assert_eq!(d[0].path, "Raw/LB");
    Ok(())
}

#[test]
fn a_log_bucket_in_another_stack_of_the_region_is_exported_and_ordered_before() -> R {
    let mut w = web(Some("us-east-1"), false)?;
    let logs = w.app.stack(
        "Logs",
        StackProps {
            region: Some("us-east-1".into()),
            ..Default::default()
        },
    )?;
    let shared = s3::Bucket::new(&mut w.app.at(logs)?, "Shared", Default::default())?;
    w.lb.log_access_logs(&mut w.app, shared, Some("web"))?;
    let found = findings(&w.app);
    assert!(found.is_empty(), "{found:#?}");
    let out = w.app.synth(&CfnBackend {
        templates_only: true,
    })?;
    let dir = template_dir();
    std::fs::create_dir_all(&dir)?;
    let mut web_template = None;
    for a in &out.artifacts {
        std::fs::write(
            dir.join(format!("elbv2_access_logs_cross_stack.{}", a.file_name)),
            &a.bytes,
        )?;
        if a.file_name.starts_with("Web.") {
            web_template = Some(serde_json::from_slice::<Json>(&a.bytes)?);
        }
    }
    let t = web_template.ok_or("no Web template")?;
    let bucket = attribute(&t, "Web/LB/Resource", "access_logs.s3.bucket").ok_or("no bucket")?;
    assert!(bucket.get("Fn::ImportValue").is_some(), "{bucket}");
    // Across stacks the order is the stacks': Web deploys after Logs (the policy is in Logs).
    let full = w.app.synth(&CfnBackend::default())?;
    let manifest = full
        .artifacts
        .iter()
        .find(|a| a.file_name == "manifest.json")
        .ok_or("no manifest")?;
    let manifest: Json = serde_json::from_slice(&manifest.bytes)?;
    assert!(
        manifest["artifacts"]["Web"]["dependencies"]
            .as_array()
            .is_some_and(|d| d.contains(&json!("Logs"))),
        "{}",
        manifest["artifacts"]["Web"]
    );
    Ok(())
}
