//! Synthesizes the GlobalStream DR stacks into `cdk.out/` (or the folder given as the first
//! argument): one template per stack, the cloud-assembly manifest, `<Stack>.sarif` with every
//! finding, `<Stack>.dr.json` with the DR report and `<Stack>.dot`, a Graphviz picture of the
//! constructs and their dependencies. Prints a summary; exits non-zero when synthesis is
//! refused.
//!
//! `ENVIRONMENT_SUFFIX` (default `dev`), `AWS_REGION` (default `us-east-1`), `DR_REGION`
//! (default `us-west-2`).

mod stack;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use gs_constructs::cfn::pretty_json;
use gs_constructs::core::{write_artifacts, Artifact, Backend, DotBackend, NodeKind};
use gs_constructs::dr::DrReport;
use gs_constructs::prelude::*;
use gs_constructs::{passes, report};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let config = stack::Config::from_env(|k| std::env::var(k).ok())?;
    let out_dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("cdk.out"), PathBuf::from);
    let built = stack::build(&config)?;
    let app = &built.app;
    let stacks: Vec<String> = app
        .stacks()
        .iter()
        .map(|s| app.node(*s).map(|n| n.id().to_string()))
        .collect::<Result<_, _>>()?;
    let catalog = passes::catalog();

    // One frozen tree for the synthesis, the reports, the picture and the summary.
    let backend = CfnBackend::default();
    let tree = app.freeze_for(&backend);
    // Writes the templates and manifest on success; on a refusal removes last run's, so they are
    // never read beside this run's SARIF as if current.
    let result = tree.synth_to(&backend, &out_dir);
    let diagnostics = match &result {
        Ok(out) => out.diagnostics.clone(),
        Err(SynthError::Invalid { report }) => report.0.clone(),
        Err(e) => return Err(e.to_string().into()),
    };
    // The reports are written whatever the verdict; templates only when synthesis succeeds.
    let dr = DrReport::of_tree(&tree);
    let mut reports = Vec::new();
    for name in &stacks {
        let mine: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.path == *name || d.path.starts_with(&format!("{name}/")))
            .cloned()
            .collect();
        reports.push(Artifact {
            file_name: format!("{name}.sarif"),
            bytes: pretty_json(&report::sarif(&mine, &catalog), "  ")?,
        });
        if dr.for_stack(name).next().is_some() {
            reports.push(Artifact {
                file_name: format!("{name}.dr.json"),
                bytes: pretty_json(&dr.to_json(name), "  ")?,
            });
        }
    }
    // What is printed is gathered first and written at once (one write per stream, not one per
    // line): findings to stderr, then the summary to stdout.
    let mut findings = String::new();
    for d in &diagnostics {
        writeln!(findings, "{d}\n")?;
    }
    let out = match result {
        Ok(out) => out,
        Err(_) => {
            write_artifacts(&out_dir, &reports)?;
            let errors = diagnostics.iter().filter(|d| d.is_blocking()).count();
            writeln!(
                findings,
                "synthesis refused: {errors} error(s); nothing was written but the reports in {} (last run's templates removed)",
                out_dir.display()
            )?;
            eprint!("{findings}");
            return Ok(ExitCode::FAILURE);
        }
    };
    // The same tree through a second backend: a Graphviz picture per stack. Synthesis above ran
    // every pass (the DOT backend adds none) and refused nothing, so the tree is emitted as is.
    reports.extend(DotBackend.emit(&tree)?);
    write_artifacts(&out_dir, &reports)?;
    eprint!("{findings}");

    let mut summary = String::new();
    for (stack, name) in tree.stacks().iter().zip(&stacks) {
        let Some(artifact) = out.artifact(&gs_constructs::cfn::template_file_name(name)) else {
            continue;
        };
        // The template's `Resources`: the stack's resources with a logical ID (synthesis refused
        // any without), counted per type from the tree rather than by reading the JSON back.
        let mut per_type: BTreeMap<&str, usize> = BTreeMap::new();
        for &e in tree.elements(*stack) {
            if let (NodeKind::Resource(r), Some(_)) = (tree.node(e).kind(), tree.logical_id(e)) {
                *per_type.entry(&r.type_name).or_default() += 1;
            }
        }
        let total: usize = per_type.values().sum();
        writeln!(
            summary,
            "{name}: {total} resources -> {}",
            out_dir.join(&artifact.file_name).display()
        )?;
        for (t, n) in &per_type {
            writeln!(summary, "  {n:>3}  {t}")?;
        }
        if dr.for_stack(name).next().is_some() {
            writeln!(
                summary,
                "\nDR report for {name} (also {}):",
                out_dir.join(format!("{name}.dr.json")).display()
            )?;
            summary.push_str(&dr.table(name));
        }
        summary.push('\n');
    }
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let acknowledged = diagnostics
        .iter()
        .filter(|d| d.acknowledged.is_some())
        .count();
    writeln!(
        summary,
        "{warnings} warning(s), {acknowledged} acknowledged finding(s); SARIF in {}/<Stack>.sarif",
        out_dir.display()
    )?;
    print!("{summary}");
    // The process ends here: the OS takes back the memory of the app, the tree, the reports
    // and the synthesis at once, faster than freeing them value by value (as compilers do with
    // their arenas).
    std::mem::forget((out, reports, dr, diagnostics));
    std::mem::forget(tree);
    std::mem::forget(built);
    Ok(ExitCode::SUCCESS)
}
