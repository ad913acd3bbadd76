//! `format_datetime` and `format_timespan`: custom formats built from the elements the
//! KQL reference lists (learn.microsoft.com/kusto/query/format-datetime-function and
//! format-timespan-function). A format with any other letter is rejected, at bind time
//! when the format is a constant, so that no element is silently printed wrong.

use std::sync::Arc;

use chrono::{Datelike, Timelike};

use super::{expect_arg, Argument, EvalContext, Prepared, TEXT};
use crate::value::{ticks_to_naive, Type, Value, TICKS_PER_SECOND};

/// One piece of a parsed format.
#[derive(Debug, Clone, PartialEq)]
enum Element {
    /// A run of one format letter, such as `yyyy` (`'y'`, 4).
    Field(char, usize),
    /// A delimiter copied to the output.
    Literal(char),
}

/// The delimiters the reference allows between elements.
const DELIMITERS: &[char] = &[' ', '/', '-', ':', ',', '.', '_', '[', ']'];

/// Splits a format into elements, accepting only the letters and run lengths in
/// `fields` (letter, longest run).
fn parse_format(format: &str, fields: &[(char, &[usize])]) -> Result<Vec<Element>, String> {
    let mut elements = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if DELIMITERS.contains(&c) {
            elements.push(Element::Literal(c));
            continue;
        }
        let mut run = 1;
        while chars.next_if_eq(&c).is_some() {
            run += 1;
        }
        let allowed = fields
            .iter()
            .find(|(letter, _)| *letter == c)
            .is_some_and(|(_, lengths)| lengths.contains(&run));
        if !allowed {
            let element: String = std::iter::repeat_n(c, run).collect();
            return Err(format!("format element `{element}` is not supported"));
        }
        elements.push(Element::Field(c, run));
    }
    Ok(elements)
}

const FRACTION_RUNS: &[usize] = &[1, 2, 3, 4, 5, 6, 7];

const DATETIME_FIELDS: &[(char, &[usize])] = &[
    ('d', &[1, 2]),
    ('f', FRACTION_RUNS),
    ('F', FRACTION_RUNS),
    ('h', &[1, 2]),
    ('H', &[1, 2]),
    ('m', &[1, 2]),
    ('M', &[1, 2]),
    ('s', &[1, 2]),
    ('y', &[1, 2, 4]),
    ('t', &[2]),
];

const TIMESPAN_FIELDS: &[(char, &[usize])] = &[
    ('d', &[1, 2, 3, 4, 5, 6, 7, 8]),
    ('f', FRACTION_RUNS),
    ('F', FRACTION_RUNS),
    ('h', &[1, 2]),
    ('H', &[1, 2]),
    ('m', &[1, 2]),
    ('s', &[1, 2]),
];

/// Writes `digits` leading digits of a 7-digit tick fraction; `F` drops trailing zeros
/// and prints nothing for zero.
fn push_fraction(out: &mut String, fraction: i64, digits: usize, trim: bool) {
    let text = format!("{fraction:07}");
    let Some(leading) = text.get(..digits) else {
        return;
    };
    if trim {
        out.push_str(leading.trim_end_matches('0'));
    } else {
        out.push_str(leading);
    }
}

fn pad(out: &mut String, value: i64, width: usize) {
    out.push_str(&format!("{value:0width$}"));
}

fn render_datetime(elements: &[Element], ticks: i64) -> Option<String> {
    let date = ticks_to_naive(ticks)?;
    let fraction = ticks.rem_euclid(TICKS_PER_SECOND);
    let mut out = String::new();
    for element in elements {
        match *element {
            Element::Literal(c) => out.push(c),
            Element::Field(letter, run) => match letter {
                'd' => pad(&mut out, i64::from(date.day()), run),
                'f' => push_fraction(&mut out, fraction, run, false),
                'F' => push_fraction(&mut out, fraction, run, true),
                'h' => {
                    let hour = date.hour() % 12;
                    pad(&mut out, i64::from(if hour == 0 { 12 } else { hour }), run)
                }
                'H' => pad(&mut out, i64::from(date.hour()), run),
                'm' => pad(&mut out, i64::from(date.minute()), run),
                'M' => pad(&mut out, i64::from(date.month()), run),
                's' => pad(&mut out, i64::from(date.second()), run),
                'y' if run == 4 => pad(&mut out, i64::from(date.year()), 4),
                'y' => pad(&mut out, i64::from(date.year()).rem_euclid(100), run),
                _ => out.push_str(if date.hour() < 12 { "AM" } else { "PM" }),
            },
        }
    }
    Some(out)
}

