//! [`ApplicationTargetGroup`] with its [`HealthCheck`], and
//! [`ApplicationTargetGroup::add_fargate_service`]: a Fargate service as a target, with the
//! wiring derived from the attachment, in whichever order the listener and the service come.

use gs_core::App;
use gs_core::NodeId;

use super::listener::{protocol_and_port, ApplicationListener, ApplicationProtocol};
use crate::ec2::{Port, SecurityGroup, Vpc};
use crate::ecs::{Container, FargateService};
use crate::error::{ConstructError, Result};
use crate::l1::ec2::{CfnSecurityGroupEgress, CfnSecurityGroupEgressProps};
use crate::l1::ecs::service::LoadBalancer;
use crate::l1::ecs::CfnServiceProps;
use crate::l1::elasticloadbalancingv2::target_group::{Matcher, TargetGroupAttribute};
use crate::l1::elasticloadbalancingv2::{CfnTargetGroup, CfnTargetGroupProps};

/// How the load balancer checks a target's health. `None` fields keep ELB's defaults (path `/`,
/// the traffic port, every 30 s, timeout 5 s, 5 successes healthy, 2 failures unhealthy,
/// code 200).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthCheck {
    /// The path requested (`HealthCheckPath`), beginning with `/`.
    pub path: Option<String>,
    /// The port checked (`HealthCheckPort`); `None`: the port traffic goes to. A port other than
    /// the traffic port is admitted into the targets' security group too.
    pub port: Option<u16>,
    /// Seconds between checks (5 to 300).
    pub interval_seconds: Option<u32>,
    /// Seconds without a response that fail a check (2 to 120, less than the interval).
    pub timeout_seconds: Option<u32>,
    /// Consecutive successes that make a target healthy (2 to 10).
    pub healthy_threshold_count: Option<u32>,
    /// Consecutive failures that make a target unhealthy (2 to 10).
    pub unhealthy_threshold_count: Option<u32>,
    /// The HTTP codes of a healthy response (`Matcher.HttpCode`), such as `200` or `200-299`.
    pub healthy_http_codes: Option<String>,
}

/// Settings of an [`ApplicationTargetGroup`].
#[derive(Clone, Debug, Default)]
pub struct ApplicationTargetGroupProps {
    /// The protocol to the targets; `None`: HTTPS for port 443, HTTP otherwise (and HTTP on 80
    /// when the port is not given either).
    pub protocol: Option<ApplicationProtocol>,
    /// The port targets are registered on by default; `None`: the protocol's (80 or 443). A
    /// Fargate service registers its container port instead.
    pub port: Option<u16>,
    /// The health check.
    pub health_check: HealthCheck,
    /// Seconds the load balancer lets a deregistering target finish its requests
    /// (`deregistration_delay.timeout_seconds`, 0 to 3600); `None` keeps ELB's 300.
    pub deregistration_delay_seconds: Option<u32>,
    /// A physical name (at most 32 letters, digits and hyphens); `None` lets CloudFormation name
    /// it.
    pub target_group_name: Option<String>,
}

/// A target group of IP targets (`TargetType: ip`), as Fargate tasks are.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let cluster = ecs::Cluster::new(&mut s, "Cluster", vpc, Default::default())?;
/// let task = ecs::FargateTaskDefinition::new(&mut s, "TaskDef", Default::default())?;
/// let web = task.add_container(&mut s, "web", "public.ecr.aws/nginx/nginx:1.27",
///     ecs::ContainerProps { port_mappings: vec![8080], ..Default::default() })?;
/// let svc = ecs::FargateService::new(&mut s, "Service", cluster, task, Default::default())?;
/// let lb = elbv2::ApplicationLoadBalancer::new(&mut s, "LB", vpc,
///     elbv2::ApplicationLoadBalancerProps { internet_facing: true, ..Default::default() })?;
/// let tg = elbv2::ApplicationTargetGroup::new(&mut s, "Web", vpc, elbv2::ApplicationTargetGroupProps {
///     port: Some(8080),
///     health_check: elbv2::HealthCheck { path: Some("/health".into()), ..Default::default() },
///     ..Default::default() })?;
/// lb.add_listener(&mut s, "Listener", elbv2::ListenerAction::forward(tg),
///     elbv2::ListenerProps { port: Some(80), ..Default::default() })?;
/// tg.add_fargate_service(&mut s, svc, web, 8080)?;
/// // The load balancer reaches the tasks on the container port: derived from the attachment.
/// assert!(ec2::Ingress::admits(s.app(), svc.security_group, lb.security_group, 8080));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationTargetGroup {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::ElasticLoadBalancingV2::TargetGroup` resource.
    pub resource: CfnTargetGroup,
    /// The VPC its targets are in.
    pub vpc: Vpc,
    /// The port targets are registered on by default.
    pub port: u16,
    /// The health check port, when it is not the traffic port.
    pub health_check_port: Option<u16>,
}

