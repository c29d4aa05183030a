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
//! - [`Tree::synth_in`] writes into an [`OutDir`] the caller finishes, so more files (the gs
//!   CLI's reports and pictures) go into the same folder, read once, before the index: then
//!   `manifest.json` present means every file of the run was written, and a write failing
//!   before it leaves no assembly.
//! - Only the kinds of file gs writes are removed: `*.template.json`, `*.assets.json`,
//!   `asset.<hash>.*`, `tree.json`, `manifest.json`, `cdk.out`, gs's own temporary files, and
//!   those a caller claims with [`OutDir::remove_stale`] (the CLI's reports and pictures). gs
//!   decides by name, not by which run wrote a file: the folder is gs's, as `cdk.out` is the
//!   CDK's. Anything else in it is left alone.

use std::io;
use std::path::{Path, PathBuf};

use crate::app::App;
use crate::backend::{Backend, EmitError, PartSink, Parts, Sink};
use crate::diagnostic::Diagnostic;
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

fn write_one(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<()> {
    let target = dir.join(file_name);
    let tmp = dir.join(temp_name(file_name, std::process::id()));
    std::fs::write(&tmp, bytes)?;
    if let Err(e) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// The output folder, written one file at a time ([`Sink`]): what
/// [`write_artifacts`](crate::write_artifacts) does with a list of files, for files handed over as they are
/// produced ([`Tree::synth_into`], [`Backend::emit_into`]), so that none need be kept.
///
/// [`OutDir::open`] creates the folder and removes the temporary files killed writers left. Each
/// file is written under a temporary name and renamed. The first cloud-assembly file
/// ([`is_assembly_file`]) removes `manifest.json` and `cdk.out`; those two are kept in memory
/// and written by [`OutDir::finish`], after it removed the assembly files of the folder this
/// writer did not write (stale templates). A writer dropped without `finish` leaves the folder
/// without `manifest.json`: not an assembly.
///
/// ```
/// use gs_core::{OutDir, Sink};
/// let dir = std::env::temp_dir().join(format!("gs-doc-out-dir-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("Old.template.json"), "{}")?;
/// let mut out = OutDir::open(&dir)?;
/// out.file("New.template.json", b"{}")?;
/// out.file("manifest.json", b"{}")?;
/// assert!(!dir.join("manifest.json").exists()); // written last
/// out.finish()?;
/// assert!(dir.join("manifest.json").exists() && !dir.join("Old.template.json").exists());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct OutDir {
    dir: PathBuf,
    /// The files in the folder when it was opened.
    names: Vec<String>,
    /// The files written so far.
    written: Vec<String>,
    /// Whether an assembly file was handed over (the index files are then removed).
    assembly: bool,
    /// `manifest.json` and `cdk.out`, written by `finish`.
    index: Vec<(&'static str, Vec<u8>)>,
}

impl OutDir {
    /// Opens `dir` (created if missing) and removes the temporary files of writers that are
    /// gone.
    pub fn open(dir: impl AsRef<Path>) -> io::Result<OutDir> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let names = file_names(dir)?;
        remove_left_behind(dir, &names)?;
        Ok(OutDir {
            dir: dir.to_path_buf(),
            names,
            written: Vec::new(),
            assembly: false,
            index: Vec::new(),
        })
    }

    /// Removes the cloud assembly of the folder (what [`remove_assembly`] removes), from the
    /// names read when it was opened and those this writer wrote, without reading the folder
    /// again: the index files first, then every assembly file. `manifest.json` and `cdk.out`
    /// handed over are dropped, so [`OutDir::finish`] writes no index. Files gs does not write
    /// stay.
    pub fn remove_assembly(&mut self) -> io::Result<()> {
        self.index.clear();
        self.assembly = false;
        self.remove_index()?;
        for list in [&mut self.names, &mut self.written] {
            let mut kept = Vec::with_capacity(list.len());
            for name in list.drain(..) {
                if is_assembly_file(&name) && !INDEX_FILES.contains(&name.as_str()) {
                    remove(&self.dir, &name)?;
                } else {
                    kept.push(name);
                }
            }
            *list = kept;
        }
        Ok(())
    }

    /// Removes last run's `manifest.json` and `cdk.out`, those the folder held when it was
    /// opened (no system call for one that was not there).
    fn remove_index(&mut self) -> io::Result<()> {
        for name in INDEX_FILES {
            if let Some(at) = self.names.iter().position(|n| n == name) {
                remove(&self.dir, name)?;
                self.names.swap_remove(at);
            }
        }
        Ok(())
    }

    /// Removes `file_name` if it was in the folder when it was opened or this writer wrote it;
    /// makes no system call otherwise. For files that must not outlive a run that did not
    /// write them again (a picture beside a refused run's findings).
    pub fn remove_file(&mut self, file_name: &str) -> io::Result<()> {
        let known = |list: &mut Vec<String>| {
            let at = list.iter().position(|n| n == file_name);
            if let Some(at) = at {
                list.swap_remove(at);
            }
            at.is_some()
        };
        // Both lists, so neither keeps a name that is gone.
        let (was, wrote) = (known(&mut self.names), known(&mut self.written));
        if was || wrote {
            remove(&self.dir, file_name)?;
        }
        Ok(())
    }

    /// Removes the files the folder held when it was opened that `owned` claims and this writer
    /// did not write: a caller's own kinds of file (reports, pictures) of last run, for stacks
    /// this run did not write them for. No system call for a file that is not there.
    ///
    /// ```
    /// use gs_core::{OutDir, Sink};
    /// let dir = std::env::temp_dir().join(format!("gs-doc-remove-stale-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("Gone.sarif"), "{}")?;
    /// std::fs::write(dir.join("notes.txt"), "mine")?;
    /// let mut out = OutDir::open(&dir)?;
    /// out.file("Kept.sarif", b"{}")?;
    /// out.remove_stale(|name| name.ends_with(".sarif"))?;
    /// assert!(!dir.join("Gone.sarif").exists() && dir.join("Kept.sarif").exists());
    /// assert!(dir.join("notes.txt").exists());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn remove_stale(&mut self, owned: impl Fn(&str) -> bool) -> io::Result<()> {
        let mut kept = Vec::with_capacity(self.names.len());
        for name in std::mem::take(&mut self.names) {
            if owned(&name) && !self.written.contains(&name) {
                remove(&self.dir, &name)?;
            } else {
                kept.push(name);
            }
        }
        self.names = kept;
        Ok(())
    }

    /// Removes the assembly files this writer did not write, then writes `manifest.json` and
    /// `cdk.out`.
    pub fn finish(self) -> io::Result<()> {
        if self.assembly {
            for name in self.names.iter().filter(|n| is_assembly_file(n)) {
                if !self.written.contains(name)
                    && !self.index.iter().any(|(index, _)| *index == name.as_str())
                {
                    remove(&self.dir, name)?;
                }
            }
        }
        for (name, bytes) in &self.index {
            write_one(&self.dir, name, bytes)?;
        }
        Ok(())
    }
}

