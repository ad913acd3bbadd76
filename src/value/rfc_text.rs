//! The RFC 822 and RFC 850 datetime forms that Kusto's datetime reference lists
//! (learn.microsoft.com/kusto/query/scalar-data-types/datetime) and chrono's RFC 2822
//! parser rejects: the forms without a zone (`Sat, 8 Nov 14 15:05:02`, `8 Nov 14 15:05`)
//! and RFC 850's dashes and full weekday names (`Saturday, 08-Nov-14 15:05:02 GMT`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("Monday", Weekday::Mon),
    ("Tuesday", Weekday::Tue),
    ("Wednesday", Weekday::Wed),
    ("Thursday", Weekday::Thu),
    ("Friday", Weekday::Fri),
    ("Saturday", Weekday::Sat),
    ("Sunday", Weekday::Sun),
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Parses `[weekday, ]day month year time [GMT|UTC]`, where the date is `8 Nov 14` or
/// `08-Nov-14` and the time is `15:05` or `15:05:02`. The text is UTC. A weekday that does
/// not match the date gives `None`, as any other text outside these forms does.
pub(super) fn parse_rfc_822_or_850(text: &str) -> Option<NaiveDateTime> {
    let text = strip_utc_zone(text.trim());
    let (weekday, rest) = match text.split_once(',') {
        Some((name, rest)) => (Some(parse_weekday(name.trim())?), rest.trim_start()),
        None => (None, text),
    };

    let tokens: Vec<&str> = rest.split_whitespace().collect();
    let (day, month, year, time) = match tokens.as_slice() {
        [day, month, year, time] => (*day, *month, *year, *time),
        [date, time] => {
            let mut parts = date.split('-');
            let fields = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            (fields.0, fields.1, fields.2, *time)
        }
        _ => return None,
    };

    let date = NaiveDate::from_ymd_opt(parse_year(year)?, parse_month(month)?, parse_day(day)?)?;
    if weekday.is_some_and(|expected| expected != date.weekday()) {
        return None;
    }
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .ok()?;
    Some(date.and_time(time))
}

/// Removes a trailing ` GMT` or ` UTC`, the zone names that mean no offset.
pub(super) fn strip_utc_zone(text: &str) -> &str {
    ["GMT", "UTC"]
        .iter()
        .find_map(|zone| text.strip_suffix(zone))
        .filter(|rest| rest.ends_with(' '))
        .map_or(text, str::trim_end)
}

/// Reads a weekday as its three-letter abbreviation (`Sat`) or its full name (`Saturday`).
fn parse_weekday(name: &str) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(full, _)| name.eq_ignore_ascii_case(full) || name.eq_ignore_ascii_case(&full[..3]))
        .map(|(_, weekday)| *weekday)
}

fn parse_month(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let index = MONTHS.iter().position(|month| *month == lower)?;
    u32::try_from(index + 1).ok()
}

fn parse_day(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Reads a four-digit year, or a two-digit one as 1950 to 2049.
///
/// NOTE: the reference shows only `14` for 2014. The window is .NET's default two-digit
/// year rule (a maximum of 2049), assumed and not checked against Kusto.
fn parse_year(text: &str) -> Option<i32> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i32 = text.parse().ok()?;
    match text.len() {
        2 if value < 50 => Some(2000 + value),
        2 => Some(1900 + value),
        4 => Some(value),
        _ => None,
    }
}
