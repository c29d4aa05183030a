//! Constant folding: the string a value will be at deploy time, when only constants build it.
//!
//! A name written as `Fn::Join` of literals, `Fn::Sub` without variables (or whose variables are
//! themselves constants), or `Fn::Select` of a literal index from a literal list is as fixed as a
//! plain string, and a rule that checks names must see it. [`Value::literal_str`] gives that
//! string; anything CloudFormation decides at deploy time (a reference, a pseudo parameter, a
//! condition, a mapping, an import) makes the whole value unknown.
//!
//! The fold is bounded, whatever the value: it descends at most [`MAX_FOLD_DEPTH`] levels (so it
//! cannot overflow the stack on a deep value) and writes at most [`MAX_FOLD_LEN`] bytes in all (so
//! a `Fn::Sub` that repeats a variable at every level cannot blow up); past either bound the value
//! is unknown. Each node is folded at most once.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::value::Value;

/// The deepest nesting of intrinsic functions the fold looks through. Names nest a few levels;
/// a deeper value is treated as unknown.
pub const MAX_FOLD_DEPTH: usize = 64;

/// The most bytes one fold may build. No physical name comes close (the longest AWS names are
/// ARNs of about 2 KiB); a value that folds to more is treated as unknown.
pub const MAX_FOLD_LEN: usize = 64 * 1024;

impl Value {
    /// The string this value is at deploy time, when it is built from constants only: a literal
    /// string, `Fn::Join` of such strings, `Fn::Sub` whose `${..}` all name variables of its own
    /// map that fold (`${!x}` is the literal `${x}`), `Fn::Select` of an element of a literal
    /// list or of `Fn::Split` of a constant. `None` for anything decided at deploy time
    /// (references, pseudo parameters, `Fn::If`, `Fn::FindInMap`, imports), for other types, and
    /// past the bounds of the module.
    ///
    /// ```
    /// use gs_core::{Pseudo, Value, ValueMap};
    /// let name = Value::join("-", [Value::from("app"), Value::sub("logs")]);
    /// assert_eq!(name.literal_str().as_deref(), Some("app-logs"));
    /// let sub = Value::sub_with("/aws/${svc}/${!x}", ValueMap::new().with("svc", "redis"));
    /// assert_eq!(sub.literal_str().as_deref(), Some("/aws/redis/${x}"));
    /// let pick = Value::select(1, Value::split(",", Value::from("a,b,c")));
    /// assert_eq!(pick.literal_str().as_deref(), Some("b"));
    /// assert_eq!(Value::sub("${AWS::Region}-x").literal_str(), None);
    /// assert_eq!(Value::join("", [Value::Pseudo(Pseudo::Region)]).literal_str(), None);
    /// ```
    pub fn literal_str(&self) -> Option<Cow<'_, str>> {
        Folder::default().string(self, 0)
    }

    /// The strings of this value, when it is a list built from constants: a literal list whose
    /// items fold ([`Value::literal_str`]), or `Fn::Split` of a constant.
    ///
    /// ```
    /// use gs_core::Value;
    /// let l = Value::from(vec![Value::from("a"), Value::join("", [Value::from("b")])]);
    /// assert_eq!(l.literal_strs().map(|v| v.concat()), Some("ab".to_owned()));
    /// assert_eq!(Value::azs().literal_strs(), None);
    /// ```
    pub fn literal_strs(&self) -> Option<Vec<Cow<'_, str>>> {
        Folder::default().list(self, 0)
    }
}

/// One fold: the bytes written so far, against [`MAX_FOLD_LEN`].
#[derive(Default)]
struct Folder {
    written: usize,
}

impl Folder {
    fn push(&mut self, out: &mut String, s: &str) -> Option<()> {
        self.written = self.written.checked_add(s.len())?;
        if self.written > MAX_FOLD_LEN {
            return None;
        }
        out.push_str(s);
        Some(())
    }

