//! Fixed-width bitsets: scope masks (one bit per declared scope) and rule sets (one bit per rule).

use crate::prelude::*;

/// A bitset of a fixed number of 64-bit words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Bits {
    words: Box<[u64]>,
}

impl Bits {
    /// An empty set able to hold `len` bits.
    pub fn with_len(len: usize) -> Self {
        Bits {
            words: vec![0; len.div_ceil(64).max(1)].into_boxed_slice(),
        }
    }

    pub fn set(&mut self, bit: usize) {
        if let Some(word) = self.words.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    pub fn unset(&mut self, bit: usize) {
        if let Some(word) = self.words.get_mut(bit / 64) {
            *word &= !(1 << (bit % 64));
        }
    }

    pub fn get(&self, bit: usize) -> bool {
        self.words
            .get(bit / 64)
            .is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Whether every bit of `self` is in `other`.
    pub fn is_subset(&self, other: &Bits) -> bool {
        self.words
            .iter()
            .zip(other.words.iter())
            .all(|(a, b)| a & !b == 0)
    }

    pub fn and(&self, other: &Bits) -> Bits {
        Bits {
            words: self
                .words
                .iter()
                .zip(other.words.iter())
                .map(|(a, b)| a & b)
                .collect(),
        }
    }

    /// The bits of `self` that are not in `other`.
    pub fn and_not(&self, other: &Bits) -> Bits {
        let mut out = self.clone();
        for (a, b) in out.words.iter_mut().zip(other.words.iter()) {
            *a &= !b;
        }
        out
    }

    /// The indexes of the set bits, in increasing order.
    pub fn ones(&self) -> Ones<'_> {
        ones(&self.words)
    }
}

/// The indexes of the set bits of `words`, in increasing order.
pub(crate) fn ones(words: &[u64]) -> Ones<'_> {
    Ones {
        words,
        base: 0,
        current: 0,
    }
}

/// Iterator over set bits (a plain loop; cheaper than a `flat_map`).
pub(crate) struct Ones<'a> {
    words: &'a [u64],
    base: usize,
    current: u64,
}

impl Iterator for Ones<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.current == 0 {
            let (&first, rest) = self.words.split_first()?;
            self.current = first;
            self.words = rest;
            self.base += 64;
        }
        let bit = self.current.trailing_zeros() as usize;
        self.current &= self.current - 1;
        Some(self.base - 64 + bit)
    }
}

/// A rule set for one evaluation: on the stack for policies of up to 256 rules.
#[derive(Debug, Clone)]
pub(crate) enum RuleSet {
    Inline([u64; 4]),
    Heap(Vec<u64>),
}

impl RuleSet {
    /// An empty set able to hold `len` rules.
    pub fn empty(len: usize) -> Self {
        let words = len.div_ceil(64);
        if words <= 4 {
            RuleSet::Inline([0; 4])
        } else {
            RuleSet::Heap(vec![0; words])
        }
    }

    pub fn words(&self) -> &[u64] {
        match self {
            RuleSet::Inline(w) => w,
            RuleSet::Heap(w) => w,
        }
    }

    pub fn words_mut(&mut self) -> &mut [u64] {
        match self {
            RuleSet::Inline(w) => w,
            RuleSet::Heap(w) => w,
        }
    }

    pub fn set(&mut self, bit: usize) {
        if let Some(word) = self.words_mut().get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    /// Removes every rule of `other`.
    pub fn remove_all(&mut self, other: &RuleSet) {
        for (a, b) in self.words_mut().iter_mut().zip(other.words()) {
            *a &= !b;
        }
    }

    /// Keeps the rules for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for (w, word) in self.words_mut().iter_mut().enumerate() {
            let mut rest = *word;
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if !keep(w * 64 + bit) {
                    *word &= !(1 << bit);
                }
            }
        }
    }

    pub fn ones(&self) -> Ones<'_> {
        ones(self.words())
    }
}
