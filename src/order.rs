//! Sorting with one copy of the sort code. Each element type sorted directly links its own
//! instantiation of the standard library's sort (2–4 KB of WebAssembly each); sorting indexes
//! with the comparison behind `dyn` links one, and the items are then moved into that order.
//! For the sorts that are not hot: scope strings and scope ids, sorted on every grant and by the
//! thousands when a policy loads, keep the direct sort (through `dyn`, a 100,000-scope `implies`
//! chain loaded 40% slower).

use core::cmp::Ordering;

use crate::prelude::*;

/// The indexes `0..len` in the order `compare` gives them (unstable: equal items in any order).
pub(crate) fn sorted_indexes(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b));
    order
}

/// Sorts `items` by `compare` (unstable).
pub(crate) fn sort_by<T>(items: &mut Vec<T>, compare: &dyn Fn(&T, &T) -> Ordering) {
    let order = {
        let items = &*items;
        sorted_indexes(items.len(), &|a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => compare(x, y),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `items` in their natural order (unstable).
pub(crate) fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, &|a, b| a.cmp(b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_sort() {
        let mut words = vec!["pear", "apple", "fig", "apple", "kiwi"];
        let mut expected = words.clone();
        expected.sort_unstable();
        sort(&mut words);
        assert_eq!(words, expected);
        let mut pairs = vec![(3, 'c'), (1, 'z'), (2, 'b'), (1, 'a')];
        sort_by(&mut pairs, &|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        assert_eq!(pairs, [(3, 'c'), (2, 'b'), (1, 'a'), (1, 'z')]);
        let mut empty: Vec<String> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
        let order = sorted_indexes(4, &|a, b| [5, 1, 4, 2][a].cmp(&[5, 1, 4, 2][b]));
        assert_eq!(order, [1, 3, 2, 0]);
    }
}
