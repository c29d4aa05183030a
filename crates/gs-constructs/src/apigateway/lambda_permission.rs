//! `apigateway/lambda-without-permission`: a REST API method (typed or raw) whose `AWS_PROXY` or
//! `AWS` integration invokes a Lambda function that no `AWS::Lambda::Permission` lets API Gateway
//! invoke for that method.
//!
//! A permission counts when its principal is `apigateway.amazonaws.com`, it names the function
//! (`Ref` or `Fn::GetAtt`), and its `SourceArn`, if any, matches a request to the method: the
//! `SourceArn` is read as an `ArnLike` pattern (`*` and `?`), with the method's API in place of a
//! reference to it, any other value (the stage's `Ref`, a pseudo parameter) as `*`, and the
//! stage segment accepted whatever it names (which stage serves the method is not in the
//! method). A permission for another API of the app never counts. A method whose integration
//! has `Credentials` is skipped: API Gateway then invokes with that role, not the function's
//! resource policy. What cannot be read (a path part that is not a literal) is given the benefit
//! of the doubt.

use std::collections::HashMap;

use gs_core::{Diagnostic, NodeId, Rule, Severity, Tree, Value};

use crate::props;

/// The rule `apigateway/lambda-without-permission`.
pub const LAMBDA_WITHOUT_PERMISSION: Rule = Rule {
    id: "apigateway/lambda-without-permission",
    severity: Severity::Error,
    acknowledgeable: true,
    applies_to: &["AWS::ApiGateway::Method"],
    what: "A REST API method's AWS_PROXY or AWS integration invokes a Lambda function that no `AWS::Lambda::Permission` lets apigateway.amazonaws.com invoke for that method (none names the function, or their SourceArn matches another API, verb or path).",
    why: "The stack deploys, but every request to the method fails: API Gateway answers 500 (\"Execution failed due to configuration error: Invalid permissions on Lambda function\") and the function never runs.",
    fix: "add the method with `apigateway::RestApi::add_method` and `Integration::lambda(function)`, which writes the permission; or add an `AWS::Lambda::Permission` for apigateway.amazonaws.com whose SourceArn is the method's execute-api ARN (`RestApi::arn_for_execute_api`)",
};

const APIGATEWAY: &str = "apigateway.amazonaws.com";
/// The verbs an `ANY` method is called with.
const VERBS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
/// Stands for the method's own API in a flattened `SourceArn`.
const THIS_API: char = '\u{1}';
/// Stands for another API of the app: matches nothing.
const OTHER_API: char = '\u{2}';
/// How many parents a resource path may have before the walk stops (API Gateway allows far
/// fewer; a raw tree might loop).
const MAX_DEPTH: usize = 64;

