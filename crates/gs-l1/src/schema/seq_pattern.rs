//! A matcher for schema patterns that are anchored sequences: literals, ASCII classes, `.`,
//! groups with alternatives, and quantifiers (`^(alias/)[a-zA-Z0-9:/_-]+$`,
//! `^$|^[a-zA-Z]{1}(?:-?[a-zA-Z0-9]){0,62}$`, `^arn:aws[a-z-]*:iam::\d{12}:role/.+$`). Reading
//! such a pattern costs a few hundred instructions where compiling it with regex-lite costs
//! thousands to hundreds of thousands (a bounded count of a group unrolls into as many copies of
//! it), and matching a short value costs hundreds of instructions where regex-lite's PikeVM
//! costs thousands.
//!
//! It reads the pattern as regex-lite does (classes and escapes as [`super::class_pattern`]
//! reads them) and declines anything else: negated or non-ASCII classes, Unicode classes,
//! look-around, flags, named groups, anchors inside the pattern, a pattern not anchored at both
//! ends. Matching backtracks within a budget of steps and of depth; a value that would exceed it
//! is left to regex-lite (the caller's fallback), so no input costs more than regex-lite's linear
//! time by more than the budget. A test runs both on every such pattern in `data.txt` over
//! strings generated from the pattern and mutated.

use super::class_pattern::{class_body, item, Item};

/// What one step of a sequence matches.
#[derive(Debug)]
enum Node {
    /// One ASCII character of a set (a literal, a class, `\d`).
    Set(u128),
    /// Any character but `\n` (`.`).
    Any,
    /// A group: its alternatives.
    Group(Vec<Vec<Rep>>),
}

/// A node with its quantifier.
#[derive(Debug)]
struct Rep {
    node: Node,
    min: u32,
    /// `None`: no upper bound.
    max: Option<u32>,
}

/// `^seq$|^seq$...`: alternatives, each anchored at both ends.
#[derive(Debug)]
pub(crate) struct SeqPattern {
    alts: Vec<Vec<Rep>>,
    /// Whether some group repeats without bound (matching nests a call per repetition).
    unbounded_group: bool,
}

/// The largest count read (regex-lite refuses much larger ones, by the size they compile to).
const MAX_COUNT: u32 = 1000;
/// How deep groups may nest in a pattern.
const MAX_NESTING: usize = 16;
/// Matching steps before a value is left to regex-lite.
const MAX_STEPS: u32 = 20_000;
/// Nested calls before a value is left to regex-lite (each is a small stack frame).
const MAX_DEPTH: u32 = 1_000;
/// The longest value matched here when a group repeats without bound.
const MAX_UNBOUNDED_LEN: usize = 256;

impl SeqPattern {
    /// The pattern read as anchored sequences, or `None` when it has another shape.
    pub(crate) fn parse(pattern: &str) -> Option<SeqPattern> {
        let b = pattern.as_bytes();
        let mut p = SeqPattern {
            alts: Vec::new(),
            unbounded_group: false,
        };
        let mut i = 0;
        loop {
            if b.get(i) != Some(&b'^') {
                return None;
            }
            let (seq, next) = parse_seq(b, i + 1, 0, &mut p.unbounded_group)?;
            if b.get(next) != Some(&b'$') {
                return None;
            }
            p.alts.push(seq);
            match b.get(next + 1) {
                None => return Some(p),
                Some(b'|') => i = next + 2,
                Some(_) => return None,
            }
        }
    }

    /// Whether `s` matches, as regex-lite's `is_match` would; `None` when matching it would
    /// exceed the budget (the caller then asks regex-lite).
    pub(crate) fn is_match(&self, s: &str) -> Option<bool> {
        if self.unbounded_group && s.len() > MAX_UNBOUNDED_LEN {
            return None;
        }
        let mut run = Run {
            s: s.as_bytes(),
            steps: MAX_STEPS,
            depth: 0,
        };
        for alt in &self.alts {
            if run.seq(alt, 0, &Cont::End)? {
                return Some(true);
            }
        }
        Some(false)
    }
}

