//! The JSON reader: an array of row objects, one object per line (JSON lines), or a
//! sequence of objects that may span lines.
//!
//! For `.json` input the start of the file decides the layout. `[` starts an array, which
//! is read one element at a time. Otherwise a first line that contains a whole value marks
//! the file as JSON lines, and a first line that ends inside a value marks it as a
//! sequence of pretty-printed objects. `.jsonl` and `.ndjson` input is always read line by
//! line, so an error names the exact line of a broken record.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, Cursor, Read};
use std::rc::Rc;

use serde::de::{self, Deserializer as _, SeqAccess, Visitor};

use super::raw::{RawCell, RawTable};
use crate::error::Error;

/// Reads rows from JSON input into `raw`. With `lines_only`, every non-blank line must
/// contain exactly one row object.
pub(crate) fn read_json(
    mut reader: impl BufRead,
    origin: &str,
    lines_only: bool,
    raw: &mut RawTable,
) -> Result<(), Error> {
    let source = raw.add_source(origin);
    let input = Input {
        origin,
        source,
        lines_before: skip_blank_lines(&mut reader, origin)?,
    };
    let Some(first_byte) = peek_byte(&mut reader, origin)? else {
        return Ok(());
    };

    if lines_only {
        return read_lines(reader, &input, raw, None);
    }
    if first_byte == b'[' {
        return read_array(reader, &input, raw);
    }

    // Decide between JSON lines and a sequence of multi-line values from the first line.
    let mut first_line = Vec::new();
    reader
        .read_until(b'\n', &mut first_line)
        .map_err(|error| read_error(origin, &error))?;
    let first_line_is_incomplete = matches!(
        serde_json::from_slice::<serde_json::Value>(&first_line),
        Err(error) if error.is_eof()
    );
    if first_line_is_incomplete {
        let rest = Cursor::new(first_line).chain(reader);
        read_sequence(rest, &input, raw)
    } else {
        read_lines(reader, &input, raw, Some(first_line))
    }
}

/// The input being read, for row locations and messages.
struct Input<'a> {
    origin: &'a str,
    source: usize,
    /// Blank lines skipped before the first value, added to every line number.
    lines_before: u64,
}

impl Input<'_> {
    fn invalid_json(&self, line: u64, error: &serde_json::Error, advice: &str) -> Error {
        if error.is_io() {
            return Error::data(format!("failed to read {}: {error}", self.origin));
        }
        // serde_json ends its message with " at line L column C", which gets replaced by the
        // line in the file.
        let text = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let reason = text.strip_suffix(&position).unwrap_or(&text);
        Error::data(format!(
            "invalid JSON at {}:{line}, column {}: {reason}; {advice}",
            self.origin,
            error.column()
        ))
    }

    fn add_row(
        &self,
        raw: &mut RawTable,
        line: u64,
        value: serde_json::Value,
    ) -> Result<(), Error> {
        let serde_json::Value::Object(fields) = value else {
            return Err(Error::data(format!(
                "{}:{line}: expected a JSON object for each row, found {}; \
                 each row must be an object such as {{\"Timestamp\": \"…\", \"DeviceName\": \"…\"}}",
                self.origin,
                json_kind(&value)
            )));
        };
        raw.start_row(self.source, line);
        // NOTE: serde_json keeps only the last value of a key repeated within one object, so
        // earlier duplicates are lost without a warning.
        for (name, value) in fields {
            let column = raw.column_index(&name);
            raw.set_cell(column, RawCell::from_json(value));
        }
        Ok(())
    }
}

/// Consumes leading whitespace and returns how many line breaks it contained.
fn skip_blank_lines(reader: &mut impl BufRead, origin: &str) -> Result<u64, Error> {
    let mut lines = 0;
    loop {
        let buffer = reader
            .fill_buf()
            .map_err(|error| read_error(origin, &error))?;
        if buffer.is_empty() {
            return Ok(lines);
        }
        let mut blank = 0;
        for &byte in buffer.iter().take_while(|byte| byte.is_ascii_whitespace()) {
            blank += 1;
            if byte == b'\n' {
                lines += 1;
            }
        }
        let done = blank < buffer.len();
        reader.consume(blank);
        if done {
            return Ok(lines);
        }
    }
}

fn peek_byte(reader: &mut impl BufRead, origin: &str) -> Result<Option<u8>, Error> {
    let buffer = reader
        .fill_buf()
        .map_err(|error| read_error(origin, &error))?;
    Ok(buffer.first().copied())
}

/// Reads one row object per non-blank line. `first_line` is a line the caller already
/// consumed from `reader`.
fn read_lines(
    mut reader: impl BufRead,
    input: &Input,
    raw: &mut RawTable,
    first_line: Option<Vec<u8>>,
) -> Result<(), Error> {
    let mut line_number = input.lines_before;
    let mut buffer = Vec::new();
    if let Some(line) = first_line {
        line_number += 1;
        read_line(&line, line_number, input, raw)?;
    }
    loop {
        buffer.clear();
        let length = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|error| read_error(input.origin, &error))?;
        if length == 0 {
            return Ok(());
        }
        line_number += 1;
        read_line(&buffer, line_number, input, raw)?;
    }
}

