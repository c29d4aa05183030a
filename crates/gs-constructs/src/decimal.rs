//! The decimal digits of an integer, written without the formatting machinery, for the text
//! gs writes on every synthesis (report JSON, durations in the DR table).

/// The decimal digits of `n`, written at the end of `digits` (a `u64` has at most 20).
pub(crate) fn decimal(n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    let mut n = n;
    // From the last digit; `at` stays above 0, as `n` has at most 20 digits.
    while at > 0 {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.get(at..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn writes_what_display_writes() {
        let mut digits = [0u8; 20];
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            86_400,
            1 << 40,
            u64::MAX - 1,
            u64::MAX,
        ]
        .into_iter()
        .chain((0..200).map(|i| i * 37))
        {
            assert_eq!(decimal(n, &mut digits), n.to_string().as_bytes(), "{n}");
        }
    }
}
