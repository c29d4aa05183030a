use super::*;

#[test]
fn efs_performance_mode_replaces_and_throughput_mode_does_not() {
    assert_eq!(
        replacement("AWS::EFS::FileSystem", &["PerformanceMode"]),
        Some(Replacement::Always)
    );
    assert_eq!(
        replacement("AWS::EFS::FileSystem", &["ThroughputMode"]),
        Some(Replacement::Never)
    );
}

#[test]
fn rds_cluster_engine_may_replace_and_its_identifier_does() {
    assert_eq!(
        replacement("AWS::RDS::DBCluster", &["Engine"]),
        Some(Replacement::Maybe)
    );
    assert_eq!(
        replacement("AWS::RDS::DBCluster", &["DBClusterIdentifier"]),
        Some(Replacement::Always)
    );
    assert_eq!(
        replacement("AWS::RDS::DBCluster", &["DeletionProtection"]),
        Some(Replacement::Never)
    );
}

#[test]
fn nested_paths_step_through_objects_and_lists() {
    // createOnlyProperties of the registry, nested: /properties/DnsOptions/PrivateDnsPreference.
    assert_eq!(
        replacement(
            "AWS::EC2::VPCEndpoint",
            &["DnsOptions", "PrivateDnsPreference"]
        ),
        Some(Replacement::Always)
    );
    assert_eq!(
        replacement("AWS::EC2::VPCEndpoint", &["DnsOptions", "DnsRecordIpType"]),
        Some(Replacement::Never)
    );
    // A list of objects, with or without an item segment.
    for path in [
        &["LifecyclePolicies", "TransitionToIA"][..],
        &["LifecyclePolicies", "0", "TransitionToIA"],
        &["LifecyclePolicies", "*", "TransitionToIA"],
    ] {
        assert_eq!(
            replacement("AWS::EFS::FileSystem", path),
            Some(Replacement::Never),
            "{path:?}"
        );
    }
    // Below a property that replaces the resource, everything does (CpuOptions replaces an
    // instance; its CoreCount alone is not marked).
    assert_eq!(
        replacement("AWS::EC2::Instance", &["CpuOptions", "CoreCount"]),
        Some(Replacement::Always)
    );
    assert_eq!(
        replacement("AWS::EFS::FileSystem", &["LifecyclePolicies", "Nope"]),
        None
    );
}

#[test]
fn unknown_types_and_paths_answer_none() {
    assert_eq!(replacement("AWS::Nope::Nothing", &["X"]), None);
    assert_eq!(replacement("AWS::EFS::FileSystem", &["Nope"]), None);
    assert_eq!(
        replacement("AWS::EFS::FileSystem", &["Encrypted", "X"]),
        None
    );
    assert_eq!(attributes("AWS::Nope::Nothing"), None);
    assert_eq!(is_read_only("AWS::Nope::Nothing", &["Arn"]), None);
    assert!(!is_known("AWS::Nope::Nothing"));
    assert!(!is_known(""));
}

#[test]
fn attributes_and_read_only_properties() {
    assert_eq!(
        has_attribute("AWS::RDS::DBCluster", "Endpoint.Address"),
        Some(true)
    );
    assert_eq!(
        has_attribute("AWS::RDS::DBCluster", "Endpoint.Adress"),
        Some(false)
    );
    assert_eq!(
        is_read_only("AWS::EC2::VPCEndpoint", &["DnsEntries"]),
        Some(true)
    );
    assert_eq!(
        is_read_only("AWS::EC2::VPCEndpoint", &["VpcId"]),
        Some(false)
    );
    // A name that is both an attribute and a property (GetAtt TopicName) can be set.
    assert_eq!(is_read_only("AWS::SNS::Topic", &["TopicName"]), Some(false));
}

#[test]
fn every_type_parses_and_every_nested_kind_points_at_an_owner() {
    let mut n = 0;
    for name in data::type_names() {
        let ty = data::lookup(name).expect("every indexed type parses");
        assert_eq!(ty.name, name);
        assert!(ty.root().is_some());
        // Every nested reference points at a nested type of the same resource.
        for o in (0..ty.owner_count()).filter_map(|i| ty.owner(i)) {
            for p in o.props_parsed() {
                let mut stack = vec![p.kind];
                while let Some(k) = stack.pop() {
                    match k {
                        Kind::Nested(i) => assert!(i < ty.owner_count(), "{name} {} #{i}", o.name),
                        Kind::List(k) | Kind::Map(k) => stack.push(k.get()),
                        Kind::Union(ks) => stack.extend(ks.iter()),
                        _ => {}
                    }
                }
            }
        }
        n += 1;
    }
    assert!(n > 1800, "{n} types");
    assert!(data::lookup("AWS::EFS::FileSystemX").is_none());
}

#[test]
fn attributes_are_one_list_per_type_for_the_life_of_the_process() {
    let a = attributes("AWS::EFS::FileSystem").unwrap();
    let b = attributes("AWS::EFS::FileSystem").unwrap();
    assert_eq!(a, ["Arn", "FileSystemId"]);
    assert!(std::ptr::eq(a, b), "made once");
    assert_eq!(attributes("AWS::EC2::TransitGatewayRoute"), Some(&[][..]));
}

#[test]
fn tagging_follows_the_tag_information() {
    assert_eq!(
        tagging("AWS::Kinesis::StreamConsumer"),
        Some(gs_core::Tagging::List("Tags"))
    );
    assert_eq!(
        tagging("AWS::EFS::FileSystem"),
        Some(gs_core::Tagging::List("FileSystemTags"))
    );
    assert_eq!(
        tag_information("AWS::AutoScaling::AutoScalingGroup").map(|t| t.1),
        Some("asg")
    );
    assert_eq!(tagging("AWS::AutoScaling::AutoScalingGroup"), None);
    assert_eq!(tagging("AWS::EC2::VPCGatewayAttachment"), None);
}
