//! `Role::grant` appends to the default policy's document in place: the document lists every
//! statement once, in grant order, and a grant that a failing call around it made is taken back
//! from the document and from the role's statements alike.

use gs_constructs::iam::{PolicyStatement, Role};
use gs_constructs::prelude::*;

fn statement(action: &'static str) -> PolicyStatement {
    PolicyStatement::allow([action], [Value::from("arn:aws:s3:::bucket/*")])
}

/// The `Statement` list of the role's default policy.
fn document_statements(app: &App, role: &Role) -> Vec<Value> {
    let policy = role.default_policy(app).expect("a policy after a grant");
    let resource = app
        .node(policy)
        .expect("node")
        .as_resource()
        .expect("a resource");
    resource
        .properties
        .get("PolicyDocument")
        .and_then(|d| d.as_map())
        .and_then(|d| d.get("Statement"))
        .and_then(Value::as_list)
        .expect("a statement list")
        .to_vec()
}

#[test]
fn grants_are_appended_in_order_and_a_repeated_one_is_kept_once() -> Result<()> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let role = Role::new(
        &mut app.at(stack)?,
        "Role",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    for action in [
        "s3:GetObject",
        "s3:PutObject",
        "s3:GetObject",
        "s3:DeleteObject",
    ] {
        role.grant(&mut app, statement(action))?;
    }
    let expected: Vec<Value> = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        .into_iter()
        .map(|a| statement(a).to_value())
        .collect();
    assert_eq!(document_statements(&app, &role), expected);
    assert_eq!(role.statements(&app).len(), 3);
    Ok(())
}

#[test]
fn a_grant_inside_a_failing_call_is_taken_back_from_the_document_and_the_statements() -> Result<()>
{
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let role = Role::new(
        &mut app.at(stack)?,
        "Role",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    role.grant(&mut app, statement("s3:GetObject"))?;
    let before = document_statements(&app, &role);
    let failed: Result<()> = app.atomically(|app| {
        role.grant(app, statement("s3:PutObject"))?;
        role.grant(app, statement("s3:DeleteObject"))?;
        Err(ConstructError::invalid(
            "Demo/Later",
            "a later step failed",
            "none needed",
        ))
    });
    assert!(failed.is_err());
    assert_eq!(document_statements(&app, &role), before);
    assert_eq!(role.statements(&app), [statement("s3:GetObject")]);
    // The next grant appends after what is left.
    role.grant(&mut app, statement("s3:PutObject"))?;
    assert_eq!(document_statements(&app, &role).len(), 2);
    Ok(())
}

#[test]
fn a_document_replaced_through_the_escape_hatch_is_written_again_from_the_grants() -> Result<()> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let role = Role::new(
        &mut app.at(stack)?,
        "Role",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    role.grant(&mut app, statement("s3:GetObject"))?;
    let policy = role.default_policy(&app).expect("policy");
    app.set_property(policy, "PolicyDocument", "not a document")?;
    role.grant(&mut app, statement("s3:PutObject"))?;
    let expected: Vec<Value> = ["s3:GetObject", "s3:PutObject"]
        .into_iter()
        .map(|a| statement(a).to_value())
        .collect();
    assert_eq!(document_statements(&app, &role), expected);
    Ok(())
}

#[test]
fn a_grant_naming_another_apps_resource_is_refused_and_leaves_the_document_as_it_was() -> Result<()>
{
    let mut other = App::new();
    let elsewhere = other.stack("Other", StackProps::default())?;
    let foreign = other
        .at(elsewhere)?
        .resource::<RawResource>("Bucket", Resource::new("AWS::S3::Bucket"))?;
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let role = Role::new(
        &mut app.at(stack)?,
        "Role",
        "ecs-tasks.amazonaws.com",
        Default::default(),
    )?;
    role.grant(&mut app, statement("s3:GetObject"))?;
    let before = document_statements(&app, &role);
    let refused = role.grant(
        &mut app,
        PolicyStatement::allow(
            ["s3:PutObject"],
            [Value::GetAtt(foreign.node(), "Arn".into())],
        ),
    );
    assert!(refused.is_err());
    assert_eq!(document_statements(&app, &role), before);
    assert_eq!(role.statements(&app).len(), 1);
    Ok(())
}
