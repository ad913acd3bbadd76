//! IP address functions: parsing, comparing and formatting IPv4 and IPv6 addresses with
//! optional CIDR prefixes, range tests, searching text for addresses, and
//! `geo_info_from_ip_address`.
//!
//! Where two addresses carry prefixes, the smallest prefix (including an explicit prefix
//! argument) decides how many leading bits are compared, as the KQL reference describes
//! for `ipv4_compare`. Text that is not an address gives null (or `""` for functions that
//! return text).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::Ipv4Net;

use super::{expect_arg, integer_arg, EvalContext, Function, INTEGER, TEXT};
use crate::value::{json_to_kusto_string, Type, Value};

fn text_to_bool(args: &[Type]) -> Result<Type, String> {
    super::expect_types(
        args,
        &[Type::String, Type::Dynamic],
        "the IP address argument",
    )?;
    Ok(Type::Bool)
}

fn text_to_dynamic(args: &[Type]) -> Result<Type, String> {
    super::expect_types(
        args,
        &[Type::String, Type::Dynamic],
        "the IP address argument",
    )?;
    Ok(Type::Dynamic)
}

/// Parses an IPv4 address with an optional `/prefix` (0 to 32), as the `ipv4_*`
/// functions accept it. Returns the address with host bits kept.
pub(crate) fn parse_ipv4_with_prefix(text: &str) -> Option<(Ipv4Addr, u8)> {
    let text = text.trim();
    match text.split_once('/') {
        Some(_) => {
            let network = Ipv4Net::from_str(text).ok()?;
            Some((network.addr(), network.prefix_len()))
        }
        None => Ipv4Addr::from_str(text).ok().map(|address| (address, 32)),
    }
}

/// `ipv4_is_private(ip)`: true for 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16; a CIDR
/// suffix is accepted; text that is not an IPv4 address gives null
/// (learn.microsoft.com/kusto/query/ipv4-is-private-function).
fn ipv4_is_private(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = args[0].to_kusto_string();
    let result = match parse_ipv4_with_prefix(&text) {
        Some((address, _)) => Value::Bool(address.is_private()),
        None => Value::Null,
    };
    Ok(result)
}

/// `geo_info_from_ip_address(ip)`: a bag with `country`, `state`, `city`, `latitude` and
/// `longitude` where the database has them; empty for addresses it has no data for
/// (learn.microsoft.com/kusto/query/geo-info-from-ip-address-function).
fn geo_info_from_ip_address(args: &[Value], context: &EvalContext) -> Result<Value, String> {
    let text = args[0].to_kusto_string();
    let geo = context.geo()?;
    let bag = geo.lookup(&text);
    Ok(Value::dynamic(serde_json::Value::Object(bag)))
}

fn texts_to(args: &[Type], result: Type) -> Result<Type, String> {
    super::expect_types(args, TEXT, "an IP address argument")?;
    Ok(result)
}

fn texts_prefix_to(args: &[Type], result: Type) -> Result<Type, String> {
    super::expect_types(&args[..2.min(args.len())], TEXT, "an IP address argument")?;
    expect_arg(args, 2, INTEGER, "the prefix")?;
    Ok(result)
}

fn ipv4_of(value: &Value) -> Option<(u32, u8)> {
    parse_ipv4_with_prefix(&value.to_kusto_string())
        .map(|(address, prefix)| (u32::from(address), prefix))
}

