//! Bounded, hostile-input-safe reading of WeChat's flat `<xml>` documents, and the one way
//! we write untrusted text into XML (`cdata`).
//!
//! WeChat bodies are a single `<xml>` root whose children each carry one text value, so we
//! read them into a flat map instead of deserialising into structs: element order is free,
//! unknown elements must be ignored, and the same document may hold `MsgId` or `MsgID`.
//!
//! Nested elements (`<Video><MediaId>`, `<ScanCodeInfo><ScanType>`, `<Articles><item>…`) are
//! kept under their dotted path below the root (`Video.MediaId`), so a nested element can never
//! shadow a top-level field of the same name. Elements that contain other elements are
//! containers and get no entry of their own.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

/// Compatible mode carries every field twice (plain and encrypted), about 3× a plain body;
/// no legitimate callback comes near this.
pub const MAX_BODY: usize = 64 * 1024;

/// The deepest WeChat nesting we know is four levels (`xml/SendPicsInfo/PicList/item`).
/// The cap keeps a crafted body from building a huge path stack.
const MAX_DEPTH: usize = 8;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XmlError {
    #[error("body exceeds {MAX_BODY} bytes")]
    TooLarge,
    /// DOCTYPE/ENTITY declarations and references to undeclared entities: the classic
    /// entity-expansion and external-entity attacks start here, and WeChat never sends them.
    #[error("DOCTYPE, entity declarations and non-predefined entity references are refused")]
    Doctype,
    #[error("malformed XML: {0}")]
    Malformed(String),
    #[error("body is not valid UTF-8")]
    NotUtf8,
    #[error("elements nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("required field {0} is missing")]
    MissingField(&'static str),
    #[error("field {0} has an invalid value")]
    InvalidField(&'static str),
}

/// The leaf elements below the root `<xml>`, by name (dotted path when nested).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    values: HashMap<String, String>,
}

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Present counts, even when empty: `<Label><![CDATA[]]></Label>` is a real value.
    pub fn require(&self, name: &'static str) -> Result<&str, XmlError> {
        self.get(name).ok_or(XmlError::MissingField(name))
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Parses a WeChat XML body into its fields.
///
/// Text rules (protocol §1.6): CDATA is kept verbatim; whitespace that lies outside CDATA at
/// the start or end of an element is dropped (`<MsgType>  <![CDATA[video]]></MsgType>` is
/// `video`); the text, CDATA and reference pieces of one element are concatenated. When a name
/// repeats, the first occurrence wins. The root must be `<xml>`.
pub fn parse_fields(body: &[u8]) -> Result<Fields, XmlError> {
    if body.len() > MAX_BODY {
        return Err(XmlError::TooLarge);
    }
    // Checking once up front means every slice quick-xml hands us later is valid UTF-8 too.
    let text = std::str::from_utf8(body).map_err(|_| XmlError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    // Default config already refuses mismatched end tags and dangling `&`; we rely on both.

    let mut open: Vec<Open> = Vec::new();
    let mut root_seen = false;
    let mut fields = Fields::default();

    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => return Err(read_error(error, text, reader.error_position())),
        };
        match event {
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Start(start) => {
                let name = element_name(start.name().as_ref())?;
                enter(&mut open, &mut root_seen, name)?;
            }
            Event::Empty(start) => {
                let name = element_name(start.name().as_ref())?;
                enter(&mut open, &mut root_seen, name)?;
                leave(&mut open, &mut fields)?;
            }
            Event::End(_) => leave(&mut open, &mut fields)?,
            Event::Text(t) => {
                let piece = t.decode().map_err(|_| XmlError::NotUtf8)?;
                match open.last_mut() {
                    Some(element) => element.pieces.push(Piece::Text(piece.into_owned())),
                    None if is_blank(&piece) => {}
                    None => return Err(malformed_msg("text outside the root element")),
                }
            }
            Event::CData(c) => {
                let piece = c.decode().map_err(|_| XmlError::NotUtf8)?;
                match open.last_mut() {
                    Some(element) => element.pieces.push(Piece::Verbatim(piece.into_owned())),
                    None => return Err(malformed_msg("CDATA outside the root element")),
                }
            }
            Event::GeneralRef(r) => {
                let ch = resolve_reference(&r)?;
                match open.last_mut() {
                    Some(element) => element.pieces.push(Piece::Verbatim(ch.to_string())),
                    None => return Err(malformed_msg("reference outside the root element")),
                }
            }
            Event::Eof => break,
        }
    }

    if !open.is_empty() {
        return Err(malformed_msg("unexpected end of document"));
    }
    if !root_seen {
        return Err(malformed_msg("no <xml> root element"));
    }
    Ok(fields)
}

/// Writes `value` as a CDATA section. A `]]>` inside the value would end the section early
/// and let user text inject markup, so it is split across two sections; characters XML 1.0
/// cannot carry at all (most C0 controls, U+FFFE, U+FFFF) are dropped so the document stays
/// well-formed.
pub fn cdata(out: &mut String, value: &str) {
    let clean: Cow<'_, str> = if value.chars().all(is_xml_char) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(value.chars().filter(|&c| is_xml_char(c)).collect())
    };
    out.push_str("<![CDATA[");
    let mut parts = clean.split("]]>");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("]]]]><![CDATA[>");
        out.push_str(part);
    }
    out.push_str("]]>");
}

