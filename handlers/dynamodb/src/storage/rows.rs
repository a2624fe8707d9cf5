//! `Rows`: an ordered map from byte keys to byte values, packed into pages.
//!
//! A map with one heap allocation per entry (a `BTreeSet<Box<[u8]>>`) pays, per entry, the
//! allocator's header and rounding (~16 bytes) plus a 16-byte fat pointer in a B-tree node
//! that is on average a third empty: ~40 bytes on top of a ~70-byte row, and a million small
//! allocations that fragment the heap. Here rows are packed back to back into pages of at
//! most `PAGE_BYTES` (one exactly-sized allocation each), and a `BTreeMap` finds the page:
//! point reads and writes are O(log pages) plus a scan of one small page, a range read walks
//! only the pages its range covers, and the overhead is a few bytes per row.
//!
//! Row layout inside a page: `[row len][key len][key][value][row len, reversed]`, where row
//! len (a varint) counts key len + key + value and the trailing copy is written back to front
//! so a page can be walked in both directions without an offset table.
//!
//! Each page is filed under a lower bound of its keys: every key in the page is ≥ its bound
//! and every key of the page before it is < the bound. The page for a key is the last one
//! whose bound is ≤ the key (the first page for keys below every bound, whose bound is then
//! lowered). Deleting a page's first row leaves its bound valid, so only splits add bounds.

use std::collections::{btree_map, BTreeMap};
use std::ops::Bound;

/// Pages split beyond this size (a single larger row keeps a page of its own).
const PAGE_BYTES: usize = 4096;
/// A page this small after a delete is merged into its successor when both fit one page.
const MERGE_BYTES: usize = PAGE_BYTES / 4;

/// One stored entry, borrowed from its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

impl<'a> RowRef<'a> {
    pub fn key(&self) -> &'a [u8] {
        self.key
    }

    pub fn value(&self) -> &'a [u8] {
        self.value
    }
}

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn put_varint(out: &mut Vec<u8>, n: usize) {
    crate::item::put_len(out, n)
}

/// Reads a varint at `at`: (value, bytes taken). Pages are only written here, so well formed.
fn get_varint(b: &[u8], at: usize) -> (usize, usize) {
    let (mut n, mut shift, mut i) = (0usize, 0, at);
    loop {
        let byte = b[i];
        i += 1;
        n |= ((byte & 0x7f) as usize) << shift;
        if byte & 0x80 == 0 {
            return (n, i - at);
        }
        shift += 7;
    }
}

/// Reads the reversed varint that ends at `end`: (value, bytes taken).
fn get_varint_back(b: &[u8], end: usize) -> (usize, usize) {
    let (mut n, mut shift, mut i) = (0usize, 0, end);
    loop {
        i -= 1;
        let byte = b[i];
        n |= ((byte & 0x7f) as usize) << shift;
        if byte & 0x80 == 0 {
            return (n, end - i);
        }
        shift += 7;
    }
}

/// The encoded row for `key` and `value`.
fn encode_row(key: &[u8], value: &[u8]) -> Vec<u8> {
    let body = varint_len(key.len()) + key.len() + value.len();
    let mut out = Vec::with_capacity(2 * varint_len(body) + body);
    put_varint(&mut out, body);
    put_varint(&mut out, key.len());
    out.extend_from_slice(key);
    out.extend_from_slice(value);
    let at = out.len();
    put_varint(&mut out, body);
    out[at..].reverse();
    out
}

/// The row starting at `at`, and where the next one starts.
fn row_at(page: &[u8], at: usize) -> (RowRef<'_>, usize) {
    let (body, n) = get_varint(page, at);
    let start = at + n;
    let (klen, k) = get_varint(page, start);
    let key_at = start + k;
    let end = start + body;
    let row = RowRef { key: &page[key_at..key_at + klen], value: &page[key_at + klen..end] };
    (row, end + varint_len(body))
}

/// The row ending at `end`, and where it starts.
fn row_before(page: &[u8], end: usize) -> (RowRef<'_>, usize) {
    let (body, t) = get_varint_back(page, end);
    let start = end - t - body - varint_len(body);
    (row_at(page, start).0, start)
}

