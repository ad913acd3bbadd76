//! `parse_xml(xml)`: converts an XML document to a dynamic value by the conversion table
//! of learn.microsoft.com/kusto/query/parse-xml-function.
//!
//! - The result is a bag with one property, the root element's name.
//! - `<e/>` is null, and `<e>text</e>` is the string "text".
//! - An attribute `name` becomes the property `@name`. The text of an element that also
//!   has attributes or child elements becomes the property `#text`.
//! - Child elements become properties in order of first appearance, and a repeated
//!   name gathers its elements into an array.
//! - Whitespace-only text between elements is skipped, as are comments, processing
//!   instructions and the XML declaration.
//! - Invalid XML, and input longer than 1,048,576 bytes, give null.
//!
//! The page leaves some cases open, and these are errors rather than guesses. They are
//! an empty element written `<e></e>` or holding only whitespace, two separate text runs
//! in one element, and text with surrounding whitespace next to child elements (the
//! page's example trims it). CDATA sections and document type declarations are errors too.
//!
//! NOTE: text always becomes a string. The page's final example prints element values
//! such as `118.0` unquoted while its table gives strings. Numbers and strings read the
//! same through `todouble` or `toint`, but `tostring` keeps the original text here.
//! NOTE: namespace declarations (`xmlns`, `xmlns:p`) count as attributes, and names
//! keep their prefix as written. The page says nothing about namespaces.

use serde_json::{Map, Value as Json};

use super::{EvalContext, Function, TEXT};
use crate::value::{Type, Value};

/// Inputs longer than this many bytes give null, as the reference states.
const MAX_INPUT_BYTES: usize = 1_048_576;

/// The maximum element nesting depth converted. Deeper documents are an error.
const MAX_DEPTH: usize = 512;

fn parse_xml_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "the XML text")?;
    Ok(Type::Dynamic)
}

fn parse_xml(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = args[0].to_kusto_string();
    Ok(convert_document(&text)?.map_or(Value::Null, Value::dynamic))
}

/// Converts a document, or returns `None` when it is not valid XML or is too long.
fn convert_document(text: &str) -> Result<Option<Json>, String> {
    if text.len() > MAX_INPUT_BYTES {
        return Ok(None);
    }
    let document = match roxmltree::Document::parse(text) {
        Ok(document) => document,
        Err(roxmltree::Error::DtdDetected) => {
            return Err(
                "parse_xml of a document with a document type declaration is not supported yet"
                    .to_string(),
            )
        }
        Err(_) => return Ok(None),
    };
    let root = document.root_element();
    let converter = Converter { source: text };
    let mut bag = Map::new();
    bag.insert(
        converter.qualified_name(root).to_string(),
        converter.element(root, 0)?,
    );
    Ok(Some(Json::Object(bag)))
}

struct Converter<'s> {
    source: &'s str,
}

