//! The text forms of datetime and duration in task.h's JSON mapping, and
//! their conversions to `SystemTime` / `Duration` (nanoseconds, UTC).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch, or `None` outside i64's ~584 years.
pub fn to_unix_ns(t: SystemTime) -> Option<i64> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).ok(),
        Err(before) => i64::try_from(before.duration().as_nanos()).ok().map(|n| -n),
    }
}

pub fn from_unix_ns(ns: i64) -> SystemTime {
    if ns >= 0 {
        UNIX_EPOCH + Duration::from_nanos(ns as u64)
    } else {
        UNIX_EPOCH - Duration::from_nanos(ns.unsigned_abs())
    }
}

// Howard Hinnant's civil date algorithms (proleptic Gregorian), as in task.hpp.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// ".250", ".000001", ".123456789" or "" (protobuf's JSON style).
fn fraction(nanos: u64) -> String {
    match nanos {
        0 => String::new(),
        n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
        n if n % 1_000 == 0 => format!(".{:06}", n / 1_000),
        n => format!(".{n:09}"),
    }
}

/// RFC 3339 UTC, e.g. "2024-05-01T12:00:00.250Z".
pub fn format_datetime(unix_ns: i64) -> String {
    let secs = unix_ns.div_euclid(1_000_000_000);
    let nanos = unix_ns.rem_euclid(1_000_000_000) as u64;
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60,
        fraction(nanos)
    )
}

fn digits(s: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let mut v = 0i64;
    for _ in 0..n {
        let c = *s.get(*i)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
        *i += 1;
    }
    Some(v)
}

fn parse_fraction(s: &[u8], i: &mut usize) -> Option<i64> {
    if s.get(*i) != Some(&b'.') {
        return Some(0);
    }
    *i += 1;
    let (mut nanos, mut n) = (0i64, 0);
    while let Some(c) = s.get(*i).filter(|c| c.is_ascii_digit()) {
        if n == 9 {
            return None;
        }
        nanos = nanos * 10 + i64::from(c - b'0');
        n += 1;
        *i += 1;
    }
    if n == 0 {
        return None;
    }
    Some(nanos * 10i64.pow(9 - n))
}

/// Parses RFC 3339 ("2024-05-01T12:00:00Z", "2024-05-01T14:00:00.5+02:00")
/// into nanoseconds since the Unix epoch.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let s = text.as_bytes();
    let mut i = 0;
    let expect = |i: &mut usize, c: u8| {
        let ok = s.get(*i) == Some(&c);
        *i += 1;
        ok.then_some(())
    };
    let y = digits(s, &mut i, 4)?;
    expect(&mut i, b'-')?;
    let mo = digits(s, &mut i, 2)?;
    expect(&mut i, b'-')?;
    let d = digits(s, &mut i, 2)?;
    if !matches!(s.get(i), Some(b'T' | b't' | b' ')) {
        return None;
    }
    i += 1;
    let h = digits(s, &mut i, 2)?;
    expect(&mut i, b':')?;
    let mi = digits(s, &mut i, 2)?;
    expect(&mut i, b':')?;
    let sec = digits(s, &mut i, 2)?;
    let nanos = parse_fraction(s, &mut i)?;
    let offset = match s.get(i)? {
        b'Z' | b'z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            i += 1;
            let oh = digits(s, &mut i, 2)?;
            expect(&mut i, b':')?;
            let om = digits(s, &mut i, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    if i != s.len()
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || sec > 60
    {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// Seconds with an "s" suffix, e.g. "1.500s" (protobuf's Duration JSON).
pub fn format_duration(ns: i64) -> String {
    let mag = ns.unsigned_abs();
    format!(
        "{}{}{}s",
        if ns < 0 { "-" } else { "" },
        mag / 1_000_000_000,
        fraction(mag % 1_000_000_000)
    )
}

/// Parses "1.5s", "-3s", "0.000000001s" into nanoseconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let s = text.as_bytes();
    let negative = s.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let start = i;
    let mut secs = 0i64;
    while let Some(c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        secs = secs.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
        i += 1;
    }
    if i == start {
        return None;
    }
    let nanos = parse_fraction(s, &mut i)?;
    if i + 1 != s.len() || s[i] != b's' {
        return None;
    }
    let total = secs.checked_mul(1_000_000_000)?.checked_add(nanos)?;
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_format_and_parse_like_the_host() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_datetime(1_714_564_800_250_000_000), "2024-05-01T12:00:00.250Z");
        assert_eq!(format_datetime(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(parse_datetime("2024-05-01T12:00:00.250Z"), Some(1_714_564_800_250_000_000));
        assert_eq!(parse_datetime("2024-05-01T14:00:00.25+02:00"), Some(1_714_564_800_250_000_000));
        for bad in
            ["2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00", "2024-05-01T12:00:00.Z"]
        {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_format_and_parse_like_the_host() {
        assert_eq!(format_duration(1_500_000_000), "1.500s");
        assert_eq!(format_duration(-3_000_000_000), "-3s");
        assert_eq!(format_duration(1), "0.000000001s");
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("-3s"), Some(-3_000_000_000));
        for bad in ["", "s", "1", "1.s", "1.5", "99999999999999999999s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn system_time_round_trips_through_nanoseconds() {
        for ns in [0, 1, -1, 1_714_564_800_250_000_123, -86_400_000_000_123] {
            assert_eq!(to_unix_ns(from_unix_ns(ns)), Some(ns));
        }
    }
}
