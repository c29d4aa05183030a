//! The construct tree: ids, paths, handles, tags, dependencies, acknowledgements and synthesis.

use gs_core::*;

fn app_with_stack() -> (App, Handle<Stack>) {
    let mut app = App::new();
    let stack = app.stack("TapStackdev", StackProps::default()).unwrap();
    (app, stack)
}

fn topic(s: &mut Scope<'_>, id: &str) -> Handle<RawResource> {
    s.resource(id, Resource::new("AWS::SNS::Topic").tagged())
        .unwrap()
}

#[test]
fn path_of_a_nested_resource_joins_the_ids_from_the_stack_down() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let mut storage = s.group("Storage").unwrap();
    let mut fs = storage.group("ContentFileSystem").unwrap();
    let r = topic(&mut fs, "Resource");
    assert_eq!(
        app.path(r).unwrap(),
        "TapStackdev/Storage/ContentFileSystem/Resource"
    );
}

#[test]
fn duplicate_sibling_id_is_an_error_naming_the_parent_path() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let mut g = s.group("Storage").unwrap();
    topic(&mut g, "Files");
    let err = g
        .resource::<RawResource>("Files", Resource::new("AWS::SNS::Topic"))
        .unwrap_err();
    assert_eq!(
        err,
        TreeError::DuplicateId {
            parent: "TapStackdev/Storage".into(),
            id: "Files".into()
        }
    );
    assert!(err.to_string().contains("fix:"));
}

#[test]
fn the_same_id_under_different_parents_is_fine() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    topic(&mut s.group("A").unwrap(), "Resource");
    topic(&mut s.group("B").unwrap(), "Resource");
    assert_eq!(app.len(), 5);
}

#[test]
fn empty_ids_and_ids_with_a_slash_are_refused() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    assert!(matches!(s.group(""), Err(TreeError::InvalidId { .. })));
    assert!(matches!(s.group("a/b"), Err(TreeError::InvalidId { .. })));
    assert!(matches!(
        app.stack("9lives", StackProps::default()),
        Err(TreeError::InvalidStackName { .. })
    ));
    assert!(matches!(
        app.stack("TapStackdev", StackProps::default()),
        Err(TreeError::DuplicateId { .. })
    ));
}

