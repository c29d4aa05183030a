//! [`ApplicationListener`]: a listener of an Application Load Balancer, HTTP or HTTPS (which takes
//! a [`ListenerCertificate`]), whose default action forwards to an
//! [`ApplicationTargetGroup`] or redirects.

use gs_core::{App, NodeId, Value};

use super::load_balancer::ApplicationLoadBalancer;
use super::target_group::{self, ApplicationTargetGroup};
use crate::ec2::{Connectable, Peer, Port};
use crate::error::{ConstructError, Result};
use crate::l1::certificatemanager::CfnCertificate;
use crate::l1::elasticloadbalancingv2::listener::{Action, Certificate, RedirectConfig};
use crate::l1::elasticloadbalancingv2::{CfnListener, CfnListenerProps};

/// The TLS policy an HTTPS listener gets unless told otherwise: TLS 1.3 and 1.2 with forward
/// secrecy only, the policy AWS recommends (Elastic Load Balancing User Guide, "Security policies
/// for your Application Load Balancer"). CDK leaves it unset, which gives
/// `ELBSecurityPolicy-2016-08` (TLS 1.0 and 1.1 included).
pub const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// The protocol of a listener or target group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationProtocol {
    /// HTTP (default port 80).
    Http,
    /// HTTPS (default port 443).
    Https,
}

impl ApplicationProtocol {
    /// The CloudFormation spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationProtocol::Http => "HTTP",
            ApplicationProtocol::Https => "HTTPS",
        }
    }

    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            ApplicationProtocol::Http => 80,
            ApplicationProtocol::Https => 443,
        }
    }
}

/// The protocol and port of a listener or target group, from what was given, as CDK infers them:
/// the protocol's default port, or HTTPS for port 443 and HTTP for any other.
pub(crate) fn protocol_and_port(
    path: &str,
    protocol: Option<ApplicationProtocol>,
    port: Option<u16>,
) -> Result<(ApplicationProtocol, u16)> {
    match (protocol, port) {
        (_, Some(0)) => Err(ConstructError::invalid(
            path,
            "port 0 is not a port",
            "give a port from 1 to 65535",
        )),
        (Some(p), Some(port)) => Ok((p, port)),
        (Some(p), None) => Ok((p, p.default_port())),
        (None, Some(443)) => Ok((ApplicationProtocol::Https, 443)),
        (None, Some(port)) => Ok((ApplicationProtocol::Http, port)),
        (None, None) => Err(ConstructError::invalid(
            path,
            "neither a port nor a protocol is given",
            "give `port: Some(80)` or `protocol: Some(ApplicationProtocol::Http)`",
        )),
    }
}

/// The certificate an HTTPS listener presents.
#[derive(Clone, Debug, PartialEq)]
pub enum ListenerCertificate {
    /// A certificate of this app (its `Ref` is its ARN).
    Cfn(CfnCertificate),
    /// A certificate made elsewhere, by its ARN (a literal, a parameter, an import).
    Arn(Value),
}

impl ListenerCertificate {
    /// An imported certificate: `arn:aws:acm:<region>:<account>:certificate/<id>`, or a token.
    pub fn from_arn(arn: impl Into<Value>) -> ListenerCertificate {
        ListenerCertificate::Arn(arn.into())
    }

    fn arn(&self) -> Value {
        match self {
            ListenerCertificate::Cfn(c) => c.reference(),
            ListenerCertificate::Arn(v) => v.clone(),
        }
    }
}

impl From<CfnCertificate> for ListenerCertificate {
    fn from(c: CfnCertificate) -> ListenerCertificate {
        ListenerCertificate::Cfn(c)
    }
}

/// What a listener does with a request no rule takes.
#[derive(Clone, Debug, PartialEq)]
pub enum ListenerAction {
    /// Forward to a target group.
    Forward(ApplicationTargetGroup),
    /// Redirect (`#{host}`, `#{path}` and `#{query}` are kept).
    Redirect {
        /// The protocol redirected to.
        protocol: ApplicationProtocol,
        /// The port redirected to.
        port: u16,
        /// HTTP 301 (`true`) or 302.
        permanent: bool,
    },
}

impl ListenerAction {
    /// Forward to `target_group`.
    pub fn forward(target_group: ApplicationTargetGroup) -> ListenerAction {
        ListenerAction::Forward(target_group)
    }

    /// A permanent redirect to HTTPS on 443: what CDK's `addRedirect()` listener does.
    pub fn redirect_to_https() -> ListenerAction {
        ListenerAction::Redirect {
            protocol: ApplicationProtocol::Https,
            port: 443,
            permanent: true,
        }
    }

    fn render(&self) -> Action {
        match self {
            ListenerAction::Forward(tg) => Action {
                target_group_arn: Some(tg.resource.into()),
                ..Action::new("forward")
            },
            ListenerAction::Redirect {
                protocol,
                port,
                permanent,
            } => Action {
                redirect_config: Some(RedirectConfig {
                    port: Some(port.to_string().into()),
                    protocol: Some(protocol.as_str().into()),
                    ..RedirectConfig::new(if *permanent { "HTTP_301" } else { "HTTP_302" })
                }),
                ..Action::new("redirect")
            },
        }
    }
}

