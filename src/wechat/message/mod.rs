//! Typed inbound messages and events (protocol §2).
//!
//! Known message types and events become variants with their fields checked once here, so
//! the bot never looks at raw XML names. Everything else is `Kind::Other`: acknowledged,
//! never routed to a command.

use super::xml::{self, Fields, XmlError};

mod dedup_key;

pub use dedup_key::DedupKey;

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

/// Which event it is, without what it carries: what the bot's rules match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Subscribe,
    Unsubscribe,
    Scan,
    Location,
    Click,
    View,
    ViewMiniprogram,
    TemplateSendJobFinish,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Self::Subscribe { .. } => EventKind::Subscribe,
            Self::Unsubscribe => EventKind::Unsubscribe,
            Self::Scan { .. } => EventKind::Scan,
            Self::Location { .. } => EventKind::Location,
            Self::Click { .. } => EventKind::Click,
            Self::View { .. } => EventKind::View,
            Self::ViewMiniprogram { .. } => EventKind::ViewMiniprogram,
            Self::TemplateSendJobFinish { .. } => EventKind::TemplateSendJobFinish,
        }
    }

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
mod tests;
