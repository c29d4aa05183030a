//! [`BackupVault`]: where recovery points are kept. Defined in the stack (encrypted, retained), or
//! an outside vault imported on purpose by ARN (the destination of a cross-Region copy).

use gs_core::{App, Import, NodeId, NodeKind, Pseudo, RemovalPolicy, Scope, Value, ValueMap};
pub use gs_l1::backup::CfnBackupVault;
use gs_l1::backup::CfnBackupVaultProps;
use gs_l1::Id;

use crate::error::{ConstructError, Result};
use crate::kms::Key;
use crate::names::NameRule;

/// Settings of a [`BackupVault`].
#[derive(Clone, Debug)]
pub struct BackupVaultProps {
    /// The vault's name (2 to 50 letters, digits, `-`, `_`); `None` derives one from the
    /// construct path and the stack's generation, so a vault retained by a deleted stack does not
    /// block deploying the stack again. A fixed name makes that redeploy fail
    /// (`lifecycle/retained-fixed-name`); give one only when something outside the stack must
    /// find the vault by name.
    pub name: Option<String>,
    /// The key recovery points are encrypted with; `None` creates a customer managed key for
    /// the vault (child `Key`), so copies can be shared across accounts and the key's use is
    /// auditable (`security/unencrypted-at-rest` asks vaults for a customer managed key).
    pub encryption_key: Option<Key>,
    /// What happens to the vault when it leaves the stack; retained by default (a vault that
    /// holds recovery points cannot be deleted anyway).
    pub removal_policy: RemovalPolicy,
}

impl Default for BackupVaultProps {
    fn default() -> Self {
        BackupVaultProps {
            name: None,
            encryption_key: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// A backup vault: defined by this app, or an outside one imported by ARN.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let key = kms::Key::new(&mut s, "BackupKey", Default::default())?;
/// let vault = backup::BackupVault::new(&mut s, "Vault", backup::BackupVaultProps {
///     name: Some("globalstream-dev".into()), encryption_key: Some(key), ..Default::default() })?;
/// let dr = backup::BackupVault::from_arn(&mut s, "DrVault",
///     "arn:aws:backup:us-west-2:123456789012:backup-vault:globalstream-dr")?;
/// assert!(vault.is_defined() && !dr.is_defined());
/// assert_eq!(dr.region(s.app()).as_deref(), Some("us-west-2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupVault {
    /// The construct's node (a group for a defined vault, an import node otherwise).
    pub node: NodeId,
    /// The `AWS::Backup::BackupVault` resource (its L1 handle), `None` for an import.
    pub resource: Option<CfnBackupVault>,
}

impl BackupVault {
    /// A vault defined in this stack.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: BackupVaultProps) -> Result<BackupVault> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: BackupVaultProps) -> Result<BackupVault> {
        let path = scope.child_path(id);
        let name = match props.name {
            Some(n) => {
                check_name(&path, &n)?;
                Value::from(n)
            }
            None => generated_name(&path),
        };
        let mut g = scope.group(id)?;
        let key = match props.encryption_key {
            Some(k) => k,
            None => Key::new(
                &mut g,
                "Key",
                crate::kms::KeyProps {
                    description: Some(format!("Encrypts the recovery points of {path}")),
                    ..Default::default()
                },
            )?,
        };
        let resource = CfnBackupVault::add(
            &mut g,
            "Resource",
            CfnBackupVaultProps {
                encryption_key_arn: Some(key.arn().into()),
                ..CfnBackupVaultProps::new(name)
            }
            .into_resource()
            .removal_policy(props.removal_policy),
        )?;
        Ok(BackupVault {
            node: g.node(),
            resource: Some(resource),
        })
    }

    /// An existing vault, named on purpose by its ARN
    /// (`arn:<partition>:backup:<region>:<account>:backup-vault:<name>`): gs will not create it.
    /// `${AWS::Partition}` and `${AWS::AccountId}` may appear (the ARN is then an `Fn::Sub`).
    /// A vault defined in another stack of this app is imported this way too, by its ARN.
    pub fn from_arn(scope: &mut Scope<'_>, id: &str, arn: &str) -> Result<BackupVault> {
        scope.atomically(|scope| Self::from_arn_impl(scope, id, arn))
    }

    fn from_arn_impl(scope: &mut Scope<'_>, id: &str, arn: &str) -> Result<BackupVault> {
        let path = scope.child_path(id);
        let Some(parts) = VaultArn::parse(arn) else {
            return Err(ConstructError::invalid(
                path,
                format!("`{arn}` is not the ARN of a backup vault"),
                "give `arn:aws:backup:<region>:<account>:backup-vault:<name>`",
            ));
        };
        check_name(&path, &parts.name)?;
        let arn_value = if arn.contains("${") {
            Value::sub(arn)
        } else {
            Value::from(arn)
        };
        let import = scope.import::<()>(
            id,
            Import {
                type_name: CfnBackupVault::TYPE_NAME.into(),
                attributes: ValueMap::with_capacity(3)
                    .with("Ref", parts.name.as_str())
                    .with("BackupVaultName", parts.name)
                    .with("BackupVaultArn", arn_value),
            },
        )?;
        Ok(BackupVault {
            node: import.node(),
            resource: None,
        })
    }

    /// Whether this app defines the vault (rather than importing it).
    pub fn is_defined(&self) -> bool {
        self.resource.is_some()
    }

    fn target(&self) -> NodeId {
        self.resource.map_or(self.node, CfnBackupVault::node)
    }

    /// The vault as an L1 property that takes a vault: its handle, or the import's `Ref`.
    pub(crate) fn l1_id(&self) -> Id<CfnBackupVault> {
        match self.resource {
            Some(r) => Id::Handle(r),
            None => Id::Value(self.name()),
        }
    }

    /// The vault's name (`Ref`, or the imported name).
    pub fn name(&self) -> Value {
        Value::Ref(self.target())
    }

    /// The vault's ARN (`Fn::GetAtt BackupVaultArn`, or the imported ARN).
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.target(), "BackupVaultArn".into())
    }

    /// The Region the vault is in, when known: the imported ARN's, or the Region of the stack
    /// that defines it (`None` when the stack's Region is left to the environment).
    pub fn region(&self, app: &App) -> Option<String> {
        region_of(app, &self.arn())
    }
}

