//! The GlobalStream stacks as a deploy sees them: the order the manifest gives the CDK CLI, and
//! the outputs each stack publishes (what the CDK version publishes, and a failover runbook's
//! inputs in the DR stack), each pointing at the right resource.

mod support;

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use std::collections::HashMap;

use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};

fn built() -> stack::GlobalStream {
    let config = stack::Config::from_env(|_| None).expect("default config");
    stack::build(&config).expect("the example builds")
}

/// Every artifact of the example, read as JSON by file name; the templates are also written
/// for cfn-lint.
fn artifacts() -> HashMap<String, Json> {
    let gs = built();
    let out = match gs.app.synth(&CfnBackend::default()) {
        Ok(out) => out,
        Err(e) => panic!("synthesis failed:\n{e}"),
    };
    let dir = support::template_dir();
    std::fs::create_dir_all(&dir).expect("template dir");
    out.artifacts
        .iter()
        .map(|a| {
            if a.file_name.ends_with(".template.json") {
                std::fs::write(dir.join(format!("globalstream_{}", a.file_name)), &a.bytes)
                    .expect("write template");
            }
            let json = serde_json::from_slice(&a.bytes).expect("JSON artifact");
            (a.file_name.clone(), json)
        })
        .collect()
}

#[test]
fn the_manifest_deploys_the_dr_stack_after_the_primary_for_the_global_cluster() {
    let files = artifacts();
    let manifest = &files["manifest.json"];
    assert_eq!(
        manifest["artifacts"]["TapStackdevDr"]["dependencies"],
        json!(["TapStackdev"])
    );
    assert!(
        manifest["artifacts"]["TapStackdev"]
            .get("dependencies")
            .is_none(),
        "the primary needs nothing of the DR stack at create time: {manifest:#}"
    );
    // The order is declared on the stacks, with its reason, not only implied by the secondary.
    let gs = built();
    let tree = gs.app.freeze();
    match tree.stack_dependency_cause(gs.dr, gs.primary) {
        Some(gs_constructs::core::StackDependencyCause::Explicit { from, reason, .. }) => {
            assert_eq!(from, gs.dr);
            assert!(reason.contains("global cluster"), "{reason}");
        }
        other => panic!("expected the explicit stack dependency, got {other:?}"),
    }
}

/// The logical ID of the resource at `path` in `template`.
fn id_at(template: &Json, path: &str) -> String {
    support::resource_at(template, path).0.to_string()
}

#[test]
fn the_primary_publishes_each_endpoint_and_name_of_the_cdk_version() {
    let files = artifacts();
    let t = &files["TapStackdev.template.json"];
    let at = |p: &str| id_at(t, &format!("TapStackdev/{p}"));
    let expected = json!({
        "VpcId": {"Ref": at("Networking/Vpc/Resource")},
        "AuroraClusterEndpoint": {"Fn::GetAtt": [at("Database/AuroraCluster/Resource"), "Endpoint.Address"]},
        "GlobalClusterIdentifier": {"Ref": at("GlobalDatabase/Resource")},
        "FileSystemId": {"Ref": at("Storage/ContentFileSystem/Resource")},
        // Cluster mode is enabled, so the group has a configuration endpoint (no primary one).
        "RedisConfigurationEndpoint": {"Fn::GetAtt": [at("Cache/RedisCluster/Resource"), "ConfigurationEndPoint.Address"]},
        "EcsClusterName": {"Ref": at("Compute/Cluster/Resource")},
        "EventStreamName": {"Ref": at("Analytics/EventStream/Resource")},
        "PipelineName": {"Ref": at("Cicd/DrTestPipeline/Resource")},
    });
    for (id, value) in expected.as_object().unwrap() {
        assert_eq!(&t["Outputs"][id]["Value"], value, "output {id}");
        assert!(
            t["Outputs"][id]["Description"].is_string(),
            "output {id} has no description"
        );
    }
    let redis = &t["Resources"][at("Cache/RedisCluster/Resource")]["Properties"];
    assert_eq!(redis["ClusterMode"], "enabled");
    let url = t["Outputs"]["ApiUrl"]["Value"]["Fn::Join"][1].clone();
    assert_eq!(url[0], "https://");
    assert_eq!(url[1], json!({"Ref": at("Api/ContentApi/Resource")}));
    assert_eq!(
        url[7],
        json!({"Ref": at("Api/ContentApi/DeploymentStage.prod/Resource")})
    );
}

#[test]
fn the_dr_stack_publishes_what_a_failover_runbook_needs() {
    let files = artifacts();
    let t = &files["TapStackdevDr.template.json"];
    let at = |p: &str| id_at(t, &format!("TapStackdevDr/{p}"));
    let cluster = at("AuroraSecondary/Resource");
    let outputs = &t["Outputs"];
    assert_eq!(
        outputs["DrVpcId"]["Value"],
        json!({"Ref": at("Vpc/Resource")})
    );
    assert_eq!(
        outputs["DrClusterIdentifier"]["Value"],
        json!({"Ref": cluster})
    );
    assert_eq!(
        outputs["DrClusterEndpoint"]["Value"],
        json!({"Fn::GetAtt": [cluster, "Endpoint.Address"]})
    );
    assert_eq!(
        outputs["DrClusterReaderEndpoint"]["Value"],
        json!({"Fn::GetAtt": [cluster, "ReadEndpoint.Address"]})
    );
    let arn = outputs["DrClusterArn"]["Value"]["Fn::Join"][1].clone();
    assert_eq!(
        arn.as_array().unwrap().last(),
        Some(&json!({"Ref": cluster}))
    );
    assert!(outputs["DrClusterArn"]["Description"]
        .as_str()
        .unwrap()
        .contains("failover-global-cluster"));
    // The name the secondary joins, which the primary's global cluster is created with.
    assert_eq!(
        outputs["GlobalClusterIdentifier"]["Value"],
        t["Resources"][&cluster]["Properties"]["GlobalClusterIdentifier"]
    );
    assert_eq!(
        outputs["GlobalClusterIdentifier"]["Value"],
        "globalstream-global-dev"
    );
    let vault = at("DrBackupVault/Resource");
    assert_eq!(outputs["DrBackupVaultName"]["Value"], json!({"Ref": vault}));
    assert_eq!(
        outputs["DrBackupVaultArn"]["Value"],
        json!({"Fn::GetAtt": [vault, "BackupVaultArn"]})
    );
}
