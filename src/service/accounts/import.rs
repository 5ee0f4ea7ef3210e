//! Onboarding a college from one spreadsheet: a dry run that lists every row error (with the
//! closest catalog names when a college or major does not match) and writes nothing, then a
//! commit that creates every valid row in one transaction, each new account getting its
//! credentials SMS through the outbox, and reports the rest.

use std::collections::{HashMap, HashSet};

use futures_util::stream::{self, StreamExt, TryStreamExt};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use crate::db::entities::{accounts, majors, org_units};
use crate::domain::account_sheet::{closest, parse_row, AccountLayout, AccountRow};
use crate::domain::education::{EducationLevel, EducationLevels};
use crate::domain::org::OrgKind;
use crate::domain::password::generate_initial;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::sheet::RowError;
use crate::error::{AppError, AppResult};
use crate::infra::password_hash;
use crate::infra::sheet_file::SheetRow;
use crate::service::accounts::handover::{self, CredentialsDownload, Handover, IssuedCredential};
use crate::service::accounts::{insert_account, set_duties_unchecked, welcome, NewRow};
use crate::service::imports::{self, SheetImport};
use crate::service::{audit, RequestMeta, Services};

/// Argon2 hashes computed at once by an import.
const HASHES_IN_FLIGHT: usize = 2;
/// Accounts one file may create: a whole university's counselors fit; more is a mistake.
pub const MAX_ROWS: usize = 3000;

/// A row problem, with catalog names the importer may have meant.
#[derive(Debug, Clone)]
pub struct ImportError {
    pub error: RowError,
    pub suggestions: Vec<String>,
}

/// A row that is (or would be) created.
#[derive(Debug, Clone)]
pub struct Planned {
    pub row: AccountRow,
    pub college: org_units::Model,
    pub major_ids: Vec<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct AccountImportReport {
    pub rows: usize,
    pub errors: Vec<ImportError>,
    pub accounts: Vec<Planned>,
    pub created: usize,
    pub committed: bool,
    /// Without an SMS provider: the file of the created accounts' initial passwords, to fetch
    /// once.
    pub credentials: Option<CredentialsDownload>,
}

/// The colleges an actor imports into: a school admin's whole university, a college admin's
/// own college.
async fn colleges_in_scope(services: &Services, actor: &Actor) -> AppResult<Vec<org_units::Model>> {
    match actor.role {
        Role::SchoolAdmin => Ok(org_units::Entity::find()
            .filter(org_units::Column::ParentId.eq(actor.org_unit_id))
            .filter(org_units::Column::Kind.eq(OrgKind::College))
            .all(&services.db)
            .await?),
        Role::CollegeAdmin => Ok(org_units::Entity::find_by_id(actor.org_unit_id)
            .one(&services.db)
            .await?
            .into_iter()
            .collect()),
        _ => Err(AppError::Forbidden),
    }
}

fn problem(row: usize, column: &str, reason: String, suggestions: Vec<String>) -> ImportError {
    ImportError {
        error: RowError {
            row,
            column: column.to_string(),
            reason,
        },
        suggestions,
    }
}

/// What the database already holds of the file's phones and usernames.
struct Taken {
    /// phone → (username, org path) of the account that has it.
    phones: HashMap<String, (String, String)>,
    usernames: HashSet<String>,
}

async fn taken(services: &Services, rows: &[AccountRow]) -> AppResult<Taken> {
    let phones: Vec<String> = rows.iter().map(|r| r.phone.as_str().to_string()).collect();
    let usernames: Vec<String> = rows
        .iter()
        .map(|r| r.username.as_str().to_string())
        .collect();
    let mut found = Taken {
        phones: HashMap::new(),
        usernames: HashSet::new(),
    };
    for chunk in phones.chunks(500).zip(usernames.chunks(500)) {
        let existing = accounts::Entity::find()
            .filter(
                Condition::any()
                    .add(accounts::Column::Phone.is_in(chunk.0.to_vec()))
                    .add(accounts::Column::Username.is_in(chunk.1.to_vec())),
            )
            .all(&services.db)
            .await?;
        for account in existing {
            if let Some(phone) = account.phone.clone() {
                found
                    .phones
                    .insert(phone, (account.username.clone(), account.org_path.clone()));
            }
            found.usernames.insert(account.username);
        }
    }
    Ok(found)
}

/// What the file's rows are checked against: the importer and the catalog of their scope.
struct AccountImport<'a> {
    services: &'a Services,
    actor: &'a Actor,
    colleges: Vec<org_units::Model>,
    filename: &'a str,
    meta: &'a RequestMeta,
}

/// Phones and usernames met so far in the file: the first row that had each.
#[derive(Default)]
struct Seen {
    phones: HashMap<String, usize>,
    usernames: HashMap<String, usize>,
}

