//! GeoReport v2's XML: the same values as the JSON, under the specification's element names
//! (`<services><service>…`, `<service_definition><attributes><attribute>…`), children in the
//! order the JSON has them. A body is serialized to JSON text once and read back event by
//! event into quick-xml's writer (which escapes every text), so the order of a struct's
//! fields is kept without a second description of each body.

use std::fmt;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

/// The element of one item of a list, by the list's element.
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "service_requests_updates" => "request_update",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        _ => "item",
    }
}

/// `value` as an XML document whose root element is `root`.
pub fn document<T: Serialize>(root: &str, value: &T) -> Result<Vec<u8>, String> {
    let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let mut writer = Writer::new(Vec::with_capacity(json.len() * 2));
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None))).map_err(|e| e.to_string())?;
    let mut reader = serde_json::Deserializer::from_str(&json);
    Element { writer: &mut writer, name: root }.deserialize(&mut reader).map_err(|e| e.to_string())?;
    Ok(writer.into_inner())
}

/// Writes the value it is handed as the element `name`.
struct Element<'w, 'n> {
    writer: &'w mut Writer<Vec<u8>>,
    name: &'n str,
}

impl Element<'_, '_> {
    fn text<E: serde::de::Error>(mut self, text: &str) -> Result<(), E> {
        let name = self.name;
        self.write(Event::Start(BytesStart::new(name)))?;
        self.write(Event::Text(BytesText::new(text)))?;
        self.write(Event::End(BytesEnd::new(name)))
    }

    fn write<E: serde::de::Error>(&mut self, event: Event<'_>) -> Result<(), E> {
        self.writer.write_event(event).map_err(E::custom)
    }
}

impl<'de> DeserializeSeed<'de> for Element<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Element<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<(), E> {
        self.text(if value { "true" } else { "false" })
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<(), E> {
        self.text(&value.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<(), E> {
        self.text(&value.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<(), E> {
        self.text(&value.to_string())
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<(), E> {
        self.text(value)
    }

    fn visit_unit<E: serde::de::Error>(mut self) -> Result<(), E> {
        let name = self.name;
        self.write(Event::Empty(BytesStart::new(name)))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut items: A) -> Result<(), A::Error> {
        let name = self.name;
        self.write(Event::Start(BytesStart::new(name)))?;
        let item = item_name(name);
        while items.next_element_seed(Element { writer: &mut *self.writer, name: item })?.is_some() {}
        self.write(Event::End(BytesEnd::new(name)))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut fields: A) -> Result<(), A::Error> {
        let name = self.name;
        self.write(Event::Start(BytesStart::new(name)))?;
        while let Some(key) = fields.next_key::<String>()? {
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(A::Error::custom(format!("not an element name: {key}")));
            }
            fields.next_value_seed(Element { writer: &mut *self.writer, name: &key })?;
        }
        self.write(Event::End(BytesEnd::new(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Definition {
        service_code: &'static str,
        attributes: Vec<Attribute>,
    }

    #[derive(Serialize)]
    struct Attribute {
        variable: bool,
        order: i32,
        description: &'static str,
        values: Vec<(&'static str, &'static str)>,
        note: Option<&'static str>,
    }

    #[test]
    fn lists_take_their_items_names_and_fields_keep_their_order() {
        let definition = Definition {
            service_code: "CG0501",
            attributes: vec![Attribute {
                variable: true,
                order: 1,
                description: "<状态> & \"更多\"",
                values: vec![],
                note: None,
            }],
        };
        let xml = String::from_utf8(document("service_definition", &definition).expect("xml")).expect("utf-8");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_definition><service_code>CG0501</service_code>\
             <attributes><attribute><variable>true</variable><order>1</order>\
             <description>&lt;状态&gt; &amp; &quot;更多&quot;</description><values></values><note/></attribute>\
             </attributes></service_definition>"
        );
        let services = String::from_utf8(document("services", &vec![1.5, 2.0]).expect("xml")).expect("utf-8");
        assert!(services.ends_with("<services><service>1.5</service><service>2</service></services>"), "{services}");
    }
}
