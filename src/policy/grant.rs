//! The scopes a token holds under a policy: [`Grant`], the result of
//! [`Policy::grant`](crate::Policy::grant) (requested ∩ allowed) or
//! [`Policy::expand`](crate::Policy::expand) (a token's scopes as they are).

use crate::prelude::*;
use alloc::borrow::Cow;
use alloc::collections::BTreeMap;

use serde::Serialize;

use super::bits::Bits;
use super::document::{DefaultScopes, UnknownScopes};
use super::Policy;
use crate::error::{Error, ErrorCode};
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

impl Policy {
    /// The scope names of a mask, sorted.
    pub(super) fn names_of(&self, mask: &Bits) -> ScopeSet {
        let names = mask.ones().filter_map(|id| self.scopes.get(id).cloned());
        ScopeSet::from_valid(names.collect())
    }

    /// A role's direct members.
    fn role_members(&self, name: &str) -> Option<&[u32]> {
        let found = self.roles.binary_search_by(|(n, _)| n.as_str().cmp(name));
        found
            .ok()
            .and_then(|i| self.roles.get(i))
            .map(|(_, members)| &members[..])
    }

    /// Expands scope and role names into a closed mask; names the policy does not know go to
    /// `unknown` when given. O(names × log scopes + the `implies` edges reached).
    fn expand_names(&self, names: &ScopeSet, mut unknown: Option<&mut Vec<String>>) -> Bits {
        let mut mask = Bits::with_len(self.width());
        for name in names {
            if let Some(id) = self.scope_id(name) {
                self.implies.close_into([id], &mut mask);
            } else if let Some(members) = self.role_members(name) {
                let members = members.iter().map(|&m| m as usize);
                self.implies.close_into(members, &mut mask);
            } else if let Some(unknown) = unknown.as_mut() {
                unknown.push(name.to_string());
            }
        }
        mask
    }

    fn role_contributions(
        &self,
        names: &[&ScopeSet],
        granted: &Bits,
    ) -> BTreeMap<String, ScopeSet> {
        let mut out = BTreeMap::new();
        for set in names {
            for name in set.iter() {
                if let Some(members) = self.role_members(name) {
                    let mut role = Bits::with_len(self.width());
                    self.implies
                        .close_into(members.iter().map(|&m| m as usize), &mut role);
                    let contributed = self.names_of(&role.and(granted));
                    if !contributed.is_empty() {
                        out.insert(name.to_string(), contributed);
                    }
                }
            }
        }
        out
    }

    /// Grants scopes for a token request: *requested ∩ allowed*, roles and `implies` expanded
    /// first. `allowed` is what the user or client holds (scopes or roles). When nothing is
    /// requested (`None` or an empty set), the policy's `default_scopes` rule applies: `"all"`
    /// grants everything allowed; a list is intersected with what is allowed.
    ///
    /// A requested name the policy does not define is dropped, or refused with
    /// [`ErrorCode::InvalidScope`] when the policy says `"unknown_scopes": "reject"`.
    ///
    /// ```
    /// use scopegate::{Policy, ScopeSet};
    /// let policy = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
    /// let user = ScopeSet::parse("read_only read_write keys")?;
    /// let grant = policy.grant(Some(&ScopeSet::parse("read_only admin")?), &user)?;
    /// assert_eq!(grant.granted().to_string(), "read_only");
    /// assert_eq!(grant.dropped().to_string(), "admin");
    /// let all = policy.grant(None, &user)?;
    /// assert!(all.defaulted() && all.granted() == &user);
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn grant(&self, requested: Option<&ScopeSet>, allowed: &ScopeSet) -> Result<Grant, Error> {
        let requested = requested.filter(|r| !r.is_empty());
        let allowed_mask = self.expand_names(allowed, None);
        let mut dropped = ScopeSet::new();
        let requested_mask = match requested {
            Some(names) => {
                let mut unknown = Vec::new();
                let mask = self.expand_names(names, Some(&mut unknown));
                let unknown = ScopeSet::from_valid(unknown);
                if !unknown.is_empty() && self.unknown_scopes() == UnknownScopes::Reject {
                    return Err(Error::new(
                        ErrorCode::InvalidScope,
                        format!(
                            "requested scope \"{unknown}\" is not defined by policy {:?}",
                            self.name()
                        ),
                    ));
                }
                dropped = unknown;
                mask
            }
            None => match self.default_scopes() {
                DefaultScopes::All => allowed_mask.clone(),
                DefaultScopes::List(list) => {
                    let defaults = ScopeSet::from_list(list)?;
                    self.expand_names(&defaults, None)
                }
            },
        };
        let granted_mask = requested_mask.and(&allowed_mask);
        dropped = dropped.union(&self.names_of(&requested_mask.and_not(&allowed_mask)));
        let mut sources = vec![allowed];
        if let Some(r) = requested {
            sources.push(r);
        }
        let roles = self.role_contributions(&sources, &granted_mask);
        Ok(Grant::new(
            self.names_of(&granted_mask),
            dropped,
            requested.is_none(),
            roles,
            granted_mask,
            self.id,
        ))
    }

    /// The grant of a token that already carries `scopes` (roles and `implies` expanded, no
    /// intersection). Names the policy does not define are reported in [`Grant::dropped`].
    pub fn expand(&self, scopes: &ScopeSet) -> Grant {
        let mut unknown = Vec::new();
        let mask = self.expand_names(scopes, Some(&mut unknown));
        let roles = self.role_contributions(&[scopes], &mask);
        let unknown = ScopeSet::from_valid(unknown);
        Grant::new(self.names_of(&mask), unknown, false, roles, mask, self.id)
    }

    /// The mask of [`expand`](Self::expand)`(scopes)` alone, without the grant's names and roles
    /// (the WebAssembly `authorize`, which hands out scope ids).
    #[cfg(feature = "verify")]
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn expanded_mask(&self, scopes: &ScopeSet) -> Bits {
        self.expand_names(scopes, None)
    }

    /// This policy's id (new for every policy), to file what was computed for it.
    #[cfg(feature = "verify")]
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The grant's mask for this policy (translated by name if it came from another policy).
    pub(crate) fn mask_of<'g>(&self, grant: &'g Grant) -> Cow<'g, Bits> {
        if grant.policy_id == self.id {
            Cow::Borrowed(&grant.mask)
        } else {
            Cow::Owned(self.expand_names(grant.granted(), None))
        }
    }
}