#[test]
fn a_region_or_account_aws_would_not_recognise_is_refused_and_adds_no_stack() {
    let mut app = App::new();
    for region in ["", "US-EAST-1", "us-east-1 ", "mars-1", "us_east_1"] {
        let e = app
            .stack(
                "Demo",
                StackProps {
                    region: Some(region.into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                e,
                TreeError::InvalidEnvironment {
                    field: "region",
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().starts_with("stack `Demo`: the region"), "{e}");
        assert!(e.to_string().contains("fix: "), "{e}");
    }
    for account in ["", "12345", "12345678901a"] {
        let e = app
            .stack(
                "Demo",
                StackProps {
                    account: Some(account.into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(
            matches!(
                e,
                TreeError::InvalidEnvironment {
                    field: "account",
                    ..
                }
            ),
            "{e}"
        );
    }
    assert!(app.stacks().is_empty());
    for region in [
        "us-east-1",
        "us-gov-west-1",
        "ap-southeast-5",
        "cn-north-1",
        "eusc-de-east-1",
    ] {
        let props = StackProps {
            region: Some(region.into()),
            account: Some("123456789012".into()),
            ..Default::default()
        };
        assert!(
            app.stack(&format!("S{}", app.stacks().len()), props)
                .is_ok(),
            "{region}"
        );
    }
}

#[test]
fn a_handle_from_another_app_is_refused() {
    let (mut a, stack_a) = app_with_stack();
    let (mut b, _) = app_with_stack();
    let t = topic(&mut a.at(stack_a).unwrap(), "T");
    assert!(matches!(b.path(t), Err(TreeError::ForeignHandle { .. })));
    assert!(matches!(
        b.at(stack_a),
        Err(TreeError::ForeignHandle { .. })
    ));
}

#[test]
fn a_reference_to_another_apps_node_is_refused_when_the_resource_is_added() {
    let (mut a, stack_a) = app_with_stack();
    let (mut b, stack_b) = app_with_stack();
    let t = topic(&mut a.at(stack_a).unwrap(), "T");
    let err = b
        .at(stack_b)
        .unwrap()
        .resource::<RawResource>(
            "Sub",
            Resource::new("AWS::SNS::Subscription").property("TopicArn", Value::Ref(t.node())),
        )
        .unwrap_err();
    assert_eq!(
        err,
        TreeError::ForeignHandle {
            context: "TapStackdev/Sub".into()
        }
    );
}

#[test]
fn a_resource_whose_path_below_the_stack_is_only_default_is_refused() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let err = s
        .group("Default")
        .unwrap()
        .resource::<RawResource>("Default", Resource::new("AWS::SNS::Topic"))
        .unwrap_err();
    assert!(matches!(err, TreeError::NoLogicalId { .. }));
}

#[test]
fn tags_are_inherited_and_a_lower_setting_of_a_key_wins() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let mut g = s.group("Cache").unwrap();
    let t = topic(&mut g, "Resource");
    let group = g.node();
    app.tag(stack, "Environment", "dev").unwrap();
    app.tag(stack, "Purpose", "streaming").unwrap();
    app.tag(group, "Purpose", "cache").unwrap();
    let tree = app.freeze();
    assert_eq!(
        tree.tags(t.node()),
        vec![("Environment", "dev"), ("Purpose", "cache")]
    );
}

#[test]
fn a_dependency_on_a_group_expands_to_every_resource_below_it() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let mut targets = s.group("MountTargets").unwrap();
    let a = topic(&mut targets, "A");
    let b = topic(&mut targets, "B");
    let group = targets.node();
    let service = topic(&mut s, "Service");
    app.add_dependency(service, group, "mounts need every mount target")
        .unwrap();
    let tree = app.freeze();
    assert_eq!(tree.depends_on(service.node()), &[a.node(), b.node()]);
}

#[test]
fn dependencies_expanded_one_after_another_each_name_only_their_own_resources() {
    // Groups as sources and targets, then a resource with one dependency: each expansion
    // starts afresh, whatever the one before it found.
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let mut sources = s.group("Sources").unwrap();
    let a = topic(&mut sources, "Resource");
    let mut inner = sources.group("Default").unwrap();
    let b = topic(&mut inner, "B");
    let sources = sources.node();
    let mut targets = s.group("Targets").unwrap();
    let c = topic(&mut targets, "C");
    let d = topic(&mut targets, "D");
    let targets = targets.node();
    let e = topic(&mut s, "E");
    let f = topic(&mut s, "F");
    app.add_dependency(sources, targets, "x").unwrap();
    app.add_dependency(sources, e, "y").unwrap();
    app.add_dependency(f, e, "z").unwrap();
    let tree = app.freeze();
    let want = [c.node(), d.node(), e.node()];
    assert_eq!(tree.depends_on(a.node()), &want);
    assert_eq!(tree.depends_on(b.node()), &want);
    assert_eq!(tree.depends_on(f.node()), &[e.node()]);
    assert_eq!(tree.resources_below(sources), [a.node(), b.node()]);
    assert_eq!(tree.node(a.node()).id(), "Resource");
    assert_eq!(tree.path_str(b.node()), "TapStackdev/Sources/Default/B");
}

#[test]
fn a_dependency_cycle_fails_synthesis_and_prints_the_cycle_as_paths() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let a = topic(&mut s, "A");
    let b = s
        .resource::<RawResource>(
            "B",
            Resource::new("AWS::SNS::Subscription").property("TopicArn", Value::Ref(a.node())),
        )
        .unwrap();
    app.add_dependency(a, b, "made up").unwrap();
    let err = app.synth(&DotBackend).unwrap_err();
    let report = err.report().unwrap();
    let cycle = report
        .0
        .iter()
        .find(|d| d.rule == "core/dependency-cycle")
        .unwrap();
    assert!(
        cycle
            .message
            .contains("TapStackdev/A -> TapStackdev/B -> TapStackdev/A"),
        "{}",
        cycle.message
    );
}

#[test]
fn two_resources_with_one_logical_id_fail_synthesis() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let a = topic(&mut s, "A");
    let b = topic(&mut s, "B");
    app.override_logical_id(b, "A").unwrap();
    let err = app.synth(&DotBackend).unwrap_err();
    assert!(err
        .report()
        .unwrap()
        .has("core/duplicate-logical-id", "TapStackdev/B"));
    let _ = a;
    assert!(matches!(
        app.override_logical_id(a, "not-valid"),
        Err(TreeError::InvalidLogicalId { .. })
    ));
}

#[test]
fn a_reference_into_a_stack_of_another_region_is_dangling() {
    // (Within one account and Region a reference is exported and imported: tests/stacks.rs.)
    let mut app = App::new();
    let one = app.stack("One", StackProps::default()).unwrap();
    let two = app
        .stack(
            "Two",
            StackProps {
                region: Some("eu-west-1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let t = topic(&mut app.at(one).unwrap(), "T");
    app.at(two)
        .unwrap()
        .resource::<RawResource>(
            "Sub",
            Resource::new("AWS::SNS::Subscription").property("TopicArn", Value::Ref(t.node())),
        )
        .unwrap();
    let err = app.synth(&DotBackend).unwrap_err();
    assert!(err
        .report()
        .unwrap()
        .has("core/dangling-reference", "Two/Sub"));
}

#[test]
fn synthesis_reports_every_error_at_once_sorted_by_path() {
    let (mut app, stack) = app_with_stack();
    app.add_pass("test/two-errors", &[], |tree, out| {
        for &s in tree.stacks() {
            out.push(Diagnostic::error(
                "test/z",
                format!("{}/Z", tree.path(s)),
                "z",
                "fix z",
            ));
            out.push(Diagnostic::error(
                "test/a",
                format!("{}/A", tree.path(s)),
                "a",
                "fix a",
            ));
        }
    })
    .unwrap();
    let _ = stack;
    let err = app.synth(&DotBackend).unwrap_err();
    let paths: Vec<&str> = err
        .report()
        .unwrap()
        .0
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(paths, ["TapStackdev/A", "TapStackdev/Z"]);
}

#[test]
fn an_acknowledged_error_does_not_block_and_keeps_its_reason() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let t = topic(&mut s, "T");
    app.add_pass("test/always", &[ALWAYS], move |tree, out| {
        out.push(ALWAYS.at(t.node(), tree.path(t.node()), "always"));
    })
    .unwrap();
    assert!(app.synth(&DotBackend).is_err());
    assert!(matches!(
        app.acknowledge(stack, &ALWAYS, "  "),
        Err(TreeError::MissingReason { .. })
    ));
    app.acknowledge(stack, &ALWAYS, "test environment").unwrap();
    let out = app.synth(&DotBackend).unwrap();
    assert_eq!(
        out.diagnostics[0].acknowledged.as_deref(),
        Some("test environment")
    );
}

#[test]
fn warnings_come_back_with_a_successful_synthesis() {
    let (mut app, _) = app_with_stack();
    app.add_pass("test/warn", &[], |_, out| {
        out.push(Diagnostic::warning(
            "test/warn",
            "TapStackdev",
            "careful",
            "look",
        ));
    })
    .unwrap();
    let out = app.synth(&DotBackend).unwrap();
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].severity, Severity::Warning);
}

#[test]
fn a_diagnostic_renders_like_rustc() {
    let d = Diagnostic::error(
        "efs/no-mount-target-in-az",
        "TapStackdev/Compute/Service",
        "the service runs in an AZ without a mount target",
        "give the file system a subnet in every AZ the service uses",
    );
    assert_eq!(
        d.to_string(),
        "error[efs/no-mount-target-in-az]: the service runs in an AZ without a mount target\n  --> TapStackdev/Compute/Service\n   = fix: give the file system a subnet in every AZ the service uses"
    );
}

#[test]
fn facts_and_attached_data_are_kept_by_type() {
    let (mut app, stack) = app_with_stack();
    #[derive(Debug, PartialEq)]
    struct Mount(u32);
    app.add_fact(Mount(1));
    app.add_fact(Mount(2));
    app.attach(stack, "layout").unwrap();
    assert_eq!(app.facts::<Mount>(), &[Mount(1), Mount(2)]);
    assert_eq!(app.facts::<u64>(), &[] as &[u64]);
    assert_eq!(app.attached::<&str>(stack), Some(&"layout"));
}

#[test]
fn a_logical_id_set_through_the_escape_hatch_is_still_checked_at_synthesis() {
    // Computed IDs are valid by construction and not checked again; one written into the
    // resource by hand (no check at the call) must still be.
    let (mut app, stack) = app_with_stack();
    let t = topic(&mut app.at(stack).unwrap(), "Topic");
    app.resource_mut(t).unwrap().logical_id = Some("Bad-Id".into());
    topic(&mut app.at(stack).unwrap(), "Other-Topic");
    let err = app.synth(&DotBackend).unwrap_err();
    let report = err.report().unwrap();
    assert!(report.has("core/invalid-logical-id", "TapStackdev/Topic"));
    assert!(!report.has("core/invalid-logical-id", "TapStackdev/Other-Topic"));
}

#[test]
fn an_id_with_no_letter_or_digit_gives_an_empty_logical_id_and_fails_synthesis() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    topic(&mut s, "---");
    let err = app.synth(&DotBackend).unwrap_err();
    assert!(err
        .report()
        .unwrap()
        .has("core/invalid-logical-id", "TapStackdev/---"));

    let (mut app, stack) = app_with_stack();
    topic(&mut app.at(stack).unwrap(), "My-Topic");
    assert_eq!(
        app.freeze().logical_id(app.stacks()[0]),
        None,
        "a stack has no logical ID"
    );
    assert!(app.synth(&DotBackend).is_ok());
}

