//! The terminal side of `kql repl`: line editing, history, completion, highlighting and
//! Ctrl-C, around the library's [`Repl`], which does everything else.
//!
//! rustyline reads input in raw mode, where Ctrl-C arrives as a key and cancels the
//! current input. While a query runs the terminal is back in normal mode and Ctrl-C
//! raises SIGINT; a handler sets a flag, and the shell stops waiting for the query's
//! worker thread and returns to the prompt.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{
    Cmd, CompletionType, Config, Context, Editor, Helper, KeyCode, KeyEvent, Modifiers,
};

use super::args::ReplArgs;
use super::{geo_source, parse_now_option, report, tables};
use kql::data::LoadOptions;
use kql::engine::Session;
use kql::error::{Error, ErrorKind};
use kql::repl::{complete, highlight, input, Outcome, QueryJob, Repl, Step};

/// Set by the SIGINT handler while a query runs.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How often the shell checks for Ctrl-C while waiting for a query.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

const PROMPT: &str = "kql> ";

/// Width used when the terminal does not report one.
const FALLBACK_WIDTH: u16 = 100;

/// Starts the shell as `kql` without arguments does: no tables, settings from the
/// environment.
pub fn run_default() -> u8 {
    run(ReplArgs {
        geoip_db: std::env::var_os("KQL_GEOIP_DB").map(PathBuf::from),
        ..ReplArgs::default()
    })
}

/// Runs the shell until `.quit` or Ctrl-D; returns the exit status.
pub fn run(args: ReplArgs) -> u8 {
    let mut session = Session::new();
    session.geo = geo_source(args.geoip_db.as_deref());
    match parse_now_option(args.now.as_deref()) {
        Ok(now) => session.now = now,
        Err(error) => return report(&error, "", ""),
    }
    // The watchlists of `--data` folders load with the tables, as `.load` loads them.
    let keys = match super::watchlists::parse_keys(&args.watchlists) {
        Ok(keys) => keys,
        Err(error) => return report(&error, "", ""),
    };
    match super::watchlists::load_files(&args.watchlists, Vec::new(), &keys) {
        Ok(loaded) => session.watchlists = loaded,
        Err(error) => return report(&error, "", ""),
    }
    let options = LoadOptions {
        strict: args.strict,
        product: args.product,
        ..LoadOptions::default()
    };
    let mut repl = Repl::new(session, options);
    repl.set_watchlist_keys(keys.clone());

    let mut out = io::stdout();
    match load_startup_tables(&mut repl, &args, &mut out) {
        Ok(true) => {}
        Ok(false) => return 2,
        Err(error) => return report_io(&error),
    }
    // A key for a watchlist that nothing loaded yet applies to a later `.load`, so unlike
    // `kql run` the shell only warns.
    let mut unused: Vec<&String> = keys
        .keys()
        .filter(|alias| !repl.session().watchlists.contains_key(*alias))
        .collect();
    unused.sort();
    for alias in unused {
        log::warn!(
            "--watchlist-key names watchlist `{alias}`, which no --watchlist option or --data \
             folder loads; the key applies when .load reads a watchlist of that alias"
        );
    }
    if let Err(error) = repl.write_banner(&mut out) {
        return report_io(&error);
    }

    let repl = Rc::new(RefCell::new(repl));
    if !io::stdin().is_terminal() {
        install_interrupt_handler();
        return read_piped(&repl, &mut out);
    }
    let mut editor = match new_editor(&repl) {
        Ok(editor) => editor,
        Err(error) => {
            let error = Error::usage(format!("failed to start the line editor: {error}"));
            return report(&error, "", "");
        }
    };
    // rustyline installs its own SIGINT handler when the editor starts and keeps it
    // until the editor is dropped, so ours must come after it. The editor does not need
    // its handler: it reads keys in raw mode, where Ctrl-C raises no signal.
    install_interrupt_handler();
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is normal on the first start.
        let _ = editor.load_history(path);
    }

    let status = read_loop(&mut editor, &repl, &mut out);

    if let Some(path) = &history {
        if let Err(error) = editor.save_history(path) {
            log::warn!("failed to save the history to {}: {error}", path.display());
        }
    }
    status
}

