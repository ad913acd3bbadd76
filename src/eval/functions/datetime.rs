//! Datetime and timespan functions: the clock (`now`, `ago`), rounding (`bin`,
//! `bin_at`, `startof*`, `endof*`), calendar parts and differences, construction from
//! parts and Unix time, and formatting.
//!
//! `now` and `ago` read the query's one clock ([`EvalContext::now`]), so every row of a
//! query reads the same time and `--now` pins it. Calendar arithmetic uses the proleptic
//! Gregorian calendar in UTC, as Kusto's datetimes have no time zone.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Timelike};

use super::datetime_format::{
    format_datetime, format_datetime_type, format_timespan, format_timespan_type,
    prepare_format_datetime, prepare_format_timespan,
};
use super::{expect_arg, integer_arg, number_arg, Argument, EvalContext, Function, Prepared};
use super::{INTEGER, NUMBER, TEXT};
use crate::value::{naive_to_ticks, ticks_to_naive, Type, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

fn now_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, &[Type::Timespan], "the offset of now()")?;
    Ok(Type::DateTime)
}

fn ago_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, &[Type::Timespan], "the argument of ago()")?;
    Ok(Type::DateTime)
}

/// `now([offset])`: the query's clock plus an optional timespan.
fn now(args: &[Value], context: &EvalContext) -> Result<Value, String> {
    let offset = match args.first() {
        None => 0,
        Some(Value::Timespan(ticks)) => *ticks,
        Some(_) => return Ok(Value::Null),
    };
    Ok(context
        .now
        .checked_add(offset)
        .map_or(Value::Null, Value::datetime))
}

/// `ago(span)`: the query's clock minus the timespan
/// (learn.microsoft.com/kusto/query/ago-function).
fn ago(args: &[Value], context: &EvalContext) -> Result<Value, String> {
    let Value::Timespan(ticks) = args[0] else {
        return Ok(Value::Null);
    };
    Ok(context
        .now
        .checked_sub(ticks)
        .map_or(Value::Null, Value::datetime))
}

/// The warning for a query that calls `ingestion_time()`.
pub(crate) const INGESTION_TIME_WARNING: &str =
    "`ingestion_time()` returns null for every row, because local tables have no \
     ingestion time, so a filter on it such as `ingestion_time() > ago(1h)` drops every row";

fn ingestion_time_type(_args: &[Type]) -> Result<Type, String> {
    Ok(Type::DateTime)
}

/// `ingestion_time()`: null. Kusto returns null for a record ingested without an
/// IngestionTime policy (learn.microsoft.com/kusto/management/ingestion-time-policy),
/// and a local file has no such policy.
fn ingestion_time(_args: &[Value], _context: &EvalContext) -> Result<Value, String> {
    Ok(Value::Null)
}

/// .NET ticks (100 ns since 0001-01-01) at the Unix epoch. Kusto counts datetimes from
/// 0001-01-01, so `bin(datetime, 7d)` aligns its bins to that origin, not to 1970.
pub(crate) const DOTNET_EPOCH_OFFSET: i64 = 621_355_968_000_000_000;

const TICKS_PER_HOUR: i64 = 3_600 * TICKS_PER_SECOND;
const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
const TICKS_PER_MILLISECOND: i64 = 10_000;
const TICKS_PER_MICROSECOND: i64 = 10;

fn datetime_of(value: &Value) -> Option<i64> {
    match value {
        Value::DateTime(ticks) => Some(*ticks),
        Value::Dynamic(_) | Value::String(_) => {
            match crate::value::convert(value, Type::DateTime) {
                Some(Value::DateTime(ticks)) => Some(ticks),
                _ => None,
            }
        }
        _ => None,
    }
}

fn naive_of(value: &Value) -> Option<NaiveDateTime> {
    datetime_of(value).and_then(ticks_to_naive)
}

fn datetime_value(naive: Option<NaiveDateTime>) -> Value {
    naive
        .and_then(naive_to_ticks)
        .map_or(Value::Null, Value::datetime)
}

/// Floors `value` to a multiple of `size` counted from `origin`; `None` on overflow.
fn floor_to(value: i64, size: i64, origin: i64) -> Option<i64> {
    let shifted = i128::from(value) - i128::from(origin);
    let size = i128::from(size);
    let floored = shifted.div_euclid(size) * size + i128::from(origin);
    i64::try_from(floored).ok()
}

fn bin_type(args: &[Type]) -> Result<Type, String> {
    let (value, size) = (args[0], args[1]);
    let integer = |ty: Type| matches!(ty, Type::Int | Type::Long);
    let number = |ty: Type| ty.is_numeric();
    let result = match (value, size) {
        (v, s) if integer(v) && integer(s) => Type::Long,
        (v, s) if number(v) && number(s) => Type::Real,
        (Type::DateTime, Type::Timespan) => Type::DateTime,
        (Type::Timespan, Type::Timespan) => Type::Timespan,
        (Type::Dynamic, s) if number(s) => Type::Real,
        _ => {
            return Err(format!(
                "cannot bin a {value} value by a {size} size; use a number for numbers and a timespan for datetimes and timespans"
            ))
        }
    };
    if let Some(fixed) = args.get(2) {
        let fixed_ok =
            *fixed == value || (number(*fixed) && number(value)) || *fixed == Type::Dynamic;
        if !fixed_ok {
            return Err(format!("the fixed point must be a {value}, not {fixed}"));
        }
    }
    Ok(result)
}

