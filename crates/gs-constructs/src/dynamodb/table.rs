//! [`Table`]: a DynamoDB table, or a global table when it has replicas.

use gs_core::{App, NodeId, Pseudo, RemovalPolicy, Scope, Value};
use gs_l1::dynamodb::{
    global_table as gt, table as t, CfnGlobalTable, CfnGlobalTableProps, CfnTable, CfnTableProps,
};
use gs_l1::{Cfn, IntoValue};

use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role};
use crate::kms::Key;

/// The type of a key attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeType {
    /// A string (`S`).
    String,
    /// A number (`N`).
    Number,
    /// Binary data (`B`).
    Binary,
}

impl AttributeType {
    fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
        }
    }
}

/// A key attribute: a name and a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute name (1 to 255 bytes).
    pub name: String,
    /// Its type.
    pub kind: AttributeType,
}

impl Attribute {
    /// A string attribute.
    pub fn string(name: &str) -> Attribute {
        Attribute {
            name: name.into(),
            kind: AttributeType::String,
        }
    }
    /// A number attribute.
    pub fn number(name: &str) -> Attribute {
        Attribute {
            name: name.into(),
            kind: AttributeType::Number,
        }
    }
    /// A binary attribute.
    pub fn binary(name: &str) -> Attribute {
        Attribute {
            name: name.into(),
            kind: AttributeType::Binary,
        }
    }
}

/// How the table's capacity is billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Billing {
    /// Pay per request (`PAY_PER_REQUEST`): no capacity to plan. The default (CDK's is
    /// provisioned 5/5).
    #[default]
    OnDemand,
    /// Provisioned read and write capacity units (the indexes get the same).
    Provisioned {
        /// Read capacity units (at least 1).
        read: u32,
        /// Write capacity units (at least 1).
        write: u32,
    },
}

/// What a stream record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamViewType {
    /// The key attributes only.
    KeysOnly,
    /// The item after the change.
    NewImage,
    /// The item before the change.
    OldImage,
    /// Both.
    NewAndOldImages,
}

impl StreamViewType {
    fn code(self) -> &'static str {
        match self {
            StreamViewType::KeysOnly => "KEYS_ONLY",
            StreamViewType::NewImage => "NEW_IMAGE",
            StreamViewType::OldImage => "OLD_IMAGE",
            StreamViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }
}

/// Which attributes an index copies.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Projection {
    /// Every attribute.
    #[default]
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes (at most 100).
    Include(Vec<String>),
}

/// A global secondary index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalSecondaryIndex {
    /// The index name (3 to 255 of `[a-zA-Z0-9_.-]`).
    pub name: String,
    /// Its partition key.
    pub partition_key: Attribute,
    /// Its sort key.
    pub sort_key: Option<Attribute>,
    /// The attributes it copies.
    pub projection: Projection,
}

/// How the table is encrypted at rest. DynamoDB always encrypts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TableEncryption {
    /// A key owned by DynamoDB (no charge, no key to manage). The default, as in DynamoDB and
    /// CDK.
    #[default]
    AwsOwned,
    /// The AWS managed key `alias/aws/dynamodb` (its use is logged in CloudTrail).
    AwsManaged,
    /// A customer managed key (readers need `kms:Decrypt`, writers more: the grants add them).
    /// Not for a table with replicas: a key is Regional.
    Kms(Key),
}

/// Settings of a [`Table`].
#[derive(Clone, Debug)]
pub struct TableProps {
    /// The table's name (3 to 255 of `[a-zA-Z0-9_.-]`); `None` lets CloudFormation name it.
    pub table_name: Option<String>,
    /// The sort key.
    pub sort_key: Option<Attribute>,
    /// On-demand (the default) or provisioned.
    pub billing: Billing,
    /// Point-in-time recovery: restore to any second of the last 35 days (into a new table).
    /// On by default (CDK: off).
    pub point_in_time_recovery: bool,
    /// A stream of item changes (needed by a Lambda event source); with replicas the stream is
    /// `NewAndOldImages`, which global tables require.
    pub stream: Option<StreamViewType>,
    /// Global secondary indexes (at most 20).
    pub global_secondary_indexes: Vec<GlobalSecondaryIndex>,
    /// Other Regions holding a replica: the table becomes an `AWS::DynamoDB::GlobalTable`
    /// with a replica in the stack's Region and one in each of these, each with the table's
    /// point-in-time recovery setting.
    pub replica_regions: Vec<String>,
    /// The attribute holding each item's expiry time (epoch seconds), for time to live.
    pub time_to_live_attribute: Option<String>,
    /// Encryption at rest.
    pub encryption: TableEncryption,
    /// What happens to the table when it leaves the stack: retained by default (as CDK).
    pub removal_policy: RemovalPolicy,
}

