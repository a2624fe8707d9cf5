//! Byte scans over short texts, the shape nearly every string on the wire has.

/// Whether some byte of `bytes` is in `set` or is below `below` (0: no such test).
///
/// Escaping asks this of every string a response carries, and nearly every answer is
/// no. On x86_64 the bytes are tested 16 at a time with SSE2 compares; a plain loop over
/// the slice, which the compiler vectorizes for long texts, leaves any text shorter than
/// a vector (member values, names, ids: most of them) to a byte-at-a-time tail.
#[inline(always)]
pub(crate) fn any_of(bytes: &[u8], set: &[u8], below: u8) -> bool {
    first_of(bytes, set, below).is_some()
}

/// The index of the first byte of `bytes` that is in `set` (the separators of form
/// bodies, query strings and SigV4 headers, which short pieces sit between).
#[inline(always)]
pub fn position_of(bytes: &[u8], set: &[u8]) -> Option<usize> {
    first_of(bytes, set, 0)
}

/// The index of the first byte of `bytes` in `set` or below `below` (0: no such test).
#[inline(always)]
fn first_of(bytes: &[u8], set: &[u8], below: u8) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86_64 baseline, so every CPU this runs on has it.
    return unsafe { sse2::first_of(bytes, set, below) };
    #[cfg(not(target_arch = "x86_64"))]
    return bytes.iter().position(|&b| b < below || set.contains(&b));
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn first_of(bytes: &[u8], set: &[u8], below: u8) -> Option<usize> {
        let first = |found: u32, from: usize| (found != 0).then(|| from + found.trailing_zeros() as usize);
        let mut at = 0;
        while at + 16 <= bytes.len() {
            if let Some(hit) = first(matches(load(&bytes[at..]), set, below), at) {
                return Some(hit);
            }
            at += 16;
        }
        if at == bytes.len() {
            return None;
        }
        if bytes.len() >= 16 {
            // The last 16 bytes, overlapping chunks already tested: those matched nothing,
            // so the lowest bit set is past them.
            let from = bytes.len() - 16;
            return first(matches(load(&bytes[from..]), set, below), from);
        }
        // A short text, padded: a hit in the padding (a set holding a space, or a bound
        // above it) is past the text, so no hit.
        let mut padded = [b' '; 16];
        padded[..bytes.len()].copy_from_slice(bytes);
        first(matches(load(&padded), set, below), 0).filter(|&at| at < bytes.len())
    }

    /// The first 16 bytes of `chunk` as a vector (two plain loads the compiler merges).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(chunk: &[u8]) -> __m128i {
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&chunk[at..at + 8]);
            i64::from_le_bytes(w)
        };
        _mm_set_epi64x(word(8), word(0))
    }

    /// A bit per byte of `v` that is in `set` or below `below`, the first byte lowest.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn matches(v: __m128i, set: &[u8], below: u8) -> u32 {
        let mut found = _mm_setzero_si128();
        for &b in set {
            found = _mm_or_si128(found, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
        }
        if below > 0 {
            // Unsigned `v < below` is `min(v, below - 1) == v`.
            let capped = _mm_min_epu8(v, _mm_set1_epi8((below - 1) as i8));
            found = _mm_or_si128(found, _mm_cmpeq_epi8(capped, v));
        }
        _mm_movemask_epi8(found) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::any_of;

    #[test]
    fn finds_a_byte_in_every_position_and_length() {
        for len in 0..50 {
            let clean = vec![b'a'; len];
            assert!(!any_of(&clean, b"<&", 0x20), "len {len}");
            for (at, needle) in (0..len).flat_map(|at| [(at, b'<'), (at, b'&'), (at, 0x1f), (at, 0)]) {
                let mut text = clean.clone();
                text[at] = needle;
                assert!(any_of(&text, b"<&", 0x20), "len {len} at {at} byte {needle}");
            }
        }
    }

    #[test]
    fn positions_match_a_plain_search() {
        for len in 0..50 {
            for at in 0..=len {
                let mut text = vec![b'x'; len];
                if at < len {
                    text[at] = b'&';
                }
                if at + 3 < len {
                    text[at + 3] = b'=';
                }
                let expected = text.iter().position(|b| b"&=".contains(b));
                assert_eq!(super::position_of(&text, b"&="), expected, "len {len} at {at}");
                assert_eq!(super::position_of(&text, b"="), text.iter().position(|&b| b == b'='), "len {len}");
            }
        }
    }

    /// Short texts are padded with spaces before the vector test; the padding is never a hit.
    #[test]
    fn a_space_in_the_set_is_found_only_in_the_text() {
        for len in 0..40 {
            let text = vec![b'x'; len];
            assert_eq!(super::position_of(&text, b", "), None, "len {len}");
            assert!(!any_of(&text, b"", b'!'), "len {len}");
            let mut spaced = text.clone();
            if len > 0 {
                spaced[len - 1] = b' ';
                assert_eq!(super::position_of(&spaced, b", "), Some(len - 1), "len {len}");
            }
        }
    }

    #[test]
    fn high_bytes_are_not_below_the_bound() {
        assert!(!any_of("é€😀 ~".as_bytes(), b"", 0x20));
        assert!(any_of(b"tab\there", b"", 0x20));
        assert!(!any_of(b"tab\there", b"<", 0));
    }
}
