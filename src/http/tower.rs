//! A [tower](https://docs.rs/tower) layer (feature `tower`) that authorizes every request of a
//! service (axum, hyper, tonic, ...) with a [`Policy`] and a [`Verifier`]: a refused request is
//! answered with the same status, `WWW-Authenticate` challenge and JSON body as the npm package's
//! `guard()` ([`Refusal`]); an allowed one reaches the inner service with its [`Authorization`]
//! in the request's extensions.
//!
//! ```
//! use std::sync::Arc;
//! use scopegate::{AuthorizeLayer, KeySet, Policy, Verifier, VerifyOptions, Algorithm};
//! let policy = Policy::from_json(&std::fs::read_to_string("examples/policies/banking.json")?)?;
//! let verifier = Verifier::new(KeySet::hmac_secret(&[7; 32])?, VerifyOptions::new([Algorithm::HS256]))?;
//! let layer = AuthorizeLayer::new(Arc::new(policy), Arc::new(verifier)).realm("bank");
//! // axum: Router::new().route(...).layer(layer)
//! # let _ = layer;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::prelude::*;
use alloc::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::http::answer::{AnswerOptions, Refusal};
use crate::http::authorize::{Authorization, RequestParts};
use crate::{path_under_base, Error, ErrorCode, Policy, Verifier};

/// What every [`Authorize`] service of a layer shares.
#[derive(Clone)]
struct Shared {
    policy: Arc<Policy>,
    verifier: Arc<Verifier>,
    options: AnswerOptions,
    /// The prefix the service is mounted under, stripped before deciding.
    base_path: Option<String>,
}

/// The layer: wraps a service in [`Authorize`].
#[derive(Clone)]
pub struct AuthorizeLayer {
    shared: Arc<Shared>,
}

impl AuthorizeLayer {
    /// A layer deciding with `policy`, verifying bearer tokens with `verifier`.
    pub fn new(policy: Arc<Policy>, verifier: Arc<Verifier>) -> Self {
        AuthorizeLayer {
            shared: Arc::new(Shared {
                policy,
                verifier,
                options: AnswerOptions::default(),
                base_path: None,
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Shared::clone(&self.shared);
        change(&mut shared);
        AuthorizeLayer {
            shared: Arc::new(shared),
        }
    }

    /// The `realm` of the challenges.
    pub fn realm(self, realm: impl Into<String>) -> Self {
        self.with(|s| s.options.realm = Some(realm.into()))
    }

    /// Send each error's own message to clients instead of the generic description.
    pub fn detailed_errors(self, detailed: bool) -> Self {
        self.with(|s| s.options.detailed = detailed)
    }

    /// The prefix the service is mounted under (a layer in front of routes under `/api` whose
    /// policy names `/accounts`): stripped from each request's path before deciding, as the npm
    /// package's `basePath` is, by [`path_under_base`](crate::path_under_base) (an exact
    /// comparison); a path outside it is refused as no rule covers it (403, `no_matching_rule`).
    /// A base that does not start with `/` or holds a query or fragment is refused with
    /// `invalid_argument`.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use scopegate::{AuthorizeLayer, KeySet, Policy, Verifier, VerifyOptions, Algorithm};
    /// # let policy = Policy::from_json(&std::fs::read_to_string("examples/policies/banking.json")?)?;
    /// # let verifier = Verifier::new(KeySet::hmac_secret(&[7; 32])?, VerifyOptions::new([Algorithm::HS256]))?;
    /// let layer = AuthorizeLayer::new(Arc::new(policy), Arc::new(verifier)).base_path("/api")?;
    /// // axum: Router::new().nest("/api", routes).layer(layer)
    /// # let _ = layer;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn base_path(self, base: impl Into<String>) -> Result<Self, Error> {
        let base = base.into();
        path_under_base("/", &base)?;
        Ok(self.with(|s| s.base_path = Some(base)))
    }
}

impl<S> Layer<S> for AuthorizeLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Authorize<S> {
        Authorize {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// A service that authorizes each request before `S` sees it.
#[derive(Clone)]
pub struct Authorize<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// The refusal as an HTTP response.
fn refusal_response<B: From<String>>(refusal: &Refusal) -> Response<B> {
    let body = serde_json::to_string(&refusal.body).unwrap_or_default();
    let mut response = Response::new(B::from(body));
    *response.status_mut() = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::FORBIDDEN);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(value) = refusal
        .challenge
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        headers.insert(WWW_AUTHENTICATE, value);
    }
    response
}

impl<S> Authorize<S> {
    /// The request's authorization, or the refusal to answer it with.
    fn authorize<B>(&self, request: &Request<B>) -> Result<Authorization, Box<Refusal>> {
        let options = &self.shared.options;
        let target = match &self.shared.base_path {
            None => Cow::Borrowed(request.uri().path_and_query().map_or("/", |p| p.as_str())),
            Some(base) => match path_under_base(request.uri().path(), base) {
                Ok(Some(path)) => match request.uri().query() {
                    Some(query) => Cow::Owned(format!("{path}?{query}")),
                    None => Cow::Borrowed(path),
                },
                // Outside the base (the base itself was checked when it was set): no rule covers it.
                Ok(None) | Err(_) => return Err(Box::new(Refusal::for_no_matching_rule(options))),
            },
        };
        let authorization = match request.headers().get(AUTHORIZATION) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                let error = Error::new(
                    ErrorCode::InvalidRequest,
                    "the Authorization header is not visible ASCII",
                );
                Box::new(Refusal::for_error(&error, options))
            })?),
        };
        let parts = RequestParts {
            method: request.method().as_str(),
            target: &target,
            authorization,
        };
        let authorization = self
            .shared
            .policy
            .authorize(&parts, &self.shared.verifier)
            .map_err(|e| Box::new(Refusal::for_error(&e, options)))?;
        match Refusal::for_decision(&authorization.decision, options) {
            Some(refusal) => Err(Box::new(refusal)),
            None => Ok(authorization),
        }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Authorize<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<String>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = AuthorizeFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        match self.authorize(&request) {
            Ok(authorization) => {
                request.extensions_mut().insert(authorization);
                AuthorizeFuture::Inner(Box::pin(self.inner.call(request)))
            }
            Err(refusal) => AuthorizeFuture::Refused(Some(Box::new(refusal_response(&refusal)))),
        }
    }
}

/// The future of [`Authorize`]: the inner service's, or a refusal ready at once.
pub enum AuthorizeFuture<F, B> {
    /// The request was allowed: the inner service answers.
    Inner(Pin<Box<F>>),
    /// The request was refused.
    Refused(Option<Box<Response<B>>>),
}

impl<F, B, E> Future for AuthorizeFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Both variants are Unpin (the inner future is boxed).
        match self.get_mut() {
            AuthorizeFuture::Inner(future) => future.as_mut().poll(cx),
            AuthorizeFuture::Refused(response) => match response.take() {
                Some(response) => Poll::Ready(Ok(*response)),
                // Polled again after it completed (a caller error): never completes twice.
                None => Poll::Pending,
            },
        }
    }
}
