//! Every gs app is a command line: `synth` (the default), `diff`, `ls`, `graph`, `rules` and
//! `explain RULE`, as `cdk` gives a CDK app.
//!
//! ```no_run
//! use gs_constructs::prelude::*;
//!
//! fn build() -> Result<App> {
//!     let mut app = App::new();
//!     let stack = app.stack("Demo", StackProps::default())?;
//!     s3::Bucket::new(&mut app.at(stack)?, "Assets", Default::default())?;
//!     Ok(app)
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     build().run() // `Cli::run`, from the prelude
//! }
//! ```
//!
//! ```text
//! Usage: app [OPTIONS] [COMMAND]
//!
//! Commands:
//!   synth         write the cloud assembly into the output folder (the default)
//!   diff          compare the synthesis with an earlier assembly or template, offline (writes nothing)
//!   ls            list the stacks with their Regions and dependencies
//!   graph         write each stack's construct graph (DOT, and SVG when Graphviz's `dot` is on the PATH)
//!   rules         list every rule of the catalog
//!   explain RULE  one rule in full: what it finds, why it matters, how to fix it
//!
//! Options:
//!   -o, --out DIR          the output folder (default: cdk.out)
//!   -q, --quiet            print only errors and what the command is for
//!       --json             machine-readable output on stdout
//!       --color WHEN       auto, always or never (default: auto)
//!   -h, --help             this help
//!   -V, --version          gs's version
//! ```
//!
//! # Exit codes
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | done |
//! | 1 | refused: synthesis found errors (they are printed, and in SARIF), or the app could not be built or its files written; `diff --fail` found a difference |
//! | 2 | bad usage: an unknown command or option, a missing or invalid value, an unknown rule or stack, an earlier assembly or template `diff` cannot read; the message names the argument |
//!
//! # Output
//!
//! `synth` writes into the output folder:
//! - the cloud assembly: `<Stack>.template.json`, `manifest.json`, `tree.json`, `cdk.out`;
//! - `<Stack>.sarif`, every finding as SARIF 2.1.0;
//! - `<Stack>.dr.json`, the DR report, for a stack with recovery objectives;
//! - `<Stack>.dot`, the construct graph.
//!
//! When synthesis is refused, only the SARIF and DR reports are written and last run's assembly
//! is removed (see [`App::synth_to`]), so no earlier template is taken for this run's.
//!
//! Findings go to stderr, rendered as rustc renders its diagnostics (colored with `--color
//! always`, or with `auto` when stdout is a terminal and `NO_COLOR` is not set); the summary, one
//! line per stack, goes to stdout.
//!
//! # `--json`
//!
//! With `--json`, a command prints one JSON document on stdout and nothing else (usage errors
//! stay on stderr). `synth --json`:
//!
//! ```json
//! {
//!   "command": "synth",
//!   "status": "ok",
//!   "out": "cdk.out",
//!   "time_ms": 4.2,
//!   "findings": [
//!     {"rule": "dr/at-limit", "severity": "warning", "path": "TapStackdev/Storage/ContentFileSystem",
//!      "message": "...", "fix": "...", "acknowledged": null}
//!   ],
//!   "stacks": [
//!     {"name": "TapStackdev", "region": "us-east-1", "template": "cdk.out/TapStackdev.template.json",
//!      "resources": 91, "resource_types": {"AWS::EC2::VPC": 1}, "errors": 0, "warnings": 2,
//!      "depends_on": []}
//!   ],
//!   "errors": 0,
//!   "warnings": 2,
//!   "acknowledged": 5
//! }
//! ```
//!
//! `status` is `ok` or `refused`; when refused, `template` is `null`. `severity` is `error`,
//! `warning` or `info`; `acknowledged` is the reason when the finding was acknowledged. `region`
//! is `null` for a stack deployed to the environment's Region. `ls --json` prints `{"command":
//! "ls", "stacks": [{"name", "region", "account", "depends_on"}]}`; `graph --json` prints
//! `{"command": "graph", "files": [...], "svg": true|false}`; `rules --json` prints `{"command":
//! "rules", "rules": [...]}` and `explain --json` `{"command": "explain", "rule": {...}}`, each rule
//! as `{"id", "severity", "acknowledgeable", "applies_to", "what", "why", "fix"}`. `diff --json`
//! prints the list [`crate::diff::render::json`] documents.
//!
//! # Adding a command
//!
//! A command is one file of this module: a type implementing `Command` and its `Info` (name,
//! operands, summary, own options), listed once in `COMMANDS`.

