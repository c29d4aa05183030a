//! Rustdoc from the spec's Markdown: the first paragraph, sanitized so that rustdoc renders it
//! as the spec meant and `RUSTDOCFLAGS="-D warnings" cargo doc` stays clean (no broken
//! intra-doc links from bare `[x]`, no HTML tags from `<x>`, no bare URLs, no code blocks and
//! therefore no doctests), wrapped at [`WIDTH`] columns.

/// The column doc text wraps at (the `///` prefix and indentation excluded).
pub const WIDTH: usize = 92;

/// The AWS CloudFormation user guide, where every resource and property type has a page.
pub const USER_GUIDE: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide";

/// The first paragraph of `markdown`, sanitized; empty when there is none.
///
/// A paragraph that is a code block (a fence, or indented) is skipped: documentation starts
/// with prose.
pub fn summary(markdown: &str) -> String {
    let normalized = markdown.replace("\r\n", "\n");
    for paragraph in normalized.split("\n\n") {
        let trimmed = paragraph.trim();
        if trimmed.is_empty()
            || trimmed.starts_with("```")
            || trimmed.starts_with("~~~")
            || paragraph.starts_with("    ")
        {
            continue;
        }
        let joined: Vec<&str> = trimmed
            .lines()
            .map(|l| l.trim().trim_start_matches('>').trim())
            .filter(|l| !l.is_empty())
            .collect();
        let text = sanitize(&joined.join(" "));
        if !text.is_empty() {
            return text;
        }
    }
    String::new()
}

/// Inline Markdown made safe: code spans and absolute `[text](url)` links kept, every other
/// bracket and angle bracket escaped, bare URLs made autolinks, relative links made absolute or
/// reduced to their text.
pub fn sanitize(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                let run = run_len(&chars, i, '`');
                if let Some(end) = closing_backticks(&chars, i + run, run) {
                    let content: String = chars[i + run..end].iter().collect();
                    if content.trim().is_empty() {
                        // An empty code span renders as backticks: say so plainly.
                        out.push_str(&"\\`".repeat(run));
                    } else {
                        let ticks = "`".repeat(run);
                        out.push_str(&ticks);
                        out.push_str(&content);
                        out.push_str(&ticks);
                    }
                    i = end + run;
                } else {
                    out.push_str(&"\\`".repeat(run));
                    i += run;
                }
            }
            '[' => {
                if let Some((label, url, next)) = link_at(&chars, i) {
                    let label = sanitize(&label);
                    match absolute(&url) {
                        Some(url) if !label.is_empty() => {
                            out.push('[');
                            out.push_str(&label);
                            out.push_str("](");
                            out.push_str(&url);
                            out.push(')');
                        }
                        _ => out.push_str(&label),
                    }
                    i = next;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' => {
                let rest: String = chars[i + 1..].iter().take(300).collect();
                match rest.find('>') {
                    Some(end) if is_url(&rest[..end]) && !rest[..end].contains(' ') => {
                        out.push('<');
                        out.push_str(&rest[..end]);
                        out.push('>');
                        i += 1 + rest[..end].chars().count() + 1;
                    }
                    _ => {
                        out.push_str("\\<");
                        i += 1;
                    }
                }
            }
            '>' => {
                out.push_str("\\>");
                i += 1;
            }
            '\\' => {
                // Keep a Markdown escape as it is; a lone backslash is escaped itself.
                match chars.get(i + 1) {
                    Some(n) if n.is_ascii_punctuation() => {
                        out.push('\\');
                        out.push(*n);
                        i += 2;
                    }
                    _ => {
                        out.push_str("\\\\");
                        i += 1;
                    }
                }
            }
            'h' if starts_with(&chars, i, "https://") || starts_with(&chars, i, "http://") => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !"<>[]()`\"".contains(chars[end])
                {
                    end += 1;
                }
                while end > i && ".,;:!?'".contains(chars[end - 1]) {
                    end -= 1;
                }
                let url: String = chars[i..end].iter().collect();
                out.push('<');
                out.push_str(&url);
                out.push('>');
                i = end;
            }
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    let out = out.trim().to_string();
    escape_line_start(&out)
}

/// `text` with a first character escaped when Markdown would read it as the start of a block
/// (heading, quote, list, rule, table, HTML).
fn escape_line_start(text: &str) -> String {
    let Some(first) = text.chars().next() else {
        return String::new();
    };
    if "#>-+*=~|".contains(first) {
        return format!("\\{text}");
    }
    if first.is_ascii_digit() {
        let digits = text.chars().take_while(|c| c.is_ascii_digit()).count();
        if let Some(sep @ ('.' | ')')) = text.chars().nth(digits) {
            return format!("{}\\{sep}{}", &text[..digits], &text[digits + 1..]);
        }
    }
    text.to_string()
}

fn run_len(chars: &[char], from: usize, c: char) -> usize {
    chars[from..].iter().take_while(|&&x| x == c).count()
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

/// The index of the next run of exactly `run` backticks at or after `from`.
fn closing_backticks(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let n = run_len(chars, j, '`');
            if n == run {
                return Some(j);
            }
            j += n;
        } else {
            j += 1;
        }
    }
    None
}

