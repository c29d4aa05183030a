//! Dropping a [`Value`] without recursion: gs refuses a value nested deeper than
//! [`MAX_VALUE_DEPTH`](crate::MAX_VALUE_DEPTH), but the refused value (or one a caller built and
//! let go) must still be dropped, and the compiler's drop glue would recurse once per level:
//! 100,000 nested lists overflow the main thread's stack.

use crate::value::Value;

impl Drop for Value {
    fn drop(&mut self) {
        // The common case, a value whose children hold no values: the glue goes one level down.
        if !has_grandchildren(self) {
            return;
        }
        let mut pending = Vec::new();
        move_children(self, &mut pending);
        while let Some(mut v) = pending.pop() {
            move_children(&mut v, &mut pending);
            // `v` holds no values now: dropping it here recurses no further.
        }
    }
}

/// Whether a child of `v` holds values itself.
fn has_grandchildren(v: &Value) -> bool {
    let mut any = false;
    v.for_each_child(&mut |child| any = any || holds_values(child));
    any
}

/// Whether `v` holds any value.
fn holds_values(v: &Value) -> bool {
    let mut any = false;
    v.for_each_child(&mut |_| any = true);
    any
}

/// Moves the values `v` holds into `out`, leaving `v` without any: the owning twin of
/// [`Value::for_each_child`], over the same variants.
fn move_children(v: &mut Value, out: &mut Vec<Value>) {
    let mut take = |b: &mut Value| out.push(std::mem::replace(b, Value::Null));
    match v {
        Value::List(items) | Value::Join(_, items) | Value::And(items) | Value::Or(items) => {
            out.append(items)
        }
        Value::Map(m) | Value::Sub(_, m) => {
            out.extend(std::mem::take(m).into_iter().map(|(_, child)| child))
        }
        Value::Select(_, a)
        | Value::Split(_, a)
        | Value::GetAzs(a)
        | Value::ImportValue(a)
        | Value::Base64(a)
        | Value::Cidr(a, _, _)
        | Value::Not(a) => take(a),
        Value::If(_, a, b) | Value::FindInMap(_, a, b) | Value::Equals(a, b) => {
            take(a);
            take(b);
        }
        Value::Null
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::String(_)
        | Value::Ref(_)
        | Value::GetAtt(..)
        | Value::Pseudo(_)
        | Value::Condition(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::{Value, ValueMap};

    /// A value nested `depth` levels, alternating the kinds that hold values.
    fn nested(depth: usize) -> Value {
        let mut v = Value::from("leaf");
        for i in 0..depth {
            v = match i % 4 {
                0 => Value::List(vec![v, Value::Int(1)]),
                1 => Value::Map(ValueMap::new().with("k", v)),
                2 => Value::Base64(Box::new(v)),
                _ => Value::If("C".into(), Box::new(v), Box::new(Value::Null)),
            };
        }
        v
    }

    #[test]
    fn a_value_nested_far_deeper_than_the_stack_allows_drops_without_overflowing() {
        // On a 256 KB thread the drop glue alone overflows at a few thousand levels.
        let dropped = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| drop(nested(200_000)))
            .expect("spawn")
            .join();
        assert!(dropped.is_ok());
    }

    #[test]
    fn a_shallow_value_drops_as_it_is_and_a_clone_stays_whole() {
        let v = nested(50);
        let copy = v.clone();
        drop(v);
        assert_eq!(copy, nested(50));
    }
}
