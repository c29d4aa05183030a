//! [`ApplicationLoadBalancer::log_access_logs`]: access logs to an S3 bucket of the app, with
//! the bucket policy statement that lets Elastic Load Balancing deliver them, as CDK's
//! `BaseLoadBalancer.logAccessLogs` writes it.
//!
//! Who delivers depends on the Region ("Enable access logs for your Application Load
//! Balancer", Step 2, Elastic Load Balancing User Guide): in Regions available before August
//! 2022, an Elastic Load Balancing account of that Region (`arn:aws:iam::<elb-account-id>:root`);
//! in Regions available since, the service principal
//! `logdelivery.elasticloadbalancing.amazonaws.com`. The accounts are [`ELB_ACCOUNTS`], the table
//! of aws-cdk-lib's region-info (`ELBV2_ACCOUNTS`).
//!
//! **The Region unknown at synthesis** (an environment-agnostic stack): CDK refuses
//! ("Region is required to enable ELBv2 access logging"). gs writes a template that works in
//! every Region instead, because environment-agnostic stacks are gs's default: the stack gets
//! the mapping `ElbAccessLogsAccounts` (Region to ELB account) and the condition
//! `ElbAccessLogsAccountRegion` (the stack's Region is one of them), and the statement's
//! principal is `Fn::If` of that condition: the account (`Fn::FindInMap`) or the service
//! principal. `Fn::FindInMap` alone would fail the deployment in a newer Region, which the
//! mapping has no key for; the condition keeps it out of those Regions. Both are declared once
//! per stack and shared by its load balancers.
//!
//! The statement allows only `s3:PutObject` on `<bucket>/<prefix>/AWSLogs/<account>/*`, the
//! keys ELB writes. CDK adds two statements for `delivery.logs.amazonaws.com` as well (used by
//! Network Load Balancer TLS logs); an Application Load Balancer needs neither, so gs leaves
//! them out (least privilege).

use gs_core::{App, NodeId, NodeKind, Pseudo, Value, ValueMap};

use super::load_balancer::ApplicationLoadBalancer;
use crate::error::{ConstructError, Result};
use crate::iam::PolicyStatement;
use crate::s3::{Bucket, Principal};

/// The service principal that delivers access logs in Regions available since August 2022.
pub const LOG_DELIVERY_SERVICE: &str = "logdelivery.elasticloadbalancing.amazonaws.com";