/// Appends this rule's findings.
pub(crate) fn check(tree: &Tree<'_>, out: &mut Vec<Diagnostic>) {
    let mut methods = Vec::new();
    // Function -> the SourceArn of each permission for API Gateway (None: any source).
    let mut permissions: HashMap<NodeId, Vec<Option<&Value>>> = HashMap::new();
    let mut by_logical_id: HashMap<&str, NodeId> = HashMap::new();
    for e in tree.all_elements() {
        let Some(r) = tree.node(e).as_resource() else {
            continue;
        };
        match &*r.type_name {
            "AWS::ApiGateway::Method" => methods.push((e, r)),
            "AWS::Lambda::Permission" => {
                let p = &r.properties;
                let from_apigateway =
                    props::str_at(p, &["Principal"]).map_or(true, |s| s == APIGATEWAY);
                let invoke = props::str_at(p, &["Action"])
                    .map_or(true, |a| a == "lambda:InvokeFunction" || a == "lambda:*");
                if !(from_apigateway && invoke) {
                    continue;
                }
                if let Some(f) = p.get("FunctionName").and_then(Value::as_reference) {
                    permissions.entry(f).or_default().push(p.get("SourceArn"));
                }
            }
            "AWS::Lambda::Function" | "AWS::ApiGateway::RestApi" => {
                if let Some(id) = tree.logical_id(e) {
                    by_logical_id.insert(id, e);
                }
            }
            _ => {}
        }
    }
    let is_type = |n: NodeId, t: &str| tree.node(n).as_resource().is_some_and(|r| r.type_name == t);
    for (method, r) in methods {
        let p = &r.properties;
        let Some(integration) = p.get("Integration").and_then(Value::as_map) else {
            continue;
        };
        let kind = props::str_at(integration, &["Type"]);
        if !matches!(kind.as_deref(), Some("AWS_PROXY" | "AWS"))
            || integration.contains_key("Credentials")
        {
            continue;
        }
        let Some(uri) = integration.get("Uri") else {
            continue;
        };
        let mut text = String::new();
        let mut refs = Vec::new();
        flatten(uri, &by_logical_id, &mut text, &mut refs);
        if !text.contains(":lambda:path/") {
            continue;
        }
        let Some(function) = refs
            .into_iter()
            .find(|n| is_type(*n, "AWS::Lambda::Function"))
        else {
            continue;
        };
        let api = p
            .get("RestApiId")
            .and_then(Value::as_reference)
            .filter(|n| is_type(*n, "AWS::ApiGateway::RestApi"));
        let path = p.get("ResourceId").and_then(|v| resource_path(tree, v));
        let verb = props::str_at(p, &["HttpMethod"]).map(|v| v.to_ascii_uppercase());
        let verbs: Vec<&str> = match verb.as_deref() {
            Some("ANY") => VERBS.to_vec(),
            Some(v) => vec![v],
            None => vec!["*"],
        };
        let sources = permissions.get(&function).map(Vec::as_slice).unwrap_or(&[]);
        let uncovered: Vec<&str> = verbs
            .into_iter()
            .filter(|verb| {
                !sources.iter().any(|s| match s {
                    None => true,
                    Some(arn) => covers(tree, arn, api, verb, path.as_deref(), &by_logical_id),
                })
            })
            .collect();
        if uncovered.is_empty() {
            continue;
        }
        let what = if sources.is_empty() {
            "no AWS::Lambda::Permission lets apigateway.amazonaws.com invoke".to_string()
        } else {
            format!(
                "the {} AWS::Lambda::Permission(s) for apigateway.amazonaws.com do not cover {} {} on",
                sources.len(),
                uncovered.join(","),
                path.as_deref().unwrap_or("this path")
            )
        };
        let message = format!(
            "{what} {}, which the method's integration invokes: requests get 500",
            tree.path(function)
        );
        out.push(LAMBDA_WITHOUT_PERMISSION.at(method, tree.path(method), message));
    }
}

/// Appends the literal text of `v` to `text` (references as markers) and the nodes it refers
/// to to `refs`; walks iteratively (values are bounded by the core passes, but a stack keeps
/// this safe whatever they hold).
fn flatten(
    v: &Value,
    by_logical_id: &HashMap<&str, NodeId>,
    text: &mut String,
    refs: &mut Vec<NodeId>,
) {
    let mut stack: Vec<Piece<'_>> = vec![Piece::Value(v)];
    while let Some(piece) = stack.pop() {
        let v = match piece {
            Piece::Text(t) => {
                text.push_str(t);
                continue;
            }
            Piece::Owned(t) => {
                text.push_str(&t);
                continue;
            }
            Piece::Value(v) => v,
        };
        match v {
            Value::String(s) => text.push_str(s),
            Value::Ref(n) | Value::GetAtt(n, _) => {
                refs.push(*n);
                stack.push(Piece::Owned(reference_marker(refs.len() - 1)));
            }
            Value::Join(sep, parts) => {
                for (i, part) in parts.iter().enumerate().rev() {
                    stack.push(Piece::Value(part));
                    if i > 0 {
                        stack.push(Piece::Text(sep));
                    }
                }
            }
            Value::Sub(template, vars) => {
                // Pieces in reverse: split the template at `${...}`.
                let mut pieces: Vec<Piece<'_>> = Vec::new();
                let mut rest = template.as_str();
                while let Some(start) = rest.find("${") {
                    pieces.push(Piece::Text(&rest[..start]));
                    let after = &rest[start + 2..];
                    let Some(end) = after.find('}') else {
                        pieces.push(Piece::Text(&rest[start..]));
                        rest = "";
                        break;
                    };
                    let name = &after[..end];
                    if let Some(var) = vars.get(name) {
                        pieces.push(Piece::Value(var));
                    } else {
                        let logical = name.split('.').next().unwrap_or(name);
                        match by_logical_id.get(logical) {
                            Some(n) => {
                                refs.push(*n);
                                pieces.push(Piece::Owned(reference_marker(refs.len() - 1)));
                            }
                            None => pieces.push(Piece::Text("*")),
                        }
                    }
                    rest = &after[end + 1..];
                }
                pieces.push(Piece::Text(rest));
                stack.extend(pieces.into_iter().rev());
            }
            _ => text.push('*'),
        }
    }
}

