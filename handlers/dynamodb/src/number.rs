//! DynamoDB's number type: a decimal of at most 38 significant digits whose magnitude lies
//! between 1E-130 and 9.99…E+125 (or is zero), compared numerically and handed back in a
//! canonical plain form ("1.50" → "1.5", "1E3" → "1000", "-0" → "0").
//!
//! Kept as sign + significant digits + exponent rather than a float so that key order,
//! equality and ADD arithmetic are exact, as they are on AWS.

use std::cmp::Ordering;
use std::fmt;

use dynamodb_api::types::AttributeValue;

/// Most significant digits DynamoDB stores.
pub const MAX_DIGITS: usize = 38;
/// Largest and smallest decimal exponent of the leading digit (d.ddd × 10^e).
const MAX_EXP: i64 = 125;
const MIN_EXP: i64 = -130;

pub const TOO_MANY_DIGITS: &str = "Attempting to store more than 38 significant digits in a Number";
pub const OVERFLOW: &str = "Number overflow. Attempting to store a number with magnitude larger than supported range";
pub const UNDERFLOW: &str =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

/// value = (-1)^neg × 0.d₁d₂…dₙ × 10^exp; `digits` has no leading or trailing zeros and is
/// empty for zero (which is never negative).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

impl Number {
    /// The number (-1)^neg × 0.d₁d₂…dₙ × 10^exp from digits (0..=9) already without leading
    /// or trailing zeros, as storage keys hold them.
    pub(crate) fn from_parts(neg: bool, digits: Vec<u8>, exp: i64) -> Number {
        if digits.is_empty() {
            return Number::zero();
        }
        Number { neg, digits, exp }
    }

    pub fn zero() -> Number {
        Number { neg: false, digits: Vec::new(), exp: 0 }
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Parses the wire form of an `N` value, with DynamoDB's error messages.
    pub fn parse(s: &str) -> Result<Number, String> {
        let invalid = || format!("The parameter cannot be converted to a numeric value: {s}");
        let b = s.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            neg = b[i] == b'-';
            i += 1;
        }
        let mut digits = Vec::new();
        // Digits seen before the decimal point count toward the exponent.
        let mut int_digits: i64 = 0;
        let mut seen_digit = false;
        let mut seen_point = false;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    seen_digit = true;
                    if digits.is_empty() && c == b'0' {
                        // A leading zero: only shifts the exponent when after the point.
                        if seen_point {
                            int_digits -= 1;
                        }
                    } else {
                        digits.push(c - b'0');
                        if !seen_point {
                            int_digits += 1;
                        }
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if !seen_digit {
            return Err(invalid());
        }
        let mut exp10: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let mut eneg = false;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                eneg = b[i] == b'-';
                i += 1;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                // Saturate: anything this large is out of range anyway.
                exp10 = (exp10 * 10 + (b[i] - b'0') as i64).min(1_000_000_000);
                i += 1;
            }
            if i == start {
                return Err(invalid());
            }
            if eneg {
                exp10 = -exp10;
            }
        }
        if i != b.len() {
            return Err(invalid());
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Ok(Number::zero());
        }
        Number { neg, digits, exp: int_digits + exp10 }.checked()
    }

    /// Enforces DynamoDB's precision and range.
    fn checked(self) -> Result<Number, String> {
        if self.digits.is_empty() {
            return Ok(Number::zero());
        }
        let lead = self.exp - 1;
        if lead > MAX_EXP {
            return Err(OVERFLOW.to_string());
        }
        if lead < MIN_EXP {
            return Err(UNDERFLOW.to_string());
        }
        if self.digits.len() > MAX_DIGITS {
            return Err(TOO_MANY_DIGITS.to_string());
        }
        Ok(self)
    }

    pub fn neg(&self) -> Number {
        if self.is_zero() {
            return self.clone();
        }
        Number { neg: !self.neg, ..self.clone() }
    }

    pub fn checked_add(&self, other: &Number) -> Result<Number, String> {
        if self.is_zero() {
            return Ok(other.clone());
        }
        if other.is_zero() {
            return Ok(self.clone());
        }
        // Align both on the lowest digit position: value = Σ d × 10^(exp - 1 - k).
        let low = (self.exp - self.digits.len() as i64).min(other.exp - other.digits.len() as i64);
        let high = self.exp.max(other.exp);
        let width = (high - low) as usize;
        let a = aligned(self, high, width);
        let b = aligned(other, high, width);
        let (neg, mag) = if self.neg == other.neg {
            (self.neg, add_mag(&a, &b))
        } else {
            match a.cmp(&b) {
                Ordering::Equal => return Ok(Number::zero()),
                Ordering::Greater => (self.neg, sub_mag(&a, &b)),
                Ordering::Less => (other.neg, sub_mag(&b, &a)),
            }
        };
        // `mag` has one extra leading position for a carry.
        let mut exp = high + 1;
        let mut digits = mag;
        let lead = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..lead);
        exp -= lead as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Number { neg, digits, exp }.checked()
    }

    pub fn checked_sub(&self, other: &Number) -> Result<Number, String> {
        self.checked_add(&other.neg())
    }

    /// An approximation for size-style uses (never for comparisons).
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(0.0)
    }

    pub fn from_i64(n: i64) -> Number {
        Number::parse(&n.to_string()).unwrap_or_else(|_| Number::zero())
    }

    /// The value when it is a whole number that fits in an i64.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_zero() {
            return Some(0);
        }
        if self.exp < self.digits.len() as i64 || self.exp > 19 {
            return None;
        }
        self.to_string().parse().ok()
    }
}

