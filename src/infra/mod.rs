//! Technical building blocks the use cases stand on and that know nothing of the product:
//! outgoing HTTP clients, password hashing, randomness, reading uploaded spreadsheets.

pub mod http_client;
pub mod password_hash;
pub mod random;
pub mod sheet_file;
