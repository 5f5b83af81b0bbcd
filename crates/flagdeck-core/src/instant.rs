//! Instants: RFC 3339 text in files, Unix seconds inside. The core never reads the clock; every
//! instant is a parameter.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An RFC 3339 timestamp as Unix seconds, with its fraction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parsed {
    pub seconds: i64,
    pub nanos: u32,
    /// Whether the text was in UTC (`Z` or `+00:00`).
    pub utc: bool,
}

impl Parsed {
    /// The instant as fractional Unix seconds.
    pub fn as_f64(self) -> f64 {
        self.seconds as f64 + f64::from(self.nanos) / 1e9
    }
}

pub fn parse_rfc3339(text: &str) -> Option<Parsed> {
    let dt = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    Some(Parsed {
        seconds: dt.unix_timestamp(),
        nanos: dt.nanosecond(),
        utc: dt.offset().is_utc(),
    })
}

/// `2026-12-01T09:00:00Z` for Unix seconds; `None` outside the years 0000-9999.
pub fn format_rfc3339(seconds: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_whole_seconds() {
        let p = parse_rfc3339("2026-12-01T09:00:00Z").unwrap();
        assert_eq!(
            p,
            Parsed {
                seconds: 1_796_115_600,
                nanos: 0,
                utc: true
            }
        );
        assert_eq!(
            format_rfc3339(p.seconds).as_deref(),
            Some("2026-12-01T09:00:00Z")
        );
        let offset = parse_rfc3339("2026-12-01T10:00:00+01:00").unwrap();
        assert_eq!(offset.seconds, p.seconds);
        assert!(!offset.utc);
        assert!(parse_rfc3339("2026-12-01 09:00").is_none());
    }
}
