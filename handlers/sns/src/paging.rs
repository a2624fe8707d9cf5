//! NextToken paging of the List operations: AWS pages topics and subscriptions 100 at a
//! time (platform applications and endpoints too), with an opaque token.

use base64::Engine;

use crate::error::{Result, SnsError};

pub const PAGE_SIZE: usize = 100;

/// The page of `items` that `token` points at, and the token of the next page.
pub fn page<T>(items: Vec<T>, token: Option<&str>, size: usize) -> Result<(Vec<T>, Option<String>)> {
    let start = match token {
        None | Some("") => 0,
        Some(t) => decode(t).filter(|s| *s <= items.len()).ok_or_else(|| SnsError::invalid("NextToken"))?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| encode(end));
    Ok((items.into_iter().skip(start).take(end - start).collect(), next))
}

fn encode(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("sns-page:{offset}"))
}

fn decode(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix("sns-page:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_everything_once() {
        let items: Vec<u32> = (0..250).collect();
        let (first, next) = page(items.clone(), None, 100).unwrap();
        assert_eq!(first.len(), 100);
        let (second, next) = page(items.clone(), next.as_deref(), 100).unwrap();
        assert_eq!(second[0], 100);
        let (third, next) = page(items.clone(), next.as_deref(), 100).unwrap();
        assert_eq!((third.len(), next), (50, None));
        assert_eq!(page(items, Some("junk"), 100).unwrap_err().message, "Invalid parameter: NextToken");
    }
}
