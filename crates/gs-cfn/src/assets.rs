//! Assets: files and Docker images that `cdk deploy` uploads before it deploys a stack, under
//! the AWS CDK's bootstrap conventions (`DefaultStackSynthesizer`, qualifier `hnb659fds`).
//!
//! ```text
//! Asset::from_dir(&mut scope, "Code", dir) --zip (crate::zip), SHA-256--> FileAsset fact on
//!     the group node Code; the stack gets the BootstrapVersion parameter and the
//!     CheckBootstrapVersion rule (once)
//! CfnBackend::emit --> asset.<hash>.zip, <Stack>.assets.json (cdk:asset-manifest artifact),
//!     the stack artifact's role ARNs, requiresBootstrapStackVersion and template asset
//! ```
//!
//! A stack with no asset keeps gs's bootstrap-free output: no parameter, no rule, no asset
//! manifest, the template deployed straight with the caller's credentials. A stack with one is
//! deployed as CDK deploys its own: `cdk bootstrap` once per account and Region, then `cdk
//! deploy` uploads the files to `cdk-hnb659fds-assets-<account>-<Region>` (and builds and pushes
//! the images to `cdk-hnb659fds-container-assets-<account>-<Region>`), and the template refers to
//! them there. [`use_bootstrap`] opts a stack without assets in (to deploy a template over the
//! 50 KiB CloudFormation accepts inline: the CLI uploads it as a file asset first).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gs_core::node::{NodeKind, Parameter};
use gs_core::{App, Assertion, NodeId, Scope, TemplateRule, TreeError, Value, ValueMap};

use crate::zip::{zip_dir, ZipError};

/// The bootstrap qualifier CDK uses unless told otherwise.
pub const QUALIFIER: &str = "hnb659fds";
/// The SSM parameter that holds the bootstrap stack's version.
pub const BOOTSTRAP_VERSION_PARAMETER: &str = "/cdk-bootstrap/hnb659fds/version";
/// The bootstrap version a stack with assets needs (as CDK's `DefaultStackSynthesizer` asks).
pub const REQUIRED_BOOTSTRAP_VERSION: u32 = 6;
/// The bootstrap version the lookup role needs.
pub const LOOKUP_ROLE_BOOTSTRAP_VERSION: u32 = 8;
/// The logical ID (and construct id) of the bootstrap version parameter.
pub const BOOTSTRAP_VERSION_ID: &str = "BootstrapVersion";
/// The name of the template rule that checks the bootstrap version.
pub const CHECK_BOOTSTRAP_VERSION: &str = "CheckBootstrapVersion";

/// Attached to a stack node: the stack follows the bootstrap conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bootstrapped;

/// Attached to an asset's node: a file `cdk deploy` uploads to the assets bucket.
#[derive(Clone, Debug)]
pub struct FileAsset {
    /// SHA-256 of the bytes, the asset id.
    pub hash: String,
    /// The file (a zip for a directory), written as `asset.<hash>.<extension>`.
    pub bytes: Arc<[u8]>,
    /// `zip` for a zipped directory.
    pub extension: &'static str,
    /// Where it came from, for messages.
    pub source: PathBuf,
    /// The total size of the files before compression (for a zipped directory; the file's size
    /// otherwise): what Lambda's 250 MB unzipped quota counts.
    pub unzipped_size: u64,
}

impl FileAsset {
    /// The file name in the cloud assembly, and the object key's suffix.
    pub fn file_name(&self) -> String {
        format!("asset.{}.{}", self.hash, self.extension)
    }

    /// The object key in the assets bucket: `<hash>.<extension>`.
    pub fn object_key(&self) -> String {
        format!("{}.{}", self.hash, self.extension)
    }
}

/// Attached to an asset's node: a Docker image the CDK CLI builds from a directory and pushes
/// to the container assets repository. gs records it; it does not build it.
#[derive(Clone, Debug)]
pub struct ImageAsset {
    /// SHA-256 of the directory's deterministic zip (the directory's fingerprint), the image tag.
    pub hash: String,
    /// The build context, absolute (the CLI reads it from there; it is not copied).
    pub directory: PathBuf,
    /// The Dockerfile's name within the directory, when not `Dockerfile`.
    pub dockerfile: Option<String>,
}

/// Why an asset could not be added.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum AssetError {
    /// The tree refused the asset's node (a duplicate id, ...).
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// The source cannot be used: the path of the asset's construct, what is wrong and how to
    /// fix it.
    #[error("{path}: {message}; fix: {fix}")]
    Source {
        /// Path of the asset's construct (e.g. `Api/Handler/Code`).
        path: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        fix: String,
    },
}

