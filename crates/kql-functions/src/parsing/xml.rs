//! `parse_xml`: an XML document as `dynamic`, by the mapping of DOCS `parse-xml-function.md`:
//!
//! | XML | JSON |
//! |---|---|
//! | `<e/>` | `{"e": null}` |
//! | `<e>text</e>` | `{"e": "text"}` |
//! | `<e name="value" />` | `{"e": {"@name": "value"}}` |
//! | `<e name="value">text</e>` | `{"e": {"@name": "value", "#text": "text"}}` |
//! | `<e> <a>text</a> <b>text</b> </e>` | `{"e": {"a": "text", "b": "text"}}` |
//! | `<e> <a>text</a> <a>text</a> </e>` | `{"e": {"a": ["text", "text"]}}` |
//! | `<e> text <a>text</a> </e>` | `{"e": {"#text": "text", "a": "text"}}` |
//!
//! Only elements, attributes and text (CDATA included) are kept; declarations, comments,
//! processing instructions and the document type are skipped. Names keep their namespace
//! prefixes, and `xmlns` declarations are attributes like any other. Text that is only
//! whitespace is dropped; text next to child elements is trimmed (as in the table's last
//! row), the text of an element without children is kept as written. Values stay
//! strings: the page's closing example shows `<value>118.0</value>` as a number, but its
//! table, which the rest follows, maps text to strings. Input that is not well-formed XML
//! with one root element, or longer than 1 MiB (the documented limit), gives null.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde_json::{Map, Value as Json};

/// The documented maximum input length.
const MAX_LEN: usize = 1 << 20;

/// The deepest element nesting read: deeper documents give null, since a `dynamic` value
/// nested deeper than JSON readers accept (serde_json stops at 128 levels) could not be
/// read back, and deep recursion must not exhaust the stack.
const MAX_DEPTH: usize = 100;

/// An element being read.
#[derive(Default)]
struct Frame {
    name: String,
    attributes: Vec<(String, String)>,
    /// Child elements and text nodes, in document order (`#text` for text).
    children: Vec<(String, Json)>,
    /// The text node being read (text, CDATA and references run together).
    text: String,
    has_elements: bool,
}

impl Frame {
    fn start(e: &BytesStart<'_>) -> Option<Frame> {
        let name = e.name().as_ref().to_string();
        let mut attributes = Vec::new();
        for a in e.attributes() {
            let a = a.ok()?;
            let key = a.key.as_ref().to_string();
            let value = a.normalized_value(XmlVersion::Implicit1_0).ok()?;
            attributes.push((key, value.into_owned()));
        }
        Some(Frame {
            name,
            attributes,
            ..Frame::default()
        })
    }

    /// Ends the current text node.
    fn flush_text(&mut self) {
        let text = std::mem::take(&mut self.text);
        if !text.trim().is_empty() {
            self.children.push(("#text".into(), Json::String(text)));
        }
    }

    /// The element's JSON value.
    fn into_value(mut self) -> Json {
        self.flush_text();
        if self.attributes.is_empty() && !self.has_elements {
            // Without children or attributes there is at most one text node.
            return self.children.pop().map_or(Json::Null, |(_, text)| text);
        }
        group(self.attributes, self.children, self.has_elements)
    }
}

/// A bag of `@attributes`, then the children in order, repeated names gathered into an
/// array at the place of their first occurrence.
fn group(attributes: Vec<(String, String)>, children: Vec<(String, Json)>, trim: bool) -> Json {
    let mut bag = Map::new();
    for (k, v) in attributes {
        bag.insert(format!("@{k}"), Json::String(v));
    }
    for (k, v) in children {
        let v = match v {
            Json::String(s) if trim && k == "#text" => Json::String(s.trim().to_string()),
            other => other,
        };
        match bag.get_mut(&k) {
            // Element values are null, strings or bags, so an array is a gathered repeat.
            Some(Json::Array(items)) => items.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = Json::Array(vec![first, v]);
            }
            None => {
                bag.insert(k, v);
            }
        }
    }
    Json::Object(bag)
}

/// The character a general reference stands for (`&amp;`, `&#65;`); `None` for entities
/// XML does not predefine.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => match r.xml10_content().as_ref() {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
        Err(_) => None,
    }
}

