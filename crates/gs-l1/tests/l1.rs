//! Resources built through the generated L1 structs, synthesized to CloudFormation: handles
//! rendered as `Ref` or `Fn::GetAtt` as each property needs, nested structs, maps, lists of
//! handles, tokens in string fields, typed attributes, and the type's own tagging.

use gs_cfn::CfnBackend;
use gs_core::{App, Output, StackProps, Value, ValueMap};
use gs_l1::{applicationautoscaling, ec2, efs, iam, lambda, ssm, Cfn, Map};
use serde_json::{json, Value as Json};

fn synth(app: &App, stack: &str) -> Json {
    let out = app.synth(&CfnBackend::default()).unwrap();
    let bytes = &out
        .artifact(&format!("{stack}.template.json"))
        .unwrap()
        .bytes;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/cfn-templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("l1_{stack}.template.json")), bytes).unwrap();
    serde_json::from_slice(bytes).unwrap()
}

fn assume_lambda() -> Value {
    Value::Map(ValueMap::new().with("Version", "2012-10-17").with(
        "Statement",
        Value::List(vec![Value::Map(
                ValueMap::new()
                    .with("Effect", "Allow")
                    .with(
                        "Principal",
                        ValueMap::new().with("Service", "lambda.amazonaws.com"),
                    )
                    .with("Action", "sts:AssumeRole"),
            )]),
    ))
}