/// Where `key` is in `page`: `Ok((start, end))` of its row, or `Err(start)` of the first row
/// with a greater key (the page length when none).
fn find(page: &[u8], key: &[u8]) -> Result<(usize, usize), usize> {
    let mut at = 0;
    while at < page.len() {
        let (row, next) = row_at(page, at);
        match row.key.cmp(key) {
            std::cmp::Ordering::Less => at = next,
            std::cmp::Ordering::Equal => return Ok((at, next)),
            std::cmp::Ordering::Greater => return Err(at),
        }
    }
    Err(at)
}

/// Replaces `page[range]` by `with`, keeping the allocation exactly sized.
fn splice(page: &mut Box<[u8]>, range: std::ops::Range<usize>, with: &[u8]) {
    let mut v = std::mem::take(page).into_vec();
    if with.len() > range.len() {
        v.reserve_exact(with.len() - range.len());
    }
    v.splice(range, with.iter().copied());
    *page = v.into_boxed_slice();
}

#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// lower bound -> packed rows (never empty)
    pages: BTreeMap<Box<[u8]>, Box<[u8]>>,
    len: usize,
}

impl Rows {
    pub fn new() -> Rows {
        Rows::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        self.pages.clear();
        self.len = 0;
    }

    /// The bound of the page that holds (or would hold) `key`.
    fn page_of(&self, key: &[u8]) -> Option<&[u8]> {
        self.pages
            .range::<[u8], _>((Bound::Unbounded, Bound::Included(key)))
            .next_back()
            .or_else(|| self.pages.iter().next())
            .map(|(bound, _)| &bound[..])
    }

    pub fn get(&self, key: &[u8]) -> Option<RowRef<'_>> {
        let page = &self.pages[self.page_of(key)?];
        let (at, _) = find(page, key).ok()?;
        Some(row_at(page, at).0)
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Stores `value` under `key`, replacing any value there; true when one was replaced.
    pub fn insert(&mut self, key: &[u8], value: &[u8]) -> bool {
        self.insert_with(key, value, |_| ()).is_some()
    }

    /// Stores `value` under `key`; when it replaces a value, hands back what `replaced` makes
    /// of the old one (read in place, so a caller that only measures it copies nothing).
    pub fn insert_with<R>(&mut self, key: &[u8], value: &[u8], replaced: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let row = encode_row(key, value);
        match self.pages.first_key_value() {
            None => {
                self.pages.insert(key.into(), row.into_boxed_slice());
                self.len = 1;
                return None;
            }
            // A key below every bound goes into the first page, whose bound drops to it.
            Some((first, _)) if key < &first[..] => {
                if let Some((_, page)) = self.pages.pop_first() {
                    self.pages.insert(key.into(), page);
                }
            }
            Some(_) => {}
        }
        let (_, page) = self.pages.range_mut::<[u8], _>((Bound::Unbounded, Bound::Included(key))).next_back()?;
        let replaced = match find(page, key) {
            Ok((start, end)) => {
                let old = replaced(row_at(page, start).0.value);
                splice(page, start..end, &row);
                Some(old)
            }
            Err(at) => {
                splice(page, at..at, &row);
                None
            }
        };
        let split = if page.len() > PAGE_BYTES { middle(page) } else { None };
        let right = split.map(|(at, right_bound)| {
            let right: Box<[u8]> = page[at..].into();
            *page = page[..at].into();
            (right_bound, right)
        });
        if let Some((bound, right)) = right {
            self.pages.insert(bound, right);
        }
        self.len += replaced.is_none() as usize;
        replaced
    }