/// Rounds `value` down to a multiple of `size` counted from `origin` (a value of the
/// same kind). A null, zero or negative size gives null.
fn bin_value(value: &Value, size: &Value, origin: Option<&Value>) -> Value {
    let result = match (value, size) {
        (Value::DateTime(ticks), Value::Timespan(step)) if *step > 0 => {
            let origin = match origin {
                Some(fixed) => datetime_of(fixed),
                None => Some(-DOTNET_EPOCH_OFFSET),
            };
            origin
                .and_then(|origin| floor_to(*ticks, *step, origin))
                .map(Value::datetime)
        }
        (Value::Timespan(ticks), Value::Timespan(step)) if *step > 0 => {
            let origin = match origin {
                Some(Value::Timespan(fixed)) => Some(*fixed),
                Some(_) => None,
                None => Some(0),
            };
            origin
                .and_then(|origin| floor_to(*ticks, *step, origin))
                .map(Value::Timespan)
        }
        (Value::Int(_) | Value::Long(_), Value::Int(_) | Value::Long(_)) => {
            let origin = match origin {
                Some(fixed) => integer_arg(fixed),
                None => Some(0),
            };
            match (value.as_i64(), size.as_i64(), origin) {
                (Some(v), Some(s), Some(o)) if s > 0 => floor_to(v, s, o).map(Value::Long),
                _ => None,
            }
        }
        _ => {
            let origin = match origin {
                Some(fixed) => number_arg(fixed),
                None => Some(0.0),
            };
            match (number_arg(value), number_arg(size), origin) {
                (Some(v), Some(s), Some(o)) if s > 0.0 => {
                    Some(Value::Real(((v - o) / s).floor() * s + o))
                }
                _ => None,
            }
        }
    };
    result.unwrap_or(Value::Null)
}

/// `bin(value, size)` and its alias `floor`: `value` rounded down to a multiple of
/// `size`; datetimes align to 0001-01-01, as in Kusto
/// (learn.microsoft.com/kusto/query/bin-function).
fn bin(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(bin_value(&args[0], &args[1], None))
}

/// `bin_at(value, size, fixed_point)`: bins aligned so that `fixed_point` starts one
/// (learn.microsoft.com/kusto/query/bin-at-function).
fn bin_at(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    if args[2].is_null() {
        return Ok(Value::Null);
    }
    Ok(bin_value(&args[0], &args[1], Some(&args[2])))
}

fn date_offset_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(
        args,
        0,
        &[Type::DateTime, Type::Dynamic, Type::String],
        "the date",
    )?;
    expect_arg(args, 1, INTEGER, "the offset")?;
    Ok(Type::DateTime)
}

/// Calendar periods that `startof*` and `endof*` round to.
#[derive(Clone, Copy)]
enum Period {
    Day,
    Week,
    Month,
    Year,
}

/// Computes the start of the period containing `date`, moved by `offset` periods.
fn start_of(period: Period, date: NaiveDateTime, offset: i64) -> Option<NaiveDateTime> {
    let day = date.date();
    let start = match period {
        Period::Day => day.checked_add_signed(Duration::try_days(offset)?)?,
        Period::Week => {
            let back = i64::from(day.weekday().num_days_from_sunday());
            let sunday = day.checked_sub_signed(Duration::try_days(back)?)?;
            sunday.checked_add_signed(Duration::try_weeks(offset)?)?
        }
        Period::Month => {
            let first = NaiveDate::from_ymd_opt(day.year(), day.month(), 1)?;
            add_months(first, offset)?
        }
        Period::Year => {
            let year = i32::try_from(i64::from(day.year()).checked_add(offset)?).ok()?;
            NaiveDate::from_ymd_opt(year, 1, 1)?
        }
    };
    start.and_hms_opt(0, 0, 0)
}

fn add_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let magnitude = u32::try_from(months.unsigned_abs()).ok()?;
    if months >= 0 {
        date.checked_add_months(Months::new(magnitude))
    } else {
        date.checked_sub_months(Months::new(magnitude))
    }
}

fn start_or_end(args: &[Value], period: Period, end: bool) -> Value {
    let offset = match args.get(1) {
        None => Some(0),
        Some(value) => integer_arg(value),
    };
    let (Some(date), Some(offset)) = (naive_of(&args[0]), offset) else {
        return Value::Null;
    };
    if !end {
        return datetime_value(start_of(period, date, offset));
    }
    let next = offset
        .checked_add(1)
        .and_then(|next| start_of(period, date, next));
    match next.and_then(naive_to_ticks) {
        Some(ticks) => Value::datetime(ticks - 1),
        None => Value::Null,
    }
}

/// `startofday(date [, offset])` (learn.microsoft.com/kusto/query/startofday-function).
fn startofday(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Day, false))
}

/// `startofweek(date [, offset])`: weeks start on Sunday
/// (learn.microsoft.com/kusto/query/startofweek-function).
fn startofweek(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Week, false))
}

/// `startofmonth(date [, offset])` (learn.microsoft.com/kusto/query/startofmonth-function).
fn startofmonth(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Month, false))
}

/// `startofyear(date [, offset])` (learn.microsoft.com/kusto/query/startofyear-function).
fn startofyear(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Year, false))
}

/// `endofday(date [, offset])`: the last tick of the day
/// (learn.microsoft.com/kusto/query/endofday-function).
fn endofday(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Day, true))
}

/// `endofweek(date [, offset])` (learn.microsoft.com/kusto/query/endofweek-function).
fn endofweek(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Week, true))
}

/// `endofmonth(date [, offset])` (learn.microsoft.com/kusto/query/endofmonth-function).
fn endofmonth(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Month, true))
}

/// `endofyear(date [, offset])` (learn.microsoft.com/kusto/query/endofyear-function).
fn endofyear(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(start_or_end(args, Period::Year, true))
}

/// The units `datetime_diff`, `datetime_add` and `datetime_part` name, matched without
/// regard to case.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

fn parse_unit(name: &str) -> Option<Unit> {
    let unit = match name.to_ascii_lowercase().as_str() {
        "year" => Unit::Year,
        "quarter" => Unit::Quarter,
        "month" => Unit::Month,
        "week" => Unit::Week,
        "day" => Unit::Day,
        "hour" => Unit::Hour,
        "minute" => Unit::Minute,
        "second" => Unit::Second,
        "millisecond" => Unit::Millisecond,
        "microsecond" => Unit::Microsecond,
        "nanosecond" => Unit::Nanosecond,
        _ => return None,
    };
    Some(unit)
}

