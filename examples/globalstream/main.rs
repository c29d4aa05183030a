//! The GlobalStream DR stacks as a gs command line (`gs_constructs::cli`): `synth` (the
//! default) writes into `cdk.out/` (or `--out DIR`) one template per stack, the cloud-assembly
//! manifest and `tree.json`, `<Stack>.sarif` with every finding, `<Stack>.dr.json` with the DR
//! report and `<Stack>.dot`, a Graphviz picture of the constructs and their dependencies; prints
//! the findings and a summary, and exits 1 when synthesis is refused. `diff` (what deploying
//! would add, replace and lose, against the `cdk.out/` on disk or `--against PATH`; writes
//! nothing), `ls`, `graph`, `rules` and `explain RULE` too; `--help` lists them.
//!
//! `ENVIRONMENT_SUFFIX` (default `dev`), `AWS_REGION` (default `us-east-1`), `DR_REGION`
//! (default `us-west-2`); an invalid one exits 2.

mod stack;

use std::process::ExitCode;

use gs_constructs::cli::{self, BadInput};

fn main() -> ExitCode {
    cli::run(|| -> Result<_, Box<dyn std::error::Error>> {
        let config = stack::Config::from_env(|k| std::env::var(k).ok()).map_err(BadInput)?;
        Ok(stack::build(&config)?.app)
    })
}