fn install_interrupt_handler() {
    if let Err(error) = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)) {
        log::warn!("Ctrl-C cannot cancel queries: failed to install the SIGINT handler: {error}");
    }
}

/// Runs the inputs of piped standard input, split into inputs as the line editor splits
/// typed lines, except that a line starting with `|` continues the query before it, as in
/// a query file. Input that ends inside an unfinished query is an error, because that
/// query was never run. Piped lines are not added to the history.
fn read_piped(repl: &Rc<RefCell<Repl>>, out: &mut io::Stdout) -> u8 {
    let mut pending = String::new();
    // A complete query, waiting until the next line shows whether a `|` line continues it.
    let mut waiting: Option<String> = None;
    // Every line read, so that an error at the end of the input names its real line.
    let mut all = String::new();
    for line in io::stdin().lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                let error = Error::usage(format!("failed to read input: {error}"));
                return report(&error, "", "");
            }
        };
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if !all.is_empty() {
            all.push('\n');
        }
        all.push_str(line);

        if let Some(query) = waiting.take() {
            if line.trim_start().starts_with('|') {
                pending = query;
            } else if let Some(status) = submit(&query, repl, out) {
                return status;
            }
        }
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if !input::is_complete(&pending) {
            continue;
        }

        let submitted = std::mem::take(&mut pending);
        let trimmed = submitted.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('.') {
            if let Some(status) = submit(&submitted, repl, out) {
                return status;
            }
        } else {
            waiting = Some(submitted);
        }
    }

    if let Some(query) = waiting {
        if let Some(status) = submit(&query, repl, out) {
            return status;
        }
    }
    let failed = u8::from(repl.borrow().error_count() > 0);
    if pending.trim().is_empty() {
        return failed;
    }
    let end = all.len();
    let error = Error::at(
        ErrorKind::Syntax,
        end..end,
        "the input ended inside an unfinished query, which was not run",
    )
    .with_hint(
        "close its brackets and ``` strings and complete a trailing `|` or `,`, or end it \
         with an empty line to run it as it is",
    );
    report(&error, &all, "<stdin>")
}

/// Handles one submitted input; returns the exit status when the shell should stop.
fn submit(input: &str, repl: &Rc<RefCell<Repl>>, out: &mut io::Stdout) -> Option<u8> {
    let step = repl.borrow_mut().begin(input, out);
    let handled = match step {
        Ok(Step::Done(Outcome::Quit)) => return Some(0),
        Ok(Step::Done(Outcome::Continue)) => Ok(()),
        Ok(Step::Query(job)) => run_query(job, repl, out),
        Err(error) => Err(error),
    };
    match handled.and_then(|_| out.flush()) {
        Ok(()) => None,
        Err(error) => Some(report_io(&error)),
    }
}

fn read_loop(
    editor: &mut Editor<ShellHelper, DefaultHistory>,
    repl: &Rc<RefCell<Repl>>,
    out: &mut io::Stdout,
) -> u8 {
    loop {
        let width = editor
            .dimensions()
            .map(|(columns, _)| columns)
            .filter(|columns| *columns > 0)
            .unwrap_or(FALLBACK_WIDTH);
        repl.borrow_mut().set_width(Some(width));

        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return 0,
            Err(error) => {
                let error = Error::usage(format!("failed to read input: {error}"));
                return report(&error, "", "");
            }
        };
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(line.as_str());
        }

        if let Some(status) = submit(&line, repl, out) {
            return status;
        }
    }
}