/// Rejects a constant unit name that is not one of `valid` at bind time.
fn check_constant_name(
    arguments: &[Argument<'_>],
    valid: fn(&str) -> bool,
    what: &str,
) -> Result<Prepared, String> {
    if let Some(Argument {
        constant: Some(value),
        ..
    }) = arguments.first()
    {
        let name = value.to_kusto_string();
        if !valid(&name) {
            return Err(format!("`{name}` is not a valid {what}"));
        }
    }
    Ok(Prepared::default())
}

fn prepare_unit(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    check_constant_name(arguments, |name| parse_unit(name).is_some(), "period")
}

/// Returns the fixed length of a unit in ticks, for units below a week; `None` for calendar
/// units and nanoseconds.
fn unit_ticks(unit: Unit) -> Option<i64> {
    let ticks = match unit {
        Unit::Week => 7 * TICKS_PER_DAY,
        Unit::Day => TICKS_PER_DAY,
        Unit::Hour => TICKS_PER_HOUR,
        Unit::Minute => TICKS_PER_MINUTE,
        Unit::Second => TICKS_PER_SECOND,
        Unit::Millisecond => TICKS_PER_MILLISECOND,
        Unit::Microsecond => TICKS_PER_MICROSECOND,
        _ => return None,
    };
    Some(ticks)
}

fn datetime_diff_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the period of datetime_diff()")?;
    super::expect_types(
        &args[1..],
        &[Type::DateTime, Type::Dynamic],
        "the dates of datetime_diff()",
    )?;
    Ok(Type::Long)
}

/// `datetime_diff(period, a, b)`: how many period boundaries lie between `b` and `a`,
/// counted on the calendar: both dates are truncated to the period first, so one minute
/// across midnight is one day (learn.microsoft.com/kusto/query/datetime-diff-function).
fn datetime_diff(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let name = args[0].to_kusto_string();
    let Some(unit) = parse_unit(&name) else {
        return Err(format!("`{name}` is not a valid period"));
    };
    let (Some(a), Some(b)) = (datetime_of(&args[1]), datetime_of(&args[2])) else {
        return Ok(Value::Null);
    };
    let (Some(date_a), Some(date_b)) = (ticks_to_naive(a), ticks_to_naive(b)) else {
        return Ok(Value::Null);
    };
    let months = |date: &NaiveDateTime| i64::from(date.year()) * 12 + i64::from(date.month0());
    let difference = match unit {
        Unit::Year => i64::from(date_a.year()) - i64::from(date_b.year()),
        Unit::Quarter => months(&date_a) / 3 - months(&date_b) / 3,
        Unit::Month => months(&date_a) - months(&date_b),
        Unit::Week => {
            let sunday = |ticks: i64| {
                let naive = ticks_to_naive(ticks)?;
                naive_to_ticks(start_of(Period::Week, naive, 0)?)
            };
            let (Some(week_a), Some(week_b)) = (sunday(a), sunday(b)) else {
                return Ok(Value::Null);
            };
            (week_a - week_b) / (7 * TICKS_PER_DAY)
        }
        Unit::Nanosecond => {
            return Ok(i64::checked_sub(a, b)
                .and_then(|ticks| ticks.checked_mul(100))
                .map(Value::Long)
                .unwrap_or(Value::Null))
        }
        other => {
            let size = unit_ticks(other).unwrap_or(1);
            let origin = -DOTNET_EPOCH_OFFSET;
            let (Some(floor_a), Some(floor_b)) =
                (floor_to(a, size, origin), floor_to(b, size, origin))
            else {
                return Ok(Value::Null);
            };
            (floor_a - floor_b) / size
        }
    };
    Ok(Value::Long(difference))
}

fn datetime_add_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the period of datetime_add()")?;
    expect_arg(args, 1, INTEGER, "the amount of datetime_add()")?;
    expect_arg(
        args,
        2,
        &[Type::DateTime, Type::Dynamic],
        "the date of datetime_add()",
    )?;
    Ok(Type::DateTime)
}

/// `datetime_add(period, amount, date)`: calendar units move the month and keep the day,
/// clamped to the month's last day (2017-01-31 plus one month is 2017-02-28)
/// (learn.microsoft.com/kusto/query/datetime-add-function).
fn datetime_add(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let name = args[0].to_kusto_string();
    let Some(unit) = parse_unit(&name) else {
        return Err(format!("`{name}` is not a valid period"));
    };
    let (Some(amount), Some(ticks)) = (integer_arg(&args[1]), datetime_of(&args[2])) else {
        return Ok(Value::Null);
    };
    let calendar_months = match unit {
        Unit::Year => amount.checked_mul(12),
        Unit::Quarter => amount.checked_mul(3),
        Unit::Month => Some(amount),
        _ => None,
    };
    if let Some(months) = calendar_months {
        let Some(date) = ticks_to_naive(ticks) else {
            return Ok(Value::Null);
        };
        let moved = add_months(date.date(), months).map(|day| day.and_time(date.time()));
        return Ok(datetime_value(moved));
    }
    let step = match unit {
        Unit::Nanosecond => {
            // NOTE: ticks are 100 ns, so whole ticks only; a remainder is dropped.
            return Ok(ticks
                .checked_add(amount / 100)
                .map_or(Value::Null, Value::datetime));
        }
        other => unit_ticks(other).unwrap_or(1),
    };
    let moved = amount
        .checked_mul(step)
        .and_then(|delta| ticks.checked_add(delta));
    Ok(moved.map_or(Value::Null, Value::datetime))
}

