//! [`Integration`]: what a method calls (a mock response, Kinesis `PutRecord`, a Lambda function
//! as a proxy), and the [`KinesisTarget`] a Kinesis integration writes to.

use gs_core::{Pseudo, Value, ValueMap};

use super::cors::CorsOptions;
use crate::lambda::Function;

/// The stream a Kinesis integration writes to: its ARN (the integration's role may put records
/// on it and nothing else) and its name (what `PutRecord` is called with), plus the customer
/// managed key that encrypts it, if any.
///
/// ```
/// use gs_constructs::apigateway::KinesisTarget;
/// use gs_core::Value;
/// let t = KinesisTarget::from_name("globalstream-events");
/// assert_eq!(t.stream_name, Value::from("globalstream-events"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct KinesisTarget {
    /// The stream's ARN.
    pub stream_arn: Value,
    /// The stream's name.
    pub stream_name: Value,
    /// The ARN of the customer managed KMS key of the stream (`None` for the AWS managed key or
    /// no encryption): the role then also gets `kms:GenerateDataKey` on it.
    pub key_arn: Option<Value>,
}

impl KinesisTarget {
    /// A stream given by ARN and name (typically a stream's `arn()` and `stream_name()`).
    pub fn new(stream_arn: Value, stream_name: Value) -> KinesisTarget {
        KinesisTarget {
            stream_arn,
            stream_name,
            key_arn: None,
        }
    }

    /// A stream outside the app, in the stack's account and Region, named on purpose.
    pub fn from_name(name: &str) -> KinesisTarget {
        KinesisTarget::new(
            Value::sub(format!(
                "arn:${{AWS::Partition}}:kinesis:${{AWS::Region}}:${{AWS::AccountId}}:stream/{name}"
            )),
            Value::from(name),
        )
    }

    /// The same target, encrypted with the customer managed key `key_arn`.
    #[must_use]
    pub fn with_key(mut self, key_arn: Value) -> KinesisTarget {
        self.key_arn = Some(key_arn);
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Mock,
    KinesisPutRecord {
        target: Box<KinesisTarget>,
        partition_key: String,
    },
    Preflight(CorsOptions),
    LambdaProxy {
        function: Function,
        test_invoke: bool,
    },
}

/// What a method calls.
///
/// ```
/// use gs_constructs::apigateway::{Integration, KinesisTarget};
/// let put = Integration::kinesis_put_record(KinesisTarget::from_name("events"))
///     .with_partition_key("$input.path('$.userId')");
/// assert!(put.kinesis_target().is_some());
/// assert!(Integration::mock().kinesis_target().is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Integration {
    kind: Kind,
}

impl Integration {
    /// A mock integration: API Gateway answers `200` itself.
    pub fn mock() -> Integration {
        Integration { kind: Kind::Mock }
    }

    /// `PutRecord` on a Kinesis stream: the JSON request body becomes the record's data
    /// (base64-encoded), partitioned by the request id unless
    /// [`Integration::with_partition_key`] says otherwise. The method gets a role of its own
    /// (`<Method>/Role`) allowed `kinesis:PutRecord` on that stream only.
    pub fn kinesis_put_record(target: KinesisTarget) -> Integration {
        Integration {
            kind: Kind::KinesisPutRecord {
                target: Box::new(target),
                partition_key: "$context.requestId".into(),
            },
        }
    }

    /// The same integration with the partition key given by a mapping-template expression, such
    /// as `$input.path('$.userId')`. No effect on other integrations.
    #[must_use]
    pub fn with_partition_key(mut self, expression: &str) -> Integration {
        if let Kind::KinesisPutRecord { partition_key, .. } = &mut self.kind {
            *partition_key = expression.to_string();
        }
        self
    }

    /// The stream a Kinesis integration writes to.
    pub fn kinesis_target(&self) -> Option<&KinesisTarget> {
        match &self.kind {
            Kind::KinesisPutRecord { target, .. } => Some(target.as_ref()),
            _ => None,
        }
    }

