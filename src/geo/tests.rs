//! Tests for `GeoIp`, against small databases written here and against the embedded file.
//!
//! Expected bags for 20.53.203.50 (Sydney) and 2a03:2880:f12c:83:face:b00c::25de
//! (Boca Raton) are the examples in Kusto's documentation of geo_info_from_ip_address(),
//! https://learn.microsoft.com/kusto/query/geo-info-from-ip-address-function. That page
//! does not cover special-purpose addresses, whitespace or CIDR text. The results
//! expected for them here are this engine's choices.

use super::test_mmdb::MmdbBuilder;
use super::*;
use crate::error::ErrorKind;
use serde_json::json;
use std::collections::BTreeSet;
use std::io::Write;

/// Converts a JSON object literal into the map type `lookup` returns.
fn bag(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("expected a JSON object, got {other}"),
    }
}

fn open_bytes(bytes: Vec<u8>) -> GeoIp {
    let reader = Reader::from_source(Cow::Owned(bytes)).expect("test database is valid");
    GeoIp::from_reader(reader)
}

/// Builds a database with a few networks in each supported record layout and gaps between.
fn sample_database() -> GeoIp {
    let mut builder = MmdbBuilder::new("GeoLite2-City");
    builder
        // MaxMind City layout with every field, plus fields that lookup ignores.
        .insert(
            "81.2.69.0/24",
            &json!({
                "city": {"geoname_id": 2643743, "names": {"de": "London", "en": "London"}},
                "continent": {"code": "EU", "names": {"en": "Europe"}},
                "country": {"iso_code": "GB",
                            "names": {"en": "United Kingdom", "fr": "Royaume-Uni"}},
                "location": {"accuracy_radius": 10, "latitude": 51.5142, "longitude": -0.0931,
                             "time_zone": "Europe/London"},
                "subdivisions": [
                    {"iso_code": "ENG", "names": {"en": "England"}},
                    {"iso_code": "WBK", "names": {"en": "West Berkshire"}}
                ]
            }),
        )
        .insert(
            "20.53.203.0/24",
            &json!({
                "city": {"names": {"en": "Sydney"}},
                "country": {"iso_code": "AU", "names": {"en": "Australia"}},
                "location": {"latitude": -33.8715, "longitude": 151.2006},
                "subdivisions": [{"iso_code": "NSW", "names": {"en": "New South Wales"}}]
            }),
        )
        .insert(
            "2a03:2880:f12c::/48",
            &json!({
                "city": {"names": {"en": "Boca Raton"}},
                "country": {"iso_code": "US", "names": {"en": "United States"}},
                "location": {"latitude": 26.3594, "longitude": -80.0771},
                "subdivisions": [{"iso_code": "FL", "names": {"en": "Florida"}}]
            }),
        )
        // MaxMind record with a country and coordinates but no subdivision or city.
        .insert(
            "89.160.20.0/24",
            &json!({
                "country": {"iso_code": "SE", "names": {"en": "Sweden"}},
                "location": {"latitude": 62.0, "longitude": 15.0}
            }),
        )
        // MaxMind record whose country names lack English.
        .insert(
            "2.125.160.0/24",
            &json!({"country": {"iso_code": "GB", "names": {"de": "Vereinigtes Königreich"}}}),
        )
        // ip-location-db country layout, as in the embedded database.
        .insert("5.6.7.0/24", &json!({"country_code": "DE"}))
        // ip-location-db city layout.
        .insert(
            "5.6.8.0/24",
            &json!({
                "city": "Paris", "country_code": "FR", "latitude": 48.8534, "longitude": 2.3488,
                "postcode": "75001", "state1": "Île-de-France", "state2": "Paris",
                "timezone": "Europe/Paris"
            }),
        )
        .insert("5.6.9.0/24", &json!({"country_code": "ZZ"}))
        .insert("5.6.10.0/24", &json!({"continent": {"code": "EU"}}))
        .insert("5.6.11.0/24", &json!({"country": 42}))
        .insert("5.6.12.0/24", &json!({"country_code": "", "city": ""}));
    open_bytes(builder.build())
}

/// Builds a database whose catch-all records cover every address, special-purpose ones too.
fn catch_all_database() -> GeoIp {
    let mut builder = MmdbBuilder::new("catch-all");
    builder
        .insert("::/1", &json!({"country_code": "US"}))
        .insert("8000::/1", &json!({"country_code": "US"}));
    open_bytes(builder.build())
}

#[test]
fn city_record_gives_all_fields() {
    let geo = sample_database();
    let expected = bag(json!({
        "country": "United Kingdom", "state": "England", "city": "London",
        "latitude": 51.5142, "longitude": -0.0931
    }));
    assert_eq!(geo.lookup("81.2.69.142"), expected);
}