/// NOTE: a negative timespan prints its magnitude, as .NET custom timespan formats do.
fn render_timespan(elements: &[Element], ticks: i64) -> String {
    let magnitude = ticks.unsigned_abs();
    let per_second = TICKS_PER_SECOND as u64;
    let fraction = (magnitude % per_second) as i64;
    let seconds = magnitude / per_second;
    let mut out = String::new();
    for element in elements {
        match *element {
            Element::Literal(c) => out.push(c),
            Element::Field(letter, run) => {
                let value = match letter {
                    'd' => seconds / 86_400,
                    'h' | 'H' => seconds / 3_600 % 24,
                    'm' => seconds / 60 % 60,
                    's' => seconds % 60,
                    'f' => {
                        push_fraction(&mut out, fraction, run, false);
                        continue;
                    }
                    _ => {
                        push_fraction(&mut out, fraction, run, true);
                        continue;
                    }
                };
                pad(&mut out, value as i64, run);
            }
        }
    }
    out
}

pub(super) fn format_datetime_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(
        args,
        0,
        &[Type::DateTime, Type::Dynamic],
        "the date of format_datetime()",
    )?;
    expect_arg(args, 1, TEXT, "the format of format_datetime()")?;
    Ok(Type::String)
}

pub(super) fn format_timespan_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(
        args,
        0,
        &[Type::Timespan, Type::Dynamic],
        "the timespan of format_timespan()",
    )?;
    expect_arg(args, 1, TEXT, "the format of format_timespan()")?;
    Ok(Type::String)
}

fn datetime_ticks(value: &Value) -> Option<i64> {
    match crate::value::convert(value, Type::DateTime)? {
        Value::DateTime(ticks) => Some(ticks),
        _ => None,
    }
}

fn timespan_ticks(value: &Value) -> Option<i64> {
    match crate::value::convert(value, Type::Timespan)? {
        Value::Timespan(ticks) => Some(ticks),
        _ => None,
    }
}

fn format_datetime_with(elements: &[Element], value: &Value) -> Value {
    let text = datetime_ticks(value).and_then(|ticks| render_datetime(elements, ticks));
    Value::from(text.unwrap_or_default())
}

fn format_timespan_with(elements: &[Element], value: &Value) -> Value {
    let text = timespan_ticks(value).map(|ticks| render_timespan(elements, ticks));
    Value::from(text.unwrap_or_default())
}

/// `format_datetime(date, format)`: a null date gives `""`.
pub(super) fn format_datetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let elements = parse_format(&args[1].to_kusto_string(), DATETIME_FIELDS)?;
    Ok(format_datetime_with(&elements, &args[0]))
}

/// `format_timespan(span, format)`: a null timespan gives `""`.
pub(super) fn format_timespan(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let elements = parse_format(&args[1].to_kusto_string(), TIMESPAN_FIELDS)?;
    Ok(format_timespan_with(&elements, &args[0]))
}

