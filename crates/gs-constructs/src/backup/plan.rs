//! [`BackupPlan`]: a plan is built with its first rule, so a plan without rules cannot be
//! written; [`BackupPlan::add_rule`] adds more. The rules stay readable in a side table
//! ([`BackupPlan::rules`]) for the passes that compute recovery point objectives.

use gs_core::{App, NodeId, Scope, Value};
use gs_l1::backup::backup_plan::BackupPlanResourceType;
pub use gs_l1::backup::CfnBackupPlan;
use gs_l1::backup::CfnBackupPlanProps;
use gs_l1::{IntoValue, List};

use super::rule::BackupRule;
use super::vault::BackupVault;
use crate::error::{ConstructError, Result};
use crate::names::NameRule;

/// Settings of a [`BackupPlan`].
#[derive(Clone, Debug, Default)]
pub struct BackupPlanProps {
    /// The plan's name (1 to 50 letters, digits, `-`, `_`, `.`); `None` derives a unique one
    /// from the construct path.
    pub name: Option<String>,
}

/// The plan's name and rules, attached to the plan's group (side table).
#[derive(Clone, Debug)]
struct PlanRules {
    name: String,
    rules: Vec<BackupRule>,
}

/// A backup plan: rules (schedule, retention, copies) that selections apply to resources.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::backup::{BackupPlan, BackupRule, BackupVault, Schedule};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let vault = BackupVault::new(&mut s, "Vault", Default::default())?;
/// let daily = BackupRule { delete_after_days: Some(7), ..BackupRule::new("DailyBackup", Schedule::daily_at(5, 0)?)? };
/// let plan = BackupPlan::new(&mut s, "EfsBackupPlan", vault, daily, Default::default())?;
/// plan.add_rule(s.app_mut(), BackupRule { delete_after_days: Some(2),
///     ..BackupRule::new("Hourly", Schedule::hourly())? })?;
/// assert_eq!(plan.rules(s.app()).len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupPlan {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::Backup::BackupPlan` resource (its L1 handle).
    pub resource: CfnBackupPlan,
    /// The vault rules store recovery points in unless they name their own.
    pub vault: BackupVault,
}

impl BackupPlan {
    /// A plan storing into `vault`, with `first_rule` (a plan always has one).
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        vault: BackupVault,
        first_rule: BackupRule,
        props: BackupPlanProps,
    ) -> Result<BackupPlan> {
        scope.atomically(|scope| Self::build(scope, id, vault, first_rule, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        vault: BackupVault,
        first_rule: BackupRule,
        props: BackupPlanProps,
    ) -> Result<BackupPlan> {
        let path = scope.child_path(id);
        let name = match props.name {
            Some(n) => {
                check_name(&path, &n)?;
                n
            }
            None => super::unique_name(&path, 50),
        };
        first_rule.validate(&path)?;
        let rules = PlanRules {
            name,
            rules: vec![first_rule],
        };
        let mut g = scope.group(id)?;
        let resource = CfnBackupPlan::new(&mut g, "Resource", l1_props(&rules, vault))?;
        let node = g.node();
        g.app_mut().attach(node, rules)?;
        Ok(BackupPlan {
            node,
            resource,
            vault,
        })
    }

    /// Adds `rule` (its name must be new to the plan).
    pub fn add_rule(&self, app: &mut impl AsMut<App>, rule: BackupRule) -> Result<()> {
        app.as_mut().atomically(|app| self.add_rule_impl(app, rule))
    }

    /// Appends the rule's L1 value to the plan's `BackupPlanRule` list and the rule to the side
    /// table, both in place: the journal keeps a pop for each, not a copy of the plan (its
    /// earlier rules are not rendered again). The rule's values are checked at the call, so a
    /// rule naming another app's vault is refused here, not at synthesis.
    fn add_rule_impl(&self, app: &mut App, rule: BackupRule) -> Result<()> {
        let path = app.path(self.node)?;
        rule.validate(&path)?;
        let Some(rules) = app.attached::<PlanRules>(self.node) else {
            return Err(ConstructError::invalid(
                &path,
                "this plan was not built by `BackupPlan::new`",
                "build plans with `BackupPlan::new`",
            ));
        };
        if rules.rules.iter().any(|r| r.name == rule.name) {
            return Err(ConstructError::invalid(
                path,
                format!("the plan already has a rule named `{}`", rule.name),
                "give each rule of a plan its own name",
            ));
        }
        let item = rule.to_l1(self.vault).into_value();
        let appended = app
            .append_to_list(self.resource, &["BackupPlan", "BackupPlanRule"], item)?
            .is_none();
        let mut rule = Some(rule);
        app.update_attached(
            self.node,
            |r: &mut PlanRules| r.rules.extend(rule.take()),
            |r, ()| {
                r.rules.pop();
            },
        );
        if !appended {
            // The escape hatch replaced the plan or its rule list: write the plan again from
            // the rules (other properties set through the escape hatch stay as they are).
            let rendered = app
                .attached::<PlanRules>(self.node)
                .map(|rules| l1_props(rules, self.vault).into_properties());
            for (key, value) in rendered.into_iter().flatten() {
                app.set_property(self.resource, key, value)?;
            }
        }
        Ok(())
    }

    /// The plan's rules, in order.
    pub fn rules<'a>(&self, app: &'a App) -> &'a [BackupRule] {
        app.attached::<PlanRules>(self.node)
            .map_or(&[], |r| r.rules.as_slice())
    }

    /// The plan's id (`Fn::GetAtt BackupPlanId`), which selections name.
    pub fn plan_id(&self) -> Value {
        self.resource.attr_backup_plan_id()
    }

    /// The plan's ARN (`Fn::GetAtt BackupPlanArn`).
    pub fn arn(&self) -> Value {
        self.resource.attr_backup_plan_arn()
    }
}

/// The plan's L1 properties: its name and every rule, storing into `vault` unless a rule names
/// its own.
fn l1_props(rules: &PlanRules, vault: BackupVault) -> CfnBackupPlanProps {
    let rule_list: List<_> = rules.rules.iter().map(|r| r.to_l1(vault)).collect();
    CfnBackupPlanProps::new(BackupPlanResourceType::new(rules.name.as_str(), rule_list))
}

fn check_name(path: &str, name: &str) -> Result<()> {
    const RULE: NameRule<'static> = NameRule {
        what: "backup plan",
        min: 1,
        max: 50,
        extra: "-_.",
    };
    RULE.check(path, name)
}
