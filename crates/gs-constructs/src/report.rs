//! Diagnostics for tools and readers: SARIF 2.1.0 (what cfn-lint and checkov emit and code
//! scanning reads) and the rule catalog as Markdown (`docs/rules.md`).

use gs_core::{Diagnostic, Rule, Severity};
use serde::Serialize;

pub(crate) mod json_text;

use json_text::JsonText;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF 2.1.0 log, as typed data: fields serialize in declaration order whatever features
/// of serde_json another crate switches on.
#[derive(Clone, Debug, Serialize)]
pub struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Clone, Debug, Serialize)]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Clone, Debug, Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Text<'a>,
    default_configuration: Level,
}

#[derive(Clone, Debug, Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

#[derive(Clone, Debug, Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [SarifLocation<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    logical_locations: [SarifLogicalLocation<'a>; 1],
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Clone, Debug, Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

/// The findings as a SARIF 2.1.0 log. Each result's location is the construct path (a logical
/// location); the driver lists the rules the results reference (not the whole catalog: the
/// schema's `rules` are the descriptors "relevant to the analysis"), in catalog order, each with
/// its catalog text, and a result's `ruleIndex` points into that list; an acknowledged finding
/// carries its reason as a suppression.
///
/// ```
/// use gs_constructs::{passes, report};
/// use gs_core::Diagnostic;
/// let d = Diagnostic::error("backup/plan-without-rules", "TapStackdev/Backup/EfsBackupPlan", "no rules", "add one");
/// let log = serde_json::to_value(report::sarif(&[d], &passes::catalog())).unwrap();
/// assert_eq!(log["version"], "2.1.0");
/// assert_eq!(log["runs"][0]["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
///            "TapStackdev/Backup/EfsBackupPlan");
/// assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][0]["id"], "backup/plan-without-rules");
/// assert_eq!(log["runs"][0]["results"][0]["ruleIndex"], 0);
/// ```
pub fn sarif<'a>(diagnostics: &'a [Diagnostic], catalog: &'a [Rule]) -> Sarif<'a> {
    let text = |t: &'a str| Text { text: t.into() };
    // Each finding's rule in the catalog, then the rules some finding references, numbered in
    // catalog order.
    let in_catalog: Vec<Option<usize>> = diagnostics
        .iter()
        .map(|d| catalog.iter().position(|r| r.id == d.rule))
        .collect();
    let mut index_in_log: Vec<Option<usize>> = vec![None; catalog.len()];
    for i in in_catalog.iter().flatten() {
        if let Some(slot) = index_in_log.get_mut(*i) {
            *slot = Some(0);
        }
    }
    let mut rules = Vec::new();
    for (rule, slot) in catalog.iter().zip(&mut index_in_log) {
        if slot.is_some() {
            *slot = Some(rules.len());
            rules.push(SarifRule {
                id: rule.id,
                short_description: text(rule.what),
                full_description: text(rule.why),
                help: text(rule.fix),
                default_configuration: Level {
                    level: level(rule.severity),
                },
            });
        }
    }
    let results = diagnostics
        .iter()
        .zip(&in_catalog)
        .map(|(d, i)| SarifResult {
            rule_id: &d.rule,
            rule_index: i.and_then(|i| index_in_log.get(i).copied().flatten()),
            level: level(d.severity),
            message: Text {
                text: format!("{} (fix: {})", d.message, d.fix).into(),
            },
            locations: [SarifLocation {
                logical_locations: [SarifLogicalLocation {
                    fully_qualified_name: &d.path,
                    kind: "resource",
                }],
            }],
            suppressions: d
                .acknowledged
                .as_deref()
                .map(|reason| SarifSuppression {
                    kind: "inSource",
                    justification: reason,
                })
                .into_iter()
                .collect(),
        })
        .collect();
    Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "gs",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/gs-infra/gs/blob/main/docs/rules.md",
                    rules,
                },
            },
            results,
        }],
    }
}

