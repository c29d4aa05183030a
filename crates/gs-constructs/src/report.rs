//! Diagnostics for tools and readers: SARIF 2.1.0 (what cfn-lint and checkov emit and code
//! scanning reads) and the rule catalog as Markdown (`docs/rules.md`).

use gs_core::{Diagnostic, Rule, Severity};
use serde::Serialize;

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
