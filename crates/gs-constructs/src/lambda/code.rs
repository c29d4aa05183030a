//! The code of a Lambda function, and the `Code` property value it renders.

use std::path::PathBuf;

use gs_cfn::assets::{self, AssetError, AssetLocation};
use gs_core::{App, NodeId, Scope, Value};
use gs_l1::lambda::function;
use gs_l1::{Id, IntoValue};

use crate::error::{ConstructError, Result};

/// The code of a Lambda function, as AWS CDK's `lambda.Code`.
///
/// Building a `Code` reads nothing; [`Code::bind`] does, when a function (or a raw
/// `AWS::Lambda::Function`) takes it: a directory is zipped then, deterministically, and
/// becomes a file asset that `cdk deploy` uploads to the bootstrap bucket.
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    /// A directory, zipped as an asset.
    Dir(PathBuf),
    /// Source code in the template (`ZipFile`): Node.js and Python only, up to 4 MB.
    Inline(String),
    /// A zip that is in S3 already.
    Bucket {
        /// The bucket's name: `bucket.bucket_name()` of a bucket of the app, or a literal.
        bucket: Value,
        /// The object's key.
        key: String,
        /// The object's version, for a versioned bucket.
        version: Option<String>,
    },
    /// A container image built by `cdk deploy` from a directory with a Dockerfile.
    ImageDir {
        /// The build context.
        dir: PathBuf,
        /// The Dockerfile's name in it, when not `Dockerfile`.
        dockerfile: Option<String>,
    },
}

/// What a bound [`Code`] gives a function.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundCode {
    /// The value of `AWS::Lambda::Function`'s `Code` property: `{S3Bucket, S3Key}` for an
    /// asset or an object, `{ZipFile}` for inline code, `{ImageUri}` for an image.
    pub code: Value,
    /// `Image` for an image (the function's `PackageType` must say so); `None` for a zip.
    pub package_type: Option<&'static str>,
    /// The asset id (SHA-256) of an asset, for messages and tests.
    pub asset_hash: Option<String>,
    /// Where a directory's zip is, in the cloud assembly and after upload.
    pub asset: Option<AssetLocation>,
}

impl BoundCode {
    /// Tells tools such as SAM CLI where the code of `function` (an `AWS::Lambda::Function`
    /// resource node) is in the cloud assembly, as CDK does: `aws:asset:path` (the zip,
    /// `asset.<hash>.zip`), `aws:asset:is-bundled` and `aws:asset:property` (`Code`) in its
    /// `Metadata` (see [`gs_cfn::assets::AssetMetadata`]). Nothing for code that is not a file
    /// asset. `lambda::Function` does this itself.
    pub fn add_asset_metadata(&self, app: &mut App, function: NodeId) -> Result<()> {
        if let Some(at) = &self.asset {
            assets::add_resource_metadata(app, function, at, "Code")?;
        }
        Ok(())
    }
}

/// [`Code::bind`]'s result as the generated L1's `Code` property.
pub(crate) struct BoundL1 {
    pub(crate) code: function::Code,
    pub(crate) package_type: Option<&'static str>,
    pub(crate) asset_hash: Option<String>,
    pub(crate) asset: Option<AssetLocation>,
}

impl Code {
    /// The directory at `path` (relative to the current directory, as CDK's `fromAsset`),
    /// zipped deterministically when bound.
    pub fn from_dir(path: impl Into<PathBuf>) -> Code {
        Code::Dir(path.into())
    }

    /// Inline source code (the function's `ZipFile`).
    pub fn from_inline(source: impl Into<String>) -> Code {
        Code::Inline(source.into())
    }

    /// A zip in a bucket: `bucket` is a bucket's name (`bucket.bucket_name()`, or a literal
    /// for a bucket outside the app), `version` the object version for a versioned bucket.
    pub fn from_bucket(
        bucket: impl Into<Value>,
        key: impl Into<String>,
        version: Option<&str>,
    ) -> Code {
        Code::Bucket {
            bucket: bucket.into(),
            key: key.into(),
            version: version.map(str::to_owned),
        }
    }

