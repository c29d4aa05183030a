//! Why an assertion failed: the closest candidates and where each differs, rendered for a test
//! failure as CDK's assertions render theirs.

use std::fmt;

use gs_core::SynthError;
use serde_json::Value as Json;

/// One place where a value differs from its pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Where, as a JSON pointer into the candidate (`/Properties/Tags/0/Key`; empty for the
    /// candidate itself).
    pub path: String,
    /// What differs, e.g. `expected "Enabled" but received "Suspended"`.
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "at {path}: {}", self.message)
    }
}

/// A template entry that was tested and did not match.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Its logical ID (`(template)` for [`super::Template::template_matches`]).
    pub logical_id: String,
    /// Every mismatch, in the order the pattern was walked.
    pub mismatches: Vec<Mismatch>,
    /// How many of them count (notes such as "the closest element is 2" do not).
    pub cost: usize,
    /// The entry as the template has it.
    pub value: Json,
}

/// Which part of a template an assertion searched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    /// `Resources` of this type.
    Resources(String),
    /// `Outputs`, all of them (`*`) or the one with this logical ID.
    Outputs(String),
    /// `Parameters`, all of them (`*`) or the one with this logical ID.
    Parameters(String),
    /// The whole template.
    Template,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Section::Resources(t) => write!(f, "resource(s) of type {t}"),
            Section::Outputs(id) if id == "*" => write!(f, "output(s)"),
            Section::Outputs(id) => write!(f, "output(s) named {id}"),
            Section::Parameters(id) if id == "*" => write!(f, "parameter(s)"),
            Section::Parameters(id) => write!(f, "parameter(s) named {id}"),
            Section::Template => write!(f, "template"),
        }
    }
}

/// Why an assertion on a [`super::Template`] failed, or why the template could not be had.
///
/// Its `Display` is written for a test failure: what was searched, how many entries were, and
/// the closest candidate with every path where it differs and the candidate itself. `Debug`
/// prints the same text, because that is what a test shows when it returns the error or
/// `unwrap`s it (the fields are public for tests that look closer).
#[derive(Clone, PartialEq, thiserror::Error)]
pub enum AssertionError {
    /// [`super::Template::from_stack`]: synthesis was refused (every finding is in the error).
    #[error("{0}")]
    Refused(SynthError),
    /// The stack's template is not in the synthesis, or is not JSON.
    #[error("no template for stack {stack}: {reason}")]
    NoTemplate {
        /// The stack asked for.
        stack: String,
        /// Why, and how to fix it.
        reason: String,
    },
    /// [`super::Template::resource_count_is`] found another number.
    #[error(
        "expected {expected} resource(s) of type {type_name} but found {actual}{}",
        list(logical_ids)
    )]
    Count {
        /// The type counted.
        type_name: String,
        /// The count asked for.
        expected: usize,
        /// The count found.
        actual: usize,
        /// The logical IDs of the resources found.
        logical_ids: Vec<String>,
    },
    /// No entry of the section matched the pattern.
    #[error("{}", no_match(section, *analyzed, closest, present))]
    NoMatch {
        /// What was searched.
        section: Section,
        /// How many entries it holds.
        analyzed: usize,
        /// Up to three entries with the fewest mismatches, closest first (ties by logical ID).
        closest: Vec<Candidate>,
        /// When no resource has the type asked for: the types the template has.
        present: Vec<String>,
    },
}

impl fmt::Debug for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!(": {}", ids.join(", "))
    }
}

fn no_match(
    section: &Section,
    analyzed: usize,
    closest: &[Candidate],
    present: &[String],
) -> String {
    let mut out = match (section, analyzed) {
        (Section::Template, _) => "the template does not match the pattern".to_string(),
        (_, 0) => format!("the template has no {section}"),
        _ => format!("the template has {analyzed} {section}, but none matches the pattern"),
    };
    if !present.is_empty() {
        out.push_str(&format!("; the types it has: {}", present.join(", ")));
    }
    let Some(best) = closest.first() else {
        return out;
    };
    if *section != Section::Template {
        out.push_str(&format!(
            "\nthe closest is {} ({} mismatch{}):",
            best.logical_id,
            best.cost,
            if best.cost == 1 { "" } else { "es" }
        ));
    }
    for m in &best.mismatches {
        out.push_str(&format!("\n  {m}"));
    }
    if *section != Section::Template {
        let pretty = pretty(&best.value, 0);
        out.push_str(&format!(
            "\n{} is:\n  {}",
            best.logical_id,
            pretty.replace('\n', "\n  ")
        ));
    }
    if closest.len() > 1 {
        let rest: Vec<String> = closest[1..]
            .iter()
            .map(|c| format!("{} ({})", c.logical_id, c.cost))
            .collect();
        out.push_str(&format!("\nnext closest (mismatches): {}", rest.join(", ")));
    }
    out
}

/// Pretty JSON with 2-space indents, cut below 16 levels (a candidate is shown to be read).
fn pretty(v: &Json, depth: usize) -> String {
    let pad = "  ".repeat(depth + 1);
    let end = "  ".repeat(depth);
    match v {
        Json::Array(a) if !a.is_empty() && depth < 16 => {
            let items: Vec<String> = a.iter().map(|x| pretty(x, depth + 1)).collect();
            format!("[\n{pad}{}\n{end}]", items.join(&format!(",\n{pad}")))
        }
        Json::Object(m) if !m.is_empty() && depth < 16 => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{}: {}", Json::String(k.clone()), pretty(x, depth + 1)))
                .collect();
            format!("{{\n{pad}{}\n{end}}}", items.join(&format!(",\n{pad}")))
        }
        Json::Array(_) | Json::Object(_) => super::matcher::abridged(v),
        other => other.to_string(),
    }
}
