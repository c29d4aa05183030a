//! The `diff` command of a gs app's command line (`gs_constructs::cli`), run in-process on the
//! GlobalStream example: against the output folder, a folder or a template given with
//! `--against`, one stack, `--json`, `--fail`, and every bad input (exit 2) and a refused
//! synthesis (exit 1). `diff` writes nothing: the earlier side is left as it was.

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gs_constructs::cli::{self, BadInput, Env, Exit};
use gs_constructs::prelude::*;
use serde_json::Value as Json;

/// What one run printed and how it ended.
struct Run {
    exit: Exit,
    out: String,
    err: String,
}

fn run(app: App, args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = cli::run_env(
        args.iter().copied(),
        &mut out,
        &mut err,
        &Env::default(),
        || Ok::<_, BadInput>(app),
    );
    Run {
        exit,
        out: String::from_utf8(out).expect("stdout is UTF-8"),
        err: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// The GlobalStream app, changed by `change`.
fn globalstream(change: impl FnOnce(&mut stack::GlobalStream)) -> App {
    let config = stack::Config::from_env(|_| None).expect("defaults are valid");
    let mut gs = stack::build(&config).expect("the example builds");
    change(&mut gs);
    gs.app
}

/// GlobalStream with one more topic in the primary stack.
fn changed() -> App {
    globalstream(|gs| {
        let primary = gs.primary;
        gs.app
            .at(primary)
            .unwrap()
            .resource::<RawResource>(
                "AddedTopic",
                Resource::new("AWS::SNS::Topic").property("DisplayName", "added"),
            )
            .unwrap();
    })
}

/// A fresh folder for one test, under target/.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/cli-diff-tests")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// An earlier assembly: the unchanged example synthesized into `dir` by `synth`.
fn synthesized(test: &str) -> PathBuf {
    let dir = scratch(test).join("cdk.out");
    let r = run(globalstream(|_| {}), &["--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    dir
}

/// Every file of `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().into_string().expect("name"),
                std::fs::read(e.path()).expect("file"),
            )
        })
        .collect()
}

