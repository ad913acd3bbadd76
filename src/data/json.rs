//! The JSON reader: an array of row objects, one object per line (JSON lines), or a
//! sequence of objects that may span lines.
//!
//! For `.json` input the start of the file decides the layout. `[` starts an array, which
//! is read one element at a time. Otherwise a first line that contains a whole value marks
//! the file as JSON lines, and a first line that ends inside a value marks it as a
//! sequence of pretty-printed objects. `.jsonl` and `.ndjson` input is always read line by
//! line, so an error names the exact line of a broken record.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, Cursor, Read};
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use serde::de::{self, Deserializer as _, SeqAccess, Visitor};

use super::raw::{RawCell, RawTable};
use crate::error::Error;

mod row;
mod scan;

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

    /// Returns the error for a row that is not a JSON object, `None` for an object.
    fn not_an_object(&self, line: u64, value: &serde_json::Value) -> Option<Error> {
        if value.is_object() {
            return None;
        }
        Some(Error::data(format!(
            "{}:{line}: expected a JSON object for each row, found {}; \
             each row must be an object such as {{\"Timestamp\": \"…\", \"DeviceName\": \"…\"}}",
            self.origin,
            json_kind(value)
        )))
    }

    fn add_row(
        &self,
        raw: &mut RawTable,
        line: u64,
        value: serde_json::Value,
    ) -> Result<(), Error> {
        if let Some(error) = self.not_an_object(line, &value) {
            return Err(error);
        }
        let serde_json::Value::Object(fields) = value else {
            return Ok(());
        };
        raw.start_row(self.source, line);
        // NOTE: only the last value of a key repeated within one object is kept, so earlier
        // duplicates are lost without a warning. The line reader in `row` does the same.
        for (name, value) in fields {
            if let Some(column) = raw.kept_column_index(&name) {
                raw.set_cell(column, RawCell::from_json(value));
            }
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
        for &byte in buffer
            .iter()
            .take_while(|byte| JSON_WHITESPACE.contains(&char::from(**byte)))
        {
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
///
/// The input is cut into chunks of whole lines, which are parsed on all cores, each into
/// its own [`RawTable`], and appended in input order (see [`for_each_chunk`]).
fn read_lines(
    reader: impl BufRead,
    input: &Input,
    raw: &mut RawTable,
    first_line: Option<Vec<u8>>,
) -> Result<(), Error> {
    read_lines_in_chunks(reader, input, raw, first_line, CHUNK_BYTES)
}

/// The whitespace that JSON allows between values (RFC 8259, section 2).
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// The length of the chunks of whole lines that are parsed in parallel. Typing reads a
/// streamed chunk's kept strings again after the scanner. At 1 MiB the chunk is still in
/// the cache then, and the published query took 5% less CPU time than with 4 MiB chunks.
/// 512 KiB was no faster (`docs/performance.md`).
const CHUNK_BYTES: usize = 1 << 20;

fn read_lines_in_chunks(
    reader: impl BufRead,
    input: &Input,
    raw: &mut RawTable,
    first_line: Option<Vec<u8>>,
    chunk_bytes: usize,
) -> Result<(), Error> {
    let template = raw.empty_like();
    let parse = |chunk: &Chunk| read_chunk(chunk, input, template.empty_like());
    let consume = |part: RawTable, first_line: u64| {
        raw.append_from_line(part, first_line);
        Ok(true)
    };
    let source = ReaderChunks {
        reader,
        pending: first_line.unwrap_or_default(),
        chunk_bytes,
        origin: input.origin,
    };
    let row_error = |line: &[u8], number: u64| line_error(line, number, input);
    for_each_chunk(source, input.lines_before + 1, parse, row_error, consume)
}

/// Reads JSON lines in chunks of whole lines and hands each chunk's rows to `each`, on all
/// cores, then the results to `consume` in input order, until the input ends or `consume`
/// returns `false`. Each chunk's [`RawTable`] comes from `template` and has `origin` as its
/// only source. Its JSON strings may be [`RawCell::Span`] cells in the chunk's bytes,
/// which `each` receives with it, and its row locations count lines from the chunk's
/// first line, because a worker does not know how many lines come before its chunk.
pub(crate) fn read_line_batches<T: Send>(
    reader: impl BufRead,
    origin: &str,
    template: &RawTable,
    each: impl Fn(RawTable, &[u8]) -> Result<T, Error> + Sync,
    consume: impl FnMut(T) -> Result<bool, Error>,
) -> Result<(), Error> {
    let location = Input {
        origin,
        source: 0,
        lines_before: 0,
    };
    let parse = |chunk: &Chunk| {
        let mut part = template.empty_like();
        part.add_source(origin);
        part.borrow_strings_from(&chunk.bytes);
        let (part, lines) = read_chunk(chunk, &location, part)?;
        Ok((each(part, &chunk.bytes)?, lines))
    };
    let row_error = |line: &[u8], number: u64| line_error(line, number, &location);
    let mut consume = consume;
    let consume = |value: T, _first_line: u64| consume(value);
    let source = ReaderChunks {
        reader,
        pending: Vec::new(),
        chunk_bytes: CHUNK_BYTES,
        origin,
    };
    for_each_chunk(source, 1, parse, row_error, consume)
}

/// Cuts a reader's input into chunks, copying each into a buffer.
struct ReaderChunks<'a, R> {
    reader: R,
    /// The bytes after the last chunk's final line break, which start the next chunk.
    pending: Vec<u8>,
    chunk_bytes: usize,
    origin: &'a str,
}

impl<R: BufRead> ReaderChunks<'_, R> {
    /// Returns the next chunk of whole lines, about the chunk size long or one line if
    /// that is longer, and whether the input has ended. `spare` contains spent buffers to
    /// fill again.
    fn next_chunk(&mut self, spare: &mut Vec<Vec<u8>>) -> Result<(Vec<u8>, bool), Error> {
        let buffers = Buffers {
            pending: &mut self.pending,
            spare,
        };
        next_chunk(&mut self.reader, buffers, self.chunk_bytes, self.origin)
    }
}

/// A failure to parse a chunk.
enum ChunkError {
    /// A row that is not a valid JSON object, by its line counted from 1 at the chunk's
    /// first line. A worker does not know how many lines come before its chunk, so the
    /// reading thread, which does, builds the message.
    Row {
        line_in_chunk: u64,
    },
    Other(Error),
}

impl From<Error> for ChunkError {
    fn from(error: Error) -> ChunkError {
        ChunkError::Other(error)
    }
}

/// The outcome of parsing one chunk on a worker thread: the parse result and the chunk's
/// line count, or the payload of a panic, which the reading thread raises again.
type ChunkOutcome<T> = std::thread::Result<Result<(T, u64), ChunkError>>;

/// A worker's report: the chunk's sequence number, the outcome, and the chunk's bytes,
/// whose buffer the reading thread fills again.
type ChunkReport<T> = (u64, ChunkOutcome<T>, Vec<u8>);

/// Cuts the input into chunks of whole lines, runs `parse` on each chunk on rayon's
/// threads, and passes the results with the line number of each chunk's first line to
/// `consume` in input order until the input ends or `consume` returns `false`. Returns
/// the first error in input order; `row_error` builds the error for a row from the row's
/// bytes and line number.
///
/// The calling thread reads the next chunks while the workers parse earlier ones, so
/// reading overlaps with parsing. At most two chunks per rayon thread are read but not yet
/// consumed, which bounds the memory that the input takes.
fn for_each_chunk<T: Send>(
    mut source: ReaderChunks<'_, impl BufRead>,
    first_line_number: u64,
    parse: impl Fn(&Chunk) -> Result<(T, u64), ChunkError> + Sync,
    row_error: impl Fn(&[u8], u64) -> Error,
    mut consume: impl FnMut(T, u64) -> Result<bool, Error>,
) -> Result<(), Error> {
    let max_in_flight = 2 * rayon::current_num_threads() as u64;
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel::<ChunkReport<T>>();
    let parse = &parse;
    let stop_flag = &stop;

    rayon::in_place_scope(|scope| {
        let mut next_line = first_line_number;
        let mut at_end = false;
        let mut dispatched = 0u64;
        let mut consumed = 0u64;
        let mut finished: BTreeMap<u64, (ChunkOutcome<T>, Vec<u8>)> = BTreeMap::new();
        // Spent chunk buffers. Filling a buffer again avoids growing a new one for every
        // chunk, which cost a copy per doubling and fresh zeroed pages from the kernel.
        let mut spare: Vec<Vec<u8>> = Vec::new();

        let mut run = || -> Result<(), Error> {
            loop {
                while !at_end && dispatched - consumed < max_in_flight {
                    let bytes;
                    (bytes, at_end) = source.next_chunk(&mut spare)?;
                    let chunk = Chunk { bytes };
                    let sequence = dispatched;
                    let sender = sender.clone();
                    scope.spawn(move |_| {
                        // After a failure or an early stop, later chunks are not parsed.
                        let outcome = if stop_flag.load(Ordering::Relaxed) {
                            Ok(Err(ChunkError::Other(Error::data("reading stopped"))))
                        } else {
                            std::panic::catch_unwind(AssertUnwindSafe(|| parse(&chunk)))
                        };
                        // The receiver outlives the rayon scope that runs this task, so sending cannot fail.
                        let _ = sender.send((sequence, outcome, chunk.bytes));
                    });
                    dispatched += 1;
                }
                if consumed == dispatched {
                    return Ok(());
                }

                let (outcome, bytes) = loop {
                    if let Some(finished_chunk) = finished.remove(&consumed) {
                        break finished_chunk;
                    }
                    match receiver.recv() {
                        Ok((sequence, outcome, bytes)) => {
                            finished.insert(sequence, (outcome, bytes));
                        }
                        Err(_) => return Err(Error::data("a worker thread stopped")),
                    }
                };
                consumed += 1;
                let result = match outcome {
                    Ok(result) => result,
                    Err(payload) => std::panic::resume_unwind(payload),
                };
                let (value, line_count) = match result {
                    Ok(parsed) => parsed,
                    Err(ChunkError::Other(error)) => return Err(error),
                    Err(ChunkError::Row { line_in_chunk }) => {
                        let line = nth_line(&bytes, line_in_chunk).unwrap_or_default();
                        return Err(row_error(line, next_line + line_in_chunk - 1));
                    }
                };
                let first_line = next_line;
                next_line += line_count;
                if spare.len() < max_in_flight as usize {
                    spare.push(bytes);
                }
                if !consume(value, first_line)? {
                    return Ok(());
                }
            }
        };
        let outcome = run();
        stop_flag.store(true, Ordering::Relaxed);
        outcome
    })
}

/// Whole lines of the input.
struct Chunk {
    bytes: Vec<u8>,
}

/// Returns line `number` of `bytes`, counted from 1, with its line break.
fn nth_line(bytes: &[u8], number: u64) -> Option<&[u8]> {
    let mut start = 0;
    for _ in 1..number {
        start += memchr::memchr(b'\n', bytes.get(start..)?)? + 1;
    }
    let rest = bytes.get(start..)?;
    let length = memchr::memchr(b'\n', rest).map_or(rest.len(), |end| end + 1);
    rest.get(..length)
}

/// Returns the next chunk of whole lines, about `chunk_bytes` long or one line if that is
/// longer, and whether the input has ended. `pending` carries the bytes after the chunk's
/// last line break to the next call.
fn next_chunk(
    reader: &mut impl BufRead,
    buffers: Buffers<'_>,
    chunk_bytes: usize,
    origin: &str,
) -> Result<(Vec<u8>, bool), Error> {
    let Buffers { pending, spare } = buffers;
    let mut searched = 0;
    loop {
        let at_end = fill(reader, pending, searched + chunk_bytes, origin)?;
        let cut = match memchr::memrchr(b'\n', pending.get(searched..).unwrap_or_default()) {
            Some(offset) => searched + offset + 1,
            None if at_end => pending.len(),
            None => {
                searched = pending.len();
                continue;
            }
        };
        let mut rest = spare.pop().unwrap_or_default();
        rest.clear();
        rest.extend_from_slice(pending.get(cut..).unwrap_or_default());
        pending.truncate(cut);
        let chunk = std::mem::replace(pending, rest);
        return Ok((chunk, at_end && pending.is_empty()));
    }
}

/// The buffer that [`next_chunk`] fills, which starts with the bytes after the last
/// chunk, and the spent buffers to take the next one from.
struct Buffers<'a> {
    pending: &'a mut Vec<u8>,
    spare: &'a mut Vec<Vec<u8>>,
}

