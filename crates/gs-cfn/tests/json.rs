//! `pretty_json` writes what serde_json's pretty printer writes, byte for byte, for any value
//! and indent: templates, manifests and reports keep their bytes.

use proptest::prelude::*;
use serde_json::Value;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "[ -~\\u{0}-\\u{1f}\"\\\\é]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-z\"]{0,4}", inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn pretty_json_is_serde_jsons_pretty_printer(value in json(), indent in "[ \t]{0,3}") {
        let mut expected = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
        serde::Serialize::serialize(&value, &mut serde_json::Serializer::with_formatter(&mut expected, formatter)).unwrap();
        prop_assert_eq!(
            String::from_utf8(gs_cfn::pretty_json(&value, &indent).unwrap()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}

#[test]
fn nested_empty_and_full_containers_close_as_serde_json_closes_them() {
    let value = serde_json::json!({"a": [[1], [], {}], "b": {"c": {"d": []}}, "e": []});
    assert_eq!(
        gs_cfn::pretty_json(&value, "  ").unwrap(),
        serde_json::to_vec_pretty(&value).unwrap()
    );
}

/// What the fast writer leaves to serde_json (variants with data, bytes, keys that are not
/// strings) and what it copies itself (structs, options, tuples, unit variants, escapes) come
/// out as serde_json writes them.
#[test]
fn values_beyond_json_values_come_out_as_serde_json_writes_them() {
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    enum Kind {
        Plain,
        Newtype(u8),
        Tuple(u8, char),
        Struct { a: bool },
    }
    #[derive(serde::Serialize)]
    struct Unit;
    #[derive(serde::Serialize)]
    struct Pair(i128, f32);
    #[derive(serde::Serialize)]
    struct Everything {
        kinds: Vec<Kind>,
        unit: Unit,
        pair: Pair,
        tuple: (u128, (), Option<&'static str>),
        text: &'static str,
        plain_keys: BTreeMap<Option<&'static str>, char>,
    }
    let plain = |kinds| Everything {
        kinds,
        unit: Unit,
        pair: Pair(-1 << 100, 1.5),
        tuple: (1 << 100, (), Some("a\u{7f}\u{1}\"\\\n")),
        text: "tab\there, quote \" é",
        plain_keys: [(Some("k"), '\u{0}')].into_iter().collect(),
    };
    let numbered: BTreeMap<u32, Vec<u8>> = [(1, vec![]), (2, vec![3])].into_iter().collect();
    let check = |value: &dyn erased::Json| {
        assert_eq!(
            String::from_utf8(value.pretty()).unwrap(),
            String::from_utf8(value.serde_json()).unwrap()
        );
    };
    check(&plain(vec![Kind::Plain, Kind::Plain]));
    check(&plain(vec![Kind::Plain, Kind::Newtype(1)]));
    check(&plain(vec![Kind::Tuple(1, 'c')]));
    check(&plain(vec![Kind::Struct { a: true }]));
    check(&numbered);
    check(&serde_bytes_like());
}

/// A value that serializes as bytes (serde_json writes an array of numbers).
fn serde_bytes_like() -> impl serde::Serialize {
    struct Bytes;
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b"ab")
        }
    }
    Bytes
}

mod erased {
    /// A value written both ways, behind one object type.
    pub trait Json {
        fn pretty(&self) -> Vec<u8>;
        fn serde_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Vec<u8> {
            gs_cfn::pretty_json(self, "  ").unwrap()
        }
        fn serde_json(&self) -> Vec<u8> {
            serde_json::to_vec_pretty(self).unwrap()
        }
    }
}
