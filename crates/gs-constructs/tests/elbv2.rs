//! Application Load Balancers: CDK's resources and defaults, listeners (HTTP, HTTPS with a
//! certificate handle, redirects), target groups, and a Fargate service attached as a target
//! with the security-group rules, `LoadBalancers` entry and ordering derived from the
//! attachment, in either order of calls.

mod support;

use gs_constructs::assertions::{Match, Template};
use gs_constructs::l1::certificatemanager::{CfnCertificate, CfnCertificateProps};
use gs_constructs::prelude::*;
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const IMAGE: &str = "public.ecr.aws/nginx/nginx:1.27";

struct Parts {
    app: App,
    vpc: ec2::Vpc,
    service: ecs::FargateService,
    web: ecs::Container,
    lb: elbv2::ApplicationLoadBalancer,
}

/// A VPC, a Fargate service whose container maps 8080 (and 9000), and an internet-facing ALB.
fn parts(
    lb_props: elbv2::ApplicationLoadBalancerProps,
) -> Result<Parts, Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Web", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let web = task.add_container(
        &mut s,
        "web",
        IMAGE,
        ecs::ContainerProps {
            port_mappings: vec![8080, 9000],
            ..Default::default()
        },
    )?;
    let service = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    let lb = elbv2::ApplicationLoadBalancer::new(&mut s, "LB", vpc, lb_props)?;
    Ok(Parts {
        app,
        vpc,
        service,
        web,
        lb,
    })
}

fn internet_facing() -> elbv2::ApplicationLoadBalancerProps {
    elbv2::ApplicationLoadBalancerProps {
        internet_facing: true,
        ..Default::default()
    }
}

fn http(port: u16) -> elbv2::ListenerProps {
    elbv2::ListenerProps {
        port: Some(port),
        ..Default::default()
    }
}

fn target_group(
    app: &mut App,
    vpc: ec2::Vpc,
    health_check: elbv2::HealthCheck,
) -> Result<elbv2::ApplicationTargetGroup, Box<dyn std::error::Error>> {
    let stack = app.stacks()[0];
    Ok(elbv2::ApplicationTargetGroup::new(
        &mut app.at(stack)?,
        "WebTargets",
        vpc,
        elbv2::ApplicationTargetGroupProps {
            port: Some(8080),
            health_check,
            deregistration_delay_seconds: Some(30),
            ..Default::default()
        },
    )?)
}

#[test]
fn an_internet_facing_load_balancer_is_cdks_in_the_public_subnets_after_their_routes() -> R {
    let Parts { app, lb, .. } = parts(internet_facing())?;
    let t = Template::from_json(synth(&app, "elbv2_internet_facing"));
    t.has_resource(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({
            "Properties": {
                "LoadBalancerAttributes": [
                    {"Key": "deletion_protection.enabled", "Value": "false"},
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                ],
                "Scheme": "internet-facing",
                "SecurityGroups": [{"Fn::GetAtt": [Match::string_like_regexp("^LBSecurityGroup"), "GroupId"]}],
                "Subnets": [
                    {"Ref": Match::string_like_regexp("^VpcPublicSubnet1")},
                    {"Ref": Match::string_like_regexp("^VpcPublicSubnet2")},
                ],
                "Type": "application",
            },
            "DependsOn": [
                Match::string_like_regexp("^VpcPublicSubnet1DefaultRoute"),
                Match::string_like_regexp("^VpcPublicSubnet1RouteTableAssociation"),
                Match::string_like_regexp("^VpcPublicSubnet2DefaultRoute"),
                Match::string_like_regexp("^VpcPublicSubnet2RouteTableAssociation"),
            ],
            "Metadata": {"aws:cdk:path": "Web/LB/Resource"},
        }),
    )?;
    // CDK's own group for the load balancer sends nothing until a target is attached.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupDescription": "Automatically created Security Group for ELB Web/LB",
            "SecurityGroupEgress": [{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic"}],
        }),
    )?;
    assert!(lb.internet_facing);
    Ok(())
}

