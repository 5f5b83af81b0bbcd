//! The key patterns of DESIGN §3. A key is a file name, so it can never hold a path separator or
//! `..`; an attribute key is read by JsonLogic's `var`, so it can never hold a dot.

/// Keys of flags, segments, environments, personas and people: `^[a-z0-9][a-z0-9._-]{0,127}$`.
pub fn is_entity_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes.iter().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
    // `.` and `..` are excluded by the first character; `a..b` is a plain name.
}

/// Attribute keys: `^[A-Za-z_][A-Za-z0-9_]{0,63}$`, and not a JavaScript prototype name.
pub fn is_attribute_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && !matches!(key, "__proto__" | "constructor" | "prototype")
}

/// The sentence that says what a valid entity key looks like.
pub const ENTITY_KEY_RULE: &str = "a key starts with a lowercase letter or digit and has at most 128 lowercase letters, digits, '.', '_' or '-'";

/// The sentence that says what a valid attribute key looks like.
pub const ATTRIBUTE_KEY_RULE: &str = "an attribute key starts with a letter or '_' and has at most 64 letters, digits or '_' (no dots), and is not __proto__, constructor or prototype";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_keys() {
        for ok in [
            "a",
            "0",
            "new-checkout",
            "a.b_c-d",
            "a..b",
            &"a".repeat(128),
        ] {
            assert!(is_entity_key(ok), "{ok} is a key");
        }
        for bad in [
            "",
            "../../etc",
            "..",
            ".",
            "-a",
            "A",
            "a/b",
            "a\\b",
            "ä",
            "a b",
            &"a".repeat(129),
            "_a",
        ] {
            assert!(!is_entity_key(bad), "{bad:?} is not a key");
        }
    }

    #[test]
    fn attribute_keys() {
        for ok in ["country", "_x", "targetingKey", "a1", &"a".repeat(64)] {
            assert!(is_attribute_key(ok), "{ok} is an attribute key");
        }
        for bad in [
            "",
            "a.b",
            "1a",
            "__proto__",
            "constructor",
            "prototype",
            "a-b",
            &"a".repeat(65),
            "$flagd",
        ] {
            assert!(!is_attribute_key(bad), "{bad:?} is not an attribute key");
        }
    }
}