/// Extracts one `datetime_part` part by name; `None` for an unknown name.
fn part_value(part: &str, date: NaiveDateTime, ticks: i64) -> Option<i64> {
    let fraction = ticks.rem_euclid(TICKS_PER_SECOND);
    let value = match part.to_ascii_lowercase().as_str() {
        "year" => i64::from(date.year()),
        "quarter" => i64::from(date.month0() / 3 + 1),
        "month" => i64::from(date.month()),
        "week_of_year" => i64::from(date.iso_week().week()),
        "day" => i64::from(date.day()),
        "dayofyear" => i64::from(date.ordinal()),
        "hour" => i64::from(date.hour()),
        "minute" => i64::from(date.minute()),
        "second" => i64::from(date.second()),
        "millisecond" => fraction / TICKS_PER_MILLISECOND,
        "microsecond" => fraction / TICKS_PER_MICROSECOND,
        "nanosecond" => fraction * 100,
        _ => return None,
    };
    Some(value)
}

fn is_part_name(name: &str) -> bool {
    part_value(name, NaiveDateTime::default(), 0).is_some()
}

fn prepare_part(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    check_constant_name(arguments, is_part_name, "part")
}

fn datetime_part_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the part of datetime_part()")?;
    expect_arg(
        args,
        1,
        &[Type::DateTime, Type::Dynamic],
        "the date of datetime_part()",
    )?;
    Ok(Type::Int)
}

/// `datetime_part(part, date)`: one calendar or clock part as an int; `week_of_year` is
/// the ISO 8601 week (learn.microsoft.com/kusto/query/datetime-part-function).
fn datetime_part(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let name = args[0].to_kusto_string();
    let Some(ticks) = datetime_of(&args[1]) else {
        return Ok(Value::Null);
    };
    let Some(date) = ticks_to_naive(ticks) else {
        return Ok(Value::Null);
    };
    match part_value(&name, date, ticks) {
        Some(value) => Ok(i32::try_from(value)
            .map(Value::Int)
            .unwrap_or(Value::Long(value))),
        None => Err(format!("`{name}` is not a valid part")),
    }
}

fn date_type(to: Type) -> impl Fn(&[Type]) -> Result<Type, String> {
    move |args: &[Type]| {
        expect_arg(args, 0, &[Type::DateTime, Type::Dynamic], "the date")?;
        Ok(to)
    }
}

fn date_to_int(args: &[Type]) -> Result<Type, String> {
    date_type(Type::Int)(args)
}

fn date_to_timespan(args: &[Type]) -> Result<Type, String> {
    date_type(Type::Timespan)(args)
}

fn date_part(args: &[Value], part: &str) -> Value {
    let Some(ticks) = datetime_of(&args[0]) else {
        return Value::Null;
    };
    match ticks_to_naive(ticks).and_then(|date| part_value(part, date, ticks)) {
        Some(value) => i32::try_from(value).map(Value::Int).unwrap_or(Value::Null),
        None => Value::Null,
    }
}

/// `dayofmonth(date)` (learn.microsoft.com/kusto/query/dayofmonth-function).
fn dayofmonth(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(date_part(args, "day"))
}

/// `dayofyear(date)` (learn.microsoft.com/kusto/query/dayofyear-function).
fn dayofyear(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(date_part(args, "dayofyear"))
}

/// `hourofday(date)` (learn.microsoft.com/kusto/query/hourofday-function).
fn hourofday(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(date_part(args, "hour"))
}

/// `getmonth(date)`, `monthofyear(date)` (learn.microsoft.com/kusto/query/monthofyear-function).
fn getmonth(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(date_part(args, "month"))
}

/// `getyear(date)` (learn.microsoft.com/kusto/query/getyear-function).
fn getyear(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(date_part(args, "year"))
}

/// `week_of_year(date)`: the ISO 8601 week number
/// (learn.microsoft.com/kusto/query/week-of-year-function).
fn week_of_year(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(date_part(args, "week_of_year"))
}

/// `dayofweek(date)`: whole days since the preceding Sunday, as a timespan
/// (learn.microsoft.com/kusto/query/day-of-week-function).
fn dayofweek(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(date) = naive_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let days = i64::from(date.weekday().num_days_from_sunday());
    Ok(Value::Timespan(days * TICKS_PER_DAY))
}

fn number_to_datetime(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, NUMBER, "the Unix time")?;
    Ok(Type::DateTime)
}

fn from_unix(value: &Value, ticks_per_unit: f64) -> Value {
    let integer = match value {
        Value::Int(_) | Value::Long(_) => value.as_i64(),
        Value::Dynamic(json) if json.is_i64() => json.as_i64(),
        _ => None,
    };
    let ticks = match integer {
        Some(units) => integer_units_to_ticks(units, ticks_per_unit),
        None => number_arg(value).and_then(|units| {
            let ticks = units * ticks_per_unit;
            (ticks.is_finite() && ticks.abs() < 9.2e18).then(|| ticks.round() as i64)
        }),
    };
    ticks.map_or(Value::Null, Value::datetime)
}

/// Converts a whole number of units to ticks exactly. A unit shorter than a tick (a
/// nanosecond is 0.01 tick) divides, rounding half away from zero as the real path does.
fn integer_units_to_ticks(units: i64, ticks_per_unit: f64) -> Option<i64> {
    let units = i128::from(units);
    let ticks = if ticks_per_unit >= 1.0 {
        units.checked_mul(ticks_per_unit as i128)?
    } else {
        let units_per_tick = (1.0 / ticks_per_unit).round() as i128;
        let half = units_per_tick / 2 * units.signum();
        (units + half) / units_per_tick
    };
    i64::try_from(ticks).ok()
}

/// `unixtime_seconds_todatetime(seconds)`
/// (learn.microsoft.com/kusto/query/unixtime-seconds-todatetime-function).
fn unixtime_seconds_todatetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(from_unix(&args[0], TICKS_PER_SECOND as f64))
}

/// `unixtime_milliseconds_todatetime(milliseconds)`
/// (learn.microsoft.com/kusto/query/unixtime-milliseconds-todatetime-function).
fn unixtime_milliseconds_todatetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(from_unix(&args[0], TICKS_PER_MILLISECOND as f64))
}

/// `unixtime_microseconds_todatetime(microseconds)`
/// (learn.microsoft.com/kusto/query/unixtime-microseconds-todatetime-function).
fn unixtime_microseconds_todatetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(from_unix(&args[0], TICKS_PER_MICROSECOND as f64))
}

