//! Wildcard matching as IAM's `ArnLike` and `StringLike` conditions and resource ARNs do it:
//! one character stands for any run of characters (`*`), and `?` for one character. Shared by
//! the passes that read policies (API Gateway's Lambda permissions, ELB's access-log bucket
//! policy).

/// Whether `text` matches `pattern`, where `any` matches any run of characters and `?` one
/// character for which `one` holds. Greedy, backtracking to the last `any`: iterative,
/// linear in practice and quadratic at worst, whatever the input.
pub(crate) fn matches(pattern: &str, text: &str, any: char, one: impl Fn(char) -> bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // The last `any` seen, and where in the text it has matched up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&tc) = t.get(ti) {
        match p.get(pi) {
            Some(&c) if c == any => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == tc || (c == '?' && one(tc)) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == any)
}

#[cfg(test)]
mod tests {
    use super::matches;

    fn arn_like(pattern: &str, text: &str) -> bool {
        matches(pattern, text, '*', |_| true)
    }

    #[test]
    fn stars_match_any_run_and_question_marks_one_character() {
        assert!(arn_like("/*/GET/orders", "/stage/GET/orders"));
        assert!(arn_like("/*", "/stage/GET/"));
        assert!(arn_like("a?c", "abc"));
        assert!(arn_like("*", ""));
        assert!(!arn_like("a?c", "ac"));
        assert!(!arn_like("/*/GET/orders", "/stage/POST/orders"));
        assert!(!arn_like("", "x"));
    }

    #[test]
    fn question_marks_match_only_what_one_admits() {
        assert!(!matches("a?", "a!", '*', |c| c != '!'));
        assert!(matches("a?", "ab", '*', |c| c != '!'));
    }

    #[test]
    fn a_long_text_against_many_stars_ends() {
        let text = "a".repeat(2_000);
        assert!(!arn_like(&"*b".repeat(200), &text));
    }
}
