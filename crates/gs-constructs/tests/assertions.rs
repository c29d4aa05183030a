//! The assertions module through its public API: each assertion and matcher matches what it
//! should and refuses what it should, and a failure names the closest candidate and the paths
//! where it differs.

mod support;

use gs_constructs::assertions::{AssertionError, Match, Section, Template, MAX_PATTERN_DEPTH};
use gs_constructs::prelude::*;
use serde_json::{json, Value as Json};

fn buckets() -> Template {
    Template::from_json(json!({
        "Parameters": {
            "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}
        },
        "Resources": {
            "Logs": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": "logs-prod",
                    "VersioningConfiguration": {"Status": "Suspended"},
                    "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "data"}]
                }
            },
            "Media": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "DependsOn": ["Key", "Logs"],
                "Properties": {
                    "BucketName": "media-prod",
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "Key"}}}
                    ]}
                }
            },
            "Key": {"Type": "AWS::KMS::Key"},
            "Policy": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {"PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"}
            }
        },
        "Outputs": {
            "MediaArn": {"Value": {"Fn::GetAtt": ["Media", "Arn"]}, "Export": {"Name": "media-arn"}}
        }
    }))
}

fn no_match(e: AssertionError) -> (Section, usize, Vec<String>, Vec<String>) {
    match e {
        AssertionError::NoMatch {
            section,
            analyzed,
            closest,
            ..
        } => {
            let ids = closest.iter().map(|c| c.logical_id.clone()).collect();
            let paths = closest
                .first()
                .map(|c| c.mismatches.iter().map(|m| m.to_string()).collect())
                .unwrap_or_default();
            (section, analyzed, ids, paths)
        }
        other => panic!("expected NoMatch, got {other}"),
    }
}

#[test]
fn resource_count_is_counts_resources_of_the_type() {
    let t = buckets();
    t.resource_count_is("AWS::S3::Bucket", 2).unwrap();
    t.resource_count_is("AWS::SNS::Topic", 0).unwrap();
    let e = t.resource_count_is("AWS::S3::Bucket", 3).unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected 3 resource(s) of type AWS::S3::Bucket but found 2: Logs, Media"
    );
}

#[test]
fn has_resource_properties_matches_partially_and_names_the_closest_bucket() {
    let t = buckets();
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"VersioningConfiguration": {"Status": "Enabled"}}),
    )
    .unwrap();
    let e = t
        .has_resource_properties(
            "AWS::S3::Bucket",
            json!({"BucketName": "logs-prod", "VersioningConfiguration": {"Status": "Enabled"}}),
        )
        .unwrap_err();
    let text = e.to_string();
    let (section, analyzed, ids, paths) = no_match(e);
    assert_eq!(section, Section::Resources("AWS::S3::Bucket".into()));
    assert_eq!(analyzed, 2);
    // Both differ in one place; the tie goes to the logical ID that sorts first.
    assert_eq!(ids, ["Logs", "Media"]);
    assert_eq!(
        paths,
        ["at /Properties/VersioningConfiguration/Status: expected \"Enabled\" but received \"Suspended\""]
    );
    assert!(text.starts_with(
        "the template has 2 resource(s) of type AWS::S3::Bucket, but none matches the pattern\nthe closest is Logs (1 mismatch):\n  at /Properties/VersioningConfiguration/Status"
    ), "{text}");
    assert!(
        text.contains("Logs is:\n  {\n    \"Properties\": {"),
        "{text}"
    );
    assert!(
        text.contains("next closest (mismatches): Media (1)"),
        "{text}"
    );
    // A test that returns the error, or unwraps it, prints Debug: the same text.
    let e = t
        .has_resource_properties("AWS::S3::Bucket", json!({"BucketName": "x"}))
        .unwrap_err();
    assert_eq!(format!("{e:?}"), e.to_string());
}

#[test]
fn the_closest_candidate_is_the_one_with_fewest_mismatches() {
    let e = buckets()
        .has_resource_properties(
            "AWS::S3::Bucket",
            json!({"BucketName": "media-prod", "VersioningConfiguration": {"Status": "Suspended"}, "Tags": Match::absent()}),
        )
        .unwrap_err();
    let (_, _, ids, paths) = no_match(e);
    // Media differs in one place, Logs in two (name, tags).
    assert_eq!(ids, ["Media", "Logs"]);
    assert_eq!(
        paths,
        ["at /Properties/VersioningConfiguration/Status: expected \"Suspended\" but received \"Enabled\""]
    );
}

