//! Lambda's rules, read from the resources (typed or raw): an SQS event source AWS refuses, a
//! function in a VPC whose calls cannot leave it, a package over Lambda's size quota, and
//! reserved concurrency the default account quota cannot give.

use std::collections::{HashMap, HashSet};

use gs_cfn::assets::FileAsset;
use gs_core::{Diagnostic, FastState, NodeId, NodeKind, Rule, Severity, Tree, Value, ValueMap};

use super::function::referenced_function;
use crate::props;

/// The rule `lambda/sqs-visibility-timeout`.
pub const SQS_VISIBILITY_TIMEOUT: Rule = Rule {
    id: "lambda/sqs-visibility-timeout",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &["AWS::Lambda::EventSourceMapping"],
    what: "An SQS event source maps a queue whose visibility timeout is shorter than the function's timeout (defaults: queue 30 s, function 3 s).",
    why: "Lambda refuses to create the mapping (a message could become visible again while a function still works on it), so the deploy fails.",
    fix: "set the queue's VisibilityTimeout to at least the function's timeout (AWS recommends six times it), or shorten the function's timeout",
};
/// The rule `lambda/vpc-without-egress`.
pub const VPC_WITHOUT_EGRESS: Rule = Rule {
    id: "lambda/vpc-without-egress",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::Lambda::Function"],
    what: "A function in a VPC uses a subnet whose route table has no route out (no NAT gateway, transit gateway or NAT instance for 0.0.0.0/0) and the VPC has no endpoint for a service its role's statements call.",
    why: "A function's network interfaces have no public IP: without a NAT or a VPC endpoint its calls to those services time out at run time.",
    fix: "place the function in subnets routed through a NAT gateway, or add a VPC endpoint (`ec2::InterfaceVpcEndpoint`) for each service the message names",
};
/// The rule `lambda/package-too-large`.
pub const PACKAGE_TOO_LARGE: Rule = Rule {
    id: "lambda/package-too-large",
    severity: Severity::Error,
    acknowledgeable: false,
    applies_to: &["AWS::Lambda::Function"],
    what: "A function's zip asset holds more than 250 MB (262,144,000 bytes) of files before compression.",
    why: "Lambda's quota for a deployment package is 250 MB unzipped; CreateFunction fails. (The 50 MB zipped quota is for packages uploaded directly to Lambda; gs uploads them to S3, which has no zipped quota of its own.)",
    fix: "leave out what the function does not need at run time (tests, dev dependencies), move shared dependencies to a layer, or use a container image (Code::from_image_dir, up to 10 GB)",
};
/// The rule `lambda/reserved-concurrency-over-quota`.
pub const RESERVED_CONCURRENCY_OVER_QUOTA: Rule = Rule {
    id: "lambda/reserved-concurrency-over-quota",
    severity: Severity::Warning,
    acknowledgeable: true,
    applies_to: &["AWS::Lambda::Function"],
    what: "The functions of one account and Region reserve more than 900 concurrent executions: the default quota is 1,000, and Lambda keeps 100 unreserved.",
    why: "Under the default quota, Lambda refuses the reservation that leaves fewer than 100 unreserved executions, and the deploy fails (new accounts start lower still).",
    fix: "lower the reservations, or raise the account's concurrency quota first (Service Quotas) and acknowledge the rule with the quota you have",
};

/// The rules of this module.
pub(crate) const RULES: &[Rule] = &[
    SQS_VISIBILITY_TIMEOUT,
    VPC_WITHOUT_EGRESS,
    PACKAGE_TOO_LARGE,
    RESERVED_CONCURRENCY_OVER_QUOTA,
];

/// Lambda's default timeout and SQS's default visibility timeout, in seconds.
const DEFAULT_FUNCTION_TIMEOUT: i64 = 3;
const DEFAULT_VISIBILITY_TIMEOUT: i64 = 30;
/// 250 MB as Lambda counts it ("Unzipped size must be smaller than 262144000 bytes").
const MAX_UNZIPPED: u64 = 262_144_000;
/// The default account quota, and what Lambda keeps unreserved.
const ACCOUNT_CONCURRENCY: i64 = 1000;
const UNRESERVED_MINIMUM: i64 = 100;

/// An integer property: a literal number or a numeric string (CloudFormation takes both).
fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Int(i) => Some(*i),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn resource<'a>(tree: &Tree<'a>, n: NodeId, type_name: &str) -> Option<&'a gs_core::Resource> {
    tree.node(n)
        .as_resource()
        .filter(|r| r.type_name == type_name)
}

