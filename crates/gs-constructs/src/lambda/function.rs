//! [`Function`]: a Lambda function with its own role, log group (with retention), and, in a
//! VPC, its own security group, laid out as AWS CDK's `lambda.Function` (`<Id>/ServiceRole`,
//! `<Id>/Resource`), so logical IDs match CDK's for equal paths.

use std::time::Duration;

use gs_core::{App, NodeId, RemovalPolicy, Scope, Value};
use gs_l1::lambda::{event_invoke_config, CfnFunctionProps, CfnPermission, CfnPermissionProps};
use gs_l1::lambda::{function, CfnEventInvokeConfig, CfnEventInvokeConfigProps, CfnFunction};
use gs_l1::{Id, Map, Str};

use super::code::Code;
use super::queue_ref::QueueRef;
use super::runtime::Runtime;
use crate::ec2::{Connectable, SecurityGroup, SecurityGroupProps, SubnetType, Vpc};
use crate::error::{ConstructError, Result};
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::logs::{LogDelivery, LogGroup, LogGroupProps, RetentionDays};

/// The processor architecture a function runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Architecture {
    /// `x86_64` (Lambda's default).
    #[default]
    X86_64,
    /// `arm64` (Graviton).
    Arm64,
}

/// Settings of a [`Function`].
#[derive(Clone, Debug)]
pub struct FunctionProps {
    /// The function's name; `None` lets CloudFormation name it.
    pub function_name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// Memory in MB, 128 to 10240; `None` is Lambda's default, 128.
    pub memory_mb: Option<u32>,
    /// How long an invocation may run, whole seconds from 1 to 900; `None` is Lambda's default,
    /// 3 seconds.
    pub timeout: Option<Duration>,
    /// Environment variables (more with [`Function::add_environment`]).
    pub environment: Vec<(String, Value)>,
    /// How long the function's own log group keeps events (one month by default).
    pub log_retention: RetentionDays,
    /// What happens to the log group when it leaves the stack (retained by default).
    pub log_removal_policy: RemovalPolicy,
    /// Place the function in this VPC, with a security group of its own.
    pub vpc: Option<Vpc>,
    /// Which of the VPC's subnets (private by default: Lambda's network interfaces have no
    /// public IP, so a public subnet gives no internet access).
    pub vpc_subnets: SubnetType,
    /// Concurrency reserved for this function (and its ceiling); `None` shares the account's
    /// unreserved pool.
    pub reserved_concurrency: Option<u32>,
    /// Where Lambda sends an asynchronous event it gave up on (`DeadLetterConfig`); the role may
    /// send there.
    pub dead_letter_queue: Option<QueueRef>,
    /// Where Lambda sends the record of an asynchronous invocation that failed (an on-failure
    /// destination, `AWS::Lambda::EventInvokeConfig`); the role may send there.
    pub on_failure: Option<QueueRef>,
    /// How many times Lambda retries a failed asynchronous invocation (0 to 2; Lambda's
    /// default: 2).
    pub retry_attempts: Option<u32>,
    /// The processor architecture.
    pub architecture: Architecture,
}

impl Default for FunctionProps {
    fn default() -> Self {
        FunctionProps {
            function_name: None,
            description: None,
            memory_mb: None,
            timeout: None,
            environment: Vec::new(),
            log_retention: RetentionDays::OneMonth,
            log_removal_policy: RemovalPolicy::Retain,
            vpc: None,
            vpc_subnets: SubnetType::Private,
            reserved_concurrency: None,
            dead_letter_queue: None,
            on_failure: None,
            retry_attempts: None,
            architecture: Architecture::X86_64,
        }
    }
}

/// What the function's properties are rendered from: kept on the function's group so that
/// [`Function::add_environment`] renders them again through the L1 type.
#[derive(Clone, Debug)]
struct Spec {
    code: CodeValue,
    package_type: Option<&'static str>,
    role_arn: Value,
    runtime: Option<&'static str>,
    handler: Option<String>,
    function_name: Option<String>,
    description: Option<String>,
    memory_mb: Option<u32>,
    timeout_s: Option<u64>,
    environment: Vec<(String, Value)>,
    log_group: Value,
    vpc: Option<(Vec<Value>, Value)>,
    reserved_concurrency: Option<u32>,
    dead_letter_arn: Option<Value>,
    architecture: Architecture,
}

