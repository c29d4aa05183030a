//! `diff`: what deploying this synthesis over an earlier one would do, offline
//! ([`crate::diff`]): resources added, removed, changed, replaced, and the data a replacement or
//! removal loses.
//!
//! The earlier side is `--against` (an assembly folder or one template file), by default the
//! output folder (`cdk.out`). It is read first, and `diff` writes nothing: the new synthesis
//! stays in memory, so the earlier side on disk is what the next `diff` compares with too (`cdk
//! diff` also writes `cdk.out`, but its earlier side is the deployed stack; here it is the
//! folder). Run `synth` to make the new synthesis the earlier side.
//!
//! Only the diff is printed: the findings of a synthesis that succeeds are `synth`'s to print
//! (they are the same whatever the earlier side); those of a refused one are printed, and it
//! exits 1 as `synth` does.

use std::ffi::OsString;
use std::path::PathBuf;

use gs_core::{Diagnostic, SynthError};

use super::{color, AppSlot, Arg, Command, Context, Exit, Failure, Info, Usage};
use crate::diff::{self, Assembly, Earlier};
use crate::CfnBackend;

pub(super) const INFO: Info = Info {
    name: "diff",
    operands: "",
    about: "compare the synthesis with an earlier assembly or template, offline (writes nothing)",
    options: &[
        (
            "--against PATH",
            "the earlier assembly folder or template file (default: the --out folder)",
        ),
        (
            "--stack NAME",
            "only this stack (needed with a template file when the app has several)",
        ),
        ("--fail", "exit 1 when anything differs"),
    ],
    new: || Box::new(Diff::default()),
};

#[derive(Default)]
struct Diff {
    against: Option<PathBuf>,
    stack: Option<String>,
    fail: bool,
}

fn utf8(option: &str, v: OsString) -> Result<String, Usage> {
    v.into_string().map_err(|v| {
        Usage(format!(
            "the value of `{option}` is not valid UTF-8: `{}`",
            v.to_string_lossy()
        ))
    })
}

impl Command for Diff {
    fn arg(&mut self, arg: Arg, parser: &mut lexopt::Parser) -> Result<(), Usage> {
        match arg {
            Arg::Long(l) if l == "against" => {
                let v = parser.value()?;
                if v.is_empty() {
                    return Err(Usage(
                        "`--against` needs an assembly folder or a template file, not an empty value"
                            .into(),
                    ));
                }
                if self.against.replace(PathBuf::from(v)).is_some() {
                    return Err(Usage("`--against` is given twice; give it once".into()));
                }
                Ok(())
            }
            Arg::Long(l) if l == "stack" => {
                let v = utf8("--stack", parser.value()?)?;
                if v.is_empty() {
                    return Err(Usage(
                        "`--stack` needs a stack name, not an empty value (`ls` lists them)".into(),
                    ));
                }
                if self.stack.replace(v).is_some() {
                    return Err(Usage("`--stack` is given twice; give it once".into()));
                }
                Ok(())
            }
            Arg::Long(l) if l == "fail" => {
                self.fail = true;
                Ok(())
            }
            other => Err(other.unexpected()),
        }
    }

    fn run(&mut self, app: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure> {
        // The earlier side first: before the app is built, and nothing here writes it.
        let against = self
            .against
            .clone()
            .unwrap_or_else(|| cx.globals.out.clone());
        let earlier = Earlier::read(&against).map_err(Failure::usage)?;

        let app = app.get()?;
        // `App::synth` freezes the tree as the backend needs it, as `synth` does.
        let synthesis = match app.synth(&CfnBackend::default()) {
            Ok(s) => s,
            Err(SynthError::Invalid { report }) => {
                let mut s = String::new();
                let blocking: Vec<&Diagnostic> =
                    report.0.iter().filter(|d| d.is_blocking()).collect();
                for d in &blocking {
                    color::diagnostic(&mut s, d, cx.color);
                    s.push_str("\n\n");
                }
                cx.err.write_all(s.as_bytes())?;
                return Err(Failure::refused(format!(
                    "synthesis refused: {} error(s); nothing was compared (`synth` writes them as SARIF)",
                    blocking.len()
                )));
            }
            Err(e) => return Err(Failure::refused(e)),
        };
        let new = Assembly::from_artifacts(&synthesis.artifacts)
            .map_err(|e| Failure::refused(format!("reading this synthesis back: {e}")))?;
        let d = earlier
            .diff(&new, self.stack.as_deref(), &diff::Spec)
            .map_err(Failure::usage)?;

        if cx.globals.json {
            super::json::print(cx.out, &diff::render::json(&d))?;
        } else {
            cx.out
                .write_all(diff::render::text(&d, cx.color).as_bytes())?;
        }
        let exit = if d.exit_code(self.fail) == 0 {
            Exit::Ok
        } else {
            Exit::Refused
        };
        if cx.leak {
            // The process ends after this: the OS takes the memory back at once.
            std::mem::forget((earlier, synthesis, new, d));
        }
        Ok(exit)
    }
}
