//! [`Match`]: patterns for template assertions, and the engine that tests a value against one.
//!
//! A pattern is JSON in which matchers may stand for any value. A matcher is encoded as an object
//! with the key [`MATCHER_KEY`], so that `serde_json::json!` can embed one anywhere
//! (`json!({"Tags": Match::absent()})`): [`Match`] serializes to that object. The engine reads
//! the encoding back; nothing else in a template uses that key.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value as Json};

use super::error::Mismatch;

/// The key that marks an encoded matcher inside a pattern.
pub const MATCHER_KEY: &str = "$gs:match";

/// How deep a pattern may nest; deeper parts are reported as mismatches instead of being walked
/// (no unbounded recursion on user values). Templates gs writes are shallower.
pub const MAX_PATTERN_DEPTH: usize = 128;

/// A pattern that a template value is tested against, as `Match` of `aws-cdk-lib/assertions`.
///
/// Plain JSON converts into a `Match` (`json!({...}).into()`): at the top of an assertion, and
/// for nested objects, it matches as [`Match::object_like`] (extra keys allowed, recursively);
/// arrays in it match exactly (same length, in order, objects inside them still partially);
/// numbers by value (`1` equals `1.0`); other values by equality.
///
/// ```
/// use gs_constructs::assertions::Match;
/// use serde_json::json;
///
/// let actual = json!({"Name": "logs-prod", "Tags": [{"Key": "env", "Value": "prod"}]});
/// let pattern = json!({
///     "Name": Match::string_like_regexp("^logs-"),
///     "Tags": Match::array_with(json!([{"Key": "env", "Value": "prod"}])),
///     "KmsKeyId": Match::absent(),
/// });
/// assert!(Match::from(pattern).test(&actual).is_ok());
/// let mismatches = Match::object_equals(json!({"Name": "logs-prod"})).test(&actual).unwrap_err();
/// assert_eq!(mismatches[0].to_string(), "at /Tags: unexpected key Tags");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Match(Json);

impl Match {
    fn encode(kind: &str, pattern: Option<Json>) -> Match {
        let mut m = Map::new();
        m.insert(MATCHER_KEY.into(), Json::String(kind.into()));
        if let Some(p) = pattern {
            m.insert("pattern".into(), p);
        }
        Match(Json::Object(m))
    }

    /// An object with at least the pattern's keys, each matching (nested literal objects
    /// partially too); the target may have more keys.
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// assert!(Match::object_like(json!({"A": 1})).test(&json!({"A": 1, "B": 2})).is_ok());
    /// ```
    pub fn object_like(pattern: impl Into<Json>) -> Match {
        Match::encode("object_like", Some(pattern.into()))
    }

    /// An object with exactly the pattern's keys, each matching (nested literal objects exactly).
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// assert!(Match::object_equals(json!({"A": 1})).test(&json!({"A": 1, "B": 2})).is_err());
    /// ```
    pub fn object_equals(pattern: impl Into<Json>) -> Match {
        Match::encode("object_equals", Some(pattern.into()))
    }

    /// An array that contains the pattern's elements in this order, possibly with others
    /// between them. Literal objects among the elements match exactly (as in CDK); wrap one in
    /// [`Match::object_like`] to match it partially.
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// let m = Match::array_with(json!([1, Match::object_like(json!({"K": "b"}))]));
    /// assert!(m.test(&json!([0, 1, 2, {"K": "b", "V": 3}])).is_ok());
    /// assert!(m.test(&json!([{"K": "b"}, 1])).is_err()); // order matters
    /// ```
    pub fn array_with(pattern: impl Into<Json>) -> Match {
        Match::encode("array_with", Some(pattern.into()))
    }

    /// An array of exactly the pattern's elements, in order.
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// assert!(Match::array_equals(json!([1, 2])).test(&json!([1, 2, 3])).is_err());
    /// ```
    pub fn array_equals(pattern: impl Into<Json>) -> Match {
        Match::encode("array_equals", Some(pattern.into()))
    }

