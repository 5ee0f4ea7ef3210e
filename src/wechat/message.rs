//! Typed inbound messages and events (protocol §2).
//!
//! Known message types and events become variants with their fields checked once here, so
//! the bot never looks at raw XML names. Everything else is `Kind::Other`: acknowledged,
//! never routed to a command.

use super::xml::{self, Fields, XmlError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The account's original id (`gh_…`).
    pub to_user: String,
    /// The sender's OpenID.
    pub from_user: String,
    /// Seconds since the epoch.
    pub create_time: u64,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text {
        content: String,
        msg_id: u64,
    },
    Image {
        pic_url: String,
        media_id: String,
        msg_id: u64,
    },
    Voice {
        media_id: String,
        format: String,
        /// Present only when speech recognition is switched on for the account.
        recognition: Option<String>,
        msg_id: u64,
    },
    Video {
        media_id: String,
        thumb_media_id: String,
        msg_id: u64,
    },
    ShortVideo {
        media_id: String,
        thumb_media_id: String,
        msg_id: u64,
    },
    /// Coordinates stay decimal strings: they are shown and stored, never computed with.
    Location {
        x: String,
        y: String,
        scale: String,
        label: String,
        msg_id: u64,
    },
    Link {
        title: String,
        description: String,
        url: String,
        msg_id: u64,
    },
    Event(Event),
    /// Anything else: acknowledged, never routed to a command.
    Other {
        msg_type: String,
        event: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// `scene` is set only for a QR-code follow (EventKey `qrscene_<scene>`); other EventKey
    /// values are not scenes.
    Subscribe {
        scene: Option<String>,
        ticket: Option<String>,
    },
    Unsubscribe,
    /// A follower scanned a parametric QR code; the EventKey is the scene, without prefix.
    Scan {
        scene: String,
        ticket: Option<String>,
    },
    Location {
        latitude: String,
        longitude: String,
        precision: String,
    },
    Click {
        key: String,
    },
    View {
        url: String,
        menu_id: Option<String>,
    },
    ViewMiniprogram {
        path: String,
        menu_id: Option<String>,
    },
    /// Delivery report for a template message; `msg_id` is the id template/send returned.
    TemplateSendJobFinish {
        msg_id: u64,
        status: Delivery,
    },
}

/// What makes one delivery a retry of another. A MsgId is unique only per sender (the official
/// samples all carry 1234567890123456), so a message is keyed by both parties as well; an event
/// carries no id at all, so it is keyed by its sender, second and every field it came with: two
/// menu taps within one second differ only in their EventKey.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DedupKey {
    Message {
        to: String,
        from: String,
        msg_id: u64,
    },
    Event {
        to: String,
        from: String,
        create_time: u64,
        event: Event,
    },
    /// Types and events this system does not read: only what the envelope says.
    Other {
        to: String,
        from: String,
        create_time: u64,
        msg_type: String,
        event: Option<String>,
    },
}

impl DedupKey {
    /// Roughly the memory the key holds, for the reply cache's budget.
    pub fn bytes(&self) -> usize {
        let strings: usize = match self {
            DedupKey::Message { to, from, .. } => to.len() + from.len(),
            DedupKey::Event {
                to, from, event, ..
            } => to.len() + from.len() + event.fields().iter().map(String::len).sum::<usize>(),
            DedupKey::Other {
                to,
                from,
                msg_type,
                event,
                ..
            } => to.len() + from.len() + msg_type.len() + event.as_ref().map_or(0, String::len),
        };
        strings + std::mem::size_of::<Self>()
    }
}

