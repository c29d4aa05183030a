use serde_json::json;

use super::*;

/// A small table in the specification's terms (`causesReplacement`): enough for these tests.
fn table(type_name: &str, path: &[&str]) -> Replacement {
    let always: &[(&str, &str)] = &[
        ("AWS::EC2::SecurityGroup", "GroupDescription"),
        ("AWS::EC2::SecurityGroup", "VpcId"),
        ("AWS::EC2::SecurityGroupIngress", "GroupId"),
        ("AWS::EC2::SecurityGroupIngress", "SourceSecurityGroupId"),
        ("AWS::S3::Bucket", "BucketName"),
        ("AWS::EFS::FileSystem", "Encrypted"),
        ("AWS::RDS::DBCluster", "DBClusterIdentifier"),
        ("AWS::ECS::Service", "Cluster"),
        ("AWS::ECS::TaskDefinition", "ContainerDefinitions"),
    ];
    let maybe: &[(&str, &str)] = &[("AWS::RDS::DBCluster", "EngineVersion")];
    let Some(first) = path.first() else {
        return Replacement::Never;
    };
    if always.contains(&(type_name, *first)) {
        Replacement::Always
    } else if maybe.contains(&(type_name, *first)) {
        Replacement::Maybe
    } else {
        Replacement::Never
    }
}

fn template(resources: Json) -> Json {
    json!({ "Resources": resources })
}

fn one(old: Json, new: Json) -> StackDiff {
    diff_stack("S", Some(&template(old)), Some(&template(new)), &table)
}

fn change_of(d: &StackDiff, id: &str) -> Option<Change> {
    d.resources
        .iter()
        .find(|r| r.logical_id == id)
        .map(|r| r.change)
}

fn resource(d: &StackDiff, id: &str) -> ResourceDiff {
    match d.resources.iter().find(|r| r.logical_id == id) {
        Some(r) => r.clone(),
        None => panic!("{id} not in the diff: {d:#?}"),
    }
}

#[test]
fn equal_templates_have_no_differences_and_fail_exits_zero() {
    let t = json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}});
    let d = Diff {
        stacks: vec![one(t.clone(), t)],
    };
    assert!(d.is_empty());
    assert_eq!(d.exit_code(true), 0);
    assert!(render::text(&d, false).contains("no differences"));
}

#[test]
fn added_removed_and_updated_resources_name_the_changed_property_paths() {
    let d = one(
        json!({
            "Gone": {"Type": "AWS::SQS::Queue"},
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1, "Tags": [{"Key": "a", "Value": "1"}]}},
        }),
        json!({
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 2, "Tags": [{"Key": "a", "Value": "2"}]}},
            "New": {"Type": "AWS::SNS::Topic"},
        }),
    );
    assert_eq!(change_of(&d, "Gone"), Some(Change::Remove));
    assert_eq!(change_of(&d, "New"), Some(Change::Add));
    let q = resource(&d, "Q");
    assert_eq!(q.change, Change::Update);
    let paths: Vec<&str> = q.properties.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["Properties.DelaySeconds", "Properties.Tags[0].Value"]
    );
    assert_eq!(q.properties[0].old, Some(json!(1)));
    assert_eq!(q.properties[0].new, Some(json!(2)));
    let d = Diff { stacks: vec![d] };
    assert_eq!(d.exit_code(true), 1);
    assert_eq!(d.exit_code(false), 0);
}

#[test]
fn a_changed_create_only_property_replaces_and_a_maybe_property_may_replace() {
    let d = one(
        json!({
            "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}},
            "C": {"Type": "AWS::RDS::DBCluster", "Properties": {"EngineVersion": "15.4"}},
        }),
        json!({
            "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
            "C": {"Type": "AWS::RDS::DBCluster", "Properties": {"EngineVersion": "16.1"}},
        }),
    );
    assert_eq!(change_of(&d, "B"), Some(Change::Replace));
    assert_eq!(change_of(&d, "C"), Some(Change::MayReplace));
    assert_eq!(
        resource(&d, "B").properties[0].replacement,
        Replacement::Always
    );
}

