//! Each stack's template written once per frozen tree ([`Tree::derived`]) and handed from its
//! first reader to its last: `cfn/limits` measures it (exactly, instead of walking every value
//! a second time for a bound), then [`crate::CfnBackend`] takes it to emit it (and `tree.json`
//! copies its properties), and frees each as soon as it is handed over.
//!
//! Only the first [`BUDGET`] bytes of templates are kept in between: a stack written after that
//! is left to the backend to write (one at a time, as it always did), and `cfn/limits` bounds
//! its size as before.

use std::sync::{Mutex, PoisonError};

use gs_core::{NodeId, Tree};

use crate::direct::PropsSpan;

/// How many bytes of templates are kept, at most (plus the last one written): a few times the
/// largest template CloudFormation takes, far more than most apps write.
pub(crate) const BUDGET: usize = 4 << 20;

/// A stack's template as written, with where each resource's properties sit in it.
pub(crate) struct Template {
    /// The template's bytes, final newline included.
    bytes: Vec<u8>,
    /// Where its resources' properties are, in template order (for `tree.json`).
    pub spans: Vec<PropsSpan>,
}

/// The templates of a tree's stacks, in [`Tree::stacks`] order.
#[derive(Default)]
pub(crate) struct Templates {
    stacks: Vec<(NodeId, Option<Result<Template, String>>)>,
}

/// The templates kept for a tree until the backend takes them.
struct Kept(Mutex<Templates>);

impl Templates {
    /// `read` of the templates of `tree`, written at the first call of this or
    /// [`Templates::take`] (those the backend took are no longer there).
    pub(crate) fn with<T>(tree: &Tree<'_>, read: impl FnOnce(&Templates) -> T) -> T {
        let kept = tree.derived(|tree| Kept(Mutex::new(Templates::write(tree, BUDGET))));
        let templates = kept.0.lock().unwrap_or_else(PoisonError::into_inner);
        read(&templates)
    }

    /// The templates of `tree`, written now unless [`Templates::with`] did: taken, so that the
    /// caller frees each when done with it. A second call gets none.
    pub(crate) fn take(tree: &Tree<'_>) -> Templates {
        let kept = tree.derived(|tree| Kept(Mutex::new(Templates::write(tree, BUDGET))));
        let mut templates = kept.0.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut *templates)
    }

    /// Every stack's template until `budget` bytes are written; the stacks after are left out.
    fn write(tree: &Tree<'_>, budget: usize) -> Templates {
        let mut written = 0usize;
        let stacks = tree
            .stacks()
            .iter()
            .map(|&stack| {
                if written >= budget {
                    return (stack, None);
                }
                let mut bytes = Vec::with_capacity(capacity(tree, stack));
                let mut spans = Vec::new();
                let template = crate::direct::template(&mut bytes, tree, stack, Some(&mut spans))
                    .map(|()| {
                        written = written.saturating_add(bytes.len());
                        // Only the room written is kept: the rest (never touched) goes back.
                        bytes.shrink_to_fit();
                        Template { bytes, spans }
                    })
                    .map_err(|e| e.to_string());
                (stack, Some(template))
            })
            .collect();
        Templates { stacks }
    }

    /// The bytes of a template of these.
    pub(crate) fn bytes<'t>(&self, template: &'t Template) -> &'t [u8] {
        &template.bytes
    }

    /// The template of `stack`, the `index`th of [`Tree::stacks`]: `None` when it was not kept
    /// (past the budget, or freed), else the template or why it could not be written.
    pub(crate) fn get(&self, index: usize, stack: NodeId) -> Option<&Result<Template, String>> {
        match self.stacks.get(index) {
            Some((s, t)) if *s == stack => t.as_ref(),
            _ => None,
        }
    }

    /// Frees the template of the `index`th stack.
    pub(crate) fn free(&mut self, index: usize) {
        if let Some((_, t)) = self.stacks.get_mut(index) {
            *t = None;
        }
    }
}

