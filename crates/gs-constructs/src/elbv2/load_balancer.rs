//! [`ApplicationLoadBalancer`]: an Application Load Balancer in a VPC's public (internet-facing)
//! or private (internal) subnets, behind its own security group, and
//! [`ApplicationLoadBalancer::add_listener`].

use gs_core::{App, NodeId, Scope, Value};

use super::listener::{self, ApplicationListener, ListenerAction, ListenerProps};
use crate::ec2::{SecurityGroup, SecurityGroupProps, Subnet, SubnetType, Vpc};
use crate::error::{ConstructError, Result};
use crate::l1::elasticloadbalancingv2::load_balancer::LoadBalancerAttribute;
use crate::l1::elasticloadbalancingv2::{CfnLoadBalancer, CfnLoadBalancerProps};

/// Settings of an [`ApplicationLoadBalancer`]. The defaults are CDK's, except
/// `drop_invalid_header_fields` (on: a request smuggling defence, AWS Security Hub ELB.4).
#[derive(Clone, Debug)]
pub struct ApplicationLoadBalancerProps {
    /// Reachable from the internet (`internet-facing`, in public subnets) or only inside the VPC
    /// (`internal`, the default as in CDK).
    pub internet_facing: bool,
    /// The subnets it is placed in; `None`: public when internet-facing, private otherwise.
    pub subnets: Option<SubnetType>,
    /// An existing security group; `None` creates one (id `SecurityGroup`) that admits nothing
    /// and sends only what its targets admit, as CDK's does.
    pub security_group: Option<SecurityGroup>,
    /// A physical name (`Name`): at most 32 letters, digits and hyphens, not beginning or ending
    /// with a hyphen nor beginning with `internal-`; `None` lets CloudFormation name it.
    pub load_balancer_name: Option<String>,
    /// Refuse deletion through the API (`deletion_protection.enabled`); off by default, as in
    /// CDK, so that destroying the stack works.
    pub deletion_protection: bool,
    /// Remove headers with invalid fields before routing
    /// (`routing.http.drop_invalid_header_fields.enabled`); on by default (CDK: off).
    pub drop_invalid_header_fields: bool,
    /// The idle timeout in seconds (`idle_timeout.timeout_seconds`, 1 to 4000); `None` keeps
    /// AWS's 60.
    pub idle_timeout_seconds: Option<u32>,
}

impl Default for ApplicationLoadBalancerProps {
    fn default() -> Self {
        ApplicationLoadBalancerProps {
            internet_facing: false,
            subnets: None,
            security_group: None,
            load_balancer_name: None,
            deletion_protection: false,
            drop_invalid_header_fields: true,
            idle_timeout_seconds: None,
        }
    }
}

/// What the app keeps of a load balancer.
#[derive(Clone, Debug, Default)]
pub(crate) struct LoadBalancerState {
    /// The load balancer created its own group, which sends nothing by default: attaching a
    /// target adds the egress to it.
    pub(crate) restricted_egress: bool,
}

/// An Application Load Balancer.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let lb = elbv2::ApplicationLoadBalancer::new(&mut s, "LB", vpc,
///     elbv2::ApplicationLoadBalancerProps { internet_facing: true, ..Default::default() })?;
/// lb.add_listener(&mut s, "Listener", elbv2::ListenerAction::redirect_to_https(),
///     elbv2::ListenerProps { port: Some(80), ..Default::default() })?;
/// // `open` (the default) admits anyone on the listener's port.
/// assert!(s.app().facts::<ec2::Ingress>().iter().any(|i| i.group == lb.security_group
///     && i.peer == ec2::Peer::AnyIpv4 && i.port == ec2::Port::tcp(80)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationLoadBalancer {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::ElasticLoadBalancingV2::LoadBalancer` resource.
    pub resource: CfnLoadBalancer,
    /// Its security group.
    pub security_group: SecurityGroup,
    /// The VPC it is in.
    pub vpc: Vpc,
    /// Whether it is internet-facing.
    pub internet_facing: bool,
}

