//! A matcher for the commonest shape of schema pattern, one ASCII character class repeated:
//! `^[a-zA-Z0-9_.-]+$`, `^[0-9]{12}$`, `^[\w-]{1,64}$` (about 305 of the 1,694 distinct
//! patterns in `data.txt`). Recognising such a pattern costs a few hundred instructions where
//! compiling it with regex-lite costs tens of thousands (a bounded count unrolls into as many
//! states), and matching it is one table look-up per byte.
//!
//! It reads the pattern as regex-lite does (same literal `-` rules, same `\d`, `\w`, `\s`, same
//! escaped punctuation) and declines anything else (negated or nested classes, set operations,
//! non-ASCII members, other escapes, whitespace, lazy quantifiers), which then goes to
//! regex-lite. A test runs both on every such pattern in `data.txt` over generated strings.

/// `^[class]{min,max}$`: ASCII members, and a few ranges of others written as escapes
/// (`[\u0009\u0020-\u007E\u00A1-\u00FF]`).
#[derive(Debug, Clone)]
pub(crate) struct ClassPattern {
    /// Bit `c` is set when ASCII byte `c` is in the class.
    set: u128,
    /// The members beyond ASCII.
    wide: Wide,
    /// Counted in characters.
    min: usize,
    /// `None`: no upper bound.
    max: Option<usize>,
}

impl ClassPattern {
    /// The pattern read as one repeated class, or `None` when it has another shape.
    pub(crate) fn parse(pattern: &str) -> Option<ClassPattern> {
        let body = pattern.strip_prefix("^[")?.strip_suffix('$')?.as_bytes();
        let (set, wide, i) = class_body(body, 0)?;
        let (min, max) = count(body.get(i..)?)?;
        Some(ClassPattern {
            set,
            wide,
            min,
            max,
        })
    }

    /// Whether `s` matches, as regex-lite's `is_match` would.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        if self.wide.len == 0 {
            // Only ASCII members: a character is a byte.
            let n = s.len();
            return n >= self.min
                && self.max.map_or(true, |m| n <= m)
                && s.bytes().all(|b| b < 128 && self.set & (1 << b) != 0);
        }
        let mut n = 0usize;
        for c in s.chars() {
            let c = u32::from(c);
            let member = if c < 128 {
                self.set & (1 << c) != 0
            } else {
                self.wide.contains(c)
            };
            if !member {
                return false;
            }
            n += 1;
        }
        n >= self.min && self.max.map_or(true, |m| n <= m)
    }
}

/// How many ranges of non-ASCII members a class may have here (the data's have up to five).
const WIDE_RANGES: usize = 8;

/// The non-ASCII members of a class: ranges of code points, inclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Wide {
    ranges: [(u32, u32); WIDE_RANGES],
    len: usize,
}

impl Wide {
    /// Whether there is none.
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn contains(&self, c: u32) -> bool {
        self.ranges
            .get(..self.len)
            .unwrap_or(&[])
            .iter()
            .any(|&(lo, hi)| lo <= c && c <= hi)
    }

    /// Adds the code points `lo..=hi`, splitting off the ASCII ones into `set`; `None` when
    /// there are more ranges than it holds.
    fn add(&mut self, set: &mut u128, lo: u32, hi: u32) -> Option<()> {
        *set |= span(lo, hi);
        if hi >= 128 {
            let slot = self.ranges.get_mut(self.len)?;
            *slot = (lo.max(128), hi);
            self.len += 1;
        }
        Some(())
    }
}

