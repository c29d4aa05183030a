//! The security-relevant changes as tables, as `cdk diff` prints them: IAM statements and
//! security-group rules added or removed, whichever resource carries them.

use serde_json::{Map, Value as Json};

/// An IAM statement added (`+`) or removed (`-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamRow {
    /// `+` or `-`.
    pub sign: char,
    /// The logical ID of the resource that holds the statement (a role, a policy, a bucket
    /// policy, a key).
    pub holder: String,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// The actions (`Action`, or `NotAction` prefixed with `NOT `).
    pub action: String,
    /// The resources (`Resource`, or `NotResource`); empty in trust and resource policies
    /// without one.
    pub resource: String,
    /// The principal, for trust and resource policies.
    pub principal: String,
    /// The condition, as compact JSON.
    pub condition: String,
}

/// A security-group rule added (`+`) or removed (`-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroupRow {
    /// `+` or `-`.
    pub sign: char,
    /// The group the rule belongs to.
    pub group: String,
    /// `in` or `out`.
    pub direction: &'static str,
    /// Protocol and ports: `tcp 2049`, `tcp 0-1024`, `all`.
    pub protocol: String,
    /// The other side: a CIDR block, a group or a prefix list.
    pub peer: String,
}

/// The rows of both tables between the resources of two sides.
pub(crate) fn summarize(
    old: &Map<String, Json>,
    new: &Map<String, Json>,
) -> (Vec<IamRow>, Vec<SecurityGroupRow>) {
    let (old_iam, new_iam) = (statements(old), statements(new));
    let mut iam = Vec::new();
    for (sign, from, other) in [('-', &old_iam, &new_iam), ('+', &new_iam, &old_iam)] {
        for s in from {
            if !other.contains(s) {
                iam.push(iam_row(sign, s));
            }
        }
    }
    let (old_sg, new_sg) = (rules(old), rules(new));
    let mut sg = Vec::new();
    for (sign, from, other) in [('-', &old_sg, &new_sg), ('+', &new_sg, &old_sg)] {
        for r in from {
            if !other.contains(r) {
                let mut r = r.clone();
                r.sign = sign;
                sg.push(r);
            }
        }
    }
    (iam, sg)
}

/// Every IAM statement of the resources, with its holder.
fn statements(resources: &Map<String, Json>) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for (id, r) in resources {
        let props = r.get("Properties");
        let at = |key: &str| props.and_then(|p| p.get(key));
        let mut documents: Vec<&Json> = Vec::new();
        match r.get("Type").and_then(Json::as_str).unwrap_or("") {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                documents.extend(at("AssumeRolePolicyDocument"));
                if let Some(Json::Array(policies)) = at("Policies") {
                    documents.extend(policies.iter().filter_map(|p| p.get("PolicyDocument")));
                }
            }
            "AWS::IAM::Policy"
            | "AWS::IAM::ManagedPolicy"
            | "AWS::S3::BucketPolicy"
            | "AWS::SQS::QueuePolicy"
            | "AWS::SNS::TopicPolicy" => documents.extend(at("PolicyDocument")),
            "AWS::KMS::Key" => documents.extend(at("KeyPolicy")),
            "AWS::SecretsManager::ResourcePolicy" => documents.extend(at("ResourcePolicy")),
            _ => {}
        }
        for d in documents {
            match d.get("Statement") {
                Some(Json::Array(items)) => {
                    out.extend(items.iter().map(|s| (id.clone(), s.clone())));
                }
                Some(s @ Json::Object(_)) => out.push((id.clone(), s.clone())),
                _ => {}
            }
        }
    }
    out
}

fn iam_row(sign: char, (holder, s): &(String, Json)) -> IamRow {
    let either = |yes: &str, no: &str| match (s.get(yes), s.get(no)) {
        (Some(v), _) => show(v),
        (None, Some(v)) => format!("NOT {}", show(v)),
        (None, None) => String::new(),
    };
    IamRow {
        sign,
        holder: holder.clone(),
        effect: s.get("Effect").map(show).unwrap_or_default(),
        action: either("Action", "NotAction"),
        resource: either("Resource", "NotResource"),
        principal: either("Principal", "NotPrincipal"),
        condition: s.get("Condition").map(show).unwrap_or_default(),
    }
}

/// Every security-group rule of the resources (standalone rule resources and rules inline in a
/// group), with sign `+` until compared.
fn rules(resources: &Map<String, Json>) -> Vec<SecurityGroupRow> {
    let mut out = Vec::new();
    for (id, r) in resources {
        let Some(props) = r.get("Properties") else {
            continue;
        };
        match r.get("Type").and_then(Json::as_str).unwrap_or("") {
            "AWS::EC2::SecurityGroupIngress" => {
                out.push(rule(
                    props.get("GroupId").map(show).unwrap_or_default(),
                    "in",
                    props,
                ));
            }
            "AWS::EC2::SecurityGroupEgress" => {
                out.push(rule(
                    props.get("GroupId").map(show).unwrap_or_default(),
                    "out",
                    props,
                ));
            }
            "AWS::EC2::SecurityGroup" => {
                let group = format!("${{{id}.GroupId}}");
                for (key, direction) in [
                    ("SecurityGroupIngress", "in"),
                    ("SecurityGroupEgress", "out"),
                ] {
                    if let Some(Json::Array(items)) = props.get(key) {
                        out.extend(items.iter().map(|p| rule(group.clone(), direction, p)));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn rule(group: String, direction: &'static str, p: &Json) -> SecurityGroupRow {
    let protocol = p.get("IpProtocol").map(show).unwrap_or_default();
    let (from, to) = (p.get("FromPort").map(show), p.get("ToPort").map(show));
    let protocol = match (protocol.as_str(), from, to) {
        ("-1", _, _) => "all".to_owned(),
        (proto, Some(f), Some(t)) if f == t => format!("{proto} {f}"),
        (proto, Some(f), Some(t)) => format!("{proto} {f}-{t}"),
        (proto, _, _) => proto.to_owned(),
    };
    let peer = [
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "DestinationSecurityGroupId",
        "SourcePrefixListId",
        "DestinationPrefixListId",
        "SourceSecurityGroupName",
    ]
    .iter()
    .find_map(|k| p.get(*k).map(show))
    .unwrap_or_default();
    SecurityGroupRow {
        sign: '+',
        group,
        direction,
        protocol,
        peer,
    }
}

/// A value as one short line: a string as is, `{"Ref": "X"}` as `${X}`, `Fn::GetAtt` as
/// `${X.Attr}`, a list of strings comma-separated, anything else as compact JSON.
pub(crate) fn show(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(items) if items.iter().all(|i| !i.is_array()) => {
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        }
        Json::Object(m) if m.len() == 1 => match m.iter().next() {
            Some((k, Json::String(id))) if k == "Ref" => format!("${{{id}}}"),
            Some((k, Json::Array(a))) if k == "Fn::GetAtt" && a.len() == 2 => {
                format!("${{{}.{}}}", show(&a[0]), show(&a[1]))
            }
            _ => v.to_string(),
        },
        _ => v.to_string(),
    }
}
