//! Hostile spreadsheets: files built to make the reader allocate by what they declare or
//! inflate without end. Each import refuses them with a file error, writes nothing, and the
//! server keeps answering meanwhile.

pub mod files;
mod hostile;
