//! A [`Diff`] for people (text, optionally colored) and for tools (JSON).

use std::collections::HashMap;
use std::fmt::Write;

use serde_json::{json, Value as Json};

use super::tables::{show, IamRow, SecurityGroupRow};
use super::{Change, Diff, PropertyChange, Replacement, ResourceDiff, StackDiff};

/// The JSON output: a list of `{stack, logical_id, type, path, change, data_loss}`, one per
/// resource that differs, `change` one of `add`, `remove`, `update`, `replace`, `may-replace`.
pub fn json(diff: &Diff) -> Json {
    let mut out = Vec::new();
    for s in &diff.stacks {
        for r in &s.resources {
            out.push(json!({
                "stack": s.stack,
                "logical_id": r.logical_id,
                "type": r.type_name,
                "path": r.path,
                "change": r.change.as_str(),
                "data_loss": r.data_loss,
            }));
        }
    }
    Json::Array(out)
}

/// ANSI colors, or none.
struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

/// The text output: per stack, the resources that differ (`[+]` added, `[-]` removed, `[~]`
/// changed, with `replace`, `may be replaced` and `DATA LOSS` marks and each changed property),
/// the other sections that differ, the IAM and security-group tables, then a summary line.
pub fn text(diff: &Diff, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let mut counts = [0usize; 5];
    let mut lost = 0;
    for s in &diff.stacks {
        stack_text(&mut out, s, &p);
        for r in &s.resources {
            counts[r.change as usize] += 1;
            lost += usize::from(r.data_loss);
        }
    }
    let [add, remove, update, replace, may] = counts;
    if diff.is_empty() {
        out.push_str("no differences\n");
    } else {
        let _ = writeln!(
            out,
            "{add} to add, {update} to update, {replace} to replace, {may} may be replaced, {remove} to remove; {}",
            if lost == 0 {
                "no data loss".to_owned()
            } else {
                p.paint("1;31", &format!("{lost} lose data"))
            }
        );
    }
    out
}

fn stack_text(out: &mut String, s: &StackDiff, p: &Paint) {
    let _ = writeln!(out, "{}", p.paint("1", &format!("Stack {}", s.stack)));
    if !s.in_old {
        out.push_str("  new stack: not in the earlier synthesis, every resource is added\n");
    } else if !s.in_new {
        out.push_str(
            "  not in this synthesis: every resource is removed when the stack is destroyed\n",
        );
    }
    if s.is_empty() {
        out.push_str("  no differences\n\n");
        return;
    }
    // A resource whose logical ID changed while its construct path (below the stack) did not is
    // one construct removed and added again: CloudFormation replaces it.
    let below_stack = |path: &str| path.split_once('/').map_or("", |(_, rest)| rest).to_owned();
    let added: HashMap<String, &str> = s
        .resources
        .iter()
        .filter(|r| r.change == Change::Add && !r.path.is_empty())
        .map(|r| (below_stack(&r.path), r.logical_id.as_str()))
        .collect();
    if !s.resources.is_empty() {
        out.push_str("Resources\n");
    }
    for r in &s.resources {
        resource_text(out, r, p);
        if r.change == Change::Remove {
            if let Some(new_id) = added.get(&below_stack(&r.path)) {
                let _ = writeln!(
                    out,
                    "    the same construct is added as {new_id}: its logical ID changed, so CloudFormation replaces it"
                );
            }
        }
    }
    if !s.other.is_empty() {
        out.push_str("Other changes\n");
        for c in &s.other {
            property_text(out, c, p);
        }
    }
    if !s.changed_exports.is_empty() {
        out.push_str("Exports whose value changes\n");
        for e in &s.changed_exports {
            let _ = write!(out, "    {} (Outputs.{})", e.name, e.output);
            if e.importers.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(
                    out,
                    "{}",
                    p.paint(
                        "1;31",
                        &format!(
                            ": imported by {}; CloudFormation refuses to change an export while a stack imports it, so this deploy fails unless the importers stop importing it first",
                            e.importers.join(", ")
                        )
                    )
                );
            }
        }
    }
    if !s.iam.is_empty() {
        out.push_str("IAM statement changes\n");
        table(
            out,
            &[
                "",
                "holder",
                "effect",
                "action",
                "resource",
                "principal",
                "condition",
            ],
            s.iam.iter().map(|r: &IamRow| {
                vec![
                    r.sign.to_string(),
                    r.holder.clone(),
                    r.effect.clone(),
                    r.action.clone(),
                    r.resource.clone(),
                    r.principal.clone(),
                    r.condition.clone(),
                ]
            }),
        );
    }
    if !s.security_groups.is_empty() {
        out.push_str("Security group changes\n");
        table(
            out,
            &["", "group", "dir", "protocol", "peer"],
            s.security_groups.iter().map(|r: &SecurityGroupRow| {
                vec![
                    r.sign.to_string(),
                    r.group.clone(),
                    r.direction.to_owned(),
                    r.protocol.clone(),
                    r.peer.clone(),
                ]
            }),
        );
    }
    out.push('\n');
}