/// The members of the class whose body (after its `[`) starts at `i` in `body`, and the index
/// after its `]`; `None` for a class regex-lite reads otherwise or this matcher cannot hold.
pub(super) fn class_body(body: &[u8], mut i: usize) -> Option<(u128, Wide, usize)> {
    let mut set = 0u128;
    let mut wide = Wide::default();
    // Leading `-`s are literal; a leading `]` (literal in regex-lite) or `^` (negation)
    // is declined.
    while body.get(i) == Some(&b'-') {
        set |= 1 << b'-';
        i += 1;
    }
    if matches!(body.get(i), Some(b']' | b'^')) {
        return None;
    }
    loop {
        let c = *body.get(i)?;
        match c {
            b']' => return Some((set, wide, i + 1)),
            b'[' => return None,
            b'&' | b'-' | b'~' if body.get(i + 1) == Some(&c) => return None,
            _ => {}
        }
        let (first, next) = item(body, i)?;
        i = next;
        let dash_range =
            body.get(i) == Some(&b'-') && !matches!(body.get(i + 1), Some(b']' | b'-') | None);
        if !dash_range {
            match first {
                Item::Char(c) => wide.add(&mut set, c, c)?,
                Item::Set(s) => set |= s,
            }
            continue;
        }
        let (last, next) = item(body, i + 1)?;
        i = next;
        let (Item::Char(lo), Item::Char(hi)) = (first, last) else {
            return None;
        };
        if lo > hi {
            return None;
        }
        wide.add(&mut set, lo, hi)?;
    }
}

/// One character of a class (a code point), or an escape standing for several.
#[derive(Clone, Copy)]
pub(super) enum Item {
    Char(u32),
    Set(u128),
}

/// The class item at `i` and the index after it.
pub(super) fn item(body: &[u8], i: usize) -> Option<(Item, usize)> {
    let c = *body.get(i)?;
    if c == b'\\' {
        let e = *body.get(i + 1)?;
        let it = match e {
            b'd' => Item::Set(ranges(&[(b'0', b'9')])),
            b'w' => Item::Set(ranges(&[
                (b'0', b'9'),
                (b'A', b'Z'),
                (b'_', b'_'),
                (b'a', b'z'),
            ])),
            b's' => Item::Set(ranges(&[(b'\t', b'\r'), (b' ', b' ')])),
            // regex-lite's one-letter escapes of control characters.
            b'a' => Item::Char(0x07),
            b'f' => Item::Char(0x0c),
            b't' => Item::Char(0x09),
            b'n' => Item::Char(0x0a),
            b'r' => Item::Char(0x0d),
            b'v' => Item::Char(0x0b),
            b'x' | b'u' | b'U' => return hex(body, i + 2, e),
            // regex-lite takes any ASCII punctuation escaped as itself, but `\<` and `\>`.
            _ if e.is_ascii_punctuation() && e != b'<' && e != b'>' => Item::Char(u32::from(e)),
            _ => return None,
        };
        return Some((it, i + 2));
    }
    // Printable ASCII only: whitespace and control characters, and anything non-ASCII, are
    // left to regex-lite.
    if !(b'!'..=b'~').contains(&c) && c != b' ' {
        return None;
    }
    Some((Item::Char(u32::from(c)), i + 1))
}

/// The code point of a hexadecimal escape whose digits start at `i` (`\xFF`, `\u00FF`,
/// `\U000000FF` or `\x{FF}`, as `letter` says), and the index after it; `None` for one that is
/// not a character (a surrogate), which regex-lite refuses.
fn hex(body: &[u8], i: usize, letter: u8) -> Option<(Item, usize)> {
    let (digits, next) = if body.get(i) == Some(&b'{') {
        let len = body.get(i + 1..)?.iter().position(|&b| b == b'}')?;
        (body.get(i + 1..i + 1 + len)?, i + len + 2)
    } else {
        let len = match letter {
            b'x' => 2,
            b'u' => 4,
            _ => 8,
        };
        (body.get(i..i + len)?, i + len)
    };
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let mut n = 0u32;
    for &d in digits {
        n = n * 16 + char::from(d).to_digit(16)?;
    }
    let c = char::from_u32(n)?;
    Some((Item::Char(u32::from(c)), next))
}

fn ranges(rs: &[(u8, u8)]) -> u128 {
    rs.iter()
        .fold(0, |set, &(lo, hi)| set | span(lo.into(), hi.into()))
}