    /// A Lambda proxy integration (`AWS_PROXY`, as CDK's `LambdaIntegration`): API Gateway
    /// passes the whole request to `function` and returns what it answers (`statusCode`,
    /// `headers`, `body`), so the function sets its own response headers, CORS ones included.
    ///
    /// Adding it to a method also writes the `AWS::Lambda::Permission` that lets
    /// `apigateway.amazonaws.com` invoke the function for that method of the API's stage only
    /// (`<Method>/ApiPermission.<function>.<api>.<VERB>.<path>`, CDK's id and `SourceArn`). The
    /// permission for the console's *Test* button (CDK's `allowTestInvoke`, on by default there)
    /// is written only with [`Integration::with_test_invoke`].
    ///
    /// ```
    /// use gs_constructs::prelude::*;
    /// use gs_constructs::apigateway::{Integration, RestApi};
    /// use gs_constructs::lambda::{Code, Function, Runtime};
    /// let mut app = App::new();
    /// let stack = app.stack("Demo", StackProps::default())?;
    /// let mut s = app.at(stack)?;
    /// let f = Function::new(&mut s, "Handler", Runtime::Python3_12, "index.handler",
    ///     Code::from_inline("def handler(event, context):\n    return {'statusCode': 200}\n"),
    ///     Default::default())?;
    /// let api = RestApi::new(&mut s, "Api", Default::default())?;
    /// let items = api.add_resource(&mut s, api.root(), "items")?;
    /// let get = api.add_method(&mut s, items, "GET", Integration::lambda(f))?;
    /// let permission = get.permission.expect("a permission for API Gateway");
    /// assert!(s.app().path(permission)?.starts_with("Demo/Api/Default/items/GET/ApiPermission."));
    /// assert!(get.test_permission.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lambda(function: Function) -> Integration {
        Integration {
            kind: Kind::LambdaProxy {
                function,
                test_invoke: false,
            },
        }
    }

    /// The same Lambda integration, also letting the API's `test-invoke-stage` (the console's
    /// *Test* button) invoke the function: a second permission per method. No effect on other
    /// integrations.
    #[must_use]
    pub fn with_test_invoke(mut self) -> Integration {
        if let Kind::LambdaProxy { test_invoke, .. } = &mut self.kind {
            *test_invoke = true;
        }
        self
    }

    /// The function a Lambda integration invokes, and whether the console may test it.
    pub fn lambda_function(&self) -> Option<(Function, bool)> {
        match &self.kind {
            Kind::LambdaProxy {
                function,
                test_invoke,
            } => Some((*function, *test_invoke)),
            _ => None,
        }
    }

    pub(crate) fn preflight(cors: CorsOptions) -> Integration {
        Integration {
            kind: Kind::Preflight(cors),
        }
    }

    /// The method's `Integration` and `MethodResponses` properties (none for a proxy, which
    /// returns what the function answers). `credentials` is the role ARN of an AWS integration;
    /// `cors` adds `Access-Control-Allow-Origin` to every response.
    pub(crate) fn render(
        &self,
        credentials: Option<Value>,
        cors: Option<&CorsOptions>,
    ) -> (Value, Option<Value>) {
        let json = |template: String| ValueMap::with_capacity(1).with("application/json", template);
        match &self.kind {
            Kind::Mock => {
                let integration = ValueMap::with_capacity(4)
                    .with(
                        "IntegrationResponses",
                        Value::List(vec![response("200", None, None, cors)]),
                    )
                    .with("PassthroughBehavior", "NEVER")
                    .with("RequestTemplates", json("{\"statusCode\": 200}".into()))
                    .with("Type", "MOCK");
                (integration.into(), Some(method_responses(&["200"], cors)))
            }
            Kind::KinesisPutRecord {
                target,
                partition_key,
            } => {
                let request = Value::join(
                    "",
                    [
                        Value::from("{\"StreamName\": \""),
                        target.stream_name.clone(),
                        Value::from(format!(
                            "\", \"Data\": \"$util.base64Encode($input.body)\", \"PartitionKey\": \"{partition_key}\"}}"
                        )),
                    ],
                );
                let ok = "{\"shardId\": \"$input.path('$.ShardId')\", \"sequenceNumber\": \"$input.path('$.SequenceNumber')\"}";
                let integration = ValueMap::with_capacity(8)
                    .with_opt("Credentials", credentials)
                    .with("IntegrationHttpMethod", "POST")
                    .with(
                        "IntegrationResponses",
                        Value::List(vec![
                            response("200", None, Some(ok), cors),
                            response("400", Some("4\\d{2}"), None, cors),
                            response("500", Some("5\\d{2}"), None, cors),
                        ]),
                    )
                    .with("PassthroughBehavior", "NEVER")
                    .with(
                        "RequestParameters",
                        ValueMap::with_capacity(1).with(
                            "integration.request.header.Content-Type",
                            "'application/x-amz-json-1.1'",
                        ),
                    )
                    .with(
                        "RequestTemplates",
                        ValueMap::with_capacity(1).with("application/json", request),
                    )
                    .with("Type", "AWS")
                    .with(
                        "Uri",
                        Value::sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:kinesis:action/PutRecord"),
                    );
                (
                    integration.into(),
                    Some(method_responses(&["200", "400", "500"], cors)),
                )
            }
            Kind::Preflight(cors) => {
                // Each header set on the integration response is declared on the method
                // response: both maps are written together, under the same static keys.
                let (mut params, mut declared) = (ValueMap::new(), ValueMap::new());
                let mut header = |key: &'static str, value: Value| {
                    params.insert(key, value);
                    declared.insert(key, true);
                };
                header(
                    "method.response.header.Access-Control-Allow-Headers",
                    quoted_list(&cors.allow_headers).into(),
                );
                header(
                    "method.response.header.Access-Control-Allow-Origin",
                    cors.origin_header().into(),
                );
                if cors.varies_by_origin() {
                    header("method.response.header.Vary", "'Origin'".into());
                }
                header(
                    "method.response.header.Access-Control-Allow-Methods",
                    quoted_list(&cors.allow_methods).into(),
                );
                if cors.allow_credentials {
                    header(
                        "method.response.header.Access-Control-Allow-Credentials",
                        "'true'".into(),
                    );
                }
                if let Some(age) = cors.max_age_seconds {
                    header(
                        "method.response.header.Access-Control-Max-Age",
                        format!("'{age}'").into(),
                    );
                }
                let integration = ValueMap::with_capacity(3)
                    .with(
                        "IntegrationResponses",
                        Value::List(vec![ValueMap::with_capacity(3)
                            .with("ResponseParameters", params)
                            .with_opt("ResponseTemplates", cors.origin_vtl().map(json))
                            .with("StatusCode", "204")
                            .into()]),
                    )
                    .with("RequestTemplates", json("{ statusCode: 200 }".into()))
                    .with("Type", "MOCK");
                let responses = Value::List(vec![ValueMap::with_capacity(2)
                    .with("ResponseParameters", declared)
                    .with("StatusCode", "204")
                    .into()]);
                (integration.into(), Some(responses))
            }
            Kind::LambdaProxy { function, .. } => {
                let integration = ValueMap::with_capacity(3)
                    .with("IntegrationHttpMethod", "POST")
                    .with("Type", "AWS_PROXY")
                    .with("Uri", invocation_uri(function.arn()));
                (integration.into(), None)
            }
        }
    }
}