#[test]
fn a_type_nobody_has_lists_the_types_present() {
    let e = buckets()
        .has_resource_properties("AWS::S3::BucketPolicy", json!({}))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the template has no resource(s) of type AWS::S3::BucketPolicy; the types it has: AWS::KMS::Key, AWS::S3::Bucket, AWS::SQS::QueuePolicy"
    );
}

#[test]
fn a_resource_without_properties_is_tested_as_empty_properties_unless_absent_is_asked() {
    let t = buckets();
    t.has_resource_properties("AWS::KMS::Key", json!({}))
        .unwrap();
    t.has_resource_properties("AWS::KMS::Key", Match::absent())
        .unwrap();
    t.has_resource_properties("AWS::KMS::Key", json!({"KeyPolicy": Match::absent()}))
        .unwrap();
    assert!(t
        .has_resource_properties("AWS::S3::Bucket", Match::absent())
        .is_err());
}

#[test]
fn has_resource_matches_the_whole_resource() {
    let t = buckets();
    t.has_resource(
        "AWS::S3::Bucket",
        json!({"DeletionPolicy": "Retain", "DependsOn": ["Key", "Logs"]}),
    )
    .unwrap();
    let e = t
        .has_resource(
            "AWS::S3::Bucket",
            json!({"DeletionPolicy": "Retain", "DependsOn": ["Key"]}),
        )
        .unwrap_err();
    let (_, _, ids, paths) = no_match(e);
    // Media has one DependsOn too many; Logs has neither key.
    assert_eq!(ids, ["Media", "Logs"]);
    assert_eq!(
        paths,
        ["at /DependsOn/1: too many elements in array (expected 1, got 2)"]
    );
    t.has_resource(
        "AWS::S3::Bucket",
        json!({"DependsOn": Match::array_with(json!(["Logs"]))}),
    )
    .unwrap();
}

#[test]
fn find_resources_returns_the_matching_ones_by_logical_id() {
    let t = buckets();
    let all = t.find_resources("AWS::S3::Bucket", json!({}));
    assert_eq!(all.keys().copied().collect::<Vec<_>>(), ["Logs", "Media"]);
    let retained = t.find_resources("AWS::S3::Bucket", json!({"DeletionPolicy": "Retain"}));
    assert_eq!(retained.keys().copied().collect::<Vec<_>>(), ["Media"]);
    assert_eq!(retained["Media"]["DependsOn"], json!(["Key", "Logs"]));
    assert!(t
        .find_resources("AWS::S3::Bucket", json!({"Condition": Match::any_value()}))
        .is_empty());
}

#[test]
fn has_output_by_id_or_any() {
    let t = buckets();
    t.has_output("MediaArn", json!({"Export": {"Name": "media-arn"}}))
        .unwrap();
    t.has_output("*", json!({"Value": {"Fn::GetAtt": ["Media", "Arn"]}}))
        .unwrap();
    let e = t
        .has_output("*", json!({"Export": {"Name": "logs-arn"}}))
        .unwrap_err();
    let (section, _, ids, paths) = no_match(e);
    assert_eq!(section, Section::Outputs("*".into()));
    assert_eq!(ids, ["MediaArn"]);
    assert_eq!(
        paths,
        ["at /Export/Name: expected \"logs-arn\" but received \"media-arn\""]
    );
    let e = t.has_output("Nope", json!({})).unwrap_err();
    assert_eq!(e.to_string(), "the template has no output(s) named Nope");
}

#[test]
fn has_parameter_by_id_or_any() {
    let t = buckets();
    t.has_parameter(
        "Env",
        json!({"Type": "String", "AllowedValues": ["dev", "prod"]}),
    )
    .unwrap();
    t.has_parameter("*", json!({"Default": "dev"})).unwrap();
    let e = t
        .has_parameter("Env", json!({"AllowedValues": ["dev"]}))
        .unwrap_err();
    let (_, _, _, paths) = no_match(e);
    assert_eq!(
        paths,
        ["at /AllowedValues/1: too many elements in array (expected 1, got 2)"]
    );
}

#[test]
fn template_matches_the_whole_template() {
    let t = buckets();
    t.template_matches(json!({"Resources": {"Key": {"Type": "AWS::KMS::Key"}}}))
        .unwrap();
    let e = t
        .template_matches(json!({"Resources": {"Key": {"Type": "AWS::KMS::Alias"}}, "Conditions": Match::any_value()}))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the template does not match the pattern\n  at /Conditions: missing key 'Conditions'\n  at /Resources/Key/Type: expected \"AWS::KMS::Alias\" but received \"AWS::KMS::Key\""
    );
    t.template_matches(Match::not(json!({}))).unwrap();
    assert!(t
        .template_matches(Match::exact(json!({"Resources": {}})))
        .is_err());
}

