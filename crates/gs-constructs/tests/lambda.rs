//! lambda::Function and its rules: role, log group, VPC, event sources, destinations; SQS
//! visibility timeout, VPC egress, package size, reserved concurrency.
mod support;

use std::sync::Arc;
use std::time::Duration;

use gs_constructs::l1::sqs::{CfnQueue, CfnQueueProps};
use gs_constructs::lambda::{Code, EventSource, Function, FunctionProps, QueueRef, Runtime};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Fn", StackProps::default()).expect("stack");
    (app, stack)
}

fn inline() -> Code {
    Code::from_inline("def handler(event, context):\n    return 'ok'\n")
}

fn function(s: &mut Scope<'_>, id: &str, props: FunctionProps) -> Function {
    Function::new(s, id, Runtime::Python3_12, "index.handler", inline(), props).expect("function")
}

fn queue(s: &mut Scope<'_>, id: &str, visibility: Option<i64>) -> CfnQueue {
    let mut p = CfnQueueProps::new();
    p.sqs_managed_sse_enabled = Some(true.into());
    p.visibility_timeout = visibility.map(Into::into);
    CfnQueue::new(s, id, p).expect("queue")
}

fn warnings(app: &App, rule: &str) -> Vec<Diagnostic> {
    app.validate(&CfnBackend::default())
        .into_iter()
        .filter(|d| d.rule == rule)
        .collect()
}

