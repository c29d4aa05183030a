mod support;

use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

fn stack() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app.stack("Net", StackProps::default()).expect("stack");
    (app, stack)
}

#[test]
fn vpc_has_two_public_and_two_private_subnets_with_dns_on() -> Result<(), Box<dyn std::error::Error>>
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let t = synth(&app, "vpc_default");
    assert_has_resource_properties(
        &t,
        "AWS::EC2::VPC",
        json!({"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": true, "EnableDnsHostnames": true}),
    );
    assert_eq!(resources_of(&t, "AWS::EC2::Subnet").len(), 4);
    assert_eq!(resources_of(&t, "AWS::EC2::NatGateway").len(), 2);
    assert_has_resource_properties(
        &t,
        "AWS::EC2::Subnet",
        json!({"CidrBlock": "10.0.192.0/18", "MapPublicIpOnLaunch": false}),
    );
    let (id, _) = resource_at(&t, "Net/Vpc/Resource");
    assert!(id.starts_with("Vpc"), "{id}");
    Ok(())
}

#[test]
fn a_vpc_cidr_with_host_bits_is_refused_naming_the_vpc() -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let err = ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            cidr: "10.0.0.1/16".into(),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Net/Vpc: the VPC CIDR is invalid"),
        "{err}"
    );
    Ok(())
}

#[test]
fn allow_from_a_security_group_adds_one_ingress_resource() -> Result<(), Box<dyn std::error::Error>>
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let efs = ec2::SecurityGroup::new(&mut s, "EfsSecurityGroup", vpc, Default::default())?;
    let ecs = ec2::SecurityGroup::new(&mut s, "EcsTaskSecurityGroup", vpc, Default::default())?;
    efs.allow_from(&mut s, ecs, ec2::Port::tcp(2049), "NFS from ECS tasks")?;
    efs.allow_from(&mut s, ecs, ec2::Port::tcp(2049), "NFS from ECS tasks")?;
    let t = synth(&app, "sg_allow_from");
    let rules = resources_of(&t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(rules.len(), 1);
    let (ecs_id, _) = resource_at(&t, "Net/EcsTaskSecurityGroup/Resource");
    assert!(matches(
        &rules[0].1["Properties"],
        &json!({"FromPort": 2049, "ToPort": 2049, "IpProtocol": "tcp",
                "SourceSecurityGroupId": {"Fn::GetAtt": [ecs_id, "GroupId"]}})
    ));
    Ok(())
}

#[test]
fn interface_endpoint_admits_https_from_the_vpc() -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    ec2::InterfaceVpcEndpoint::new(
        &mut s,
        "SecretsManagerEndpoint",
        vpc,
        "secretsmanager",
        Default::default(),
    )?;
    let t = synth(&app, "vpc_endpoint");
    assert_has_resource_properties(
        &t,
        "AWS::EC2::VPCEndpoint",
        json!({"PrivateDnsEnabled": true, "VpcEndpointType": "Interface"}),
    );
    assert_has_resource_properties(
        &t,
        "AWS::EC2::SecurityGroupIngress",
        json!({"CidrIp": "10.0.0.0/16", "FromPort": 443}),
    );
    Ok(())
}

#[test]
fn splitting_a_block_into_more_subnets_than_it_holds_gives_none_not_a_panic() {
    let block: ec2::Ipv4Cidr = "10.0.0.0/16".parse().unwrap();
    assert_eq!(block.split(u32::MAX), None);
    assert_eq!(block.split(8192), None, "a /28 is the smallest subnet");
    assert_eq!(block.split(4096).map(|s| s.len()), Some(4096));
    assert_eq!(block.split(4).map(|s| s.len()), Some(4));
}

#[test]
fn a_security_group_description_keeps_to_what_ec2_accepts() -> Result<(), Box<dyn std::error::Error>>
{
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let long_id = format!("Group'{}", "x".repeat(300));
    ec2::SecurityGroup::new(&mut s, &long_id, vpc, Default::default())?;
    let err = ec2::SecurityGroup::new(
        &mut s,
        "Quoted",
        vpc,
        ec2::SecurityGroupProps {
            description: Some("it's \"quoted\"".into()),
            ..Default::default()
        },
    )
    .expect_err("refused");
    assert!(
        err.to_string().starts_with("Net/Quoted: the description"),
        "{err}"
    );
    let t = synth(&app, "sg_description");
    let (_, sg) = resource_at(&t, &format!("Net/{long_id}/Resource"));
    let description = sg["Properties"]["GroupDescription"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(description.chars().count(), 255);
    assert!(description.starts_with("Net/Group_xxx"), "{description}");
    Ok(())
}

#[test]
fn a_backwards_port_range_is_refused_naming_the_group() -> Result<(), Box<dyn std::error::Error>> {
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let sg = ec2::SecurityGroup::new(&mut s, "Web", vpc, Default::default())?;
    let err = sg
        .allow_from(
            &mut s,
            ec2::Peer::AnyIpv4,
            ec2::Port::tcp_range(8080, 8000),
            "web",
        )
        .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Net/Web: the port range 8080-8000 runs backwards"),
        "{err}"
    );
    Ok(())
}

/// `fixtures/cdk_vpc_max_azs_2.json` is what aws-cdk-lib 2.276.0 synthesizes for
/// `new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 })` in a stack `Net` (tags sorted by key, as gs
/// writes them): the same logical IDs, types, properties, tags and dependencies.
#[test]
fn the_vpc_is_the_one_aws_cdk_lib_synthesizes_resource_for_resource(
) -> Result<(), Box<dyn std::error::Error>> {
    let cdk: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/cdk_vpc_max_azs_2.json"))?;
    let (mut app, stack) = stack();
    let mut s = app.at(stack)?;
    ec2::Vpc::new(
        &mut s,
        "Vpc",
        ec2::VpcProps {
            max_azs: 2,
            ..Default::default()
        },
    )?;
    let ours = synth(&app, "vpc_like_cdk");
    let ours = ours["Resources"].as_object().expect("resources");
    let cdk = cdk.as_object().expect("fixture");
    let mut ids: Vec<&String> = ours.keys().collect();
    ids.sort();
    let mut cdk_ids: Vec<&String> = cdk.keys().collect();
    cdk_ids.sort();
    assert_eq!(ids, cdk_ids, "the same logical IDs");
    for (id, theirs) in cdk {
        let mine = &ours[id];
        assert_eq!(mine["Type"], theirs["Type"], "{id}");
        assert_eq!(
            &mine["Properties"],
            theirs.get("Properties").unwrap_or(&serde_json::Value::Null),
            "{id}"
        );
        let mut deps: Vec<&str> = mine["DependsOn"]
            .as_array()
            .map(|d| d.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let mut their_deps: Vec<&str> = theirs["DependsOn"]
            .as_array()
            .map(|d| d.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        deps.sort_unstable();
        their_deps.sort_unstable();
        assert_eq!(deps, their_deps, "{id}");
    }
    Ok(())
}