mod color;
mod diff;
mod explain;
mod graph;
mod json;
mod ls;
mod rules;
mod synth;

use std::ffi::OsString;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use gs_core::App;

pub use color::Color;

/// The process's exit status: 0 done, 1 refused, 2 bad usage (see the [module](self) docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exit {
    /// Done (0).
    Ok,
    /// Refused (1): synthesis found errors, or the app could not be built or written.
    Refused,
    /// Bad usage (2): an argument, option or value the command line does not take.
    Usage,
}

impl Exit {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Refused => 1,
            Exit::Usage => 2,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(e.code())
    }
}

/// An error of the app's own input (an environment variable, a configuration file) that the
/// build function returns to exit 2 (bad usage) rather than 1.
///
/// ```
/// use gs_constructs::cli::{self, BadInput, Exit};
/// let mut out = Vec::new();
/// let mut err = Vec::new();
/// let exit = cli::run_with(["synth"], &mut out, &mut err, || -> Result<gs_constructs::prelude::App, BadInput> {
///     Err(BadInput("ENVIRONMENT_SUFFIX `Dev!` is invalid; fix: use lowercase letters".into()))
/// });
/// assert_eq!(exit, Exit::Usage);
/// assert!(String::from_utf8(err)?.contains("ENVIRONMENT_SUFFIX"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// What the command line reads from the process besides its arguments. [`run`] takes it from
/// the process; tests build one to pin it (the default: program `app`, no terminal, no
/// `NO_COLOR`, no `PATH`).
#[derive(Clone, Debug)]
pub struct Env {
    /// The program's name, for the usage message.
    pub program: String,
    /// Whether stdout is a terminal (`--color auto` colors only then).
    pub stdout_is_terminal: bool,
    /// Whether `NO_COLOR` is set to a non-empty value (`--color auto` then never colors).
    pub no_color: bool,
    /// The `PATH` to look for Graphviz's `dot` in; `None` looks nowhere.
    pub path: Option<OsString>,
}

impl Default for Env {
    fn default() -> Env {
        Env {
            program: "app".into(),
            stdout_is_terminal: false,
            no_color: false,
            path: None,
        }
    }
}

impl Env {
    /// The process's: its name, whether stdout is a terminal, `NO_COLOR` and `PATH`.
    pub fn from_process() -> Env {
        let program = std::env::args_os()
            .next()
            .map(PathBuf::from)
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "app".into());
        Env {
            program,
            stdout_is_terminal: io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            path: std::env::var_os("PATH"),
        }
    }
}

/// Runs an app as a command line: [`run`] for the process, [`run_with`] in tests. In the
/// prelude, for `App` and for the `Result` a build function returns.
pub trait Cli: Sized {
    /// Parses the process's arguments, runs the command, prints to stdout and stderr and
    /// returns the exit code for `main`. See [`run`].
    fn run(self) -> std::process::ExitCode;

    /// Runs the command `args` (without the program name) name, printing into `stdout` and
    /// `stderr`. See [`run_with`].
    fn run_with<I, S>(self, args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>;
}

impl Cli for App {
    fn run(self) -> std::process::ExitCode {
        run(move || Ok::<App, BadInput>(self))
    }

