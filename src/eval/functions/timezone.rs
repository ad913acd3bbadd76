//! Time-zone conversion: `datetime_utc_to_local` and `datetime_local_to_utc`, with IANA
//! time-zone names read by `chrono-tz`.
//!
//! A datetime keeps its 100 ns ticks through the conversion: only the whole-second UTC
//! offset is added or subtracted. A result outside Kusto's datetime range is null.
//!
//! NOTE: datetimes before 1900, and instants when the zone kept local mean time (the
//! tz database's `LMT` offsets, such as −7:52:58 in Los Angeles before 1883), are
//! rejected as not supported yet. .NET's `TimeZoneInfo` applies those offsets on Linux
//! and macOS but the zone's base offset on Windows
//! (https://github.com/dotnet/runtime/issues/49869), and the KQL reference does not say
//! which one Kusto gives. Mean-time offsets that the tz database labels otherwise, such
//! as Monrovia's `MMT` until 1972, are still converted with the tz database's offset.

use chrono::{Datelike, Duration, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetName, Tz};

use super::{expect_arg, Argument, EvalContext, Function, Prepared, TEXT};
use crate::value::{ticks_to_naive, Type, Value, TICKS_PER_SECOND};

fn conversion_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::DateTime], "the datetime to convert")?;
    expect_arg(args, 1, TEXT, "the time zone")?;
    Ok(Type::DateTime)
}

/// Rejects an unknown constant time-zone name when the query is bound.
fn prepare_zone(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    if let Some(Argument {
        constant: Some(name),
        ..
    }) = arguments.get(1)
    {
        zone(&name.to_kusto_string())?;
    }
    Ok(Prepared::default())
}

/// Reads an IANA time-zone name such as `Europe/Paris` or `US/Pacific`.
///
/// NOTE: the reference does not say what an unknown name gives, so it is an error here
/// instead of a guessed null.
fn zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("unknown time zone `{name}`; use an IANA name such as `Europe/Paris`"))
}

/// Returns the UTC offset in ticks that `zone` has at the UTC instant `utc`.
fn offset_ticks_at(zone: Tz, utc: NaiveDateTime) -> i64 {
    let seconds = zone.offset_from_utc_datetime(&utc).fix().local_minus_utc();
    i64::from(seconds) * TICKS_PER_SECOND
}

/// The first year whose datetimes these functions convert.
const FIRST_SUPPORTED_YEAR: i32 = 1900;

/// Rejects a datetime whose offset in `zone` may differ between the tz database and the
/// offsets Kusto applies: one before 1900, or one in the zone's local mean time period.
fn check_supported(zone: Tz, utc: NaiveDateTime, argument: i64) -> Result<(), String> {
    let local_mean_time = zone.offset_from_utc_datetime(&utc).abbreviation() == Some("LMT");
    if utc.year() < FIRST_SUPPORTED_YEAR || local_mean_time {
        return Err(format!(
            "converting {} in `{}` is not supported yet: time-zone offsets before 1900 or before the zone adopted standard time are not known to match Kusto's",
            crate::value::format_datetime(argument),
            zone.name()
        ));
    }
    Ok(())
}

/// Reads the datetime and zone arguments; `None` when the datetime is null.
fn arguments(args: &[Value]) -> Result<Option<(i64, Tz)>, String> {
    let Some(Value::DateTime(ticks)) = args.first() else {
        return Ok(None);
    };
    let name = args.get(1).map(Value::to_kusto_string).unwrap_or_default();
    Ok(Some((*ticks, zone(&name)?)))
}

/// `datetime_utc_to_local(from, timezone)`: the local time in `timezone` of the UTC
/// datetime `from` (learn.microsoft.com/kusto/query/datetime-utc-to-local-function).
fn datetime_utc_to_local(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some((ticks, zone)) = arguments(args)? else {
        return Ok(Value::Null);
    };
    let Some(utc) = ticks_to_naive(ticks) else {
        return Ok(Value::Null);
    };
    check_supported(zone, utc, ticks)?;
    let local = ticks.checked_add(offset_ticks_at(zone, utc));
    Ok(local.map_or(Value::Null, Value::datetime))
}