/// One Fargate service registered in a target group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Member {
    service: FargateService,
    container_port: u16,
}

/// What the app keeps of a target group: its listeners and its targets, so that each new one is
/// wired to every other already there.
#[derive(Clone, Debug, Default)]
struct TargetGroupState {
    listeners: Vec<ApplicationListener>,
    members: Vec<Member>,
}

/// What the app keeps of a service attached to target groups: its `LoadBalancers` entries.
#[derive(Clone, Debug, Default)]
struct ServiceTargets(Vec<(ApplicationTargetGroup, String, u16)>);

/// Fact: `service` is a target of `target_group` on `container_port`, health-checked on
/// `health_check_port`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The target group.
    pub target_group: ApplicationTargetGroup,
    /// The service whose tasks are registered.
    pub service: FargateService,
    /// The port traffic goes to.
    pub container_port: u16,
    /// The port the health check goes to.
    pub health_check_port: u16,
}

impl ApplicationTargetGroup {
    /// A target group in `vpc`.
    pub fn new(
        scope: &mut gs_core::Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: ApplicationTargetGroupProps,
    ) -> Result<ApplicationTargetGroup> {
        scope.atomically(|scope| Self::build(scope, id, vpc, props))
    }

    fn build(
        scope: &mut gs_core::Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: ApplicationTargetGroupProps,
    ) -> Result<ApplicationTargetGroup> {
        let path = scope.child_path(id);
        // Neither given: HTTP on 80 (a listener has no such default: its port is what clients use).
        let protocol = props
            .protocol
            .or(props.port.is_none().then_some(ApplicationProtocol::Http));
        let (protocol, port) = protocol_and_port(&path, protocol, props.port)?;
        let hc = &props.health_check;
        check_health_check(&path, hc)?;
        if let Some(d) = props.deregistration_delay_seconds {
            if d > 3600 {
                return Err(ConstructError::invalid(
                    &path,
                    format!("a deregistration delay of {d} s is over 3600 s"),
                    "give deregistration_delay_seconds from 0 to 3600",
                ));
            }
        }
        if let Some(name) = &props.target_group_name {
            let ok = !name.is_empty()
                && name.len() <= 32
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !name.starts_with('-')
                && !name.ends_with('-');
            if !ok {
                return Err(ConstructError::invalid(
                    &path,
                    format!("`{name}` is not a target group name ELB accepts"),
                    "use 1 to 32 letters, digits and hyphens, not beginning or ending with a hyphen",
                ));
            }
        }
        // CDK writes stickiness off explicitly; gs does the same, so the two templates match.
        let mut attributes = vec![attribute("stickiness.enabled", "false")];
        if let Some(d) = props.deregistration_delay_seconds {
            attributes.insert(
                0,
                attribute("deregistration_delay.timeout_seconds", &d.to_string()),
            );
        }
        let mut g = scope.group(id)?;
        let node = g.node();
        let resource = CfnTargetGroup::new(
            &mut g,
            "Resource",
            CfnTargetGroupProps {
                health_check_interval_seconds: hc.interval_seconds.map(Into::into),
                health_check_path: hc.path.clone().map(Into::into),
                health_check_port: hc.port.map(|p| p.to_string().into()),
                health_check_timeout_seconds: hc.timeout_seconds.map(Into::into),
                healthy_threshold_count: hc.healthy_threshold_count.map(Into::into),
                matcher: hc.healthy_http_codes.clone().map(|c| Matcher {
                    http_code: Some(c.into()),
                    ..Matcher::new()
                }),
                name: props.target_group_name.map(Into::into),
                port: Some(port.into()),
                protocol: Some(protocol.as_str().into()),
                target_group_attributes: Some(attributes.into()),
                target_type: Some("ip".into()),
                unhealthy_threshold_count: hc.unhealthy_threshold_count.map(Into::into),
                vpc_id: Some(vpc.vpc_id().into()),
                ..CfnTargetGroupProps::new()
            },
        )?;
        Ok(ApplicationTargetGroup {
            node,
            resource,
            vpc,
            port,
            health_check_port: hc.port,
        })
    }

    /// The target group's ARN (`Ref`).
    pub fn arn(&self) -> gs_core::Value {
        self.resource.reference()
    }

