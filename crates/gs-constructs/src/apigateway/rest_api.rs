//! [`RestApi`]: a regional REST API, its deployment and a stage that logs every request.

use gs_core::{Handle, NodeId, Pseudo, Resource, Scope, Value, ValueMap};

use super::cors::CorsOptions;
use super::deployment::ApiState;
use super::method::Authorization;
use super::resource::ApiResource;
use crate::error::{ConstructError, Result};
use crate::logs::{LogDelivery, LogGroup, LogGroupProps};
use crate::names::NameRule;

/// Marker of the `AWS::ApiGateway::RestApi` resource.
#[derive(Debug)]
pub enum CfnRestApi {}
/// Marker of the `AWS::ApiGateway::Stage` resource.
#[derive(Debug)]
pub enum CfnStage {}

/// The access-log line: one JSON object per request, CDK's `jsonWithStandardFields`.
pub const ACCESS_LOG_FORMAT: &str = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"user\":\"$context.identity.user\",\"caller\":\"$context.identity.caller\",\"requestTime\":\"$context.requestTime\",\"httpMethod\":\"$context.httpMethod\",\"resourcePath\":\"$context.resourcePath\",\"status\":\"$context.status\",\"protocol\":\"$context.protocol\",\"responseLength\":\"$context.responseLength\"}";

/// Settings of a [`RestApi`].
#[derive(Clone, Debug)]
pub struct RestApiProps {
    /// The API's name; `None` uses the construct id.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The stage's name (`prod` by default).
    pub stage_name: String,
    /// Where access logs go; `None` creates a log group `<Api>/AccessLogs` (a month of retention,
    /// retained on removal).
    pub access_log_group: Option<LogGroup>,
    /// The access-log line format ([`ACCESS_LOG_FORMAT`] by default).
    pub access_log_format: String,
    /// Execution-log level of every method: `INFO` (the default) or `ERROR`.
    pub logging_level: String,
    /// Log full requests and responses in execution logs (off by default: they can hold personal
    /// data and secrets).
    pub data_trace: bool,
    /// Create the IAM role API Gateway uses to write logs and set it on the account (on by
    /// default). Turn it off only when the account and Region already have one: without it,
    /// execution logging fails at deploy time.
    pub cloud_watch_role: bool,
    /// CORS preflight (`OPTIONS`) on the root and on every resource added, and the
    /// `Access-Control-Allow-Origin` header on every method's responses.
    pub default_cors: Option<CorsOptions>,
    /// How callers of the API's methods authenticate: `Iam` by default (callers sign with AWS
    /// credentials; CDK's default is `NONE`, which gs only allows on purpose and warns about).
    /// Preflight is never authorized.
    pub default_authorization: Authorization,
}

impl Default for RestApiProps {
    fn default() -> Self {
        RestApiProps {
            name: None,
            description: None,
            stage_name: "prod".into(),
            access_log_group: None,
            access_log_format: ACCESS_LOG_FORMAT.into(),
            logging_level: "INFO".into(),
            data_trace: false,
            cloud_watch_role: true,
            default_cors: None,
            default_authorization: Authorization::Iam,
        }
    }
}

/// A regional REST API with a deployment and a stage.
///
/// The stage writes access logs (as JSON) to a log group handle and execution logs with metrics;
/// the account's CloudWatch role is created and the stage is deployed after it. Resources hang
/// below [`RestApi::root`] (`<Api>/Default/...`, as in CDK), methods below their resource.
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::apigateway::{Integration, KinesisTarget, RestApi};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let api = RestApi::new(&mut s, "ContentApi", Default::default())?;
/// let events = api.add_resource(&mut s, api.root(), "events")?;
/// let target = KinesisTarget::from_name("globalstream-events");
/// let post = api.add_method(&mut s, events, "POST", Integration::kinesis_put_record(target))?;
/// assert_eq!(s.app().path(post.resource)?, "Demo/ContentApi/Default/events/POST/Resource");
/// assert_eq!(api.methods(s.app()).len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestApi {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::ApiGateway::RestApi` resource.
    pub resource: Handle<CfnRestApi>,
    /// The `AWS::ApiGateway::Deployment` resource.
    pub deployment: NodeId,
    /// The `AWS::ApiGateway::Stage` resource.
    pub stage: Handle<CfnStage>,
    /// The `AWS::ApiGateway::Account` resource, when the API sets the CloudWatch role.
    pub account: Option<NodeId>,
    /// Where the stage's access logs go.
    pub access_log_group: LogGroup,
    root: ApiResource,
}

impl RestApi {
    /// Builds the API, its deployment, its stage with logging, and (by default) the account's
    /// CloudWatch role.
    pub fn new(scope: &mut Scope<'_>, id: &str, props: RestApiProps) -> Result<RestApi> {
        scope.atomically(|scope| Self::build(scope, id, props))
    }

