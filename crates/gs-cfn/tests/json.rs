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