#[test]
fn bag_keys_follow_kusto_order() {
    let geo = sample_database();
    let keys: Vec<String> = geo.lookup("81.2.69.142").keys().cloned().collect();
    assert_eq!(keys, ["country", "state", "city", "latitude", "longitude"]);
}

#[test]
fn documentation_ipv4_example() {
    let geo = sample_database();
    let expected = bag(json!({
        "country": "Australia", "state": "New South Wales", "city": "Sydney",
        "latitude": -33.8715, "longitude": 151.2006
    }));
    assert_eq!(geo.lookup("20.53.203.50"), expected);
}

#[test]
fn documentation_ipv6_example() {
    let geo = sample_database();
    let expected = bag(json!({
        "country": "United States", "state": "Florida", "city": "Boca Raton",
        "latitude": 26.3594, "longitude": -80.0771
    }));
    assert_eq!(geo.lookup("2a03:2880:f12c:83:face:b00c::25de"), expected);
}

#[test]
fn record_without_city_omits_fields() {
    let geo = sample_database();
    let result = geo.lookup("89.160.20.128");
    assert_eq!(
        result,
        bag(json!({"country": "Sweden", "latitude": 62.0, "longitude": 15.0}))
    );
    assert!(!result.contains_key("state"));
    assert!(!result.contains_key("city"));
}

#[test]
fn country_falls_back_to_iso_code() {
    let geo = sample_database();
    assert_eq!(
        geo.lookup("2.125.160.216"),
        bag(json!({"country": "United Kingdom"}))
    );
}

#[test]
fn country_code_record_maps_to_name() {
    let geo = sample_database();
    assert_eq!(geo.lookup("5.6.7.8"), bag(json!({"country": "Germany"})));
}

#[test]
fn ip_location_db_city_record() {
    let geo = sample_database();
    let expected = bag(json!({
        "country": "France", "state": "Île-de-France", "city": "Paris",
        "latitude": 48.8534, "longitude": 2.3488
    }));
    assert_eq!(geo.lookup("5.6.8.1"), expected);
}

#[test]
fn unmapped_code_returns_code() {
    // A code missing from the name table is passed through rather than guessed.
    let geo = sample_database();
    assert_eq!(geo.lookup("5.6.9.1"), bag(json!({"country": "ZZ"})));
    assert_eq!(geo.unmapped_codes.load(Ordering::Relaxed), 1);
}

#[test]
fn record_without_used_fields_is_empty() {
    let geo = sample_database();
    assert_eq!(geo.lookup("5.6.10.1"), Map::new());
    assert_eq!(geo.lookup("5.6.12.1"), Map::new());
}

#[test]
fn undecodable_record_is_empty() {
    let geo = sample_database();
    assert_eq!(geo.lookup("5.6.11.1"), Map::new());
    assert_eq!(geo.decode_failures.load(Ordering::Relaxed), 1);
}

#[test]
fn address_without_record_is_empty() {
    let geo = sample_database();
    for text in ["1.1.1.1", "81.2.70.1", "2a04::1", "5.6.13.1"] {
        assert_eq!(geo.lookup(text), Map::new(), "{text}");
    }
}

#[test]
fn mapped_ipv6_uses_ipv4_record() {
    // The test database has no record under ::ffff:0:0/96, so only the conversion to
    // IPv4 can find London here.
    let geo = sample_database();
    let expected = geo.lookup("81.2.69.142");
    assert_eq!(expected.get("city"), Some(&json!("London")));
    assert_eq!(geo.lookup("::ffff:81.2.69.142"), expected);
    assert_eq!(geo.lookup("::FFFF:5102:458e"), expected);
}

#[test]
fn surrounding_whitespace_is_trimmed() {
    let geo = sample_database();
    let expected = geo.lookup("81.2.69.142");
    assert!(!expected.is_empty());
    for text in [
        " 81.2.69.142",
        "81.2.69.142 ",
        "\t81.2.69.142\n",
        "  ::ffff:81.2.69.142  ",
    ] {
        assert_eq!(geo.lookup(text), expected, "{text:?}");
    }
}

#[test]
fn invalid_text_is_empty() {
    // NOTE: CIDR text such as "1.2.3.4/24" is treated as invalid. What Kusto returns for it
    // is not documented and has not been checked.
    let geo = catch_all_database();
    let cases = [
        "",
        "   ",
        "not an address",
        "81.2.69.142/24",
        "2a03:2880::/32",
        "81.2.69",
        "81.2.69.142.1",
        "256.1.1.1",
        "1.2.3.4:80",
        "[2a03:2880::1]",
        "fe80::1%eth0",
        "81.2.69.142 81.2.69.143",
    ];
    for text in cases {
        assert_eq!(geo.lookup(text), Map::new(), "{text:?}");
    }
}