/// The node a `Ref` or `Fn::GetAtt` names.
fn target(v: &Value) -> Option<NodeId> {
    match v {
        Value::Ref(n) | Value::GetAtt(n, _) => Some(*n),
        _ => None,
    }
}

/// Appends this module's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut functions = Vec::new();
    let mut mappings = Vec::new();
    let mut net = Network::default();
    let mut policies: HashMap<NodeId, Vec<&ValueMap>, FastState> = HashMap::default();
    let mut lambda_delivered: HashMap<NodeId, Vec<&Value>, FastState> = HashMap::default();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let p = &r.properties;
        match &*r.type_name {
            "AWS::Lambda::Function" => {
                functions.push((e, r));
                // Lambda itself sends to the dead-letter queue, from outside the VPC.
                if let Some(v) = props::at(p, &["DeadLetterConfig", "TargetArn"]) {
                    lambda_delivered.entry(e).or_default().push(v);
                }
            }
            "AWS::Lambda::EventSourceMapping" => {
                mappings.push((e, r));
                if let (Some(f), Some(arn)) = (
                    p.get("FunctionName")
                        .and_then(|v| referenced_function(tree, v)),
                    p.get("EventSourceArn"),
                ) {
                    lambda_delivered.entry(f).or_default().push(arn);
                }
            }
            "AWS::Lambda::EventInvokeConfig" => {
                if let Some(f) = p
                    .get("FunctionName")
                    .and_then(|v| referenced_function(tree, v))
                {
                    for key in ["OnFailure", "OnSuccess"] {
                        if let Some(v) = props::at(p, &["DestinationConfig", key, "Destination"]) {
                            lambda_delivered.entry(f).or_default().push(v);
                        }
                    }
                }
            }
            "AWS::IAM::Policy" => {
                if let Some(doc) = props::at(p, &["PolicyDocument"]).and_then(Value::as_map) {
                    for role in p.get("Roles").and_then(Value::as_list).unwrap_or_default() {
                        if let Some(n) = target(role) {
                            policies.entry(n).or_default().push(doc);
                        }
                    }
                }
            }
            "AWS::IAM::Role" => {
                for pol in props::maps(p, "Policies") {
                    if let Some(doc) = pol.get("PolicyDocument").and_then(Value::as_map) {
                        policies.entry(e).or_default().push(doc);
                    }
                }
            }
            _ => net.read(e, &r.type_name, p),
        }
    }
    check_sqs_visibility(tree, &mappings, out);
    check_package_size(tree, &functions, out);
    check_reserved_concurrency(tree, &functions, out);
    for (f, r) in &functions {
        let Some(subnets) = props::at(&r.properties, &["VpcConfig", "SubnetIds"]) else {
            continue;
        };
        let role = r.properties.get("Role").and_then(target);
        let delivered = lambda_delivered.get(f).map_or(&[][..], Vec::as_slice);
        let needed = role
            .and_then(|role| policies.get(&role))
            .map(|docs| services_called(docs, delivered))
            .unwrap_or_default();
        if needed.is_empty() {
            continue;
        }
        let mut stranded = Vec::new();
        let mut missing: Vec<&str> = Vec::new();
        for s in subnets.as_list().unwrap_or_default() {
            let Some(subnet) =
                target(s).filter(|n| resource(tree, *n, "AWS::EC2::Subnet").is_some())
            else {
                continue;
            };
            let Some(tables) = net.tables.get(&subnet) else {
                // No association in the tree: the VPC's main route table, which gs cannot see.
                continue;
            };
            if tables.iter().any(|t| net.egress.contains(t)) {
                continue;
            }
            let endpoints = net
                .subnet_vpc
                .get(&subnet)
                .and_then(|vpc| net.endpoints.get(vpc));
            let lacking: Vec<&str> = needed
                .iter()
                .map(String::as_str)
                .filter(|svc| !endpoints.is_some_and(|e| e.contains(*svc)))
                .collect();
            if !lacking.is_empty() {
                stranded.push(tree.path(subnet));
                for l in lacking {
                    if !missing.contains(&l) {
                        missing.push(l);
                    }
                }
            }
        }
        if !stranded.is_empty() {
            out.push(VPC_WITHOUT_EGRESS.at(
                *f,
                tree.path(*f),
                format!(
                    "the function runs in {} with no route out, and its role calls {} with no VPC endpoint in the VPC",
                    stranded.join(", "),
                    missing.join(", ")
                ),
            ));
        }
    }
}

