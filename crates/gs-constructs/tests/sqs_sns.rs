//! `sqs::Queue` and `sns::Topic`: defaults, validation, grants, subscriptions, and the rule
//! `sns/subscription-cannot-deliver` on raw resources.
mod support;

use std::time::Duration;

use gs_constructs::prelude::*;
use gs_constructs::sns::{Subscription, Topic, TopicEncryption, TopicProps};
use gs_constructs::sqs::{DeadLetterQueue, Queue, QueueEncryption, QueueProps};
use serde_json::json;
use support::*;

type R = Result<(), Box<dyn std::error::Error>>;

fn app() -> (App, gs_core::Handle<gs_core::Stack>) {
    let mut app = App::new();
    let stack = app
        .stack("Messaging", StackProps::default())
        .expect("stack");
    (app, stack)
}

#[test]
fn a_default_queue_is_sse_sqs_encrypted_destroyed_on_removal_and_named_like_cdk() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    Queue::new(&mut s, "Jobs", Default::default())?;
    let t = synth(&app, "sqs_default");
    let (logical, r) = resource_at(&t, "Messaging/Jobs/Resource");
    assert_eq!(
        Some(logical.to_string()),
        gs_core::logical_id_of(&["Jobs", "Resource"])
    );
    assert!(matches(
        &r["Properties"],
        &json!({"SqsManagedSseEnabled": true, "VisibilityTimeout": 30, "MessageRetentionPeriod": 345600})
    ));
    assert_eq!(r["DeletionPolicy"], "Delete");
    Ok(())
}

#[test]
fn a_dead_letter_queue_is_named_in_the_redrive_policy_with_its_receive_count() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let dlq = Queue::new(&mut s, "DeadLetters", Default::default())?;
    Queue::new(
        &mut s,
        "Jobs",
        QueueProps {
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dlq,
                max_receive_count: 5,
            }),
            visibility_timeout: Duration::from_secs(120),
            ..Default::default()
        },
    )?;
    let t = synth(&app, "sqs_dlq");
    let (dlq_id, _) = resource_at(&t, "Messaging/DeadLetters/Resource");
    let (_, r) = resource_at(&t, "Messaging/Jobs/Resource");
    assert_eq!(
        r["Properties"]["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}, "maxReceiveCount": 5})
    );
    assert_eq!(r["Properties"]["VisibilityTimeout"], 120);
    Ok(())
}

#[test]
fn a_fifo_queue_needs_the_fifo_suffix_and_a_fifo_dead_letter_queue() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let err = Queue::new(
        &mut s,
        "Orders",
        QueueProps {
            fifo: true,
            queue_name: Some("orders".into()),
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("Messaging/Orders:") && err.contains(".fifo"),
        "{err}"
    );
    let standard = Queue::new(&mut s, "Standard", Default::default())?;
    let err = Queue::new(
        &mut s,
        "Orders",
        QueueProps {
            fifo: true,
            queue_name: Some("orders.fifo".into()),
            dead_letter_queue: Some(DeadLetterQueue {
                queue: standard,
                max_receive_count: 3,
            }),
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("Messaging/Standard") && err.contains("standard queue"),
        "{err}"
    );
    // Nothing of the refused queues is left: the id is free.
    Queue::new(
        &mut s,
        "Orders",
        QueueProps {
            fifo: true,
            queue_name: Some("orders.fifo".into()),
            ..Default::default()
        },
    )?;
    let t = synth(&app, "sqs_fifo");
    assert_has_resource_properties(
        &t,
        "AWS::SQS::Queue",
        json!({"FifoQueue": true, "QueueName": "orders.fifo"}),
    );
    Ok(())
}

#[test]
fn out_of_range_visibility_retention_and_receive_count_are_refused_with_the_path() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let dlq = Queue::new(&mut s, "Dlq", Default::default())?;
    for props in [
        QueueProps {
            visibility_timeout: Duration::from_secs(43_201),
            ..Default::default()
        },
        QueueProps {
            retention_period: Duration::from_secs(59),
            ..Default::default()
        },
        QueueProps {
            dead_letter_queue: Some(DeadLetterQueue {
                queue: dlq,
                max_receive_count: 0,
            }),
            ..Default::default()
        },
    ] {
        let err = Queue::new(&mut s, "Bad", props).unwrap_err().to_string();
        assert!(
            err.starts_with("Messaging/Bad:") && err.contains("fix:"),
            "{err}"
        );
    }
    Ok(())
}

