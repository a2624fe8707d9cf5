//! The `Range` header of GetObject and HeadObject, resolved against an object's size.
//!
//! S3 serves a single byte range. A header it cannot read as one (another unit, several
//! ranges, `a-b` with `a > b`, junk) is ignored and the whole object is served; a range it
//! can read but that selects nothing is `416 InvalidRange`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Whole,
    /// Bytes `start..=end`, both within the object.
    Part {
        start: u64,
        end: u64,
    },
    Unsatisfiable,
}

impl Selection {
    /// `Content-Range` for a partial response.
    pub fn content_range(&self, size: u64) -> Option<String> {
        match self {
            Selection::Part { start, end } => Some(format!("bytes {start}-{end}/{size}")),
            _ => None,
        }
    }

    pub fn length(&self, size: u64) -> u64 {
        match self {
            Selection::Whole => size,
            Selection::Part { start, end } => end - start + 1,
            Selection::Unsatisfiable => 0,
        }
    }

    pub fn bounds(&self) -> Option<(u64, u64)> {
        match self {
            Selection::Part { start, end } => Some((*start, *end)),
            _ => None,
        }
    }
}

pub fn resolve(header: &str, size: u64) -> Selection {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Selection::Whole;
    };
    if spec.contains(',') {
        return Selection::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Selection::Whole;
    };
    match (first.is_empty(), last.is_empty()) {
        // `-n`: the last n bytes.
        (true, false) => match digits(last) {
            None => Selection::Whole,
            Some(0) => Selection::Unsatisfiable,
            // A suffix of an empty object is the (empty) object itself, served whole.
            Some(_) if size == 0 => Selection::Whole,
            Some(n) => Selection::Part { start: size.saturating_sub(n), end: size - 1 },
        },
        // `a-`: from a to the end.
        (false, true) => match digits(first) {
            None => Selection::Whole,
            Some(start) if start >= size => Selection::Unsatisfiable,
            Some(start) => Selection::Part { start, end: size - 1 },
        },
        // `a-b`, with b clamped to the last byte.
        (false, false) => match (digits(first), digits(last)) {
            (Some(start), Some(end)) if start <= end => {
                if start >= size {
                    Selection::Unsatisfiable
                } else {
                    Selection::Part { start, end: end.min(size - 1) }
                }
            }
            _ => Selection::Whole,
        },
        (true, true) => Selection::Whole,
    }
}

/// A run of ASCII digits; values past `u64::MAX` saturate (they are past any object anyway).
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |acc, b| acc.saturating_mul(10).saturating_add((b - b'0') as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Selection::*;

    #[test]
    fn forms_of_a_single_range() {
        assert_eq!(resolve("bytes=0-4", 10), Part { start: 0, end: 4 });
        assert_eq!(resolve("bytes=5-", 10), Part { start: 5, end: 9 });
        assert_eq!(resolve("bytes=-3", 10), Part { start: 7, end: 9 });
        assert_eq!(resolve("bytes=-30", 10), Part { start: 0, end: 9 });
        assert_eq!(resolve("bytes=8-100", 10), Part { start: 8, end: 9 });
        assert_eq!(resolve("bytes=9-9", 10), Part { start: 9, end: 9 });
        assert_eq!(resolve("bytes=0-99999999999999999999999", 10), Part { start: 0, end: 9 });
        assert_eq!(Part { start: 7, end: 9 }.content_range(10).as_deref(), Some("bytes 7-9/10"));
        assert_eq!(Part { start: 7, end: 9 }.length(10), 3);
    }

    #[test]
    fn unsatisfiable_ranges() {
        assert_eq!(resolve("bytes=10-", 10), Unsatisfiable);
        assert_eq!(resolve("bytes=10-20", 10), Unsatisfiable);
        assert_eq!(resolve("bytes=-0", 10), Unsatisfiable);
        assert_eq!(resolve("bytes=0-0", 0), Unsatisfiable);
        assert_eq!(resolve("bytes=0-", 0), Unsatisfiable);
        assert_eq!(resolve("bytes=99999999999999999999999-", 10), Unsatisfiable);
    }

    #[test]
    fn unreadable_headers_select_everything() {
        for header in
            ["", "bytes=", "bytes=-", "bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes=a-b", "bytes=1", "0-1"]
        {
            assert_eq!(resolve(header, 10), Whole, "{header}");
        }
        assert_eq!(resolve("bytes=-5", 0), Whole);
    }

    /// Arbitrary headers over a small alphabet: never a panic, and a part always lies within
    /// the object.
    #[test]
    fn arbitrary_headers_stay_in_bounds() {
        const ALPHABET: &[u8] = b"bytes=-0123456789, x";
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 14) as usize;
            let mut header = String::from(if next() % 4 == 0 { "" } else { "bytes=" });
            for _ in 0..len {
                header.push(ALPHABET[(next() % ALPHABET.len() as u64) as usize] as char);
            }
            for size in [0u64, 1, 2, 10, 1000] {
                match resolve(&header, size) {
                    Part { start, end } => {
                        assert!(start <= end && end < size, "{header:?} on {size}: {start}-{end}");
                        assert!(Part { start, end }.content_range(size).is_some());
                    }
                    Whole | Unsatisfiable => {}
                }
            }
        }
    }
}
