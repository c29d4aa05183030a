//! Changes the L2s make in place (a queue policy's statement appended, a function's environment
//! variable set or replaced), journalled by what they change rather than by a copy of the
//! resource or of the construct's state: a call that fails after them leaves the app exactly as
//! it was, and one that succeeds keeps them.

use gs_constructs::lambda::{Code, Function, FunctionProps, Runtime};
use gs_constructs::prelude::*;
use gs_constructs::sqs::{Queue, QueueProps};

fn output(app: &App) -> String {
    match app.synth(&CfnBackend::default()) {
        Ok(s) => s
            .artifacts
            .iter()
            .map(|a| {
                format!(
                    "== {}\n{}\n",
                    a.file_name,
                    String::from_utf8_lossy(&a.bytes)
                )
            })
            .collect(),
        Err(e) => format!("refused: {e}"),
    }
}

fn later_failure() -> ConstructError {
    ConstructError::invalid("Demo/Later", "a later step failed", "none needed")
}

#[test]
fn environment_variables_set_by_a_failed_call_are_taken_back() -> Result<()> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let f = Function::new(
        &mut app.at(stack)?,
        "Handler",
        Runtime::Python3_12,
        "index.handler",
        Code::from_inline("def handler(event, context):\n    return 'ok'\n"),
        FunctionProps::default(),
    )?;
    f.add_environment(&mut app, "STAGE", "dev")?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        f.add_environment(app, "STAGE", "prod")?;
        f.add_environment(app, "TABLE", "orders")?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    f.add_environment(&mut app, "TABLE", "orders")?;
    let after = output(&app);
    assert!(after.contains("\"TABLE\": \"orders\""), "{after}");
    assert!(after.contains("\"STAGE\": \"dev\""), "{after}");
    Ok(())
}

#[test]
fn queue_policy_statements_added_by_a_failed_call_are_taken_back() -> Result<()> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    let queue = Queue::new(&mut app.at(stack)?, "Queue", QueueProps::default())?;
    queue.allow_service_to_send(&mut app, "events.amazonaws.com", Value::from("arn:a"))?;
    let before = output(&app);
    let failed: Result<()> = app.atomically(|app| {
        queue.allow_service_to_send(app, "events.amazonaws.com", Value::from("arn:b"))?;
        queue.allow_service_to_send(app, "sns.amazonaws.com", Value::from("arn:c"))?;
        Err(later_failure())
    });
    assert!(failed.is_err());
    assert_eq!(output(&app), before);
    queue.allow_service_to_send(&mut app, "events.amazonaws.com", Value::from("arn:b"))?;
    // The same statement again is kept once.
    queue.allow_service_to_send(&mut app, "events.amazonaws.com", Value::from("arn:b"))?;
    let after = output(&app);
    // Each statement shows as often as the first one (in the template and the tree).
    let shown = after.matches("arn:a").count();
    assert!(shown > 0, "{after}");
    assert_eq!(after.matches("arn:b").count(), shown, "{after}");
    Ok(())
}
