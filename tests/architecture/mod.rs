//! Dependencies point one way: domain ← service ← http. A scan of `use crate::` lines keeps it so.

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

fn violations(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(layer);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("read file");
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            for module in forbidden {
                if line.contains(&format!("crate::{module}"))
                    || line.contains(&format!("super::super::{module}"))
                {
                    found.push(format!("{}:{}: {line}", file.display(), n + 1));
                }
            }
        }
    }
    found
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
fn the_push_worker_stays_out_of_http_and_the_bot() {
    let found = violations("push", &["http", "bot", "app", "cli"]);
    assert!(found.is_empty(), "push imports: {found:#?}");
}

#[test]
fn the_sms_worker_stays_out_of_http_and_the_bot() {
    let found = violations("sms", &["http", "bot", "app", "cli", "wechat"]);
    assert!(found.is_empty(), "sms imports: {found:#?}");
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
