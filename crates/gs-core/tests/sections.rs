//! Conditions, Mappings and Rules: declared through the public API, checked where they enter,
//! and every name a value uses must be declared (`core/dangling-reference`).

use gs_core::*;

fn app() -> (App, Handle<Stack>, Handle<Parameter>) {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let env = app
        .at(stack)
        .unwrap()
        .parameter("Env", Parameter::new("String"))
        .unwrap();
    (app, stack, env)
}

fn is_prod(env: Handle<Parameter>) -> Value {
    Value::Equals(
        Box::new(Value::Ref(env.node())),
        Box::new(Value::from("prod")),
    )
}

fn topic(s: &mut Scope<'_>, id: &str, resource: Resource) -> Handle<RawResource> {
    s.resource(id, resource).unwrap()
}

fn dangling(app: &App) -> Vec<Diagnostic> {
    app.validate(&DotBackend)
        .into_iter()
        .filter(|d| d.rule == "core/dangling-reference")
        .collect()
}

#[test]
fn an_fn_if_naming_an_undeclared_condition_is_a_dangling_reference_with_the_fix() {
    let (mut app, stack, _) = app();
    let mut s = app.at(stack).unwrap();
    topic(
        &mut s,
        "Topic",
        Resource::new("AWS::SNS::Topic").property(
            "DisplayName",
            Value::if_("IsProd", Value::from("prod"), Value::from("dev")),
        ),
    );
    let found = dangling(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "Demo/Topic");
    assert!(
        found[0].message.contains("`IsProd`"),
        "{}",
        found[0].message
    );
    assert!(found[0].fix.contains("add_condition"), "{}", found[0].fix);
    assert!(app.synth(&DotBackend).is_err());
}

#[test]
fn a_declared_condition_used_everywhere_synthesizes() {
    let (mut app, stack, env) = app();
    app.add_condition(stack, "IsProd", is_prod(env)).unwrap();
    app.add_condition(
        stack,
        "IsNotProd",
        Value::Not(Box::new(Value::Condition("IsProd".into()))),
    )
    .unwrap();
    let mut s = app.at(stack).unwrap();
    let mut resource = Resource::new("AWS::SNS::Topic").property(
        "DisplayName",
        Value::if_("IsProd", Value::from("prod"), Value::from("dev")),
    );
    resource.condition = Some("IsNotProd".into());
    let t = topic(&mut s, "Topic", resource);
    let mut output = Output::new(Value::Ref(t.node()));
    output.condition = Some("IsNotProd".into());
    s.output("TopicArn", output).unwrap();
    assert!(dangling(&app).is_empty(), "{:#?}", dangling(&app));
    assert!(app.synth(&DotBackend).is_ok());
    let NodeKind::Stack(declared) = app.node(stack).unwrap().kind() else {
        panic!("not a stack")
    };
    assert_eq!(
        declared.conditions.keys().collect::<Vec<_>>(),
        ["IsProd", "IsNotProd"]
    );
}

#[test]
fn a_condition_on_a_resource_or_an_output_that_nobody_declares_is_dangling() {
    let (mut app, stack, _) = app();
    let mut s = app.at(stack).unwrap();
    let mut resource = Resource::new("AWS::SNS::Topic");
    resource.condition = Some("Missing".into());
    let t = topic(&mut s, "Topic", resource);
    let mut output = Output::new(Value::Ref(t.node()));
    output.condition = Some("AlsoMissing".into());
    s.output("TopicArn", output).unwrap();
    let found = dangling(&app);
    assert!(
        found
            .iter()
            .any(|d| d.path == "Demo/Topic" && d.message.contains("`Missing`")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|d| d.path == "Demo/TopicArn" && d.message.contains("`AlsoMissing`")),
        "{found:#?}"
    );
}

