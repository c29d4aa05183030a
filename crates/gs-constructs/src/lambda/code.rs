//! The code of a Lambda function, and the `Code` property value it renders.

use std::path::PathBuf;

use gs_cfn::assets::{self, AssetError};
use gs_core::{Scope, Value, ValueMap};

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
        match self {
            Code::Dir(dir) => {
                let at = assets::add_dir_asset(scope, "Code", dir).map_err(asset_error)?;
                Ok(BoundCode {
                    code: Value::Map(
                        ValueMap::new()
                            .with("S3Bucket", at.bucket_name)
                            .with("S3Key", at.object_key),
                    ),
                    package_type: None,
                    asset_hash: Some(at.hash),
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
                Ok(BoundCode {
                    code: Value::Map(ValueMap::new().with("ZipFile", source.as_str())),
                    package_type: None,
                    asset_hash: None,
                })
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
                let mut map = ValueMap::new()
                    .with("S3Bucket", bucket.clone())
                    .with("S3Key", key.as_str());
                if let Some(v) = version {
                    map = map.with("S3ObjectVersion", v.as_str());
                }
                Ok(BoundCode {
                    code: Value::Map(map),
                    package_type: None,
                    asset_hash: None,
                })
            }
            Code::ImageDir { dir, dockerfile } => {
                let at = assets::add_image_asset(scope, "AssetImage", dir, dockerfile.as_deref())
                    .map_err(asset_error)?;
                Ok(BoundCode {
                    code: Value::Map(ValueMap::new().with("ImageUri", at.image_uri)),
                    package_type: Some("Image"),
                    asset_hash: Some(at.hash),
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
