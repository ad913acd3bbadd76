//! IP geolocation behind KQL's `geo_info_from_ip_address()`.
//!
//! [`GeoIp`] wraps a MaxMind DB (`.mmdb`) file and turns an address string into the bag the
//! function returns: `country`, `state`, `city`, `latitude`, `longitude`, in that order, with
//! the fields the database lacks left out. Without a user database the engine uses the DB-IP
//! "IP to Country Lite" file compiled into the binary (see `assets/geoip/README.md`), which
//! has countries only.
//!
//! [`GeoIp::lookup`] returns no errors. Text that is not exactly one IPv4 or IPv6 address,
//! special-purpose addresses (private, loopback, reserved, and so on), addresses the
//! database does not cover, and records that cannot be decoded all give an empty bag.
//! Decode failures and unknown country codes are logged at debug level.

mod countries;
mod record;
mod reserved;
/// A MaxMind DB writer for tests, including the integration tests of the `--geoip-db`
/// option. Not part of the supported API.
#[doc(hidden)]
pub mod test_mmdb;

use crate::error::Error;
use maxminddb::Reader;
use record::GeoRecord;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use countries::country_name;

/// DB-IP "IP to Country Lite" 2026-06 in MaxMind DB format, records `{country_code}` only.
static EMBEDDED_DATABASE: &[u8] = include_bytes!("../../assets/geoip/dbip-country.mmdb");

/// A GeoIP database and the lookups `geo_info_from_ip_address()` makes in it.
#[derive(Debug)]
pub struct GeoIp {
    reader: Reader<Cow<'static, [u8]>>,
    /// Records that failed to decode so far, which keeps their debug log to powers of two.
    decode_failures: AtomicU64,
    /// Country codes missing from the name table so far, counted the same way.
    unmapped_codes: AtomicU64,
}

impl GeoIp {
    /// Loads the database compiled into the binary (DB-IP IP-to-Country Lite, country only).
    pub fn embedded() -> Result<GeoIp, Error> {
        let reader = Reader::from_source(Cow::Borrowed(EMBEDDED_DATABASE)).map_err(|error| {
            Error::data(format!(
                "the embedded GeoIP database is invalid: {error}; rebuild kql from a clean \
                 checkout or pass a GeoLite2-City .mmdb file with --geoip-db"
            ))
        })?;
        Ok(GeoIp::from_reader(reader))
    }

    /// Opens a GeoLite2-City, GeoIP2-City or GeoLite2-Country .mmdb file the user has.
    ///
    /// Files in the ip-location-db layout (`country_code`, `state1`, `city`, `latitude`,
    /// `longitude`) work too. The layout is read from each record, not from the file name.
    pub fn open(path: &Path) -> Result<GeoIp, Error> {
        let bytes = std::fs::read(path).map_err(|error| {
            Error::data(format!(
                "cannot open GeoIP database {}: {error}; \
                 pass a GeoLite2-City .mmdb file with --geoip-db",
                path.display()
            ))
        })?;
        let reader = Reader::from_source(Cow::Owned(bytes)).map_err(|error| {
            Error::data(format!(
                "cannot read GeoIP database {}: {error}; the file is not a valid MaxMind DB; \
                 pass a GeoLite2-City .mmdb file with --geoip-db",
                path.display()
            ))
        })?;
        log::debug!(
            "opened GeoIP database {} (type {:?}, built at Unix time {})",
            path.display(),
            reader.metadata().database_type,
            reader.metadata().build_epoch
        );
        Ok(GeoIp::from_reader(reader))
    }

    fn from_reader(reader: Reader<Cow<'static, [u8]>>) -> GeoIp {
        GeoIp {
            reader,
            decode_failures: AtomicU64::new(0),
            unmapped_codes: AtomicU64::new(0),
        }
    }