enum Piece<'v> {
    Value(&'v Value),
    Text(&'v str),
    Owned(String),
}

/// The `i`th reference in flattened text: `\u{3}<i>\u{3}`, resolved by [`covers`].
fn reference_marker(i: usize) -> String {
    format!("\u{3}{i}\u{3}")
}

/// Whether the permission's `source_arn` matches a request of `verb` to `path` of `api`.
fn covers(
    tree: &Tree<'_>,
    source_arn: &Value,
    api: Option<NodeId>,
    verb: &str,
    path: Option<&str>,
    by_logical_id: &HashMap<&str, NodeId>,
) -> bool {
    let mut text = String::new();
    let mut refs = Vec::new();
    flatten(source_arn, by_logical_id, &mut text, &mut refs);
    // Each reference: the method's API, another API (never matches), or anything else (`*`).
    for (i, n) in refs.into_iter().enumerate() {
        let marker = reference_marker(i);
        let with = if Some(n) == api {
            THIS_API.to_string()
        } else if api.is_some()
            && tree
                .node(n)
                .as_resource()
                .is_some_and(|r| r.type_name == "AWS::ApiGateway::RestApi")
        {
            OTHER_API.to_string()
        } else {
            "*".to_string()
        };
        text = text.replace(&marker, &with);
    }
    if text.contains(OTHER_API) {
        return false;
    }
    let Some((_, tail)) = text.split_once(THIS_API) else {
        // No reference to an API: a literal or wildcard API id, which cannot be told apart.
        return true;
    };
    let Some(path) = path else { return true };
    // The stage segment, whatever literal it names, is accepted.
    let tail = match tail.strip_prefix('/').map(|t| t.split_once('/')) {
        Some(Some((stage, rest))) if !stage.contains('*') => format!("/*/{rest}"),
        _ => tail.to_string(),
    };
    let sample: String = path
        .split('/')
        .map(|part| match part.strip_prefix('{') {
            Some(p) if p.ends_with("+}") => "p/q",
            Some(_) => "p",
            None => part,
        })
        .collect::<Vec<_>>()
        .join("/");
    glob(&tail, &format!("/stage/{verb}{sample}"))
}

/// The path of the API resource a method's `ResourceId` names: `/` for the API's root,
/// `/a/{b}` below it; `None` when a part is not a literal or the chain does not end at a root.
fn resource_path(tree: &Tree<'_>, resource_id: &Value) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut at = resource_id;
    for _ in 0..MAX_DEPTH {
        match at {
            Value::GetAtt(_, attr) if attr == "RootResourceId" => {
                parts.reverse();
                return Some(format!("/{}", parts.join("/")));
            }
            Value::Ref(n) => {
                let r = tree.node(*n).as_resource()?;
                if r.type_name != "AWS::ApiGateway::Resource" {
                    return None;
                }
                parts.push(props::str_at(&r.properties, &["PathPart"])?.into_owned());
                at = r.properties.get("ParentId")?;
            }
            _ => return None,
        }
    }
    None
}

/// `ArnLike` matching: `*` any run of characters, `?` one.
fn glob(pattern: &str, text: &str) -> bool {
    crate::wildcard::matches(pattern, text, '*', |_| true)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_as_arn_like() {
        assert!(glob("/*/GET/orders", "/stage/GET/orders"));
        assert!(glob("/*/*/*", "/stage/POST/orders/p"));
        assert!(glob("/*", "/stage/GET/"));
        assert!(glob("/*/GET/", "/stage/GET/"));
        assert!(!glob("/*/GET/orders", "/stage/POST/orders"));
        assert!(!glob("/*/GET/orders/*", "/stage/GET/orders"));
        assert!(glob("/*/GET/orders/*", "/stage/GET/orders/p"));
        assert!(glob("/*/?ET/*", "/stage/GET/x"));
    }
}
