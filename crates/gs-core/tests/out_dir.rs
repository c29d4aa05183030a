//! The output folder: temporary files a killed writer left are removed, templates of stacks that
//! no longer exist are removed, a refused synthesis leaves no earlier template, and files gs does
//! not write are never touched.

use std::path::{Path, PathBuf};

use gs_core::*;

/// A backend that writes a cloud assembly: one template per stack, `manifest.json`, `cdk.out`.
struct Assembly;
impl Backend for Assembly {
    fn name(&self) -> &str {
        "assembly"
    }
    fn passes(&self) -> &'static [Pass] {
        &[]
    }
    fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError> {
        let mut out: Vec<Artifact> = tree
            .stacks()
            .iter()
            .map(|s| Artifact {
                file_name: format!("{}.template.json", tree.node(*s).id()),
                bytes: b"{}".to_vec(),
            })
            .collect();
        for name in ["manifest.json", "cdk.out"] {
            out.push(Artifact {
                file_name: name.into(),
                bytes: b"{\"run\": 2}".to_vec(),
            });
        }
        Ok(out)
    }
}

fn fresh_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gs-out-dir-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn touch(dir: &Path, names: &[&str]) {
    for n in names {
        std::fs::write(dir.join(n), "last run").unwrap();
    }
}

/// Files a user keeps in the folder, which gs must never remove.
const USER_FILES: [&str; 5] = [
    "README.md",
    "notes.json",
    "Old.template.json.bak",
    ".template.json",
    ".notes.tmp-x",
];

fn app(stacks: &[&str]) -> App {
    let mut app = App::new();
    for s in stacks {
        app.stack(s, StackProps::default()).unwrap();
    }
    app
}