#[test]
fn an_internal_load_balancer_sits_in_private_subnets_and_its_open_listener_admits_the_vpc() -> R {
    let Parts {
        mut app, vpc, lb, ..
    } = parts(Default::default())?;
    let tg = target_group(&mut app, vpc, Default::default())?;
    lb.add_listener(
        &mut app,
        "Listener",
        elbv2::ListenerAction::forward(tg),
        http(8080),
    )?;
    let t = Template::from_json(synth(&app, "elbv2_internal"));
    t.has_resource(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({
            "Properties": {
                "Scheme": "internal",
                "Subnets": [
                    {"Ref": Match::string_like_regexp("^VpcPrivateSubnet1")},
                    {"Ref": Match::string_like_regexp("^VpcPrivateSubnet2")},
                ],
            },
            "DependsOn": Match::absent(),
        }),
    )?;
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"CidrIp": "10.0.0.0/16", "FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp",
               "Description": "Allow from the VPC on port 8080"}),
    )?;
    Ok(())
}

/// The attachment, with the listener added first or last.
fn attached(
    listener_first: bool,
    health_check: elbv2::HealthCheck,
) -> Result<(App, Parts2), Box<dyn std::error::Error>> {
    let Parts {
        mut app,
        vpc,
        service,
        web,
        lb,
    } = parts(internet_facing())?;
    let tg = target_group(&mut app, vpc, health_check)?;
    if listener_first {
        lb.add_listener(
            &mut app,
            "Listener",
            elbv2::ListenerAction::forward(tg),
            http(80),
        )?;
        tg.add_fargate_service(&mut app, service, web, 8080)?;
    } else {
        tg.add_fargate_service(&mut app, service, web, 8080)?;
        lb.add_listener(
            &mut app,
            "Listener",
            elbv2::ListenerAction::forward(tg),
            http(80),
        )?;
    }
    Ok((app, Parts2 { service, lb }))
}

struct Parts2 {
    service: ecs::FargateService,
    lb: elbv2::ApplicationLoadBalancer,
}

#[test]
fn attaching_a_fargate_service_derives_its_entry_the_rules_and_the_order() -> R {
    let (app, p) = attached(
        true,
        elbv2::HealthCheck {
            path: Some("/health".into()),
            ..Default::default()
        },
    )?;
    let t = Template::from_json(synth(&app, "elbv2_attached"));
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        json!({
            "HealthCheckPath": "/health",
            "Port": 8080,
            "Protocol": "HTTP",
            "TargetGroupAttributes": [
                {"Key": "deregistration_delay.timeout_seconds", "Value": "30"},
                {"Key": "stickiness.enabled", "Value": "false"},
            ],
            "TargetType": "ip",
            "VpcId": {"Ref": Match::string_like_regexp("^Vpc")},
        }),
    )?;
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({
            "DefaultActions": [{"TargetGroupArn": {"Ref": Match::string_like_regexp("^WebTargets")}, "Type": "forward"}],
            "LoadBalancerArn": {"Ref": Match::string_like_regexp("^LB")},
            "Port": 80,
            "Protocol": "HTTP",
            "SslPolicy": Match::absent(),
        }),
    )?;
    // Clients to the load balancer, as CDK's `open: true` writes it.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"CidrIp": "0.0.0.0/0", "Description": "Allow from anyone on port 80",
               "FromPort": 80, "ToPort": 80, "IpProtocol": "tcp"}),
    )?;
    // The load balancer to the tasks: ingress on the tasks' group, egress on its own.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({
            "Description": "Load balancer to target", "FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp",
            "GroupId": {"Fn::GetAtt": [Match::string_like_regexp("^ServiceSecurityGroup"), "GroupId"]},
            "SourceSecurityGroupId": {"Fn::GetAtt": [Match::string_like_regexp("^LBSecurityGroup"), "GroupId"]},
        }),
    )?;
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        json!({
            "Description": "Load balancer to target", "FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp",
            "GroupId": {"Fn::GetAtt": [Match::string_like_regexp("^LBSecurityGroup"), "GroupId"]},
            "DestinationSecurityGroupId": {"Fn::GetAtt": [Match::string_like_regexp("^ServiceSecurityGroup"), "GroupId"]},
        }),
    )?;
    t.has_resource(
        "AWS::ECS::Service",
        json!({
            "Properties": {
                "HealthCheckGracePeriodSeconds": 60,
                "LoadBalancers": [{
                    "ContainerName": "web",
                    "ContainerPort": 8080,
                    "TargetGroupArn": {"Ref": Match::string_like_regexp("^WebTargets")},
                }],
            },
            "DependsOn": Match::array_with(json!([
                Match::string_like_regexp("^LBListener"),
                Match::string_like_regexp("^LBSecurityGrouptoWebServiceSecurityGroup8080"),
                Match::string_like_regexp("^ServiceSecurityGroupfromWebLBSecurityGroup8080"),
            ])),
        }),
    )?;
    assert!(ec2::Ingress::admits(
        &app,
        p.service.security_group,
        p.lb.security_group,
        8080
    ));
    assert!(!ec2::Ingress::admits(
        &app,
        p.service.security_group,
        p.lb.security_group,
        9000
    ));
    let facts = app.facts::<elbv2::Attachment>();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].health_check_port, 8080);
    Ok(())
}

