//! Property tests over random trees with random references and dependencies.

use std::collections::{HashMap, HashSet};

use gs_cfn::CfnBackend;
use gs_core::*;
use proptest::prelude::*;
use serde_json::Value as Json;

#[derive(Debug, Clone)]
enum Op {
    Group {
        parent: usize,
        id: String,
    },
    Resource {
        parent: usize,
        id: String,
        refs: Vec<usize>,
    },
    Dependency {
        from: usize,
        to: usize,
    },
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-C]{1,2}",
        1 => Just("Default".to_string()),
        1 => Just("Resource".to_string()),
        1 => Just(String::new()),
        1 => Just("a/b".to_string()),
        1 => "[A-Za-z0-9 _-]{100,300}",
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (any::<usize>(), id()).prop_map(|(parent, id)| Op::Group { parent, id }),
        4 => (any::<usize>(), id(), prop::collection::vec(any::<usize>(), 0..3))
            .prop_map(|(parent, id, refs)| Op::Resource { parent, id, refs }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Op::Dependency { from, to }),
    ]
}

struct Built {
    app: App,
    resources: Vec<NodeId>,
}

/// Builds an app from `ops`; every tree error must be one of the documented kinds.
fn build(ops: &[Op]) -> Built {
    let mut app = App::new();
    let stack = app.stack("Prop", StackProps::default()).unwrap();
    let mut containers = vec![stack.node()];
    let mut resources: Vec<NodeId> = Vec::new();
    for op in ops {
        match op {
            Op::Group { parent, id } => {
                let parent = containers[parent % containers.len()];
                match app.at(parent).unwrap().add_group(id) {
                    Ok(g) => containers.push(g.node()),
                    Err(e) => assert_expected(&e, id),
                }
            }
            Op::Resource { parent, id, refs } => {
                let parent = containers[parent % containers.len()];
                let mut r = Resource::new("AWS::SNS::Topic").tagged();
                if !resources.is_empty() {
                    let values: Vec<Value> = refs
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            let target = resources[x % resources.len()];
                            if i % 2 == 0 {
                                Value::Ref(target)
                            } else {
                                Value::GetAtt(target, "TopicArn".into())
                            }
                        })
                        .collect();
                    if !values.is_empty() {
                        r = r.property("DisplayName", Value::join("-", values));
                    }
                }
                match app.at(parent).unwrap().resource::<RawResource>(id, r) {
                    Ok(h) => resources.push(h.node()),
                    Err(e) => assert_expected(&e, id),
                }
            }
            Op::Dependency { from, to } => {
                if !resources.is_empty() {
                    let (a, b) = (
                        resources[from % resources.len()],
                        resources[to % resources.len()],
                    );
                    app.add_dependency(a, b, "random").unwrap();
                }
            }
        }
    }
    Built { app, resources }
}

fn assert_expected(e: &TreeError, id: &str) {
    match e {
        TreeError::InvalidId { .. } => assert!(id.is_empty() || id.contains('/')),
        TreeError::DuplicateId { .. } | TreeError::NoLogicalId { .. } => {}
        other => panic!("unexpected tree error {other:?}"),
    }
}

fn template(out: &Synthesis) -> Json {
    serde_json::from_slice(&out.artifact("Prop.template.json").unwrap().bytes).unwrap()
}

/// Every `Ref` / `Fn::GetAtt` target found in `v`.
fn targets(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            if let Some(Json::String(r)) = m.get("Ref") {
                out.push(r.clone());
            }
            if let Some(Json::Array(a)) = m.get("Fn::GetAtt") {
                if let Some(Json::String(r)) = a.first() {
                    out.push(r.clone());
                }
            }
            m.values().for_each(|x| targets(x, out));
        }
        Json::Array(a) => a.iter().for_each(|x| targets(x, out)),
        _ => {}
    }
}