impl AssetError {
    fn zip(path: String, e: &ZipError) -> AssetError {
        AssetError::Source {
            path,
            message: format!("the asset cannot be zipped: {e}"),
            fix: e.fix().into(),
        }
    }
}

/// Where a file asset is after `cdk deploy` uploaded it, as template values.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetLocation {
    /// The asset id (SHA-256).
    pub hash: String,
    /// The file in the cloud assembly, relative to the templates: `asset.<hash>.zip`.
    pub file_name: String,
    /// The assets bucket: `cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}`, with the
    /// stack's account and Region where they are known.
    pub bucket_name: Value,
    /// The object key, `<hash>.zip`.
    pub object_key: String,
}

/// Where an image asset is after `cdk deploy` pushed it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageLocation {
    /// The asset id (SHA-256), also the tag.
    pub hash: String,
    /// `<account>.dkr.ecr.<Region>.<suffix>/cdk-hnb659fds-container-assets-<account>-<Region>:<hash>`.
    pub image_uri: Value,
}

/// `template` with the stack's account and Region in place of `${AWS::AccountId}` and
/// `${AWS::Region}` where they are known, as CDK specializes its bootstrap names.
pub(crate) fn specialize(template: &str, account: Option<&str>, region: Option<&str>) -> String {
    let mut s = template.to_owned();
    if let Some(a) = account {
        s = s.replace("${AWS::AccountId}", a);
    }
    if let Some(r) = region {
        s = s.replace("${AWS::Region}", r);
    }
    s
}

/// `Fn::Sub` of `s` when it still holds a placeholder, else the plain string.
fn sub_or_string(s: String) -> Value {
    if s.contains("${") {
        Value::Sub(s, ValueMap::new())
    } else {
        Value::from(s)
    }
}

/// The stack's account and Region, when set.
pub(crate) fn environment(app: &App, stack: NodeId) -> (Option<String>, Option<String>) {
    match app.node(stack).map(|n| n.kind()) {
        Ok(NodeKind::Stack(s)) => (s.account.clone(), s.region.clone()),
        _ => (None, None),
    }
}

/// The assets bucket's name pattern.
pub(crate) const BUCKET: &str = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}";
/// The container assets repository's name pattern.
pub(crate) const REPOSITORY: &str =
    "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}";

/// Makes `stack` follow the bootstrap conventions, as a stack with assets does: the
/// `BootstrapVersion` parameter (read from SSM), the `CheckBootstrapVersion` rule, and (at
/// synthesis) the template uploaded as a file asset and the deploy roles assumed. Doing it again
/// does nothing.
///
/// ```
/// use gs_cfn::{assets, CfnBackend};
/// use gs_core::{App, RawResource, Resource, StackProps};
/// let mut app = App::new();
/// let stack = app.stack("Big", StackProps::default())?;
/// app.at(stack)?.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
/// assets::use_bootstrap(&mut app, stack.into())?;
/// let out = app.synth(&CfnBackend::default())?;
/// assert!(out.artifact("Big.assets.json").is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn use_bootstrap(app: &mut App, stack: NodeId) -> Result<(), TreeError> {
    let stack = app.node(stack)?.stack();
    if app.attached::<Bootstrapped>(stack).is_some() {
        return Ok(());
    }
    let mut parameter = Parameter::new("AWS::SSM::Parameter::Value<String>");
    parameter.default = Some(Value::from(BOOTSTRAP_VERSION_PARAMETER));
    parameter.description = Some("Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]".into());
    let version = app.at(stack)?.parameter(BOOTSTRAP_VERSION_ID, parameter)?;
    let old: Vec<Value> = (1..REQUIRED_BOOTSTRAP_VERSION)
        .map(|v| Value::from(v.to_string()))
        .collect();
    let contains = Value::Map(ValueMap::new().with(
        "Fn::Contains",
        Value::List(vec![Value::List(old), Value::Ref(version.node())]),
    ));
    app.add_template_rule(
        stack,
        CHECK_BOOTSTRAP_VERSION,
        TemplateRule::new(Assertion::new(Value::Not(Box::new(contains))).described(format!(
            "CDK bootstrap stack version {REQUIRED_BOOTSTRAP_VERSION} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
        ))),
    )?;
    app.attach(stack, Bootstrapped)
}

