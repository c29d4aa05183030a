//! `synth` (the default): the cloud assembly, SARIF, the DR report and the construct graph
//! into the output folder; the findings on stderr; a line per stack on stdout.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use gs_cfn::template_file_name;
use gs_core::{
    Backend, Diagnostic, DotBackend, EmitError, NodeKind, OutDir, Severity, Sink, SynthError, Tree,
};
use serde::Serialize;

use super::json::{self, Finding};
use super::{color, ls, AppSlot, Command, Context, Exit, Failure, Info};
use crate::dr::DrReport;
use crate::{passes, report, CfnBackend};

pub(super) const INFO: Info = Info {
    name: "synth",
    operands: "",
    about: "write the cloud assembly into the output folder (the default)",
    options: &[],
    new: || Box::new(Synth),
};

struct Synth;

#[derive(Serialize)]
struct Output<'a> {
    command: &'static str,
    status: &'static str,
    out: String,
    time_ms: f64,
    findings: Vec<Finding<'a>>,
    stacks: Vec<StackJson<'a>>,
    errors: usize,
    warnings: usize,
    acknowledged: usize,
}

#[derive(Serialize)]
struct StackJson<'a> {
    name: &'a str,
    region: Option<&'a str>,
    template: Option<String>,
    resources: usize,
    resource_types: BTreeMap<&'a str, usize>,
    errors: usize,
    warnings: usize,
    depends_on: Vec<&'a str>,
}

/// Whether `path` is `stack` or below it.
fn in_stack(path: &str, stack: &str) -> bool {
    path.strip_prefix(stack)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The resources of `stack` with a logical ID (those its template holds), per type, counted
/// from the tree rather than by reading the JSON back.
fn resource_types<'a>(tree: &Tree<'a>, stack: gs_core::NodeId) -> BTreeMap<&'a str, usize> {
    let mut per_type = BTreeMap::new();
    for &e in tree.elements(stack) {
        if let (NodeKind::Resource(r), Some(_)) = (tree.node(e).kind(), tree.logical_id(e)) {
            *per_type.entry(&*r.type_name).or_default() += 1;
        }
    }
    per_type
}

/// How many resources `stack` writes: the sum of [`resource_types`], without the map.
fn resource_count(tree: &Tree<'_>, stack: gs_core::NodeId) -> usize {
    tree.elements(stack)
        .iter()
        .filter(|&&e| tree.node(e).as_resource().is_some() && tree.logical_id(e).is_some())
        .count()
}

/// Per stack: `<Stack>.sarif` with its findings, and `<Stack>.dr.json` when it has DR rows,
/// each written into `out` as soon as it is made.
fn reports(
    stacks: &[&str],
    diagnostics: &[Diagnostic],
    dr: &DrReport,
    out: &mut OutDir,
    dir: &Path,
) -> Result<(), Failure> {
    let mut bytes = Vec::new();
    for name in stacks {
        let mine: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| in_stack(&d.path, name))
            .collect();
        bytes.clear();
        report::write_sarif(&mut bytes, &mine, passes::CATALOG);
        out.file(&format!("{name}.sarif"), &bytes)
            .map_err(|e| write_failure(dir, e))?;
        if dr.for_stack(name).next().is_some() {
            bytes.clear();
            dr.write_json(name, &mut bytes);
            out.file(&format!("{name}.dr.json"), &bytes)
                .map_err(|e| write_failure(dir, e))?;
        }
    }
    Ok(())
}

/// Whether `file_name` is one of the files `synth` writes beside the assembly: a stack's SARIF
/// findings, DR report or picture.
fn is_report_file(file_name: &str) -> bool {
    [".sarif", ".dr.json", ".dot"].iter().any(|suffix| {
        file_name
            .strip_suffix(suffix)
            .is_some_and(|s| !s.is_empty())
    })
}

fn write_failure(dir: &Path, e: std::io::Error) -> Failure {
    if dir.exists() && !dir.is_dir() {
        return Failure::refused(format!(
            "writing into {}: it is a file, not a folder; fix: give --out a folder (it is created if missing)",
            dir.display()
        ));
    }
    Failure::refused(format!(
        "writing into {}: {e}; fix: check that the folder can be written",
        dir.display()
    ))
}

