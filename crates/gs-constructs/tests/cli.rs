//! The command line of a gs app (`gs_constructs::cli`), run in-process on the GlobalStream
//! example and on small apps: every command, every global option, every bad input.

mod support;

#[allow(dead_code)]
#[path = "../../../examples/globalstream/stack.rs"]
mod stack;

use std::ffi::OsString;
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

fn globalstream() -> App {
    let config = stack::Config::from_env(|_| None).expect("defaults are valid");
    stack::build(&config).expect("the example builds").app
}

/// A fresh output folder for one test, under target/.
fn out_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/cli-tests")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run_env(app: App, args: &[&str], env: &Env) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = cli::run_env(args.iter().copied(), &mut out, &mut err, env, || {
        Ok::<_, BadInput>(app)
    });
    Run {
        exit,
        out: String::from_utf8(out).expect("stdout is UTF-8"),
        err: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

fn run(app: App, args: &[&str]) -> Run {
    run_env(app, args, &Env::default())
}

/// Runs `args` on an app that is never built: for usage errors and the catalog.
fn run_no_app(args: &[&str]) -> Run {
    run(App::new(), args)
}

/// Keeps the templates of `dir` for cfn-lint (`.ci/run` lints target/cfn-templates/*.json).
fn keep_for_cfn_lint(dir: &Path, test: &str) {
    let keep = support::template_dir();
    std::fs::create_dir_all(&keep).expect("template dir");
    for entry in std::fs::read_dir(dir).expect("out dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("name");
        if name.ends_with(".template.json") {
            std::fs::copy(dir.join(&name), keep.join(format!("cli.{test}.{name}")))
                .expect("copy template");
        }
    }
}

/// An app whose own pass refuses synthesis with one error.
fn refused_app() -> App {
    let mut app = App::new();
    let stack = app.stack("Refused", StackProps::default()).expect("stack");
    app.at(stack)
        .expect("scope")
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .expect("topic");
    app.add_pass("test/refuse", &[], |_, out| {
        out.push(Diagnostic::error(
            "test/refuse",
            "Refused/Topic",
            "refused on purpose",
            "none",
        ))
    })
    .expect("pass");
    app
}

#[test]
fn synth_is_the_default_and_writes_the_assembly_the_reports_and_the_graph() {
    let dir = out_dir("synth_default");
    let r = run(globalstream(), &["--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    for file in [
        "TapStackdev.template.json",
        "TapStackdevDr.template.json",
        "manifest.json",
        "tree.json",
        "cdk.out",
        "TapStackdev.sarif",
        "TapStackdevDr.sarif",
        "TapStackdev.dr.json",
        "TapStackdev.dot",
        "TapStackdevDr.dot",
    ] {
        assert!(dir.join(file).is_file(), "{file} was not written");
    }
    keep_for_cfn_lint(&dir, "synth_default");
    // One line per stack: its Region, resources, warnings and template; then the totals and time.
    let lines: Vec<&str> = r.out.lines().collect();
    assert!(
        lines[0].starts_with("TapStackdev ")
            && lines[0].contains("us-east-1")
            && lines[0].contains(" 91 resource(s), 3 warning(s) -> ")
            && lines[0].ends_with("TapStackdev.template.json"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("TapStackdevDr ") && lines[1].contains("us-west-2"));
    assert!(r.out.contains("DR report for TapStackdev"));
    // A mechanism cut to the table's width says so; the JSON report keeps it whole.
    let cut = lines
        .iter()
        .find(|l| l.contains("plan globalstream-efs-backup-dev"))
        .expect("the EFS backup row");
    assert!(cut.contains('…'), "{cut}");
    let dr = std::fs::read_to_string(dir.join("TapStackdev.dr.json")).unwrap();
    assert!(
        dr.contains("DailyBackup"),
        "the JSON report keeps the whole text"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("synthesized 2 stack(s) in ") && last.contains(" ms: 4 warning(s)"),
        "{last}"
    );
    // The findings go to stderr, as rustc renders them, without colors off a terminal.
    assert!(r
        .err
        .contains("warning[lifecycle/retained-fixed-name]: is retained"));
    assert!(!r.err.contains('\x1b'));
    // `synth` said explicitly does the same.
    let again = run(globalstream(), &["synth", "--out", dir.to_str().unwrap()]);
    assert_eq!(again.exit, Exit::Ok);
    assert_eq!(again.err, r.err);
}

#[test]
fn synth_writes_the_same_templates_as_app_synth() {
    let dir = out_dir("synth_same");
    let r = run(globalstream(), &["-o", dir.to_str().unwrap(), "-q"]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let app = globalstream();
    let out = app.synth(&CfnBackend::default()).expect("synthesizes");
    for a in &out.artifacts {
        assert_eq!(
            std::fs::read(dir.join(&a.file_name)).expect("written"),
            a.bytes,
            "{} differs",
            a.file_name
        );
    }
}

#[test]
fn quiet_prints_nothing_when_synthesis_succeeds() {
    let dir = out_dir("synth_quiet");
    let r = run(
        globalstream(),
        &["synth", "--quiet", "--out", dir.to_str().unwrap()],
    );
    assert_eq!(r.exit, Exit::Ok);
    assert_eq!(r.out, "");
    assert_eq!(r.err, "", "warnings are not printed with --quiet");
    assert!(dir.join("TapStackdev.template.json").is_file());
}

#[test]
fn synth_json_prints_the_documented_shape() {
    let dir = out_dir("synth_json");
    let r = run(globalstream(), &["--json", "--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Ok);
    assert_eq!(r.err, "", "with --json only the document is printed");
    let doc: Json = serde_json::from_str(&r.out).expect("stdout is one JSON document");
    assert_eq!(doc["command"], "synth");
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["out"], dir.to_str().unwrap());
    assert!(doc["time_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 4);
    assert_eq!(doc["acknowledged"], 3);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4);
    for f in findings {
        for key in ["rule", "severity", "path", "message", "fix"] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        assert!(f["acknowledged"].is_null() || f["acknowledged"].is_string());
    }
    let stacks = doc["stacks"].as_array().unwrap();
    assert_eq!(stacks.len(), 2);
    let (primary, dr) = (&stacks[0], &stacks[1]);
    assert_eq!(primary["name"], "TapStackdev");
    assert_eq!(primary["region"], "us-east-1");
    assert_eq!(primary["resources"], 91);
    assert_eq!(primary["resource_types"]["AWS::EC2::VPC"], 1);
    assert_eq!(primary["warnings"], 3);
    assert_eq!(primary["errors"], 0);
    assert_eq!(primary["depends_on"], serde_json::json!([]));
    assert!(primary["template"]
        .as_str()
        .unwrap()
        .ends_with("TapStackdev.template.json"));
    assert_eq!(dr["depends_on"], serde_json::json!(["TapStackdev"]));
    let sum: u64 = primary["resource_types"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(sum, 91);
}

#[test]
fn a_refused_synthesis_exits_1_and_leaves_no_assembly() {
    let dir = out_dir("synth_refused");
    // Last run's assembly and picture, which must not be taken for this run's.
    std::fs::create_dir_all(&dir).unwrap();
    for file in [
        "Refused.template.json",
        "manifest.json",
        "tree.json",
        "Refused.dot",
    ] {
        std::fs::write(dir.join(file), "{}").unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let r = run(refused_app(), &["--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Refused);
    assert!(
        r.err
            .starts_with("error[test/refuse]: refused on purpose\n  --> Refused/Topic"),
        "{}",
        r.err
    );
    assert!(r.err.contains("synthesis refused: 1 error(s)"));
    assert_eq!(r.out, "");
    for file in [
        "Refused.template.json",
        "manifest.json",
        "tree.json",
        "cdk.out",
        "Refused.dot",
    ] {
        assert!(!dir.join(file).exists(), "{file} was left");
    }
    // This run's findings are there, and files gs does not write are left alone.
    let sarif: Json =
        serde_json::from_slice(&std::fs::read(dir.join("Refused.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "test/refuse");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );

    // --quiet still prints the error; --json says refused, with no template.
    let quiet = run(refused_app(), &["-q", "--out", dir.to_str().unwrap()]);
    assert_eq!(quiet.exit, Exit::Refused);
    assert!(quiet.err.contains("error[test/refuse]"));
    let json = run(refused_app(), &["--json", "--out", dir.to_str().unwrap()]);
    assert_eq!(json.exit, Exit::Refused);
    let doc: Json = serde_json::from_str(&json.out).unwrap();
    assert_eq!(doc["status"], "refused");
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["findings"][0]["rule"], "test/refuse");
    assert_eq!(doc["findings"][0]["severity"], "error");
    assert!(doc["stacks"][0]["template"].is_null());
    assert_eq!(doc["stacks"][0]["errors"], 1);
}

#[test]
fn reports_and_pictures_of_stacks_this_run_did_not_write_are_removed() {
    let dir = out_dir("stale_reports");
    std::fs::create_dir_all(&dir).unwrap();
    // Last run's files of a stack the app no longer has, and a DR report the stack no longer
    // has rows for.
    for file in ["Gone.sarif", "Gone.dot", "Gone.dr.json", "Refused.dr.json"] {
        std::fs::write(dir.join(file), "{}").unwrap();
    }
    std::fs::write(dir.join("notes.dot.txt"), "mine").unwrap();
    let r = run(refused_app(), &["-q", "--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Refused);
    for file in ["Gone.sarif", "Gone.dot", "Gone.dr.json", "Refused.dr.json"] {
        assert!(!dir.join(file).exists(), "{file} was left after a refusal");
    }
    assert!(dir.join("Refused.sarif").exists());

    std::fs::write(dir.join("Gone.sarif"), "{}").unwrap();
    let mut app = App::new();
    let stack = app.stack("Fine", StackProps::default()).unwrap();
    app.at(stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let r = run(app, &["-q", "--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    for file in ["Gone.sarif", "Refused.sarif"] {
        assert!(
            !dir.join(file).exists(),
            "{file} was left after a synthesis"
        );
    }
    assert!(dir.join("Fine.sarif").exists() && dir.join("Fine.dot").exists());
    assert!(dir.join("notes.dot.txt").exists());
    keep_for_cfn_lint(&dir, "stale_reports");
}

#[test]
fn an_out_path_that_is_a_file_is_named_as_such() {
    let dir = out_dir("out_is_a_file");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("afile");
    std::fs::write(&file, "mine").unwrap();
    let r = run(refused_app(), &["--out", file.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Refused);
    assert!(
        r.err
            .contains("it is a file, not a folder; fix: give --out a folder"),
        "{}",
        r.err
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

#[test]
fn ls_shows_regions_and_that_the_dr_stack_depends_on_the_primary() {
    let r = run(globalstream(), &["ls"]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines[0], "TapStackdev  us-east-1");
    assert_eq!(lines[1], "TapStackdevDr  us-west-2");
    assert!(
        lines[2].starts_with("  depends on TapStackdev: "),
        "{}",
        r.out
    );
    assert_eq!(lines.len(), 3, "{}", r.out);
    let quiet = run(globalstream(), &["ls", "-q"]);
    assert_eq!(
        quiet.out,
        "TapStackdev  us-east-1\nTapStackdevDr  us-west-2\n  depends on TapStackdev\n"
    );
    let json = run(globalstream(), &["ls", "--json"]);
    let doc: Json = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"command": "ls", "stacks": [
            {"name": "TapStackdev", "region": "us-east-1", "account": null, "depends_on": []},
            {"name": "TapStackdevDr", "region": "us-west-2", "account": null, "depends_on": ["TapStackdev"]},
        ]})
    );
}

#[test]
fn graph_without_dot_writes_the_dot_files_and_says_how_to_get_svg() {
    let dir = out_dir("graph_no_dot");
    let env = Env {
        path: Some(OsString::from(dir.join("no-such-bin"))),
        ..Env::default()
    };
    let r = run_env(
        globalstream(),
        &["graph", "--out", dir.to_str().unwrap()],
        &env,
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let dot = std::fs::read_to_string(dir.join("TapStackdevDr.dot")).unwrap();
    assert!(dot.starts_with("digraph \"TapStackdevDr\""));
    assert!(r.out.lines().any(|l| l.ends_with("TapStackdev.dot")));
    assert!(
        r.err.contains("Graphviz's `dot` is not on the PATH"),
        "{}",
        r.err
    );
    assert!(!dir.join("TapStackdev.svg").exists());
    // Only the picture: no template.
    assert!(!dir.join("TapStackdev.template.json").exists());
}

#[cfg(unix)]
#[test]
fn graph_renders_svg_with_the_dot_on_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = out_dir("graph_dot");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // A stand-in for Graphviz: checks it is asked for SVG and echoes its input inside <svg>.
    let dot = bin.join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\n[ \"$1\" = -Tsvg ] || exit 3\necho '<svg>'\ncat\necho '</svg>'\n",
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = Env {
        path: Some(OsString::from(&bin)),
        ..Env::default()
    };
    let r = run_env(
        globalstream(),
        &["graph", "--json", "--out", dir.to_str().unwrap()],
        &env,
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let svg = std::fs::read_to_string(dir.join("TapStackdev.svg")).unwrap();
    assert!(svg.starts_with("<svg>\ndigraph \"TapStackdev\""), "{svg}");
    let doc: Json = serde_json::from_str(&r.out).unwrap();
    assert_eq!(doc["svg"], true);
    assert_eq!(doc["files"].as_array().unwrap().len(), 4);
    // A `dot` that fails is a refusal naming it, not a panic.
    std::fs::write(&dot, "#!/bin/sh\necho 'syntax error' >&2\nexit 1\n").unwrap();
    let r = run_env(
        globalstream(),
        &["graph", "--out", dir.to_str().unwrap()],
        &env,
    );
    assert_eq!(r.exit, Exit::Refused);
    assert!(r.err.contains("syntax error"), "{}", r.err);
}

#[test]
fn rules_lists_the_catalog() {
    let r = run_no_app(&["rules"]);
    assert_eq!(r.exit, Exit::Ok);
    for rule in rules::EXPORTED {
        assert!(
            r.out
                .lines()
                .any(|l| l.starts_with(&format!("{} ", rule.id)) && l.ends_with(rule.what)),
            "{} missing",
            rule.id
        );
    }
    let json = run_no_app(&["rules", "--json"]);
    let doc: Json = serde_json::from_str(&json.out).unwrap();
    let listed = doc["rules"].as_array().unwrap();
    assert_eq!(listed.len(), rules::EXPORTED.len());
    assert_eq!(listed[0]["id"], rules::EXPORTED[0].id);
    for key in ["severity", "what", "why", "fix"] {
        assert!(listed[0][key].is_string());
    }
    assert!(listed[0]["acknowledgeable"].is_boolean());
    assert!(listed[0]["applies_to"].is_array());
}

#[test]
fn explain_shows_one_rule_in_full() {
    let r = run_no_app(&["explain", "dr/stateful-destroy"]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let rule = rules::DR_STATEFUL_DESTROY;
    assert!(
        r.out.starts_with("error[dr/stateful-destroy]\n"),
        "{}",
        r.out
    );
    assert!(r.out.contains(&format!("What: {}", rule.what)));
    assert!(r.out.contains(&format!("Why: {}", rule.why)));
    assert!(r.out.contains(&format!("Fix: {}", rule.fix)));
    assert!(r.out.contains("rules::DR_STATEFUL_DESTROY"));
    let json = run_no_app(&["explain", "--json", "dr/stateful-destroy"]);
    let doc: Json = serde_json::from_str(&json.out).unwrap();
    assert_eq!(doc["rule"]["id"], "dr/stateful-destroy");
    assert_eq!(doc["rule"]["why"], rule.why);
    // A rule that cannot be acknowledged says so.
    let core = run_no_app(&["explain", "core/dependency-cycle"]);
    assert!(core.out.contains("Cannot be acknowledged"));
}

#[test]
fn explain_of_a_misspelt_rule_names_the_closest_and_exits_2() {
    let r = run_no_app(&["explain", "dr/stateful-destory"]);
    assert_eq!(r.exit, Exit::Usage);
    assert_eq!(r.out, "");
    assert!(
        r.err.contains(
            "`dr/stateful-destory` is not a rule of gs (did you mean `dr/stateful-destroy`?)"
        ),
        "{}",
        r.err
    );
    let shouted = run_no_app(&["explain", "S3/PUBLIC-BUCKET"]);
    assert_eq!(shouted.exit, Exit::Usage);
    assert!(
        shouted.err.contains("(did you mean `s3/public-bucket`?)"),
        "{}",
        shouted.err
    );
    let far = run_no_app(&["explain", "nothing/like-it-at-all"]);
    assert_eq!(far.exit, Exit::Usage);
    assert!(far.err.contains("`rules` lists them"));
}

/// Each bad input: exit 2, a message naming the argument, a usage line, nothing on stdout.
#[test]
fn bad_arguments_exit_2_with_a_message_naming_them() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["synht"],
            "unknown command `synht` (did you mean `synth`?)",
        ),
        (
            &["deploy"],
            "unknown command `deploy`; the commands are `synth`",
        ),
        (
            &["--jsn"],
            "unknown option `--jsn` (did you mean `--json`?)",
        ),
        (&["ls", "--frobnicate"], "unknown option `--frobnicate`"),
        (&["-x"], "`-x`"),
        (&["--out"], "`--out` needs a value"),
        (&["--out", ""], "`--out` needs a folder"),
        (&["-o", "a", "--out", "b"], "`--out` is given twice"),
        (&["--color"], "`--color` needs a value"),
        (
            &["--color", "sometimes"],
            "invalid value `sometimes` for `--color`",
        ),
        (
            &["--color=sometimes"],
            "invalid value `sometimes` for `--color`",
        ),
        (&["explain"], "`explain` needs a rule id"),
        (&["explain", "a/b", "c/d"], "unexpected argument `c/d`"),
        (&["ls", "extra"], "unexpected argument `extra`"),
        (&["--quiet=yes"], "`--quiet` takes no value (given `yes`)"),
    ];
    for (args, message) in cases {
        let r = run_no_app(args);
        assert_eq!(r.exit, Exit::Usage, "{args:?}: {}", r.err);
        assert!(r.err.starts_with("error: "), "{args:?}: {}", r.err);
        assert!(r.err.contains(message), "{args:?}: {}", r.err);
        assert!(r.err.contains("Usage: "), "{args:?}: {}", r.err);
        assert_eq!(r.out, "", "{args:?}");
    }
}

#[test]
fn help_and_version() {
    for flag in ["--help", "-h"] {
        let r = run_no_app(&[flag]);
        assert_eq!(r.exit, Exit::Ok);
        for c in [
            "synth",
            "ls",
            "graph",
            "rules",
            "explain RULE",
            "--out DIR",
            "--color WHEN",
        ] {
            assert!(r.out.contains(c), "{c} not in help:\n{}", r.out);
        }
        assert!(r.out.contains("Exit codes: 0 done, 1 refused"));
    }
    let explain = run_no_app(&["explain", "--help"]);
    assert!(
        explain.out.contains("Usage: app [OPTIONS] explain RULE"),
        "{}",
        explain.out
    );
    let v = run_no_app(&["--version"]);
    assert_eq!(v.out, format!("gs {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn color_follows_the_option_the_terminal_and_no_color() {
    let dir = out_dir("color");
    let out = dir.to_str().unwrap();
    let warning = "\x1b[1;33mwarning[lifecycle/retained-fixed-name]\x1b[0m";
    let always = run(globalstream(), &["--color", "always", "--out", out]);
    assert!(always.err.contains(warning), "{}", always.err);
    assert!(always.err.contains("\x1b[1;34m-->\x1b[0m TapStackdev/"));
    let never = run(globalstream(), &["--color=never", "--out", out]);
    assert!(!never.err.contains('\x1b'));
    let terminal = Env {
        stdout_is_terminal: true,
        ..Env::default()
    };
    let auto = run_env(globalstream(), &["--out", out], &terminal);
    assert!(auto.err.contains(warning));
    let no_color = Env {
        no_color: true,
        ..terminal.clone()
    };
    let auto = run_env(globalstream(), &["--out", out], &no_color);
    assert!(!auto.err.contains('\x1b'));
    let piped = run_env(
        globalstream(),
        &["--color", "auto", "--out", out],
        &Env::default(),
    );
    assert!(!piped.err.contains('\x1b'));
}

#[test]
fn a_build_error_exits_1_or_2_for_bad_input_and_the_catalog_needs_no_app() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = cli::run_with(["ls"], &mut out, &mut err, || {
        Err::<App, _>(ConstructError::from(
            gs_constructs::core::TreeError::DuplicateId {
                id: "Vpc".into(),
                parent: "TapStackdev".into(),
            },
        ))
    });
    assert_eq!(exit, Exit::Refused);
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.starts_with("error: ls: the app could not be built: "),
        "{err}"
    );

    let bad_input = || Err::<App, _>(BadInput("AWS_REGION `mars-1` is not a Region".into()));
    let mut err = Vec::new();
    assert_eq!(
        cli::run_with(["synth"], &mut Vec::new(), &mut err, bad_input),
        Exit::Usage
    );
    assert!(String::from_utf8(err).unwrap().contains("`mars-1`"));
    let mut out = Vec::new();
    assert_eq!(
        cli::run_with(["rules"], &mut out, &mut Vec::new(), bad_input),
        Exit::Ok
    );
    assert!(!out.is_empty());
}

#[test]
fn a_folder_that_cannot_be_written_is_a_refusal_not_a_panic() {
    let dir = out_dir("unwritable");
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    // A file where the folder should be.
    std::fs::write(&dir, "not a folder").unwrap();
    let r = run(globalstream(), &["--out", dir.to_str().unwrap()]);
    assert_eq!(r.exit, Exit::Refused, "{}", r.err);
    assert!(r.err.contains("writing into"), "{}", r.err);
    std::fs::remove_file(&dir).unwrap();
}

#[test]
fn a_report_or_picture_that_cannot_be_written_leaves_no_assembly() {
    // `manifest.json` is written last, after the reports and the pictures: a consumer that sees
    // it knows the whole run's output is there. A write failing after the templates (here a
    // folder where a picture or a SARIF file should go) leaves no assembly.
    for (test, blocker) in [
        ("unwritable_dot", "TapStackdevDr.dot"),
        ("unwritable_sarif", "TapStackdev.sarif"),
    ] {
        let dir = out_dir(test);
        std::fs::create_dir_all(dir.join(blocker)).unwrap();
        std::fs::write(dir.join("Gone.template.json"), "{}").unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let r = run(globalstream(), &["--out", dir.to_str().unwrap()]);
        assert_eq!(r.exit, Exit::Refused, "{}", r.err);
        assert!(r.err.contains("writing into"), "{}", r.err);
        for file in [
            "manifest.json",
            "cdk.out",
            "tree.json",
            "TapStackdev.template.json",
            "Gone.template.json",
        ] {
            assert!(!dir.join(file).exists(), "{test}: {file} was left");
        }
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
            "mine"
        );
        // Once the folder can be written, the next run writes the whole assembly again.
        std::fs::remove_dir(dir.join(blocker)).unwrap();
        let again = run(globalstream(), &["--out", dir.to_str().unwrap()]);
        assert_eq!(again.exit, Exit::Ok, "{}", again.err);
        assert!(dir.join("manifest.json").is_file() && dir.join(blocker).is_file());
    }
}
