//! The output folder: what gs writes there, what it removes, and what a consumer can rely on.
//!
//! - Every file is written under a temporary name (`.<file>.tmp-<pid>`) and renamed, so a reader
//!   never sees half a file. A temporary file a killed writer left is removed by the next write.
//! - A cloud assembly (templates, `manifest.json`, `cdk.out`) is written as a whole: the earlier
//!   `manifest.json` and `cdk.out` are removed first and written last, and templates of stacks
//!   that no longer exist are removed before them. So `manifest.json` is present only when every
//!   template it lists is from the same run.
//! - [`App::synth_to`] removes the cloud assembly of the folder when synthesis is refused, so last
//!   run's templates never sit beside this run's findings as if they were current.
//! - Only files gs writes are removed: `*.template.json`, `*.assets.json`, `asset.<hash>.*`,
//!   `manifest.json`, `cdk.out` and gs's own
//!   temporary files. Anything else in the folder is left alone.

use std::io;
use std::path::Path;

use crate::app::App;
use crate::backend::{Artifact, Backend};
use crate::synth::{SynthError, Synthesis};
use crate::tree::Tree;

/// The files of a cloud assembly that list the others; written last, removed first.
const INDEX_FILES: [&str; 2] = ["manifest.json", "cdk.out"];

/// Whether `file_name` is a cloud-assembly file gs writes: a template (`<Stack>.template.json`),
/// an asset manifest (`<Stack>.assets.json`), an asset file (`asset.<SHA-256>.<extension>`),
/// `tree.json`, `manifest.json` or `cdk.out`.
///
/// ```
/// assert!(gs_core::is_assembly_file("TapStackdev.template.json"));
/// assert!(gs_core::is_assembly_file("manifest.json"));
/// assert!(!gs_core::is_assembly_file("notes.json"));
/// ```
pub fn is_assembly_file(file_name: &str) -> bool {
    INDEX_FILES.contains(&file_name)
        || file_name == "tree.json"
        || [".template.json", ".assets.json"].iter().any(|suffix| {
            file_name
                .strip_suffix(suffix)
                .is_some_and(|stack| !stack.is_empty())
        })
        || file_name
            .strip_prefix("asset.")
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(hash, _)| {
                hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
            })
}

/// The temporary name `file_name` is written under by process `pid`.
pub(crate) fn temp_name(file_name: &str, pid: u32) -> String {
    format!(".{file_name}.tmp-{pid}")
}

/// The writer's process id, when `file_name` is one of gs's temporary files.
fn temp_pid(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    let (name, pid) = rest.rsplit_once(".tmp-")?;
    if name.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether the process that wrote a temporary file is gone (or is this one, which has no write
/// in progress while it cleans up). Where `/proc` is not available, a temporary file older than an
/// hour is taken as left behind.
fn writer_gone(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if Path::new("/proc/self").exists() {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 3600)
}

/// The names of the files in `dir` (none when it does not exist).
fn file_names(dir: &Path) -> io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
    }
    Ok(names)
}

fn remove(dir: &Path, name: &str) -> io::Result<()> {
    match std::fs::remove_file(dir.join(name)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes the temporary files of writers that are gone.
fn remove_left_behind(dir: &Path, names: &[String]) -> io::Result<()> {
    for name in names {
        if let Some(pid) = temp_pid(name) {
            if writer_gone(pid, &dir.join(name)) {
                remove(dir, name)?;
            }
        }
    }
    Ok(())
}

/// Removes the cloud assembly from `dir` (templates, `tree.json`, `manifest.json`, `cdk.out`) and the
/// temporary files writers left behind; other files stay. [`App::synth_to`] calls it when
/// synthesis is refused.
pub fn remove_assembly(dir: &Path) -> io::Result<()> {
    let names = file_names(dir)?;
    remove_left_behind(dir, &names)?;
    // The index first: without it, what is left is not an assembly.
    for name in INDEX_FILES {
        remove(dir, name)?;
    }
    for name in names.iter().filter(|n| is_assembly_file(n)) {
        remove(dir, name)?;
    }
    Ok(())
}

fn write_one(dir: &Path, a: &Artifact) -> io::Result<()> {
    let target = dir.join(&a.file_name);
    let tmp = dir.join(temp_name(&a.file_name, std::process::id()));
    std::fs::write(&tmp, &a.bytes)?;
    if let Err(e) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// See [`write_artifacts`](crate::write_artifacts).
pub(crate) fn write(dir: &Path, artifacts: &[Artifact]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let names = file_names(dir)?;
    remove_left_behind(dir, &names)?;
    let assembly = artifacts.iter().any(|a| is_assembly_file(&a.file_name));
    if !assembly {
        return artifacts.iter().try_for_each(|a| write_one(dir, a));
    }
    let is_index = |a: &&Artifact| INDEX_FILES.contains(&a.file_name.as_str());
    for name in INDEX_FILES {
        remove(dir, name)?;
    }
    for a in artifacts.iter().filter(|a| !is_index(a)) {
        write_one(dir, a)?;
    }
    for name in names.iter().filter(|n| is_assembly_file(n)) {
        if !artifacts.iter().any(|a| a.file_name == *name) {
            remove(dir, name)?;
        }
    }
    artifacts
        .iter()
        .filter(is_index)
        .try_for_each(|a| write_one(dir, a))
}

impl App {
    /// Synthesizes through `backend` into `dir`: on success the artifacts are written (see
    /// [`write_artifacts`](crate::write_artifacts)); when synthesis is refused, or the backend
    /// fails, the cloud assembly of `dir` is removed, so no earlier template is taken for this
    /// run's. Files gs does not write are left alone.
    ///
    /// ```
    /// use gs_core::{App, Diagnostic, DotBackend, StackProps};
    /// let dir = std::env::temp_dir().join(format!("gs-doc-synth-to-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("Old.template.json"), "{}")?;
    /// let mut app = App::new();
    /// app.stack("Demo", StackProps::default())?;
    /// app.add_pass("test/refuse", &[], |_, out| out.push(Diagnostic::error("test/refuse", "Demo", "no", "none")))?;
    /// assert!(app.synth_to(&DotBackend, &dir).is_err());
    /// assert!(!dir.join("Old.template.json").exists());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn synth_to(
        &self,
        backend: &dyn Backend,
        dir: impl AsRef<Path>,
    ) -> Result<Synthesis, SynthError> {
        self.freeze_for(backend).synth_to(backend, dir)
    }
}

impl Tree<'_> {
    /// [`App::synth_to`] of the app this tree froze, without freezing it again.
    pub fn synth_to(
        &self,
        backend: &dyn Backend,
        dir: impl AsRef<Path>,
    ) -> Result<Synthesis, SynthError> {
        let dir = dir.as_ref();
        let write_error = |e: io::Error| SynthError::Write {
            dir: dir.display().to_string(),
            message: e.to_string(),
        };
        match self.synth(backend) {
            Ok(out) => {
                out.write_to(dir).map_err(write_error)?;
                Ok(out)
            }
            Err(e) => {
                remove_assembly(dir).map_err(write_error)?;
                Err(e)
            }
        }
    }
}
