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
    let f =
        parse_fields(b"<xml><A> a<![CDATA[ b ]]>c &amp; d </A><B>  &#x20;x </B></xml>").unwrap();
    assert_eq!(f.get("A"), Some("a b c & d"));
    // A character reference is explicit, so it survives trimming.
    assert_eq!(f.get("B"), Some(" x"));
}

#[test]
fn predefined_and_numeric_references_resolve() {
    let f = parse_fields(b"<xml><A>&lt;&gt;&amp;&apos;&quot;&#20013;&#x6587;</A></xml>").unwrap();
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
    let f = parse_fields(b"<xml><A><![CDATA[<!DOCTYPE x><!ENTITY y \"z\">]]></A></xml>").unwrap();
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
