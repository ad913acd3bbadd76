//! English short names for ISO 3166-1 alpha-2 country codes, as MaxMind's GeoLite2 databases
//! spell them in `country.names.en`.
//!
//! Databases in the ip-location-db layout (the embedded DB-IP file among them) store only a
//! `country_code`, and `geo_info_from_ip_address` returns a name, so the code is mapped here.
//! The table covers the 249 codes of ISO 3166-1 plus `XK` (Kosovo, a user-assigned code that
//! both DB-IP and MaxMind use).
//!
//! Sources of the names: MaxMind's published test databases (GeoIP2-City-Test,
//! GeoLite2-City-Test and GeoLite2-Country-Test), which name 48 countries, and a comparison
//! of a 2026-07 GeoLite2 download with GeoNames for TR, JO, AX, CW, RE, PS and BQ
//! (https://github.com/pfBlockerNG/pfBlockerNG/issues/1235). The test databases still
//! contain "Czech Republic", "Turkey" and "Hashemite Kingdom of Jordan". That comparison shows
//! "Türkiye" and "Jordan" in current GeoLite2, and this table uses them. It uses "Czechia",
//! the short name in ISO 3166-1 and GeoNames. The other 45 test-database names are used as
//! they are.
//! NOTE: "Czechia" and the names not listed above follow GeoNames' short names with
//! MaxMind's known spellings ("DR Congo", "Congo Republic", "Ivory Coast", "St Kitts and
//! Nevis"). Nobody has compared them with a current GeoLite2 edition. The same 2026
//! comparison lists CD as "Congo (DRC)".

/// Pairs of upper-case code and English name, sorted by code for binary search.
const COUNTRY_NAMES: [(&str, &str); 250] = [
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos [Keeling] Islands"),
    ("CD", "DR Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Congo Republic"),
    ("CH", "Switzerland"),
    ("CI", "Ivory Coast"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands"),
    ("FM", "Federated States of Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "St Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn Islands"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "São Tomé and Príncipe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "U.S. Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Vatican City"),
    ("VC", "St Vincent and Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("XK", "Kosovo"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Returns the English name for a two-letter country code, ignoring ASCII case.
pub fn country_name(code: &str) -> Option<&'static str> {
    let upper = |byte: &u8| byte.to_ascii_uppercase();
    COUNTRY_NAMES
        .binary_search_by(|(candidate, _)| {
            let candidate = candidate.as_bytes().iter().map(upper);
            candidate.cmp(code.as_bytes().iter().map(upper))
        })
        .ok()
        .and_then(|index| COUNTRY_NAMES.get(index))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in COUNTRY_NAMES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must sort before {}",
                pair[0].0,
                pair[1].0
            );
        }
    }

    #[test]
    fn codes_are_two_upper_case_letters() {
        for (code, _) in COUNTRY_NAMES {
            assert_eq!(code.len(), 2, "{code}");
            assert!(code.bytes().all(|byte| byte.is_ascii_uppercase()), "{code}");
        }
    }

    #[test]
    fn table_has_iso_codes_and_kosovo() {
        // ISO 3166-1 assigns 249 alpha-2 codes, and XK is the one user-assigned code added.
        assert_eq!(COUNTRY_NAMES.len(), 250);
        assert_eq!(country_name("XK"), Some("Kosovo"));
    }

    #[test]
    fn names_are_non_empty_and_trimmed() {
        for (code, name) in COUNTRY_NAMES {
            assert!(!name.is_empty(), "{code}");
            assert_eq!(name.trim(), name, "{code}");
        }
    }

    #[test]
    fn lookup_ignores_ascii_case() {
        assert_eq!(country_name("us"), Some("United States"));
        assert_eq!(country_name("Gb"), Some("United Kingdom"));
    }

    #[test]
    fn unknown_codes_have_no_name() {
        for code in ["", "U", "USA", "ZZ", "AA", "EU", "AP", "Ü"] {
            assert_eq!(country_name(code), None, "{code:?}");
        }
    }

    #[test]
    fn names_match_geolite2_spelling() {
        let expected = [
            ("US", "United States"),
            ("GB", "United Kingdom"),
            ("KR", "South Korea"),
            ("KP", "North Korea"),
            ("RU", "Russia"),
            ("IR", "Iran"),
            ("TW", "Taiwan"),
            ("HK", "Hong Kong"),
            ("MO", "Macao"),
            ("VN", "Vietnam"),
            ("SY", "Syria"),
            ("LA", "Laos"),
            ("BO", "Bolivia"),
            ("VE", "Venezuela"),
            ("TZ", "Tanzania"),
            ("MD", "Moldova"),
            ("CZ", "Czechia"),
            ("MK", "North Macedonia"),
            ("CD", "DR Congo"),
            ("CG", "Congo Republic"),
            ("CI", "Ivory Coast"),
            ("PS", "Palestine"),
            ("FM", "Federated States of Micronesia"),
            ("VA", "Vatican City"),
            ("BN", "Brunei"),
            ("CV", "Cabo Verde"),
            ("SZ", "Eswatini"),
            ("TR", "Türkiye"),
            ("JO", "Jordan"),
            ("AE", "United Arab Emirates"),
            ("CN", "China"),
            ("NL", "Netherlands"),
        ];
        for (code, name) in expected {
            assert_eq!(country_name(code), Some(name), "{code}");
        }
    }
}
