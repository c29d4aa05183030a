//! A failed call leaves nothing behind: `App::atomically` / `Scope::atomically` undo every change
//! of a call that returns `Err`.

use gs_core::*;

#[derive(Clone, Debug, PartialEq)]
struct Fact(&'static str);

#[derive(Clone, Debug, PartialEq)]
struct Side(u32);

/// Everything observable of an app: the DOT and the node data, the facts and attached data.
fn snapshot(app: &App) -> String {
    let mut out = String::new();
    for (id, n) in app.nodes() {
        out += &format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?}\n",
            app.path(id).unwrap(),
            n.kind(),
            n.children(),
            n.own_tags(),
            n.dependencies(),
            n.acknowledgements(),
            app.attached::<Side>(id),
        );
    }
    out += &format!("{:?}\n{:?}\n", app.stacks(), app.facts::<Fact>());
    let all: Vec<_> = app.all_attached::<Side>().collect();
    out += &format!("{all:?}\n");
    if let Ok(s) = app.synth(&DotBackend) {
        for a in s.artifacts {
            out += &String::from_utf8_lossy(&a.bytes);
        }
    }
    out
}

fn fail() -> Result<(), TreeError> {
    Err(TreeError::TooManyNodes(0))
}

#[test]
fn a_failed_call_undoes_every_kind_of_change() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let group = s.add_group("Files").unwrap();
    let topic = s
        .resource::<RawResource>(
            "Topic",
            Resource::new("AWS::SNS::Topic")
                .property("DisplayName", "t")
                .tagged(),
        )
        .unwrap();
    let key = s
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    app.tag(topic, "Team", "media").unwrap();
    app.add_fact(Fact("before"));
    app.attach(topic, Side(1)).unwrap();
    let before = snapshot(&app);

    let result = app.atomically(|app| {
        // New nodes, under a new and an old parent.
        let mut s = app.at(stack)?;
        let mut g = s.group("Cache")?;
        g.resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue"))?;
        app.at(group)?
            .resource::<RawResource>("Inner", Resource::new("AWS::SNS::Topic"))?;
        app.stack("Second", StackProps::default())?;
        // Changes to old nodes.
        app.tag(topic, "Team", "ops")?;
        app.tag(stack, "Env", "dev")?;
        app.add_dependency(topic, key, "test")?;
        app.acknowledge(topic, &ANY, "test")?;
        let r = app.resource_mut(topic)?;
        r.properties.insert("DisplayName", "changed");
        r.properties.insert("FifoTopic", true);
        r.removal_policy = Some(RemovalPolicy::Retain);
        app.override_logical_id(key, "Renamed")?;
        // Facts and attached data: pushed, replaced, changed in place, new.
        app.add_fact(Fact("during"));
        app.attach(topic, Side(2))?;
        if let Some(side) = app.attached_mut::<Side>(topic) {
            side.0 = 3;
        }
        app.attach(key, Side(4))?;
        fail()
    });
    assert!(result.is_err());
    assert_eq!(snapshot(&app), before);
    // The ids are free again.
    let mut s = app.at(stack).unwrap();
    s.group("Cache").unwrap();
    app.stack("Second", StackProps::default()).unwrap();
}

#[test]
fn a_call_that_succeeds_keeps_its_changes_and_an_inner_failure_undoes_only_its_own() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let outcome = app.atomically(|app| -> Result<(), TreeError> {
        let topic = app
            .at(stack)?
            .resource::<RawResource>("Kept", Resource::new("AWS::SNS::Topic"))?;
        app.add_fact(Fact("kept"));
        let inner = app.atomically(|app| {
            app.at(stack)?
                .resource::<RawResource>("Dropped", Resource::new("AWS::SNS::Topic"))?;
            app.add_fact(Fact("dropped"));
            app.tag(topic, "Inner", "yes")?;
            fail()
        });
        assert!(inner.is_err());
        app.tag(topic, "Outer", "yes")?;
        Ok(())
    });
    outcome.unwrap();
    let ids: Vec<&str> = app.nodes().map(|(_, n)| n.id()).collect();
    assert_eq!(ids, ["Demo", "Kept"]);
    assert_eq!(app.facts::<Fact>(), [Fact("kept")]);
    let kept = app.node(app.node(stack).unwrap().children()[0]).unwrap();
    assert_eq!(kept.own_tags(), [("Outer".to_string(), "yes".to_string())]);
}