#[test]
fn a_default_function_has_cdks_ids_its_own_log_group_and_a_least_privilege_role() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let f = function(&mut s, "Handler", FunctionProps::default());
    f.add_environment(&mut s, "STAGE", "dev")?;
    f.add_environment(&mut s, "STAGE", "prod")?;
    let t = synth(&app, "lambda_default");
    let (_, r) = resource_at(&t, "Fn/Handler/Resource");
    let (role_id, _) = resource_at(&t, "Fn/Handler/ServiceRole/Resource");
    let (policy_id, policy) = resource_at(&t, "Fn/Handler/ServiceRole/DefaultPolicy/Resource");
    let (log_id, log) = resource_at(&t, "Fn/Handler/LogGroup/Resource");
    assert_eq!(r["Properties"]["Runtime"], "python3.12");
    assert_eq!(r["Properties"]["Handler"], "index.handler");
    assert_eq!(
        r["Properties"]["Environment"],
        json!({"Variables": {"STAGE": "prod"}})
    );
    assert_eq!(
        r["Properties"]["Role"],
        json!({"Fn::GetAtt": [role_id, "Arn"]})
    );
    assert_eq!(
        r["Properties"]["LoggingConfig"],
        json!({"LogGroup": {"Ref": log_id}})
    );
    // The role is referenced, so only the policy needs a DependsOn.
    assert_eq!(r["DependsOn"], json!([policy_id]));
    assert_eq!(log["Properties"]["RetentionInDays"], 30);
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"],
        json!([{"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [log_id, "Arn"]}}])
    );
    Ok(())
}

#[test]
fn bad_function_settings_are_refused_with_the_path_and_a_fix() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let long = Function::new(
        &mut s,
        "Slow",
        Runtime::Python3_12,
        "index.handler",
        inline(),
        FunctionProps {
            timeout: Some(Duration::from_secs(901)),
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(long.starts_with("Fn/Slow: "), "{long}");
    assert!(long.contains("900"), "{long}");
    let java_inline = Function::new(
        &mut s,
        "J",
        Runtime::Java21,
        "x",
        inline(),
        FunctionProps::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        java_inline.contains("inline code cannot run on java21"),
        "{java_inline}"
    );
    let f = function(&mut s, "Ok", FunctionProps::default());
    let reserved = f
        .add_environment(&mut s, "AWS_REGION", "x")
        .unwrap_err()
        .to_string();
    assert!(
        reserved.starts_with("Fn/Ok: ") && reserved.contains("reserved"),
        "{reserved}"
    );
    let one_letter = f.add_environment(&mut s, "T", "v").unwrap_err().to_string();
    assert!(
        one_letter.contains("at least two characters"),
        "{one_letter}"
    );
    // The refused constructs left nothing behind.
    assert!(s.app().path(f.node).is_ok());
    assert_eq!(s.app().node(stack)?.children().len(), 1);
    Ok(())
}

#[test]
fn a_function_in_a_vpc_gets_its_own_security_group_and_the_vpc_access_policy() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let f = function(
        &mut s,
        "Handler",
        FunctionProps {
            vpc: Some(vpc),
            ..Default::default()
        },
    );
    let db = ec2::SecurityGroup::new(&mut s, "Db", vpc, Default::default())?;
    f.connect_to(
        &mut s,
        ec2::Connectable {
            security_group: db,
            default_port: ec2::Port::tcp(5432),
        },
        "function to database",
    )?;
    assert!(ec2::Ingress::admits(
        s.app(),
        db,
        f.security_group.expect("sg"),
        5432
    ));
    let t = synth(&app, "lambda_vpc");
    let (sg_id, _) = resource_at(&t, "Fn/Handler/SecurityGroup/Resource");
    let (_, r) = resource_at(&t, "Fn/Handler/Resource");
    assert_eq!(
        r["Properties"]["VpcConfig"]["SecurityGroupIds"],
        json!([{"Fn::GetAtt": [sg_id, "GroupId"]}])
    );
    assert_eq!(
        r["Properties"]["VpcConfig"]["SubnetIds"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let (_, role) = resource_at(&t, "Fn/Handler/ServiceRole/Resource");
    assert_eq!(
        role["Properties"]["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}])
    );
    Ok(())
}

#[test]
fn an_sqs_event_source_writes_the_mapping_after_the_grants_and_a_dlq_and_destination() -> TestResult
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let jobs = queue(&mut s, "Jobs", Some(60));
    let dlq = queue(&mut s, "Dead", None);
    let failed = queue(&mut s, "Failed", None);
    let f = function(
        &mut s,
        "Worker",
        FunctionProps {
            timeout: Some(Duration::from_secs(30)),
            dead_letter_queue: Some(dlq.into()),
            on_failure: Some(failed.into()),
            reserved_concurrency: Some(5),
            ..Default::default()
        },
    );
    let mapping = f.add_event_source(&mut s, EventSource::sqs(jobs).batch_size(10))?;
    assert_eq!(
        s.app().path(mapping)?,
        "Fn/Worker/SQSEventSource:FnJobs/Resource"
    );
    let caller = iam::Role::new(
        &mut s,
        "Caller",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    f.grant_invoke(&mut s, caller)?;
    let t = synth(&app, "lambda_sqs");
    let (jobs_id, _) = resource_at(&t, "Fn/Jobs");
    let (dead_id, _) = resource_at(&t, "Fn/Dead");
    let (failed_id, _) = resource_at(&t, "Fn/Failed");
    let (fn_id, r) = resource_at(&t, "Fn/Worker/Resource");
    let (policy_id, policy) = resource_at(&t, "Fn/Worker/ServiceRole/DefaultPolicy/Resource");
    let (_, m) = resource_at(&t, "Fn/Worker/SQSEventSource:FnJobs/Resource");
    assert_eq!(
        m["Properties"],
        json!({"BatchSize": 10, "EventSourceArn": {"Fn::GetAtt": [jobs_id, "Arn"]},
               "FunctionName": {"Ref": fn_id}})
    );
    assert_eq!(m["DependsOn"], json!([policy_id]));
    assert_eq!(
        r["Properties"]["DeadLetterConfig"],
        json!({"TargetArn": {"Fn::GetAtt": [dead_id, "Arn"]}})
    );
    assert_eq!(r["Properties"]["ReservedConcurrentExecutions"], 5);
    assert_has_resource_properties(
        &t,
        "AWS::Lambda::EventInvokeConfig",
        json!({"DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [failed_id, "Arn"]}}},
               "FunctionName": {"Ref": fn_id}, "Qualifier": "$LATEST"}),
    );
    let statements = policy["Properties"]["PolicyDocument"]["Statement"].to_string();
    for action in ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"] {
        assert!(statements.contains(action), "{action} in {statements}");
    }
    assert!(
        !statements.contains("\"*\""),
        "no wildcard resource: {statements}"
    );
    let (_, caller_policy) = resource_at(&t, "Fn/Caller/DefaultPolicy/Resource");
    assert_eq!(
        caller_policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"],
        "lambda:InvokeFunction"
    );
    Ok(())
}

#[test]
fn a_kinesis_event_source_grants_the_stream_read_and_starts_where_asked() -> TestResult {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let stream = kinesis::Stream::new(&mut s, "Events", Default::default())?;
    let f = function(&mut s, "Reader", FunctionProps::default());
    f.add_event_source(
        &mut s,
        EventSource::kinesis(stream, gs_constructs::lambda::StartingPosition::TrimHorizon),
    )?;
    let t = synth(&app, "lambda_kinesis");
    assert_has_resource_properties(
        &t,
        "AWS::Lambda::EventSourceMapping",
        json!({"StartingPosition": "TRIM_HORIZON"}),
    );
    let (_, policy) = resource_at(&t, "Fn/Reader/ServiceRole/DefaultPolicy/Resource");
    assert!(policy.to_string().contains("kinesis:GetRecords"));
    Ok(())
}

// --- lambda/sqs-visibility-timeout ---

#[test]
fn a_queue_whose_visibility_timeout_is_shorter_than_the_function_timeout_is_refused() -> TestResult
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    // Queue default 30 s, function 60 s.
    let jobs = queue(&mut s, "Jobs", None);
    let f = function(
        &mut s,
        "Worker",
        FunctionProps {
            timeout: Some(Duration::from_secs(60)),
            ..Default::default()
        },
    );
    f.add_event_source(&mut s, EventSource::sqs(jobs))?;
    assert_refused(
        &app,
        "lambda/sqs-visibility-timeout",
        "Fn/Worker/SQSEventSource:FnJobs",
    );
    Ok(())
}

#[test]
fn the_visibility_rule_reads_raw_mappings_and_passes_a_queue_as_long_as_the_timeout() -> TestResult
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let jobs = queue(&mut s, "Jobs", Some(60));
    let f = function(
        &mut s,
        "Worker",
        FunctionProps {
            timeout: Some(Duration::from_secs(60)),
            ..Default::default()
        },
    );
    s.resource::<()>(
        "RawMapping",
        Resource::new("AWS::Lambda::EventSourceMapping").properties(
            ValueMap::new()
                .with("EventSourceArn", jobs.attr_arn())
                .with("FunctionName", f.function_name()),
        ),
    )?;
    assert!(warnings(&app, "lambda/sqs-visibility-timeout").is_empty());
    let mut s = app.at(stack)?;
    let short = queue(&mut s, "Short", Some(10));
    s.resource::<()>(
        "RawShort",
        Resource::new("AWS::Lambda::EventSourceMapping").properties(
            ValueMap::new()
                .with("EventSourceArn", short.attr_arn())
                .with("FunctionName", f.arn()),
        ),
    )?;
    assert_refused(&app, "lambda/sqs-visibility-timeout", "Fn/RawShort");
    Ok(())
}

// --- lambda/vpc-without-egress ---

fn vpc_function(nat_gateways: u32, endpoint: Option<&'static str>) -> TestResult<App> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            nat_gateways: Some(nat_gateways),
            ..Default::default()
        },
    )?;
    if let Some(service) = endpoint {
        ec2::InterfaceVpcEndpoint::new(&mut s, "Endpoint", vpc, service, Default::default())?;
    }
    let jobs = queue(&mut s, "Jobs", None);
    let f = function(
        &mut s,
        "Handler",
        FunctionProps {
            vpc: Some(vpc),
            ..Default::default()
        },
    );
    // The code sends to the queue: a call from inside the VPC.
    f.role.grant(
        &mut s,
        iam::PolicyStatement::allow(["sqs:SendMessage"], [jobs.attr_arn()]),
    )?;
    Ok(app)
}