#[test]
fn a_core_error_cannot_be_acknowledged_away() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    topic(&mut s, "A");
    let b = topic(&mut s, "B");
    app.override_logical_id(b, "A").unwrap();
    let duplicate = gs_core::passes::RULES
        .iter()
        .find(|r| r.id == "core/duplicate-logical-id")
        .unwrap();
    assert!(matches!(
        app.acknowledge(stack, duplicate, "I know"),
        Err(TreeError::NotAcknowledgeable { .. })
    ));
    assert!(app.node(stack).unwrap().acknowledgements().is_empty());
    let err = app.synth(&DotBackend).unwrap_err();
    let d = err
        .report()
        .unwrap()
        .0
        .iter()
        .find(|d| d.rule == "core/duplicate-logical-id")
        .cloned()
        .unwrap();
    assert!(d.is_blocking() && d.acknowledged.is_none());
}

#[test]
fn a_dependency_on_another_apps_node_names_the_dependent_construct() {
    let (mut a, stack_a) = app_with_stack();
    let (mut b, stack_b) = app_with_stack();
    let foreign = topic(&mut a.at(stack_a).unwrap(), "T");
    let local = topic(&mut b.at(stack_b).unwrap(), "Local");
    let err = b.add_dependency(local, foreign, "x").unwrap_err();
    assert_eq!(
        err.to_string(),
        "TapStackdev/Local: App::add_dependency (the target): a handle from another App was used here; fix: create the construct in this App, or import it explicitly"
    );
}

