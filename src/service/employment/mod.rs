//! Employment data: importing the report (`import`, with its runs in `runs`), the figures
//! read from it (`stats`, over `tallies` for large scopes), and the names that keep
//! counselors from seeing theirs (`diagnostics`).

pub mod diagnostics;
pub mod import;
pub mod runs;
pub mod stats;
pub mod tallies;

pub use import::{import, start_import, template_headers, ImportReport};
pub use runs::{import_history, import_status, RunStatus, RunView, STORED_ERRORS};
