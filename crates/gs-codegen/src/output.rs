//! The files a generator produces, written to disk or compared with what is there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Generated files by path relative to the repository root, in a stable order.
#[derive(Default)]
pub struct Output {
    files: BTreeMap<PathBuf, String>,
}

impl Output {
    /// Adds (or replaces) one generated file.
    pub fn file(&mut self, path: impl Into<PathBuf>, contents: String) {
        self.files.insert(path.into(), contents);
    }

    /// Writes every file under `root`, creating folders as needed.
    pub fn write(&self, root: &Path) -> Result<(), String> {
        for (path, contents) in &self.files {
            let full = root.join(path);
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&full, contents).map_err(|e| format!("{}: {e}", full.display()))?;
        }
        Ok(())
    }

    /// The generated files that are missing under `root` or differ from what is there.
    pub fn stale(&self, root: &Path) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|(path, contents)| {
                std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(contents.as_str())
            })
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// How many files and lines were generated.
    pub fn summary(&self) -> (usize, usize) {
        let lines = self.files.values().map(|c| c.lines().count()).sum();
        (self.files.len(), lines)
    }
}
