//! `[database]`: where the data lives and how many connections reach it.

use serde::Deserialize;

use super::Secret;
use super::{invalid, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: Secret,
    pub max_connections: u32,
    pub auto_migrate: bool,
}

impl DatabaseSettings {
    pub fn database_url(&self) -> &str {
        self.url.expose()
    }
}

impl DatabaseSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let url = self.url.expose();
        if ![
            "sqlite:",
            "postgres://",
            "postgresql://",
            "mysql://",
            "mariadb://",
        ]
        .iter()
        .any(|scheme| url.starts_with(scheme))
        {
            return invalid(
                "database.url",
                "must start with sqlite:, postgres:// or mysql://",
            );
        }
        if self.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        Ok(())
    }
}
