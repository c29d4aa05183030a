//! The access log rules, read from the resources (typed or raw): an Application Load Balancer
//! with `access_logs.s3.enabled` whose `access_logs.s3.bucket` is a bucket of the app (by
//! reference, or by its literal `BucketName`) that encrypts with SSE-KMS, or whose bucket policy
//! lets no Elastic Load Balancing principal put objects under `<prefix>/AWSLogs/<account>/`.
//! One scan builds maps; each load balancer is checked against them. Only what can be proven
//! is reported: a statement, principal or resource gs cannot read (an intrinsic it cannot
//! resolve, `NotPrincipal`, a policy document that is not a map) counts as admitting.

use std::borrow::Cow;
use std::collections::HashMap;

use gs_core::{Diagnostic, FastState, NodeId, NodeKind, Pseudo, Rule, Severity, Tree, Value};

use super::access_logs::{elb_account, ELB_ACCOUNTS, LOG_DELIVERY_SERVICE};
use crate::props;

/// The rule `elbv2/access-logs-bucket-kms-encrypted`.
pub const ACCESS_LOGS_BUCKET_KMS_ENCRYPTED: Rule = Rule {
    id: "elbv2/access-logs-bucket-kms-encrypted",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    what: "An Application Load Balancer sends access logs to a bucket of the app whose default encryption is SSE-KMS (`aws:kms` or `aws:kms:dsse`).",
    why: "\"The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)\" (Elastic Load Balancing User Guide, Enable access logs for your Application Load Balancer, bucket requirements): ELB cannot write to the bucket, and no access log is ever delivered.",
    fix: "log to a bucket encrypted with SSE-S3 (`s3::BucketEncryption::S3Managed`, the default of `s3::Bucket`; `SSEAlgorithm: AES256`), e.g. a bucket kept for access logs",
};

/// The rule `elbv2/access-logs-not-deliverable`.
pub const ACCESS_LOGS_NOT_DELIVERABLE: Rule = Rule {
    id: "elbv2/access-logs-not-deliverable",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    what: "An Application Load Balancer sends access logs to a bucket of the app whose bucket policy does not allow `s3:PutObject` on `<prefix>/AWSLogs/<account>/*` to Elastic Load Balancing: the ELB account of the stack's Region (Regions available before August 2022) or `logdelivery.elasticloadbalancing.amazonaws.com`.",
    why: "ELB checks that it may write to the bucket when access logs are turned on, so creating or updating the load balancer fails (\"Access Denied for bucket\"), and the stack rolls back; a policy that stops admitting ELB later stops the delivery without an error anywhere the deployer looks.",
    fix: "turn access logs on with `lb.log_access_logs(app, bucket, prefix)`, which writes the statement and orders the load balancer after the policy; or add the statement to the bucket's `AWS::S3::BucketPolicy` as the Elastic Load Balancing User Guide shows (Enable access logs, Step 2)",
};

/// What the rules need of a bucket.
struct BucketFacts<'t> {
    /// The SSE-KMS algorithm its default encryption names, if any.
    kms: Option<Cow<'t, str>>,
    /// Its literal `BucketName`.
    name: Option<Cow<'t, str>>,
}

/// What the rules need of a load balancer with access logs on.
struct Logging<'t> {
    lb: NodeId,
    bucket: &'t Value,
    /// `None` when the prefix is not a constant.
    prefix: Option<Cow<'t, str>>,
}

/// A bucket's policies: their statements, or `None` when one cannot be read.
type Policies<'t> = Option<Vec<&'t Value>>;

