//! Secrets Manager: [`Secret`], a generated secret (database credentials, API keys), optionally
//! encrypted with a customer managed key and replicated to other Regions.

use gs_core::{Handle, NodeId, RemovalPolicy, Resource, Scope, Value, ValueMap};

use crate::error::{ConstructError, Result};
use crate::kms::Key;

/// Marker of the `AWS::SecretsManager::Secret` resource.
#[derive(Debug)]
pub enum CfnSecret {}

/// How the secret's value is generated.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateSecretString {
    /// A JSON object the generated field is added to, e.g. `{"username":"postgres"}`.
    pub secret_string_template: Option<String>,
    /// The JSON key of the generated value, e.g. `password`.
    pub generate_string_key: Option<String>,
    /// Characters never to use.
    pub exclude_characters: Option<String>,
    /// Use no punctuation at all: letters and digits only (`ExcludePunctuation`), for consumers
    /// that refuse most punctuation, such as ElastiCache's AUTH token.
    pub exclude_punctuation: bool,
    /// Length of the generated value.
    pub password_length: u32,
}

impl Default for GenerateSecretString {
    fn default() -> Self {
        GenerateSecretString {
            secret_string_template: None,
            generate_string_key: None,
            exclude_characters: Some(" %+~`#$&*()|[]{}:;<>?!'/@\"\\".into()),
            exclude_punctuation: false,
            password_length: 32,
        }
    }
}

impl GenerateSecretString {
    /// Credentials `{"username": user, "password": <generated>}` as Aurora and RDS expect them.
    pub fn credentials(username: &str) -> GenerateSecretString {
        GenerateSecretString {
            secret_string_template: Some(format!("{{\"username\":\"{username}\"}}")),
            generate_string_key: Some("password".into()),
            ..Default::default()
        }
    }

    /// A Redis AUTH token as ElastiCache accepts it: 64 letters and digits. ElastiCache takes 16
    /// to 128 printable ASCII characters and, of the punctuation, only `!&#$^<>-`; Secrets
    /// Manager cannot be told to use only those, so the token uses none.
    ///
    /// ```
    /// use gs_constructs::secretsmanager::GenerateSecretString;
    /// let g = GenerateSecretString::auth_token();
    /// assert!(g.exclude_punctuation && g.secret_string_template.is_none());
    /// assert!((16..=128).contains(&g.password_length));
    /// ```
    pub fn auth_token() -> GenerateSecretString {
        GenerateSecretString {
            secret_string_template: None,
            generate_string_key: None,
            exclude_characters: None,
            exclude_punctuation: true,
            password_length: 64,
        }
    }
}

/// Automatic rotation of a secret by a rotation function.
#[derive(Clone, Debug, PartialEq)]
pub struct Rotation {
    /// The ARN of the Lambda function that rotates the secret (for database credentials, the
    /// function the AWS Secrets Manager rotation templates deploy).
    pub lambda_arn: Value,
    /// Days between rotations (1 to 1000).
    pub every_days: u32,
    /// Rotate as soon as the schedule is created or changed (off: the first rotation waits a
    /// full period).
    pub rotate_immediately: bool,
}

/// Settings of a [`Secret`].
#[derive(Clone, Debug)]
pub struct SecretProps {
    /// The secret's name; `None` lets CloudFormation name it.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// How the value is generated.
    pub generate: GenerateSecretString,
    /// A customer managed key; `None` uses the AWS managed key `aws/secretsmanager`.
    pub key: Option<Key>,
    /// Regions the secret is replicated to (survives the loss of the primary Region).
    pub replica_regions: Vec<String>,
    /// What happens to the secret when it leaves the stack.
    pub removal_policy: RemovalPolicy,
    /// Automatic rotation (a `RotationSchedule` child); `None` keeps the value until changed.
    pub rotation: Option<Rotation>,
}

impl Default for SecretProps {
    fn default() -> Self {
        SecretProps {
            name: None,
            description: None,
            generate: GenerateSecretString::default(),
            key: None,
            replica_regions: Vec::new(),
            removal_policy: RemovalPolicy::Retain,
            rotation: None,
        }
    }
}