    fn string<'v>(&mut self, v: &'v Value, depth: usize) -> Option<Cow<'v, str>> {
        if depth > MAX_FOLD_DEPTH {
            return None;
        }
        let depth = depth + 1;
        match v {
            Value::String(s) => Some(Cow::Borrowed(s)),
            Value::Join(sep, parts) => {
                if let [only] = parts.as_slice() {
                    return self.string(only, depth);
                }
                let mut out = String::new();
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.push(&mut out, sep)?;
                    }
                    let part = self.string(part, depth)?;
                    self.push(&mut out, &part)?;
                }
                Some(Cow::Owned(out))
            }
            Value::Sub(template, vars) => {
                if !template.contains("${") {
                    return Some(Cow::Borrowed(template));
                }
                // Each variable is folded once, however often the template names it.
                let mut folded: HashMap<&str, Cow<'v, str>> = HashMap::new();
                let mut out = String::new();
                let mut rest = template.as_str();
                while let Some(start) = rest.find("${") {
                    self.push(&mut out, &rest[..start])?;
                    let after = &rest[start + 2..];
                    if let Some(literal) = after.strip_prefix('!') {
                        self.push(&mut out, "${")?;
                        rest = literal;
                        continue;
                    }
                    let end = after.find('}')?;
                    let name = &after[..end];
                    if !folded.contains_key(name) {
                        // Not in the map: a parameter, a resource or a pseudo parameter.
                        let value = self.string(vars.get(name)?, depth)?;
                        folded.insert(name, value);
                    }
                    let value = folded.get(name)?;
                    self.push(&mut out, value)?;
                    rest = &after[end + 1..];
                }
                self.push(&mut out, rest)?;
                Some(Cow::Owned(out))
            }
            Value::Select(index, list) => {
                let index = usize::try_from(*index).ok()?;
                let mut items = self.list(list, depth)?;
                (index < items.len()).then(|| items.swap_remove(index))
            }
            _ => None,
        }
    }

    fn list<'v>(&mut self, v: &'v Value, depth: usize) -> Option<Vec<Cow<'v, str>>> {
        if depth > MAX_FOLD_DEPTH {
            return None;
        }
        let depth = depth + 1;
        match v {
            Value::List(items) => items.iter().map(|i| self.string(i, depth)).collect(),
            Value::Split(delimiter, source) if !delimiter.is_empty() => {
                match self.string(source, depth)? {
                    Cow::Borrowed(s) => {
                        Some(s.split(delimiter.as_str()).map(Cow::Borrowed).collect())
                    }
                    Cow::Owned(s) => Some(
                        s.split(delimiter.as_str())
                            .map(|p| Cow::Owned(p.to_owned()))
                            .collect(),
                    ),
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle::NodeId;
    use crate::value::{Pseudo, ValueMap};

    fn lit(v: &Value) -> Option<String> {
        v.literal_str().map(Cow::into_owned)
    }

    #[test]
    fn a_literal_string_folds_to_itself_without_copying() {
        let v = Value::from("name");
        assert!(matches!(v.literal_str(), Some(Cow::Borrowed("name"))));
    }

    #[test]
    fn a_join_of_literals_folds_to_the_joined_string() {
        let v = Value::join("/", [Value::from("/aws"), Value::from("redis"), "x".into()]);
        assert_eq!(lit(&v).as_deref(), Some("/aws/redis/x"));
        assert_eq!(lit(&Value::join("-", [])).as_deref(), Some(""));
    }

    #[test]
    fn a_join_with_any_reference_or_pseudo_parameter_is_unknown() {
        let v = Value::join("-", [Value::from("a"), Value::Pseudo(Pseudo::StackName)]);
        assert_eq!(lit(&v), None);
        let r = Value::join(
            "-",
            [
                Value::from("a"),
                Value::Ref(NodeId::new(crate::handle::AppId::fresh(), 0)),
            ],
        );
        assert_eq!(lit(&r), None);
    }

    #[test]
    fn a_sub_without_variables_folds_and_escapes_are_kept_literal() {
        assert_eq!(lit(&Value::sub("plain")).as_deref(), Some("plain"));
        assert_eq!(lit(&Value::sub("a-${!b}-c")).as_deref(), Some("a-${b}-c"));
    }

    #[test]
    fn a_sub_whose_variables_all_fold_folds_and_one_unknown_variable_makes_it_unknown() {
        let vars = ValueMap::new().with("svc", "redis").with(
            "env",
            Value::join("", [Value::from("d"), Value::from("ev")]),
        );
        let v = Value::sub_with("/aws/${svc}-${env}/${svc}", vars.clone());
        assert_eq!(lit(&v).as_deref(), Some("/aws/redis-dev/redis"));
        // Not in the map: a pseudo parameter, a resource or a parameter, decided at deploy time.
        assert_eq!(lit(&Value::sub_with("${AWS::Region}", vars.clone())), None);
        assert_eq!(lit(&Value::sub_with("${Other}", vars)), None);
        let unknown = ValueMap::new().with("x", Value::Pseudo(Pseudo::AccountId));
        assert_eq!(lit(&Value::sub_with("a${x}", unknown)), None);
        // An unclosed `${` is not something CloudFormation would resolve.
        assert_eq!(lit(&Value::sub("a${b")), None);
    }

    #[test]
    fn a_select_from_a_literal_list_or_a_split_constant_folds_and_out_of_range_is_unknown() {
        let list = Value::from(vec!["a", "b"]);
        assert_eq!(lit(&Value::select(1, list.clone())).as_deref(), Some("b"));
        assert_eq!(lit(&Value::select(2, list)), None);
        let split = Value::split(":", Value::join(":", [Value::from("x"), Value::from("y")]));
        assert_eq!(lit(&Value::select(0, split)).as_deref(), Some("x"));
        assert_eq!(lit(&Value::select(0, Value::azs())), None);
    }

    #[test]
    fn an_if_a_find_in_map_and_non_strings_are_unknown() {
        let v = Value::if_("C", Value::from("a"), Value::from("a"));
        assert_eq!(lit(&v), None);
        let m = Value::FindInMap("M".into(), Box::new("a".into()), Box::new("b".into()));
        assert_eq!(lit(&m), None);
        assert_eq!(lit(&Value::Int(3)), None);
    }

    #[test]
    fn nested_combinations_fold() {
        let inner = Value::sub_with(
            "${a}-${b}",
            ValueMap::new()
                .with("a", Value::select(0, Value::from(vec!["app"])))
                .with("b", Value::join("", [Value::sub("lo"), Value::from("gs")])),
        );
        let v = Value::join("/", [Value::from(""), Value::from("aws"), inner]);
        assert_eq!(lit(&v).as_deref(), Some("/aws/app-logs"));
    }

    #[test]
    fn a_value_deeper_than_the_bound_is_unknown_and_does_not_overflow_the_stack() {
        // 200,000 levels: far past any recursion the thread's stack could hold unbounded.
        let mut v = Value::from("x");
        for _ in 0..200_000 {
            v = Value::join("", [v]);
        }
        assert_eq!(lit(&v), None);
        // Within the bound, the same shape folds.
        let mut ok = Value::from("x");
        for _ in 0..MAX_FOLD_DEPTH {
            ok = Value::join("", [ok]);
        }
        assert_eq!(lit(&ok).as_deref(), Some("x"));
        // Dropping a deep value recurses too; leak it so the test measures the fold only.
        std::mem::forget(v);
    }

    #[test]
    fn a_sub_that_doubles_at_every_level_stops_at_the_length_bound() {
        let mut v = Value::from("xxxxxxxx");
        for _ in 0..60 {
            v = Value::sub_with("${v}${v}", ValueMap::new().with("v", v));
        }
        assert_eq!(lit(&v), None);
        let mut small = Value::from("ab");
        for _ in 0..3 {
            small = Value::sub_with("${v}${v}", ValueMap::new().with("v", small));
        }
        assert_eq!(lit(&small).map(|s| s.len()), Some(16));
    }
}
