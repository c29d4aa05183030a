//! `elbv2/health-check-port-not-admitted`: an ECS service behind a target group whose health
//! check port its security groups do not admit from the load balancer's. Every check times out,
//! every task is replaced, the deployment rolls back. Caught for typed constructs changed through
//! the escape hatch and for raw resources; the typed attachment never produces it.

mod support;

use gs_constructs::prelude::*;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

const RULE: &str = "elbv2/health-check-port-not-admitted";

struct Parts {
    app: App,
    tg: elbv2::ApplicationTargetGroup,
    service: ecs::FargateService,
    lb: elbv2::ApplicationLoadBalancer,
}

/// A Fargate service (container port 8080) attached to a target group health-checked on
/// `health_port`, behind an internet-facing load balancer's listener on 80.
fn attached(health_port: Option<u16>) -> Result<Parts, Box<dyn std::error::Error>> {
    let mut app = App::new();
    let stack = app.stack("Web", StackProps::default())?;
    let mut s = app.at(stack)?;
    let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
    let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
    let web = task.add_container(
        &mut s,
        "web",
        "public.ecr.aws/nginx/nginx:1.27",
        ecs::ContainerProps {
            port_mappings: vec![8080],
            ..Default::default()
        },
    )?;
    let service = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
    let lb = elbv2::ApplicationLoadBalancer::new(
        &mut s,
        "LB",
        vpc,
        elbv2::ApplicationLoadBalancerProps {
            internet_facing: true,
            ..Default::default()
        },
    )?;
    let tg = elbv2::ApplicationTargetGroup::new(
        &mut s,
        "WebTargets",
        vpc,
        elbv2::ApplicationTargetGroupProps {
            port: Some(8080),
            health_check: elbv2::HealthCheck {
                port: health_port,
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    lb.add_listener(
        &mut s,
        "Listener",
        elbv2::ListenerAction::forward(tg),
        elbv2::ListenerProps {
            port: Some(80),
            ..Default::default()
        },
    )?;
    tg.add_fargate_service(&mut s, service, web, 8080)?;
    Ok(Parts {
        app,
        tg,
        service,
        lb,
    })
}

fn findings_of(app: &App, rule: &str) -> Vec<Diagnostic> {
    match app.synth(&CfnBackend {
        templates_only: true,
    }) {
        Ok(_) => Vec::new(),
        Err(SynthError::Invalid { report }) => {
            report.0.into_iter().filter(|d| d.rule == rule).collect()
        }
        Err(e) => panic!("backend error: {e}"),
    }
}

#[test]
fn a_typed_attachment_admits_its_health_check_port_whatever_it_is() -> R {
    for port in [None, Some(8080), Some(9000)] {
        let p = attached(port)?;
        assert!(findings_of(&p.app, RULE).is_empty(), "health port {port:?}");
    }
    synth(&attached(Some(9000))?.app, "elbv2_health_check_admitted");
    Ok(())
}

#[test]
fn a_health_check_port_changed_through_the_escape_hatch_is_refused_naming_the_service() -> R {
    let mut p = attached(None)?;
    p.app
        .set_property(p.tg.resource, "HealthCheckPort", "9000")?;
    let found = findings_of(&p.app, RULE);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d.path, "Web/Service/Service");
    assert!(d.message.contains("Web/WebTargets"), "{}", d.message);
    assert!(d.message.contains("TCP 9000"), "{}", d.message);
    assert!(d.message.contains("Web/LB/SecurityGroup"), "{}", d.message);
    // The fixed twin: admitting the port clears it.
    p.service.security_group.allow_from(
        &mut p.app,
        p.lb.security_group,
        ec2::Port::tcp(9000),
        "health checks",
    )?;
    assert!(findings_of(&p.app, RULE).is_empty());
    Ok(())
}

#[test]
fn the_traffic_port_counts_when_the_health_check_port_is_traffic_port() -> R {
    let mut p = attached(None)?;
    p.app
        .set_property(p.tg.resource, "HealthCheckPort", "traffic-port")?;
    assert!(findings_of(&p.app, RULE).is_empty());
    Ok(())
}

fn raw(s: &mut Scope<'_>, id: &str, resource: Resource) -> NodeId {
    s.resource::<RawResource>(id, resource).unwrap().node()
}

fn sg(vpc: NodeId) -> Resource {
    Resource::new("AWS::EC2::SecurityGroup")
        .property("GroupDescription", "raw")
        .property("VpcId", Value::Ref(vpc))
}

/// The same shape from raw resources only: a load balancer's group, a service's group admitting
/// it on `admitted` (if any), a target group health-checked on `health_port`, a listener rule
/// forwarding to it, and a service registered on 8080.
fn raw_app(health_port: &str, admitted: Option<i64>) -> (App, NodeId) {
    let mut app = App::new();
    let stack = app.stack("Raw", StackProps::default()).unwrap();
    let mut s = app.at(stack).unwrap();
    let vpc = raw(
        &mut s,
        "Vpc",
        Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"),
    );
    let lb_sg = raw(&mut s, "LbSg", sg(vpc));
    let task_sg = raw(&mut s, "TaskSg", sg(vpc));
    if let Some(port) = admitted {
        raw(
            &mut s,
            "TaskSgIngress",
            Resource::new("AWS::EC2::SecurityGroupIngress").properties(
                ValueMap::new()
                    .with("GroupId", Value::GetAtt(task_sg, "GroupId".into()))
                    .with("IpProtocol", "tcp")
                    .with("FromPort", port)
                    .with("ToPort", port)
                    .with(
                        "SourceSecurityGroupId",
                        Value::GetAtt(lb_sg, "GroupId".into()),
                    ),
            ),
        );
    }
    let lb = raw(
        &mut s,
        "Lb",
        Resource::new("AWS::ElasticLoadBalancingV2::LoadBalancer").property(
            "SecurityGroups",
            Value::List(vec![Value::GetAtt(lb_sg, "GroupId".into())]),
        ),
    );
    let tg = raw(
        &mut s,
        "Tg",
        Resource::new("AWS::ElasticLoadBalancingV2::TargetGroup")
            .property("HealthCheckPort", health_port)
            .property("Port", 8080)
            .property("Protocol", "HTTP")
            .property("TargetType", "ip")
            .property("VpcId", Value::Ref(vpc)),
    );
    let fixed = ValueMap::new().with(
        "FixedResponseConfig",
        ValueMap::new().with("StatusCode", "404"),
    );
    let listener = raw(
        &mut s,
        "Listener",
        Resource::new("AWS::ElasticLoadBalancingV2::Listener")
            .property("LoadBalancerArn", Value::Ref(lb))
            .property("Port", 80)
            .property("Protocol", "HTTP")
            .property(
                "DefaultActions",
                Value::List(vec![Value::Map(fixed.with("Type", "fixed-response"))]),
            ),
    );
    // Forwarded through a rule with a weighted forward config, not the default action.
    raw(
        &mut s,
        "Rule",
        Resource::new("AWS::ElasticLoadBalancingV2::ListenerRule")
            .property("ListenerArn", Value::Ref(listener))
            .property("Priority", 1)
            .property(
                "Conditions",
                Value::List(vec![Value::Map(
                    ValueMap::new().with("Field", "path-pattern").with(
                        "PathPatternConfig",
                        ValueMap::new().with("Values", Value::List(vec!["/api/*".into()])),
                    ),
                )]),
            )
            .property(
                "Actions",
                Value::List(vec![Value::Map(
                    ValueMap::new().with("Type", "forward").with(
                        "ForwardConfig",
                        ValueMap::new().with(
                            "TargetGroups",
                            Value::List(vec![Value::Map(
                                ValueMap::new().with("TargetGroupArn", Value::Ref(tg)),
                            )]),
                        ),
                    ),
                )]),
            ),
    );
    let service = raw(
        &mut s,
        "Service",
        Resource::new("AWS::ECS::Service")
            .property(
                "LoadBalancers",
                Value::List(vec![Value::Map(
                    ValueMap::new()
                        .with("ContainerName", "web")
                        .with("ContainerPort", 8080)
                        .with("TargetGroupArn", Value::Ref(tg)),
                )]),
            )
            .property(
                "NetworkConfiguration",
                ValueMap::new().with(
                    "AwsvpcConfiguration",
                    ValueMap::new().with(
                        "SecurityGroups",
                        Value::List(vec![Value::GetAtt(task_sg, "GroupId".into())]),
                    ),
                ),
            ),
    );
    (app, service)
}

#[test]
fn raw_resources_are_checked_through_listener_rules_and_forward_configs() {
    let (app, service) = raw_app("9000", Some(8080));
    let found = findings_of(&app, RULE);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].node, Some(service));
    assert_eq!(found[0].path, "Raw/Service");
    // Fixed twins: the port admitted, or the check on the traffic port that is admitted.
    assert!(findings_of(&raw_app("9000", Some(9000)).0, RULE).is_empty());
    assert!(findings_of(&raw_app("traffic-port", Some(8080)).0, RULE).is_empty());
    // Nothing admitted at all, traffic port: refused too.
    assert_eq!(findings_of(&raw_app("traffic-port", None).0, RULE).len(), 1);
}

#[test]
fn the_rule_is_in_the_catalog_with_the_type_it_checks() {
    let rule = gs_constructs::rules::find(RULE).unwrap();
    assert_eq!(rule.applies_to, ["AWS::ECS::Service"]);
    assert!(gs_constructs::passes::catalog().contains(&rule));
}