#[test]
fn fn_find_in_map_of_an_undeclared_mapping_is_dangling_and_of_a_declared_one_is_not() {
    let (mut app, stack, env) = app();
    let find = Value::FindInMap(
        "Sizes".into(),
        Box::new(Value::Ref(env.node())),
        Box::new(Value::from("Name")),
    );
    topic(
        &mut app.at(stack).unwrap(),
        "Topic",
        Resource::new("AWS::SNS::Topic").property("DisplayName", find),
    );
    let found = dangling(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("mapping `Sizes`"),
        "{}",
        found[0].message
    );
    assert!(found[0].fix.contains("add_mapping"), "{}", found[0].fix);

    app.add_mapping(
        stack,
        "Sizes",
        ValueMap::new()
            .with("prod", ValueMap::new().with("Name", "big"))
            .with("dev", ValueMap::new().with("Name", "small")),
    )
    .unwrap();
    assert!(dangling(&app).is_empty(), "{:#?}", dangling(&app));
}

#[test]
fn a_condition_inside_fn_and_of_a_declared_condition_must_be_declared_too() {
    let (mut app, stack, env) = app();
    app.add_condition(
        stack,
        "Both",
        Value::And(vec![is_prod(env), Value::Condition("Nowhere".into())]),
    )
    .unwrap();
    let found = dangling(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "Demo/Conditions/Both");
    assert!(found[0].message.contains("`Nowhere`"));
}

#[test]
fn a_condition_or_rule_may_refer_only_to_parameters_of_its_stack() {
    let (mut app, stack, env) = app();
    let t = topic(
        &mut app.at(stack).unwrap(),
        "Topic",
        Resource::new("AWS::SNS::Topic"),
    );
    app.add_condition(
        stack,
        "OnTopic",
        Value::Equals(Box::new(Value::Ref(t.node())), Box::new(Value::from("x"))),
    )
    .unwrap();
    app.add_template_rule(
        stack,
        "EnvKnown",
        TemplateRule::new(Assertion::new(is_prod(env)).described("Env must be prod")),
    )
    .unwrap();
    let found = dangling(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "Demo/Conditions/OnTopic");
    assert!(found[0].message.contains("not a parameter"));
}

#[test]
fn values_entering_a_section_get_the_same_checks_as_resource_properties() {
    let (mut app, stack, env) = app();
    let mut other = App::new();
    let other_stack = other.stack("Other", StackProps::default()).unwrap();
    let foreign = other
        .at(other_stack)
        .unwrap()
        .parameter("P", Parameter::new("String"))
        .unwrap();
    let foreign_ref = Value::Equals(
        Box::new(Value::Ref(foreign.node())),
        Box::new(Value::from("x")),
    );
    assert!(matches!(
        app.add_condition(stack, "Foreign", foreign_ref.clone()),
        Err(TreeError::ForeignHandle { .. })
    ));
    assert!(matches!(
        app.add_template_rule(
            stack,
            "Foreign",
            TemplateRule::new(Assertion::new(foreign_ref))
        ),
        Err(TreeError::ForeignHandle { .. })
    ));
    let mut deep = Value::from("x");
    for _ in 0..(MAX_VALUE_DEPTH + 1) {
        deep = Value::Not(Box::new(deep));
    }
    assert!(matches!(
        app.add_condition(stack, "Deep", deep),
        Err(TreeError::ValueTooDeep { .. })
    ));
    let nan = Value::Equals(Box::new(Value::Float(f64::NAN)), Box::new(Value::from(1)));
    assert!(matches!(
        app.add_condition(stack, "Nan", nan),
        Err(TreeError::NonFiniteNumber { .. })
    ));
    // Nothing refused was declared.
    let NodeKind::Stack(s) = app.node(stack).unwrap().kind() else {
        panic!("not a stack")
    };
    assert!(s.conditions.is_empty() && s.rules.is_empty());
    let _ = env;
}

