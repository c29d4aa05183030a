//! Failover readiness: after a Region failover the promoted secondary of an Aurora Global
//! Database must admit the application, as the primary does. A secondary whose security groups
//! admit nothing on the port the primary serves deploys fine and replicates fine, and is found
//! unreachable only during the incident. Read from the emitted resources (inline
//! `SecurityGroupIngress` and `AWS::EC2::SecurityGroupIngress`), so raw stacks count too.

use gs_core::{Diagnostic, NodeId, Rule, Severity, Tree, Value};

use super::profile::{links, region_of};
use crate::props;

/// The rule `dr/failover-unreachable`.
pub const FAILOVER_UNREACHABLE: Rule = Rule {
    id: "dr/failover-unreachable",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::RDS::DBCluster"],
    what: "A secondary cluster of an Aurora Global Database admits no client on the port its primary serves.",
    why: "After a failover to its Region the promoted cluster is the writer, but no application can connect to it: the recovery time objective the global database promises is not met.",
    fix: "admit the DR Region's application on the cluster's port in the DR stack, e.g. `secondary.connections().allow_default_port_from(&mut s, dr_vpc_cidr, \"applications after failover\")` with the DR VPC's block, or the application's security group when it runs there; or acknowledge the rule with the runbook step that opens it",
};

/// The port a cluster serves: its literal `Port`, else its engine's default.
fn port_of(props: &gs_core::ValueMap) -> u16 {
    if let Some(p) = props
        .get("Port")
        .and_then(Value::as_i64)
        .and_then(|p| u16::try_from(p).ok())
    {
        return p;
    }
    match props::str_at(props, &["Engine"]) {
        Some(e) if e.contains("mysql") => 3306,
        _ => 5432,
    }
}

/// Whether an ingress rule (inline or a resource's properties) admits TCP `port`.
fn admits(rule: &gs_core::ValueMap, port: u16) -> bool {
    let protocol = match rule.get("IpProtocol") {
        Some(Value::String(s)) => s.to_ascii_lowercase(),
        Some(Value::Int(i)) => i.to_string(),
        // Not literal: it may admit the port.
        Some(_) => return true,
        None => return false,
    };
    match protocol.as_str() {
        "-1" | "all" => true,
        "tcp" | "6" => {
            let bound = |key: &str| rule.get(key).and_then(Value::as_i64);
            match (bound("FromPort"), bound("ToPort")) {
                (Some(from), Some(to)) => from <= i64::from(port) && i64::from(port) <= to,
                _ => true,
            }
        }
        _ => false,
    }
}

/// The security group resources a cluster names in `VpcSecurityGroupIds`, or `None` when gs
/// cannot see them all: the property is absent (the VPC's default group), not a literal list,
/// or names a group by id or through an import. A group gs cannot see may admit anyone.
fn groups_of(tree: &Tree<'_>, props: &gs_core::ValueMap) -> Option<Vec<NodeId>> {
    let list = props.get("VpcSecurityGroupIds")?.as_list()?;
    list.iter()
        .map(|v| match v {
            Value::Ref(n) | Value::GetAtt(n, _) if tree.node(*n).as_resource().is_some() => {
                Some(*n)
            }
            _ => None,
        })
        .collect()
}

/// Appends a finding per secondary that admits nothing its primary admits.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let links = links(tree);
    let groups = &links.aurora_groups;
    if groups.is_empty() {
        return;
    }
    // Ingress resources, by the group they open.
    let mut ingress: Vec<(NodeId, &gs_core::ValueMap)> = Vec::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        if r.type_name == "AWS::EC2::SecurityGroupIngress" {
            if let Some(v) = r.properties.get("GroupId") {
                v.for_each_reference(&mut |g| ingress.push((g, &r.properties)));
            }
        }
    }
    // Whether the cluster's groups admit clients on `port`; `None` when gs cannot see them.
    let open_on = |cluster: NodeId, port: u16| -> Option<bool> {
        let r = tree.node(cluster).as_resource()?;
        let groups = groups_of(tree, &r.properties)?;
        Some(groups.into_iter().any(|g| {
            let inline = tree
                .node(g)
                .as_resource()
                .map(|sg| {
                    props::maps(&sg.properties, "SecurityGroupIngress").any(|i| admits(i, port))
                })
                .unwrap_or(false);
            inline
                || ingress
                    .iter()
                    .any(|(target, rule)| *target == g && admits(rule, port))
        }))
    };
    let mut found = Vec::new();
    for members in groups {
        for &m in members {
            let Some(r) = tree.node(m).as_resource() else {
                continue;
            };
            let port = port_of(&r.properties);
            // Only a cluster known to admit nothing is reported.
            if open_on(m, port) != Some(false) {
                continue;
            }
            // A member in another Region that admits clients on the port: what this one lacks.
            let Some(open) = members.iter().copied().find(|o| {
                region_of(tree, *o) != region_of(tree, m) && open_on(*o, port) == Some(true)
            }) else {
                continue;
            };
            found.push((m, port, open));
        }
    }
    found.sort_unstable_by_key(|(m, _, _)| tree.path(*m));
    for (m, port, open) in found {
        // Findings name the cluster's construct (synthesis maps its `Resource` to it).
        let (at, path) = (m, tree.path(m));
        let open_path = tree.path(tree.construct_of(open));
        out.push(FAILOVER_UNREACHABLE.at(
            at,
            path,
            format!(
                "after a failover to {}, this cluster's security groups admit nothing on port {port}, while `{open_path}` admits clients on it: the application cannot connect to the promoted cluster",
                region_of(tree, m).unwrap_or("its Region")
            ),
        ));
    }
}