#[test]
fn a_function_takes_its_role_handle_as_the_role_arn() {
    let mut app = App::new();
    let stack = app.stack("L1Lambda", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let role = iam::CfnRole::new(
        &mut s,
        "Role",
        iam::CfnRoleProps {
            managed_policy_arns: Some(
                vec!["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"].into(),
            ),
            ..iam::CfnRoleProps::new(assume_lambda())
        },
    )
    .unwrap();
    let mut props = lambda::CfnFunctionProps::new(
        lambda::function::Code {
            zip_file: Some("def handler(e, c): return 1".into()),
            ..Default::default()
        },
        role,
    );
    props.handler = Some("index.handler".into());
    props.runtime = Some("python3.12".into());
    // A token in a string field.
    props.function_name = Some(Value::sub("${AWS::StackName}-fn").into());
    // A nested struct holding a map.
    props.environment = Some(lambda::function::Environment {
        variables: Some(Map::from([("MODE", "prod"), ("LEVEL", "info")])),
    });
    let function = lambda::CfnFunction::new(&mut s, "Fn", props).unwrap();
    s.output("FunctionArn", Output::new(function.attr_arn()))
        .unwrap();
    s.output(
        "SnapStart",
        Output::new(function.attr_snap_start_response_apply_on()),
    )
    .unwrap();
    app.tag(stack, "Environment", "dev").unwrap();

    let t = synth(&app, "L1Lambda");
    let f = &t["Resources"]["Fn"];
    assert_eq!(f["Type"], "AWS::Lambda::Function");
    assert_eq!(
        f["Properties"],
        json!({
            "Code": {"ZipFile": "def handler(e, c): return 1"},
            "Environment": {"Variables": {"MODE": "prod", "LEVEL": "info"}},
            "FunctionName": {"Fn::Sub": "${AWS::StackName}-fn"},
            "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Runtime": "python3.12",
            "Tags": [{"Key": "Environment", "Value": "dev"}]
        })
    );
    // Alphabetical, as CDK writes L1 properties; the tree's tags come last.
    let keys: Vec<&String> = f["Properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "Code",
            "Environment",
            "FunctionName",
            "Handler",
            "Role",
            "Runtime",
            "Tags"
        ]
    );
    assert_eq!(
        t["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
            ["Principal"],
        json!({"Service": "lambda.amazonaws.com"})
    );
    assert_eq!(
        t["Outputs"]["FunctionArn"]["Value"],
        json!({"Fn::GetAtt": ["Fn", "Arn"]})
    );
    assert_eq!(
        t["Outputs"]["SnapStart"]["Value"],
        json!({"Fn::GetAtt": ["Fn", "SnapStartResponse.ApplyOn"]})
    );
    assert_eq!(f["DependsOn"], Json::Null, "the GetAtt is the dependency");
}

#[test]
fn a_mount_target_takes_file_system_and_security_group_handles_as_refs() {
    let mut app = App::new();
    let stack = app.stack("L1Efs", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let vpc = ec2::CfnVPC::new(
        &mut s,
        "Vpc",
        ec2::CfnVPCProps {
            cidr_block: Some("10.0.0.0/16".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let subnet = ec2::CfnSubnet::new(
        &mut s,
        "Subnet",
        ec2::CfnSubnetProps {
            cidr_block: Some("10.0.0.0/24".into()),
            availability_zone: Some(Value::select(0, Value::azs()).into()),
            ..ec2::CfnSubnetProps::new(vpc)
        },
    )
    .unwrap();
    let sg = |s: &mut gs_core::Scope<'_>, id: &str| {
        ec2::CfnSecurityGroup::new(
            s,
            id,
            ec2::CfnSecurityGroupProps {
                vpc_id: Some(vpc.into()),
                ..ec2::CfnSecurityGroupProps::new(format!("{id} of the mount target"))
            },
        )
        .unwrap()
    };
    let (a, b) = (sg(&mut s, "SgA"), sg(&mut s, "SgB"));
    let fs = efs::CfnFileSystem::new(
        &mut s,
        "FileSystem",
        efs::CfnFileSystemProps {
            encrypted: Some(true.into()),
            // Several keys of a nested struct, and a list of nested structs.
            lifecycle_policies: Some(
                vec![efs::file_system::LifecyclePolicy {
                    transition_to_ia: Some("AFTER_30_DAYS".into()),
                    ..Default::default()
                }]
                .into(),
            ),
            ..Default::default()
        },
    )
    .unwrap();
    efs::CfnMountTarget::new(
        &mut s,
        "MountTarget",
        efs::CfnMountTargetProps::new(fs, vec![a, b], subnet),
    )
    .unwrap();
    app.tag(stack, "Team", "media").unwrap();

    let t = synth(&app, "L1Efs");
    assert_eq!(
        t["Resources"]["MountTarget"]["Properties"],
        json!({
            "FileSystemId": {"Ref": "FileSystem"},
            "SecurityGroups": [{"Ref": "SgA"}, {"Ref": "SgB"}],
            "SubnetId": {"Ref": "Subnet"}
        })
    );
    let fs_props = &t["Resources"]["FileSystem"]["Properties"];
    assert_eq!(
        fs_props["LifecyclePolicies"],
        json!([{"TransitionToIA": "AFTER_30_DAYS"}])
    );
    // EFS spells its tags `FileSystemTags`; the spec's tag information says so.
    assert_eq!(
        fs_props["FileSystemTags"],
        json!([{"Key": "Team", "Value": "media"}])
    );
    assert_eq!(
        t["Resources"]["Subnet"]["Properties"]["AvailabilityZone"],
        json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    );
    assert_eq!(
        t["Resources"]["SgA"]["Properties"]["VpcId"],
        json!({"Ref": "Vpc"})
    );
}

#[test]
fn a_map_tagged_type_gets_its_tags_as_a_map_and_strings_pass_through() {
    let mut app = App::new();
    let stack = app.stack("L1Ssm", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let p = ssm::CfnParameter::new(&mut s, "Param", ssm::CfnParameterProps::new("String", "v1"))
        .unwrap();
    // A relationship field given a plain string (a resource defined elsewhere).
    let mt = efs::CfnMountTargetProps::new(
        "fs-12345678",
        ["sg-0123456789abcdef0"],
        "subnet-0123456789abcdef0",
    );
    efs::CfnMountTarget::new(&mut s, "Outside", mt).unwrap();
    app.tag(stack, "Team", "media").unwrap();

    let t = synth(&app, "L1Ssm");
    assert_eq!(
        t["Resources"]["Param"]["Properties"],
        json!({"Type": "String", "Value": "v1", "Tags": {"Team": "media"}})
    );
    assert_eq!(
        t["Resources"]["Outside"]["Properties"],
        json!({"FileSystemId": "fs-12345678", "SecurityGroups": ["sg-0123456789abcdef0"], "SubnetId": "subnet-0123456789abcdef0"})
    );
    assert_eq!(
        p.attr_type(),
        Value::GetAtt(p.node(), "Type".into()),
        "attributes are GetAtt of the spec's name"
    );
}

#[test]
fn props_into_resource_can_be_adjusted_before_it_is_added() {
    let mut app = App::new();
    let stack = app.stack("L1Add", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let mut r = efs::CfnFileSystemProps::default().into_resource();
    r.removal_policy = Some(gs_core::RemovalPolicy::Retain);
    r.logical_id = Some("Shared".into());
    assert_eq!(r.tagging, Some(gs_core::Tagging::List("FileSystemTags")));
    let fs = efs::CfnFileSystem::add(&mut s, "Fs", r).unwrap();
    // A resource of another type is refused, with the path and the fix.
    let wrong = ssm::CfnParameterProps::new("String", "x").into_resource();
    let err = efs::CfnFileSystem::add(&mut s, "NotAFs", wrong).unwrap_err();
    assert!(err.to_string().contains("L1Add/NotAFs"), "{err}");
    assert!(err.to_string().contains("AWS::EFS::FileSystem"), "{err}");

    let t = synth(&app, "L1Add");
    assert_eq!(t["Resources"]["Shared"]["DeletionPolicy"], "Retain");
    assert_eq!(Value::from(fs), Value::Ref(fs.node()));
    assert_eq!(gs_core::NodeId::from(fs), fs.node());
    let copy: Cfn<efs::markers::FileSystem> = fs;
    assert_eq!(
        format!("{copy:?}").split('(').next(),
        Some("Cfn<AWS::EFS::FileSystem>")
    );
}

#[test]
fn a_handle_from_another_app_is_refused() {
    let mut other = App::new();
    let other_stack = other.stack("Other", StackProps::default()).unwrap();
    let foreign = efs::CfnFileSystem::new(
        &mut other.at(other_stack).unwrap(),
        "Fs",
        Default::default(),
    )
    .unwrap();
    let mut app = App::new();
    let stack = app.stack("Mine", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let err = efs::CfnMountTarget::new(
        &mut s,
        "Mt",
        efs::CfnMountTargetProps::new(
            foreign,
            ["sg-0123456789abcdef0"],
            "subnet-0123456789abcdef0",
        ),
    )
    .unwrap_err();
    assert!(err.to_string().contains("another App"), "{err}");
}

#[test]
fn a_type_the_registry_schema_gives_no_tags_stays_untagged_in_a_tagged_stack() {
    // The service spec calls `AWS::ApplicationAutoScaling::ScalableTarget` taggable, but its
    // registry schema has no `Tags` (cfn-lint: E3002): the stack's tags must not reach it.
    let mut app = App::new();
    let stack = app.stack("L1Untagged", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    applicationautoscaling::CfnScalableTarget::new(
        &mut s,
        "Target",
        applicationautoscaling::CfnScalableTargetProps::new(
            4,
            1,
            Value::from("service/cluster/service"),
            "ecs:service:DesiredCount",
            "ecs",
        ),
    )
    .unwrap();
    app.tag(stack, "Team", "media").unwrap();
    let t = synth(&app, "L1Untagged");
    assert_eq!(t["Resources"]["Target"]["Properties"].get("Tags"), None);
}
