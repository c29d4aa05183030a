//! `explain RULE`: one rule of the catalog in full.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::{self, RuleJson};
use super::{color, AppSlot, Arg, Command, Context, Exit, Failure, Info, Usage};
use crate::rules;

pub(super) const INFO: Info = Info {
    name: "explain",
    operands: "RULE",
    about: "one rule in full: what it finds, why it matters, how to fix it",
    options: &[],
    new: || Box::new(Explain { rule: None }),
};

struct Explain {
    rule: Option<String>,
}

#[derive(Serialize)]
struct Output {
    command: &'static str,
    rule: RuleJson,
}

impl Command for Explain {
    fn arg(&mut self, arg: Arg, _: &mut lexopt::Parser) -> Result<(), Usage> {
        match arg {
            Arg::Value(v) if self.rule.is_none() => {
                self.rule =
                    Some(v.into_string().map_err(|v| {
                        Usage(format!("`{}` is not valid UTF-8", v.to_string_lossy()))
                    })?);
                Ok(())
            }
            other => Err(other.unexpected()),
        }
    }

    fn finish(&mut self) -> Result<(), Usage> {
        if self.rule.is_none() {
            return Err(Usage(
                "`explain` needs a rule id, e.g. `explain dr/rpo-not-met` (`rules` lists them)"
                    .into(),
            ));
        }
        Ok(())
    }

    fn run(&mut self, _: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure> {
        let id = self.rule.as_deref().unwrap_or_default();
        let rule = rules::find(id).map_err(|e| {
            Failure::usage(match e.closest {
                Some(c) => format!("`{id}` is not a rule of gs (did you mean `{c}`?)"),
                None => format!("`{id}` is not a rule of gs; `rules` lists them"),
            })
        })?;
        if cx.globals.json {
            json::print(
                cx.out,
                &Output {
                    command: "explain",
                    rule: RuleJson::from(&rule),
                },
            )?;
            return Ok(Exit::Ok);
        }
        let style = color::severity(rule.severity);
        let head = format!("{}[{}]", rule.severity.as_str(), rule.id);
        let mut s = String::new();
        let _ = writeln!(s, "{}", cx.paint(style, &head));
        let _ = writeln!(s, "\nWhat: {}", rule.what);
        let _ = writeln!(s, "\nWhy: {}", rule.why);
        let _ = writeln!(s, "\nFix: {}", rule.fix);
        if !rule.applies_to.is_empty() {
            let _ = writeln!(s, "\nChecks: {}", rule.applies_to.join(", "));
        }
        let constant = rule.id.to_ascii_uppercase().replace(['/', '-'], "_");
        if rule.acknowledgeable {
            let _ = writeln!(
                s,
                "\nAcknowledge a finding on a construct, with the reason:\n    app.acknowledge(node, &rules::{constant}, \"why this is accepted\")?;"
            );
        } else {
            let _ = writeln!(
                s,
                "\nCannot be acknowledged: a finding of it always refuses synthesis."
            );
        }
        cx.out.write_all(s.as_bytes())?;
        Ok(Exit::Ok)
    }
}
