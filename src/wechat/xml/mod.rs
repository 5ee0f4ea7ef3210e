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
                let name = start.name().as_ref().to_owned();
                enter(&mut open, &mut root_seen, name)?;
            }
            Event::Empty(start) => {
                let name = start.name().as_ref().to_owned();
                enter(&mut open, &mut root_seen, name)?;
                leave(&mut open, &mut fields)?;
            }
            Event::End(_) => leave(&mut open, &mut fields)?,
            Event::Text(t) => {
                let piece = t.into_inner();
                match open.last_mut() {
                    Some(element) => element.pieces.push(Piece::Text(piece.into_owned())),
                    None if is_blank(&piece) => {}
                    None => return Err(malformed_msg("text outside the root element")),
                }
            }
            Event::CData(c) => {
                let piece = c.into_inner();
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
    match reference.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(XmlError::Doctype),
    }
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
mod tests;
