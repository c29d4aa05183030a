//! Synthesis benchmarks: a synthetic app of 1,000 and 10,000 resources with references, built,
//! validated and serialized; validation alone; and the floor: serializing the finished
//! `serde_json::Value` of the same templates.
//!
//! The GlobalStream stacks are benchmarked too: built and synthesized in-process.
//!
//! Run: `cargo bench -p gs-benches --bench synth`

#[path = "../examples/globalstream/stack.rs"]
#[allow(dead_code)]
mod globalstream;

use divan::Bencher;
use gs_constructs::core::{App, RawResource, Resource, StackProps, Value, ValueMap};
use gs_constructs::CfnBackend;

fn main() {
    divan::main();
}

/// The backend users synthesize with: every pass of gs-core, gs-cfn and gs-constructs runs. Its
/// templates only, as the serialization floor below writes templates only (no manifest, no
/// `tree.json`).
fn backend() -> CfnBackend {
    CfnBackend {
        templates_only: true,
    }
}

/// Resources per stack: below CloudFormation's 500-resource limit.
const PER_STACK: usize = 400;

/// `n` resources over stacks of at most [`PER_STACK`]; each resource sits in a group of ten and
/// refers to the previous resource of its stack (a `Ref` and a `Fn::GetAtt`), every tenth also
/// depends explicitly on the first of its stack.
fn synthetic_app(n: usize) -> App {
    let mut app = App::new();
    let mut made = 0;
    let mut stack_no = 0;
    while made < n {
        stack_no += 1;
        let stack = app
            .stack(&format!("Synthetic{stack_no}"), StackProps::default())
            .expect("stack");
        app.tag(stack, "Purpose", "benchmark").expect("tag");
        let mut previous = None;
        let mut first = None;
        let count = PER_STACK.min(n - made);
        let mut s = app.at(stack).expect("scope");
        for i in 0..count {
            let mut g = if i % 10 == 0 {
                s.group(&format!("Group{}", i / 10)).expect("group")
            } else {
                let group = s.app().node(s.node()).expect("node").children()[i / 10];
                s.at(group).expect("group scope")
            };
            let mut props = ValueMap::new()
                .with("TopicName", format!("topic-{stack_no}-{i}"))
                .with("FifoTopic", false);
            if let Some(p) = previous {
                props.insert(
                    "DisplayName",
                    Value::join("-", [Value::Ref(p), Value::GetAtt(p, "TopicName".into())]),
                );
            }
            let r = g
                .resource::<RawResource>(
                    &format!("Topic{i}"),
                    Resource::new("AWS::SNS::Topic").properties(props).tagged(),
                )
                .expect("resource");
            if i % 10 == 9 {
                if let Some(f) = first {
                    g.app_mut().add_dependency(r, f, "benchmark").expect("dep");
                }
            }
            first = first.or(Some(r.node()));
            previous = Some(r.node());
        }
        made += count;
    }
    app
}

#[divan::bench(args = [1_000, 10_000], sample_count = 20)]
fn build_validate_serialize(bencher: Bencher, n: usize) {
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            let app = synthetic_app(n);
            app.synth(&backend()).expect("synth")
        });
}

#[divan::bench(args = [1_000, 10_000], sample_count = 20)]
fn validate_only(bencher: Bencher, n: usize) {
    let app = synthetic_app(n);
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| app.validate(&backend()));
}

/// The schema checks alone (`gs_l1::schema::PASS`, part of `validate_only`) over the same
/// resources: what checking every resource against its type's schema costs. The type's schema
/// is parsed on first use (outside the timed loop after the first sample).
#[divan::bench(args = [1_000, 10_000], sample_count = 20)]
fn schema_checks_only(bencher: Bencher, n: usize) {
    let app = synthetic_app(n);
    let tree = app.freeze();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            let mut out = Vec::new();
            (gs_constructs::l1::schema::PASS.run)(&tree, &mut out);
            assert!(out.is_empty());
            out
        });
}

#[divan::bench(args = [1_000, 10_000], sample_count = 20)]
fn serialize_value_floor(bencher: Bencher, n: usize) {
    let out = synthetic_app(n).synth(&backend()).expect("synth");
    let values: Vec<serde_json::Value> = out
        .artifacts
        .iter()
        .filter(|a| a.file_name.ends_with(".template.json"))
        .map(|a| serde_json::from_slice(&a.bytes).expect("json"))
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            values
                .iter()
                .map(|v| {
                    let mut out = Vec::new();
                    let f = serde_json::ser::PrettyFormatter::with_indent(b" ");
                    let mut ser = serde_json::Serializer::with_formatter(&mut out, f);
                    serde::Serialize::serialize(v, &mut ser).expect("ser");
                    out
                })
                .collect::<Vec<_>>()
        });
}

#[divan::bench(sample_count = 50)]
fn globalstream_build_and_synth() -> gs_constructs::core::Synthesis {
    let config = globalstream::Config::from_env(|_| None).expect("config");
    let built = globalstream::build(&config).expect("build");
    built.app.synth(&backend()).expect("synth")
}