    /// Registers the tasks of `service` (their `container` on `container_port`): the service's
    /// `LoadBalancers` entry (and a health check grace period of 60 s unless it has one, as
    /// CDK gives), and for every listener forwarding here, now or later: the tasks' group
    /// admits the load balancer's on the container port and on the health check port, the
    /// load balancer's own group (when gs created it) sends there, and the service depends on
    /// the listener (ECS refuses a target group no load balancer uses) and on those rules.
    pub fn add_fargate_service(
        &self,
        app: &mut impl AsMut<App>,
        service: FargateService,
        container: Container,
        container_port: u16,
    ) -> Result<()> {
        app.as_mut().atomically(|app| {
            self.add_fargate_service_impl(app, service, container, container_port)
        })
    }

    fn add_fargate_service_impl(
        &self,
        app: &mut App,
        service: FargateService,
        container: Container,
        container_port: u16,
    ) -> Result<()> {
        let path = app.path(service.node)?;
        let tg_path = app.path(self.node)?;
        if service.cluster.vpc != self.vpc {
            return Err(ConstructError::invalid(
                &path,
                format!("runs in another VPC than the target group {tg_path}"),
                "create the target group in the service's VPC",
            ));
        }
        if container.task_definition != service.task_definition {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "the container given is of {}, not of the task definition the service runs",
                    app.path(container.task_definition.node)?
                ),
                "give a container of the service's task definition (`service.task_definition`)",
            ));
        }
        let def = container
            .task_definition
            .state_ref(app)
            .and_then(|s| s.containers.get(container.index));
        let Some(def) = def else {
            return Err(ConstructError::invalid(
                &path,
                "the container given is not in its task definition",
                "give the handle `add_container` returned",
            ));
        };
        if !def.props.port_mappings.contains(&container_port) {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "the container `{}` does not map port {container_port}, which the target group {tg_path} would send to",
                    def.name
                ),
                format!("add {container_port} to the container's `port_mappings`, or give a port it maps"),
            ));
        }
        let name = def.name.clone();
        let mut targets = app
            .attached::<ServiceTargets>(service.node)
            .cloned()
            .unwrap_or_default();
        if targets
            .0
            .iter()
            .any(|(tg, n, p)| tg == self && *n == name && *p == container_port)
        {
            return Ok(());
        }
        targets.0.push((*self, name, container_port));
        let rendered = CfnServiceProps {
            load_balancers: Some(
                targets
                    .0
                    .iter()
                    .map(|(tg, name, port)| LoadBalancer {
                        container_name: Some(name.as_str().into()),
                        container_port: Some((*port).into()),
                        target_group_arn: Some(tg.resource.into()),
                        ..LoadBalancer::new()
                    })
                    .collect(),
            ),
            ..CfnServiceProps::new()
        }
        .into_properties();
        // CDK's default once a service has a load balancer: tasks get a minute to start before
        // failing health checks count.
        let grace = CfnServiceProps {
            health_check_grace_period_seconds: Some(60u32.into()),
            ..CfnServiceProps::new()
        }
        .into_properties();
        // Each key set in place, journalled by the value it replaces (not a copy of the service).
        for (key, value) in rendered {
            app.set_property(service.resource, key, value)?;
        }
        for (key, value) in grace {
            let set = app
                .node(service.resource)?
                .as_resource()
                .is_some_and(|r| r.properties.get(&key).is_some());
            if !set {
                app.set_property(service.resource, key, value)?;
            }
        }
        app.attach(service.node, targets)?;

        let member = Member {
            service,
            container_port,
        };
        let mut state = self.state(app);
        state.members.push(member);
        let listeners = state.listeners.clone();
        app.attach(self.node, state)?;
        app.add_fact(Attachment {
            target_group: *self,
            service,
            container_port,
            health_check_port: self.health_check_port.unwrap_or(container_port),
        });
        for listener in listeners {
            self.wire(app, listener, member)?;
        }
        Ok(())
    }

    fn state(&self, app: &App) -> TargetGroupState {
        app.attached::<TargetGroupState>(self.node)
            .cloned()
            .unwrap_or_default()
    }

    /// What one listener and one member need of each other.
    fn wire(&self, app: &mut App, listener: ApplicationListener, member: Member) -> Result<()> {
        let lb = listener.load_balancer;
        let service = member.service;
        let mut ports = vec![(member.container_port, "Load balancer to target")];
        if let Some(hc) = self
            .health_check_port
            .filter(|p| *p != member.container_port)
        {
            ports.push((hc, "Load balancer health check to target"));
        }
        for (port, description) in ports {
            let rule = service.security_group.allow_from(
                app,
                lb.security_group,
                Port::tcp(port),
                description,
            )?;
            app.add_dependency(
                service.resource,
                rule,
                format!("the load balancer health-checks tasks on {port} as they start, through this rule"),
            )?;
            if lb.restricted_egress(app) {
                let egress = egress_to(
                    app,
                    lb.security_group,
                    service.security_group,
                    port,
                    description,
                )?;
                app.add_dependency(
                    service.resource,
                    egress,
                    format!("the load balancer's group sends to tasks on {port} through this rule"),
                )?;
            }
        }
        app.add_dependency(
            service.resource,
            listener.resource,
            "ECS attaches a service only to a target group a load balancer already uses (through this listener)",
        )?;
        Ok(())
    }
}

