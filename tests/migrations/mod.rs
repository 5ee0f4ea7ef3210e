//! Databases created by earlier versions of the migration files reach today's schema.

mod old_files;

use migrations::{MigrationTrait, Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use crate::helpers::{backends, TestDatabase};

const CATCH_UP: &str = "m20261202_000013_catch_up_6_7";

/// Today's migrations with 6 and 7 as first released.
struct FirstReleases;

impl MigratorTrait for FirstReleases {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        Migrator::migrations()
            .into_iter()
            .map(|migration| -> Box<dyn MigrationTrait> {
                match migration.name() {
                    "m20261129_000006_import_progress" => Box::new(old_files::ImportProgress),
                    "m20261129_000007_sms_news_attachments" => {
                        Box::new(old_files::SmsNewsAttachments)
                    }
                    _ => migration,
                }
            })
            .collect()
    }
}

/// Migrations that run before the catch-up.
fn before_catch_up() -> u32 {
    let position = Migrator::migrations()
        .iter()
        .position(|m| m.name() == CATCH_UP)
        .expect("the catch-up is registered");
    u32::try_from(position).expect("few migrations")
}

/// Tables, columns (type, nullability, default) and indexes, one line each, sorted; the
/// migrations' own bookkeeping left out.
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS line FROM sqlite_master \
             WHERE name NOT LIKE 'seaql%' AND name NOT LIKE 'sqlite_%'"
        }
        DbBackend::Postgres => {
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
             || ' ' || COALESCE(column_default, '') || ' ' \
             || COALESCE(character_maximum_length::text, '') AS line \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> 'seaql_migrations' \
             UNION ALL SELECT indexdef AS line FROM pg_indexes \
             WHERE schemaname = 'public' AND tablename <> 'seaql_migrations'"
        }
        DbBackend::MySql => {
            "SELECT CONCAT_WS(' ', table_name, column_name, column_type, is_nullable, \
             COALESCE(column_default, ''), extra) AS line FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name <> 'seaql_migrations' \
             UNION ALL SELECT CONCAT_WS(' ', table_name, index_name, seq_in_index, column_name, \
             non_unique) AS line FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND table_name <> 'seaql_migrations'"
        }
    };
    let mut lines: Vec<String> = db
        .query_all(Statement::from_string(backend, sql))
        .await
        .expect("schema query")
        .iter()
        .map(|row| row.try_get::<String>("", "line").expect("line"))
        .collect();
    lines.sort();
    lines
}

async fn connect(database: &TestDatabase) -> DatabaseConnection {
    Database::connect(&database.url).await.expect("connect")
}

#[tokio::test]
async fn a_database_migrated_by_the_first_releases_of_6_and_7_catches_up() {
    for backend in backends() {
        let current_database = TestDatabase::create(&backend).await;
        let current = connect(&current_database).await;
        Migrator::up(&current, None).await.expect("current files");
        let fresh = schema(&current).await;

        let old_database = TestDatabase::create(&backend).await;
        let old = connect(&old_database).await;
        FirstReleases::up(&old, Some(before_catch_up()))
            .await
            .expect("first releases");
        let before = schema(&old).await;
        let missing: Vec<&String> = fresh.iter().filter(|l| !before.contains(l)).collect();
        assert!(
            missing
                .iter()
                .any(|l| l.contains("ix_employment_tallies_university"))
                && missing.iter().any(|l| l.contains("ix_sms_outbox_phone")),
            "{}: the old files lack both indexes: {missing:?}",
            backend.name()
        );
        if backend.name() == "mysql" {
            assert!(
                missing.iter().any(|l| l.contains("report mediumtext")),
                "the old report column is TEXT: {missing:?}"
            );
        }
        Migrator::up(&old, None).await.expect("catch-up");
        assert_eq!(schema(&old).await, fresh, "{}", backend.name());
    }
}

#[tokio::test]
async fn the_catch_up_changes_nothing_on_a_database_of_the_current_files() {
    for backend in backends() {
        let database = TestDatabase::create(&backend).await;
        let db = connect(&database).await;
        Migrator::up(&db, Some(before_catch_up()))
            .await
            .expect("current files");
        let before = schema(&db).await;
        Migrator::up(&db, Some(1)).await.expect("catch-up");
        assert_eq!(schema(&db).await, before, "{}", backend.name());
        // Undone and done again, as `migrate down` / `migrate up` would.
        Migrator::down(&db, Some(1)).await.expect("down");
        Migrator::up(&db, Some(1)).await.expect("up again");
        assert_eq!(schema(&db).await, before, "{}", backend.name());
    }
}
