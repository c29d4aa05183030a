//! gs's offline diff marks the same resources as replaced as the AWS CDK CLI does, on pairs of
//! GlobalStream syntheses: different suffixes, a changed create-only property, a changed
//! updatable property, an added and a removed resource.
//!
//! The CLI runs offline: `cdk diff --app <new assembly> --template <old template> <Stack>`
//! compares with the file and asks AWS nothing; the credentials are fake and `AWS_ENDPOINT_URL`
//! points at a closed port on 127.0.0.1, so a call would fail rather than reach AWS.
//!
//! Needs the pinned CDK CLI: `npm install --prefix target/cdk-cli aws-cdk@2.1148.1` (or
//! `GS_CDK_CLI`); without it the test fails with that command, it never skips.
//!
//! Differences by design:
//! - gs follows a reference to a replaced resource wherever it is in a replacement-forcing
//!   property; `cdk diff` stops at the first intrinsic function it meets, so it misses
//!   `{"Fn::Join": ["", ["service/", {"Ref": "Cluster"}, ...]]}` and `Fn::Sub` strings. The
//!   different-suffixes pair meets this: the ECS service's scaling target (`ResourceId` joins the
//!   replaced cluster's name) is replaced by gs only, and CloudFormation does replace it (its
//!   resource ID changes). The test checks that every resource gs alone replaces is such a case.
//! - gs lists a resource whose only change is a reference to a replaced resource in an
//!   updatable property as an update; `cdk diff` does not list it. Updates are not compared.
//! - gs reads the replacement behaviour of nested properties too (`diff::Spec`: the spec's
//!   `causesReplacement` and the registry's create-only paths below the top level); `cdk diff`
//!   reads only the top-level property's. No pair here changes such a property.

mod support;

#[path = "support/cdk_cli.rs"]
mod cdk_cli;

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use gs_constructs::core::Synthesis;
use gs_constructs::diff::{self, Assembly, Change};
use gs_constructs::prelude::*;
use serde_json::Value as Json;

use cdk_cli::cdk_cli;

/// One variant of the GlobalStream app.
fn globalstream(suffix: &str, change: impl FnOnce(&mut stack::GlobalStream)) -> Synthesis {
    let config = stack::Config::from_env(|k| (k == "ENVIRONMENT_SUFFIX").then(|| suffix.into()))
        .expect("config");
    let mut gs = stack::build(&config).expect("the example builds");
    change(&mut gs);
    match gs.app.synth(&CfnBackend::default()) {
        Ok(out) => out,
        Err(e) => panic!("synthesis failed:\n{e}"),
    }
}

/// A raw resource in the primary stack.
fn add_raw(gs: &mut stack::GlobalStream, id: &str, r: Resource) {
    let primary = gs.primary;
    gs.app
        .at(primary)
        .unwrap()
        .resource::<RawResource>(id, r)
        .unwrap();
}

/// One pair: the earlier synthesis, the new one, and which stack of each to compare.
struct Pair {
    name: &'static str,
    old: Synthesis,
    old_stack: &'static str,
    new: Synthesis,
    new_stack: &'static str,
}

fn pairs() -> Vec<Pair> {
    let base = || globalstream("dev", |_| {});
    vec![
        Pair {
            name: "different-suffixes",
            old: base(),
            old_stack: "TapStackdev",
            new: globalstream("pr1", |_| {}),
            new_stack: "TapStackpr1",
        },
        Pair {
            // GroupDescription is create-only: the group is replaced, then the ingress rules
            // whose GroupId names it (create-only too), while the mount targets' SecurityGroups
            // are updated in place.
            name: "create-only-property",
            old: base(),
            old_stack: "TapStackdev",
            new: globalstream("dev", |gs| {
                let sg = gs.file_system.security_group.resource;
                gs.app
                    .set_property(sg, "GroupDescription", "EFS mount targets, renamed")
                    .unwrap();
            }),
            new_stack: "TapStackdev",
        },
        Pair {
            name: "updatable-property",
            old: base(),
            old_stack: "TapStackdev",
            new: globalstream("dev", |gs| {
                let fs = gs.file_system.resource;
                gs.app
                    .set_property(fs, "ThroughputMode", "bursting")
                    .unwrap();
            }),
            new_stack: "TapStackdev",
        },
        Pair {
            name: "added-and-removed-resources",
            old: globalstream("dev", |gs| {
                add_raw(
                    gs,
                    "OldTopic",
                    Resource::new("AWS::SNS::Topic").property("DisplayName", "old"),
                );
            }),
            old_stack: "TapStackdev",
            new: globalstream("dev", |gs| {
                add_raw(
                    gs,
                    "NewTopic",
                    Resource::new("AWS::SNS::Topic").property("DisplayName", "new"),
                );
            }),
            new_stack: "TapStackdev",
        },
    ]
}