#[test]
fn a_temporary_file_a_killed_writer_left_is_removed_by_the_next_write() {
    let dir = fresh_dir("temp");
    // A process id past Linux's maximum (2^22) is no running process; pid 1 always runs.
    touch(
        &dir,
        &[".Demo.template.json.tmp-999999999", ".Demo.sarif.tmp-1"],
    );
    touch(&dir, &USER_FILES);
    write_artifacts(
        &dir,
        &[Artifact {
            file_name: "Demo.sarif".into(),
            bytes: b"{}".to_vec(),
        }],
    )
    .unwrap();
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.extend([".Demo.sarif.tmp-1".into(), "Demo.sarif".into()]);
    expected.sort();
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn templates_of_stacks_that_no_longer_exist_are_removed_and_other_files_kept() {
    let dir = fresh_dir("stale");
    touch(
        &dir,
        &["Old.template.json", "Kept.template.json", "manifest.json"],
    );
    touch(&dir, &USER_FILES);
    app(&["Kept", "New"]).synth_to(&Assembly, &dir).unwrap();
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.extend([
        "Kept.template.json".into(),
        "New.template.json".into(),
        "cdk.out".into(),
        "manifest.json".into(),
    ]);
    expected.sort();
    assert_eq!(files(&dir), expected);
    assert_eq!(
        std::fs::read_to_string(dir.join("manifest.json")).unwrap(),
        "{\"run\": 2}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_write_of_other_files_leaves_the_assembly_alone() {
    let dir = fresh_dir("reports");
    touch(&dir, &["Demo.template.json", "manifest.json", "cdk.out"]);
    write_artifacts(
        &dir,
        &[Artifact {
            file_name: "Demo.dot".into(),
            bytes: b"digraph {}".to_vec(),
        }],
    )
    .unwrap();
    assert_eq!(
        files(&dir),
        ["Demo.dot", "Demo.template.json", "cdk.out", "manifest.json"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_refused_synthesis_removes_last_runs_assembly_and_nothing_else() {
    let dir = fresh_dir("refused");
    let good = app(&["Demo"]);
    good.synth_to(&Assembly, &dir).unwrap();
    touch(&dir, &USER_FILES);
    touch(&dir, &["Demo.sarif"]);

    let mut bad = app(&["Demo"]);
    bad.add_pass("test/refuse", &[], |_, out| {
        out.push(Diagnostic::error("test/refuse", "Demo", "no", "none"))
    })
    .unwrap();
    let err = bad.synth_to(&Assembly, &dir).unwrap_err();
    assert!(err.report().is_some());
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.push("Demo.sarif".into());
    expected.sort();
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn assembly_files_are_recognised_by_name() {
    for name in ["A.template.json", "manifest.json", "cdk.out", "tree.json"] {
        assert!(is_assembly_file(name), "{name}");
    }
    for name in USER_FILES.iter().chain(&["A.sarif", "A.dot", "A.dr.json"]) {
        assert!(!is_assembly_file(name), "{name}");
    }
}

#[test]
fn asset_manifests_and_asset_files_are_assembly_files_so_stale_ones_are_removed() {
    let hash = "a".repeat(64);
    for name in ["A.assets.json".to_owned(), format!("asset.{hash}.zip")] {
        assert!(is_assembly_file(&name), "{name}");
    }
    for name in [".assets.json", "asset.zip", "asset.x.zip", "assets.json"] {
        assert!(!is_assembly_file(name), "{name}");
    }
}

/// A backend that hands its files over one by one, the index first, and can fail after its
/// first template.
struct Streaming {
    fail_after_first: bool,
}
impl Backend for Streaming {
    fn name(&self) -> &str {
        "streaming"
    }
    fn passes(&self) -> &'static [Pass] {
        &[]
    }
    fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError> {
        let mut out = Vec::new();
        self.emit_into(tree, &mut out).map_err(|e| BackendError {
            backend: "streaming".into(),
            path: String::new(),
            message: e.to_string(),
            fix: "none".into(),
        })?;
        Ok(out)
    }
    fn emit_into(&self, tree: &Tree<'_>, sink: &mut dyn Sink) -> Result<(), EmitError> {
        sink.file("manifest.json", b"{\"run\": 3}")?;
        for (i, s) in tree.stacks().iter().enumerate() {
            if self.fail_after_first && i == 1 {
                return Err(EmitError::Backend(BackendError {
                    backend: "streaming".into(),
                    path: tree.node(*s).id().into(),
                    message: "cannot".into(),
                    fix: "none".into(),
                }));
            }
            let name = format!("{}.template.json", tree.node(*s).id());
            sink.file(&name, b"{}")?;
        }
        Ok(())
    }
}

#[test]
fn synth_into_writes_the_index_last_and_removes_stale_templates() {
    let dir = fresh_dir("into");
    touch(&dir, &["Old.template.json", "manifest.json"]);
    touch(&dir, &USER_FILES);
    let diagnostics = app(&["A", "B"])
        .freeze()
        .synth_into(
            &Streaming {
                fail_after_first: false,
            },
            &dir,
        )
        .unwrap();
    assert!(diagnostics.is_empty());
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.extend([
        "A.template.json".into(),
        "B.template.json".into(),
        "manifest.json".into(),
    ]);
    expected.sort();
    assert_eq!(files(&dir), expected);
    assert_eq!(
        std::fs::read_to_string(dir.join("manifest.json")).unwrap(),
        "{\"run\": 3}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn synth_into_a_backend_failing_midway_leaves_no_assembly() {
    let dir = fresh_dir("into-fails");
    touch(&dir, &["Old.template.json", "manifest.json"]);
    touch(&dir, &USER_FILES);
    let err = app(&["A", "B"])
        .freeze()
        .synth_into(
            &Streaming {
                fail_after_first: true,
            },
            &dir,
        )
        .unwrap_err();
    assert!(matches!(err, SynthError::Backend(_)), "{err}");
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn synth_into_a_refused_synthesis_removes_last_runs_assembly() {
    let dir = fresh_dir("into-refused");
    touch(&dir, &["Demo.template.json", "manifest.json", "cdk.out"]);
    let mut bad = app(&["Demo"]);
    bad.add_pass("test/refuse", &[], |_, out| {
        out.push(Diagnostic::error("test/refuse", "Demo", "no", "none"))
    })
    .unwrap();
    let err = bad.freeze().synth_into(&Assembly, &dir).unwrap_err();
    assert!(err.report().is_some());
    assert!(files(&dir).is_empty(), "{:?}", files(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_in_parts_takes_other_files_meanwhile_in_a_folder_and_in_memory() {
    // Writes `tree.json` in two parts, a template and the manifest handed over between them.
    let mut write = |parts: &mut dyn PartSink| {
        parts.part(b"{\"tree\": ")?;
        parts.file("A.template.json", b"{}")?;
        parts.file("manifest.json", b"{\"run\": 4}")?;
        parts.part(b"1}")
    };
    let dir = fresh_dir("parts-meanwhile");
    touch(&dir, &["Old.template.json"]);
    let mut out = OutDir::open(&dir).unwrap();
    out.file_in_parts("tree.json", &mut write).unwrap();
    assert!(
        !dir.join("manifest.json").exists(),
        "the index is written last"
    );
    out.finish().unwrap();
    assert_eq!(
        files(&dir),
        ["A.template.json", "manifest.json", "tree.json"]
    );
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    assert_eq!(read("tree.json"), "{\"tree\": 1}");
    assert_eq!(read("A.template.json"), "{}");
    assert_eq!(read("manifest.json"), "{\"run\": 4}");
    std::fs::remove_dir_all(&dir).unwrap();

    // The default: the other files first, then the file joined.
    let mut artifacts: Vec<Artifact> = Vec::new();
    artifacts.file_in_parts("tree.json", &mut write).unwrap();
    let names: Vec<&str> = artifacts.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(names, ["A.template.json", "manifest.json", "tree.json"]);
    assert_eq!(artifacts[2].bytes, b"{\"tree\": 1}");
}

#[test]
fn a_file_in_parts_that_fails_leaves_no_temporary_file() {
    let dir = fresh_dir("parts-fails");
    let mut out = OutDir::open(&dir).unwrap();
    let failed = out.file_in_parts("tree.json", &mut |parts| {
        parts.part(b"{")?;
        parts.file("A.template.json", b"{}")?;
        Err(std::io::Error::other("refused"))
    });
    assert!(failed.is_err());
    drop(out);
    assert_eq!(files(&dir), ["A.template.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn synth_in_writes_the_callers_files_before_the_index_and_a_failure_leaves_no_assembly() {
    // Success: the caller's report goes in before `finish` writes the index.
    let dir = fresh_dir("in");
    touch(&dir, &["Old.template.json", "manifest.json", "Old.dot"]);
    touch(&dir, &USER_FILES);
    let tree = app(&["A", "B"]);
    let tree = tree.freeze();
    let mut out = OutDir::open(&dir).unwrap();
    let streaming = Streaming {
        fail_after_first: false,
    };
    assert!(tree.synth_in(&streaming, &mut out).unwrap().is_empty());
    assert!(!dir.join("manifest.json").exists(), "the index goes last");
    out.file("A.sarif", b"{}").unwrap();
    out.remove_file("Old.dot").unwrap();
    out.remove_file("Never.dot").unwrap();
    out.finish().unwrap();
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.extend([
        "A.sarif".into(),
        "A.template.json".into(),
        "B.template.json".into(),
        "manifest.json".into(),
    ]);
    expected.sort();
    assert_eq!(files(&dir), expected);

    // A backend failing midway: the folder holds no assembly, last run's nor this one's, and
    // `finish` writes no index.
    let mut out = OutDir::open(&dir).unwrap();
    let failing = Streaming {
        fail_after_first: true,
    };
    let err = tree.synth_in(&failing, &mut out).unwrap_err();
    assert!(matches!(err, SynthError::Backend(_)), "{err}");
    out.finish().unwrap();
    let mut expected: Vec<String> = USER_FILES.iter().map(|s| s.to_string()).collect();
    expected.push("A.sarif".into());
    expected.sort();
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}
