//! Timestamps and their three Smithy wire formats.
//!
//! A small type of our own instead of chrono/time: the protocols need exactly
//! RFC 3339 date-time, IMF-fixdate (HTTP date) and epoch seconds, with millisecond-or-
//! better precision, and nothing else.

use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::schema::TimestampFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl DateTime {
    pub fn now() -> DateTime {
        let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        DateTime { secs: d.as_secs() as i64, nanos: d.subsec_nanos() }
    }

    pub fn from_secs(secs: i64) -> DateTime {
        DateTime { secs, nanos: 0 }
    }

    pub fn from_millis(millis: i64) -> DateTime {
        DateTime { secs: millis.div_euclid(1000), nanos: (millis.rem_euclid(1000) * 1_000_000) as u32 }
    }

    pub fn from_parts(secs: i64, nanos: u32) -> DateTime {
        DateTime { secs: secs + (nanos / 1_000_000_000) as i64, nanos: nanos % 1_000_000_000 }
    }

    /// From fractional epoch seconds; `None` for NaN or out-of-range values.
    pub fn from_f64(value: f64) -> Option<DateTime> {
        if !value.is_finite() || value.abs() > 1e15 {
            return None;
        }
        // An f64 of today's epoch seconds resolves about a tenth of a microsecond, so round to
        // whole microseconds: 1398796238.123 must read back as .123, not .122999906.
        let secs = value.floor();
        let micros = ((value - secs) * 1e6).round() as u32;
        Some(DateTime::from_parts(secs as i64, micros * 1000))
    }

    pub fn secs(&self) -> i64 {
        self.secs
    }

    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    pub fn as_millis(&self) -> i64 {
        self.secs * 1000 + (self.nanos / 1_000_000) as i64
    }

    pub fn as_f64(&self) -> f64 {
        self.secs as f64 + self.nanos as f64 / 1e9
    }

    pub fn format(&self, format: TimestampFormat) -> String {
        match format {
            TimestampFormat::DateTime => self.to_rfc3339(),
            TimestampFormat::HttpDate => self.to_http_date(),
            TimestampFormat::EpochSeconds => self.to_epoch_string(),
        }
    }

    pub fn parse(format: TimestampFormat, text: &str) -> Option<DateTime> {
        match format {
            TimestampFormat::DateTime => DateTime::parse_rfc3339(text),
            TimestampFormat::HttpDate => DateTime::parse_http_date(text),
            TimestampFormat::EpochSeconds => DateTime::parse_epoch(text),
        }
    }

    /// `2014-04-29T18:30:38Z`, with milliseconds only when present.
    pub fn to_rfc3339(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        let mut out = String::with_capacity(24);
        push_year(&mut out, y);
        for (sep, n) in [('-', mo), ('-', d), ('T', h), (':', mi), (':', s)] {
            out.push(sep);
            push_two_digits(&mut out, n);
        }
        self.write_fraction(&mut out);
        out.push('Z');
        out
    }

    /// IMF-fixdate: `Tue, 29 Apr 2014 18:30:38 GMT`. Sub-second precision is dropped.
    pub fn to_http_date(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        let weekday = DAY_NAMES[self.secs.div_euclid(86_400).rem_euclid(7) as usize];
        let mut out = String::with_capacity(29);
        out.push_str(weekday);
        out.push_str(", ");
        push_two_digits(&mut out, d);
        out.push(' ');
        out.push_str(MONTH_NAMES[mo as usize - 1]);
        out.push(' ');
        push_year(&mut out, y);
        out.push(' ');
        push_two_digits(&mut out, h);
        out.push(':');
        push_two_digits(&mut out, mi);
        out.push(':');
        push_two_digits(&mut out, s);
        out.push_str(" GMT");
        out
    }

    /// Epoch seconds with a fraction only when it is not zero: `1398796238` or `1398796238.123`.
    pub fn to_epoch_string(&self) -> String {
        let mut out = self.secs.to_string();
        self.write_fraction(&mut out);
        out
    }

    fn write_fraction(&self, out: &mut String) {
        if self.nanos == 0 {
            return;
        }
        let mut frac = format!(".{:09}", self.nanos);
        while frac.ends_with('0') {
            frac.pop();
        }
        out.push_str(&frac);
    }

    fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, (rem / 3600) as u32, ((rem / 60) % 60) as u32, (rem % 60) as u32)
    }

    pub fn parse_epoch(text: &str) -> Option<DateTime> {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
            return None;
        }
        match text.split_once('.') {
            None => text.parse().ok().map(DateTime::from_secs),
            Some((whole, frac)) => {
                if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let secs: i64 = whole.parse().ok()?;
                let nanos: u32 = format!("{frac:0<9}").parse().ok()?;
                if whole.starts_with('-') {
                    Some(DateTime::from_parts(secs - 1, 1_000_000_000 - nanos))
                } else {
                    Some(DateTime::from_parts(secs, nanos))
                }
            }
        }
    }

    /// RFC 3339 `date-time`, upper- or lower-case separators, `Z` or a numeric offset.
    pub fn parse_rfc3339(text: &str) -> Option<DateTime> {
        let b = text.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        };
        let (y, mo, d) = (num(0..4)? as i64, num(5..7)?, num(8..10)?);
        let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b[i] == b'.' {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &text[start..i];
            if digits.is_empty() {
                return None;
            }
            let nine: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
            nanos = nine.parse().ok()?;
        }
        let offset: i64 = match &text[i..] {
            "Z" | "z" => 0,
            rest if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) && &rest[3..4] == ":" => {
                let oh = num(i + 1..i + 3)? as i64;
                let om = num(i + 4..i + 6)? as i64;
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (oh * 3600 + om * 60)
            }
            _ => return None,
        };
        let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s.min(59)) as i64 - offset;
        Some(DateTime { secs, nanos })
    }

    /// IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT` (fractional seconds tolerated).
    pub fn parse_http_date(text: &str) -> Option<DateTime> {
        let parts: Vec<&str> = text.split_ascii_whitespace().collect();
        if parts.len() != 6 || parts[5] != "GMT" || !parts[0].ends_with(',') {
            return None;
        }
        let weekday = parts[0].trim_end_matches(',');
        if !DAY_NAMES.contains(&weekday) || parts[1].len() != 2 || parts[3].len() != 4 {
            return None;
        }
        let d: u32 = parts[1].parse().ok()?;
        let mo = MONTH_NAMES.iter().position(|m| *m == parts[2])? as u32 + 1;
        let y: i64 = parts[3].parse().ok()?;
        let (hms, frac) = match parts[4].split_once('.') {
            Some((hms, frac)) => (hms, Some(frac)),
            None => (parts[4], None),
        };
        let t: Vec<u32> =
            hms.split(':').map(|p| if p.len() == 2 { p.parse().ok() } else { None }).collect::<Option<_>>()?;
        if t.len() != 3 || d == 0 || d > days_in_month(y, mo) || t[0] > 23 || t[1] > 59 || t[2] > 60 {
            return None;
        }
        let nanos = match frac {
            Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|c| c.is_ascii_digit()) => {
                format!("{f:0<9}").parse().ok()?
            }
            Some(_) => return None,
            None => 0,
        };
        let secs = days_from_civil(y, mo, d) * 86_400 + (t[0] * 3600 + t[1] * 60 + t[2].min(59)) as i64;
        Some(DateTime { secs, nanos })
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, counted in 400-year eras.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (m as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + d as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = year_of_era + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// Timestamps go into most responses; these spare them `core::fmt`'s machinery.
fn push_two_digits(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// A year as at least four digits (`0099`), as `{:04}` would write it.
fn push_year(out: &mut String, y: i64) {
    if (0..10_000).contains(&y) {
        push_two_digits(out, (y / 100) as u32);
        push_two_digits(out, (y % 100) as u32);
    } else {
        let _ = write!(out, "{y:04}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        let t = DateTime::from_secs(1398796238);
        assert_eq!(t.to_rfc3339(), "2014-04-29T18:30:38Z");
        assert_eq!(t.to_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(t.to_epoch_string(), "1398796238");
        assert_eq!(DateTime::parse_rfc3339("2014-04-29T18:30:38Z"), Some(t));
        assert_eq!(DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT"), Some(t));
        assert_eq!(DateTime::parse_epoch("1398796238"), Some(t));
        let f = DateTime::from_parts(1398796238, 123_000_000);
        assert_eq!(f.to_rfc3339(), "2014-04-29T18:30:38.123Z");
        assert_eq!(f.to_epoch_string(), "1398796238.123");
        assert_eq!(DateTime::parse_rfc3339("2014-04-29T20:30:38.123+02:00"), Some(f));
        assert_eq!(DateTime::from_f64(1398796238.123).unwrap().as_millis(), f.as_millis());
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["2014-04-29", "2014-13-29T18:30:38Z", "2014-04-29T18:30:38", "1985-04-12T23:20:50.Z"] {
            assert_eq!(DateTime::parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38"), None);
        assert_eq!(DateTime::parse_epoch("1e10"), None);
    }
}