impl AccountImport<'_> {
    /// Every problem of one parsed row, in column order, and what it creates when it has none.
    fn check_row(
        &self,
        row: AccountRow,
        catalog: &[majors::Model],
        taken: &Taken,
        seen: &mut Seen,
    ) -> Result<Planned, Vec<ImportError>> {
        let mut errors = Vec::new();
        let mut fail = |column: &str, reason: String, suggestions: Vec<String>| {
            errors.push(problem(row.row, column, reason, suggestions))
        };
        if !self.actor.role.manages().contains(&row.role) {
            fail(
                "角色",
                format!("无权创建{}账号", row.role.label()),
                Vec::new(),
            );
        }
        let college = self.colleges.iter().find(|c| c.name == row.college);
        let mut major_ids = Vec::new();
        match college {
            None if self.actor.role == Role::CollegeAdmin => {
                let own = self
                    .colleges
                    .first()
                    .map(|c| c.name.as_str())
                    .unwrap_or_default();
                fail("院系", format!("只能导入本院系（{own}）的账号"), Vec::new());
            }
            None => fail(
                "院系",
                format!("院系“{}”不在本校的院系目录中", row.college),
                closest(&row.college, self.colleges.iter().map(|c| c.name.as_str())),
            ),
            Some(college) => major_ids = majors_of(&row, college, catalog, &mut fail),
        }
        let phone = row.phone.as_str().to_string();
        let phone_clash = if let Some(first) = seen.phones.get(&phone) {
            fail("手机号", format!("手机号与第 {first} 行重复"), Vec::new());
            true
        } else if let Some((owner, path)) = taken.phones.get(&phone) {
            // Name the owner only to an admin who can see that account.
            let reason = if self.actor.covers_unit(path) {
                format!("手机号已被账号“{owner}”使用")
            } else {
                "手机号已被其他账号使用".to_string()
            };
            fail("手机号", reason, Vec::new());
            true
        } else {
            false
        };
        let username = row.username.as_str().to_string();
        if phone_clash && username == phone {
            // The username defaults to the phone: one problem, said once.
        } else if let Some(first) = seen.usernames.get(&username) {
            fail("用户名", format!("用户名与第 {first} 行重复"), Vec::new());
        } else if taken.usernames.contains(&username) {
            fail("用户名", format!("用户名“{username}”已被使用"), Vec::new());
        }
        seen.phones.entry(phone).or_insert(row.row);
        seen.usernames.entry(username).or_insert(row.row);
        match college {
            Some(college) if errors.is_empty() => {
                major_ids.sort_unstable();
                major_ids.dedup();
                Ok(Planned {
                    college: college.clone(),
                    major_ids,
                    row,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The catalog ids of a row's majors at its levels in its college; a name the catalog does not
/// have there is a row problem, with the names it does have that come closest.
fn majors_of(
    row: &AccountRow,
    college: &org_units::Model,
    catalog: &[majors::Model],
    fail: &mut impl FnMut(&str, String, Vec<String>),
) -> Vec<i32> {
    let at_levels: Vec<&majors::Model> = catalog
        .iter()
        .filter(|m| m.college_id == college.id)
        .filter(|m| {
            EducationLevel::parse(&m.education_level)
                .map(|level| row.levels.contains(&level))
                .unwrap_or(false)
        })
        .collect();
    let mut major_ids = Vec::new();
    for name in &row.majors {
        let ids: Vec<i32> = at_levels
            .iter()
            .filter(|m| &m.name == name)
            .map(|m| m.id)
            .collect();
        if ids.is_empty() {
            let levels: Vec<&str> = row.levels.iter().map(|l| l.label()).collect();
            fail(
                "负责专业",
                format!(
                    "专业“{name}”不在{}（{}）的专业目录中",
                    college.name,
                    levels.join("、")
                ),
                closest(name, at_levels.iter().map(|m| m.name.as_str())),
            );
        }
        major_ids.extend(ids);
    }
    major_ids
}

fn without_suggestions(errors: Vec<RowError>) -> Vec<ImportError> {
    errors
        .into_iter()
        .map(|error| ImportError {
            error,
            suggestions: Vec::new(),
        })
        .collect()
}

impl SheetImport for AccountImport<'_> {
    type Layout = AccountLayout;
    type Row = AccountRow;
    type Plan = AccountImportReport;
    type Report = AccountImportReport;

    fn admit(&self, rows: usize) -> AppResult<()> {
        if rows > MAX_ROWS {
            return Err(crate::domain::Invalid::new(
                "file",
                format!("一次最多导入 {MAX_ROWS} 个账号，请拆分文件"),
            )
            .into());
        }
        Ok(())
    }

    fn layout(&self, headers: &[String]) -> Result<AccountLayout, Vec<RowError>> {
        AccountLayout::parse(headers)
    }

    fn header_rejected(&self, rows: usize, errors: Vec<RowError>) -> AccountImportReport {
        AccountImportReport {
            rows,
            errors: without_suggestions(errors),
            ..Default::default()
        }
    }

    fn parse(&self, row: &SheetRow, layout: &AccountLayout) -> Result<AccountRow, Vec<RowError>> {
        parse_row(row.number, &row.cells, layout)
    }

    /// Check every row against scope, the catalog, the file and the database.
    async fn plan(
        &self,
        rows: usize,
        parsed: Vec<(usize, AccountRow)>,
        errors: Vec<RowError>,
    ) -> AppResult<AccountImportReport> {
        let mut report = AccountImportReport {
            rows,
            errors: without_suggestions(errors),
            ..Default::default()
        };
        let catalog: Vec<majors::Model> = majors::Entity::find()
            .filter(majors::Column::CollegeId.is_in(self.colleges.iter().map(|c| c.id)))
            .all(&self.services.db)
            .await?;
        let parsed: Vec<AccountRow> = parsed.into_iter().map(|(_, row)| row).collect();
        let taken = taken(self.services, &parsed).await?;
        let mut seen = Seen::default();
        for row in parsed {
            match self.check_row(row, &catalog, &taken, &mut seen) {
                Ok(planned) => report.accounts.push(planned),
                Err(errors) => report.errors.extend(errors),
            }
        }
        report.errors.sort_by_key(|e| e.error.row);
        Ok(report)
    }

    fn writes(plan: &AccountImportReport) -> bool {
        !plan.accounts.is_empty()
    }

    fn report(plan: AccountImportReport) -> AccountImportReport {
        plan
    }

    /// Create every planned account, each with its credentials SMS.
    async fn commit(&self, mut report: AccountImportReport) -> AppResult<AccountImportReport> {
        let (services, actor, meta) = (self.services, self.actor, self.meta);
        // Hashing is the slow part: done before the transaction, on the blocking pool.
        let passwords: Vec<String> = report.accounts.iter().map(|_| generate_initial()).collect();
        // Two at a time: each Argon2 hash takes 19 MiB and a core, and logins share the pool.
        let owned: Vec<String> = passwords.clone();
        let hashes: Vec<String> = stream::iter(owned)
            .map(|password| async move { password_hash::hash(&password).await })
            .buffered(HASHES_IN_FLIGHT)
            .try_collect()
            .await?;
        let txn = services.db.begin().await?;
        let mut shown = Vec::new();
        for ((planned, password), hash) in report.accounts.iter().zip(&passwords).zip(hashes) {
            let row = &planned.row;
            let account = insert_account(
                &txn,
                NewRow {
                    role: row.role,
                    unit: &planned.college,
                    username: &row.username,
                    name: &row.name,
                    phone: Some(&row.phone),
                    password_hash: hash,
                    cohort: row.cohort,
                },
            )
            .await?;
            if row.role == Role::Counselor {
                let levels = EducationLevels::parse(
                    &row.levels.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                )?;
                set_duties_unchecked(&txn, account.id, &levels, &planned.major_ids).await?;
            }
            let handover = welcome(
                services,
                &txn,
                actor,
                meta,
                &account,
                &row.phone,
                password,
                json!({ "import": self.filename, "row": row.row }),
            )
            .await?;
            if let Handover::ShowOnce { password } = handover {
                shown.push(IssuedCredential {
                    row: row.row,
                    name: account.name.clone(),
                    username: account.username.clone(),
                    role: row.role.as_str().to_string(),
                    college: planned.college.name.clone(),
                    phone_masked: row.phone.masked(),
                    password,
                });
            }
        }
        if !shown.is_empty() {
            report.credentials = Some(handover::stash(services, &txn, actor, &shown).await?);
        }
        audit::record(
            &txn,
            Some(actor),
            meta,
            audit::Entry {
                action: "account.import",
                target_type: "org_unit",
                target_id: Some(actor.org_unit_id.to_string()),
                org_path: actor.org_path.as_str(),
                detail: json!({
                    "filename": self.filename,
                    "rows": report.rows,
                    "created": report.accounts.len(),
                    "rejected_rows": report.errors.iter().map(|e| e.error.row).collect::<HashSet<_>>().len(),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        report.created = report.accounts.len();
        report.committed = true;
        Ok(report)
    }
}

/// Check the file, and unless `dry_run` create every valid row.
pub async fn import(
    services: &Services,
    actor: &Actor,
    filename: &str,
    bytes: &[u8],
    dry_run: bool,
    meta: &RequestMeta,
) -> AppResult<AccountImportReport> {
    let colleges = colleges_in_scope(services, actor).await?;
    let permit = services.sheet_parses.acquire().await?;
    let import = AccountImport {
        services,
        actor,
        colleges,
        filename,
        meta,
    };
    imports::run(&import, permit, bytes, dry_run).await
}

/// The headers of the downloadable template, in order.
pub fn template_headers() -> Vec<&'static str> {
    use crate::domain::account_sheet::AccountColumn;
    use crate::domain::sheet::SheetColumn;
    AccountColumn::all().iter().map(|c| c.header()).collect()
}
