//! Connecting to SQLite, PostgreSQL or MySQL through one code path, and migrating.

pub mod entities;

use std::path::Path;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};

use crate::config::DatabaseSettings;

/// Open a pool for the configured URL. For SQLite the file's folder is created first, so the
/// default `data/fudao.db` works in a fresh clone.
pub async fn connect(settings: &DatabaseSettings) -> Result<DatabaseConnection, DbErr> {
    let url = settings.database_url();
    if let Some(path) = sqlite_file(url) {
        if let Some(parent) = Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|error| {
                    DbErr::Custom(format!("cannot create {}: {error}", parent.display()))
                })?;
            }
        }
    }
    let mut options = ConnectOptions::new(url.to_string());
    // SQLite has one writer. Several pooled connections that read and then write inside a
    // transaction fail with SQLITE_BUSY_SNAPSHOT when another connection wrote in between;
    // one connection serialises the app's statements instead (readers outside the app, and
    // other processes, still work through WAL and the busy timeout).
    let max_connections = if sqlite_file(url).is_some() || url.starts_with("sqlite:") {
        1
    } else {
        settings.max_connections
    };
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers work while a writer commits; foreign keys are off by default in SQLite.
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
            .await?;
    }
    Ok(db)
}

/// A read with its values written into the SQL instead of bound. PostgreSQL may run a
/// prepared statement with a generic plan that ignores the values, and report queries over
/// tasks of ten or a hundred thousand counselors need the plan for the values at hand (a hash
/// in memory, not a sort on disk). Only for values the server made itself (ids, org paths).
pub fn inlined<C: ConnectionTrait>(conn: &C, query: &SelectStatement) -> Statement {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => query.to_string(PostgresQueryBuilder),
        DbBackend::MySql => query.to_string(MysqlQueryBuilder),
        DbBackend::Sqlite => query.to_string(SqliteQueryBuilder),
    };
    Statement::from_string(backend, sql)
}

/// The file path inside a `sqlite:` URL, unless it is an in-memory database.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

pub async fn migrate_down(db: &DatabaseConnection, steps: u32) -> Result<(), DbErr> {
    Migrator::down(db, Some(steps)).await
}

/// Names of applied and pending migrations, in order.
pub async fn migration_status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    let applied: Vec<String> = Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .map(|m| {
            let name = m.name().to_string();
            let done = applied.contains(&name);
            (name, done)
        })
        .collect())
}

pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            sqlite_file("sqlite://data/fudao.db?mode=rwc"),
            Some("data/fudao.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