    /// Removes the row at `key`, handing back its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        let (bound, page) = self.pages.range_mut::<[u8], _>((Bound::Unbounded, Bound::Included(key))).next_back()?;
        let (start, end) = find(page, key).ok()?;
        let value = row_at(page, start).0.value.to_vec();
        splice(page, start..end, &[]);
        self.len -= 1;
        if page.len() < MERGE_BYTES {
            let bound = bound.clone();
            if self.pages[&bound].is_empty() {
                self.pages.remove(&bound);
            } else {
                self.merge_next(&bound);
            }
        }
        Some(value)
    }

    /// Moves the rows of the page after `bound` into it when they fit together.
    fn merge_next(&mut self, bound: &[u8]) {
        let next = self.pages.range::<[u8], _>((Bound::Excluded(bound), Bound::Unbounded)).next();
        let Some((next_bound, next_page)) = next else { return };
        if next_page.len() + self.pages[bound].len() > PAGE_BYTES {
            return;
        }
        let next_bound = next_bound.clone();
        let next_page = self.pages.remove(&next_bound).unwrap_or_default();
        if let Some(page) = self.pages.get_mut(bound) {
            let end = page.len();
            splice(page, end..end, &next_page);
        }
    }

    /// Rows with keys in the given bounds, in key order (and reversible).
    pub fn range<'a>(&'a self, range: (Bound<&[u8]>, Bound<&[u8]>)) -> Range<'a> {
        // Reading starts in the page that would hold the low key.
        let first = match range.0 {
            Bound::Included(k) | Bound::Excluded(k) => self.page_of(k),
            Bound::Unbounded => None,
        };
        let pages = match (first, range.1) {
            // A range ending before that page is empty (BTreeMap::range panics on a start
            // after its end).
            (Some(l), Bound::Included(h) | Bound::Excluded(h)) if h < l => {
                self.pages.range::<[u8], _>((Bound::Included(l), Bound::Excluded(l)))
            }
            (Some(l), hi) => self.pages.range::<[u8], _>((Bound::Included(l), hi)),
            (None, hi) => self.pages.range::<[u8], _>((Bound::Unbounded, hi)),
        };
        Range { pages, front: None, back: None, lo: own(range.0), hi: own(range.1) }
    }

    pub fn iter(&self) -> Range<'_> {
        self.range((Bound::Unbounded, Bound::Unbounded))
    }
}

fn own(b: Bound<&[u8]>) -> Bound<Box<[u8]>> {
    b.map(Box::from)
}

/// Where to split a full page: the row boundary nearest its middle (never 0), and the key
/// that starts the right half.
fn middle(page: &[u8]) -> Option<(usize, Box<[u8]>)> {
    let mut at = 0;
    while at < page.len() {
        let (row, next) = row_at(page, at);
        if at > 0 && next > page.len() / 2 {
            return Some((at, row.key.into()));
        }
        at = next;
    }
    None
}

/// Cursor over one page: rows in `[front, back)`.
struct PageCursor<'a> {
    page: &'a [u8],
    front: usize,
    back: usize,
}

pub struct Range<'a> {
    pages: btree_map::Range<'a, Box<[u8]>, Box<[u8]>>,
    front: Option<PageCursor<'a>>,
    back: Option<PageCursor<'a>>,
    lo: Bound<Box<[u8]>>,
    hi: Bound<Box<[u8]>>,
}

impl Range<'_> {
    fn above_lo(&self, key: &[u8]) -> bool {
        match &self.lo {
            Bound::Included(l) => key >= &l[..],
            Bound::Excluded(l) => key > &l[..],
            Bound::Unbounded => true,
        }
    }

    fn below_hi(&self, key: &[u8]) -> bool {
        match &self.hi {
            Bound::Included(h) => key <= &h[..],
            Bound::Excluded(h) => key < &h[..],
            Bound::Unbounded => true,
        }
    }
}

impl<'a> Iterator for Range<'a> {
    type Item = RowRef<'a>;

    fn next(&mut self) -> Option<RowRef<'a>> {
        loop {
            if let Some(c) = &mut self.front {
                if c.front < c.back {
                    let (row, next) = row_at(c.page, c.front);
                    c.front = next;
                    if !self.below_hi(row.key) {
                        self.front = None;
                        self.back = None;
                        return None;
                    }
                    if self.above_lo(row.key) {
                        return Some(row);
                    }
                    continue;
                }
            }
            match self.pages.next() {
                Some((_, page)) => self.front = Some(PageCursor { page, front: 0, back: page.len() }),
                // The back cursor's page is the last one left: continue in it.
                None => {
                    self.front = Some(self.back.take()?);
                }
            }
        }
    }
}

