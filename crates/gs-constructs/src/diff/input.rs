//! The two sides of a diff: a cloud assembly (its `manifest.json` lists the stacks and their
//! template files), one template file, or a synthesis in memory.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

/// Why an earlier synthesis cannot be read. Each names the file and says how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// Nothing at the path given.
    #[error("{path}: no such file or folder; fix: give --against an assembly folder (with manifest.json) or a template file, or synthesize first")]
    Missing {
        /// The path given.
        path: PathBuf,
    },
    /// A file could not be read.
    #[error("{path}: cannot be read ({reason})")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// A file is not JSON.
    #[error("{path}: not JSON ({reason}); fix: point --against at a cloud assembly or a CloudFormation template in JSON (gs and the CDK write JSON; convert YAML first)")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// serde_json's message, with line and column.
        reason: String,
    },
    /// JSON, but not a template or manifest.
    #[error("{path}: {what}; fix: {fix}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// A folder without `manifest.json`.
    #[error("{path}: a folder without manifest.json, so not a cloud assembly; fix: give the assembly folder a synthesis wrote (cdk.out), or one template file")]
    NoManifest {
        /// The folder.
        path: PathBuf,
    },
    /// A template file given, but the new synthesis has several stacks and none was chosen.
    #[error("{path} is one template, but the app has the stacks {stacks}; fix: name the stack to compare it with (`diff --against {path} --stack <Stack>`)")]
    WhichStack {
        /// The template file.
        path: PathBuf,
        /// The stacks of the app, comma-separated.
        stacks: String,
    },
    /// A stack that only one side has: the earlier assembly is probably not this app's, or the
    /// app gained or lost a stack since; either way the comparison would not say what a deploy
    /// does to the stacks both sides have.
    #[error("stack `{name}` is only in {side}, so there is nothing to compare it with; fix: compare a stack both sides have (`diff --stack <Stack>`; both have: {both}), or, if the stack is meant to be new or gone, run `synth` to make this synthesis the earlier side")]
    OneSided {
        /// The stack.
        name: String,
        /// `the app` or `the earlier assembly`.
        side: &'static str,
        /// The stacks both sides have, comma-separated (`none` when there are none).
        both: String,
    },
    /// A stack whose environment (account or Region) differs between the sides: deploying it
    /// creates a new stack there and leaves the earlier one in place, so comparing their
    /// templates would not say what a deploy does.
    #[error("stack `{name}` deploys to {new}, but the earlier assembly's deploys to {old}: deploying creates a new stack in {new} and leaves the one in {old} as it is; fix: compare with an assembly synthesized for {new} (check AWS_REGION, CDK_DEFAULT_ACCOUNT and the stack's env), or, if the stack is meant to move, run `synth` to make this synthesis the earlier side and delete the old stack yourself")]
    Moved {
        /// The stack.
        name: String,
        /// The earlier side's environment.
        old: String,
        /// The new synthesis's environment.
        new: String,
    },
    /// A stack named that the new synthesis does not have.
    #[error("the app has no stack `{name}` (it has {stacks}); fix: name one of those")]
    UnknownStack {
        /// The name given.
        name: String,
        /// The stacks of the app, comma-separated.
        stacks: String,
    },
}

/// One stack's template.
#[derive(Clone, Debug, PartialEq)]
pub struct StackTemplate {
    /// The stack's name (the manifest's artifact id).
    pub name: String,
    /// The template.
    pub template: Json,
    /// Where the stack deploys, as its manifest says (`aws://<account>/<region>`); `None` for
    /// a template file.
    pub environment: Option<String>,
}

/// The stacks of one synthesis, in the manifest's order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Assembly {
    /// The stacks.
    pub stacks: Vec<StackTemplate>,
}