fn resource_text(out: &mut String, r: &ResourceDiff, p: &Paint) {
    let (tag, mark) = match r.change {
        Change::Add => (p.paint("32", "[+]"), String::new()),
        // As `cdk diff` says it: a retained resource leaves the stack but is kept.
        Change::Remove if r.retained => (p.paint("31", "[-]"), p.paint("33", " orphan")),
        Change::Remove => (p.paint("31", "[-]"), p.paint("1;31", " destroy")),
        Change::Update => ("[~]".to_owned(), String::new()),
        Change::Replace => ("[~]".to_owned(), p.paint("1;31", " replace")),
        Change::MayReplace => ("[~]".to_owned(), p.paint("33", " may be replaced")),
    };
    let loss = match (r.data_loss, r.change) {
        (false, _) => String::new(),
        (true, Change::MayReplace) => p.paint("1;31", " MAY LOSE DATA"),
        (true, _) => p.paint("1;31", " DATA LOSS"),
    };
    let path = if r.path.is_empty() {
        String::new()
    } else {
        format!(" ({})", r.path)
    };
    let _ = writeln!(
        out,
        "{tag} {} {}{path}{mark}{loss}",
        r.type_name, r.logical_id
    );
    if super::gains_condition(r) {
        let _ = writeln!(
            out,
            "    deleted{} if its condition is false at deploy time",
            if r.data_loss { " with its data" } else { "" }
        );
    }
    if !r.replaced_references.is_empty() {
        let _ = writeln!(
            out,
            "    refers to replaced {}: its Ref and attributes take new values",
            r.replaced_references.join(", ")
        );
    }
    if !r.changed_imports.is_empty() {
        let _ = writeln!(
            out,
            "    imports {}, whose value changes: another stack replaces what it exports",
            r.changed_imports.join(", ")
        );
    }
    for c in &r.properties {
        property_text(out, c, p);
    }
}

fn property_text(out: &mut String, c: &PropertyChange, p: &Paint) {
    let why = match c.replacement {
        Replacement::Always => p.paint("31", " (requires replacement)"),
        Replacement::Maybe => p.paint("33", " (may cause replacement)"),
        Replacement::Never => String::new(),
    };
    let value = |v: &Option<Json>| {
        v.as_ref()
            .map_or_else(|| "(absent)".to_owned(), |v| short(&show(v)))
    };
    if c.old == c.new {
        // Unchanged in the template; a referred resource is replaced, so its value changes.
        let _ = writeln!(
            out,
            "    ~ {}{why}: {} takes a new value",
            c.path,
            value(&c.new)
        );
        return;
    }
    let _ = writeln!(
        out,
        "    ~ {}{why}: {} -> {}",
        c.path,
        value(&c.old),
        value(&c.new)
    );
}

/// A value cut to 80 characters.
fn short(s: &str) -> String {
    if s.chars().count() <= 80 {
        return s.to_owned();
    }
    let mut cut: String = s.chars().take(77).collect();
    cut.push_str("...");
    cut
}

/// Rows as aligned columns, each cell cut to 60 characters.
fn table(out: &mut String, header: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let rows: Vec<Vec<String>> = rows
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    let c = c.replace('\n', " ");
                    if c.chars().count() > 60 {
                        let mut cut: String = c.chars().take(57).collect();
                        cut.push_str("...");
                        cut
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut String, cells: &[String]| {
        out.push_str("  ");
        let mut first = true;
        for (c, w) in cells.iter().zip(&widths) {
            if !first {
                out.push_str(" | ");
            }
            first = false;
            let _ = write!(out, "{c:<w$}");
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    let head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    line(out, &head);
    for r in &rows {
        line(out, r);
    }
}
