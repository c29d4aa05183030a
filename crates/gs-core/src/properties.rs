//! Changing one property of a resource in place, journalled by what it changes: the value
//! replaced is moved into the undo journal (see [`App::atomically`]) rather than the whole
//! resource copied, and the new value is checked at the call, so the resource needs no second
//! walk at the end of the call or when the tree is frozen.

use std::borrow::Cow;

use crate::app::App;
use crate::error::TreeError;
use crate::handle::NodeId;
use crate::node::{NodeKind, Resource};
use crate::value::Value;

impl App {
    /// Sets one property of a resource through the escape hatch, checking the value at the call
    /// as [`Scope::resource`](crate::Scope::resource) does (references to this app only, finite
    /// numbers, depth): a bad value is refused here, with the resource's path, and the resource
    /// is left as it was. An existing property keeps its position.
    ///
    /// Inside [`App::atomically`], the value replaced is kept to put back (not a copy of the
    /// whole resource, as [`App::resource_mut`] must keep).
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps, Value};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let topic = app.at(stack)?.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
    /// app.set_property(topic, "DisplayName", "alerts")?;
    /// let mut other = App::new();
    /// let elsewhere = other.stack("Other", StackProps::default())?;
    /// let foreign = other.at(elsewhere)?.resource::<RawResource>("Key", Resource::new("AWS::KMS::Key"))?;
    /// assert!(app.set_property(topic, "KmsMasterKeyId", Value::Ref(foreign.node())).is_err());
    /// assert!(app.node(topic)?.as_resource().unwrap().properties.get("KmsMasterKeyId").is_none());
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn set_property(
        &mut self,
        node: impl Into<NodeId>,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Value>,
    ) -> Result<(), TreeError> {
        let node = node.into();
        let (name, value) = (name.into(), value.into());
        self.resource_in_place(node)?;
        self.check_references(|| self.path_of(node), std::iter::once(&value))?;
        let journalled = self.journal.active();
        let r = self.resource_in_place(node)?;
        let before = match r.properties.get_mut(&name) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None if !journalled => {
                r.properties.insert(name, value);
                return Ok(());
            }
            None => {
                r.properties.insert(name.clone(), value);
                None
            }
        };
        if journalled {
            self.journal_property_set(node, name, before);
        }
        Ok(())
    }

    /// Appends `item` to the list at `path` of the resource `node`: `path[0]` names a property,
    /// the rest the keys of maps nested in it (`["PolicyDocument", "Statement"]`). The item is
    /// checked at the call as [`App::set_property`] checks a value.
    ///
    /// Returns `Ok(None)` when appended, and `Ok(Some(item))`, the item handed back and the
    /// resource unchanged, when `path` does not lead to a list (the escape hatch replaced it,
    /// say). Inside [`App::atomically`] the append is undone by a pop, not by a copy of the
    /// resource: `n` appends to one list cost `n` pushes, not `n` copies of a growing list.
    ///
    /// ```
    /// use gs_core::{App, RawResource, Resource, StackProps, Value, ValueMap};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let doc = ValueMap::new().with("Statement", Value::List(vec![]));
    /// let policy = app.at(stack)?.resource::<RawResource>("Policy",
    ///     Resource::new("AWS::IAM::Policy").property("PolicyDocument", doc))?;
    /// assert_eq!(app.append_to_list(policy, &["PolicyDocument", "Statement"], "s1".into())?, None);
    /// let back = app.append_to_list(policy, &["PolicyDocument", "Version"], "s2".into())?;
    /// assert_eq!(back, Some(Value::from("s2")));
    /// # Ok::<(), gs_core::TreeError>(())
    /// ```
    pub fn append_to_list(
        &mut self,
        node: impl Into<NodeId>,
        path: &[&str],
        item: Value,
    ) -> Result<Option<Value>, TreeError> {
        let node = node.into();
        self.resource_in_place(node)?;
        // The item nests in the containers along `path` (maps, then the list), one each: the
        // depth limit counts them.
        self.check_references_below(|| self.path_of(node), path.len(), std::iter::once(&item))?;
        let list = self
            .nodes
            .get_mut(node.index())
            .and_then(|n| list_at(&mut n.kind, path));
        match list {
            Some(list) => list.push(item),
            None => return Ok(Some(item)),
        }
        self.journal_list_appended(node, path);
        Ok(None)
    }

    /// The resource `node`, to change in place without journalling (the caller journals the
    /// change itself); an error naming the node when it is not a resource.
    pub(crate) fn resource_in_place(&mut self, node: NodeId) -> Result<&mut Resource, TreeError> {
        self.check(node)?;
        let path = match self.nodes.get(node.index()).map(|n| &n.kind) {
            Some(NodeKind::Resource(_)) => None,
            _ => Some(self.path_of(node)),
        };
        match self.nodes.get_mut(node.index()).map(|n| &mut n.kind) {
            Some(NodeKind::Resource(r)) => Ok(r),
            _ => Err(TreeError::WrongKind {
                path: path.unwrap_or_default(),
                expected: "a resource",
                fix: "pass the handle of a resource (an L2 construct's `resource()`)",
            }),
        }
    }
}