#[test]
fn grants_name_the_queue_arn_and_the_customer_key_only() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "QueueKey", Default::default())?;
    let q = Queue::new(
        &mut s,
        "Jobs",
        QueueProps {
            encryption: QueueEncryption::Kms(key),
            ..Default::default()
        },
    )?;
    let producer = iam::Role::new(
        &mut s,
        "Producer",
        "lambda.amazonaws.com",
        Default::default(),
    )?;
    let consumer = iam::Role::new(
        &mut s,
        "Consumer",
        "lambda.amazonaws.com",
        Default::default(),
    )?;
    q.grant_send(&mut s, producer)?;
    q.grant_consume(&mut s, consumer)?;
    let sent: Vec<String> = producer
        .statements(s.app())
        .iter()
        .flat_map(|st| st.actions.iter().map(|a| a.to_string()))
        .collect();
    assert!(
        sent.contains(&"sqs:SendMessage".to_string())
            && sent.contains(&"kms:GenerateDataKey".to_string())
    );
    assert!(!sent.contains(&"sqs:ReceiveMessage".to_string()));
    let consumed: Vec<String> = consumer
        .statements(s.app())
        .iter()
        .flat_map(|st| st.actions.iter().map(|a| a.to_string()))
        .collect();
    assert!(
        consumed.contains(&"sqs:DeleteMessage".to_string())
            && consumed.contains(&"kms:Decrypt".to_string())
    );
    assert!(!consumed.contains(&"kms:GenerateDataKey".to_string()));
    for st in producer
        .statements(s.app())
        .iter()
        .chain(consumer.statements(s.app()))
    {
        assert_eq!(st.resources.len(), 1);
        assert_ne!(st.resources[0], Value::from("*"));
    }
    let t = synth(&app, "sqs_grants");
    let (key_id, _) = resource_at(&t, "Messaging/QueueKey/Resource");
    assert_has_resource_properties(
        &t,
        "AWS::SQS::Queue",
        json!({"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}),
    );
    Ok(())
}

#[test]
fn a_default_topic_is_encrypted_with_the_aws_managed_key() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    Topic::new(&mut s, "Orders", Default::default())?;
    Topic::new(
        &mut s,
        "Alarms",
        TopicProps {
            encryption: TopicEncryption::Unencrypted,
            ..Default::default()
        },
    )?;
    let t = synth(&app, "sns_default");
    let (_, r) = resource_at(&t, "Messaging/Orders/Resource");
    assert_eq!(r["Properties"]["KmsMasterKeyId"], "alias/aws/sns");
    let (_, r) = resource_at(&t, "Messaging/Alarms/Resource");
    assert!(r["Properties"].get("KmsMasterKeyId").is_none());
    Ok(())
}

#[test]
fn an_sqs_subscription_writes_the_queue_policy_for_this_topic_and_depends_on_it() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let topic = Topic::new(&mut s, "Orders", Default::default())?;
    let queue = Queue::new(&mut s, "Billing", Default::default())?;
    topic.add_subscription(&mut s, Subscription::sqs(queue).raw_message_delivery())?;
    let other = Topic::new(&mut s, "Refunds", Default::default())?;
    other.add_subscription(&mut s, Subscription::sqs(queue))?;
    let t = synth(&app, "sns_sqs_subscription");
    let (topic_id, _) = resource_at(&t, "Messaging/Orders/Resource");
    let (queue_id, _) = resource_at(&t, "Messaging/Billing/Resource");
    let (policy_id, policy) = resource_at(&t, "Messaging/Billing/Policy/Resource");
    assert_eq!(policy["Properties"]["Queues"], json!([{"Ref": queue_id}]));
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("list");
    assert_eq!(
        statements.len(),
        2,
        "one statement per topic, one policy per queue"
    );
    assert_eq!(
        statements[0],
        json!({"Action": "sqs:SendMessage",
               "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": topic_id}}},
               "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
               "Resource": {"Fn::GetAtt": [queue_id, "Arn"]}})
    );
    // CDK's ids: the subscription sits under the queue, named by the topic's unique id.
    let unique = gs_core::logical_id_of(&["Messaging", "Orders"]).expect("id");
    let (_, sub) = resource_at(&t, &format!("Messaging/Billing/{unique}/Resource"));
    assert_eq!(
        sub["Properties"],
        json!({"Endpoint": {"Fn::GetAtt": [queue_id, "Arn"]}, "Protocol": "sqs",
               "RawMessageDelivery": true, "TopicArn": {"Ref": topic_id}})
    );
    assert_eq!(sub["DependsOn"], json!([policy_id]));
    Ok(())
}