impl Sink for OutDir {
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()> {
        if !self.assembly && is_assembly_file(file_name) {
            self.assembly = true;
            self.remove_index()?;
        }
        if let Some(name) = INDEX_FILES.iter().find(|n| **n == file_name) {
            self.index.retain(|(n, _)| n != name);
            self.index.push((name, bytes.to_vec()));
            return Ok(());
        }
        write_one(&self.dir, file_name, bytes)?;
        self.written.push(file_name.to_owned());
        Ok(())
    }

    /// Each part is written to the temporary file as it comes, then the file renamed; an index
    /// file is joined and kept for [`OutDir::finish`]. Files handed over meanwhile are written as
    /// by [`Sink::file`].
    fn file_in_parts(&mut self, file_name: &str, write: &mut Parts<'_>) -> io::Result<()> {
        if INDEX_FILES.contains(&file_name) {
            let mut joined = Joined {
                out: &mut *self,
                bytes: Vec::new(),
            };
            write(&mut joined)?;
            let bytes = joined.bytes;
            return self.file(file_name, &bytes);
        }
        if !self.assembly && is_assembly_file(file_name) {
            self.assembly = true;
            self.remove_index()?;
        }
        let target = self.dir.join(file_name);
        let tmp = self.dir.join(temp_name(file_name, std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|file| {
            let mut open = Open {
                out: &mut *self,
                file,
            };
            write(&mut open)
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &target)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        self.written.push(file_name.to_owned());
        Ok(())
    }
}

/// An index file written in parts: joined, kept for [`OutDir::finish`].
struct Joined<'o> {
    out: &'o mut OutDir,
    bytes: Vec<u8>,
}

impl PartSink for Joined<'_> {
    fn part(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()> {
        self.out.file(file_name, bytes)
    }
}

/// A file written in parts into its temporary file.
struct Open<'o> {
    out: &'o mut OutDir,
    file: std::fs::File,
}