/// Zips the directory `dir` deterministically ([`crate::zip`]) as a file asset at a new node
/// `id` under `scope`, and makes the stack follow the bootstrap conventions.
///
/// An error names the asset's path (`<scope>/<id>`) and says what to fix: a missing directory,
/// an unreadable file, a symbolic-link loop. Nothing is added to the app then.
///
/// ```
/// use gs_cfn::{assets, CfnBackend};
/// use gs_core::{App, StackProps};
/// let dir = std::env::temp_dir().join(format!("gs-asset-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("index.py"), "def handler(e, c): return 'ok'\n")?;
/// let mut app = App::new();
/// let stack = app.stack("Fn", StackProps::default())?;
/// let code = assets::add_dir_asset(&mut app.at(stack)?, "Code", &dir)?;
/// assert_eq!(code.object_key, format!("{}.zip", code.hash));
/// let out = app.synth(&CfnBackend::default())?;
/// assert!(out.artifact(&format!("asset.{}.zip", code.hash)).is_some());
/// assert!(assets::add_dir_asset(&mut app.at(stack)?, "Missing", &dir.join("nope"))
///     .unwrap_err().to_string().starts_with("Fn/Missing: "));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn add_dir_asset(
    scope: &mut Scope<'_>,
    id: &str,
    dir: &Path,
) -> Result<AssetLocation, AssetError> {
    let path = scope.child_path(id);
    let zipped = zip_dir(dir).map_err(|e| AssetError::zip(path, &e))?;
    let asset = FileAsset {
        hash: zipped.sha256,
        bytes: zipped.bytes.into(),
        extension: "zip",
        source: dir.to_path_buf(),
        unzipped_size: zipped.unzipped_size,
    };
    let stack = scope.stack();
    let (account, region) = environment(scope.app(), stack);
    let location = AssetLocation {
        hash: asset.hash.clone(),
        file_name: asset.file_name(),
        bucket_name: sub_or_string(specialize(BUCKET, account.as_deref(), region.as_deref())),
        object_key: asset.object_key(),
    };
    add_node(scope, id, asset)?;
    Ok(location)
}

/// Records the Docker build context `dir` (with `Dockerfile`, or `dockerfile` when given) as an
/// image asset at a new node `id` under `scope`; `cdk deploy` builds and pushes it. Its tag is
/// the SHA-256 of the directory's deterministic zip, so it changes exactly when a file does.
///
/// ```
/// use gs_cfn::{assets, CfnBackend};
/// use gs_core::{App, StackProps};
/// let dir = std::env::temp_dir().join(format!("gs-image-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("Dockerfile"), "FROM public.ecr.aws/lambda/python:3.12\n")?;
/// let mut app = App::new();
/// let stack = app.stack("Img", StackProps { region: Some("us-east-1".into()), ..Default::default() })?;
/// let image = assets::add_image_asset(&mut app.at(stack)?, "Image", &dir, None)?;
/// let out = app.synth(&CfnBackend::default())?;
/// let manifest: serde_json::Value = serde_json::from_slice(&out.artifact("Img.assets.json").unwrap().bytes)?;
/// assert!(manifest["dockerImages"][&image.hash].is_object());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn add_image_asset(
    scope: &mut Scope<'_>,
    id: &str,
    dir: &Path,
    dockerfile: Option<&str>,
) -> Result<ImageLocation, AssetError> {
    let path = scope.child_path(id);
    let zipped = zip_dir(dir).map_err(|e| AssetError::zip(path.clone(), &e))?;
    let name = dockerfile.unwrap_or("Dockerfile");
    if !dir.join(name).is_file() {
        return Err(AssetError::Source {
            path,
            message: format!("{} has no {name}", dir.display()),
            fix: "give the directory of the image's build context, with its Dockerfile".into(),
        });
    }
    let directory = std::path::absolute(dir).map_err(|e| AssetError::Source {
        path,
        message: format!("{} cannot be made absolute: {e}", dir.display()),
        fix: "give an absolute path".into(),
    })?;
    let stack = scope.stack();
    let (account, region) = environment(scope.app(), stack);
    let image_uri = format!(
        "${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}/{REPOSITORY}:{}",
        zipped.sha256
    );
    let location = ImageLocation {
        hash: zipped.sha256.clone(),
        image_uri: sub_or_string(specialize(
            &image_uri,
            account.as_deref(),
            region.as_deref(),
        )),
    };
    add_node(
        scope,
        id,
        ImageAsset {
            hash: zipped.sha256,
            directory,
            dockerfile: dockerfile.map(str::to_owned),
        },
    )?;
    Ok(location)
}

