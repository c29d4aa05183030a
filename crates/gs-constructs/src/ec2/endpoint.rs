//! [`InterfaceVpcEndpoint`]: a private endpoint for an AWS service (Secrets Manager first), with
//! its own security group admitting HTTPS from the VPC.

use gs_core::{Handle, NodeId, Pseudo, Resource, Scope, Value, ValueMap};

use super::security_group::{Peer, Port, SecurityGroup, SecurityGroupProps};
use super::vpc::{SubnetType, Vpc};
use crate::error::{ConstructError, Result};

/// Marker of the `AWS::EC2::VPCEndpoint` resource.
#[derive(Debug)]
pub enum CfnVpcEndpoint {}

/// Settings of an [`InterfaceVpcEndpoint`].
#[derive(Clone, Debug)]
pub struct InterfaceVpcEndpointProps {
    /// Resolve the service's public DNS name to the endpoint inside the VPC.
    pub private_dns_enabled: bool,
    /// The subnets to place it in.
    pub subnets: SubnetType,
}

impl Default for InterfaceVpcEndpointProps {
    fn default() -> Self {
        InterfaceVpcEndpointProps {
            private_dns_enabled: true,
            subnets: SubnetType::Private,
        }
    }
}

/// An interface VPC endpoint.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let ep = ec2::InterfaceVpcEndpoint::new(&mut s, "SecretsEndpoint", vpc, "secretsmanager", Default::default())?;
/// assert_eq!(ep.service, "secretsmanager");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceVpcEndpoint {
    /// The group node.
    pub node: NodeId,
    /// The endpoint resource.
    pub resource: Handle<CfnVpcEndpoint>,
    /// Its security group.
    pub security_group: SecurityGroup,
    /// The service's short name, e.g. `secretsmanager`.
    pub service: &'static str,
}

impl InterfaceVpcEndpoint {
    /// An endpoint for `service` (the short name in `com.amazonaws.<region>.<service>`).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        service: &'static str,
        props: InterfaceVpcEndpointProps,
    ) -> Result<InterfaceVpcEndpoint> {
        scope.atomically(|scope| Self::build(scope, id, vpc, service, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        service: &'static str,
        props: InterfaceVpcEndpointProps,
    ) -> Result<InterfaceVpcEndpoint> {
        let path = scope.child_path(id);
        if service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        {
            return Err(ConstructError::invalid(
                path,
                format!("`{service}` is not a service short name"),
                "give the short name, e.g. `secretsmanager` or `ecr.api`",
            ));
        }
        let subnets = vpc.subnet_ids(scope.app(), props.subnets);
        let cidr = vpc.layout(scope.app()).map(|l| l.cidr);
        let mut g = scope.group(id)?;
        let sg = SecurityGroup::new(&mut g, "SecurityGroup", vpc, SecurityGroupProps::default())?;
        if let Some(cidr) = cidr {
            sg.allow_from(
                &mut g,
                Peer::Ipv4(cidr),
                Port::tcp(443),
                "HTTPS from the VPC",
            )?;
        }
        let resource = g.resource::<CfnVpcEndpoint>(
            "Resource",
            Resource::new("AWS::EC2::VPCEndpoint").properties(
                ValueMap::with_capacity(6)
                    .with(
                        "ServiceName",
                        Value::join(
                            "",
                            [
                                Value::from("com.amazonaws."),
                                Value::Pseudo(Pseudo::Region),
                                Value::from(format!(".{service}")),
                            ],
                        ),
                    )
                    .with("VpcId", vpc.vpc_id())
                    .with("PrivateDnsEnabled", props.private_dns_enabled)
                    .with("SecurityGroupIds", Value::List(vec![sg.group_id()]))
                    .with("SubnetIds", subnets)
                    .with("VpcEndpointType", "Interface"),
            ),
        )?;
        Ok(InterfaceVpcEndpoint {
            node: g.node(),
            resource,
            security_group: sg,
            service,
        })
    }
}