/// For logs and the vectors; the cache compares the typed key, never this text.
impl std::fmt::Display for DedupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DedupKey::Message { to, from, msg_id } => write!(f, "msgid:{to}:{from}:{msg_id}"),
            DedupKey::Event {
                to,
                from,
                create_time,
                event,
            } => {
                write!(f, "event:{to}:{from}:{create_time}:{}", event.name())?;
                for field in event.fields() {
                    write!(f, ":{field}")?;
                }
                Ok(())
            }
            DedupKey::Other {
                to,
                from,
                create_time,
                msg_type,
                event,
            } => {
                write!(f, "other:{to}:{from}:{create_time}:{msg_type}")?;
                match event {
                    Some(event) => write!(f, ":{event}"),
                    None => Ok(()),
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Delivery {
    Delivered,
    UserBlock,
    SystemFailed,
    /// Undocumented statuses (e.g. `failed:freq limit`), kept raw for the record.
    Other(String),
}

impl Delivery {
    /// WeChat's documented strings are inconsistent (`failed:user block` vs
    /// `failed: system failed`), so they are matched exactly as documented.
    pub fn from_status(status: &str) -> Self {
        match status {
            "success" => Self::Delivered,
            "failed:user block" => Self::UserBlock,
            "failed: system failed" => Self::SystemFailed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The status string as WeChat sends it.
    pub fn as_status(&self) -> &str {
        match self {
            Self::Delivered => "success",
            Self::UserBlock => "failed:user block",
            Self::SystemFailed => "failed: system failed",
            Self::Other(raw) => raw,
        }
    }
}

impl Event {
    /// The values the event came with, in a fixed order (absent ones as empty strings).
    pub fn fields(&self) -> Vec<String> {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        match self {
            Self::Subscribe { scene, ticket } => vec![text(scene), text(ticket)],
            Self::Unsubscribe => Vec::new(),
            Self::Scan { scene, ticket } => vec![scene.clone(), text(ticket)],
            Self::Location {
                latitude,
                longitude,
                precision,
            } => vec![latitude.clone(), longitude.clone(), precision.clone()],
            Self::Click { key } => vec![key.clone()],
            Self::View { url, menu_id } => vec![url.clone(), text(menu_id)],
            Self::ViewMiniprogram { path, menu_id } => vec![path.clone(), text(menu_id)],
            Self::TemplateSendJobFinish { msg_id, status } => {
                vec![msg_id.to_string(), status.as_status().to_string()]
            }
        }
    }

    /// The `Event` value as WeChat sends it; matching is case-sensitive, so this is exact.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Subscribe { .. } => "subscribe",
            Self::Unsubscribe => "unsubscribe",
            Self::Scan { .. } => "SCAN",
            Self::Location { .. } => "LOCATION",
            Self::Click { .. } => "CLICK",
            Self::View { .. } => "VIEW",
            Self::ViewMiniprogram { .. } => "view_miniprogram",
            Self::TemplateSendJobFinish { .. } => "TEMPLATESENDJOBFINISH",
        }
    }
}

impl Kind {
    /// Something the user sent (as opposed to an event). A passive news reply to one may carry
    /// only one article (protocol §3). Unknown non-event types count as user messages, the
    /// stricter choice.
    pub fn is_user_message(&self) -> bool {
        match self {
            Self::Event(_) => false,
            Self::Other { event, .. } => event.is_none(),
            _ => true,
        }
    }

    /// The `MsgId` of a user message.
    pub fn msg_id(&self) -> Option<u64> {
        match self {
            Self::Text { msg_id, .. }
            | Self::Image { msg_id, .. }
            | Self::Voice { msg_id, .. }
            | Self::Video { msg_id, .. }
            | Self::ShortVideo { msg_id, .. }
            | Self::Location { msg_id, .. }
            | Self::Link { msg_id, .. } => Some(*msg_id),
            Self::Event(_) | Self::Other { .. } => None,
        }
    }
}

impl Incoming {
    pub fn parse(body: &[u8]) -> Result<Incoming, XmlError> {
        Self::from_fields(&xml::parse_fields(body)?)
    }

    pub fn from_fields(fields: &Fields) -> Result<Incoming, XmlError> {
        let to_user = non_empty(fields, "ToUserName")?;
        let from_user = non_empty(fields, "FromUserName")?;
        let create_time = number(fields, "CreateTime")?;
        let msg_type = non_empty(fields, "MsgType")?;
        // A known type with a missing or malformed field is acknowledged as `Other` rather than
        // refused: the envelope is authentic, and a refusal makes WeChat retry and then tell the
        // user the account is out of service.
        let kind = Self::kind(fields, &msg_type).unwrap_or_else(|error| {
            tracing::warn!(%error, msg_type, "known message type without its fields; treated as other");
            Kind::Other {
                event: optional(fields, "Event"),
                msg_type: msg_type.clone(),
            }
        });
        Ok(Incoming {
            to_user,
            from_user,
            create_time,
            kind,
        })
    }

    fn kind(fields: &Fields, msg_type: &str) -> Result<Kind, XmlError> {
        Ok(match msg_type {
            "text" => Kind::Text {
                content: text(fields, "Content")?,
                msg_id: number(fields, "MsgId")?,
            },
            "image" => Kind::Image {
                pic_url: text(fields, "PicUrl")?,
                media_id: text(fields, "MediaId")?,
                msg_id: number(fields, "MsgId")?,
            },
            "voice" => Kind::Voice {
                media_id: text(fields, "MediaId")?,
                format: text(fields, "Format")?,
                recognition: optional(fields, "Recognition"),
                msg_id: number(fields, "MsgId")?,
            },
            "video" => Kind::Video {
                media_id: text(fields, "MediaId")?,
                thumb_media_id: text(fields, "ThumbMediaId")?,
                msg_id: number(fields, "MsgId")?,
            },
            "shortvideo" => Kind::ShortVideo {
                media_id: text(fields, "MediaId")?,
                thumb_media_id: text(fields, "ThumbMediaId")?,
                msg_id: number(fields, "MsgId")?,
            },
            "location" => Kind::Location {
                x: text(fields, "Location_X")?,
                y: text(fields, "Location_Y")?,
                scale: text(fields, "Scale")?,
                label: text(fields, "Label")?,
                msg_id: number(fields, "MsgId")?,
            },
            "link" => Kind::Link {
                title: text(fields, "Title")?,
                description: text(fields, "Description")?,
                url: text(fields, "Url")?,
                msg_id: number(fields, "MsgId")?,
            },
            "event" => event(fields)?,
            _ => Kind::Other {
                event: optional(fields, "Event"),
                msg_type: msg_type.to_string(),
            },
        })
    }

    /// The key under which a retried delivery of this message is recognised (protocol §2).
    pub fn dedup_key(&self) -> DedupKey {
        let (to, from, create_time) = (
            self.to_user.clone(),
            self.from_user.clone(),
            self.create_time,
        );
        match &self.kind {
            Kind::Event(event) => DedupKey::Event {
                to,
                from,
                create_time,
                event: event.clone(),
            },
            Kind::Other { msg_type, event } => DedupKey::Other {
                to,
                from,
                create_time,
                msg_type: msg_type.clone(),
                event: event.clone(),
            },
            kind => match kind.msg_id() {
                Some(msg_id) => DedupKey::Message { to, from, msg_id },
                None => DedupKey::Other {
                    to,
                    from,
                    create_time,
                    msg_type: self.msg_type().to_string(),
                    event: None,
                },
            },
        }
    }

    /// The `MsgType` as sent: `text`, `image`, …, `event`.
    pub fn msg_type(&self) -> &str {
        match &self.kind {
            Kind::Text { .. } => "text",
            Kind::Image { .. } => "image",
            Kind::Voice { .. } => "voice",
            Kind::Video { .. } => "video",
            Kind::ShortVideo { .. } => "shortvideo",
            Kind::Location { .. } => "location",
            Kind::Link { .. } => "link",
            Kind::Event(_) => "event",
            Kind::Other { msg_type, .. } => msg_type,
        }
    }

    /// The `Event` as sent (`subscribe`, `SCAN`, `view_miniprogram`, …), for events only.
    /// The key an event carries: menu key (CLICK), URL (VIEW), page path (view_miniprogram),
    /// scene (SCAN, and subscribe from a QR code).
    pub fn event_key(&self) -> Option<&str> {
        match &self.kind {
            Kind::Event(Event::Click { key }) => Some(key),
            Kind::Event(Event::View { url, .. }) => Some(url),
            Kind::Event(Event::ViewMiniprogram { path, .. }) => Some(path),
            Kind::Event(Event::Scan { scene, .. }) => Some(scene),
            Kind::Event(Event::Subscribe { scene, .. }) => scene.as_deref(),
            _ => None,
        }
    }

    pub fn event_name(&self) -> Option<&str> {
        match &self.kind {
            Kind::Event(event) => Some(event.name()),
            Kind::Other { event, .. } => event.as_deref(),
            _ => None,
        }
    }
}

fn event(fields: &Fields) -> Result<Kind, XmlError> {
    let name = non_empty(fields, "Event")?;
    let event = match name.as_str() {
        "subscribe" => Event::Subscribe {
            scene: optional(fields, "EventKey")
                .and_then(|key| key.strip_prefix("qrscene_").map(str::to_owned))
                .filter(|scene| !scene.is_empty()),
            ticket: optional(fields, "Ticket"),
        },
        "unsubscribe" => Event::Unsubscribe,
        "SCAN" => Event::Scan {
            scene: text(fields, "EventKey")?,
            ticket: optional(fields, "Ticket"),
        },
        "LOCATION" => Event::Location {
            latitude: text(fields, "Latitude")?,
            longitude: text(fields, "Longitude")?,
            precision: text(fields, "Precision")?,
        },
        "CLICK" => Event::Click {
            key: text(fields, "EventKey")?,
        },
        "VIEW" => Event::View {
            url: text(fields, "EventKey")?,
            menu_id: optional(fields, "MenuId"),
        },
        "view_miniprogram" => Event::ViewMiniprogram {
            path: text(fields, "EventKey")?,
            menu_id: optional(fields, "MenuId"),
        },
        "TEMPLATESENDJOBFINISH" => Event::TemplateSendJobFinish {
            msg_id: template_msg_id(fields)?,
            status: Delivery::from_status(fields.require("Status")?),
        },
        _ => {
            return Ok(Kind::Other {
                msg_type: "event".to_owned(),
                event: Some(name),
            })
        }
    };
    Ok(Kind::Event(event))
}

/// Job-finish events spell it `MsgID`; accept `MsgId` too (WxJava does).
fn template_msg_id(fields: &Fields) -> Result<u64, XmlError> {
    let raw = fields
        .get("MsgID")
        .or_else(|| fields.get("MsgId"))
        .ok_or(XmlError::MissingField("MsgID"))?;
    raw.parse().map_err(|_| XmlError::InvalidField("MsgID"))
}

fn text(fields: &Fields, name: &'static str) -> Result<String, XmlError> {
    fields.require(name).map(str::to_owned)
}

/// Identity fields: an empty value is as useless as a missing one.
fn non_empty(fields: &Fields, name: &'static str) -> Result<String, XmlError> {
    match fields.require(name)? {
        "" => Err(XmlError::InvalidField(name)),
        value => Ok(value.to_owned()),
    }
}

/// Optional fields: WeChat sends some of them empty (`<EventKey><![CDATA[]]></EventKey>`).
fn optional(fields: &Fields, name: &str) -> Option<String> {
    fields
        .get(name)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// Ids exceed 2^53, so they are parsed as u64, never through a float.
fn number(fields: &Fields, name: &'static str) -> Result<u64, XmlError> {
    fields
        .require(name)?
        .parse()
        .map_err(|_| XmlError::InvalidField(name))
}

#[cfg(test)]
mod tests {
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

    fn message(
        msg_type: &'static str,
        rest: &[(&'static str, &str)],
    ) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> =
            HEADER.iter().map(|(n, v)| (*n, v.to_string())).collect();
        pairs.push(("MsgType", msg_type.to_owned()));
        pairs.extend(rest.iter().map(|(n, v)| (*n, v.to_string())));
        pairs
    }

    fn parse_pairs(pairs: &[(&'static str, String)]) -> Result<Incoming, XmlError> {
        let borrowed: Vec<(&'static str, &str)> =
            pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
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
            let parsed =
                parse_pairs(&message("text", &[("Content", "x"), ("MsgId", bad)])).unwrap();
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
        let click =
            parse_pairs(&message("event", &[("Event", "CLICK"), ("EventKey", "k")])).unwrap();
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
}