/// The bits `lo..=hi` that are ASCII (below 128), in two shifts rather than a loop over them
/// (a class such as `[a-zA-Z0-9]` is read once per pattern, but a loop costs 60 iterations).
pub(super) fn span(lo: u32, hi: u32) -> u128 {
    if lo > hi || lo > 127 {
        return 0;
    }
    // `hi.min(127)` and above cleared, then below `lo`.
    (u128::MAX >> (127 - hi.min(127))) & (u128::MAX << lo)
}

/// `+`, `*`, `?`, `{n}`, `{n,}` or `{n,m}`, and nothing after it.
fn count(q: &[u8]) -> Option<(usize, Option<usize>)> {
    let (min, max) = match q {
        b"+" => (1, None),
        b"*" => (0, None),
        b"?" => (0, Some(1)),
        [b'{', inner @ .., b'}'] => {
            let text = std::str::from_utf8(inner).ok()?;
            let number = |t: &str| {
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                t.parse::<usize>().ok()
            };
            match text.split_once(',') {
                None => {
                    let n = number(text)?;
                    (n, Some(n))
                }
                Some((lo, "")) => (number(lo)?, None),
                Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
            }
        }
        _ => return None,
    };
    // regex-lite rejects a reversed count; leave the pattern to it (and so unchecked).
    if max.is_some_and(|m| m < min) {
        return None;
    }
    Some((min, max))
}

