//! Connecting to SQLite, PostgreSQL or MySQL through one code path, and migrating.

pub mod entities;

use std::path::Path;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder,
};
use sea_orm::sqlx::error::{DatabaseError, ErrorKind};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, RuntimeErr,
    Statement,
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

/// The database's own error behind a failed statement, when the database raised one.
fn database_error(error: &DbErr) -> Option<&dyn DatabaseError> {
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(sea_orm::sqlx::Error::Database(error)))
        | DbErr::Query(RuntimeErr::SqlxError(sea_orm::sqlx::Error::Database(error)))
        | DbErr::Conn(RuntimeErr::SqlxError(sea_orm::sqlx::Error::Database(error))) => {
            Some(error.as_ref())
        }
        _ => None,
    }
}

/// Whether a statement failed on a unique or primary key: by the driver's reading of the error
/// code (SQLite 2067/1555, PostgreSQL 23505, MySQL 1062 and kin), never the message.
pub fn is_unique_violation(error: &DbErr) -> bool {
    database_error(error).is_some_and(|error| matches!(error.kind(), ErrorKind::UniqueViolation))
}

/// Which unique index a violation is about, for callers that tell two apart: PostgreSQL names
/// the constraint; MySQL and SQLite only name it inside their message, which is returned then.
pub fn unique_violation_detail(error: &DbErr) -> Option<&str> {
    let error =
        database_error(error).filter(|error| matches!(error.kind(), ErrorKind::UniqueViolation))?;
    Some(error.constraint().unwrap_or_else(|| error.message()))
}

/// SQLSTATE 40001 (serialization failure; MySQL's deadlock 1213 carries it too) and PostgreSQL's
/// 40P01 (deadlock detected): the database aborted the statement to break a cycle of waits.
const RETRYABLE_SQLSTATES: [&str; 2] = ["40001", "40P01"];
/// SQLite's SQLITE_BUSY (5) and SQLITE_BUSY_SNAPSHOT (517): another connection holds the write.
const RETRYABLE_SQLITE_CODES: [&str; 2] = ["5", "517"];

/// Whether running the same statement (or transaction) again may succeed: the database broke a
/// deadlock or a serialization conflict by aborting this one. Read from the error code.
pub fn is_retryable(error: &DbErr) -> bool {
    let Some(error) = database_error(error) else {
        return false;
    };
    let Some(code) = error.code() else {
        return false;
    };
    let sqlite = error
        .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some();
    if sqlite {
        RETRYABLE_SQLITE_CODES.contains(&code.as_ref())
    } else {
        RETRYABLE_SQLSTATES.contains(&code.as_ref())
    }
}

/// The URL with its password replaced by `***`, fit for a log line or the console.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***{}", &rest[at..])
        }
        None => url.to_string(),
    }
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

/// A statement error carrying a database error `code`, for tests of error handling.
#[cfg(test)]
pub(crate) fn coded_error(code: &'static str) -> DbErr {
    tests::failed(code)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::error::Error as StdError;
    use std::fmt;

    use super::*;

    /// A database error with a given code, as a driver would hand it over.
    #[derive(Debug)]
    struct Coded(&'static str);

    impl fmt::Display for Coded {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // A message that mentions a deadlock: the code alone must decide.
            write!(f, "deadlock detected (not really)")
        }
    }

    impl StdError for Coded {}

    impl DatabaseError for Coded {
        fn message(&self) -> &str {
            "deadlock detected (not really)"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn StdError + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn StdError + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            ErrorKind::Other
        }
    }

    pub(super) fn failed(code: &'static str) -> DbErr {
        DbErr::Exec(RuntimeErr::SqlxError(sea_orm::sqlx::Error::Database(
            Box::new(Coded(code)),
        )))
    }

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(
            redacted_url("postgres://fudao:s3cret@db:5432/fudao"),
            "postgres://fudao:***@db:5432/fudao"
        );
        assert_eq!(
            redacted_url("sqlite://data/fudao.db?mode=rwc"),
            "sqlite://data/fudao.db?mode=rwc"
        );
    }

    #[test]
    fn retryable_errors_are_told_by_their_code() {
        assert!(is_retryable(&failed("40001")));
        assert!(is_retryable(&failed("40P01")));
        assert!(!is_retryable(&failed("23505")));
        assert!(!is_retryable(&failed("42601")));
        // Text alone never makes an error retryable.
        assert!(!is_retryable(&DbErr::Custom(
            "Deadlock found when trying to get lock".into()
        )));
    }

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