#[test]
fn a_subscription_to_a_queue_with_a_customer_key_adds_sns_to_the_key_policy() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "QueueKey", Default::default())?;
    let queue = Queue::new(
        &mut s,
        "Billing",
        QueueProps {
            encryption: QueueEncryption::Kms(key),
            ..Default::default()
        },
    )?;
    let topic = Topic::new(&mut s, "Orders", Default::default())?;
    topic.add_subscription(&mut s, Subscription::sqs(queue))?;
    let t = synth(&app, "sns_sqs_cmk");
    let (_, k) = resource_at(&t, "Messaging/QueueKey/Resource");
    let statements = k["Properties"]["KeyPolicy"]["Statement"]
        .as_array()
        .expect("list");
    assert!(statements.iter().any(
        |st| st["Principal"] == json!({"Service": "sns.amazonaws.com"})
            && st["Action"] == json!(["kms:GenerateDataKey*", "kms:Decrypt"])
    ));
    Ok(())
}

#[test]
fn sns_cannot_deliver_to_a_queue_under_the_aws_managed_key_or_of_the_other_kind() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let topic = Topic::new(&mut s, "Orders", Default::default())?;
    let managed = Queue::new(
        &mut s,
        "Managed",
        QueueProps {
            encryption: QueueEncryption::KmsManaged,
            ..Default::default()
        },
    )?;
    let err = topic
        .add_subscription(&mut s, Subscription::sqs(managed))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("alias/aws/sqs") && err.contains("fix:"),
        "{err}"
    );
    let fifo = Queue::new(
        &mut s,
        "Fifo",
        QueueProps {
            fifo: true,
            ..Default::default()
        },
    )?;
    let err = topic
        .add_subscription(&mut s, Subscription::sqs(fifo))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("Messaging/Orders:") && err.contains("FIFO"),
        "{err}"
    );
    // The refused calls left nothing behind.
    assert!(managed.info(s.app()).and_then(|i| i.policy).is_none());
    Ok(())
}

#[test]
fn a_lambda_subscription_writes_the_invoke_permission_for_this_topic() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let topic = Topic::new(&mut s, "Orders", Default::default())?;
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:notify";
    topic.add_subscription(&mut s, Subscription::lambda_arn("Notify", arn))?;
    topic.add_subscription(&mut s, Subscription::email("ops@example.com"))?;
    assert!(topic
        .add_subscription(&mut s, Subscription::email("not an address"))
        .is_err());
    let t = synth(&app, "sns_lambda_email");
    let (topic_id, _) = resource_at(&t, "Messaging/Orders/Resource");
    let (_, perm) = resource_at(&t, "Messaging/Orders/Notify/AllowInvoke");
    assert_eq!(
        perm["Properties"],
        json!({"Action": "lambda:InvokeFunction", "FunctionName": arn,
               "Principal": "sns.amazonaws.com", "SourceArn": {"Ref": topic_id}})
    );
    let (_, sub) = resource_at(&t, "Messaging/Orders/Notify/Resource");
    assert_eq!(sub["Properties"]["Protocol"], "lambda");
    let (_, mail) = resource_at(&t, "Messaging/Orders/ops@example.com/Resource");
    assert_eq!(mail["Properties"]["Endpoint"], "ops@example.com");
    Ok(())
}

#[test]
fn grant_publish_names_the_topic_and_its_customer_key() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    let key = kms::Key::new(&mut s, "TopicKey", Default::default())?;
    let topic = Topic::new(
        &mut s,
        "Orders",
        TopicProps {
            encryption: TopicEncryption::Kms(key),
            ..Default::default()
        },
    )?;
    let role = iam::Role::new(
        &mut s,
        "Publisher",
        "lambda.amazonaws.com",
        Default::default(),
    )?;
    topic.grant_publish(&mut s, role)?;
    let st = role.statements(s.app());
    assert_eq!(st[0].actions, ["sns:Publish"]);
    assert_eq!(st[0].resources, [topic.arn()]);
    assert_eq!(st[1].resources, [key.arn()]);
    synth(&app, "sns_grant_publish");
    Ok(())
}