impl Command for Synth {
    fn run(&mut self, app: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure> {
        let out_dir = cx.globals.out.clone();
        let (json, quiet) = (cx.globals.json, cx.globals.quiet);
        let app = app.get()?;
        let start = Instant::now();
        // One frozen tree for the synthesis, the reports, the picture and the summary.
        let backend = CfnBackend::default();
        let tree = app.freeze_for(&backend);
        let stacks: Vec<&str> = tree.stacks().iter().map(|s| tree.node(*s).id()).collect();
        // One output folder, read once, for the assembly, the reports and the pictures; each
        // file is written as soon as it is made, and dropped. On a refusal last run's assembly
        // is removed, so it is never read beside this run's SARIF as if current.
        let mut out = OutDir::open(&out_dir).map_err(|e| write_failure(&out_dir, e))?;
        let (diagnostics, refused) = match tree.synth_in(&backend, &mut out) {
            Ok(diagnostics) => (diagnostics, false),
            Err(SynthError::Invalid { report }) => (report.0, true),
            Err(e) => return Err(Failure::refused(e)),
        };
        // The reports are written whatever the verdict; templates and pictures only when
        // synthesis succeeds. `manifest.json` is written last ([`OutDir::finish`]): a write
        // failing before leaves no assembly, so a consumer that finds the manifest knows
        // every file of this run is there.
        let dr = DrReport::of_tree(&tree);
        let written = reports(&stacks, &diagnostics, &dr, &mut out, &out_dir).and_then(|()| {
            if refused {
                // Last run's pictures would sit beside this run's findings as if current.
                for name in &stacks {
                    let _ = out.remove_file(&format!("{name}.dot"));
                }
            } else {
                // The same tree through a second backend: a Graphviz picture per stack.
                // Synthesis ran every pass (the DOT backend adds none) and refused nothing.
                DotBackend.emit_into(&tree, &mut out).map_err(|e| match e {
                    EmitError::Sink(e) => write_failure(&out_dir, e),
                    EmitError::Backend(e) => Failure::refused(format!("drawing the graph: {e}")),
                })?;
            }
            // Last run's reports and pictures of stacks this run wrote none for (a stack
            // removed, a stack whose DR rows are gone) would read as current.
            out.remove_stale(is_report_file)
                .map_err(|e| write_failure(&out_dir, e))?;
            Ok(())
        });
        if let Err(failure) = written {
            // Best effort: the failure at hand is the one to report.
            let _ = out.remove_assembly();
            return Err(failure);
        }
        out.finish().map_err(|e| write_failure(&out_dir, e))?;
        let elapsed = start.elapsed();

        let count = |f: &dyn Fn(&Diagnostic) -> bool| diagnostics.iter().filter(|d| f(d)).count();
        let errors = count(&Diagnostic::is_blocking);
        let warnings = count(&|d| d.severity == Severity::Warning);
        let acknowledged = count(&|d| d.acknowledged.is_some());
        let template_path = |name: &str| out_dir.join(template_file_name(name));

        if json {
            let stacks = tree
                .stacks()
                .iter()
                .zip(&stacks)
                .map(|(&stack, &name)| {
                    let resource_types = resource_types(&tree, stack);
                    let mine = |f: &dyn Fn(&Diagnostic) -> bool| {
                        diagnostics
                            .iter()
                            .filter(|d| in_stack(&d.path, name) && f(d))
                            .count()
                    };
                    StackJson {
                        name,
                        region: ls::environment(&tree, stack).0,
                        template: (!refused).then(|| template_path(name).display().to_string()),
                        resources: resource_types.values().sum(),
                        resource_types,
                        errors: mine(&Diagnostic::is_blocking),
                        warnings: mine(&|d| d.severity == Severity::Warning),
                        depends_on: ls::depends_on(&tree, stack),
                    }
                })
                .collect();
            json::print(
                cx.out,
                &Output {
                    command: "synth",
                    status: if refused { "refused" } else { "ok" },
                    out: out_dir.display().to_string(),
                    // A tenth of a millisecond: the clock says no more.
                    time_ms: (elapsed.as_secs_f64() * 10_000.0).round() / 10.0,
                    findings: diagnostics.iter().map(Finding::from).collect(),
                    stacks,
                    errors,
                    warnings,
                    acknowledged,
                },
            )?;
        } else {
            // Findings to stderr, then the summary to stdout, each in one write.
            let mut findings = String::new();
            for d in &diagnostics {
                if quiet && !d.is_blocking() {
                    continue;
                }
                color::diagnostic(&mut findings, d, cx.color);
                findings.push_str("\n\n");
            }
            if refused {
                let _ = writeln!(
                    findings,
                    "{}: synthesis refused: {errors} error(s); nothing was written but the reports in {} (last run's templates removed)",
                    cx.paint(color::ERROR, "error"),
                    out_dir.display()
                );
            }
            cx.err.write_all(findings.as_bytes())?;
            if !refused && !quiet {
                let summary = summary(&tree, &stacks, &diagnostics, &dr, &out_dir, elapsed);
                cx.out.write_all(summary.as_bytes())?;
            }
        }
        if cx.leak {
            // The process ends after this: the OS takes back the memory of the tree, the reports
            // and the synthesis at once, faster than freeing them value by value.
            std::mem::forget((dr, diagnostics, stacks));
            std::mem::forget(tree);
        }
        Ok(if refused { Exit::Refused } else { Exit::Ok })
    }
}

/// One line per stack (Region, resources, warnings, template), each stack's DR table, and a
/// last line with the totals and the time.
fn summary(
    tree: &Tree<'_>,
    stacks: &[&str],
    diagnostics: &[Diagnostic],
    dr: &DrReport,
    out_dir: &Path,
    elapsed: std::time::Duration,
) -> String {
    let mut s = String::new();
    let width = stacks.iter().map(|n| n.len()).max().unwrap_or(0);
    for (&stack, &name) in tree.stacks().iter().zip(stacks) {
        let resources = resource_count(tree, stack);
        let warnings = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning && in_stack(&d.path, name))
            .count();
        let region = ls::environment(tree, stack).0.unwrap_or("-");
        let _ = writeln!(
            s,
            "{name:<width$}  {region:<14} {resources:>4} resource(s), {warnings} warning(s) -> {}",
            out_dir.join(template_file_name(name)).display()
        );
    }
    for name in stacks {
        if dr.for_stack(name).next().is_some() {
            let _ = writeln!(
                s,
                "\nDR report for {name} (also {}):",
                out_dir.join(format!("{name}.dr.json")).display()
            );
            dr.table_into(name, &mut s);
        }
    }
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let acknowledged = diagnostics
        .iter()
        .filter(|d| d.acknowledged.is_some())
        .count();
    let _ = writeln!(
        s,
        "\nsynthesized {} stack(s) in {:.1} ms: {warnings} warning(s), {acknowledged} acknowledged finding(s); SARIF in {}/<Stack>.sarif",
        stacks.len(),
        elapsed.as_secs_f64() * 1000.0,
        out_dir.display()
    );
    s
}
