//! Reading emitted properties in passes: nested lookups on `Value` maps, so passes can check
//! resources built through the raw escape hatch as well as typed ones.

use std::borrow::Cow;

use gs_core::{Value, ValueMap};

/// The value at `path` (map keys) below `map`.
pub(crate) fn at<'v>(map: &'v ValueMap, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let mut v = map.get(first)?;
    for key in rest {
        v = v.as_map()?.get(key)?;
    }
    Some(v)
}

/// The maps of the list at `key` (elements that are not maps are skipped).
pub(crate) fn maps<'v>(map: &'v ValueMap, key: &str) -> impl Iterator<Item = &'v ValueMap> {
    map.get(key)
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_map)
}

/// The string at `path`, when constants alone build it: a literal, or `Fn::Join`, `Fn::Sub` or
/// `Fn::Select` of constants ([`Value::literal_str`]). A name written that way is as fixed as a
/// literal, and the rules must judge it the same.
pub(crate) fn str_at<'v>(map: &'v ValueMap, path: &[&str]) -> Option<Cow<'v, str>> {
    at(map, path).and_then(Value::literal_str)
}

/// Whether the string at `path` is `expected` (after folding constants, as [`str_at`]).
pub(crate) fn str_is(map: &ValueMap, path: &[&str], expected: &str) -> bool {
    str_at(map, path).as_deref() == Some(expected)
}

/// Whether the value at `path` is literally `true` (or the string `"true"`, which
/// CloudFormation accepts for booleans).
pub(crate) fn is_true(map: &ValueMap, path: &[&str]) -> bool {
    match at(map, path) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}