/// Runs a query on a worker thread and waits for it, or for Ctrl-C.
///
/// On Ctrl-C the shell returns to the prompt at once and sets the query's cancel flag.
/// The evaluator checks the flag between operators and every few thousand rows, so the
/// worker thread ends soon after. Its result is dropped.
fn run_query(
    mut job: Box<QueryJob>,
    repl: &Rc<RefCell<Repl>>,
    out: &mut io::Stdout,
) -> io::Result<()> {
    INTERRUPTED.store(false, Ordering::SeqCst);
    let cancel = Arc::new(AtomicBool::new(false));
    job.cancel_with(Arc::clone(&cancel));
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("kql-query".to_string())
        .spawn(move || {
            // The receiver is gone when the user cancelled; the result is not needed.
            let _ = sender.send(job.run());
        })?;
    loop {
        match receiver.recv_timeout(POLL_INTERVAL) {
            Ok(done) => return repl.borrow_mut().finish(done, out),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if INTERRUPTED.swap(false, Ordering::SeqCst) {
                    cancel.store(true, Ordering::SeqCst);
                    return writeln!(out, "\nquery cancelled");
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return writeln!(
                    out,
                    "error: the query failed unexpectedly (its thread panicked)"
                );
            }
        }
    }
}

/// Loads `--data` folders and `--table` files with progress lines; returns false if
/// any failed, since a shell missing a requested table would mislead.
fn load_startup_tables(repl: &mut Repl, args: &ReplArgs, out: &mut io::Stdout) -> io::Result<bool> {
    let mut all_loaded = true;
    for dir in &args.data {
        all_loaded &= repl.load(dir, None, out)?;
    }
    for argument in &args.table {
        match tables::parse_table_argument(argument) {
            Ok((_, "-")) => {
                let error = Error::usage(format!(
                    "--table {argument}: the shell cannot read a table from standard input; give a file"
                ));
                write!(out, "{}", error.render("", ""))?;
                all_loaded = false;
            }
            Ok((name, path)) => all_loaded &= repl.load(Path::new(path), Some(name), out)?,
            Err(error) => {
                write!(out, "{}", error.render("", ""))?;
                all_loaded = false;
            }
        }
    }
    Ok(all_loaded)
}

fn report_io(error: &io::Error) -> u8 {
    let error = Error::output(format!("failed to write to the terminal: {error}"));
    report(&error, "", "")
}

/// Returns the history file, `kql/history.txt` in the user's data folder
/// (`$XDG_DATA_HOME` or `~/.local/share` on Linux), created on first use.
fn history_path() -> Option<PathBuf> {
    let folder = dirs::data_dir()?.join("kql");
    if let Err(error) = std::fs::create_dir_all(&folder) {
        log::warn!(
            "history is not kept: failed to create {}: {error}",
            folder.display()
        );
        return None;
    }
    Some(folder.join("history.txt"))
}

fn new_editor(repl: &Rc<RefCell<Repl>>) -> rustyline::Result<Editor<ShellHelper, DefaultHistory>> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_dups(true)?
        .max_history_size(10_000)?
        .build();
    let mut editor = Editor::with_config(config)?;
    // Alt-Enter starts a new line even when the input is complete, for queries written
    // with `|` at the start of each line.
    editor.bind_sequence(KeyEvent(KeyCode::Enter, Modifiers::ALT), Cmd::Newline);
    editor.set_helper(Some(ShellHelper {
        repl: Rc::clone(repl),
    }));
    Ok(editor)
}

/// Connects rustyline's hooks to the library's completion, highlighting and
/// completeness check.
struct ShellHelper {
    repl: Rc<RefCell<Repl>>,
}

impl Helper for ShellHelper {}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let repl = self.repl.borrow();
        let completion = complete::complete(line, pos, &*repl);
        let pairs = completion
            .candidates
            .into_iter()
            .map(|candidate| Pair {
                display: candidate.display,
                replacement: candidate.replacement,
            })
            .collect();
        Ok((completion.start, pairs))
    }
}

/// A function signature shown after the cursor; it is never inserted.
struct SignatureHint(String);

impl Hint for SignatureHint {
    fn display(&self) -> &str {
        &self.0
    }

    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Hinter for ShellHelper {
    type Hint = SignatureHint;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<SignatureHint> {
        if pos < line.len() {
            return None;
        }
        complete::signature_hint(line).map(|signature| SignatureHint(format!("  {signature}")))
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        let repl = self.repl.borrow();
        let styled = highlight::highlight(line, repl.known_names());
        Cow::Owned(highlight::to_ansi(line, &styled))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        true
    }
}

impl Validator for ShellHelper {
    fn validate(&self, context: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if input::is_complete(context.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}