/// What a `cdk diff` listing says: logical IDs by mark.
#[derive(Debug, Default, PartialEq)]
struct Marks {
    added: BTreeSet<String>,
    removed: BTreeSet<String>,
    replaced: BTreeSet<String>,
    may_be_replaced: BTreeSet<String>,
}

/// Reads the resource lines of `cdk diff`'s output: `[+] Type Path LogicalId`,
/// `[-] Type Path LogicalId destroy`, `[~] Type Path LogicalId replace` or `... may be replaced`
/// (the construct path may hold spaces, so the logical ID is read from the end).
fn cli_marks(output: &str) -> Marks {
    let mut marks = Marks::default();
    let mut in_resources = false;
    for line in output.lines() {
        if line == "Resources" {
            in_resources = true;
            continue;
        }
        if !in_resources {
            continue;
        }
        if !line.starts_with('[') {
            if !line.starts_with(' ') && !line.is_empty() {
                in_resources = false; // the next section (Outputs, ...)
            }
            continue;
        }
        let (set, rest) = if let Some(rest) = line.strip_prefix("[+] ") {
            (&mut marks.added, rest)
        } else if let Some(rest) = line.strip_prefix("[-] ") {
            let rest = rest
                .strip_suffix(" destroy")
                .or_else(|| rest.strip_suffix(" orphan"))
                .unwrap_or(rest);
            (&mut marks.removed, rest)
        } else if let Some(rest) = line.strip_prefix("[~] ") {
            if let Some(rest) = rest.strip_suffix(" may be replaced") {
                (&mut marks.may_be_replaced, rest)
            } else if let Some(rest) = rest.strip_suffix(" replace") {
                (&mut marks.replaced, rest)
            } else {
                continue;
            }
        } else {
            continue;
        };
        let id = rest.rsplit(' ').next().unwrap_or_default();
        set.insert(id.to_owned());
    }
    marks
}

fn gs_marks(d: &diff::StackDiff) -> Marks {
    let mut marks = Marks::default();
    for r in &d.resources {
        let set = match r.change {
            Change::Add => &mut marks.added,
            Change::Remove => &mut marks.removed,
            Change::Replace => &mut marks.replaced,
            Change::MayReplace => &mut marks.may_be_replaced,
            Change::Update => continue,
        };
        set.insert(r.logical_id.clone());
    }
    marks
}

/// Whether `cdk diff`'s propagation (`propagateReplacedReferences` in
/// `@aws-cdk/cloudformation-diff`) sees a reference to `id` in `v`: `{"Ref": id}`, or
/// `{"Fn::X": [id, ...]}`; it does not look inside any other `Fn::` object.
fn cdk_sees_reference(v: &Json, id: &str) -> bool {
    match v {
        Json::Array(items) => items.iter().any(|i| cdk_sees_reference(i, id)),
        Json::Object(m) => {
            if m.len() == 1 {
                if let Some((k, inner)) = m.iter().next() {
                    if k == "Ref" {
                        return inner == id;
                    }
                    if k.starts_with("Fn::") {
                        return inner.get(0).and_then(Json::as_str) == Some(id);
                    }
                }
            }
            m.values().any(|i| cdk_sees_reference(i, id))
        }
        _ => false,
    }
}

