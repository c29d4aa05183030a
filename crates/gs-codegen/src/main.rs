//! `cargo run -p gs-codegen`: regenerates `crates/gs-l1` from the vendored specification in
//! `spec/`. `cargo run -p gs-codegen -- --check` generates in memory and fails if a file on disk
//! differs (CI runs it).

mod l1;
mod output;
mod schema_data;
mod spec;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("gs-codegen: unknown argument `{other}`; usage: gs-codegen [--check]");
            return ExitCode::from(2);
        }
    };
    match run(check) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gs-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(check: bool) -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = spec::Spec::load(&root.join("spec/aws-service-spec/db.json.gz"))?;
    let mut out = output::Output::default();
    l1::generate(&spec, &mut out)?;
    schema_data::generate(&spec, &root, &mut out)?;
    let (files, lines) = out.summary();
    if check {
        let stale = out.stale(&root);
        if !stale.is_empty() {
            let list: Vec<String> = stale.iter().map(|p| p.display().to_string()).collect();
            return Err(format!(
                "generated code is out of date: {}; fix: run `cargo run -p gs-codegen` and commit the result",
                list.join(", ")
            ));
        }
        println!("gs-codegen: {files} generated files are current");
    } else {
        out.write(&root)?;
        println!(
            "gs-codegen: {} resource types, {} nested types (aws-service-spec {}): {files} files, {lines} lines",
            spec.resources.len(),
            spec.type_defs.len(),
            spec::SERVICE_SPEC_VERSION
        );
    }
    Ok(())
}