    /// Deep equality: objects at every level must have exactly the pattern's keys. Matchers
    /// nested in the pattern still apply.
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// let m = Match::exact(json!({"A": {"B": 1}}));
    /// assert!(m.test(&json!({"A": {"B": 1}})).is_ok());
    /// assert!(m.test(&json!({"A": {"B": 1, "C": 2}})).is_err());
    /// ```
    pub fn exact(pattern: impl Into<Json>) -> Match {
        Match::encode("exact", Some(pattern.into()))
    }

    /// Anything that does not match the pattern.
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// assert!(Match::not(json!("Delete")).test(&json!("Retain")).is_ok());
    /// ```
    pub fn not(pattern: impl Into<Json>) -> Match {
        Match::encode("not", Some(pattern.into()))
    }

    /// The key must not be present (use it as the value of an object key).
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// let m = Match::object_like(json!({"DeletionPolicy": Match::absent()}));
    /// assert!(m.test(&json!({"Type": "AWS::SQS::Queue"})).is_ok());
    /// assert!(m.test(&json!({"DeletionPolicy": "Retain"})).is_err());
    /// ```
    pub fn absent() -> Match {
        Match::encode("absent", None)
    }

    /// Any value but `null` (the key must be present).
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// let m = Match::object_like(json!({"KmsKeyId": Match::any_value()}));
    /// assert!(m.test(&json!({"KmsKeyId": {"Ref": "Key"}})).is_ok());
    /// assert!(m.test(&json!({})).is_err());
    /// ```
    pub fn any_value() -> Match {
        Match::encode("any_value", None)
    }

    /// A string in which the regular expression finds a match (unanchored, `^` and `$` match at
    /// line ends, as CDK's `stringLikeRegexp`). The syntax is
    /// [regex-lite](https://docs.rs/regex-lite)'s: Rust's `regex` without Unicode classes. An
    /// invalid expression is reported as a mismatch.
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// assert!(Match::string_like_regexp(r"^arn:aws:s3:::").test(&json!("arn:aws:s3:::b")).is_ok());
    /// assert!(Match::string_like_regexp("prod$").test(&json!("stage")).is_err());
    /// ```
    pub fn string_like_regexp(pattern: &str) -> Match {
        Match::encode("string_like_regexp", Some(Json::String(pattern.into())))
    }

    /// A string holding JSON that, parsed, matches the pattern (exactly, unless the pattern is
    /// itself a matcher such as [`Match::object_like`]).
    ///
    /// ```
    /// # use gs_constructs::assertions::Match; use serde_json::json;
    /// let m = Match::serialized_json(Match::object_like(json!({"Version": "2012-10-17"})));
    /// assert!(m.test(&json!(r#"{"Version":"2012-10-17","Statement":[]}"#)).is_ok());
    /// ```
    pub fn serialized_json(pattern: impl Into<Json>) -> Match {
        Match::encode("serialized_json", Some(pattern.into()))
    }

    /// Tests `actual` against this pattern: `Ok` when it matches, else every mismatch with its
    /// JSON path.
    pub fn test(&self, actual: &Json) -> Result<(), Vec<Mismatch>> {
        let failures = self.failures(Some(actual));
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.into_iter().map(|f| f.mismatch).collect())
        }
    }

    pub(crate) fn failures(&self, actual: Option<&Json>) -> Vec<Failure> {
        let mut t = Tester::default();
        t.test(&self.0, actual, true, 0);
        t.failures
    }

    /// Whether this is [`Match::absent`].
    pub(crate) fn is_absent(&self) -> bool {
        matches!(matcher_of(&self.0), Some(("absent", _)))
    }

    /// The pattern, encoded as JSON.
    pub fn as_json(&self) -> &Json {
        &self.0
    }
}

impl From<Json> for Match {
    fn from(pattern: Json) -> Match {
        Match(pattern)
    }
}

