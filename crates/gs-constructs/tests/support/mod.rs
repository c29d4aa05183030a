//! Shared by the integration tests: synthesize, keep the template for cfn-lint, read it back.
#![allow(dead_code)]

use std::path::PathBuf;

use gs_constructs::prelude::*;
use serde_json::Value as Json;

/// Where tests leave their templates; `.ci/run` runs cfn-lint on every file here.
pub fn template_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/cfn-templates")
}

/// Synthesizes `app`, writes each stack's template as `<test_name>.<Stack>.template.json` for
/// cfn-lint, and returns the first stack's template.
pub fn synth(app: &App, test_name: &str) -> Json {
    let out = match app.synth(&CfnBackend {
        templates_only: true,
    }) {
        Ok(out) => out,
        Err(e) => panic!("synthesis failed:\n{e}"),
    };
    let dir = template_dir();
    std::fs::create_dir_all(&dir).expect("create template dir");
    let mut first = None;
    for a in &out.artifacts {
        std::fs::write(dir.join(format!("{test_name}.{}", a.file_name)), &a.bytes)
            .expect("write template");
        if first.is_none() {
            first = Some(serde_json::from_slice(&a.bytes).expect("template is JSON"));
        }
    }
    first.expect("one stack")
}

/// The findings of a refused synthesis.
pub fn refused(app: &App) -> Vec<Diagnostic> {
    match app.synth(&CfnBackend {
        templates_only: true,
    }) {
        Ok(_) => panic!("synthesis succeeded, a refusal was expected"),
        Err(SynthError::Invalid { report }) => report.0,
        Err(e) => panic!("backend error instead of a refusal: {e}"),
    }
}

/// The resources of `template` of `type_name`, as (logical id, resource).
pub fn resources_of<'a>(template: &'a Json, type_name: &str) -> Vec<(&'a str, &'a Json)> {
    template["Resources"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, r)| r["Type"] == type_name)
                .map(|(k, r)| (k.as_str(), r))
                .collect()
        })
        .unwrap_or_default()
}

/// The one resource of `type_name` whose `aws:cdk:path` is `path`.
pub fn resource_at<'a>(template: &'a Json, path: &str) -> (&'a str, &'a Json) {
    template["Resources"]
        .as_object()
        .and_then(|m| {
            m.iter()
                .find(|(_, r)| r["Metadata"]["aws:cdk:path"] == path)
                .map(|(k, r)| (k.as_str(), r))
        })
        .unwrap_or_else(|| panic!("no resource at {path}"))
}

/// Whether `needle`'s entries all appear in `hay`: objects match when every key of the needle
/// matches (extra keys allowed, recursively), arrays element by element with equal lengths, other
/// values when equal; as CDK's `Template.hasResourceProperties` matches.
pub fn matches(hay: &Json, needle: &Json) -> bool {
    match (hay, needle) {
        (Json::Object(h), Json::Object(n)) => n
            .iter()
            .all(|(k, v)| h.get(k).is_some_and(|hv| matches(hv, v))),
        (Json::Array(h), Json::Array(n)) => {
            h.len() == n.len() && h.iter().zip(n).all(|(a, b)| matches(a, b))
        }
        _ => hay == needle,
    }
}

/// Asserts some resource of `type_name` has properties matching `props`.
pub fn assert_has_resource_properties(template: &Json, type_name: &str, props: Json) {
    let found = resources_of(template, type_name)
        .iter()
        .any(|(_, r)| matches(&r["Properties"], &props));
    assert!(
        found,
        "no {type_name} with properties {props:#}\nin {:#}",
        template["Resources"]
    );
}

/// Asserts synthesis is refused with a finding of `rule` at `path`, printing every finding
/// otherwise.
pub fn assert_refused(app: &App, rule: &str, path: &str) {
    let found = refused(app);
    assert!(
        found.iter().any(|d| d.rule == rule && d.path == path),
        "expected {rule} at {path}, got:\n{}",
        found.iter().map(|d| format!("{d}\n")).collect::<String>()
    );
}

/// A raw Redis replication group delivering its slow log to the CloudWatch log group named
/// `log_group`: the seed's failure, a name no construct creates. The typed `ReplicationGroup`
/// takes a handle, so this shape needs the raw escape hatch.
pub fn raw_cache_logging_to(log_group: Value) -> Resource {
    Resource::new("AWS::ElastiCache::ReplicationGroup").properties(
        ValueMap::new()
            .with("ReplicationGroupDescription", "cache")
            .with("CacheNodeType", "cache.t3.micro")
            .with("Engine", "redis")
            .with("EngineVersion", "7.1")
            .with("NumNodeGroups", 1)
            .with("AtRestEncryptionEnabled", true)
            .with("TransitEncryptionEnabled", true)
            .with(
                "LogDeliveryConfigurations",
                Value::List(vec![ValueMap::new()
                    .with("DestinationType", "cloudwatch-logs")
                    .with(
                        "DestinationDetails",
                        ValueMap::new().with(
                            "CloudWatchLogsDetails",
                            ValueMap::new().with("LogGroup", log_group),
                        ),
                    )
                    .with("LogFormat", "json")
                    .with("LogType", "slow-log")
                    .into()]),
            ),
    )
}

/// A raw IAM role Lambda may assume, with no policy: the execution role of a raw
/// `AWS::Lambda::Function`.
pub fn raw_lambda_role() -> Resource {
    Resource::new("AWS::IAM::Role").property(
        "AssumeRolePolicyDocument",
        ValueMap::new().with("Version", "2012-10-17").with(
            "Statement",
            Value::List(vec![Value::Map(
                ValueMap::new()
                    .with("Effect", "Allow")
                    .with("Action", "sts:AssumeRole")
                    .with(
                        "Principal",
                        ValueMap::new().with("Service", "lambda.amazonaws.com"),
                    ),
            )]),
        ),
    )
}

/// `app` synthesized with every finding acknowledged (else the test fails, listing them), the
/// template of `stack` written to [`template_dir`] as `<prefix>_<stack>.template.json` for
/// cfn-lint, and read back for assertions.
pub fn synth_clean(app: &App, stack: &str, prefix: &str) -> gs_constructs::assertions::Template {
    let out = match app.synth(&CfnBackend::default()) {
        Ok(out) => out,
        Err(e) => panic!("synthesis failed:\n{e}"),
    };
    let unacknowledged: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.acknowledged.is_none())
        .collect();
    assert!(unacknowledged.is_empty(), "{unacknowledged:#?}");
    let file = format!("{stack}.template.json");
    let bytes = &out.artifact(&file).expect("the stack's template").bytes;
    let dir = template_dir();
    std::fs::create_dir_all(&dir).expect("template dir");
    std::fs::write(dir.join(format!("{prefix}_{file}")), bytes).expect("write template");
    gs_constructs::assertions::Template::from_synthesis(&out, stack).expect("the template")
}