    fn build(scope: &mut Scope<'_>, id: &str, props: RestApiProps) -> Result<RestApi> {
        let path = scope.child_path(id);
        check_stage_name(&path, &props.stage_name)?;
        if !["INFO", "ERROR"].contains(&props.logging_level.as_str()) {
            return Err(ConstructError::invalid(
                &path,
                format!(
                    "the logging level `{}` is not INFO or ERROR",
                    props.logging_level
                ),
                "use INFO (every request) or ERROR",
            ));
        }
        if let Some(cors) = &props.default_cors {
            cors.check(&path)?;
        }
        let name = props.name.clone().unwrap_or_else(|| id.to_string());
        if name.is_empty() || name.len() > 1024 {
            return Err(ConstructError::invalid(
                &path,
                "the API name is not 1 to 1024 characters",
                "give a shorter name",
            ));
        }
        let mut g = scope.group(id)?;
        let node = g.node();
        let resource = g.resource::<CfnRestApi>(
            "Resource",
            Resource::new("AWS::ApiGateway::RestApi")
                .properties(
                    ValueMap::with_capacity(3)
                        .with_opt("Description", props.description.clone())
                        .with(
                            "EndpointConfiguration",
                            ValueMap::with_capacity(1)
                                .with("Types", Value::List(vec!["REGIONAL".into()])),
                        )
                        .with("Name", name),
                )
                .tagged(),
        )?;
        let api_id = Value::Ref(resource.node());
        let account = if props.cloud_watch_role {
            Some(super::account::cloud_watch_account(
                &mut g,
                resource.node(),
            )?)
        } else {
            None
        };
        let mut d = g.group("Deployment")?;
        let deployment = d.resource::<()>(
            "Resource",
            Resource::new("AWS::ApiGateway::Deployment").properties(
                ValueMap::with_capacity(2)
                    .with("Description", format!("{path} deployment"))
                    .with("RestApiId", api_id.clone()),
            ),
        )?;
        // The API's own properties are part of what the stage serves (CDK hashes the RestApi's
        // CloudFormation into the deployment's logical ID too).
        g.app_mut().add_to_logical_id(deployment, resource)?;
        let log_group = match props.access_log_group {
            Some(l) => l,
            None => LogGroup::new(&mut g, "AccessLogs", LogGroupProps::default())?,
        };
        let method_settings = ValueMap::with_capacity(5)
            .with("DataTraceEnabled", props.data_trace)
            .with("HttpMethod", "*")
            .with("LoggingLevel", props.logging_level.as_str())
            .with("MetricsEnabled", true)
            .with("ResourcePath", "/*");
        let mut st = g.group(&format!("DeploymentStage.{}", props.stage_name))?;
        let stage = st.resource::<CfnStage>(
            "Resource",
            Resource::new("AWS::ApiGateway::Stage")
                .properties(
                    ValueMap::with_capacity(5)
                        .with(
                            "AccessLogSetting",
                            ValueMap::with_capacity(2)
                                .with("DestinationArn", log_group.arn())
                                .with("Format", props.access_log_format.as_str()),
                        )
                        .with("DeploymentId", Value::Ref(deployment.node()))
                        .with("MethodSettings", Value::List(vec![method_settings.into()]))
                        .with("RestApiId", api_id)
                        .with("StageName", props.stage_name.as_str()),
                )
                .tagged(),
        )?;
        if let Some(account) = account {
            g.app_mut().add_dependency(
                stage,
                account,
                "execution logging needs the account's CloudWatch role set first",
            )?;
        }
        g.app_mut().add_fact(LogDelivery {
            producer: stage.node(),
            log_group,
            kind: "access-log",
        });
        let root_node = g.add_group("Default")?.node();
        let root = ApiResource {
            node: root_node,
            resource: None,
            api: resource.node(),
        };
        g.app_mut().attach(
            node,
            ApiState {
                deployment: deployment.node(),
                methods: Vec::new(),
                cors: props.default_cors.clone(),
                authorization: props.default_authorization,
            },
        )?;
        let api = RestApi {
            node,
            resource,
            deployment: deployment.node(),
            stage,
            account,
            access_log_group: log_group,
            root,
        };
        if let Some(cors) = props.default_cors {
            api.add_cors_preflight_owned(g.app_mut(), root, cors)?;
        }
        Ok(api)
    }

    /// The API's id (`Ref`).
    pub fn rest_api_id(&self) -> Value {
        Value::Ref(self.resource.node())
    }

    /// The id of the root resource `/` (`Fn::GetAtt RootResourceId`).
    pub fn root_resource_id(&self) -> Value {
        Value::GetAtt(self.resource.node(), "RootResourceId".into())
    }

    /// The root resource `/`, to add resources and methods to.
    pub fn root(&self) -> ApiResource {
        self.root
    }

    /// The stage's name (`Ref` of the stage).
    pub fn stage_name(&self) -> Value {
        Value::Ref(self.stage.node())
    }

    /// The stage's URL, `https://{id}.execute-api.{region}.{suffix}/{stage}/`.
    pub fn url(&self) -> Value {
        Value::join(
            "",
            [
                Value::from("https://"),
                self.rest_api_id(),
                Value::from(".execute-api."),
                Value::Pseudo(Pseudo::Region),
                Value::from("."),
                Value::Pseudo(Pseudo::UrlSuffix),
                Value::from("/"),
                self.stage_name(),
                Value::from("/"),
            ],
        )
    }

    /// The ARN callers need `execute-api:Invoke` on to call `method` on `path` (e.g. `POST`,
    /// `/events`) of this stage: [`RestApi::arn_for_execute_api`] at the stage (`ANY` and each
    /// `{parameter}` become `*`).
    pub fn execute_api_arn(&self, method: &str, path: &str) -> Value {
        self.arn_for_execute_api(method, path, self.stage_name())
    }
}

fn check_stage_name(path: &str, name: &str) -> Result<()> {
    const RULE: NameRule<'static> = NameRule {
        what: "stage",
        min: 1,
        max: 128,
        extra: "-_",
    };
    RULE.check(path, name)
}