#[test]
fn the_wiring_is_the_same_whether_the_listener_or_the_service_comes_first() -> R {
    let (first, _) = attached(true, Default::default())?;
    let (last, _) = attached(false, Default::default())?;
    let a = synth(&first, "elbv2_listener_first");
    let b = synth(&last, "elbv2_listener_last");
    assert_eq!(a["Resources"], b["Resources"]);
    Ok(())
}

#[test]
fn a_health_check_on_another_port_is_admitted_too() -> R {
    let (app, p) = attached(
        false,
        elbv2::HealthCheck {
            port: Some(9000),
            interval_seconds: Some(10),
            timeout_seconds: Some(5),
            healthy_threshold_count: Some(2),
            unhealthy_threshold_count: Some(3),
            healthy_http_codes: Some("200-299".into()),
            ..Default::default()
        },
    )?;
    assert!(ec2::Ingress::admits(
        &app,
        p.service.security_group,
        p.lb.security_group,
        8080
    ));
    assert!(ec2::Ingress::admits(
        &app,
        p.service.security_group,
        p.lb.security_group,
        9000
    ));
    let t = Template::from_json(synth(&app, "elbv2_health_port"));
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        json!({"HealthCheckPort": "9000", "HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 5,
               "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 3, "Matcher": {"HttpCode": "200-299"}}),
    )?;
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        json!({"Description": "Load balancer health check to target", "FromPort": 9000, "ToPort": 9000}),
    )?;
    Ok(())
}

#[test]
fn an_https_listener_takes_a_certificate_handle_and_http_redirects_to_it() -> R {
    let Parts {
        mut app, vpc, lb, ..
    } = parts(internet_facing())?;
    let stack = app.stacks()[0];
    let cert = CfnCertificate::new(
        &mut app.at(stack)?,
        "Certificate",
        CfnCertificateProps {
            validation_method: Some("DNS".into()),
            ..CfnCertificateProps::new("www.example.com")
        },
    )?;
    let tg = target_group(&mut app, vpc, Default::default())?;
    let https = lb.add_listener(
        &mut app,
        "Https",
        elbv2::ListenerAction::forward(tg),
        elbv2::ListenerProps {
            certificate: Some(cert.into()),
            port: Some(443),
            ..Default::default()
        },
    )?;
    assert_eq!(https.protocol, elbv2::ApplicationProtocol::Https);
    lb.add_listener(
        &mut app,
        "Http",
        elbv2::ListenerAction::redirect_to_https(),
        http(80),
    )?;
    let t = Template::from_json(synth(&app, "elbv2_https"));
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({
            "Certificates": [{"CertificateArn": {"Ref": Match::string_like_regexp("^Certificate")}}],
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": elbv2::DEFAULT_SSL_POLICY,
        }),
    )?;
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({
            "DefaultActions": [{
                "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
                "Type": "redirect",
            }],
            "Port": 80,
            "Protocol": "HTTP",
        }),
    )?;
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 2)?;
    Ok(())
}

#[test]
fn an_imported_certificate_arn_is_written_as_given() -> R {
    let Parts {
        mut app, vpc, lb, ..
    } = parts(internet_facing())?;
    let tg = target_group(&mut app, vpc, Default::default())?;
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000";
    lb.add_listener(
        &mut app,
        "Https",
        elbv2::ListenerAction::forward(tg),
        elbv2::ListenerProps {
            protocol: Some(elbv2::ApplicationProtocol::Https),
            certificate: Some(elbv2::ListenerCertificate::from_arn(arn)),
            ssl_policy: Some("ELBSecurityPolicy-TLS13-1-3-2021-06".into()),
            ..Default::default()
        },
    )?;
    let t = Template::from_json(synth(&app, "elbv2_imported_certificate"));
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Certificates": [{"CertificateArn": arn}], "Port": 443,
               "SslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}),
    )?;
    Ok(())
}

fn invalid_fix(e: ConstructError) -> (String, String) {
    match e {
        ConstructError::InvalidProps { path, fix, .. } => (path, fix),
        other => panic!("expected InvalidProps, got {other}"),
    }
}

