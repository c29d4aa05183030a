//! Values checked wherever they enter: depth, finite numbers, references of this app only, tags
//! AWS accepts. A value that cannot be written is refused with its path, never a stack overflow.

use gs_core::*;

/// A list nested `levels` deep around a string.
fn nested(levels: usize) -> Value {
    let mut v = Value::from("leaf");
    for _ in 0..levels {
        v = Value::List(vec![v]);
    }
    v
}

/// Runs `f` on a thread with a 2 MiB stack (the size of a spawned thread's default stack), so
/// that a recursive walk of a 10,000-level value would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow")
}

fn rules_of(e: &SynthError) -> Vec<(String, String)> {
    e.report()
        .map(|r| {
            r.0.iter()
                .map(|d| (d.rule.clone(), d.path.clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_10000_level_value_put_in_through_resource_mut_is_refused_at_synthesis_with_its_path() {
    let found = on_small_stack(|| {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let topic = app
            .at(stack)
            .unwrap()
            .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        app.resource_mut(topic)
            .unwrap()
            .properties
            .insert("DisplayName", nested(10_000));
        let err = app.synth(&DotBackend).unwrap_err();
        let findings = rules_of(&err);
        assert!(app
            .validate(&DotBackend)
            .iter()
            .any(|d| d.rule == "core/invalid-value"));
        // The deep value is freed without recursion depth trouble too (by the App's drop).
        drop(app);
        findings
    });
    assert_eq!(
        found,
        [("core/invalid-value".to_string(), "Demo/Topic".to_string())]
    );
}

#[test]
fn a_200000_level_value_refused_at_the_call_or_at_synthesis_is_dropped_without_overflow() {
    let refused = on_small_stack(|| {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let topic = app
            .at(stack)
            .unwrap()
            .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        // Refused at the call: the refused value is dropped inside it.
        let at_call = app
            .set_property(topic, "DisplayName", nested(200_000))
            .is_err();
        // Put in through the escape hatch: refused at synthesis, dropped with the app.
        app.resource_mut(topic)
            .unwrap()
            .properties
            .insert("DisplayName", nested(200_000));
        let at_synth = app.synth(&DotBackend).is_err();
        drop(app);
        (at_call, at_synth)
    });
    assert_eq!(refused, (true, true));
}

#[test]
fn a_10000_level_parameter_default_is_refused_at_the_call_with_its_path() {
    let err = on_small_stack(|| {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut p = Parameter::new("String");
        p.default = Some(nested(10_000));
        app.at(stack).unwrap().parameter("Env", p).unwrap_err()
    });
    assert_eq!(
        err,
        TreeError::ValueTooDeep {
            path: "Demo/Env".into(),
            max: MAX_VALUE_DEPTH
        }
    );
}

#[test]
fn a_10000_level_allowed_value_and_import_attribute_are_refused_at_the_call() {
    let (param, import) = on_small_stack(|| {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let mut s = app.at(stack).unwrap();
        let mut p = Parameter::new("String");
        p.allowed_values = vec!["a".into(), nested(10_000)];
        let param = s.parameter("Env", p).unwrap_err();
        let import = s
            .import::<()>(
                "Logs",
                Import {
                    type_name: "AWS::Logs::LogGroup".into(),
                    attributes: ValueMap::new().with("Ref", nested(10_000)),
                },
            )
            .unwrap_err();
        (param, import)
    });
    assert!(matches!(param, TreeError::ValueTooDeep { path, .. } if path == "Demo/Env"));
    assert!(matches!(import, TreeError::ValueTooDeep { path, .. } if path == "Demo/Logs"));
}

#[test]
fn a_reference_of_another_app_in_a_parameter_default_is_refused_at_the_call() {
    let mut other = App::new();
    let other_stack = other.stack("Other", StackProps::default()).unwrap();
    let foreign = other
        .at(other_stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut p = Parameter::new("String");
    p.default = Some(Value::Ref(foreign.node()));
    let err = app.at(stack).unwrap().parameter("Env", p).unwrap_err();
    assert_eq!(
        err,
        TreeError::ForeignHandle {
            context: "Demo/Env".into()
        }
    );
    let mut p = Parameter::new("String");
    p.default = Some("local".into());
    app.at(stack).unwrap().parameter("Env", p).unwrap();
}

#[test]
fn an_import_attribute_that_refers_to_a_construct_is_refused_and_a_literal_one_accepted() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let topic = s
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let err = s
        .import::<()>(
            "Logs",
            Import {
                type_name: "AWS::Logs::LogGroup".into(),
                attributes: ValueMap::new().with("Ref", Value::Ref(topic.node())),
            },
        )
        .unwrap_err();
    assert!(matches!(err, TreeError::WrongKind { path, .. } if path == "Demo/Logs"));
    s.import::<()>(
        "Logs",
        Import {
            type_name: "AWS::Logs::LogGroup".into(),
            attributes: ValueMap::new()
                .with("Ref", "/app/logs")
                .with("Arn", Value::sub("arn:${AWS::Partition}:logs:::/app/logs")),
        },
    )
    .unwrap();
}

#[test]
fn an_import_attribute_counts_where_the_reference_to_it_is_written() {
    // The backend writes the import's attribute in place of each reference to it: a shallow
    // reference to a deep attribute is as deep as both together.
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let logs = s
        .import::<()>(
            "Logs",
            Import {
                type_name: "AWS::Logs::LogGroup".into(),
                attributes: ValueMap::new().with("Ref", nested(100)),
            },
        )
        .unwrap();
    let mut around = Value::Ref(logs.node());
    for _ in 0..40 {
        around = Value::List(vec![around]);
    }
    let err = s
        .resource::<RawResource>(
            "Topic",
            Resource::new("AWS::SNS::Topic").property("DisplayName", around),
        )
        .unwrap_err();
    assert!(matches!(err, TreeError::ValueTooDeep { path, .. } if path == "Demo/Topic"));
}

#[test]
fn a_number_json_cannot_hold_put_in_through_resource_mut_is_a_finding_not_a_backend_error() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let alarm = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Alarm", Resource::new("AWS::CloudWatch::Alarm"))
        .unwrap();
    app.resource_mut(alarm)
        .unwrap()
        .properties
        .insert("Threshold", f64::INFINITY);
    let err = app.synth(&DotBackend).unwrap_err();
    assert_eq!(
        rules_of(&err),
        [("core/invalid-value".to_string(), "Demo/Alarm".to_string())]
    );
    let finding = &err.report().unwrap().0[0];
    assert!(finding.message.contains("inf"), "{finding}");
    app.resource_mut(alarm)
        .unwrap()
        .properties
        .insert("Threshold", 90.5);
    app.synth(&DotBackend).unwrap();
}

#[test]
fn a_reference_of_another_app_put_in_through_resource_mut_is_refused_at_synthesis() {
    let mut other = App::new();
    let other_stack = other.stack("Other", StackProps::default()).unwrap();
    let foreign = other
        .at(other_stack)
        .unwrap()
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let topic = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    app.resource_mut(topic)
        .unwrap()
        .properties
        .insert("KmsMasterKeyId", Value::Ref(foreign.node()));
    let err = app.synth(&DotBackend).unwrap_err();
    assert_eq!(
        rules_of(&err),
        [(
            "core/dangling-reference".to_string(),
            "Demo/Topic".to_string()
        )]
    );
}

#[test]
fn a_reference_of_another_app_written_through_resource_mut_inside_atomically_is_refused_at_the_call(
) {
    let mut other = App::new();
    let other_stack = other.stack("Other", StackProps::default()).unwrap();
    let foreign = other
        .at(other_stack)
        .unwrap()
        .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
        .unwrap();
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let topic = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let err = app
        .atomically(|app| -> Result<(), TreeError> {
            app.resource_mut(topic)?
                .properties
                .insert("KmsMasterKeyId", Value::Ref(foreign.node()));
            Ok(())
        })
        .unwrap_err();
    assert_eq!(
        err,
        TreeError::ForeignHandle {
            context: "Demo/Topic".into()
        }
    );
    // Rolled back: the property is gone and the app synthesizes.
    let props = &app.node(topic).unwrap().as_resource().unwrap().properties;
    assert!(props.is_empty());
    app.synth(&DotBackend).unwrap();
}

#[test]
fn references_of_a_10000_level_value_are_found_without_overflow() {
    let count = on_small_stack(|| {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let key = app
            .at(stack)
            .unwrap()
            .resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))
            .unwrap();
        let mut v = Value::Ref(key.node());
        for _ in 0..10_000 {
            v = Value::List(vec![v, Value::GetAtt(key.node(), "Arn".into())]);
        }
        let mut n = 0;
        v.for_each_reference(&mut |_| n += 1);
        n
    });
    assert_eq!(count, 10_001);
}

#[test]
fn references_come_in_order_however_deep_the_value() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let ids: Vec<NodeId> = (0..3)
        .map(|i| {
            s.resource::<RawResource>(&format!("K{i}"), Resource::new("AWS::KMS::Key"))
                .unwrap()
                .node()
        })
        .collect();
    // [K0, [[...[K1]...]], K2] with K1 past the recursion threshold.
    let mut deep = Value::Ref(ids[1]);
    for _ in 0..MAX_VALUE_DEPTH + 10 {
        deep = Value::List(vec![deep]);
    }
    let v = Value::List(vec![Value::Ref(ids[0]), deep, Value::Ref(ids[2])]);
    let mut seen = Vec::new();
    v.for_each_reference(&mut |n| seen.push(n));
    assert_eq!(seen, ids);
}

fn tag_error(key: &str, value: &str) -> Option<TreeError> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    app.tag(stack, key, value).err()
}