#[test]
fn gs_and_the_cdk_cli_mark_the_same_resources_as_replaced_on_globalstream_pairs() {
    let cli = cdk_cli();
    let start = Instant::now();
    let base = std::env::temp_dir().join(format!("gs-diff-cdk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);

    // Every CLI runs at once: each takes about 2 s, mostly Node starting.
    let mut runs: Vec<(Pair, Child, PathBuf)> = Vec::new();
    for pair in pairs() {
        let dir = base.join(pair.name);
        pair.old.write_to(dir.join("old")).unwrap();
        pair.new.write_to(dir.join("new")).unwrap();
        let old_template = dir
            .join("old")
            .join(format!("{}.template.json", pair.old_stack));
        let child = Command::new(&cli)
            .args(["diff", "--app", "new", "--template"])
            .arg(&old_template)
            .arg(pair.new_stack)
            .args(["--no-notices", "--no-version-reporting", "--no-color"])
            .current_dir(&dir)
            .env("AWS_ACCESS_KEY_ID", "AKIAGSDIFFTEST000000")
            .env("AWS_SECRET_ACCESS_KEY", "gs-diff-test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("CDK_DISABLE_VERSION_CHECK", "1")
            .env("CDK_DISABLE_CLI_TELEMETRY", "true")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not run: {e}", cli.display()));
        runs.push((pair, child, old_template));
    }

    for (pair, child, old_template) in runs {
        let out = child.wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "cdk diff failed on {}:\n{text}",
            pair.name
        );
        let cdk = cli_marks(&text);

        let new = Assembly::from_artifacts(&pair.new.artifacts).unwrap();
        let old = Assembly::template_file(&old_template, pair.new_stack).unwrap();
        let mine: Vec<_> = new
            .stacks
            .iter()
            .filter(|s| s.name == pair.new_stack)
            .cloned()
            .collect();
        let d = diff::diff(&old, &Assembly { stacks: mine }, &diff::Spec);
        let gs = gs_marks(&d.stacks[0]);
        // By design, gs replaces more than cdk diff: a reference nested inside an intrinsic
        // function (`Fn::Join` of a `Ref`, `Fn::Sub`) changes the value as much as a bare
        // `Ref` does, but cdk diff's propagation stops at the first `Fn::` it meets. Every
        // resource gs alone replaces must be one of those; everything else must agree.
        let template = &new.stack(pair.new_stack).unwrap().template;
        let mut only_gs = BTreeSet::new();
        for r in &d.stacks[0].resources {
            if r.change != Change::Replace || cdk.replaced.contains(&r.logical_id) {
                continue;
            }
            let props = &template["Resources"][&r.logical_id]["Properties"];
            let cdk_blind = !r.replaced_references.is_empty()
                && r.replaced_references
                    .iter()
                    .all(|id| !cdk.replaced.contains(id) || !cdk_sees_reference(props, id));
            assert!(
                cdk_blind,
                "{}: gs replaces {} and cdk diff does not, for no reason by design:\n{}",
                pair.name,
                r.logical_id,
                diff::render::text(&d, false)
            );
            only_gs.insert(r.logical_id.clone());
        }
        let mut gs_as_cdk = gs;
        gs_as_cdk.replaced.retain(|id| !only_gs.contains(id));
        assert_eq!(
            gs_as_cdk,
            cdk,
            "{}: gs and cdk diff disagree\n--- cdk diff:\n{text}\n--- gs:\n{}",
            pair.name,
            diff::render::text(&d, false)
        );
        if !only_gs.is_empty() {
            eprintln!(
                "{}: replaced by gs only (a reference inside an intrinsic function): {only_gs:?}",
                pair.name
            );
        }
        let gs = gs_marks(&d.stacks[0]);

        // Each pair shows what it was built for, so a pair that stopped testing it fails.
        match pair.name {
            "different-suffixes" => {
                assert!(gs.replaced.len() > 10, "{gs:?}");
                // The scaling target's ResourceId is `Fn::Join` of the replaced cluster's `Ref`.
                assert!(
                    only_gs.contains("ComputeMediaProcessingServiceTaskCountTarget18494823"),
                    "{only_gs:?}"
                );
                assert!(!gs.added.is_empty() && !gs.removed.is_empty());
            }
            "create-only-property" => {
                let sg = "StorageContentFileSystemEfsSecurityGroup626B812E";
                assert!(gs.replaced.contains(sg), "{gs:?}");
                assert!(gs.replaced.len() > 1, "the chain: {gs:?}");
                assert!(gs.added.is_empty() && gs.removed.is_empty());
            }
            "updatable-property" => {
                assert_eq!(gs, Marks::default());
                let fs = &d.stacks[0].resources;
                assert!(
                    fs.iter().any(
                        |r| r.change == Change::Update && r.type_name == "AWS::EFS::FileSystem"
                    ),
                    "{fs:?}"
                );
            }
            "added-and-removed-resources" => {
                assert_eq!(gs.added.len(), 1, "{gs:?}");
                assert_eq!(gs.removed.len(), 1, "{gs:?}");
                assert!(gs.replaced.is_empty());
            }
            _ => unreachable!(),
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    eprintln!("gs vs cdk diff: {:.1} s", start.elapsed().as_secs_f64());
}
