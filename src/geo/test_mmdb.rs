//! A minimal MaxMind DB writer for tests: builds an IPv6 database with 32-bit records from a
//! handful of networks and JSON records.
//!
//! Format reference: MaxMind DB File Format Specification 2.0,
//! https://maxmind.github.io/MaxMind-DB/. IPv4 networks are stored at `::a.b.c.d`, the
//! IPv4 subtree the specification places at `::/96`. No alias makes `::ffff:0:0/96` point to
//! it, so a lookup of an IPv4-mapped address finds the IPv4 record only if the caller
//! converts the address first.

use ipnet::IpNet;
use serde_json::Value;

/// The bytes that start the metadata section.
const METADATA_MARKER: &[u8] = b"\xAB\xCD\xEFMaxMind.com";

/// Zero bytes between the search tree and the data section.
const DATA_SECTION_SEPARATOR: usize = 16;

/// Data field type numbers from the specification.
const TYPE_UTF8_STRING: u8 = 2;
const TYPE_DOUBLE: u8 = 3;
const TYPE_UINT16: u8 = 5;
const TYPE_UINT32: u8 = 6;
const TYPE_MAP: u8 = 7;
const TYPE_INT32: u8 = 8;
const TYPE_UINT64: u8 = 9;
const TYPE_ARRAY: u8 = 11;
const TYPE_BOOLEAN: u8 = 14;

/// One side of a search-tree node.
#[derive(Clone, Copy)]
enum Child {
    Empty,
    Node(usize),
    /// Offset of the record in the data section.
    Data(usize),
}

/// A database under construction. Insert broader networks before the narrower networks
/// inside them, because inserting a network replaces everything below it.
pub struct MmdbBuilder {
    database_type: String,
    nodes: Vec<[Child; 2]>,
    data: Vec<u8>,
}

impl MmdbBuilder {
    pub fn new(database_type: &str) -> MmdbBuilder {
        MmdbBuilder {
            database_type: database_type.to_owned(),
            nodes: vec![[Child::Empty, Child::Empty]],
            data: Vec::new(),
        }
    }

    /// Stores `record` for every address in `network`, such as "81.2.69.0/24" or "2a02::/16".
    pub fn insert(&mut self, network: &str, record: &Value) -> &mut MmdbBuilder {
        let network: IpNet = network
            .parse()
            .unwrap_or_else(|error| panic!("invalid test network {network}: {error}"));
        let (bits, prefix_len) = match network {
            IpNet::V4(v4) => (u128::from(u32::from(v4.network())), v4.prefix_len() + 96),
            IpNet::V6(v6) => (u128::from(v6.network()), v6.prefix_len()),
        };
        assert!(
            prefix_len > 0,
            "the test writer cannot store a record at the tree root"
        );

        let offset = self.data.len();
        encode_value(&mut self.data, record);

        let mut node = 0;
        for depth in 0..prefix_len {
            let side = ((bits >> (127 - depth)) & 1) as usize;
            if depth + 1 == prefix_len {
                self.nodes[node][side] = Child::Data(offset);
                break;
            }
            node = match self.nodes[node][side] {
                Child::Node(next) => next,
                Child::Empty => self.add_node(node, side, Child::Empty),
                Child::Data(existing) => self.add_node(node, side, Child::Data(existing)),
            };
        }
        self
    }

    /// Adds a node below `parent` whose two children are both `fill`, and returns its index.
    fn add_node(&mut self, parent: usize, side: usize, fill: Child) -> usize {
        let index = self.nodes.len();
        self.nodes.push([fill, fill]);
        self.nodes[parent][side] = Child::Node(index);
        index
    }

    /// Returns the complete database file.
    pub fn build(&self) -> Vec<u8> {
        let node_count = self.nodes.len();
        let record_value = |child: Child| -> u32 {
            let value = match child {
                Child::Empty => node_count,
                Child::Node(index) => index,
                Child::Data(offset) => node_count + DATA_SECTION_SEPARATOR + offset,
            };
            u32::try_from(value).expect("test database too large for 32-bit records")
        };

        let mut file = Vec::new();
        for [left, right] in &self.nodes {
            file.extend_from_slice(&record_value(*left).to_be_bytes());
            file.extend_from_slice(&record_value(*right).to_be_bytes());
        }
        file.extend_from_slice(&[0; DATA_SECTION_SEPARATOR]);
        file.extend_from_slice(&self.data);
        file.extend_from_slice(METADATA_MARKER);
        self.encode_metadata(&mut file, node_count);
        file
    }

