//! [`SecurityGroup`] and the connections vocabulary: [`Peer`], [`Port`],
//! [`SecurityGroup::allow_from`]. Every rule is also recorded as an [`Ingress`] fact for passes.

use std::fmt::{self, Write as _};

use gs_core::{App, Handle, NodeId, Resource, Scope, Value, ValueMap};

use super::cidr::Ipv4Cidr;
use super::vpc::Vpc;
use crate::error::Result;

/// Marker of the `AWS::EC2::SecurityGroup` resource.
#[derive(Debug)]
pub enum CfnSecurityGroup {}

/// Settings of a [`SecurityGroup`].
#[derive(Clone, Debug)]
pub struct SecurityGroupProps {
    /// A physical name (`GroupName`); `None` lets CloudFormation name it.
    pub name: Option<String>,
    /// The description; `None` uses the construct path.
    pub description: Option<String>,
    /// Allow all outbound traffic (the AWS default). When off, no egress is allowed until a rule
    /// is added through the escape hatch.
    pub allow_all_outbound: bool,
}

impl Default for SecurityGroupProps {
    fn default() -> Self {
        SecurityGroupProps {
            name: None,
            description: None,
            allow_all_outbound: true,
        }
    }
}

/// A security group in a VPC.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
/// let db = ec2::SecurityGroup::new(&mut s, "DbSg", vpc, Default::default())?;
/// let app_sg = ec2::SecurityGroup::new(&mut s, "AppSg", vpc, Default::default())?;
/// db.allow_from(&mut s, app_sg, ec2::Port::tcp(5432), "app to database")?;
/// assert!(ec2::Ingress::admits(s.app(), db, app_sg, 5432));
/// assert!(!ec2::Ingress::admits(s.app(), db, app_sg, 2049));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecurityGroup {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::EC2::SecurityGroup` resource.
    pub resource: Handle<CfnSecurityGroup>,
    /// The VPC it is in.
    pub vpc: Vpc,
}

/// The protocol of a [`Port`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Every protocol (`-1`).
    All,
}

/// A port range of a protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Port {
    /// The protocol.
    pub protocol: Protocol,
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
}

impl Port {
    /// One TCP port.
    pub fn tcp(port: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from: port,
            to: port,
        }
    }

    /// A TCP range.
    pub fn tcp_range(from: u16, to: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from,
            to,
        }
    }

    /// Every protocol and port.
    pub fn all_traffic() -> Port {
        Port {
            protocol: Protocol::All,
            from: 0,
            to: 65535,
        }
    }

    /// Whether TCP `port` falls in this range.
    pub fn covers_tcp(&self, port: u16) -> bool {
        match self.protocol {
            Protocol::All => true,
            Protocol::Tcp => self.from <= port && port <= self.to,
            Protocol::Udp => false,
        }
    }

    fn ip_protocol(&self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::All => "-1",
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.protocol, self.from == self.to) {
            (Protocol::All, _) => write!(f, "ALL TRAFFIC"),
            (Protocol::Tcp, true) => write!(f, "{}", self.from),
            (Protocol::Tcp, false) => write!(f, "{}-{}", self.from, self.to),
            (Protocol::Udp, true) => write!(f, "UDP {}", self.from),
            (Protocol::Udp, false) => write!(f, "UDP {}-{}", self.from, self.to),
        }
    }
}

/// Where traffic comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Peer {
    /// Members of another security group.
    SecurityGroup(SecurityGroup),
    /// An IPv4 block.
    Ipv4(Ipv4Cidr),
    /// Any IPv4 address (`0.0.0.0/0`).
    AnyIpv4,
    /// Any IPv6 address (`::/0`).
    AnyIpv6,
}

impl From<SecurityGroup> for Peer {
    fn from(sg: SecurityGroup) -> Peer {
        Peer::SecurityGroup(sg)
    }
}

impl From<Ipv4Cidr> for Peer {
    fn from(c: Ipv4Cidr) -> Peer {
        Peer::Ipv4(c)
    }
}

/// Something reachable behind a security group on a default port: a database, a cache, a file
/// system, an endpoint. Constructs that can be connected to expose `connections()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connectable {
    /// The security group in front of it.
    pub security_group: SecurityGroup,
    /// The port clients use (5432 for Aurora PostgreSQL, 6379 for Redis, 2049 for EFS).
    pub default_port: Port,
}

