use super::*;
use serde_json::Value;

use crate::wechat::test_vectors::vectors;

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("unexpected value {other}"),
    }
}

fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Text { .. } => "text",
        Kind::Image { .. } => "image",
        Kind::Voice { .. } => "voice",
        Kind::Video { .. } => "video",
        Kind::ShortVideo { .. } => "shortvideo",
        Kind::Location { .. } => "location",
        Kind::Link { .. } => "link",
        Kind::Event(_) => "event",
        Kind::Other { .. } => "other",
    }
}

/// The typed message mapped back to WeChat element names, to compare with the vectors.
fn as_fields(m: &Incoming) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("ToUserName", m.to_user.clone()),
        ("FromUserName", m.from_user.clone()),
        ("CreateTime", m.create_time.to_string()),
        ("MsgType", m.msg_type().to_owned()),
    ];
    if let Some(id) = m.kind.msg_id() {
        out.push(("MsgId", id.to_string()));
    }
    if let Some(name) = m.event_name() {
        out.push(("Event", name.to_owned()));
    }
    let mut put = |name, value: &String| out.push((name, value.clone()));
    match &m.kind {
        Kind::Text { content, .. } => put("Content", content),
        Kind::Image {
            pic_url, media_id, ..
        } => {
            put("PicUrl", pic_url);
            put("MediaId", media_id);
        }
        Kind::Voice {
            media_id,
            format,
            recognition,
            ..
        } => {
            put("MediaId", media_id);
            put("Format", format);
            if let Some(r) = recognition {
                put("Recognition", r);
            }
        }
        Kind::Video {
            media_id,
            thumb_media_id,
            ..
        }
        | Kind::ShortVideo {
            media_id,
            thumb_media_id,
            ..
        } => {
            put("MediaId", media_id);
            put("ThumbMediaId", thumb_media_id);
        }
        Kind::Location {
            x, y, scale, label, ..
        } => {
            put("Location_X", x);
            put("Location_Y", y);
            put("Scale", scale);
            put("Label", label);
        }
        Kind::Link {
            title,
            description,
            url,
            ..
        } => {
            put("Title", title);
            put("Description", description);
            put("Url", url);
        }
        Kind::Event(event) => match event {
            Event::Subscribe { scene, ticket } => {
                if let Some(scene) = scene {
                    put("EventKey", &format!("qrscene_{scene}"));
                }
                if let Some(ticket) = ticket {
                    put("Ticket", ticket);
                }
            }
            Event::Unsubscribe => {}
            Event::Scan { scene, ticket } => {
                put("EventKey", scene);
                if let Some(ticket) = ticket {
                    put("Ticket", ticket);
                }
            }
            Event::Location {
                latitude,
                longitude,
                precision,
            } => {
                put("Latitude", latitude);
                put("Longitude", longitude);
                put("Precision", precision);
            }
            Event::Click { key } => put("EventKey", key),
            Event::View { url, menu_id } => {
                put("EventKey", url);
                if let Some(menu_id) = menu_id {
                    put("MenuId", menu_id);
                }
            }
            Event::ViewMiniprogram { path, menu_id } => {
                put("EventKey", path);
                if let Some(menu_id) = menu_id {
                    put("MenuId", menu_id);
                }
            }
            Event::TemplateSendJobFinish { msg_id, status } => {
                put("MsgID", &msg_id.to_string());
                put("Status", &status.as_status().to_owned());
            }
        },
        Kind::Other { .. } => {}
    }
    out
}

fn event_key(m: &Incoming) -> Option<&str> {
    match &m.kind {
        Kind::Event(Event::Click { key }) => Some(key),
        Kind::Event(Event::View { url, .. }) => Some(url),
        Kind::Event(Event::ViewMiniprogram { path, .. }) => Some(path),
        Kind::Event(Event::Scan { scene, .. }) => Some(scene),
        _ => None,
    }
}

fn scene(m: &Incoming) -> Option<&str> {
    match &m.kind {
        Kind::Event(Event::Subscribe { scene, .. }) => scene.as_deref(),
        Kind::Event(Event::Scan { scene, .. }) => Some(scene),
        other => panic!("no scene on {other:?}"),
    }
}

fn template(m: &Incoming) -> (u64, &Delivery) {
    match &m.kind {
        Kind::Event(Event::TemplateSendJobFinish { msg_id, status }) => (*msg_id, status),
        other => panic!("not a template job report: {other:?}"),
    }
}

