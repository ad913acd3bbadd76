//! IP address functions: `ipv4_is_private` and `geo_info_from_ip_address`.

use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::Ipv4Net;

use super::{EvalContext, Function};
use crate::value::{Type, Value};

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

pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "ipv4_is_private",
        signature: "ipv4_is_private(ip: string) -> bool",
        min_args: 1,
        max_args: 1,
        result_type: text_to_bool,
        eval: ipv4_is_private,
    },
    Function {
        name: "geo_info_from_ip_address",
        signature: "geo_info_from_ip_address(ip: string) -> dynamic",
        min_args: 1,
        max_args: 1,
        result_type: text_to_dynamic,
        eval: geo_info_from_ip_address,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

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
}