fn mask32(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

/// Reads an optional prefix argument: `Some(None)` when absent, `None` when invalid.
fn prefix_arg(args: &[Value], index: usize, max: i64) -> Option<Option<u8>> {
    match args.get(index) {
        None => Some(None),
        Some(value) => integer_arg(value)
            .filter(|prefix| (0..=max).contains(prefix))
            .map(|prefix| Some(prefix as u8)),
    }
}

/// Compares two IPv4 addresses over the smallest of their prefixes and the optional
/// third-argument prefix; `None` when either address or the prefix is invalid.
fn compare_ipv4(args: &[Value]) -> Option<std::cmp::Ordering> {
    let (a, prefix_a) = ipv4_of(&args[0])?;
    let (b, prefix_b) = ipv4_of(&args[1])?;
    let explicit = prefix_arg(args, 2, 32)?.unwrap_or(32);
    let mask = mask32(prefix_a.min(prefix_b).min(explicit));
    Some((a & mask).cmp(&(b & mask)))
}

fn ordering_value(ordering: Option<std::cmp::Ordering>) -> Value {
    ordering
        .map(|ordering| Value::Long(ordering as i64))
        .unwrap_or(Value::Null)
}

/// `parse_ipv4(ip)`: the address as a long, masked by its prefix; null when invalid
/// (learn.microsoft.com/kusto/query/parse-ipv4-function).
fn parse_ipv4(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(ipv4_of(&args[0])
        .map(|(address, prefix)| Value::Long(i64::from(address & mask32(prefix))))
        .unwrap_or(Value::Null))
}

/// `parse_ipv4_mask(ip, prefix)`: as `parse_ipv4`, masked by the smaller prefix
/// (learn.microsoft.com/kusto/query/parse-ipv4-mask-function).
fn parse_ipv4_mask(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (Some((address, own)), Some(Some(prefix))) = (ipv4_of(&args[0]), prefix_arg(args, 1, 32))
    else {
        return Ok(Value::Null);
    };
    Ok(Value::Long(i64::from(address & mask32(own.min(prefix)))))
}

/// `ipv4_compare(a, b [, prefix])`: -1, 0 or 1 (learn.microsoft.com/kusto/query/ipv4-compare-function).
fn ipv4_compare(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(ordering_value(compare_ipv4(args)))
}

/// `ipv4_is_match(a, b [, prefix])`: true when equal over the prefix
/// (learn.microsoft.com/kusto/query/ipv4-is-match-function).
fn ipv4_is_match(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(compare_ipv4(args)
        .map(|ordering| Value::Bool(ordering.is_eq()))
        .unwrap_or(Value::Null))
}

/// True when `address` lies in the CIDR `range`; `None` when either is invalid.
fn ipv4_in_range(address: &Value, range: &str) -> Option<bool> {
    let (address, _) = ipv4_of(address)?;
    let (network, prefix) = parse_ipv4_with_prefix(range)?;
    let mask = mask32(prefix);
    Some(address & mask == u32::from(network) & mask)
}

/// `ipv4_is_in_range(ip, range)` (learn.microsoft.com/kusto/query/ipv4-is-in-range-function).
fn ipv4_is_in_range(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(ipv4_in_range(&args[0], &args[1].to_kusto_string())
        .map(Value::Bool)
        .unwrap_or(Value::Null))
}

/// Flattens range or address arguments: strings as they are, dynamic arrays element by
/// element.
fn flatten_texts(args: &[Value]) -> Vec<String> {
    let mut texts = Vec::new();
    for value in args {
        match value {
            Value::Dynamic(json) if json.is_array() => {
                for item in json.as_array().into_iter().flatten() {
                    texts.push(json_to_kusto_string(item));
                }
            }
            other => texts.push(other.to_kusto_string()),
        }
    }
    texts
}

/// `ipv4_is_in_any_range(ip, range1, … | ranges)`: null when the address or a range is
/// invalid (learn.microsoft.com/kusto/query/ipv4-is-in-any-range-function).
fn ipv4_is_in_any_range(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut any = false;
    for range in flatten_texts(&args[1..]) {
        match ipv4_in_range(&args[0], &range) {
            Some(inside) => any |= inside,
            None => return Ok(Value::Null),
        }
    }
    Ok(Value::Bool(any))
}

/// `ipv4_netmask_suffix(ip)`: the prefix length, 32 without one
/// (learn.microsoft.com/kusto/query/ipv4-netmask-suffix-function).
fn ipv4_netmask_suffix(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(ipv4_of(&args[0])
        .map(|(_, prefix)| Value::Int(i32::from(prefix)))
        .unwrap_or(Value::Null))
}

/// Reads `format_ipv4`'s address: dotted text with an optional prefix, or a number.
fn ipv4_or_number(value: &Value) -> Option<(u32, u8)> {
    match value {
        Value::Int(_) | Value::Long(_) => value
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .map(|n| (n, 32)),
        other => ipv4_of(other),
    }
}

fn format_masked(args: &[Value]) -> Option<(Ipv4Addr, u8)> {
    let (address, own) = ipv4_or_number(&args[0])?;
    let prefix = own.min(prefix_arg(args, 1, 32)?.unwrap_or(32));
    Some((Ipv4Addr::from(address & mask32(prefix)), prefix))
}

/// `format_ipv4(ip [, prefix])`: dotted text masked by the prefix; `""` when invalid
/// (learn.microsoft.com/kusto/query/format-ipv4-function).
fn format_ipv4(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(
        format_masked(args)
            .map(|(address, _)| address.to_string())
            .unwrap_or_default(),
    ))
}

/// `format_ipv4_mask(ip [, prefix])`: CIDR text; `""` when invalid
/// (learn.microsoft.com/kusto/query/format-ipv4-mask-function).
fn format_ipv4_mask(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(
        format_masked(args)
            .map(|(address, prefix)| format!("{address}/{prefix}"))
            .unwrap_or_default(),
    ))
}

