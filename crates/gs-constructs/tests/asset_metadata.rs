//! The `aws:asset:*` metadata aws-cdk-lib writes on a function whose code is a file asset (the
//! CDK CLI's default `aws:cdk:enable-asset-metadata`), so that `sam local invoke` finds the code
//! in the cloud assembly: `aws:asset:path` (relative to the template), `aws:asset:is-bundled`
//! and `aws:asset:property`.

mod support;

use std::path::{Path, PathBuf};

use gs_constructs::lambda::{Code, Function, Runtime};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/tmp")
        .join(format!("asset-metadata-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn a_function_with_a_directory_asset_tells_sam_where_its_code_is(
) -> Result<(), Box<dyn std::error::Error>> {
    let root = scratch("dir");
    let handler = root.join("handler");
    std::fs::create_dir_all(&handler)?;
    std::fs::write(
        handler.join("index.py"),
        "def handler(event, context):\n    return 'ok'\n",
    )?;
    let mut app = App::new();
    let stack = app.stack("Sam", StackProps::default())?;
    let mut s = app.at(stack)?;
    let f = Function::new(
        &mut s,
        "Handler",
        Runtime::Python3_12,
        "index.handler",
        Code::from_dir(&handler),
        Default::default(),
    )?;
    let inline = Function::new(
        &mut s,
        "Inline",
        Runtime::Python3_12,
        "index.handler",
        Code::from_inline("def handler(event, context):\n    return 'ok'\n"),
        Default::default(),
    )?;
    let _ = (f, inline);
    let t = synth(&app, "asset_metadata");
    let (_, function) = resource_at(&t, "Sam/Handler/Resource");
    let key = function["Properties"]["Code"]["S3Key"]
        .as_str()
        .expect("an asset's key");
    let hash = key.strip_suffix(".zip").expect("a zip");
    assert_eq!(
        function["Metadata"],
        json!({
            "aws:cdk:path": "Sam/Handler/Resource",
            "aws:asset:path": format!("asset.{hash}.zip"),
            "aws:asset:is-bundled": false,
            "aws:asset:property": "Code",
        })
    );
    // Only asset code gets it.
    let (_, inline) = resource_at(&t, "Sam/Inline/Resource");
    assert_eq!(
        inline["Metadata"],
        json!({"aws:cdk:path": "Sam/Inline/Resource"})
    );

    // The path is relative to the template, and the file there is the function's zip.
    let out = root.join("cdk.out");
    app.synth(&CfnBackend::default())?.write_to(&out)?;
    let zip = std::fs::read(out.join(format!("asset.{hash}.zip")))?;
    assert_eq!(gs_cfn::zip::sha256_hex(&zip), hash);
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("Sam.template.json"))?)?;
    let path = written["Resources"]
        .as_object()
        .and_then(|r| {
            r.values()
                .find(|r| r["Metadata"]["aws:cdk:path"] == "Sam/Handler/Resource")
        })
        .and_then(|r| r["Metadata"]["aws:asset:path"].as_str())
        .expect("the asset path");
    assert!(out.join(path).is_file());
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}
