//! Validation passes of API Gateway: a deployment that does not wait for its API's methods, and
//! a Lambda integration API Gateway has no permission to invoke (`lambda_permission.rs`).

use std::collections::{HashMap, HashSet};

use gs_core::{Diagnostic, FastState, NodeId, Rule, Severity, Tree};

/// `apigateway/deployment-without-methods`.
/// The rule `apigateway/deployment-without-methods`.
pub const DEPLOYMENT_WITHOUT_METHODS: Rule = Rule {
    id: "apigateway/deployment-without-methods",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ApiGateway::Deployment"],
    what: "A REST API deployment depends on none of its API's methods (or the API has none).",
    why: "CloudFormation may create the deployment before any method exists; API Gateway then \
          refuses it (\"The REST API doesn't contain any methods\") or deploys a snapshot \
          without the methods created after it.",
    fix: "make the deployment depend on every method of its API (apigateway::RestApi::add_method \
          does), and give the API at least one method",
};

/// The rules these passes apply.
pub(crate) const RULES: &[Rule] = &[
    DEPLOYMENT_WITHOUT_METHODS,
    super::lambda_permission::LAMBDA_WITHOUT_PERMISSION,
];

/// Appends this service's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    super::lambda_permission::check(tree, out);
    // One walk to index methods by API, then one look at each deployment's dependencies.
    let mut methods: HashMap<NodeId, HashSet<NodeId, FastState>, FastState> = HashMap::default();
    let mut deployments: Vec<(NodeId, NodeId)> = Vec::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        let api = r.properties.get("RestApiId").and_then(|v| v.as_reference());
        match (&*r.type_name, api) {
            ("AWS::ApiGateway::Method", Some(api)) => {
                methods.entry(api).or_default().insert(e);
            }
            ("AWS::ApiGateway::Deployment", Some(api)) => deployments.push((e, api)),
            _ => {}
        }
    }
    for (deployment, api) in deployments {
        let of_api = methods.get(&api);
        let waits =
            of_api.is_some_and(|m| tree.depends_on(deployment).iter().any(|d| m.contains(d)));
        if waits {
            continue;
        }
        let message = match of_api {
            None => format!("the API {} has no methods to deploy", tree.path(api)),
            Some(m) => format!(
                "the deployment depends on none of the {} methods of {}",
                m.len(),
                tree.path(api)
            ),
        };
        out.push(DEPLOYMENT_WITHOUT_METHODS.at(deployment, tree.path(deployment), message));
    }
}
