//! Validation passes of Elastic Load Balancing, read from the resources (typed or raw): does the
//! security group of each ECS service behind a target group admit the load balancer on the
//! port the target group health-checks? One scan builds maps; each service entry is checked
//! against them. The access log rules are in `access_log_passes`.

use std::collections::HashMap;

use gs_core::{Diagnostic, FastState, NodeId, Rule, Severity, Tree, Value, ValueMap};

/// The rule `elbv2/health-check-port-not-admitted`.
pub const HEALTH_CHECK_PORT_NOT_ADMITTED: Rule = Rule {
    id: "elbv2/health-check-port-not-admitted",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ECS::Service"],
    what: "An ECS service is a target of a target group whose health check port (the traffic port unless `HealthCheckPort` says otherwise) its security groups do not admit from the load balancer's security groups.",
    why: "Every health check times out, so the load balancer marks every task unhealthy; ECS stops and replaces them without end, and the deployment circuit breaker rolls the deployment back. Nothing fails at deploy time before that.",
    fix: "admit the load balancer's security group on the health check port into the service's (`service.security_group.allow_from(app, lb.security_group, Port::tcp(port), ..)`), or attach through `tg.add_fargate_service(..)`, which does it",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[
    HEALTH_CHECK_PORT_NOT_ADMITTED,
    super::access_log_passes::ACCESS_LOGS_BUCKET_KMS_ENCRYPTED,
    super::access_log_passes::ACCESS_LOGS_NOT_DELIVERABLE,
];

/// The port a target group health-checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HealthPort {
    /// `traffic-port` or absent: the port each target is registered on.
    Traffic,
    Port(u16),
    /// A token or an unreadable value: nothing to say.
    Unknown,
}

/// Where an ingress rule admits traffic from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Group(NodeId),
    /// A CIDR, a prefix list, or a group gs cannot resolve: taken as admitting (the pass
    /// reports only what it can prove).
    Other,
}

#[derive(Default)]
struct Model {
    /// By security group: its TCP ingress rules (source, from port, to port); unreadable ports
    /// are 0..=65535.
    ingress: HashMap<NodeId, Vec<(Source, u16, u16)>, FastState>,
    /// By load balancer: its security groups (`None`: unreadable).
    lb_groups: HashMap<NodeId, Option<Vec<NodeId>>, FastState>,
    /// By listener: its load balancer.
    listener_lb: HashMap<NodeId, NodeId, FastState>,
    /// (listener, target group) of every forward action, of listeners and of listener rules.
    forwards: Vec<(NodeId, NodeId)>,
    /// By target group: its health check port.
    health: HashMap<NodeId, HealthPort, FastState>,
    services: Vec<ServiceUse>,
}

/// A service with load balancer entries: (service, its security groups (`None`: unreadable),
/// its entries (target group, container port)).
type ServiceUse = (NodeId, Option<Vec<NodeId>>, Vec<(NodeId, u16)>);

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    super::access_log_passes::check(tree, out);
    let m = Model::build(tree);
    if m.services.is_empty() {
        return;
    }
    // By target group: its load balancers.
    let mut tg_lbs: HashMap<NodeId, Vec<NodeId>, FastState> = HashMap::default();
    for (listener, tg) in &m.forwards {
        if let Some(lb) = m.listener_lb.get(listener) {
            let lbs = tg_lbs.entry(*tg).or_default();
            if !lbs.contains(lb) {
                lbs.push(*lb);
            }
        }
    }
    for (service, groups, entries) in &m.services {
        let Some(groups) = groups else { continue };
        for (tg, container_port) in entries {
            let port = match m.health.get(tg) {
                Some(HealthPort::Traffic) => *container_port,
                Some(HealthPort::Port(p)) => *p,
                Some(HealthPort::Unknown) | None => continue,
            };
            for lb in tg_lbs.get(tg).map_or(&[][..], Vec::as_slice) {
                let Some(Some(lb_groups)) = m.lb_groups.get(lb) else {
                    continue;
                };
                let admitted = groups.iter().any(|g| {
                    m.ingress.get(g).is_some_and(|rules| {
                        rules.iter().any(|(source, from, to)| {
                            (*from..=*to).contains(&port)
                                && match source {
                                    Source::Group(s) => lb_groups.contains(s),
                                    Source::Other => true,
                                }
                        })
                    })
                });
                // A group the tree does not define (imported) may admit anything.
                let all_known = groups.iter().all(|g| m.ingress.contains_key(g));
                if !admitted && all_known {
                    out.push(HEALTH_CHECK_PORT_NOT_ADMITTED.at(
                        *service,
                        tree.path(*service),
                        format!(
                            "{} health-checks the service's tasks on TCP {port} from {}, but no rule of {} admits it there",
                            tree.path(*tg),
                            join(tree, lb_groups),
                            join(tree, groups),
                        ),
                    ));
                }
            }
        }
    }
}

