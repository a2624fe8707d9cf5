//! S3's naming rules for buckets and object keys.

/// Object keys are at most 1024 bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;

/// Names reserved for other S3 features (access point aliases, demo buckets, Object Lambda,
/// directory and table buckets): general purpose buckets may not start or end with them.
const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// Whether `name` may name a new general purpose bucket: 3 to 63 characters, dot-separated
/// labels of lowercase letters, digits and hyphens that start and end with a letter or digit
/// (so no `..`, `.-` or `-.`), not shaped like an IPv4 address, and no reserved affix.
pub fn is_valid_bucket_name(name: &str) -> bool {
    if !(3..=63).contains(&name.len()) {
        return false;
    }
    let labels_ok = name.split('.').all(|label| {
        let bytes = label.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                (first.is_ascii_lowercase() || first.is_ascii_digit())
                    && (last.is_ascii_lowercase() || last.is_ascii_digit())
                    && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            }
            _ => false,
        }
    });
    labels_ok
        && !looks_like_ipv4(name)
        && !RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
        && !RESERVED_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// `192.168.5.4` and the like: four all-digit labels.
fn looks_like_ipv4(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() == 4 && labels.iter().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `text` has the shape of an AWS region id (`eu-west-1`, `us-gov-east-1`), for
/// location constraints newer than the model's enum.
pub fn looks_like_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for name in ["abc", "my-bucket", "my.bucket.example", "a1b2c3", "0bucket9", &"a".repeat(63)] {
            assert!(is_valid_bucket_name(name), "{name}");
        }
    }

    #[test]
    fn rejects_names_against_the_rules() {
        for name in [
            "ab",
            &"a".repeat(64),
            "MyBucket",
            "my_bucket",
            "-bucket",
            "bucket-",
            ".bucket",
            "bucket.",
            "my..bucket",
            "my.-bucket",
            "my-.bucket",
            "192.168.5.4",
            "xn--bucket",
            "sthree-bucket",
            "amzn-s3-demo-bucket",
            "bucket-s3alias",
            "bucket--ol-s3",
            "bucket.mrap",
            "bucket--x-s3",
            "bucket--table-s3",
            "bücket",
            "",
        ] {
            assert!(!is_valid_bucket_name(name), "{name}");
        }
        assert!(is_valid_bucket_name("192.168.5.4a"));
    }

    #[test]
    fn recognises_region_shapes() {
        assert!(looks_like_region("eu-west-1"));
        assert!(looks_like_region("us-gov-east-1"));
        assert!(looks_like_region("ap-southeast-7"));
        assert!(!looks_like_region("EU"));
        assert!(!looks_like_region("mars"));
        assert!(!looks_like_region("eu-west-"));
        assert!(!looks_like_region(""));
    }
}
