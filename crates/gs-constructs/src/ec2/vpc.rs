//! [`Vpc`]: a VPC with a public and a private subnet in each AZ, an internet gateway, NAT
//! gateways and routes, laid out as AWS CDK lays out `ec2.Vpc` (same ids, so same logical IDs).

use gs_core::{Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::cidr::Ipv4Cidr;
use crate::error::{ConstructError, Result};

/// Marker of the `AWS::EC2::VPC` resource.
#[derive(Debug)]
pub enum CfnVpc {}
/// Marker of an `AWS::EC2::Subnet` resource.
#[derive(Debug)]
pub enum CfnSubnet {}

/// Settings of a [`Vpc`].
#[derive(Clone, Debug)]
pub struct VpcProps {
    /// The VPC's IPv4 block.
    pub cidr: String,
    /// How many AZs to spread over (subnets per type).
    pub max_azs: u32,
    /// How many NAT gateways; `None` means one per AZ (no AZ depends on another's NAT).
    pub nat_gateways: Option<u32>,
    /// DNS resolution in the VPC (EFS mounts by DNS name: keep it on).
    pub enable_dns_support: bool,
    /// DNS host names in the VPC (EFS and private endpoints need them: keep them on).
    pub enable_dns_hostnames: bool,
}

impl Default for VpcProps {
    fn default() -> Self {
        VpcProps {
            cidr: "10.0.0.0/16".into(),
            max_azs: 2,
            nat_gateways: None,
            enable_dns_support: true,
            enable_dns_hostnames: true,
        }
    }
}

/// Which subnets of a VPC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubnetType {
    /// Routed to the internet gateway.
    Public,
    /// Routed out through a NAT gateway.
    Private,
}

/// One subnet: its resource, its type and the index of its AZ (the `Fn::GetAZs` position).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subnet {
    /// The `AWS::EC2::Subnet` resource.
    pub resource: Handle<CfnSubnet>,
    /// Public or private.
    pub subnet_type: SubnetType,
    /// The AZ, as an index into the Region's AZs.
    pub az: u32,
}

impl Subnet {
    /// The subnet id (`Ref`).
    pub fn subnet_id(&self) -> Value {
        Value::Ref(self.resource.node())
    }
}

/// What the app keeps of a VPC for passes and other constructs: attached to the VPC's group.
#[derive(Clone, Debug)]
pub struct VpcLayout {
    /// The VPC's block.
    pub cidr: Ipv4Cidr,
    /// Every subnet.
    pub subnets: Vec<Subnet>,
    /// DNS support on.
    pub dns_support: bool,
    /// DNS host names on.
    pub dns_hostnames: bool,
}

/// A VPC. A small `Copy` handle; its subnets live in the app ([`Vpc::subnets`]).
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", ec2::VpcProps::default())?;
/// let private = vpc.subnets(s.app(), ec2::SubnetType::Private);
/// assert_eq!(private.len(), 2);
/// assert_eq!(private[1].az, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Vpc {
    /// The VPC's group.
    pub node: NodeId,
    /// The `AWS::EC2::VPC` resource.
    pub resource: Handle<CfnVpc>,
}

impl Vpc {
    /// Builds the VPC: `max_azs` public and private subnets, an internet gateway, NAT gateways in
    /// the public subnets, a route table per subnet.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: VpcProps) -> Result<Vpc> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: VpcProps) -> Result<Vpc> {
        let path = scope.child_path(id);
        let cidr: Ipv4Cidr = props.cidr.parse().map_err(|e: String| {
            ConstructError::invalid(
                &path,
                format!("the VPC CIDR is invalid: {e}"),
                "give a block such as `10.0.0.0/16`",
            )
        })?;
        if props.max_azs == 0 || props.max_azs > 6 {
            return Err(ConstructError::invalid(
                &path,
                format!("max_azs is {}", props.max_azs),
                "use 1 to 6 AZs (2 or 3 for high availability)",
            ));
        }
        let nat_count = props
            .nat_gateways
            .unwrap_or(props.max_azs)
            .min(props.max_azs);
        let blocks = cidr.split(props.max_azs * 2).ok_or_else(|| {
            ConstructError::invalid(
                &path,
                format!("{cidr} is too small for {} subnets", props.max_azs * 2),
                "use a larger block (a /16 fits up to 6 AZs) or fewer AZs",
            )
        })?;

        let mut g = scope.group(id)?;
        let node = g.node();
        let resource = g.resource::<CfnVpc>(
            "Resource",
            Resource::new("AWS::EC2::VPC")
                .properties(
                    ValueMap::with_capacity(4)
                        .with("CidrBlock", cidr.text())
                        .with("EnableDnsHostnames", props.enable_dns_hostnames)
                        .with("EnableDnsSupport", props.enable_dns_support)
                        .with("InstanceTenancy", "default"),
                )
                .tagged(),
        )?;
        let vpc_ref = Value::Ref(resource.node());
        let igw = g.resource::<()>("IGW", Resource::new("AWS::EC2::InternetGateway").tagged())?;
        let attachment = g.resource::<()>(
            "VPCGW",
            Resource::with_capacity("AWS::EC2::VPCGatewayAttachment", 2)
                .property("InternetGatewayId", Value::Ref(igw.node()))
                .property("VpcId", vpc_ref.clone()),
        )?;