#[test]
fn a_changed_type_replaces() {
    let d = one(
        json!({"X": {"Type": "AWS::SQS::Queue"}}),
        json!({"X": {"Type": "AWS::SNS::Topic"}}),
    );
    assert_eq!(change_of(&d, "X"), Some(Change::Replace));
}

#[test]
fn a_replacement_propagates_through_replacement_forcing_references_only() {
    let old = json!({
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "a"}},
        "Rule": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Fn::GetAtt": "Sg.GroupId"}, "IpProtocol": "tcp"}},
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "Service": {"Type": "AWS::ECS::Service", "Properties": {
            "Cluster": {"Ref": "Cluster"},
            "NetworkConfiguration": {"AwsvpcConfiguration": {"SecurityGroups": [{"Fn::GetAtt": ["Sg", "GroupId"]}]}}}},
        "Untouched": {"Type": "AWS::SQS::Queue"},
    });
    let mut new = old.clone();
    new["Sg"]["Properties"]["GroupDescription"] = json!("b");
    let d = one(old, new);
    assert_eq!(change_of(&d, "Sg"), Some(Change::Replace));
    // GroupId forces a replacement, and the string form of Fn::GetAtt is read as the list form.
    let rule = resource(&d, "Rule");
    assert_eq!(rule.change, Change::Replace);
    assert_eq!(rule.replaced_references, ["Sg"]);
    // The service's security groups are updatable: an update, not a replacement.
    let service = resource(&d, "Service");
    assert_eq!(service.change, Change::Update);
    assert_eq!(
        service.properties[0].path,
        "Properties.NetworkConfiguration"
    );
    assert_eq!(change_of(&d, "Cluster"), None);
    assert_eq!(change_of(&d, "Untouched"), None);
}

#[test]
fn the_chain_continues_through_several_resources_and_through_fn_sub() {
    let old = json!({
        "Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"DBClusterIdentifier": "a"}},
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "ContainerDefinitions": [{"Environment": [{"Name": "DB", "Value": {"Fn::Sub": "${Cluster.Endpoint.Address}:5432"}}]}]}},
        "Service": {"Type": "AWS::ECS::Service", "Properties": {"Cluster": "c", "TaskDefinition": {"Ref": "Task"}}},
        "Lookalike": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "ContainerDefinitions": [{"Image": {"Fn::Sub": "${ClusterName}-${!Cluster}"}}]}},
    });
    let mut new = old.clone();
    new["Cluster"]["Properties"]["DBClusterIdentifier"] = json!("b");
    let d = one(old, new);
    assert_eq!(change_of(&d, "Cluster"), Some(Change::Replace));
    assert_eq!(change_of(&d, "Task"), Some(Change::Replace));
    // TaskDefinition is updatable on a service in this table: the chain ends in an update.
    assert_eq!(change_of(&d, "Service"), Some(Change::Update));
    assert_eq!(resource(&d, "Service").replaced_references, ["Task"]);
    assert_eq!(change_of(&d, "Lookalike"), None);
}

#[test]
fn a_may_replace_does_not_propagate() {
    let old = json!({
        "Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"EngineVersion": "15.4"}},
        "Rule": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Ref": "Cluster"}}},
    });
    let mut new = old.clone();
    new["Cluster"]["Properties"]["EngineVersion"] = json!("16.1");
    let d = one(old, new);
    assert_eq!(change_of(&d, "Cluster"), Some(Change::MayReplace));
    assert_eq!(change_of(&d, "Rule"), None);
}

#[test]
fn a_reference_cycle_of_replacements_terminates() {
    let old = json!({
        "A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "a", "VpcId": {"Ref": "B"}}},
        "B": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "b", "VpcId": {"Ref": "A"}}},
    });
    let mut new = old.clone();
    new["A"]["Properties"]["GroupDescription"] = json!("changed");
    let d = one(old, new);
    assert_eq!(change_of(&d, "A"), Some(Change::Replace));
    assert_eq!(change_of(&d, "B"), Some(Change::Replace));
}

