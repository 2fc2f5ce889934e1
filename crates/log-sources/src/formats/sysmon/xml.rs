//! Parses one Windows-event-schema `<Event>` element, as Sysmon for Linux writes it to syslog,
//! as `wevtutil qe /f:xml` and Event Viewer export it, and as the `evtx` crate renders EVTX
//! records.
//!
//! Only what the mapping needs is kept: the `<System>` block (leaf element text by element
//! name, attributes as `Element.Attribute`) and the named `<EventData><Data Name="…">` values.
//! `RenderingInfo`, unnamed `Data` and `UserData` are ignored. Values are XML-unescaped by the
//! parser (entities and numeric references), never trimmed: a command line's trailing space is
//! part of it, as in Defender's own rows.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde_json::{Map, Value as Json};

/// One parsed event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XmlEvent {
    /// `<System>` values: `EventID`, `Computer`, `TimeCreated.SystemTime`, `Provider.Name`, ...
    pub system: Map<String, Json>,
    /// `<EventData>` values by `Name`.
    pub data: Map<String, Json>,
}

impl XmlEvent {
    /// The event id (`<EventID>`), if it is a number.
    pub fn event_id(&self) -> Option<u32> {
        self.system
            .get("EventID")
            .and_then(Json::as_str)
            .and_then(|s| s.trim().parse().ok())
    }

    /// A `<System>` value as text.
    pub fn system_str(&self, key: &str) -> Option<&str> {
        self.system.get(key).and_then(Json::as_str)
    }

    /// An `<EventData>` value as text.
    pub fn data_str(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(Json::as_str)
    }

    /// The record the mapping reads: the `EventData` fields at the top level, `System.*`
    /// beside them, and the reader's derived fields under `derived`.
    pub fn into_record(self, derived: Map<String, Json>) -> Json {
        let mut top = self.data;
        top.insert("System".into(), Json::Object(self.system));
        if !derived.is_empty() {
            top.insert("derived".into(), Json::Object(derived));
        }
        Json::Object(top)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Outside,
    System,
    EventData,
    Other,
}

fn local_name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// Attributes of an element, keyed by local name (namespace prefixes dropped).
fn attributes(e: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| err.to_string())?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| err.to_string())?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

/// Parses the text of one `<Event>…</Event>` element (surrounding whitespace allowed).
pub fn parse_event(xml: &str) -> Result<XmlEvent, String> {
    let mut reader = Reader::from_str(xml);
    let mut ev = XmlEvent::default();
    let mut section = Section::Outside;
    let mut depth = 0usize;
    let mut saw_event = false;
    // The element whose text is being collected: (key to store under, text so far).
    let mut current: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = local_name(&e);
                match (depth, section) {
                    (1, _) => {
                        if name != "Event" {
                            return Err(format!("expected <Event>, found <{name}>"));
                        }
                        saw_event = true;
                    }
                    (2, _) => {
                        section = match name.as_str() {
                            "System" => Section::System,
                            "EventData" => Section::EventData,
                            _ => Section::Other,
                        };
                    }
                    (3, Section::System) => {
                        for (k, v) in attributes(&e)? {
                            ev.system.insert(format!("{name}.{k}"), Json::String(v));
                        }
                        current = Some((name, String::new()));
                    }
                    (3, Section::EventData) if name == "Data" => {
                        current = attributes(&e)?
                            .into_iter()
                            .find(|(k, _)| k == "Name")
                            .map(|(_, n)| (n, String::new()));
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                let name = local_name(&e);
                match (depth + 1, section) {
                    (1, _) => return Err("empty <Event/>".into()),
                    (3, Section::System) => {
                        for (k, v) in attributes(&e)? {
                            ev.system.insert(format!("{name}.{k}"), Json::String(v));
                        }
                    }
                    (3, Section::EventData) if name == "Data" => {
                        if let Some((_, n)) = attributes(&e)?.into_iter().find(|(k, _)| k == "Name")
                        {
                            ev.data.insert(n, Json::String(String::new()));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = current.as_mut() {
                    let resolved = match r.resolve_char_ref() {
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
                    };
                    match resolved {
                        Some(c) => text.push(c),
                        None => {
                            text.push('&');
                            text.push_str(&r.xml10_content());
                            text.push(';');
                        }
                    }
                }
            }
            Event::End(_) => {
                match (depth, section) {
                    (1, _) => return Ok(ev),
                    (2, _) => section = Section::Outside,
                    (3, Section::System) => {
                        if let Some((name, text)) = current.take() {
                            // Leaf text of System elements is layout-insensitive: trim it.
                            let t = text.trim();
                            if !t.is_empty() {
                                ev.system.insert(name, Json::String(t.to_string()));
                            }
                        }
                    }
                    (3, Section::EventData) => {
                        if let Some((name, text)) = current.take() {
                            ev.data.insert(name, Json::String(text));
                        }
                    }
                    _ => {}
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => {
                return Err(if saw_event {
                    "unterminated <Event>".into()
                } else {
                    "no <Event> element".into()
                });
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_linux_sysmon_with_escapes() {
        let xml = r#"<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID><TimeCreated SystemTime="2021-10-16T00:41:20.013924000Z"/><Computer>lsys</Computer><Security UserId="0"/></System><EventData><Data Name="CommandLine">sh -c "a &amp;&amp; b &lt;c&gt;" &#39;d&#39; </Data><Data Name="Empty"/><Data Name="Hashes">-</Data></EventData></Event>"#;
        let ev = parse_event(xml).unwrap();
        assert_eq!(ev.event_id(), Some(1));
        assert_eq!(ev.system_str("Computer"), Some("lsys"));
        assert_eq!(ev.system_str("Provider.Name"), Some("Linux-Sysmon"));
        assert_eq!(
            ev.system_str("TimeCreated.SystemTime"),
            Some("2021-10-16T00:41:20.013924000Z")
        );
        assert_eq!(ev.system_str("Security.UserId"), Some("0"));
        assert_eq!(
            ev.data_str("CommandLine"),
            Some("sh -c \"a && b <c>\" 'd' ")
        );
        assert_eq!(ev.data_str("Empty"), Some(""));
        assert_eq!(ev.data_str("Hashes"), Some("-"));
    }

    #[test]
    fn parses_windows_export_with_namespace_single_quotes_and_layout() {
        let xml = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n  <System>\n    <Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/>\n    <EventID>3</EventID>\n    <Computer>WIN-1.corp.example</Computer>\n  </System>\n  <EventData>\n    <Data Name='User'>CORP\\alice</Data>\n    <Data>unnamed</Data>\n  </EventData>\n  <RenderingInfo Culture='en-US'><Message>x</Message></RenderingInfo>\n</Event>\n";
        let ev = parse_event(xml).unwrap();
        assert_eq!(ev.event_id(), Some(3));
        assert_eq!(ev.system_str("Computer"), Some("WIN-1.corp.example"));
        assert_eq!(ev.data_str("User"), Some("CORP\\alice"));
        assert_eq!(ev.data.len(), 1);
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        for bad in [
            "",
            "<Event><System><EventID>1</EventID>",
            "<Events/>",
            "<Other></Other>",
            "<Event><System><EventID>1</Wrong></System></Event>",
            "<Event><EventData><Data Name=\"a>x</Data></EventData></Event>",
        ] {
            assert!(parse_event(bad).is_err(), "{bad:?}");
        }
    }
}
