//! `ls`: the stacks, with their Regions and the stacks each is deployed after.

use std::fmt::Write as _;

use gs_core::{NodeId, NodeKind, StackDependencyCause, Tree};
use serde::Serialize;

use super::json;
use super::{AppSlot, Command, Context, Exit, Failure, Info};

pub(super) const INFO: Info = Info {
    name: "ls",
    operands: "",
    about: "list the stacks with their Regions and dependencies",
    options: &[],
    new: || Box::new(Ls),
};

struct Ls;

#[derive(Serialize)]
struct Output<'a> {
    command: &'static str,
    stacks: Vec<StackJson<'a>>,
}

#[derive(Serialize)]
struct StackJson<'a> {
    name: &'a str,
    region: Option<&'a str>,
    account: Option<&'a str>,
    depends_on: Vec<&'a str>,
}

/// A stack's Region and account, as the app sets them.
pub(super) fn environment<'a>(
    tree: &Tree<'a>,
    stack: NodeId,
) -> (Option<&'a str>, Option<&'a str>) {
    match tree.node(stack).kind() {
        NodeKind::Stack(s) => (s.region.as_deref(), s.account.as_deref()),
        _ => (None, None),
    }
}

/// The names of the stacks `stack` is deployed after.
pub(super) fn depends_on<'a>(tree: &Tree<'a>, stack: NodeId) -> Vec<&'a str> {
    tree.stack_dependencies(stack)
        .iter()
        .map(|s| tree.node(*s).id())
        .collect()
}

impl Command for Ls {
    fn run(&mut self, app: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure> {
        let json = cx.globals.json;
        let quiet = cx.globals.quiet;
        let app = app.get()?;
        let tree = app.freeze();
        let mut s = String::new();
        let mut stacks = Vec::new();
        for &stack in tree.stacks() {
            let name = tree.node(stack).id();
            let (region, account) = environment(&tree, stack);
            let deps = depends_on(&tree, stack);
            if json {
                stacks.push(StackJson {
                    name,
                    region,
                    account,
                    depends_on: deps,
                });
                continue;
            }
            let _ = write!(s, "{name}");
            let _ = write!(s, "  {}", region.unwrap_or("(environment's Region)"));
            if let Some(account) = account {
                let _ = write!(s, "  account {account}");
            }
            s.push('\n');
            for &on in tree.stack_dependencies(stack) {
                let _ = write!(s, "  depends on {}", tree.node(on).id());
                if !quiet {
                    match tree.stack_dependency_cause(stack, on) {
                        Some(StackDependencyCause::Explicit { from, reason, .. }) => {
                            if from == stack {
                                let _ = write!(s, ": {reason}");
                            } else {
                                let _ = write!(s, ": {} ({reason})", tree.path(from));
                            }
                        }
                        Some(StackDependencyCause::Reference { from, to }) => {
                            let _ = write!(s, ": {} reads {}", tree.path(from), tree.path(to));
                        }
                        None => {}
                    }
                }
                s.push('\n');
            }
        }
        if json {
            json::print(
                cx.out,
                &Output {
                    command: "ls",
                    stacks,
                },
            )?;
        } else {
            cx.out.write_all(s.as_bytes())?;
        }
        Ok(Exit::Ok)
    }
}
