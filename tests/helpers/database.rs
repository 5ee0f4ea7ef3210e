//! One fresh database per test, removed when the test is done with it — also when the test
//! panics, which used to leave PostgreSQL and MySQL databases behind.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use super::Backend;

/// A fresh, empty database; dropping it removes it from the server.
pub struct TestDatabase {
    pub url: String,
    server: Option<Server>,
    /// SQLite's file lives here, removed with it.
    _dir: Option<tempfile::TempDir>,
}

/// Where a PostgreSQL or MySQL test database lives and what it is called.
struct Server {
    admin_url: String,
    name: String,
    backend: DbBackend,
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> TestDatabase {
        let name = format!("fudao_t_{:016x}", rand::random::<u64>());
        let (admin_url, backend, create) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("fudao.db").display()
                );
                return TestDatabase {
                    url,
                    server: None,
                    _dir: Some(dir),
                };
            }
            Backend::Postgres(admin_url) => (
                admin_url,
                DbBackend::Postgres,
                format!("CREATE DATABASE \"{name}\""),
            ),
            Backend::Mysql(admin_url) => (
                admin_url,
                DbBackend::MySql,
                format!(
                    "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                ),
            ),
        };
        let conn = Database::connect(admin_url)
            .await
            .expect("connect to the database server");
        conn.execute_unprepared(&create)
            .await
            .expect("create test database");
        let _ = conn.close().await;
        TestDatabase {
            url: with_database(admin_url, &name),
            server: Some(Server {
                admin_url: admin_url.clone(),
                name,
                backend,
            }),
            _dir: None,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(server) = self.server.take() else {
            return;
        };
        // Drop cannot wait on the test's runtime (it may be the one unwinding, and on a
        // current-thread runtime it is blocked right here): a thread with a runtime of its own.
        let removal = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            // A removal that cannot finish (a server that keeps a lock) must not hang the run.
            runtime.block_on(async {
                let _ =
                    tokio::time::timeout(std::time::Duration::from_secs(20), server.remove()).await;
            });
        });
        // A failed removal must not turn an unwinding test into an abort.
        let _ = removal.join();
    }
}

impl Server {
    async fn remove(&self) {
        let Ok(conn) = Database::connect(&self.admin_url).await else {
            return;
        };
        let name = &self.name;
        match self.backend {
            DbBackend::Postgres => {
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
            _ => {
                // The app under test may still hold a transaction on it, and its runtime cannot
                // run to end it: its connections go first, or the drop would wait for them.
                close_mysql_sessions(&conn, name).await;
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
                    .await;
            }
        }
        let _ = conn.close().await;
    }
}

async fn close_mysql_sessions(conn: &DatabaseConnection, name: &str) {
    let sessions = conn
        .query_all(Statement::from_sql_and_values(
            DbBackend::MySql,
            "SELECT CAST(id AS SIGNED) AS session_id FROM information_schema.processlist \
             WHERE db = ? AND id <> CONNECTION_ID()",
            [name.into()],
        ))
        .await
        .unwrap_or_default();
    for session in sessions {
        if let Ok(id) = session.try_get::<i64>("", "session_id") {
            let _ = conn.execute_unprepared(&format!("KILL {id}")).await;
        }
    }
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

/// Whether the server still has a database of that name.
async fn exists(backend: &Backend, name: &str) -> bool {
    let (admin_url, backend, sql) = match backend {
        Backend::Sqlite => return false,
        Backend::Postgres(url) => (
            url,
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM pg_database WHERE datname = $1",
        ),
        Backend::Mysql(url) => (
            url,
            DbBackend::MySql,
            "SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?",
        ),
    };
    let conn = Database::connect(admin_url).await.expect("connect");
    let row = conn
        .query_one(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await
        .expect("query")
        .expect("a count");
    row.try_get::<i64>("", "n").expect("count") > 0
}

#[tokio::test]
async fn a_panicking_test_leaves_no_database_behind() {
    for backend in super::backends() {
        let (named, name) = tokio::sync::oneshot::channel();
        let probe = backend.clone();
        // A test that panics with its app (and a transaction open on its database) running.
        let failed = tokio::spawn(async move {
            let app = super::TestApp::spawn(&probe, |_| {}).await;
            let txn = sea_orm::TransactionTrait::begin(&app.db)
                .await
                .expect("begin");
            txn.execute_unprepared("UPDATE org_units SET name = name")
                .await
                .expect("update");
            let _ = named.send((app.database_name(), app.url.clone()));
            panic!("the test fails");
        })
        .await;
        assert!(failed.is_err_and(|e| e.is_panic()));
        let (name, url) = name.await.expect("database name");
        match backend {
            Backend::Sqlite => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                assert!(!std::path::Path::new(&path).exists(), "{path}");
            }
            _ => assert!(!exists(&backend, &name).await, "{}: {name}", backend.name()),
        }
    }
}
