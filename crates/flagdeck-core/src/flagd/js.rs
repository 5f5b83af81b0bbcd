//! The few pieces of JavaScript's number and string semantics that flagd's JsonLogic depends on:
//! `Number("...")`, `String(number)`, `trim()` and UTF-16 ordering.

use std::cmp::Ordering;
use std::fmt::Write;

/// The characters `String.prototype.trim` removes: Unicode white space except U+0085, plus BOM.
pub fn is_js_space(c: char) -> bool {
    c == '\u{feff}' || (c.is_whitespace() && c != '\u{85}')
}

/// JavaScript's `Number(text)` (StringToNumber).
pub fn str_to_number(text: &str) -> f64 {
    let t = text.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = t.strip_prefix(prefix) {
            return radix_to_number(digits, radix);
        }
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    if !is_decimal_literal(t) {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

fn radix_to_number(digits: &str, radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    let mut n = 0.0f64;
    for c in digits.chars() {
        match c.to_digit(radix) {
            Some(d) => n = n * f64::from(radix) + f64::from(d),
            None => return f64::NAN,
        }
    }
    n
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`: what Rust's parser must not
/// see beyond (it also accepts "inf" and "nan").
fn is_decimal_literal(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// JavaScript's `String(number)` (Number::toString), appended to `out`.
pub fn write_number(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f == 0.0 {
        out.push('0');
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64); // ok: integral and far inside i64
        return;
    }
    if f < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as JavaScript requires.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        let e = n - 1;
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{}{}", if e >= 0 { "+" } else { "-" }, e.abs());
    }
}

#[cfg(test)]
pub fn number_to_string(f: f64) -> String {
    let mut s = String::new();
    write_number(&mut s, f);
    s
}

/// JavaScript's string order: by UTF-16 code units.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The number of UTF-16 code units (JavaScript's `length`).
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// `String.prototype.substr(from, length)` with JavaScript's integer conversions already done
/// (`length` None = to the end).
pub fn substr(s: &str, from: f64, length: Option<f64>) -> String {
    let units: Vec<u16> = s.encode_utf16().collect();
    let size = units.len() as f64;
    let from = to_integer(from);
    let start = if from < 0.0 {
        (size + from).max(0.0)
    } else {
        from.min(size)
    };
    let len = length.map_or(size, to_integer);
    let end = (start + len.max(0.0)).min(size);
    if end <= start {
        return String::new();
    }
    let slice = units.get(start as usize..end as usize).unwrap_or(&[]);
    String::from_utf16_lossy(slice)
}

/// ToIntegerOrInfinity.
fn to_integer(f: f64) -> f64 {
    if f.is_nan() { 0.0 } else { f.trunc() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_javascript() {
        let cases = [
            (1.0, "1"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (1.5e-10, "1.5e-10"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "Infinity"),
        ];
        for (f, s) in cases {
            assert_eq!(number_to_string(f), s, "{f}");
        }
    }

    #[test]
    fn strings_convert_like_javascript() {
        let cases = [
            ("", 0.0),
            ("  12 ", 12.0),
            ("0x1A", 26.0),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("-Infinity", f64::NEG_INFINITY),
            ("\u{a0}7\n", 7.0),
        ];
        for (s, f) in cases {
            assert_eq!(str_to_number(s), f, "{s:?}");
        }
        for bad in [
            "abc", "inf", "nan", "1_000", "0x", "1e", "--1", ".", "+-1", "12px",
        ] {
            assert!(str_to_number(bad).is_nan(), "{bad:?}");
        }
    }

    #[test]
    fn substr_counts_utf16_units() {
        assert_eq!(substr("hello", 1.0, None), "ello");
        assert_eq!(substr("hello", -2.0, None), "lo");
        assert_eq!(substr("hello", 1.0, Some(2.0)), "el");
        assert_eq!(substr("hello", 9.0, Some(2.0)), "");
        assert_eq!(substr("zoë!", 2.0, Some(1.0)), "ë");
    }
}
