//! A failed constructor or relation leaves the tree exactly as it was: whatever a sequence of
//! calls does, the synthesized output equals that of the same sequence without its failing calls.

use gs_constructs::prelude::*;
use proptest::prelude::*;

/// Everything a consumer sees of an app: the templates and manifest (or the refusal), and the DOT
/// picture.
fn output(app: &App) -> String {
    let mut out = String::new();
    for result in [
        app.synth(&CfnBackend::default()),
        app.synth(&gs_core::DotBackend),
    ] {
        match result {
            Ok(s) => {
                for a in s.artifacts {
                    out += &format!(
                        "== {}\n{}\n",
                        a.file_name,
                        String::from_utf8_lossy(&a.bytes)
                    );
                }
            }
            Err(e) => out += &format!("refused: {e}\n"),
        }
    }
    out += &format!("nodes: {}\n", app.len());
    out
}

/// Constructs of another app, to hand to this one by mistake.
struct Foreign {
    _app: App,
    vpc: ec2::Vpc,
    log_group: logs::LogGroup,
    access_point: efs::AccessPoint,
}

fn foreign() -> Foreign {
    let mut app = App::new();
    let stack = app.stack("Other", StackProps::default()).expect("stack");
    let mut s = app.at(stack).expect("scope");
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default()).expect("vpc");
    let log_group = logs::LogGroup::new(&mut s, "Logs", Default::default()).expect("logs");
    let fs = efs::FileSystem::new(&mut s, "Fs", vpc, Default::default()).expect("fs");
    let access_point = efs::AccessPoint::new(&mut s, "Ap", fs, Default::default()).expect("ap");
    Foreign {
        _app: app,
        vpc,
        log_group,
        access_point,
    }
}

fn app_with_stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).expect("stack");
    (app, stack)
}

#[test]
fn a_replication_group_refused_for_another_apps_log_group_leaves_nothing_behind() -> Result<()> {
    let other = foreign();
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let before = output(&app);
    let err = elasticache::ReplicationGroup::new(
        &mut app.at(stack)?,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            slow_log: Some(other.log_group),
            ..Default::default()
        },
    )
    .expect_err("another app's log group");
    assert!(
        matches!(
            err,
            ConstructError::Tree(gs_core::TreeError::ForeignHandle { .. })
        ),
        "{err}"
    );
    assert_eq!(output(&app), before);
    // The id is free: the same call with a log group of this app succeeds.
    let logs = logs::LogGroup::new(&mut app.at(stack)?, "Logs", Default::default())?;
    elasticache::ReplicationGroup::new(
        &mut app.at(stack)?,
        "Redis",
        vpc,
        elasticache::ReplicationGroupProps {
            slow_log: Some(logs),
            ..Default::default()
        },
    )?;
    Ok(())
}

#[test]
fn a_second_mount_of_another_apps_access_point_is_refused_at_the_call_and_leaves_nothing(
) -> Result<()> {
    let other = foreign();
    let (mut app, stack) = app_with_stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "Fs", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(&mut s, "Ap", fs, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "Task", Default::default())?;
    let c = task.add_container(
        &mut s,
        "media",
        "public.ecr.aws/docker/library/busybox:1.36",
        Default::default(),
    )?;
    task.mount(
        &mut s,
        "content",
        ap,
        c,
        "/mnt/content",
        ecs::Mount::read_write(),
    )?;
    let before = output(&app);
    assert!(!before.contains("refused"), "{before}");
    let err = task
        .mount(
            &mut app.at(stack)?,
            "other",
            other.access_point,
            c,
            "/mnt/other",
            ecs::Mount::read_write(),
        )
        .expect_err("another app's access point");
    assert!(err.to_string().contains("another App"), "{err}");
    assert_eq!(output(&app), before);
    let _ = other.vpc;
    Ok(())
}

/// One call of the sequence. Ids come from small pools so that some repeat (and fail).
#[derive(Clone, Debug)]
enum Op {
    Vpc(u8, bool),
    LogGroup(u8, bool),
    Redis(u8, bool),
    FileSystem(u8),
    AccessPoint(u8),
    Task(u8),
    Container(u8),
    Mount(u8, bool),
    Stream(u8, bool),
    Role(u8),
    GrantWrite,
    Tag(bool),
}

