//! Percent-encoding as S3 applies it to keys.

/// A key, prefix, delimiter or marker as listings return it under `encoding-type=url`: every
/// byte of the UTF-8 other than unreserved characters and `/` becomes `%XX`. Spaces are
/// `%20`, not `+`, so any percent-decoder restores the key (`quux ab/` → `quux%20ab/`,
/// `foo+1/` → `foo%2B1/`).
pub fn encode_listed(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0x0f) as usize] as char);
        }
    }
    out
}

/// Decodes `%XX` escapes (a `+` stays a `+`: this is a path, not a form). `None` when an
/// escape is malformed or the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_s3_listings() {
        assert_eq!(encode_listed("foo+1/"), "foo%2B1/");
        assert_eq!(encode_listed("quux ab/"), "quux%20ab/");
        assert_eq!(encode_listed("test_file(3).png"), "test_file%283%29.png");
        assert_eq!(encode_listed("a~b-c.d_e"), "a~b-c.d_e");
        assert_eq!(encode_listed("é"), "%C3%A9");
        assert_eq!(encode_listed("\u{1}"), "%01");
    }

    #[test]
    fn decodes_and_round_trips() {
        assert_eq!(percent_decode("a%20b+c").as_deref(), Some("a b+c"));
        assert_eq!(percent_decode("%C3%A9t%c3%a9").as_deref(), Some("été"));
        for bad in ["%", "%2", "%zz", "%FF"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
        for key in ["plain", "with space/and+plus", "ünï/cödé", "100%/sure?"] {
            assert_eq!(percent_decode(&encode_listed(key)).as_deref(), Some(key));
        }
    }
}
