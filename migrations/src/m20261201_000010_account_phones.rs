//! One account per phone number, and credentials SMS tied to the account they were written
//! for (not to the number, which may have changed hands): the account page shows only its own
//! messages and a newer message supersedes only the same account's older ones.
//!
//! Duplicate phones already in the database are not resolved here: which account keeps the
//! number is an administrator's decision, so the migration stops and names the accounts.
//! Handled messages that still hold a password (the log provider kept it) lose it.

use std::collections::{BTreeMap, HashMap};

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Phone,
}

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Id,
    AccountId,
    Params,
}

/// Rows updated by one statement.
const CHUNK: usize = 500;

/// Accounts sharing a phone, grouped by phone: the ids an operator must look at.
async fn duplicate_phones(manager: &SchemaManager<'_>) -> Result<Vec<Vec<i32>>, DbErr> {
    let conn = manager.get_connection();
    let rows = conn
        .query_all(Statement::from_string(
            manager.get_database_backend(),
            "SELECT id, phone FROM accounts WHERE phone IN \
             (SELECT phone FROM accounts WHERE phone IS NOT NULL \
              GROUP BY phone HAVING COUNT(*) > 1) ORDER BY phone, id",
        ))
        .await?;
    let mut groups: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        let phone: String = row.try_get("", "phone")?;
        groups.entry(phone).or_default().push(id);
    }
    Ok(groups.into_values().collect())
}

/// The account each message was written for, by the username it carries; and the handled
/// messages that still keep a password, with their parameters without it.
struct Backfill {
    owners: HashMap<i32, Vec<i32>>,
    scrubbed: Vec<(i32, String)>,
}

async fn plan_backfill(manager: &SchemaManager<'_>) -> Result<Backfill, DbErr> {
    let conn = manager.get_connection();
    let backend = manager.get_database_backend();
    let accounts: HashMap<String, i32> = conn
        .query_all(Statement::from_string(
            backend,
            "SELECT id, username FROM accounts",
        ))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get("", "username")?, row.try_get("", "id")?)))
        .collect::<Result<_, DbErr>>()?;
    let messages = conn
        .query_all(Statement::from_string(
            backend,
            "SELECT id, status, params FROM sms_outbox",
        ))
        .await?;
    let mut plan = Backfill {
        owners: HashMap::new(),
        scrubbed: Vec::new(),
    };
    for row in messages {
        let id: i32 = row.try_get("", "id")?;
        let status: String = row.try_get("", "status")?;
        let params: String = row.try_get("", "params")?;
        let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(&params) else {
            continue;
        };
        if let Some(owner) = map
            .get("username")
            .and_then(|u| u.as_str())
            .and_then(|u| accounts.get(u))
        {
            plan.owners.entry(*owner).or_default().push(id);
        }
        let handled = status != "pending" && status != "sending";
        if handled && map.remove("password").is_some() {
            plan.scrubbed
                .push((id, serde_json::Value::Object(map).to_string()));
        }
    }
    Ok(plan)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let duplicates = duplicate_phones(manager).await?;
        if !duplicates.is_empty() {
            let listed: Vec<String> = duplicates
                .iter()
                .map(|ids| {
                    let ids: Vec<String> = ids.iter().map(i32::to_string).collect();
                    format!("[{}]", ids.join(", "))
                })
                .collect();
            return Err(DbErr::Migration(format!(
                "{} phone number(s) belong to more than one account; each group of account ids \
                 shares one number: {}. Give each account its own number (or clear it) through \
                 the admin pages, then migrate again; nothing was changed",
                duplicates.len(),
                listed.join(" ")
            )));
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_accounts_phone")
                    .table(Accounts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_accounts_phone")
                    .table(Accounts::Table)
                    .col(Accounts::Phone)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SmsOutbox::Table)
                    .add_column(ColumnDef::new(SmsOutbox::AccountId).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_outbox_account")
                    .table(SmsOutbox::Table)
                    .col(SmsOutbox::AccountId)
                    .to_owned(),
            )
            .await?;
        let plan = plan_backfill(manager).await?;
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        for (account, ids) in plan.owners {
            for chunk in ids.chunks(CHUNK) {
                let update = Query::update()
                    .table(SmsOutbox::Table)
                    .value(SmsOutbox::AccountId, account)
                    .and_where(Expr::col(SmsOutbox::Id).is_in(chunk.iter().copied()))
                    .to_owned();
                conn.execute(backend.build(&update)).await?;
            }
        }
        for (id, params) in plan.scrubbed {
            let update = Query::update()
                .table(SmsOutbox::Table)
                .value(SmsOutbox::Params, params)
                .and_where(Expr::col(SmsOutbox::Id).eq(id))
                .to_owned();
            conn.execute(backend.build(&update)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_sms_outbox_account")
                    .table(SmsOutbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SmsOutbox::Table)
                    .drop_column(SmsOutbox::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_accounts_phone")
                    .table(Accounts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_accounts_phone")
                    .table(Accounts::Table)
                    .col(Accounts::Phone)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