#[test]
fn listener_mistakes_are_refused_at_the_call_with_the_path_and_a_fix() -> R {
    let Parts { mut app, lb, .. } = parts(internet_facing())?;
    let no_cert = lb
        .add_listener(
            &mut app,
            "Https",
            elbv2::ListenerAction::redirect_to_https(),
            elbv2::ListenerProps {
                port: Some(443),
                ..Default::default()
            },
        )
        .unwrap_err();
    let (path, fix) = invalid_fix(no_cert);
    assert_eq!(path, "Web/LB/Https");
    assert!(fix.contains("certificate"), "{fix}");
    let http_cert = lb.add_listener(
        &mut app,
        "Http",
        elbv2::ListenerAction::redirect_to_https(),
        elbv2::ListenerProps {
            port: Some(80),
            certificate: Some(elbv2::ListenerCertificate::from_arn(
                "arn:aws:acm:us-east-1:1:certificate/x",
            )),
            ..Default::default()
        },
    );
    assert!(http_cert.is_err());
    let loop_ = lb.add_listener(
        &mut app,
        "Loop",
        elbv2::ListenerAction::Redirect {
            protocol: elbv2::ApplicationProtocol::Http,
            port: 80,
            permanent: true,
        },
        http(80),
    );
    assert!(invalid_fix(loop_.unwrap_err()).1.contains("another port"));
    let nothing = lb.add_listener(
        &mut app,
        "Nothing",
        elbv2::ListenerAction::redirect_to_https(),
        Default::default(),
    );
    assert!(nothing.is_err());
    // Nothing of the refused calls is left in the tree.
    let t = Template::from_json(synth(&app, "elbv2_refused_listeners"));
    t.resource_count_is("AWS::ElasticLoadBalancingV2::Listener", 0)?;
    Ok(())
}

#[test]
fn a_port_the_container_does_not_map_is_refused_naming_the_service() -> R {
    let Parts {
        mut app,
        vpc,
        service,
        web,
        ..
    } = parts(internet_facing())?;
    let tg = target_group(&mut app, vpc, Default::default())?;
    let e = tg
        .add_fargate_service(&mut app, service, web, 3000)
        .unwrap_err();
    let msg = e.to_string();
    let (path, fix) = invalid_fix(e);
    assert_eq!(path, "Web/Service");
    assert!(msg.contains("3000"), "{msg}");
    assert!(fix.contains("port_mappings"), "{fix}");
    Ok(())
}

#[test]
fn load_balancer_and_target_group_settings_are_checked_at_construction() -> R {
    let mut app = App::new();
    let stack = app.stack("Web", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let bad_name = elbv2::ApplicationLoadBalancer::new(
        &mut s,
        "LB",
        vpc,
        elbv2::ApplicationLoadBalancerProps {
            load_balancer_name: Some("internal-web".into()),
            ..Default::default()
        },
    );
    assert_eq!(invalid_fix(bad_name.unwrap_err()).0, "Web/LB");
    let private_facing = elbv2::ApplicationLoadBalancer::new(
        &mut s,
        "LB",
        vpc,
        elbv2::ApplicationLoadBalancerProps {
            internet_facing: true,
            subnets: Some(ec2::SubnetType::Private),
            ..Default::default()
        },
    );
    assert!(private_facing.is_err());
    let slow = elbv2::ApplicationTargetGroup::new(
        &mut s,
        "Targets",
        vpc,
        elbv2::ApplicationTargetGroupProps {
            health_check: elbv2::HealthCheck {
                interval_seconds: Some(5),
                timeout_seconds: Some(10),
                ..Default::default()
            },
            ..Default::default()
        },
    );
    assert!(invalid_fix(slow.unwrap_err())
        .1
        .contains("shorter than the interval"));
    let protected = elbv2::ApplicationLoadBalancer::new(
        &mut s,
        "LB",
        vpc,
        elbv2::ApplicationLoadBalancerProps {
            deletion_protection: true,
            load_balancer_name: Some("web".into()),
            idle_timeout_seconds: Some(120),
            ..Default::default()
        },
    )?;
    assert!(!protected.internet_facing);
    let t = Template::from_json(synth(&app, "elbv2_settings"));
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({
            "LoadBalancerAttributes": Match::array_with(json!([
                {"Key": "deletion_protection.enabled", "Value": "true"},
                {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
            ])),
            "Name": "web",
        }),
    )?;
    Ok(())
}