/// `'a,b,c'`: the items joined by commas in single quotes, written into one buffer.
fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut text =
        String::with_capacity(2 + items.iter().map(|i| i.as_ref().len() + 1).sum::<usize>());
    text.push('\'');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(item.as_ref());
    }
    text.push('\'');
    text
}

/// One integration response; with CORS it carries the allowed origin (echoed by a template when
/// there are several).
fn response(
    status: &str,
    pattern: Option<&str>,
    template: Option<&str>,
    cors: Option<&CorsOptions>,
) -> Value {
    let mut params = ValueMap::new();
    let mut template = template.map(str::to_string);
    if let Some(cors) = cors {
        params.insert(
            "method.response.header.Access-Control-Allow-Origin",
            cors.origin_header(),
        );
        if cors.varies_by_origin() {
            params.insert("method.response.header.Vary", "'Origin'");
        }
        if let Some(vtl) = cors.origin_vtl() {
            template = Some(format!(
                "{vtl}{}",
                template.as_deref().unwrap_or("$input.body")
            ));
        }
    }
    ValueMap::with_capacity(4)
        .with_opt("ResponseParameters", (!params.is_empty()).then_some(params))
        .with_opt(
            "ResponseTemplates",
            template.map(|t| ValueMap::with_capacity(1).with("application/json", t)),
        )
        .with_opt("SelectionPattern", pattern)
        .with("StatusCode", status)
        .into()
}

fn method_responses(statuses: &[&str], cors: Option<&CorsOptions>) -> Value {
    Value::List(
        statuses
            .iter()
            .map(|s| {
                let params = cors.map(|c| {
                    let mut p = ValueMap::with_capacity(2)
                        .with("method.response.header.Access-Control-Allow-Origin", true);
                    if c.varies_by_origin() {
                        p.insert("method.response.header.Vary", true);
                    }
                    p
                });
                ValueMap::with_capacity(2)
                    .with_opt("ResponseParameters", params)
                    .with("StatusCode", *s)
                    .into()
            })
            .collect(),
    )
}

/// `arn:<partition>:apigateway:<Region>:lambda:path/2015-03-31/functions/<arn>/invocations`: the
/// Lambda `Invoke` action as an API Gateway integration URI, written as CDK writes it.
pub(crate) fn invocation_uri(function_arn: Value) -> Value {
    Value::join(
        "",
        [
            Value::from("arn:"),
            Value::Pseudo(Pseudo::Partition),
            Value::from(":apigateway:"),
            Value::Pseudo(Pseudo::Region),
            Value::from(":lambda:path/2015-03-31/functions/"),
            function_arn,
            Value::from("/invocations"),
        ],
    )
}
