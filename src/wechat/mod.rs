//! WeChat wire formats: signatures and AES envelopes, bounded XML reading, typed inbound
//! messages and passive replies. Pure functions only — no I/O — so the callback handler,
//! the bot and the tests share one definition of the protocol (`shared/wechat-protocol.md`).

pub mod crypto;
pub mod message;
pub mod reply;
pub mod xml;