        let mut subnets = Vec::new();
        let mut nats: Vec<NodeId> = Vec::new();
        for (kind, offset, prefix) in [
            (SubnetType::Public, 0, "PublicSubnet"),
            (SubnetType::Private, props.max_azs, "PrivateSubnet"),
        ] {
            for az in 0..props.max_azs {
                let block = blocks
                    .get((offset + az) as usize)
                    .map(Ipv4Cidr::text)
                    .unwrap_or_default();
                // `PublicSubnet1`: az is below 6, so its number is one digit.
                let mut name = String::with_capacity(prefix.len() + 1);
                name.push_str(prefix);
                name.push(char::from(b'1' + az as u8));
                let mut sg = g.group(&name)?;
                let (subnet_group, subnet_path) = (sg.node(), sg.path());
                // As CDK names them: each subnet's resources carry the subnet's path.
                sg.app_mut().tag(subnet_group, "Name", subnet_path)?;
                let subnet = sg.resource::<CfnSubnet>(
                    "Subnet",
                    Resource::new("AWS::EC2::Subnet")
                        .properties(
                            ValueMap::with_capacity(4)
                                .with("AvailabilityZone", Value::select(az, Value::azs()))
                                .with("CidrBlock", block)
                                .with("MapPublicIpOnLaunch", kind == SubnetType::Public)
                                .with("VpcId", vpc_ref.clone()),
                        )
                        .tagged(),
                )?;
                let table = sg.resource::<()>(
                    "RouteTable",
                    Resource::with_capacity("AWS::EC2::RouteTable", 1)
                        .property("VpcId", vpc_ref.clone())
                        .tagged(),
                )?;
                let association = sg.resource::<()>(
                    "RouteTableAssociation",
                    Resource::with_capacity("AWS::EC2::SubnetRouteTableAssociation", 2)
                        .property("RouteTableId", Value::Ref(table.node()))
                        .property("SubnetId", Value::Ref(subnet.node())),
                )?;
                let target = match kind {
                    SubnetType::Public => Some(("GatewayId", igw.node())),
                    // Without NAT gateways a private subnet has no route out at all.
                    SubnetType::Private => nats
                        .get(az as usize % nats.len().max(1))
                        .map(|nat| ("NatGatewayId", *nat)),
                };
                let route = match target {
                    Some((key, target)) => Some(
                        sg.resource::<()>(
                            "DefaultRoute",
                            Resource::new("AWS::EC2::Route").properties(
                                ValueMap::with_capacity(3)
                                    .with("DestinationCidrBlock", "0.0.0.0/0")
                                    .with(key, Value::Ref(target))
                                    .with("RouteTableId", Value::Ref(table.node())),
                            ),
                        )?,
                    ),
                    None => None,
                };
                if let (SubnetType::Public, Some(route)) = (kind, route) {
                    sg.app_mut().add_dependency(
                        route,
                        attachment,
                        "a route to the internet gateway needs the gateway attached",
                    )?;
                    if az < nat_count {
                        let eip = sg.resource::<()>(
                            "EIP",
                            Resource::with_capacity("AWS::EC2::EIP", 1)
                                .property("Domain", "vpc")
                                .tagged(),
                        )?;
                        let nat = sg.resource::<()>(
                            "NATGateway",
                            Resource::with_capacity("AWS::EC2::NatGateway", 2)
                                .property(
                                    "AllocationId",
                                    Value::GetAtt(eip.node(), "AllocationId".into()),
                                )
                                .property("SubnetId", Value::Ref(subnet.node()))
                                .tagged(),
                        )?;
                        sg.app_mut().add_dependency(
                            nat,
                            route,
                            "the NAT gateway needs the public subnet's internet route",
                        )?;
                        sg.app_mut().add_dependency(
                            nat,
                            association,
                            "the NAT gateway's subnet must use the route table with that route",
                        )?;
                        nats.push(nat.node());
                    }
                }
                let kind_name = match kind {
                    SubnetType::Public => "Public",
                    SubnetType::Private => "Private",
                };
                g.app_mut().tag(subnet, "aws-cdk:subnet-name", kind_name)?;
                g.app_mut().tag(subnet, "aws-cdk:subnet-type", kind_name)?;
                subnets.push(Subnet {
                    resource: subnet,
                    subnet_type: kind,
                    az,
                });
            }
        }
        let vpc = Vpc { node, resource };
        g.app_mut().tag(node, "Name", path)?;
        g.app_mut().attach(
            node,
            VpcLayout {
                cidr,
                subnets,
                dns_support: props.enable_dns_support,
                dns_hostnames: props.enable_dns_hostnames,
            },
        )?;
        Ok(vpc)
    }

    /// The VPC id (`Ref`).
    pub fn vpc_id(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The VPC's primary IPv4 block (`Fn::GetAtt CidrBlock`).
    pub fn cidr_block(&self) -> Value {
        Value::GetAtt(self.resource.node(), "CidrBlock".into())
    }

    /// The layout the app keeps for this VPC.
    pub fn layout<'a>(&self, app: &'a gs_core::App) -> Option<&'a VpcLayout> {
        app.attached::<VpcLayout>(self.node)
    }

    /// The subnets of one type, in AZ order.
    pub fn subnets(&self, app: &gs_core::App, subnet_type: SubnetType) -> Vec<Subnet> {
        self.layout(app)
            .map(|l| {
                l.subnets
                    .iter()
                    .filter(|s| s.subnet_type == subnet_type)
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The subnet ids of one type, as a list value.
    pub fn subnet_ids(&self, app: &gs_core::App, subnet_type: SubnetType) -> Value {
        Value::List(
            self.subnets(app, subnet_type)
                .iter()
                .map(Subnet::subnet_id)
                .collect(),
        )
    }
}