/// Settings of a listener. Give the port or the protocol (the other is inferred as CDK does).
#[derive(Clone, Debug)]
pub struct ListenerProps {
    /// The port; `None`: the protocol's (80 or 443).
    pub port: Option<u16>,
    /// The protocol; `None`: HTTPS for port 443, HTTP otherwise.
    pub protocol: Option<ApplicationProtocol>,
    /// The certificate of an HTTPS listener (required for HTTPS, refused for HTTP).
    pub certificate: Option<ListenerCertificate>,
    /// The TLS policy of an HTTPS listener; `None`: [`DEFAULT_SSL_POLICY`].
    pub ssl_policy: Option<String>,
    /// Admit clients on the port (on by default, as CDK's `open`): anyone (`0.0.0.0/0`) for an
    /// internet-facing load balancer, the VPC's block for an internal one. Off: admit them
    /// yourself through [`ApplicationListener::connections`].
    pub open: bool,
}

impl Default for ListenerProps {
    fn default() -> Self {
        ListenerProps {
            port: None,
            protocol: None,
            certificate: None,
            ssl_policy: None,
            open: true,
        }
    }
}

/// A listener of an [`ApplicationLoadBalancer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationListener {
    /// The group node (under the load balancer's).
    pub node: NodeId,
    /// The `AWS::ElasticLoadBalancingV2::Listener` resource.
    pub resource: CfnListener,
    /// Its load balancer.
    pub load_balancer: ApplicationLoadBalancer,
    /// The port it listens on.
    pub port: u16,
    /// Its protocol.
    pub protocol: ApplicationProtocol,
}

impl ApplicationListener {
    /// The listener's ARN (`Ref`).
    pub fn arn(&self) -> Value {
        self.resource.reference()
    }

    /// The load balancer's security group with this listener's port: admit clients with
    /// `listener.connections().allow_default_port_from(app, peer, "...")`.
    pub fn connections(&self) -> Connectable {
        Connectable {
            security_group: self.load_balancer.security_group,
            default_port: Port::tcp(self.port),
        }
    }
}

pub(crate) fn build(
    app: &mut App,
    lb: ApplicationLoadBalancer,
    id: &str,
    default_action: ListenerAction,
    props: ListenerProps,
) -> Result<ApplicationListener> {
    let path = format!("{}/{id}", app.path(lb.node)?);
    let (protocol, port) = protocol_and_port(&path, props.protocol, props.port)?;
    let certificate = match (protocol, props.certificate) {
        (ApplicationProtocol::Https, Some(c)) => Some(c),
        (ApplicationProtocol::Https, None) => {
            return Err(ConstructError::invalid(
                &path,
                format!("the HTTPS listener on port {port} has no certificate"),
                "give `certificate: Some(cert.into())` (a certificatemanager::CfnCertificate) or `Some(ListenerCertificate::from_arn(..))`",
            ))
        }
        (ApplicationProtocol::Http, Some(_)) => {
            return Err(ConstructError::invalid(
                &path,
                format!("the HTTP listener on port {port} is given a certificate, which only HTTPS uses"),
                "use `protocol: Some(ApplicationProtocol::Https)`, or drop the certificate",
            ))
        }
        (ApplicationProtocol::Http, None) => None,
    };
    if props.ssl_policy.is_some() && protocol == ApplicationProtocol::Http {
        return Err(ConstructError::invalid(
            &path,
            "an HTTP listener is given a TLS policy",
            "drop `ssl_policy`, or make the listener HTTPS",
        ));
    }
    match &default_action {
        ListenerAction::Redirect {
            protocol: to,
            port: to_port,
            ..
        } => {
            if protocol == ApplicationProtocol::Https && *to == ApplicationProtocol::Http {
                return Err(ConstructError::invalid(
                    &path,
                    "the listener redirects HTTPS to HTTP, which ELB refuses",
                    "redirect to HTTPS",
                ));
            }
            if *to == protocol && *to_port == port {
                return Err(ConstructError::invalid(
                    &path,
                    format!("the listener redirects to itself ({} {port}): clients loop", protocol.as_str()),
                    "redirect to another port or protocol, e.g. `ListenerAction::redirect_to_https()` on port 80",
                ));
            }
        }
        ListenerAction::Forward(tg) => {
            if tg.vpc != lb.vpc {
                return Err(ConstructError::invalid(
                    &path,
                    format!(
                        "forwards to {}, a target group of another VPC than the load balancer",
                        app.path(tg.node)?
                    ),
                    "create the target group in the load balancer's VPC",
                ));
            }
        }
    }
    let mut g = app.at(lb.node)?;
    let mut g = g.group(id)?;
    let node = g.node();
    let resource = CfnListener::new(
        &mut g,
        "Resource",
        CfnListenerProps {
            certificates: certificate.map(|c| {
                [Certificate {
                    certificate_arn: Some(c.arn().into()),
                }]
                .into()
            }),
            port: Some(port.into()),
            protocol: Some(protocol.as_str().into()),
            ssl_policy: (protocol == ApplicationProtocol::Https).then(|| {
                props
                    .ssl_policy
                    .unwrap_or_else(|| DEFAULT_SSL_POLICY.to_owned())
                    .into()
            }),
            ..CfnListenerProps::new([default_action.render()], lb.resource)
        },
    )?;
    let listener = ApplicationListener {
        node,
        resource,
        load_balancer: lb,
        port,
        protocol,
    };
    let app = g.app_mut();
    if props.open {
        let (peer, description) = if lb.internet_facing {
            (Peer::AnyIpv4, format!("Allow from anyone on port {port}"))
        } else {
            match lb.vpc.layout(app).map(|l| l.cidr) {
                Some(cidr) => (
                    Peer::Ipv4(cidr),
                    format!("Allow from the VPC on port {port}"),
                ),
                None => (Peer::AnyIpv4, format!("Allow from anyone on port {port}")),
            }
        };
        listener
            .connections()
            .allow_default_port_from(app, peer, &description)?;
    }
    if let ListenerAction::Forward(tg) = default_action {
        target_group::register_listener(app, tg, listener)?;
    }
    Ok(listener)
}
