//! Changes the L2s make in place (a queue policy's statement appended, a function's environment
//! variable set or replaced), journalled by what they change rather than by a copy of the
//! resource or of the construct's state: a call that fails after them leaves the app exactly as
//! it was, and one that succeeds keeps them. The same for an ingress rule recorded on its group,
//! a container or a mount recorded on its task definition and a method recorded on its API,
//! which are journalled by their undo (a pop, a removal): the same call made again afterwards
//! works as the first time would.

use gs_constructs::apigateway::{CorsOptions, Integration, RestApi, RestApiProps};
use gs_constructs::lambda::{Code, Function, FunctionProps, Runtime};
use gs_constructs::prelude::*;
use gs_constructs::sqs::{Queue, QueueProps};

type R = std::result::Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

fn output(app: &App) -> String {
    match app.synth(&CfnBackend::default()) {
        Ok(s) => s
            .artifacts
            .iter()
            .map(|a| {
                format!(
                    "== {}\n{}\n",
                    a.file_name,
                    String::from_utf8_lossy(&a.bytes)
                )
            })
            .collect(),
        Err(e) => format!("refused: {e}"),
    }
}

fn later_failure() -> ConstructError {
    ConstructError::invalid("Demo/Later", "a later step failed", "none needed")
}

#[test]
fn environment_variables_set_by_a_failed_call_are_taken_back() -> Result<()> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let f = Function::new(
        &mut app.at(stack)?,
        "Handler",
        Runtime::Python3_12,
        "index.handler",
        Code::from_inline("def handler(event, context):\n    return 'ok'\n"),
        FunctionProps::default(),
    )?;
    f.add_environment(&mut app, "STAGE", "dev")?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        f.add_environment(app, "STAGE", "prod")?;
        f.add_environment(app, "TABLE", "orders")?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    f.add_environment(&mut app, "TABLE", "orders")?;
    let after = output(&app);
    assert!(after.contains("\"TABLE\": \"orders\""), "{after}");
    assert!(after.contains("\"STAGE\": \"dev\""), "{after}");
    Ok(())
}

#[test]
fn queue_policy_statements_added_by_a_failed_call_are_taken_back() -> Result<()> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let queue = Queue::new(&mut app.at(stack)?, "Queue", QueueProps::default())?;
    queue.allow_service_to_send(&mut app, "events.amazonaws.com", Value::from("arn:a"))?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        queue.allow_service_to_send(app, "events.amazonaws.com", Value::from("arn:b"))?;
        queue.allow_service_to_send(app, "sns.amazonaws.com", Value::from("arn:c"))?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    queue.allow_service_to_send(&mut app, "events.amazonaws.com", Value::from("arn:b"))?;
    // The same statement again is kept once.
    queue.allow_service_to_send(&mut app, "events.amazonaws.com", Value::from("arn:b"))?;
    let after = output(&app);
    // Each statement shows as often as the first one (in the template and the tree).
    let shown = after.matches("arn:a").count();
    assert!(shown > 0, "{after}");
    assert_eq!(after.matches("arn:b").count(), shown, "{after}");
    Ok(())
}

#[test]
fn an_ingress_rule_added_by_a_failed_call_is_taken_back_and_can_be_added_again() -> R {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let sg = ec2::SecurityGroup::new(&mut s, "Web", vpc, Default::default())?;
    let peer: ec2::Ipv4Cidr = "10.1.0.0/16".parse()?;
    sg.allow_from(&mut app, peer, ec2::Port::tcp(80), "http")?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        sg.allow_from(app, ec2::Peer::AnyIpv4, ec2::Port::tcp(443), "https")?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    // Had the group kept the rolled-back rule, this would return it and add nothing.
    let rule = sg.allow_from(&mut app, ec2::Peer::AnyIpv4, ec2::Port::tcp(443), "https")?;
    assert_eq!(app.path(rule)?, "Demo/Web/from 0.0.0.0_0:443");
    let after = output(&app);
    assert!(after.contains("\"CidrIp\": \"0.0.0.0/0\""), "{after}");
    assert!(after.contains("\"CidrIp\": \"10.1.0.0/16\""), "{after}");
    // Asked again, the same rule.
    let again = sg.allow_from(&mut app, ec2::Peer::AnyIpv4, ec2::Port::tcp(443), "https")?;
    assert_eq!(again, rule);
    Ok(())
}

#[test]
fn a_container_and_a_mount_added_by_a_failed_call_are_taken_back_and_can_be_added_again() -> R {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let fs = efs::FileSystem::new(&mut s, "Files", vpc, Default::default())?;
    let ap = efs::AccessPoint::new(&mut s, "Media", fs, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let main = task.add_container(&mut s, "main", IMAGE, Default::default())?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        task.add_container(app, "sidecar", IMAGE, Default::default())?;
        task.mount(
            app,
            "media",
            ap,
            main,
            "/mnt/media",
            ecs::Mount::read_write(),
        )?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    // Had the task kept them, both would now be refused as repeated.
    let sidecar = task.add_container(&mut app, "sidecar", IMAGE, Default::default())?;
    task.mount(
        &mut app,
        "media",
        ap,
        sidecar,
        "/mnt/media",
        ecs::Mount::read_only(),
    )?;
    task.mount(
        &mut app,
        "media",
        ap,
        main,
        "/mnt/media",
        ecs::Mount::read_write(),
    )?;
    let after = output(&app);
    let sidecar_at = after.find("\"Name\": \"sidecar\"");
    assert!(sidecar_at.is_some(), "{after}");
    // Both containers mount the one volume.
    assert!(
        after.matches("\"SourceVolume\": \"media\"").count() >= 2,
        "{after}"
    );
    assert!(after.contains("\"ReadOnly\": true"), "{after}");
    assert!(after.contains("\"ReadOnly\": false"), "{after}");
    Ok(())
}

#[test]
fn a_method_added_by_a_failed_call_is_taken_back_and_can_be_added_again() -> R {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let mut s = app.at(stack)?;
    let api = RestApi::new(
        &mut s,
        "Api",
        RestApiProps {
            default_cors: Some(CorsOptions::new(["https://app.example.com"])),
            ..Default::default()
        },
    )?;
    let items = api.add_resource(&mut s, api.root(), "items")?;
    api.add_method(&mut s, items, "GET", Integration::mock())?;
    let methods = api.methods(&app).len();
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        api.add_method(app, items, "POST", Integration::mock())?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(api.methods(&app).len(), methods);
    assert_eq!(output(&app), before);
    api.add_method(&mut app, items, "POST", Integration::mock())?;
    assert_eq!(api.methods(&app).len(), methods + 1);
    let after = output(&app);
    assert!(after.contains("\"HttpMethod\": \"POST\""), "{after}");
    // The preflight and the methods answer with the API's origin.
    assert!(
        after.contains(
            "\"method.response.header.Access-Control-Allow-Origin\": \"'https://app.example.com'\""
        ),
        "{after}"
    );
    Ok(())
}