/// The IPv4 addresses written in `text`: maximal runs of letters, digits and dots, with
/// trailing dots dropped, that parse as four decimal octets. A run such as
/// `54127.0.0.1` is one token and so not an address.
///
/// NOTE: the reference states that an address must be delimited by non-alphanumeric
/// characters; treating a dot as part of the token (so `1.2.3.4.5` contains no address) is
/// an inference.
fn ipv4_tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .map(|token| token.trim_end_matches('.'))
        .filter(|token| Ipv4Addr::from_str(token).is_ok())
}

/// A valid `has_ipv4_prefix` prefix: a full address, or one to three octets each
/// followed by a dot.
fn is_ipv4_prefix(prefix: &str) -> bool {
    if Ipv4Addr::from_str(prefix).is_ok() {
        return true;
    }
    let Some(octets) = prefix.strip_suffix('.') else {
        return false;
    };
    let parts: Vec<&str> = octets.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.len() <= 3 && part.parse::<u8>().is_ok())
}

fn has_any_address(text: &str, addresses: &[String]) -> bool {
    let wanted: Vec<Ipv4Addr> = addresses
        .iter()
        .filter_map(|a| Ipv4Addr::from_str(a).ok())
        .collect();
    ipv4_tokens(text)
        .any(|token| Ipv4Addr::from_str(token).is_ok_and(|found| wanted.contains(&found)))
}

fn has_any_prefix(text: &str, prefixes: &[String]) -> bool {
    let valid: Vec<&String> = prefixes
        .iter()
        .filter(|prefix| is_ipv4_prefix(prefix))
        .collect();
    ipv4_tokens(text).any(|token| {
        valid
            .iter()
            .any(|prefix| format!("{token}.").starts_with(prefix.as_str()))
    })
}

/// `has_ipv4(text, ip)`: true when the valid address `ip` appears in `text` as a whole
/// token (learn.microsoft.com/kusto/query/has-ipv4-function).
fn has_ipv4(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(has_any_address(
        &args[0].to_kusto_string(),
        &flatten_texts(&args[1..2]),
    )))
}

/// `has_any_ipv4(text, ip1, … | ips)` (learn.microsoft.com/kusto/query/has-any-ipv4-function).
fn has_any_ipv4(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(has_any_address(
        &args[0].to_kusto_string(),
        &flatten_texts(&args[1..]),
    )))
}

/// `has_ipv4_prefix(text, prefix)`: true when an address in `text` starts with the
/// prefix, which is a full address or ends with a dot
/// (learn.microsoft.com/kusto/query/has-ipv4-prefix-function).
fn has_ipv4_prefix(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(has_any_prefix(
        &args[0].to_kusto_string(),
        &flatten_texts(&args[1..2]),
    )))
}

/// `has_any_ipv4_prefix(text, prefix1, … | prefixes)`
/// (learn.microsoft.com/kusto/query/has-any-ipv4-prefix-function).
fn has_any_ipv4_prefix(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(has_any_prefix(
        &args[0].to_kusto_string(),
        &flatten_texts(&args[1..]),
    )))
}

/// Parses IPv6 or IPv4 text with an optional prefix into 128 bits and a prefix length;
/// IPv4 maps to `::ffff:a.b.c.d` with its prefix moved down by 96 bits.
fn ipv6_of(value: &Value) -> Option<(u128, u8)> {
    let text = value.to_kusto_string();
    let text = text.trim();
    if !text.contains(':') {
        let (address, prefix) = parse_ipv4_with_prefix(text)?;
        return Some((u128::from(address.to_ipv6_mapped()), prefix + 96));
    }
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let parsed = Ipv6Addr::from_str(address).ok()?;
    // `::a.b.c.d` is an IPv4 address: the reference's parse_ipv6_mask example gives
    // `::192.168.255.255/24` the canonical form `…:ffff:c0a8:ff00`, mapped as
    // `::ffff:a.b.c.d` with its prefix counted from bit 96.
    if address.contains('.') && parsed.segments()[..6] == [0; 6] {
        let ipv4 = std::net::Ipv4Addr::from((u128::from(parsed) & 0xffff_ffff) as u32);
        let prefix = prefix.unwrap_or(32);
        return (prefix <= 32).then(|| (u128::from(ipv4.to_ipv6_mapped()), prefix + 96));
    }
    let prefix = prefix.unwrap_or(128);
    (prefix <= 128).then_some((u128::from(parsed), prefix))
}

fn mask128(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix.min(128)))
    }
}

