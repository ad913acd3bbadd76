//! The CSV reader: a header row, then one row per record, quoted as RFC 4180 describes
//! (fields may contain commas, doubled quotes and line breaks).
//!
//! Every field stays text here, and an empty field is an absent value. Header names lose a
//! trailing bracketed note such as ` [UTC]`, which the Azure portal adds to time columns
//! (`TimeGenerated [UTC]`). Any other note (`[Local Time]`, `[UTC+02:00]`, `[CET]`)
//! stops loading, because it may name another time zone and the values hold no offset.

use std::collections::{HashMap, VecDeque};
use std::io::Read;

use ::csv::{ByteRecord, ReaderBuilder};

use super::raw::{strip_note, RawCell, RawTable};
use crate::error::Error;

/// Reads a CSV header and its rows into `raw`. Empty input adds nothing.
pub(crate) fn read_csv(reader: impl Read, origin: &str, raw: &mut RawTable) -> Result<(), Error> {
    let source = raw.add_source(origin);
    let mut records = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(LineCounter::new(reader));
    let mut record = ByteRecord::new();

    let has_header = records
        .read_byte_record(&mut record)
        .map_err(|error| csv_error(origin, &error))?;
    if !has_header {
        return Ok(());
    }
    let header_line = records.get_mut().line_at(record_offset(&record));
    let mut multiline_record_line = has_line_break(&record).then_some(header_line);
    let names = header_names(&record, origin, header_line)?;
    // A header of one field with a `;` or a tab is taken as a file split by that character
    // once the first row has it too, since a quoted header may hold it.
    let mut other_separator = match names.as_slice() {
        [only] => [';', '\t'].into_iter().find(|c| only.contains(*c)),
        _ => None,
    };
    let columns: Vec<Option<usize>> = names
        .iter()
        .map(|name| raw.kept_column_index(name))
        .collect();

    while records
        .read_byte_record(&mut record)
        .map_err(|error| csv_error(origin, &error))?
    {
        let line = records.get_mut().line_at(record_offset(&record));
        multiline_record_line = has_line_break(&record).then_some(line);
        if let Some(separator) = other_separator.take() {
            let split = record.len() == 1 && record[0].contains(&(separator as u8));
            if split {
                let shown = if separator == '\t' { "a tab" } else { "`;`" };
                return Err(Error::data(format!(
                    "{origin}:{header_line}: the header is one column, `{}`, and its rows \
                     are split by {shown} too; kql reads comma-separated files, so save the \
                     file with commas between fields",
                    names[0]
                )));
            }
        }
        if record.len() != columns.len() {
            return Err(Error::data(format!(
                "{origin}:{line}: row has {} fields but the header has {}; \
                 quote fields that contain commas, quotes or line breaks, or fix the row",
                record.len(),
                columns.len()
            )));
        }
        raw.start_row(source, line);
        for ((field, &column), name) in record.iter().zip(&columns).zip(&names) {
            let Some(column) = column else {
                continue;
            };
            if field.is_empty() {
                continue;
            }
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::data(format!(
                    "{origin}:{line}: invalid UTF-8 in column `{name}`; save the file as UTF-8"
                ))
            })?;
            raw.set_cell(column, RawCell::Text(text.into()));
        }
    }

    // The csv crate ends a quoted field that is still open at the end of the input without
    // an error, which hides every later row inside that field. An odd number of quote
    // characters and a last record spanning lines is taken as that case. A stray quote in
    // an unquoted field also makes the count odd, hence the second condition.
    let unclosed_quote = records.get_ref().quote_count % 2 == 1;
    if let (true, Some(line)) = (unclosed_quote, multiline_record_line) {
        return Err(Error::data(format!(
            "{origin}:{line}: a quoted field in this row is never closed, so the rest of the \
             file was read into it; add the closing quote (a quote inside a quoted field is \
             written as two quotes)"
        )));
    }
    Ok(())
}

fn has_line_break(record: &ByteRecord) -> bool {
    record.iter().any(|field| field.contains(&b'\n'))
}

/// Returns the column names of a header record, cleaned with [`clean_header`]. Duplicate
/// names are an error because each column must be addressable by name.
fn header_names(record: &ByteRecord, origin: &str, line: u64) -> Result<Vec<String>, Error> {
    let mut names = Vec::with_capacity(record.len());
    let mut positions: HashMap<String, usize> = HashMap::new();
    for (index, field) in record.iter().enumerate() {
        let position = index + 1;
        let text = std::str::from_utf8(field).map_err(|_| {
            Error::data(format!(
                "{origin}:{line}: invalid UTF-8 in header field {position}; save the file as UTF-8"
            ))
        })?;
        if let Some(note) = time_zone_note(text) {
            return Err(Error::data(format!(
                "{origin}:{line}: header field {position}, `{text}`, has the note `{note}`, \
                 which does not name UTC. kql drops only a note that does, such as `[UTC]`, \
                 and would read times in another zone as UTC. Export with the portal's time \
                 zone set to UTC, or remove the note if the column contains no times"
            )));
        }
        let name = clean_header(text, position);
        if let Some(earlier) = positions.insert(name.clone(), position) {
            return Err(Error::data(format!(
                "{origin}:{line}: header fields {earlier} and {position} both name column `{name}`; \
                 rename one of them"
            )));
        }
        names.push(name);
    }
    Ok(names)
}

