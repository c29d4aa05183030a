//! The reports written straight as JSON (`report::write_sarif`, `DrReport::write_json`) are byte
//! for byte what the serializable values (`report::sarif`, `DrReport::to_json`) give through
//! `gs_cfn::pretty_json`, which the CLI wrote before.

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use std::time::Duration;

use gs_constructs::dr::{DrReport, DrRow, FailureScope, Target, Verdict};
use gs_constructs::prelude::*;
use gs_constructs::{passes, report};
use gs_core::{Diagnostic, Severity};

fn sarif_both_ways(diagnostics: &[Diagnostic]) -> (String, String) {
    let refs: Vec<&Diagnostic> = diagnostics.iter().collect();
    let mut direct = Vec::new();
    report::write_sarif(&mut direct, &refs, passes::CATALOG);
    let serde = gs_cfn::pretty_json(&report::sarif(diagnostics, &passes::catalog()), "  ")
        .expect("the serde path writes SARIF");
    (
        String::from_utf8(direct).expect("UTF-8"),
        String::from_utf8(serde).expect("UTF-8"),
    )
}

fn dr_both_ways(report: &DrReport, stack: &str) -> (String, String) {
    let mut direct = Vec::new();
    report.write_json(stack, &mut direct);
    let serde = gs_cfn::pretty_json(&report.to_json(stack), "  ")
        .expect("the serde path writes the report");
    (
        String::from_utf8(direct).expect("UTF-8"),
        String::from_utf8(serde).expect("UTF-8"),
    )
}

#[test]
fn sarif_written_directly_is_the_serde_sarif() {
    let catalog = passes::catalog();
    let (first, last) = (catalog[0].id, catalog[catalog.len() - 1].id);
    let mut acknowledged = Diagnostic::warning(last, "Demo/B", "at \"limit\"", "relax it");
    acknowledged.acknowledged = Some("a test\tenvironment \\ on purpose".into());
    let cases: Vec<Vec<Diagnostic>> = vec![
        vec![],
        vec![Diagnostic::error(first, "Demo/A", "plain", "fix it")],
        vec![
            Diagnostic::error(last, "Demo/A", "late", "fix it"),
            acknowledged,
            Diagnostic::new(
                Severity::Info,
                "custom/not-in-catalog",
                "Demo/\"Odd\"",
                "line\nbreak",
                "ü \u{1} ctl",
            ),
            Diagnostic::error(first, "Demo/C", "early", "fix \"it\""),
            Diagnostic::error(last, "Demo/D", "late again", ""),
        ],
    ];
    for diagnostics in &cases {
        let (direct, serde) = sarif_both_ways(diagnostics);
        assert_eq!(direct, serde);
    }
}

#[test]
fn the_examples_reports_written_directly_are_the_serde_reports() {
    let config = stack::Config::from_env(|_| None).expect("default config");
    let gs = stack::build(&config).expect("the example builds");
    let tree = gs.app.freeze_for(&CfnBackend::default());
    let synthesis = tree
        .synth(&CfnBackend::default())
        .expect("the example synthesizes");
    assert!(
        !synthesis.diagnostics.is_empty(),
        "the example has findings"
    );
    let (direct, serde) = sarif_both_ways(&synthesis.diagnostics);
    assert_eq!(direct, serde);
    let report = DrReport::of_tree(&tree);
    let mut stacks_with_rows = 0;
    for &stack in tree.stacks() {
        let name = tree.node(stack).id();
        stacks_with_rows += usize::from(report.for_stack(name).next().is_some());
        let (direct, serde) = dr_both_ways(&report, name);
        assert_eq!(direct, serde);
    }
    assert!(stacks_with_rows > 0, "the example has a DR report");
}

#[test]
fn dr_rows_with_every_kind_of_value_are_written_as_serde_writes_them() {
    let mut app = App::new();
    let node = app
        .stack("S", StackProps::default())
        .expect("a stack")
        .node();
    let row = |path: &str, verdict, mechanism: Option<&str>, reason: Option<&str>| DrRow {
        resource: node,
        stack: "S\"1".into(),
        path: path.into(),
        type_name: "AWS::S3::Bucket".into(),
        scope: FailureScope::RegionLoss,
        mechanism: mechanism.map(|m| m.to_owned().into()),
        rpo: mechanism.map(|_| Duration::from_secs(900)),
        rto: mechanism.map(|_| Duration::ZERO),
        basis: mechanism.map(|_| "AWS \"docs\"\nline".into()),
        target: reason.map(|_| Target {
            rpo: Duration::from_secs(u64::from(u32::MAX)),
            rto: Duration::from_secs(1),
        }),
        verdict,
        override_reason: reason.map(str::to_owned),
    };
    let report = DrReport {
        rows: vec![
            row("S\"1/A", Verdict::Met, Some("replication (rule \\x)"), None),
            row("S\"1/B", Verdict::RpoNotMet, None, Some("tests ü")),
            row("S\"1/C", Verdict::AtLimit, Some("m"), Some("r")),
            row("S\"1/D", Verdict::NoObjective, None, None),
        ],
    };
    for stack in ["S\"1", "Other"] {
        let (direct, serde) = dr_both_ways(&report, stack);
        assert_eq!(direct, serde);
    }
}