#[test]
fn data_loss_follows_the_stateful_table_and_the_policies() {
    let old = json!({
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Kept": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Fs": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": false}},
        "FsKept": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": false}, "UpdateReplacePolicy": "Retain"},
        "Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"DBClusterIdentifier": "a"}},
        "DbGone": {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Delete"},
    });
    let new = json!({
        "Fs": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": true}},
        "FsKept": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": true}, "UpdateReplacePolicy": "Retain"},
        "Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"DBClusterIdentifier": "b"}},
    });
    let d = one(old, new);
    let lost = |id: &str| resource(&d, id).data_loss;
    assert!(
        lost("Bucket"),
        "a bucket removed without a policy loses its objects"
    );
    assert!(!lost("Kept"));
    assert!(!lost("Queue"), "a queue is not in the stateful table");
    assert!(
        lost("Fs"),
        "a file system replaced without UpdateReplacePolicy"
    );
    assert!(!lost("FsKept"));
    assert!(
        !lost("Db"),
        "CloudFormation snapshots an Aurora cluster by default"
    );
    assert!(lost("DbGone"));
    let text = render::text(&Diff { stacks: vec![d] }, false);
    assert!(
        text.contains("[-] AWS::S3::Bucket Bucket destroy DATA LOSS"),
        "{text}"
    );
    assert!(text.contains("3 lose data"), "{text}");
}

#[test]
fn a_retained_removal_is_an_orphan_and_a_snapshot_keeps_data_only_where_taken() {
    let old = json!({
        "Kept": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
        "SnapBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Snapshot"},
        "SnapCache": {"Type": "AWS::ElastiCache::ReplicationGroup", "DeletionPolicy": "Snapshot"},
    });
    let d = one(old, json!({}));
    assert!(resource(&d, "Kept").retained);
    assert!(!resource(&d, "Kept").data_loss);
    assert!(
        resource(&d, "SnapBucket").data_loss,
        "CloudFormation takes no snapshot of a bucket"
    );
    assert!(!resource(&d, "SnapCache").data_loss);
    let text = render::text(&Diff { stacks: vec![d] }, false);
    assert!(text.contains("[-] AWS::S3::Bucket Kept orphan\n"), "{text}");
    assert!(
        text.contains("[-] AWS::S3::Bucket SnapBucket destroy DATA LOSS"),
        "{text}"
    );
}

#[test]
fn a_standalone_rds_instance_is_stateful_and_a_cluster_member_is_not() {
    let old = json!({
        "Db": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
               "Properties": {"Engine": "postgres"}},
        "Member": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Delete",
                   "Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}}},
        "Default": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres"}},
    });
    let d = one(old, json!({}));
    assert!(resource(&d, "Db").data_loss);
    assert!(!resource(&d, "Member").data_loss);
    assert!(
        !resource(&d, "Default").data_loss,
        "CloudFormation snapshots a standalone instance by default"
    );
}

#[test]
fn a_stateful_resource_that_gains_a_condition_may_lose_its_data() {
    let table_of = |condition: Option<&str>| {
        let mut t = json!({"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Delete",
                           "Properties": {"TableName": "ledger"}});
        if let Some(c) = condition {
            t["Condition"] = json!(c);
        }
        t
    };
    let d = one(
        json!({"Ledger": table_of(None)}),
        json!({"Ledger": table_of(Some("IsProd"))}),
    );
    let r = resource(&d, "Ledger");
    assert_eq!(r.change, Change::Update);
    assert!(r.data_loss, "deleted if IsProd is false: {r:#?}");
    let d = one(
        json!({"Ledger": table_of(Some("IsProd"))}),
        json!({"Ledger": table_of(None)}),
    );
    assert!(
        !resource(&d, "Ledger").data_loss,
        "losing the condition deletes nothing"
    );
    let d = one(
        json!({"Ledger": table_of(None)}),
        json!({"Ledger": table_of(Some("IsProd"))}),
    );
    let text = render::text(&Diff { stacks: vec![d] }, false);
    assert!(
        text.contains("deleted with its data if its condition is false at deploy time"),
        "{text}"
    );
}

