//! Pure product logic, free of any browser API, so it compiles and is tested natively.

pub mod attachment;
pub mod card;
pub mod change;
pub mod chart;
pub mod date;
pub mod editor;
pub mod exchange;
pub mod html;
pub mod id;
pub mod interop;
pub mod markdown;
pub mod note;
pub mod qr;
pub mod records;
pub mod review;
pub mod route;
pub mod search;
pub mod storage;
pub mod study;
pub mod sync;
pub mod time;

use std::cmp::Ordering;
use std::collections::BTreeSet;

/// A count in words: "1 note", "3 notes".
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Sorts `items` stably by `compare`: the same order as `slice::sort_by`.
///
/// Every caller shares one compiled copy of the standard sort: it orders plain indices through a
/// `dyn` comparator, then moves the items into that order. `slice::sort_by` compiles a whole
/// sort (about 4 KB of wasm) for each element type and closure.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` stably by the key `key` gives: the same order as `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably by the key `key` gives, computing each key once: the same order as
/// `slice::sort_by_cached_key`.
pub fn sort_by_cached_key<T, K: Ord>(items: &mut [T], key: impl FnMut(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = sorted_indices(keys.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(items, order);
}

/// Gathers `items` into a set one by one: `BTreeSet::from_iter` compiles a whole stable sort
/// for each element type, as `slice::sort` does.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// Sorts `items` and drops repeats: the same as `slice::sort_unstable` then `Vec::dedup`,
/// through the one shared sort.
pub fn sort_dedup<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, |a, b| a.cmp(b));
    items.dedup();
}

fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`, following each cycle of
/// the permutation once.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut k = start;
        loop {
            let next = order[k];
            order[k] = k;
            if next == start {
                break;
            }
            items.swap(k, next);
            k = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_stable_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            let mut sorted = items;
            sort_by_key(&mut sorted, |(key, _)| *key);
            prop_assert_eq!(sorted, expected);
        }

        #[test]
        fn sorts_like_the_standard_cached_key_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut expected = items.clone();
            expected.sort_by_cached_key(|(key, _)| key.to_string());
            let mut sorted = items;
            sort_by_cached_key(&mut sorted, |(key, _)| key.to_string());
            prop_assert_eq!(sorted, expected);
        }

        #[test]
        fn sorts_and_drops_repeats_like_the_standard_pair(items in proptest::collection::vec(0u8..16, 0..200)) {
            let mut expected = items.clone();
            expected.sort_unstable();
            expected.dedup();
            let mut sorted = items.clone();
            sort_dedup(&mut sorted);
            prop_assert_eq!(&sorted, &expected);
            prop_assert_eq!(set_of(items).into_iter().collect::<Vec<_>>(), expected);
        }
    }
}
