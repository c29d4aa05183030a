//! The SARIF log lists in `tool.driver.rules` only the rules its results reference (the SARIF
//! 2.1.0 schema: "An array of reportingDescriptor objects relevant to the analysis performed by
//! the tool component"), in catalog order, and each result's `ruleIndex` points at its `ruleId`
//! in that list.

use gs_constructs::{passes, report};
use gs_core::Diagnostic;

fn log(findings: &[Diagnostic]) -> serde_json::Value {
    serde_json::to_value(report::sarif(findings, &passes::catalog())).expect("SARIF as JSON")
}

#[test]
fn the_driver_lists_only_the_referenced_rules_in_catalog_order() {
    let catalog = passes::catalog();
    assert!(catalog.len() > 3);
    let (early, late) = (catalog[1].id, catalog[catalog.len() - 1].id);
    let findings = [
        Diagnostic::error(late, "Demo/A", "late", "fix it"),
        Diagnostic::error(early, "Demo/B", "early", "fix it"),
        Diagnostic::error(late, "Demo/C", "late again", "fix it"),
    ];
    let log = log(&findings);
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(rules, [early, late]);
    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index], result["ruleId"].as_str().expect("ruleId"));
    }
    let described = &run["tool"]["driver"]["rules"][0];
    assert_eq!(described["shortDescription"]["text"], catalog[1].what);
    assert_eq!(described["help"]["text"], catalog[1].fix);
}

#[test]
fn no_findings_list_no_rules_and_an_unknown_rule_has_no_index() {
    let log0 = log(&[]);
    assert_eq!(
        log0["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
    let log1 = log(&[Diagnostic::warning(
        "custom/not-in-catalog",
        "Demo/A",
        "m",
        "f",
    )]);
    let run = &log1["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"], serde_json::json!([]));
    assert_eq!(run["results"][0]["ruleId"], "custom/not-in-catalog");
    assert!(run["results"][0].get("ruleIndex").is_none());
}