fn raw_subscription(s: &mut Scope<'_>, with_policy: Option<serde_json::Value>) -> R {
    let topic = s.resource::<RawResource>("Topic", Resource::new("AWS::SNS::Topic"))?;
    let queue = s.resource::<RawResource>(
        "Queue",
        Resource::new("AWS::SQS::Queue").property("SqsManagedSseEnabled", true),
    )?;
    s.resource::<RawResource>(
        "Sub",
        Resource::new("AWS::SNS::Subscription")
            .property("Protocol", "sqs")
            .property("TopicArn", Value::Ref(topic.node()))
            .property("Endpoint", Value::GetAtt(queue.node(), "Arn".into())),
    )?;
    if let Some(principal) = with_policy {
        let principal: Value = match principal {
            serde_json::Value::String(p) => Value::from(p.as_str()),
            _ => ValueMap::new().with("Service", "sns.amazonaws.com").into(),
        };
        s.resource::<RawResource>(
            "QueuePolicy",
            Resource::new("AWS::SQS::QueuePolicy")
                .property("Queues", Value::List(vec![Value::Ref(queue.node())]))
                .property(
                    "PolicyDocument",
                    ValueMap::new().with("Version", "2012-10-17").with(
                        "Statement",
                        Value::List(vec![ValueMap::new()
                            .with("Effect", "Allow")
                            .with("Principal", principal)
                            .with("Action", "sqs:SendMessage")
                            .with("Resource", Value::GetAtt(queue.node(), "Arn".into()))
                            .with(
                                "Condition",
                                ValueMap::new().with(
                                    "ArnEquals",
                                    ValueMap::new().with("aws:SourceArn", Value::Ref(topic.node())),
                                ),
                            )
                            .into()]),
                    ),
                ),
        )?;
    }
    Ok(())
}

#[test]
fn a_raw_sqs_subscription_without_a_queue_policy_is_refused() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    raw_subscription(&mut s, None)?;
    assert_refused(&app, "sns/subscription-cannot-deliver", "Messaging/Sub");
    Ok(())
}

#[test]
fn a_raw_sqs_subscription_with_a_queue_policy_for_sns_passes() -> R {
    let (mut app, stack) = app();
    let mut s = app.at(stack)?;
    raw_subscription(&mut s, Some(json!({"Service": "sns.amazonaws.com"})))?;
    synth(&app, "sns_raw_subscription_allowed");
    Ok(())
}

/// The refusal of a topic or queue named `name` (FIFO when `fifo`).
fn name_refusal(topic: bool, name: &str, fifo: bool) -> String {
    let (mut app, stack) = app();
    let mut s = app.at(stack).expect("scope");
    let name = Some(name.to_string());
    let refused = if topic {
        Topic::new(
            &mut s,
            "Named",
            TopicProps {
                topic_name: name,
                fifo,
                ..Default::default()
            },
        )
        .err()
    } else {
        Queue::new(
            &mut s,
            "Named",
            QueueProps {
                queue_name: name,
                fifo,
                ..Default::default()
            },
        )
        .err()
    };
    refused.map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn topic_and_queue_names_are_refused_for_the_fifo_suffix_the_length_and_the_characters() {
    for (topic, what, max) in [(true, "topic", 256), (false, "queue", 80)] {
        let fix = format!(
            "fix: use 1 to {max} letters, digits, `-` or `_`, ending with `.fifo` exactly when `fifo` is set"
        );
        assert_eq!(
            name_refusal(topic, "orders", true),
            format!("Messaging/Named: the {what} name `orders` is a FIFO {what}'s name without the suffix `.fifo`; {fix}")
        );
        assert_eq!(
            name_refusal(topic, "orders.fifo", false),
            format!("Messaging/Named: the {what} name `orders.fifo` ends with `.fifo`, which only a FIFO {what}'s name may; {fix}")
        );
        let long = "a".repeat(max + 1);
        assert_eq!(
            name_refusal(topic, &long, false),
            format!(
                "Messaging/Named: the {what} name `{long}` is {} characters, not 1 to {max}; {fix}",
                max + 1
            )
        );
        assert_eq!(
            name_refusal(topic, "or.ders.fifo", true),
            format!("Messaging/Named: the {what} name `or.ders.fifo` contains `.`; only letters, digits, `-` and `_` are allowed; {fix}")
        );
        assert_eq!(name_refusal(topic, &"a".repeat(max), false), "");
        assert_eq!(name_refusal(topic, "orders-1_b.fifo", true), "");
    }
}
