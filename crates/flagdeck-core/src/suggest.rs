//! "Did you mean" hints for names that are almost right: shared by the decoder (an unknown
//! field) and validation (an unknown segment or attribute), so it sits below both.

/// " (did you mean 'x'?)" when a known name is close to `wanted`.
pub(crate) fn suggest(known: &[&str], wanted: &str) -> String {
    let best = known
        .iter()
        .map(|k| (distance(k, wanted), *k))
        .filter(|(d, _)| *d <= 2)
        .min();
    match best {
        Some((_, k)) => format!(" (did you mean '{k}'?)"),
        None => String::new(),
    }
}

/// Levenshtein distance over chars (short names only).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}
