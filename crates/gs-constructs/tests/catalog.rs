//! The rule catalog in docs/rules.md is the one in the code, and every rule id is well formed and
//! unique.

use std::collections::HashSet;

use gs_constructs::{passes, report};

#[test]
fn docs_rules_md_matches_the_catalog_in_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let expected = report::catalog_markdown(&passes::catalog());
    if std::env::var_os("GS_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md differs from the catalog in the code; run `GS_BLESS=1 cargo test -p gs-constructs --test catalog` and commit"
    );
}

#[test]
fn rule_ids_are_unique_and_read_area_slash_what() {
    let catalog = passes::catalog();
    let mut seen = HashSet::new();
    for r in &catalog {
        assert!(seen.insert(r.id), "{} twice", r.id);
        let (area, what) = r.id.split_once('/').unwrap();
        assert!(!area.is_empty() && !what.is_empty(), "{}", r.id);
        assert!(
            r.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '/' || c == '-'),
            "{}",
            r.id
        );
        assert!(
            !r.what.is_empty() && !r.why.is_empty() && !r.fix.is_empty(),
            "{}",
            r.id
        );
    }
}

#[test]
fn every_finding_of_a_refused_app_names_a_catalog_rule() {
    use gs_constructs::prelude::*;
    let mut app = App::new();
    let stack = app.stack("Cat", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    s.resource::<gs_core::RawResource>("Files", Resource::new("AWS::EFS::FileSystem"))
        .unwrap();
    let findings = app.validate(&CfnBackend::default());
    assert!(!findings.is_empty());
    let ids: HashSet<&str> = passes::catalog().iter().map(|r| r.id).collect();
    for f in &findings {
        assert!(
            ids.contains(f.rule.as_str()),
            "{} is not in the catalog",
            f.rule
        );
    }
    let log = serde_json::to_value(report::sarif(&findings, &passes::catalog())).unwrap();
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        findings.len()
    );
}

#[test]
fn every_rule_in_the_catalog_is_named_by_a_test() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut text = String::new();
    for krate in ["gs-core", "gs-cfn", "gs-constructs"] {
        let dir = root.join("crates").join(krate).join("tests");
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(entry.path()).unwrap());
            }
        }
    }
    let untested: Vec<&str> = passes::catalog()
        .iter()
        .map(|r| r.id)
        .filter(|id| !text.contains(&format!("\"{id}\"")))
        .collect();
    assert!(untested.is_empty(), "rules no test names: {untested:?}");
}

#[test]
fn every_rule_defined_in_the_source_is_in_the_catalog() {
    // A `Rule` constant left out of its module's RULES list would be applied but never
    // documented or listed in SARIF: find every `id: "area/what"` in the library sources.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut defined = Vec::new();
    let mut dirs = vec![root.join("crates")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("tests") && !path.ends_with("target") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for line in text.lines() {
                    let line = line.trim();
                    if let Some(rest) = line.strip_prefix("id: \"") {
                        if let Some(id) = rest.strip_suffix("\",") {
                            if id.contains('/') && !line.starts_with("//") {
                                defined.push(id.to_string());
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(defined.len() >= 30, "found only {defined:?}");
    let catalog: HashSet<&str> = passes::catalog().iter().map(|r| r.id).collect();
    let missing: Vec<&String> = defined
        .iter()
        .filter(|id| !catalog.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "rules defined but not in the catalog: {missing:?}"
    );
}

#[test]
fn every_rule_of_the_catalog_is_a_constant_of_rules_named_after_its_id() {
    let exported: Vec<&str> = gs_constructs::rules::EXPORTED
        .iter()
        .map(|r| r.id)
        .collect();
    let catalog: Vec<&str> = passes::catalog().iter().map(|r| r.id).collect();
    let mut a = exported.clone();
    let mut b = catalog.clone();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "rules.rs and the catalog differ");
    for id in catalog {
        assert_eq!(gs_constructs::rules::find(id).map(|r| r.id), Ok(id));
    }
}

#[test]
fn the_backend_runs_every_pass_whose_rules_are_in_the_catalog() {
    use gs_constructs::core::Backend;
    use gs_constructs::prelude::*;
    let catalog: HashSet<&str> = passes::catalog().iter().map(|r| r.id).collect();
    let mut run: HashSet<&str> = gs_core::passes::CORE
        .iter()
        .chain(CfnBackend::default().passes())
        .flat_map(|p| p.rules.iter().map(|r| r.id))
        .collect();
    // Checked by synthesis itself: values before the passes, acknowledgements after them.
    run.insert("core/invalid-value");
    run.insert("core/invalid-acknowledgement");
    assert_eq!(run, catalog);
}

#[test]
fn an_unknown_rule_id_names_the_closest_one() {
    let err = gs_constructs::rules::find("dr/stateful-destory").unwrap_err();
    assert_eq!(err.closest, Some("dr/stateful-destroy"));
    assert!(err
        .to_string()
        .contains("did you mean `dr/stateful-destroy`?"));
    assert!(err.to_string().contains("fix:"));
    assert_eq!(
        gs_constructs::rules::find("nothing/like-it")
            .unwrap_err()
            .closest,
        None
    );
}