/// The bound code's parts (the L1 `Code` type is not `Clone`).
#[derive(Clone, Debug)]
struct CodeValue {
    s3_bucket: Option<Value>,
    s3_key: Option<Value>,
    s3_object_version: Option<Value>,
    zip_file: Option<Value>,
    image_uri: Option<Value>,
}

impl CodeValue {
    fn of(code: function::Code) -> CodeValue {
        use gs_l1::IntoValue;
        CodeValue {
            s3_bucket: code.s3_bucket.map(|b| b.into_ref()),
            s3_key: code.s3_key.map(IntoValue::into_value),
            s3_object_version: code.s3_object_version.map(IntoValue::into_value),
            zip_file: code.zip_file.map(IntoValue::into_value),
            image_uri: code.image_uri.map(IntoValue::into_value),
        }
    }

    fn l1(&self) -> function::Code {
        let mut code = function::Code::new();
        code.s3_bucket = self.s3_bucket.clone().map(Id::Value);
        code.s3_key = self.s3_key.clone().map(Str::from);
        code.s3_object_version = self.s3_object_version.clone().map(Str::from);
        code.zip_file = self.zip_file.clone().map(Str::from);
        code.image_uri = self.image_uri.clone().map(Str::from);
        code
    }
}

impl Spec {
    fn props(&self) -> CfnFunctionProps {
        let mut p = CfnFunctionProps::new(self.code.l1(), Id::Value(self.role_arn.clone()));
        p.package_type = self.package_type.map(Str::from);
        p.runtime = self.runtime.map(Str::from);
        p.handler = self.handler.as_deref().map(Str::from);
        p.function_name = self.function_name.as_deref().map(Str::from);
        p.description = self.description.as_deref().map(Str::from);
        p.memory_size = self.memory_mb.map(Into::into);
        p.timeout = self
            .timeout_s
            .map(|t| i64::try_from(t).unwrap_or(i64::MAX).into());
        if !self.environment.is_empty() {
            let mut env = function::Environment::new();
            env.variables = Some(Map::Entries(
                self.environment
                    .iter()
                    .map(|(k, v)| (k.clone(), Str::from(v.clone())))
                    .collect(),
            ));
            p.environment = Some(env);
        }
        let mut logging = function::LoggingConfig::new();
        logging.log_group = Some(Id::Value(self.log_group.clone()));
        p.logging_config = Some(logging);
        if let Some((subnets, sg)) = &self.vpc {
            let mut vpc = function::VpcConfig::new();
            vpc.subnet_ids = Some(subnets.iter().cloned().map(Id::Value).collect());
            vpc.security_group_ids = Some([Id::Value(sg.clone())].into());
            p.vpc_config = Some(vpc);
        }
        p.reserved_concurrent_executions = self.reserved_concurrency.map(Into::into);
        if let Some(arn) = &self.dead_letter_arn {
            let mut dlq = function::DeadLetterConfig::new();
            dlq.target_arn = Some(arn.clone().into());
            p.dead_letter_config = Some(dlq);
        }
        if self.architecture == Architecture::Arm64 {
            p.architectures = Some(["arm64"].into());
        }
        p
    }
}