/// `unixtime_nanoseconds_todatetime(nanoseconds)`: whole ticks, so the last two digits
/// are rounded (learn.microsoft.com/kusto/query/unixtime-nanoseconds-todatetime-function).
fn unixtime_nanoseconds_todatetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(from_unix(&args[0], 0.01))
}

fn make_datetime_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, NUMBER, "the parts of make_datetime()")?;
    Ok(Type::DateTime)
}

/// `make_datetime(year, month, day [, hour, minute [, second]])`: null when a part is
/// out of range (learn.microsoft.com/kusto/query/make-datetime-function).
fn make_datetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    if args.len() == 4 {
        return Err("make_datetime takes 3, 5 or 6 arguments".to_string());
    }
    let mut parts = [0i64; 5];
    for (slot, value) in parts.iter_mut().zip(args) {
        let Some(part) = integer_arg(value) else {
            return Ok(Value::Null);
        };
        *slot = part;
    }
    let seconds = match args.get(5) {
        None => 0.0,
        Some(value) => match number_arg(value) {
            Some(seconds) if (0.0..60.0).contains(&seconds) => seconds,
            _ => return Ok(Value::Null),
        },
    };
    let [year, month, day, hour, minute] = parts;
    let date = (|| {
        let date = NaiveDate::from_ymd_opt(
            i32::try_from(year)
                .ok()
                .filter(|year| (0..=9999).contains(year))?,
            u32::try_from(month).ok()?,
            u32::try_from(day).ok()?,
        )?;
        date.and_hms_opt(u32::try_from(hour).ok()?, u32::try_from(minute).ok()?, 0)
    })();
    let Some(ticks) = date.and_then(naive_to_ticks) else {
        return Ok(Value::Null);
    };
    let second_ticks = (seconds * TICKS_PER_SECOND as f64).round() as i64;
    Ok(ticks
        .checked_add(second_ticks)
        .map_or(Value::Null, Value::datetime))
}

fn make_timespan_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, NUMBER, "the parts of make_timespan()")?;
    Ok(Type::Timespan)
}

