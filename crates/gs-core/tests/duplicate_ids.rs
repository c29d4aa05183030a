//! A duplicate id under one parent is refused whatever the number of siblings (a parent with
//! few children compares with them, one with many keeps a set of their ids), and an id freed by
//! a failed call can be used again.

use gs_core::{App, RawResource, Resource, StackProps, TreeError};

#[test]
fn a_duplicate_id_is_refused_among_few_and_among_many_siblings() -> Result<(), TreeError> {
    for siblings in [0usize, 1, 15, 16, 17, 40] {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default())?;
        let mut s = app.at(stack)?;
        for i in 0..siblings {
            s.resource::<RawResource>(&format!("Topic{i}"), Resource::new("AWS::SNS::Topic"))?;
        }
        s.group("Last")?;
        for id in (0..siblings)
            .map(|i| format!("Topic{i}"))
            .chain(["Last".to_string()])
        {
            let again = s.resource::<RawResource>(&id, Resource::new("AWS::SNS::Topic"));
            assert!(
                matches!(again, Err(TreeError::DuplicateId { .. })),
                "{id} among {siblings}"
            );
        }
        assert_eq!(app.node(stack)?.children().len(), siblings + 1);
    }
    Ok(())
}

#[test]
fn an_id_a_failed_call_added_is_free_again_among_few_and_among_many_siblings(
) -> Result<(), TreeError> {
    for siblings in [3usize, 16, 30] {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default())?;
        for i in 0..siblings {
            app.at(stack)?
                .resource::<RawResource>(&format!("Topic{i}"), Resource::new("AWS::SNS::Topic"))?;
        }
        let failed: Result<(), TreeError> = app.atomically(|app| {
            let mut s = app.at(stack)?;
            s.resource::<RawResource>("New", Resource::new("AWS::SNS::Topic"))?;
            s.resource::<RawResource>("New", Resource::new("AWS::SNS::Topic"))?;
            Ok(())
        });
        assert!(matches!(failed, Err(TreeError::DuplicateId { .. })));
        app.at(stack)?
            .resource::<RawResource>("New", Resource::new("AWS::SNS::Topic"))?;
        assert!(app
            .at(stack)?
            .resource::<RawResource>("New", Resource::new("AWS::SNS::Topic"))
            .is_err());
    }
    Ok(())
}
