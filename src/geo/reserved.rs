//! Special-purpose address ranges that never get a location.
//!
//! Private, loopback, link-local, shared (CGNAT), documentation, benchmarking, multicast and
//! reserved addresses are not tied to a place. A database may still contain a record for
//! them (a catch-all network, or the country of the organisation that registered the
//! block), so lookups check this list first and return an empty bag without querying the
//! database.
//! The ranges come from the IANA IPv4 and IPv6 Special-Purpose Address Registries
//! (RFC 6890 and its updates).

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 ranges without a location, each with the RFC that assigns it.
const SPECIAL_IPV4: [Ipv4Net; 15] = [
    // "This network", including the unspecified address 0.0.0.0 (RFC 791).
    Ipv4Net::new_assert(Ipv4Addr::new(0, 0, 0, 0), 8),
    // Private use (RFC 1918).
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    // Shared address space for carrier-grade NAT (RFC 6598).
    Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10),
    // Loopback (RFC 1122).
    Ipv4Net::new_assert(Ipv4Addr::new(127, 0, 0, 0), 8),
    // Link-local (RFC 3927).
    Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16),
    // Private use (RFC 1918).
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    // IETF protocol assignments (RFC 6890).
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 0, 0), 24),
    // Documentation, TEST-NET-1 (RFC 5737).
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 2, 0), 24),
    // Deprecated 6to4 relay anycast (RFC 7526).
    Ipv4Net::new_assert(Ipv4Addr::new(192, 88, 99, 0), 24),
    // Private use (RFC 1918).
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
    // Benchmarking (RFC 2544).
    Ipv4Net::new_assert(Ipv4Addr::new(198, 18, 0, 0), 15),
    // Documentation, TEST-NET-2 (RFC 5737).
    Ipv4Net::new_assert(Ipv4Addr::new(198, 51, 100, 0), 24),
    // Documentation, TEST-NET-3 (RFC 5737).
    Ipv4Net::new_assert(Ipv4Addr::new(203, 0, 113, 0), 24),
    // Multicast (RFC 5771).
    Ipv4Net::new_assert(Ipv4Addr::new(224, 0, 0, 0), 4),
    // Reserved (RFC 1112), including the limited broadcast address 255.255.255.255.
    Ipv4Net::new_assert(Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// Global unicast space (RFC 4291). IPv6 addresses outside it have no location:
/// unspecified, loopback, IPv4-compatible, NAT64 (RFC 6052), discard-only (RFC 6666),
/// unique local fc00::/7 (RFC 4193), link-local, site-local and multicast.
const GLOBAL_UNICAST_IPV6: Ipv6Net =
    Ipv6Net::new_assert(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// Ranges inside the global unicast space that have no location either.
const SPECIAL_GLOBAL_IPV6: [Ipv6Net; 3] = [
    // IETF protocol assignments: Teredo, benchmarking, ORCHID and others (RFC 2928).
    Ipv6Net::new_assert(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    // Documentation (RFC 3849).
    Ipv6Net::new_assert(Ipv6Addr::new(0x2001, 0x0db8, 0, 0, 0, 0, 0, 0), 32),
    // Documentation (RFC 9637).
    Ipv6Net::new_assert(Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
];

/// Returns true for addresses in a special-purpose range. IPv4-mapped IPv6 addresses must
/// be converted to IPv4 first, or they count as special because they are outside the
/// global unicast space.
pub fn is_special_purpose(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => SPECIAL_IPV4.iter().any(|range| range.contains(&v4)),
        IpAddr::V6(v6) => {
            !GLOBAL_UNICAST_IPV6.contains(&v6)
                || SPECIAL_GLOBAL_IPV6.iter().any(|range| range.contains(&v6))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn special(text: &str) -> bool {
        let address: IpAddr = text
            .parse()
            .unwrap_or_else(|_| panic!("invalid test address {text}"));
        is_special_purpose(address)
    }

    #[test]
    fn ipv4_special_ranges() {
        let cases = [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.0",
            "100.127.255.255",
            "127.0.0.1",
            "169.254.1.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ];
        for text in cases {
            assert!(special(text), "{text} should be special-purpose");
        }
    }

    #[test]
    fn ipv4_neighbours_are_public() {
        // The first address past each range boundary, plus well-known public addresses.
        let cases = [
            "1.0.0.1",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.0.3.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "203.0.112.255",
            "223.255.255.255",
            "8.8.8.8",
            "20.53.203.50",
        ];
        for text in cases {
            assert!(!special(text), "{text} should be public");
        }
    }

    #[test]
    fn ipv6_special_ranges() {
        let cases = [
            "::",
            "::1",
            "::8.8.8.8",
            "64:ff9b::808:808",
            "100::1",
            "fc00::1",
            "fd12:3456:789a::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001::1",
            "2001:2::1",
            "2001:1ff:ffff::1",
            "2001:db8::1",
            "3fff::1",
            "3fff:fff:ffff::1",
            "4000::1",
        ];
        for text in cases {
            assert!(special(text), "{text} should be special-purpose");
        }
    }

    #[test]
    fn ipv6_global_unicast_is_public() {
        let cases = [
            "2000::1",
            "2001:200::1",
            "2001:4860:4860::8888",
            "2001:db7:ffff::1",
            "2001:db9::1",
            "2a03:2880:f12c:83:face:b00c::25de",
            "3ffe::1",
            "3fff:1000::1",
        ];
        for text in cases {
            assert!(!special(text), "{text} should be public");
        }
    }
}
