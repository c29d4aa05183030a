//! `CfnBackend::emit_into` hands over the same files as `emit`, byte for byte and in the same
//! order, `tree.json` in parts when it is large.

use gs_cfn::CfnBackend;
use gs_core::{App, Backend, RawResource, Resource, Sink, StackProps, Value};

/// Records each file, and how many parts it came in.
#[derive(Default)]
struct Record {
    files: Vec<(String, Vec<u8>, usize)>,
}

impl Sink for Record {
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.files.push((file_name.into(), bytes.to_vec(), 1));
        Ok(())
    }

    fn file_in_parts(
        &mut self,
        file_name: &str,
        write: &mut gs_core::Parts<'_>,
    ) -> std::io::Result<()> {
        let mut parts = Parts {
            record: self,
            bytes: Vec::new(),
            parts: 0,
        };
        write(&mut parts)?;
        let (bytes, parts) = (parts.bytes, parts.parts);
        self.files.push((file_name.into(), bytes, parts));
        Ok(())
    }
}

/// A file being handed over in parts; other files are recorded meanwhile.
struct Parts<'r> {
    record: &'r mut Record,
    bytes: Vec<u8>,
    parts: usize,
}

impl gs_core::PartSink for Parts<'_> {
    fn part(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.bytes.extend_from_slice(bytes);
        self.parts += 1;
        Ok(())
    }
    fn file(&mut self, file_name: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.record.file(file_name, bytes)
    }
}

#[test]
fn emit_into_hands_over_what_emit_returns_tree_json_in_parts() {
    let mut app = App::new();
    for s in ["One", "Two"] {
        let stack = app.stack(s, StackProps::default()).unwrap();
        let mut scope = app.at(stack).unwrap();
        for i in 0..150 {
            scope
                .resource::<RawResource>(
                    &format!("Topic{i}"),
                    Resource::new("AWS::SNS::Topic")
                        .property(
                            "DisplayName",
                            Value::from(format!("topic number {i} of {s}")),
                        )
                        .property("FifoTopic", Value::from(i % 2 == 0)),
                )
                .unwrap();
        }
    }
    let tree = app.freeze();
    let backend = CfnBackend::default();
    let whole = backend.emit(&tree).unwrap();
    let mut record = Record::default();
    backend.emit_into(&tree, &mut record).unwrap();
    let names = |v: Vec<&str>| v.join(",");
    assert_eq!(
        names(record.files.iter().map(|f| f.0.as_str()).collect()),
        names(whole.iter().map(|a| a.file_name.as_str()).collect())
    );
    for (a, (name, bytes, _)) in whole.iter().zip(&record.files) {
        assert!(a.bytes == *bytes, "{name} differs");
    }
    let tree_json = record.files.iter().find(|f| f.0 == "tree.json").unwrap();
    assert!(tree_json.1.len() > 64 * 1024, "{}", tree_json.1.len());
    assert!(tree_json.2 > 1, "tree.json came whole");
}