/// Attached to a resource node: the `aws:asset:*` entries of its `Metadata`, which tell tools
/// such as SAM CLI that a property of the resource is a local asset of the cloud assembly.
///
/// aws-cdk-lib writes them (`aws-s3-assets` `Asset.addResourceMetadata`) when the context
/// `aws:cdk:enable-asset-metadata` is on, which the CDK CLI sets by default; gs always writes
/// them. `sam local invoke` replaces the property with the path (`aws:asset:path`, relative to
/// the template) and runs the code found there; `aws:asset:is-bundled` tells `sam build` to
/// leave the asset as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetMetadata {
    /// The asset's file or directory in the cloud assembly (`asset.<hash>.zip` for gs's zipped
    /// directories; CDK stages a directory as the folder `asset.<hash>`).
    pub path: String,
    /// Whether the asset was produced by a bundling step (`false` for a directory zipped as it
    /// is, as CDK writes it for `Code.fromAsset` without bundling options).
    pub is_bundled: bool,
    /// The property that holds the asset (`Code` for `AWS::Lambda::Function`).
    pub property: &'static str,
}

/// Writes CDK's `aws:asset:path`, `aws:asset:is-bundled` and `aws:asset:property` into the
/// `Metadata` of `resource`: `property` of it is the file asset at `location`.
///
/// ```
/// use gs_cfn::{assets, CfnBackend};
/// use gs_core::{App, RawResource, Resource, StackProps};
/// let dir = std::env::temp_dir().join(format!("gs-asset-metadata-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("index.py"), "def handler(e, c): return 'ok'\n")?;
/// let mut app = App::new();
/// let stack = app.stack("Fn", StackProps::default())?;
/// let code = assets::add_dir_asset(&mut app.at(stack)?, "Code", &dir)?;
/// let f = app.at(stack)?.resource::<RawResource>("Fn", Resource::new("AWS::Lambda::Function"))?;
/// assets::add_resource_metadata(&mut app, f.node(), &code, "Code")?;
/// let out = app.synth(&CfnBackend { templates_only: true })?;
/// let t: serde_json::Value = serde_json::from_slice(&out.artifact("Fn.template.json").unwrap().bytes)?;
/// assert_eq!(t["Resources"]["Fn"]["Metadata"]["aws:asset:path"], format!("asset.{}.zip", code.hash));
/// assert_eq!(t["Resources"]["Fn"]["Metadata"]["aws:asset:property"], "Code");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn add_resource_metadata(
    app: &mut App,
    resource: NodeId,
    location: &AssetLocation,
    property: &'static str,
) -> Result<(), TreeError> {
    if app.node(resource)?.as_resource().is_none() {
        return Err(TreeError::WrongKind {
            path: app.path(resource)?,
            expected: "a resource (asset metadata goes into a resource's Metadata)",
            fix: "pass the resource node of the construct (e.g. its `resource` handle)",
        });
    }
    app.attach(
        resource,
        AssetMetadata {
            path: location.file_name.clone(),
            is_bundled: false,
            property,
        },
    )
}

/// Adds the asset's group node with `data` attached, and the bootstrap conventions to its stack.
fn add_node<T: std::any::Any + Send + Sync>(
    scope: &mut Scope<'_>,
    id: &str,
    data: T,
) -> Result<(), AssetError> {
    let stack = scope.stack();
    use_bootstrap(scope.app_mut(), stack)?;
    let node = scope.add_group(id)?;
    Ok(scope.app_mut().attach(node, data)?)
}

/// What a stack under the bootstrap conventions adds to the cloud assembly.
pub(crate) mod emit {
    use gs_core::{Artifact, NodeId, Tree};
    use indexmap::IndexMap;
    use serde::Serialize;

    use super::{
        environment, specialize, FileAsset, ImageAsset, BOOTSTRAP_VERSION_PARAMETER, BUCKET,
        LOOKUP_ROLE_BOOTSTRAP_VERSION, REPOSITORY, REQUIRED_BOOTSTRAP_VERSION,
    };

    /// `<Stack>.assets.json`, as `cdk-assets` reads it.
    #[derive(Serialize)]
    struct AssetManifest {
        version: &'static str,
        files: IndexMap<String, FileEntry>,
        #[serde(rename = "dockerImages")]
        docker_images: IndexMap<String, ImageEntry>,
    }

    #[derive(Serialize)]
    struct FileEntry {
        #[serde(rename = "displayName")]
        display_name: String,
        source: FileSource,
        destinations: IndexMap<String, FileDestination>,
    }

