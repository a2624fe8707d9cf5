//! NextToken handling. A token names the first parameter of the next page (hex-encoded
//! so it stays opaque), which keeps pages stable when parameters come and go in between.

/// `None` when `token` was not one of ours.
pub fn decode(token: &str) -> Option<String> {
    let (tag, hex) = token.split_once('.')?;
    if tag != "p1" || hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    String::from_utf8(bytes?).ok()
}

pub fn encode(next: &str) -> String {
    let hex: String = next.bytes().map(|b| format!("{b:02x}")).collect();
    format!("p1.{hex}")
}

/// Takes one page of `items` (already in order) starting at the item whose key the token
/// names. Returns the page and the token for the rest, if any.
pub fn page<T>(items: Vec<T>, key: impl Fn(&T) -> &str, start: Option<&str>, size: usize) -> (Vec<T>, Option<String>) {
    let mut iter = items.into_iter().skip_while(|item| start.is_some_and(|s| key(item) < s)).peekable();
    let page: Vec<T> = iter.by_ref().take(size).collect();
    let next = iter.peek().map(|item| encode(key(item)));
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(decode(&encode("/a/b")).as_deref(), Some("/a/b"));
        assert_eq!(decode("garbage"), None);
        assert_eq!(decode("p1.zz"), None);
        let (p, next) = page(vec!["a", "b", "c"], |s| s, None, 2);
        assert_eq!(p, ["a", "b"]);
        let (p, next) = page(vec!["a", "b", "c"], |s| s, decode(&next.unwrap()).as_deref(), 2);
        assert_eq!((p, next), (vec!["c"], None));
    }
}
