//! Networking: [`Vpc`] with public and private subnets per AZ, [`SecurityGroup`] with the
//! connections vocabulary ([`SecurityGroup::allow_from`]), and [`InterfaceVpcEndpoint`].

mod cidr;
mod endpoint;
mod security_group;
mod vpc;

pub use cidr::Ipv4Cidr;
pub use endpoint::{InterfaceVpcEndpoint, InterfaceVpcEndpointProps};
pub use security_group::{
    Connectable, Ingress, Peer, Port, Protocol, SecurityGroup, SecurityGroupProps,
};
pub use vpc::{Subnet, SubnetType, Vpc, VpcLayout, VpcProps};