/// Appends the findings of the access log rules.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut buckets: HashMap<NodeId, BucketFacts<'_>, FastState> = HashMap::default();
    let mut policies: Vec<(&Value, Policies<'_>)> = Vec::new();
    let mut logging: Vec<Logging<'_>> = Vec::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let p = &r.properties;
        match &*r.type_name {
            "AWS::S3::Bucket" => {
                let kms = props::at(p, &["BucketEncryption"])
                    .and_then(Value::as_map)
                    .into_iter()
                    .flat_map(|enc| props::maps(enc, "ServerSideEncryptionConfiguration"))
                    .filter_map(|rule| {
                        props::str_at(rule, &["ServerSideEncryptionByDefault", "SSEAlgorithm"])
                    })
                    .find(|a| a.starts_with("aws:kms"));
                let name = props::str_at(p, &["BucketName"]);
                buckets.insert(e, BucketFacts { kms, name });
            }
            "AWS::S3::BucketPolicy" => {
                let Some(bucket) = p.get("Bucket") else {
                    continue;
                };
                let statements = match p.get("PolicyDocument") {
                    Some(Value::Map(doc)) => match doc.get("Statement") {
                        Some(Value::List(items)) => Some(items.iter().collect()),
                        Some(one @ Value::Map(_)) => Some(vec![one]),
                        _ => None,
                    },
                    _ => None,
                };
                policies.push((bucket, statements));
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                let application = p
                    .get("Type")
                    .map_or(true, |t| t.literal_str().as_deref() == Some("application"));
                if !application {
                    continue;
                }
                let mut enabled = false;
                let mut bucket = None;
                let mut prefix = Some(Cow::Borrowed(""));
                for a in props::maps(p, "LoadBalancerAttributes") {
                    let Some(key) = props::str_at(a, &["Key"]) else {
                        continue;
                    };
                    let value = a.get("Value");
                    match &*key {
                        "access_logs.s3.enabled" => {
                            enabled = value
                                .and_then(Value::literal_str)
                                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
                        }
                        "access_logs.s3.bucket" => bucket = value,
                        "access_logs.s3.prefix" => prefix = value.and_then(Value::literal_str),
                        _ => {}
                    }
                }
                if let (true, Some(bucket)) = (enabled, bucket) {
                    logging.push(Logging {
                        lb: e,
                        bucket,
                        prefix,
                    });
                }
            }
            _ => {}
        }
    }
    if logging.is_empty() {
        return;
    }
    let by_name: HashMap<&str, NodeId, FastState> = buckets
        .iter()
        .filter_map(|(n, b)| b.name.as_deref().map(|name| (name, *n)))
        .collect();
    let bucket_of = |v: &Value| -> Option<NodeId> {
        match v.as_reference() {
            Some(n) => buckets.contains_key(&n).then_some(n),
            None => by_name.get(v.literal_str()?.as_ref()).copied(),
        }
    };
    // By bucket: its policies' statements (`None`: one cannot be read).
    let mut statements: HashMap<NodeId, Policies<'_>, FastState> = HashMap::default();
    for (bucket, found) in policies {
        let Some(b) = bucket_of(bucket) else { continue };
        let entry = statements.entry(b).or_insert_with(|| Some(Vec::new()));
        match (entry.as_mut(), found) {
            (Some(all), Some(found)) => all.extend(found),
            _ => *entry = None,
        }
    }
    for l in &logging {
        let Some(b) = bucket_of(l.bucket) else {
            continue;
        };
        let Some(facts) = buckets.get(&b) else {
            continue;
        };
        if let Some(algorithm) = &facts.kms {
            out.push(ACCESS_LOGS_BUCKET_KMS_ENCRYPTED.at(
                l.lb,
                tree.path(l.lb),
                format!(
                    "the load balancer sends access logs to {}, which encrypts with SSE-KMS (`{algorithm}`); ALB access logs support only SSE-S3",
                    tree.path(b)
                ),
            ));
        }
        let Some(prefix) = &l.prefix else { continue };
        let env = Env::of(tree, l.lb);
        let keys = if prefix.is_empty() {
            "AWSLogs/".to_owned()
        } else {
            format!("{prefix}/AWSLogs/")
        };
        let target = Target {
            bucket: b,
            name: facts.name.as_deref(),
            keys: &keys,
            env: &env,
        };
        let problem = match statements.get(&b) {
            Some(None) => None,
            None => Some("the bucket has no bucket policy".to_owned()),
            Some(Some(list)) if list.iter().any(|s| target.admitted_by(s)) => None,
            Some(Some(_)) => Some(format!(
                "no statement of its bucket policy allows `s3:PutObject` on `{keys}{}/*` to {}",
                env.account.as_deref().unwrap_or("<account>"),
                env.principal_description()
            )),
        };
        if let Some(problem) = problem {
            out.push(ACCESS_LOGS_NOT_DELIVERABLE.at(
                l.lb,
                tree.path(l.lb),
                format!(
                    "the load balancer sends access logs to {} under `{keys}`, but {problem}",
                    tree.path(b)
                ),
            ));
        }
    }
}

