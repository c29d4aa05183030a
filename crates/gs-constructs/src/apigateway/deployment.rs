//! What ties the deployment to the methods: it depends on every method (a deployment of an API
//! without methods fails, and one made before a method exists does not serve it), and its
//! logical ID carries a fingerprint of the methods so that changing them replaces the deployment
//! (CloudFormation does not redeploy an API whose deployment resource is unchanged), as CDK does.

use std::fmt::Write as _;

use gs_core::{logical_id_of, App, NodeId, Value};

use super::cors::CorsOptions;
use super::method::Authorization;
use crate::error::Result;

/// Attached to the API's group.
#[derive(Clone, Debug)]
pub(crate) struct ApiState {
    pub(crate) deployment: NodeId,
    /// Method resources, in the order they were added.
    pub(crate) methods: Vec<NodeId>,
    pub(crate) cors: Option<CorsOptions>,
    pub(crate) authorization: Authorization,
}

/// Records `method` on the API at `api_node`: the deployment depends on it and its logical ID
/// is recomputed from every method's path and properties.
pub(crate) fn register_method(app: &mut App, api_node: NodeId, method: NodeId) -> Result<()> {
    let Some(mut state) = app.attached::<ApiState>(api_node).cloned() else {
        return Ok(());
    };
    state.methods.push(method);
    app.add_dependency(
        state.deployment,
        method,
        "a deployment snapshots the API's methods: it must come after every one of them",
    )?;
    let mut text = String::new();
    for &m in &state.methods {
        text.push_str(&app.path(m)?);
        if let Some(r) = app.node(m)?.as_resource() {
            for (k, v) in r.properties.iter() {
                let _ = write!(text, "|{k}=");
                canonical(app, v, &mut text);
            }
        }
        text.push('\n');
    }
    let path = app.path(state.deployment)?;
    let components: Vec<&str> = path.split('/').skip(1).collect();
    if let Some(natural) = logical_id_of(&components) {
        let id = format!("{natural}{:016x}", fnv1a(text.as_bytes()));
        app.override_logical_id(state.deployment, id)?;
    }
    app.attach(api_node, state)?;
    Ok(())
}

/// A rendering of `v` that names referenced nodes by path (stable from run to run, unlike node
/// indices of different apps).
fn canonical(app: &App, v: &Value, out: &mut String) {
    match v {
        Value::Ref(n) => {
            let _ = write!(out, "Ref({})", app.path(*n).unwrap_or_default());
        }
        Value::GetAtt(n, a) => {
            let _ = write!(out, "GetAtt({},{a})", app.path(*n).unwrap_or_default());
        }
        Value::List(items) => {
            out.push('[');
            for i in items {
                canonical(app, i, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (k, i) in m.iter() {
                let _ = write!(out, "{k:?}:");
                canonical(app, i, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Join(sep, items) => {
            let _ = write!(out, "Join({sep:?},");
            canonical(app, &Value::List(items.clone()), out);
            out.push(')');
        }
        Value::Sub(t, vars) => {
            let _ = write!(out, "Sub({t:?},");
            canonical(app, &Value::Map(vars.clone()), out);
            out.push(')');
        }
        other => {
            let mut refs = Vec::new();
            other.for_each_reference(&mut |n| refs.push(app.path(n).unwrap_or_default()));
            if refs.is_empty() {
                // No node ids inside: the derived form is stable.
                let _ = write!(out, "{other:?}");
            } else {
                let _ = write!(out, "Intrinsic({})", refs.join(","));
            }
        }
    }
}

/// FNV-1a, 64 bits: small, stable, enough to tell one set of methods from another.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