impl PartSink for Open<'_> {
    fn part(&mut self, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write as _;
        self.file.write_all(bytes)
    }
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()> {
        self.out.file(file_name, bytes)
    }
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

impl Tree<'_> {
    /// [`Tree::synth_into`] into an [`OutDir`] the caller opened and finishes, so that it can
    /// write more files (reports, pictures) into the same folder, read once, before
    /// [`OutDir::finish`] writes `manifest.json` last: its presence then means every file of the
    /// run was written. Returns the non-blocking findings.
    ///
    /// When synthesis is refused, or the backend fails midway, the cloud assembly of the folder
    /// is removed ([`OutDir::remove_assembly`]) before the error is returned; the caller may
    /// still write its reports and call [`OutDir::finish`], which then writes no index.
    ///
    /// ```
    /// use gs_core::{App, Diagnostic, DotBackend, OutDir, Sink, StackProps};
    /// let dir = std::env::temp_dir().join(format!("gs-doc-synth-in-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("Old.template.json"), "{}")?;
    /// let mut app = App::new();
    /// app.stack("Demo", StackProps::default())?;
    /// app.add_pass("test/refuse", &[], |_, out| out.push(Diagnostic::error("test/refuse", "Demo", "no", "none")))?;
    /// let mut out = OutDir::open(&dir)?;
    /// assert!(app.freeze_for(&DotBackend).synth_in(&DotBackend, &mut out).is_err());
    /// out.file("Demo.sarif", b"{}")?; // this run's findings, beside no assembly
    /// out.finish()?;
    /// assert!(!dir.join("Old.template.json").exists() && dir.join("Demo.sarif").exists());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn synth_in(
        &self,
        backend: &dyn Backend,
        out: &mut OutDir,
    ) -> Result<Vec<Diagnostic>, SynthError> {
        if !self.for_backend {
            return self.app().freeze_for(backend).synth_in(backend, out);
        }
        let write_error = |dir: &Path, e: io::Error| SynthError::Write {
            dir: dir.display().to_string(),
            message: e.to_string(),
        };
        let diagnostics = match self.validated(backend) {
            Ok(d) => d,
            Err(e) => {
                out.remove_assembly()
                    .map_err(|e| write_error(&out.dir, e))?;
                return Err(e);
            }
        };
        if let Err(e) = backend.emit_into(self, out) {
            out.remove_assembly()
                .map_err(|e| write_error(&out.dir, e))?;
            return Err(match e {
                EmitError::Backend(e) => SynthError::Backend(e),
                EmitError::Sink(e) => write_error(&out.dir, e),
            });
        }
        Ok(diagnostics)
    }

    /// [`Tree::synth_to`] without keeping the files: each is written into `dir` as soon as the
    /// backend produces it ([`Backend::emit_into`], through an [`OutDir`]) and then dropped, so a
    /// process that only writes them holds one at a time. Returns the non-blocking findings.
    /// The folder ends as after [`Tree::synth_to`]; when the backend fails midway, the cloud
    /// assembly of `dir` is removed, as when synthesis is refused.
    pub fn synth_into(
        &self,
        backend: &dyn Backend,
        dir: impl AsRef<Path>,
    ) -> Result<Vec<Diagnostic>, SynthError> {
        if !self.for_backend {
            return self.app().freeze_for(backend).synth_into(backend, dir);
        }
        let dir = dir.as_ref();
        let write_error = |e: io::Error| SynthError::Write {
            dir: dir.display().to_string(),
            message: e.to_string(),
        };
        let diagnostics = match self.validated(backend) {
            Ok(d) => d,
            Err(e) => {
                remove_assembly(dir).map_err(write_error)?;
                return Err(e);
            }
        };
        let mut out = OutDir::open(dir).map_err(write_error)?;
        match backend.emit_into(self, &mut out) {
            Ok(()) => out.finish().map_err(write_error)?,
            Err(e) => {
                drop(out);
                remove_assembly(dir).map_err(write_error)?;
                return Err(match e {
                    EmitError::Backend(e) => SynthError::Backend(e),
                    EmitError::Sink(e) => write_error(e),
                });
            }
        }
        Ok(diagnostics)
    }
}