/// `[label](url)` at `at`: the label, the url and the index after the link.
fn link_at(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let mut j = at + 1;
    let mut depth = 0usize;
    while j < chars.len() {
        match chars[j] {
            '[' => depth += 1,
            ']' if depth == 0 => break,
            ']' => depth -= 1,
            _ => {}
        }
        j += 1;
    }
    if chars.get(j) != Some(&']') || chars.get(j + 1) != Some(&'(') {
        return None;
    }
    let label: String = chars[at + 1..j].iter().collect();
    let mut k = j + 2;
    while k < chars.len() && chars[k] != ')' && !chars[k].is_whitespace() {
        k += 1;
    }
    if chars.get(k) != Some(&')') {
        return None;
    }
    let url: String = chars[j + 2..k].iter().collect();
    Some((label, url, k + 1))
}

fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// An absolute URL for a link target: as it is, or below docs.aws.amazon.com for a path;
/// `None` for a fragment or relative name (the link is reduced to its text).
fn absolute(url: &str) -> Option<String> {
    if is_url(url) {
        Some(url.to_string())
    } else if url.starts_with('/') {
        Some(format!("https://docs.aws.amazon.com{url}"))
    } else {
        None
    }
}

/// `text` wrapped at [`WIDTH`] into lines; a line never starts with a word Markdown would read
/// as the start of a block (`-`, `#`, `1.`, ...), so wrapping changes nothing in the rendering.
pub fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let fits = line.len() + 1 + word.len() <= WIDTH;
        if !line.is_empty() && !fits && safe_line_start(word) {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn safe_line_start(word: &str) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    // One or two backticks open a code span; three open a fence.
    !("#>-+*=~|<:".contains(first) || first.is_ascii_digit() || word.starts_with("```"))
}

/// The user guide page of a resource type: `aws-resource-lambda-function.html`.
pub fn resource_url(service: &str, resource: &str) -> String {
    format!(
        "{USER_GUIDE}/aws-resource-{}-{}.html",
        service.to_ascii_lowercase(),
        resource.to_ascii_lowercase()
    )
}

/// The user guide page of a nested property type:
/// `aws-properties-lambda-function-vpcconfig.html`.
pub fn property_type_url(service: &str, resource: &str, type_name: &str) -> String {
    format!(
        "{USER_GUIDE}/aws-properties-{}-{}-{}.html",
        service.to_ascii_lowercase(),
        resource.to_ascii_lowercase(),
        type_name.to_ascii_lowercase()
    )
}

/// The anchor of a property on its page: `page#cfn-lambda-function-role` for a resource's
/// property, `page#cfn-lambda-function-vpcconfig-subnetids` for a nested type's.
pub fn property_url(page: &str, parts: &[&str], property: &str) -> String {
    let mut anchor = String::from("cfn");
    for p in parts.iter().chain(std::iter::once(&property)) {
        anchor.push('-');
        anchor.push_str(&p.to_ascii_lowercase());
    }
    format!("{page}#{anchor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_links_and_code_escapes_the_rest() {
        assert_eq!(
            sanitize("See [the guide](https://x.example/a) and `a<b>` for [x] <T>."),
            "See [the guide](https://x.example/a) and `a<b>` for \\[x\\] \\<T\\>."
        );
    }

    #[test]
    fn bare_urls_become_autolinks_and_relative_links_absolute() {
        assert_eq!(
            sanitize("Go to https://aws.amazon.com/x."),
            "Go to <https://aws.amazon.com/x>."
        );
        assert_eq!(
            sanitize("[a](/AWSCloudFormation/latest/UserGuide/x.html) [b](#anchor)"),
            "[a](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/x.html) b"
        );
        assert_eq!(sanitize("<https://a.example/b>"), "<https://a.example/b>");
    }

    #[test]
    fn unbalanced_backticks_and_double_backticks() {
        assert_eq!(
            sanitize("``Published`` and `open"),
            "``Published`` and \\`open"
        );
        assert_eq!(sanitize("a `` b"), "a \\`\\` b");
    }

    #[test]
    fn block_starts_are_escaped() {
        assert_eq!(sanitize("- a list"), "\\- a list");
        assert_eq!(sanitize("# Title"), "\\# Title");
        assert_eq!(sanitize("1. first"), "1\\. first");
    }

    #[test]
    fn the_summary_is_the_first_prose_paragraph() {
        assert_eq!(summary("First\nline.\n\nSecond."), "First line.");
        assert_eq!(summary("```\ncode\n```\n\nProse."), "Prose.");
        assert_eq!(summary("> Note\n> more"), "Note more");
        assert_eq!(summary(""), "");
    }

    #[test]
    fn wrapping_never_starts_a_line_with_a_block_marker() {
        let text = format!(
            "{} - 1. # ```code``` and more words",
            "word ".repeat(18).trim()
        );
        let lines = wrap(&text);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].starts_with("and"), "{lines:?}");
        for l in &lines[1..] {
            assert!(safe_line_start(l), "{l:?}");
        }
        assert_eq!(lines.join(" "), text);
        let short = wrap("a b");
        assert_eq!(short, ["a b"]);
    }

    #[test]
    fn urls_follow_the_user_guide_pattern() {
        assert_eq!(
            resource_url("Lambda", "Function"),
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html"
        );
        assert_eq!(
            property_type_url("Lambda", "Function", "VpcConfig"),
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-vpcconfig.html"
        );
        assert_eq!(
            property_url("p.html", &["lambda", "function"], "Role"),
            "p.html#cfn-lambda-function-role"
        );
    }
}