fn join(tree: &Tree<'_>, nodes: &[NodeId]) -> String {
    nodes
        .iter()
        .map(|n| tree.path(*n))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Model {
    fn build(tree: &Tree<'_>) -> Model {
        let mut m = Model::default();
        for e in tree.all_elements() {
            let Some(r) = tree.node(e).as_resource() else {
                continue;
            };
            let p = &r.properties;
            match &*r.type_name {
                "AWS::EC2::SecurityGroup" => {
                    let rules = m.ingress.entry(e).or_default();
                    let inline = p
                        .get("SecurityGroupIngress")
                        .and_then(Value::as_list)
                        .unwrap_or(&[]);
                    for rule in inline.iter().filter_map(Value::as_map) {
                        if let Some(r) = tcp_rule(rule) {
                            rules.push(r);
                        }
                    }
                }
                "AWS::EC2::SecurityGroupIngress" => {
                    if let (Some(group), Some(rule)) =
                        (p.get("GroupId").and_then(Value::as_reference), tcp_rule(p))
                    {
                        m.ingress.entry(group).or_default().push(rule);
                    }
                }
                "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                    m.lb_groups.insert(e, references(p.get("SecurityGroups")));
                }
                "AWS::ElasticLoadBalancingV2::Listener" => {
                    if let Some(lb) = p.get("LoadBalancerArn").and_then(Value::as_reference) {
                        m.listener_lb.insert(e, lb);
                    }
                    m.add_forwards(e, p.get("DefaultActions"));
                }
                "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                    if let Some(listener) = p.get("ListenerArn").and_then(Value::as_reference) {
                        m.add_forwards(listener, p.get("Actions"));
                    }
                }
                "AWS::ElasticLoadBalancingV2::TargetGroup" => {
                    let port = match p.get("HealthCheckPort") {
                        None => HealthPort::Traffic,
                        Some(v) => match v.literal_str() {
                            Some(s) if s == "traffic-port" => HealthPort::Traffic,
                            Some(s) => s.parse().map_or(HealthPort::Unknown, HealthPort::Port),
                            None => v
                                .as_i64()
                                .and_then(|i| u16::try_from(i).ok())
                                .map_or(HealthPort::Unknown, HealthPort::Port),
                        },
                    };
                    m.health.insert(e, port);
                }
                "AWS::ECS::Service" => {
                    let groups = p
                        .get("NetworkConfiguration")
                        .and_then(Value::as_map)
                        .and_then(|n| n.get("AwsvpcConfiguration"))
                        .and_then(Value::as_map)
                        .and_then(|v| references(v.get("SecurityGroups")));
                    let entries: Vec<(NodeId, u16)> = p
                        .get("LoadBalancers")
                        .and_then(Value::as_list)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(Value::as_map)
                        .filter_map(|lb| {
                            let tg = lb.get("TargetGroupArn")?.as_reference()?;
                            let port = literal_port(lb.get("ContainerPort")?)?;
                            Some((tg, port))
                        })
                        .collect();
                    if !entries.is_empty() {
                        m.services.push((e, groups, entries));
                    }
                }
                _ => {}
            }
        }
        m
    }

    fn add_forwards(&mut self, listener: NodeId, actions: Option<&Value>) {
        for action in actions
            .and_then(Value::as_list)
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_map)
        {
            if let Some(tg) = action.get("TargetGroupArn").and_then(Value::as_reference) {
                self.forwards.push((listener, tg));
            }
            let tuples = action
                .get("ForwardConfig")
                .and_then(Value::as_map)
                .and_then(|f| f.get("TargetGroups"))
                .and_then(Value::as_list)
                .unwrap_or(&[]);
            for t in tuples.iter().filter_map(Value::as_map) {
                if let Some(tg) = t.get("TargetGroupArn").and_then(Value::as_reference) {
                    self.forwards.push((listener, tg));
                }
            }
        }
    }
}

/// A rule's source and TCP port range; `None` when it cannot carry TCP.
fn tcp_rule(rule: &ValueMap) -> Option<(Source, u16, u16)> {
    let protocol = match rule.get("IpProtocol") {
        Some(Value::Int(i)) => i.to_string(),
        Some(v) => v
            .literal_str()
            .map_or_else(|| "-1".to_owned(), |s| s.to_ascii_lowercase()),
        None => "-1".to_owned(),
    };
    let (from, to) = match protocol.as_str() {
        "-1" | "all" => (0, u16::MAX),
        "tcp" | "6" => match (
            rule.get("FromPort").and_then(literal_port),
            rule.get("ToPort").and_then(literal_port),
        ) {
            (Some(from), Some(to)) => (from, to),
            _ => (0, u16::MAX),
        },
        _ => return None,
    };
    let source = match rule.get("SourceSecurityGroupId").map(Value::as_reference) {
        Some(Some(group)) => Source::Group(group),
        _ => Source::Other,
    };
    Some((source, from, to))
}

fn literal_port(v: &Value) -> Option<u16> {
    match v.as_i64() {
        Some(i) => u16::try_from(i).ok(),
        None => v.literal_str().and_then(|s| s.parse().ok()),
    }
}

/// The nodes a list of references names; `None` when absent or when an item is not a reference.
fn references(v: Option<&Value>) -> Option<Vec<NodeId>> {
    v.and_then(Value::as_list)?
        .iter()
        .map(Value::as_reference)
        .collect()
}
