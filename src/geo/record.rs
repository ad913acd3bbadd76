//! The fields of one database record that `geo_info_from_ip_address` reads.
//!
//! Two record layouts are supported. Each record is decoded by the keys it contains, not by
//! the database's name or type:
//! - MaxMind GeoIP2 and GeoLite2 City or Country: `country.names.en`, `country.iso_code`,
//!   `subdivisions[0].names.en`, `city.names.en`, `location.latitude`,
//!   `location.longitude`.
//! - ip-location-db (the embedded DB-IP file and its city variants): top-level
//!   `country_code`, `state1`, `city` as a plain string, `latitude`, `longitude`.
//!
//! Strings borrow from the database buffer, so decoding a record allocates nothing.

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// One record's location fields, in either layout. Keys a record lacks stay `None`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct GeoRecord<'a> {
    /// MaxMind: the country the address is in.
    #[serde(borrow, default)]
    pub country: Option<Place<'a>>,
    /// MaxMind: the first (largest) subdivision, such as a state or province.
    #[serde(borrow, default, deserialize_with = "first_place")]
    pub subdivisions: Option<Place<'a>>,
    /// MaxMind: a map with `names`. ip-location-db: the English city name.
    #[serde(borrow, default)]
    pub city: Option<Place<'a>>,
    /// MaxMind: latitude and longitude.
    #[serde(default)]
    pub location: Option<Coordinates>,
    /// ip-location-db: the ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country_code: Option<&'a str>,
    /// ip-location-db: the first-level subdivision name.
    #[serde(default)]
    pub state1: Option<&'a str>,
    /// ip-location-db: latitude in degrees.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// ip-location-db: longitude in degrees.
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// A country, subdivision or city: its English name and, for countries, its ISO code.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Place<'a> {
    pub english_name: Option<&'a str>,
    pub iso_code: Option<&'a str>,
}

/// MaxMind's `location` map, of which only the coordinates are read.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub(super) struct Coordinates {
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// MaxMind's `names` map, keyed by locale, of which only English is read.
#[derive(Deserialize)]
struct Names<'a> {
    #[serde(default)]
    en: Option<&'a str>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Place<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PlaceVisitor)
    }
}

/// Accepts a MaxMind place map or an ip-location-db plain name.
struct PlaceVisitor;

impl<'de> Visitor<'de> for PlaceVisitor {
    type Value = Place<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a place name or a map with `names`")
    }

    fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Place<'de>, E> {
        Ok(Place {
            english_name: Some(name),
            iso_code: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Place<'de>, A::Error> {
        let mut place = Place::default();
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "names" => place.english_name = map.next_value::<Names<'de>>()?.en,
                "iso_code" => place.iso_code = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(place)
    }
}

/// Decodes MaxMind's `subdivisions` array into its first element, skipping the rest
/// without collecting them.
fn first_place<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Place<'de>>, D::Error> {
    struct FirstVisitor;

    impl<'de> Visitor<'de> for FirstVisitor {
        type Value = Option<Place<'de>>;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("an array of subdivisions")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
            let first = items.next_element::<Place<'de>>()?;
            while items.next_element::<IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }

    deserializer.deserialize_seq(FirstVisitor)
}