/// Returns a note of a header field that kql cannot read as "UTC": every trailing
/// ` [note]` other than `[UTC]` (or a zero offset such as `[UTC+00:00]`), and a trailing
/// ` (note)` that names a time zone (`(Local Time)`). The Azure portal marks the display
/// time zone of time columns this way. A time in another zone would be read as UTC, so
/// only notes that name UTC are dropped.
fn time_zone_note(text: &str) -> Option<&str> {
    let mut rest = text.trim();
    while rest.ends_with(']') {
        let Some(at) = rest.rfind(" [") else {
            break;
        };
        let note = rest[at + 2..rest.len() - 1].trim();
        if !is_utc_note(note) {
            return Some(note);
        }
        rest = rest[..at].trim_end();
    }
    let inner = rest.strip_suffix(')')?;
    let note = inner.rsplit_once(" (")?.1.trim();
    let lower = note.to_ascii_lowercase();
    ["local", "utc", "gmt", "time zone"]
        .iter()
        .any(|word| lower.contains(word))
        .then_some(note)
}

/// Returns true for a note that names UTC: `UTC`, `GMT`, or either with a zero offset.
fn is_utc_note(note: &str) -> bool {
    let lower = note.to_ascii_lowercase();
    let Some(offset) = lower
        .strip_prefix("utc")
        .or_else(|| lower.strip_prefix("gmt"))
    else {
        return false;
    };
    let digits = offset.trim().trim_start_matches(['+', '-', '\u{2212}']);
    offset.trim().is_empty()
        || (!digits.is_empty() && digits.chars().all(|c| matches!(c, '0' | ':')))
}

/// Turns a header field into a column name: trims spaces, drops a trailing bracketed note
/// (`TimeGenerated [UTC]` becomes `TimeGenerated`), and names an empty field by its
/// position (`Column1`, `Column2`, …).
fn clean_header(text: &str, position: usize) -> String {
    let name = strip_note(text);
    if name.is_empty() {
        format!("Column{position}")
    } else {
        name.to_string()
    }
}

fn record_offset(record: &ByteRecord) -> u64 {
    record.position().map_or(0, |position| position.byte())
}

/// Counts line breaks and quotes in the bytes the CSV parser reads, to give each record the
/// line it starts on and to detect a quote that is never closed.
///
/// The csv crate's own line numbers (checked with csv 1.4) are one too low after a `\r\n`
/// line end, because the `\r` ends the record and the `\n` is counted only while reading
/// the next one. A record starting at byte offset `b` starts on the line after every `\n`
/// at an offset up to `b`. After `\n` the next record starts one byte later, and after
/// `\r\n` it starts at the `\n`.
struct LineCounter<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// Offsets of line breaks read but not yet passed by a record.
    pending_breaks: VecDeque<u64>,
    /// Line breaks before the last record asked about.
    breaks_passed: u64,
    /// `"` characters read so far.
    quote_count: u64,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            offset: 0,
            pending_breaks: VecDeque::new(),
            breaks_passed: 0,
            quote_count: 0,
        }
    }

    /// Returns the 1-based line of the record at this byte offset. Offsets must not
    /// decrease between calls.
    fn line_at(&mut self, record_offset: u64) -> u64 {
        while self
            .pending_breaks
            .front()
            .is_some_and(|&offset| offset <= record_offset)
        {
            self.pending_breaks.pop_front();
            self.breaks_passed += 1;
        }
        self.breaks_passed + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let length = self.inner.read(buffer)?;
        let bytes = buffer.get(..length).unwrap_or_default();
        for (index, &byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => self.pending_breaks.push_back(self.offset + index as u64),
                b'"' => self.quote_count += 1,
                _ => {}
            }
        }
        self.offset += length as u64;
        Ok(length)
    }
}

/// Reports a failure of the csv crate. With flexible records and byte records, only reading
/// the input can fail, so no line number is given.
fn csv_error(origin: &str, error: &::csv::Error) -> Error {
    Error::data(format!("failed to read {origin}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zone_notes_are_found() {
        assert_eq!(
            time_zone_note("TimeGenerated [Local Time]"),
            Some("Local Time")
        );
        assert_eq!(
            time_zone_note("TimeGenerated [UTC+02:00]"),
            Some("UTC+02:00")
        );
        assert_eq!(time_zone_note("Timestamp [GMT-5]"), Some("GMT-5"));
        assert_eq!(time_zone_note("TimeGenerated [UTC]"), None);
        assert_eq!(time_zone_note("TimeGenerated [UTC+00:00]"), None);
        assert_eq!(time_zone_note("TimeGenerated"), None);
        assert_eq!(time_zone_note("Tags[0]"), None);
        // Any other bracketed note could be a time zone, so none is dropped.
        assert_eq!(time_zone_note("TimeGenerated [CET]"), Some("CET"));
        assert_eq!(
            time_zone_note("TimeGenerated [Local Time] [UTC]"),
            Some("Local Time")
        );
        assert_eq!(
            time_zone_note("TimeGenerated [UTC\u{2212}05:00]"),
            Some("UTC\u{2212}05:00")
        );
        assert_eq!(
            time_zone_note("TimeGenerated (Local Time)"),
            Some("Local Time")
        );
        assert_eq!(time_zone_note("Count (approx)"), None);
    }

    #[test]
    fn header_notes_are_dropped() {
        assert_eq!(clean_header("TimeGenerated [UTC]", 1), "TimeGenerated");
        assert_eq!(clean_header("EventTime [Local Time]", 2), "EventTime");
        assert_eq!(clean_header(" Computer ", 3), "Computer");
        assert_eq!(clean_header("Tags[0]", 4), "Tags[0]");
        assert_eq!(clean_header("", 5), "Column5");
    }
}
