//! The DOT backend's exact output: clusters for groups (nested, closed in order), boxes for
//! resources, solid edges for references (repeats once), dashed edges for dependencies, and
//! quotes and backslashes in ids and reasons escaped.

use gs_core::{App, DotBackend, Output, RawResource, Resource, StackProps, Value};

fn dot(app: &App) -> Vec<(String, String)> {
    let out = app.synth(&DotBackend).expect("synthesizes");
    out.artifacts
        .into_iter()
        .map(|a| (a.file_name, String::from_utf8(a.bytes).expect("UTF-8")))
        .collect()
}

#[test]
fn the_picture_is_written_byte_for_byte() -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let mut s = app.at(stack)?;
    let topic = {
        let mut files = s.group("Files \"A\"")?;
        let mut inner = files.group("In\\ner")?;
        inner.resource::<RawResource>("Topic\"1", Resource::new("AWS::SNS::Topic"))?
    };
    let other = s.group("Other")?.add_group("Empty")?;
    let queue = s.resource::<RawResource>(
        "Queue",
        Resource::new("AWS::SQS::Queue")
            .property("A", Value::Ref(topic.node()))
            .property("B", Value::GetAtt(topic.node(), "Arn".into()))
            .property("C", Value::Ref(topic.node())),
    )?;
    s.output(
        "Arn",
        Output::new(Value::GetAtt(queue.node(), "Arn".into())),
    )?;
    app.add_dependency(queue, topic, "a \"quoted\" \\ reason")?;
    app.add_dependency(other, queue, "groups too")?;
    let second = app.stack("Second", StackProps::default())?;
    app.at(second)?.resource::<RawResource>(
        "Bucket",
        // A reference into the other stack: its path comes from there.
        Resource::new("AWS::S3::Bucket").property("Q", Value::Ref(queue.node())),
    )?;

    let files = dot(&app);
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].0, "Demo.dot");
    assert_eq!(
        files[0].1,
        r#"digraph "Demo" {
  rankdir=LR;
  node [shape=box];
  subgraph "cluster_Demo/Files \"A\"" {
  label="Files \"A\"";
  subgraph "cluster_Demo/Files \"A\"/In\\ner" {
  label="In\\ner";
  "Demo/Files \"A\"/In\\ner/Topic\"1" [label="Topic\"1\nAWS::SNS::Topic"];
  }
  }
  subgraph "cluster_Demo/Other" {
  label="Other";
  subgraph "cluster_Demo/Other/Empty" {
  label="Empty";
  }
  }
  "Demo/Queue" [label="Queue\nAWS::SQS::Queue"];
  "Demo/Queue" -> "Demo/Files \"A\"/In\\ner/Topic\"1";
  "Demo/Queue" -> "Demo/Files \"A\"/In\\ner/Topic\"1" [style=dashed, label="a \"quoted\" \\ reason"];
  "Demo/Arn" -> "Demo/Queue";
}
"#
    );
    assert_eq!(files[1].0, "Second.dot");
    assert_eq!(
        files[1].1,
        "digraph \"Second\" {\n  rankdir=LR;\n  node [shape=box];\n  \"Second/Bucket\" [label=\"Bucket\\nAWS::S3::Bucket\"];\n  \"Second/Bucket\" -> \"Demo/Queue\";\n}\n"
    );
    Ok(())
}

/// With nothing to escape in any path, the tree's own paths are written (the fast way): the
/// same picture as the escaping way would draw.
#[test]
fn a_picture_without_anything_to_escape_names_every_path_in_full(
) -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Plain", StackProps::default())?;
    let mut s = app.at(stack)?;
    let topic = s
        .group("Files")?
        .group("Inner")?
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
    s.resource::<RawResource>(
        "Queue",
        Resource::new("AWS::SQS::Queue").property("A", Value::Ref(topic.node())),
    )?;
    let files = dot(&app);
    assert_eq!(
        files,
        [(
            "Plain.dot".to_owned(),
            "digraph \"Plain\" {\n  rankdir=LR;\n  node [shape=box];\n  subgraph \"cluster_Plain/Files\" {\n  label=\"Files\";\n  subgraph \"cluster_Plain/Files/Inner\" {\n  label=\"Inner\";\n  \"Plain/Files/Inner/Topic\" [label=\"Topic\\nAWS::SNS::Topic\"];\n  }\n  }\n  \"Plain/Queue\" [label=\"Queue\\nAWS::SQS::Queue\"];\n  \"Plain/Queue\" -> \"Plain/Files/Inner/Topic\";\n}\n"
                .to_owned()
        )]
    );
    Ok(())
}