fn compare_ipv6(args: &[Value]) -> Option<std::cmp::Ordering> {
    let (a, prefix_a) = ipv6_of(&args[0])?;
    let (b, prefix_b) = ipv6_of(&args[1])?;
    let explicit = prefix_arg(args, 2, 128)?.unwrap_or(128);
    let mask = mask128(prefix_a.min(prefix_b).min(explicit));
    Some((a & mask).cmp(&(b & mask)))
}

/// `parse_ipv6(ip)`: the canonical form, eight four-digit lowercase groups, masked by
/// the prefix; `""` when invalid (learn.microsoft.com/kusto/query/parse-ipv6-function).
fn parse_ipv6(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some((address, prefix)) = ipv6_of(&args[0]) else {
        return Ok(Value::from(""));
    };
    Ok(Value::from(canonical_ipv6(address, prefix)))
}

/// `parse_ipv6_mask(ip, prefix)`: as `parse_ipv6`, masked by the smaller of the address's
/// own prefix and `prefix`. An IPv4 address's own prefix counts 96 more bits. The result is
/// `""` when the address is invalid or the prefix is outside 0 to 128
/// (learn.microsoft.com/kusto/query/parse-ipv6-mask-function).
fn parse_ipv6_mask(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (Some((address, own)), Some(Some(explicit))) =
        (ipv6_of(&args[0]), prefix_arg(args, 1, 128))
    else {
        return Ok(Value::from(""));
    };
    Ok(Value::from(canonical_ipv6(address, own.min(explicit))))
}

/// Eight four-digit lowercase groups of `address` masked to `prefix` bits.
fn canonical_ipv6(address: u128, prefix: u8) -> String {
    let masked = address & mask128(prefix);
    let groups: Vec<String> = (0..8)
        .rev()
        .map(|group| format!("{:04x}", (masked >> (group * 16)) & 0xffff))
        .collect();
    groups.join(":")
}

/// `ipv6_compare(a, b [, prefix])` (learn.microsoft.com/kusto/query/ipv6-compare-function).
fn ipv6_compare(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(ordering_value(compare_ipv6(args)))
}

/// `ipv6_is_match(a, b [, prefix])` (learn.microsoft.com/kusto/query/ipv6-is-match-function).
fn ipv6_is_match(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(compare_ipv6(args)
        .map(|ordering| Value::Bool(ordering.is_eq()))
        .unwrap_or(Value::Null))
}

/// True when `address` lies in the IPv6 (or IPv4) CIDR `range`; `None` when either is
/// invalid. The address's own prefix is ignored, as in `ipv4_is_in_range`.
fn ipv6_in_range(address: &Value, range: &str) -> Option<bool> {
    let (address, _) = ipv6_of(address)?;
    let (network, prefix) = ipv6_of(&Value::from(range))?;
    let mask = mask128(prefix);
    Some(address & mask == network & mask)
}

/// `ipv6_is_in_range(ip, range)` (learn.microsoft.com/kusto/query/ipv6-is-in-range-function).
fn ipv6_is_in_range(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(ipv6_in_range(&args[0], &args[1].to_kusto_string()).map_or(Value::Null, Value::Bool))
}

/// `ipv6_is_in_any_range(ip, range1, … | ranges)`: null when the address or a range is
/// invalid (learn.microsoft.com/kusto/query/ipv6-is-in-any-range-function).
fn ipv6_is_in_any_range(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut any = false;
    for range in flatten_texts(&args[1..]) {
        match ipv6_in_range(&args[0], &range) {
            Some(inside) => any |= inside,
            None => return Ok(Value::Null),
        }
    }
    Ok(Value::Bool(any))
}

fn to_long(args: &[Type]) -> Result<Type, String> {
    texts_to(args, Type::Long)
}

fn to_int(args: &[Type]) -> Result<Type, String> {
    texts_to(args, Type::Int)
}

fn prefix_to_long(args: &[Type]) -> Result<Type, String> {
    texts_prefix_to(args, Type::Long)
}

fn prefix_to_bool(args: &[Type]) -> Result<Type, String> {
    texts_prefix_to(args, Type::Bool)
}

fn mask_to_long(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the IP address")?;
    expect_arg(args, 1, INTEGER, "the prefix")?;
    Ok(Type::Long)
}

fn text_and_prefix_to_string(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the IP address")?;
    expect_arg(args, 1, INTEGER, "the prefix")?;
    Ok(Type::String)
}

fn format_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(
        args,
        0,
        &[Type::String, Type::Dynamic, Type::Int, Type::Long],
        "the IP address",
    )?;
    expect_arg(args, 1, INTEGER, "the prefix")?;
    Ok(Type::String)
}

fn text_to_string(args: &[Type]) -> Result<Type, String> {
    texts_to(args, Type::String)
}