impl Converter<'_> {
    /// Returns an element's name as written in its start tag, prefix included.
    fn qualified_name(&self, node: roxmltree::Node<'_, '_>) -> &str {
        let tag = self
            .source
            .get(node.range().start + 1..)
            .unwrap_or_default();
        let end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(tag.len());
        &tag[..end]
    }

    /// Returns an element's attributes in document order, namespace declarations
    /// included, as (`@name`, value) pairs.
    fn attributes(&self, node: roxmltree::Node<'_, '_>) -> Vec<(String, Json)> {
        let mut attributes = Vec::new();
        for (name, start) in self.start_tag_attribute_names(node) {
            let value = if name == "xmlns" || name.starts_with("xmlns:") {
                let prefix = name.strip_prefix("xmlns:");
                node.namespaces()
                    .find(|namespace| namespace.name() == prefix)
                    .map(|namespace| namespace.uri().to_string())
            } else {
                node.attributes()
                    .find(|attribute| attribute.range_qname().start == start)
                    .map(|attribute| attribute.value().to_string())
            };
            if let Some(value) = value {
                attributes.push((format!("@{name}"), Json::String(value)));
            }
        }
        attributes
    }

    /// Scans an element's start tag, which the parser has already validated, for the
    /// qualified names of its attributes and their byte offsets in the source.
    fn start_tag_attribute_names(&self, node: roxmltree::Node<'_, '_>) -> Vec<(String, usize)> {
        let bytes = self.source.as_bytes();
        let mut position = node.range().start + 1 + self.qualified_name(node).len();
        let mut names = Vec::new();
        loop {
            while bytes.get(position).is_some_and(u8::is_ascii_whitespace) {
                position += 1;
            }
            match bytes.get(position) {
                None | Some(b'/') | Some(b'>') => return names,
                Some(_) => {}
            }
            let start = position;
            while bytes
                .get(position)
                .is_some_and(|&b| b != b'=' && !b.is_ascii_whitespace())
            {
                position += 1;
            }
            names.push((
                self.source
                    .get(start..position)
                    .unwrap_or_default()
                    .to_string(),
                start,
            ));
            while bytes
                .get(position)
                .is_some_and(|&b| b != b'"' && b != b'\'')
            {
                position += 1;
            }
            let Some(&quote) = bytes.get(position) else {
                return names;
            };
            position += 1;
            while bytes.get(position).is_some_and(|&b| b != quote) {
                position += 1;
            }
            position += 1;
        }
    }

    fn element(&self, node: roxmltree::Node<'_, '_>, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "parse_xml: elements nested deeper than {MAX_DEPTH} levels are not supported"
            ));
        }
        let attributes = self.attributes(node);
        let mut texts = Vec::new();
        let mut children: Vec<(usize, String, Json)> = Vec::new();
        for child in node.children() {
            if child.is_element() {
                let value = self.element(child, depth + 1)?;
                children.push((texts.len(), self.qualified_name(child).to_string(), value));
            } else if child.is_text() {
                let source = self.source.get(child.range()).unwrap_or_default();
                if source.contains("<![CDATA[") {
                    return Err("parse_xml of a CDATA section is not supported yet".to_string());
                }
                let text = child.text().unwrap_or_default();
                if !text.trim().is_empty() {
                    texts.push(text.to_string());
                }
            }
        }
        let name = self.qualified_name(node);
        if texts.len() > 1 {
            return Err(format!(
                "parse_xml of element <{name}> with several separate text runs is not supported yet"
            ));
        }
        let text = texts.pop();

        // Leaf elements: null, a string, or a bag of attributes and `#text`.
        if children.is_empty() {
            let is_self_closing = self
                .source
                .get(node.range())
                .is_some_and(|source| source.ends_with("/>"));
            if attributes.is_empty() {
                return match text {
                    Some(text) => Ok(Json::String(text)),
                    None if is_self_closing => Ok(Json::Null),
                    None => Err(format!(
                        "parse_xml of an empty element <{name}></{name}> is not supported yet; only <{name}/> has a documented result"
                    )),
                };
            }
            let mut bag: Map<String, Json> = attributes.into_iter().collect();
            if let Some(text) = text {
                bag.insert("#text".to_string(), Json::String(text));
            }
            return Ok(Json::Object(bag));
        }

        // Elements with children: attributes, then text and children in document order.
        let mut bag: Map<String, Json> = attributes.into_iter().collect();
        let text_position = text.as_ref().map(|_| {
            children
                .iter()
                .position(|(texts_before, _, _)| *texts_before > 0)
                .unwrap_or(children.len())
        });
        let mut text = text;
        for (index, (_, child_name, value)) in children.into_iter().enumerate() {
            if text_position == Some(index) {
                insert_text(&mut bag, text.take(), name)?;
            }
            match bag.get_mut(&child_name) {
                Some(existing) => {
                    if let Json::Array(items) = existing {
                        items.push(value);
                    } else {
                        let first = existing.take();
                        *existing = Json::Array(vec![first, value]);
                    }
                }
                None => {
                    bag.insert(child_name, value);
                }
            }
        }
        insert_text(&mut bag, text, name)?;
        Ok(Json::Object(bag))
    }
}

/// Adds the text of an element with child elements as `#text`. The page's example trims
/// it but does not say whether all such text is trimmed, so text with surrounding
/// whitespace is an error.
fn insert_text(
    bag: &mut Map<String, Json>,
    text: Option<String>,
    name: &str,
) -> Result<(), String> {
    let Some(text) = text else {
        return Ok(());
    };
    if text.trim() != text {
        return Err(format!(
            "parse_xml of element <{name}> with text and child elements is not supported yet when the text has surrounding whitespace"
        ));
    }
    bag.insert("#text".to_string(), Json::String(text));
    Ok(())
}