/// `<name><![CDATA[value]]></name>`; `name` is a compile-time constant, never input.
pub fn cdata_element(out: &mut String, name: &'static str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    cdata(out, value);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `<name>n</name>`: numbers need no escaping.
pub fn number_element(out: &mut String, name: &'static str, n: u64) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&n.to_string());
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// An element still open while reading.
struct Open {
    name: String,
    pieces: Vec<Piece>,
    has_children: bool,
}

enum Piece {
    /// Character data outside CDATA: its leading/trailing whitespace is formatting.
    Text(String),
    /// CDATA or a resolved reference: the sender meant every character.
    Verbatim(String),
}

impl Piece {
    fn is_blank_text(&self) -> bool {
        matches!(self, Piece::Text(s) if is_blank(s))
    }
}

fn enter(open: &mut Vec<Open>, root_seen: &mut bool, name: String) -> Result<(), XmlError> {
    match open.last_mut() {
        Some(parent) => parent.has_children = true,
        None if *root_seen => return Err(malformed_msg("content after the root element")),
        None if name != "xml" => return Err(malformed_msg("root element must be <xml>")),
        None => *root_seen = true,
    }
    if open.len() >= MAX_DEPTH {
        return Err(XmlError::TooDeep);
    }
    open.push(Open {
        name,
        pieces: Vec::new(),
        has_children: false,
    });
    Ok(())
}

fn leave(open: &mut Vec<Open>, fields: &mut Fields) -> Result<(), XmlError> {
    let element = open
        .pop()
        .ok_or_else(|| malformed_msg("end tag without start tag"))?;
    // The root itself and containers carry no value of their own.
    if open.is_empty() || element.has_children {
        return Ok(());
    }
    let mut path = String::new();
    for ancestor in open.iter().skip(1) {
        path.push_str(&ancestor.name);
        path.push('.');
    }
    path.push_str(&element.name);
    fields
        .values
        .entry(path)
        .or_insert_with(|| join(&element.pieces));
    Ok(())
}

/// Concatenates the pieces of one element, dropping formatting whitespace at both ends.
fn join(pieces: &[Piece]) -> String {
    let first = pieces.iter().position(|p| !p.is_blank_text());
    let last = pieces.iter().rposition(|p| !p.is_blank_text());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let mut out = String::new();
    for (index, piece) in pieces.iter().enumerate().take(last + 1).skip(first) {
        match piece {
            Piece::Verbatim(s) => out.push_str(s),
            Piece::Text(s) => {
                let mut s = s.as_str();
                if index == first {
                    s = s.trim_start_matches(is_xml_whitespace);
                }
                if index == last {
                    s = s.trim_end_matches(is_xml_whitespace);
                }
                out.push_str(s);
            }
        }
    }
    out
}

/// Only the five predefined entities and character references: anything else needs a DTD,
/// which we refuse.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<char, XmlError> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(ch)) => Ok(ch),
            Ok(None) | Err(_) => Err(malformed_msg("invalid character reference")),
        };
    }
    let name = reference.decode().map_err(|_| XmlError::NotUtf8)?;
    match name.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(XmlError::Doctype),
    }
}