/// `make_timespan(hour, minute)`, `make_timespan(hour, minute, second)` and
/// `make_timespan(day, hour, minute, second)`: null when the hour is outside 0-23, the
/// minute outside 0-59 or the second outside [0, 60)
/// (learn.microsoft.com/kusto/query/make-timespan-function).
///
/// NOTE: the reference gives no range for the day, so a negative day is rejected as not
/// supported yet. A fraction of a second finer than one tick is rounded to the nearest
/// tick, as in `make_datetime`.
fn make_timespan(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (day, clock) = match args {
        [day, hour, minute, second] => (Some(day), [hour, minute, second].map(Some)),
        [hour, minute, second] => (None, [Some(hour), Some(minute), Some(second)]),
        [hour, minute] => (None, [Some(hour), Some(minute), None]),
        _ => return Err("make_timespan takes 2, 3 or 4 arguments".to_string()),
    };
    let day = match day {
        None => 0,
        Some(value) => match integer_arg(value) {
            None => return Ok(Value::Null),
            Some(day) if day < 0 => {
                return Err(format!(
                    "make_timespan() with a negative day ({day}) is not supported yet"
                ))
            }
            Some(day) => day,
        },
    };
    let [hour, minute, second] = clock;
    let (Some(hour), Some(minute)) = (
        hour.and_then(integer_arg)
            .filter(|hour| (0..24).contains(hour)),
        minute
            .and_then(integer_arg)
            .filter(|minute| (0..60).contains(minute)),
    ) else {
        return Ok(Value::Null);
    };
    let second = match second {
        None => 0.0,
        Some(value) => match number_arg(value) {
            Some(second) if (0.0..60.0).contains(&second) => second,
            _ => return Ok(Value::Null),
        },
    };
    let second_ticks = (second * TICKS_PER_SECOND as f64).round() as i64;
    let ticks = day
        .checked_mul(TICKS_PER_DAY)
        .and_then(|ticks| ticks.checked_add(hour * TICKS_PER_HOUR + minute * TICKS_PER_MINUTE))
        .and_then(|ticks| ticks.checked_add(second_ticks));
    Ok(ticks.map_or(Value::Null, Value::Timespan))
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "now",
        signature: "now([offset: timespan]) -> datetime",
        min_args: 0,
        max_args: 1,
        result_type: now_type,
        eval: now,
        prepare: None,
        type_literal_arg: None,
    },
    Function {
        name: "ago",
        signature: "ago(span: timespan) -> datetime",
        min_args: 1,
        max_args: 1,
        result_type: ago_type,
        eval: ago,
        prepare: None,
        type_literal_arg: None,
    },
    Function::new(
        "ingestion_time",
        "ingestion_time() -> datetime",
        (0, 0),
        ingestion_time_type,
        ingestion_time,
    ),
    Function::new("bin", "bin(value, size) -> type of value", (2, 2), bin_type, bin),
    Function::new("floor", "floor(value, size) -> type of value", (2, 2), bin_type, bin),
    Function::new(
        "bin_at",
        "bin_at(value, size, fixed_point) -> type of value",
        (3, 3),
        bin_type,
        bin_at,
    ),
    Function::new(
        "startofday",
        "startofday(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        startofday,
    ),
    Function::new(
        "startofweek",
        "startofweek(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        startofweek,
    ),
    Function::new(
        "startofmonth",
        "startofmonth(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        startofmonth,
    ),
    Function::new(
        "startofyear",
        "startofyear(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        startofyear,
    ),
    Function::new(
        "endofday",
        "endofday(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        endofday,
    ),
    Function::new(
        "endofweek",
        "endofweek(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        endofweek,
    ),
    Function::new(
        "endofmonth",
        "endofmonth(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        endofmonth,
    ),
    Function::new(
        "endofyear",
        "endofyear(date: datetime [, offset: int]) -> datetime",
        (1, 2),
        date_offset_type,
        endofyear,
    ),
    Function::new(
        "datetime_diff",
        "datetime_diff(period: string, date1: datetime, date2: datetime) -> long",
        (3, 3),
        datetime_diff_type,
        datetime_diff,
    )
    .prepared(prepare_unit),
    Function::new(
        "datetime_add",
        "datetime_add(period: string, amount: int, date: datetime) -> datetime",
        (3, 3),
        datetime_add_type,
        datetime_add,
    )
    .prepared(prepare_unit),
    Function::new(
        "datetime_part",
        "datetime_part(part: string, date: datetime) -> int",
        (2, 2),
        datetime_part_type,
        datetime_part,
    )
    .prepared(prepare_part),
    Function::new(
        "format_datetime",
        "format_datetime(date: datetime, format: string) -> string",
        (2, 2),
        format_datetime_type,
        format_datetime,
    )
    .prepared(prepare_format_datetime),
    Function::new(
        "format_timespan",
        "format_timespan(span: timespan, format: string) -> string",
        (2, 2),
        format_timespan_type,
        format_timespan,
    )
    .prepared(prepare_format_timespan),
    Function::new(
        "dayofweek",
        "dayofweek(date: datetime) -> timespan",
        (1, 1),
        date_to_timespan,
        dayofweek,
    ),
    Function::new("dayofmonth", "dayofmonth(date: datetime) -> int", (1, 1), date_to_int, dayofmonth),
    Function::new("dayofyear", "dayofyear(date: datetime) -> int", (1, 1), date_to_int, dayofyear),
    Function::new("hourofday", "hourofday(date: datetime) -> int", (1, 1), date_to_int, hourofday),
    Function::new("getmonth", "getmonth(date: datetime) -> int", (1, 1), date_to_int, getmonth),
    Function::new("monthofyear", "monthofyear(date: datetime) -> int", (1, 1), date_to_int, getmonth),
    Function::new("getyear", "getyear(date: datetime) -> int", (1, 1), date_to_int, getyear),
    Function::new(
        "week_of_year",
        "week_of_year(date: datetime) -> int",
        (1, 1),
        date_to_int,
        week_of_year,
    ),
    Function::new(
        "unixtime_seconds_todatetime",
        "unixtime_seconds_todatetime(seconds: real) -> datetime",
        (1, 1),
        number_to_datetime,
        unixtime_seconds_todatetime,
    ),
    Function::new(
        "unixtime_milliseconds_todatetime",
        "unixtime_milliseconds_todatetime(milliseconds: real) -> datetime",
        (1, 1),
        number_to_datetime,
        unixtime_milliseconds_todatetime,
    ),
    Function::new(
        "unixtime_microseconds_todatetime",
        "unixtime_microseconds_todatetime(microseconds: real) -> datetime",
        (1, 1),
        number_to_datetime,
        unixtime_microseconds_todatetime,
    ),
    Function::new(
        "unixtime_nanoseconds_todatetime",
        "unixtime_nanoseconds_todatetime(nanoseconds: real) -> datetime",
        (1, 1),
        number_to_datetime,
        unixtime_nanoseconds_todatetime,
    ),
    Function::new(
        "make_datetime",
        "make_datetime(year: int, month: int, day: int [, hour: int, minute: int [, second: real]]) -> datetime",
        (3, 6),
        make_datetime_type,
        make_datetime,
    ),
    Function::new(
        "make_timespan",
        "make_timespan([day: int,] hour: int, minute: int [, second: real]) -> timespan",
        (2, 4),
        make_timespan_type,
        make_timespan,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{parse_datetime, TICKS_PER_DAY};

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn date(text: &str) -> Value {
        Value::DateTime(parse_datetime(text).expect("valid date"))
    }

    fn days(count: i64) -> Value {
        Value::Timespan(count * TICKS_PER_DAY)
    }

    // learn.microsoft.com/kusto/query/bin-function
    #[test]
    fn bin_reference_examples() {
        assert_eq!(
            call(bin, &[Value::Real(4.5), Value::Long(1)]),
            Value::Real(4.0)
        );
        assert_eq!(call(bin, &[days(16), days(7)]), days(14));
        assert_eq!(
            call(bin, &[date("1970-05-11 13:45:07"), days(1)]),
            date("1970-05-11")
        );
    }

    #[test]
    fn bin_aligns_weeks_to_year_one_and_rejects_bad_sizes() {
        // 0001-01-01 was a Monday, so seven-day bins start on Mondays.
        assert_eq!(
            call(bin, &[date("2017-05-17 10:20"), days(7)]),
            date("2017-05-15")
        );
        assert_eq!(
            call(bin, &[Value::Long(-3), Value::Long(2)]),
            Value::Long(-4)
        );
        assert_eq!(call(bin, &[Value::Long(7), Value::Long(0)]), Value::Null);
        assert_eq!(call(bin, &[Value::Long(7), Value::Long(-2)]), Value::Null);
        assert_eq!(call(bin, &[Value::Null, days(1)]), Value::Null);
        assert!(bin_type(&[Type::DateTime, Type::Long]).is_err());
        assert!(bin_type(&[Type::String, Type::Long]).is_err());
        assert_eq!(bin_type(&[Type::Int, Type::Long]), Ok(Type::Long));
    }

    // learn.microsoft.com/kusto/query/bin-at-function
    #[test]
    fn bin_at_reference_examples() {
        assert_eq!(
            call(
                bin_at,
                &[Value::Real(6.5), Value::Real(2.5), Value::Long(7)]
            ),
            Value::Real(4.5)
        );
        let hour = Value::Timespan(TICKS_PER_DAY / 24);
        let noon = Value::Timespan(TICKS_PER_DAY / 2);
        assert_eq!(
            call(bin_at, &[hour, days(1), noon]),
            Value::Timespan(-TICKS_PER_DAY / 2)
        );
        assert_eq!(
            call(
                bin_at,
                &[
                    date("2017-05-15 10:20:00.0"),
                    days(1),
                    date("1970-01-01 12:00:00.0")
                ]
            ),
            date("2017-05-14T12:00:00Z")
        );
        assert_eq!(
            call(
                bin_at,
                &[
                    date("2017-05-17 10:20:00.0"),
                    days(7),
                    date("2017-06-04 00:00:00.0")
                ]
            ),
            date("2017-05-14T00:00:00Z")
        );
    }

    // learn.microsoft.com/kusto/query/startofweek-function and endofmonth-function
    #[test]
    fn start_and_end_reference_examples() {
        let day = date("2017-01-01 10:10:17");
        let weeks: Vec<Value> = (-1..=1)
            .map(|offset| call(startofweek, &[day.clone(), Value::Long(offset)]))
            .collect();
        assert_eq!(
            weeks,
            vec![date("2016-12-25"), date("2017-01-01"), date("2017-01-08")]
        );
        let month_ends: Vec<Value> = (-1..=1)
            .map(|offset| call(endofmonth, &[day.clone(), Value::Long(offset)]))
            .collect();
        assert_eq!(
            month_ends,
            vec![
                date("2016-12-31 23:59:59.9999999"),
                date("2017-01-31 23:59:59.9999999"),
                date("2017-02-28 23:59:59.9999999"),
            ]
        );
        assert_eq!(
            call(startofday, std::slice::from_ref(&day)),
            date("2017-01-01")
        );
        assert_eq!(
            call(startofmonth, &[day.clone(), Value::Long(2)]),
            date("2017-03-01")
        );
        assert_eq!(
            call(startofyear, std::slice::from_ref(&day)),
            date("2017-01-01")
        );
        assert_eq!(
            call(endofyear, std::slice::from_ref(&day)),
            date("2017-12-31 23:59:59.9999999")
        );
        assert_eq!(call(endofday, &[day]), date("2017-01-01 23:59:59.9999999"));
        assert_eq!(call(startofday, &[Value::Null]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/datetime-diff-function
    #[test]
    fn datetime_diff_reference_examples() {
        let diff = |unit: &str, a: &str, b: &str| {
            call(datetime_diff, &[Value::from(unit), date(a), date(b)])
        };
        assert_eq!(diff("year", "2017-01-01", "2000-12-31"), Value::Long(17));
        assert_eq!(diff("quarter", "2017-07-01", "2017-03-30"), Value::Long(2));
        assert_eq!(diff("month", "2017-01-01", "2015-12-30"), Value::Long(13));
        assert_eq!(
            diff("week", "2017-10-29 00:00", "2017-09-30 23:59"),
            Value::Long(5)
        );
        assert_eq!(
            diff("day", "2017-10-29 00:00", "2017-09-30 23:59"),
            Value::Long(29)
        );
        assert_eq!(
            diff("hour", "2017-10-31 01:00", "2017-10-30 23:59"),
            Value::Long(2)
        );
        assert_eq!(
            diff("minute", "2017-10-30 23:05:01", "2017-10-30 23:00:59"),
            Value::Long(5)
        );
        assert_eq!(
            diff(
                "second",
                "2017-10-30 23:00:10.100",
                "2017-10-30 23:00:00.900"
            ),
            Value::Long(10)
        );
        assert_eq!(
            diff(
                "millisecond",
                "2017-10-30 23:00:00.200100",
                "2017-10-30 23:00:00.100900"
            ),
            Value::Long(100)
        );
        assert_eq!(
            diff(
                "microsecond",
                "2017-10-30 23:00:00.1009001",
                "2017-10-30 23:00:00.1008009"
            ),
            Value::Long(100)
        );
        assert_eq!(
            diff(
                "nanosecond",
                "2017-10-30 23:00:00.0000000",
                "2017-10-30 23:00:00.0000007"
            ),
            Value::Long(-700)
        );
        assert_eq!(
            call(
                datetime_diff,
                &[Value::from("day"), Value::Null, date("2017-01-01")]
            ),
            Value::Null
        );
    }

    #[test]
    fn period_names_are_checked_at_bind_time() {
        let bad = Value::from("fortnight");
        let arguments = [Argument {
            ty: Type::String,
            constant: Some(&bad),
        }];
        assert!(prepare_unit(&arguments).is_err());
        let good = Value::from("Day");
        let arguments = [Argument {
            ty: Type::String,
            constant: Some(&good),
        }];
        assert!(prepare_unit(&arguments).is_ok());
    }

    // learn.microsoft.com/kusto/query/datetime-add-function
    #[test]
    fn datetime_add_reference_examples() {
        let start = date("2017-01-01");
        let add = |unit: &str| {
            call(
                datetime_add,
                &[Value::from(unit), Value::Long(1), start.clone()],
            )
        };
        assert_eq!(add("year"), date("2018-01-01"));
        assert_eq!(add("quarter"), date("2017-04-01"));
        assert_eq!(add("month"), date("2017-02-01"));
        assert_eq!(add("week"), date("2017-01-08"));
        assert_eq!(add("day"), date("2017-01-02"));
        assert_eq!(add("hour"), date("2017-01-01 01:00"));
        assert_eq!(add("minute"), date("2017-01-01 00:01"));
        assert_eq!(add("second"), date("2017-01-01 00:00:01"));
        assert_eq!(
            call(
                datetime_add,
                &[Value::from("month"), Value::Long(1), date("2017-01-31")]
            ),
            date("2017-02-28")
        );
    }

    // learn.microsoft.com/kusto/query/datetime-part-function
    #[test]
    fn datetime_part_reference_example() {
        let moment = date("2017-10-30 01:02:03.7654321");
        let part = |name: &str| call(datetime_part, &[Value::from(name), moment.clone()]);
        assert_eq!(part("year"), Value::Int(2017));
        assert_eq!(part("quarter"), Value::Int(4));
        assert_eq!(part("month"), Value::Int(10));
        assert_eq!(part("week_of_year"), Value::Int(44));
        assert_eq!(part("day"), Value::Int(30));
        assert_eq!(part("dayOfYear"), Value::Int(303));
        assert_eq!(part("hour"), Value::Int(1));
        assert_eq!(part("minute"), Value::Int(2));
        assert_eq!(part("second"), Value::Int(3));
        assert_eq!(part("millisecond"), Value::Int(765));
        assert_eq!(part("microsecond"), Value::Int(765432));
        assert_eq!(part("nanosecond"), Value::Int(765432100));
    }

    // learn.microsoft.com/kusto/query/day-of-week-function
    #[test]
    fn dayofweek_reference_examples() {
        assert_eq!(call(dayofweek, &[date("1947-11-30 10:00:05")]), days(0));
        assert_eq!(call(dayofweek, &[date("1970-05-11")]), days(1));
        assert_eq!(call(dayofweek, &[date("1970-05-12")]), days(2));
        assert_eq!(call(dayofweek, &[Value::Null]), Value::Null);
    }

    #[test]
    fn calendar_parts() {
        let moment = date("2017-10-30 01:02:03");
        assert_eq!(
            call(dayofmonth, std::slice::from_ref(&moment)),
            Value::Int(30)
        );
        assert_eq!(
            call(dayofyear, std::slice::from_ref(&moment)),
            Value::Int(303)
        );
        assert_eq!(
            call(hourofday, std::slice::from_ref(&moment)),
            Value::Int(1)
        );
        assert_eq!(
            call(getmonth, std::slice::from_ref(&moment)),
            Value::Int(10)
        );
        assert_eq!(call(getyear, &[moment]), Value::Int(2017));
        assert_eq!(call(getyear, &[Value::Null]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/unixtime-seconds-todatetime-function
    #[test]
    fn unixtime_reference_examples() {
        assert_eq!(
            call(unixtime_seconds_todatetime, &[Value::Long(1546300800)]),
            date("2019-01-01")
        );
        assert_eq!(
            call(
                unixtime_milliseconds_todatetime,
                &[Value::Long(1546300800123)]
            ),
            date("2019-01-01 00:00:00.123")
        );
        assert_eq!(
            call(unixtime_seconds_todatetime, &[Value::Real(1.5)]),
            date("1970-01-01 00:00:01.5")
        );
        assert_eq!(
            call(unixtime_seconds_todatetime, &[Value::Null]),
            Value::Null
        );
        assert_eq!(
            call(unixtime_seconds_todatetime, &[Value::Real(1e300)]),
            Value::Null
        );
    }

    // learn.microsoft.com/kusto/query/unixtime-nanoseconds-todatetime-function: the
    // example 1546300800000000000 is 2019-01-01. Long arguments divide exactly, and the
    // last two digits round to whole ticks.
    #[test]
    fn unixtime_nanoseconds_from_long() {
        let nanoseconds = |n: i64| call(unixtime_nanoseconds_todatetime, &[Value::Long(n)]);
        assert_eq!(nanoseconds(1546300800000000000), date("2019-01-01"));
        assert_eq!(
            nanoseconds(1546300800123456700),
            date("2019-01-01 00:00:00.1234567")
        );
        assert_eq!(
            nanoseconds(1546300800123456750),
            date("2019-01-01 00:00:00.1234568")
        );
        assert_eq!(nanoseconds(-150), date("1969-12-31 23:59:59.9999998"));
    }

    // learn.microsoft.com/kusto/query/make-datetime-function
    #[test]
    fn make_datetime_reference_examples() {
        let long = Value::Long;
        assert_eq!(
            call(make_datetime, &[long(2017), long(10), long(1)]),
            date("2017-10-01")
        );
        assert_eq!(
            call(
                make_datetime,
                &[long(2017), long(10), long(1), long(12), long(10)]
            ),
            date("2017-10-01 12:10")
        );
        assert_eq!(
            call(
                make_datetime,
                &[
                    long(2017),
                    long(10),
                    long(1),
                    long(12),
                    long(11),
                    Value::Real(0.1234567)
                ]
            ),
            date("2017-10-01 12:11:00.1234567")
        );
        assert_eq!(
            call(make_datetime, &[long(2017), long(13), long(1)]),
            Value::Null
        );
        assert_eq!(
            call(make_datetime, &[Value::Null, long(1), long(1)]),
            Value::Null
        );
    }

    #[test]
    fn ago_subtracts_from_pinned_clock() {
        let mut context = EvalContext::for_tests();
        context.now = parse_datetime("2025-08-30T00:00:00Z").expect("valid date");
        let result = ago(&[Value::Timespan(TICKS_PER_DAY)], &context).expect("call succeeds");
        assert_eq!(result.to_kusto_string(), "2025-08-29T00:00:00.0000000Z");
        let result = now(&[], &context).expect("call succeeds");
        assert_eq!(result.to_kusto_string(), "2025-08-30T00:00:00.0000000Z");
    }

    // learn.microsoft.com/kusto/query/make-timespan-function
    #[test]
    fn make_timespan_reference_example() {
        let parts = [
            Value::Long(1),
            Value::Long(12),
            Value::Long(30),
            Value::Real(55.123),
        ];
        assert_eq!(
            call(make_timespan, &parts).to_kusto_string(),
            "1.12:30:55.1230000"
        );
    }

    #[test]
    fn make_timespan_out_of_range_parts() {
        let two = call(make_timespan, &[Value::Long(1), Value::Long(30)]);
        assert_eq!(two.to_kusto_string(), "01:30:00");
        assert_eq!(
            call(make_timespan, &[Value::Long(24), Value::Long(0)]),
            Value::Null
        );
        assert_eq!(
            call(make_timespan, &[Value::Long(1), Value::Long(60)]),
            Value::Null
        );
        let late_second = [Value::Long(1), Value::Long(2), Value::Real(60.0)];
        assert_eq!(call(make_timespan, &late_second), Value::Null);
        let negative_day = [
            Value::Long(-1),
            Value::Long(0),
            Value::Long(0),
            Value::Long(0),
        ];
        assert!(make_timespan(&negative_day, &EvalContext::for_tests()).is_err());
    }
}