impl Assembly {
    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Option<&StackTemplate> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// The stacks' names, comma-separated, for messages.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.stacks.iter().map(|s| s.name.as_str()).collect();
        names.join(", ")
    }

    /// Reads an assembly folder (through its `manifest.json`).
    pub fn read(dir: &Path) -> Result<Assembly, DiffError> {
        if !dir.exists() {
            return Err(DiffError::Missing { path: dir.into() });
        }
        if !dir.is_dir() {
            return Err(DiffError::Invalid {
                path: dir.into(),
                what: "not a folder".into(),
                fix: "give an assembly folder (with manifest.json), or one template file".into(),
            });
        }
        let manifest_path = dir.join("manifest.json");
        if !manifest_path.exists() {
            return Err(DiffError::NoManifest { path: dir.into() });
        }
        let manifest = read_json(&manifest_path)?;
        Self::from_manifest(&manifest, &manifest_path, |file| {
            let path = dir.join(file);
            if !path.exists() {
                return Err(DiffError::Invalid {
                    path: manifest_path.clone(),
                    what: format!("lists the template {file}, which is not in the folder"),
                    fix: "synthesize again: an assembly is written whole".into(),
                });
            }
            read_json(&path)
        })
    }

    /// The assembly of a synthesis in memory (its artifacts: `manifest.json` and the
    /// templates).
    pub fn from_artifacts(artifacts: &[gs_core::Artifact]) -> Result<Assembly, DiffError> {
        let parse = |name: &str| -> Result<Json, DiffError> {
            let a = artifacts
                .iter()
                .find(|a| a.file_name == name)
                .ok_or_else(|| DiffError::Missing { path: name.into() })?;
            serde_json::from_slice(&a.bytes).map_err(|e| DiffError::NotJson {
                path: name.into(),
                reason: e.to_string(),
            })
        };
        let manifest = parse("manifest.json")?;
        Self::from_manifest(&manifest, Path::new("manifest.json"), parse)
    }

    /// One template file as an assembly of one stack named `stack`.
    pub fn template_file(path: &Path, stack: &str) -> Result<Assembly, DiffError> {
        if !path.exists() {
            return Err(DiffError::Missing { path: path.into() });
        }
        let template = read_json(path)?;
        check_template(&template, path)?;
        // Any JSON object would pass as a template without resources, and every resource would
        // then show as added: say what the file is instead.
        if template.get("Resources").is_none() {
            let is_manifest = template.get("artifacts").is_some();
            return Err(DiffError::Invalid {
                path: path.into(),
                what: if is_manifest {
                    "is a cloud assembly manifest, not a template".into()
                } else {
                    "has no `Resources`, so it is not a CloudFormation template".into()
                },
                fix: if is_manifest {
                    "give the folder that holds it (`--against <folder>`), or one of the templates it lists".into()
                } else {
                    "give a CloudFormation template (an object with a `Resources` object) or an assembly folder".into()
                },
            });
        }
        Ok(Assembly {
            stacks: vec![StackTemplate {
                name: stack.to_owned(),
                template,
                environment: None,
            }],
        })
    }

    fn from_manifest(
        manifest: &Json,
        manifest_path: &Path,
        mut template: impl FnMut(&str) -> Result<Json, DiffError>,
    ) -> Result<Assembly, DiffError> {
        let invalid = |what: &str| DiffError::Invalid {
            path: manifest_path.into(),
            what: what.into(),
            fix: "synthesize again (gs or cdk synth write a valid manifest.json)".into(),
        };
        let artifacts = manifest
            .get("artifacts")
            .and_then(Json::as_object)
            .ok_or_else(|| {
                invalid("has no `artifacts` object, so it is not a cloud assembly manifest")
            })?;
        let mut stacks = Vec::new();
        for (name, a) in artifacts {
            if a.get("type").and_then(Json::as_str) != Some("aws:cloudformation:stack") {
                continue;
            }
            let file = a
                .get("properties")
                .and_then(|p| p.get("templateFile"))
                .and_then(Json::as_str)
                .ok_or_else(|| {
                    invalid(&format!(
                        "the stack {name} has no `properties.templateFile`"
                    ))
                })?;
            let t = template(file)?;
            check_template(&t, &manifest_path.with_file_name(file))?;
            stacks.push(StackTemplate {
                name: name.clone(),
                template: t,
                environment: a
                    .get("environment")
                    .and_then(Json::as_str)
                    .map(str::to_owned),
            });
        }
        Ok(Assembly { stacks })
    }
}

/// Reads and parses one JSON file.
fn read_json(path: &Path) -> Result<Json, DiffError> {
    let bytes = std::fs::read(path).map_err(|e| DiffError::Unreadable {
        path: path.into(),
        reason: e.to_string(),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| DiffError::NotJson {
        path: path.into(),
        reason: e.to_string(),
    })
}

/// A template is an object whose `Resources`, when present, is an object of objects.
fn check_template(t: &Json, path: &Path) -> Result<(), DiffError> {
    let invalid = |what: String| DiffError::Invalid {
        path: path.into(),
        what,
        fix: "give a CloudFormation template (an object with a `Resources` object)".into(),
    };
    let obj = t
        .as_object()
        .ok_or_else(|| invalid("is JSON but not an object".into()))?;
    match obj.get("Resources") {
        None => Ok(()),
        Some(Json::Object(r)) => match r.iter().find(|(_, v)| !v.is_object()) {
            Some((id, _)) => Err(invalid(format!("the resource {id} is not an object"))),
            None => Ok(()),
        },
        Some(_) => Err(invalid("its `Resources` is not an object".into())),
    }
}
