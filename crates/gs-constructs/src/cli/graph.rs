//! `graph`: each stack's construct graph as Graphviz DOT, and as SVG when Graphviz's `dot` is on
//! the PATH.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use gs_core::{write_artifacts, Artifact, Backend, DotBackend};
use serde::Serialize;

use super::json;
use super::{AppSlot, Command, Context, Exit, Failure, Info};

pub(super) const INFO: Info = Info {
    name: "graph",
    operands: "",
    about: "write each stack's construct graph (DOT, and SVG when Graphviz's `dot` is on the PATH)",
    options: &[],
    new: || Box::new(Graph),
};

struct Graph;

#[derive(Serialize)]
struct Output {
    command: &'static str,
    files: Vec<String>,
    svg: bool,
}

/// `dot` in the folders of `path`, when one holds it.
fn find_dot(path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join(if cfg!(windows) { "dot.exe" } else { "dot" }))
        .find(|p| p.is_file())
}

/// Runs `dot -Tsvg` on `source`, returning the SVG.
fn render(dot: &Path, source: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut child = Process::new(dot)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", dot.display()))?;
    // Written from a thread: dot may fill its stdout pipe before reading all of stdin.
    let mut stdin = child.stdin.take();
    let input = source.to_vec();
    let writer = std::thread::spawn(move || match stdin.as_mut() {
        Some(s) => s.write_all(&input),
        None => Ok(()),
    });
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{} failed: {e}", dot.display()))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(format!(
            "{} exited with {}: {}",
            dot.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}

impl Command for Graph {
    fn run(&mut self, app: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure> {
        let out_dir = cx.globals.out.clone();
        let (json, quiet) = (cx.globals.json, cx.globals.quiet);
        let dot = find_dot(cx.env.path.as_deref());
        let app = app.get()?;
        let tree = app.freeze();
        let mut artifacts = DotBackend
            .emit(&tree)
            .map_err(|e| Failure::refused(format!("drawing the graph: {e}")))?;
        if let Some(dot) = &dot {
            let mut svgs = Vec::with_capacity(artifacts.len());
            for a in &artifacts {
                let svg = render(dot, &a.bytes).map_err(Failure::refused)?;
                svgs.push(Artifact {
                    file_name: format!(
                        "{}.svg",
                        a.file_name.strip_suffix(".dot").unwrap_or(&a.file_name)
                    ),
                    bytes: svg,
                });
            }
            artifacts.extend(svgs);
        }
        write_artifacts(&out_dir, &artifacts).map_err(|e| {
            Failure::refused(format!(
                "writing into {}: {e}; fix: check that the folder can be written",
                out_dir.display()
            ))
        })?;
        let files: Vec<String> = artifacts
            .iter()
            .map(|a| out_dir.join(&a.file_name).display().to_string())
            .collect();
        if json {
            json::print(
                cx.out,
                &Output {
                    command: "graph",
                    files,
                    svg: dot.is_some(),
                },
            )?;
            return Ok(Exit::Ok);
        }
        let mut s = String::new();
        for f in &files {
            let _ = writeln!(s, "{f}");
        }
        cx.out.write_all(s.as_bytes())?;
        if dot.is_none() && !quiet {
            writeln!(
                cx.err,
                "note: Graphviz's `dot` is not on the PATH, so only the DOT files were written; install Graphviz (e.g. `apt-get install graphviz`) for SVG, or render one with `dot -Tsvg {} -o picture.svg`",
                files.first().map_or("<Stack>.dot", String::as_str)
            )?;
        }
        Ok(Exit::Ok)
    }
}
