//! The `implies` relation between scopes: a graph kept as adjacency lists, checked for cycles by
//! an iterative walk and expanded on demand. No scope's closure is stored, so memory stays linear
//! in scopes and edges however long the chains are, and no walk recurses (a 100,000-scope chain
//! is fine on a small stack).

use crate::prelude::*;

use super::bits::Bits;

/// The scopes each scope implies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Implies {
    /// The edges of scope `s` are `targets[offsets[s]..offsets[s + 1]]`, ascending, no repeats.
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

/// A cycle of the relation: the scope whose edge closes it, and the scopes along it (the first
/// one repeated at the end). A long cycle keeps its first and last scopes, with the count of those
/// left out between them, so reporting many cycles stays linear.
pub(crate) struct Cycle {
    pub(crate) origin: usize,
    pub(crate) head: Vec<usize>,
    pub(crate) omitted: usize,
    pub(crate) tail: Vec<usize>,
}

/// How many scopes of a cycle are kept at each end.
const CYCLE_ENDS: usize = 6;

impl Implies {
    /// The graph from each scope's direct edges (in any order, with repeats).
    pub(crate) fn new(edges: Vec<Vec<u32>>) -> Self {
        let mut offsets = Vec::with_capacity(edges.len() + 1);
        let mut targets = Vec::with_capacity(edges.iter().map(Vec::len).sum());
        offsets.push(0);
        for mut list in edges {
            list.sort_unstable();
            list.dedup();
            targets.extend(list);
            offsets.push(u32::try_from(targets.len()).unwrap_or(u32::MAX));
        }
        Implies { offsets, targets }
    }

    /// Whether no scope implies another (the closure of a set is the set itself).
    pub(crate) fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The scopes `scope` implies directly, ascending.
    pub(crate) fn edges(&self, scope: usize) -> &[u32] {
        let start = self.offsets.get(scope).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(scope + 1).copied().unwrap_or(0) as usize;
        self.targets.get(start..end).unwrap_or_default()
    }

    /// Adds each of `seeds` and everything it implies, transitively, to `out`. A scope already in
    /// `out` is taken as expanded already (true of grant masks, which are closed).
    pub(crate) fn close_into(&self, seeds: impl IntoIterator<Item = usize>, out: &mut Bits) {
        let mut stack: Vec<u32> = Vec::new();
        for seed in seeds {
            if out.get(seed) {
                continue;
            }
            out.set(seed);
            if self.is_empty() {
                continue;
            }
            stack.push(u32::try_from(seed).unwrap_or(u32::MAX));
            while let Some(node) = stack.pop() {
                for &next in self.edges(node as usize) {
                    if !out.get(next as usize) {
                        out.set(next as usize);
                        stack.push(next);
                    }
                }
            }
        }
    }

    /// Every cycle, each found once by a depth-first walk in scope order (an explicit stack, no
    /// recursion).
    pub(crate) fn cycles(&self) -> Vec<Cycle> {
        const UNSEEN: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let count = self.offsets.len().saturating_sub(1);
        let mut state = vec![UNSEEN; count];
        // Where each scope on the current path sits in it.
        let mut position = vec![0usize; count];
        // The current path, each scope with the index of its next edge to follow.
        let mut path: Vec<(usize, usize)> = Vec::new();
        let mut cycles = Vec::new();
        for root in 0..count {
            if state.get(root) != Some(&UNSEEN) {
                continue;
            }
            if let Some(s) = state.get_mut(root) {
                *s = ON_PATH;
            }
            if let Some(p) = position.get_mut(root) {
                *p = 0;
            }
            path.push((root, 0));
            while let Some((node, cursor)) = path.last_mut() {
                let node = *node;
                let Some(&next) = self.edges(node).get(*cursor) else {
                    if let Some(s) = state.get_mut(node) {
                        *s = DONE;
                    }
                    path.pop();
                    continue;
                };
                *cursor += 1;
                let next = next as usize;
                match state.get(next).copied() {
                    Some(UNSEEN) => {
                        if let Some(s) = state.get_mut(next) {
                            *s = ON_PATH;
                        }
                        if let Some(p) = position.get_mut(next) {
                            *p = path.len();
                        }
                        path.push((next, 0));
                    }
                    Some(ON_PATH) => {
                        let start = position.get(next).copied().unwrap_or(0);
                        let along = path.get(start..).unwrap_or_default();
                        let scope = |&(n, _): &(usize, usize)| n;
                        let cycle = if along.len() <= 2 * CYCLE_ENDS {
                            Cycle {
                                origin: node,
                                head: along.iter().map(scope).chain([next]).collect(),
                                omitted: 0,
                                tail: Vec::new(),
                            }
                        } else {
                            let tail_start = along.len() - (CYCLE_ENDS - 1);
                            Cycle {
                                origin: node,
                                head: along.iter().take(CYCLE_ENDS).map(scope).collect(),
                                omitted: tail_start - CYCLE_ENDS,
                                tail: along
                                    .get(tail_start..)
                                    .unwrap_or_default()
                                    .iter()
                                    .map(scope)
                                    .chain([next])
                                    .collect(),
                            }
                        };
                        cycles.push(cycle);
                    }
                    _ => {}
                }
            }
        }
        cycles
    }
}

/// Scopes reached from a few seeds, for checking many small additions to one grant in a row:
/// only the scopes touched are cleared between two uses, never a bitset as wide as the policy.
pub(crate) struct Reach {
    bits: Bits,
    touched: Vec<u32>,
    stack: Vec<u32>,
}

impl Reach {
    /// An empty set for a policy of `width` scopes.
    pub(crate) fn new(width: usize) -> Self {
        Reach {
            bits: Bits::with_len(width),
            touched: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Forgets the last expansion, then holds `seeds` and everything they imply, leaving out the
    /// scopes of `held` (a closed grant mask, whose scopes imply only scopes it holds).
    pub(crate) fn expand(
        &mut self,
        implies: &Implies,
        held: &Bits,
        seeds: impl IntoIterator<Item = usize>,
    ) {
        for scope in self.touched.drain(..) {
            self.bits.unset(scope as usize);
        }
        for seed in seeds {
            let seed = u32::try_from(seed).unwrap_or(u32::MAX);
            self.stack.push(seed);
            while let Some(node) = self.stack.pop() {
                let scope = node as usize;
                if held.get(scope) || self.bits.get(scope) {
                    continue;
                }
                self.bits.set(scope);
                self.touched.push(node);
                self.stack.extend_from_slice(implies.edges(scope));
            }
        }
    }

    /// The scopes the last expansion reached, in the order reached.
    pub(crate) fn reached(&self) -> &[u32] {
        &self.touched
    }

    /// Whether the last expansion reached `scope`.
    pub(crate) fn holds(&self, scope: usize) -> bool {
        self.bits.get(scope)
    }
}