    fn run_with<I, S>(self, args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        run_with(args, stdout, stderr, move || Ok::<App, BadInput>(self))
    }
}

impl<E> Cli for Result<App, E>
where
    E: Into<Box<dyn std::error::Error>>,
{
    fn run(self) -> std::process::ExitCode {
        run(move || self)
    }

    fn run_with<I, S>(self, args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        run_with(args, stdout, stderr, move || self)
    }
}

/// Runs the command line of the process on the app `build` makes (called only by the commands
/// that need an app: `--help`, `rules` and `explain` work whatever it would do).
///
/// The process ends right after: the app, the frozen tree and the synthesis are not freed value
/// by value but left to the OS, which takes the memory back at once (as compilers do with their
/// arenas). [`run_with`] frees them.
pub fn run<E>(build: impl FnOnce() -> Result<App, E>) -> std::process::ExitCode
where
    E: Into<Box<dyn std::error::Error>>,
{
    let env = Env::from_process();
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // What is printed is gathered and written at once (one write per stream).
    let mut out = Vec::new();
    let mut err = Vec::new();
    let exit = run_in(args, &mut out, &mut err, &env, true, build);
    let _ = io::stderr().write_all(&err);
    let _ = io::stdout().write_all(&out);
    let _ = io::stdout().flush();
    exit.into()
}

/// Runs the command `args` (without the program name) on the app `build` makes, printing into
/// `stdout` and `stderr`, with the process's environment (but stdout taken as no terminal).
///
/// ```
/// use gs_constructs::cli::{self, Exit};
/// use gs_constructs::prelude::*;
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let exit = App::new().run_with(["explain", "dr/rpo-not-met"], &mut out, &mut err);
/// assert_eq!(exit, Exit::Ok);
/// assert!(String::from_utf8(out)?.contains("dr/rpo-not-met"));
/// let exit = App::new().run_with(["--colour"], &mut Vec::new(), &mut err);
/// assert_eq!(exit, Exit::Usage);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_with<I, S, E>(
    args: I,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    build: impl FnOnce() -> Result<App, E>,
) -> Exit
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
    E: Into<Box<dyn std::error::Error>>,
{
    let env = Env {
        stdout_is_terminal: false,
        program: "app".into(),
        ..Env::from_process()
    };
    run_env(args, stdout, stderr, &env, build)
}

/// [`run_with`] with an environment of the caller's (a terminal, `NO_COLOR`, the `PATH`).
pub fn run_env<I, S, E>(
    args: I,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    env: &Env,
    build: impl FnOnce() -> Result<App, E>,
) -> Exit
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
    E: Into<Box<dyn std::error::Error>>,
{
    run_in(args, stdout, stderr, env, false, build)
}

fn run_in<I, S, E>(
    args: I,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    env: &Env,
    leak: bool,
    build: impl FnOnce() -> Result<App, E>,
) -> Exit
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
    E: Into<Box<dyn std::error::Error>>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let parsed = match parse(args) {
        Ok(p) => p,
        Err(e) => {
            let _ = write!(
                stderr,
                "error: {e}\n\n{}\nFor more, try `{} --help`.\n",
                usage_line(&env.program),
                env.program
            );
            return Exit::Usage;
        }
    };
    let (globals, info, mut command) = match parsed {
        Parsed::Help(info) => {
            let _ = stdout.write_all(help(&env.program, info).as_bytes());
            return Exit::Ok;
        }
        Parsed::Version => {
            let _ = writeln!(stdout, "gs {}", env!("CARGO_PKG_VERSION"));
            return Exit::Ok;
        }
        Parsed::Run(g, info, c) => (g, info, c),
    };
    let color = globals.color.enabled(env);
    let mut build = Some(build);
    let mut cx = Context {
        globals,
        out: stdout,
        err: stderr,
        env,
        color,
        leak,
    };
    let mut app = AppSlot(Lazy::Pending(Box::new(move || match build.take() {
        Some(f) => f().map_err(Into::into),
        None => Err("the app was already built".into()),
    })));
    let exit = match command.run(&mut app, &mut cx) {
        Ok(exit) => exit,
        Err(Failure { message, exit }) => {
            let _ = writeln!(
                cx.err,
                "{}: {}: {message}",
                cx.paint(color::ERROR, "error"),
                info.name
            );
            exit
        }
    };
    if leak {
        if let Lazy::Ready(app) = app.0 {
            std::mem::forget(app);
        }
    }
    exit
}