/// Reads from `reader` until `buffer` contains `length` bytes or the input ends; returns
/// whether it ended.
fn fill(
    reader: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    length: usize,
    origin: &str,
) -> Result<bool, Error> {
    let wanted = length.saturating_sub(buffer.len());
    // One allocation for the whole chunk, instead of doubling while reading.
    buffer.reserve(wanted);
    // `Take::read_to_end` reads into the vector's spare capacity, and a `BufReader` with
    // an empty buffer passes large reads straight to the file, so the bytes are copied once.
    let read = reader
        .by_ref()
        .take(wanted as u64)
        .read_to_end(buffer)
        .map_err(|error| read_error(origin, &error))?;
    Ok(read < wanted)
}

/// Reads the rows of one chunk into `part` and returns it with the chunk's line count.
/// Row locations count lines from 1 at the chunk's first line.
fn read_chunk(
    chunk: &Chunk,
    input: &Input,
    mut part: RawTable,
) -> Result<(RawTable, u64), ChunkError> {
    let mut cache = row::KeyCache::default();
    let mut line_start = 0;
    let mut line = 1;
    while line_start < chunk.bytes.len() {
        let rest = chunk.bytes.get(line_start..).unwrap_or_default();
        let length = memchr::memchr(b'\n', rest).map_or(rest.len(), |end| end + 1);
        let bytes = rest.get(..length).unwrap_or_default();
        if read_line(bytes, line, input, &mut part, &mut cache).is_err() {
            return Err(ChunkError::Row {
                line_in_chunk: line,
            });
        }
        line_start += length;
        line += 1;
    }
    Ok((part, line - 1))
}