    #[derive(Serialize)]
    struct FileSource {
        path: String,
        packaging: &'static str,
    }

    #[derive(Serialize)]
    struct FileDestination {
        #[serde(rename = "bucketName")]
        bucket_name: String,
        #[serde(rename = "objectKey")]
        object_key: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        region: Option<String>,
        #[serde(rename = "assumeRoleArn")]
        assume_role_arn: String,
    }

    #[derive(Serialize)]
    struct ImageEntry {
        #[serde(rename = "displayName")]
        display_name: String,
        source: ImageSource,
        destinations: IndexMap<String, ImageDestination>,
    }

    #[derive(Serialize)]
    struct ImageSource {
        directory: String,
        #[serde(rename = "dockerFile", skip_serializing_if = "Option::is_none")]
        docker_file: Option<String>,
    }

    #[derive(Serialize)]
    struct ImageDestination {
        #[serde(rename = "repositoryName")]
        repository_name: String,
        #[serde(rename = "imageTag")]
        image_tag: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        region: Option<String>,
        #[serde(rename = "assumeRoleArn")]
        assume_role_arn: String,
    }

    /// The `cdk:asset-manifest` artifact of `manifest.json`.
    #[derive(Serialize)]
    pub(crate) struct AssetManifestArtifact {
        #[serde(rename = "type")]
        kind: &'static str,
        properties: AssetManifestProperties,
    }

    #[derive(Serialize)]
    struct AssetManifestProperties {
        file: String,
        #[serde(rename = "requiresBootstrapStackVersion")]
        requires_bootstrap_stack_version: u32,
        #[serde(rename = "bootstrapStackVersionSsmParameter")]
        bootstrap_stack_version_ssm_parameter: &'static str,
    }

    /// The lookup role of a stack artifact.
    #[derive(Serialize)]
    pub(crate) struct LookupRole {
        arn: String,
        #[serde(rename = "requiresBootstrapStackVersion")]
        requires_bootstrap_stack_version: u32,
        #[serde(rename = "bootstrapStackVersionSsmParameter")]
        bootstrap_stack_version_ssm_parameter: &'static str,
    }