#[test]
fn every_inbound_vector_routes_as_expected() {
    let doc = vectors("inbound_messages.json");
    let list = doc["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 22);
    for v in list {
        let id = v["id"].as_str().unwrap();
        let body = v["xml"].as_str().unwrap().as_bytes();
        let expected_fields = v["expected_fields"].as_object().unwrap();
        let route = v["expected_route"].as_object().unwrap();

        // Every field the vector names is present in the flat map.
        let fields = xml::parse_fields(body).unwrap_or_else(|e| panic!("{id}: {e}"));
        for (name, value) in expected_fields {
            assert_eq!(
                fields.get(name),
                Some(as_text(value).as_str()),
                "{id}: {name}"
            );
        }

        if route["kind"] == "reply-shaped-sample" {
            // A reply-shaped video (media nested in <Video>) is not an inbound video.
            assert_eq!(route["dedup_key"], Value::Null, "{id}");
            // It is authentic-looking but not a message we know: acknowledged as `Other`.
            let parsed = Incoming::parse(body).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(
                matches!(&parsed.kind, Kind::Other { msg_type, .. } if msg_type == "video"),
                "{id}: {parsed:?}"
            );
            continue;
        }

        let m = Incoming::parse(body).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(m, Incoming::from_fields(&fields).unwrap(), "{id}");

        // Every expected field is carried by the typed message, with the same value.
        let typed = as_fields(&m);
        for (name, value) in expected_fields {
            let found = typed.iter().find(|(n, _)| n == name);
            assert_eq!(
                found.map(|(_, v)| v.as_str()),
                Some(as_text(value).as_str()),
                "{id}: typed {name}"
            );
        }
        // And nothing typed disagrees with the document.
        for (name, value) in &typed {
            assert_eq!(fields.get(name), Some(value.as_str()), "{id}: {name}");
        }

        for (key, expected) in route {
            match key.as_str() {
                "kind" => {
                    assert_eq!(Some(kind_name(&m.kind)), expected.as_str(), "{id}");
                    assert_eq!(Some(m.msg_type()), expected.as_str(), "{id}");
                }
                "event" => assert_eq!(m.event_name(), expected.as_str(), "{id}"),
                "scene" => assert_eq!(scene(&m), expected.as_str(), "{id}"),
                "event_key" => assert_eq!(event_key(&m), expected.as_str(), "{id}"),
                "template_msgid" => {
                    assert_eq!(template(&m).0.to_string(), as_text(expected), "{id}")
                }
                "delivery" => {
                    let delivery = template(&m).1;
                    let status = fields.get("Status").unwrap();
                    let expected_delivery = match expected.as_str().unwrap() {
                        "delivered" => Delivery::Delivered,
                        "failed_user_block" => Delivery::UserBlock,
                        "failed_system" => Delivery::SystemFailed,
                        "failed_other" => Delivery::Other(status.to_owned()),
                        other => panic!("{id}: unknown delivery {other}"),
                    };
                    assert_eq!(delivery, &expected_delivery, "{id}");
                    assert_eq!(delivery.as_status(), status, "{id}");
                }
                "dedup_key" => {
                    assert_eq!(
                        Some(m.dedup_key().to_string().as_str()),
                        expected.as_str(),
                        "{id}"
                    )
                }
                other => panic!("{id}: route key {other} not checked"),
            }
        }
    }
}

/// A document from (name, value) pairs, values in CDATA.
fn doc(pairs: &[(&'static str, &str)]) -> Vec<u8> {
    let mut out = String::from("<xml>");
    for (name, value) in pairs {
        xml::cdata_element(&mut out, name, value);
    }
    out.push_str("</xml>");
    out.into_bytes()
}

const HEADER: [(&str, &str); 3] = [
    ("ToUserName", "gh_1"),
    ("FromUserName", "o_user"),
    ("CreateTime", "1700000000"),
];

fn message(msg_type: &'static str, rest: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut pairs: Vec<(&'static str, String)> =
        HEADER.iter().map(|(n, v)| (*n, v.to_string())).collect();
    pairs.push(("MsgType", msg_type.to_owned()));
    pairs.extend(rest.iter().map(|(n, v)| (*n, v.to_string())));
    pairs
}

fn parse_pairs(pairs: &[(&'static str, String)]) -> Result<Incoming, XmlError> {
    let borrowed: Vec<(&'static str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    Incoming::parse(&doc(&borrowed))
}

#[test]
fn every_required_field_is_required() {
    let cases: Vec<(&'static str, Vec<(&'static str, &str)>)> = vec![
        ("text", vec![("Content", "hi"), ("MsgId", "1")]),
        (
            "image",
            vec![("PicUrl", "u"), ("MediaId", "m"), ("MsgId", "1")],
        ),
        (
            "voice",
            vec![("MediaId", "m"), ("Format", "amr"), ("MsgId", "1")],
        ),
        (
            "video",
            vec![("MediaId", "m"), ("ThumbMediaId", "t"), ("MsgId", "1")],
        ),
        (
            "shortvideo",
            vec![("MediaId", "m"), ("ThumbMediaId", "t"), ("MsgId", "1")],
        ),
        (
            "location",
            vec![
                ("Location_X", "1"),
                ("Location_Y", "2"),
                ("Scale", "3"),
                ("Label", "l"),
                ("MsgId", "1"),
            ],
        ),
        (
            "link",
            vec![
                ("Title", "t"),
                ("Description", "d"),
                ("Url", "u"),
                ("MsgId", "1"),
            ],
        ),
        ("event", vec![("Event", "SCAN"), ("EventKey", "s")]),
        (
            "event",
            vec![
                ("Event", "LOCATION"),
                ("Latitude", "1"),
                ("Longitude", "2"),
                ("Precision", "3"),
            ],
        ),
        ("event", vec![("Event", "CLICK"), ("EventKey", "k")]),
        ("event", vec![("Event", "VIEW"), ("EventKey", "u")]),
        (
            "event",
            vec![("Event", "view_miniprogram"), ("EventKey", "p")],
        ),
        (
            "event",
            vec![
                ("Event", "TEMPLATESENDJOBFINISH"),
                ("MsgID", "1"),
                ("Status", "success"),
            ],
        ),
    ];
    for (msg_type, rest) in &cases {
        let full = message(msg_type, rest);
        assert!(parse_pairs(&full).is_ok(), "{msg_type} {rest:?}");
        for skip in 0..full.len() {
            let name = full[skip].0;
            let mut partial = full.clone();
            partial.remove(skip);
            if ["ToUserName", "FromUserName", "CreateTime", "MsgType"].contains(&name) {
                assert_eq!(
                    parse_pairs(&partial),
                    Err(XmlError::MissingField(name)),
                    "{msg_type} {rest:?} without {name}"
                );
            } else {
                // Without a type-specific field the message is acknowledged as `Other`.
                let parsed = parse_pairs(&partial)
                    .unwrap_or_else(|e| panic!("{msg_type} {rest:?} without {name}: {e}"));
                assert!(
                    matches!(&parsed.kind, Kind::Other { msg_type: t, .. } if t == msg_type),
                    "{msg_type} {rest:?} without {name}: {parsed:?}"
                );
            }
        }
    }
}

#[test]
fn identity_fields_must_not_be_empty() {
    for name in ["ToUserName", "FromUserName", "MsgType"] {
        let mut pairs = message("text", &[("Content", "x"), ("MsgId", "1")]);
        pairs
            .iter_mut()
            .find(|(n, _)| *n == name)
            .unwrap()
            .1
            .clear();
        assert_eq!(
            parse_pairs(&pairs),
            Err(XmlError::InvalidField(name)),
            "{name}"
        );
    }
    // An event without a name is no event we know: acknowledged as `Other`.
    let pairs = message("event", &[("Event", "")]);
    let parsed = parse_pairs(&pairs).unwrap();
    assert!(
        matches!(parsed.kind, Kind::Other { ref msg_type, event: None } if msg_type == "event")
    );
}

#[test]
fn numbers_are_u64_and_validated() {
    let ok = parse_pairs(&message(
        "text",
        &[("Content", "x"), ("MsgId", "18446744073709551615")],
    ))
    .unwrap();
    assert_eq!(ok.kind.msg_id(), Some(u64::MAX));
    // Above 2^53: exact, no float round trip.
    let big = parse_pairs(&message(
        "text",
        &[("Content", "x"), ("MsgId", "3487542469355618313")],
    ))
    .unwrap();
    assert_eq!(
        big.dedup_key(),
        DedupKey::Message {
            to: "gh_1".into(),
            from: "o_user".into(),
            msg_id: 3487542469355618313
        }
    );
    for bad in ["18446744073709551616", "-1", "1.0", "1e3", "abc", ""] {
        // A bad id in the body of a known type: acknowledged as `Other`, not routed.
        let parsed = parse_pairs(&message("text", &[("Content", "x"), ("MsgId", bad)])).unwrap();
        assert!(matches!(parsed.kind, Kind::Other { .. }), "{bad}");
        let mut pairs = message("text", &[("Content", "x"), ("MsgId", "1")]);
        pairs[2].1 = bad.to_owned();
        assert_eq!(
            parse_pairs(&pairs),
            Err(XmlError::InvalidField("CreateTime")),
            "{bad}"
        );
        let parsed = parse_pairs(&message(
            "event",
            &[
                ("Event", "TEMPLATESENDJOBFINISH"),
                ("MsgID", bad),
                ("Status", "success"),
            ],
        ))
        .unwrap();
        assert!(matches!(parsed.kind, Kind::Other { .. }), "{bad}");
    }
}

#[test]
fn template_job_accepts_msgid_spelling_and_keeps_unknown_status() {
    let m = parse_pairs(&message(
        "event",
        &[
            ("Event", "TEMPLATESENDJOBFINISH"),
            ("MsgId", "42"),
            ("Status", "failed:freq limit"),
        ],
    ))
    .unwrap();
    assert_eq!(
        m.kind,
        Kind::Event(Event::TemplateSendJobFinish {
            msg_id: 42,
            status: Delivery::Other("failed:freq limit".into())
        })
    );
    for (status, delivery) in [
        ("success", Delivery::Delivered),
        ("failed:user block", Delivery::UserBlock),
        ("failed: system failed", Delivery::SystemFailed),
        (
            "failed:system failed",
            Delivery::Other("failed:system failed".into()),
        ),
        ("", Delivery::Other(String::new())),
    ] {
        assert_eq!(Delivery::from_status(status), delivery);
        assert_eq!(delivery.as_status(), status);
    }
}

#[test]
fn subscribe_scene_only_from_qrscene_prefix() {
    for (key, scene) in [
        (Some("qrscene_123123"), Some("123123")),
        (Some("qrscene_a_b"), Some("a_b")),
        (Some("last_trade_no_4200000012"), None),
        (Some("123123"), None),
        (Some("qrscene_"), None),
        (Some(""), None),
        (None, None),
    ] {
        let mut rest = vec![("Event", "subscribe")];
        rest.extend(key.map(|k| ("EventKey", k)));
        let m = parse_pairs(&message("event", &rest)).unwrap();
        assert_eq!(
            m.kind,
            Kind::Event(Event::Subscribe {
                scene: scene.map(str::to_owned),
                ticket: None
            }),
            "{key:?}"
        );
    }
}

#[test]
fn optional_fields_empty_means_absent() {
    let m = parse_pairs(&message(
        "event",
        &[("Event", "VIEW"), ("EventKey", "https://x"), ("MenuId", "")],
    ))
    .unwrap();
    assert_eq!(
        m.kind,
        Kind::Event(Event::View {
            url: "https://x".into(),
            menu_id: None
        })
    );
    let m = parse_pairs(&message(
        "voice",
        &[
            ("MediaId", "m"),
            ("Format", "amr"),
            ("Recognition", ""),
            ("MsgId", "1"),
        ],
    ))
    .unwrap();
    assert!(matches!(
        m.kind,
        Kind::Voice {
            recognition: None,
            ..
        }
    ));
}

#[test]
fn dedup_keys_tell_senders_and_menu_keys_apart() {
    let from = |openid: &str, rest: &[(&'static str, &str)], msg_type: &'static str| {
        let mut pairs = message(msg_type, rest);
        pairs[1].1 = openid.to_string();
        parse_pairs(&pairs).unwrap().dedup_key()
    };
    let text = [("Content", "x"), ("MsgId", "1234567890123456")];
    // The official samples' MsgId from two users: two messages.
    assert_ne!(from("o_a", &text, "text"), from("o_b", &text, "text"));
    assert_eq!(from("o_a", &text, "text"), from("o_a", &text, "text"));
    // Two menu taps in one second.
    let tap = |key: &'static str| [("Event", "CLICK"), ("EventKey", key)];
    assert_ne!(
        from("o_a", &tap("FUDAO_TASKS"), "event"),
        from("o_a", &tap("FUDAO_NEWS"), "event")
    );
    assert_eq!(
        from("o_a", &tap("FUDAO_NEWS"), "event"),
        from("o_a", &tap("FUDAO_NEWS"), "event")
    );
    // Two template reports in one second, for two messages.
    let report = |id: &'static str| {
        [
            ("Event", "TEMPLATESENDJOBFINISH"),
            ("MsgID", id),
            ("Status", "success"),
        ]
    };
    assert_ne!(
        from("o_a", &report("1"), "event"),
        from("o_a", &report("2"), "event")
    );
}

#[test]
fn unknown_types_and_events_are_other() {
    let m = parse_pairs(&message(
        "miniprogrampage",
        &[("MsgId", "7"), ("Title", "t")],
    ))
    .unwrap();
    assert_eq!(
        m.kind,
        Kind::Other {
            msg_type: "miniprogrampage".into(),
            event: None
        }
    );
    assert_eq!(m.msg_type(), "miniprogrampage");
    assert_eq!(m.event_name(), None);
    assert_eq!(
        m.dedup_key().to_string(),
        "other:gh_1:o_user:1700000000:miniprogrampage"
    );
    assert!(m.kind.is_user_message());

    // Event names are case-sensitive: `scan` is not `SCAN`.
    for name in [
        "subscribe_msg_popup_event",
        "MASSSENDJOBFINISH",
        "scan",
        "Subscribe",
    ] {
        let m = parse_pairs(&message("event", &[("Event", name), ("EventKey", "k")])).unwrap();
        assert_eq!(
            m.kind,
            Kind::Other {
                msg_type: "event".into(),
                event: Some(name.into())
            },
            "{name}"
        );
        assert_eq!(m.msg_type(), "event");
        assert_eq!(m.event_name(), Some(name));
        assert_eq!(
            m.dedup_key().to_string(),
            format!("other:gh_1:o_user:1700000000:event:{name}")
        );
        assert!(!m.kind.is_user_message());
    }
}

#[test]
fn user_messages_and_events_are_told_apart() {
    let text = parse_pairs(&message("text", &[("Content", "x"), ("MsgId", "1")])).unwrap();
    assert!(text.kind.is_user_message());
    assert_eq!(text.event_name(), None);
    let click = parse_pairs(&message("event", &[("Event", "CLICK"), ("EventKey", "k")])).unwrap();
    assert!(!click.kind.is_user_message());
    assert_eq!(click.kind.msg_id(), None);
}

#[test]
fn parse_errors_propagate() {
    assert_eq!(
        Incoming::parse(b"<!DOCTYPE x><xml/>"),
        Err(XmlError::Doctype)
    );
    assert_eq!(
        Incoming::parse(b"<xml/>"),
        Err(XmlError::MissingField("ToUserName"))
    );
}

#[test]
fn event_names_round_trip() {
    let events = [
        Event::Subscribe {
            scene: None,
            ticket: None,
        },
        Event::Unsubscribe,
        Event::Scan {
            scene: "s".into(),
            ticket: None,
        },
        Event::Location {
            latitude: "1".into(),
            longitude: "2".into(),
            precision: "3".into(),
        },
        Event::Click { key: "k".into() },
        Event::View {
            url: "u".into(),
            menu_id: None,
        },
        Event::ViewMiniprogram {
            path: "p".into(),
            menu_id: None,
        },
        Event::TemplateSendJobFinish {
            msg_id: 1,
            status: Delivery::Delivered,
        },
    ];
    for event in events {
        let m = Incoming {
            to_user: "gh".into(),
            from_user: "o".into(),
            create_time: 1,
            kind: Kind::Event(event.clone()),
        };
        let mut pairs = vec![
            ("ToUserName", "gh".to_owned()),
            ("FromUserName", "o".to_owned()),
            ("CreateTime", "1".to_owned()),
            ("MsgType", "event".to_owned()),
        ];
        pairs.extend(as_fields(&m).into_iter().skip(4));
        assert_eq!(parse_pairs(&pairs).unwrap(), m, "{}", event.name());
    }
}

#[test]
fn each_event_has_its_own_kind() {
    let names = [
        ("subscribe", EventKind::Subscribe),
        ("unsubscribe", EventKind::Unsubscribe),
        ("SCAN", EventKind::Scan),
        ("CLICK", EventKind::Click),
        ("VIEW", EventKind::View),
    ];
    for (name, kind) in names {
        let m = parse_pairs(&message("event", &[("Event", name), ("EventKey", "k")])).unwrap();
        match m.kind {
            Kind::Event(event) => assert_eq!(event.kind(), kind, "{name}"),
            other => panic!("{name} parsed as {other:?}"),
        }
    }
}
