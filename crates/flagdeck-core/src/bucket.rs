//! flagd's `fractional` bucketing, shared by the native evaluator and the flagd evaluator.
//!
//! `h = murmur3_x86_32(utf8(flagKey + bucketValue), seed 0)`, `bucket = (u64(h) * total) >> 32`,
//! and the first entry whose cumulative weight exceeds `bucket` wins (DESIGN §4). The hash is
//! computed over the two parts without concatenating them: this is the hot path of every
//! rollout, and the `murmur3` crate's `Read`-based API would need a chained reader per call.

/// The total weight of a Flagdeck rollout: percent × 1000.
pub const TOTAL_THOUSANDTHS: u64 = 100_000;

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

/// MurmurHash3 x86_32 of the concatenation of `parts`.
pub fn murmur3_x86_32(parts: &[&[u8]], seed: u32) -> u32 {
    let mut h = seed;
    let mut len: usize = 0;
    let mut tail = [0u8; 4];
    let mut tail_len = 0usize;
    for part in parts {
        len += part.len();
        let mut rest: &[u8] = part;
        // Finish a block begun by the previous part.
        if tail_len > 0 {
            let take = (4 - tail_len).min(rest.len());
            tail[tail_len..tail_len + take].copy_from_slice(&rest[..take]);
            tail_len += take;
            rest = &rest[take..];
            if tail_len < 4 {
                continue;
            }
            h = mix_block(h, u32::from_le_bytes(tail));
        }
        let mut chunks = rest.chunks_exact(4);
        for chunk in &mut chunks {
            h = mix_block(
                h,
                u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]),
            );
        }
        let rem = chunks.remainder();
        tail[..rem.len()].copy_from_slice(rem);
        tail_len = rem.len();
    }
    if tail_len > 0 {
        let mut k: u32 = 0;
        for (i, byte) in tail[..tail_len].iter().enumerate() {
            k |= u32::from(*byte) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    // The length is mixed in modulo 2^32, as every reference implementation does.
    h ^= len as u32;
    fmix32(h)
}

fn mix_block(h: u32, k: u32) -> u32 {
    let k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    (h ^ k)
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe654_6b64)
}

fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The bucket of `flag_key + value` among `total` slots.
pub fn bucket(flag_key: &str, value: &str, total: u64) -> u64 {
    let h = murmur3_x86_32(&[flag_key.as_bytes(), value.as_bytes()], 0);
    (u64::from(h) * total) >> 32
}

/// The first entry whose cumulative weight exceeds the bucket of `flag_key + value`, or `None`
/// when the weights are all zero. Weights are integers (Flagdeck uses thousandths of a percent).
pub fn pick<T: Copy>(flag_key: &str, value: &str, entries: &[(T, u64)]) -> Option<T> {
    let total: u64 = entries.iter().map(|(_, w)| *w).sum();
    let b = bucket(flag_key, value, total);
    let mut sum = 0u64;
    for (item, weight) in entries {
        sum += weight;
        if sum > b {
            return Some(*item);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reference values from flagd-core 4.0.1 (ASCII) and from murmur3 over UTF-8
    /// (FLAGD-NOTES §2.7), plus the classic MurmurHash3 test vectors.
    #[test]
    fn matches_reference_hashes() {
        assert_eq!(murmur3_x86_32(&[b"new-checkoutuser-42"], 0), 2_394_511_712);
        assert_eq!(
            murmur3_x86_32(&["new-checkoutZoë".as_bytes()], 0),
            654_518_012
        );
        assert_eq!(
            murmur3_x86_32(&["new-checkout山田".as_bytes()], 0),
            2_946_277_911
        );
        assert_eq!(murmur3_x86_32(&[b""], 0), 0);
        assert_eq!(murmur3_x86_32(&[b""], 1), 0x514e_28b7);
        assert_eq!(murmur3_x86_32(&[b"Hello, world!"], 1234), 0xfaf6_cdb3);
        assert_eq!(
            murmur3_x86_32(
                &[b"The quick brown fox jumps over the lazy dog"],
                0x9747_b28c
            ),
            0x2fa8_26cd
        );
    }

    proptest! {
        #[test]
        fn split_point_does_not_change_the_hash(s in ".{0,40}", cut in 0usize..41) {
            let bytes = s.as_bytes();
            let cut = cut.min(bytes.len());
            let whole = murmur3_x86_32(&[bytes], 0);
            prop_assert_eq!(murmur3_x86_32(&[&bytes[..cut], &bytes[cut..]], 0), whole);
        }

        #[test]
        fn raising_a_weight_only_moves_users_into_it(key in "[a-z0-9]{1,12}", w in 0u64..=99_000) {
            // [on: w, off: rest] → [on: w + 1000, off: rest - 1000]: nobody who had `on` loses it.
            let before = pick("flag", &key, &[(true, w), (false, TOTAL_THOUSANDTHS - w)]);
            let after = pick("flag", &key, &[(true, w + 1000), (false, TOTAL_THOUSANDTHS - w - 1000)]);
            prop_assert!(before != Some(true) || after == Some(true));
        }
    }

    #[test]
    fn zero_weights_pick_nothing() {
        assert_eq!(pick::<u8>("f", "k", &[(1, 0), (2, 0)]), None);
    }
}