    fn encode_metadata(&self, out: &mut Vec<u8>, node_count: usize) {
        encode_header(out, TYPE_MAP, 9);
        encode_string(out, "binary_format_major_version");
        encode_unsigned(out, TYPE_UINT16, 2);
        encode_string(out, "binary_format_minor_version");
        encode_unsigned(out, TYPE_UINT16, 0);
        encode_string(out, "build_epoch");
        encode_unsigned(out, TYPE_UINT64, 1_700_000_000);
        encode_string(out, "database_type");
        encode_string(out, &self.database_type);
        encode_string(out, "description");
        encode_header(out, TYPE_MAP, 1);
        encode_string(out, "en");
        encode_string(out, "kql test database");
        encode_string(out, "ip_version");
        encode_unsigned(out, TYPE_UINT16, 6);
        encode_string(out, "languages");
        encode_header(out, TYPE_ARRAY, 1);
        encode_string(out, "en");
        encode_string(out, "node_count");
        encode_unsigned(out, TYPE_UINT32, node_count as u64);
        encode_string(out, "record_size");
        encode_unsigned(out, TYPE_UINT16, 32);
    }
}

/// Writes a JSON value with the data field type that matches it.
fn encode_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(text) => encode_string(out, text),
        Value::Bool(flag) => encode_header(out, TYPE_BOOLEAN, usize::from(*flag)),
        Value::Number(number) => {
            if let Some(unsigned) = number.as_u64() {
                let field_type = if unsigned <= u64::from(u32::MAX) {
                    TYPE_UINT32
                } else {
                    TYPE_UINT64
                };
                encode_unsigned(out, field_type, unsigned);
            } else if let Some(signed) = number.as_i64() {
                let signed = i32::try_from(signed).expect("test integers must fit in int32");
                encode_header(out, TYPE_INT32, 4);
                out.extend_from_slice(&signed.to_be_bytes());
            } else {
                let real = number
                    .as_f64()
                    .expect("a JSON number is an integer or a real");
                encode_header(out, TYPE_DOUBLE, 8);
                out.extend_from_slice(&real.to_be_bytes());
            }
        }
        Value::Array(items) => {
            encode_header(out, TYPE_ARRAY, items.len());
            for item in items {
                encode_value(out, item);
            }
        }
        Value::Object(fields) => {
            encode_header(out, TYPE_MAP, fields.len());
            for (key, field) in fields {
                encode_string(out, key);
                encode_value(out, field);
            }
        }
        Value::Null => panic!("MaxMind DB has no null type"),
    }
}

fn encode_string(out: &mut Vec<u8>, text: &str) {
    encode_header(out, TYPE_UTF8_STRING, text.len());
    out.extend_from_slice(text.as_bytes());
}

/// Writes an unsigned integer in the fewest big-endian bytes, as the specification allows.
fn encode_unsigned(out: &mut Vec<u8>, field_type: u8, value: u64) {
    let bytes = value.to_be_bytes();
    let leading_zeros = bytes.iter().take_while(|byte| **byte == 0).count();
    encode_header(out, field_type, bytes.len() - leading_zeros);
    out.extend_from_slice(&bytes[leading_zeros..]);
}

/// Writes the control byte, the extended type byte for types above 7, and the size bytes.
fn encode_header(out: &mut Vec<u8>, field_type: u8, size: usize) {
    let (size_bits, size_bytes): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, Vec::new()),
        29..=284 => (29, vec![(size - 29) as u8]),
        285..=65_820 => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
        _ => (31, ((size - 65_821) as u32).to_be_bytes()[1..].to_vec()),
    };
    if field_type <= 7 {
        out.push((field_type << 5) | size_bits);
    } else {
        out.push(size_bits);
        out.push(field_type - 7);
    }
    out.extend_from_slice(&size_bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn written_database_passes_reader_verification() {
        let long_text = "x".repeat(300);
        let mut builder = MmdbBuilder::new("Test-Writer");
        builder
            .insert(
                "1.0.0.0/8",
                &json!({"text": long_text, "count": 70_000, "flag": true}),
            )
            .insert(
                "1.2.0.0/16",
                &json!({"list": [1, -2, 2.5], "big": 5_000_000_000_u64}),
            )
            .insert("2a02::/16", &json!({"nested": {"en": "value"}}));
        let bytes = builder.build();

        let reader = maxminddb::Reader::from_source(bytes).expect("reader accepts the file");
        reader.verify().expect("the file passes full verification");
        assert_eq!(reader.metadata().database_type, "Test-Writer");

        let lookup = |text: &str| -> Option<Value> {
            let address = text.parse().expect("valid test address");
            reader
                .lookup(address)
                .and_then(|result| result.decode())
                .expect("lookup succeeds")
        };
        assert_eq!(
            lookup("1.1.1.1"),
            Some(json!({"text": "x".repeat(300), "count": 70_000, "flag": true}))
        );
        assert_eq!(
            lookup("1.2.3.4"),
            Some(json!({"list": [1, -2, 2.5], "big": 5_000_000_000_u64}))
        );
        assert_eq!(
            lookup("2a02:1::1"),
            Some(json!({"nested": {"en": "value"}}))
        );
        assert_eq!(lookup("2.0.0.1"), None);
        assert_eq!(lookup("::ffff:1.1.1.1"), None);
    }
}
