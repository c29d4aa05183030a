//! Elastic Load Balancing v2: [`ApplicationLoadBalancer`] (internet-facing or internal, behind
//! its own security group), its listeners ([`ApplicationLoadBalancer::add_listener`]: HTTP, or
//! HTTPS with a [`ListenerCertificate`]; forward or redirect), and [`ApplicationTargetGroup`]s
//! of IP targets with a [`HealthCheck`]. Wiring is derived from use: attaching a Fargate service
//! ([`ApplicationTargetGroup::add_fargate_service`]) writes its `LoadBalancers` entry, admits the
//! load balancer into the tasks' security group on the container port and the health check
//! port, lets the load balancer's group send there, and orders the service after the listener;
//! a listener admits its clients (`open`). Written through the L1
//! (`l1::elasticloadbalancingv2`); the pass `elbv2/health-check-port-not-admitted` checks any
//! tree, raw resources included.

mod listener;
mod load_balancer;
pub(crate) mod passes;
mod target_group;

pub use crate::l1::elasticloadbalancingv2::{CfnListener, CfnLoadBalancer, CfnTargetGroup};
pub use listener::{
    ApplicationListener, ApplicationProtocol, ListenerAction, ListenerCertificate, ListenerProps,
    DEFAULT_SSL_POLICY,
};
pub use load_balancer::{ApplicationLoadBalancer, ApplicationLoadBalancerProps};
pub use target_group::{
    ApplicationTargetGroup, ApplicationTargetGroupProps, Attachment, HealthCheck,
};
