//! Technical building blocks the use cases stand on and that know nothing of the product:
//! password hashing, reading uploaded spreadsheets.

pub mod password_hash;
pub mod sheet_file;