fn read_line(bytes: &[u8], line: u64, input: &Input, raw: &mut RawTable) -> Result<(), Error> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        Error::data(format!(
            "{}:{line}: invalid UTF-8 at byte {} of the line; save the file as UTF-8",
            input.origin,
            error.valid_up_to() + 1
        ))
    })?;
    if text.trim().is_empty() {
        return Ok(());
    }
    // Without the line break, a cut-off record reads as "EOF while parsing …".
    let text = text.trim_end_matches(['\n', '\r']);
    let value = serde_json::from_str(text)
        .map_err(|error| input.invalid_json(line, &error, "fix or remove the line"))?;
    input.add_row(raw, line, value)
}

/// Reads a sequence of JSON values separated only by whitespace, each of which may span
/// lines.
fn read_sequence(reader: impl Read, input: &Input, raw: &mut RawTable) -> Result<(), Error> {
    let tracker = Rc::new(LineTracker::new(input.lines_before + 1));
    let reader = TrackingReader {
        inner: reader,
        tracker: Rc::clone(&tracker),
    };
    let mut values = serde_json::Deserializer::from_reader(reader).into_iter::<serde_json::Value>();
    loop {
        tracker.await_value();
        match values.next() {
            None => return Ok(()),
            Some(Ok(value)) => input.add_row(raw, tracker.value_start_line(), value)?,
            Some(Err(error)) => {
                let line = input.lines_before + error.line() as u64;
                return Err(input.invalid_json(line, &error, "fix the file"));
            }
        }
    }
}

/// Reads a top-level array of row objects, one element at a time.
fn read_array(reader: impl Read, input: &Input, raw: &mut RawTable) -> Result<(), Error> {
    let tracker = Rc::new(LineTracker::new(input.lines_before + 1));
    let reader = TrackingReader {
        inner: reader,
        tracker: Rc::clone(&tracker),
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut rejected: Option<Error> = None;
    let visitor = RowVisitor {
        input,
        raw,
        tracker: &tracker,
        rejected: &mut rejected,
    };
    let result = (&mut deserializer)
        .deserialize_seq(visitor)
        .and_then(|()| deserializer.end());
    match (result, rejected) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(error)) => Err(error),
        (Err(error), None) => {
            let line = input.lines_before + error.line() as u64;
            Err(input.invalid_json(line, &error, "fix the file"))
        }
    }
}

/// Adds each element of the top-level array as a row. A row error is stored in
/// `rejected` and stops the parse with a placeholder serde error.
struct RowVisitor<'a, 'b> {
    input: &'a Input<'b>,
    raw: &'a mut RawTable,
    tracker: &'a LineTracker,
    rejected: &'a mut Option<Error>,
}

impl<'de> Visitor<'de> for RowVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of row objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut elements: A) -> Result<(), A::Error> {
        let RowVisitor {
            input,
            raw,
            tracker,
            rejected,
        } = self;
        loop {
            tracker.await_value();
            let Some(value) = elements.next_element::<serde_json::Value>()? else {
                return Ok(());
            };
            let line = tracker.value_start_line();
            if let Err(error) = input.add_row(raw, line, value) {
                *rejected = Some(error);
                return Err(de::Error::custom("row rejected"));
            }
        }
    }
}

/// Line numbers of the bytes a JSON parser has consumed, and the line where the next
/// value starts.
///
/// serde_json reads a `Read` one byte at a time and looks ahead by at most one byte, so
/// the first byte after [`LineTracker::await_value`] that is not whitespace or a comma is
/// the first byte of the next value.
struct LineTracker {
    line: Cell<u64>,
    awaiting: Cell<bool>,
    start_line: Cell<u64>,
}

impl LineTracker {
    fn new(first_line: u64) -> LineTracker {
        LineTracker {
            line: Cell::new(first_line),
            awaiting: Cell::new(false),
            start_line: Cell::new(first_line),
        }
    }

    fn await_value(&self) {
        self.awaiting.set(true);
    }

    fn value_start_line(&self) -> u64 {
        self.start_line.get()
    }

    fn observe(&self, bytes: &[u8]) {
        for &byte in bytes {
            if self.awaiting.get() && !matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b',') {
                self.start_line.set(self.line.get());
                self.awaiting.set(false);
            }
            if byte == b'\n' {
                self.line.set(self.line.get() + 1);
            }
        }
    }
}

struct TrackingReader<R> {
    inner: R,
    tracker: Rc<LineTracker>,
}

impl<R: Read> Read for TrackingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let length = self.inner.read(buffer)?;
        self.tracker
            .observe(buffer.get(..length).unwrap_or_default());
        Ok(length)
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn read_error(origin: &str, error: &std::io::Error) -> Error {
    Error::data(format!("failed to read {origin}: {error}"))
}
