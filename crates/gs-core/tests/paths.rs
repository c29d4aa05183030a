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

#[test]
fn a_frozen_trees_paths_are_the_apps_for_every_node_of_every_stack() -> Result<(), TreeError> {
    let mut app = App::new();
    let mut nodes = Vec::new();
    for stack in ["One", "Two"] {
        let stack = app.stack(stack, StackProps::default())?;
        nodes.push(stack.node());
        // A deep chain and a few siblings at each level, interleaved across the stacks.
        let mut at = stack.node();
        for depth in 0..20 {
            let sibling = app.at(at)?.group(&format!("s{depth}é"))?.node();
            nodes.push(sibling);
            at = app.at(at)?.group(&format!("g{depth}"))?.node();
            nodes.push(at);
        }
        let topic = app
            .at(at)?
            .resource::<RawResource>("T", Resource::new("AWS::SNS::Topic"))?;
        nodes.push(topic.node());
    }
    let expected: Vec<String> = nodes
        .iter()
        .map(|&n| app.path(n))
        .collect::<Result<_, _>>()?;
    assert!(expected.iter().any(|p| p.matches('/').count() == 21));
    let other = App::new().stack("Other", StackProps::default())?;
    let tree = app.freeze();
    for (n, path) in nodes.iter().zip(&expected) {
        assert_eq!(tree.path_str(*n), path);
        assert_eq!(&tree.path(*n), path);
    }
    assert_eq!(tree.path_str(other.node()), "(a node of another app)");
    Ok(())
}