#[test]
fn from_stack_synthesizes_and_a_refusal_carries_every_finding() {
    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    app.at(stack)
        .unwrap()
        .resource::<RawResource>(
            "Plan",
            Resource::new("AWS::Backup::BackupPlan").property(
                "BackupPlan",
                ValueMap::new()
                    .with("BackupPlanName", "plan")
                    .with("BackupPlanRule", Value::List(vec![])),
            ),
        )
        .unwrap();
    match Template::from_stack(&app, stack) {
        Err(AssertionError::Refused(e)) => {
            assert!(e
                .report()
                .is_some_and(|r| r.has("backup/plan-without-rules", "Demo/Plan")));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    let mut app = App::new();
    let stack = app.stack("Demo", StackProps::default()).unwrap();
    let q = app
        .at(stack)
        .unwrap()
        .resource::<RawResource>("Queue", Resource::new("AWS::SQS::Queue"))
        .unwrap();
    let t = Template::from_stack(&app, stack).unwrap();
    t.has_resource(
        "AWS::SQS::Queue",
        json!({"Metadata": {"aws:cdk:path": "Demo/Queue"}}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // A node that is not a stack is refused with a fix.
    let e = Template::from_stack(&app, q).unwrap_err();
    assert!(e.to_string().contains("the node is not a stack"), "{e}");
}

#[test]
fn plain_json_matches_nested_objects_partially_and_arrays_exactly() {
    let actual = json!({"A": {"B": {"C": 1, "D": 2}}, "L": [{"K": 1, "V": 2}]});
    Match::from(json!({"A": {"B": {"C": 1}}}))
        .test(&actual)
        .unwrap();
    // Objects inside a literal array still match partially; the array's length does not.
    Match::from(json!({"L": [{"K": 1}]})).test(&actual).unwrap();
    assert!(Match::from(json!({"L": []})).test(&actual).is_err());
    // Numbers by value.
    Match::from(json!({"A": {"B": {"C": 1.0}}}))
        .test(&actual)
        .unwrap();
    let e = Match::from(json!({"A": {"B": {"C": "1"}}}))
        .test(&actual)
        .unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "at /A/B/C: expected string \"1\" but received number 1"
    );
}

#[test]
fn object_equals_and_exact_refuse_extra_keys() {
    let actual = json!({"A": {"B": 1, "C": 2}});
    Match::object_equals(json!({"A": {"B": 1, "C": 2}}))
        .test(&actual)
        .unwrap();
    let e = Match::object_equals(json!({"A": {"B": 1}}))
        .test(&actual)
        .unwrap_err();
    assert_eq!(e[0].to_string(), "at /A/C: unexpected key C");
    // object_like at the top, exact below it through a nested matcher.
    Match::object_like(json!({"A": Match::object_like(json!({"B": 1}))}))
        .test(&actual)
        .unwrap();
    assert!(
        Match::object_like(json!({"A": Match::exact(json!({"B": 1}))}))
            .test(&actual)
            .is_err()
    );
    assert!(Match::object_like(json!([1])).test(&actual).unwrap_err()[0]
        .message
        .contains("needs an object pattern"));
}

#[test]
fn array_with_finds_a_subsequence_and_reports_the_closest_element() {
    let tags = json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "data"}]);
    Match::array_with(json!([{"Key": "team", "Value": "data"}]))
        .test(&tags)
        .unwrap();
    Match::array_with(json!([
        Match::object_like(json!({"Key": "env"})),
        Match::object_like(json!({"Key": "team"}))
    ]))
    .test(&tags)
    .unwrap();
    // Out of order.
    assert!(Match::array_with(json!([
        Match::object_like(json!({"Key": "team"})),
        Match::object_like(json!({"Key": "env"}))
    ]))
    .test(&tags)
    .is_err());
    // Literal objects inside array_with match exactly, as in CDK.
    assert!(Match::array_with(json!([{"Key": "team"}]))
        .test(&tags)
        .is_err());
    let e = Match::array_with(json!([{"Key": "team", "Value": "ops"}]))
        .test(&tags)
        .unwrap_err();
    let lines: Vec<String> = e.iter().map(|m| m.to_string()).collect();
    assert_eq!(
        lines,
        [
            "at /1: array_with pattern element 0 matches no element; the closest is element 1",
            "at /1/Value: expected \"ops\" but received \"data\"",
        ]
    );
    let e = Match::array_with(json!(["x"]))
        .test(&json!([]))
        .unwrap_err();
    assert!(e[0].message.contains("no more elements to try"), "{e:?}");
    assert!(Match::array_with(json!([Match::absent()]))
        .test(&json!([1]))
        .is_err());
    assert!(Match::array_with(json!([1]))
        .test(&json!({"0": 1}))
        .is_err());
}