/// The Elastic Load Balancing account of each Region available before August 2022, which a
/// bucket policy must let write access logs there (aws-cdk-lib region-info `ELBV2_ACCOUNTS`,
/// from the Elastic Load Balancing User Guide). Sorted by Region.
pub const ELB_ACCOUNTS: &[(&str, &str)] = &[
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-iso-east-1", "770363063475"),
    ("us-iso-west-1", "121062877647"),
    ("us-isob-east-1", "740734521339"),
    ("us-isof-east-1", "091100254016"),
    ("us-isof-south-1", "412137745753"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

/// The Elastic Load Balancing account that delivers access logs in `region`; `None` for a
/// Region available since August 2022, where [`LOG_DELIVERY_SERVICE`] does.
///
/// ```
/// use gs_constructs::elbv2::elb_account;
/// assert_eq!(elb_account("us-east-1"), Some("127311923021"));
/// assert_eq!(elb_account("ap-southeast-5"), None);
/// ```
pub fn elb_account(region: &str) -> Option<&'static str> {
    ELB_ACCOUNTS
        .binary_search_by(|(r, _)| (*r).cmp(region))
        .ok()
        .and_then(|i| ELB_ACCOUNTS.get(i))
        .map(|(_, a)| *a)
}

/// The stack mapping of Region to ELB account, for a stack whose Region is unknown.
pub(crate) const MAPPING: &str = "ElbAccessLogsAccounts";
/// The stack condition "the Region is in [`MAPPING`]".
pub(crate) const CONDITION: &str = "ElbAccessLogsAccountRegion";

const ATTR_ENABLED: &str = "access_logs.s3.enabled";
const ATTR_BUCKET: &str = "access_logs.s3.bucket";
const ATTR_PREFIX: &str = "access_logs.s3.prefix";

impl ApplicationLoadBalancer {
    /// Sends the load balancer's access logs to `bucket`, under `prefix` (`None`: the root):
    /// sets `access_logs.s3.enabled`, `access_logs.s3.bucket` and `access_logs.s3.prefix`,
    /// lets Elastic Load Balancing write `<prefix>/AWSLogs/<account>/*` in the bucket's policy
    /// (see the module docs for the principal by Region), and creates the load balancer after
    /// that policy, since ELB checks at creation that it may write there.
    ///
    /// Refused, with the tree left as it was: a bucket of another app; a bucket encrypted with
    /// SSE-KMS (ALB access logs support only SSE-S3); a bucket in another Region than the load
    /// balancer; a prefix starting with `/` or containing `AWSLogs`. A second call replaces the
    /// attributes.
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// let mut app = App::new();
    /// let stack = app.stack("Web", StackProps { region: Some("eu-west-1".into()), ..Default::default() })?;
    /// let mut s = app.at(stack)?;
    /// let vpc = ec2::Vpc::new(&mut s, "Vpc", Default::default())?;
    /// let lb = elbv2::ApplicationLoadBalancer::new(&mut s, "LB", vpc, Default::default())?;
    /// let logs = s3::Bucket::new(&mut s, "AccessLogs", Default::default())?;
    /// lb.log_access_logs(&mut s, logs, Some("web"))?;
    /// assert_eq!(logs.policy_statements(s.app()).len(), 2); // TLS only, and ELB's
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn log_access_logs(
        &self,
        app: &mut impl AsMut<App>,
        bucket: Bucket,
        prefix: Option<&str>,
    ) -> Result<()> {
        app.as_mut()
            .atomically(|app| build(app, *self, bucket, prefix.unwrap_or("")))
    }
}

fn build(app: &mut App, lb: ApplicationLoadBalancer, bucket: Bucket, prefix: &str) -> Result<()> {
    let path = app.path(lb.node)?;
    let foreign = [bucket.node, bucket.resource.node(), bucket.policy]
        .iter()
        .any(|n| app.node(*n).is_err());
    if foreign {
        return Err(ConstructError::invalid(
            path,
            "the access log bucket is a construct of another App",
            "create the bucket in this App (`s3::Bucket::new` in one of its stacks) and pass that handle",
        ));
    }
    let bucket_path = app.path(bucket.node)?;
    let type_of = |n: NodeId| {
        app.node(n)
            .ok()
            .and_then(|n| n.as_resource())
            .map(|r| r.type_name.to_string())
    };
    if type_of(bucket.resource.node()).as_deref() != Some("AWS::S3::Bucket")
        || type_of(bucket.policy).as_deref() != Some("AWS::S3::BucketPolicy")
    {
        return Err(ConstructError::invalid(
            path,
            format!("{bucket_path} is not a bucket built by `s3::Bucket::new`"),
            "pass the handle `s3::Bucket::new` returned",
        ));
    }
    if bucket.key.is_some() {
        return Err(ConstructError::invalid(
            path,
            format!("the access log bucket {bucket_path} is encrypted with SSE-KMS; Application Load Balancer access logs support only SSE-S3, so every delivery would fail"),
            "give the log bucket `encryption: s3::BucketEncryption::S3Managed` (the default), or log to another bucket",
        ));
    }
    check_prefix(&path, prefix)?;
    let lb_env = env_of(app, lb.node);
    let bucket_env = env_of(app, bucket.node);
    if let (Some(a), Some(b)) = (&lb_env.region, &bucket_env.region) {
        if a != b {
            return Err(ConstructError::invalid(
                path,
                format!("the access log bucket {bucket_path} is in {b}, the load balancer in {a}; ELB delivers only to a bucket in its own Region"),
                "log to a bucket in a stack of the load balancer's Region",
            ));
        }
    }
    let principal = match lb_env.region.as_deref().or(bucket_env.region.as_deref()) {
        Some(region) => match elb_account(region) {
            Some(account) => Principal::Account(account.into()),
            None => Principal::Service(LOG_DELIVERY_SERVICE.into()),
        },
        None => {
            // The statement goes in the bucket's stack: its Region decides.
            declare_region_choice(app, bucket.node)?;
            Principal::If {
                condition: CONDITION.into(),
                then: Box::new(Principal::Account(Value::FindInMap(
                    MAPPING.into(),
                    Box::new(Value::Pseudo(Pseudo::Region)),
                    Box::new(Value::from("Account")),
                ))),
                otherwise: Box::new(Principal::Service(LOG_DELIVERY_SERVICE.into())),
            }
        }
    };
    let keys = if prefix.is_empty() {
        "/AWSLogs/".to_owned()
    } else {
        format!("/{prefix}/AWSLogs/")
    };
    let objects = match lb_env.account {
        Some(account) => Value::join(
            "",
            [bucket.arn(), Value::from(format!("{keys}{account}/*"))],
        ),
        None => Value::join(
            "",
            [
                bucket.arn(),
                Value::from(keys),
                Value::Pseudo(Pseudo::AccountId),
                Value::from("/*"),
            ],
        ),
    };
    bucket.add_to_resource_policy(
        app,
        principal,
        PolicyStatement::allow(["s3:PutObject"], [objects]),
    )?;
    set_attributes(
        app,
        &lb,
        &path,
        [
            (ATTR_ENABLED, Value::from("true")),
            (ATTR_BUCKET, bucket.bucket_name()),
            (ATTR_PREFIX, Value::from(prefix)),
        ],
    )?;
    app.add_dependency(
        lb.resource,
        bucket.policy,
        "ELB checks at creation that it may write access logs to the bucket, so the bucket policy must exist first",
    )?;
    Ok(())
}

/// ELB's rules for an access log prefix.
fn check_prefix(path: &str, prefix: &str) -> Result<()> {
    let problem = if prefix.starts_with('/') {
        Some("starts with `/`")
    } else if prefix.contains("AWSLogs") {
        Some("contains `AWSLogs`, which ELB adds itself")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(ConstructError::invalid(
            path,
            format!("the access log prefix `{prefix}` {p}; ELB refuses it"),
            "give a prefix such as `web/prod`: no leading `/` and no `AWSLogs` (ELB writes `<prefix>/AWSLogs/<account>/…`), or None for the bucket's root",
        )),
    }
}

/// The Region and account of the stack of `node`.
#[derive(Default)]
struct Env {
    region: Option<String>,
    account: Option<String>,
}

fn env_of(app: &App, node: NodeId) -> Env {
    let Ok(stack) = app.node(node).map(|n| n.stack()) else {
        return Env::default();
    };
    match app.node(stack).map(|n| n.kind()) {
        Ok(NodeKind::Stack(s)) => Env {
            region: s.region.clone(),
            account: s.account.clone(),
        },
        _ => Env::default(),
    }
}

/// Declares [`MAPPING`] and [`CONDITION`] on the stack of `node`, unless an earlier call did.
fn declare_region_choice(app: &mut App, node: NodeId) -> Result<()> {
    let mapping: ValueMap = ELB_ACCOUNTS
        .iter()
        .map(|(region, account)| {
            (
                region.to_string(),
                Value::from(ValueMap::with_capacity(1).with("Account", *account)),
            )
        })
        .collect();
    let condition = region_in_mapping();
    let stack = app.node(node)?.stack();
    let (has_mapping, has_condition) = match app.node(stack)?.kind() {
        NodeKind::Stack(s) => (
            s.mappings
                .get(MAPPING)
                .map(|m| m == &Value::from(mapping.clone())),
            s.conditions.get(CONDITION).map(|c| c == &condition),
        ),
        _ => (None, None),
    };
    let stack_path = app.path(stack)?;
    for (name, same) in [(MAPPING, has_mapping), (CONDITION, has_condition)] {
        if same == Some(false) {
            return Err(ConstructError::invalid(
                stack_path,
                format!("the stack declares `{name}` already, with other content than the ELB access log accounts"),
                format!("rename your `{name}`: gs declares it for access logs in a stack whose Region is unknown (or give the stack a Region)"),
            ));
        }
    }
    if has_mapping.is_none() {
        app.add_mapping(stack, MAPPING, mapping)?;
    }
    if has_condition.is_none() {
        app.add_condition(stack, CONDITION, condition)?;
    }
    Ok(())
}

/// `Fn::Or` of `Fn::Equals(AWS::Region, r)` for each Region of [`ELB_ACCOUNTS`], nested since
/// `Fn::Or` takes 2 to 10 conditions.
fn region_in_mapping() -> Value {
    let equals: Vec<Value> = ELB_ACCOUNTS
        .iter()
        .map(|(region, _)| {
            Value::Equals(
                Box::new(Value::Pseudo(Pseudo::Region)),
                Box::new(Value::from(*region)),
            )
        })
        .collect();
    let mut groups: Vec<Value> = equals
        .chunks(10)
        .map(|c| match c {
            [one] => one.clone(),
            many => Value::Or(many.to_vec()),
        })
        .collect();
    match groups.len() {
        1 => groups.pop().unwrap_or(Value::Null),
        _ => Value::Or(groups),
    }
}

/// Sets (or replaces) load balancer attributes on the resource.
fn set_attributes<const N: usize>(
    app: &mut App,
    lb: &ApplicationLoadBalancer,
    path: &str,
    pairs: [(&'static str, Value); N],
) -> Result<()> {
    // Only the attribute list is copied and replaced (set_property journals the list it
    // replaces), not the whole load balancer resource.
    let current = app
        .node(lb.resource)?
        .as_resource()
        .and_then(|r| r.properties.get("LoadBalancerAttributes"));
    let mut attrs =
        match current {
            None => Vec::with_capacity(N),
            Some(Value::List(attrs)) => attrs.clone(),
            Some(_) => return Err(ConstructError::invalid(
                path,
                "`LoadBalancerAttributes` is not a list (it was replaced through the escape hatch)",
                "keep `LoadBalancerAttributes` a list of `{Key, Value}` maps",
            )),
        };
    for (key, value) in pairs {
        let existing = attrs.iter_mut().find_map(|a| match a {
            Value::Map(m) if m.get("Key").and_then(Value::as_str) == Some(key) => Some(m),
            _ => None,
        });
        match existing {
            Some(m) => m.insert("Value", value),
            None => attrs.push(
                ValueMap::with_capacity(2)
                    .with("Key", key)
                    .with("Value", value)
                    .into(),
            ),
        }
    }
    app.set_property(lb.resource, "LoadBalancerAttributes", Value::List(attrs))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{elb_account, region_in_mapping, ELB_ACCOUNTS};
    use gs_core::Value;

    #[test]
    fn the_elb_account_table_is_sorted_so_lookups_find_every_region() {
        assert!(ELB_ACCOUNTS.windows(2).all(|w| w[0].0 < w[1].0));
        for (region, account) in ELB_ACCOUNTS {
            assert_eq!(elb_account(region), Some(*account));
        }
    }

    #[test]
    fn the_region_condition_nests_or_within_its_limit_of_ten() {
        fn check(v: &Value) -> usize {
            match v {
                Value::Or(items) => {
                    assert!((2..=10).contains(&items.len()), "{}", items.len());
                    items.iter().map(check).sum()
                }
                Value::Equals(..) => 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(check(&region_in_mapping()), ELB_ACCOUNTS.len());
    }
}