    /// The stack artifact's properties under the conventions, in CDK's order.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub(crate) struct StackBootstrap {
        pub(crate) assume_role_arn: String,
        pub(crate) cloud_formation_execution_role_arn: String,
        pub(crate) stack_template_asset_object_url: String,
        pub(crate) requires_bootstrap_stack_version: u32,
        pub(crate) bootstrap_stack_version_ssm_parameter: &'static str,
        pub(crate) additional_dependencies: Vec<String>,
        pub(crate) lookup_role: LookupRole,
    }

    /// Everything one stack adds.
    pub(crate) struct StackAssets {
        /// The artifact id, `<Stack>.assets`.
        pub(crate) id: String,
        pub(crate) artifact: AssetManifestArtifact,
        pub(crate) stack: StackBootstrap,
        /// `<Stack>.assets.json`.
        pub(crate) manifest: Artifact,
    }

    /// The assets of each stack, in the order they were added.
    pub(crate) struct ByStack<'t> {
        files: IndexMap<NodeId, Vec<(NodeId, &'t FileAsset)>>,
        images: IndexMap<NodeId, Vec<(NodeId, &'t ImageAsset)>>,
    }

    impl<'t> ByStack<'t> {
        pub(crate) fn of(tree: &Tree<'t>) -> ByStack<'t> {
            let app = tree.app();
            let mut files: IndexMap<NodeId, Vec<_>> = IndexMap::new();
            for (n, a) in app.all_attached::<FileAsset>() {
                files.entry(tree.node(n).stack()).or_default().push((n, a));
            }
            let mut images: IndexMap<NodeId, Vec<_>> = IndexMap::new();
            for (n, a) in app.all_attached::<ImageAsset>() {
                images.entry(tree.node(n).stack()).or_default().push((n, a));
            }
            ByStack { files, images }
        }

        /// The file assets of `stack`.
        pub(crate) fn files(&self, stack: NodeId) -> &[(NodeId, &'t FileAsset)] {
            self.files.get(&stack).map_or(&[], Vec::as_slice)
        }
    }

    /// The destination id, as CDK names it without its hash suffix.
    fn destination_id(account: Option<&str>, region: Option<&str>) -> String {
        format!(
            "{}-{}",
            account.unwrap_or("current_account"),
            region.unwrap_or("current_region")
        )
    }

    fn role(kind: &str, account: Option<&str>, region: Option<&str>) -> String {
        specialize(
            &format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/cdk-hnb659fds-{kind}-role-${{AWS::AccountId}}-${{AWS::Region}}"),
            account,
            region,
        )
    }

    /// The asset manifest of `stack` (named `name`), whose template is `template`: its file
    /// and image assets, then the template itself as a file asset.
    pub(crate) fn stack_assets(
        tree: &Tree<'_>,
        stack: NodeId,
        name: &str,
        template_file: &str,
        template: &[u8],
        by_stack: &ByStack<'_>,
        version: &'static str,
    ) -> StackAssets {
        let (account, region) = environment(tree.app(), stack);
        let (account, region) = (account.as_deref(), region.as_deref());
        let dest_id = destination_id(account, region);
        let bucket_name = specialize(BUCKET, account, region);
        let file_role = role("file-publishing", account, region);
        let relative = |n: NodeId| {
            let path = tree.path(n);
            path.strip_prefix(name)
                .and_then(|p| p.strip_prefix('/'))
                .map_or_else(|| path.clone(), str::to_owned)
        };
        let file_destination = |object_key: String| {
            IndexMap::from([(
                dest_id.clone(),
                FileDestination {
                    bucket_name: bucket_name.clone(),
                    object_key,
                    region: region.map(str::to_owned),
                    assume_role_arn: file_role.clone(),
                },
            )])
        };
        let mut files = IndexMap::new();
        for &(n, a) in by_stack.files(stack) {
            files.entry(a.hash.clone()).or_insert_with(|| FileEntry {
                display_name: relative(n),
                source: FileSource {
                    path: a.file_name(),
                    packaging: "file",
                },
                destinations: file_destination(a.object_key()),
            });
        }
        let template_hash = crate::zip::sha256_hex(template);
        let template_key = format!("{template_hash}.json");
        files.insert(
            template_hash.clone(),
            FileEntry {
                display_name: format!("{name} Template"),
                source: FileSource {
                    path: template_file.to_owned(),
                    packaging: "file",
                },
                destinations: file_destination(template_key.clone()),
            },
        );
        let repository = specialize(REPOSITORY, account, region);
        let image_role = role("image-publishing", account, region);
        let mut docker_images = IndexMap::new();
        for &(n, a) in by_stack.images.get(&stack).map_or(&[][..], Vec::as_slice) {
            docker_images
                .entry(a.hash.clone())
                .or_insert_with(|| ImageEntry {
                    display_name: relative(n),
                    source: ImageSource {
                        directory: a.directory.to_string_lossy().into_owned(),
                        docker_file: a.dockerfile.clone(),
                    },
                    destinations: IndexMap::from([(
                        dest_id.clone(),
                        ImageDestination {
                            repository_name: repository.clone(),
                            image_tag: a.hash.clone(),
                            region: region.map(str::to_owned),
                            assume_role_arn: image_role.clone(),
                        },
                    )]),
                });
        }
        let file = format!("{name}.assets.json");
        let id = format!("{name}.assets");
        let manifest = super::super::backend::json_bytes(&AssetManifest {
            version,
            files,
            docker_images,
        });
        StackAssets {
            artifact: AssetManifestArtifact {
                kind: "cdk:asset-manifest",
                properties: AssetManifestProperties {
                    file: file.clone(),
                    requires_bootstrap_stack_version: REQUIRED_BOOTSTRAP_VERSION,
                    bootstrap_stack_version_ssm_parameter: BOOTSTRAP_VERSION_PARAMETER,
                },
            },
            stack: StackBootstrap {
                assume_role_arn: role("deploy", account, region),
                cloud_formation_execution_role_arn: role("cfn-exec", account, region),
                stack_template_asset_object_url: format!("s3://{bucket_name}/{template_key}"),
                requires_bootstrap_stack_version: REQUIRED_BOOTSTRAP_VERSION,
                bootstrap_stack_version_ssm_parameter: BOOTSTRAP_VERSION_PARAMETER,
                additional_dependencies: vec![id.clone()],
                lookup_role: LookupRole {
                    arn: role("lookup", account, region),
                    requires_bootstrap_stack_version: LOOKUP_ROLE_BOOTSTRAP_VERSION,
                    bootstrap_stack_version_ssm_parameter: BOOTSTRAP_VERSION_PARAMETER,
                },
            },
            id,
            manifest: Artifact {
                file_name: file,
                bytes: manifest,
            },
        }
    }
}