impl<'a> DoubleEndedIterator for Range<'a> {
    fn next_back(&mut self) -> Option<RowRef<'a>> {
        loop {
            if let Some(c) = &mut self.back {
                if c.front < c.back {
                    let (row, start) = row_before(c.page, c.back);
                    c.back = start;
                    if !self.above_lo(row.key) {
                        self.front = None;
                        self.back = None;
                        return None;
                    }
                    if self.below_hi(row.key) {
                        return Some(row);
                    }
                    continue;
                }
            }
            match self.pages.next_back() {
                Some((_, page)) => self.back = Some(PageCursor { page, front: 0, back: page.len() }),
                None => {
                    self.back = Some(self.front.take()?);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap as Model;

    /// A small deterministic generator, so failures reproduce.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    fn key(n: u64) -> Vec<u8> {
        // Variable-length keys sharing prefixes, so order and page splits are exercised.
        let mut k = format!("k{}", n % 97).into_bytes();
        k.extend(std::iter::repeat_n(b'x', (n % 7) as usize));
        k.extend_from_slice(&n.to_be_bytes());
        k
    }

    fn check(rows: &Rows, model: &Model<Vec<u8>, Vec<u8>>, rng: &mut Lcg) {
        assert_eq!(rows.len(), model.len());
        let all: Vec<(Vec<u8>, Vec<u8>)> = rows.iter().map(|r| (r.key().to_vec(), r.value().to_vec())).collect();
        let want: Vec<(Vec<u8>, Vec<u8>)> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(all, want);
        let back: Vec<Vec<u8>> = rows.iter().rev().map(|r| r.key().to_vec()).collect();
        assert_eq!(back, model.keys().rev().cloned().collect::<Vec<_>>());
        for _ in 0..20 {
            let (a, b) = (key(rng.next() % 3000), key(rng.next() % 3000));
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let bounds = [
                (Bound::Included(&lo[..]), Bound::Excluded(&hi[..])),
                (Bound::Excluded(&lo[..]), Bound::Included(&hi[..])),
                (Bound::Unbounded, Bound::Included(&hi[..])),
                (Bound::Included(&lo[..]), Bound::Unbounded),
            ];
            for r in bounds {
                let got: Vec<&[u8]> = rows.range(r).map(|x| x.key()).collect();
                let want: Vec<&[u8]> = model.range::<[u8], _>(r).map(|(k, _)| &k[..]).collect();
                assert_eq!(got, want);
                let got: Vec<&[u8]> = rows.range(r).rev().map(|x| x.key()).collect();
                let want: Vec<&[u8]> = model.range::<[u8], _>(r).rev().map(|(k, _)| &k[..]).collect();
                assert_eq!(got, want);
                // Both ends at once meet in the middle without repeating a row.
                let mut it = rows.range(r);
                let mut seen = Vec::new();
                let mut flip = false;
                while let Some(x) = if flip { it.next_back() } else { it.next() } {
                    seen.push(x.key());
                    flip = !flip;
                }
                assert_eq!(seen.len(), want.len());
            }
        }
    }

    #[test]
    fn behaves_like_a_btree_map() {
        let mut rng = Lcg(7);
        let mut rows = Rows::new();
        let mut model = Model::new();
        for round in 0..6000 {
            let k = key(rng.next() % 3000);
            if rng.next().is_multiple_of(3) {
                assert_eq!(rows.remove(&k), model.remove(&k));
            } else {
                // Mostly small values, now and then one larger than a page.
                let len = if rng.next().is_multiple_of(200) { 5000 } else { (rng.next() % 90) as usize };
                let v = vec![(round % 251) as u8; len];
                assert_eq!(rows.insert(&k, &v), model.insert(k.clone(), v).is_some());
            }
            if round % 1000 == 999 {
                check(&rows, &model, &mut rng);
            }
        }
        for (k, v) in &model {
            assert_eq!(rows.get(k).map(|r| r.value()), Some(&v[..]));
        }
        assert!(rows.get(b"nope").is_none());
        let keys: Vec<Vec<u8>> = model.keys().cloned().collect();
        for k in keys {
            assert!(rows.remove(&k).is_some());
            model.remove(&k);
        }
        assert!(rows.is_empty() && rows.pages.is_empty());
        check(&rows, &model, &mut rng);
    }
}