#[test]
fn an_outer_failure_undoes_what_a_successful_inner_call_did() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let topic = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic").tagged())
        .unwrap();
    let before = snapshot(&app);
    let outcome = app.atomically(|app| {
        app.atomically(|app| -> Result<(), TreeError> {
            app.tag(topic, "Inner", "yes")?;
            app.at(stack)?
                .resource::<RawResource>("New", Resource::new("AWS::SNS::Topic"))?;
            app.add_fact(Fact("inner"));
            Ok(())
        })?;
        app.tag(topic, "Outer", "yes")?;
        fail()
    });
    assert!(outcome.is_err());
    assert_eq!(snapshot(&app), before);
}

#[test]
fn a_scope_call_that_fails_part_way_leaves_no_group_behind() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    s.resource::<RawResource>("Taken", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let err = s
        .atomically(|s| {
            let mut g = s.group("Storage")?;
            g.resource::<RawResource>("Bucket", Resource::new("AWS::S3::Bucket"))?;
            s.resource::<RawResource>("Taken", Resource::new("AWS::SNS::Topic"))
        })
        .unwrap_err();
    assert!(matches!(err, TreeError::DuplicateId { .. }));
    let ids: Vec<&str> = app.nodes().map(|(_, n)| n.id()).collect();
    assert_eq!(ids, ["Demo", "Taken"]);
}

const ANY: Rule = Rule {
    id: "x/y",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "Test.",
    why: "Test.",
    fix: "none",
};

#[test]
fn a_failed_call_takes_back_the_conditions_mappings_and_passes_it_added() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let before = snapshot(&app);
    let result = app.atomically(|app| {
        app.add_condition(
            stack,
            "IsProd",
            Value::Equals(Box::new(Value::from("a")), Box::new(Value::from("b"))),
        )?;
        app.add_mapping(
            stack,
            "Sizes",
            ValueMap::new().with("Prod", ValueMap::new().with("Size", "large")),
        )?;
        app.add_pass("team/check", &[], |_, _| {})?;
        fail()
    });
    assert!(result.is_err());
    assert_eq!(snapshot(&app), before);
    assert_eq!(app.pass_names().count(), 0);
    // Declaring them again is not refused as a repeat.
    app.add_condition(
        stack,
        "IsProd",
        Value::Equals(Box::new(Value::from("a")), Box::new(Value::from("b"))),
    )
    .unwrap();
    app.add_pass("team/check", &[], |_, _| {}).unwrap();
}

#[test]
fn a_resource_refused_for_having_no_logical_id_is_not_left_in_the_tree() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    assert!(matches!(
        s.resource::<RawResource>("Default", Resource::new("AWS::SNS::Topic")),
        Err(TreeError::NoLogicalId { .. })
    ));
    assert!(matches!(
        s.output("Default", Output::new(Value::from("x"))),
        Err(TreeError::NoLogicalId { .. })
    ));
    assert_eq!(app.len(), 1, "only the stack");
}

#[test]
fn a_call_that_panics_is_undone_and_leaves_the_journal_idle() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let before = snapshot(&app);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Result<(), TreeError> = app.atomically(|app| {
            app.at(stack)?
                .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
            panic!("a bug in a construct");
        });
    }));
    assert!(caught.is_err());
    assert_eq!(snapshot(&app), before);
    // Later changes outside any call are not journaled (and so not undone by a later failure).
    app.at(stack)
        .unwrap()
        .resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue"))
        .unwrap();
    let failed: Result<(), TreeError> = app.atomically(|_| fail());
    assert!(failed.is_err());
    assert_eq!(app.len(), 2, "the stack and the queue");
}

#[test]
fn appends_undone_in_place_interleave_with_snapshots_of_the_same_node() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let topic = s
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic").tagged())
        .unwrap();
    let key = s
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    let queue = s
        .resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue"))
        .unwrap();
    app.tag(topic, "Team", "media").unwrap();
    app.tag(topic, "Env", "dev").unwrap();
    app.add_dependency(topic, queue, "before").unwrap();
    let before = snapshot(&app);

    let result = app.atomically(|app| {
        // Appended and replaced before the node is snapshotted, then after it.
        app.tag(topic, "Team", "ops")?;
        app.tag(topic, "New", "1")?;
        app.add_dependency(topic, key, "first")?;
        app.add_dependency(topic, key, "the same target: no change")?;
        app.resource_mut(topic)?
            .properties
            .insert("DisplayName", "changed");
        app.tag(topic, "Env", "prod")?;
        app.tag(topic, "Later", "2")?;
        app.atomically(|app| {
            app.tag(topic, "Team", "inner")?;
            app.add_dependency(key, queue, "inner")?;
            Ok::<(), TreeError>(())
        })?;
        app.tag(topic, "New", "3")?;
        fail()
    });
    assert!(result.is_err());
    assert_eq!(snapshot(&app), before);
}
