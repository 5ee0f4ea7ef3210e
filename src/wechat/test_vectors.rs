//! The official WeChat vectors kept in `tests/vectors/` (copied from WeChat's documentation, each
//! with its source), for the wire-format unit tests.

use serde_json::Value;

pub fn vectors(file: &str) -> Value {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}
