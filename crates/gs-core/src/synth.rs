//! Synthesis: freeze the app, run every pass, refuse on errors, else hand the tree to a backend.

use std::io;
use std::path::Path;

use crate::app::App;
use crate::backend::{write_artifacts, Artifact, Backend, BackendError};
use crate::diagnostic::{Diagnostic, Report};
use crate::passes::CORE;
use crate::tree::Tree;

/// What a successful synthesis gives: the artifacts and the findings that did not block it
/// (warnings, information, acknowledged errors).
#[derive(Clone, Debug)]
pub struct Synthesis {
    /// The backend's files.
    pub artifacts: Vec<Artifact>,
    /// Non-blocking findings, sorted by path.
    pub diagnostics: Vec<Diagnostic>,
}

impl Synthesis {
    /// Writes the artifacts into `dir`, each atomically (see [`write_artifacts`]).
    pub fn write_to(&self, dir: impl AsRef<Path>) -> io::Result<()> {
        write_artifacts(dir.as_ref(), &self.artifacts)
    }

    /// The artifact called `file_name`.
    pub fn artifact(&self, file_name: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.file_name == file_name)
    }
}

/// Why synthesis produced nothing.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SynthError {
    /// Validation found errors; every finding is in the report, sorted by path.
    #[error("synthesis refused: {} error(s)\n{report}", report.errors().count())]
    Invalid {
        /// All findings (errors and the rest).
        report: Report,
    },
    /// The backend could not emit.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// [`App::synth_to`] could not write the artifacts, or remove the stale ones.
    #[error("writing into {dir}: {message}; fix: check that the folder can be written")]
    Write {
        /// The output folder.
        dir: String,
        /// The I/O error.
        message: String,
    },
}

impl SynthError {
    /// The findings, when validation refused the app.
    pub fn report(&self) -> Option<&Report> {
        match self {
            SynthError::Invalid { report } => Some(report),
            SynthError::Backend(_) | SynthError::Write { .. } => None,
        }
    }
}

impl App {
    /// Runs every pass synthesis through `backend` would run (gs-core's, the app's own, the
    /// backend's) over the frozen tree and collects all findings at once. A finding whose rule
    /// is acknowledged on its construct (or above) carries the reason and does not block.
    pub fn validate(&self, backend: &dyn Backend) -> Vec<Diagnostic> {
        validate(&self.freeze_for(backend), self, backend)
    }

    /// Validates, then emits through `backend`. Errors refuse synthesis with every finding;
    /// nothing is written either way (see [`Synthesis::write_to`]).
    pub fn synth(&self, backend: &dyn Backend) -> Result<Synthesis, SynthError> {
        self.freeze_for(backend).synth(backend)
    }
}

impl App {
    /// Freezes the app for `backend`: resources that do not say how they are tagged
    /// ([`Resource::tagging`](crate::Resource::tagging) `None`) are tagged as the backend says
    /// of their type ([`Backend::tagging`]). [`App::synth`] freezes this way; [`App::freeze`]
    /// leaves every resource as built.
    pub fn freeze_for(&self, backend: &dyn Backend) -> Tree<'_> {
        Tree::freeze_with(self, &|type_name| backend.tagging(type_name))
    }
}

impl Tree<'_> {
    /// [`App::synth`] of the app this tree froze, without freezing it again: a program that
    /// also reads the tree (reports, a second backend) freezes once.
    ///
    /// ```
    /// use gs_core::{App, DotBackend, StackProps};
    /// let mut app = App::new();
    /// app.stack("Demo", StackProps::default())?;
    /// let tree = app.freeze();
    /// let out = tree.synth(&DotBackend)?;
    /// assert_eq!(out.artifacts.len(), tree.stacks().len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A tree from [`App::freeze`] (which knows no backend) is frozen again for `backend`, so
    /// that resources tagged as the backend says ([`Backend::tagging`]) get their tags; freeze
    /// with [`App::freeze_for`] to freeze once.
    pub fn synth(&self, backend: &dyn Backend) -> Result<Synthesis, SynthError> {
        if !self.for_backend {
            return self.app().freeze_for(backend).synth(backend);
        }
        let diagnostics = self.validated(backend)?;
        let artifacts = backend.emit(self)?;
        Ok(Synthesis {
            artifacts,
            diagnostics,
        })
    }

    /// The findings of every pass over this tree, or the refusal when one blocks.
    pub(crate) fn validated(&self, backend: &dyn Backend) -> Result<Vec<Diagnostic>, SynthError> {
        let diagnostics = validate(self, self.app(), backend);
        if diagnostics.iter().any(Diagnostic::is_blocking) {
            return Err(SynthError::Invalid {
                report: Report(diagnostics),
            });
        }
        Ok(diagnostics)
    }
}

fn validate(tree: &Tree<'_>, app: &App, backend: &dyn Backend) -> Vec<Diagnostic> {
    // A value that cannot be written refuses synthesis before any pass walks it (a pass may walk
    // values recursively; a value 10,000 levels deep would overflow the call stack).
    let mut diagnostics = tree.invalid_values().to_vec();
    if !diagnostics.is_empty() {
        return diagnostics;
    }
    for pass in CORE {
        (pass.run)(tree, &mut diagnostics);
    }
    for pass in &app.passes {
        (pass.run)(tree, &mut diagnostics);
    }
    for pass in backend.passes() {
        (pass.run)(tree, &mut diagnostics);
    }
    crate::passes::acknowledgements(tree, &mut diagnostics);
    for d in &mut diagnostics {
        name_the_construct(tree, d);
    }
    for d in &mut diagnostics {
        if !d.acknowledgeable {
            continue;
        }
        if let Some(node) = d.node {
            d.acknowledged = tree.acknowledged(node, &d.rule).map(str::to_owned);
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.path.as_str(), a.severity, a.rule.as_str()).cmp(&(
            b.path.as_str(),
            b.severity,
            b.rule.as_str(),
        ))
    });
    diagnostics.dedup();
    diagnostics
}

/// A finding about the primary resource of a construct (its `Resource` or `Default` child, as in
/// CDK) names the construct the user created, as findings about the construct itself do: one
/// path per construct, whichever node the pass looked at. The node is kept, so acknowledgements
/// still match from the resource up.
fn name_the_construct(tree: &Tree<'_>, d: &mut Diagnostic) {
    let Some(node) = d.node else {
        return;
    };
    let construct = tree.construct_of(node);
    if construct != node && d.path == tree.path(node) {
        d.path = tree.path(construct);
    }
}