/// The options every command takes.
#[derive(Clone, Debug)]
pub(crate) struct Globals {
    pub(crate) out: PathBuf,
    pub(crate) quiet: bool,
    pub(crate) json: bool,
    pub(crate) color: Color,
}

impl Default for Globals {
    fn default() -> Globals {
        Globals {
            out: PathBuf::from("cdk.out"),
            quiet: false,
            json: false,
            color: Color::Auto,
        }
    }
}

/// A command: it takes the arguments the global options did not, then runs.
pub(crate) trait Command {
    /// One argument the global options did not take (an operand, or an option of the
    /// command's own). The default refuses it.
    fn arg(&mut self, arg: Arg, parser: &mut lexopt::Parser) -> Result<(), Usage> {
        let _ = parser;
        Err(arg.unexpected())
    }

    /// After the last argument: refuses a missing operand.
    fn finish(&mut self) -> Result<(), Usage> {
        Ok(())
    }

    /// Runs the command on the app (built when the command first asks for it).
    fn run(&mut self, app: &mut AppSlot<'_>, cx: &mut Context<'_>) -> Result<Exit, Failure>;
}

/// A command's name, operands, summary and own options, for parsing and help.
pub(crate) struct Info {
    pub(crate) name: &'static str,
    /// Its operands as the usage line shows them (`RULE`), or empty.
    pub(crate) operands: &'static str,
    pub(crate) about: &'static str,
    /// Its own options: (`--fail`, what it does).
    pub(crate) options: &'static [(&'static str, &'static str)],
    pub(crate) new: fn() -> Box<dyn Command>,
}

/// Every command, the default (`synth`) first. A new command is one file and one line here.
const COMMANDS: &[&Info] = &[
    &synth::INFO,
    &diff::INFO,
    &ls::INFO,
    &graph::INFO,
    &rules::INFO,
    &explain::INFO,
];

/// An argument the global options did not take, handed to the command.
#[derive(Debug)]
pub(crate) enum Arg {
    /// `-x`.
    Short(char),
    /// `--name` (without its dashes).
    Long(String),
    /// An operand.
    Value(OsString),
}

impl From<lexopt::Arg<'_>> for Arg {
    fn from(a: lexopt::Arg<'_>) -> Arg {
        match a {
            lexopt::Arg::Short(c) => Arg::Short(c),
            lexopt::Arg::Long(l) => Arg::Long(l.to_string()),
            lexopt::Arg::Value(v) => Arg::Value(v),
        }
    }
}

impl Arg {
    /// The error for an argument nobody takes.
    pub(crate) fn unexpected(self) -> Usage {
        match self {
            Arg::Short(c) => lexopt::Arg::Short(c).unexpected().into(),
            Arg::Long(l) => lexopt::Arg::Long(&l).unexpected().into(),
            Arg::Value(v) => lexopt::Arg::Value(v).unexpected().into(),
        }
    }
}