impl Default for TableProps {
    fn default() -> Self {
        TableProps {
            table_name: None,
            sort_key: None,
            billing: Billing::OnDemand,
            point_in_time_recovery: true,
            stream: None,
            global_secondary_indexes: Vec::new(),
            replica_regions: Vec::new(),
            time_to_live_attribute: None,
            encryption: TableEncryption::AwsOwned,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// The resource a [`Table`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableResource {
    /// `AWS::DynamoDB::Table` (no replicas).
    Table(CfnTable),
    /// `AWS::DynamoDB::GlobalTable` (replicas in other Regions).
    Global(CfnGlobalTable),
}

impl TableResource {
    /// The resource's node.
    pub fn node(self) -> NodeId {
        match self {
            TableResource::Table(t) => t.node(),
            TableResource::Global(g) => g.node(),
        }
    }
}

/// What the app keeps of a table for passes: attached to the table's group node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// The resource.
    pub resource: NodeId,
    /// Point-in-time recovery on.
    pub point_in_time_recovery: bool,
    /// The stream, if any.
    pub stream: Option<StreamViewType>,
    /// The replica Regions besides the stack's.
    pub replica_regions: Vec<String>,
    /// The indexes' names.
    pub index_names: Vec<String>,
}

/// A DynamoDB table.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::dynamodb::{Attribute, StreamViewType, Table, TableProps};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let orders = Table::new(&mut s, "Orders", Attribute::string("pk"), TableProps {
///     sort_key: Some(Attribute::number("created")),
///     stream: Some(StreamViewType::NewImage),
///     ..Default::default()
/// })?;
/// assert!(orders.stream_arn().is_some());
/// let plain = Table::new(&mut s, "Sessions", Attribute::string("id"), Default::default())?;
/// assert!(plain.stream_arn().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    /// The group node.
    pub node: NodeId,
    /// The resource.
    pub resource: TableResource,
    /// The customer managed key, when there is one.
    pub key: Option<Key>,
    /// The stream, if any.
    pub stream: Option<StreamViewType>,
    /// Whether the table has global secondary indexes (grants then cover `<arn>/index/*`).
    pub has_indexes: bool,
}