/// A Lambda function.
///
/// By default it gets what CDK gives it, and a little less privilege:
/// - a role (`<Id>/ServiceRole`) that Lambda assumes, allowed to write to the function's own
///   log group only (no `AWSLambdaBasicExecutionRole`, whose `logs:*` statements name `*`);
/// - that log group (`<Id>/LogGroup`), with retention, named in the function's
///   `LoggingConfig`;
/// - in a VPC, a security group of its own (`<Id>/SecurityGroup`) and the
///   `AWSLambdaVPCAccessExecutionRole` managed policy (its network interfaces need it).
///
/// ```
/// use gs_constructs::prelude::*;
/// use gs_constructs::lambda::{Code, Function, Runtime};
/// let mut app = App::new();
/// let stack = app.stack("Demo", StackProps::default())?;
/// let mut s = app.at(stack)?;
/// let f = Function::new(&mut s, "Handler", Runtime::Python3_12, "index.handler",
///     Code::from_inline("def handler(event, context):\n    return 'ok'\n"), Default::default())?;
/// f.add_environment(&mut s, "STAGE", "dev")?;
/// assert_eq!(s.app().path(f.resource)?, "Demo/Handler/Resource");
/// assert_eq!(s.app().path(f.role.node)?, "Demo/Handler/ServiceRole");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Function {
    /// The group node.
    pub node: NodeId,
    /// The `AWS::Lambda::Function` resource.
    pub resource: CfnFunction,
    /// The role the function runs with.
    pub role: Role,
    /// The function's log group.
    pub log_group: LogGroup,
    /// Its security group, in a VPC.
    pub security_group: Option<SecurityGroup>,
}

/// A valid name: 1 to 64 letters, digits, hyphens and underscores.
fn invalid_function_name(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 64 {
        return Some(format!("is {} characters, not 1 to 64", name.len()));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        .map(|c| format!("has `{c}`, which Lambda does not allow"))
}

/// Why an environment variable name is refused, if it is.
fn invalid_env_key(key: &str) -> Option<&'static str> {
    // Lambda sets these itself and refuses a function that sets them (Lambda Developer Guide,
    // "Defined runtime environment variables": reserved keys).
    const RESERVED: &[&str] = &[
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    ];
    let mut chars = key.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some("must start with a letter");
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some("may hold only letters, digits and underscores");
    }
    // Lambda's pattern is `[a-zA-Z][a-zA-Z0-9_]+`: one letter alone is refused.
    if key.len() < 2 {
        return Some("must be at least two characters");
    }
    if RESERVED.contains(&key) {
        return Some("is reserved: Lambda sets it");
    }
    None
}

impl Function {
    /// A function running `handler` (e.g. `index.handler`; ignored for an image, give `""`) of
    /// `code` on `runtime` (`Runtime::FromImage` for `Code::from_image_dir`).
    ///
    /// Refused, naming the construct path: a runtime that does not fit the code (an image
    /// without `Runtime::FromImage`, inline code on a runtime other than Node.js or Python), an
    /// empty handler, memory outside 128-10240 MB, a timeout outside 1-900 s or not in whole
    /// seconds, an invalid function or environment-variable name, a VPC without subnets of the
    /// type asked for, or public subnets.
    pub fn new(
        scope: &mut Scope<'_>,
        id: &str,
        runtime: Runtime,
        handler: &str,
        code: Code,
        props: FunctionProps,
    ) -> Result<Function> {
        scope.atomically(|scope| Self::build(scope, id, runtime, handler, code, props))
    }