fn op() -> impl Strategy<Value = Op> {
    let id = 0u8..3;
    prop_oneof![
        (id.clone(), any::<bool>()).prop_map(|(i, f)| Op::Vpc(i, f)),
        (id.clone(), any::<bool>()).prop_map(|(i, ok)| Op::LogGroup(i, ok)),
        (id.clone(), any::<bool>()).prop_map(|(i, f)| Op::Redis(i, f)),
        id.clone().prop_map(Op::FileSystem),
        id.clone().prop_map(Op::AccessPoint),
        id.clone().prop_map(Op::Task),
        id.clone().prop_map(Op::Container),
        (id.clone(), any::<bool>()).prop_map(|(i, f)| Op::Mount(i, f)),
        (id.clone(), any::<bool>()).prop_map(|(i, ok)| Op::Stream(i, ok)),
        id.prop_map(Op::Role),
        Just(Op::GrantWrite),
        any::<bool>().prop_map(Op::Tag),
    ]
}

#[derive(Default)]
struct World {
    vpcs: Vec<ec2::Vpc>,
    logs: Vec<logs::LogGroup>,
    file_systems: Vec<efs::FileSystem>,
    access_points: Vec<efs::AccessPoint>,
    tasks: Vec<ecs::FargateTaskDefinition>,
    containers: Vec<ecs::Container>,
    streams: Vec<kinesis::Stream>,
    roles: Vec<iam::Role>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    /// Not called: what it needs does not exist yet.
    Skipped,
    Done,
    Failed,
}

fn apply(
    app: &mut App,
    stack: gs_core::Handle<gs_core::Stack>,
    w: &mut World,
    other: &Foreign,
    op: &Op,
) -> Outcome {
    fn done<T>(r: Result<T>, keep: impl FnOnce(T)) -> Outcome {
        match r {
            Ok(t) => {
                keep(t);
                Outcome::Done
            }
            Err(_) => Outcome::Failed,
        }
    }
    let Ok(mut s) = app.at(stack) else {
        return Outcome::Failed;
    };
    match *op {
        Op::Vpc(i, foreign_id) => {
            // A bad id (with `/`) fails like a duplicate one.
            let id = if foreign_id {
                "Bad/Vpc".to_string()
            } else {
                format!("Vpc{i}")
            };
            done(ec2::Vpc::new(&mut s, &id, Default::default()), |v| {
                w.vpcs.push(v)
            })
        }
        Op::LogGroup(i, good_name) => {
            let props = logs::LogGroupProps {
                name: Some(if good_name {
                    format!("/demo/{i}")
                } else {
                    "bad name!".into()
                }),
                ..Default::default()
            };
            done(
                logs::LogGroup::new(&mut s, &format!("Logs{i}"), props),
                |l| w.logs.push(l),
            )
        }
        Op::Redis(i, foreign) => {
            let Some(&vpc) = w.vpcs.last() else {
                return Outcome::Skipped;
            };
            let slow_log = if foreign {
                Some(other.log_group)
            } else {
                w.logs.last().copied()
            };
            let props = elasticache::ReplicationGroupProps {
                slow_log,
                ..Default::default()
            };
            done(
                elasticache::ReplicationGroup::new(&mut s, &format!("Redis{i}"), vpc, props),
                |_| {},
            )
        }
        Op::FileSystem(i) => {
            let Some(&vpc) = w.vpcs.last() else {
                return Outcome::Skipped;
            };
            done(
                efs::FileSystem::new(&mut s, &format!("Fs{i}"), vpc, Default::default()),
                |f| w.file_systems.push(f),
            )
        }
        Op::AccessPoint(i) => {
            let Some(&fs) = w.file_systems.last() else {
                return Outcome::Skipped;
            };
            done(
                efs::AccessPoint::new(&mut s, &format!("Ap{i}"), fs, Default::default()),
                |a| w.access_points.push(a),
            )
        }
        Op::Task(i) => done(
            ecs::FargateTaskDefinition::new(&mut s, &format!("Task{i}"), Default::default()),
            |t| w.tasks.push(t),
        ),
        Op::Container(i) => {
            let Some(&task) = w.tasks.last() else {
                return Outcome::Skipped;
            };
            done(
                task.add_container(
                    &mut s,
                    &format!("c{i}"),
                    "public.ecr.aws/docker/library/busybox:1.36",
                    Default::default(),
                ),
                |c| w.containers.push(c),
            )
        }
        Op::Mount(i, foreign) => {
            let (Some(&task), Some(&c)) = (w.tasks.last(), w.containers.last()) else {
                return Outcome::Skipped;
            };
            let ap = if foreign {
                other.access_point
            } else {
                let Some(&ap) = w.access_points.last() else {
                    return Outcome::Skipped;
                };
                ap
            };
            done(
                task.mount(
                    &mut s,
                    &format!("v{i}"),
                    ap,
                    c,
                    &format!("/mnt/v{i}"),
                    ecs::Mount::read_write(),
                ),
                |_| {},
            )
        }
        Op::Stream(i, good_name) => {
            let props = kinesis::StreamProps {
                stream_name: (!good_name).then(|| "bad name!".to_string()),
                ..Default::default()
            };
            done(
                kinesis::Stream::new(&mut s, &format!("Stream{i}"), props),
                |st| w.streams.push(st),
            )
        }
        Op::Role(i) => done(
            iam::Role::new(
                &mut s,
                &format!("Role{i}"),
                "ecs-tasks.amazonaws.com",
                Default::default(),
            ),
            |r| w.roles.push(r),
        ),
        Op::GrantWrite => {
            let (Some(&st), Some(&role)) = (w.streams.last(), w.roles.last()) else {
                return Outcome::Skipped;
            };
            done(st.grant_write(app, role), |_| {})
        }
        Op::Tag(good) => {
            let value = if good { "media" } else { "bad\0value" };
            match app.tag(stack, "Team", value) {
                Ok(()) => Outcome::Done,
                Err(_) => Outcome::Failed,
            }
        }
    }
}