fn invalid_name(what: &str, name: &str) -> Option<String> {
    if !(3..=255).contains(&name.len()) {
        return Some(format!(
            "the {what} `{name}` is {} characters, not 3 to 255",
            name.len()
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_.-".contains(*c)))
        .map(|c| format!("the {what} `{name}` contains `{c}`; only letters, digits, `_`, `.` and `-` are allowed"))
}

/// Region names as gs-core checks a stack's: one rule for every place a Region is named.
fn looks_like_region(s: &str) -> bool {
    gs_core::app::is_region_name(s)
}

/// The key schema: partition key, then sort key.
fn key_schema(pk: &Attribute, sk: Option<&Attribute>) -> Vec<(String, &'static str)> {
    let mut keys = vec![(pk.name.clone(), "HASH")];
    if let Some(sk) = sk {
        keys.push((sk.name.clone(), "RANGE"));
    }
    keys
}

impl Table {
    /// A table keyed by `partition_key`.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        partition_key: Attribute,
        props: TableProps,
    ) -> Result<Table> {
        scope.atomically(|scope| Self::build(scope, id, partition_key, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        partition_key: Attribute,
        props: TableProps,
    ) -> Result<Table> {
        let path = scope.child_path(id);
        let bad = |message: String, fix: &str| ConstructError::invalid(path.clone(), message, fix);
        if let Some(reason) = props
            .table_name
            .as_deref()
            .and_then(|n| invalid_name("table name", n))
        {
            return Err(bad(reason, "use 3 to 255 letters, digits, `_`, `.` or `-`"));
        }
        // Every key attribute, of the table and of its indexes, once, with one type.
        let mut attributes: Vec<&Attribute> = Vec::new();
        let mut keys: Vec<&Attribute> = vec![&partition_key];
        keys.extend(props.sort_key.as_ref());
        for gsi in &props.global_secondary_indexes {
            keys.push(&gsi.partition_key);
            keys.extend(gsi.sort_key.as_ref());
        }
        for a in keys {
            if a.name.is_empty() || a.name.len() > 255 {
                return Err(bad(
                    format!(
                        "the key attribute name `{}` is {} bytes, not 1 to 255",
                        a.name,
                        a.name.len()
                    ),
                    "name key attributes with 1 to 255 bytes",
                ));
            }
            match attributes.iter().find(|b| b.name == a.name) {
                Some(b) if b.kind != a.kind => {
                    return Err(bad(
                        format!(
                            "the key attribute `{}` is both {:?} and {:?}",
                            a.name, b.kind, a.kind
                        ),
                        "give an attribute one type in every key that uses it",
                    ))
                }
                Some(_) => {}
                None => attributes.push(a),
            }
        }
        if props
            .sort_key
            .as_ref()
            .is_some_and(|s| s.name == partition_key.name)
        {
            return Err(bad(
                format!(
                    "`{}` is both the partition key and the sort key",
                    partition_key.name
                ),
                "use two different attributes",
            ));
        }
        if props.global_secondary_indexes.len() > 20 {
            return Err(bad(
                format!(
                    "{} global secondary indexes, more than the 20 DynamoDB allows",
                    props.global_secondary_indexes.len()
                ),
                "keep at most 20 indexes",
            ));
        }
        for (i, gsi) in props.global_secondary_indexes.iter().enumerate() {
            if let Some(reason) = invalid_name("index name", &gsi.name) {
                return Err(bad(reason, "use 3 to 255 letters, digits, `_`, `.` or `-`"));
            }
            if props.global_secondary_indexes[..i]
                .iter()
                .any(|g| g.name == gsi.name)
            {
                return Err(bad(
                    format!("two indexes are named `{}`", gsi.name),
                    "give each index its own name",
                ));
            }
            if let Projection::Include(attrs) = &gsi.projection {
                if attrs.is_empty() || attrs.len() > 100 {
                    return Err(bad(
                        format!(
                            "the index `{}` projects {} attributes, not 1 to 100",
                            gsi.name,
                            attrs.len()
                        ),
                        "project 1 to 100 attributes, or use Projection::All or KeysOnly",
                    ));
                }
            }
        }
        if let Billing::Provisioned { read, write } = props.billing {
            if read == 0 || write == 0 {
                return Err(bad(
                    format!("provisioned capacity is {read} read / {write} write units"),
                    "give at least 1 read and 1 write unit, or use Billing::OnDemand",
                ));
            }
        }
        let home = match scope.app().node(scope.stack())?.kind() {
            gs_core::NodeKind::Stack(s) => s.region.clone(),
            _ => None,
        };
        for (i, r) in props.replica_regions.iter().enumerate() {
            if !looks_like_region(r) {
                return Err(bad(
                    format!("`{r}` is not a Region name"),
                    "give Region names such as `us-west-2`",
                ));
            }
            if Some(r) == home.as_ref() || props.replica_regions[..i].contains(r) {
                return Err(bad(
                    format!("the replica Region `{r}` is the stack's own Region or listed twice"),
                    "list each other Region once; the stack's Region always holds a replica",
                ));
            }
        }
        let global = !props.replica_regions.is_empty();
        if global {
            if matches!(props.billing, Billing::Provisioned { .. }) {
                return Err(bad(
                    "a table with replicas is on-demand here (provisioned global tables need write auto scaling)".into(),
                    "use Billing::OnDemand, or write the AWS::DynamoDB::GlobalTable through gs_l1",
                ));
            }
            if matches!(props.encryption, TableEncryption::Kms(_)) {
                return Err(bad(
                    "a customer managed key is Regional, and a table with replicas needs one in each Region".into(),
                    "use TableEncryption::AwsOwned or AwsManaged, or write the AWS::DynamoDB::GlobalTable through gs_l1 with a key per replica",
                ));
            }
            if props
                .stream
                .is_some_and(|s| s != StreamViewType::NewAndOldImages)
            {
                return Err(bad(
                    "a global table's stream must carry new and old images (DynamoDB replicates through it)".into(),
                    "use StreamViewType::NewAndOldImages, or leave `stream` unset",
                ));
            }
        }
        if props.removal_policy == RemovalPolicy::Snapshot {
            return Err(bad(
                "DynamoDB tables cannot be snapshotted on removal".into(),
                "use RemovalPolicy::Retain (the default) or Destroy; back the table up with point-in-time recovery or AWS Backup",
            ));
        }
        let stream = if global {
            Some(StreamViewType::NewAndOldImages)
        } else {
            props.stream
        };
        let mut g = scope.group(id)?;
        let resource = if global {
            Self::global_table(&mut g, &props, &partition_key, &attributes, home, stream)?
        } else {
            Self::table(&mut g, &props, &partition_key, &attributes, stream)?
        };
        let node = g.node();
        g.app_mut().attach(
            node,
            TableInfo {
                resource: resource.node(),
                point_in_time_recovery: props.point_in_time_recovery,
                stream,
                replica_regions: props.replica_regions.clone(),
                index_names: props
                    .global_secondary_indexes
                    .iter()
                    .map(|i| i.name.clone())
                    .collect(),
            },
        )?;
        Ok(Table {
            node,
            resource,
            key: match props.encryption {
                TableEncryption::Kms(k) => Some(k),
                _ => None,
            },
            stream,
            has_indexes: !props.global_secondary_indexes.is_empty(),
        })
    }

    fn table(
        g: &mut Scope<'_>,
        props: &TableProps,
        pk: &Attribute,
        attributes: &[&Attribute],
        stream: Option<StreamViewType>,
    ) -> Result<TableResource> {
        let schema = |pk: &Attribute, sk: Option<&Attribute>| -> Vec<t::KeySchema> {
            key_schema(pk, sk)
                .into_iter()
                .map(|(n, k)| t::KeySchema::new(n, k))
                .collect()
        };
        let capacity = match props.billing {
            Billing::Provisioned { read, write } => Some((read, write)),
            Billing::OnDemand => None,
        };
        let indexes: Vec<t::GlobalSecondaryIndex> = props
            .global_secondary_indexes
            .iter()
            .map(|gsi| t::GlobalSecondaryIndex {
                provisioned_throughput: capacity.map(|(r, w)| t::ProvisionedThroughput::new(r, w)),
                ..t::GlobalSecondaryIndex::new(
                    gsi.name.as_str(),
                    schema(&gsi.partition_key, gsi.sort_key.as_ref()),
                    table_projection(&gsi.projection),
                )
            })
            .collect();
        let sse = match props.encryption {
            TableEncryption::AwsOwned => None,
            TableEncryption::AwsManaged => Some(t::SSESpecification {
                sse_type: Some("KMS".into()),
                ..t::SSESpecification::new(true)
            }),
            TableEncryption::Kms(key) => Some(t::SSESpecification {
                sse_type: Some("KMS".into()),
                kms_master_key_id: Some(key.arn().into()),
                ..t::SSESpecification::new(true)
            }),
        };
        let key_schema: Vec<Value> = schema(pk, props.sort_key.as_ref())
            .into_iter()
            .map(IntoValue::into_value)
            .collect();
        let l1 = CfnTableProps {
            attribute_definitions: Some(
                attributes
                    .iter()
                    .map(|a| t::AttributeDefinition::new(a.name.as_str(), a.kind.code()))
                    .collect(),
            ),
            billing_mode: Some(
                match props.billing {
                    Billing::OnDemand => "PAY_PER_REQUEST",
                    Billing::Provisioned { .. } => "PROVISIONED",
                }
                .into(),
            ),
            provisioned_throughput: capacity.map(|(r, w)| t::ProvisionedThroughput::new(r, w)),
            global_secondary_indexes: (!indexes.is_empty()).then(|| indexes.into()),
            point_in_time_recovery_specification: Some(t::PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: Some(props.point_in_time_recovery.into()),
                ..t::PointInTimeRecoverySpecification::new()
            }),
            sse_specification: sse,
            stream_specification: stream.map(|s| t::StreamSpecification::new(s.code())),
            table_name: props.table_name.clone().map(Into::into),
            time_to_live_specification: props.time_to_live_attribute.clone().map(|a| {
                t::TimeToLiveSpecification {
                    attribute_name: Some(a.into()),
                    ..t::TimeToLiveSpecification::new(true)
                }
            }),
            ..CfnTableProps::new(key_schema)
        };
        let resource = Cfn::add(
            g,
            "Resource",
            l1.into_resource().removal_policy(props.removal_policy),
        )?;
        Ok(TableResource::Table(resource))
    }

    fn global_table(
        g: &mut Scope<'_>,
        props: &TableProps,
        pk: &Attribute,
        attributes: &[&Attribute],
        home: Option<String>,
        stream: Option<StreamViewType>,
    ) -> Result<TableResource> {
        let schema = |pk: &Attribute, sk: Option<&Attribute>| -> Vec<gt::KeySchema> {
            key_schema(pk, sk)
                .into_iter()
                .map(|(n, k)| gt::KeySchema::new(n, k))
                .collect()
        };
        let home: Value = match home {
            Some(r) => r.into(),
            None => Value::Pseudo(Pseudo::Region),
        };
        let replica = |region: Value| gt::ReplicaSpecification {
            point_in_time_recovery_specification: Some(gt::PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: Some(props.point_in_time_recovery.into()),
                ..gt::PointInTimeRecoverySpecification::new()
            }),
            ..gt::ReplicaSpecification::new(region)
        };
        let mut replicas = vec![replica(home)];
        replicas.extend(
            props
                .replica_regions
                .iter()
                .map(|r| replica(r.as_str().into())),
        );
        let indexes: Vec<gt::GlobalSecondaryIndex> = props
            .global_secondary_indexes
            .iter()
            .map(|gsi| {
                gt::GlobalSecondaryIndex::new(
                    gsi.name.as_str(),
                    schema(&gsi.partition_key, gsi.sort_key.as_ref()),
                    global_projection(&gsi.projection),
                )
            })
            .collect();
        let l1 = CfnGlobalTableProps {
            attribute_definitions: Some(
                attributes
                    .iter()
                    .map(|a| gt::AttributeDefinition::new(a.name.as_str(), a.kind.code()))
                    .collect(),
            ),
            billing_mode: Some("PAY_PER_REQUEST".into()),
            key_schema: Some(schema(pk, props.sort_key.as_ref()).into()),
            global_secondary_indexes: (!indexes.is_empty()).then(|| indexes.into()),
            sse_specification: (props.encryption == TableEncryption::AwsManaged).then(|| {
                gt::SSESpecification {
                    sse_type: Some("KMS".into()),
                    ..gt::SSESpecification::new(true)
                }
            }),
            stream_specification: stream.map(|s| gt::StreamSpecification::new(s.code())),
            table_name: props.table_name.clone().map(Into::into),
            time_to_live_specification: props.time_to_live_attribute.clone().map(|a| {
                gt::TimeToLiveSpecification {
                    attribute_name: Some(a.into()),
                    ..gt::TimeToLiveSpecification::new(true)
                }
            }),
            ..CfnGlobalTableProps::new(replicas)
        };
        let resource = Cfn::add(
            g,
            "Resource",
            l1.into_resource().removal_policy(props.removal_policy),
        )?;
        Ok(TableResource::Global(resource))
    }

    /// The table's ARN (`Fn::GetAtt Arn`; for a global table, the replica in the stack's
    /// Region).
    pub fn arn(&self) -> Value {
        match self.resource {
            TableResource::Table(t) => t.attr_arn(),
            TableResource::Global(g) => g.attr_arn(),
        }
    }

    /// The table's name (`Ref`).
    pub fn table_name(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The stream's ARN (`Fn::GetAtt StreamArn`), or `None` when the table has no stream: an
    /// event source on a table without a stream cannot be written.
    pub fn stream_arn(&self) -> Option<Value> {
        self.stream?;
        Some(match self.resource {
            TableResource::Table(t) => t.attr_stream_arn(),
            TableResource::Global(g) => g.attr_stream_arn(),
        })
    }

    /// What the app keeps of this table.
    pub fn info<'a>(&self, app: &'a App) -> Option<&'a TableInfo> {
        app.attached::<TableInfo>(self.node)
    }

    /// The table's ARN and, when it has indexes, `<arn>/index/*`.
    fn data_arns(&self) -> Vec<Value> {
        let mut arns = vec![self.arn()];
        if self.has_indexes {
            arns.push(Value::join("", [self.arn(), Value::from("/index/*")]));
        }
        arns
    }

    /// Lets `role` read items (get, query, scan), and decrypt with the table's customer
    /// managed key.
    pub fn grant_read_data(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut().atomically(|app| {
            role.grant(
                app,
                PolicyStatement::allow(READ_ACTIONS.iter().copied(), self.data_arns()),
            )?;
            if let Some(key) = self.key {
                role.grant(
                    app,
                    PolicyStatement::allow(["kms:Decrypt", "kms:DescribeKey"], [key.arn()]),
                )?;
            }
            Ok(())
        })
    }

    /// Lets `role` read and write items, and use the table's customer managed key.
    pub fn grant_read_write_data(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        app.as_mut().atomically(|app| {
            let actions = READ_ACTIONS.iter().chain(WRITE_ACTIONS).copied();
            role.grant(app, PolicyStatement::allow(actions, self.data_arns()))?;
            if let Some(key) = self.key {
                role.grant(
                    app,
                    PolicyStatement::allow(
                        [
                            "kms:Decrypt",
                            "kms:DescribeKey",
                            "kms:Encrypt",
                            "kms:GenerateDataKey*",
                            "kms:ReEncrypt*",
                        ],
                        [key.arn()],
                    ),
                )?;
            }
            Ok(())
        })
    }

    /// Lets `role` read the table's stream (what a Lambda event source's role needs). Refused
    /// when the table has no stream: set `TableProps::stream`.
    pub fn grant_stream_read(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        let app = app.as_mut();
        let Some(stream) = self.stream_arn() else {
            return Err(ConstructError::invalid(
                app.path(self.node)?,
                "the table has no stream to read",
                "set `TableProps::stream` (e.g. `Some(StreamViewType::NewAndOldImages)`)",
            ));
        };
        app.atomically(|app| {
            role.grant(
                app,
                PolicyStatement::allow(
                    [
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                    ],
                    [stream],
                ),
            )?;
            // ListStreams takes no resource ARN (IAM Service Authorization Reference).
            role.grant(
                app,
                PolicyStatement::allow(["dynamodb:ListStreams"], [Value::from("*")]),
            )?;
            if let Some(key) = self.key {
                role.grant(app, PolicyStatement::allow(["kms:Decrypt"], [key.arn()]))?;
            }
            Ok(())
        })
    }
}

const READ_ACTIONS: &[&str] = &[
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
];
const WRITE_ACTIONS: &[&str] = &[
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
];

fn table_projection(p: &Projection) -> t::Projection {
    match p {
        Projection::All => t::Projection {
            projection_type: Some("ALL".into()),
            ..t::Projection::new()
        },
        Projection::KeysOnly => t::Projection {
            projection_type: Some("KEYS_ONLY".into()),
            ..t::Projection::new()
        },
        Projection::Include(attrs) => t::Projection {
            projection_type: Some("INCLUDE".into()),
            non_key_attributes: Some(attrs.iter().map(String::as_str).collect()),
        },
    }
}

fn global_projection(p: &Projection) -> gt::Projection {
    match p {
        Projection::All => gt::Projection {
            projection_type: Some("ALL".into()),
            ..gt::Projection::new()
        },
        Projection::KeysOnly => gt::Projection {
            projection_type: Some("KEYS_ONLY".into()),
            ..gt::Projection::new()
        },
        Projection::Include(attrs) => gt::Projection {
            projection_type: Some("INCLUDE".into()),
            non_key_attributes: Some(attrs.iter().map(String::as_str).collect()),
        },
    }
}