fn constant_format(arguments: &[Argument<'_>]) -> Option<String> {
    arguments
        .get(1)
        .and_then(|argument| argument.constant)
        .map(Value::to_kusto_string)
}

pub(super) fn prepare_format_datetime(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let Some(format) = constant_format(arguments) else {
        return Ok(Prepared::default());
    };
    let elements = parse_format(&format, DATETIME_FIELDS)?;
    Ok(Prepared {
        result_type: None,
        eval: Some(Arc::new(move |args: &[Value], _: &_| {
            Ok(format_datetime_with(&elements, &args[0]))
        })),
    })
}

pub(super) fn prepare_format_timespan(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let Some(format) = constant_format(arguments) else {
        return Ok(Prepared::default());
    };
    let elements = parse_format(&format, TIMESPAN_FIELDS)?;
    Ok(Prepared {
        result_type: None,
        eval: Some(Arc::new(move |args: &[Value], _: &_| {
            Ok(format_timespan_with(&elements, &args[0]))
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_datetime;

    fn format_date(date: &str, format: &str) -> String {
        let ticks = parse_datetime(date).expect("valid date");
        let args = [Value::DateTime(ticks), Value::from(format)];
        format_datetime(&args, &EvalContext::for_tests())
            .expect("valid format")
            .to_kusto_string()
    }

    // learn.microsoft.com/kusto/query/format-datetime-function
    #[test]
    fn format_datetime_reference_examples() {
        let date = "2017-01-29 09:00:05";
        assert_eq!(
            format_date(date, "yy-MM-dd [HH:mm:ss]"),
            "17-01-29 [09:00:05]"
        );
        assert_eq!(
            format_date(date, "yyyy-M-dd [H:mm:ss]"),
            "2017-1-29 [9:00:05]"
        );
        assert_eq!(
            format_date(date, "yy-MM-dd [hh:mm:ss tt]"),
            "17-01-29 [09:00:05 AM]"
        );
    }

    // The element table of learn.microsoft.com/kusto/query/format-datetime-function.
    #[test]
    fn format_datetime_element_table() {
        assert_eq!(format_date("2009-06-15T13:45:30.6170000", "f"), "6");
        assert_eq!(format_date("2009-06-15T13:45:30.0050000", "ff"), "00");
        assert_eq!(format_date("2009-06-15T13:45:30.0500000", "F"), "");
        assert_eq!(
            format_date("2009-06-15T13:45:30.0001150", "FFFFFFF"),
            "000115"
        );
        assert_eq!(
            format_date("2009-06-15T13:45:30.6175425", "fffffff"),
            "6175425"
        );
        assert_eq!(format_date("2009-06-15T13:45:30", "h"), "1");
        assert_eq!(format_date("2009-06-15T01:45:30", "hh"), "01");
        assert_eq!(format_date("2009-06-15T13:45:30", "tt"), "PM");
        assert_eq!(format_date("2019-06-15T13:45:30", "y"), "19");
        assert_eq!(format_date("2009-06-15T13:45:30", "y"), "9");
        assert_eq!(format_date("1900-01-01T00:00:00", "yy"), "00");
        assert_eq!(format_date("0900-01-01T00:00:00", "yyyy"), "0900");
    }

    #[test]
    fn format_datetime_rejects_unknown_elements() {
        let args = [Value::DateTime(0), Value::from("MMM dd")];
        assert!(format_datetime(&args, &EvalContext::for_tests()).is_err());
        let format = Value::from("yyyy Q");
        let arguments = [
            Argument {
                ty: Type::DateTime,
                constant: None,
            },
            Argument {
                ty: Type::String,
                constant: Some(&format),
            },
        ];
        assert!(prepare_format_datetime(&arguments).is_err());
    }

    #[test]
    fn format_null_is_empty() {
        let args = [Value::Null, Value::from("yyyy")];
        let result = format_datetime(&args, &EvalContext::for_tests()).expect("valid format");
        assert_eq!(result, Value::from(""));
        let args = [Value::Null, Value::from("dd")];
        let result = format_timespan(&args, &EvalContext::for_tests()).expect("valid format");
        assert_eq!(result, Value::from(""));
    }

    // learn.microsoft.com/kusto/query/format-timespan-function
    #[test]
    fn format_timespan_reference_examples() {
        let span = crate::value::parse_timespan("29.09:00:05.12345").expect("valid timespan");
        let format = |text: &str| {
            format_timespan(
                &[Value::Timespan(span), Value::from(text)],
                &EvalContext::for_tests(),
            )
            .expect("valid format")
            .to_kusto_string()
        };
        assert_eq!(format("dd.hh:mm:ss:FF"), "29.09:00:05:12");
        assert_eq!(format("ddd.h:mm:ss [fffffff]"), "029.9:00:05 [1234500]");
    }
}