/// Runs `ops` on a fresh app: the outcome of each call and the final output.
fn run(ops: &[Op], other: &Foreign) -> (Vec<Outcome>, String) {
    let (mut app, stack) = app_with_stack();
    let mut w = World::default();
    let outcomes = ops
        .iter()
        .map(|op| apply(&mut app, stack, &mut w, other, op))
        .collect();
    (outcomes, output(&app))
}

#[test]
fn a_fixed_sequence_with_each_kind_of_failure_synthesizes_as_without_them() {
    let other = foreign();
    let ops = [
        Op::Vpc(0, false),
        Op::Vpc(0, false),      // duplicate id
        Op::Vpc(1, true),       // bad id
        Op::LogGroup(0, false), // bad name
        Op::LogGroup(0, true),
        Op::Redis(0, true), // another app's log group
        Op::Redis(0, false),
        Op::FileSystem(0),
        Op::AccessPoint(0),
        Op::Task(0),
        Op::Container(0),
        Op::Mount(0, false),
        Op::Mount(1, true),   // another app's access point
        Op::Stream(0, false), // bad name
        Op::Stream(0, true),
        Op::Role(0),
        Op::GrantWrite,
        Op::Tag(false), // NUL in a tag value
    ];
    let (outcomes, with_failures) = run(&ops, &other);
    let failed: Vec<usize> = (0..ops.len())
        .filter(|i| outcomes[*i] == Outcome::Failed)
        .collect();
    assert_eq!(failed, [1, 2, 3, 5, 12, 13, 17], "{outcomes:?}");
    let kept: Vec<Op> = ops
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| **o != Outcome::Failed)
        .map(|(op, _)| op.clone())
        .collect();
    let (kept_outcomes, without) = run(&kept, &other);
    assert!(kept_outcomes.iter().all(|o| *o == Outcome::Done));
    assert_eq!(with_failures, without);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn failing_calls_change_nothing(ops in proptest::collection::vec(op(), 1..14)) {
        let other = foreign();
        let (outcomes, with_failures) = run(&ops, &other);
        let kept: Vec<Op> = ops
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| **o != Outcome::Failed)
            .map(|(op, _)| op.clone())
            .collect();
        let (kept_outcomes, without) = run(&kept, &other);
        let expected: Vec<Outcome> = outcomes.into_iter().filter(|o| *o != Outcome::Failed).collect();
        prop_assert_eq!(kept_outcomes, expected);
        prop_assert_eq!(with_failures, without);
    }
}
