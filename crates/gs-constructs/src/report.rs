//! Diagnostics for tools and readers: SARIF 2.1.0 (what cfn-lint and checkov emit and code
//! scanning reads) and the rule catalog as Markdown (`docs/rules.md`).

use gs_core::{Diagnostic, Rule, Severity};
use serde_json::{json, Value as Json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The findings as a SARIF 2.1.0 log. Each result's location is the construct path (a logical
/// location); each rule carries its catalog text; an acknowledged finding carries its reason as
/// a suppression.
///
/// ```
/// use gs_constructs::{passes, report};
/// use gs_core::Diagnostic;
/// let d = Diagnostic::error("backup/plan-without-rules", "TapStackdev/Backup/EfsBackupPlan", "no rules", "add one");
/// let log = report::sarif(&[d], &passes::catalog());
/// assert_eq!(log["version"], "2.1.0");
/// assert_eq!(log["runs"][0]["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
///            "TapStackdev/Backup/EfsBackupPlan");
/// ```
pub fn sarif(diagnostics: &[Diagnostic], catalog: &[Rule]) -> Json {
    let rules: Vec<Json> = catalog
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.what},
                "fullDescription": {"text": r.why},
                "help": {"text": r.fix},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Json> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": {"text": format!("{} (fix: {})", d.message, d.fix)},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": d.path, "kind": "resource"}]}],
            });
            if let Some(i) = catalog.iter().position(|r| r.id == d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(reason) = &d.acknowledged {
                result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gs",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gs-infra/gs/blob/main/docs/rules.md",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// The rule catalog as Markdown, one section per rule, in catalog order.
pub fn catalog_markdown(catalog: &[Rule]) -> String {
    let mut out = String::from(
        "# Rule catalog\n\n\
         Every rule gs applies at synthesis. Generated from the code by\n\
         `GS_BLESS=1 cargo test -p gs-constructs --test catalog`; a test fails when the two differ.\n\
         An error fails synthesis unless acknowledged on the construct (or above it) with a reason:\n\
         `app.acknowledge(node, \"rule/id\", \"why\")`; the reason is written into the resource's\n\
         `Metadata.\"gs:acknowledged\"`.\n",
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
    }
    out
}