/// Reads a sequence from `i` up to (not including) the `|`, `)` or `$` that ends it, or the end.
fn parse_seq(
    b: &[u8],
    mut i: usize,
    nesting: usize,
    unbounded: &mut bool,
) -> Option<(Vec<Rep>, usize)> {
    let mut seq = Vec::new();
    loop {
        let Some(&c) = b.get(i) else {
            return Some((seq, i));
        };
        let node = match c {
            b'|' | b')' | b'$' => return Some((seq, i)),
            b'[' => {
                let (set, wide, next) = class_body(b, i + 1)?;
                // Non-ASCII members are left to regex-lite.
                if !wide.is_empty() {
                    return None;
                }
                i = next;
                Node::Set(set)
            }
            b'.' => {
                i += 1;
                Node::Any
            }
            b'(' => {
                if nesting >= MAX_NESTING {
                    return None;
                }
                let mut j = i + 1;
                if b.get(j) == Some(&b'?') {
                    // Only `(?:`: flags, names and look-around are declined.
                    if b.get(j + 1) != Some(&b':') {
                        return None;
                    }
                    j += 2;
                }
                let mut alts = Vec::new();
                loop {
                    let (seq, next) = parse_seq(b, j, nesting + 1, unbounded)?;
                    alts.push(seq);
                    match b.get(next) {
                        Some(b'|') => j = next + 1,
                        Some(b')') => {
                            i = next + 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                Node::Group(alts)
            }
            // Anchors inside, quantifiers without an operand, braces and a stray `]`.
            b'^' | b'?' | b'*' | b'+' | b'{' | b'}' | b']' => return None,
            _ => {
                let (it, next) = item(b, i)?;
                i = next;
                match it {
                    Item::Char(c) if c < 128 => Node::Set(1 << c),
                    // A non-ASCII character is left to regex-lite.
                    Item::Char(_) => return None,
                    Item::Set(s) => Node::Set(s),
                }
            }
        };
        let (min, max, next) = quantifier(b, i)?;
        i = next;
        if max.is_none() && matches!(node, Node::Group(_)) {
            *unbounded = true;
        }
        seq.push(Rep { node, min, max });
    }
}

/// The quantifier at `i` (`{1}` when there is none), and the index after it.
fn quantifier(b: &[u8], i: usize) -> Option<(u32, Option<u32>, usize)> {
    let (min, max, mut i) = match b.get(i) {
        Some(b'?') => (0, Some(1), i + 1),
        Some(b'*') => (0, None, i + 1),
        Some(b'+') => (1, None, i + 1),
        Some(b'{') => {
            let (lo, j) = number(b, i + 1)?;
            match b.get(j) {
                Some(b'}') => (lo, Some(lo), j + 1),
                Some(b',') if b.get(j + 1) == Some(&b'}') => (lo, None, j + 2),
                Some(b',') => {
                    let (hi, k) = number(b, j + 1)?;
                    if b.get(k) != Some(&b'}') {
                        return None;
                    }
                    (lo, Some(hi), k + 1)
                }
                _ => return None,
            }
        }
        _ => return Some((1, Some(1), i)),
    };
    // Laziness does not change whether a string matches.
    if b.get(i) == Some(&b'?') {
        i += 1;
    }
    if matches!(b.get(i), Some(b'?' | b'*' | b'+' | b'{'))
        || max.is_some_and(|m| m < min || m > MAX_COUNT)
        || min > MAX_COUNT
    {
        return None;
    }
    Some((min, max, i))
}

/// The decimal number at `i` (one to four digits) and the index after it.
fn number(b: &[u8], mut i: usize) -> Option<(u32, usize)> {
    let start = i;
    let mut n = 0u32;
    while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
        n = n * 10 + u32::from(d - b'0');
        i += 1;
        if i - start > 4 {
            return None;
        }
    }
    (i > start).then_some((n, i))
}

/// What is left to match after a step.
enum Cont<'p, 'c> {
    /// The end of the value.
    End,
    /// The rest of a sequence, then more.
    Seq(&'p [Rep], &'c Cont<'p, 'c>),
    /// More repetitions of a group (`count` done, the last one started at `start`), then more.
    Loop {
        rep: &'p Rep,
        alts: &'p [Vec<Rep>],
        count: u32,
        start: usize,
        next: &'c Cont<'p, 'c>,
    },
}

struct Run<'s> {
    s: &'s [u8],
    steps: u32,
    depth: u32,
}

impl Run<'_> {
    /// Whether `seq` then `k` match from `pos`; `None` over the budget.
    fn seq(&mut self, seq: &[Rep], pos: usize, k: &Cont<'_, '_>) -> Option<bool> {
        self.steps = self.steps.checked_sub(1)?;
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let r = self.seq_inner(seq, pos, k);
        self.depth -= 1;
        r
    }

    fn seq_inner(&mut self, seq: &[Rep], pos: usize, k: &Cont<'_, '_>) -> Option<bool> {
        // Steps of a fixed count of a set (a literal, `\d{12}`) have one way to match: taken
        // in a loop, not a nested call each.
        let (mut seq, mut pos) = (seq, pos);
        while let Some((
            Rep {
                node: Node::Set(set),
                min,
                max: Some(max),
            },
            rest,
        )) = seq.split_first()
        {
            if min != max {
                break;
            }
            let n = *min as usize;
            let fits = self
                .s
                .get(pos..pos.saturating_add(n))
                .is_some_and(|run| run.iter().all(|&b| b < 128 && set & (1 << b) != 0));
            if !fits {
                return Some(false);
            }
            self.steps = self.steps.checked_sub(*min)?;
            pos += n;
            seq = rest;
        }
        let Some((rep, rest)) = seq.split_first() else {
            return self.cont(pos, k);
        };
        let max = rep.max.unwrap_or(u32::MAX);
        match &rep.node {
            Node::Group(alts) => self.group(rep, alts, 0, pos, &Cont::Seq(rest, k)),
            Node::Set(set) => {
                // Greedy: the longest run of members, then shorter ones.
                let mut n = 0u32;
                while n < max
                    && self
                        .s
                        .get(pos + n as usize)
                        .is_some_and(|&b| b < 128 && set & (1 << b) != 0)
                {
                    n += 1;
                }
                self.steps = self.steps.checked_sub(n)?;
                let mut count = n;
                while count >= rep.min {
                    if self.seq(rest, pos + count as usize, k)? {
                        return Some(true);
                    }
                    if count == 0 {
                        break;
                    }
                    count -= 1;
                }
                Some(false)
            }
            Node::Any => {
                // Greedy over characters (not bytes); stepping back finds the previous one.
                let mut end = pos;
                let mut n = 0u32;
                while n < max {
                    match self.s.get(end) {
                        Some(b'\n') | None => break,
                        Some(_) => {
                            end += 1;
                            while self.s.get(end).is_some_and(|b| b & 0xc0 == 0x80) {
                                end += 1;
                            }
                            n += 1;
                        }
                    }
                }
                self.steps = self.steps.checked_sub(n)?;
                loop {
                    if n >= rep.min && self.seq(rest, end, k)? {
                        return Some(true);
                    }
                    if n <= rep.min {
                        return Some(false);
                    }
                    end -= 1;
                    while end > pos && self.s.get(end).is_some_and(|b| b & 0xc0 == 0x80) {
                        end -= 1;
                    }
                    n -= 1;
                }
            }
        }
    }

    /// Repetition `count + 1` of a group may start at `pos`; `after` continues past the group.
    fn group<'p>(
        &mut self,
        rep: &'p Rep,
        alts: &'p [Vec<Rep>],
        count: u32,
        pos: usize,
        after: &Cont<'p, '_>,
    ) -> Option<bool> {
        if rep.max.map_or(true, |m| count < m) {
            let k = Cont::Loop {
                rep,
                alts,
                count: count + 1,
                start: pos,
                next: after,
            };
            for alt in alts {
                if self.seq(alt, pos, &k)? {
                    return Some(true);
                }
            }
        }
        if count >= rep.min {
            return self.cont(pos, after);
        }
        Some(false)
    }

    fn cont(&mut self, pos: usize, k: &Cont<'_, '_>) -> Option<bool> {
        match k {
            Cont::End => Some(pos == self.s.len()),
            Cont::Seq(rest, next) => self.seq(rest, pos, next),
            Cont::Loop {
                rep,
                alts,
                count,
                start,
                next,
            } => {
                // An empty repetition beyond the minimum leaves things as they were before it,
                // where stopping is tried anyway: stop exploring here.
                if pos == *start && *count > rep.min {
                    return Some(false);
                }
                self.group(rep, alts, *count, pos, next)
            }
        }
    }
}

#[cfg(test)]
mod tests;