fn aligned(n: &Number, high: i64, width: usize) -> Vec<u8> {
    let mut v = vec![0u8; width];
    let offset = (high - n.exp) as usize;
    v[offset..offset + n.digits.len()].copy_from_slice(&n.digits);
    v
}

/// Sum of two equal-width digit strings, one position wider.
fn add_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len() + 1];
    let mut carry = 0;
    for i in (0..a.len()).rev() {
        let s = a[i] + b[i] + carry;
        out[i + 1] = s % 10;
        carry = s / 10;
    }
    out[0] = carry;
    out
}

/// a - b for a > b, equal widths, one position wider (leading zero).
fn sub_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len() + 1];
    let mut borrow = 0i8;
    for i in (0..a.len()).rev() {
        let mut d = a[i] as i8 - b[i] as i8 - borrow;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        out[i + 1] = d as u8;
    }
    out
}

impl fmt::Display for Number {
    /// DynamoDB's plain form: no exponent, no leading or trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let mut s = String::with_capacity(self.digits.len() + 8);
        if self.neg {
            s.push('-');
        }
        let n = self.digits.len() as i64;
        let digit = |d: &u8| (b'0' + d) as char;
        if self.exp <= 0 {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-self.exp) as usize));
            s.extend(self.digits.iter().map(digit));
        } else if self.exp >= n {
            s.extend(self.digits.iter().map(digit));
            s.extend(std::iter::repeat_n('0', (self.exp - n) as usize));
        } else {
            let (int, frac) = self.digits.split_at(self.exp as usize);
            s.extend(int.iter().map(digit));
            s.push('.');
            s.extend(frac.iter().map(digit));
        }
        f.write_str(&s)
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        fn sign(n: &Number) -> i8 {
            if n.is_zero() {
                0
            } else if n.neg {
                -1
            } else {
                1
            }
        }
        let (sa, sb) = (sign(self), sign(other));
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let mag = self.exp.cmp(&other.exp).then_with(|| self.digits.cmp(&other.digits));
        if sa < 0 {
            mag.reverse()
        } else {
            mag
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::str::FromStr for Number {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Number::parse(s)
    }
}