fn element_name(raw: &[u8]) -> Result<String, XmlError> {
    std::str::from_utf8(raw)
        .map(str::to_owned)
        .map_err(|_| XmlError::NotUtf8)
}

/// quick-xml only knows DTD markup inside `<!DOCTYPE`; a stray declaration is a syntax
/// error to it, but to us it is the same refused construct.
fn read_error(error: quick_xml::Error, text: &str, position: u64) -> XmlError {
    let markup = usize::try_from(position)
        .ok()
        .and_then(|at| text.get(at..))
        .unwrap_or_default();
    let declaration = ["<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION"]
        .iter()
        .any(|keyword| markup.starts_with(keyword));
    if matches!(error, quick_xml::Error::Syntax(_)) && declaration {
        XmlError::Doctype
    } else {
        XmlError::Malformed(error.to_string())
    }
}

fn malformed_msg(message: &str) -> XmlError {
    XmlError::Malformed(message.to_owned())
}

fn is_xml_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_blank(s: &str) -> bool {
    s.chars().all(is_xml_whitespace)
}

/// XML 1.0 `Char` production (surrogates cannot occur in a Rust `char`).
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    use crate::wechat::test_vectors::vectors;

    /// JSON numbers in `expected_fields` stand for the element's decimal text.
    fn as_text(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => panic!("unexpected expected_fields value {other}"),
        }
    }

    fn check_expected_fields(file: &str) -> usize {
        let doc = vectors(file);
        let mut checked = 0;
        for v in doc["vectors"].as_array().unwrap() {
            let Some(xml) = v["xml"].as_str() else {
                continue;
            };
            let id = v["id"].as_str().unwrap();
            let fields = parse_fields(xml.as_bytes()).unwrap_or_else(|e| panic!("{id}: {e}"));
            for (name, expected) in v["expected_fields"].as_object().unwrap() {
                assert_eq!(
                    fields.get(name),
                    Some(as_text(expected).as_str()),
                    "{id}: {name}"
                );
            }
            checked += 1;
        }
        checked
    }

    #[test]
    fn every_inbound_vector_yields_its_expected_fields() {
        assert_eq!(check_expected_fields("inbound_messages.json"), 22);
    }

    #[test]
    fn every_reply_vector_with_xml_yields_its_expected_fields() {
        assert_eq!(check_expected_fields("replies.json"), 2);
    }

    #[test]
    fn whitespace_outside_cdata_is_trimmed_inside_kept() {
        let f = parse_fields(
            b"<xml><MsgType>  <![CDATA[video]]>\n</MsgType><Label><![CDATA[ \xe5\xb9\xbf\xe5\xb7\x9e ]]></Label>\
              <CreateTime>\n  123 \t</CreateTime></xml>",
        )
        .unwrap();
        assert_eq!(f.get("MsgType"), Some("video"));
        assert_eq!(f.get("Label"), Some(" 广州 "));
        assert_eq!(f.get("CreateTime"), Some("123"));
    }

    #[test]
    fn pieces_of_one_element_are_concatenated() {
        let f = parse_fields(b"<xml><A> a<![CDATA[ b ]]>c &amp; d </A><B>  &#x20;x </B></xml>")
            .unwrap();
        assert_eq!(f.get("A"), Some("a b c & d"));
        // A character reference is explicit, so it survives trimming.
        assert_eq!(f.get("B"), Some(" x"));
    }

    #[test]
    fn predefined_and_numeric_references_resolve() {
        let f =
            parse_fields(b"<xml><A>&lt;&gt;&amp;&apos;&quot;&#20013;&#x6587;</A></xml>").unwrap();
        assert_eq!(f.get("A"), Some("<>&'\"中文"));
    }

    #[test]
    fn empty_and_blank_elements_are_empty_strings() {
        let f = parse_fields(b"<xml><A/><B></B><C>  \n </C><D><![CDATA[]]></D></xml>").unwrap();
        for name in ["A", "B", "C", "D"] {
            assert_eq!(f.get(name), Some(""), "{name}");
        }
        assert_eq!(f.len(), 4);
    }

    #[test]
    fn first_of_repeated_names_wins() {
        let f = parse_fields(b"<xml><A>1</A><A>2</A></xml>").unwrap();
        assert_eq!(f.get("A"), Some("1"));
    }

    #[test]
    fn nested_elements_are_kept_by_dotted_path_and_never_shadow_top_level() {
        let f = parse_fields(
            b"<xml><MediaId>top</MediaId><Video><MediaId>inner</MediaId></Video>\
              <Articles><item><Title>one</Title></item><item><Title>two</Title></item></Articles></xml>",
        )
        .unwrap();
        assert_eq!(f.get("MediaId"), Some("top"));
        assert_eq!(f.get("Video.MediaId"), Some("inner"));
        assert_eq!(f.get("Articles.item.Title"), Some("one"));
        assert_eq!(f.get("Video"), None, "containers carry no value");
        assert_eq!(f.get("Articles"), None);
    }

    #[test]
    fn unknown_elements_attributes_comments_and_declaration_are_tolerated() {
        let f = parse_fields(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi --><xml a=\"1\">\
              <URL><![CDATA[http://x]]></URL><Foo b='2'>bar</Foo></xml>\n",
        )
        .unwrap();
        assert_eq!(f.get("URL"), Some("http://x"));
        assert_eq!(f.get("Foo"), Some("bar"));
    }

    #[test]
    fn require_reports_the_missing_name() {
        let f = parse_fields(b"<xml><A>1</A></xml>").unwrap();
        assert_eq!(f.require("A"), Ok("1"));
        assert_eq!(f.require("B"), Err(XmlError::MissingField("B")));
    }

    #[test]
    fn an_empty_root_has_no_fields() {
        assert!(parse_fields(b"<xml/>").unwrap().is_empty());
        assert!(parse_fields(b"<xml></xml>").unwrap().is_empty());
    }

    #[test]
    fn doctype_is_refused() {
        let billion_laughs = b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\
            <!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><xml><A>&lol2;</A></xml>";
        assert_eq!(parse_fields(billion_laughs), Err(XmlError::Doctype));
        let xxe =
            b"<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><A>&xxe;</A></xml>";
        assert_eq!(parse_fields(xxe), Err(XmlError::Doctype));
        assert_eq!(
            parse_fields(b"<!DOCTYPE xml><xml></xml>"),
            Err(XmlError::Doctype)
        );
    }

    #[test]
    fn stray_dtd_declarations_are_refused_as_doctype() {
        for body in [
            &b"<!ENTITY x \"y\"><xml><A>1</A></xml>"[..],
            b"<xml><!ENTITY x SYSTEM \"file:///etc/passwd\"><A>1</A></xml>",
            b"<xml><A><!ELEMENT a ANY></A></xml>",
            b"<xml><!ATTLIST a b CDATA #IMPLIED></xml>",
            b"<xml><A>1</A></xml><!NOTATION n SYSTEM \"x\">",
            b"<xml><A><!DOCTYPE x></A></xml>",
            b"<xml><A>1</A></xml><!DOCTYPE x>",
        ] {
            assert_eq!(
                parse_fields(body),
                Err(XmlError::Doctype),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // The same text inside CDATA is just text.
        let f =
            parse_fields(b"<xml><A><![CDATA[<!DOCTYPE x><!ENTITY y \"z\">]]></A></xml>").unwrap();
        assert_eq!(f.get("A"), Some("<!DOCTYPE x><!ENTITY y \"z\">"));
    }

    #[test]
    fn undeclared_entity_references_are_refused() {
        assert_eq!(
            parse_fields(b"<xml><A>&xxe;</A></xml>"),
            Err(XmlError::Doctype)
        );
        assert_eq!(
            parse_fields(b"<xml><A>&nbsp;</A></xml>"),
            Err(XmlError::Doctype)
        );
        // Even where the value would be discarded.
        assert_eq!(
            parse_fields(b"<xml>&xxe;<A>1</A></xml>"),
            Err(XmlError::Doctype)
        );
    }

    #[test]
    fn bad_character_references_are_malformed() {
        for body in [
            &b"<xml><A>&#0;</A></xml>"[..],
            b"<xml><A>&#xZZ;</A></xml>",
            b"<xml><A>&#;</A></xml>",
        ] {
            assert!(
                matches!(parse_fields(body), Err(XmlError::Malformed(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn oversized_bodies_are_refused_before_parsing() {
        let mut body = b"<xml><A>".to_vec();
        body.resize(MAX_BODY + 1 - b"</A></xml>".len(), b'a');
        body.extend_from_slice(b"</A></xml>");
        assert_eq!(body.len(), MAX_BODY + 1);
        assert_eq!(parse_fields(&body), Err(XmlError::TooLarge));
        body.remove(10);
        assert_eq!(
            parse_fields(&body).unwrap().get("A").map(str::len),
            Some(MAX_BODY - 18)
        );
    }

    #[test]
    fn non_utf8_is_refused() {
        assert_eq!(
            parse_fields(b"<xml><A>\xff\xfe</A></xml>"),
            Err(XmlError::NotUtf8)
        );
    }

    #[test]
    fn malformed_documents_are_refused() {
        for body in [
            &b""[..],
            b"   ",
            b"success",
            b"{\"ToUserName\":\"gh\"}",
            b"<xml><A>1</B></xml>",
            b"<xml><A>1</A>",
            b"<xml><A>1</A></xml><xml></xml>",
            b"<xml></xml>trailing",
            b"text<xml></xml>",
            b"<root><A>1</A></root>",
            b"<xml><A>a & b</A></xml>",
            b"<xml><A>1</A></xml></xml>",
            b"<xml><A><![CDATA[x</A></xml>",
        ] {
            assert!(
                matches!(parse_fields(body), Err(XmlError::Malformed(_))),
                "{:?} gave {:?}",
                String::from_utf8_lossy(body),
                parse_fields(body)
            );
        }
    }

    #[test]
    fn nesting_is_capped() {
        let ok = b"<xml><a><b><c><d><e><f><g>1</g></f></e></d></c></b></a></xml>";
        assert_eq!(parse_fields(ok).unwrap().get("a.b.c.d.e.f.g"), Some("1"));
        let deep = b"<xml><a><b><c><d><e><f><g><h>1</h></g></f></e></d></c></b></a></xml>";
        assert_eq!(parse_fields(deep), Err(XmlError::TooDeep));
        let deep_empty = b"<xml><a><b><c><d><e><f><g><h/></g></f></e></d></c></b></a></xml>";
        assert_eq!(parse_fields(deep_empty), Err(XmlError::TooDeep));
    }

    #[test]
    fn cdata_splits_the_terminator() {
        let mut out = String::new();
        cdata(&mut out, "a]]>b]]>");
        assert_eq!(out, "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]>");
    }

    #[test]
    fn cdata_drops_characters_xml_cannot_carry() {
        let mut out = String::new();
        // Dropping U+0001 must not glue a new terminator together.
        cdata(&mut out, "a\u{1}\u{FFFF}b]]\u{1}>\tc");
        assert_eq!(out, "<![CDATA[ab]]]]><![CDATA[>\tc]]>");
    }

    #[test]
    fn hostile_text_round_trips_through_cdata() {
        for value in [
            "",
            "plain",
            "]]>",
            "]]]]>",
            "]>",
            "]]",
            "<xml><ToUserName>evil</ToUserName></xml>",
            "a]]><FromUserName>x</FromUserName><![CDATA[",
            " 广州市海珠区客村艺苑路 106号 ",
            "line1\nline2\ttab &amp; <b>",
            "]]>]]>]]>",
        ] {
            let mut body = String::from("<xml>");
            cdata_element(&mut body, "Content", value);
            number_element(&mut body, "CreateTime", u64::MAX);
            body.push_str("</xml>");
            let f = parse_fields(body.as_bytes()).unwrap_or_else(|e| panic!("{value:?}: {e}"));
            assert_eq!(f.get("Content"), Some(value), "{body}");
            assert_eq!(f.get("CreateTime"), Some("18446744073709551615"));
            assert_eq!(f.len(), 2, "{body}");
        }
    }
}