/// The room a template of `stack` is written into: enough for most (a kilobyte per element),
/// so that it is not copied as it grows (untouched room costs no page).
pub(crate) fn capacity(tree: &Tree<'_>, stack: NodeId) -> usize {
    1024 * (tree.elements(stack).len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gs_core::{App, RawResource, Resource, StackProps};

    fn app(stacks: usize) -> App {
        let mut app = App::new();
        for i in 0..stacks {
            let stack = app.stack(&format!("S{i}"), StackProps::default()).unwrap();
            app.at(stack)
                .unwrap()
                .resource::<RawResource>(
                    "Topic",
                    Resource::new("AWS::SNS::Topic").property("TopicName", "t".repeat(100 * i)),
                )
                .unwrap();
        }
        app
    }

    #[test]
    fn every_stack_is_written_as_the_direct_writer_writes_it_until_the_budget() {
        let app = app(4);
        let tree = app.freeze();
        let mut fresh = Vec::new();
        for &stack in tree.stacks() {
            let mut bytes = Vec::new();
            crate::direct::template(&mut bytes, &tree, stack, None).unwrap();
            fresh.push(bytes);
        }
        // A budget of the first two templates' size keeps those two; one byte more keeps the
        // third too (the one that passes it), not the fourth.
        for (budget, kept_stacks) in [
            (fresh[0].len() + fresh[1].len(), 2),
            (fresh[0].len() + fresh[1].len() + 1, 3),
        ] {
            let templates = Templates::write(&tree, budget);
            for (i, &stack) in tree.stacks().iter().enumerate() {
                let kept = templates.get(i, stack);
                if i < kept_stacks {
                    let kept = kept.unwrap().as_ref().unwrap();
                    assert_eq!(templates.bytes(kept), fresh[i], "stack {i}");
                    assert_eq!(kept.spans.len(), 1);
                    let span = kept.spans[0];
                    assert_eq!(templates.bytes(kept)[span.start], b'{');
                    assert_eq!(templates.bytes(kept)[span.end - 1], b'}');
                } else {
                    assert!(kept.is_none(), "stack {i} is past the budget {budget}");
                }
                // Asked for with the wrong stack, nothing is handed out.
                assert!(templates.get(i, tree.stacks()[(i + 1) % 4]).is_none());
            }
            assert!(templates.get(4, tree.stacks()[0]).is_none());
        }
    }

    #[test]
    fn the_templates_are_written_once_per_tree_and_taken_once() {
        let app = app(2);
        let tree = app.freeze();
        let stack = tree.stacks()[1];
        let first = Templates::with(&tree, |t| {
            t.bytes(t.get(1, stack).unwrap().as_ref().unwrap()).as_ptr()
        });
        let second = Templates::with(&tree, |t| {
            t.bytes(t.get(1, stack).unwrap().as_ref().unwrap()).as_ptr()
        });
        assert_eq!(first, second, "written once");
        let mut taken = Templates::take(&tree);
        assert_eq!(
            taken
                .bytes(taken.get(1, stack).unwrap().as_ref().unwrap())
                .as_ptr(),
            first
        );
        taken.free(1);
        assert!(taken.get(1, stack).is_none());
        assert!(taken.get(0, tree.stacks()[0]).is_some());
        // Taken: the next reader finds none (the backend writes them itself).
        assert!(Templates::with(&tree, |t| t
            .get(0, tree.stacks()[0])
            .is_none()));
        assert!(Templates::take(&tree).get(0, tree.stacks()[0]).is_none());
    }

    /// The size `cfn/limits` reports for each stack, and the size of its template.
    fn limits(tree: &Tree<'_>) -> Vec<(String, usize)> {
        let mut found = Vec::new();
        crate::passes::check(tree, &mut found);
        let sizes = tree.stacks().iter().map(|&stack| {
            let mut bytes = Vec::new();
            crate::direct::template(&mut bytes, tree, stack, None).unwrap();
            bytes.len()
        });
        sizes
            .zip(found.iter().filter(|d| d.message.contains("bytes")))
            .map(|(size, d)| (d.message.clone(), size))
            .collect()
    }

    #[test]
    fn cfn_limits_measures_the_kept_templates_and_bounds_the_others() {
        // The first stack's template passes the budget: the second's is not kept, and is
        // measured as before (bounds, then the template itself).
        let mut app = App::new();
        for (name, size) in [("Huge", BUDGET + 10), ("Large", 1_100_000)] {
            let stack = app.stack(name, StackProps::default()).unwrap();
            app.at(stack)
                .unwrap()
                .resource::<RawResource>(
                    "Topic",
                    Resource::new("AWS::SNS::Topic").property("TopicName", "t".repeat(size)),
                )
                .unwrap();
        }
        let tree = app.freeze();
        let found = limits(&tree);
        assert_eq!(found.len(), 2, "{found:?}");
        for (message, size) in found {
            assert_eq!(
                message,
                format!("the template has {size} bytes, more than CloudFormation's 1 MB")
            );
        }
        // The pass wrote (and kept) the first only, for the backend to take.
        let taken = Templates::take(&tree);
        let (huge, large) = (tree.stacks()[0], tree.stacks()[1]);
        assert!(taken.get(0, huge).is_some_and(|t| t.is_ok()));
        assert!(taken.get(1, large).is_none());
    }
}