/// A secret in Secrets Manager.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let creds = Secret::new(&mut s, "DbCredentials", SecretProps {
///     generate: GenerateSecretString::credentials("postgres"), ..Default::default() })?;
/// assert!(creds.key.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Secret {
    /// The group node.
    pub node: NodeId,
    /// The secret resource.
    pub resource: Handle<CfnSecret>,
    /// The key that encrypts it, when customer managed.
    pub key: Option<Key>,
}

impl Secret {
    /// A secret with a generated value.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: SecretProps) -> Result<Secret> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: SecretProps) -> Result<Secret> {
        // The path is written only for an error: a secret that builds does not need it.
        if let Some(name) = &props.name {
            if name.is_empty() || name.len() > 512 {
                return Err(ConstructError::invalid(
                    scope.child_path(id),
                    format!("the secret name `{name}` is not 1 to 512 characters"),
                    "shorten the name",
                ));
            }
        }
        if let Some(r) = props
            .rotation
            .as_ref()
            .filter(|r| !(1..=1000).contains(&r.every_days))
        {
            return Err(ConstructError::invalid(
                scope.child_path(id),
                format!("rotation every {} days is outside 1 to 1000", r.every_days),
                "rotate every 1 to 1000 days, e.g. 30",
            ));
        }
        if !(1..=4096).contains(&props.generate.password_length) {
            return Err(ConstructError::invalid(
                scope.child_path(id),
                format!(
                    "password_length {} is not 1 to 4096",
                    props.generate.password_length
                ),
                "use a length such as 32",
            ));
        }
        // The stack's Region, read in place.
        let home = match scope.app().node(scope.stack())?.kind() {
            gs_core::NodeKind::Stack(s) => s.region.as_deref(),
            _ => None,
        };
        if let Some(r) = props
            .replica_regions
            .iter()
            .find(|r| r.is_empty() || Some(r.as_str()) == home)
        {
            return Err(ConstructError::invalid(
                scope.child_path(id),
                format!("`{r}` is not another Region: a replica there does not survive the loss of the stack's Region"),
                "list only Regions other than the stack's, e.g. the DR Region",
            ));
        }
        // Moved out of the props (not copied): they are not needed again.
        let g = props.generate;
        let generate = ValueMap::with_capacity(5)
            .with_opt("ExcludeCharacters", g.exclude_characters)
            .with_opt("ExcludePunctuation", g.exclude_punctuation.then_some(true))
            .with_opt("GenerateStringKey", g.generate_string_key)
            .with("PasswordLength", g.password_length)
            .with_opt("SecretStringTemplate", g.secret_string_template);
        let replicas: Vec<Value> = props
            .replica_regions
            .iter()
            .map(|r| ValueMap::with_capacity(1).with("Region", r.as_str()).into())
            .collect();
        let mut grp = scope.group(id)?;
        let resource = grp.resource::<CfnSecret>(
            "Resource",
            Resource::new("AWS::SecretsManager::Secret")
                .properties(
                    ValueMap::with_capacity(5)
                        .with_opt("Description", props.description)
                        .with("GenerateSecretString", generate)
                        .with_opt("KmsKeyId", props.key.map(|k| k.arn()))
                        .with_opt("Name", props.name)
                        .with_opt(
                            "ReplicaRegions",
                            (!replicas.is_empty()).then_some(Value::List(replicas)),
                        ),
                )
                .tagged()
                .removal_policy(props.removal_policy),
        )?;
        if let Some(r) = props.rotation {
            grp.resource::<()>(
                "RotationSchedule",
                Resource::new("AWS::SecretsManager::RotationSchedule").properties(
                    ValueMap::with_capacity(4)
                        .with("SecretId", Value::Ref(resource.node()))
                        .with("RotationLambdaARN", r.lambda_arn)
                        .with(
                            "RotationRules",
                            ValueMap::with_capacity(1).with("AutomaticallyAfterDays", r.every_days),
                        )
                        .with("RotateImmediatelyOnUpdate", r.rotate_immediately),
                ),
            )?;
        }
        Ok(Secret {
            node: grp.node(),
            resource,
            key: props.key,
        })
    }

    /// The secret's ARN (`Ref` of a secret is its ARN).
    pub fn arn(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// A dynamic reference to one JSON field of the secret, resolved at deploy time (the value
    /// never appears in the template).
    pub fn field(&self, json_key: &str) -> Value {
        gs_cfn::secret_value(self.arn(), Some(json_key))
    }
}