/// [`sarif`] of `diagnostics` written as pretty JSON (two-space indent) into `out`, byte for
/// byte what `gs_cfn::pretty_json(&sarif(..), "  ")` writes, without building the log first.
/// `catalog` is the rule catalog in parts (as [`crate::passes::CATALOG`]), read in order as
/// one list.
///
/// ```
/// use gs_constructs::{passes, report};
/// use gs_core::Diagnostic;
/// let d = Diagnostic::error("backup/plan-without-rules", "Demo/Plan", "no rules", "add one");
/// let mut out = Vec::new();
/// report::write_sarif(&mut out, &[&d], passes::CATALOG);
/// let expected = gs_cfn::pretty_json(&report::sarif(&[d.clone()], &passes::catalog()), "  ")?;
/// assert_eq!(out, expected);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn write_sarif(out: &mut Vec<u8>, diagnostics: &[&Diagnostic], catalog: &[&[Rule]]) {
    let rules = || catalog.iter().flat_map(|part| part.iter());
    // Each finding's rule in the catalog, then the rules some finding references in catalog
    // order: a result's `ruleIndex` is its rule's place among them.
    let mut referenced: Vec<usize> = diagnostics
        .iter()
        .filter_map(|d| rules().position(|r| r.id == d.rule))
        .collect();
    referenced.sort_unstable();
    referenced.dedup();
    let mut j = JsonText::new(out);
    j.open(b'{');
    j.key("$schema");
    j.str("https://json.schemastore.org/sarif-2.1.0.json");
    j.key("version");
    j.str("2.1.0");
    j.key("runs");
    j.open(b'[');
    j.item();
    j.open(b'{');
    j.key("tool");
    j.open(b'{');
    j.key("driver");
    j.open(b'{');
    j.key("name");
    j.str("gs");
    j.key("version");
    j.str(env!("CARGO_PKG_VERSION"));
    j.key("informationUri");
    j.str("https://github.com/gs-infra/gs/blob/main/docs/rules.md");
    j.key("rules");
    j.open(b'[');
    let mut at = 0;
    for (i, rule) in rules().enumerate() {
        if referenced.get(at) != Some(&i) {
            continue;
        }
        at += 1;
        j.item();
        j.open(b'{');
        j.key("id");
        j.str(rule.id);
        for (key, text) in [
            ("shortDescription", rule.what),
            ("fullDescription", rule.why),
            ("help", rule.fix),
        ] {
            j.key(key);
            j.open(b'{');
            j.key("text");
            j.str(text);
            j.close(b'}');
        }
        j.key("defaultConfiguration");
        j.open(b'{');
        j.key("level");
        j.str(level(rule.severity));
        j.close(b'}');
        j.close(b'}');
    }
    j.close(b']');
    j.close(b'}');
    j.close(b'}');
    j.key("results");
    j.open(b'[');
    for d in diagnostics {
        j.item();
        j.open(b'{');
        j.key("ruleId");
        j.str(&d.rule);
        let index = rules()
            .position(|r| r.id == d.rule)
            .and_then(|i| referenced.binary_search(&i).ok());
        if let Some(index) = index {
            j.key("ruleIndex");
            j.uint(index as u64);
        }
        j.key("level");
        j.str(level(d.severity));
        j.key("message");
        j.open(b'{');
        j.key("text");
        j.str_parts(&[&d.message, " (fix: ", &d.fix, ")"]);
        j.close(b'}');
        j.key("locations");
        j.open(b'[');
        j.item();
        j.open(b'{');
        j.key("logicalLocations");
        j.open(b'[');
        j.item();
        j.open(b'{');
        j.key("fullyQualifiedName");
        j.str(&d.path);
        j.key("kind");
        j.str("resource");
        j.close(b'}');
        j.close(b']');
        j.close(b'}');
        j.close(b']');
        if let Some(reason) = d.acknowledged.as_deref() {
            j.key("suppressions");
            j.open(b'[');
            j.item();
            j.open(b'{');
            j.key("kind");
            j.str("inSource");
            j.key("justification");
            j.str(reason);
            j.close(b'}');
            j.close(b']');
        }
        j.close(b'}');
    }
    j.close(b']');
    j.close(b'}');
    j.close(b']');
    j.close(b'}');
}

/// The rule catalog as Markdown, one section per rule, in catalog order.
pub fn catalog_markdown(catalog: &[Rule]) -> String {
    let mut out = String::from(
        "# Rule catalog\n\n\
         Every rule gs applies at synthesis. Generated from the code by\n\
         `GS_BLESS=1 cargo test -p gs-constructs --test catalog`; a test fails when the two differ.\n\
         An error fails synthesis unless acknowledged on the construct (or above it) with a reason:\n\
         `app.acknowledge(node, &rules::AREA_WHAT, \"why\")`, where the constant is the rule id\n\
         upper-cased with `/` and `-` as `_`; the reason is written into the resource's\n\
         `Metadata.\"gs:acknowledged\"`. Acknowledging a rule whose resource types (\"Checks\") are\n\
         not at or below the construct is `core/invalid-acknowledgement`.\n",
    );
    for r in catalog {
        out.push_str(&format!(
            "\n## `{}` ({})\n\n- **What:** {}\n- **Why:** {}\n- **Fix:** {}\n",
            r.id,
            r.severity.as_str(),
            r.what,
            r.why,
            r.fix
        ));
        if !r.applies_to.is_empty() {
            out.push_str(&format!("- **Checks:** {}\n", r.applies_to.join(", ")));
        }
        if !r.acknowledgeable {
            out.push_str("- **Cannot be acknowledged.**\n");
        }
    }
    out
}
