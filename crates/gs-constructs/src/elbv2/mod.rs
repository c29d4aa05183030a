//! Elastic Load Balancing v2: [`ApplicationLoadBalancer`] (internet-facing or internal, behind
//! its own security group), its listeners ([`ApplicationLoadBalancer::add_listener`]: HTTP, or
//! HTTPS with a [`ListenerCertificate`]; forward or redirect), and [`ApplicationTargetGroup`]s
//! of IP targets with a [`HealthCheck`]. Wiring is derived from use: attaching a Fargate service
//! ([`ApplicationTargetGroup::add_fargate_service`]) writes its `LoadBalancers` entry, admits the
//! load balancer into the tasks' security group on the container port and the health check
//! port, lets the load balancer's group send there, and orders the service after the listener;
//! a listener admits its clients (`open`). Access logs go to an S3 bucket
//! ([`ApplicationLoadBalancer::log_access_logs`]), with the bucket policy that lets ELB deliver
//! and the load balancer ordered after it. Written through the L1
//! (`l1::elasticloadbalancingv2`); the passes `elbv2/health-check-port-not-admitted`,
//! `elbv2/access-logs-bucket-kms-encrypted` and `elbv2/access-logs-not-deliverable` check any
//! tree, raw resources included.

mod access_log_passes;
mod access_logs;
mod listener;
mod load_balancer;
pub(crate) mod passes;
mod target_group;

pub use crate::l1::elasticloadbalancingv2::{CfnListener, CfnLoadBalancer, CfnTargetGroup};
pub use access_log_passes::{ACCESS_LOGS_BUCKET_KMS_ENCRYPTED, ACCESS_LOGS_NOT_DELIVERABLE};
pub use access_logs::{elb_account, ELB_ACCOUNTS, LOG_DELIVERY_SERVICE};
pub use listener::{
    ApplicationListener, ApplicationProtocol, ListenerAction, ListenerCertificate, ListenerProps,
    DEFAULT_SSL_POLICY,
};
pub use load_balancer::{ApplicationLoadBalancer, ApplicationLoadBalancerProps};
pub use target_group::{
    ApplicationTargetGroup, ApplicationTargetGroupProps, Attachment, HealthCheck,
};