#[test]
fn a_value_nested_past_the_limit_is_refused_when_the_resource_is_added() {
    let (mut app, stack) = app_with_stack();
    let mut deep = Value::from("leaf");
    for _ in 0..=MAX_VALUE_DEPTH {
        deep = Value::List(vec![deep]);
    }
    let err = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>(
            "Deep",
            Resource::new("AWS::SNS::Topic").property("DisplayName", deep),
        )
        .unwrap_err();
    assert_eq!(
        err,
        TreeError::ValueTooDeep {
            path: "TapStackdev/Deep".into(),
            max: MAX_VALUE_DEPTH
        }
    );
    let mut shallow = Value::from("leaf");
    for _ in 0..MAX_VALUE_DEPTH {
        shallow = Value::List(vec![shallow]);
    }
    app.at(stack)
        .unwrap()
        .resource::<RawResource>(
            "Shallow",
            Resource::new("AWS::SNS::Topic").property("DisplayName", shallow),
        )
        .unwrap();
}

#[test]
fn a_number_json_cannot_hold_is_refused_when_the_resource_is_added() {
    let (mut app, stack) = app_with_stack();
    let err = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>(
            "Alarm",
            Resource::new("AWS::CloudWatch::Alarm")
                .property("Threshold", Value::List(vec![f64::NAN.into()])),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "TapStackdev/Alarm: the number NaN cannot be written to a template; fix: use a finite number"
    );
}

