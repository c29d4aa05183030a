//! Paths are the ids from the stack down joined by `/`, whatever their length or characters, and
//! a scope's `child_path` is its path with the child's id appended.

use gs_core::{App, RawResource, Resource, StackProps, TreeError};

#[test]
fn paths_join_the_ids_from_the_stack_down() -> Result<(), TreeError> {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default())?;
    assert_eq!(app.path(stack)?, "Demo");
    assert_eq!(app.at(stack)?.child_path("x"), "Demo/x");
    let ids = ["Ä", "Networking", "Vpc-1_ü", "漢字", "Resource"];
    let mut at = stack.node();
    for id in ids {
        let mut s = app.at(at)?;
        assert_eq!(s.child_path(id), format!("{}/{id}", s.path()));
        at = s.group(id)?.node();
    }
    let expected = format!("Demo/{}", ids.join("/"));
    assert_eq!(app.path(at)?, expected);
    let topic = app
        .at(at)?
        .resource::<RawResource>("T", Resource::new("AWS::SNS::Topic"))?;
    let tree = app.freeze();
    assert_eq!(tree.path(topic.node()), format!("{expected}/T"));
    assert_eq!(
        tree.display_path(topic.node()).to_string(),
        format!("{expected}/T")
    );
    Ok(())
}
