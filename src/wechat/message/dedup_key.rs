//! The key under which a delivery's answer is remembered, so a retry is answered once.

use super::Event;

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