#[test]
fn the_dot_backend_draws_groups_as_clusters_and_dependencies_dashed_with_their_reason() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let mut storage = s.group("Storage").unwrap();
    let files = topic(&mut storage, "Files");
    let mut s = app.at(stack).unwrap();
    let service = s
        .resource::<RawResource>(
            "Service",
            Resource::new("AWS::SNS::Subscription").property("TopicArn", Value::Ref(files.node())),
        )
        .unwrap();
    app.add_dependency(service, files, "mounts need the files")
        .unwrap();
    let out = app.synth(&DotBackend).unwrap();
    let dot = String::from_utf8(out.artifacts[0].bytes.clone()).unwrap();
    assert_eq!(out.artifacts[0].file_name, "TapStackdev.dot");
    assert!(
        dot.contains("subgraph \"cluster_TapStackdev/Storage\""),
        "{dot}"
    );
    assert!(
        dot.contains("\"TapStackdev/Service\" -> \"TapStackdev/Storage/Files\";"),
        "{dot}"
    );
    assert!(
        dot.contains("\"TapStackdev/Service\" -> \"TapStackdev/Storage/Files\" [style=dashed, label=\"mounts need the files\"];"),
        "{dot}"
    );
}

const ALWAYS: Rule = Rule {
    id: "test/always",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &[],
    what: "Always.",
    why: "Test.",
    fix: "none",
};

const TOPICS_ONLY: Rule = Rule {
    id: "test/topics-only",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::SNS::Topic"],
    what: "Checks topics.",
    why: "Test.",
    fix: "none",
};

#[test]
fn a_pass_cannot_take_the_name_of_a_core_pass_or_of_another_pass() {
    let (mut app, _) = app_with_stack();
    for name in ["core/references", "gs-cfn/limits", "gs-constructs/backup"] {
        let err = app.add_pass(name, &[], |_, _| {}).unwrap_err();
        assert!(
            matches!(err, TreeError::PassNameTaken { reserved: true, .. }),
            "{name}"
        );
        assert!(err.to_string().contains("fix:"));
    }
    app.add_pass("team/one", &[], |_, _| {}).unwrap();
    assert!(matches!(
        app.add_pass("team/one", &[], |_, _| {}),
        Err(TreeError::PassNameTaken {
            reserved: false,
            ..
        })
    ));
    assert_eq!(app.pass_names().collect::<Vec<_>>(), ["team/one"]);
    app.add_pass("team/two", &[ALWAYS], |_, _| {}).unwrap();
    assert_eq!(
        app.pass_rules().map(|r| r.id).collect::<Vec<_>>(),
        ["test/always"]
    );
}

#[test]
fn the_core_passes_run_on_an_app_that_added_none() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    topic(&mut s, "A");
    let b = topic(&mut s, "B");
    app.override_logical_id(b, "A").unwrap();
    assert_eq!(app.pass_names().count(), 0);
    assert!(app
        .validate(&DotBackend)
        .iter()
        .any(|d| d.rule == "core/duplicate-logical-id"));
}

#[test]
fn an_acknowledgement_on_a_construct_without_the_rules_resource_types_is_refused() {
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack).unwrap();
    let queue = s
        .resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue"))
        .unwrap();
    let t = topic(&mut s, "T");
    app.add_pass("test/topics", &[TOPICS_ONLY], |_, _| {})
        .unwrap();
    app.acknowledge(queue, &TOPICS_ONLY, "not a topic").unwrap();
    let err = app.synth(&DotBackend).unwrap_err();
    assert!(err
        .report()
        .unwrap()
        .has("core/invalid-acknowledgement", "TapStackdev/Queue"));
    // The same acknowledgement where a topic is (the stack holds one) is accepted.
    let (mut app, stack) = app_with_stack();
    topic(&mut app.at(stack).unwrap(), "T");
    app.add_pass("test/topics", &[TOPICS_ONLY], |_, _| {})
        .unwrap();
    app.acknowledge(stack, &TOPICS_ONLY, "topics are fine")
        .unwrap();
    assert!(app.synth(&DotBackend).is_ok());
    let _ = t;
}

#[test]
fn a_line_break_in_an_id_does_not_break_the_arrow_line_of_a_finding() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let topic = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Bad\nId", Resource::new("AWS::SNS::Topic"))
        .unwrap();
    let path = app.path(topic).unwrap();
    let d = Diagnostic::error("test/refuse", path, "refused on purpose", "none");
    let shown = d.to_string();
    assert_eq!(shown.lines().count(), 3, "{shown}");
    assert!(shown.contains("  --> Demo/Bad\\nId\n"), "{shown}");
}
