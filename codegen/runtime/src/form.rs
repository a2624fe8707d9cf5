//! `application/x-www-form-urlencoded` pairs (awsQuery bodies, query strings), decoded the
//! way the URL standard says: `+` is a space, `%XX` a byte (a `%` not followed by two hex
//! digits stays as it is), bytes that are not UTF-8 become U+FFFD.
//!
//! Written for the hot path: every awsQuery request is scanned for its `Action` before it
//! is routed and again when it is decoded. Pairs with nothing to decode are borrowed from
//! the input after one UTF-8 check, with no copy and no lossy re-scan.

use std::borrow::Cow;

/// The decoded `(key, value)` pairs of `input`, in order; empty pieces (`a=1&&b=2`) are
/// skipped and a piece without `=` has an empty value.
pub fn pairs(input: &[u8]) -> Pairs<'_> {
    // One UTF-8 check of the whole input: a valid input splits at the ASCII `&` and `=`
    // into valid pieces, which are then borrowed without checking each again. Likewise
    // one scan for escapes: most small inputs (a request's `Action`, its query string)
    // have none, and then no piece is scanned again. Large ones are scanned piece by
    // piece, so that a caller stopping after the first few pairs does not pay for all.
    const SCANNED_WHOLE: usize = 4096;
    let text = std::str::from_utf8(input).ok();
    let plain = text.filter(|_| input.len() <= SCANNED_WHOLE && !crate::scan::any_of(input, b"%+", 0));
    Pairs { input, text, plain, at: 0 }
}

/// The iterator [`pairs`] returns.
pub struct Pairs<'a> {
    input: &'a [u8],
    /// `input` as text, when all of it is UTF-8.
    text: Option<&'a str>,
    /// `input` as text, when moreover nothing in it is escaped.
    plain: Option<&'a str>,
    /// Where the next piece starts.
    at: usize,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (Cow<'a, str>, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.at < self.input.len() {
            let start = self.at;
            let rest = &self.input[start..];
            let end = start + crate::scan::position_of(rest, b"&").unwrap_or(rest.len());
            self.at = end + 1;
            if end == start {
                continue;
            }
            let piece = &self.input[start..end];
            let (key, value) = match crate::scan::position_of(piece, b"=") {
                Some(eq) => (start..start + eq, start + eq + 1..end),
                None => (start..end, end..end),
            };
            return Some((self.decode_range(key), self.decode_range(value)));
        }
        None
    }
}

impl<'a> Pairs<'a> {
    fn decode_range(&self, range: std::ops::Range<usize>) -> Cow<'a, str> {
        // Range ends sit next to ASCII separators, so they are character boundaries.
        if let Some(plain) = self.plain {
            return Cow::Borrowed(plain.get(range).unwrap_or_default());
        }
        let raw = &self.input[range.clone()];
        match self.text {
            Some(text) if !crate::scan::any_of(raw, b"%+", 0) => Cow::Borrowed(text.get(range).unwrap_or_default()),
            _ => decode(raw),
        }
    }
}

/// The first value of `name` in `input`, decoded.
pub fn value_of<'a>(input: &'a [u8], name: &str) -> Option<Cow<'a, str>> {
    pairs(input).find(|(key, _)| key == name).map(|(_, value)| value)
}

/// One key or value, decoded.
pub fn decode(raw: &[u8]) -> Cow<'_, str> {
    if !crate::scan::any_of(raw, b"%+", 0) {
        // `from_utf8` is the fast check; `from_utf8_lossy` walks chunk by chunk.
        return match std::str::from_utf8(raw) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(raw),
        };
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        match raw[at] {
            b'+' => out.push(b' '),
            b'%' => match (raw.get(at + 1).and_then(hex), raw.get(at + 2).and_then(hex)) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    at += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        at += 1;
    }
    match String::from_utf8(out) {
        Ok(text) => Cow::Owned(text),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn hex(b: &u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Decoded = Vec<(String, String)>;

    fn both(input: &str) -> (Decoded, Decoded) {
        let ours = pairs(input.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let reference =
            form_urlencoded::parse(input.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        (ours, reference)
    }

    #[test]
    fn decodes_as_the_url_standard_does() {
        for input in [
            "",
            "&",
            "Action=GetCallerIdentity&Version=2011-06-15",
            "a=1&&b=2&",
            "flag&x=",
            "=v",
            "a+b=c+d%20e",
            "k=%41%4a%4A%e2%82%ac",
            "bad=%zz%4&pct=100%&end=%",
            "invalid=%ff%fe&ok=1",
            "eq=a=b",
            "raw=caf\u{e9}",
        ] {
            let (ours, reference) = both(input);
            assert_eq!(ours, reference, "{input:?}");
        }
    }

    #[test]
    fn large_inputs_decode_alike() {
        let long = "v".repeat(5000);
        for input in
            [format!("Action=Send&Body={long}"), format!("Action=Send&Body={long}%21+x"), format!("a+b={long}")]
        {
            let (ours, reference) = both(&input);
            assert_eq!(ours, reference);
        }
    }

    #[test]
    fn borrows_what_needs_no_decoding() {
        let mut it = pairs(b"Action=Send&Body=a%20b");
        assert!(matches!(it.next(), Some((Cow::Borrowed("Action"), Cow::Borrowed("Send")))));
        assert!(matches!(it.next(), Some((Cow::Borrowed("Body"), Cow::Owned(_)))));
        assert_eq!(value_of(b"x=1&Action=Go", "Action").as_deref(), Some("Go"));
        assert_eq!(value_of(b"x=1", "Action"), None);
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(decode(b"a\xffb"), "a\u{fffd}b");
    }
}