pub(super) const FUNCTIONS: &[Function] = &[Function::new(
    "parse_xml",
    "parse_xml(xml: string) -> dynamic",
    (1, 1),
    parse_xml_type,
    parse_xml,
)];

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(xml: &str) -> Json {
        match convert_document(xml) {
            Ok(Some(json)) => json,
            Ok(None) => panic!("{xml} gave null"),
            Err(error) => panic!("{xml}: {error}"),
        }
    }

    fn json(text: &str) -> Json {
        serde_json::from_str(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    // The conversion table of learn.microsoft.com/kusto/query/parse-xml-function.
    #[test]
    fn reference_conversion_table() {
        assert_eq!(convert("<e/>"), json(r#"{"e": null}"#));
        assert_eq!(convert("<e>text</e>"), json(r#"{"e": "text"}"#));
        assert_eq!(
            convert(r#"<e name="value" />"#),
            json(r#"{"e": {"@name": "value"}}"#)
        );
        assert_eq!(
            convert(r#"<e name="value">text</e>"#),
            json(r##"{"e": {"@name": "value", "#text": "text"}}"##)
        );
        assert_eq!(
            convert("<e> <a>text</a> <b>text</b> </e>"),
            json(r#"{"e": {"a": "text", "b": "text"}}"#)
        );
        assert_eq!(
            convert("<e> <a>text</a> <a>text</a> </e>"),
            json(r#"{"e": {"a": ["text", "text"]}}"#)
        );
    }

    // The mixed-content row of the reference table: the text is trimmed in the example,
    // which this engine rejects rather than guess.
    #[test]
    fn mixed_content() {
        assert_eq!(
            convert("<e>text<a>text</a></e>"),
            json(r##"{"e": {"#text": "text", "a": "text"}}"##)
        );
        assert!(convert_document("<e> text <a>text</a> </e>").is_err());
    }

    // The example document of learn.microsoft.com/kusto/query/parse-xml-function: the
    // declaration is skipped and d.duration.value and d.duration.min read 118.0 and 100.0.
    #[test]
    fn reference_example_document() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<duration>\n    <value>118.0</value>\n    <count>5.0</count>\n    <min>100.0</min>\n    <max>150.0</max>\n    <stdDev>0.0</stdDev>\n    <sampledValue>118.0</sampledValue>\n    <sum>118.0</sum>\n</duration>";
        let result = convert(xml);
        let duration = &result["duration"];
        let keys: Vec<&String> = duration
            .as_object()
            .map(|bag| bag.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "value",
                "count",
                "min",
                "max",
                "stdDev",
                "sampledValue",
                "sum"
            ]
        );
        let number = |key: &str| {
            duration[key]
                .as_str()
                .and_then(|text| text.parse::<f64>().ok())
        };
        assert_eq!(number("value"), Some(118.0));
        assert_eq!(number("min"), Some(100.0));
    }

    // learn.microsoft.com/kusto/query/parse-xml-function: invalid XML gives null.
    #[test]
    fn invalid_xml_gives_null() {
        assert_eq!(convert_document("<a><b></a>"), Ok(None));
        assert_eq!(convert_document("not xml"), Ok(None));
        assert_eq!(convert_document(""), Ok(None));
        let value = parse_xml(&[Value::from("<a>")], &EvalContext::for_tests());
        assert_eq!(value, Ok(Value::Null));
    }

    // learn.microsoft.com/kusto/query/parse-xml-function: input over 1 MB gives null.
    #[test]
    fn long_input_gives_null() {
        let xml = format!("<a>{}</a>", "x".repeat(MAX_INPUT_BYTES));
        assert_eq!(convert_document(&xml), Ok(None));
    }

    #[test]
    fn windows_event_data() {
        let xml = r#"<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><Data Name="SubjectUserName">alice</Data><Data Name="Empty" /><!-- c --><Data Name="Path">C:\a &amp; b</Data></EventData>"#;
        assert_eq!(
            convert(xml),
            json(
                r##"{"EventData": {"@xmlns": "http://schemas.microsoft.com/win/2004/08/events/event",
                  "Data": [{"@Name": "SubjectUserName", "#text": "alice"},
                           {"@Name": "Empty"},
                           {"@Name": "Path", "#text": "C:\\a & b"}]}}"##
            )
        );
    }

    #[test]
    fn repeated_names_apart_join_one_array() {
        assert_eq!(
            convert("<e><a>1</a><b>2</b><a>3</a></e>"),
            json(r#"{"e": {"a": ["1", "3"], "b": "2"}}"#)
        );
    }

    #[test]
    fn prefixes_and_attribute_order_are_kept() {
        assert_eq!(
            convert(r#"<p:e xmlns:p="urn:x" z='1' a="2"><p:c/></p:e>"#),
            json(r#"{"p:e": {"@xmlns:p": "urn:x", "@z": "1", "@a": "2", "p:c": null}}"#)
        );
    }

    #[test]
    fn undocumented_shapes_are_errors() {
        assert!(convert_document("<e></e>").is_err());
        assert!(convert_document("<e>  </e>").is_err());
        assert!(convert_document("<e>a<!-- c -->b</e>").is_err());
        assert!(convert_document("<e><![CDATA[x]]></e>").is_err());
        assert!(convert_document("<!DOCTYPE e []><e/>").is_err());
    }
}