/// A usage error: the message names the argument.
#[derive(Debug)]
pub(crate) struct Usage(pub(crate) String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<lexopt::Error> for Usage {
    fn from(e: lexopt::Error) -> Usage {
        let message = match &e {
            lexopt::Error::UnexpectedOption(o) => {
                let bare = |name: &'static str| name.split(' ').next().unwrap_or(name);
                // Another command's option, given to this one or before the command.
                let owners: Vec<&str> = COMMANDS
                    .iter()
                    .filter(|c| c.options.iter().any(|(name, _)| bare(name) == o.as_str()))
                    .map(|c| c.name)
                    .collect();
                if let Some(owner) = owners.first() {
                    return Usage(format!(
                        "`{o}` is an option of `{}`, not of this command; fix: give it after that command (`{owner} {o}`)",
                        owners.join("`, `")
                    ));
                }
                let known = global_options().chain(
                    COMMANDS
                        .iter()
                        .flat_map(|c| c.options.iter())
                        // `--against PATH`: the option without its value.
                        .map(|(name, _)| name.split(' ').next().unwrap_or(name)),
                );
                match gs_core::passes::closest(o, known) {
                    Some(c) => format!("unknown option `{o}` (did you mean `{c}`?)"),
                    None => format!("unknown option `{o}`"),
                }
            }
            lexopt::Error::UnexpectedArgument(a) => {
                format!("unexpected argument `{}`", a.to_string_lossy())
            }
            lexopt::Error::MissingValue {
                option: Some(option),
            } => format!("`{option}` needs a value"),
            lexopt::Error::UnexpectedValue { option, value } => format!(
                "`{option}` takes no value (given `{}`)",
                value.to_string_lossy()
            ),
            lexopt::Error::NonUnicodeValue(v) => {
                format!("`{}` is not valid UTF-8", v.to_string_lossy())
            }
            other => other.to_string(),
        };
        Usage(message)
    }
}

/// Why a command stopped: the message and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) exit: Exit,
}

impl Failure {
    /// A failure that exits 1 (refused, or files not written).
    pub(crate) fn refused(message: impl fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            exit: Exit::Refused,
        }
    }

    /// A failure that exits 2 (bad usage).
    pub(crate) fn usage(message: impl fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            exit: Exit::Usage,
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::refused(format!("writing the output: {e}"))
    }
}

type Build<'a> = Box<dyn FnMut() -> Result<App, Box<dyn std::error::Error>> + 'a>;

enum Lazy<'a> {
    Pending(Build<'a>),
    Ready(Box<App>),
    Failed,
}

/// The app, built when a command first asks for it.
pub(crate) struct AppSlot<'a>(Lazy<'a>);

impl AppSlot<'_> {
    /// The app, built on first use. A build error is a refusal (1), or bad usage (2) when it is
    /// a [`BadInput`].
    pub(crate) fn get(&mut self) -> Result<&App, Failure> {
        if let Lazy::Pending(build) = &mut self.0 {
            self.0 = match build() {
                Ok(app) => Lazy::Ready(Box::new(app)),
                Err(e) => {
                    self.0 = Lazy::Failed;
                    let exit = if e.is::<BadInput>() {
                        Exit::Usage
                    } else {
                        Exit::Refused
                    };
                    return Err(Failure {
                        message: format!("the app could not be built: {e}"),
                        exit,
                    });
                }
            };
        }
        match &self.0 {
            Lazy::Ready(app) => Ok(app),
            Lazy::Pending(_) | Lazy::Failed => Err(Failure::refused("the app could not be built")),
        }
    }
}

/// What a command runs with: the global options, the output streams and the environment.
pub(crate) struct Context<'a> {
    pub(crate) globals: Globals,
    pub(crate) out: &'a mut dyn Write,
    pub(crate) err: &'a mut dyn Write,
    pub(crate) env: &'a Env,
    /// Whether diagnostics are colored.
    pub(crate) color: bool,
    /// Whether the process ends after the command: big values may then be left to the OS.
    pub(crate) leak: bool,
}

impl Context<'_> {
    /// `text` in `style` when colors are on.
    pub(crate) fn paint<'t>(&self, style: &'static str, text: &'t str) -> color::Painted<'t> {
        color::Painted {
            style: if self.color { Some(style) } else { None },
            text,
        }
    }
}