#[test]
fn a_function_in_subnets_without_nat_or_endpoint_for_its_grants_is_refused() -> TestResult<()> {
    let app = vpc_function(0, None)?;
    let found = refused(&app);
    let d = found
        .iter()
        .find(|d| d.rule == "lambda/vpc-without-egress")
        .expect("finding");
    assert_eq!(d.path, "Fn/Handler");
    assert!(d.message.contains("sqs"), "{}", d.message);
    assert!(
        d.message.contains("Fn/Vpc/PrivateSubnet1/Subnet"),
        "{}",
        d.message
    );
    Ok(())
}

#[test]
fn a_nat_gateway_or_an_endpoint_for_the_service_gives_the_function_a_way_out() -> TestResult<()> {
    let with_nat = vpc_function(1, None)?;
    synth(&with_nat, "lambda_vpc_nat");
    let with_endpoint = vpc_function(0, Some("sqs"))?;
    synth(&with_endpoint, "lambda_vpc_endpoint");
    let wrong_endpoint = vpc_function(0, Some("secretsmanager"))?;
    assert_refused(&wrong_endpoint, "lambda/vpc-without-egress", "Fn/Handler");
    Ok(())
}

#[test]
fn event_source_grants_do_not_count_as_calls_from_the_vpc() -> TestResult<()> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            nat_gateways: Some(0),
            ..Default::default()
        },
    )?;
    let jobs = queue(&mut s, "Jobs", None);
    let f = function(
        &mut s,
        "Handler",
        FunctionProps {
            vpc: Some(vpc),
            ..Default::default()
        },
    );
    // Lambda polls the queue from outside the VPC.
    f.add_event_source(&mut s, EventSource::sqs(jobs))?;
    assert!(warnings(&app, "lambda/vpc-without-egress").is_empty());
    Ok(())
}

