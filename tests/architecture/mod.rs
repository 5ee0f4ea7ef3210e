//! Dependencies point one way: domain ← outbox ← service ← {bot, http}; push and sms use the
//! outbox, never the services. A scan of `crate::` paths (grouped `use crate::{…}` included)
//! keeps it so.

use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a path names after `crate::` (or `super::super::`) at `from` in
/// `text`: one for `crate::a::b`, each group member's for `crate::{a, b::c}`.
fn modules_at(text: &str, from: usize) -> Vec<String> {
    let rest = &text[from..];
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0usize;
        let mut members = Vec::new();
        let mut current = String::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    members.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        members.push(current);
        return members
            .iter()
            .map(|m| first_segment(m.trim()))
            .filter(|m| !m.is_empty())
            .collect();
    }
    vec![first_segment(rest)]
}

fn first_segment(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every `crate::` path in `text` that names one of `forbidden`, with its line.
fn forbidden_paths(text: &str, forbidden: &[&str]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for prefix in ["crate::", "super::super::"] {
        for (at, _) in text.match_indices(prefix) {
            let line = text[..at].matches('\n').count() + 1;
            for module in modules_at(text, at + prefix.len()) {
                if forbidden.contains(&module.as_str()) {
                    found.push((line, module));
                }
            }
        }
    }
    found
}

fn violations(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(layer);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("read file");
        for (line, module) in forbidden_paths(&text, forbidden) {
            found.push(format!("{}:{line}: {module}", file.display()));
        }
    }
    found
}

#[test]
fn the_scan_sees_grouped_and_nested_imports() {
    let text = "use crate::{db, outbox::push};\nuse crate::{\n    error::AppResult,\n    service::{tasks, Services},\n};\nlet x = crate::http::f();\n";
    assert_eq!(
        forbidden_paths(text, &["service", "http", "db"]),
        vec![
            (1, "db".to_string()),
            (2, "service".to_string()),
            (6, "http".to_string())
        ]
    );
    assert!(forbidden_paths("use crate::outbox::Outbox;", &["service"]).is_empty());
}

#[test]
fn the_domain_depends_on_nothing_of_the_app() {
    let found = violations(
        "domain",
        &["db", "service", "http", "app", "cli", "config", "error"],
    );
    assert!(found.is_empty(), "domain imports: {found:#?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for crate_name in ["sea_orm", "salvo", "reqwest", "tokio"] {
            assert!(
                !text.contains(&format!("use {crate_name}")),
                "{} uses {crate_name}",
                file.display()
            );
        }
    }
}

#[test]
fn the_wechat_layer_knows_nothing_of_the_product() {
    let found = violations(
        "wechat",
        &["service", "bot", "http", "db", "domain", "app", "cli"],
    );
    assert!(found.is_empty(), "wechat imports: {found:#?}");
}

#[test]
fn the_bot_does_not_reach_into_http_or_the_database() {
    // The bot acts through services and sees the sender as an actor, never as a row.
    let found = violations("bot", &["http", "app", "cli", "db"]);
    assert!(found.is_empty(), "bot imports: {found:#?}");
}

#[test]
fn services_know_nothing_of_http() {
    let found = violations("service", &["http", "app", "cli", "wechat", "bot"]);
    assert!(found.is_empty(), "service imports: {found:#?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        assert!(!text.contains("use salvo"), "{} uses salvo", file.display());
    }
}

#[test]
fn the_push_worker_uses_the_outbox_not_the_services() {
    let found = violations("push", &["service", "http", "bot", "app", "cli"]);
    assert!(found.is_empty(), "push imports: {found:#?}");
}

#[test]
fn the_sms_worker_uses_the_outbox_not_the_services() {
    let found = violations("sms", &["service", "http", "bot", "app", "cli", "wechat"]);
    assert!(found.is_empty(), "sms imports: {found:#?}");
}

#[test]
fn the_outbox_sits_below_the_services() {
    let found = violations(
        "outbox",
        &[
            "service", "http", "bot", "push", "sms", "wechat", "app", "cli",
        ],
    );
    assert!(found.is_empty(), "outbox imports: {found:#?}");
}

#[test]
fn file_storage_knows_nothing_of_the_product() {
    let found = violations(
        "storage",
        &[
            "service", "bot", "http", "db", "domain", "app", "cli", "wechat",
        ],
    );
    assert!(found.is_empty(), "storage imports: {found:#?}");
}

#[test]
fn infrastructure_knows_nothing_of_the_use_cases() {
    let found = violations(
        "infra",
        &["service", "http", "bot", "push", "sms", "app", "cli", "db"],
    );
    assert!(found.is_empty(), "infra imports: {found:#?}");
}

#[test]
fn http_never_touches_database_entities() {
    // Services hand the adapters records and domain values (`org::Unit`, `org::Major`,
    // `audit::AuditRecord`), never rows.
    let found: Vec<String> = violations("http", &["db::entities", "db::{"]);
    assert!(found.is_empty(), "http imports entities: {found:#?}");
}

#[test]
fn no_adapter_reads_a_password_hash() {
    // Accounts reach `http` and `bot` as records without the hash; naming it there would mean
    // a row leaked through.
    for layer in ["http", "bot"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(layer);
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            assert!(!text.contains("password_hash"), "{}", file.display());
        }
    }
}

#[test]
fn every_random_value_comes_from_one_generator() {
    // Tokens, codes and passwords come from the operating system's generator through
    // `infra::random`; a `thread_rng` or a second `OsRng` elsewhere would be easy to get wrong.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for file in files {
        if file.ends_with("infra/random.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        // Test modules may draw from a seeded generator to stay repeatable.
        let production = text.split("#[cfg(test)]").next().unwrap_or_default();
        for needle in ["thread_rng", "OsRng", "SysRng", "rand::rng(", "rand_core"] {
            if production.contains(needle) {
                found.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "randomness outside infra::random: {found:#?}"
    );
}

#[test]
fn every_outgoing_client_is_built_with_the_crypto_provider() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let found: Vec<String> = files
        .iter()
        .filter(|file| !file.ends_with("infra/http_client.rs"))
        .filter(|file| {
            let text = fs::read_to_string(file).unwrap();
            text.contains("Client::builder()") || text.contains("Client::new()")
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(
        found.is_empty(),
        "reqwest clients built outside infra::http_client (no TLS provider): {found:#?}"
    );
}

#[test]
fn requests_are_logged_with_their_tokens_masked() {
    // salvo's Logger logs the raw path, which carries the credentials download token.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("salvo::logging"),
            "{} logs requests without masking tokens (use http::request_log)",
            file.display()
        );
    }
}