/// Numeric order of two `N` strings; unparseable ones sort by text (they never reach storage).
pub fn cmp_str(a: &str, b: &str) -> Ordering {
    match (Number::parse(a), Number::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// Validates every number inside a value (N, NS, nested in M and L) and rewrites it in
/// canonical form, as DynamoDB stores it. Number sets with numerically equal members are
/// rejected with AWS's duplicate message.
pub fn normalize_value(v: &mut AttributeValue) -> Result<(), String> {
    match v {
        AttributeValue::N(s) => {
            *s = Number::parse(s)?.to_string();
        }
        AttributeValue::Ns(set) => {
            let original = set.join(", ");
            let mut seen = std::collections::HashSet::new();
            for s in set.iter_mut() {
                *s = Number::parse(s)?.to_string();
                if !seen.insert(s.clone()) {
                    return Err(format!(
                        "One or more parameter values were invalid: Input collection [{original}] contains duplicates"
                    ));
                }
            }
        }
        AttributeValue::M(m) => {
            for v in m.values_mut() {
                normalize_value(v)?;
            }
        }
        AttributeValue::L(l) => {
            for v in l.iter_mut() {
                normalize_value(v)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("1.50", "1.5"),
            ("-0", "0"),
            ("0.000", "0"),
            ("+7", "7"),
            ("007", "7"),
            ("1e3", "1000"),
            ("1E+3", "1000"),
            ("1.5e-3", "0.0015"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-12.3400", "-12.34"),
            ("100", "100"),
            ("0.1", "0.1"),
            ("123.456", "123.456"),
        ] {
            assert_eq!(n(input).to_string(), want, "{input}");
        }
    }

    #[test]
    fn invalid_and_range_errors() {
        for bad in ["", "abc", "1..2", "1e", "--1", "1 ", " 1", "e5", ".", "1e+", "0x10", "NaN", "Infinity"] {
            assert_eq!(
                Number::parse(bad).unwrap_err(),
                format!("The parameter cannot be converted to a numeric value: {bad}")
            );
        }
        assert_eq!(Number::parse(&"1".repeat(39)).unwrap_err(), TOO_MANY_DIGITS);
        assert!(Number::parse(&"1".repeat(38)).is_ok());
        // Trailing and leading zeros are not significant.
        assert!(Number::parse(&format!("0.000{}000", "9".repeat(38))).is_ok());
        assert_eq!(Number::parse("1e126").unwrap_err(), OVERFLOW);
        assert!(Number::parse("9.9999999999999999999999999999999999999e125").is_ok());
        assert_eq!(Number::parse("1e-131").unwrap_err(), UNDERFLOW);
        assert!(Number::parse("1e-130").is_ok());
        assert!(Number::parse("0e999").is_ok());
    }

    #[test]
    fn numeric_order() {
        let mut v: Vec<Number> =
            ["10", "9", "-1", "-10", "0", "0.5", "-0.5", "1e10", "1.01", "1.1", "1"].iter().map(|s| n(s)).collect();
        v.sort();
        let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(s, ["-10", "-1", "-0.5", "0", "0.5", "1", "1.01", "1.1", "9", "10", "10000000000"]);
        assert_eq!(n("1.0"), n("1"));
        assert_eq!(cmp_str("2", "10"), Ordering::Less);
    }

    #[test]
    fn arithmetic() {
        let add = |a: &str, b: &str| n(a).checked_add(&n(b)).unwrap().to_string();
        let sub = |a: &str, b: &str| n(a).checked_sub(&n(b)).unwrap().to_string();
        assert_eq!(add("1", "2"), "3");
        assert_eq!(add("0.1", "0.2"), "0.3");
        assert_eq!(add("99", "1"), "100");
        assert_eq!(add("-5", "3"), "-2");
        assert_eq!(add("5", "-5"), "0");
        assert_eq!(sub("1", "0.001"), "0.999");
        assert_eq!(sub("-1", "-1"), "0");
        assert_eq!(add("1e100", "1e100"), format!("2{}", "0".repeat(100)));
        assert_eq!(sub("10", "20"), "-10");
        assert_eq!(add("123.45", "0"), "123.45");
        assert_eq!(n("9.9999999999999999999999999999999999999e125").checked_add(&n("1e125")).unwrap_err(), OVERFLOW);
        assert_eq!(n("1e30").checked_add(&n("1e-30")).unwrap_err(), TOO_MANY_DIGITS);
    }

    #[test]
    fn normalizes_nested_values() {
        let mut v = AttributeValue::L(vec![AttributeValue::N("1.50".into()), AttributeValue::Ns(vec!["2.0".into()])]);
        normalize_value(&mut v).unwrap();
        assert_eq!(v, AttributeValue::L(vec![AttributeValue::N("1.5".into()), AttributeValue::Ns(vec!["2".into()])]));
        let mut dup = AttributeValue::Ns(vec!["1".into(), "1.0".into()]);
        assert!(normalize_value(&mut dup).is_err());
    }

    /// Random integers and decimals: order, equality and arithmetic agree with exact i128
    /// arithmetic on the same values scaled by 10^4.
    #[test]
    fn random_values_agree_with_exact_integers() {
        let mut state = 0x1234_5678_9abc_def1u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // A scaled value v / 10^4 written in a random but equivalent form.
        let render = |v: i128, r: u64| -> String {
            let neg = v < 0;
            let a = v.unsigned_abs();
            let (int, frac) = (a / 10_000, a % 10_000);
            let mut s = String::new();
            if neg {
                s.push('-');
            } else if r.is_multiple_of(7) {
                s.push('+');
            }
            if r.is_multiple_of(5) {
                s.push_str("00");
            }
            s.push_str(&int.to_string());
            s.push('.');
            s.push_str(&format!("{frac:04}"));
            if r.is_multiple_of(3) {
                // Same value in exponent form: shift the point right by one.
                let m = format!("{int}{frac:04}");
                let (l, rest) = m.split_at(m.len() - 3);
                s = format!("{}{l}.{rest}e-1", if neg { "-" } else { "" });
            }
            s
        };
        for _ in 0..3000 {
            let (ra, rb) = (next(), next());
            let a = (ra % 2_000_000_000) as i128 - 1_000_000_000;
            let b = (rb % 2_000_000_000) as i128 - 1_000_000_000;
            let (sa, sb) = (render(a, ra >> 8), render(b, rb >> 8));
            let (na, nb) = (Number::parse(&sa).unwrap(), Number::parse(&sb).unwrap());
            assert_eq!(na.cmp(&nb), a.cmp(&b), "{sa} vs {sb}");
            let exact = |v: i128| Number::parse(&format!("{}e-4", v)).unwrap();
            assert_eq!(na, exact(a), "{sa}");
            assert_eq!(na.checked_add(&nb).unwrap(), exact(a + b), "{sa} + {sb}");
            assert_eq!(na.checked_sub(&nb).unwrap(), exact(a - b), "{sa} - {sb}");
            // Canonical text round-trips.
            assert_eq!(Number::parse(&na.to_string()).unwrap(), na);
        }
    }
}
