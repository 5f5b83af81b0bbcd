//! Semantic versions as Flagdeck and flagd compare them.
//!
//! Not the `semver` crate: that is Cargo's dialect (u64 components compared exactly, build
//! metadata accepted). Flagdeck must accept exactly what DESIGN §3 calls a semver (`X.Y.Z` or
//! `X.Y.Z-pre`, no `v`, no build metadata, at most 256 characters) and must order versions exactly
//! as the npm `semver` package inside flagd-core does, including its limits: components above
//! 2^53 - 1 are refused, numeric pre-release identifiers are compared as JavaScript numbers.

use std::cmp::Ordering;

/// npm semver's `MAX_LENGTH`.
pub const MAX_LENGTH: usize = 256;
/// JavaScript's `Number.MAX_SAFE_INTEGER`, npm semver's bound on components.
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<Identifier>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Identifier {
    /// A numeric identifier small enough to be a JavaScript safe integer.
    Numeric(u64),
    /// Any other identifier, kept as text. npm keeps over-large numeric identifiers as text
    /// but still compares two all-digit identifiers as numbers; [`Identifier::cmp_js`] does too.
    Text(String),
}

impl Identifier {
    fn is_digits(&self) -> bool {
        match self {
            Self::Numeric(_) => true,
            Self::Text(t) => t.bytes().all(|b| b.is_ascii_digit()),
        }
    }

    fn as_f64(&self) -> f64 {
        match self {
            Self::Numeric(n) => *n as f64,
            Self::Text(t) => t.parse::<f64>().unwrap_or(f64::NAN),
        }
    }

    /// npm semver's `compareIdentifiers`.
    fn cmp_js(&self, other: &Self) -> Ordering {
        match (self.is_digits(), other.is_digits()) {
            (true, true) => self
                .as_f64()
                .partial_cmp(&other.as_f64())
                .unwrap_or(Ordering::Equal),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self.text().cmp(other.text()),
        }
    }

    fn text(&self) -> &str {
        match self {
            Self::Text(t) => t,
            Self::Numeric(_) => "",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            match id {
                Identifier::Numeric(n) => write!(f, "{n}")?,
                Identifier::Text(t) => f.write_str(t)?,
            }
        }
        Ok(())
    }
}

impl Version {
    /// SemVer 2.0 precedence, as npm semver's `compare` computes it.
    pub fn compare(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| compare_pre(&self.pre, &other.pre))
    }
}

fn compare_pre(a: &[Identifier], b: &[Identifier]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let ord = x.cmp_js(y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

/// The strict form of DESIGN §3: `X.Y.Z` or `X.Y.Z-prerelease`, nothing else.
pub fn parse_strict(s: &str) -> Option<Version> {
    if s.len() > MAX_LENGTH {
        return None;
    }
    let (core, pre) = match s.find('-') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = core.split('.');
    let major = numeric(parts.next()?)?;
    let minor = numeric(parts.next()?)?;
    let patch = numeric(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    let pre = match pre {
        None => Vec::new(),
        Some(p) => p
            .split('.')
            .map(pre_identifier)
            .collect::<Option<Vec<_>>>()?,
    };
    Some(Version {
        major,
        minor,
        patch,
        pre,
    })
}

/// A main component: `0` or digits without a leading zero, at most 2^53 - 1.
fn numeric(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    let n: u64 = s.parse().ok()?;
    (n <= MAX_SAFE_INTEGER).then_some(n)
}

fn pre_identifier(s: &str) -> Option<Identifier> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        if s.len() > 1 && s.starts_with('0') {
            return None;
        }
        return Some(match s.parse::<u64>() {
            Ok(n) if n <= MAX_SAFE_INTEGER => Identifier::Numeric(n),
            _ => Identifier::Text(s.to_owned()),
        });
    }
    Some(Identifier::Text(s.to_owned()))
}

/// flagd-core's `normalizeVersion` for the flagd evaluator: strip one leading `v`/`V`, accept
/// what npm semver's strict `parse` accepts (surrounding white space, one more `v`, `=`... and
/// `+build`, which does not take part in comparisons), else coerce `^\d+(\.\d+)?$`.
/// Numbers are formatted the way JavaScript's `String()` would for integers.
pub fn parse_flagd(value: &serde_json::Value) -> Option<Version> {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => js_number_string(n)?,
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Null => "null".to_owned(),
        // String([1,2]) is "1,2", String({}) is "[object Object]": neither parses.
        _ => return None,
    };
    let text = text.strip_prefix(['v', 'V']).unwrap_or(&text);
    if let Some(v) = parse_npm(text) {
        return Some(v);
    }
    coerce_partial(text)
}