    /// Returns the bag geo_info_from_ip_address returns for this text. Its keys come in the
    /// order country, state, city, latitude, longitude, and fields the database lacks are
    /// left out. The bag is empty for private, loopback, reserved, invalid, unknown and
    /// empty input.
    ///
    /// Surrounding whitespace is trimmed. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is
    /// looked up as its IPv4 address.
    pub fn lookup(&self, text: &str) -> Map<String, Value> {
        let Some(address) = parse_address(text) else {
            return Map::new();
        };
        // NOTE: Kusto's documentation does not say what it returns for special-purpose
        // addresses. The empty bag is this engine's choice, whatever the database contains.
        if reserved::is_special_purpose(address) {
            return Map::new();
        }
        if address.is_ipv6() && self.reader.metadata().ip_version == 4 {
            return Map::new();
        }

        let decoded = self
            .reader
            .lookup(address)
            .and_then(|result| result.decode::<GeoRecord>());
        match decoded {
            Ok(Some(record)) => self.bag_from_record(&record),
            Ok(None) => Map::new(),
            Err(error) => {
                let count = self.decode_failures.fetch_add(1, Ordering::Relaxed) + 1;
                if count.is_power_of_two() {
                    log::debug!(
                        "GeoIP record for {address} cannot be decoded, returning an empty bag: \
                         {error} ({count} decode failures so far)"
                    );
                }
                Map::new()
            }
        }
    }

    /// Builds the bag from a decoded record, in the key order Kusto returns.
    fn bag_from_record(&self, record: &GeoRecord) -> Map<String, Value> {
        // Sized for all five keys, so filling the bag never reallocates it.
        let mut bag = Map::with_capacity(5);

        if let Some(country) = self.country(record) {
            bag.insert("country".to_owned(), Value::String(country.to_owned()));
        }

        let state = record
            .subdivisions
            .and_then(|place| place.english_name)
            .or(record.state1);
        if let Some(state) = non_empty(state) {
            bag.insert("state".to_owned(), Value::String(state.to_owned()));
        }

        if let Some(city) = non_empty(record.city.and_then(|place| place.english_name)) {
            bag.insert("city".to_owned(), Value::String(city.to_owned()));
        }

        let (latitude, longitude) = match record.location {
            Some(location) => (location.latitude, location.longitude),
            None => (record.latitude, record.longitude),
        };
        if let Some(latitude) = latitude.and_then(Number::from_f64) {
            bag.insert("latitude".to_owned(), Value::Number(latitude));
        }
        if let Some(longitude) = longitude.and_then(Number::from_f64) {
            bag.insert("longitude".to_owned(), Value::Number(longitude));
        }

        bag
    }

    /// Returns the English country name: MaxMind's `country.names.en` if present, else the
    /// ISO code mapped through the name table.
    ///
    /// A code missing from the table is returned as it is, because the code is still
    /// correct and a guessed name could be wrong. It is logged at debug level.
    fn country<'a>(&self, record: &GeoRecord<'a>) -> Option<&'a str> {
        let place = record.country.unwrap_or_default();
        if let Some(name) = non_empty(place.english_name) {
            return Some(name);
        }

        let code = non_empty(place.iso_code.or(record.country_code))?;
        if let Some(name) = country_name(code) {
            return Some(name);
        }
        let count = self.unmapped_codes.fetch_add(1, Ordering::Relaxed) + 1;
        if count.is_power_of_two() {
            log::debug!(
                "GeoIP country code {code:?} has no English name in the table, \
                 returning the code ({count} unmapped lookups so far)"
            );
        }
        Some(code)
    }
}

/// Parses text that is exactly one IP address after trimming, and turns IPv4-mapped IPv6
/// addresses into IPv4. Other text, including CIDR notation and IPv6 zone ids, gives None.
fn parse_address(text: &str) -> Option<IpAddr> {
    let address: IpAddr = text.trim().parse().ok()?;
    match address {
        IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or(address, IpAddr::V4)),
        IpAddr::V4(_) => Some(address),
    }
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests;

impl crate::eval::GeoLookup for GeoIp {
    fn lookup(&self, text: &str) -> serde_json::Map<String, serde_json::Value> {
        GeoIp::lookup(self, text)
    }
}