#[test]
fn names_and_shapes_cloudformation_refuses_are_refused_at_the_call() {
    let (mut app, stack, env) = app();
    assert!(matches!(
        app.add_condition(stack, "is-prod", is_prod(env)),
        Err(TreeError::InvalidLogicalId { .. })
    ));
    app.add_condition(stack, "IsProd", is_prod(env)).unwrap();
    let again = app.add_condition(stack, "IsProd", is_prod(env));
    assert!(
        matches!(&again, Err(TreeError::InvalidSection { path, .. }) if path == "Demo/Conditions/IsProd"),
        "{again:?}"
    );
    assert!(app
        .add_condition(stack, "NotACondition", Value::from(true))
        .is_err());
    let with_ref = ValueMap::new().with(
        "prod",
        ValueMap::new().with("Name", Value::Pseudo(Pseudo::Region)),
    );
    assert!(app.add_mapping(stack, "WithRef", with_ref).is_err());
    let bad_key = ValueMap::new().with("prod", ValueMap::new().with("the-name", "x"));
    assert!(app.add_mapping(stack, "BadKey", bad_key).is_err());
    assert!(app.add_mapping(stack, "Empty", ValueMap::new()).is_err());
    let lists = ValueMap::new().with(
        "prod",
        ValueMap::new().with("Azs", Value::from(vec!["a", "b"])),
    );
    app.add_mapping(stack, "Lists", lists).unwrap();
    let none = TemplateRule {
        rule_condition: None,
        assertions: Vec::new(),
    };
    assert!(app.add_template_rule(stack, "Nothing", none).is_err());
}

#[test]
fn a_scope_declares_on_its_own_stack() {
    let (mut app, stack, env) = app();
    let mut s = app.at(stack).unwrap();
    let mut g = s.group("Settings").unwrap();
    g.condition("IsProd", is_prod(env)).unwrap();
    g.mapping(
        "M",
        ValueMap::new().with("k", ValueMap::new().with("v", "x")),
    )
    .unwrap();
    g.template_rule("R", TemplateRule::new(Assertion::new(is_prod(env))))
        .unwrap();
    let NodeKind::Stack(s) = app.node(stack).unwrap().kind() else {
        panic!("not a stack")
    };
    assert!(s.conditions.contains_key("IsProd") && s.mappings.contains_key("M"));
    assert_eq!(s.rules.len(), 1);
}

#[test]
fn conditions_that_name_each_other_in_a_cycle_are_refused() {
    let (mut app, stack, env) = app();
    app.add_condition(
        stack,
        "A",
        Value::Not(Box::new(Value::Condition("B".into()))),
    )
    .unwrap();
    app.add_condition(
        stack,
        "B",
        Value::And(vec![is_prod(env), Value::Condition("A".into())]),
    )
    .unwrap();
    app.add_condition(
        stack,
        "C",
        Value::Not(Box::new(Value::Condition("A".into()))),
    )
    .unwrap();
    let cycles: Vec<Diagnostic> = app
        .validate(&DotBackend)
        .into_iter()
        .filter(|d| d.rule == "core/dependency-cycle")
        .collect();
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    assert_eq!(cycles[0].path, "Demo/Conditions/A");
    assert!(
        cycles[0].message.contains("A -> B -> A"),
        "{}",
        cycles[0].message
    );
}

#[test]
fn conditions_naming_each_other_without_a_cycle_are_accepted() {
    let (mut app, stack, env) = app();
    app.add_condition(stack, "IsProd", is_prod(env)).unwrap();
    app.add_condition(
        stack,
        "NotProd",
        Value::Not(Box::new(Value::Condition("IsProd".into()))),
    )
    .unwrap();
    app.add_condition(
        stack,
        "Either",
        Value::Or(vec![
            Value::Condition("IsProd".into()),
            Value::Condition("NotProd".into()),
        ]),
    )
    .unwrap();
    assert!(
        app.validate(&DotBackend).is_empty(),
        "{:#?}",
        app.validate(&DotBackend)
    );
}