#[test]
fn special_purpose_addresses_are_empty() {
    let geo = catch_all_database();
    // Public controls: the catch-all record matches them, so the database would return a
    // country for the special-purpose addresses below too if lookup queried it.
    for text in ["1.1.1.1", "2a00::1"] {
        assert_eq!(
            geo.lookup(text),
            bag(json!({"country": "United States"})),
            "{text}"
        );
    }

    let cases = [
        ("private 10/8", "10.0.0.1"),
        ("private 172.16/12", "172.16.5.4"),
        ("private 192.168/16", "192.168.1.1"),
        ("loopback", "127.0.0.1"),
        ("link-local", "169.254.10.10"),
        ("shared CGNAT", "100.64.0.1"),
        ("unspecified", "0.0.0.0"),
        ("broadcast", "255.255.255.255"),
        ("multicast", "224.0.0.251"),
        ("documentation", "192.0.2.1"),
        ("documentation", "198.51.100.1"),
        ("documentation", "203.0.113.1"),
        ("benchmarking", "198.18.0.1"),
        ("reserved 240/4", "240.0.0.1"),
        ("IPv6 unspecified", "::"),
        ("IPv6 loopback", "::1"),
        ("IPv6 unique local", "fd00::1"),
        ("IPv6 unique local", "fc00::1"),
        ("IPv6 link-local", "fe80::1"),
        ("IPv6 multicast", "ff02::1"),
        ("IPv6 documentation", "2001:db8::1"),
        ("IPv6 Teredo", "2001:0:4136:e378::1"),
        ("IPv4-mapped private", "::ffff:10.0.0.1"),
        ("IPv4-mapped loopback", "::ffff:127.0.0.1"),
    ];
    for (kind, text) in cases {
        assert_eq!(geo.lookup(text), Map::new(), "{kind} address {text}");
    }
}

#[test]
fn open_reads_database_file() {
    let mut builder = MmdbBuilder::new("GeoLite2-Country");
    builder.insert(
        "81.2.69.0/24",
        &json!({"country": {"iso_code": "GB", "names": {"en": "United Kingdom"}}}),
    );
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    file.write_all(&builder.build())
        .expect("write test database");

    let geo = GeoIp::open(file.path()).expect("open test database");
    assert_eq!(
        geo.lookup("81.2.69.1"),
        bag(json!({"country": "United Kingdom"}))
    );
}

#[test]
fn open_missing_file_is_data_error() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("missing.mmdb");
    let error = GeoIp::open(&path).expect_err("missing file must fail");
    assert_eq!(error.kind, ErrorKind::Data);
    assert!(
        error.message.contains(&path.display().to_string()),
        "{}",
        error.message
    );
    assert!(error.message.contains("--geoip-db"), "{}", error.message);
}

#[test]
fn open_non_mmdb_file_is_data_error() {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    file.write_all(b"network,country\n81.2.69.0/24,GB\n")
        .expect("write text file");

    let error = GeoIp::open(file.path()).expect_err("a CSV file must fail");
    assert_eq!(error.kind, ErrorKind::Data);
    assert!(
        error.message.contains(&file.path().display().to_string()),
        "{}",
        error.message
    );
    assert!(error.message.contains("--geoip-db"), "{}", error.message);
}

#[test]
fn embedded_google_dns_is_united_states() {
    let geo = GeoIp::embedded().expect("embedded database loads");
    assert_eq!(
        geo.lookup("8.8.8.8"),
        bag(json!({"country": "United States"}))
    );
}

#[test]
fn embedded_documentation_example_is_australia() {
    let geo = GeoIp::embedded().expect("embedded database loads");
    assert_eq!(
        geo.lookup("20.53.203.50"),
        bag(json!({"country": "Australia"}))
    );
}

#[test]
fn embedded_private_address_is_empty() {
    let geo = GeoIp::embedded().expect("embedded database loads");
    assert_eq!(geo.lookup("10.0.0.1"), Map::new());
}

#[test]
fn embedded_codes_all_have_names() {
    let geo = GeoIp::embedded().expect("embedded database loads");
    let mut codes = BTreeSet::new();
    for item in geo
        .reader
        .networks(Default::default())
        .expect("iterate networks")
    {
        let item = item.expect("network entry decodes");
        let record: GeoRecord = item
            .decode()
            .expect("record decodes")
            .expect("record has data");
        let code = record
            .country_code
            .expect("every embedded record has country_code");
        codes.insert(code);
    }

    let unmapped: Vec<&str> = codes
        .iter()
        .copied()
        .filter(|code| country_name(code).is_none())
        .collect();
    assert!(unmapped.is_empty(), "codes without a name: {unmapped:?}");
    // The 2026-06 edition contains 250 codes. Far fewer means the iteration went wrong.
    assert!(
        codes.len() > 200,
        "only {} distinct codes found",
        codes.len()
    );
}