/// Returns the error for the row `bytes` at line `number`, which a worker found invalid.
fn line_error(bytes: &[u8], number: u64, input: &Input) -> Error {
    let mut scratch = RawTable::default();
    match read_line(
        bytes,
        number,
        input,
        &mut scratch,
        &mut row::KeyCache::default(),
    ) {
        Err(error) => error,
        Ok(()) => Error::data(format!(
            "{}:{number}: failed to read the row; fix or remove the line",
            input.origin
        )),
    }
}

fn read_line(
    bytes: &[u8],
    line: u64,
    input: &Input,
    raw: &mut RawTable,
    cache: &mut row::KeyCache,
) -> Result<(), Error> {
    // simdutf8 checks with SIMD instructions; its error carries no position, so the
    // standard library's check, run only then, gives the message.
    let text = simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|error| {
            Error::data(format!(
                "{}:{line}: invalid UTF-8 at byte {} of the line; save the file as UTF-8",
                input.origin,
                error.valid_up_to() + 1
            ))
        })?;
    // Only JSON's whitespace makes a line blank; a line of other whitespace, such as a
    // no-break space, is invalid JSON.
    if text.trim_matches(JSON_WHITESPACE).is_empty() {
        return Ok(());
    }
    // Without the line break, a cut-off record reads as "EOF while parsing …".
    let text = text.trim_end_matches(['\n', '\r']);
    raw.start_row(input.source, line);
    if scan::read_row(text, raw, cache) {
        return Ok(());
    }
    let Err(row_error) = row::read_row(text, raw, cache) else {
        return Ok(());
    };
    // Parse the line again for the message: it is invalid JSON or not an object.
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|error| input.invalid_json(line, &error, "fix or remove the line"))?;
    Err(input
        .not_an_object(line, &value)
        .unwrap_or_else(|| input.invalid_json(line, &row_error, "fix or remove the line")))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_in_chunks(text: &str, chunk_bytes: usize) -> Result<RawTable, Error> {
        let mut raw = RawTable::default();
        let input = Input {
            origin: "test.jsonl",
            source: raw.add_source("test.jsonl"),
            lines_before: 0,
        };
        read_lines_in_chunks(text.as_bytes(), &input, &mut raw, None, chunk_bytes)?;
        raw.finish();
        Ok(raw)
    }

    #[test]
    fn chunk_error_after_blank_line_names_line() {
        let text = "{\"A\":1}\n\n{\"A\":2}\n{\"A\":3}\n{\"A\":tru}\n{\"A\":5}\n";
        for chunk_bytes in [1, 9, 20, 4096] {
            let input = Input {
                origin: "test.jsonl",
                source: 0,
                lines_before: 0,
            };
            let template = RawTable::default();
            let parse = |chunk: &Chunk| read_chunk(chunk, &input, template.empty_like());
            let consume = |_: RawTable, _: u64| Ok(true);
            let source = ReaderChunks {
                reader: text.as_bytes(),
                pending: Vec::new(),
                chunk_bytes,
                origin: "test.jsonl",
            };
            let row_error = |line: &[u8], number: u64| line_error(line, number, &input);
            let message = match for_each_chunk(source, 1, parse, row_error, consume) {
                Ok(()) => panic!("chunks of {chunk_bytes}: no error"),
                Err(error) => error.message,
            };
            assert!(
                message.starts_with("invalid JSON at test.jsonl:5,"),
                "chunks of {chunk_bytes}: {message}"
            );
        }
    }

    #[test]
    fn chunks_cut_after_line_breaks() {
        let text = b"ab\ncdefgh\ni\n";
        let mut source = ReaderChunks {
            reader: &text[..],
            pending: Vec::new(),
            chunk_bytes: 4,
            origin: "test.jsonl",
        };
        let mut cuts = Vec::new();
        loop {
            let (bytes, at_end) = match source.next_chunk(&mut Vec::new()) {
                Ok(next) => next,
                Err(error) => panic!("{}", error.message),
            };
            cuts.push(String::from_utf8_lossy(&bytes).into_owned());
            if at_end {
                break;
            }
        }
        assert_eq!(cuts, ["ab\n", "cdefgh\n", "i\n"]);
    }

    #[test]
    fn small_chunks_keep_rows_in_order() {
        let long_value = "x".repeat(50);
        let text = format!("{{\"A\":1}}\n\n{{\"B\":\"{long_value}\"}}\r\n{{\"A\":3}}\n{{\"A\":4}}");
        for chunk_bytes in [1, 7, 12, 64, 4096] {
            let raw = match read_in_chunks(&text, chunk_bytes) {
                Ok(raw) => raw,
                Err(error) => panic!("chunks of {chunk_bytes}: {error}"),
            };
            let lines: Vec<String> = (0..raw.rows.len()).map(|row| raw.location(row)).collect();
            assert_eq!(
                lines,
                [
                    "test.jsonl:1",
                    "test.jsonl:3",
                    "test.jsonl:4",
                    "test.jsonl:5"
                ],
                "chunks of {chunk_bytes}"
            );
            assert_eq!(
                raw.columns[0].cells,
                [
                    RawCell::Number(1.into()),
                    RawCell::Absent,
                    RawCell::Number(3.into()),
                    RawCell::Number(4.into())
                ],
                "chunks of {chunk_bytes}"
            );
            assert_eq!(
                raw.columns[1].cells[1],
                RawCell::JsonString(long_value.as_str().into())
            );
        }
    }

    #[test]
    fn error_in_later_chunk_names_its_line() {
        let text = "{\"A\":1}\n{\"A\":2}\n{\"A\":3}\n[4]\n{\"A\":5\n";
        for chunk_bytes in [1, 10, 4096] {
            let message = match read_in_chunks(text, chunk_bytes) {
                Ok(_) => panic!("chunks of {chunk_bytes}: no error"),
                Err(error) => error.message,
            };
            assert!(
                message.starts_with("test.jsonl:4: expected a JSON object"),
                "{message}"
            );
        }
    }

    #[test]
    fn first_error_in_input_order_wins() {
        let text = "{\"A\":1}\n{\"A\":tru}\n{\"A\":3}\n{\"A\":4}\n[5]\n";
        for chunk_bytes in [1, 9, 4096] {
            let message = match read_in_chunks(text, chunk_bytes) {
                Ok(_) => panic!("chunks of {chunk_bytes}: no error"),
                Err(error) => error.message,
            };
            assert!(
                message.starts_with("invalid JSON at test.jsonl:2,"),
                "chunks of {chunk_bytes}: {message}"
            );
        }
    }

    #[test]
    fn chunks_stop_when_consumer_stops() {
        let text = "{\"A\":1}\n".repeat(20);
        let source = ReaderChunks {
            reader: text.as_bytes(),
            pending: Vec::new(),
            chunk_bytes: 8,
            origin: "test.jsonl",
        };
        let parse = |chunk: &Chunk| {
            let lines = memchr::memchr_iter(b'\n', &chunk.bytes).count() as u64;
            Ok(((), lines))
        };
        let mut first_lines = Vec::new();
        let consume = |(), first_line: u64| {
            first_lines.push(first_line);
            Ok(first_lines.len() < 3)
        };
        let row_error = |_: &[u8], number: u64| Error::data(format!("line {number}"));
        if let Err(error) = for_each_chunk(source, 1, parse, row_error, consume) {
            panic!("{}", error.message);
        }
        assert_eq!(first_lines, [1, 2, 3]);
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let message = match read_in_chunks("{\"A\":1}\n{\"A\":tru}\n", 4) {
            Ok(_) => panic!("no error"),
            Err(error) => error.message,
        };
        assert!(
            message.starts_with("invalid JSON at test.jsonl:2, column"),
            "{message}"
        );
    }
}
