//! Use cases: an `Actor` and parsed domain values in, domain values out. No HTTP here.

pub mod accounts;
pub mod audit;
pub mod demo;
pub mod employment;
pub mod identity;
pub mod imports;
pub mod news;
pub mod notifier;
pub mod org;
pub mod tasks;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::AuthSettings;
use crate::outbox::worker::Heartbeats;
use crate::outbox::{Clock, Outbox, SystemClock};
use notifier::Notifier;

/// What every use case needs: the database, the clock, the notifier and the session store.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    /// The system clock in production; tests hold a manual one and advance it.
    pub clock: Arc<dyn Clock>,
    /// When each background worker last finished a round (`/readyz`).
    pub heartbeats: Heartbeats,
    pub notifier: Arc<dyn Notifier>,
    pub sessions: identity::auth::SessionStore,
    pub bind_guard: identity::binding::BindGuard,
    pub bound_accounts: identity::binding::BoundAccounts,
    pub share_key: tasks::share::ShareKey,
    /// Uploaded files (task attachments).
    pub files: Arc<dyn crate::storage::FileStore>,
    /// Turns to parse an uploaded spreadsheet (imports).
    pub sheet_parses: crate::infra::sheet_file::ParseGate,
}

impl Services {
    /// `files` is where uploads are kept (`storage.dir` in the settings).
    pub fn new(
        db: DatabaseConnection,
        notifier: Arc<dyn Notifier>,
        auth: AuthSettings,
        files: Arc<dyn crate::storage::FileStore>,
    ) -> Self {
        Self {
            db,
            clock: Arc::new(SystemClock),
            heartbeats: Heartbeats::default(),
            notifier,
            sessions: identity::auth::SessionStore::new(auth),
            bind_guard: identity::binding::BindGuard::default(),
            bound_accounts: identity::binding::BoundAccounts::default(),
            share_key: tasks::share::ShareKey::default(),
            files,
            sheet_parses: crate::infra::sheet_file::ParseGate::default(),
        }
    }

    /// Parse uploaded spreadsheets within `gate` instead of the default one.
    pub fn with_sheet_parses(mut self, gate: crate::infra::sheet_file::ParseGate) -> Self {
        self.sheet_parses = gate;
        self
    }

    /// Read the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The job queues, as the workers see them.
    pub fn outbox(&self) -> Outbox {
        Outbox::new(self.db.clone(), self.clock.clone())
    }
}

impl From<Services> for Outbox {
    fn from(services: Services) -> Self {
        services.outbox()
    }
}

impl From<&Services> for Outbox {
    fn from(services: &Services) -> Self {
        services.outbox()
    }
}

/// How many rows a select matches: its joins and conditions with `COUNT(counted)` as the only
/// column.
pub(crate) async fn count_rows<C: sea_orm::ConnectionTrait>(
    conn: &C,
    mut query: sea_orm::sea_query::SelectStatement,
    counted: impl sea_orm::sea_query::IntoColumnRef,
) -> crate::error::AppResult<u64> {
    #[derive(sea_orm::FromQueryResult)]
    struct Count {
        n: i64,
    }
    query.expr_as(
        sea_orm::sea_query::Expr::col(counted).count(),
        sea_orm::sea_query::Alias::new("n"),
    );
    let backend = conn.get_database_backend();
    let row = <Count as sea_orm::FromQueryResult>::find_by_statement(
        sea_orm::StatementBuilder::build(&query, &backend),
    )
    .one(conn)
    .await?;
    Ok(row.map(|r| r.n.max(0) as u64).unwrap_or(0))
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
}