/// `parse_xml(text)`; `None` (null) for anything but a well-formed document.
pub fn parse_xml(text: &str) -> Option<Json> {
    if text.len() > MAX_LEN {
        return None;
    }
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Json> = None;
    loop {
        let event = reader.read_event().ok()?;
        match event {
            Event::Start(e) => {
                if root.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                if let Some(parent) = stack.last_mut() {
                    parent.flush_text();
                    parent.has_elements = true;
                }
                stack.push(Frame::start(&e)?);
            }
            Event::Empty(e) => {
                if root.is_some() {
                    return None;
                }
                let frame = Frame::start(&e)?;
                let name = frame.name.clone();
                let value = frame.into_value();
                match stack.last_mut() {
                    Some(parent) => {
                        parent.flush_text();
                        parent.has_elements = true;
                        parent.children.push((name, value));
                    }
                    None => root = Some(single(name, value)),
                }
            }
            Event::End(_) => {
                let frame = stack.pop()?;
                let name = frame.name.clone();
                let value = frame.into_value();
                match stack.last_mut() {
                    Some(parent) => parent.children.push((name, value)),
                    None => root = Some(single(name, value)),
                }
            }
            Event::Text(t) => match stack.last_mut() {
                Some(frame) => frame.text.push_str(&t.xml10_content()),
                // Outside the root only whitespace may appear.
                None if t.xml10_content().trim().is_empty() => {}
                None => return None,
            },
            Event::CData(t) => stack.last_mut()?.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let frame = stack.last_mut()?;
                match resolve_reference(&r) {
                    Some(c) => frame.text.push(c),
                    None => return None,
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if stack.is_empty() { root } else { None }
}

fn single(name: String, value: Json) -> Json {
    let mut bag = Map::new();
    bag.insert(name, value);
    Json::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_mapping() {
        // DOCS parse-xml-function.md, every row of the mapping table.
        let cases = [
            ("<e/>", json!({"e": null})),
            ("<e>text</e>", json!({"e": "text"})),
            (r#"<e name="value" />"#, json!({"e": {"@name": "value"}})),
            (
                r#"<e name="value">text</e>"#,
                json!({"e": {"@name": "value", "#text": "text"}}),
            ),
            (
                "<e> <a>text</a> <b>text</b> </e>",
                json!({"e": {"a": "text", "b": "text"}}),
            ),
            (
                "<e> <a>text</a> <a>text</a> </e>",
                json!({"e": {"a": ["text", "text"]}}),
            ),
            (
                "<e> text <a>text</a> </e>",
                json!({"e": {"#text": "text", "a": "text"}}),
            ),
        ];
        for (xml, expected) in cases {
            assert_eq!(parse_xml(xml), Some(expected), "{xml}");
        }
    }

    #[test]
    fn documented_example_and_edges() {
        // DOCS parse-xml-function.md, the `duration` example (values kept as text).
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<duration>
    <value>118.0</value>
    <count>5.0</count>
    <min>100.0</min>
</duration>"#;
        assert_eq!(
            parse_xml(xml),
            Some(json!({"duration": {"value": "118.0", "count": "5.0", "min": "100.0"}}))
        );
        // A Windows event, as Sentinel rules read SecurityEvent.EventData.
        let event = r#"<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><Data Name="SubjectUserName">alice</Data><Data Name="LogonType">3</Data><Data Name="Empty"/></EventData>"#;
        assert_eq!(
            parse_xml(event),
            Some(json!({"EventData": {
                "@xmlns": "http://schemas.microsoft.com/win/2004/08/events/event",
                "Data": [
                    {"@Name": "SubjectUserName", "#text": "alice"},
                    {"@Name": "LogonType", "#text": "3"},
                    {"@Name": "Empty"}
                ]
            }}))
        );
        // Three repeats, references, CDATA, comments.
        assert_eq!(
            parse_xml("<r><a>1</a><a>2</a><a>3</a></r>"),
            Some(json!({"r": {"a": ["1", "2", "3"]}}))
        );
        assert_eq!(
            parse_xml("<r><!-- c --><a>x &amp; y&#33;</a><b><![CDATA[<z>]]></b></r>"),
            Some(json!({"r": {"a": "x & y!", "b": "<z>"}}))
        );
        // Not XML, two roots, unclosed, text outside the root.
        for bad in ["", "just text", "<a/><b/>", "<a><b></a>", "<a>", "x<a/>"] {
            assert_eq!(parse_xml(bad), None, "{bad}");
        }
        // Nesting: 100 levels are read, deeper documents are null.
        let nested = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        assert!(parse_xml(&nested(100)).is_some());
        assert_eq!(parse_xml(&nested(101)), None);
        assert_eq!(parse_xml(&nested(200_000)), None);
    }
}