enum Parsed {
    Help(Option<&'static Info>),
    Version,
    Run(Globals, &'static Info, Box<dyn Command>),
}

fn global_options() -> impl Iterator<Item = &'static str> {
    [
        "--out",
        "--quiet",
        "--json",
        "--color",
        "--help",
        "--version",
    ]
    .into_iter()
}

fn parse(args: Vec<OsString>) -> Result<Parsed, Usage> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut globals = Globals::default();
    let mut help = false;
    let mut version = false;
    let mut command: Option<(&'static Info, Box<dyn Command>)> = None;
    let mut out_given = false;
    while let Some(arg) = parser.next()? {
        match arg {
            Short('o') | Long("out") => {
                let value = parser.value()?;
                if value.is_empty() {
                    return Err(Usage("`--out` needs a folder, not an empty value".into()));
                }
                // As `--stack` and `--against`: the second one would silently win.
                if std::mem::replace(&mut out_given, true) {
                    return Err(Usage("`--out` is given twice; give it once".into()));
                }
                globals.out = PathBuf::from(value);
            }
            Short('q') | Long("quiet") => globals.quiet = true,
            Long("json") => globals.json = true,
            Long("color") => {
                let value = parser.value()?;
                globals.color = value.to_string_lossy().parse::<Color>().map_err(Usage)?;
            }
            Short('h') | Long("help") => help = true,
            Short('V') | Long("version") => version = true,
            Value(name) if command.is_none() => {
                let name = name.string()?;
                let Some(info) = COMMANDS.iter().find(|c| c.name == name) else {
                    return Err(
                        match gs_core::passes::closest(&name, COMMANDS.iter().map(|c| c.name)) {
                            Some(c) => {
                                Usage(format!("unknown command `{name}` (did you mean `{c}`?)"))
                            }
                            None => Usage(format!(
                                "unknown command `{name}`; the commands are {}",
                                COMMANDS
                                    .iter()
                                    .map(|c| format!("`{}`", c.name))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        },
                    );
                };
                command = Some((info, (info.new)()));
            }
            other => {
                let other = Arg::from(other);
                match &mut command {
                    Some((_, c)) => c.arg(other, &mut parser)?,
                    None => return Err(other.unexpected()),
                }
            }
        }
    }
    if help {
        return Ok(Parsed::Help(command.map(|(info, _)| info)));
    }
    if version {
        return Ok(Parsed::Version);
    }
    let (info, mut command) = match command {
        Some(c) => c,
        None => (COMMANDS[0], (COMMANDS[0].new)()),
    };
    command.finish()?;
    Ok(Parsed::Run(globals, info, command))
}

fn usage_line(program: &str) -> String {
    format!("Usage: {program} [OPTIONS] [COMMAND]")
}

fn help(program: &str, command: Option<&Info>) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if let Some(c) = command {
        let operands = if c.operands.is_empty() {
            String::new()
        } else {
            format!(" {}", c.operands)
        };
        let _ = writeln!(
            s,
            "{}\n\nUsage: {program} [OPTIONS] {}{operands}\n",
            c.about, c.name
        );
        if !c.options.is_empty() {
            let _ = writeln!(s, "Options of `{}`:", c.name);
            for (name, about) in c.options {
                let _ = writeln!(s, "      {name:<17}{about}");
            }
            s.push('\n');
        }
    } else {
        let _ = writeln!(
            s,
            "Synthesizes this gs app and reports on it.\n\n{}\n\nCommands:",
            usage_line(program)
        );
        for c in COMMANDS {
            let head = if c.operands.is_empty() {
                c.name.to_string()
            } else {
                format!("{} {}", c.name, c.operands)
            };
            let _ = writeln!(s, "  {head:<14}{}", c.about);
        }
        s.push('\n');
    }
    s.push_str(
        "Options:\n\
         \x20 -o, --out DIR      the output folder (default: cdk.out)\n\
         \x20 -q, --quiet        print only errors and what the command is for\n\
         \x20     --json         machine-readable output on stdout\n\
         \x20     --color WHEN   auto, always or never (default: auto: when stdout is a terminal and NO_COLOR is unset)\n\
         \x20 -h, --help         this help\n\
         \x20 -V, --version      gs's version\n\n\
         Exit codes: 0 done, 1 refused (synthesis found errors; `diff --fail`: differences), 2 bad usage.\n",
    );
    s
}