/// The list at `path` in a resource's properties (see [`App::append_to_list`]).
pub(crate) fn list_at<'k>(
    kind: &'k mut NodeKind,
    path: &[impl AsRef<str>],
) -> Option<&'k mut Vec<Value>> {
    let NodeKind::Resource(r) = kind else {
        return None;
    };
    let (first, rest) = path.split_first()?;
    let mut at = r.properties.get_mut(first.as_ref())?;
    for key in rest {
        at = match at {
            Value::Map(m) => m.get_mut(key.as_ref())?,
            _ => return None,
        };
    }
    match at {
        Value::List(list) => Some(list),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{App, RawResource, Resource, StackProps, TreeError, Value, ValueMap};

    fn policy() -> (App, crate::NodeId) {
        let mut app = App::new();
        let stack = app.stack("Demo", StackProps::default()).unwrap();
        let doc = ValueMap::new()
            .with("Version", "2012-10-17")
            .with("Statement", Value::List(vec!["s0".into()]));
        let node = app
            .at(stack)
            .unwrap()
            .resource::<RawResource>(
                "Policy",
                Resource::new("AWS::IAM::Policy")
                    .property("PolicyDocument", doc)
                    .property("PolicyName", "p"),
            )
            .unwrap()
            .node();
        (app, node)
    }

    fn properties(app: &App, node: crate::NodeId) -> ValueMap {
        app.node(node)
            .unwrap()
            .as_resource()
            .unwrap()
            .properties
            .clone()
    }

    fn fail() -> Result<(), TreeError> {
        Err(TreeError::MissingReason {
            path: "Demo".into(),
            rule: "x".into(),
        })
    }

    #[test]
    fn set_property_in_a_failed_call_is_undone_without_copying_the_resource() {
        let (mut app, node) = policy();
        let before = properties(&app, node);
        let mut snapshots = usize::MAX;
        let failed = app.atomically(|app| {
            app.set_property(node, "PolicyName", "q")?;
            app.set_property(node, "Groups", Value::List(vec![]))?;
            app.set_property(node, "PolicyName", "r")?;
            snapshots = app.journal_snapshots();
            fail()
        });
        assert!(failed.is_err());
        assert_eq!(snapshots, 0, "the resource is not copied");
        assert_eq!(properties(&app, node), before);
        let keys: Vec<&str> = before.keys().collect();
        assert_eq!(keys, ["PolicyDocument", "PolicyName"]);
        // Kept when the call succeeds, in place.
        app.atomically(|app| app.set_property(node, "PolicyName", "kept"))
            .unwrap();
        let after = properties(&app, node);
        assert!(after.keys().eq(["PolicyDocument", "PolicyName"]));
        assert_eq!(after.get("PolicyName"), Some(&Value::from("kept")));
        // Not a resource: refused with its path.
        let stack = app.stacks()[0];
        let err = app.set_property(stack, "X", 1).unwrap_err().to_string();
        assert!(err.contains("Demo"), "{err}");
    }

    #[test]
    fn append_to_list_appends_undoes_by_a_pop_and_hands_back_what_it_cannot_place() {
        let (mut app, node) = policy();
        let path = ["PolicyDocument", "Statement"];
        assert_eq!(app.append_to_list(node, &path, "s1".into()).unwrap(), None);
        let before = properties(&app, node);
        let mut snapshots = usize::MAX;
        let failed = app.atomically(|app| {
            app.append_to_list(node, &path, "s2".into())?;
            app.append_to_list(node, &path, "s3".into())?;
            snapshots = app.journal_snapshots();
            fail()
        });
        assert!(failed.is_err());
        assert_eq!(snapshots, 0, "the resource is not copied");
        assert_eq!(properties(&app, node), before);
        let list = |app: &App| {
            properties(app, node)
                .get("PolicyDocument")
                .and_then(|d| d.as_map()?.get("Statement").cloned())
        };
        assert_eq!(list(&app), Some(Value::from(vec!["s0", "s1"])));
        // Not a list there: handed back, nothing changed.
        for missing in [&["PolicyDocument", "Version"][..], &["Nope"], &[]] {
            let back = app.append_to_list(node, missing, "x".into()).unwrap();
            assert_eq!(back, Some(Value::from("x")), "{missing:?}");
        }
        assert_eq!(properties(&app, node), before);
    }

    #[test]
    fn append_to_list_checks_the_item_where_it_lands() {
        let (mut app, node) = policy();
        let path = ["PolicyDocument", "Statement"];
        let mut other = App::new();
        let s = other.stack("Other", StackProps::default()).unwrap();
        let foreign = other
            .at(s)
            .unwrap()
            .resource::<RawResource>("K", Resource::new("AWS::KMS::Key"))
            .unwrap()
            .node();
        assert!(app
            .append_to_list(node, &path, Value::Ref(foreign))
            .is_err());
        assert!(app.append_to_list(node, &path, f64::NAN.into()).is_err());
        // A list nested so that it fits alone but not under the document and its list.
        let mut deep = Value::from("leaf");
        for _ in 0..crate::MAX_VALUE_DEPTH - 1 {
            deep = Value::List(vec![deep]);
        }
        assert!(app
            .check_references(String::new, std::iter::once(&deep))
            .is_ok());
        let err = app
            .append_to_list(node, &path, deep)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Demo/Policy"), "{err}");
        let list = properties(&app, node);
        let statements = list
            .get("PolicyDocument")
            .and_then(|d| d.as_map()?.get("Statement").cloned());
        assert_eq!(statements, Some(Value::from(vec!["s0"])));
    }
}