impl ApplicationLoadBalancer {
    /// An Application Load Balancer in `vpc`. An internet-facing one depends on its subnets'
    /// routes to the internet gateway, as CDK's does (it is not reachable before them).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: ApplicationLoadBalancerProps,
    ) -> Result<ApplicationLoadBalancer> {
        scope.atomically(|scope| Self::build(scope, id, vpc, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: ApplicationLoadBalancerProps,
    ) -> Result<ApplicationLoadBalancer> {
        let path = scope.child_path(id);
        if let Some(name) = &props.load_balancer_name {
            check_name(&path, name)?;
        }
        if let Some(t) = props.idle_timeout_seconds {
            if !(1..=4000).contains(&t) {
                return Err(ConstructError::invalid(
                    &path,
                    format!("an idle timeout of {t} s is outside 1 to 4000 s"),
                    "give idle_timeout_seconds between 1 and 4000, or None for 60",
                ));
            }
        }
        if let Some(sg) = props.security_group {
            if sg.vpc != vpc {
                return Err(ConstructError::invalid(
                    &path,
                    "the security group is in another VPC than the load balancer",
                    "give a security group of the load balancer's VPC",
                ));
            }
        }
        let subnet_type = props.subnets.unwrap_or(if props.internet_facing {
            SubnetType::Public
        } else {
            SubnetType::Private
        });
        if props.internet_facing && subnet_type != SubnetType::Public {
            return Err(ConstructError::invalid(
                &path,
                "an internet-facing load balancer is placed in private subnets, which have no route from the internet",
                "leave `subnets` at None (public subnets) or make the load balancer internal",
            ));
        }
        let subnets = vpc.subnets(scope.app(), subnet_type);
        let azs: std::collections::BTreeSet<u32> = subnets.iter().map(|s| s.az).collect();
        if azs.len() < 2 {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "the VPC has {:?} subnets in {} Availability Zone(s); an Application Load Balancer needs two or more",
                    subnet_type,
                    azs.len()
                ),
                "give the VPC at least two AZs (`max_azs: 2`)",
            ));
        }

        let mut g = scope.group(id)?;
        let node = g.node();
        let (security_group, restricted_egress) = match props.security_group {
            Some(sg) => (sg, false),
            None => (
                SecurityGroup::new(
                    &mut g,
                    "SecurityGroup",
                    vpc,
                    SecurityGroupProps {
                        name: None,
                        description: Some(
                            // CDK's description; a path character EC2 refuses becomes `_`.
                            format!("Automatically created Security Group for ELB {path}")
                                .chars()
                                .map(|c| {
                                    if c.is_ascii_alphanumeric()
                                        || " ._-:/()#,@[]+=&;{}!$*".contains(c)
                                    {
                                        c
                                    } else {
                                        '_'
                                    }
                                })
                                .take(255)
                                .collect(),
                        ),
                        allow_all_outbound: false,
                    },
                )?,
                true,
            ),
        };
        let mut attributes = vec![attribute(
            "deletion_protection.enabled",
            bool_str(props.deletion_protection),
        )];
        if props.drop_invalid_header_fields {
            attributes.push(attribute(
                "routing.http.drop_invalid_header_fields.enabled",
                "true",
            ));
        }
        if let Some(t) = props.idle_timeout_seconds {
            attributes.push(attribute("idle_timeout.timeout_seconds", &t.to_string()));
        }
        let resource = CfnLoadBalancer::new(
            &mut g,
            "Resource",
            CfnLoadBalancerProps {
                load_balancer_attributes: Some(attributes.into()),
                name: props.load_balancer_name.map(Into::into),
                scheme: Some(
                    if props.internet_facing {
                        "internet-facing"
                    } else {
                        "internal"
                    }
                    .into(),
                ),
                security_groups: Some([security_group.group_id()].into()),
                subnets: Some(subnets.iter().map(Subnet::subnet_id).collect()),
                r#type: Some("application".into()),
                ..CfnLoadBalancerProps::new()
            },
        )?;
        let app = g.app_mut();
        if props.internet_facing {
            for subnet in &subnets {
                for route in internet_routes(app, subnet) {
                    app.add_dependency(
                        resource,
                        route,
                        "an internet-facing load balancer is reachable only once its subnets route to the internet gateway",
                    )?;
                }
            }
        }
        app.attach(node, LoadBalancerState { restricted_egress })?;
        Ok(ApplicationLoadBalancer {
            node,
            resource,
            security_group,
            vpc,
            internet_facing: props.internet_facing,
        })
    }

    /// The load balancer's ARN (`Ref`).
    pub fn arn(&self) -> Value {
        self.resource.reference()
    }

    /// Its DNS name (`Fn::GetAtt DNSName`).
    pub fn dns_name(&self) -> Value {
        self.resource.attr_dns_name()
    }

    /// The Route 53 hosted zone of its DNS name (`Fn::GetAtt CanonicalHostedZoneID`), for an
    /// alias record.
    pub fn canonical_hosted_zone_id(&self) -> Value {
        self.resource.attr_canonical_hosted_zone_id()
    }

    /// Adds a listener (`<id>/Resource` under the load balancer, as in CDK) with `default_action`.
    /// With `open` (the default) clients are admitted on its port: anyone for an internet-facing
    /// load balancer (CDK's `open: true`), the VPC's block for an internal one. A target group it
    /// forwards to wires its targets: see [`super::ApplicationTargetGroup::add_fargate_service`].
    pub fn add_listener(
        &self,
        app: &mut impl AsMut<App>,
        id: &str,
        default_action: ListenerAction,
        props: ListenerProps,
    ) -> Result<ApplicationListener> {
        app.as_mut()
            .atomically(|app| listener::build(app, *self, id, default_action, props))
    }

    pub(crate) fn restricted_egress(&self, app: &App) -> bool {
        app.attached::<LoadBalancerState>(self.node)
            .is_some_and(|s| s.restricted_egress)
    }
}