impl Connectable {
    /// Admits `peer` on the default port (CDK's `connections.allowDefaultPortFrom`); returns the
    /// rule's node.
    pub fn allow_default_port_from(
        &self,
        app: &mut impl AsMut<App>,
        peer: impl Into<Peer>,
        description: &str,
    ) -> Result<NodeId> {
        app.as_mut()
            .atomically(|app| self.allow_default_port_from_impl(app, peer, description))
    }

    fn allow_default_port_from_impl(
        &self,
        app: &mut App,
        peer: impl Into<Peer>,
        description: &str,
    ) -> Result<NodeId> {
        self.security_group
            .allow_from(app, peer, self.default_port, description)
    }
}

/// Fact: security group `group` admits `peer` on `port`, through the ingress resource `rule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ingress {
    /// The group traffic enters.
    pub group: SecurityGroup,
    /// Where it comes from.
    pub peer: Peer,
    /// The ports.
    pub port: Port,
    /// The `AWS::EC2::SecurityGroupIngress` resource.
    pub rule: NodeId,
}

impl Ingress {
    /// Whether a recorded rule lets members of `from` reach `group` on TCP `port`: a rule naming
    /// `from` itself, or a CIDR that holds the whole VPC `from` is in.
    pub fn admits(
        app: &gs_core::App,
        group: SecurityGroup,
        from: SecurityGroup,
        port: u16,
    ) -> bool {
        let vpc_cidr = from.vpc.layout(app).map(|l| l.cidr);
        app.facts::<Ingress>().iter().any(|i| {
            i.group.node == group.node
                && i.port.covers_tcp(port)
                && match i.peer {
                    Peer::SecurityGroup(p) => p.node == from.node,
                    Peer::Ipv4(c) => vpc_cidr.is_some_and(|v| c.contains(&v)),
                    Peer::AnyIpv4 => true,
                    Peer::AnyIpv6 => false,
                }
        })
    }
}

