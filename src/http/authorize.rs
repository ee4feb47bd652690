//! Authorizing a whole request: find its bearer token (RFC 6750), verify it, check where it
//! travelled, and decide the endpoint.

use crate::prelude::*;
use serde::Serialize;

use crate::error::{Error, ErrorCode};
use crate::http::bearer::{bearer_token, BearerToken, TokenSource};
use crate::policy::bits::Bits;
use crate::policy::decide::DecisionParts;
use crate::policy::decision::Decision;
use crate::policy::grant::Grant;
use crate::token::Token;
use crate::verify::cache::TokenCache;
use crate::Policy;
use crate::Verifier;

/// The parts of an HTTP request that authorization reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestParts<'a> {
    /// The method, as sent (`GET`).
    pub method: &'a str,
    /// The request target: the path, optionally with its query (`/v1/img/a.png?access_token=...`).
    pub target: &'a str,
    /// The `Authorization` header, if present.
    pub authorization: Option<&'a str>,
}

impl<'a> RequestParts<'a> {
    /// A request with no `Authorization` header.
    pub fn new(method: &'a str, target: &'a str) -> Self {
        RequestParts {
            method,
            target,
            authorization: None,
        }
    }

    /// The same request with an `Authorization` header.
    pub fn with_authorization(mut self, authorization: &'a str) -> Self {
        self.authorization = Some(authorization);
        self
    }

    /// The query part of the target (without `?` and fragment), if any.
    fn query(&self) -> Option<&'a str> {
        let without_fragment = self.target.split('#').next().unwrap_or("");
        without_fragment.split_once('?').map(|(_, query)| query)
    }
}

/// A verified token and the decision for the request it came with.
#[derive(Debug, Clone, Serialize)]
pub struct Authorization {
    /// The endpoint decision (it may be a refusal for lack of scope).
    pub decision: Decision,
    /// The verified token.
    pub token: Token,
    /// The token's scopes under the policy.
    pub grant: Grant,
    /// Where the token travelled.
    pub source: TokenSource,
}

impl Policy {
    /// Authorizes a request: takes its bearer token from the `Authorization` header or the
    /// `access_token` query parameter, verifies it with `verifier`, refuses a query token unless
    /// the policy's `transport.query` allows every scope it carries, and decides the endpoint.
    ///
    /// Token problems are errors (`token_missing`, `invalid_request`, `token_expired`,
    /// `invalid_signature`, `token_in_query_not_allowed`, ...: answer them with 401 or 400); a
    /// valid token without the scopes is an [`Authorization`] whose decision is a refusal (403).
    pub fn authorize(
        &self,
        request: &RequestParts<'_>,
        verifier: &Verifier,
    ) -> Result<Authorization, Error> {
        self.authorize_with(request, |token| verifier.verify(token))
    }

    /// [`authorize`](Self::authorize) with an explicit current time (unix seconds), for tests
    /// and for WebAssembly, where the clock comes from JavaScript.
    pub fn authorize_at(
        &self,
        request: &RequestParts<'_>,
        verifier: &Verifier,
        now: u64,
    ) -> Result<Authorization, Error> {
        self.authorize_with(request, |token| verifier.verify_at(token, now))
    }

    /// [`authorize_at`](Self::authorize_at) through a [`TokenCache`]: a token this verifier
    /// already verified is not verified again while it is valid.
    pub fn authorize_cached_at(
        &self,
        request: &RequestParts<'_>,
        verifier: &Verifier,
        cache: &mut TokenCache,
        now: u64,
    ) -> Result<Authorization, Error> {
        self.authorize_with(request, |token| cache.verify_at(verifier, token, now))
    }

    /// Authorizes with `verify` turning the bearer token into a verified [`Token`] (a verifier,
    /// or a verifier behind a [`TokenCache`]).
    pub(crate) fn authorize_with(
        &self,
        request: &RequestParts<'_>,
        verify: impl FnOnce(&str) -> Result<Token, Error>,
    ) -> Result<Authorization, Error> {
        let found = find_token(request)?;
        let token = verify(found.token())?;
        self.authorize_token(request, found.source(), token)
    }

    /// The end of an authorization, once the request's token is verified: the grant, where the
    /// token may travel, and the decision.
    pub(crate) fn authorize_token(
        &self,
        request: &RequestParts<'_>,
        source: TokenSource,
        token: Token,
    ) -> Result<Authorization, Error> {
        let grant = self.expand(token.scopes());
        let mut decision = Decision::no_matching_rule();
        self.authorize_parts(request, source, &token, &grant.mask, &mut |parts| {
            decision = parts.to_decision(self);
        })?;
        Ok(Authorization {
            decision,
            token,
            grant,
            source,
        })
    }

    /// The end of an authorization for the token's grant given by its mask under this policy
    /// ([`expanded_mask`](Policy::expanded_mask)): where the token may travel, then the decision,
    /// handed to `finish` as its parts ([`decide_parts`](Policy::decide_parts)).
    pub(crate) fn authorize_parts(
        &self,
        request: &RequestParts<'_>,
        source: TokenSource,
        token: &Token,
        mask: &Bits,
        finish: &mut dyn FnMut(&DecisionParts<'_, '_>),
    ) -> Result<(), Error> {
        if source == TokenSource::Query && !self.query_transport_allowed_mask(mask) {
            return Err(Error::new(
                ErrorCode::TokenInQueryNotAllowed,
                format!(
                    "a token with scopes \"{}\" may not travel in a URL query; send it in the Authorization header",
                    token.scopes()
                ),
            ));
        }
        self.decide_parts(request.method, request.target, mask, finish);
        Ok(())
    }
}

/// The bearer token of a request; [`ErrorCode::TokenMissing`] when it carries none.
pub(crate) fn find_token(request: &RequestParts<'_>) -> Result<BearerToken, Error> {
    bearer_token(request.authorization, request.query())?.ok_or_else(|| {
        Error::new(
            ErrorCode::TokenMissing,
            "the request carries no access token",
        )
    })
}
