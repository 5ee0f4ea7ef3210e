//! Everything WeChat, knowing nothing of tasks or accounts: the wire formats (signatures and
//! AES envelopes, bounded XML reading, typed inbound messages, passive replies), the API client
//! and its error classes, the menu, request simulation, and the API mock.

pub mod client;
pub mod crypto;
pub mod error;
pub mod inbound;
pub mod menu;
pub mod message;
pub mod mock;
pub mod replay;
pub mod reply;
pub mod simulate;
pub mod template;
#[cfg(test)]
mod test_vectors;
pub mod xml;
