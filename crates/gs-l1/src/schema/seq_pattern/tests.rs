use super::*;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Appends a string `seq` matches; `long` picks the largest counts (bounded), else the
/// smallest or one in between.
fn generate(seq: &[Rep], rng: &mut Rng, long: bool, out: &mut String) {
    for rep in seq {
        let top = rep.max.unwrap_or(rep.min + 3);
        let count = if out.len() > 400 {
            rep.min
        } else if long {
            top
        } else {
            rep.min + rng.below((top - rep.min + 1) as usize) as u32
        };
        for _ in 0..count {
            match &rep.node {
                Node::Set(set) => {
                    let members: Vec<u8> = (0u8..128).filter(|&b| set & (1 << b) != 0).collect();
                    out.push(char::from(members[rng.below(members.len())]));
                }
                Node::Any => out.push(['a', 'é', '-', ' ', '😀'][rng.below(5)]),
                Node::Group(alts) => generate(&alts[rng.below(alts.len())], rng, long, out),
            }
        }
    }
}

/// Strings that match `p` and strings one edit away from them.
fn samples(p: &SeqPattern, rng: &mut Rng) -> Vec<String> {
    const EDITS: [char; 8] = ['a', 'Z', '0', '-', '/', '\n', 'é', ' '];
    let mut out = vec![String::new()];
    for round in 0..4 {
        let alt = &p.alts[rng.below(p.alts.len())];
        let mut base = String::new();
        generate(alt, rng, round == 0, &mut base);
        let chars: Vec<char> = base.chars().collect();
        let n = chars.len();
        for at in [0, n / 2, n.saturating_sub(1)] {
            if at < n {
                let mut c = chars.clone();
                c.remove(at);
                out.push(c.into_iter().collect());
            }
            for e in EDITS {
                let mut c = chars.clone();
                c.insert(at.min(n), e);
                out.push(c.iter().collect());
                if at < n {
                    c.remove(at.min(n));
                    c[at] = e;
                    out.push(c.into_iter().collect());
                }
            }
        }
        out.push(format!("{base}{base}"));
        out.push(base);
    }
    out
}

#[test]
fn agrees_with_regex_lite_on_every_sequence_pattern_of_the_data() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut recognised, mut matched, mut samples_run, mut left) = (0, 0, 0, 0);
    for pat in crate::schema::data::distinct_patterns() {
        let Some(p) = SeqPattern::parse(pat) else {
            continue;
        };
        recognised += 1;
        let re = regex_lite::Regex::new(pat)
            .unwrap_or_else(|e| panic!("regex-lite rejects `{pat}`, recognised here: {e}"));
        for s in samples(&p, &mut rng) {
            let want = re.is_match(&s);
            matched += usize::from(want);
            samples_run += 1;
            // `None`: over the budget, left to regex-lite (the caller's fallback).
            match p.is_match(&s) {
                Some(got) => assert_eq!(got, want, "`{pat}` on {s:?}: regex-lite says {want}"),
                None => left += 1,
            }
        }
    }
    // Most patterns are sequences, and the generated strings do match (the test is not only
    // of strings both refuse).
    assert!(recognised >= 1000, "only {recognised} patterns recognised");
    assert!(matched >= 10 * recognised, "only {matched} matches");
    // Few values are left to regex-lite.
    assert!(
        left * 100 < samples_run,
        "{left} of {samples_run} over budget"
    );
}

#[test]
fn reads_the_shapes_of_the_example_and_declines_the_rest() {
    let p = SeqPattern::parse(r"^$|^[a-zA-Z]{1}(?:-?[a-zA-Z0-9]){0,62}$").expect("sequence");
    for yes in ["", "a", "a-b", "ab-1-c", &format!("a{}", "-b".repeat(62))] {
        assert_eq!(p.is_match(yes), Some(true), "{yes}");
    }
    for no in [
        "-",
        "a-",
        "a--b",
        "1a",
        &format!("a{}", "-b".repeat(63)),
        "a_b",
    ] {
        assert_eq!(p.is_match(no), Some(false), "{no}");
    }
    let q = SeqPattern::parse(r"^(alias/)[a-zA-Z0-9:/_-]+$").expect("sequence");
    assert_eq!(q.is_match("alias/x"), Some(true));
    assert_eq!(q.is_match("alias/"), Some(false));
    assert_eq!(q.is_match("alia/x"), Some(false));
    let esc = SeqPattern::parse(r"^\u002F[\x21-\x7E]+\u002F\r?\n$").expect("escapes");
    assert_eq!(esc.is_match("/a/\n"), Some(true));
    assert_eq!(esc.is_match("/a/\r\n"), Some(true));
    assert_eq!(esc.is_match("/ /\n"), Some(false));
    let any = SeqPattern::parse(r"^/.*$").expect("sequence");
    assert_eq!(any.is_match("/é😀"), Some(true));
    assert_eq!(any.is_match("/a\nb"), Some(false));
    for declined in [
        r"^[^a-z]+$",
        r"^a|b$",
        r"^a$b$",
        r"a+$",
        r"^a+",
        r"^(?i:a)$",
        r"^(?=a)a$",
        r"^(?P<x>a)$",
        r"^\p{L}+$",
        r"^[\u00E9]$",
        r"^\u00E9$",
        r"^[a-z\u00A1-\u00FF]+$",
        r"^a**$",
        r"^a{2,1}$",
        r"^a{1,5000}$",
        r"^a{$",
        r"^(a$",
        r"^a)$",
        r"^\bx$",
        r"^a]$",
    ] {
        assert!(SeqPattern::parse(declined).is_none(), "{declined}");
    }
}

#[test]
fn costly_values_are_left_to_the_fallback() {
    // Nested unbounded repetitions backtrack exponentially on a near miss: over budget, the
    // matcher says so rather than spending it.
    let p = SeqPattern::parse(r"^(a*)*b$").expect("sequence");
    assert_eq!(p.is_match("aaab"), Some(true));
    assert_eq!(p.is_match(&"a".repeat(40)), None);
    assert_eq!(p.is_match(&"a".repeat(300)), None, "longer than the bound");
    let q = SeqPattern::parse(r"^[a-z]*[a-z]*[a-z]*1$").expect("sequence");
    assert_eq!(q.is_match(&"a".repeat(100_000)), None);
    assert_eq!(q.is_match("abc1"), Some(true));
}
