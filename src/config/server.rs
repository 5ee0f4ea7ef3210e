//! `[server]`, `[storage]`, `[imports]` and `[log]`: the process, its files and its log.

use std::net::SocketAddr;

use serde::Deserialize;

use super::{invalid, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub addr: SocketAddr,
    pub body_limit_kib: u64,
    /// Largest file upload (the employment data report), in MiB.
    pub upload_limit_mib: u64,
    pub request_timeout_secs: u64,
    /// The address people reach this server at (links to news pages in chat replies).
    pub public_url: String,
    /// Proxies of your own in front of this server that append the address they received a
    /// request from to X-Forwarded-For. 0: the header is ignored (nothing in front, or a
    /// proxy that does not append).
    pub trusted_proxies: u8,
    /// Former name: `true` meant one proxy. Still read so an old file keeps its meaning.
    #[serde(default)]
    pub trust_forwarded_for: Option<bool>,
}

impl ServerSettings {
    /// How many X-Forwarded-For entries from the right were written by proxies of ours.
    pub fn forwarded_hops(&self) -> u8 {
        match self.trust_forwarded_for {
            Some(true) if self.trusted_proxies == 0 => 1,
            _ => self.trusted_proxies,
        }
    }
}

impl ServerSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.body_limit_kib == 0 {
            return invalid("server.body_limit_kib", "must be at least 1");
        }
        if self.request_timeout_secs == 0 {
            return invalid("server.request_timeout_secs", "must be at least 1");
        }
        super::http_url("server.public_url", &self.public_url)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// Directory for uploaded files (task attachments) with the local store. Shared storage
    /// (NFS) when several instances run.
    pub dir: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSettings {
    /// Spreadsheets (employment and account imports) parsed at once, each on a blocking
    /// thread; the others wait their turn.
    pub max_parallel_parses: usize,
    /// How long an import waits for its turn before it answers 503 `busy`, in milliseconds.
    pub parse_wait_ms: u64,
}

impl ImportSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.max_parallel_parses == 0 {
            return invalid("imports.max_parallel_parses", "must be at least 1");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}
