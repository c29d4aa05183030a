//! `rules`: the catalog, one line per rule.

use serde::Serialize;

use super::json::{self, RuleJson};
use super::{color, AppSlot, Command, Context, Exit, Failure, Info};
use crate::rules::EXPORTED;

pub(super) const INFO: Info = Info {
    name: "rules",
    operands: "",
    about: "list every rule of the catalog",
    options: &[],
    new: || Box::new(Rules),
};

struct Rules;

#[derive(Serialize)]
struct Output {
    command: &'static str,
    rules: Vec<RuleJson>,
}

impl Command for Rules {
    fn run(&mut self, _: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure> {
        if cx.globals.json {
            json::print(
                cx.out,
                &Output {
                    command: "rules",
                    rules: EXPORTED.iter().map(RuleJson::from).collect(),
                },
            )?;
            return Ok(Exit::Ok);
        }
        let width = EXPORTED.iter().map(|r| r.id.len()).max().unwrap_or(0);
        let mut s = String::new();
        for r in EXPORTED {
            let style = color::severity(r.severity);
            let severity = format!("{:<7}", r.severity.as_str());
            s.push_str(&format!(
                "{:<width$}  {}  {}\n",
                r.id,
                cx.paint(style, &severity),
                r.what
            ));
        }
        if !cx.globals.quiet {
            s.push_str(&format!(
                "\n{} rules; `explain RULE` shows one in full (why it matters, how to fix it)\n",
                EXPORTED.len()
            ));
        }
        cx.out.write_all(s.as_bytes())?;
        Ok(Exit::Ok)
    }
}