#[test]
fn tags_with_characters_aws_refuses_are_refused_with_the_path_and_a_fix() {
    let nul = tag_error("Team\0", "media").expect("NUL in a key");
    assert_eq!(
        nul,
        TreeError::InvalidTagCharacter {
            path: "Demo".into(),
            key: "Team\0".into(),
            part: "key",
            character: '\0'
        }
    );
    assert_eq!(
        nul.to_string(),
        "Demo: tag \"Team\\0\" has '\\0' in its key, which AWS refuses in tags; fix: use only letters, digits, spaces and `_ . : / = + - @` (AWS's tag character set)"
    );
    for (key, value, part, c) in [
        ("Team", "a\nb", "value", '\n'),
        ("Team", "tab\there", "value", '\t'),
        ("Cost#Center", "x", "key", '#'),
        ("Team", "media&ops", "value", '&'),
        ("Owner", "\u{7f}", "value", '\u{7f}'),
    ] {
        assert_eq!(
            tag_error(key, value),
            Some(TreeError::InvalidTagCharacter {
                path: "Demo".into(),
                key: key.into(),
                part,
                character: c
            }),
            "{key:?} = {value:?}"
        );
    }
    assert!(matches!(
        tag_error("AWS:cost", "x"),
        Some(TreeError::InvalidTag { .. })
    ));
    assert!(matches!(
        tag_error(&"k".repeat(129), "x"),
        Some(TreeError::InvalidTag { .. })
    ));
    assert!(matches!(
        tag_error("k", &"v".repeat(257)),
        Some(TreeError::InvalidTag { .. })
    ));
}

#[test]
fn tags_in_aws_character_set_are_accepted() {
    for (key, value) in [
        ("Compliance", "LGPD"),
        ("cost-center/team_a.b:c", "x=y+z@example.com"),
        ("Região", "São Paulo 1"),
        ("empty", ""),
        (&*"k".repeat(128), &*"v".repeat(256)),
        ("awsome", "aws:allowed-in-values"),
    ] {
        assert_eq!(tag_error(key, value), None, "{key:?} = {value:?}");
    }
}
