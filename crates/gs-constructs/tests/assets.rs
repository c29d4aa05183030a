//! Code assets: `lambda::Code` bound to a raw `AWS::Lambda::Function`, the cloud assembly under
//! CDK's bootstrap conventions (compared with what aws-cdk-lib 2 writes for the same stack), the
//! zip itself, and bad input.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use gs_constructs::lambda::Code;
use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};

/// A fresh directory under target/tmp.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/tmp")
        .join(format!("assets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A handler directory: `index.py`, `lib/util.py`, an executable `bootstrap`.
fn handler(root: &Path) -> PathBuf {
    let dir = root.join("handler");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(
        dir.join("index.py"),
        "def handler(event, context):\n    return 'ok'\n",
    )
    .unwrap();
    std::fs::write(dir.join("lib/util.py"), "X = 1\n".repeat(100)).unwrap();
    std::fs::write(dir.join("bootstrap"), "#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("bootstrap"),
            std::fs::Permissions::from_mode(0o775),
        )
        .unwrap();
    }
    dir
}

/// A stack with a role and a raw function whose code is `code`, bound at `<Stack>/Fn`.
fn function_app(stack_name: &str, region: Option<&str>, code: &Code) -> (App, Option<String>) {
    let mut app = App::new();
    let stack = app
        .stack(
            stack_name,
            StackProps {
                region: region.map(str::to_owned),
                ..StackProps::default()
            },
        )
        .unwrap();
    let mut s = app.at(stack).unwrap();
    let role = s
        .resource::<RawResource>("Role", support::raw_lambda_role())
        .unwrap();
    let mut f = s.group("Fn").unwrap();
    let bound = code.bind(&mut f).unwrap();
    let mut function = Resource::new("AWS::Lambda::Function")
        .property("Code", bound.code)
        .property("Role", Value::GetAtt(role.node(), "Arn".into()));
    function = match bound.package_type {
        Some(p) => function.property("PackageType", p),
        None => function
            .property("Handler", "index.handler")
            .property("Runtime", "python3.12"),
    };
    f.resource::<RawResource>("Resource", function).unwrap();
    (app, bound.asset_hash)
}

fn artifact(out: &gs_core::synth::Synthesis, name: &str) -> Json {
    let a = out
        .artifact(name)
        .unwrap_or_else(|| panic!("no {name} in the assembly"));
    serde_json::from_slice(&a.bytes).unwrap()
}

#[test]
fn a_directory_asset_makes_the_stack_follow_cdks_bootstrap_conventions() {
    let root = scratch("conventions");
    let code = Code::from_dir(handler(&root));
    let (app, hash) = function_app("AssetStack", None, &code);
    let hash = hash.unwrap();
    support::synth(&app, "assets_conventions");
    let out = app.synth(&CfnBackend::default()).unwrap();

    let template = artifact(&out, "AssetStack.template.json");
    let function = &template["Resources"]["Fn9270CBC0"];
    assert_eq!(
        function["Properties"]["Code"],
        json!({"S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"},
               "S3Key": format!("{hash}.zip")})
    );
    // As aws-cdk-lib 2 writes them (DefaultStackSynthesizer).
    assert_eq!(
        template["Parameters"]["BootstrapVersion"],
        json!({"Type": "AWS::SSM::Parameter::Value<String>",
               "Default": "/cdk-bootstrap/hnb659fds/version",
               "Description": "Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]"})
    );
    assert_eq!(
        template["Rules"]["CheckBootstrapVersion"],
        json!({"Assertions": [{"Assert": {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "BootstrapVersion"}]}]},
               "AssertDescription": "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."}]})
    );

    let zip = out.artifact(&format!("asset.{hash}.zip")).unwrap();
    assert_eq!(gs_cfn::zip::sha256_hex(&zip.bytes), hash);
    let template_hash =
        gs_cfn::zip::sha256_hex(&out.artifact("AssetStack.template.json").unwrap().bytes);

    let manifest = artifact(&out, "manifest.json");
    let ids: Vec<&String> = manifest["artifacts"].as_object().unwrap().keys().collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    // The asset manifest comes first, as CDK writes it (serde_json's map sorts, so the text).
    let text = String::from_utf8(out.artifact("manifest.json").unwrap().bytes.clone()).unwrap();
    let at = |id: &str| text.find(&format!("\n    \"{id}\": {{")).unwrap();
    assert!(at("AssetStack.assets") < at("AssetStack") && at("AssetStack") < at("Tree"));
    assert_eq!(
        manifest["artifacts"]["AssetStack.assets"],
        json!({"type": "cdk:asset-manifest", "properties": {"file": "AssetStack.assets.json",
               "requiresBootstrapStackVersion": 6,
               "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version"}})
    );
    let stack = &manifest["artifacts"]["AssetStack"];
    assert_eq!(stack["dependencies"], json!(["AssetStack.assets"]));
    assert_eq!(
        stack["properties"],
        json!({
            "templateFile": "AssetStack.template.json",
            "validateOnSynth": false,
            "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-${AWS::Region}",
            "cloudFormationExecutionRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}",
            "stackTemplateAssetObjectUrl": format!("s3://cdk-hnb659fds-assets-${{AWS::AccountId}}-${{AWS::Region}}/{template_hash}.json"),
            "requiresBootstrapStackVersion": 6,
            "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version",
            "additionalDependencies": ["AssetStack.assets"],
            "lookupRole": {
                "arn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${AWS::AccountId}-${AWS::Region}",
                "requiresBootstrapStackVersion": 8,
                "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version"
            }
        })
    );
    assert_eq!(
        stack["metadata"]["/AssetStack/BootstrapVersion"],
        json!([{"type": "aws:cdk:logicalId", "data": "BootstrapVersion"}])
    );

    let assets = artifact(&out, "AssetStack.assets.json");
    let destination = |key: String| {
        json!({"current_account-current_region": {
            "bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}",
            "objectKey": key,
            "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${AWS::AccountId}-${AWS::Region}"}})
    };
    assert_eq!(
        assets,
        json!({
            "version": gs_cfn::ASSEMBLY_VERSION,
            "files": {
                hash.clone(): {"displayName": "Fn/Code",
                    "source": {"path": format!("asset.{hash}.zip"), "packaging": "file"},
                    "destinations": destination(format!("{hash}.zip"))},
                template_hash.clone(): {"displayName": "AssetStack Template",
                    "source": {"path": "AssetStack.template.json", "packaging": "file"},
                    "destinations": destination(format!("{template_hash}.json"))}
            },
            "dockerImages": {}
        })
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_known_region_is_written_into_the_bucket_roles_and_destinations_as_cdk_does() {
    let root = scratch("region");
    let (app, hash) = function_app(
        "AssetStackEnv",
        Some("us-east-1"),
        &Code::from_dir(handler(&root)),
    );
    let hash = hash.unwrap();
    let out = app.synth(&CfnBackend::default()).unwrap();
    let template = artifact(&out, "AssetStackEnv.template.json");
    assert_eq!(
        template["Resources"]["Fn9270CBC0"]["Properties"]["Code"]["S3Bucket"],
        json!({"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-us-east-1"})
    );
    let manifest = artifact(&out, "manifest.json");
    assert_eq!(
        manifest["artifacts"]["AssetStackEnv"]["properties"]["assumeRoleArn"],
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-us-east-1"
    );
    let assets = artifact(&out, "AssetStackEnv.assets.json");
    assert_eq!(
        assets["files"][&hash]["destinations"]["current_account-us-east-1"],
        json!({"bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-us-east-1",
               "objectKey": format!("{hash}.zip"), "region": "us-east-1",
               "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${AWS::AccountId}-us-east-1"})
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_image_directory_is_recorded_in_docker_images_and_the_function_takes_its_uri() {
    let root = scratch("image");
    let dir = root.join("img");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM public.ecr.aws/lambda/python:3.12\n",
    )
    .unwrap();
    let (app, hash) = function_app("ImgStack", Some("us-east-1"), &Code::from_image_dir(&dir));
    let hash = hash.unwrap();
    support::synth(&app, "assets_image");
    let out = app.synth(&CfnBackend::default()).unwrap();
    let template = artifact(&out, "ImgStack.template.json");
    let props = &template["Resources"]["Fn9270CBC0"]["Properties"];
    assert_eq!(props["PackageType"], "Image");
    assert_eq!(
        props["Code"],
        json!({"ImageUri": {"Fn::Sub": format!("${{AWS::AccountId}}.dkr.ecr.us-east-1.${{AWS::URLSuffix}}/cdk-hnb659fds-container-assets-${{AWS::AccountId}}-us-east-1:{hash}")}})
    );
    let assets = artifact(&out, "ImgStack.assets.json");
    assert_eq!(
        assets["dockerImages"][&hash],
        json!({"displayName": "Fn/AssetImage",
               "source": {"directory": std::path::absolute(&dir).unwrap().to_str().unwrap()},
               "destinations": {"current_account-us-east-1": {
                   "repositoryName": "cdk-hnb659fds-container-assets-${AWS::AccountId}-us-east-1",
                   "imageTag": hash, "region": "us-east-1",
                   "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-image-publishing-role-${AWS::AccountId}-us-east-1"}}})
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn inline_and_bucket_code_need_no_bootstrap() {
    let (app, hash) = function_app(
        "Inline",
        None,
        &Code::from_inline("def handler(event, context):\n    return 'ok'\n"),
    );
    assert_eq!(hash, None);
    support::synth(&app, "assets_inline");
    let out = app.synth(&CfnBackend::default()).unwrap();
    let template = artifact(&out, "Inline.template.json");
    assert_eq!(
        template["Resources"]["Fn9270CBC0"]["Properties"]["Code"],
        json!({"ZipFile": "def handler(event, context):\n    return 'ok'\n"})
    );
    assert!(template.get("Parameters").is_none() && template.get("Rules").is_none());
    assert!(out.artifact("Inline.assets.json").is_none());
    let manifest = artifact(&out, "manifest.json");
    assert!(manifest["artifacts"]["Inline"]["properties"]
        .get("assumeRoleArn")
        .is_none());

    let (app, _) = function_app(
        "FromBucket",
        None,
        &Code::from_bucket("my-artifacts", "builds/fn.zip", Some("v3")),
    );
    let out = app.synth(&CfnBackend::default()).unwrap();
    let template = artifact(&out, "FromBucket.template.json");
    assert_eq!(
        template["Resources"]["Fn9270CBC0"]["Properties"]["Code"],
        json!({"S3Bucket": "my-artifacts", "S3Key": "builds/fn.zip", "S3ObjectVersion": "v3"})
    );
    assert!(out.artifact("FromBucket.assets.json").is_none());
}

#[test]
fn a_bucket_of_the_app_is_referenced_by_ref() {
    let mut app = App::new();
    let stack = app.stack("Artifacts", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let bucket = s3::Bucket::new(&mut s, "Builds", Default::default()).unwrap();
    let bound = Code::from_bucket(bucket.bucket_name(), "fn.zip", None)
        .bind(&mut s)
        .unwrap();
    assert_eq!(
        bound.code,
        Value::Map(
            ValueMap::new()
                .with("S3Bucket", bucket.bucket_name())
                .with("S3Key", "fn.zip")
        )
    );
}

#[test]
fn two_functions_with_the_same_directory_share_one_asset_file() {
    let root = scratch("shared");
    let dir = handler(&root);
    let mut app = App::new();
    let stack = app.stack("Shared", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let a = Code::from_dir(&dir)
        .bind(&mut s.group("A").unwrap())
        .unwrap();
    let b = Code::from_dir(&dir)
        .bind(&mut s.group("B").unwrap())
        .unwrap();
    assert_eq!(a.asset_hash, b.asset_hash);
    let out = app.synth(&CfnBackend::default()).unwrap();
    let zips = out
        .artifacts
        .iter()
        .filter(|x| x.file_name.ends_with(".zip"))
        .count();
    assert_eq!(zips, 1);
    let assets = artifact(&out, "Shared.assets.json");
    assert_eq!(assets["files"].as_object().unwrap().len(), 2, "{assets}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_stack_without_assets_keeps_the_bootstrap_free_assembly() {
    let mut app = App::new();
    let stack = app.stack("Plain", StackProps::default()).unwrap();
    app.at(stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let out = app.synth(&CfnBackend::default()).unwrap();
    let names: Vec<&str> = out.artifacts.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Plain.template.json",
            "tree.json",
            "manifest.json",
            "cdk.out"
        ]
    );
    assert_eq!(
        String::from_utf8(out.artifact("manifest.json").unwrap().bytes.clone()).unwrap(),
        r#"{
  "version": "36.0.0",
  "artifacts": {
    "Plain": {
      "type": "aws:cloudformation:stack",
      "environment": "aws://unknown-account/unknown-region",
      "properties": {
        "templateFile": "Plain.template.json",
        "validateOnSynth": false
      },
      "metadata": {
        "/Plain/Topic": [
          {
            "type": "aws:cdk:logicalId",
            "data": "Topic"
          }
        ]
      },
      "displayName": "Plain"
    },
    "Tree": {
      "type": "cdk:tree",
      "properties": {
        "file": "tree.json"
      }
    }
  }
}
"#
    );
}

#[test]
fn use_bootstrap_publishes_the_template_of_a_stack_without_assets() {
    let mut app = App::new();
    let stack = app.stack("Big", StackProps::default()).unwrap();
    app.at(stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    gs_cfn::assets::use_bootstrap(&mut app, stack.into()).unwrap();
    gs_cfn::assets::use_bootstrap(&mut app, stack.into()).unwrap();
    support::synth(&app, "assets_use_bootstrap");
    let out = app.synth(&CfnBackend::default()).unwrap();
    let assets = artifact(&out, "Big.assets.json");
    let files = assets["files"].as_object().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        files.values().next().unwrap()["source"]["path"],
        "Big.template.json"
    );
    let template = artifact(&out, "Big.template.json");
    assert_eq!(template["Parameters"].as_object().unwrap().len(), 1);
}

// Bad input: a clear error naming the construct path, never a panic.

fn bind_error(dir: &Path) -> String {
    let mut app = App::new();
    let stack = app.stack("Bad", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let mut f = s.group("Handler").unwrap();
    let e = Code::from_dir(dir).bind(&mut f).unwrap_err();
    assert!(matches!(e, ConstructError::InvalidProps { .. }), "{e:?}");
    // Nothing was added: no asset node, no bootstrap parameter.
    assert_eq!(app.len(), 2, "{e}");
    e.to_string()
}

#[test]
fn a_missing_asset_directory_is_an_error_naming_the_construct_path() {
    let root = scratch("missing");
    let e = bind_error(&root.join("nope"));
    assert!(
        e.starts_with("Bad/Handler/Code: the asset cannot be zipped: the directory "),
        "{e}"
    );
    assert!(
        e.contains("nope cannot be read: No such file or directory"),
        "{e}"
    );
    assert!(
        e.contains("fix: give the path of an existing, readable directory"),
        "{e}"
    );
    // A file is not a directory.
    std::fs::write(root.join("file.txt"), "x").unwrap();
    let e = bind_error(&root.join("file.txt"));
    assert!(e.contains("it is not a directory"), "{e}");
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error_naming_the_construct_path_and_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let root = scratch("unreadable");
    let dir = handler(&root);
    // A dangling link cannot be read, whoever runs the test.
    std::os::unix::fs::symlink(root.join("gone.py"), dir.join("gone.py")).unwrap();
    let e = bind_error(&dir);
    assert!(
        e.starts_with("Bad/Handler/Code: the asset cannot be zipped: "),
        "{e}"
    );
    assert!(e.contains("gone.py cannot be read"), "{e}");
    std::fs::remove_file(dir.join("gone.py")).unwrap();
    // A file without read permission, unless the test runs as root (which reads it anyway).
    let secret = dir.join("secret.py");
    std::fs::write(&secret, "x").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_err() {
        let e = bind_error(&dir);
        assert!(
            e.contains("secret.py cannot be read: Permission denied"),
            "{e}"
        );
    }
    // A FIFO is not a file: reading it would block.
    std::fs::remove_file(&secret).unwrap();
    let fifo = dir.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let e = bind_error(&dir);
        assert!(
            e.contains("pipe is neither a regular file nor a directory"),
            "{e}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_naming_the_construct_path_and_the_link() {
    let root = scratch("loop");
    let dir = handler(&root);
    std::os::unix::fs::symlink("..", dir.join("lib/up")).unwrap();
    let e = bind_error(&dir);
    assert!(
        e.starts_with("Bad/Handler/Code: the asset cannot be zipped: the symbolic link "),
        "{e}"
    );
    assert!(e.contains("lib/up leads back to"), "{e}");
    assert!(
        e.contains("fix: remove the link or point it outside its own ancestors"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[test]
fn links_are_followed_as_cdk_follows_them() {
    let root = scratch("links");
    let dir = handler(&root);
    let shared = root.join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join("common.py"), "Y = 2\n").unwrap();
    // The same directory twice (not a loop) and a link to a file.
    std::os::unix::fs::symlink(&shared, dir.join("a")).unwrap();
    std::os::unix::fs::symlink(&shared, dir.join("b")).unwrap();
    std::os::unix::fs::symlink(dir.join("index.py"), dir.join("main.py")).unwrap();
    let zipped = gs_cfn::zip::zip_dir(&dir).unwrap();
    let listing = python_zip_listing(&zipped.bytes);
    let names: Vec<&str> = listing.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "a/common.py",
            "b/common.py",
            "bootstrap",
            "index.py",
            "lib/util.py",
            "main.py"
        ]
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// (name, Unix mode, content) of every entry, read by Python's `zipfile`, which checks each
/// CRC as it reads.
fn python_zip_listing(bytes: &[u8]) -> Vec<(String, u32, String)> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = scratch(&format!("listing{n}"));
    let file = dir.join("a.zip");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n\
             print(json.dumps([[i.filename, i.external_attr >> 16, z.read(i).decode('utf-8', 'replace'), \
             list(i.date_time), len(i.extra)] for i in z.infolist()]))",
        ])
        .arg(&file)
        .output()
        .expect("python3 reads the zip (install Python 3)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e[3], json!([1980, 1, 1, 0, 0, 0]), "{e}");
            assert_eq!(e[4], 0, "no extra fields: {e}");
            (
                e[0].as_str().unwrap().to_owned(),
                e[1].as_u64().unwrap() as u32,
                e[2].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_zip_is_valid_sorted_dated_1980_with_0644_or_0755_and_no_extra_fields() {
    let root = scratch("valid");
    let dir = handler(&root);
    std::fs::write(dir.join(".env"), "A=1\n").unwrap();
    std::fs::write(dir.join("données.txt"), "é\n").unwrap();
    let zipped = gs_cfn::zip::zip_dir(&dir).unwrap();
    assert_eq!(zipped.files, 5);
    let listing = python_zip_listing(&zipped.bytes);
    let expected = [
        (".env", 0o100_644, "A=1\n".to_owned()),
        ("bootstrap", 0o100_755, "#!/bin/sh\n".to_owned()),
        ("données.txt", 0o100_644, "é\n".to_owned()),
        (
            "index.py",
            0o100_644,
            "def handler(event, context):\n    return 'ok'\n".to_owned(),
        ),
        ("lib/util.py", 0o100_644, "X = 1\n".repeat(100)),
    ];
    let got: Vec<(&str, u32, String)> = listing
        .iter()
        .map(|(n, m, c)| (n.as_str(), *m, c.clone()))
        .collect();
    assert_eq!(got, expected);
    // util.py compresses; the zip is smaller than the files.
    assert!(zipped.bytes.len() < 700, "{}", zipped.bytes.len());
    let _ = std::fs::remove_dir_all(&root);
}
