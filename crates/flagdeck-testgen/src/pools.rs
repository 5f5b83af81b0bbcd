//! Value pools shared by the project generator (condition operands) and the case generator
//! (context values). Drawing both from the same pools makes contexts hit operands exactly, which
//! is where engines disagree (boundaries, empty strings, look-alike versions).

use fastrand::Rng;
use serde_json::Number;

/// Picks one item; pools are never empty, and an empty one gives the type's default.
pub fn pick<T: Clone + Default>(rng: &mut Rng, items: &[T]) -> T {
    rng.choice(items).cloned().unwrap_or_default()
}

/// Picks one item, or `fallback` from an empty pool.
pub fn pick_or<T: Clone>(rng: &mut Rng, items: &[T], fallback: T) -> T {
    rng.choice(items).cloned().unwrap_or(fallback)
}

/// Whether an event with probability `percent` happens.
pub fn chance(rng: &mut Rng, percent: u32) -> bool {
    rng.u32(0..100) < percent
}

/// Strings for attributes that are never bucketed: unicode, JSON escapes, flagd replacement
/// patterns (`$$`, `$&`), words that JavaScript coercions produce (`null`, `[object Object]`).
pub const FREE_STRINGS: &[&str] = &[
    "DE",
    "FR",
    "US",
    "de",
    "",
    " ",
    "pro",
    "free",
    "enterprise",
    "Zoë",
    "山田",
    "🚀 launch",
    "é",
    "a$$b",
    "a$b",
    "a$&b",
    "a$`b",
    "a$'b",
    "null",
    "0",
    "12",
    "true",
    "[object Object]",
    "quo\"te",
    "back\\slash",
    "x.y",
    "@acme.example",
    "ops@acme.example",
];

/// Strings for bucketing attributes: ASCII only (DESIGN §4: engines agree for ASCII bucket
/// values).
pub const BUCKET_STRINGS: &[&str] = &[
    "acme",
    "globex",
    "initech",
    "",
    "partner-1",
    "partner-2",
    "ACME",
    "a$$b",
    "null",
    "team 7",
    "x.y",
];

/// Individual keys for targets, segment lists and `targetingKey`.
pub const USER_KEYS: &[&str] = &[
    "user-1", "user-2", "user-3", "user-4", "user-5", "user-6", "user-7", "user-8", "qa-1", "qa-2",
    "admin", "u$$1",
];

pub const NUMBERS: &[f64] = &[
    -5.0,
    -1.0,
    0.0,
    0.5,
    1.0,
    12.0,
    17.999,
    18.0,
    18.5,
    21.0,
    65.0,
    100.0,
    1_000_000.0,
];

/// Strict SemVer literals: the only form allowed in files.
pub const SEMVERS: &[&str] = &[
    "0.0.0",
    "1.0.0",
    "1.2.3",
    "1.0.0-0",
    "1.2.3-alpha",
    "1.2.3-Alpha",
    "1.2.3-alpha.beta",
    "1.2.3-alpha.1",
    "1.2.3-alpha.10",
    "1.2.3-beta",
    "1.2.4",
    "1.10.0",
    "2.0.0-rc.1",
    "2.0.0",
    "10.0.0",
];

/// Version-like strings that are not strict SemVer; flagd's `sem_ver` accepts some of them.
pub const BAD_SEMVERS: &[&str] = &[
    "1.2",
    "1",
    "v1.2.3",
    "V1.2.3",
    "1.2.3+b",
    "1.2.3-alpha.1+b",
    "01.2.3",
    "1.02.3",
    "1.2.3.4",
    " 1.2.3",
    "1.2.3 ",
    "=1.2.3",
    "1.2.3-",
    "1.2.3-01",
    "",
    "latest",
    "1.2.x",
];

/// The span of instants the generator uses: 2026-06-01 to 2027-12-31 (Unix seconds).
pub const EPOCH_START: i64 = 1_780_272_000;
pub const EPOCH_END: i64 = 1_830_211_200;

/// A JSON number that is an integer when it can be one (shared with the core's samples).
pub use flagdeck_core::sample::json_number as number;

/// Percent with up to three decimals, from integer thousandths of a percent.
pub fn percent(thousandths: u32) -> Number {
    if thousandths.is_multiple_of(1000) {
        Number::from(thousandths / 1000)
    } else {
        Number::from_f64(f64::from(thousandths) / 1000.0).unwrap_or_else(|| Number::from(0)) // finite
    }
}

/// RFC 3339 in UTC for Unix seconds in the generator's span.
pub fn rfc3339(seconds: i64) -> String {
    flagdeck_core::instant::format_rfc3339(seconds)
        .unwrap_or_else(|| "2026-12-01T00:00:00Z".to_owned())
}

/// A random instant in the generator's span.
pub fn instant(rng: &mut Rng) -> i64 {
    rng.i64(EPOCH_START..EPOCH_END)
}

/// A short random ASCII string.
pub fn ascii_word(rng: &mut Rng) -> String {
    let len = rng.usize(1..8);
    (0..len).map(|_| rng.alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_exact_in_thousandths() {
        assert_eq!(percent(25_000).to_string(), "25");
        assert_eq!(percent(33_333).to_string(), "33.333");
        assert_eq!(percent(5).to_string(), "0.005");
        assert_eq!(percent(0).to_string(), "0");
    }

    #[test]
    fn numbers_are_integers_when_whole() {
        assert_eq!(number(18.0).to_string(), "18");
        assert_eq!(number(17.999).to_string(), "17.999");
        assert_eq!(number(-5.0).to_string(), "-5");
    }

    #[test]
    fn pools_respect_their_contracts() {
        assert!(BUCKET_STRINGS.iter().chain(USER_KEYS).all(|s| s.is_ascii()));
        assert!(
            SEMVERS
                .iter()
                .all(|s| flagdeck_core::semver::parse_strict(s).is_some())
        );
        assert!(
            BAD_SEMVERS
                .iter()
                .all(|s| flagdeck_core::semver::parse_strict(s).is_none())
        );
        assert_eq!(rfc3339(EPOCH_START), "2026-06-01T00:00:00Z");
    }
}