/// What the VPC rule needs of the network resources.
#[derive(Default)]
struct Network {
    /// Route tables of each subnet (through its associations).
    tables: HashMap<NodeId, Vec<NodeId>, FastState>,
    /// Route tables with a route to 0.0.0.0/0 that leaves the VPC for a function.
    egress: HashSet<NodeId, FastState>,
    /// The VPC of each subnet.
    subnet_vpc: HashMap<NodeId, NodeId, FastState>,
    /// The services with an endpoint, per VPC.
    endpoints: HashMap<NodeId, HashSet<String, FastState>, FastState>,
}

impl Network {
    fn read(&mut self, e: NodeId, type_name: &str, p: &ValueMap) {
        match type_name {
            "AWS::EC2::SubnetRouteTableAssociation" => {
                if let (Some(s), Some(t)) = (
                    p.get("SubnetId").and_then(target),
                    p.get("RouteTableId").and_then(target),
                ) {
                    self.tables.entry(s).or_default().push(t);
                }
            }
            "AWS::EC2::Route" => {
                // An internet gateway does not count: a function's interfaces have no public IP.
                let out = [
                    "NatGatewayId",
                    "TransitGatewayId",
                    "InstanceId",
                    "NetworkInterfaceId",
                ]
                .iter()
                .any(|k| p.contains_key(k));
                let default = props::str_is(p, &["DestinationCidrBlock"], "0.0.0.0/0");
                if let (true, true, Some(t)) =
                    (out, default, p.get("RouteTableId").and_then(target))
                {
                    self.egress.insert(t);
                }
            }
            "AWS::EC2::Subnet" => {
                if let Some(vpc) = p.get("VpcId").and_then(target) {
                    self.subnet_vpc.insert(e, vpc);
                }
            }
            "AWS::EC2::VPCEndpoint" => {
                if let (Some(vpc), Some(svc)) = (
                    p.get("VpcId").and_then(target),
                    p.get("ServiceName").and_then(endpoint_service),
                ) {
                    self.endpoints.entry(vpc).or_default().insert(svc);
                }
            }
            _ => {}
        }
    }
}

/// The service of an endpoint's `com.amazonaws.<Region>.<service>` name, whether the Region is
/// literal, `${AWS::Region}` in an `Fn::Sub` or a pseudo parameter in an `Fn::Join`.
fn endpoint_service(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Sub(s, _) => s.clone(),
        Value::Join(sep, parts) => parts
            .iter()
            .map(|p| p.as_str().unwrap_or("{}").to_string())
            .collect::<Vec<_>>()
            .join(sep),
        _ => return None,
    };
    let rest = text.strip_prefix("com.amazonaws.")?;
    let (_region, service) = rest.split_once('.')?;
    Some(service.to_string())
}