fn ranges_to_bool(args: &[Type]) -> Result<Type, String> {
    texts_to(args, Type::Bool)
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new(
        "ipv4_is_private",
        "ipv4_is_private(ip: string) -> bool",
        (1, 1),
        text_to_bool,
        ipv4_is_private,
    ),
    Function::new(
        "geo_info_from_ip_address",
        "geo_info_from_ip_address(ip: string) -> dynamic",
        (1, 1),
        text_to_dynamic,
        geo_info_from_ip_address,
    ),
    Function::new(
        "parse_ipv4",
        "parse_ipv4(ip: string) -> long",
        (1, 1),
        to_long,
        parse_ipv4,
    ),
    Function::new(
        "parse_ipv4_mask",
        "parse_ipv4_mask(ip: string, prefix: int) -> long",
        (2, 2),
        mask_to_long,
        parse_ipv4_mask,
    ),
    Function::new(
        "ipv4_compare",
        "ipv4_compare(ip1: string, ip2: string [, prefix: int]) -> long",
        (2, 3),
        prefix_to_long,
        ipv4_compare,
    ),
    Function::new(
        "ipv4_is_match",
        "ipv4_is_match(ip1: string, ip2: string [, prefix: int]) -> bool",
        (2, 3),
        prefix_to_bool,
        ipv4_is_match,
    ),
    Function::new(
        "ipv4_is_in_range",
        "ipv4_is_in_range(ip: string, range: string) -> bool",
        (2, 2),
        ranges_to_bool,
        ipv4_is_in_range,
    ),
    Function::new(
        "ipv4_is_in_any_range",
        "ipv4_is_in_any_range(ip: string, range1: string, … | ranges: dynamic) -> bool",
        (2, super::MAX_VARIADIC_ARGS),
        ranges_to_bool,
        ipv4_is_in_any_range,
    ),
    Function::new(
        "ipv4_netmask_suffix",
        "ipv4_netmask_suffix(ip: string) -> int",
        (1, 1),
        to_int,
        ipv4_netmask_suffix,
    ),
    Function::new(
        "format_ipv4",
        "format_ipv4(ip [, prefix: int]) -> string",
        (1, 2),
        format_type,
        format_ipv4,
    ),
    Function::new(
        "format_ipv4_mask",
        "format_ipv4_mask(ip [, prefix: int]) -> string",
        (1, 2),
        format_type,
        format_ipv4_mask,
    ),
    Function::new(
        "has_ipv4",
        "has_ipv4(text: string, ip: string) -> bool",
        (2, 2),
        ranges_to_bool,
        has_ipv4,
    ),
    Function::new(
        "has_any_ipv4",
        "has_any_ipv4(text: string, ip1: string, … | ips: dynamic) -> bool",
        (2, super::MAX_VARIADIC_ARGS),
        ranges_to_bool,
        has_any_ipv4,
    ),
    Function::new(
        "has_ipv4_prefix",
        "has_ipv4_prefix(text: string, prefix: string) -> bool",
        (2, 2),
        ranges_to_bool,
        has_ipv4_prefix,
    ),
    Function::new(
        "has_any_ipv4_prefix",
        "has_any_ipv4_prefix(text: string, prefix1: string, … | prefixes: dynamic) -> bool",
        (2, super::MAX_VARIADIC_ARGS),
        ranges_to_bool,
        has_any_ipv4_prefix,
    ),
    Function::new(
        "parse_ipv6",
        "parse_ipv6(ip: string) -> string",
        (1, 1),
        text_to_string,
        parse_ipv6,
    ),
    Function::new(
        "parse_ipv6_mask",
        "parse_ipv6_mask(ip: string, prefix: int) -> string",
        (2, 2),
        text_and_prefix_to_string,
        parse_ipv6_mask,
    ),
    Function::new(
        "ipv6_compare",
        "ipv6_compare(ip1: string, ip2: string [, prefix: int]) -> long",
        (2, 3),
        prefix_to_long,
        ipv6_compare,
    ),
    Function::new(
        "ipv6_is_match",
        "ipv6_is_match(ip1: string, ip2: string [, prefix: int]) -> bool",
        (2, 3),
        prefix_to_bool,
        ipv6_is_match,
    ),
    Function::new(
        "ipv6_is_in_range",
        "ipv6_is_in_range(ip: string, range: string) -> bool",
        (2, 2),
        ranges_to_bool,
        ipv6_is_in_range,
    ),
    Function::new(
        "ipv6_is_in_any_range",
        "ipv6_is_in_any_range(ip: string, range1: string, … | ranges: dynamic) -> bool",
        (2, super::MAX_VARIADIC_ARGS),
        ranges_to_bool,
        ipv6_is_in_any_range,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    // learn.microsoft.com/kusto/query/parse-ipv4-function
    #[test]
    fn parse_ipv4_cases() {
        assert_eq!(call(parse_ipv4, &[s("127.0.0.1")]), Value::Long(2130706433));
        assert_eq!(
            call(parse_ipv4, &[s("192.168.1.1/24")]),
            Value::Long(3232235776)
        );
        assert_eq!(call(parse_ipv4, &[s("junk")]), Value::Null);
        assert_eq!(call(parse_ipv4, &[Value::Null]), Value::Null);
        assert_eq!(
            call(parse_ipv4_mask, &[s("192.168.255.255"), Value::Long(24)]),
            Value::Long(3232300800)
        );
    }

    // learn.microsoft.com/kusto/query/ipv4-compare-function
    #[test]
    fn ipv4_compare_reference_examples() {
        let compare = |a: &str, b: &str| call(ipv4_compare, &[s(a), s(b)]);
        assert_eq!(compare("192.168.1.0", "192.168.1.0"), Value::Long(0));
        assert_eq!(compare("192.168.1.1/24", "192.168.1.255"), Value::Long(0));
        assert_eq!(compare("192.168.1.1", "192.168.1.255/24"), Value::Long(0));
        assert_eq!(
            compare("192.168.1.1/30", "192.168.1.255/24"),
            Value::Long(0)
        );
        let with_prefix =
            |a: &str, b: &str, prefix: i64| call(ipv4_compare, &[s(a), s(b), Value::Long(prefix)]);
        assert_eq!(
            with_prefix("192.168.1.1", "192.168.1.0", 31),
            Value::Long(0)
        );
        assert_eq!(
            with_prefix("192.168.1.1/24", "192.168.1.255", 31),
            Value::Long(0)
        );
        assert_eq!(
            with_prefix("192.168.1.1", "192.168.1.255", 24),
            Value::Long(0)
        );
        assert_eq!(compare("192.168.1.1", "192.168.1.2"), Value::Long(-1));
        assert_eq!(compare("192.168.1.1", "junk"), Value::Null);
        assert_eq!(
            call(ipv4_is_match, &[s("192.168.1.1"), s("192.168.1.255/24")]),
            Value::Bool(true)
        );
    }

    // learn.microsoft.com/kusto/query/ipv4-is-in-range-function and
    // ipv4-is-in-any-range-function
    #[test]
    fn ipv4_ranges() {
        assert_eq!(
            call(ipv4_is_in_range, &[s("192.168.1.1"), s("192.168.1.1")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(ipv4_is_in_range, &[s("192.168.1.1"), s("192.168.1.255/24")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(ipv4_is_in_range, &[s("192.168.1.1"), s("192.168.2.0/24")]),
            Value::Bool(false)
        );
        assert_eq!(
            call(ipv4_is_in_range, &[s("junk"), s("10.0.0.0/8")]),
            Value::Null
        );
        let ranges = Value::dynamic(serde_json::json!(["10.0.0.0/8", "192.168.1.0/24"]));
        assert_eq!(
            call(ipv4_is_in_any_range, &[s("192.168.1.7"), ranges.clone()]),
            Value::Bool(true)
        );
        assert_eq!(
            call(ipv4_is_in_any_range, &[s("8.8.8.8"), ranges]),
            Value::Bool(false)
        );
        assert_eq!(
            call(
                ipv4_is_in_any_range,
                &[s("10.1.1.1"), s("127.0.0.0/8"), s("10.0.0.0/8")]
            ),
            Value::Bool(true)
        );
    }

    // learn.microsoft.com/kusto/query/format-ipv4-function
    #[test]
    fn format_ipv4_reference_examples() {
        let format = |function: super::super::Implementation, address: &str, mask: i64| {
            call(function, &[s(address), Value::Long(mask)])
        };
        assert_eq!(format(format_ipv4, "192.168.1.1", 24), s("192.168.1.0"));
        assert_eq!(
            format(format_ipv4_mask, "192.168.1.1", 24),
            s("192.168.1.0/24")
        );
        assert_eq!(format(format_ipv4, "192.168.1.1", 32), s("192.168.1.1"));
        assert_eq!(
            format(format_ipv4_mask, "192.168.1.1", 32),
            s("192.168.1.1/32")
        );
        assert_eq!(format(format_ipv4, "192.168.1.1/24", 32), s("192.168.1.0"));
        assert_eq!(
            format(format_ipv4_mask, "192.168.1.1/24", 32),
            s("192.168.1.0/24")
        );
        assert_eq!(format(format_ipv4, "192.168.1.1/24", -1), s(""));
        assert_eq!(format(format_ipv4_mask, "192.168.1.1/24", -1), s(""));
        assert_eq!(
            call(format_ipv4, &[Value::Long(3232235777)]),
            s("192.168.1.1")
        );
    }

    // learn.microsoft.com/kusto/query/has-ipv4-function and has-ipv4-prefix-function
    #[test]
    fn has_ipv4_reference_examples() {
        let log = "05:04:54 127.0.0.1 GET /favicon.ico 404";
        assert_eq!(call(has_ipv4, &[s(log), s("127.0.0.1")]), Value::Bool(true));
        assert_eq!(
            call(
                has_ipv4,
                &[
                    s("05:04:54 127.0.0.256 GET /favicon.ico 404"),
                    s("127.0.0.256")
                ]
            ),
            Value::Bool(false)
        );
        assert_eq!(
            call(
                has_ipv4,
                &[s("05:04:54127.0.0.1 GET /favicon.ico 404"), s("127.0.0.1")]
            ),
            Value::Bool(false)
        );
        assert_eq!(
            call(has_ipv4_prefix, &[s(log), s("127.0.")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(has_ipv4_prefix, &[s(log), s("127.0")]),
            Value::Bool(false)
        );
        assert_eq!(
            call(
                has_ipv4_prefix,
                &[s("05:04:54 127.0.0.256 GET /favicon.ico 404"), s("127.0.")]
            ),
            Value::Bool(false)
        );
        assert_eq!(
            call(
                has_ipv4_prefix,
                &[s("05:04:54127.0.0.1 GET /favicon.ico 404"), s("127.0.")]
            ),
            Value::Bool(false)
        );
        let ips = Value::dynamic(serde_json::json!(["10.0.0.1", "127.0.0.1"]));
        assert_eq!(call(has_any_ipv4, &[s(log), ips]), Value::Bool(true));
        assert_eq!(
            call(has_any_ipv4_prefix, &[s(log), s("10."), s("127.")]),
            Value::Bool(true)
        );
    }

    #[test]
    fn netmask_suffix_cases() {
        assert_eq!(
            call(ipv4_netmask_suffix, &[s("192.168.1.1/24")]),
            Value::Int(24)
        );
        assert_eq!(
            call(ipv4_netmask_suffix, &[s("192.168.1.1")]),
            Value::Int(32)
        );
        assert_eq!(
            call(ipv4_netmask_suffix, &[s("192.168.1.1/33")]),
            Value::Null
        );
    }

    // learn.microsoft.com/kusto/query/parse-ipv6-function
    #[test]
    fn parse_ipv6_reference_examples() {
        assert_eq!(
            call(parse_ipv6, &[s("192.168.255.255")]),
            s("0000:0000:0000:0000:0000:ffff:c0a8:ffff")
        );
        assert_eq!(
            call(parse_ipv6, &[s("192.168.255.255/24")]),
            s("0000:0000:0000:0000:0000:ffff:c0a8:ff00")
        );
        assert_eq!(
            call(parse_ipv6, &[s("255.255.255.255")]),
            s("0000:0000:0000:0000:0000:ffff:ffff:ffff")
        );
        assert_eq!(call(parse_ipv6, &[s("junk")]), s(""));
    }

    // learn.microsoft.com/kusto/query/ipv6-compare-function
    // learn.microsoft.com/kusto/query/parse-ipv6-mask-function: the reference example,
    // including `::a.b.c.d`, which is read as the IPv4 address a.b.c.d.
    #[test]
    fn parse_ipv6_mask_reference_example() {
        let cases = [
            (
                "192.168.255.255",
                120,
                "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
            ),
            (
                "192.168.255.255/24",
                124,
                "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
            ),
            (
                "255.255.255.255",
                128,
                "0000:0000:0000:0000:0000:ffff:ffff:ffff",
            ),
            (
                "fe80::85d:e82c:9446:7994",
                128,
                "fe80:0000:0000:0000:085d:e82c:9446:7994",
            ),
            (
                "fe80::85d:e82c:9446:7994/120",
                124,
                "fe80:0000:0000:0000:085d:e82c:9446:7900",
            ),
            (
                "::192.168.255.255",
                128,
                "0000:0000:0000:0000:0000:ffff:c0a8:ffff",
            ),
            (
                "::192.168.255.255/24",
                128,
                "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
            ),
        ];
        for (ip, prefix, expected) in cases {
            assert_eq!(
                call(parse_ipv6_mask, &[s(ip), Value::Long(prefix)]),
                s(expected),
                "{ip} {prefix}"
            );
        }
        assert_eq!(
            call(parse_ipv6_mask, &[s("fe80::1"), Value::Long(129)]),
            s("")
        );
        assert_eq!(
            call(parse_ipv6_mask, &[s("fe80::1/129"), Value::Long(64)]),
            s("")
        );
        assert_eq!(call(parse_ipv6_mask, &[s("junk"), Value::Long(64)]), s(""));
    }

    #[test]
    fn ipv6_compare_reference_examples() {
        let compare = |a: &str, b: &str| call(ipv6_compare, &[s(a), s(b)]);
        assert_eq!(compare("192.168.1.1", "192.168.1.1"), Value::Long(0));
        assert_eq!(compare("192.168.1.1/24", "192.168.1.255"), Value::Long(0));
        assert_eq!(
            compare("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998"),
            Value::Long(0)
        );
        assert_eq!(
            compare("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7998/120"),
            Value::Long(0)
        );
        assert_eq!(compare("192.168.1.1", "::ffff:c0a8:0101"), Value::Long(0));
        assert_eq!(
            compare("192.168.1.1/24", "::ffff:c0a8:01ff"),
            Value::Long(0)
        );
        assert_eq!(
            compare("::ffff:c0a8:0101", "192.168.1.255/24"),
            Value::Long(0)
        );
        assert_eq!(
            compare("::192.168.1.1/30", "192.168.1.255/24"),
            Value::Long(0)
        );
        assert_eq!(compare("fe80::1", "fe80::2"), Value::Long(-1));
        assert_eq!(compare("fe80::1", "junk"), Value::Null);
        assert_eq!(
            call(ipv6_is_match, &[s("fe80::1"), s("fe80::1")]),
            Value::Bool(true)
        );
    }

    fn is_private(text: &str) -> Value {
        ipv4_is_private(&[Value::from(text)], &EvalContext::for_tests()).expect("call succeeds")
    }

    // Expected values from learn.microsoft.com/kusto/query/ipv4-is-private-function.
    #[test]
    fn private_ranges() {
        assert_eq!(is_private("10.1.2.3"), Value::Bool(true));
        assert_eq!(is_private("172.16.0.1"), Value::Bool(true));
        assert_eq!(is_private("172.31.255.255"), Value::Bool(true));
        assert_eq!(is_private("192.168.1.1"), Value::Bool(true));
    }

    #[test]
    fn public_and_special_ranges_are_not_private() {
        assert_eq!(is_private("127.0.0.1"), Value::Bool(false));
        assert_eq!(is_private("202.1.2.3"), Value::Bool(false));
        assert_eq!(is_private("172.32.0.1"), Value::Bool(false));
        assert_eq!(is_private("100.64.0.1"), Value::Bool(false));
        assert_eq!(is_private("169.254.1.1"), Value::Bool(false));
    }

    #[test]
    fn cidr_suffix_is_accepted() {
        assert_eq!(is_private("192.168.1.1/24"), Value::Bool(true));
        assert_eq!(is_private("10.1.2.3/24"), Value::Bool(true));
        assert_eq!(is_private("10.1.2.3/33"), Value::Null);
    }

    #[test]
    fn non_ipv4_text_is_null() {
        assert_eq!(is_private("fd12:3456::1"), Value::Null);
        assert_eq!(is_private("::ffff:10.0.0.1"), Value::Null);
        assert_eq!(is_private(""), Value::Null);
        assert_eq!(is_private("junk"), Value::Null);
        assert_eq!(is_private("10.0.0"), Value::Null);
    }

    // learn.microsoft.com/kusto/query/ipv6-is-in-range-function
    #[test]
    fn ipv6_is_in_range_reference_examples() {
        let address = s("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd");
        let cases = [
            ("a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112", true),
            ("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd", true),
            ("0:0:0:0:0:ffff:c0a8:ac/60", false),
        ];
        for (range, expected) in cases {
            assert_eq!(
                call(ipv6_is_in_range, &[address.clone(), s(range)]),
                Value::Bool(expected),
                "{range}"
            );
        }
        assert_eq!(call(ipv6_is_in_range, &[s("junk"), s("::/0")]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/ipv6-is-in-any-range-function
    #[test]
    fn ipv6_is_in_any_range_reference_example() {
        let networks = Value::dynamic(serde_json::json!([
            "a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112",
            "0:0:0:0:0:ffff:c0a8:ac/60"
        ]));
        let cases = [
            ("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd", true),
            ("a5e:f127:8a9d:146d:e102:b5d3:c755:abce", true),
            ("a5e:f127:8a9d:146d:e102:b5d3:c755:abcf", true),
            ("a5e:f127:8a9d:146d:e102:b5d3:c756:abd1", false),
        ];
        for (address, expected) in cases {
            assert_eq!(
                call(ipv6_is_in_any_range, &[s(address), networks.clone()]),
                Value::Bool(expected),
                "{address}"
            );
        }
    }
}