#[test]
fn a_replacement_follows_an_export_into_the_stacks_that_import_it() {
    let export = "Main:ExportsOutputRefBucket";
    let main = |name: &str| {
        json!({
            "Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name}}},
            "Outputs": {"ExportsOutputRefBucket": {"Value": {"Ref": "Bucket"}, "Export": {"Name": export}}},
        })
    };
    let extra = json!({"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Join": ["-", [{"Fn::ImportValue": export}, "q"]]}}},
        "Unrelated": {"Type": "AWS::SQS::Queue"},
    }});
    let stack = |name: &str, template: Json| StackTemplate {
        name: name.into(),
        template,
        environment: None,
    };
    let old = Assembly {
        stacks: vec![stack("Main", main("a")), stack("Extra", extra.clone())],
    };
    let new = Assembly {
        stacks: vec![stack("Main", main("b")), stack("Extra", extra)],
    };
    let queue_replaces = |_: &str, path: &[&str]| {
        if path.first() == Some(&"QueueName") || path.first() == Some(&"BucketName") {
            Replacement::Always
        } else {
            Replacement::Never
        }
    };
    let d = diff(&old, &new, &queue_replaces);
    let main_diff = &d.stacks[0];
    assert_eq!(
        main_diff.changed_exports,
        [ChangedExport {
            output: "ExportsOutputRefBucket".into(),
            name: export.into(),
            importers: vec!["Extra".into()],
        }]
    );
    let extra_diff = &d.stacks[1];
    assert_eq!(change_of(extra_diff, "Queue"), Some(Change::Replace));
    assert_eq!(resource(extra_diff, "Queue").changed_imports, [export]);
    assert_eq!(change_of(extra_diff, "Unrelated"), None);
    assert_eq!(d.exit_code(true), 1);
    let text = render::text(&d, false);
    assert!(
        text.contains("imported by Extra; CloudFormation refuses to change an export"),
        "{text}"
    );
    assert!(
        text.contains(&format!("imports {export}, whose value changes")),
        "{text}"
    );

    // Limited to the exporting stack, the diff still knows who imports it.
    let only_main = Earlier::Assembly(old.clone())
        .diff(&new, Some("Main"), &queue_replaces)
        .unwrap();
    assert_eq!(only_main.stacks.len(), 1);
    assert_eq!(only_main.stacks[0].changed_exports[0].importers, ["Extra"]);

    // What is deployed blocks the change: an importer added by this deploy does not, one it
    // removes still does.
    let not_importing = json!({"Resources": {"Unrelated": {"Type": "AWS::SQS::Queue"}}});
    let importing = new.stacks[1].template.clone();
    let importers = |old_extra: &Json, new_extra: &Json| {
        let old = Assembly {
            stacks: vec![stack("Main", main("a")), stack("Extra", old_extra.clone())],
        };
        let new = Assembly {
            stacks: vec![stack("Main", main("b")), stack("Extra", new_extra.clone())],
        };
        diff(&old, &new, &queue_replaces).stacks[0].changed_exports[0]
            .importers
            .clone()
    };
    assert!(importers(&not_importing, &importing).is_empty());
    assert_eq!(importers(&importing, &not_importing), ["Extra"]);
}

#[test]
fn only_an_account_or_region_stated_on_both_sides_and_different_is_a_move() {
    assert!(moved(
        "aws://111111111111/us-east-1",
        "aws://111111111111/eu-west-1"
    ));
    assert!(moved(
        "aws://111111111111/us-east-1",
        "aws://222222222222/us-east-1"
    ));
    assert!(!moved(
        "aws://unknown-account/unknown-region",
        "aws://123456789012/us-east-1"
    ));
    assert!(!moved(
        "aws://unknown-account/us-east-1",
        "aws://123456789012/us-east-1"
    ));
    assert!(!moved(
        "aws://123456789012/us-east-1",
        "aws://123456789012/us-east-1"
    ));
}

#[test]
fn a_stack_on_one_side_only_is_all_added_or_all_removed() {
    let t = template(json!({"Q": {"Type": "AWS::SQS::Queue"}}));
    let old = Assembly {
        stacks: vec![StackTemplate {
            name: "Gone".into(),
            template: t.clone(),
            environment: None,
        }],
    };
    let new = Assembly {
        stacks: vec![StackTemplate {
            name: "Fresh".into(),
            template: t,
            environment: None,
        }],
    };
    let d = diff(&old, &new, &table);
    assert_eq!(d.stacks.len(), 2);
    assert_eq!(
        (d.stacks[0].stack.as_str(), d.stacks[0].in_old),
        ("Fresh", false)
    );
    assert_eq!(d.stacks[0].resources[0].change, Change::Add);
    assert_eq!(
        (d.stacks[1].stack.as_str(), d.stacks[1].in_new),
        ("Gone", false)
    );
    assert_eq!(d.stacks[1].resources[0].change, Change::Remove);
    let text = render::text(&d, false);
    assert!(text.contains("new stack"), "{text}");
    assert!(text.contains("not in this synthesis"), "{text}");
}