/// The Region of the vault an ARN value names, when it can be read without deploying: a literal
/// or `Fn::Sub` ARN, an imported vault's ARN, or a vault defined in a stack with a Region.
pub(crate) fn region_of(app: &App, arn: &Value) -> Option<String> {
    match arn {
        Value::String(s) | Value::Sub(s, _) => VaultArn::parse(s)
            .map(|p| p.region)
            .filter(|r| !r.contains("${")),
        Value::Ref(n) | Value::GetAtt(n, _) => {
            let node = app.node(*n).ok()?;
            match node.kind() {
                NodeKind::Import(i) => i
                    .attributes
                    .get("BackupVaultArn")
                    .and_then(|v| region_of(app, v)),
                _ => match app.node(node.stack()).ok()?.kind() {
                    NodeKind::Stack(s) => s.region.clone(),
                    _ => None,
                },
            }
        }
        _ => None,
    }
}

/// The parts of `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`.
struct VaultArn {
    region: String,
    name: String,
}

impl VaultArn {
    /// Parses a literal ARN or an `Fn::Sub` template of one (`${AWS::...}` variables keep
    /// their colons out of the split).
    fn parse(arn: &str) -> Option<VaultArn> {
        let arn = arn.replace("${AWS::", "${AWS__");
        let mut parts = arn.splitn(7, ':');
        let (arn_word, _partition, service, region, _account, kind, name) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        (arn_word == "arn" && service == "backup" && kind == "backup-vault" && !region.is_empty())
            .then(|| VaultArn {
                region: region.to_owned(),
                name: name.to_owned(),
            })
    }
}

/// CloudFormation cannot name a vault (`BackupVaultName` is required), so gs does, as CDK does
/// from the path, plus a generation: the first 8 hex digits of the UUID in `AWS::StackId`, new
/// for every stack. The path part keeps 41 characters at most, so the name fits in 50.
fn generated_name(path: &str) -> Value {
    let uuid = Value::select(2, Value::split("/", Value::Pseudo(Pseudo::StackId)));
    let generation = Value::select(0, Value::split("-", uuid));
    Value::join("-", [Value::from(super::unique_name(path, 41)), generation])
}

fn check_name(path: &str, name: &str) -> Result<()> {
    const RULE: NameRule<'static> = NameRule {
        what: "backup vault",
        min: 2,
        max: 50,
        extra: "-_",
    };
    RULE.check(path, name)
}
