//! [`CorsOptions`] and [`RestApi::add_cors_preflight`]: browsers on other origins may call the
//! API once an `OPTIONS` method answers their preflight with `Access-Control-Allow-*` headers.

use std::borrow::Cow;

use gs_core::App;

use super::integration::Integration;
use super::method::{Authorization, Method, HTTP_METHODS};
use super::resource::ApiResource;
use super::rest_api::RestApi;
use crate::error::{ConstructError, Result};

/// Which cross-origin calls browsers may make.
///
/// ```
/// use gs_constructs::apigateway::CorsOptions;
/// let cors = CorsOptions::new(["https://app.globalstream.example"]);
/// assert!(cors.allow_methods.iter().any(|m| m == "POST"));
/// assert!(cors.allow_headers.iter().any(|h| h == "Content-Type"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsOptions {
    /// Allowed origins, such as `https://app.example.com`, or `*` for any.
    pub allow_origins: Vec<String>,
    /// Allowed methods (every method by default). The defaults are borrowed, not allocated (an
    /// API with CORS copies its options into every resource's preflight method).
    pub allow_methods: Vec<Cow<'static, str>>,
    /// Allowed request headers (CDK's defaults: `Content-Type`, `X-Amz-Date`, `Authorization`,
    /// `X-Api-Key`, `X-Amz-Security-Token`, `X-Amz-User-Agent`), borrowed like the methods.
    pub allow_headers: Vec<Cow<'static, str>>,
    /// Allow cookies and credentials (not with origin `*`).
    pub allow_credentials: bool,
    /// How long browsers may cache the preflight answer.
    pub max_age_seconds: Option<u32>,
}

impl CorsOptions {
    /// CORS for `origins` with every method and the default headers.
    pub fn new<S: Into<String>>(origins: impl IntoIterator<Item = S>) -> CorsOptions {
        CorsOptions {
            allow_origins: origins.into_iter().map(Into::into).collect(),
            allow_methods: ["OPTIONS", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"]
                .map(Cow::Borrowed)
                .to_vec(),
            allow_headers: [
                "Content-Type",
                "X-Amz-Date",
                "Authorization",
                "X-Api-Key",
                "X-Amz-Security-Token",
                "X-Amz-User-Agent",
            ]
            .map(Cow::Borrowed)
            .to_vec(),
            allow_credentials: false,
            max_age_seconds: None,
        }
    }

    pub(crate) fn check(&self, path: &str) -> Result<()> {
        let bad = |message: String, fix: &str| Err(ConstructError::invalid(path, message, fix));
        if self.allow_origins.is_empty() {
            return bad(
                "CORS allows no origin".into(),
                "list the origins, e.g. `https://app.example.com`",
            );
        }
        for o in &self.allow_origins {
            let ok = o == "*"
                || ((o.starts_with("https://") || o.starts_with("http://"))
                    && !o.contains(['\'', '"', ' ', ',']));
            if !ok {
                return bad(
                    format!("`{o}` is not a CORS origin"),
                    "give origins as `https://host[:port]`, or `*` alone",
                );
            }
        }
        if self.allow_origins.len() > 1 && self.allow_origins.iter().any(|o| o == "*") {
            return bad(
                "CORS lists `*` with other origins".into(),
                "give `*` alone, or only named origins",
            );
        }
        if self.allow_credentials && self.allow_origins.iter().any(|o| o == "*") {
            return bad(
                "CORS allows credentials from any origin (`*`)".into(),
                "browsers refuse that combination: name the origins",
            );
        }
        if let Some(m) = self
            .allow_methods
            .iter()
            .find(|m| !HTTP_METHODS.contains(&m.as_ref()))
        {
            return bad(
                format!("`{m}` is not an HTTP method"),
                "use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
            );
        }
        if let Some(h) = self.allow_headers.iter().find(|h| {
            h.is_empty()
                || !h
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }) {
            return bad(
                format!("`{h}` is not a header name"),
                "use letters, digits, `-` and `_`",
            );
        }
        Ok(())
    }

    /// The static `Access-Control-Allow-Origin` value, quoted for a response parameter: the first
    /// origin (the others are echoed by [`CorsOptions::origin_vtl`]).
    pub(crate) fn origin_header(&self) -> String {
        let origin = self.allow_origins.first().map_or("*", String::as_str);
        let mut header = String::with_capacity(origin.len() + 2);
        header.push('\'');
        header.push_str(origin);
        header.push('\'');
        header
    }

    /// Whether the answer depends on the request's origin (caches must key on it).
    pub(crate) fn varies_by_origin(&self) -> bool {
        self.allow_origins.iter().all(|o| o != "*")
    }

    /// With several origins, a template that echoes the caller's origin when it is allowed (a
    /// response header holds one origin only), as CDK writes it.
    pub(crate) fn origin_vtl(&self) -> Option<String> {
        if self.allow_origins.len() < 2 {
            return None;
        }
        let tests: Vec<String> = self
            .allow_origins
            .iter()
            .skip(1)
            .map(|o| format!("$origin.matches(\"{}\")", o.replace('.', "\\.")))
            .collect();
        Some(format!(
            "#set($origin = $input.params().header.get(\"Origin\"))\n#if($origin == \"\")\n  #set($origin = $input.params().header.get(\"origin\"))\n#end\n#if({})\n  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end\n",
            tests.join(" || ")
        ))
    }
}

impl RestApi {
    /// Adds an `OPTIONS` method to `resource` that answers CORS preflight requests itself (a
    /// mock integration, never authorized: browsers send preflight without credentials). The
    /// API's `default_cors` does this on every resource.
    pub fn add_cors_preflight(
        &self,
        app: &mut impl AsMut<App>,
        resource: ApiResource,
        cors: &CorsOptions,
    ) -> Result<Method> {
        self.add_cors_preflight_owned(app.as_mut(), resource, cors.clone())
    }

    /// [`RestApi::add_cors_preflight`] with options the caller hands over (the API's own, when
    /// it adds a resource), so that they are not copied once more for the integration.
    pub(crate) fn add_cors_preflight_owned(
        &self,
        app: &mut App,
        resource: ApiResource,
        cors: CorsOptions,
    ) -> Result<Method> {
        app.atomically(|app| self.add_cors_preflight_impl(app, resource, cors))
    }

    fn add_cors_preflight_impl(
        &self,
        app: &mut App,
        resource: ApiResource,
        cors: CorsOptions,
    ) -> Result<Method> {
        let path = app.path(resource.node)?;
        cors.check(&path)?;
        self.add_method_as(
            app,
            resource,
            "OPTIONS",
            Integration::preflight(cors),
            Authorization::None,
        )
    }
}