/// The Region and account of a load balancer's stack.
struct Env {
    region: Option<String>,
    account: Option<String>,
}

impl Env {
    fn of(tree: &Tree<'_>, node: NodeId) -> Env {
        match tree.node(tree.node(node).stack()).kind() {
            NodeKind::Stack(s) => Env {
                region: s.region.clone(),
                account: s.account.clone(),
            },
            _ => Env {
                region: None,
                account: None,
            },
        }
    }

    /// Whether the ELB account `id` may deliver here: the Region's account, or any ELB account
    /// when the Region is unknown.
    fn admits_account(&self, id: &str) -> bool {
        match &self.region {
            Some(r) => elb_account(r) == Some(id),
            None => ELB_ACCOUNTS.iter().any(|(_, a)| *a == id),
        }
    }

    fn principal_description(&self) -> String {
        match self.region.as_deref().map(|r| (r, elb_account(r))) {
            Some((r, Some(a))) => format!("the Elastic Load Balancing account of {r} ({a})"),
            Some((_, None)) => format!("`{LOG_DELIVERY_SERVICE}`"),
            None => format!(
                "Elastic Load Balancing (the ELB account of the Region, or `{LOG_DELIVERY_SERVICE}`)"
            ),
        }
    }
}

/// Where ELB writes: the objects `<keys><account>/…` of one bucket.
struct Target<'a> {
    bucket: NodeId,
    name: Option<&'a str>,
    keys: &'a str,
    env: &'a Env,
}

/// Stands for any text in a flattened pattern: a wildcard or a value gs cannot resolve.
const ANY: char = '\u{E000}';
/// Stands for text that matches nothing: a reference to another resource.
const NONE: char = '\u{E001}';
/// Stands for the name of the target bucket when it has no literal name.
const THIS_BUCKET: char = '\u{E002}';

impl Target<'_> {
    fn admitted_by(&self, statement: &Value) -> bool {
        let s = match statement {
            Value::Map(s) => s,
            Value::If(_, a, b) => return self.admitted_by(a) || self.admitted_by(b),
            // An intrinsic gs cannot read: taken as admitting.
            _ => return true,
        };
        if ["NotPrincipal", "NotAction", "NotResource"]
            .iter()
            .any(|k| s.get(k).is_some())
        {
            return true;
        }
        props::str_is(s, &["Effect"], "Allow")
            && any_item(s.get("Action"), &|a| match a.literal_str() {
                Some(a) => glob(
                    &a.to_ascii_lowercase().replace('*', &ANY.to_string()),
                    "s3:putobject",
                ),
                None => true,
            })
            && s.get("Principal").is_some_and(|p| self.principal_admits(p))
            && any_item(s.get("Resource"), &|r| self.resource_admits(r))
    }

    fn principal_admits(&self, p: &Value) -> bool {
        match p {
            Value::String(s) => s == "*",
            Value::If(_, a, b) => self.principal_admits(a) || self.principal_admits(b),
            Value::Map(m) => {
                any_item(m.get("Service"), &|s| match s.literal_str() {
                    Some(s) => s == LOG_DELIVERY_SERVICE,
                    None => true,
                }) || any_item(m.get("AWS"), &|a| match flatten(a, self).as_deref() {
                    Some(a) if a.contains(ANY) => true,
                    Some(a) => {
                        a == "*" || account_of(a).is_some_and(|id| self.env.admits_account(id))
                    }
                    None => true,
                })
            }
            _ => true,
        }
    }

    fn resource_admits(&self, r: &Value) -> bool {
        let Some(pattern) = flatten(r, self) else {
            return true;
        };
        let pattern = normalize_partition(&pattern);
        let name: Cow<'_, str> = match self.name {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(THIS_BUCKET.to_string()),
        };
        // The account ELB writes under; when the stack's is unknown, any the pattern names.
        let account = match &self.env.account {
            Some(a) => a.clone(),
            None => pattern
                .split_once("AWSLogs/")
                .map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect())
                .filter(|a: &String| a.len() == 12)
                .unwrap_or_else(|| "000000000000".to_owned()),
        };
        let region = self.env.region.as_deref().unwrap_or("us-east-1");
        let object = format!(
            "arn:aws:s3:::{name}/{}{account}/elasticloadbalancing/{region}/2024/01/01/log.gz",
            self.keys
        );
        glob(&pattern.replace('*', &ANY.to_string()), &object)
    }
}

