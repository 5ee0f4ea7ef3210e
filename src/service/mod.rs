//! Use cases: an `Actor` and parsed domain values in, domain values out. No HTTP here.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod binding;
pub mod bootstrap;
pub mod catalog;
pub mod demo;
pub mod diagnostics;
pub mod employment;
pub mod employment_file;
pub mod employment_stats;
pub mod employment_tallies;
pub mod followers;
pub mod my_tasks;
pub mod notifier;
pub mod org;
pub mod password_hash;
pub mod progress;
pub mod push_queue;
pub mod push_store;
pub mod share;
pub mod tasks;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::AuthSettings;
use notifier::Notifier;

/// What every use case needs: the database, the notifier and the session store.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub notifier: Arc<dyn Notifier>,
    pub sessions: auth::SessionStore,
    pub bind_guard: binding::BindGuard,
    pub bound_accounts: binding::BoundAccounts,
    pub share_key: share::ShareKey,
}

impl Services {
    pub fn new(db: DatabaseConnection, notifier: Arc<dyn Notifier>, auth: AuthSettings) -> Self {
        Self {
            db,
            notifier,
            sessions: auth::SessionStore::new(auth),
            bind_guard: binding::BindGuard::default(),
            bound_accounts: binding::BoundAccounts::default(),
            share_key: share::ShareKey::default(),
        }
    }
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
}