    fn build(
        scope: &mut Scope<'_>,
        id: &str,
        runtime: Runtime,
        handler: &str,
        code: Code,
        props: FunctionProps,
    ) -> Result<Function> {
        let path = scope.child_path(id);
        let image = matches!(code, Code::ImageDir { .. });
        if image != (runtime == Runtime::FromImage) {
            return Err(ConstructError::invalid(
                path,
                if image {
                    format!("the code is a container image, but the runtime is {runtime}")
                } else {
                    "the runtime is FromImage, but the code is not a container image".to_string()
                },
                "use Runtime::FromImage with Code::from_image_dir, and a language runtime with other code",
            ));
        }
        if matches!(code, Code::Inline(_)) && !runtime.supports_inline() {
            return Err(ConstructError::invalid(
                path,
                format!("inline code cannot run on {runtime}"),
                "use a Node.js or Python runtime for inline code, or Code::from_dir",
            ));
        }
        if !image && handler.trim().is_empty() {
            return Err(ConstructError::invalid(
                path,
                "the handler is empty",
                "name the handler, e.g. `index.handler` (file `index`, function `handler`)",
            ));
        }
        if let Some(reason) = props
            .function_name
            .as_deref()
            .and_then(invalid_function_name)
        {
            return Err(ConstructError::invalid(
                path,
                format!("the function name {reason}"),
                "use 1 to 64 letters, digits, hyphens and underscores, or no name",
            ));
        }
        if let Some(m) = props.memory_mb {
            if !(128..=10240).contains(&m) {
                return Err(ConstructError::invalid(
                    path,
                    format!("memory_mb is {m}, not 128 to 10240"),
                    "give 128 MB to 10240 MB",
                ));
            }
        }
        let timeout_s = match props.timeout {
            Some(t) if t.subsec_nanos() != 0 || !(1..=900).contains(&t.as_secs()) => {
                return Err(ConstructError::invalid(
                    path,
                    format!("the timeout is {t:?}, not a whole number of seconds from 1 to 900"),
                    "give a timeout of 1 to 900 seconds (15 minutes)",
                ));
            }
            Some(t) => Some(t.as_secs()),
            None => None,
        };
        if let Some(r) = props.retry_attempts {
            if r > 2 {
                return Err(ConstructError::invalid(
                    path,
                    format!("retry_attempts is {r}, not 0 to 2"),
                    "give 0, 1 or 2 retries",
                ));
            }
        }
        for (key, _) in &props.environment {
            if let Some(reason) = invalid_env_key(key) {
                return Err(ConstructError::invalid(
                    path,
                    format!("the environment variable `{key}` {reason}"),
                    "use a name of letters, digits and underscores that starts with a letter and is not one Lambda reserves",
                ));
            }
        }
        let subnets = match props.vpc {
            Some(_) if props.vpc_subnets == SubnetType::Public => {
                return Err(ConstructError::invalid(
                    path,
                    "the function is placed in public subnets",
                    "use SubnetType::Private: a function's network interfaces get no public IP, so a public subnet gives it no internet access",
                ));
            }
            Some(vpc) => {
                let subnets = vpc.subnets(scope.app(), props.vpc_subnets);
                if subnets.is_empty() {
                    return Err(ConstructError::invalid(
                        path,
                        format!("the VPC has no {:?} subnets", props.vpc_subnets),
                        "give a VPC with private subnets",
                    ));
                }
                subnets
            }
            None => Vec::new(),
        };

        let mut g = scope.group(id)?;
        let node = g.node();
        let bound = code.bind_l1(&mut g)?;
        let (l1_code, package_type, asset) = (bound.code, bound.package_type, bound.asset);
        let managed = match props.vpc {
            Some(_) => vec![Value::sub(
                "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            )],
            None => Vec::new(),
        };
        let role = Role::new(
            &mut g,
            "ServiceRole",
            "lambda.amazonaws.com",
            RoleProps {
                managed_policy_arns: managed,
                description: None,
            },
        )?;
        let log_group = LogGroup::new(
            &mut g,
            "LogGroup",
            LogGroupProps {
                name: None,
                retention: Some(props.log_retention),
                removal_policy: props.log_removal_policy,
            },
        )?;
        // Least privilege: Lambda creates the streams of the function's own group and writes
        // to them; the group exists already, so no `logs:CreateLogGroup`.
        role.grant(
            &mut g,
            PolicyStatement::allow(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [log_group.arn()],
            ),
        )?;
        let security_group = match props.vpc {
            Some(vpc) => Some(SecurityGroup::new(
                &mut g,
                "SecurityGroup",
                vpc,
                SecurityGroupProps::default(),
            )?),
            None => None,
        };
        if let Some(q) = &props.dead_letter_queue {
            grant_send(&mut g, role, q)?;
        }
        if let Some(q) = &props.on_failure {
            grant_send(&mut g, role, q)?;
        }
        let spec = Spec {
            code: CodeValue::of(l1_code),
            package_type,
            role_arn: role.arn(),
            runtime: runtime.name(),
            handler: (!image).then(|| handler.to_string()),
            function_name: props.function_name,
            description: props.description,
            memory_mb: props.memory_mb,
            timeout_s,
            environment: props.environment,
            log_group: log_group.name(),
            vpc: security_group.map(|sg| {
                (
                    subnets.iter().map(crate::ec2::Subnet::subnet_id).collect(),
                    sg.group_id(),
                )
            }),
            reserved_concurrency: props.reserved_concurrency,
            dead_letter_arn: props.dead_letter_queue.as_ref().map(|q| q.arn.clone()),
            architecture: props.architecture,
        };
        let resource = CfnFunction::new(&mut g, "Resource", spec.props())?;
        if let Some(at) = &asset {
            // Where SAM CLI finds the code in the cloud assembly, as CDK writes it.
            gs_cfn::assets::add_resource_metadata(g.app_mut(), resource.node(), at, "Code")?;
        }
        // As CDK: the function is created after its role and the role's policy, so that what
        // Lambda checks at creation (VPC access, the dead-letter queue) is allowed by then.
        g.app_mut().add_dependency(
            resource,
            role.resource,
            "Lambda checks the execution role when it creates the function",
        )?;
        if let Some(policy) = role.default_policy(g.app()) {
            g.app_mut().add_dependency(
                resource,
                policy,
                "the function's role must hold its permissions when Lambda checks them",
            )?;
        }
        g.app_mut().add_fact(LogDelivery {
            producer: resource.node(),
            log_group,
            kind: "Lambda function logs",
        });
        if props.on_failure.is_some() || props.retry_attempts.is_some() {
            let mut p = CfnEventInvokeConfigProps::new(resource, "$LATEST");
            if let Some(q) = &props.on_failure {
                let mut d = event_invoke_config::DestinationConfig::new();
                d.on_failure = Some(event_invoke_config::OnFailure::new(q.arn.clone()));
                p.destination_config = Some(d);
            }
            p.maximum_retry_attempts = props.retry_attempts.map(Into::into);
            let config = CfnEventInvokeConfig::new(&mut g, "EventInvokeConfig", p)?;
            if let Some(policy) = role.default_policy(g.app()) {
                g.app_mut().add_dependency(
                    config,
                    policy,
                    "Lambda checks that the role may send to the destination",
                )?;
            }
        }
        g.app_mut().attach(node, spec)?;
        Ok(Function {
            node,
            resource,
            role,
            log_group,
            security_group,
        })
    }

    /// The function's ARN (`Fn::GetAtt Arn`).
    pub fn arn(&self) -> Value {
        self.resource.attr_arn()
    }

    /// The function's name (`Ref`).
    pub fn function_name(&self) -> Value {
        self.resource.reference()
    }

    /// Sets the environment variable `key` (a later value for the same key replaces the
    /// earlier one). Refuses a name Lambda would refuse, naming the function's path.
    pub fn add_environment(
        &self,
        app: &mut impl AsMut<App>,
        key: &str,
        value: impl Into<Value>,
    ) -> Result<()> {
        let value = value.into();
        app.as_mut()
            .atomically(|app| self.add_environment_impl(app, key, value))
    }

    fn add_environment_impl(&self, app: &mut App, key: &str, value: Value) -> Result<()> {
        if let Some(reason) = invalid_env_key(key) {
            return Err(ConstructError::invalid(
                app.path(self.node)?,
                format!("the environment variable `{key}` {reason}"),
                "use a name of letters, digits and underscores that starts with a letter and is not one Lambda reserves",
            ));
        }
        let not_built = |app: &App| -> Result<()> {
            Err(ConstructError::invalid(
                app.path(self.node)?,
                "this handle's function was not built by lambda::Function::new",
                "call add_environment on a function of this app",
            ))
        };
        // Changed in place, undone by putting the old value back (or a pop): the function's
        // spec is not copied for the journal.
        let changed = app.update_attached(
            self.node,
            |spec: &mut Spec| match spec.environment.iter_mut().position(|(k, _)| k == key) {
                Some(i) => spec
                    .environment
                    .get_mut(i)
                    .map(|(_, v)| (i, std::mem::replace(v, value))),
                None => {
                    spec.environment.push((key.to_string(), value));
                    None
                }
            },
            |spec, before| match before {
                Some((i, old)) => {
                    if let Some((_, v)) = spec.environment.get_mut(i) {
                        *v = old;
                    }
                }
                None => {
                    spec.environment.pop();
                }
            },
        );
        let Some(spec) = changed.and_then(|()| app.attached::<Spec>(self.node)) else {
            return not_built(app);
        };
        let fresh = spec.props().into_properties();
        // Only the keys the construct writes are written again: what the escape hatch set on
        // other keys stays. Each is set in place, journalled by the value it replaces.
        for (k, v) in fresh {
            app.set_property(self.resource, k, v)?;
        }
        Ok(())
    }

    /// Lets `role` invoke the function (and its versions and aliases).
    pub fn grant_invoke(&self, app: &mut impl AsMut<App>, role: Role) -> Result<()> {
        role.grant(
            app,
            PolicyStatement::allow(
                ["lambda:InvokeFunction"],
                [self.arn(), Value::join("", [self.arn(), Value::from(":*")])],
            ),
        )
    }

    /// Lets the AWS service `principal` (e.g. `events.amazonaws.com`) invoke the function on
    /// behalf of the resource `source_arn` only: an `AWS::Lambda::Permission` at `<Id>/<id>`.
    pub fn add_permission(
        &self,
        app: &mut impl AsMut<App>,
        id: &str,
        principal: &str,
        source_arn: Value,
    ) -> Result<CfnPermission> {
        app.as_mut()
            .atomically(|app| self.add_permission_impl(app, id, principal, source_arn))
    }

    fn add_permission_impl(
        &self,
        app: &mut App,
        id: &str,
        principal: &str,
        source_arn: Value,
    ) -> Result<CfnPermission> {
        if !principal.ends_with(".amazonaws.com") {
            return Err(ConstructError::invalid(
                app.path(self.node)?.to_string() + "/" + id,
                format!("`{principal}` is not a service principal"),
                "give a principal such as `events.amazonaws.com`",
            ));
        }
        let mut p = CfnPermissionProps::new("lambda:InvokeFunction", self.arn(), principal);
        p.source_arn = Some(source_arn.into());
        let mut g = app.at(self.node)?;
        Ok(CfnPermission::new(&mut g, id, p)?)
    }

    /// The function's security group with the port clients use, for a function in a VPC.
    pub fn security_group(&self) -> Option<SecurityGroup> {
        self.security_group
    }

    /// Lets the function reach `target` (a database, a cache, a file system) on its default
    /// port: an ingress rule on the target's security group from the function's. Refused for a
    /// function outside a VPC.
    pub fn connect_to(
        &self,
        app: &mut impl AsMut<App>,
        target: Connectable,
        description: &str,
    ) -> Result<NodeId> {
        let app = app.as_mut();
        match self.security_group {
            Some(sg) => target.allow_default_port_from(app, sg, description),
            None => Err(ConstructError::invalid(
                app.path(self.node)?,
                "the function is not in a VPC, so no security group can admit it",
                "place the function in the target's VPC (`FunctionProps::vpc`)",
            )),
        }
    }
}

/// Lets `role` send to `queue` (and encrypt with its key).
pub(crate) fn grant_send(app: &mut impl AsMut<App>, role: Role, queue: &QueueRef) -> Result<()> {
    let app = app.as_mut();
    role.grant(
        app,
        PolicyStatement::allow(["sqs:SendMessage"], [queue.arn.clone()]),
    )?;
    if let Some(key) = &queue.key_arn {
        role.grant(
            app,
            PolicyStatement::allow(["kms:Encrypt", "kms:GenerateDataKey*"], [key.clone()]),
        )?;
    }
    Ok(())
}

/// The function name a value refers to: the `AWS::Lambda::Function` node behind a `Ref` or an
/// `Fn::GetAtt` (rules read raw resources through it).
pub(crate) fn referenced_function(tree: &gs_core::Tree<'_>, v: &Value) -> Option<NodeId> {
    match v {
        Value::Ref(n) | Value::GetAtt(n, _) => tree
            .node(*n)
            .as_resource()
            .is_some_and(|r| r.type_name == "AWS::Lambda::Function")
            .then_some(*n),
        _ => None,
    }
}