// --- lambda/package-too-large ---

#[test]
fn a_zip_asset_over_250_mb_unzipped_is_refused_and_a_small_one_passes() -> TestResult<()> {
    let dir = std::env::temp_dir().join(format!("gs-lambda-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("index.py"), "def handler(e, c):\n    return 1\n")?;
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let f = Function::new(
        &mut s,
        "Small",
        Runtime::Python3_12,
        "index.handler",
        Code::from_dir(&dir),
        FunctionProps::default(),
    )?;
    assert!(warnings(&app, "lambda/package-too-large").is_empty());
    // The asset as zipping a 300 MB tree records it (zipping one here would take minutes).
    let code = app
        .node(f.node)?
        .children()
        .iter()
        .copied()
        .find(|c| app.path(*c).is_ok_and(|p| p.ends_with("/Code")));
    let code = code.expect("asset node");
    let mut asset = app
        .attached::<gs_constructs::cfn::assets::FileAsset>(code)
        .expect("asset")
        .clone();
    asset.unzipped_size = 300 * 1024 * 1024;
    asset.bytes = Arc::from(asset.bytes.to_vec());
    app.attach(code, asset)?;
    assert_refused(&app, "lambda/package-too-large", "Fn/Small");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

// --- lambda/reserved-concurrency-over-quota ---

#[test]
fn reservations_over_900_in_one_account_and_region_are_a_warning() -> TestResult<()> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    for (id, n) in [("A", 500), ("B", 300)] {
        function(
            &mut s,
            id,
            FunctionProps {
                reserved_concurrency: Some(n),
                ..Default::default()
            },
        );
    }
    assert!(warnings(&app, "lambda/reserved-concurrency-over-quota").is_empty());
    synth(&app, "lambda_reserved_ok");
    let mut s = app.at(stack)?;
    function(
        &mut s,
        "C",
        FunctionProps {
            reserved_concurrency: Some(150),
            ..Default::default()
        },
    );
    let found = warnings(&app, "lambda/reserved-concurrency-over-quota");
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|d| d.severity == Severity::Warning));
    assert!(found[0].message.contains("950"), "{}", found[0].message);
    // A warning does not block synthesis.
    synth(&app, "lambda_reserved_over");
    Ok(())
}

#[test]
fn reservations_that_overflow_an_i64_are_a_warning_not_a_panic() -> TestResult<()> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    for id in ["F0", "F1", "F2"] {
        s.resource::<RawResource>(
            id,
            Resource::new("AWS::Lambda::Function")
                .property("Role", "arn:aws:iam::123456789012:role/x")
                .property("Code", ValueMap::new().with("ZipFile", "x"))
                .property("Runtime", "python3.12")
                .property("Handler", "index.handler")
                .property("ReservedConcurrentExecutions", Value::Int(i64::MAX)),
        )?;
    }
    let found = warnings(&app, "lambda/reserved-concurrency-over-quota");
    assert_eq!(found.len(), 3);
    assert!(
        found[0].message.contains(&i64::MAX.to_string()),
        "{}",
        found[0].message
    );
    Ok(())
}

#[test]
fn a_queue_outside_the_app_is_accepted_by_arn_for_a_dead_letter_queue() -> TestResult<()> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    function(
        &mut s,
        "Handler",
        FunctionProps {
            dead_letter_queue: Some(QueueRef::from_arn(Value::sub(
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:dlq",
            ))),
            ..Default::default()
        },
    );
    let t = synth(&app, "lambda_dlq_arn");
    assert_has_resource_properties(
        &t,
        "AWS::Lambda::Function",
        json!({"DeadLetterConfig": {"TargetArn": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:dlq"}}}),
    );
    Ok(())
}