#[test]
fn array_equals_wants_every_element_in_order() {
    Match::array_equals(json!([1, 2]))
        .test(&json!([1, 2]))
        .unwrap();
    assert!(Match::array_equals(json!([2, 1]))
        .test(&json!([1, 2]))
        .is_err());
    let e = Match::array_equals(json!([1, 2, 3]))
        .test(&json!([1, 2]))
        .unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "at /2: not enough elements in array (expected 3, got 2)"
    );
}

#[test]
fn absent_and_any_value() {
    let actual = json!({"A": 1, "N": null});
    Match::from(json!({"B": Match::absent()}))
        .test(&actual)
        .unwrap();
    let e = Match::from(json!({"A": Match::absent()}))
        .test(&actual)
        .unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "at /A: received 1, but the key should be absent"
    );
    Match::from(json!({"A": Match::any_value()}))
        .test(&actual)
        .unwrap();
    assert!(Match::from(json!({"N": Match::any_value()}))
        .test(&actual)
        .is_err());
    assert!(Match::from(json!({"B": Match::any_value()}))
        .test(&actual)
        .is_err());
}

#[test]
fn not_excludes_a_pattern() {
    let actual = json!({"DeletionPolicy": "Retain"});
    Match::from(json!({"DeletionPolicy": Match::not(json!("Delete"))}))
        .test(&actual)
        .unwrap();
    let e = Match::from(json!({"DeletionPolicy": Match::not(json!("Retain"))}))
        .test(&actual)
        .unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "at /DeletionPolicy: found \"Retain\", which the pattern excludes"
    );
}

#[test]
fn string_like_regexp_searches_line_by_line_and_reports_bad_expressions() {
    let m = Match::string_like_regexp("^prod-[0-9]+$");
    m.test(&json!("prod-42")).unwrap();
    m.test(&json!("first line\nprod-7\nlast")).unwrap();
    assert!(m.test(&json!("stage-42")).is_err());
    let e = m.test(&json!(42)).unwrap_err();
    assert_eq!(
        e[0].message,
        "expected a string matching /^prod-[0-9]+$/ but received number 42"
    );
    let e = Match::string_like_regexp("(")
        .test(&json!("x"))
        .unwrap_err();
    assert!(
        e[0].message.starts_with("invalid regular expression \"(\""),
        "{e:?}"
    );
}

#[test]
fn serialized_json_parses_the_string_then_matches() {
    let t = buckets();
    t.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        json!({"PolicyDocument": Match::serialized_json(json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow"}]
        }))}),
    )
    .unwrap();
    let e = t
        .has_resource_properties(
            "AWS::SQS::QueuePolicy",
            json!({"PolicyDocument": Match::serialized_json(json!({"Version": "2008-10-17"}))}),
        )
        .unwrap_err();
    let (_, _, _, paths) = no_match(e);
    assert_eq!(
        paths,
        [
            "at /Properties/PolicyDocument/Statement: unexpected key Statement",
            "at /Properties/PolicyDocument/Version: expected \"2008-10-17\" but received \"2012-10-17\"",
            "at /Properties/PolicyDocument: the JSON encoded in this string does not match",
        ]
    );
    let e = Match::serialized_json(json!({}))
        .test(&json!("{"))
        .unwrap_err();
    assert!(e[0].message.starts_with("invalid JSON string"), "{e:?}");
    assert!(Match::serialized_json(json!({})).test(&json!({})).is_err());
}

#[test]
fn a_pattern_deeper_than_the_limit_is_a_mismatch_not_a_stack_overflow() {
    let mut pattern = json!(1);
    let mut actual = json!(1);
    for _ in 0..MAX_PATTERN_DEPTH + 10 {
        pattern = json!([pattern]);
        actual = json!([actual]);
    }
    let e = Match::from(pattern).test(&actual).unwrap_err();
    assert!(e[0].message.contains("nests deeper than"), "{e:?}");
}

#[test]
fn an_unknown_matcher_is_a_mismatch() {
    let e = Match::from(json!({"A": {"$gs:match": "fuzzy"}}))
        .test(&json!({"A": 1}))
        .unwrap_err();
    assert!(
        e[0].message.starts_with("unknown matcher \"fuzzy\""),
        "{e:?}"
    );
}

#[test]
fn a_match_serializes_so_json_can_embed_it() {
    let embedded: Json = json!({"A": Match::absent()});
    assert_eq!(embedded["A"], Json::from(Match::absent()));
}