/// The services the function's code calls, from its role's statements: the prefix of each
/// allowed action, leaving out what Lambda does for the function from outside the VPC
/// (writing its logs, managing its network interfaces, polling its event sources, sending to
/// its dead-letter queue and destinations).
fn services_called(docs: &[&ValueMap], delivered: &[&Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for doc in docs {
        for s in props::maps(doc, "Statement") {
            if !props::str_is(s, &["Effect"], "Allow") {
                continue;
            }
            let resources: Vec<&Value> = match s.get("Resource") {
                Some(Value::List(items)) => items.iter().collect(),
                Some(v) => vec![v],
                None => Vec::new(),
            };
            if !resources.is_empty() && resources.iter().all(|r| delivered.contains(r)) {
                continue;
            }
            let actions: Vec<&str> = match s.get("Action") {
                Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
                Some(v) => v.as_str().into_iter().collect(),
                None => Vec::new(),
            };
            for a in actions {
                let Some((svc, _)) = a.split_once(':') else {
                    continue;
                };
                if matches!(svc, "logs" | "ec2" | "xray") {
                    continue;
                }
                let svc = svc.to_ascii_lowercase();
                if !out.contains(&svc) {
                    out.push(svc);
                }
            }
        }
    }
    out
}

fn check_sqs_visibility(
    tree: &Tree<'_>,
    mappings: &[(NodeId, &gs_core::Resource)],
    out: &mut Vec<Diagnostic>,
) {
    for (m, r) in mappings {
        let p = &r.properties;
        let Some(f) = p
            .get("FunctionName")
            .and_then(|v| referenced_function(tree, v))
        else {
            continue;
        };
        let Some(queue) = p
            .get("EventSourceArn")
            .and_then(target)
            .filter(|q| resource(tree, *q, "AWS::SQS::Queue").is_some())
        else {
            continue;
        };
        let (Some(fr), Some(qr)) = (tree.node(f).as_resource(), tree.node(queue).as_resource())
        else {
            continue;
        };
        let timeout = match fr.properties.get("Timeout") {
            None => Some(DEFAULT_FUNCTION_TIMEOUT),
            v => int(v),
        };
        let visibility = match qr.properties.get("VisibilityTimeout") {
            None => Some(DEFAULT_VISIBILITY_TIMEOUT),
            v => int(v),
        };
        if let (Some(t), Some(v)) = (timeout, visibility) {
            if v < t {
                out.push(SQS_VISIBILITY_TIMEOUT.at(
                    *m,
                    tree.path(*m),
                    format!(
                        "{} has a visibility timeout of {v} s, shorter than the {t} s timeout of {}",
                        tree.path(queue),
                        tree.path(f)
                    ),
                ));
            }
        }
    }
}

fn check_package_size(
    tree: &Tree<'_>,
    functions: &[(NodeId, &gs_core::Resource)],
    out: &mut Vec<Diagnostic>,
) {
    let mut assets: HashMap<(NodeId, String), &FileAsset, FastState> = HashMap::default();
    for (n, a) in tree.app().all_attached::<FileAsset>() {
        if tree.contains(n) {
            assets.insert((tree.node(n).stack(), a.object_key()), a);
        }
    }
    if assets.is_empty() {
        return;
    }
    for (f, r) in functions {
        let Some(key) = props::str_at(&r.properties, &["Code", "S3Key"]) else {
            continue;
        };
        let Some(asset) = assets.get(&(tree.node(*f).stack(), key.into_owned())) else {
            continue;
        };
        if asset.unzipped_size > MAX_UNZIPPED {
            out.push(PACKAGE_TOO_LARGE.at(
                *f,
                tree.path(*f),
                format!(
                    "the code from {} holds {} bytes unzipped ({} zipped), over Lambda's 262,144,000",
                    asset.source.display(),
                    asset.unzipped_size,
                    asset.bytes.len()
                ),
            ));
        }
    }
}

fn check_reserved_concurrency(
    tree: &Tree<'_>,
    functions: &[(NodeId, &gs_core::Resource)],
    out: &mut Vec<Diagnostic>,
) {
    type Env<'a> = (Option<&'a str>, Option<&'a str>);
    let mut by_env: Vec<(Env<'_>, Vec<(NodeId, i64)>)> = Vec::new();
    for (f, r) in functions {
        let Some(n) = int(r.properties.get("ReservedConcurrentExecutions")) else {
            continue;
        };
        let env: Env<'_> = match tree.node(tree.node(*f).stack()).kind() {
            NodeKind::Stack(s) => (s.account.as_deref(), s.region.as_deref()),
            _ => (None, None),
        };
        match by_env.iter_mut().find(|(e, _)| *e == env) {
            Some((_, list)) => list.push((*f, n)),
            None => by_env.push((env, vec![(*f, n)])),
        }
    }
    for ((account, region), list) in by_env {
        // Saturating: the numbers are the user's, and i64::MAX twice must not overflow.
        let total = list.iter().fold(0i64, |sum, (_, n)| sum.saturating_add(*n));
        if total <= ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM {
            continue;
        }
        let env = format!(
            "{} / {}",
            account.unwrap_or("the default account"),
            region.unwrap_or("the default Region")
        );
        for (f, n) in &list {
            out.push(RESERVED_CONCURRENCY_OVER_QUOTA.at(
                *f,
                tree.path(*f),
                format!(
                    "reserves {n} concurrent executions; the functions of {env} reserve {total} in all, leaving {} of the default 1,000 where Lambda keeps at least 100",
                    ACCOUNT_CONCURRENCY.saturating_sub(total)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint_service;
    use gs_core::{Pseudo, Value};

    #[test]
    fn endpoint_service_names_are_read_from_literals_subs_and_joins() {
        assert_eq!(
            endpoint_service(&Value::from("com.amazonaws.us-east-1.sqs")).as_deref(),
            Some("sqs")
        );
        assert_eq!(
            endpoint_service(&Value::sub("com.amazonaws.${AWS::Region}.dynamodb")).as_deref(),
            Some("dynamodb")
        );
        let joined = Value::join(
            "",
            [
                Value::from("com.amazonaws."),
                Value::Pseudo(Pseudo::Region),
                Value::from(".secretsmanager"),
            ],
        );
        assert_eq!(endpoint_service(&joined).as_deref(), Some("secretsmanager"));
        assert_eq!(endpoint_service(&Value::from("s3")), None);
    }
}