#[test]
fn the_json_output_has_one_entry_per_resource_with_the_documented_fields() {
    let d = one(
        json!({"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}, "Metadata": {"aws:cdk:path": "S/B/Resource"}}}),
        json!({"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}, "Metadata": {"aws:cdk:path": "S/B/Resource"}}}),
    );
    assert_eq!(
        render::json(&Diff { stacks: vec![d] }),
        json!([{
            "stack": "S", "logical_id": "B", "type": "AWS::S3::Bucket", "path": "S/B/Resource",
            "change": "replace", "data_loss": true,
        }])
    );
}

#[test]
fn iam_statements_and_security_group_rules_are_summarized() {
    let old = json!({
        "Policy": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x", "SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}},
    });
    let new = json!({
        "Policy": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": {"Fn::GetAtt": ["B", "Arn"]}}]}}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x"}},
        "Rule": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
            "SourceSecurityGroupId": {"Ref": "Other"}}},
    });
    let d = one(old, new);
    assert_eq!(d.iam.len(), 2);
    assert_eq!(
        (d.iam[0].sign, d.iam[0].action.as_str()),
        ('-', "s3:GetObject")
    );
    assert_eq!(
        (
            d.iam[1].sign,
            d.iam[1].action.as_str(),
            d.iam[1].resource.as_str()
        ),
        ('+', "s3:GetObject, s3:PutObject", "${B.Arn}")
    );
    assert_eq!(d.security_groups.len(), 2);
    let removed = &d.security_groups[0];
    assert_eq!(
        (
            removed.sign,
            removed.protocol.as_str(),
            removed.peer.as_str()
        ),
        ('-', "tcp 22", "0.0.0.0/0")
    );
    let added = &d.security_groups[1];
    assert_eq!(
        (
            added.sign,
            added.group.as_str(),
            added.protocol.as_str(),
            added.peer.as_str()
        ),
        ('+', "${Sg.GroupId}", "tcp 2049", "${Other}")
    );
    let text = render::text(&Diff { stacks: vec![d] }, false);
    assert!(text.contains("IAM statement changes"), "{text}");
    assert!(text.contains("Security group changes"), "{text}");
}

#[test]
fn a_changed_logical_id_of_one_construct_is_named_as_a_replacement() {
    let d = one(
        json!({"RuleOld1": {"Type": "AWS::EC2::SecurityGroupIngress", "Metadata": {"aws:cdk:path": "A/Sg/from x:1"}}}),
        json!({"RuleNew2": {"Type": "AWS::EC2::SecurityGroupIngress", "Metadata": {"aws:cdk:path": "B/Sg/from x:1"}}}),
    );
    let text = render::text(&Diff { stacks: vec![d] }, false);
    assert!(
        text.contains("the same construct is added as RuleNew2: its logical ID changed"),
        "{text}"
    );
}

#[test]
fn other_sections_that_differ_are_listed() {
    let d = diff_stack(
        "S",
        Some(&json!({"Description": "a", "Outputs": {"O": {"Value": "1"}}})),
        Some(&json!({"Description": "b", "Outputs": {"O": {"Value": "2"}}})),
        &table,
    );
    let paths: Vec<&str> = d.other.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["Description", "Outputs.O"]);
}

mod input {
    use super::super::*;
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gs-diff-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_missing_path_is_an_error_that_says_what_to_give() {
        let e = Assembly::read(std::path::Path::new("/nonexistent/gs-diff")).unwrap_err();
        assert!(matches!(e, DiffError::Missing { .. }));
        assert!(e.to_string().contains("fix: give --against"), "{e}");
    }

    #[test]
    fn a_folder_without_a_manifest_is_not_an_assembly() {
        let dir = scratch("no-manifest");
        let e = Assembly::read(&dir).unwrap_err();
        assert!(matches!(e, DiffError::NoManifest { .. }), "{e}");
    }