impl From<Match> for Json {
    fn from(m: Match) -> Json {
        m.0
    }
}

/// Serializes as the encoded matcher, so `json!` can embed a `Match` in a pattern.
impl Serialize for Match {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A mismatch as the engine records it: where, what, and what it costs (informational notes
/// cost 0, so they do not count against a candidate).
pub(crate) struct Failure {
    pub mismatch: Mismatch,
    pub cost: usize,
}

/// The kind and pattern of an encoded matcher, if `p` is one.
fn matcher_of(p: &Json) -> Option<(&str, Option<&Json>)> {
    let m = p.as_object()?;
    let kind = m.get(MATCHER_KEY)?.as_str()?;
    Some((kind, m.get("pattern")))
}

fn type_of(v: Option<&Json>) -> &'static str {
    match v {
        None => "nothing",
        Some(Json::Null) => "null",
        Some(Json::Bool(_)) => "boolean",
        Some(Json::Number(_)) => "number",
        Some(Json::String(_)) => "string",
        Some(Json::Array(_)) => "array",
        Some(Json::Object(_)) => "object",
    }
}

/// Walks a pattern and the value it is tested against; `path` is where both are.
#[derive(Default)]
struct Tester {
    path: Vec<String>,
    failures: Vec<Failure>,
}

impl Tester {
    fn fail(&mut self, message: String) {
        self.fail_costing(message, 1);
    }

    fn fail_costing(&mut self, message: String, cost: usize) {
        self.failures.push(Failure {
            mismatch: Mismatch {
                path: pointer(&self.path),
                message,
            },
            cost,
        });
    }

    fn wrong_type(&mut self, expected: &str, actual: &Json) {
        let received = type_of(Some(actual));
        self.fail(format!(
            "expected {expected} but received {received} {}",
            abridged(actual)
        ));
    }

    fn at(&mut self, key: String, f: impl FnOnce(&mut Tester)) {
        self.path.push(key);
        f(self);
        self.path.pop();
    }

    /// Whether `pattern` matches `actual`, without recording anything.
    fn try_test(&self, pattern: &Json, actual: &Json, partial: bool, depth: usize) -> Tester {
        let mut t = Tester {
            path: self.path.clone(),
            failures: Vec::new(),
        };
        t.test(pattern, Some(actual), partial, depth);
        t
    }

    /// Tests `actual` (`None`: the key is missing) against `pattern`; literal objects in the
    /// pattern match partially when `partial`.
    fn test(&mut self, pattern: &Json, actual: Option<&Json>, partial: bool, depth: usize) {
        if depth > MAX_PATTERN_DEPTH {
            return self.fail(format!(
                "the pattern nests deeper than {MAX_PATTERN_DEPTH} levels; match this part with a shallower pattern"
            ));
        }
        let depth = depth + 1;
        if let Some((kind, inner)) = matcher_of(pattern) {
            return self.matcher(kind, inner, actual, depth);
        }
        let Some(actual) = actual else {
            return self.fail(format!("expected {} but found nothing", abridged(pattern)));
        };
        match pattern {
            Json::Object(p) => self.object(p, actual, partial, depth),
            Json::Array(p) => self.array_equals(p, actual, partial, depth),
            Json::Number(n) => {
                let same = match actual {
                    Json::Number(a) => a == n || a.as_f64() == n.as_f64(),
                    _ => false,
                };
                if !same {
                    self.literal_failure(pattern, actual);
                }
            }
            _ if pattern != actual => self.literal_failure(pattern, actual),
            _ => {}
        }
    }

    fn literal_failure(&mut self, pattern: &Json, actual: &Json) {
        if type_of(Some(pattern)) != type_of(Some(actual)) {
            self.fail(format!(
                "expected {} {} but received {} {}",
                type_of(Some(pattern)),
                abridged(pattern),
                type_of(Some(actual)),
                abridged(actual)
            ));
        } else {
            self.fail(format!(
                "expected {} but received {}",
                abridged(pattern),
                abridged(actual)
            ));
        }
    }

