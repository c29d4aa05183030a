//! The `Backend` trait: a frozen, validated tree in, artifacts (file name and bytes) out.

use std::io;
use std::path::Path;

use crate::passes::Pass;
use crate::tree::Tree;

/// One file a backend produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// The file name, relative to the output folder (e.g. `TapStackdev.template.json`).
    pub file_name: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// An error a backend meets while emitting.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("{backend} backend: {path}: {message}; fix: {fix}")]
pub struct BackendError {
    /// The backend's name.
    pub backend: String,
    /// The construct path concerned.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// Turns a validated tree into artifacts. Backends read the tree; they never change it.
///
/// A backend brings the passes its target needs (the CloudFormation backend its limits), so
/// that whatever built the tree, synthesis through the backend checks it.
///
/// ```
/// use gs_core::{App, Artifact, Backend, BackendError, Pass, StackProps, Tree};
/// struct Count;
/// impl Backend for Count {
///     fn name(&self) -> &str { "count" }
///     fn passes(&self) -> &'static [Pass] { &[] }
///     fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError> {
///         let n = tree.all_elements().count();
///         Ok(vec![Artifact { file_name: "count.txt".into(), bytes: n.to_string().into_bytes() }])
///     }
/// }
/// let mut app = App::new();
/// app.stack("Demo", StackProps::default())?;
/// let out = app.synth(&Count)?;
/// assert_eq!(out.artifacts[0].bytes, b"0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Backend {
    /// A short name, used in errors.
    fn name(&self) -> &str;
    /// The passes synthesis through this backend runs, besides gs-core's and the app's own.
    fn passes(&self) -> &'static [Pass];
    /// The artifacts for the whole tree.
    fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError>;

    /// The artifacts of [`emit`](Backend::emit), in the same order and byte for byte, each
    /// handed to `sink` as soon as it is produced, so that it need not be kept (the default
    /// emits them all, then hands them over). [`Tree::synth_into`](crate::Tree::synth_into)
    /// writes a synthesis this way.
    fn emit_into(&self, tree: &Tree<'_>, sink: &mut dyn Sink) -> Result<(), EmitError> {
        for a in self.emit(tree)? {
            sink.file(&a.file_name, &a.bytes)?;
        }
        Ok(())
    }

    /// How the target tags a resource of `type_name` whose constructor did not say
    /// ([`Resource::tagging`](crate::Resource::tagging) `None`, as for raw resources): gs-core
    /// knows no service, a backend may (gs-constructs' answers from the resource schema). The
    /// default: not taggable. Read through [`Tree::tagging`]. Asked once a type when a tree is
    /// frozen: the answer must depend on the type alone.
    fn tagging(&self, type_name: &str) -> Option<crate::node::Tagging> {
        let _ = type_name;
        None
    }
}

/// Where [`Backend::emit_into`] puts each file as it is produced: [`OutDir`](crate::OutDir)
/// writes it into a folder.
pub trait Sink {
    /// Takes the whole file `file_name`.
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()>;

    /// Takes the file `file_name` in parts: `write` hands each part, in order, to the
    /// [`PartSink`] it is given, so that a large file need not be held whole; meanwhile it may
    /// hand over other files whole ([`PartSink::file`]), which count as produced before this
    /// one. The default joins the parts and calls [`Sink::file`] (the other files are passed on
    /// at once); an error from `write` drops what it wrote.
    fn file_in_parts(&mut self, file_name: &str, write: &mut Parts<'_>) -> io::Result<()> {
        let mut joined = Joined {
            sink: &mut *self,
            bytes: Vec::new(),
        };
        write(&mut joined)?;
        let bytes = joined.bytes;
        self.file(file_name, &bytes)
    }
}

/// What [`Sink::file_in_parts`] hands its writer: where the next part of the file goes, and
/// where other files go meanwhile.
pub trait PartSink {
    /// Takes the next part of the file being written.
    fn part(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Takes another whole file, produced while this one is written (as [`Sink::file`]).
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()>;
}

/// What [`Sink::file_in_parts`] calls: it writes a file by handing each part to its argument.
pub type Parts<'a> = dyn FnMut(&mut dyn PartSink) -> io::Result<()> + 'a;

/// The parts of a file joined in memory; other files passed on to the sink at once.
struct Joined<'s, S: ?Sized> {
    sink: &'s mut S,
    bytes: Vec<u8>,
}

impl<S: Sink + ?Sized> PartSink for Joined<'_, S> {
    fn part(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()> {
        self.sink.file(file_name, bytes)
    }
}

/// Collects the files in memory, as [`Backend::emit`] returns them.
impl Sink for Vec<Artifact> {
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> io::Result<()> {
        self.push(Artifact {
            file_name: file_name.to_owned(),
            bytes: bytes.to_vec(),
        });
        Ok(())
    }
}

/// Why [`Backend::emit_into`] stopped: the backend failed, or the sink could not take a file.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// The backend could not emit.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The sink could not take a file.
    #[error(transparent)]
    Sink(#[from] io::Error),
}

/// Writes `artifacts` into `dir` (created if missing). Each file is written to a temporary name
/// in the same folder, then renamed over the old one, so a reader never sees half a file and an
/// interrupted write leaves the earlier file as it was.
///
/// It also cleans up after earlier writers, touching only files gs writes: temporary files a
/// killed writer left (`.<file>.tmp-<pid>`) are removed, and when `artifacts` hold a cloud
/// assembly (a `*.template.json`, `manifest.json` or `cdk.out`), templates of stacks that are no
/// longer in it are removed, and `manifest.json` and `cdk.out` are removed first and written last
/// (so `manifest.json` is present only beside a complete set of this run's templates). See
/// [`App::synth_to`](crate::App::synth_to) for the refused case.
pub fn write_artifacts(dir: &Path, artifacts: &[Artifact]) -> io::Result<()> {
    let mut out = crate::OutDir::open(dir)?;
    for a in artifacts {
        out.file(&a.file_name, &a.bytes)?;
    }
    out.finish()
}
