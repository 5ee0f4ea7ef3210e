//! Use cases: an `Actor` and parsed domain values in, domain values out. No HTTP here.

pub mod accounts;
pub mod audit;
pub mod demo;
pub mod employment;
pub mod identity;
pub mod news;
pub mod notifier;
pub mod org;
pub mod push_queue;
pub mod push_store;
pub mod sms_outbox;
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