#[test]
fn diff_of_the_unchanged_app_against_the_out_folder_finds_nothing() {
    let dir = synthesized("unchanged");
    let before = files(&dir);
    let r = run(
        globalstream(|_| {}),
        &["diff", "--out", dir.to_str().unwrap(), "--fail"],
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out.contains("Stack TapStackdev\n  no differences"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("Stack TapStackdevDr\n  no differences"),
        "{}",
        r.out
    );
    assert!(r.out.ends_with("no differences\n"), "{}", r.out);
    // The synthesis's findings are `synth`'s to print: only the diff is.
    assert_eq!(r.err, "");
    assert_eq!(files(&dir), before);
}

#[test]
fn diff_shows_a_change_writes_nothing_and_fails_only_with_fail() {
    let dir = synthesized("changed");
    let before = files(&dir);
    let out = dir.to_str().unwrap();
    // The default earlier side is --out.
    let r = run(changed(), &["diff", "--out", out]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out
            .contains("[+] AWS::SNS::Topic AddedTopic (TapStackdev/AddedTopic)"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("Stack TapStackdevDr\n  no differences"),
        "{}",
        r.out
    );
    assert!(
        r.out.ends_with(
            "1 to add, 0 to update, 0 to replace, 0 may be replaced, 0 to remove; no data loss\n"
        ),
        "{}",
        r.out
    );
    // The folder is the earlier side still: nothing was written over it.
    assert_eq!(files(&dir), before);

    let r = run(changed(), &["--out", out, "diff", "--fail"]);
    assert_eq!(r.exit, Exit::Refused, "{}", r.err);
    assert!(r.out.contains("AddedTopic"), "{}", r.out);
    assert_eq!(files(&dir), before);
}

#[test]
fn diff_json_lists_each_resource_that_differs() {
    let dir = synthesized("json");
    let r = run(
        changed(),
        &["diff", "--json", "--against", dir.to_str().unwrap()],
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let doc: Json = serde_json::from_str(&r.out).expect("one JSON document");
    assert_eq!(
        doc,
        serde_json::json!([{
            "stack": "TapStackdev",
            "logical_id": "AddedTopic",
            "type": "AWS::SNS::Topic",
            "path": "TapStackdev/AddedTopic",
            "change": "add",
            "data_loss": false,
        }])
    );
    // --json prints nothing but the document: no findings on stderr.
    assert_eq!(r.err, "");
}

#[test]
fn diff_marks_what_the_specification_says_is_replaced() {
    let dir = synthesized("replace");
    // GroupDescription is create-only: the EFS security group is replaced, and the ingress rules
    // whose GroupId names it (create-only too).
    let app = globalstream(|gs| {
        let sg = gs.file_system.security_group.resource;
        gs.app
            .set_property(sg, "GroupDescription", "EFS mount targets, renamed")
            .unwrap();
    });
    let r = run(app, &["diff", "--json", "--against", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let doc: Json = serde_json::from_str(&r.out).expect("one JSON document");
    let changes: Vec<(&str, &str)> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["change"].as_str().unwrap()))
        .collect();
    assert!(
        changes.contains(&("AWS::EC2::SecurityGroup", "replace")),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("AWS::EC2::SecurityGroupIngress", "replace")),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("AWS::EFS::MountTarget", "update")),
        "{changes:?}"
    );
}

#[test]
fn diff_against_one_template_needs_the_stack_when_the_app_has_several() {
    let dir = synthesized("template");
    let template = dir.join("TapStackdev.template.json");
    let t = template.to_str().unwrap();
    let r = run(
        changed(),
        &["diff", "--against", t, "--stack", "TapStackdev"],
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out.contains("[+] AWS::SNS::Topic AddedTopic"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("TapStackdevDr"), "{}", r.out);

    // The same template against the DR stack: everything but its shared resources differs.
    let r = run(
        changed(),
        &["diff", "--against", t, "--stack", "TapStackdevDr"],
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(r.out.starts_with("Stack TapStackdevDr\n"), "{}", r.out);

    let r = run(changed(), &["diff", "--against", t]);
    assert_eq!(r.exit, Exit::Usage, "{}", r.err);
    assert!(
        r.err.contains("is one template, but the app has the stacks TapStackdev, TapStackdevDr; fix: name the stack"),
        "{}",
        r.err
    );
    assert!(r.err.contains("--stack <Stack>"), "{}", r.err);
    assert_eq!(r.out, "");
}

#[test]
fn diff_of_one_stack_of_an_assembly() {
    let dir = synthesized("one_stack");
    let r = run(
        changed(),
        &[
            "diff",
            "--out",
            dir.to_str().unwrap(),
            "--stack",
            "TapStackdevDr",
            "--fail",
        ],
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(!r.out.contains("Stack TapStackdev\n"), "{}", r.out);
    assert!(
        r.out.contains("Stack TapStackdevDr\n  no differences"),
        "{}",
        r.out
    );
}

/// One bad input: exit 2, nothing on stdout, the message on stderr.
fn refused_with(args: &[&str], message: &str) {
    let r = run(changed(), args);
    assert_eq!(r.exit, Exit::Usage, "{args:?}: {}", r.err);
    assert!(r.err.contains(message), "{args:?}: {}", r.err);
    assert_eq!(r.out, "", "{args:?}");
}

#[test]
fn a_missing_or_corrupt_earlier_side_exits_2_with_the_file_and_the_fix() {
    let base = scratch("bad_input");
    let missing = base.join("nothing-here");
    refused_with(
        &["diff", "--against", missing.to_str().unwrap()],
        "nothing-here: no such file or folder; fix: give --against an assembly folder",
    );
    // The default earlier side is --out: a first run has none.
    refused_with(
        &["diff", "--out", missing.to_str().unwrap()],
        "error: diff: ",
    );

    let empty = base.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    refused_with(
        &["diff", "--against", empty.to_str().unwrap()],
        "a folder without manifest.json, so not a cloud assembly",
    );

    let corrupt = base.join("corrupt");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(corrupt.join("manifest.json"), "{\"artifacts\": ").unwrap();
    refused_with(
        &["diff", "--against", corrupt.to_str().unwrap()],
        "manifest.json: not JSON (",
    );
    std::fs::write(corrupt.join("manifest.json"), "{\"version\": \"1\"}").unwrap();
    refused_with(
        &["diff", "--against", corrupt.to_str().unwrap()],
        "has no `artifacts` object",
    );

    // An assembly whose manifest names a template that is not there, or not JSON.
    let dir = synthesized("bad_input_template");
    std::fs::remove_file(dir.join("TapStackdevDr.template.json")).unwrap();
    refused_with(
        &["diff", "--against", dir.to_str().unwrap()],
        "lists the template TapStackdevDr.template.json, which is not in the folder",
    );
    std::fs::write(dir.join("TapStackdevDr.template.json"), "Resources: {}\n").unwrap();
    refused_with(
        &["diff", "--against", dir.to_str().unwrap()],
        "TapStackdevDr.template.json: not JSON (",
    );

    let yaml = base.join("stack.yaml");
    std::fs::write(&yaml, "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n").unwrap();
    refused_with(
        &[
            "diff",
            "--against",
            yaml.to_str().unwrap(),
            "--stack",
            "TapStackdev",
        ],
        "stack.yaml: not JSON (",
    );
    refused_with(
        &[
            "diff",
            "--against",
            yaml.to_str().unwrap(),
            "--stack",
            "TapStackdev",
        ],
        "convert YAML first",
    );
    let list = base.join("list.json");
    std::fs::write(&list, "[]").unwrap();
    refused_with(
        &[
            "diff",
            "--against",
            list.to_str().unwrap(),
            "--stack",
            "TapStackdev",
        ],
        "is JSON but not an object; fix: give a CloudFormation template",
    );
}

#[test]
fn a_stack_on_one_side_only_exits_2_and_names_the_stacks_both_have() {
    let dir = synthesized("one_sided");
    let out = dir.to_str().unwrap();
    // The earlier assembly lacks the DR stack: drop it from the manifest.
    let manifest = dir.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    m["artifacts"]
        .as_object_mut()
        .unwrap()
        .remove("TapStackdevDr");
    std::fs::write(&manifest, serde_json::to_string(&m).unwrap()).unwrap();
    refused_with(
        &["diff", "--out", out],
        "stack `TapStackdevDr` is only in the app, so there is nothing to compare it with; fix: compare a stack both sides have (`diff --stack <Stack>`; both have: TapStackdev)",
    );
    refused_with(
        &["diff", "--out", out, "--stack", "TapStackdevDr"],
        "stack `TapStackdevDr` is only in the app",
    );
    // The stack both sides have is still compared.
    let r = run(changed(), &["diff", "--out", out, "--stack", "TapStackdev"]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
}

#[test]
fn an_unknown_stack_and_bad_flags_exit_2() {
    let dir = synthesized("bad_flags");
    let out = dir.to_str().unwrap();
    refused_with(
        &["diff", "--out", out, "--stack", "TapStackprod"],
        "the app has no stack `TapStackprod` (it has TapStackdev, TapStackdevDr); fix: name one of those",
    );
    let cases: &[(&[&str], &str)] = &[
        (&["diff", "--against"], "`--against` needs a value"),
        (
            &["diff", "--against", ""],
            "`--against` needs an assembly folder",
        ),
        (&["diff", "--stack"], "`--stack` needs a value"),
        (&["diff", "--stack", ""], "`--stack` needs a stack name"),
        (
            &["diff", "--stack", "A", "--stack", "B"],
            "`--stack` is given twice",
        ),
        (
            &["diff", "--against", "a", "--against", "b"],
            "`--against` is given twice",
        ),
        (
            &["diff", "--fial"],
            "unknown option `--fial` (did you mean `--fail`?)",
        ),
        (
            &["diff", "--fail=yes"],
            "`--fail` takes no value (given `yes`)",
        ),
        (
            &["diff", "TapStackdev"],
            "unexpected argument `TapStackdev`",
        ),
        // Another command's option.
        (
            &["ls", "--fail"],
            "`--fail` is an option of `diff`, not of this command; fix: give it after that command (`diff --fail`)",
        ),
        (&["--fail", "diff"], "`--fail` is an option of `diff`"),
    ];
    for (args, message) in cases {
        let r = run(changed(), args);
        assert_eq!(r.exit, Exit::Usage, "{args:?}: {}", r.err);
        assert!(r.err.starts_with("error: "), "{args:?}: {}", r.err);
        assert!(r.err.contains(message), "{args:?}: {}", r.err);
        assert!(r.err.contains("Usage: "), "{args:?}: {}", r.err);
        assert_eq!(r.out, "", "{args:?}");
    }
}

#[test]
fn a_refused_synthesis_exits_1_and_compares_nothing() {
    let dir = synthesized("refused");
    let before = files(&dir);
    let mut app = globalstream(|_| {});
    app.add_pass("test/refuse", &[], |_, out| {
        out.push(Diagnostic::error(
            "test/refuse",
            "TapStackdev",
            "refused on purpose",
            "none",
        ))
    })
    .expect("pass");
    let r = run(app, &["diff", "--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Refused, "{}", r.err);
    assert!(
        r.err.starts_with("error[test/refuse]: refused on purpose"),
        "{}",
        r.err
    );
    assert!(
        r.err
            .contains("error: diff: synthesis refused: 1 error(s); nothing was compared"),
        "{}",
        r.err
    );
    assert_eq!(r.out, "");
    assert_eq!(files(&dir), before);
}

#[test]
fn diff_help_lists_its_options() {
    let r = run(App::new(), &["diff", "--help"]);
    assert_eq!(r.exit, Exit::Ok);
    for option in ["--against PATH", "--stack NAME", "--fail"] {
        assert!(r.out.contains(option), "{}", r.out);
    }
    let r = run(App::new(), &["--help"]);
    assert!(r.out.contains("  diff  "), "{}", r.out);
}