    /// A container image that `cdk deploy` builds from the directory's `Dockerfile` and pushes
    /// to the bootstrap repository.
    pub fn from_image_dir(path: impl Into<PathBuf>) -> Code {
        Code::ImageDir {
            dir: path.into(),
            dockerfile: None,
        }
    }

    /// Renders the code for a function whose construct is `scope`. A directory becomes a file
    /// asset at `<scope>/Code` and an image one at `<scope>/AssetImage` (CDK's ids), and the
    /// stack then follows CDK's bootstrap conventions ([`gs_cfn::assets`]).
    ///
    /// A missing directory, an unreadable file, a symbolic-link loop or empty inline code is an
    /// error naming the construct path.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::lambda::Code;
    /// let dir = std::env::temp_dir().join(format!("gs-code-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("index.py"), "def handler(event, context):\n    return 'ok'\n")?;
    /// let mut app = App::new();
    /// let stack = app.stack("Fn", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let mut f = s.group("Handler")?;
    /// let bound = Code::from_dir(&dir).bind(&mut f)?;
    /// assert_eq!(bound.code.as_map().unwrap().get("S3Key"),
    ///            Some(&Value::from(format!("{}.zip", bound.asset_hash.unwrap()))));
    /// let missing = Code::from_dir(dir.join("missing")).bind(&mut s).unwrap_err();
    /// assert!(missing.to_string().starts_with("Fn/Code: the asset cannot be zipped"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bind(&self, scope: &mut Scope<'_>) -> Result<BoundCode> {
        let bound = self.bind_l1(scope)?;
        Ok(BoundCode {
            code: bound.code.into_value(),
            package_type: bound.package_type,
            asset_hash: bound.asset_hash,
            asset: bound.asset,
        })
    }

    /// [`Code::bind`], as the generated L1's `Code` property (what `lambda::Function` writes).
    pub(crate) fn bind_l1(&self, scope: &mut Scope<'_>) -> Result<BoundL1> {
        let mut code = function::Code::new();
        let plain = |code| BoundL1 {
            code,
            package_type: None,
            asset_hash: None,
            asset: None,
        };
        match self {
            Code::Dir(dir) => {
                let at = assets::add_dir_asset(scope, "Code", dir).map_err(asset_error)?;
                code.s3_bucket = Some(Id::Value(at.bucket_name.clone()));
                code.s3_key = Some(at.object_key.as_str().into());
                Ok(BoundL1 {
                    code,
                    package_type: None,
                    asset_hash: Some(at.hash.clone()),
                    asset: Some(at),
                })
            }
            Code::Inline(source) => {
                if source.trim().is_empty() {
                    return Err(ConstructError::invalid(
                        scope.path(),
                        "the inline code is empty",
                        "give the function's source (Node.js or Python), or use Code::from_dir",
                    ));
                }
                code.zip_file = Some(source.as_str().into());
                Ok(plain(code))
            }
            Code::Bucket {
                bucket,
                key,
                version,
            } => {
                if key.is_empty() {
                    return Err(ConstructError::invalid(
                        scope.path(),
                        "the code's object key is empty",
                        "give the key of the zip in the bucket",
                    ));
                }
                code.s3_bucket = Some(Id::Value(bucket.clone()));
                code.s3_key = Some(key.as_str().into());
                code.s3_object_version = version.as_deref().map(Into::into);
                Ok(plain(code))
            }
            Code::ImageDir { dir, dockerfile } => {
                let at = assets::add_image_asset(scope, "AssetImage", dir, dockerfile.as_deref())
                    .map_err(asset_error)?;
                code.image_uri = Some(at.image_uri.into());
                Ok(BoundL1 {
                    code,
                    package_type: Some("Image"),
                    asset_hash: Some(at.hash),
                    asset: None,
                })
            }
        }
    }
}

fn asset_error(e: AssetError) -> ConstructError {
    match e {
        AssetError::Tree(e) => ConstructError::Tree(e),
        AssetError::Source { path, message, fix } => {
            ConstructError::InvalidProps { path, message, fix }
        }
    }
}
