//! The DR report's plain-text table, byte for byte: columns as wide as their widest cell (at
//! most 72 characters, counted as characters, longer cells cut), two spaces between columns,
//! no trailing spaces, paths relative to the stack without `/Resource`.

use std::time::Duration;

use gs_constructs::core::{App, StackProps};
use gs_constructs::dr::{DrReport, DrRow, FailureScope, Target, Verdict};

fn row(stack: &str, path: &str, scope: FailureScope) -> DrRow {
    let mut app = App::new();
    let node = app
        .stack("Any", StackProps::default())
        .expect("stack")
        .node();
    DrRow {
        resource: node,
        stack: stack.into(),
        path: path.into(),
        type_name: "AWS::Kinesis::Stream".into(),
        scope,
        mechanism: None,
        rpo: None,
        rto: None,
        basis: None,
        target: None,
        verdict: Verdict::NoObjective,
        override_reason: None,
    }
}

#[test]
fn the_table_is_written_byte_for_byte() {
    let long = "é".repeat(80);
    let report = DrReport {
        rows: vec![
            DrRow {
                mechanism: Some("Kinesis multi-AZ storage".into()),
                rpo: Some(Duration::ZERO),
                rto: Some(Duration::from_secs(90)),
                target: Some(Target {
                    rpo: Duration::from_secs(900),
                    rto: Duration::from_secs(3600),
                }),
                verdict: Verdict::Met,
                ..row("Demo", "Demo/Events/Resource", FailureScope::AzLoss)
            },
            DrRow {
                mechanism: Some(long.clone().into()),
                rpo: Some(Duration::from_secs(7 * 86_400)),
                override_reason: Some("why".into()),
                verdict: Verdict::RpoNotMet,
                ..row("Demo", "Demo/Deep/Path", FailureScope::RegionLoss)
            },
            // Another stack's row, and a path outside the stack's prefix, stay as they are.
            row("Other", "Other/Events/Resource", FailureScope::AzLoss),
            row("Demo", "Demonstration/X", FailureScope::Corruption),
        ],
    };
    // Cut to 71 characters and a mark: 72 in all.
    let cut: String = long.chars().take(71).chain(['…']).collect();
    let expected = format!(
        "resource         scope        mechanism{pad9}  RPO  RTO   target        verdict\n\
         Events           az-loss      Kinesis multi-AZ storage{pad24}  0    90 s  15 min / 1 h  met\n\
         Deep/Path        region-loss  {cut}  7 d  -     -             rpo-not-met (override)\n\
         Demonstration/X  corruption   none{pad4}  -    -     -             no-objective\n",
        pad9 = " ".repeat(72 - 9),
        pad24 = " ".repeat(72 - 24),
        pad4 = " ".repeat(72 - 4),
    );
    assert_eq!(report.table("Demo"), expected);
    assert_eq!(
        report.table("Other"),
        "resource  scope    mechanism  RPO  RTO  target  verdict\nEvents    az-loss  none       -    -    -       no-objective\n"
    );
}

#[test]
fn a_long_cell_is_cut_at_72_characters_with_a_mark_ascii_or_not() {
    // ASCII, mixed (a two-byte character before the cut and after it), and exactly 72.
    for long in [
        "x".repeat(100),
        format!("é{}", "y".repeat(90)),
        format!("{}ü{}", "z".repeat(80), "z".repeat(5)),
        "w".repeat(72),
    ] {
        let report = DrReport {
            rows: vec![DrRow {
                mechanism: Some(long.clone().into()),
                ..row("Demo", "Demo/A", FailureScope::AzLoss)
            }],
        };
        // A cell longer than 72 is cut to 71 characters and a mark; one of 72 stays whole.
        let cut: String = if long.chars().count() > 72 {
            long.chars().take(71).chain(['…']).collect()
        } else {
            long.clone()
        };
        let table = report.table("Demo");
        let line = table.lines().nth(1).expect("a row");
        assert_eq!(
            line,
            format!("A         az-loss  {cut}  -    -    -       no-objective"),
            "{long}"
        );
    }
}