/// JavaScript's `String(n)`: JSON numbers are doubles there, so large integers round as doubles.
fn js_number_string(n: &serde_json::Number) -> Option<String> {
    n.as_f64().map(crate::flagd::js::number_to_string)
}

/// npm semver's strict `parse`: the length bound on the raw text (in UTF-16 units), then
/// JavaScript's `trim()`, one optional lowercase `v`, and build metadata, which takes no part in
/// comparisons; the rest is the strict grammar.
fn parse_npm(s: &str) -> Option<Version> {
    if s.encode_utf16().count() > MAX_LENGTH {
        return None;
    }
    let s = s.trim_matches(is_js_trimmed);
    let s = s.strip_prefix('v').unwrap_or(s);
    let s = match s.find('+') {
        Some(i) => {
            let build = &s[i + 1..];
            let valid_id = |id: &str| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            };
            if !build.split('.').all(valid_id) {
                return None;
            }
            &s[..i]
        }
        None => s,
    };
    parse_strict(s)
}

/// The characters JavaScript's `String.prototype.trim` removes: Unicode white space except
/// U+0085, plus the byte order mark.
fn is_js_trimmed(c: char) -> bool {
    c == '\u{feff}' || (c.is_whitespace() && c != '\u{85}')
}

/// npm semver's `coerce` for `^\d+(\.\d+)?$` (what flagd-core allows it for).
fn coerce_partial(s: &str) -> Option<Version> {
    let mut parts = s.split('.');
    let first = parts.next()?;
    let second = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) || !second.is_none_or(digits) {
        return None;
    }
    // coerce reads at most 16 digits per component and drops leading zeros.
    let comp = |p: &str| -> Option<u64> {
        let p = if p.len() > 16 { &p[..16] } else { p };
        let n: u64 = p.parse().ok()?;
        (n <= MAX_SAFE_INTEGER).then_some(n)
    };
    Some(Version {
        major: comp(first)?,
        minor: second.map(comp).unwrap_or(Some(0))?,
        patch: 0,
        pre: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(s: &str) -> Version {
        parse_strict(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn strict_accepts_only_the_design_form() {
        for ok in [
            "0.0.0",
            "1.2.3",
            "10.20.30",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-0.3.7",
            "1.0.0-x-y-z.--",
        ] {
            assert!(parse_strict(ok).is_some(), "{ok} is a strict semver");
        }
        for bad in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            "1.2.3+build",
            "01.2.3",
            "1.02.3",
            "1.2.3-01",
            "1.2.3-",
            "1.2.3.4",
            " 1.2.3",
            "1.2.3 ",
            "=1.2.3",
            "1.2.3-a..b",
            "9007199254740992.0.0",
            "1.2.3-ä",
        ] {
            assert!(
                parse_strict(bad).is_none(),
                "{bad:?} is not a strict semver"
            );
        }
        assert!(parse_strict(&format!("1.2.3-{}", "a".repeat(250))).is_some());
        assert!(parse_strict(&format!("1.2.3-{}", "a".repeat(251))).is_none());
    }

    #[test]
    fn precedence_follows_semver_2() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in order.windows(2) {
            assert_eq!(
                v(pair[0]).compare(&v(pair[1])),
                Ordering::Less,
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn flagd_parsing_is_lenient_like_flagd_core() {
        assert_eq!(parse_flagd(&json!("v1.2.3")), Some(v("1.2.3")));
        assert_eq!(parse_flagd(&json!("1.2")), Some(v("1.2.0")));
        assert_eq!(parse_flagd(&json!("1")), Some(v("1.0.0")));
        assert_eq!(parse_flagd(&json!(5)), Some(v("5.0.0")));
        assert_eq!(parse_flagd(&json!("1.2.3+build")), Some(v("1.2.3")));
        assert_eq!(parse_flagd(&json!(" 1.2.3\n")), Some(v("1.2.3")));
        assert_eq!(parse_flagd(&json!("1.2.3.4")), None);
        assert_eq!(
            parse_flagd(&json!("vv1.2.3")),
            Some(v("1.2.3")),
            "flagd strips one v, npm another"
        );
        assert_eq!(parse_flagd(&json!("=1.2.3")), None);
        assert_eq!(parse_flagd(&json!("\u{a0}1.2.3")), Some(v("1.2.3")));
        assert_eq!(parse_flagd(&json!(null)), None);
    }
}
