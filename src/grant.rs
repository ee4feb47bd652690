//! The scopes a token holds under a policy: [`Grant`], the result of
//! [`Policy::grant`](crate::Policy::grant) (requested ∩ allowed) or
//! [`Policy::expand`](crate::Policy::expand) (a token's scopes as they are).

use crate::prelude::*;
use alloc::collections::BTreeMap;

use serde::Serialize;

use crate::bits::Bits;
use crate::scope::ScopeSet;

/// Scopes granted under one policy, with how they were obtained.
///
/// A grant remembers the policy that made it, so decisions do not re-read scope names; used with
/// another policy it is translated by name (slower, same result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    granted: ScopeSet,
    dropped: ScopeSet,
    defaulted: bool,
    roles: BTreeMap<String, ScopeSet>,
    #[serde(skip)]
    pub(crate) mask: Bits,
    #[serde(skip)]
    pub(crate) policy_id: u64,
}

impl Grant {
    pub(crate) fn new(
        granted: ScopeSet,
        dropped: ScopeSet,
        defaulted: bool,
        roles: BTreeMap<String, ScopeSet>,
        mask: Bits,
        policy_id: u64,
    ) -> Self {
        Grant {
            granted,
            dropped,
            defaulted,
            roles,
            mask,
            policy_id,
        }
    }

    /// The granted scopes, roles and `implies` expanded.
    pub fn granted(&self) -> &ScopeSet {
        &self.granted
    }

    /// Requested (or held) scopes that are not granted: not allowed for the user, or not defined
    /// by the policy.
    pub fn dropped(&self) -> &ScopeSet {
        &self.dropped
    }

    /// Whether nothing was requested, so the policy's `default_scopes` rule applied.
    pub fn defaulted(&self) -> bool {
        self.defaulted
    }

    /// For each role named in the request or the user's scopes, the granted scopes it contributed.
    pub fn roles(&self) -> &BTreeMap<String, ScopeSet> {
        &self.roles
    }

    /// Whether the grant holds `scope` (after expansion).
    pub fn has(&self, scope: &str) -> bool {
        self.granted.contains(scope)
    }
}