    fn matcher(&mut self, kind: &str, inner: Option<&Json>, actual: Option<&Json>, depth: usize) {
        let null = Json::Null;
        let p = inner.unwrap_or(&null);
        match (kind, actual) {
            ("absent", None) => {}
            ("absent", Some(a)) => self.fail(format!(
                "received {}, but the key should be absent",
                abridged(a)
            )),
            ("any_value", None | Some(Json::Null)) => {
                self.fail("expected a value but found none".into())
            }
            ("any_value", Some(_)) => {}
            ("not", Some(a)) => {
                if self.try_test(p, a, false, depth).failures.is_empty() {
                    self.fail(format!("found {}, which the pattern excludes", abridged(a)));
                }
            }
            (_, None) => self.fail(format!("missing: expected {kind}({})", abridged(p))),
            ("object_like" | "object_equals", Some(a)) => match p {
                Json::Object(p) => self.object(p, a, kind == "object_like", depth),
                _ => self.fail(format!(
                    "{kind} needs an object pattern, got {}",
                    abridged(p)
                )),
            },
            ("array_with" | "array_equals", Some(a)) => match p {
                Json::Array(p) if kind == "array_with" => self.array_with(p, a, depth),
                Json::Array(p) => self.array_equals(p, a, false, depth),
                _ => self.fail(format!(
                    "{kind} needs an array pattern, got {}",
                    abridged(p)
                )),
            },
            ("exact", Some(a)) => self.test(p, Some(a), false, depth),
            ("string_like_regexp", Some(a)) => self.regexp(p, a),
            ("serialized_json", Some(a)) => self.serialized_json(p, a, depth),
            (_, Some(_)) => self.fail(format!(
                "unknown matcher {kind:?}; build patterns with the functions of Match"
            )),
        }
    }

    fn object(&mut self, p: &Map<String, Json>, actual: &Json, partial: bool, depth: usize) {
        let Json::Object(a) = actual else {
            return self.wrong_type("an object", actual);
        };
        if !partial {
            for key in a.keys().filter(|k| !p.contains_key(*k)) {
                self.at(key.clone(), |t| t.fail(format!("unexpected key {key}")));
            }
        }
        for (key, pv) in p {
            self.at(key.clone(), |t| match a.get(key) {
                None if !matches!(matcher_of(pv), Some(("absent", _))) => {
                    t.fail(format!("missing key '{key}'"))
                }
                found => t.test(pv, found, partial, depth),
            });
        }
    }

    fn array_equals(&mut self, p: &[Json], actual: &Json, partial: bool, depth: usize) {
        let Json::Array(a) = actual else {
            return self.wrong_type("an array", actual);
        };
        for (i, (pv, av)) in p.iter().zip(a).enumerate() {
            self.at(i.to_string(), |t| t.test(pv, Some(av), partial, depth));
        }
        if p.len() != a.len() {
            let i = p.len().min(a.len());
            let what = if p.len() > a.len() {
                "not enough"
            } else {
                "too many"
            };
            self.at(i.to_string(), |t| {
                t.fail(format!(
                    "{what} elements in array (expected {}, got {})",
                    p.len(),
                    a.len()
                ))
            });
        }
    }