fn is_acyclic(edges: &HashMap<String, Vec<String>>) -> bool {
    let mut indegree: HashMap<&str, usize> = edges.keys().map(|k| (k.as_str(), 0)).collect();
    for to in edges.values().flatten() {
        *indegree.entry(to.as_str()).or_default() += 1;
    }
    let mut ready: Vec<&str> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(k, _)| *k)
        .collect();
    let mut seen = 0;
    while let Some(n) = ready.pop() {
        seen += 1;
        for to in edges.get(n).into_iter().flatten() {
            let d = indegree.get_mut(to.as_str()).unwrap();
            *d -= 1;
            if *d == 0 {
                ready.push(to);
            }
        }
    }
    seen == indegree.len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn synthesis_is_deterministic(ops in prop::collection::vec(op(), 0..40)) {
        let a = build(&ops).app.synth(&CfnBackend::default());
        let b = build(&ops).app.synth(&CfnBackend::default());
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.artifacts, b.artifacts),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            _ => prop_assert!(false, "one run succeeded and the other failed"),
        }
    }

    #[test]
    fn a_successful_template_has_valid_unique_ids_resolving_references_and_no_cycle(
        ops in prop::collection::vec(op(), 0..40)
    ) {
        let built = build(&ops);
        let Ok(out) = built.app.synth(&CfnBackend::default()) else { return Ok(()); };
        let t = template(&out);
        let resources = t["Resources"].as_object().cloned().unwrap_or_default();
        prop_assert_eq!(resources.len(), built.resources.len(), "one template entry per resource");
        let ids: HashSet<&String> = resources.keys().collect();
        let mut edges: HashMap<String, Vec<String>> = HashMap::new();
        for (id, r) in &resources {
            prop_assert!(!id.is_empty() && id.len() <= 255, "{}", id);
            prop_assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{}", id);
            let mut to = Vec::new();
            targets(&r["Properties"], &mut to);
            if let Some(deps) = r["DependsOn"].as_array() {
                to.extend(deps.iter().filter_map(|d| d.as_str().map(String::from)));
            }
            for target in &to {
                prop_assert!(ids.contains(target) || target.starts_with("AWS::"), "{} -> {}", id, target);
            }
            edges.insert(id.clone(), to.into_iter().filter(|x| !x.starts_with("AWS::")).collect());
        }
        prop_assert!(is_acyclic(&edges));
    }

    #[test]
    fn the_size_bound_is_never_below_the_written_template(
        ops in prop::collection::vec(op(), 0..40),
        text in "[ -~\\u{0}-\\u{1f}\"\\\\é]{0,40}",
    ) {
        let mut built = build(&ops);
        let stack = built.app.stacks()[0];
        // Tags hold only what AWS accepts in tags; the escapes are exercised by the property below.
        let tag: String = text.chars().filter(|c| c.is_alphanumeric() || " _.:/=+-@".contains(*c)).collect();
        built.app.tag(stack, "Note", tag).unwrap();
        if let Some(&r) = built.resources.first() {
            built.app.resource_mut(r).unwrap().properties.insert(
                "DisplayName",
                Value::List(vec![Value::from(text.clone()), Value::sub(text.clone()), Value::Int(i64::MIN), Value::Float(-1.5e300)]),
            );
        }
        let tree = built.app.freeze();
        if let Ok(bytes) = gs_cfn::Template::of_stack(&tree, stack).to_json() {
            let bound = gs_cfn::template_size_bound(&tree, stack);
            prop_assert!(bound >= bytes.len(), "bound {} < actual {}", bound, bytes.len());
        }
    }

    #[test]
    fn a_forced_cycle_is_refused_with_the_cycle_rule(
        ops in prop::collection::vec(op(), 0..30),
        a in any::<usize>(),
        b in any::<usize>(),
    ) {
        let mut built = build(&ops);
        prop_assume!(built.resources.len() >= 2);
        let n = built.resources.len();
        let (x, y) = (built.resources[a % n], built.resources[(a % n + 1 + b % (n - 1)) % n]);
        built.app.add_dependency(x, y, "forced").unwrap();
        built.app.add_dependency(y, x, "forced").unwrap();
        match built.app.synth(&CfnBackend::default()) {
            Ok(_) => prop_assert!(false, "a cycle was accepted"),
            Err(e) => {
                let report = e.report().cloned().unwrap_or_default();
                prop_assert!(report.0.iter().any(|d| d.rule == "core/dependency-cycle"), "{}", e);
            }
        }
    }
}