/// The resources that give a public subnet its route to the internet: its default route and its
/// route table association (CDK's `internetConnectivityEstablished`).
fn internet_routes(app: &App, subnet: &Subnet) -> Vec<NodeId> {
    let Some(parent) = app
        .node(subnet.resource.node())
        .ok()
        .and_then(|n| n.parent())
    else {
        return Vec::new();
    };
    let Ok(group) = app.node(parent) else {
        return Vec::new();
    };
    group
        .children()
        .iter()
        .copied()
        .filter(|c| {
            app.node(*c)
                .is_ok_and(|n| matches!(n.id(), "DefaultRoute" | "RouteTableAssociation"))
        })
        .collect()
}

fn attribute(key: &str, value: &str) -> LoadBalancerAttribute {
    LoadBalancerAttribute {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// ELB's rules for a load balancer name (CloudFormation `Name`).
fn check_name(path: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.starts_with("internal-");
    if ok {
        return Ok(());
    }
    Err(ConstructError::invalid(
        path,
        format!("`{name}` is not a load balancer name ELB accepts"),
        "use 1 to 32 letters, digits and hyphens, not beginning or ending with a hyphen nor beginning with `internal-`",
    ))
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn load_balancer_names_follow_elb_rules() {
        assert!(check_name("p", "web-lb").is_ok());
        assert!(check_name("p", &"a".repeat(32)).is_ok());
        assert!(check_name("p", &"a".repeat(33)).is_err());
        assert!(check_name("p", "-web").is_err());
        assert!(check_name("p", "web-").is_err());
        assert!(check_name("p", "internal-web").is_err());
        assert!(check_name("p", "web_lb").is_err());
        assert!(check_name("p", "").is_err());
    }
}
