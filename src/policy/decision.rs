//! The answer to "may this grant call `method path`?": [`Decision`], with its [`Reason`] and
//! [`DataRange`].

use crate::prelude::*;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::scope::ScopeSet;

/// Why a request was allowed or refused. The `snake_case` names are stable.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// An `allow` rule matched and its scope condition is satisfied; no `deny` rule applies.
    Allowed,
    /// No rule covers this method and path (deny by default).
    NoMatchingRule,
    /// Rules cover the endpoint but the grant lacks scopes; see [`Decision::missing`].
    InsufficientScope,
    /// A matching `deny` rule applies (or would apply to every grant that an `allow` rule accepts).
    DeniedByRule,
    /// The path cannot be evaluated safely (see [`normalize_path`](crate::normalize_path)).
    InvalidPath,
    /// The method is not an RFC 9110 token.
    InvalidMethod,
    /// The token behind the grant has expired (used by sessions).
    TokenExpired,
}

impl Reason {
    /// Every reason, in declaration order (the TypeScript `Reason` union lists the same).
    pub const ALL: [Reason; 7] = [
        Reason::Allowed,
        Reason::NoMatchingRule,
        Reason::InsufficientScope,
        Reason::DeniedByRule,
        Reason::InvalidPath,
        Reason::InvalidMethod,
        Reason::TokenExpired,
    ];

    /// The stable `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Allowed => "allowed",
            Reason::NoMatchingRule => "no_matching_rule",
            Reason::InsufficientScope => "insufficient_scope",
            Reason::DeniedByRule => "denied_by_rule",
            Reason::InvalidPath => "invalid_path",
            Reason::InvalidMethod => "invalid_method",
            Reason::TokenExpired => "token_expired",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which data an allowed caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataRange {
    /// Only the caller's own resources: every scope that satisfied the rule is an `end_user` scope.
    Own,
    /// Everything: a `machine` (or `any`) scope satisfied the rule, or the rule needs no scope.
    All,
}

impl DataRange {
    /// The stable `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            DataRange::Own => "own",
            DataRange::All => "all",
        }
    }
}

/// The challenge of a refusal that more scopes may or may not cure (RFC 6750 §3.1); a refusal
/// for lack of scope adds the scopes that would do.
pub(crate) const INSUFFICIENT_SCOPE: &str = r#"Bearer error="insufficient_scope""#;

/// The decision for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Whether the request is allowed.
    pub allowed: bool,
    /// Why.
    pub reason: Reason,
    /// The id of the rule that decided: the allowing rule, the denying rule, or the rule the
    /// missing scopes would satisfy.
    pub rule: Option<Arc<str>>,
    /// The smallest set of scopes that, added to the grant, would allow the request (for
    /// [`Reason::InsufficientScope`]; empty otherwise).
    pub missing: ScopeSet,
    /// For an allowed request: whether the caller sees only its own data or all of it.
    pub data: Option<DataRange>,
    /// The `{name}` values captured by the deciding rule's path pattern.
    pub params: BTreeMap<Arc<str>, String>,
    /// For a refusal: the RFC 6750 §3 `WWW-Authenticate` header value.
    pub challenge: Option<String>,
}

impl Decision {
    /// The scopes that would turn this decision into an allow: empty when it is already allowed,
    /// [`missing`](Self::missing) when it is refused for [`Reason::InsufficientScope`], and
    /// `None` when no scope would help (no rule matches, a `deny` rule applies, the token has
    /// expired, the path or method is invalid). A UI that shows a control "with more scopes"
    /// needs `Some`: an empty `missing` alone cannot tell "allowed" from "never".
    ///
    /// ```
    /// use scopegate::{Policy, ScopeSet};
    /// let policy = Policy::from_json(&std::fs::read_to_string("examples/policies/banking.json")?)?;
    /// let user = policy.expand(&ScopeSet::parse("read_only")?);
    /// let lacking = policy.decide("GET", "/legal/kyc/42", &user);
    /// assert_eq!(lacking.scopes_to_allow().map(|s| s.to_string()), Some("read_all".into()));
    /// assert_eq!(policy.decide("GET", "/wallets", &user).scopes_to_allow().map(|s| s.len()), Some(0));
    /// assert_eq!(policy.decide("PATCH", "/wallets/1", &user).scopes_to_allow(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scopes_to_allow(&self) -> Option<&ScopeSet> {
        match self.reason {
            Reason::Allowed | Reason::InsufficientScope => Some(&self.missing),
            _ => None,
        }
    }

    /// The refusal of a request no rule covers ([`Reason::NoMatchingRule`]; deny by default), as
    /// [`Policy::decide`](crate::Policy::decide) gives it; also the answer for a path outside the
    /// prefix a service is mounted under ([`path_under_base`](crate::path_under_base)).
    ///
    /// ```
    /// use scopegate::{Decision, Policy, ScopeSet};
    /// let policy = Policy::from_json(include_str!("../../examples/policies/partner.json"))?;
    /// let grant = policy.expand(&ScopeSet::parse("base")?);
    /// assert_eq!(policy.decide("GET", "/nowhere", &grant), Decision::no_matching_rule());
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn no_matching_rule() -> Self {
        Decision::refused(Reason::NoMatchingRule, INSUFFICIENT_SCOPE.into())
    }

    /// A refusal with no rule, for requests that cannot be evaluated.
    pub(crate) fn refused(reason: Reason, challenge: String) -> Self {
        Decision {
            allowed: false,
            reason,
            rule: None,
            missing: ScopeSet::new(),
            data: None,
            params: BTreeMap::new(),
            challenge: Some(challenge),
        }
    }
}