#[cfg(test)]
#[test]
fn a_span_is_the_bits_a_loop_sets() {
    for lo in 0..140u32 {
        for hi in 0..140u32 {
            let mut want = 0u128;
            for c in lo..=hi.min(127) {
                want |= 1 << c;
            }
            assert_eq!(span(lo, hi), want, "{lo}..={hi}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings around the pattern's bounds, made of each ASCII character and a few others.
    fn samples(p: &ClassPattern) -> Vec<String> {
        let member = (0u8..128)
            .find(|&b| p.set & (1 << b) != 0)
            .map_or('a', char::from);
        let mut lengths = vec![0, 1, 2, p.min.saturating_sub(1), p.min, p.min + 1, 70, 300];
        if let Some(m) = p.max {
            lengths.extend([m.saturating_sub(1), m, m + 1]);
        }
        lengths.sort_unstable();
        lengths.dedup();
        let others = (0u8..128).map(char::from).chain([
            'é',
            'ß',
            '\u{2028}',
            '😀',
            '\u{10FFFF}',
            '\u{80}',
            '\u{85}',
            '\u{A0}',
            '\u{A1}',
            '\u{FF}',
            '\u{100}',
            '\u{D7FF}',
            '\u{E000}',
            '\u{FFFD}',
            '\u{FFFF}',
        ]);
        // Members beyond ASCII: each range's ends, repeated (bounds count characters).
        let wide: Vec<char> = p
            .wide
            .ranges
            .iter()
            .take(p.wide.len)
            .flat_map(|&(lo, hi)| [lo, hi])
            .filter_map(char::from_u32)
            .collect();
        let mut out = Vec::new();
        for &n in &lengths {
            out.push(std::iter::repeat(member).take(n).collect());
            for &w in &wide {
                out.push(std::iter::repeat(w).take(n).collect());
            }
            if n == 0 {
                continue;
            }
            for c in others.clone() {
                // The odd character first, last and in the middle.
                for at in [0, n / 2, n - 1] {
                    let mut s: Vec<char> = std::iter::repeat(member).take(n).collect();
                    s[at] = c;
                    out.push(s.into_iter().collect());
                }
            }
        }
        out.push("\n".into());
        out.push(format!("{member}\n"));
        out
    }

    #[test]
    fn agrees_with_regex_lite_on_every_class_pattern_of_the_data() {
        let (mut recognised, mut wide) = (0, 0);
        for pat in crate::schema::data::distinct_patterns() {
            let Some(p) = ClassPattern::parse(pat) else {
                continue;
            };
            recognised += 1;
            wide += usize::from(!p.wide.is_empty());
            let re = regex_lite::Regex::new(pat)
                .unwrap_or_else(|e| panic!("regex-lite rejects `{pat}`, recognised here: {e}"));
            for s in samples(&p) {
                assert_eq!(
                    p.is_match(&s),
                    re.is_match(&s),
                    "`{pat}` on {s:?}: ours {}, regex-lite {}",
                    p.is_match(&s),
                    re.is_match(&s)
                );
            }
        }
        // Most of the one-class patterns are recognised (the rest go to regex-lite).
        assert!(recognised >= 250, "only {recognised} patterns recognised");
        // Among them, those with members beyond ASCII written as escapes.
        assert!(
            wide >= 5,
            "only {wide} patterns with non-ASCII members recognised"
        );
    }

    #[test]
    fn reads_escaped_code_points_and_counts_characters() {
        // The pattern of a GlobalStream description (the registry's "printable Latin-1").
        let p = ClassPattern::parse(r"^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$")
            .expect("class with escaped code points");
        for yes in [
            "",
            "API Gateway puts records",
            "a\tb\r\n",
            "¡ÿé",
            "~ \u{A1}",
        ] {
            assert!(p.is_match(yes), "{yes:?}");
        }
        for no in ["\u{7F}", "a\u{A0}", "\u{100}", "😀", "\u{0}", "\u{B}"] {
            assert!(!p.is_match(no), "{no:?}");
        }
        // Bounds count characters, not bytes.
        let q = ClassPattern::parse(r"^[a\x{E9}]{2,3}$").expect("brace escape");
        assert!(q.is_match("éé") && q.is_match("aéé") && !q.is_match("éééé") && !q.is_match("é"));
        let r = ClassPattern::parse(r"^[\t\n\r\x20-\x7e]+$").expect("one-letter escapes");
        assert!(r.is_match("a\tb\n") && !r.is_match("\u{B}") && !r.is_match(""));
        // A surrogate is no character: regex-lite refuses the pattern, and so does this.
        assert!(ClassPattern::parse(r"^[\u0020-\uD7FF\uD800]*$").is_none());
        assert!(regex_lite::Regex::new(r"^[\u0020-\uD7FF\uD800]*$").is_err());
        // More ranges than it holds are left to regex-lite.
        assert!(ClassPattern::parse(r"^[\xA1\xA3\xA5\xA7\xA9\xAB\xAD\xAF\xB1]+$").is_none());
        for declined in [
            r"^[\u00]+$",
            r"^[\x{}]+$",
            r"^[\x{110000}]+$",
            r"^[\uZZZZ]+$",
        ] {
            assert!(ClassPattern::parse(declined).is_none(), "{declined}");
        }
    }

    #[test]
    fn reads_regex_lite_syntax_and_declines_the_rest() {
        let p = ClassPattern::parse(r"^[-a-z\d_.]{2,4}$").expect("class pattern");
        let q = ClassPattern::parse(r"^[a-z\-\_\.\:]+$").expect("escaped punctuation");
        assert!(q.is_match("a-_.:") && !q.is_match("a\\"));
        assert!(p.is_match("a-9_") && p.is_match("..") && !p.is_match("a") && !p.is_match("abcde"));
        assert!(!p.is_match("AB") && !p.is_match("é1"));
        for declined in [
            r"^[^a-z]+$",
            r"^[a-z]+?$",
            r"^[a-z]+",
            r"[a-z]+$",
            r"^[a-z][0-9]+$",
            r"^[[:alpha:]]+$",
            r"^[a&&b]+$",
            r"^[a-zé]+$",
            r"^[\p{L}]+$",
            r"^[a-z]{4,2}$",
            r"^[a-z]{ 1,2}$",
            r"^[]a]+$",
            r"^[\<a]+$",
            r"^[	a]+$",
            r"^[\ea]+$",
        ] {
            assert!(ClassPattern::parse(declined).is_none(), "{declined}");
        }
    }
}
