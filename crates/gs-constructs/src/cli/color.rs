//! `--color`: rustc-style colored diagnostics, ANSI escapes only when asked or on a terminal.

use std::fmt;

use gs_core::{Diagnostic, Severity};

use super::Env;

/// When to color diagnostics (`--color`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Color {
    /// When stdout is a terminal and `NO_COLOR` is not set (the default).
    #[default]
    Auto,
    /// Always, even into a file or pipe.
    Always,
    /// Never.
    Never,
}

impl Color {
    /// Whether to color in `env`.
    pub fn enabled(self, env: &Env) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => env.stdout_is_terminal && !env.no_color,
        }
    }
}

impl std::str::FromStr for Color {
    type Err = String;

    /// `auto`, `always` or `never`; anything else is refused with a message naming it.
    fn from_str(s: &str) -> Result<Color, String> {
        match s {
            "auto" => Ok(Color::Auto),
            "always" => Ok(Color::Always),
            "never" => Ok(Color::Never),
            other => Err(format!(
                "invalid value `{other}` for `--color`: use `auto`, `always` or `never`"
            )),
        }
    }
}

/// Bold red, as rustc's `error`.
pub(crate) const ERROR: &str = "\x1b[1;31m";
/// Bold yellow, as rustc's `warning`.
pub(crate) const WARNING: &str = "\x1b[1;33m";
/// Bold green, for information.
pub(crate) const INFO: &str = "\x1b[1;32m";
/// Bold blue, as rustc's `-->` and `=`.
pub(crate) const ARROW: &str = "\x1b[1;34m";
/// Bold, as rustc's message.
pub(crate) const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The style of a severity, as rustc's.
pub(crate) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    }
}

/// Text, in a style when colors are on.
pub(crate) struct Painted<'t> {
    pub(crate) style: Option<&'static str>,
    pub(crate) text: &'t str,
}

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style {
            Some(style) => write!(f, "{style}{}{RESET}", self.text),
            None => f.write_str(self.text),
        }
    }
}

/// `d` as rustc renders a diagnostic; without colors, exactly `d`'s `Display`.
pub(crate) fn diagnostic(out: &mut String, d: &Diagnostic, color: bool) {
    use std::fmt::Write;
    if !color {
        let _ = write!(out, "{d}");
        return;
    }
    let level = severity(d.severity);
    let _ = write!(
        out,
        "{level}{}[{}]{RESET}{BOLD}: {}{RESET}\n  {ARROW}-->{RESET} {}\n   {ARROW}={RESET} {BOLD}fix{RESET}: {}",
        d.severity.as_str(),
        d.rule,
        d.message,
        gs_core::diagnostic::OneLine(&d.path),
        d.fix
    );
    if let Some(reason) = &d.acknowledged {
        let _ = write!(
            out,
            "\n   {ARROW}={RESET} {BOLD}acknowledged{RESET}: {reason}"
        );
    }
}