/// Records that `listener` forwards to `tg`, and wires every target already there.
pub(crate) fn register_listener(
    app: &mut App,
    tg: ApplicationTargetGroup,
    listener: ApplicationListener,
) -> Result<()> {
    let mut state = tg.state(app);
    if state.listeners.contains(&listener) {
        return Ok(());
    }
    state.listeners.push(listener);
    let members = state.members.clone();
    app.attach(tg.node, state)?;
    for member in members {
        tg.wire(app, listener, member)?;
    }
    Ok(())
}

/// An `AWS::EC2::SecurityGroupEgress` from `from` to `to` on TCP `port`, under `from` (CDK's
/// `to <peer>:<port>` id); asking twice returns the first.
fn egress_to(
    app: &mut App,
    from: SecurityGroup,
    to: SecurityGroup,
    port: u16,
    description: &str,
) -> Result<NodeId> {
    let id = format!("to {}:{port}", app.path(to.node)?.replace('/', ""));
    let existing = app
        .node(from.node)?
        .children()
        .iter()
        .copied()
        .find(|c| app.node(*c).is_ok_and(|n| n.id() == id));
    if let Some(node) = existing {
        return Ok(node);
    }
    let mut g = app.at(from.node)?;
    let egress = CfnSecurityGroupEgress::new(
        &mut g,
        &id,
        CfnSecurityGroupEgressProps {
            description: Some(description.into()),
            destination_security_group_id: Some(to.group_id().into()),
            from_port: Some(port.into()),
            to_port: Some(port.into()),
            ..CfnSecurityGroupEgressProps::new(from.group_id(), "tcp")
        },
    )?;
    Ok(egress.node())
}

fn attribute(key: &str, value: &str) -> TargetGroupAttribute {
    TargetGroupAttribute {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

/// ELB's limits on a health check (Elastic Load Balancing User Guide, "Health checks for
/// Application Load Balancer target groups").
fn check_health_check(path: &str, hc: &HealthCheck) -> Result<()> {
    let range = |what: &str, v: Option<u32>, min: u32, max: u32| -> Result<()> {
        match v {
            Some(v) if v < min || v > max => Err(ConstructError::invalid(
                path,
                format!("the health check's {what} is {v}, outside {min} to {max}"),
                format!("give a {what} from {min} to {max}, or None for ELB's default"),
            )),
            _ => Ok(()),
        }
    };
    range("interval", hc.interval_seconds, 5, 300)?;
    range("timeout", hc.timeout_seconds, 2, 120)?;
    range("healthy threshold", hc.healthy_threshold_count, 2, 10)?;
    range("unhealthy threshold", hc.unhealthy_threshold_count, 2, 10)?;
    // ELB's defaults: every 30 s, timeout 5 s.
    let interval = hc.interval_seconds.unwrap_or(30);
    let timeout = hc.timeout_seconds.unwrap_or(5);
    if timeout >= interval {
        return Err(ConstructError::invalid(
            path,
            format!("the health check times out after {timeout} s but runs every {interval} s"),
            "give a timeout shorter than the interval",
        ));
    }
    if let Some(p) = &hc.path {
        if !p.starts_with('/') || p.len() > 1024 {
            return Err(ConstructError::invalid(
                path,
                format!("the health check path `{p}` does not begin with `/` or is over 1024 characters"),
                "give a path such as `/health`",
            ));
        }
    }
    if hc.port == Some(0) {
        return Err(ConstructError::invalid(
            path,
            "the health check port is 0",
            "give a port from 1 to 65535, or None for the traffic port",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_health_check, HealthCheck};

    #[test]
    fn health_check_limits_follow_elb() {
        assert!(check_health_check("p", &HealthCheck::default()).is_ok());
        let hc = |interval, timeout| HealthCheck {
            interval_seconds: interval,
            timeout_seconds: timeout,
            ..Default::default()
        };
        assert!(check_health_check("p", &hc(Some(10), Some(5))).is_ok());
        assert!(check_health_check("p", &hc(Some(4), None)).is_err());
        assert!(check_health_check("p", &hc(Some(5), Some(5))).is_err());
        assert!(check_health_check("p", &hc(None, Some(30))).is_err());
        let path = HealthCheck {
            path: Some("health".into()),
            ..Default::default()
        };
        assert!(check_health_check("p", &path).is_err());
    }
}