/// Whether `f` holds for `v` or one item of the list `v`; an absent value holds for nothing.
fn any_item(v: Option<&Value>, f: &dyn Fn(&Value) -> bool) -> bool {
    match v {
        Some(Value::List(items)) => items.iter().any(f),
        Some(v) => f(v),
        None => false,
    }
}

/// The text of a value, with [`ANY`] for parts that are unknown at synthesis and [`NONE`] for
/// references to other resources; `None` when the value has a shape gs does not read.
fn flatten(v: &Value, t: &Target<'_>) -> Option<String> {
    Some(match v {
        Value::String(s) => s.clone(),
        Value::Join(sep, parts) => {
            let parts: Option<Vec<String>> = parts.iter().map(|p| flatten(p, t)).collect();
            parts?.join(sep)
        }
        Value::Ref(n) if *n == t.bucket => t.name.map_or(THIS_BUCKET.to_string(), str::to_owned),
        Value::GetAtt(n, attr) if *n == t.bucket && attr == "Arn" => format!(
            "arn:aws:s3:::{}",
            t.name.map_or(THIS_BUCKET.to_string(), str::to_owned)
        ),
        Value::Ref(_) | Value::GetAtt(..) => NONE.to_string(),
        Value::Pseudo(Pseudo::Partition) => "aws".to_owned(),
        Value::Pseudo(Pseudo::AccountId) => t.env.account.clone().unwrap_or(ANY.to_string()),
        Value::Pseudo(Pseudo::Region) => t.env.region.clone().unwrap_or(ANY.to_string()),
        Value::Map(_) | Value::List(_) => return None,
        _ => ANY.to_string(),
    })
}

/// `arn:<partition>:…` with the partition written `aws`, so a literal ARN of another
/// partition compares with the flattened `AWS::Partition`.
fn normalize_partition(pattern: &str) -> Cow<'_, str> {
    match pattern.strip_prefix("arn:").and_then(|r| r.split_once(':')) {
        Some((partition, rest)) if partition.starts_with("aws") && !partition.contains(ANY) => {
            Cow::Owned(format!("arn:aws:{rest}"))
        }
        _ => Cow::Borrowed(pattern),
    }
}

/// The account of an AWS principal: an account id, or an IAM ARN (`arn:…:iam::<id>:…`).
fn account_of(principal: &str) -> Option<&str> {
    let id = match principal.split_once(":iam::") {
        Some((_, rest)) => rest.split(':').next()?,
        None => principal,
    };
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// Whether `text` matches `pattern`, where [`ANY`] matches any run of characters and `?` one
/// known character (not [`NONE`]).
fn glob(pattern: &str, text: &str) -> bool {
    crate::wildcard::matches(pattern, text, ANY, |c| c != NONE)
}

#[cfg(test)]
mod tests {
    use super::{account_of, glob, ANY};

    #[test]
    fn glob_matches_wildcards_and_unknown_parts() {
        let any = ANY.to_string();
        assert!(glob(
            &format!("arn:aws:s3:::b/{any}"),
            "arn:aws:s3:::b/AWSLogs/1/x"
        ));
        assert!(glob(&format!("{any}AWSLogs/{any}/x"), "p/AWSLogs/123/x"));
        assert!(!glob(
            "arn:aws:s3:::b/old/AWSLogs/",
            "arn:aws:s3:::b/new/AWSLogs/"
        ));
        assert!(!glob("abc", "abcd"));
        assert!(glob("abc", "abc"));
    }

    #[test]
    fn an_aws_principal_names_its_account() {
        assert_eq!(
            account_of("arn:aws:iam::127311923021:root"),
            Some("127311923021")
        );
        assert_eq!(account_of("127311923021"), Some("127311923021"));
        assert_eq!(account_of("arn:aws:iam::12:root"), None);
    }
}