    /// CDK's subsequence search: each pattern element takes the first element after the
    /// previous one's that matches it. When one finds none, the closest element is reported.
    fn array_with(&mut self, p: &[Json], actual: &Json, depth: usize) {
        let Json::Array(a) = actual else {
            return self.wrong_type("an array", actual);
        };
        let mut next = 0;
        for (pi, pv) in p.iter().enumerate() {
            if matches!(matcher_of(pv), Some(("absent", _))) {
                return self.fail(format!(
                    "array_with pattern element {pi} is absent(), which no element can match; test the array's length instead"
                ));
            }
            let mut closest: Option<(usize, usize, Tester)> = None;
            let mut found = false;
            while next < a.len() {
                self.path.push(next.to_string());
                let t = self.try_test(pv, &a[next], false, depth);
                self.path.pop();
                next += 1;
                let cost = t.failures.iter().map(|f| f.cost).sum::<usize>();
                if cost == 0 {
                    found = true;
                    break;
                }
                if closest.as_ref().map_or(true, |c| cost < c.1) {
                    closest = Some((next - 1, cost, t));
                }
            }
            if found {
                continue;
            }
            match closest {
                Some((i, _, t)) => {
                    self.at(i.to_string(), |s| {
                        s.fail_costing(
                            format!("array_with pattern element {pi} matches no element; the closest is element {i}"),
                            0,
                        )
                    });
                    self.failures.extend(t.failures);
                }
                None => self.at(a.len().to_string(), |t| {
                    t.fail(format!(
                        "array_with pattern element {pi} matches no element: no more elements to try (array has {})",
                        a.len()
                    ))
                }),
            }
            return;
        }
    }

    fn regexp(&mut self, p: &Json, actual: &Json) {
        let Some(source) = p.as_str() else {
            return self.fail(format!(
                "string_like_regexp needs a string pattern, got {}",
                abridged(p)
            ));
        };
        let re = match regex_lite::Regex::new(&format!("(?m){source}")) {
            Ok(re) => re,
            Err(e) => {
                return self.fail(format!(
                    "invalid regular expression {source:?}: {e}; fix the pattern"
                ))
            }
        };
        match actual.as_str() {
            Some(s) if re.is_match(s) => {}
            Some(s) => self.fail(format!("string {s:?} does not match /{source}/")),
            None => self.wrong_type(&format!("a string matching /{source}/"), actual),
        }
    }

    fn serialized_json(&mut self, p: &Json, actual: &Json, depth: usize) {
        let Some(s) = actual.as_str() else {
            return self.wrong_type("JSON in a string", actual);
        };
        let parsed: Json = match serde_json::from_str(s) {
            Ok(v) => v,
            Err(e) => return self.fail(format!("invalid JSON string {s:?}: {e}")),
        };
        let before = self.failures.len();
        self.test(p, Some(&parsed), false, depth);
        if self.failures.len() > before {
            self.fail_costing("the JSON encoded in this string does not match".into(), 0);
        }
    }
}

/// `path` as a JSON pointer (RFC 6901): `/Properties/Tags/0/Key`.
pub(crate) fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// A value in one short line, as CDK abridges it: scalars whole (long strings cut), containers
/// by their size unless tiny.
pub(crate) fn abridged(v: &Json) -> String {
    match v {
        Json::String(s) if s.chars().count() > 80 => {
            let cut: String = s.chars().take(77).collect();
            format!("{:?}", format!("{cut}..."))
        }
        Json::Array(a) if a.is_empty() => "[]".into(),
        Json::Array(a) if a.len() == 1 && !is_container(&a[0]) => format!("[{}]", abridged(&a[0])),
        Json::Array(a) => format!("[...{} elements]", a.len()),
        Json::Object(m) => match (matcher_of(v), m.iter().next()) {
            (Some((kind, Some(p))), _) => format!("{kind}({})", abridged(p)),
            (Some((kind, None)), _) => format!("{kind}()"),
            (None, None) => "{}".into(),
            (None, Some((k, x))) if m.len() == 1 && !is_container(x) => {
                format!("{{{k:?}: {}}}", abridged(x))
            }
            (None, Some((k, _))) if m.len() == 1 => format!("{{{k:?}: ...}}"),
            (None, _) => format!("{{...{} keys}}", m.len()),
        },
        other => other.to_string(),
    }
}

fn is_container(v: &Json) -> bool {
    matches!(v, Json::Array(_) | Json::Object(_))
}
