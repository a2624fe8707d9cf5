//! Just enough X.509 to do what IAM does with an uploaded certificate: check that the PEM
//! holds a DER certificate and read its expiry (`notAfter`).

use base64::Engine;
use ferrostack_runtime as rt;

/// The DER bytes of the first PEM block in `pem`.
pub fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN ")?;
    let rest = &pem[start..];
    let header_end = rest.find('\n')?;
    let end = rest.find("-----END ")?;
    let b64: String = rest.get(header_end..end)?.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// (tag, contents, rest) of the DER element at the start of `b`.
fn element(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let body = b.get(header..header + len)?;
    Some((tag, body, &b[header + len..]))
}

fn time(tag: u8, v: &[u8]) -> Option<rt::DateTime> {
    let s = std::str::from_utf8(v).ok()?;
    let digits = s.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: i64 = digits.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, digits.get(2..)?)
        }
        0x18 => (digits.get(0..4)?.parse().ok()?, digits.get(4..)?),
        _ => return None,
    };
    let n = |i: usize| rest.get(i..i + 2).and_then(|x| x.parse::<u32>().ok());
    let text = format!("{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", n(0)?, n(2)?, n(4)?, n(6)?, n(8).unwrap_or(0));
    rt::DateTime::parse_rfc3339(&text)
}

/// The certificate's `notAfter`, or `None` when `pem` is not a certificate.
pub fn not_after(pem: &str) -> Option<rt::DateTime> {
    let der = pem_body(pem)?;
    let (tag, cert, _) = element(&der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, tbs, _) = element(cert)?;
    if tag != 0x30 {
        return None;
    }
    let mut rest = tbs;
    let (tag, _, after) = element(rest)?;
    if tag == 0xa0 {
        rest = after; // explicit version
    }
    let (_, _, rest) = element(rest)?; // serial number
    let (_, _, rest) = element(rest)?; // signature algorithm
    let (_, _, rest) = element(rest)?; // issuer
    let (tag, validity, _) = element(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (_, _, after_not_before) = element(validity)?;
    let (tag, value, _) = element(after_not_before)?;
    time(tag, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_certificate() {
        for text in [
            "",
            "-----END x-----BEGIN \n",
            "-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----",
            "-----BEGIN X-----\nMAA=\n-----END X-----",
        ] {
            assert!(not_after(text).is_none(), "{text}");
        }
    }
}