    #[test]
    fn a_corrupt_manifest_or_template_names_the_file() {
        let dir = scratch("corrupt");
        std::fs::write(dir.join("manifest.json"), "{\"artifacts\": ").unwrap();
        let e = Assembly::read(&dir).unwrap_err();
        assert!(matches!(e, DiffError::NotJson { .. }), "{e}");
        assert!(e.to_string().contains("manifest.json"), "{e}");

        std::fs::write(
            dir.join("manifest.json"),
            r#"{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}"#,
        )
        .unwrap();
        let e = Assembly::read(&dir).unwrap_err();
        assert!(
            e.to_string().contains("lists the template S.template.json"),
            "{e}"
        );

        std::fs::write(dir.join("S.template.json"), "Resources:\n  Q: {}\n").unwrap();
        let e = Assembly::read(&dir).unwrap_err();
        assert!(matches!(e, DiffError::NotJson { .. }), "{e}");
        assert!(e.to_string().contains("S.template.json"), "{e}");

        std::fs::write(dir.join("S.template.json"), r#"{"Resources": []}"#).unwrap();
        let e = Assembly::read(&dir).unwrap_err();
        assert!(
            e.to_string().contains("`Resources` is not an object"),
            "{e}"
        );

        std::fs::write(
            dir.join("S.template.json"),
            r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
        )
        .unwrap();
        let a = Assembly::read(&dir).unwrap();
        assert_eq!(a.names(), "S");
    }

    fn two_stacks() -> Assembly {
        let t = serde_json::json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}});
        Assembly {
            stacks: vec![
                StackTemplate {
                    name: "A".into(),
                    template: t.clone(),
                    environment: Some("aws://unknown-account/us-east-1".into()),
                },
                StackTemplate {
                    name: "B".into(),
                    template: t,
                    environment: Some("aws://unknown-account/us-east-1".into()),
                },
            ],
        }
    }

    fn no_replacement(_: &str, _: &[&str]) -> Replacement {
        Replacement::Never
    }

    #[test]
    fn one_template_against_several_stacks_needs_the_stack_named() {
        let dir = scratch("which");
        let file = dir.join("A.template.json");
        std::fs::write(
            &file,
            r#"{"Resources": {"Q": {"Type": "AWS::SNS::Topic"}}}"#,
        )
        .unwrap();
        let e = against(&file, &two_stacks(), None, &no_replacement).unwrap_err();
        assert!(matches!(e, DiffError::WhichStack { .. }), "{e}");
        assert!(e.to_string().contains("--stack <Stack>"), "{e}");
        let e = against(&file, &two_stacks(), Some("C"), &no_replacement).unwrap_err();
        assert!(e.to_string().contains("no stack `C` (it has A, B)"), "{e}");
        let d = against(&file, &two_stacks(), Some("B"), &no_replacement).unwrap();
        assert_eq!(d.stacks.len(), 1);
        assert_eq!(d.stacks[0].stack, "B");
        assert_eq!(d.stacks[0].resources[0].change, Change::Replace);
    }

    #[test]
    fn an_assembly_folder_is_diffed_stack_by_stack() {
        let dir = scratch("folder");
        std::fs::write(
            dir.join("manifest.json"),
            r#"{"artifacts": {"A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "A.template.json"}}, "Tree": {"type": "cdk:tree"}}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("A.template.json"),
            r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
        )
        .unwrap();
        // B is only in the app: the command refuses it and names the stack both sides have.
        let e = against(&dir, &two_stacks(), None, &no_replacement).unwrap_err();
        assert!(matches!(e, DiffError::OneSided { .. }), "{e}");
        assert!(
            e.to_string().contains("stack `B` is only in the app"),
            "{e}"
        );
        assert!(e.to_string().contains("both have: A"), "{e}");
        let d = against(&dir, &two_stacks(), Some("A"), &no_replacement).unwrap();
        let names: Vec<(&str, bool)> = d
            .stacks
            .iter()
            .map(|s| (s.stack.as_str(), s.is_empty()))
            .collect();
        assert_eq!(names, [("A", true)]);
        // The library's diff() still compares a one-sided stack with an empty template.
        let old = match Earlier::read(&dir).unwrap() {
            Earlier::Assembly(a) => a,
            other => panic!("{other:?}"),
        };
        let d = diff(&old, &two_stacks(), &no_replacement);
        let names: Vec<(&str, bool)> = d
            .stacks
            .iter()
            .map(|s| (s.stack.as_str(), s.is_empty()))
            .collect();
        assert_eq!(names, [("A", true), ("B", false)]);
    }

    #[test]
    fn a_template_file_that_is_not_json_is_refused() {
        let dir = scratch("template");
        let file = dir.join("t.json");
        std::fs::write(&file, "not json").unwrap();
        let e = Assembly::template_file(&file, "S").unwrap_err();
        assert!(matches!(e, DiffError::NotJson { .. }), "{e}");
        std::fs::write(&file, "[1]").unwrap();
        let e = Assembly::template_file(&file, "S").unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
    }

    #[test]
    fn a_stack_moved_to_another_region_or_account_is_refused_not_called_unchanged() {
        let dir = scratch("moved");
        let write = |env: &str| {
            std::fs::write(
                dir.join("manifest.json"),
                format!(
                    r#"{{"artifacts": {{"A": {{"type": "aws:cloudformation:stack", "environment": "{env}", "properties": {{"templateFile": "A.template.json"}}}}}}}}"#
                ),
            )
            .unwrap();
        };
        std::fs::write(
            dir.join("A.template.json"),
            r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
        )
        .unwrap();
        write("aws://unknown-account/eu-west-1");
        let e = against(&dir, &two_stacks(), Some("A"), &no_replacement).unwrap_err();
        assert!(matches!(e, DiffError::Moved { .. }), "{e}");
        let message = e.to_string();
        assert!(
            message.contains("deploys to aws://unknown-account/us-east-1")
                && message.contains("aws://unknown-account/eu-west-1"),
            "{message}"
        );
        write("aws://unknown-account/us-east-1");
        let d = against(&dir, &two_stacks(), Some("A"), &no_replacement).unwrap();
        assert!(d.is_empty());
    }

    #[test]
    fn a_manifest_or_an_object_without_resources_is_not_taken_for_a_template() {
        let dir = scratch("not-a-template");
        let file = dir.join("manifest.json");
        std::fs::write(&file, r#"{"version": "36.0.0", "artifacts": {}}"#).unwrap();
        let e = Earlier::read(&file).unwrap_err();
        assert!(matches!(e, DiffError::Invalid { .. }), "{e}");
        assert!(e.to_string().contains("a cloud assembly manifest"), "{e}");
        assert!(e.to_string().contains("the folder that holds it"), "{e}");
        std::fs::write(&file, r#"{"Description": "x"}"#).unwrap();
        let e = Earlier::read(&file).unwrap_err();
        assert!(e.to_string().contains("has no `Resources`"), "{e}");
        std::fs::write(&file, r#"{"Resources": {}}"#).unwrap();
        assert!(Earlier::read(&file).is_ok());
    }
}

mod spec {
    use crate::diff::{Replacement, ReplacementLookup, Spec};

    #[test]
    fn the_spec_lookup_reads_the_schema_and_falls_back_to_the_known_part_of_a_path() {
        // Create-only in the registry, nested.
        assert_eq!(
            Spec.replacement("AWS::EC2::SecurityGroup", &["GroupDescription"]),
            Replacement::Always
        );
        assert_eq!(
            Spec.replacement(
                "AWS::EC2::SecurityGroup",
                &["SecurityGroupIngress", "CidrIp"]
            ),
            Replacement::Never
        );
        // A map's key is not in the schema: the map's own behaviour.
        assert_eq!(
            gs_l1::schema::replacement("AWS::Lambda::Function", &["Environment", "Variables", "K"]),
            None
        );
        assert_eq!(
            Spec.replacement("AWS::Lambda::Function", &["Environment", "Variables", "K"]),
            Replacement::Never
        );
        assert_eq!(
            Spec.replacement("AWS::Nope::Nothing", &["X"]),
            Replacement::Never
        );
        assert_eq!(Spec.replacement("AWS::SNS::Topic", &[]), Replacement::Never);
    }
}