/// `datetime_local_to_utc(from, timezone)`: the UTC datetime of the local time `from` in
/// `timezone` (learn.microsoft.com/kusto/query/datetime-local-to-utc-function).
///
/// A local time skipped when the clocks move forward takes the offset in effect after
/// the change, which gives the reference's `2022-03-27 02:00` in `Europe/Brussels` =
/// `2022-03-27 00:00` UTC.
///
/// NOTE: the reference does not say which offset a repeated local time (when the clocks
/// move back) takes, so such a time is an error here.
fn datetime_local_to_utc(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some((ticks, zone)) = arguments(args)? else {
        return Ok(Value::Null);
    };
    let Some(local) = ticks_to_naive(ticks) else {
        return Ok(Value::Null);
    };
    let offset = match zone.from_local_datetime(&local) {
        LocalResult::Single(resolved) => {
            i64::from(resolved.offset().fix().local_minus_utc()) * TICKS_PER_SECOND
        }
        LocalResult::None => {
            // The offset a day earlier is the one before the change. The instant it gives
            // falls after the change, so the offset there is the new one.
            let before = offset_ticks_at(zone, local - Duration::days(1));
            let Some(instant) = ticks.checked_sub(before).and_then(ticks_to_naive) else {
                return Ok(Value::Null);
            };
            offset_ticks_at(zone, instant)
        }
        LocalResult::Ambiguous(_, _) => {
            let text = crate::value::format_datetime(ticks);
            let local_text = text.strip_suffix('Z').unwrap_or(&text);
            return Err(format!(
                "the local time {local_text} occurs twice in `{}` because the clocks go back \
                 then; converting such a time is not supported yet",
                zone.name()
            ));
        }
    };
    let utc = ticks.checked_sub(offset);
    if let Some(instant) = utc.and_then(ticks_to_naive) {
        check_supported(zone, instant, ticks)?;
    }
    Ok(utc.map_or(Value::Null, Value::datetime))
}

pub const FUNCTIONS: &[Function] = &[
    Function::new(
        "datetime_utc_to_local",
        "datetime_utc_to_local(from: datetime, timezone: string) -> datetime",
        (2, 2),
        conversion_type,
        datetime_utc_to_local,
    )
    .prepared(prepare_zone),
    Function::new(
        "datetime_local_to_utc",
        "datetime_local_to_utc(from: datetime, timezone: string) -> datetime",
        (2, 2),
        conversion_type,
        datetime_local_to_utc,
    )
    .prepared(prepare_zone),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_datetime;

    fn datetime(text: &str) -> Value {
        Value::DateTime(parse_datetime(text).expect("valid datetime"))
    }

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    // learn.microsoft.com/kusto/query/datetime-utc-to-local-function
    #[test]
    fn utc_to_local_reference_example() {
        let utc = datetime("2022-07-11 22:18:48.4678620");
        assert_eq!(
            call(
                datetime_utc_to_local,
                &[utc.clone(), Value::from("US/Pacific")]
            ),
            datetime("2022-07-11 15:18:48.4678620")
        );
        assert_eq!(
            call(
                datetime_utc_to_local,
                &[utc, Value::from("Australia/Canberra")]
            ),
            datetime("2022-07-12 08:18:48.4678620")
        );
    }

    // learn.microsoft.com/kusto/query/datetime-local-to-utc-function
    #[test]
    fn local_to_utc_reference_examples() {
        let local = datetime("2020-02-02 20:02:20");
        let cases = [
            ("Europe/Paris", "2020-02-02 19:02:20"),
            ("America/Chicago", "2020-02-03 02:02:20"),
            ("US/Pacific", "2020-02-03 04:02:20"),
        ];
        for (zone, expected) in cases {
            assert_eq!(
                call(datetime_local_to_utc, &[local.clone(), Value::from(zone)]),
                datetime(expected),
                "{zone}"
            );
        }
    }

    // learn.microsoft.com/kusto/query/datetime-local-to-utc-function: the hour skipped by
    // the change to summer time on 2022-03-27 in Brussels.
    #[test]
    fn local_to_utc_around_skipped_hour() {
        let brussels = Value::from("Europe/Brussels");
        let cases = [
            ("2022-03-27 01:00", "2022-03-27 00:00"),
            ("2022-03-27 02:00", "2022-03-27 00:00"),
            ("2022-03-27 03:00", "2022-03-27 01:00"),
            ("2022-03-27 04:00", "2022-03-27 02:00"),
        ];
        for (local, expected) in cases {
            assert_eq!(
                call(datetime_local_to_utc, &[datetime(local), brussels.clone()]),
                datetime(expected),
                "{local}"
            );
        }
        assert_eq!(
            call(
                datetime_utc_to_local,
                &[datetime("2022-03-27 00:00"), brussels]
            ),
            datetime("2022-03-27 01:00")
        );
    }

    #[test]
    fn repeated_local_time_is_an_error() {
        let args = [datetime("2022-10-30 02:30"), Value::from("Europe/Brussels")];
        assert!(datetime_local_to_utc(&args, &EvalContext::for_tests()).is_err());
    }

    #[test]
    fn unknown_zone_is_an_error() {
        let args = [datetime("2022-01-01"), Value::from("Mars/Olympus")];
        assert!(datetime_utc_to_local(&args, &EvalContext::for_tests()).is_err());
        assert_eq!(
            call(
                datetime_utc_to_local,
                &[Value::Null, Value::from("Mars/Olympus")]
            ),
            Value::Null
        );
    }
}