impl SecurityGroup {
    /// A security group in `vpc`.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: SecurityGroupProps,
    ) -> Result<SecurityGroup> {
        scope.atomically(|scope| Self::build(scope, id, vpc, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vpc: Vpc,
        props: SecurityGroupProps,
    ) -> Result<SecurityGroup> {
        // The path is written only when it is needed: for an error, or as the description.
        let description = match props.description {
            Some(d)
                if d.is_empty() || d.chars().count() > 255 || !d.chars().all(description_char) =>
            {
                return Err(crate::ConstructError::invalid(
                    scope.child_path(id),
                    format!(
                        "the description `{d}` is not 1 to 255 characters of the ones EC2 allows"
                    ),
                    "use letters, digits, spaces and `._-:/()#,@[]+=&;{}!$*`, at most 255",
                ));
            }
            Some(d) => d,
            None => description_of_path(scope.child_path(id)),
        };
        let mut g = scope.group(id)?;
        let egress = if props.allow_all_outbound {
            ValueMap::with_capacity(3)
                .with("CidrIp", "0.0.0.0/0")
                .with("Description", "Allow all outbound traffic by default")
                .with("IpProtocol", "-1")
        } else {
            // A rule that matches nothing: without any egress rule AWS would allow everything.
            ValueMap::with_capacity(5)
                .with("CidrIp", "255.255.255.255/32")
                .with("Description", "Disallow all traffic")
                .with("FromPort", 252)
                .with("IpProtocol", "icmp")
                .with("ToPort", 86)
        };
        let resource = g.resource::<CfnSecurityGroup>(
            "Resource",
            Resource::new("AWS::EC2::SecurityGroup")
                .properties(
                    ValueMap::with_capacity(4)
                        .with("GroupDescription", description)
                        .with_opt("GroupName", props.name)
                        .with("SecurityGroupEgress", Value::List(vec![Value::Map(egress)]))
                        .with("VpcId", vpc.vpc_id()),
                )
                .tagged(),
        )?;
        Ok(SecurityGroup {
            node: g.node(),
            resource,
            vpc,
        })
    }

    /// The group id (`Fn::GetAtt GroupId`).
    pub fn group_id(&self) -> Value {
        Value::GetAtt(self.resource.node(), "GroupId".into())
    }

    /// Admits `peer` on `port`: an `AWS::EC2::SecurityGroupIngress` under this group, recorded as
    /// an [`Ingress`] fact; returns the rule's node (a consumer that needs the rule in place
    /// depends on it). Asking twice for the same peer and port adds nothing and returns the
    /// first rule.
    pub fn allow_from(
        &self,
        app: &mut impl AsMut<App>,
        peer: impl Into<Peer>,
        port: Port,
        description: &str,
    ) -> Result<NodeId> {
        // Converted here: the body below is one function whatever the callers' peer types
        // (it was compiled once per type, three copies of the same code in an app).
        let peer = peer.into();
        app.as_mut()
            .atomically(|app| self.allow_from_impl(app, peer, port, description))
    }

    fn allow_from_impl(
        &self,
        app: &mut App,
        peer: Peer,
        port: Port,
        description: &str,
    ) -> Result<NodeId> {
        if port.from > port.to {
            return Err(crate::ConstructError::invalid(
                app.path(self.node)?,
                format!("the port range {}-{} runs backwards", port.from, port.to),
                "give the lower port first, e.g. `Port::tcp_range(8000, 8080)`",
            ));
        }
        if let Some(rule) = app
            .attached::<IngressRules>(self.node)
            .and_then(|rules| rules.0.get(&(peer, port)))
        {
            return Ok(*rule);
        }
        // The rule's id, `from <peer>:<port>`, written into one buffer.
        let mut id = String::with_capacity(48);
        id.push_str("from ");
        let source = match peer {
            Peer::SecurityGroup(sg) => {
                for part in app.path(sg.node)?.split('/') {
                    id.push_str(part);
                }
                ("SourceSecurityGroupId", sg.group_id())
            }
            Peer::Ipv4(c) => {
                let text = c.text();
                for (i, part) in text.split('/').enumerate() {
                    if i > 0 {
                        id.push('_');
                    }
                    id.push_str(part);
                }
                ("CidrIp", Value::String(text))
            }
            Peer::AnyIpv4 => {
                id.push_str("0.0.0.0_0");
                ("CidrIp", Value::from("0.0.0.0/0"))
            }
            Peer::AnyIpv6 => {
                id.push_str("::_0");
                ("CidrIpv6", Value::from("::/0"))
            }
        };
        id.push(':');
        // Writing into a `String` cannot fail.
        let _ = write!(id, "{port}");
        let mut props = ValueMap::with_capacity(6)
            .with("GroupId", self.group_id())
            .with("IpProtocol", port.ip_protocol())
            .with("Description", description)
            .with(source.0, source.1);
        if port.protocol != Protocol::All {
            props.insert("FromPort", port.from);
            props.insert("ToPort", port.to);
        }
        let mut g = app.at(self.node)?;
        let rule = g.resource::<()>(
            &id,
            Resource::new("AWS::EC2::SecurityGroupIngress").properties(props),
        )?;
        let app = g.app_mut();
        app.add_fact(Ingress {
            group: *self,
            peer,
            port,
            rule: rule.node(),
        });
        // Inserted in place, undone by a removal: the map is not copied for the journal.
        let key = (peer, port);
        let inserted = app.update_attached(
            self.node,
            |rules: &mut IngressRules| {
                rules.0.insert(key, rule.node());
                key
            },
            |rules, key| {
                rules.0.remove(&key);
            },
        );
        if inserted.is_none() {
            let mut rules = IngressRules::default();
            rules.0.insert(key, rule.node());
            app.attach(self.node, rules)?;
        }
        Ok(rule.node())
    }
}

/// The rules a group has, by peer and port: finds a repeated `allow_from` without scanning every
/// rule of the app.
#[derive(Clone, Debug, Default)]
struct IngressRules(std::collections::HashMap<(Peer, Port), NodeId>);

/// Characters EC2 accepts in a security group description.
fn description_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c)
}

/// A group's default description: its path, in the characters EC2 allows (others become `_`)
/// and cut to EC2's 255 characters. A path that already fits is kept as it is, not copied
/// character by character.
fn description_of_path(path: String) -> String {
    if path.len() <= 255 && path.chars().all(description_char) {
        return path;
    }
    path.chars()
        .map(|c| if description_char(c) { c } else { '_' })
        .take(255)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::description_of_path;

    #[test]
    fn the_default_description_is_the_path_in_the_characters_ec2_allows() {
        assert_eq!(description_of_path("App/Api/Sg".into()), "App/Api/Sg");
        assert_eq!(description_of_path("App/Ä pi/Sg".into()), "App/_ pi/Sg");
        assert_eq!(description_of_path("A~B".into()), "A_B");
        let long = "a".repeat(300);
        assert_eq!(description_of_path(long.clone()), "a".repeat(255));
        assert_eq!(description_of_path("a".repeat(255)), "a".repeat(255));
        let wide = "é".repeat(200);
        assert_eq!(description_of_path(wide), "_".repeat(200));
    }
}
