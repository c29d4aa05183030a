//! The CloudFormation backend as gs-constructs users get it: gs-cfn's templates and assembly,
//! checked by every rule of gs.

use gs_core::{Artifact, Backend, BackendError, Pass, Tree};

/// Emits CloudFormation templates and the cloud assembly (see [`gs_cfn::CfnBackend`]) after
/// every pass of gs-constructs ([`crate::passes::ALL`]) and CloudFormation's limits have run,
/// whatever built the tree.
///
/// ```
/// use gs_constructs::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// // A raw backup plan with no rules: no typed constructor ran, the rule runs all the same.
/// app.at(stack)?.resource::<RawResource>("Plan", Resource::new("AWS::Backup::BackupPlan")
///     .property("BackupPlan", ValueMap::new()
///         .with("BackupPlanName", "plan")
///         .with("BackupPlanRule", Value::List(vec![]))))?;
/// let refused = app.synth(&CfnBackend::default()).unwrap_err();
/// assert!(refused.report().unwrap().has("backup/plan-without-rules", "Demo/Plan"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CfnBackend {
    /// Leave out `manifest.json` and `cdk.out` (templates only).
    pub templates_only: bool,
}

impl Backend for CfnBackend {
    fn name(&self) -> &str {
        "cloudformation"
    }

    fn passes(&self) -> &'static [Pass] {
        crate::passes::ALL
    }

    /// From the resource schema (`tagInformation` of the service spec): raw resources, and
    /// resources of types whose constructor did not say, take the stack's and scopes' tags in
    /// their type's own format.
    fn tagging(&self, type_name: &str) -> Option<gs_core::Tagging> {
        gs_l1::schema::tagging(type_name)
    }

    fn emit(&self, tree: &Tree<'_>) -> Result<Vec<Artifact>, BackendError> {
        gs_cfn::CfnBackend {
            templates_only: self.templates_only,
        }
        .emit(tree)
    }

    fn emit_into(
        &self,
        tree: &Tree<'_>,
        sink: &mut dyn gs_core::Sink,
    ) -> Result<(), gs_core::EmitError> {
        gs_cfn::CfnBackend {
            templates_only: self.templates_only,
        }
        .emit_into(tree, sink)
    }
}
